// SPDX-License-Identifier: MIT
/*
 * The emulated Intel I/OAT (CBDMA) channel (`--device ioat`,
 * src/emu/ioat.c) driven as a driver drives it: through a VFIO cdev bound
 * to an iommufd, BAR0 mapped with mmap() and programmed by loads and
 * stores. Identity and version, the channel reset, one copy and chains
 * counted by DMACOUNT, the completion writeback, CHANSTS in each state
 * (active, done, suspended, halted), suspend and resume, abort, CHANERR
 * for each fault the IOMMU gives and the recovery from it, the MSI-X
 * interrupt gated by INT_REARM, register accesses of odd widths and
 * offsets, and a device reset or close while copies run.
 *
 * The register layout below is the hardware's (Intel's CBDMA
 * documentation, as the kernel's drivers/dma/ioat/registers.h gives it),
 * written out here rather than taken from the model's header, so that a
 * wrong offset in the model fails here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "udma_helpers.h"

/* Device registers */
#define CHANCNT	   0x00
#define XFERCAP	   0x01
#define GENCTRL	   0x02
#define INTRCTRL   0x03
#define ATTNSTATUS 0x04
#define CBVER	   0x08
#define INTRDELAY  0x0c
#define DMACAP	   0x10
/* Channel 0 */
#define CHANCTRL  0x80
#define CHANCMP	  0x82 /* compatibility */
#define CHANCMD	  0x84
#define DMACOUNT  0x86
#define CHANSTS	  0x88
#define CHAINADDR 0x90
#define CMPADDR	  0x98
#define CDAR	  0xa0
#define CHANERR	  0xa8
#define ERRMASK	  0xac
#define DCACTRL	  0xb0
#define BAR_LEN	  0x4000
#define MSIX_TAB  0x2000

#define INTRCTRL_MASTER	    0x01
#define INTRCTRL_INT_STATUS 0x02
#define INTRCTRL_INT	    0x04
#define INTRCTRL_MSIX	    0x08

#define CTRL_INT_REARM	0x0001
#define CTRL_ERR_CMP_EN 0x0004
#define CTRL_ERR_INT_EN 0x0010
#define CTRL_IN_USE	0x0100

#define CMD_START   0x01
#define CMD_SUSPEND 0x04
#define CMD_ABORT   0x08
#define CMD_RESUME  0x10
#define CMD_RESET   0x20

#define STS_ACTIVE    0
#define STS_DONE      1
#define STS_SUSPENDED 2
#define STS_HALTED    3
#define STS_MASK      7ULL

#define ERR_NEXT_ADDR  0x00000004
#define ERR_CHAIN_ADDR 0x00000010
#define ERR_CHANCMD    0x00000020
#define ERR_READ_DATA  0x00000100
#define ERR_WRITE_DATA 0x00000200
#define ERR_CONTROL    0x00000400
#define ERR_LENGTH     0x00000800
#define ERR_CMP_ADDR   0x00001000

struct desc {
	uint32_t size;
	uint32_t ctl;
	uint64_t src, dst, next;
	uint64_t rsvd[4];
};

#define D_INT_EN      0x00000001
#define D_COMPL_WRITE 0x00000008
#define D_NULL	      0x00000020
#define D_OP_XOR      (0x87u << 24)

/* Where the test maps what: descriptors, completion, data */
#define IOVA_DESC 0x100000UL
#define IOVA_CMP  0x200000UL
#define IOVA_RO	  0x300000UL /* read-only to the device */
#define IOVA_SRC  0x1000000UL
#define IOVA_DST  0x2000000UL
#define IOVA_HOLE 0x7000000UL /* nothing there */
#define NDESC	  64
#define BUF_LEN	  (2UL << 20)
#define MIB	  (1u << 20)

static struct uiommufd_device_info ioat;

static struct {
	int ctx, dev;
	uint32_t ioas;
	volatile uint8_t *bar;
	struct desc *desc;
	uint64_t *cmp;
	uint8_t *src, *dst, *ro;
} f;

/* cmocka's SIGSEGV handler, installed around each test, via the engine */
static void take_segv(void)
{
	struct sigaction cur;

	assert_int_equal(0, sigaction(SIGSEGV, NULL, &cur));
	assert_int_equal(1, uiommufd_sigaction(SIGSEGV, &cur, NULL));
}

