// SPDX-License-Identifier: MIT
/*
 * The VT-d model's two-stage translation, below iommufd (issue 11): what
 * one translation of a device address costs the software IOMMU
 * (the rows: two_stage.h). Its two-stage translation is the first-stage
 * walk (4 levels, every table entry reached through a stage-2 lookup) and
 * the stage-2 lookup of its result, as sw_vtd_walk() does when its IOTLB
 * has no entry, or the IOTLB lookup and the stage-2 lookup on a hit: the
 * same functions as the driver's DMA path, without the DMA section around
 * them. 4 KiB pages.
 *
 * The AMD model's two stages are a row of their own: it never caches
 * (Linux 7.2 gives its vIOMMU no invalidation, docs/amd.md), so each
 * translation reads PASID 0's GCR3 entry through stage 2 and walks the
 * same tables zero-extended, then stage 2, as sw_amd_walk() does.
 *
 *   bench_vtd
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/iommu/vtd_s1.h"
#include "two_stage.h"

static uint64_t *gpa_to_host(void *arg, uint64_t gpa, bool write)
{
	struct io_pgtable_walk walk;

	(void)arg;
	if (!io_pgtable_lookup(&s2, gpa, &walk) ||
	    !(walk.prot & (write ? IOPTE_WRITE : IOPTE_READ)))
		return NULL;
	return (uint64_t *)walk.host;
}

static uint64_t *table(uint64_t off, unsigned int idx)
{
	return (uint64_t *)(guest + off) + idx;
}

/* 4-level tables at the start of guest memory: SPAN of 4 KiB pages */
static uint64_t build_s1(void)
{
	const uint64_t bits = 0x7; /* P, RW, US */
	uint64_t pml4 = 0, pdpt = PG, pd = 2 * PG, pts = 3 * PG;

	*table(pml4, 0) = (GUEST_BASE + pdpt) | bits;
	*table(pdpt, 0) = (GUEST_BASE + pd) | bits;
	for (unsigned long i = 0; i != SPAN / PG; i++) {
		uint64_t pt = pts + (i / 512) * PG;

		*table(pd, (unsigned int)(i / 512)) = (GUEST_BASE + pt) | bits;
		*table(pt, i % 512) = (GUEST_BASE + DATA_OFF + i * PG) | bits;
	}
	return GUEST_BASE + pml4;
}

/* Strict mode's check of a hit, as sw_vtd_strict_check(): must agree */
static __attribute__((noinline)) void strict_check(const struct vtd_s1_cfg *cfg,
						   uint64_t iova,
						   const struct iotlb_hit *hit)
{
	struct vtd_s1_result res;

	expect(vtd_s1_walk(cfg, iova, false, false, &res) == VTD_S1_OK &&
		       res.gpa == hit->out_base + (iova - hit->iova_base),
	       "strict check");
}

/* A two_stage_fn: @arg is the struct vtd_s1_cfg */
static inline __attribute__((always_inline)) uintptr_t
two_stage(const void *arg, struct iotlb *tlb, uint64_t iova)
{
	const struct vtd_s1_cfg *cfg = arg;
	struct io_pgtable_walk walk;
	struct vtd_s1_result res;
	struct iotlb_hit hit;
	uint64_t gpa;

	if (tlb && iotlb_lookup(tlb, iova, &hit)) {
		if (unlikely(iotlb_strict()))
			strict_check(cfg, iova, &hit);
		gpa = hit.out_base + (iova - hit.iova_base);
	} else {
		uint64_t gen = tlb ? iotlb_generation(tlb) : 0;

		expect(vtd_s1_walk(cfg, iova, false, true, &res) == VTD_S1_OK,
		       "walk");
		gpa = res.gpa;
		if (tlb) {
			hit = (struct iotlb_hit){
				.iova_base = res.iova_base,
				.size = res.size,
				.out_base = res.gpa - (iova - res.iova_base)};
			iotlb_fill(tlb, gen, iova, &hit);
		}
	}
	expect(io_pgtable_lookup(&s2, gpa, &walk), "final stage 2");
	return walk.host;
}

/* A one-level GCR3 table after the data: PASID 0's entry holds the CR3 */
#define GCR3_OFF (DATA_OFF + SPAN)

/* A two_stage_fn for the AMD model: @arg is the VT-d walk's config */
static inline __attribute__((always_inline)) uintptr_t
amd_two_stage(const void *arg, struct iotlb *tlb, uint64_t iova)
{
	struct vtd_s1_cfg amd = *(const struct vtd_s1_cfg *)arg;
	uint64_t *gcr3 = gpa_to_host(NULL, GUEST_BASE + GCR3_OFF, false);

	(void)tlb;
	expect(gcr3 && (*gcr3 & 1), "GCR3 entry");
	amd.root_gpa = *gcr3 & 0xffffffffff000ULL;
	amd.zero_extend = true;
	return two_stage(&amd, NULL, iova);
}

int main(void)
{
	double amd = 1e30, strict = 1e30;
	struct iotlb *tlb = calloc(1, sizeof(*tlb));
	struct vtd_s1_cfg cfg = {.levels = 4, .gpa_to_host = gpa_to_host};
	struct two_stage_rows rows;

	expect(tlb, "alloc");
	guest_map();
	cfg.root_gpa = build_s1();
	/* A bits set once, as a warm-up */
	two_stage_time(MISS, two_stage, &cfg, NULL, SPAN / PG);
	iotlb_strict_state = 0;
	rows = two_stage_rows(two_stage, &cfg, tlb);
	iotlb_strict_state = 1;
	for (int r = 0; r != 3; r++) {
		double t = two_stage_time(HIT, two_stage, &cfg, tlb, 400000);

		strict = t < strict ? t : strict;
	}
	iotlb_strict_state = 0;
	*table(GCR3_OFF, 0) = cfg.root_gpa | 1; /* valid */
	for (int r = 0; r != 3; r++) {
		double t =
			two_stage_time(MISS, amd_two_stage, &cfg, NULL, 400000);

		amd = t < amd ? t : amd;
	}
	printf("VT-d model: translation of one device address, ns\n");
	bench_row("two-stage translation, IOTLB miss", rows.miss, "ns",
		  "one-stage walk", rows.one, "(report)");
	bench_row("two-stage translation, IOTLB hit", rows.hit, "ns",
		  "one-stage walk", rows.one, "(report)");
	bench_row("two-stage translation, IOTLB hit, strict mode", strict, "ns",
		  "IOTLB hit", rows.hit, "(report)");
	printf("AMD model: translation of one device address, ns\n");
	bench_row("two-stage translation (GCR3 + v2), never cached", amd, "ns",
		  "one-stage walk", rows.one, "(report)");
	guest_unmap();
	free(tlb);
	return 0;
}
