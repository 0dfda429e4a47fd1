// SPDX-License-Identifier: MIT
/*
 * Register accesses to an emulated device (udma's BAR0), in one run: a
 * load and a store through the BAR's mmap (trapped: SIGSEGV, decode, the
 * device's register op, return), a doorbell store that starts a
 * descriptor, the same register through pread/pwrite of the device file,
 * and a plain load and store to ordinary memory as the baseline. Also
 * what the platform charges for any trap: a fault on a PROT_NONE page
 * with a handler that only steps over the instruction, and a system call
 * (on a machine whose system calls are slow, traps are too).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/uiommufd.h>
#include <uiommufd/vfio.h>

#include "bench_row.h"

#define N	  200000
#define RING	  64
#define IOVA_RING 0x100000UL
#define IOVA_BUF  0x200000UL

static int dev, ctx;
static volatile uint32_t *regs;
static struct udma_desc *ring;

static void map_at(void *va, uint64_t iova, uint32_t ioas)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = 4096,
		.iova = iova,
	};

	check(uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, (unsigned long)&map), "MAP");
}

static void setup(void)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	uint16_t cmd = 0x6; /* memory, bus master */

	check(uiommufd_devices_add("udma"), "devices_add");
	dev = uiommufd_vfio_cdev_open(0, 0);
	ctx = uiommufd_open(0);
	check(dev, "open vfio0");
	check(ctx, "open iommufd");
	bind.iommufd = ctx;
	check(uiommufd_ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD,
			     (unsigned long)&bind),
	      "BIND");
	check(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, (unsigned long)&alloc),
	      "IOAS_ALLOC");
	at.pt_id = alloc.out_ioas_id;
	check(uiommufd_ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
			     (unsigned long)&at),
	      "ATTACH");
	ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	map_at(ring, IOVA_RING, alloc.out_ioas_id);
	map_at(mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	       IOVA_BUF, alloc.out_ioas_id);
	check(uiommufd_pwrite(dev, &cmd, 2,
			      ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4),
	      "command");
	check(uiommufd_mmap(NULL, UDMA_BAR_REGS_LEN, PROT_READ | PROT_WRITE,
			    MAP_SHARED, dev, 0, (void **)&regs),
	      "mmap BAR0");
}

#ifdef __x86_64__
static void step_over(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)si;
	((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RIP] += 2; /* 8b 00 */
}

/* ns per fault of a load from a PROT_NONE page, the handler doing nothing */
static double bare_fault(void)
{
	struct sigaction act = {.sa_sigaction = step_over,
				.sa_flags = SA_SIGINFO};
	struct sigaction old;
	void *page =
		mmap(NULL, 4096, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double t0, t;

	sigemptyset(&act.sa_mask);
	sigaction(SIGSEGV, &act, &old);
	t0 = now_ns();
	for (int i = 0; i != N / 10; i++)
		asm volatile("movl (%%rax), %%eax" ::"a"(page));
	t = (now_ns() - t0) / (N / 10);
	sigaction(SIGSEGV, &old, NULL);
	munmap(page, 4096);
	return t;
}
#endif

static void report(const char *what, double ns, double base)
{
	printf("  %-34s %9.1f ns  (%.0fx a plain store)\n", what, ns,
	       ns / base);
}

/* ns per doorbell store, the engine copying 64 bytes per descriptor */
static double doorbells(void)
{
	double t = 0, t0;
	uint32_t head = 0;

	regs[UDMA_REG_RING_BASE / 4] = (uint32_t)IOVA_RING;
	regs[UDMA_REG_RING_BASE / 4 + 1] = 0;
	regs[UDMA_REG_RING_SIZE / 4] = RING;
	regs[UDMA_REG_CONTROL / 4] = UDMA_CTRL_ENABLE;
	for (int round = 0; round != N / RING; round++) {
		for (int i = 0; i != RING - 1; i++) {
			ring[head] = (struct udma_desc){
				.op = UDMA_OP_FILL, .dst = IOVA_BUF, .len = 64};
			head = (head + 1) % RING;
			t0 = now_ns();
			regs[UDMA_REG_RING_HEAD / 4] = head;
			t += now_ns() - t0;
		}
		while (regs[UDMA_REG_RING_TAIL / 4] != head)
			;
	}
	regs[UDMA_REG_CONTROL / 4] = 0;
	return t / ((N / RING) * (RING - 1));
}

int main(void)
{
	static volatile uint32_t plain[16];
	uint32_t v = 0, sink = 0;
	double t0, base;

	printf("bench_mmio: udma BAR0 registers, %d accesses each\n", N);
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		plain[i & 15] = (uint32_t)i;
	base = (now_ns() - t0) / N;
	report("plain store (memory)", base, base);
	t0 = now_ns();
	for (int i = 0; i != N / 10; i++)
		syscall(SYS_getppid);
	report("a system call (getppid)", (now_ns() - t0) / (N / 10), base);
#ifdef __x86_64__
	report("a bare fault (empty handler)", bare_fault(), base);
#endif
	setup();
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		sink += plain[i & 15];
	report("plain load (memory)", (now_ns() - t0) / N, base);
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		sink += regs[UDMA_REG_ID / 4];
	report("mmap load (trapped)", (now_ns() - t0) / N, base);
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		regs[UDMA_REG_IRQ_MASK / 4] = (uint32_t)i & 3;
	report("mmap store (trapped)", (now_ns() - t0) / N, base);
	report("mmap doorbell store (trapped)", doorbells(), base);
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		check(uiommufd_pread(dev, &v, 4, UDMA_REG_ID), "pread");
	report("pread of the device file", (now_ns() - t0) / N, base);
	t0 = now_ns();
	for (int i = 0; i != N; i++)
		check(uiommufd_pwrite(dev, &v, 4, UDMA_REG_IRQ_MASK), "pwrite");
	report("pwrite of the device file", (now_ns() - t0) / N, base);
	if (sink == 0x12345678)
		printf("(%u)\n", sink);
	return 0;
}
