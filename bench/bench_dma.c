// SPDX-License-Identifier: MIT
/*
 * DMA through the software IOMMU: the udma engine copying memory mapped in
 * 4 KiB pages and in 2 MiB pages, against memcpy of the same bytes in the
 * same run (the limit: the engine's copy is a memcpy plus translation).
 *
 *   bench_dma [SIZE_MB]     (default 256)
 *
 * Figures, each with the memcpy figure and the ratio:
 *  - GiB/s of copies of 1 MiB descriptors, buffers in 4 KiB IOMMU pages
 *  - the same with 2 MiB IOMMU pages
 *  - descriptors/s of 4 KiB copies (per-descriptor cost: fetch, status
 *    write-back, completion interrupt every 64)
 *
 * The baseline is what a program would do instead of the DMA: a CPU copy
 * of the same bytes, in the same 1 MiB pieces, by a thread of its own
 * while the main thread waits for it in poll() as it waits for the
 * engine's interrupt (the engine's worker is a thread too). Each figure
 * is the best of ROUNDS rounds, engine and memcpy interleaved, as the
 * machine's load moves during a run. Beside the wall-clock figures, the
 * CPU time of the copying thread (its schedstat) gives GiB per CPU second,
 * which time-sharing with other programs does not move; and memcpy in
 * pieces of one IOMMU page shows what the engine's copy granularity costs
 * (it copies each IOMMU leaf with its own memmove()).
 *
 *   BENCH_DMA_CPUS=M,W   pin the main thread to CPU M and the copying
 *                        threads (the engine's worker, the memcpy thread)
 *                        to CPU W, to see what placement does
 */
#include <errno.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/uiommufd.h>
#include <uiommufd/vfio.h>

#include "bench_row.h"

#define HUGE	  (2UL << 20)
#define RING	  1024
#define IOVA_RING 0x10000000ULL
#define IOVA_SRC  0x100000000ULL
#define IOVA_DST  0x200000000ULL
#define ROUNDS	  3

struct bench {
	int iommufd, dev, irqfd, done_fd;
	int worker_cpu; /* BENCH_DMA_CPUS: the copying threads' CPU, or -1 */
	uint32_t ioas;
	struct udma_desc *ring;
	uint32_t head;
};

static void *alloc_aligned(size_t len, bool huge)
{
	char *p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	p = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(p, 1, len);
	return p;
}

static void reg(struct bench *b, uint32_t off, uint32_t v)
{
	check(uiommufd_pwrite(b->dev, &v, 4, off) == 4 ? 0 : -EIO, "register");
}

static void map(struct bench *b, uint32_t ioas, void *va, uint64_t iova,
		size_t len)
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

	check(uiommufd_ioctl(b->iommufd, IOMMU_IOAS_MAP, (unsigned long)&m),
	      "IOAS_MAP");
}

/* An IOAS for the run, its pages 4 KiB or 2 MiB, the device attached */
static uint32_t attach_ioas(struct bench *b, bool huge)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = huge,
	};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};

	check(uiommufd_ioctl(b->iommufd, IOMMU_IOAS_ALLOC,
			     (unsigned long)&alloc),
	      "IOAS_ALLOC");
	opt.object_id = alloc.out_ioas_id;
	check(uiommufd_ioctl(b->iommufd, IOMMU_OPTION, (unsigned long)&opt),
	      "OPTION huge pages");
	at.pt_id = alloc.out_ioas_id;
	check(uiommufd_ioctl(b->dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
			     (unsigned long)&at),
	      "ATTACH");
	return alloc.out_ioas_id;
}

static void engine_start(struct bench *b)
{
	reg(b, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
	reg(b, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING);
	reg(b, UDMA_REG_RING_BASE + 4, (uint32_t)(IOVA_RING >> 32));
	reg(b, UDMA_REG_RING_SIZE, RING);
	reg(b, UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE);
	reg(b, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	b->head = 0;
}

static void wait_irq(struct bench *b)
{
	struct pollfd pfd = {.fd = b->irqfd, .events = POLLIN};
	uint64_t n;

	if (poll(&pfd, 1, 30000) != 1 || read(b->irqfd, &n, 8) != 8) {
		fprintf(stderr, "bench_dma: no completion\n");
		exit(1);
	}
	reg(b, UDMA_REG_IRQ_STATUS, UDMA_IRQ_DONE);
}

/* Nanoseconds thread @tid of this process has run so far (its schedstat) */
static double thread_cpu_ns(int tid)
{
	unsigned long long ns = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return (double)ns;
}

static void pin(int tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	check(sched_setaffinity(tid, sizeof(set), &set) ? -errno : 0,
	      "sched_setaffinity");
}

/*
 * For each thread but the main one (the engine's worker: the process has
 * no other), add up its CPU time, and pin it to @cpu if @cpu >= 0.
 */
static double others_cpu_ns(int cpu)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	double ns = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		int tid = atoi(e->d_name);

		if (tid <= 0 || tid == getpid())
			continue;
		if (cpu >= 0)
			pin(tid, cpu);
		ns += thread_cpu_ns(tid);
	}
	closedir(dir);
	return ns;
}