static int map_at(void *va, uint64_t iova, size_t len, uint32_t flags)
{
	return ioas_map(f.ctx, f.ioas, va, len, &iova,
			IOMMU_IOAS_MAP_FIXED_IOVA | flags)
		       ? -1
		       : 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&f, 0, sizeof(f));
	if (open_attached(ioat.vfio_index, &f.ctx, &f.dev, &f.ioas))
		return -1;
	f.desc = map_anon(PAGE_SZ);
	f.cmp = map_anon(PAGE_SZ);
	f.ro = map_anon(PAGE_SZ);
	f.src = map_anon(BUF_LEN);
	f.dst = map_anon(BUF_LEN);
	for (size_t i = 0; i != BUF_LEN; i++)
		f.src[i] = (uint8_t)(i * 7 + i / 4093);
	if (map_at(f.desc, IOVA_DESC, PAGE_SZ, RW) ||
	    map_at(f.cmp, IOVA_CMP, PAGE_SZ, RW) ||
	    map_at(f.ro, IOVA_RO, PAGE_SZ, IOMMU_IOAS_MAP_READABLE) ||
	    map_at(f.src, IOVA_SRC, BUF_LEN, RW) ||
	    map_at(f.dst, IOVA_DST, BUF_LEN, RW))
		return -1;
	bus_master(f.dev);
	if (uiommufd_mmap(NULL, BAR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			  f.dev, 0, (void **)&f.bar))
		return -1;
	return 0;
}

static void unmap_bar(void)
{
	if (!f.bar)
		return;
	munmap((void *)f.bar, BAR_LEN);
	uiommufd_munmap((void *)f.bar, BAR_LEN);
	f.bar = NULL;
}

static int teardown(void **state)
{
	(void)state;
	unmap_bar();
	if (f.dev >= 0)
		uiommufd_close(f.dev);
	uiommufd_close(f.ctx);
	munmap(f.desc, PAGE_SZ);
	munmap(f.cmp, PAGE_SZ);
	munmap(f.ro, PAGE_SZ);
	munmap(f.src, BUF_LEN);
	munmap(f.dst, BUF_LEN);
	return 0;
}

/*
 * Register accesses as the kernel's readb()..writeq() make them: one mov
 * each. A plain volatile dereference is not enough: clang folds a load
 * into the instruction that uses it (testq $7, CHANSTS), which the
 * engine's trap does not decode (docs/differences.md).
 */
#define MMIO_READ(name, type, sfx, reg)                             \
	static type name(unsigned int off)                          \
	{                                                           \
		type v;                                             \
                                                                    \
		asm volatile("mov" sfx " %1, %0"                    \
			     : "=" reg(v)                           \
			     : "m"(*(volatile type *)(f.bar + off)) \
			     : "memory");                           \
		return v;                                           \
	}
#define MMIO_WRITE(name, type, sfx, reg)                                    \
	static void name(unsigned int off, type v)                          \
	{                                                                   \
		asm volatile("mov" sfx " %0, %1"                            \
			     :                                              \
			     : reg(v), "m"(*(volatile type *)(f.bar + off)) \
			     : "memory");                                   \
	}
MMIO_READ(R8, uint8_t, "b", "q")
MMIO_READ(R16, uint16_t, "w", "r")
MMIO_READ(R32, uint32_t, "l", "r")
MMIO_READ(R64, uint64_t, "q", "r")
MMIO_WRITE(W8, uint8_t, "b", "q")
MMIO_WRITE(W16, uint16_t, "w", "r")
MMIO_WRITE(W32, uint32_t, "l", "r")
MMIO_WRITE(W64, uint64_t, "q", "r")

#define DESC_IOVA(i) (IOVA_DESC + (uint64_t)(i) * sizeof(struct desc))

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i != len; i++)
		if (p[i])
			return false;
	return true;
}

static unsigned int status(void)
{
	return (unsigned int)(R64(CHANSTS) & STS_MASK);
}

/* CHANSTS once the channel leaves ACTIVE (or 10 s have gone) */
static unsigned int wait_idle(void)
{
	for (int i = 0; i != 100000 && status() == STS_ACTIVE; i++)
		usleep(100);
	return status();
}

/* A copy descriptor @i of @size from src + @so to dst + @doff */
static void copy_desc(unsigned int i, uint32_t size, uint32_t ctl, uint64_t so,
		      uint64_t doff)
{
	f.desc[i] = (struct desc){
		.size = size,
		.ctl = ctl,
		.src = IOVA_SRC + so,
		.dst = IOVA_DST + doff,
		.next = DESC_IOVA((i + 1) % NDESC),
	};
}

