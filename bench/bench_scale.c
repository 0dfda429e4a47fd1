// SPDX-License-Identifier: MIT
/*
 * How the engine scales: the memory it keeps per mapped page, a mapping
 * whose size costs nothing until pinned, and two threads mapping disjoint
 * ranges of one IOAS against one thread.
 *
 *   bench_scale [SIZE_MB] [SECONDS]     (defaults 256 and 6)
 *
 * Figures (each a row of make bench, with its baseline from this run):
 *  - metadata per mapped 4 KiB page: what malloc() has in use more (small
 *    and mmap'ed chunks) after SIZE of faulted-in memory was mapped with one
 *    mock domain attached (areas, pins, the domain's page table), over the
 *    pages mapped, measured on a fresh context with no warm-up (freed memory
 *    reused would not count); 4 KiB leaves are forced (the buffer is not
 *    2 MiB co-aligned); printed also with nothing attached
 *  - map+unmap of 1 TiB of untouched memory with nothing attached, against
 *    the same for 4 KiB: nothing is pinned, so the size must not matter
 *  - map+unmap of 64 KiB at disjoint IOVAs of one IOAS with a domain, from
 *    2 threads against 1 (ops/s), the threads' buffers next to each other
 *    (in one page-table page of the process), and again 4 MiB apart (each
 *    in its own); beside it, in the same interleaved rounds, what two
 *    threads get on this machine at all: the system calls a map makes
 *    (madvise(MADV_POPULATE_WRITE) of the 64 KiB, capget(), getrlimit())
 *    in both layouts, and a loop of pure computation (the CPUs the machine
 *    gives the process: on a shared machine less than 2x)
 */
#include <linux/capability.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "bench_ioas.h"

#define PG    4096UL
#define CHUNK (64 * 1024UL)
/* The second thread's buffer: next to the first, or in other page tables */
#define NEAR (CHUNK)
#define FAR  (4UL << 20)

static long map_fixed(int fd, uint32_t ioas, void *va, size_t len,
		      uint64_t iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return uiommufd_ioctl(fd, IOMMU_IOAS_MAP, (unsigned long)&cmd);
}

/* Resident memory of the process, bytes */
static double rss_bytes(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f || fscanf(f, "%lu %lu", &size, &resident) != 2) {
		perror("/proc/self/statm");
		exit(1);
	}
	fclose(f);
	return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* Bytes malloc() has handed out and not had back, mmap'ed chunks included */
static double heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (double)mi.uordblks + (double)mi.hblkhd;
}

/*
 * What mapping len bytes in 4 KiB pages made the engine allocate, per
 * page: with nothing attached (the area and pages objects) and with one
 * mock domain (the pins and the domain's page table too). No warm-up:
 * memory the engine freed before would be reused and not counted.
 */
static double metadata_per_page(char *buf, size_t len, bool domain)
{
	int fd = uiommufd_open(0);
	double before, rss_before, after, rss_after;
	uint32_t ioas;

	check(fd, "open");
	ioas = ioas_alloc(fd);
	if (domain)
		mock_domain(fd, ioas);
	before = heap_in_use();
	rss_before = rss_bytes();
	check(map_fixed(fd, ioas, buf, len, MOCK_APERTURE_START), "map");
	after = heap_in_use();
	rss_after = rss_bytes();
	printf("  %-30s malloc'ed %8.2f B/page, resident growth %8.2f "
	       "B/page\n",
	       domain ? "1 mock domain" : "nothing attached",
	       (after - before) / (double)(len / PG),
	       (rss_after - rss_before) / (double)(len / PG));
	uiommufd_close(fd);
	return (after - before) / (double)(len / PG);
}

static void bench_metadata(size_t len)
{
	/* One page more, and start one page in: never 2 MiB co-aligned */
	char *buf = (char *)fresh(len + 2 * 1024 * 1024) + PG;
	double bare, with_domain;

	for (size_t off = 0; off < len; off += PG)
		buf[off] = 1;
	printf("metadata of %zu MiB mapped in 4 KiB pages (malloc in use: "
	       "uordblks + hblkhd)\n",
	       len >> 20);
	bare = metadata_per_page(buf, len, false);
	with_domain = metadata_per_page(buf, len, true);
	/*
	 * The mock IOMMU's IO page is 2 KiB, as the kernel's selftest mock:
	 * two 8-byte leaves per page, a 4 KiB-granule IOMMU has one
	 */
	printf("  pins and the domain's page table (2 KiB mock IO pages): "
	       "%.2f B/page\n",
	       with_domain - bare);
	bench_row("metadata per mapped 4 KiB page, 1 domain", with_domain,
		  "B/page", "the page itself", (double)PG, "<= 16 B");
	munmap(buf - PG, len + 2 * 1024 * 1024);
}

static double map_unmap_ns(int fd, uint32_t ioas, void *va, size_t len,
			   int rounds)
{
	double best = 0;

	for (int i = 0; i != rounds; i++) {
		double t = now_ns();

		check(map_fixed(fd, ioas, va, len, 1UL << 32), "map");
		check(unmap(fd, ioas, 1UL << 32, len), "unmap");
		t = now_ns() - t;
		if (!i || t < best)
			best = t;
	}
	return best;
}