/* One timed copy: wall seconds and the copying thread's CPU seconds */
struct timing {
	double wall, cpu;
};

static void best(struct timing *b, struct timing t)
{
	if (!b->wall || t.wall < b->wall)
		b->wall = t.wall;
	if (!b->cpu || (t.cpu && t.cpu < b->cpu))
		b->cpu = t.cpu;
}

/*
 * Copy @total bytes in descriptors of @chunk (src -> dst, wrapping in
 * @len), an interrupt each @batch descriptors. A batch is queued whole
 * and waited for whole, so the figure includes one interrupt round trip
 * per batch: large batches measure the engine.
 */
static struct timing run_copies(struct bench *b, size_t len, size_t total,
				size_t chunk, unsigned int batch)
{
	size_t done = 0, off = 0;
	double c0 = others_cpu_ns(b->worker_cpu), t0 = now_ns();
	struct timing t;

	while (done < total) {
		for (unsigned int i = 0; i != batch; i++) {
			struct udma_desc *d = &b->ring[b->head];

			d->op = UDMA_OP_COPY |
				(i + 1 == batch ? UDMA_OP_IRQ : 0);
			d->status = 0;
			d->src = IOVA_SRC + off;
			d->dst = IOVA_DST + off;
			d->len = (uint32_t)chunk;
			b->head = (b->head + 1) % RING;
			off = (off + chunk) % len;
		}
		reg(b, UDMA_REG_RING_HEAD, b->head);
		wait_irq(b);
		done += chunk * batch;
	}
	t.wall = (now_ns() - t0) * 1e-9;
	t.cpu = (others_cpu_ns(-1) - c0) * 1e-9;
	return t;
}

/* The baseline: memcpy_seconds() in a thread of its own */
struct cpy_job {
	char *dst, *src;
	size_t len, total, chunk;
	int cpu, done_fd;
	double cpu_ns;
};

static void *cpy_thread(void *arg)
{
	struct cpy_job *j = arg;
	int tid = gettid();
	uint64_t one = 1;
	double c0;

	if (j->cpu >= 0)
		pin(tid, j->cpu);
	c0 = thread_cpu_ns(tid);
	memcpy_seconds(j->dst, j->src, j->len, j->total, j->chunk);
	j->cpu_ns = thread_cpu_ns(tid) - c0;
	check(write(j->done_fd, &one, 8) == 8 ? 0 : -errno, "eventfd");
	return NULL;
}

/* Wall time from starting the thread to being woken by its end, as DMA */
static struct timing thread_memcpy(struct bench *b, char *dst, char *src,
				   size_t len, size_t total, size_t chunk)
{
	struct cpy_job j = {.dst = dst,
			    .src = src,
			    .len = len,
			    .total = total,
			    .chunk = chunk,
			    .cpu = b->worker_cpu,
			    .done_fd = b->done_fd};
	struct pollfd pfd = {.fd = b->done_fd, .events = POLLIN};
	double t0 = now_ns();
	struct timing t;
	pthread_t th;
	uint64_t n;

	check(-pthread_create(&th, NULL, cpy_thread, &j), "pthread_create");
	if (poll(&pfd, 1, 30000) != 1 || read(b->done_fd, &n, 8) != 8) {
		fprintf(stderr, "bench_dma: memcpy thread did not finish\n");
		exit(1);
	}
	t.wall = (now_ns() - t0) * 1e-9;
	pthread_join(th, NULL);
	t.cpu = j.cpu_ns * 1e-9;
	return t;
}

static void row(const char *what, double gib, struct timing dma,
		struct timing cpy, const char *goal)
{
	char cpu_what[96];

	bench_row(what, gib / dma.wall, "GiB/s", "memcpy thread",
		  gib / cpy.wall, goal);
	if (!dma.cpu || !cpy.cpu)
		return;
	snprintf(cpu_what, sizeof(cpu_what), "%s, per CPU s", what);
	bench_row(cpu_what, gib / dma.cpu, "GiB/cpu-s", "memcpy thread",
		  gib / cpy.cpu, "report");
}