/* What a driver does first: clear errors, reset, completion address */
static void chan_init(void)
{
	W32(CHANERR, R32(CHANERR));
	W8(CHANCMD, CMD_RESET);
	assert_int_equal(0, R8(CHANCMD));
	assert_int_equal(STS_HALTED, status());
	W64(CMPADDR, IOVA_CMP);
}

static void start(unsigned int first, uint16_t count)
{
	W64(CHAINADDR, DESC_IOVA(first));
	W16(DMACOUNT, count);
}

/* Identity, as the selftest's and the kernel's drivers probe it */
static void test_identity(void **state)
{
	uint32_t id = 0;

	(void)state;
	take_segv();
	assert_int_equal(4, uiommufd_pread(f.dev, &id, 4, CFG(0)));
	assert_int_equal(0x20218086, id);
	/* The error registers in config space the selftest driver reads */
	assert_int_equal(4, uiommufd_pread(f.dev, &id, 4, CFG(0x180)));
	assert_int_equal(0, id);
	assert_int_equal(4, uiommufd_pread(f.dev, &id, 4, CFG(0x148)));
	assert_int_equal(0, id);
	assert_int_equal(0x33, R8(CBVER));
	assert_int_equal(1, R8(CHANCNT));
	assert_int_equal(20, R8(XFERCAP));
	assert_int_equal(0, R32(DMACAP));
	assert_int_equal(2, R16(CHANCMP));
	/* The first read of CHANCTRL claims the channel */
	assert_int_equal(0, R16(CHANCTRL));
	assert_int_equal(CTRL_IN_USE, R16(CHANCTRL));
	/* Released by a write without IN_USE */
	W16(CHANCTRL, 0);
	assert_int_equal(0, R16(CHANCTRL));
	assert_int_equal(CTRL_IN_USE, R16(CHANCTRL));
	W8(GENCTRL, 0xff);
	assert_int_equal(1, R8(GENCTRL));
	W16(INTRDELAY, 0xffff);
	assert_int_equal(0x3fff, R16(INTRDELAY));
	W32(ERRMASK, ~0u);
	assert_int_equal(0x7ffff, R32(ERRMASK));
	/* DCA is not modelled: DCACTRL only holds what was written */
	W32(DCACTRL, 0x8000001f);
	assert_int_equal(0x8000001f, R32(DCACTRL));
	/* CHANCMD 0 is no command, not an error */
	W8(CHANCMD, 0);
	assert_int_equal(0, R32(CHANERR));
	assert_int_equal(STS_HALTED, status());
}

/* The channel reset: registers back, CHANERR kept, the count restarted */
static void test_reset(void **state)
{
	(void)state;
	take_segv();
	assert_int_equal(STS_HALTED, status());
	W64(CHAINADDR, 0x1234000);
	W64(CMPADDR, 0x5678007);
	assert_int_equal(0x5678000, R64(CMPADDR));
	W16(CHANCTRL, CTRL_IN_USE | CTRL_INT_REARM | CTRL_ERR_INT_EN);
	/* Two commands at once: an error */
	W8(CHANCMD, CMD_SUSPEND | CMD_RESUME);
	assert_int_equal(STS_HALTED, status());
	assert_int_equal(ERR_CHANCMD, R32(CHANERR));
	/* The version 1 START is no command of this one */
	W32(CHANERR, ERR_CHANCMD);
	W8(CHANCMD, CMD_START);
	assert_int_equal(ERR_CHANCMD, R32(CHANERR));
	W8(CHANCMD, CMD_RESET);
	assert_int_equal(STS_HALTED, status());
	assert_int_equal(0, R64(CHAINADDR));
	assert_int_equal(0, R64(CMPADDR));
	assert_int_equal(0, R16(DMACOUNT));
	assert_int_equal(0, R64(CDAR));
	assert_int_equal(CTRL_IN_USE, R16(CHANCTRL));
	assert_int_equal(ERR_CHANCMD, R32(CHANERR));
	/* A halt by an error holds DMACOUNT until CHANERR is cleared */
	copy_desc(0, 64, 0, 0, 0);
	start(0, 1);
	usleep(20000);
	assert_int_equal(STS_HALTED, status());
	assert_true(all_zero(f.dst, 64));
	W32(CHANERR, ERR_CHANCMD);
	assert_int_equal(0, R32(CHANERR));
	W16(DMACOUNT, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src, 64);
}

