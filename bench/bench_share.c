// SPDX-License-Identifier: MIT
/*
 * One context, in-process and shared (docs/multiprocess.md): the ioctl
 * round trip and map+unmap throughput of the owner itself (the in-process
 * fast path), then of a forked child whose calls the owner serves.
 *
 *   bench_share [ITERATIONS]
 *
 * Run it against two builds of libuiommufd (LD_LIBRARY_PATH) to compare
 * the owner's numbers before and after a change; the child's numbers of
 * a build without sharing are those of its private copy.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "bench_row.h"

#define MAP_LEN (64UL << 10)

static int ctx;
static uint32_t ioas;
static void *buf;

static void must(long rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "bench_share: %s: %s\n", what,
			strerror((int)-rc));
		exit(1);
	}
}

/* ns per IOMMU_OPTION get: the dispatch and copies, no engine work */
static double round_trip(long n)
{
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_GET,
	};
	double t = now_ns();

	for (long i = 0; i != n; i++)
		must(uiommufd_ioctl(ctx, IOMMU_OPTION, (unsigned long)&opt),
		     "IOMMU_OPTION");
	return (now_ns() - t) / (double)n;
}

/* ns per map+unmap of 64 KiB pinned into a mock domain */
static double map_unmap(long n)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = MAP_LEN,
		.iova = MOCK_APERTURE_START,
	};
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = ioas,
		.iova = MOCK_APERTURE_START,
		.length = MAP_LEN,
	};
	double t = now_ns();

	for (long i = 0; i != n; i++) {
		must(uiommufd_ioctl(ctx, IOMMU_IOAS_MAP, (unsigned long)&map),
		     "IOMMU_IOAS_MAP");
		must(uiommufd_ioctl(ctx, IOMMU_IOAS_UNMAP,
				    (unsigned long)&unmap),
		     "IOMMU_IOAS_UNMAP");
	}
	return (now_ns() - t) / (double)n;
}

static void report(const char *who, long n)
{
	double rt = round_trip(n);
	double mu = map_unmap(n / 10 ? n / 10 : 1);

	printf("%-10s ioctl round trip %9.0f ns   map+unmap 64 KiB %9.0f ns "
	       "(%.0f/s)\n",
	       who, rt, mu, 1e9 / mu);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_test_cmd dom = {.size = sizeof(dom),
				     .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	int status;
	pid_t pid;

	buf = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ctx = uiommufd_open(0);
	if (buf == MAP_FAILED || ctx < 0)
		return 1;
	memset(buf, 1, MAP_LEN);
	must(uiommufd_ioctl(ctx, IOMMU_IOAS_ALLOC, (unsigned long)&alloc),
	     "IOMMU_IOAS_ALLOC");
	ioas = alloc.out_ioas_id;
	dom.id = ioas;
	must(uiommufd_ioctl(ctx, IOMMU_TEST_CMD, (unsigned long)&dom),
	     "MOCK_DOMAIN");

	report("in-process", n);
	pid = fork();
	if (!pid) {
		/* Fewer: each call is a round trip to the owner */
		report("forked", n / 20 ? n / 20 : 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	/* The owner again, now with its server thread running */
	report("after fork", n);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
