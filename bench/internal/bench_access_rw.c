// SPDX-License-Identifier: MIT
/*
 * The driver-facing access copy: iommufd_access_rw(), what an emulated
 * device without a domain of its own (the kernel's mdev case) calls to
 * read or write through an IOAS, for 4 KiB to 1 MiB per call, against
 * memcpy() of the same bytes between the same buffers in the same run.
 *
 *   bench_access_rw [ROUNDS [SIZE]]   (default 5 rounds, 4 KiB to 1 MiB)
 *
 * The caller is the program's own thread outside any engine call, as a
 * device model's thread is. The program has made the promise of
 * uiommufd_guard_faults(), as the shim does; without it (sanitizer builds)
 * every copy is a system call and the bench says so. Rounds interleave
 * the access and memcpy; each figure is the best of its rounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/uiommufd.h>

#include "../../src/include/iommufd.h"
#include "../../src/lib/util.h"
#include "../bench_row.h"

#define AREA	(64UL << 20)  /* the mapped memory the copies go round */
#define PER_RUN (256UL << 20) /* bytes copied per timed run */

static const struct iommufd_access_ops access_ops = {
	.needs_pin_pages = false,
};

struct rig {
	int fd;
	uint32_t ioas_id;
	uint64_t iova;
	char *area, *data;
	struct iommufd_ctx *ictx;
	struct iommufd_access *access;
};

static void setup(struct rig *r)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.length = AREA,
	};
	uint32_t id;

	r->area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(r->area == MAP_FAILED ? -ENOMEM : 0, "mmap");
	memset(r->area, 1, AREA);
	r->data = aligned_alloc(4096, 1 << 20);
	check(r->data ? 0 : -ENOMEM, "aligned_alloc");
	memset(r->data, 2, 1 << 20);

	r->fd = uiommufd_open(0);
	check(r->fd, "open");
	check(uiommufd_ioctl(r->fd, IOMMU_IOAS_ALLOC, (unsigned long)&alloc),
	      "IOAS_ALLOC");
	r->ioas_id = alloc.out_ioas_id;
	map.ioas_id = r->ioas_id;
	map.user_va = (uintptr_t)r->area;
	check(uiommufd_ioctl(r->fd, IOMMU_IOAS_MAP, (unsigned long)&map),
	      "IOAS_MAP");
	r->iova = map.iova;

	r->ictx = iommufd_ctx_from_fd(r->fd);
	check(IS_ERR(r->ictx) ? PTR_ERR(r->ictx) : 0, "iommufd_ctx_from_fd");
	r->access = iommufd_access_create(r->ictx, &access_ops, NULL, &id);
	check(IS_ERR(r->access) ? PTR_ERR(r->access) : 0,
	      "iommufd_access_create");
	check(iommufd_access_attach(r->access, r->ioas_id),
	      "iommufd_access_attach");
}

static void teardown(struct rig *r)
{
	iommufd_access_detach(r->access);
	iommufd_access_destroy(r->access);
	iommufd_ctx_put(r->ictx);
	uiommufd_close(r->fd);
	free(r->data);
	munmap(r->area, AREA);
}

/* Seconds for PER_RUN bytes in calls of @chunk, going round the area */
static double access_seconds(struct rig *r, size_t chunk, bool write)
{
	unsigned int flags = write ? IOMMUFD_ACCESS_RW_WRITE
				   : IOMMUFD_ACCESS_RW_READ;
	size_t off = 0;
	double t0 = now_ns();

	for (size_t done = 0; done < PER_RUN; done += chunk) {
		check(iommufd_access_rw(r->access, r->iova + off, r->data,
					chunk, flags),
		      "iommufd_access_rw");
		off = (off + chunk) % AREA;
	}
	return (now_ns() - t0) * 1e-9;
}

/* The same copies by memcpy(): the baseline */
static double memcpy_area_seconds(struct rig *r, size_t chunk, bool write)
{
	size_t off = 0;
	double t0 = now_ns();

	for (size_t done = 0; done < PER_RUN; done += chunk) {
		if (write)
			memcpy(r->area + off, r->data, chunk);
		else
			memcpy(r->data, r->area + off, chunk);
		off = (off + chunk) % AREA;
	}
	__asm__ volatile("" ::: "memory");
	return (now_ns() - t0) * 1e-9;
}

static double best_of(double best, double t)
{
	return !best || t < best ? t : best;
}

static void measure(struct rig *r, size_t chunk, bool write, int rounds)
{
	double gib = (double)PER_RUN / (1 << 30), t_rw = 0, t_cpy = 0;
	char what[64];

	for (int i = 0; i != rounds; i++) {
		t_rw = best_of(t_rw, access_seconds(r, chunk, write));
		t_cpy = best_of(t_cpy, memcpy_area_seconds(r, chunk, write));
	}
	bench_point(write ? "driver access rw write (GiB/s)"
			  : "driver access rw read (GiB/s)",
		    (double)chunk, gib / t_rw);
	bench_point(write ? "memcpy, driver access write (GiB/s)"
			  : "memcpy, driver access read (GiB/s)",
		    (double)chunk, gib / t_cpy);
	snprintf(what, sizeof(what), "driver access rw %s %zu KiB",
		 write ? "write" : "read", chunk >> 10);
	bench_row(what, gib / t_rw, "GiB/s", "memcpy", gib / t_cpy, ">= 0.8");
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	size_t only = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
	struct rig r = {};
	int rc = uiommufd_guard_faults();

	if (rounds < 1)
		rounds = 1;
	printf("bench_access_rw: iommufd_access_rw() from a thread of the "
	       "program, %s\n",
	       rc ? "system-call copy (no guarded copy in this build)"
		  : "guarded copy");
	setup(&r);
	/* Warm up: the first pass faults nothing in, but fills the caches */
	access_seconds(&r, 1 << 20, false);
	for (size_t chunk = 4096; chunk <= (1 << 20); chunk <<= 2) {
		if (only && chunk != only)
			continue;
		measure(&r, chunk, false, rounds);
		measure(&r, chunk, true, rounds);
	}
	teardown(&r);
	return 0;
}