/* One copy, its completion writeback and CHANSTS */
static void test_single_copy(void **state)
{
	(void)state;
	take_segv();
	chan_init();
	copy_desc(0, 4096 + 3, D_COMPL_WRITE, 5, 11);
	start(0, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst + 11, f.src + 5, 4096 + 3);
	assert_true(all_zero(f.dst, 11));
	assert_true(all_zero(f.dst + 11 + 4096 + 3, 4096));
	assert_int_equal(DESC_IOVA(0) | STS_DONE, f.cmp[0]);
	assert_int_equal(DESC_IOVA(0) | STS_DONE, R64(CHANSTS));
	assert_int_equal(DESC_IOVA(0), R64(CDAR));
	assert_int_equal(1, R16(DMACOUNT));
	/* The largest transfer, 1 MiB, in one descriptor */
	copy_desc(1, MIB, D_COMPL_WRITE, MIB, 0);
	W16(DMACOUNT, 2);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src + MIB, MIB);
	assert_int_equal(DESC_IOVA(1) | STS_DONE, f.cmp[0]);
}

/*
 * A chain of descriptors taken as DMACOUNT gives them: the channel stops
 * at the count, the next write of DMACOUNT carries on from there.
 */
static void test_chain(void **state)
{
	uint32_t sizes[8] = {1, 63, 64, 4096, 4097, 0, 100, 65536};
	uint64_t off[8];

	(void)state;
	take_segv();
	chan_init();
	for (unsigned int i = 0, o = 0; i != 8; i++) {
		off[i] = o;
		copy_desc(i, sizes[i], D_COMPL_WRITE, o + 1, o);
		o += sizes[i] + 8;
	}
	f.desc[5].ctl = D_NULL | D_COMPL_WRITE; /* does nothing */
	start(0, 5);
	assert_int_equal(STS_DONE, wait_idle());
	assert_int_equal(DESC_IOVA(4) | STS_DONE, R64(CHANSTS));
	assert_int_equal(DESC_IOVA(4) | STS_DONE, f.cmp[0]);
	for (unsigned int i = 0; i != 5; i++)
		assert_memory_equal(f.dst + off[i], f.src + off[i] + 1,
				    sizes[i]);
	assert_true(all_zero(f.dst + off[5], off[7] + 65536 - off[5]));
	W16(DMACOUNT, 8);
	assert_int_equal(STS_DONE, wait_idle());
	assert_int_equal(DESC_IOVA(7) | STS_DONE, f.cmp[0]);
	for (unsigned int i = 5; i != 8; i++)
		assert_memory_equal(f.dst + off[i], f.src + off[i] + 1,
				    sizes[i]);
	/* A new chain address on an idle channel starts the count again */
	memset(f.dst, 0, 256);
	copy_desc(20, 256, D_COMPL_WRITE, 4000, 0);
	start(20, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src + 4000, 256);
	assert_int_equal(DESC_IOVA(20) | STS_DONE, f.cmp[0]);
	/*
	 * A writeback before the chain's end says ACTIVE; descriptors
	 * without COMPL_WRITE leave it alone
	 */
	f.cmp[0] = 0;
	copy_desc(21, 8, D_COMPL_WRITE, 0, 0);
	copy_desc(22, 8, 0, 0, 0);
	W16(DMACOUNT, 3);
	assert_int_equal(STS_DONE, wait_idle());
	assert_int_equal(DESC_IOVA(21) | STS_ACTIVE, f.cmp[0]);
	assert_int_equal(DESC_IOVA(22) | STS_DONE, R64(CHANSTS));
}

/* ACTIVE with work held (no bus mastering), SUSPENDED, resumed, DONE */
static void test_suspend_resume(void **state)
{
	uint16_t cmd = 0x2; /* memory, no bus master */

	(void)state;
	take_segv();
	chan_init();
	assert_int_equal(2, uiommufd_pwrite(f.dev, &cmd, 2, CFG(4)));
	copy_desc(0, 4096, D_COMPL_WRITE, 0, 0);
	start(0, 1);
	usleep(20000);
	assert_int_equal(STS_ACTIVE, status());
	assert_true(all_zero(f.dst, 4096));
	W8(CHANCMD, CMD_SUSPEND);
	assert_int_equal(STS_SUSPENDED, status());
	bus_master(f.dev);
	usleep(20000);
	assert_int_equal(STS_SUSPENDED, status());
	assert_true(all_zero(f.dst, 4096));
	W8(CHANCMD, CMD_RESUME);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src, 4096);
	/* Resuming a channel that is not suspended does nothing */
	W8(CHANCMD, CMD_RESUME);
	assert_int_equal(STS_DONE, status());
	/* Suspending an idle channel, as the selftest's driver does */
	W8(CHANCMD, CMD_SUSPEND);
	assert_int_equal(STS_SUSPENDED, status());
	/* A halted channel stays halted */
	W8(CHANCMD, CMD_RESET);
	W8(CHANCMD, CMD_SUSPEND);
	assert_int_equal(STS_HALTED, status());
}

