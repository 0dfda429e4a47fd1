// SPDX-License-Identifier: MIT
/*
 * Map/unmap and IOVA allocation benchmarks, each printed next to a limit
 * measured in the same run on the same memory.
 *
 *   bench_map [SIZE_MB]     (default 1024)
 *
 * Figures:
 *  - IOAS_MAP + IOAS_UNMAP of SIZE in one call, nothing attached (no pin)
 *  - the same as 4 KiB maps, one call each
 *  - the same with pinning forced: 1, 2 and 4 mock domains attached, for
 *    first-touch memory and for memory already faulted in
 *  - limits: writing one byte per page of fresh memory (first touch),
 *    mlock+munlock of faulted memory, memcpy bandwidth
 *  - IOVA allocation with 10^5 live areas vs fixed-IOVA maps
 *  - map+unmap of one 4 KiB page by a thread with no capabilities, against
 *    one whose effective set is empty but whose permitted set is not (run
 *    as root only: what the capability cache of an unprivileged thread
 *    saves)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "bench_ioas.h"

#define PG 4096UL

static long map(int fd, uint32_t ioas, void *va, size_t len, uint64_t *iova,
		uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = *iova,
	};
	long rc = uiommufd_ioctl(fd, IOMMU_IOAS_MAP, (unsigned long)&cmd);

	*iova = cmd.iova;
	return rc;
}

static long destroy_ioas(int fd, uint32_t id)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	return uiommufd_ioctl(fd, IOMMU_DESTROY, (unsigned long)&cmd);
}

static void touch(void *p, size_t len)
{
	for (size_t off = 0; off < len; off += PG)
		((volatile char *)p)[off] = 1;
}

static void report(const char *what, double ns, size_t len, double limit_ns,
		   const char *limit)
{
	double pages = (double)len / PG;

	printf("  %-46s %9.2f ns/page", what, ns / pages);
	if (limit_ns > 0)
		printf("   (%.2fx %s)", ns / limit_ns, limit);
	printf("\n");
}

/* One map+unmap of the whole buffer; MOCK_APERTURE holds 2 GiB */
static double map_unmap_once(int fd, uint32_t ioas, void *buf, size_t len)
{
	uint64_t iova = MOCK_APERTURE_START;
	double t0 = now_ns();

	check(map(fd, ioas, buf, len, &iova, IOMMU_IOAS_MAP_FIXED_IOVA), "map");
	check(unmap(fd, ioas, iova, len), "unmap");
	return now_ns() - t0;
}

/* The median of three runs, after one run to warm the engine's tables up */
static double map_unmap_median(int fd, uint32_t ioas, void *buf, size_t len)
{
	double t[3], tmp;

	map_unmap_once(fd, ioas, buf, len);
	for (int i = 0; i != 3; i++)
		t[i] = map_unmap_once(fd, ioas, buf, len);
	for (int i = 0; i != 2; i++)
		for (int j = 0; j != 2 - i; j++)
			if (t[j] > t[j + 1]) {
				tmp = t[j];
				t[j] = t[j + 1];
				t[j + 1] = tmp;
			}
	return t[1];
}

static void bench_map_unmap(size_t len)
{
	double t_touch, t_mlock, t_memcpy, t;
	void *buf, *src;
	int fd;

	printf("map+unmap of %zu MiB (4 KiB pages)\n", len >> 20);

	/* Limits: first touch, mlock of faulted memory, memcpy */
	buf = fresh(len);
	t = now_ns();
	touch(buf, len);
	t_touch = now_ns() - t;
	t = now_ns();
	if (mlock(buf, len) == 0) {
		munlock(buf, len);
		t_mlock = now_ns() - t;
	} else {
		t_mlock = -1;
	}
	src = fresh(len);
	touch(src, len);
	t = now_ns();
	memcpy(buf, src, len);
	t_memcpy = now_ns() - t;
	munmap(src, len);
	printf("  limit: first touch %.2f ns/page, mlock+munlock %.2f ns/page, "
	       "memcpy %.2f GiB/s (%.2f ns/page)\n",
	       t_touch / (len / PG), t_mlock / (len / PG),
	       len / t_memcpy * 1e9 / (1 << 30), t_memcpy / (len / PG));

	fd = uiommufd_open(0);
	check(fd, "open");
	{
		uint32_t ioas = ioas_alloc(fd);

		t = map_unmap_median(fd, ioas, buf, len);
		report("one call, nothing attached (no pin)", t, len, 0, NULL);

		t = now_ns();
		for (size_t off = 0; off < len; off += PG) {
			uint64_t iova = MOCK_APERTURE_START + off;

			check(map(fd, ioas, (char *)buf + off, PG, &iova,
				  IOMMU_IOAS_MAP_FIXED_IOVA),
			      "map 4k");
		}
		check(unmap(fd, ioas, 0, UINT64_MAX), "unmap all");
		t = now_ns() - t;
		report("4 KiB per call, nothing attached", t, len, 0, NULL);
		check(destroy_ioas(fd, ioas), "destroy");
	}

	for (int ndom = 1; ndom <= 4; ndom *= 2) {
		uint32_t ioas = ioas_alloc(fd);
		char what[64];
		void *cold;

		for (int i = 0; i != ndom; i++)
			mock_domain(fd, ioas);
		t = map_unmap_median(fd, ioas, buf, len);
		snprintf(what, sizeof(what), "%d domain%s, memory faulted in",
			 ndom, ndom > 1 ? "s" : "");
		report(what, t, len, t_mlock, "mlock+munlock");
		if (ndom == 1)
			bench_row("map+unmap pinned, 1 domain, faulted in",
				  t / (len / PG), "ns/page", "mlock+munlock",
				  t_mlock / (len / PG), "<= 0.05, <= 20 ns");

		cold = fresh(len);
		t = map_unmap_once(fd, ioas, cold, len);
		munmap(cold, len);
		snprintf(what, sizeof(what), "%d domain%s, first touch by pin",
			 ndom, ndom > 1 ? "s" : "");
		report(what, t, len, t_touch, "first touch");
	}
	uiommufd_close(fd);
	munmap(buf, len);
}

