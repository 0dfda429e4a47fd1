/* SPDX-License-Identifier: MIT */
/*
 * What bench_vtd and bench_smmu share: guest memory that a stage-2 table
 * maps at GUEST_BASE (stage-1 tables in its first DATA_OFF bytes, then
 * the pages that device addresses [0, SPAN) reach), and the timing of the
 * three rows, each the best of three interleaved rounds (the machine is
 * shared):
 *
 *  - one stage: io_pgtable_lookup() of the parent table alone, as a device
 *    attached to a paging HWPT pays;
 *  - two stages, IOTLB miss: the bench's two-stage translation without an
 *    IOTLB, random addresses of SPAN;
 *  - two stages, IOTLB hit: the same with the IOTLB, on addresses of
 *    IOTLB_ENTRIES 4 KiB slots, which all stay in it.
 *
 * A bench's translation is a two_stage_fn, itself always_inline:
 * two_stage_time() is inlined where it is called with it and the
 * translation into it, as the driver's DMA path inlines its walk (a call
 * through the pointer would add a nanosecond to every row).
 */
#ifndef UIOMMUFD_BENCH_TWO_STAGE_H
#define UIOMMUFD_BENCH_TWO_STAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../../src/iommu/io_pgtable.h"
#include "../../src/iommu/iotlb.h"
#include "../bench_row.h"

#define PG	   4096UL
#define GUEST_SIZE (48UL << 20)
#define GUEST_BASE 0x40000000UL
#define DATA_OFF   (8UL << 20)
#define SPAN	   (32UL << 20) /* device addresses [0, SPAN) */

static char *guest;
static struct io_pgtable s2;

/* Setting up the tables failed: no figure to give */
static inline void expect(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "%s: %s failed\n",
			program_invocation_short_name, what);
		exit(1);
	}
}

static inline unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Zeroed guest memory, mapped read-write by the stage-2 table s2 */
static inline void guest_map(void)
{
	const struct io_pgtable_cfg s2_cfg = {.granule_shift = 12, .levels = 4};
	void *p = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	expect(p != MAP_FAILED, "mmap");
	guest = p;
	expect(!io_pgtable_init(&s2, &s2_cfg), "init");
	expect(!io_pgtable_map(&s2, GUEST_BASE, (uintptr_t)guest, GUEST_SIZE,
			       IOPTE_READ | IOPTE_WRITE, PG),
	       "map guest");
}

static inline void guest_unmap(void)
{
	io_pgtable_destroy(&s2);
	munmap(guest, GUEST_SIZE);
}

/* The host address of device address @iova through stage 2 alone */
static inline uintptr_t one_stage(uint64_t iova)
{
	struct io_pgtable_walk walk;

	expect(io_pgtable_lookup(&s2, GUEST_BASE + DATA_OFF + iova, &walk),
	       "stage 2");
	return walk.host;
}

/* The host address of @iova through both stages; @tlb NULL: none */
typedef uintptr_t (*two_stage_fn)(const void *cfg, struct iotlb *tlb,
				  uint64_t iova);

enum two_stage_kind { ONE_STAGE, MISS, HIT };

/* ns per translation of @n addresses of one kind */
static inline __attribute__((always_inline)) double
two_stage_time(enum two_stage_kind kind, two_stage_fn two_stage,
	       const void *cfg, struct iotlb *tlb, unsigned long n)
{
	unsigned long seed = 88172645463325252UL;
	uintptr_t sum = 0;
	double t = now_ns();

	for (unsigned long i = 0; i != n; i++) {
		uint64_t r = xorshift(&seed);
		uint64_t iova = kind == HIT
					? (r % IOTLB_ENTRIES) * PG + (r & 0xff8)
					: r % SPAN;

		sum += kind == ONE_STAGE
			       ? one_stage(iova)
			       : two_stage(cfg, kind == HIT ? tlb : NULL, iova);
	}
	t = (now_ns() - t) / n;
	/* Keeps the translations from being optimised away */
	if (!sum)
		printf(" ");
	return t;
}

struct two_stage_rows {
	double one, miss, hit;
};

static inline __attribute__((always_inline)) struct two_stage_rows
two_stage_rows(two_stage_fn two_stage, const void *cfg, struct iotlb *tlb)
{
	const unsigned long n = 400000;
	struct two_stage_rows best = {1e30, 1e30, 1e30};

	for (int r = 0; r != 3; r++) {
		double t = two_stage_time(ONE_STAGE, two_stage, cfg, tlb, n);

		best.one = t < best.one ? t : best.one;
		t = two_stage_time(MISS, two_stage, cfg, tlb, n);
		best.miss = t < best.miss ? t : best.miss;
		t = two_stage_time(HIT, two_stage, cfg, tlb, n);
		best.hit = t < best.hit ? t : best.hit;
	}
	return best;
}

#endif