/* CHANSTS's completed-descriptor address */
static uint64_t completed(void)
{
	return R64(CHANSTS) & ~0x3fULL;
}

/*
 * Suspend while the channel copies: it finishes the descriptor on the
 * bus, stops before the next, and carries on when resumed. The chain is
 * a ring of 1 MiB copies given 65535 times: far more than the test waits
 * for.
 */
static void test_suspend_busy(void **state)
{
	uint64_t done, half;

	(void)state;
	take_segv();
	chan_init();
	for (unsigned int i = 0; i != NDESC; i++)
		copy_desc(i, MIB, 0, (i % 2) * MIB, (i % 2) * MIB);
	start(0, 0xffff);
	W8(CHANCMD, CMD_SUSPEND);
	assert_int_equal(STS_SUSPENDED, wait_idle());
	done = completed();
	usleep(20000);
	assert_int_equal(done | STS_SUSPENDED, R64(CHANSTS));
	/* Resumed, it makes progress */
	W8(CHANCMD, CMD_RESUME);
	for (int i = 0; i != 100000 && completed() == done; i++)
		usleep(100);
	assert_int_not_equal(done, completed());
	assert_int_equal(STS_ACTIVE, status());
	/* Suspended on the bus: the descriptor taken last is the one done */
	W8(CHANCMD, CMD_SUSPEND);
	assert_int_equal(STS_SUSPENDED, wait_idle());
	done = completed();
	assert_int_equal(done, R64(CDAR));
	usleep(20000);
	assert_int_equal(done | STS_SUSPENDED, R64(CHANSTS));
	/* Its copy is whole */
	half = ((done - IOVA_DESC) / sizeof(struct desc)) % 2 * MIB;
	assert_memory_equal(f.dst + half, f.src + half, MIB);
	W8(CHANCMD, CMD_RESET);
}

/* Abort drops what was given: HALTED, no error, and a reset restarts */
static void test_abort(void **state)
{
	uint16_t cmd = 0x2;

	(void)state;
	take_segv();
	chan_init();
	assert_int_equal(2, uiommufd_pwrite(f.dev, &cmd, 2, CFG(4)));
	copy_desc(0, 4096, 0, 0, 0);
	start(0, 1);
	W8(CHANCMD, CMD_ABORT);
	assert_int_equal(STS_HALTED, status());
	assert_int_equal(0, R32(CHANERR));
	bus_master(f.dev);
	usleep(20000);
	assert_true(all_zero(f.dst, 4096));
	W8(CHANCMD, CMD_RESET);
	W64(CMPADDR, IOVA_CMP);
	start(0, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src, 4096);
}

/*
 * One faulting chain: CHANSTS halted at the descriptor completed last
 * (@last_done: in this chain, or the one before it), the error in CHANERR
 * (and with ERR_CMP_EN in the completion writeback), nothing more done
 * until software clears CHANERR and resets.
 */
static void expect_fault(uint64_t last_done, uint32_t err)
{
	assert_int_equal(STS_HALTED, wait_idle());
	assert_int_equal(err, R32(CHANERR));
	assert_int_equal(last_done | STS_HALTED, f.cmp[0]);
	assert_int_equal(last_done | STS_HALTED, R64(CHANSTS));
	/* Held: more work given does not start */
	W16(DMACOUNT, (uint16_t)(R16(DMACOUNT) + 1));
	assert_int_equal(STS_HALTED, status());
	/* Recovery as the kernel's ioatdma does it */
	W32(CHANERR, err);
	assert_int_equal(0, R32(CHANERR));
	W8(CHANCMD, CMD_RESET);
	W64(CMPADDR, IOVA_CMP);
	W16(CHANCTRL, CTRL_ERR_CMP_EN);
	copy_desc(NDESC - 1, 512, D_COMPL_WRITE, 8192, 0);
	memset(f.dst, 0, 512);
	start(NDESC - 1, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src + 8192, 512);
	assert_int_equal(DESC_IOVA(NDESC - 1) | STS_DONE, f.cmp[0]);
}

