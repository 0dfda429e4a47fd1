// SPDX-License-Identifier: MIT
/*
 * Register BARs mapped with mmap(): udma's BAR0 driven by loads and stores
 * as a DPDK poll-mode driver or the kernel's VFIO selftest drivers do.
 * Every access reaches the device with its width and side effects, in
 * order (write-1-to-clear, a self-clearing reset, the doorbell starting a
 * DMA); the instruction forms compilers emit (mov of 1 to 8 bytes, with
 * register or immediate, movzx, movsx, the high-byte and REX registers)
 * each once; the ALU forms clang folds volatile accesses into (test,
 * cmp, add ... xor to a register or read-modify-write, not, neg, inc,
 * dec), whose result, flags and branch must be those of the same
 * instruction on memory; from several threads; the region info that says
 * the BAR is mappable; a read-only mapping; the MSI-X table reading as
 * ones; SIGBUS with memory decoding off; and the program's own SIGSEGV
 * handler still getting the faults that are not BAR accesses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "udma_helpers.h"

#define BAR0	  ((off_t)VFIO_PCI_BAR0_REGION_INDEX << 40)
#define IOVA_BUF  0x200000UL
#define IOVA_RING 0x100000UL

static struct uiommufd_device_info udma;

static struct {
	int ctx, dev;
	uint32_t ioas;
	volatile uint8_t *regs;
	void *ring, *buf;
} f;

/* Faults the program's own handlers saw */
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t segv_seen, bus_seen;
static void *volatile fault_addr;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	segv_seen++;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static void on_segv_plain(int sig)
{
	(void)sig;
	segv_seen++;
	siglongjmp(fault_jmp, 1);
}

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	bus_seen = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

/*
 * cmocka sets its own SIGSEGV handler around every test with signal(),
 * which this program (on the C API, without the shim) does not route
 * through the engine: hand it to the engine, whose handler comes back.
 */
static void take_segv(void)
{
	struct sigaction cur;

	assert_int_equal(0, sigaction(SIGSEGV, NULL, &cur));
	assert_int_equal(1, uiommufd_sigaction(SIGSEGV, &cur, NULL));
}

static void handle(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction act = {.sa_sigaction = fn, .sa_flags = SA_SIGINFO};

	sigemptyset(&act.sa_mask);
	/* Through the engine once it owns SIGSEGV, as the shim would */
	if (!uiommufd_sigaction(sig, &act, NULL))
		assert_int_equal(0, sigaction(sig, &act, NULL));
}

static int setup(void **state)
{
	uint64_t iova;

	(void)state;
	memset(&f, 0, sizeof(f));
	if (open_attached(udma.vfio_index, &f.ctx, &f.dev, &f.ioas))
		return -1;
	f.ring = map_anon(PAGE_SZ);
	f.buf = map_anon(PAGE_SZ);
	iova = IOVA_RING;
	if (ioas_map(f.ctx, f.ioas, f.ring, PAGE_SZ, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			     IOMMU_IOAS_MAP_WRITEABLE))
		return -1;
	iova = IOVA_BUF;
	if (ioas_map(f.ctx, f.ioas, f.buf, PAGE_SZ, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			     IOMMU_IOAS_MAP_WRITEABLE))
		return -1;
	bus_master(f.dev);
	if (uiommufd_mmap(NULL, UDMA_BAR_REGS_LEN, PROT_READ | PROT_WRITE,
			  MAP_SHARED, f.dev, BAR0, (void **)&f.regs))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (f.regs) {
		munmap((void *)f.regs, UDMA_BAR_REGS_LEN);
		uiommufd_munmap((void *)f.regs, UDMA_BAR_REGS_LEN);
	}
	uiommufd_close(f.dev);
	uiommufd_close(f.ctx);
	munmap(f.ring, PAGE_SZ);
	munmap(f.buf, PAGE_SZ);
	return 0;
}

