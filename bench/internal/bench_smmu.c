// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 model's two-stage translation, below iommufd (issue 11): what
 * one translation of a device address costs the software IOMMU, at each
 * stage-1 granule
 *
 *  - one stage: io_pgtable_lookup() of the parent table alone, as a device
 *    attached to a paging HWPT pays;
 *  - two stages, IOTLB miss: the CD decoded, the VMSAv8-64 walk (every
 *    descriptor reached through a stage-2 lookup) and the stage-2 lookup
 *    of its result, as sw_smmu_walk() does when its IOTLB has no entry;
 *  - two stages, IOTLB hit: the CD decoded, the ASID-tagged IOTLB lookup
 *    and the stage-2 lookup.
 *
 * Random addresses of 32 MiB (miss and one-stage rows), and of 256 4 KiB
 * slots that all stay in the IOTLB (hit row). The same functions as the
 * driver's DMA path, without the DMA section and the CD cache's sequence
 * read around them.
 *
 *   bench_smmu
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../src/iommu/io_pgtable.h"
#include "../../src/iommu/iotlb.h"
#include "../../src/iommu/smmu_s1.h"
#include "../bench_row.h"

#define PG	   4096UL
#define GUEST_SIZE (48UL << 20)
#define GUEST_BASE 0x40000000UL
#define DATA_OFF   (8UL << 20)
#define SPAN	   (32UL << 20) /* device addresses [0, SPAN) */
#define IAS	   48
#define ASID	   3

static char *guest;
static struct io_pgtable s2;
static uint64_t next_table;

static void expect(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "bench_smmu: %s failed\n", what);
		exit(1);
	}
}

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

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

static uintptr_t one_stage(uint64_t iova)
{
	struct io_pgtable_walk walk;

	expect(io_pgtable_lookup(&s2, GUEST_BASE + DATA_OFF + iova, &walk),
	       "stage 2");
	return walk.host;
}

static uintptr_t two_stage(const uint64_t cd[2], struct iotlb *tlb,
			   uint64_t iova)
{
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

enum kind { ONE_STAGE, MISS, HIT };

static double run(enum kind kind, const uint64_t cd[2], struct iotlb *tlb,
		  unsigned long n)
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
			       : two_stage(cd, kind == HIT ? tlb : NULL, iova);
	}
	t = (now_ns() - t) / n;
	if (!sum)
		printf(" ");
	return t;
}

/* Best of three interleaved rounds: the machine is shared */
static void granule(unsigned int g, const char *name, struct iotlb *tlb)
{
	const unsigned long n = 400000;
	double t_one = 1e30, t_miss = 1e30, t_hit = 1e30;
	char label[96];
	uint64_t cd[2];

	build(g, cd);
	iotlb_invalidate(tlb, 0, UINT64_MAX);
	for (int r = 0; r != 3; r++) {
		double t = run(ONE_STAGE, cd, tlb, n);

		t_one = t < t_one ? t : t_one;
		t = run(MISS, cd, tlb, n);
		t_miss = t < t_miss ? t : t_miss;
		t = run(HIT, cd, tlb, n);
		t_hit = t < t_hit ? t : t_hit;
	}
	snprintf(label, sizeof(label), "SMMUv3 %s two-stage, IOTLB miss", name);
	bench_row(label, t_miss, "ns", "one-stage walk", t_one, "(report)");
	snprintf(label, sizeof(label), "SMMUv3 %s two-stage, IOTLB hit", name);
	bench_row(label, t_hit, "ns", "one-stage walk", t_one, "(report)");
}

int main(void)
{
	const struct io_pgtable_cfg s2_cfg = {.granule_shift = 12, .levels = 4};
	struct iotlb *tlb = calloc(1, sizeof(*tlb));
	char *p;

	expect(tlb, "alloc");
	p = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect(p != MAP_FAILED, "mmap");
	guest = p;
	expect(!io_pgtable_init(&s2, &s2_cfg), "init");
	expect(!io_pgtable_map(&s2, GUEST_BASE, (uintptr_t)guest, GUEST_SIZE,
			       IOPTE_READ | IOPTE_WRITE, PG),
	       "map guest");
	printf("SMMUv3 model: translation of one device address, ns\n");
	granule(12, "4K", tlb);
	granule(14, "16K", tlb);
	granule(16, "64K", tlb);
	io_pgtable_destroy(&s2);
	munmap(p, GUEST_SIZE);
	free(tlb);
	return 0;
}
