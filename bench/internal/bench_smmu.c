// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 model's two-stage translation, below iommufd (issue 11): what
 * one translation of a device address costs the software IOMMU, at each
 * stage-1 granule (the rows: two_stage.h). Its two-stage translation is
 * the CD decoded, the VMSAv8-64 walk (every descriptor reached through a
 * stage-2 lookup) and the stage-2 lookup of its result, as sw_smmu_walk()
 * does when its IOTLB has no entry, or the CD decoded, the ASID-tagged
 * IOTLB lookup and the stage-2 lookup on a hit: the same functions as the
 * driver's DMA path, without the DMA section and the CD cache's sequence
 * read around them.
 *
 *   bench_smmu
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/iommu/smmu_s1.h"
#include "two_stage.h"

#define IAS  48
#define ASID 3

static uint64_t next_table;

static uint64_t *gpa_to_host(void *arg, uint64_t gpa)
{
	struct io_pgtable_walk walk;

	(void)arg;
	if (!io_pgtable_lookup(&s2, gpa, &walk) || !(walk.prot & IOPTE_READ))
		return NULL;
	return (uint64_t *)walk.host;
}

/* Tables from the start of guest memory, one granule each */
static uint64_t new_table(unsigned int g)
{
	uint64_t t = next_table;

	next_table += 1UL << g;
	expect(next_table <= DATA_OFF, "table space");
	return t;
}

/* Map the page of granule @g at @iova, making tables on the way */
static void map_page(unsigned int g, uint64_t root, uint64_t iova, uint64_t out)
{
	unsigned int stride = g - 3;
	unsigned int level = 4 - (IAS - g + stride - 1) / stride;
	uint64_t table = root;

	for (;; level++) {
		unsigned int shift = g + (3 - level) * stride;
		uint64_t *d = (uint64_t *)(guest + table) +
			      ((iova >> shift) & ((1ULL << stride) - 1));

		if (level == 3) {
			*d = out | SMMU_PTE_VALID | SMMU_PTE_TABLE |
			     SMMU_PTE_AF;
			return;
		}
		if (!(*d & SMMU_PTE_VALID))
			*d = (GUEST_BASE + new_table(g)) | SMMU_PTE_VALID |
			     SMMU_PTE_TABLE;
		table = (*d & ((1ULL << 48) - 1) & ~((1ULL << g) - 1)) -
			GUEST_BASE;
	}
}

/* The tables of granule @g over SPAN; the CD that points at them */
static void build(unsigned int g, uint64_t cd[2])
{
	static const uint64_t tg0[] = {[12] = 0, [14] = 2, [16] = 1};
	uint64_t root;

	memset(guest, 0, DATA_OFF);
	next_table = 0;
	root = new_table(g);
	for (uint64_t iova = 0; iova != SPAN; iova += 1UL << g)
		map_page(g, root, iova, GUEST_BASE + DATA_OFF + iova);
	cd[0] = (64 - IAS) | tg0[g] << 6 | SMMU_CD_0_V | 5ULL << 32 |
		SMMU_CD_0_AA64 | (uint64_t)ASID << SMMU_CD_0_ASID_SHIFT;
	cd[1] = GUEST_BASE + root;
}

/* A two_stage_fn: @arg is the CD, two dwords */
static inline __attribute__((always_inline)) uintptr_t
two_stage(const void *arg, struct iotlb *tlb, uint64_t iova)
{
	const uint64_t *cd = arg;
	struct smmu_s1_cfg cfg = {.gpa_to_host = gpa_to_host};
	struct io_pgtable_walk walk;
	struct smmu_s1_result res;
	struct iotlb_hit hit;
	uint64_t gpa;

	expect(smmu_cd_decode(cd, &cfg), "CD");
	if (tlb && iotlb_lookup_tag(tlb, cfg.asid, iova, &hit)) {
		gpa = hit.out_base + (iova - hit.iova_base);
	} else {
		uint64_t gen = tlb ? iotlb_generation(tlb) : 0;

		expect(smmu_s1_walk(&cfg, iova, false, &res) == SMMU_S1_OK,
		       "walk");
		gpa = res.gpa;
		if (tlb) {
			hit = (struct iotlb_hit){
				.iova_base = res.iova_base,
				.size = res.size,
				.out_base = res.gpa - (iova - res.iova_base)};
			iotlb_fill_tag(tlb, gen, cfg.asid, iova, &hit);
		}
	}
	expect(io_pgtable_lookup(&s2, gpa, &walk), "final stage 2");
	return walk.host;
}

/* The rows of granule @g */
static void granule(unsigned int g, const char *name, struct iotlb *tlb)
{
	struct two_stage_rows rows;
	char label[96];
	uint64_t cd[2];

	build(g, cd);
	iotlb_invalidate(tlb, 0, UINT64_MAX);
	rows = two_stage_rows(two_stage, cd, tlb);
	snprintf(label, sizeof(label), "SMMUv3 %s two-stage, IOTLB miss", name);
	bench_row(label, rows.miss, "ns", "one-stage walk", rows.one,
		  "(report)");
	snprintf(label, sizeof(label), "SMMUv3 %s two-stage, IOTLB hit", name);
	bench_row(label, rows.hit, "ns", "one-stage walk", rows.one,
		  "(report)");
}

int main(void)
{
	struct iotlb *tlb = calloc(1, sizeof(*tlb));

	expect(tlb, "alloc");
	guest_map();
	printf("SMMUv3 model: translation of one device address, ns\n");
	granule(12, "4K", tlb);
	granule(14, "16K", tlb);
	granule(16, "64K", tlb);
	guest_unmap();
	free(tlb);
	return 0;
}