/*
 * map+unmap with one mock domain against the size of the call, on memory
 * already faulted in: the curve of the plot, and the single-page figure
 * against a null system call.
 */
static unsigned long max_ul(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/*
 * A thread without capabilities, as an unprivileged program's: the engine
 * asks capget() at every map (the kernel's capable(CAP_IPC_LOCK)), except
 * in a thread whose permitted set is empty, which can never be capable
 * again and is answered from a cache. Both kinds are timed here, the
 * second with only its effective set cleared (asked every time, the same
 * answer), rounds interleaved. capset() changes the calling thread only.
 */
struct nocap_job {
	bool permitted_too;
	int fd;
	uint32_t ioas;
	void *buf;
	unsigned long calls;
	double ns;
};

static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/*
 * The thread's own CPU time: a system call more or less is a few percent
 * of a map, less than what other programs' load does to the wall clock
 */
static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void *nocap_thread(void *arg)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	struct nocap_job *j = arg;
	double t;

	check(syscall(SYS_capget, &hdr, data) ? -errno : 0, "capget");
	for (int i = 0; i != _LINUX_CAPABILITY_U32S_3; i++) {
		data[i].effective = 0;
		if (j->permitted_too)
			data[i].permitted = data[i].inheritable = 0;
	}
	check(syscall(SYS_capset, &hdr, data) ? -errno : 0, "capset");
	map_unmap_once(j->fd, j->ioas, j->buf, PG);
	t = thread_cpu_ns();
	for (unsigned long i = 0; i != j->calls; i++)
		map_unmap_once(j->fd, j->ioas, j->buf, PG);
	j->ns = (thread_cpu_ns() - t) / (double)j->calls;
	return NULL;
}

static double nocap_run(int fd, uint32_t ioas, void *buf, bool permitted_too)
{
	struct nocap_job j = {.permitted_too = permitted_too,
			      .fd = fd,
			      .ioas = ioas,
			      .buf = buf,
			      .calls = 10000};
	pthread_t t;

	check(-pthread_create(&t, NULL, nocap_thread, &j), "pthread_create");
	pthread_join(t, NULL);
	return j.ns;
}

static void bench_map_nocaps(int fd, uint32_t ioas, void *buf)
{
	double cached = 0, asked = 0;

	if (!has_cap(CAP_IPC_LOCK))
		return; /* the 4 KiB row above is already without */
	/* Either kind first in turn: neither gets the warmer start */
	for (int round = 0; round != 8; round++) {
		double a, c;

		if (round & 1) {
			c = nocap_run(fd, ioas, buf, true);
			a = nocap_run(fd, ioas, buf, false);
		} else {
			a = nocap_run(fd, ioas, buf, false);
			c = nocap_run(fd, ioas, buf, true);
		}
		asked = !asked || a < asked ? a : asked;
		cached = !cached || c < cached ? c : cached;
	}
	bench_row("map+unmap of 4 KiB, no capabilities", cached, "cpu-ns",
		  "permitted set kept", asked, "(report)");
}