static void test_faults(void **state)
{
	(void)state;
	take_segv();
	chan_init();
	W16(CHANCTRL, CTRL_ERR_CMP_EN);
	/* The chain's first descriptor at an unmapped IOVA */
	W64(CHAINADDR, IOVA_HOLE);
	W16(DMACOUNT, 1);
	expect_fault(0, ERR_NEXT_ADDR);
	/* From here the recovery copy of the last case was done last */
	/* A descriptor whose next pointer goes nowhere */
	copy_desc(0, 64, 0, 0, 0);
	copy_desc(1, 64, 0, 64, 64);
	f.desc[1].next = IOVA_HOLE;
	start(0, 3);
	expect_fault(DESC_IOVA(1), ERR_NEXT_ADDR);
	/* A chain address that is not 64-byte aligned */
	W64(CHAINADDR, DESC_IOVA(0) + 8);
	W16(DMACOUNT, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_CHAIN_ADDR);
	/* The source unmapped */
	copy_desc(0, 64, 0, 0, 0);
	f.desc[0].src = IOVA_HOLE;
	start(0, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_READ_DATA);
	/* The destination unmapped, after a good descriptor */
	copy_desc(0, 64, 0, 0, 0);
	copy_desc(1, 64, 0, 0, 0);
	f.desc[1].dst = IOVA_HOLE + 64;
	start(0, 2);
	expect_fault(DESC_IOVA(0), ERR_WRITE_DATA);
	/* The destination read-only to the device */
	copy_desc(0, 64, 0, 0, 0);
	f.desc[0].dst = IOVA_RO;
	start(0, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_WRITE_DATA);
	assert_int_equal(0, f.ro[0]);
	/* A copy running off the end of the source mapping */
	copy_desc(0, 8192, 0, BUF_LEN - 4096, 0);
	start(0, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_READ_DATA);
	/* An operation the channel does not offer (DMACAP: copies only) */
	copy_desc(0, 64, 0, 0, 0);
	f.desc[0].ctl = D_OP_XOR;
	start(0, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_CONTROL);
	/* Longer than XFERCAP */
	copy_desc(0, MIB + 1, 0, 0, 0);
	start(0, 1);
	expect_fault(DESC_IOVA(NDESC - 1), ERR_LENGTH);
}

/* The completion address unmapped: a fault of its own */
static void test_completion_fault(void **state)
{
	(void)state;
	take_segv();
	chan_init();
	W64(CMPADDR, IOVA_HOLE);
	copy_desc(0, 64, D_COMPL_WRITE, 0, 0);
	start(0, 1);
	assert_int_equal(STS_HALTED, wait_idle());
	assert_int_equal(ERR_CMP_ADDR, R32(CHANERR));
	/* The copy itself was done */
	assert_memory_equal(f.dst, f.src, 64);
	/* Write-1-to-clear: 0 and other bits clear nothing */
	W32(CHANERR, 0);
	W32(CHANERR, ERR_NEXT_ADDR);
	assert_int_equal(ERR_CMP_ADDR, R32(CHANERR));
	W32(CHANERR, ~0u);
	assert_int_equal(0, R32(CHANERR));
}

/* Was the eventfd signaled within @ms (and reset)? */
static bool fired(int efd, int ms)
{
	struct pollfd p = {.fd = efd, .events = POLLIN};
	uint64_t n;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(efd, &n, sizeof(n)) == sizeof(n);
}

static void copy_one(uint32_t ctl, uint16_t count)
{
	copy_desc(count - 1, 64, ctl | D_COMPL_WRITE, 0, 0);
	if (count == 1)
		W64(CHAINADDR, DESC_IOVA(0));
	W16(DMACOUNT, count);
	assert_int_equal(STS_DONE, wait_idle());
}

