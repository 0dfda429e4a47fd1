// SPDX-License-Identifier: MIT
/*
 * The cost of one ioctl through the C API against a null system call, both
 * measured in this run.
 *
 *   bench_ioctl
 *
 * Figures: IOAS_ALLOC+DESTROY (two calls) and IOAS_IOVA_RANGES, with the
 * argument struct in the caller's stack frame (where programs keep it) and
 * in heap memory, the latter first with the system-call copy and then with
 * the guarded copy (uiommufd_guard_faults(), which the shim calls); the
 * baseline is getppid() through syscall().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/uiommufd.h>

#include "bench_row.h"

#define ROUNDS 3

static double null_syscall(unsigned long n)
{
	double t = now_ns();

	for (unsigned long i = 0; i != n; i++)
		syscall(SYS_getppid);
	return (now_ns() - t) / n;
}

static void alloc_destroy(int fd, struct iommu_ioas_alloc *alloc,
			  struct iommu_destroy *destroy)
{
	*alloc = (struct iommu_ioas_alloc){.size = sizeof(*alloc)};
	check(uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)alloc),
	      "IOAS_ALLOC");
	*destroy = (struct iommu_destroy){.size = sizeof(*destroy),
					  .id = alloc->out_ioas_id};
	check(uiommufd_ioctl(fd, IOMMU_DESTROY, (unsigned long)destroy),
	      "DESTROY");
}

/* Per call: ALLOC+DESTROY counts as two */
static double bench_alloc_destroy(int fd, unsigned long n, bool heap)
{
	struct iommu_ioas_alloc alloc, *pa = &alloc;
	struct iommu_destroy destroy, *pd = &destroy;
	double t;

	if (heap) {
		pa = malloc(sizeof(*pa));
		pd = malloc(sizeof(*pd));
	}
	t = now_ns();
	for (unsigned long i = 0; i != n; i++)
		alloc_destroy(fd, pa, pd);
	t = (now_ns() - t) / n / 2;
	if (heap) {
		free(pa);
		free(pd);
	}
	return t;
}

struct ranges_arg {
	struct iommu_ioas_iova_ranges cmd;
	struct iommu_iova_range ranges[4];
};

static double bench_iova_ranges(int fd, uint32_t ioas, unsigned long n,
				bool heap)
{
	struct ranges_arg stack_arg, *a = &stack_arg;
	double t;

	if (heap)
		a = malloc(sizeof(*a));
	t = now_ns();
	for (unsigned long i = 0; i != n; i++) {
		a->cmd = (struct iommu_ioas_iova_ranges){
			.size = sizeof(a->cmd),
			.ioas_id = ioas,
			.num_iovas = 4,
			.allowed_iovas = (uintptr_t)a->ranges,
		};
		check(uiommufd_ioctl(fd, IOMMU_IOAS_IOVA_RANGES,
				     (unsigned long)&a->cmd),
		      "IOVA_RANGES");
	}
	t = (now_ns() - t) / n;
	if (heap)
		free(a);
	return t;
}

static double best(double a, double b)
{
	return a < b ? a : b;
}

int main(void)
{
	const unsigned long n = 20000;
	double t_null = 1e30, t_ad = 1e30, t_adh = 1e30, t_r = 1e30,
	       t_rh = 1e30, t_adg = 1e30, t_rg = 1e30;
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	int fd = uiommufd_open(0);

	check(fd, "open");
	check(uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)&alloc),
	      "IOAS_ALLOC");
	/* Interleaved rounds, the best of each: the machine is shared */
	for (int r = 0; r != ROUNDS; r++) {
		t_null = best(t_null, null_syscall(n));
		t_ad = best(t_ad, bench_alloc_destroy(fd, n, false));
		t_adh = best(t_adh, bench_alloc_destroy(fd, n, true));
		t_r = best(t_r,
			   bench_iova_ranges(fd, alloc.out_ioas_id, n, false));
		t_rh = best(t_rh,
			    bench_iova_ranges(fd, alloc.out_ioas_id, n, true));
	}
	/* The promise cannot be taken back: the guarded rounds come last */
	check(uiommufd_guard_faults(), "guard_faults");
	for (int r = 0; r != ROUNDS; r++) {
		t_null = best(t_null, null_syscall(n));
		t_adg = best(t_adg, bench_alloc_destroy(fd, n, true));
		t_rg = best(t_rg,
			    bench_iova_ranges(fd, alloc.out_ioas_id, n, true));
	}
	printf("one ioctl through the C API, ns per call (best of %d rounds)\n",
	       ROUNDS);
	bench_row("ioctl IOAS_ALLOC+DESTROY, args on stack", t_ad, "ns/call",
		  "null syscall", t_null, "<= 0.2");
	bench_row("ioctl IOAS_ALLOC+DESTROY, args on heap", t_adh, "ns/call",
		  "null syscall", t_null, "<= 1");
	bench_row("ioctl IOVA_RANGES, args on stack", t_r, "ns/call",
		  "null syscall", t_null, "<= 0.2");
	bench_row("ioctl IOVA_RANGES, args on heap", t_rh, "ns/call",
		  "null syscall", t_null, "<= 1");
	bench_row("ioctl IOAS_ALLOC+DESTROY, heap, guarded copy", t_adg,
		  "ns/call", "null syscall", t_null, "<= 1");
	bench_row("ioctl IOVA_RANGES, heap, guarded copy", t_rg, "ns/call",
		  "null syscall", t_null, "<= 1");
	uiommufd_close(fd);
	return 0;
}