static void bench_sparse(void)
{
	size_t tib = 1UL << 40;
	void *va = fresh(tib);
	int fd = uiommufd_open(0);
	double t_tib, t_page;
	uint32_t ioas;

	check(fd, "open");
	ioas = ioas_alloc(fd);
	t_page = map_unmap_ns(fd, ioas, va, PG, 1000);
	t_tib = map_unmap_ns(fd, ioas, va, tib, 1000);
	printf("map+unmap with nothing attached (no pin)\n");
	printf("  %-46s %9.0f ns\n  %-46s %9.0f ns\n", "1 TiB, untouched",
	       t_tib, "4 KiB", t_page);
	bench_row("map+unmap 1 TiB sparse, nothing attached", t_tib, "ns",
		  "same, 4 KiB", t_page, "O(1) in size: ~1");
	uiommufd_close(fd);
	munmap(va, tib);
}

enum work {
	WORK_MAP,     /* map+unmap through the engine */
	WORK_SYSCALL, /* the system calls of a map, alone */
	WORK_CPU,     /* computation only */
};

struct worker {
	enum work work;
	int fd;
	uint32_t ioas;
	uint64_t iova;
	char *va;
	double seconds;
	unsigned long ops;
};

/* What a map asks the kernel, without the engine */
static void map_syscalls(char *va)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	struct rlimit lim;

	check(madvise(va, CHUNK, MADV_POPULATE_WRITE) ? -errno : 0, "madvise");
	syscall(SYS_capget, &hdr, data);
	getrlimit(RLIMIT_MEMLOCK, &lim);
}

static void one_op(struct worker *w)
{
	/* The thread's own: a shared one would bounce between the CPUs */
	unsigned long sum = 0;

	switch (w->work) {
	case WORK_MAP:
		check(map_fixed(w->fd, w->ioas, w->va, CHUNK, w->iova), "map");
		check(unmap(w->fd, w->ioas, w->iova, CHUNK), "unmap");
		break;
	case WORK_SYSCALL:
		map_syscalls(w->va);
		break;
	case WORK_CPU:
		/* The empty asm keeps the compiler from folding the loop */
		for (unsigned long i = 0; i != 4096; i++) {
			sum += i;
			__asm__ volatile("" : "+r"(sum));
		}
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double end = now_ns() + w->seconds * 1e9;

	while (now_ns() < end) {
		for (int i = 0; i != 16; i++)
			one_op(w);
		w->ops += 16;
	}
	return NULL;
}

/* ops/s of nthreads threads, each on its own 1 GiB of IOVA */
static double run_threads(enum work work, size_t stride, int fd, uint32_t ioas,
			  char *va, int nthreads, double seconds)
{
	struct worker w[2];
	pthread_t t[2];
	double ops = 0;

	for (int i = 0; i != nthreads; i++) {
		w[i] = (struct worker){
			.work = work,
			.fd = fd,
			.ioas = ioas,
			.iova = MOCK_APERTURE_START + (uint64_t)i * (1UL << 30),
			.va = va + (size_t)i * stride,
			.seconds = seconds,
		};
		if (pthread_create(&t[i], NULL, worker_main, &w[i])) {
			perror("pthread_create");
			exit(1);
		}
	}
	for (int i = 0; i != nthreads; i++) {
		pthread_join(t[i], NULL);
		ops += (double)w[i].ops;
	}
	return ops / seconds;
}

static const struct {
	enum work work;
	size_t stride;
	const char *what, *goal;
} works[] = {
	{WORK_MAP, NEAR, "map+unmap 64 KiB, 2 threads, one IOAS", ">= 1.7x"},
	{WORK_MAP, FAR, "map+unmap 64 KiB, 2 threads, own page tables",
	 "report"},
	{WORK_SYSCALL, NEAR, "a map's system calls, 2 threads", "report"},
	{WORK_SYSCALL, FAR, "a map's system calls, 2 threads, own page tables",
	 "report"},
	{WORK_CPU, 0, "computation, 2 threads", "report"},
};
#define NWORKS (sizeof(works) / sizeof(works[0]))

static void bench_threads(double seconds)
{
	size_t len = FAR + CHUNK;
	char *va = fresh(len);
	int fd = uiommufd_open(0);
	double one[NWORKS] = {}, two[NWORKS] = {}, slice;
	uint32_t ioas;

	check(fd, "open");
	ioas = ioas_alloc(fd);
	mock_domain(fd, ioas);
	for (size_t off = 0; off < len; off += PG)
		va[off] = 1;
	/*
	 * Interleaved, the best of three each: the machine may be shared,
	 * and what it gives two threads is measured in the same rounds
	 */
	slice = seconds / 6 / NWORKS;
	for (int round = 0; round != 3; round++) {
		for (size_t k = 0; k != NWORKS; k++) {
			one[k] = fmax(one[k], run_threads(works[k].work,
							  works[k].stride, fd,
							  ioas, va, 1, slice));
			two[k] = fmax(two[k], run_threads(works[k].work,
							  works[k].stride, fd,
							  ioas, va, 2, slice));
		}
	}
	printf("map+unmap of 64 KiB, 1 mock domain, disjoint IOVA (%ld CPUs)\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("  %-46s %9.0f ops/s\n  %-46s %9.0f ops/s\n", "2 threads",
	       two[0], "1 thread", one[0]);
	for (size_t k = 0; k != NWORKS; k++)
		bench_row(works[k].what, two[k], "ops/s", "1 thread", one[k],
			  works[k].goal);
	uiommufd_close(fd);
	munmap(va, len);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 6;

	bench_metadata(mb << 20);
	bench_sparse();
	bench_threads(seconds);
	return 0;
}