static void bench_map_sizes(size_t len)
{
	void *buf = fresh(len);
	uint32_t ioas;
	int fd;

	touch(buf, len);
	fd = uiommufd_open(0);
	check(fd, "open");
	ioas = ioas_alloc(fd);
	mock_domain(fd, ioas);
	printf("map+unmap, 1 mock domain, against the size of one call\n");
	for (size_t sz = PG; sz <= len; sz *= 4) {
		unsigned long calls =
			sz < (1UL << 20) ? 2000 : max_ul(4, (256UL << 20) / sz);
		double t = now_ns();

		for (unsigned long i = 0; i != calls; i++)
			map_unmap_once(fd, ioas, buf, sz);
		t = (now_ns() - t) / calls;
		printf("  %10zu KiB   %9.2f ns/page\n", sz >> 10,
		       t / (sz / PG));
		bench_point("map+unmap, 1 domain (ns/page)", (double)sz,
			    t / (sz / PG));
		if (sz == PG) {
			double t_null = now_ns();

			for (unsigned long i = 0; i != calls; i++)
				syscall(SYS_getppid);
			t_null = (now_ns() - t_null) / calls;
			bench_row("map+unmap of one 4 KiB page, 1 domain", t,
				  "ns", "null syscall", t_null, "(report)");
			bench_map_nocaps(fd, ioas, buf);
		}
	}
	uiommufd_close(fd);
	munmap(buf, len);
}

/*
 * IOVA allocation with many live areas. The user VA never changes, so the
 * allocator is asked for the same alignment every time and must skip every
 * area already there; a fixed-IOVA map of the same size is the baseline.
 */
static bool is_decade(unsigned long n)
{
	while (n >= 10 && n % 10 == 0)
		n /= 10;
	return n == 1;
}

static void bench_iova_alloc(unsigned long nareas)
{
	unsigned long sample = nareas / 10;
	double t_auto, t_fixed, t;
	uint64_t iova;
	void *buf = fresh(2 * PG);
	uint32_t ioas;
	int fd;

	printf("IOVA allocation with %lu live areas\n", nareas);
	fd = uiommufd_open(0);
	check(fd, "open");

	ioas = ioas_alloc(fd);
	for (unsigned long i = 0; i != nareas - sample; i++) {
		iova = 0;
		check(map(fd, ioas, buf, PG, &iova, 0), "map");
	}
	t = now_ns();
	for (unsigned long i = 0; i != sample; i++) {
		iova = 0;
		check(map(fd, ioas, buf, PG, &iova, 0), "map");
	}
	t_auto = (now_ns() - t) / sample;

	/* Punch a hole in every other area: holes too small for 8 KiB */
	for (unsigned long i = 0; i < nareas; i += 2)
		check(unmap(fd, ioas, PG + i * PG, PG), "unmap");
	t = now_ns();
	for (unsigned long i = 0; i != sample; i++) {
		iova = 0;
		check(map(fd, ioas, buf, 2 * PG, &iova, 0), "map 8k");
	}
	{
		double t_frag = (now_ns() - t) / sample;

		destroy_ioas(fd, ioas);
		ioas = ioas_alloc(fd);
		t = now_ns();
		for (unsigned long i = 0; i != nareas - sample; i++) {
			iova = PG + i * PG;
			check(map(fd, ioas, buf, PG, &iova,
				  IOMMU_IOAS_MAP_FIXED_IOVA),
			      "map fixed");
			/* The curve: cost of the last 1000 maps, every decade
			 */
			if (i + 1 >= 1000 && is_decade(i + 1)) {
				bench_point("fixed-IOVA map (ns/map)",
					    (double)(i + 1),
					    (now_ns() - t) / 1000);
			}
			if (is_decade(i + 1001))
				t = now_ns();
		}
		t = now_ns();
		for (unsigned long i = nareas - sample; i != nareas; i++) {
			iova = PG + i * PG;
			check(map(fd, ioas, buf, PG, &iova,
				  IOMMU_IOAS_MAP_FIXED_IOVA),
			      "map fixed");
		}
		t_fixed = (now_ns() - t) / sample;
		bench_point("fixed-IOVA map (ns/map)", (double)nareas, t_fixed);
		char row[64];

		snprintf(row, sizeof(row), "IOVA allocated map, %lu areas",
			 nareas);
		bench_row(row, t_auto, "ns/map", "fixed-IOVA map", t_fixed,
			  "O(log n): ~1");
		printf("  %-46s %9.0f ns/map   (%.2fx fixed-IOVA map)\n",
		       "allocated IOVA, dense", t_auto, t_auto / t_fixed);
		printf("  %-46s %9.0f ns/map   (%.2fx fixed-IOVA map)\n",
		       "allocated IOVA, 50k too-small holes", t_frag,
		       t_frag / t_fixed);
		printf("  %-46s %9.0f ns/map\n", "fixed IOVA (baseline)",
		       t_fixed);
	}
	uiommufd_close(fd);
	munmap(buf, 2 * PG);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;

	bench_map_unmap(mb << 20);
	bench_map_sizes(mb << 20);
	bench_iova_alloc(argc > 2 ? strtoul(argv[2], NULL, 0) : 100000);
	return 0;
}
