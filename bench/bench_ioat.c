// SPDX-License-Identifier: MIT
/*
 * DMA of the emulated Intel I/OAT channel (`--device ioat`) through the
 * software IOMMU, against memcpy of the same bytes in the same run: copy
 * descriptors of 4 KiB, 64 KiB and 1 MiB, buffers in 4 KiB IOMMU pages.
 * The channel is driven as a driver drives it: a ring of descriptors
 * chained by their next pointers, BAR0 mapped with mmap(), DMACOUNT
 * advanced by a batch at a time, INT_REARM and an MSI-X interrupt on the
 * batch's last descriptor. The figure includes the per-descriptor cost
 * (fetch through the IOMMU) and one interrupt round trip per batch. Each
 * figure is the best of 3 rounds, interleaved with memcpy's.
 *
 *   bench_ioat [TOTAL_MB]     (bytes copied per size, default 256)
 */
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/uiommufd.h>
#include <uiommufd/vfio.h>

#include "bench_row.h"

/* The hardware's registers (Intel's CBDMA documentation) */
#define INTRCTRL	   0x03
#define INTRCTRL_MSIX	   0x08
#define CHANCTRL	   0x80
#define CHANCMD		   0x84
#define DMACOUNT	   0x86
#define CHANSTS		   0x88
#define CHAINADDR	   0x90
#define CHANCTRL_INT_REARM 0x0001
#define CHANCMD_RESET	   0x20
#define CHANSTS_DONE	   1
#define BAR_LEN		   0x4000
#define DESC_INT_EN	   0x1
#define XFERCAP		   (1u << 20)

struct ioat_desc {
	uint32_t size, ctl;
	uint64_t src, dst, next;
	uint64_t rsvd[4];
};

#define ROUNDS	  3
#define RING	  1024
#define BUF_LEN	  (16UL << 20)
#define IOVA_RING 0x10000000ULL
#define IOVA_SRC  0x100000000ULL
#define IOVA_DST  0x200000000ULL

static struct {
	int iommufd, dev, irqfd;
	volatile uint8_t *bar;
	struct ioat_desc *ring;
	char *src, *dst;   /* at IOVA_SRC and IOVA_DST; memcpy's too */
	unsigned int next; /* ring slot of the next descriptor given */
	uint16_t count;	   /* DMACOUNT */
} b;

/*
 * One mov per register access, as the kernel's writeb()..readq(): the
 * engine's trap decodes movs, and a compiler may fold a plain volatile
 * load into another instruction (tests/vfio/test_ioat.c)
 */
#define MMIO_WRITE(name, type, sfx, reg)                                    \
	static void name(unsigned int off, type v)                          \
	{                                                                   \
		asm volatile("mov" sfx " %0, %1"                            \
			     :                                              \
			     : reg(v), "m"(*(volatile type *)(b.bar + off)) \
			     : "memory");                                   \
	}
MMIO_WRITE(W8, uint8_t, "b", "q")
MMIO_WRITE(W16, uint16_t, "w", "r")
MMIO_WRITE(W64, uint64_t, "q", "r")

static uint64_t R64(unsigned int off)
{
	uint64_t v;

	asm volatile("movq %1, %0"
		     : "=r"(v)
		     : "m"(*(volatile uint64_t *)(b.bar + off))
		     : "memory");
	return v;
}

static void *alloc_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 1, len);
	return p;
}

static void map(uint32_t ioas, void *va, uint64_t iova, size_t len)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	check(uiommufd_ioctl(b.iommufd, IOMMU_IOAS_MAP, (unsigned long)&m),
	      "IOAS_MAP");
}

static void set_msix(void)
{
	char buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	*set = (struct vfio_irq_set){
		.argsz = sizeof(buf),
		.flags = VFIO_IRQ_SET_DATA_EVENTFD |
			 VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSIX_IRQ_INDEX,
		.count = 1,
	};
	memcpy(set->data, &b.irqfd, 4);
	check(uiommufd_ioctl(b.dev, VFIO_DEVICE_SET_IRQS, (unsigned long)set),
	      "SET_IRQS");
}

/* The function bound, attached, bus master, BAR0 mapped, the ring mapped */
static void setup(void)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	uint16_t cmd = 0x6; /* memory, bus master */

	check(uiommufd_devices_add("ioat"), "devices_add");
	b.dev = uiommufd_vfio_cdev_open(0, 0);
	check(b.dev, "open vfio0");
	b.iommufd = uiommufd_open(0);
	check(b.iommufd, "open iommufd");
	bind.iommufd = b.iommufd;
	check(uiommufd_ioctl(b.dev, VFIO_DEVICE_BIND_IOMMUFD,
			     (unsigned long)&bind),
	      "BIND");
	check(uiommufd_ioctl(b.iommufd, IOMMU_IOAS_ALLOC,
			     (unsigned long)&alloc),
	      "IOAS_ALLOC");
	at.pt_id = alloc.out_ioas_id;
	check(uiommufd_ioctl(b.dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
			     (unsigned long)&at),
	      "ATTACH");
	check(uiommufd_pwrite(b.dev, &cmd, 2,
			      ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4),
	      "command");
	b.irqfd = eventfd(0, EFD_CLOEXEC);
	check(b.irqfd, "eventfd");
	set_msix();
	check(uiommufd_mmap(NULL, BAR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			    b.dev, 0, (void **)&b.bar),
	      "mmap BAR0");
	b.ring = alloc_pages(RING * sizeof(*b.ring));
	map(alloc.out_ioas_id, b.ring, IOVA_RING, RING * sizeof(*b.ring));
	b.src = alloc_pages(BUF_LEN);
	b.dst = alloc_pages(BUF_LEN);
	map(alloc.out_ioas_id, b.src, IOVA_SRC, BUF_LEN);
	map(alloc.out_ioas_id, b.dst, IOVA_DST, BUF_LEN);
}