/* MSI-X vector 0 on a descriptor's INT_EN, once per INT_REARM */
static void test_msix(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	(void)state;
	take_segv();
	assert_true(efd >= 0);
	assert_int_equal(0, set_msix_eventfd(f.dev, efd));
	chan_init();
	W8(INTRCTRL, INTRCTRL_MSIX);
	assert_int_equal(INTRCTRL_MSIX, R8(INTRCTRL));
	/* Not re-armed: no message, no attention */
	copy_one(D_INT_EN, 1);
	assert_false(fired(efd, 50));
	assert_int_equal(0, R32(ATTNSTATUS));
	/* Re-armed: one message, and the arm spent */
	W16(CHANCTRL, CTRL_INT_REARM);
	copy_one(D_INT_EN, 2);
	assert_true(fired(efd, 5000));
	assert_int_equal(0, R16(CHANCTRL) & CTRL_INT_REARM);
	assert_int_equal(INTRCTRL_MSIX | INTRCTRL_INT_STATUS, R8(INTRCTRL));
	/* ATTNSTATUS: read to clear */
	assert_int_equal(1, R32(ATTNSTATUS));
	assert_int_equal(0, R32(ATTNSTATUS));
	assert_int_equal(INTRCTRL_MSIX, R8(INTRCTRL));
	copy_one(D_INT_EN, 3);
	assert_false(fired(efd, 50));
	/* Armed, but the descriptor asks for none */
	W16(CHANCTRL, CTRL_INT_REARM);
	copy_one(0, 4);
	assert_false(fired(efd, 50));
	assert_int_equal(CTRL_INT_REARM, R16(CHANCTRL) & CTRL_INT_REARM);
	/* Interrupts off in INTRCTRL: the attention bit, no message */
	W8(INTRCTRL, 0);
	copy_one(D_INT_EN, 5);
	assert_false(fired(efd, 50));
	assert_int_equal(1, R32(ATTNSTATUS));
	/* The master enable alone sends it too, and INTRCTRL says so */
	W8(INTRCTRL, INTRCTRL_MASTER);
	W16(CHANCTRL, CTRL_INT_REARM);
	copy_one(D_INT_EN, 6);
	assert_true(fired(efd, 5000));
	assert_int_equal(INTRCTRL_MASTER | INTRCTRL_INT_STATUS | INTRCTRL_INT,
			 R8(INTRCTRL));
	assert_int_equal(1, R32(ATTNSTATUS));
	/* An error interrupts with ERR_INT_EN, re-armed or not */
	W16(CHANCTRL, CTRL_ERR_INT_EN);
	W64(CHAINADDR, IOVA_HOLE);
	W16(DMACOUNT, 1);
	assert_int_equal(STS_HALTED, wait_idle());
	assert_true(fired(efd, 5000));
	assert_int_equal(ERR_NEXT_ADDR, R32(CHANERR));
	close(efd);
}

/*
 * Accesses of other widths and offsets, as the model documents them: an
 * access reaches every register it covers, a partial write merges into
 * the register, an offset holding no register reads 0 and drops writes,
 * read-only registers drop writes, and the MSI-X table reads as ones.
 */
static void test_odd_accesses(void **state)
{
	uint16_t cmd = 0x2; /* memory, no bus master: nothing runs */
	uint64_t v = 0;
	uint8_t b;

	(void)state;
	take_segv();
	chan_init();
	assert_int_equal(2, uiommufd_pwrite(f.dev, &cmd, 2, CFG(4)));
	/* One 4-byte load over CHANCTRL and the compatibility register */
	W16(CHANCTRL, CTRL_ERR_CMP_EN);
	assert_int_equal(2u << 16 | CTRL_ERR_CMP_EN, R32(CHANCTRL));
	/* One 4-byte store over CHANCMD and DMACOUNT: both take it */
	W32(CHANCMD, 0x00050000 | CMD_SUSPEND);
	assert_int_equal(5, R16(DMACOUNT));
	assert_int_equal(STS_ACTIVE, status());
	/* A byte of DMACOUNT merges into it */
	W8(DMACOUNT + 1, 0x01);
	assert_int_equal(0x0105, R16(DMACOUNT));
	/* A 64-bit register in two halves, and a byte of it */
	W32(CHAINADDR, 0x89abcdc0);
	W32(CHAINADDR + 4, 0x01234567);
	assert_int_equal(0x0123456789abcdc0ULL, R64(CHAINADDR));
	assert_int_equal(0x23, R8(CHAINADDR + 6));
	W8(CHAINADDR + 7, 0xfe);
	assert_int_equal(0xfe23456789abcdc0ULL, R64(CHAINADDR));
	/* Offsets without a register */
	W32(0x40, 0xffffffff);
	assert_int_equal(0, R32(0x40));
	assert_int_equal(0, R64(0x100));
	assert_int_equal(0, R8(0x3c));
	/* Read-only registers */
	W8(CBVER, 0);
	W8(CHANCNT, 9);
	W64(CDAR, 0x1000);
	assert_int_equal(0x33, R8(CBVER));
	assert_int_equal(1, R8(CHANCNT));
	assert_int_equal(0, R64(CDAR));
	/* The MSI-X table through pread: ones */
	assert_int_equal(8, uiommufd_pread(f.dev, &v, 8, MSIX_TAB));
	assert_int_equal(~0ULL, v);
	/* pread past the BAR: EINVAL */
	assert_int_equal(-EINVAL, uiommufd_pread(f.dev, &b, 1, BAR_LEN));
	/* A misaligned 8-byte pread is split, and reads the same bytes */
	W64(CMPADDR, 0);
	assert_int_equal(8, uiommufd_pread(f.dev, &v, 8, CHAINADDR + 1));
	assert_int_equal(0xfe23456789abcdc0ULL >> 8, v);
	/* A 3-byte pwrite into CMPADDR, split as well */
	v = 0x112233;
	assert_int_equal(3, uiommufd_pwrite(f.dev, &v, 3, CMPADDR + 1));
	assert_int_equal(0x11223300ULL, R64(CMPADDR));
	/* Nothing of it ran */
	assert_int_equal(0, R32(CHANERR));
	assert_int_equal(STS_ACTIVE, status());
}