#define R32(off)    (*(volatile uint32_t *)(f.regs + (off)))
#define R64(off)    (*(volatile uint64_t *)(f.regs + (off)))
#define R16(off)    (*(volatile uint16_t *)(f.regs + (off)))
#define R8(off)	    (*(volatile uint8_t *)(f.regs + (off)))
#define W32(off, v) (*(volatile uint32_t *)(f.regs + (off)) = (v))
#define W64(off, v) (*(volatile uint64_t *)(f.regs + (off)) = (v))

static void test_region_info(void **state)
{
	struct {
		struct vfio_region_info info;
		struct vfio_info_cap_header cap;
	} ri = {.info = {.argsz = sizeof(ri.info), .index = 0}};

	(void)state;
	take_segv();
	assert_int_equal(0, ioc(f.dev, VFIO_DEVICE_GET_REGION_INFO, &ri));
	assert_int_equal(
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
		ri.info.flags);
	/* The chain did not fit: the size it needs, no offset */
	assert_int_equal(sizeof(ri), ri.info.argsz);
	assert_int_equal(0, ri.info.cap_offset);
	ri.info.argsz = sizeof(ri);
	assert_int_equal(0, ioc(f.dev, VFIO_DEVICE_GET_REGION_INFO, &ri));
	assert_int_equal(sizeof(ri.info), ri.info.cap_offset);
	assert_int_equal(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, ri.cap.id);
	assert_int_equal(1, ri.cap.version);
	assert_int_equal(0, ri.cap.next);
}

/* The widths and instruction forms, checked against pread/pwrite */
static void test_widths(void **state)
{
	uint64_t v64;
	uint32_t v32;

	(void)state;
	take_segv();
	assert_int_equal(UDMA_ID, R32(UDMA_REG_ID));
	assert_int_equal((UDMA_ID >> 8) & 0xff, R8(UDMA_REG_ID + 1));
	assert_int_equal(UDMA_ID >> 16, R16(UDMA_REG_ID + 2));
	assert_int_equal((uint64_t)UDMA_VERSION << 32 | UDMA_ID,
			 R64(UDMA_REG_ID));
	/* An 8-byte store, alignment bits dropped by the device */
	W64(UDMA_REG_RING_BASE, 0x123456789abcdeffULL);
	assert_int_equal(0x9abcdee0, reg_read(f.dev, UDMA_REG_RING_BASE));
	assert_int_equal(0x123456789abcdee0ULL, R64(UDMA_REG_RING_BASE));
	/* movl $imm32 and movq $imm32 (sign-extended) */
	asm volatile("movl $0x5000, %0"
		     : "=m"(*(uint32_t *)(f.regs + UDMA_REG_WB_ADDR)));
	asm volatile("movq $-32, %0"
		     : "=m"(*(uint64_t *)(f.regs + UDMA_REG_RING_BASE)));
	assert_int_equal(0x5000, reg_read(f.dev, UDMA_REG_WB_ADDR));
	assert_int_equal(0xffffffffffffffe0ULL, R64(UDMA_REG_RING_BASE));
	/* movzx and movsx of a byte and a word */
	asm volatile("movzbl %1, %0"
		     : "=r"(v32)
		     : "m"(*(uint8_t *)(f.regs + UDMA_REG_ID + 3)));
	assert_int_equal(UDMA_ID >> 24, v32);
	asm volatile("movsbq %1, %0"
		     : "=r"(v64)
		     : "m"(*(uint8_t *)(f.regs + UDMA_REG_RING_BASE + 7)));
	assert_int_equal(~0ULL, v64);
	asm volatile("movswl %1, %0"
		     : "=r"(v32)
		     : "m"(*(uint16_t *)(f.regs + UDMA_REG_RING_BASE)));
	assert_int_equal(0xffffffe0, v32);
	asm volatile("movzwq %1, %0"
		     : "=r"(v64)
		     : "m"(*(uint16_t *)(f.regs + UDMA_REG_RING_BASE)));
	assert_int_equal(0xffe0, v64);
	/* A high-byte register keeps the rest of rax */
	v64 = 0x1111111111111111ULL;
	asm volatile("movb %1, %%ah"
		     : "+a"(v64)
		     : "m"(*(uint8_t *)(f.regs + UDMA_REG_ID)));
	assert_int_equal(0x1111111111117511ULL, v64);
	/* r8-r15, a 16-bit store through a REX register */
	asm volatile("movw $0x2345, %%r9w\n\tmovw %%r9w, %0"
		     : "=m"(*(uint16_t *)(f.regs + UDMA_REG_WB_ADDR + 4))
		     :
		     : "r9");
	assert_int_equal(0x234500005000ULL, R64(UDMA_REG_WB_ADDR) & ~0xfULL);
	/* movnti */
	asm volatile("movnti %1, %0"
		     : "=m"(*(uint32_t *)(f.regs + UDMA_REG_IRQ_MASK))
		     : "r"((uint32_t)UDMA_IRQ_DONE));
	assert_int_equal(UDMA_IRQ_DONE, reg_read(f.dev, UDMA_REG_IRQ_MASK));
	/* The MSI-X table reads as ones and takes no writes */
	W32(UDMA_MSIX_TABLE, 0);
	assert_int_equal(0xffffffff, R32(UDMA_MSIX_TABLE));
	/* A misaligned load: byte by byte, as a bus splits it */
	asm volatile("movl (%1), %0" : "=r"(v32) : "r"(f.regs + 1));
	assert_int_equal((UDMA_ID >> 8) | (UDMA_VERSION & 0xff) << 24, v32);
	/* A self-clearing reset */
	W32(UDMA_REG_CONTROL, UDMA_CTRL_RESET);
	assert_int_equal(0, R32(UDMA_REG_CONTROL));
	assert_int_equal(0, R64(UDMA_REG_RING_BASE));
}