/* Channel reset and a new chain at the ring's start */
static void chan_start(void)
{
	for (unsigned int i = 0; i != RING; i++)
		b.ring[i].next = IOVA_RING + ((i + 1) % RING) * sizeof(*b.ring);
	W8(CHANCMD, CHANCMD_RESET);
	W8(INTRCTRL, INTRCTRL_MSIX);
	W64(CHAINADDR, IOVA_RING);
	b.next = 0;
	b.count = 0;
}

static void wait_irq(void)
{
	struct pollfd pfd = {.fd = b.irqfd, .events = POLLIN};
	uint64_t n;

	if (poll(&pfd, 1, 30000) != 1 || read(b.irqfd, &n, 8) != 8) {
		fprintf(stderr, "bench_ioat: no completion\n");
		exit(1);
	}
	if ((R64(CHANSTS) & 7) != CHANSTS_DONE) {
		fprintf(stderr, "bench_ioat: CHANSTS %#llx\n",
			(unsigned long long)R64(CHANSTS));
		exit(1);
	}
}

/*
 * Copy @total bytes in descriptors of @chunk (src -> dst, wrapping in
 * the buffers), @batch descriptors per interrupt; returns seconds.
 */
static double run_copies(size_t total, size_t chunk, unsigned int batch)
{
	size_t done = 0, off = 0;
	double t0 = now_ns();

	while (done < total) {
		for (unsigned int i = 0; i != batch; i++) {
			struct ioat_desc *d = &b.ring[b.next];

			d->size = (uint32_t)chunk;
			d->ctl = i + 1 == batch ? DESC_INT_EN : 0;
			d->src = IOVA_SRC + off;
			d->dst = IOVA_DST + off;
			b.next = (b.next + 1) % RING;
			off = (off + chunk) % BUF_LEN;
		}
		W16(CHANCTRL, CHANCTRL_INT_REARM);
		b.count = (uint16_t)(b.count + batch);
		W16(DMACOUNT, b.count);
		wait_irq();
		done += chunk * batch;
	}
	return (now_ns() - t0) * 1e-9;
}

static void bench_size(size_t chunk, size_t total)
{
	unsigned int batch = (unsigned int)(chunk >= XFERCAP ? 16 : RING / 2);
	double t_dma, t_cpy, gib = (double)total / (1 << 30);
	char what[64];

	chan_start();
	/* Warm up once, then the best of interleaved rounds of each */
	run_copies(BUF_LEN, chunk, batch);
	memcpy_seconds(b.dst, b.src, BUF_LEN, BUF_LEN, chunk);
	t_dma = t_cpy = 1e9;
	for (int round = 0; round != ROUNDS; round++) {
		t_dma = fmin(t_dma, run_copies(total, chunk, batch));
		t_cpy = fmin(t_cpy, memcpy_seconds(b.dst, b.src, BUF_LEN, total,
						   chunk));
	}
	printf("ioat copy, %4zu KiB descriptors: %6.2f GiB/s   memcpy %6.2f "
	       "GiB/s   ratio %.2f   (%.0f ns per descriptor)\n",
	       chunk >> 10, gib / t_dma, gib / t_cpy, t_cpy / t_dma,
	       t_dma / ((double)total / (double)chunk) * 1e9);
	snprintf(what, sizeof(what), "ioat copy, %zu KiB descriptors",
		 chunk >> 10);
	bench_row(what, gib / t_dma, "GiB/s", "memcpy", gib / t_cpy,
		  chunk >= XFERCAP ? ">= 0.8" : "report");
}

int main(int argc, char **argv)
{
	size_t total = (argc > 1 ? strtoul(argv[1], NULL, 0) : 256) << 20;
	const size_t sizes[] = {4096, 64 << 10, XFERCAP};

	if (total < BUF_LEN)
		total = BUF_LEN;
	setup();
	printf("bench_ioat: %zu MiB per size, the ioat channel through the "
	       "software IOMMU, 4 KiB pages\n",
	       total >> 20);
	for (unsigned int i = 0; i != sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_size(sizes[i], total);
	W8(CHANCMD, CHANCMD_RESET);
	munmap((void *)b.bar, BAR_LEN);
	uiommufd_munmap((void *)b.bar, BAR_LEN);
	uiommufd_close(b.dev);
	uiommufd_close(b.iommufd);
	return 0;
}