static void bench_pages(struct bench *b, size_t len, bool huge)
{
	char *src = alloc_aligned(len, huge), *dst = alloc_aligned(len, huge);
	struct iommu_ioas_unmap um = {.size = sizeof(um), .length = UINT64_MAX};
	size_t total = 4 * len, n = 64 * 1024;
	double gib = (double)total / (1 << 30);
	struct timing dma = {}, cpy = {}, cpy_pg = {}, dma4 = {}, cpy4 = {};
	uint32_t ioas = attach_ioas(b, huge);

	map(b, ioas, b->ring, IOVA_RING, RING * sizeof(struct udma_desc));
	map(b, ioas, src, IOVA_SRC, len);
	map(b, ioas, dst, IOVA_DST, len);
	engine_start(b);
	/* Warm up once, then measure, engine and memcpy interleaved */
	run_copies(b, len, len, 1 << 20, 8);
	thread_memcpy(b, dst, src, len, len, 1 << 20);
	for (int r = 0; r != ROUNDS; r++) {
		best(&dma, run_copies(b, len, total, 1 << 20, 64));
		best(&cpy, thread_memcpy(b, dst, src, len, total, 1 << 20));
		if (huge)
			continue;
		best(&cpy_pg, thread_memcpy(b, dst, src, len, total, 4096));
		best(&dma4, run_copies(b, len, n * 4096, 4096, RING / 2));
		best(&cpy4, thread_memcpy(b, dst, src, len, n * 4096, 4096));
	}
	printf("copy, %s IOMMU pages, 1 MiB descriptors: %6.2f GiB/s   "
	       "memcpy %6.2f GiB/s   ratio %.2f\n",
	       huge ? "2 MiB" : "4 KiB", gib / dma.wall, gib / cpy.wall,
	       cpy.wall / dma.wall);
	row(huge ? "udma copy, 2 MiB IOMMU pages"
		 : "udma copy, 4 KiB IOMMU pages",
	    gib, dma, cpy, ">= 0.95");
	if (!huge) {
		/* What the engine's granularity costs a CPU copy */
		bench_row("memcpy thread in 4 KiB pieces", gib / cpy_pg.wall,
			  "GiB/s", "memcpy thread", gib / cpy.wall, "report");
		if (cpy_pg.cpu && cpy.cpu)
			bench_row("memcpy thread in 4 KiB pieces, per CPU s",
				  gib / cpy_pg.cpu, "GiB/cpu-s",
				  "memcpy thread", gib / cpy.cpu, "report");
		printf("copy, 4 KiB descriptors: %9.0f descriptors/s "
		       "(%.0f ns each; memcpy of 4 KiB %.0f ns)\n",
		       (double)n / dma4.wall, dma4.wall / (double)n * 1e9,
		       cpy4.wall / (double)n * 1e9);
	}
	reg(b, UDMA_REG_CONTROL, 0);
	um.ioas_id = ioas;
	check(uiommufd_ioctl(b->iommufd, IOMMU_IOAS_UNMAP, (unsigned long)&um),
	      "UNMAP");
	munmap(src, len);
	munmap(dst, len);
}

int main(int argc, char **argv)
{
	size_t len = (argc > 1 ? strtoul(argv[1], NULL, 0) : 256) << 20;
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	char buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	uint16_t cmd = 0x6; /* memory, bus master */
	const char *cpus = getenv("BENCH_DMA_CPUS");
	struct bench b = {.worker_cpu = -1};
	int main_cpu;

	len = (len + HUGE - 1) & ~(HUGE - 1);
	check(uiommufd_devices_add("udma"), "devices_add");
	b.dev = uiommufd_vfio_cdev_open(0, 0);
	check(b.dev, "open vfio0");
	b.iommufd = uiommufd_open(0);
	check(b.iommufd, "open iommufd");
	bind.iommufd = b.iommufd;
	check(uiommufd_ioctl(b.dev, VFIO_DEVICE_BIND_IOMMUFD,
			     (unsigned long)&bind),
	      "BIND");
	check(uiommufd_pwrite(b.dev, &cmd, 2,
			      ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4),
	      "command");
	if (cpus && sscanf(cpus, "%d,%d", &main_cpu, &b.worker_cpu) == 2)
		pin(0, main_cpu);
	b.irqfd = eventfd(0, EFD_CLOEXEC);
	b.done_fd = eventfd(0, EFD_CLOEXEC);
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &b.irqfd, 4);
	check(uiommufd_ioctl(b.dev, VFIO_DEVICE_SET_IRQS, (unsigned long)set),
	      "SET_IRQS");
	b.ring = alloc_aligned(RING * sizeof(struct udma_desc), false);

	printf("bench_dma: %zu MiB buffers, the udma engine through the "
	       "software IOMMU\n",
	       len >> 20);
	bench_pages(&b, len, false);
	bench_pages(&b, len, true);
	uiommufd_close(b.dev);
	uiommufd_close(b.iommufd);
	close(b.done_fd);
	close(b.irqfd);
	return 0;
}