/* Start a long chain: 64 MiB of copies */
static void start_long(void)
{
	chan_init();
	for (unsigned int i = 0; i != NDESC; i++)
		copy_desc(i, MIB, 0, (i % 2) * MIB, (i % 2) * MIB);
	start(0, NDESC);
}

/* VFIO_DEVICE_RESET while copies run: the channel forgets them */
static void test_reset_in_flight(void **state)
{
	(void)state;
	take_segv();
	for (int round = 0; round != 3; round++) {
		start_long();
		usleep((useconds_t)round * 1000);
		assert_int_equal(0, ioc(f.dev, VFIO_DEVICE_RESET, NULL));
		/* The reset waited for the copy on the bus: nothing lands now
		 */
		memset(f.dst, 0, BUF_LEN);
		/* Every register at its power-on value at once */
		assert_int_equal(STS_HALTED, status());
		assert_int_equal(0, R16(DMACOUNT));
		assert_int_equal(0, R64(CHAINADDR));
		assert_int_equal(0, R32(CHANERR));
		usleep(20000);
		assert_true(all_zero(f.dst, BUF_LEN));
		assert_int_equal(STS_HALTED, status());
		assert_int_equal(0, R64(CDAR));
	}
	/* The configuration (bus mastering) is restored after the reset */
	chan_init();
	copy_desc(0, 4096, D_COMPL_WRITE, 0, 0);
	start(0, 1);
	assert_int_equal(STS_DONE, wait_idle());
	assert_memory_equal(f.dst, f.src, 4096);
}

/* Closing the device while it copies stops the worker (ASan: no leak) */
static void test_close_in_flight(void **state)
{
	(void)state;
	take_segv();
	start_long();
	unmap_bar();
	assert_int_equal(0, uiommufd_close(f.dev));
	f.dev = -1;
	/* The function opens again, idle and reset */
	f.dev = uiommufd_vfio_cdev_open((unsigned int)ioat.vfio_index,
					O_CLOEXEC);
	assert_true(f.dev >= 0);
	assert_int_equal(0, bind(f.dev, f.ctx, NULL));
	{
		uint32_t pt = f.ioas;

		assert_int_equal(0, attach(f.dev, &pt));
	}
	assert_int_equal(0,
			 uiommufd_mmap(NULL, BAR_LEN, PROT_READ | PROT_WRITE,
				       MAP_SHARED, f.dev, 0, (void **)&f.bar));
	assert_int_equal(STS_HALTED, status());
	assert_int_equal(0, R16(DMACOUNT));
	/* And the IOAS unmapped under a running chain: a clean halt */
	bus_master(f.dev);
	start_long();
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_SRC, BUF_LEN, NULL));
	assert_int_equal(STS_HALTED, wait_idle());
	assert_int_equal(ERR_READ_DATA, R32(CHANERR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_single_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_suspend_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completion_fault, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_msix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_odd_accesses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset_in_flight, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_close_in_flight, setup,
						teardown),
	};

	if (uiommufd_devices_add("ioat") || uiommufd_device_info(0, &ioat))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