/* The doorbell: a fill descriptor run by a store to RING_HEAD */
static void test_doorbell(void **state)
{
	struct udma_desc *ring = f.ring;

	(void)state;
	take_segv();
	W64(UDMA_REG_RING_BASE, IOVA_RING);
	W32(UDMA_REG_RING_SIZE, 4);
	W32(UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE);
	W32(UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	ring[0] = (struct udma_desc){.op = UDMA_OP_FILL | UDMA_OP_IRQ,
				     .src = 0x5a5a5a5a5a5a5a5aULL,
				     .dst = IOVA_BUF,
				     .len = (uint32_t)PAGE_SZ};
	W32(UDMA_REG_RING_HEAD, 1);
	for (int i = 0; i != 100000 && R32(UDMA_REG_RING_TAIL) != 1; i++)
		usleep(10);
	assert_int_equal(1, R32(UDMA_REG_RING_TAIL));
	assert_int_equal(UDMA_DESC_DONE,
			 __atomic_load_n(&ring[0].status, __ATOMIC_ACQUIRE));
	assert_int_equal(0x5a, ((uint8_t *)f.buf)[PAGE_SZ - 1]);
	assert_int_equal(1, R64(UDMA_REG_COMPLETED));
	/* Write-1-to-clear: the done bit goes, a 0 write changes nothing */
	assert_int_equal(UDMA_IRQ_DONE, R32(UDMA_REG_IRQ_STATUS));
	W32(UDMA_REG_IRQ_STATUS, 0);
	assert_int_equal(UDMA_IRQ_DONE, R32(UDMA_REG_IRQ_STATUS));
	W32(UDMA_REG_IRQ_STATUS, UDMA_IRQ_DONE);
	assert_int_equal(0, R32(UDMA_REG_IRQ_STATUS));
}

/*
 * Register accesses from several threads at once, as relaxed atomics:
 * the same instructions, which ThreadSanitizer does not take for a race
 */
static uint32_t reg32_load(uint32_t off)
{
	return __atomic_load_n((uint32_t *)(f.regs + off), __ATOMIC_RELAXED);
}

static void *reader(void *arg)
{
	uintptr_t bad = 0;

	(void)arg;
	for (int i = 0; i != 2000; i++) {
		bad += reg32_load(UDMA_REG_ID) != UDMA_ID;
		bad += reg32_load(UDMA_REG_VERSION) != UDMA_VERSION;
		__atomic_store_n((uint32_t *)(f.regs + UDMA_REG_IRQ_MASK),
				 UDMA_IRQ_DONE, __ATOMIC_RELAXED);
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	void *bad;

	(void)state;
	take_segv();
	for (int i = 0; i != 4; i++)
		assert_int_equal(0, pthread_create(&t[i], NULL, reader, NULL));
	for (int i = 0; i != 4; i++) {
		assert_int_equal(0, pthread_join(t[i], &bad));
		assert_null(bad);
	}
	assert_int_equal(UDMA_IRQ_DONE, R32(UDMA_REG_IRQ_MASK));
}

static uint64_t bar_read64(uint32_t off)
{
	uint64_t v = 0;

	assert_int_equal(8, uiommufd_pread(f.dev, &v, 8, off));
	return v;
}

/*
 * Run text (an instruction on the memory at %[m] and the register %[r])
 * with every status flag set before (not, inc and dec keep some), and
 * return the status flags it leaves: popf and pushf below the red zone
 */
#define ALU_RUN(text, memp, regv)                              \
	({                                                     \
		uint64_t fl_;                                  \
		asm volatile("lea -128(%%rsp), %%rsp\n\t"      \
			     "pushq $0x8d7\n\t"                \
			     "popfq\n\t" text "\n\t"           \
			     "pushfq\n\t"                      \
			     "popq %[fl]\n\t"                  \
			     "lea 128(%%rsp), %%rsp"           \
			     : [fl] "=&r"(fl_), [r] "+r"(regv) \
			     : [m] "r"(memp)                   \
			     : "cc", "memory");                \
		fl_ & 0x8d5; /* CF PF AF ZF SF OF */           \
	})

/* Ordinary memory holding what the register holds, 8-byte aligned */
static uint64_t plain_reg;

/*
 * text at byte sub of RING_BASE (64 bits, read-write but for bits 4:0)
 * holding init, and on plain memory holding the same: the same flags,
 * register and memory after
 */
#define ALU_SAME(text, sub, init, regval)                                     \
	do {                                                                  \
		uint64_t bar_r_ = (regval), mem_r_ = (regval);                \
		uint64_t bar_fl_, mem_fl_;                                    \
                                                                              \
		W64(UDMA_REG_RING_BASE, (init));                              \
		plain_reg = bar_read64(UDMA_REG_RING_BASE);                   \
		assert_int_equal((init), plain_reg);                          \
		bar_fl_ = ALU_RUN(text, f.regs + UDMA_REG_RING_BASE + (sub),  \
				  bar_r_);                                    \
		mem_fl_ =                                                     \
			ALU_RUN(text, (uint8_t *)&plain_reg + (sub), mem_r_); \
		assert_int_equal(mem_fl_, bar_fl_);                           \
		assert_int_equal(mem_r_, bar_r_);                             \
		assert_int_equal(plain_reg, bar_read64(UDMA_REG_RING_BASE));  \
	} while (0)

/* test and cmp as clang emits them for if (reg & m) and if (reg == v) */
static void test_alu_compare(void **state)
{
	static const uint64_t vals[] = {
		0,
		0x20,
		0x8000000000000000ULL,
		0xffffffffffffffe0ULL,
		0x00007fff80000040ULL,
		0x12345678ff7f0080ULL,
	};
	uint64_t r;

	(void)state;
	take_segv();
	for (unsigned int i = 0; i != sizeof(vals) / sizeof(vals[0]); i++) {
		uint64_t v = vals[i];

		ALU_SAME("testq $0x7, (%[m])", 0, v, r = 0);
		ALU_SAME("testq $-0x80, (%[m])", 0, v, r = 0);
		ALU_SAME("testl $0x80000000, 4(%[m])", 0, v, r = 0);
		ALU_SAME("testw $0x8000, 2(%[m])", 0, v, r = 0);
		ALU_SAME("testb $0x80, (%[m])", 0, v, r = 0);
		ALU_SAME("testq %q[r], (%[m])", 0, v, r = 0x20);
		ALU_SAME("testb %b[r], 7(%[m])", 0, v, r = 0x7f);
		ALU_SAME("cmpq $0x20, (%[m])", 0, v, r = 0);
		ALU_SAME("cmpq $-1, (%[m])", 0, v, r = 0);
		ALU_SAME("cmpl $0x7fff8000, 4(%[m])", 0, v, r = 0);
		ALU_SAME("cmpw $0x4000, 6(%[m])", 0, v, r = 0);
		ALU_SAME("cmpb $0x41, 3(%[m])", 0, v, r = 0);
		ALU_SAME("cmpq %q[r], (%[m])", 0, v, r = 0x20);
		ALU_SAME("cmpl (%[m]), %k[r]", 0, v, r = 0x80000000);
		ALU_SAME("cmpw 2(%[m]), %w[r]", 0, v, r = 0x7fff);
		ALU_SAME("cmpb 1(%[m]), %b[r]", 0, v, r = 0xff);
	}
}

/* Loads folded into an ALU op, and read-modify-writes of the register */
static void test_alu_update(void **state)
{
	uint64_t r, v = 0x12345678ff7f0080ULL;

	(void)state;
	take_segv();
	ALU_SAME("addl (%[m]), %k[r]", 0, v, r = ~0ULL);
	ALU_SAME("andq (%[m]), %q[r]", 0, v, r = 0xf0f0f0f0f0f0f0f0ULL);
	ALU_SAME("subw 4(%[m]), %w[r]", 0, v, r = 0x1111);
	ALU_SAME("stc\n\tadcb 7(%[m]), %b[r]", 0, v, r = 0xee);
	ALU_SAME("orl $1, 4(%[m])", 0, v, r = 0);
	ALU_SAME("andl $0xfffffffe, 4(%[m])", 0, v, r = 0);
	ALU_SAME("addq $0x20, (%[m])", 0, v, r = 0);
	ALU_SAME("addq $-0x80, (%[m])", 0, v, r = 0);
	ALU_SAME("xorq %q[r], (%[m])", 0, v, r = 0x8000000000000fe0ULL);
	ALU_SAME("subl %k[r], 4(%[m])", 0, v, r = 0x12345679);
	ALU_SAME("stc\n\tsbbw $1, 6(%[m])", 0, v, r = 0);
	ALU_SAME("orb %b[r], 5(%[m])", 0, v, r = 0x81);
	ALU_SAME("xorb $0xff, 4(%[m])", 0, v, r = 0);
	ALU_SAME("notl 4(%[m])", 0, v, r = 0);
	ALU_SAME("negw 6(%[m])", 0, v, r = 0);
	ALU_SAME("stc\n\tincb 4(%[m])", 0, v, r = 0);
	ALU_SAME("decl 4(%[m])", 0, v, r = 0);
	ALU_SAME("decl 4(%[m])", 0, 0x20, r = 0);
}

/* The program takes the branch the register's value says */
static bool ring_base_low_set(void)
{
	asm goto("testq $0x7fe0, %0\n\t"
		 "jnz %l[set]"
		 :
		 : "m"(*(uint64_t *)(f.regs + UDMA_REG_RING_BASE))
		 : "cc"
		 : set);
	return false;
set:
	return true;
}

static bool ring_base_below(uint32_t v)
{
	asm goto("cmpl %1, %0\n\t"
		 "jb %l[below]"
		 :
		 : "m"(*(uint32_t *)(f.regs + UDMA_REG_RING_BASE)), "r"(v)
		 : "cc"
		 : below);
	return false;
below:
	return true;
}

static void test_alu_branch(void **state)
{
	(void)state;
	take_segv();
	W64(UDMA_REG_RING_BASE, 0x20);
	assert_true(ring_base_low_set());
	assert_false(ring_base_below(0x20));
	assert_true(ring_base_below(0x21));
	W64(UDMA_REG_RING_BASE, 0x100000000ULL);
	assert_false(ring_base_low_set());
	assert_true(ring_base_below(1));
	/* The compiler's own: a volatile load in a test */
	assert_int_equal(0, R64(UDMA_REG_RING_BASE) & 0x1f);
	if (R32(UDMA_REG_ID) != UDMA_ID)
		fail();
}

/* Faults that are not BAR accesses reach the program's handler */
static void test_chained_faults(void **state)
{
	volatile uint32_t *ro = NULL;
	char *guard = map_anon(PAGE_SZ);

	(void)state;
	take_segv();
	handle(SIGSEGV, on_segv);
	assert_int_equal(0, mprotect(guard, PAGE_SZ, PROT_NONE));
	segv_seen = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*(volatile char *)guard = 1;
	assert_int_equal(1, segv_seen);
	assert_ptr_equal(guard, fault_addr);
	/* A store to a read-only mapping of the BAR is a fault too */
	assert_int_equal(0, uiommufd_mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED,
					  f.dev, BAR0, (void **)&ro));
	assert_int_equal(UDMA_ID, ro[0]);
	if (!sigsetjmp(fault_jmp, 1))
		ro[UDMA_REG_IRQ_MASK / 4] = 0;
	assert_int_equal(2, segv_seen);
	/* After munmap the addresses are nothing of the device's */
	munmap((void *)ro, PAGE_SZ);
	uiommufd_munmap((void *)ro, PAGE_SZ);
	if (!sigsetjmp(fault_jmp, 1))
		(void)ro[0];
	assert_int_equal(3, segv_seen);
	munmap(guard, PAGE_SZ);
}

/* With no handler of the program's, its faults end it as they would */
static void test_default_actions(void **state)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	struct sigaction plain = {.sa_handler = on_segv_plain};
	uint16_t cmd = 0, saved;
	void *guard = mmap(NULL, PAGE_SZ, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	(void)state;
	assert_true(guard != MAP_FAILED);
	/* A handler without SA_SIGINFO gets the fault too */
	sigemptyset(&plain.sa_mask);
	assert_int_equal(1, uiommufd_sigaction(SIGSEGV, &plain, NULL));
	segv_seen = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*(volatile int *)guard = 0;
	assert_int_equal(1, segv_seen);
	pid = fork();
	if (!pid) {
		uiommufd_sigaction(SIGSEGV, &dfl, NULL);
		*(volatile int *)guard = 0;
		_exit(0);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(SIGSEGV, WTERMSIG(status));
	/*
	 * Memory decoding off before the fork: a child's calls on the
	 * device would go to us, its owner, but its copy of our mapping
	 * traps to its copy of the model (docs/multiprocess.md)
	 */
	assert_int_equal(2, uiommufd_pread(f.dev, &saved, 2, CFG(4)));
	assert_int_equal(2, uiommufd_pwrite(f.dev, &cmd, 2, CFG(4)));
	pid = fork();
	if (!pid) {
		signal(SIGBUS, SIG_DFL);
		(void)R32(UDMA_REG_ID);
		_exit(0);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_int_equal(2, uiommufd_pwrite(f.dev, &saved, 2, CFG(4)));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(SIGBUS, WTERMSIG(status));
	munmap(guard, PAGE_SZ);
}

/* Memory decoding off: SIGBUS, as a vfio-pci mapping gives */
static void test_sigbus(void **state)
{
	uint16_t cmd = 0;

	(void)state;
	take_segv();
	handle(SIGBUS, on_bus);
	assert_int_equal(
		2,
		uiommufd_pwrite(f.dev, &cmd, 2,
				(off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40 | 4));
	bus_seen = 0;
	if (!sigsetjmp(fault_jmp, 1))
		(void)R32(UDMA_REG_ID);
	assert_int_equal(BUS_ADRERR, bus_seen);
	assert_ptr_equal(f.regs + UDMA_REG_ID, fault_addr);
	bus_master(f.dev);
	assert_int_equal(UDMA_ID, R32(UDMA_REG_ID));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_region_info, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alu_compare, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alu_update, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alu_branch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chained_faults, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigbus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_actions, setup,
						teardown),
	};

	if (uiommufd_devices_add("udma") || uiommufd_device_info(0, &udma))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
