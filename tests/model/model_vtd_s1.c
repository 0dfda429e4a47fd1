// SPDX-License-Identifier: MIT
/*
 * The VT-d first-stage walk (src/iommu/vtd_s1.c) against a plain model,
 * and the nested IOTLB (src/iommu/iotlb.c) on its own.
 *
 * The model is a list of mappings (input range -> guest-physical output,
 * leaf R/W and U/S, a reserved bit planted or not) and of restrictions
 * (an upper-level entry whose R/W or U/S was cleared, over the range it
 * covers). A builder writes the tables for them into "guest memory" that
 * a stage-2 callback reaches; every step maps, unmaps, restricts or walks
 * a random address and the walk must give exactly the model's answer:
 * the fault, or the output address, leaf range and writability, with A
 * (and D on a write) set in the leaf by a walk that sets them. 4- and
 * 5-level tables in turn.
 *
 * Options (see model.h): --steps, --seed, --seeds.
 */
#include <setjmp.h>

#include "../../src/iommu/iotlb.h"
#include "../../src/iommu/vtd_s1.h"
#include "model.h"

#define PG	     4096ULL
#define GUEST_BASE   0x100000000ULL
#define GUEST_TABLES 4096 /* table pages of guest memory */
#define MAX_MAPS     512
#define MAX_UPPER    256

struct mapping {
	uint64_t iova, size, gpa;
	bool rw, us, rsvd;
	unsigned int rsvd_bit; /* the reserved bit planted */
	uint64_t *leaf;
};

/* An upper-level entry made restrictive: no R/W or no U/S below it */
struct restriction {
	uint64_t iova, size;
	bool no_rw, no_us;
};

static struct {
	uint64_t *guest; /* GUEST_TABLES pages */
	unsigned int next_table;
	unsigned int levels;
	uint64_t root;
	/* A page of guest memory stage 2 maps read-only (or none) */
	uint64_t ro_page;
	struct mapping map[MAX_MAPS];
	unsigned int nmaps;
	struct restriction upper[MAX_UPPER];
	unsigned int nupper;
	struct model_log log;
	struct model_rng rng;
	/* Walks per outcome (enum vtd_s1_fault), to see what was covered */
	uint64_t outcomes[VTD_S1_STAGE2 + 1];
} m;

static void fail(const char *what, uint64_t iova)
{
	model_log_print(&m.log);
	fprintf(stderr, "model_vtd_s1: %s at %#llx (%u levels)\n", what,
		(unsigned long long)iova, m.levels);
	exit(1);
}

static uint64_t *gpa_to_host(void *arg, uint64_t gpa, bool write)
{
	(void)arg;
	if (gpa < GUEST_BASE || gpa - GUEST_BASE >= GUEST_TABLES * PG)
		return NULL;
	if (write && (gpa & ~(PG - 1)) == m.ro_page)
		return NULL;
	return m.guest + (gpa - GUEST_BASE) / 8;
}

static uint64_t new_table(void)
{
	if (m.next_table == GUEST_TABLES)
		return 0;
	return GUEST_BASE + PG * m.next_table++;
}

static uint64_t level_size(unsigned int level)
{
	return PG << (9 * (level - 1));
}

static uint64_t *slot(uint64_t table, uint64_t iova, unsigned int level)
{
	return gpa_to_host(NULL, table + ((iova / level_size(level)) % 512) * 8,
			   false);
}

/* Write a leaf of @size at @iova; false if the tables are in the way */
static bool build(const struct mapping *mp, uint64_t **leaf)
{
	uint64_t table = m.root;

	for (unsigned int level = m.levels;; level--) {
		uint64_t *e = slot(table, mp->iova, level);

		if (level_size(level) == mp->size) {
			if (*e & VTD_S1_P)
				return false;
			*e = mp->gpa | VTD_S1_P | (mp->rw ? VTD_S1_RW : 0) |
			     (mp->us ? VTD_S1_US : 0) |
			     (level > 1 ? VTD_S1_PS : 0) |
			     (mp->rsvd ? 1ULL << mp->rsvd_bit : 0);
			*leaf = e;
			return true;
		}
		if (!(*e & VTD_S1_P)) {
			uint64_t t = new_table();

			if (!t)
				return false;
			*e = t | VTD_S1_P | VTD_S1_RW | VTD_S1_US;
			if (m.nupper != MAX_UPPER && rng_pct(&m.rng, 2)) {
				bool rw = rng_pct(&m.rng, 50);

				*e &= ~(rw ? VTD_S1_RW : VTD_S1_US);
				m.upper[m.nupper++] = (struct restriction){
					.iova = mp->iova &
						~(level_size(level) - 1),
					.size = level_size(level),
					.no_rw = rw,
					.no_us = !rw};
			}
		} else if (*e & VTD_S1_PS) {
			return false;
		}
		table = *e & 0xfffffffff000ULL;
	}
}

static void step_map(void)
{
	static const uint64_t sizes[] = {PG, PG, PG, PG << 9, PG << 18};
	uint64_t span = 1ULL << (m.levels == 5 ? 50 : 41);
	struct mapping mp;

	if (m.nmaps == MAX_MAPS)
		return;
	mp.size = sizes[rng_below(&m.rng, 5)];
	mp.iova = rng_below(&m.rng, span / mp.size) * mp.size;
	mp.gpa = rng_below(&m.rng, (1ULL << 48) / mp.size) * mp.size;
	mp.rw = rng_pct(&m.rng, 70);
	mp.us = rng_pct(&m.rng, 90);
	mp.rsvd = rng_pct(&m.rng, 5);
	/* Above the 48-bit address, or in a large leaf's address bits */
	mp.rsvd_bit = 48 + (unsigned int)rng_below(&m.rng, 4);
	if (mp.size > PG && rng_pct(&m.rng, 50))
		mp.rsvd_bit = 13 + (unsigned int)rng_below(
					   &m.rng, mp.size == PG << 9 ? 8 : 17);
	if (!build(&mp, &mp.leaf))
		return;
	m.map[m.nmaps++] = mp;
	model_log(&m.log, "map %#llx+%#llx -> %#llx rw %d us %d rsvd %d",
		  (unsigned long long)mp.iova, (unsigned long long)mp.size,
		  (unsigned long long)mp.gpa, mp.rw, mp.us, mp.rsvd);
}

static void step_unmap(void)
{
	unsigned int i;

	if (!m.nmaps)
		return;
	i = (unsigned int)rng_below(&m.rng, m.nmaps);
	model_log(&m.log, "unmap %#llx", (unsigned long long)m.map[i].iova);
	*m.map[i].leaf = 0;
	m.map[i] = m.map[--m.nmaps];
}

/*
 * What the walk must say for @iova; *found the mapping, *writable whether
 * every level allows writing
 */
static enum vtd_s1_fault expect(uint64_t iova, bool write,
				const struct mapping **found, bool *writable)
{
	uint64_t top = iova >> (12 + 9 * m.levels - 1);
	bool no_rw = false;

	*found = NULL;
	if (top && top != ~0ULL >> (12 + 9 * m.levels - 1))
		return VTD_S1_NON_CANONICAL;
	/* The upper half is canonical, and never mapped here */
	if (top)
		return VTD_S1_NOT_PRESENT;
	for (unsigned int i = 0; i != m.nupper; i++) {
		if (iova - m.upper[i].iova >= m.upper[i].size)
			continue;
		if (m.upper[i].no_us)
			return VTD_S1_NO_USER;
		no_rw |= m.upper[i].no_rw;
	}
	for (unsigned int i = 0; i != m.nmaps; i++)
		if (iova - m.map[i].iova < m.map[i].size)
			*found = &m.map[i];
	if (!*found)
		return VTD_S1_NOT_PRESENT;
	if ((*found)->rsvd)
		return VTD_S1_RESERVED;
	if (!(*found)->us)
		return VTD_S1_NO_USER;
	*writable = !no_rw && (*found)->rw;
	if (write && !*writable)
		return VTD_S1_NO_WRITE;
	return VTD_S1_OK;
}

static void step_walk(void)
{
	const struct vtd_s1_cfg cfg = {.root_gpa = m.root,
				       .levels = m.levels,
				       .gpa_to_host = gpa_to_host};
	bool write = rng_pct(&m.rng, 50), set_ad = rng_pct(&m.rng, 70);
	const struct mapping *mp;
	struct vtd_s1_result res;
	enum vtd_s1_fault want, got;
	bool writable = false;
	uint64_t iova;

	if (m.nmaps && rng_pct(&m.rng, 60)) {
		mp = &m.map[rng_below(&m.rng, m.nmaps)];
		iova = mp->iova + rng_below(&m.rng, mp->size);
	} else {
		iova = rng_next(&m.rng) >> rng_below(&m.rng, 24);
	}
	want = expect(iova, write, &mp, &writable);
	got = vtd_s1_walk(&cfg, iova, write, set_ad, &res);
	model_log(&m.log, "walk %#llx write %d set_ad %d: %d (want %d)",
		  (unsigned long long)iova, write, set_ad, got, want);
	if (got != want)
		fail("fault differs", iova);
	m.outcomes[got]++;
	if (got)
		return;
	if (res.gpa != mp->gpa + (iova - mp->iova) || res.size != mp->size ||
	    res.iova_base != mp->iova)
		fail("translation differs", iova);
	if (res.writable != writable)
		fail("writability differs", iova);
	if (set_ad &&
	    (!(*mp->leaf & VTD_S1_A) || (write && !(*mp->leaf & VTD_S1_D)) ||
	     (write && !res.dirty)))
		fail("A/D not set", iova);
}

static void run_seed(uint64_t seed, uint64_t steps, unsigned int levels)
{
	memset(m.guest, 0, GUEST_TABLES * PG);
	m.next_table = 0;
	m.nmaps = m.nupper = 0;
	m.levels = levels;
	m.rng.s = seed;
	m.ro_page = 0;
	m.root = new_table();
	for (uint64_t i = 0; i != steps; i++) {
		uint64_t r = rng_below(&m.rng, 100);

		if (r < 30)
			step_map();
		else if (r < 40)
			step_unmap();
		else
			step_walk();
	}
}

/* Setting A needs stage-2 write permission on the table page */
static void check_stage2_write(void)
{
	const struct vtd_s1_cfg cfg = {
		.root_gpa = m.root, .levels = 4, .gpa_to_host = gpa_to_host};
	struct mapping mp = {.iova = 0x5000,
			     .size = PG,
			     .gpa = 0x9000,
			     .rw = true,
			     .us = true};
	struct vtd_s1_result res;

	memset(m.guest, 0, GUEST_TABLES * PG);
	m.next_table = 0;
	m.nupper = 0;
	m.levels = 4;
	m.root = new_table();
	if (!build(&mp, &mp.leaf))
		fail("build", mp.iova);
	m.ro_page = (GUEST_BASE + ((uint64_t *)mp.leaf - m.guest) * 8) &
		    ~(PG - 1);
	if (vtd_s1_walk(&cfg, mp.iova, false, false, &res) != VTD_S1_OK)
		fail("read-only table, no A/D", mp.iova);
	if (vtd_s1_walk(&cfg, mp.iova, false, true, &res) != VTD_S1_STAGE2)
		fail("read-only table, A to set", mp.iova);
	*mp.leaf |= VTD_S1_A;
	if (vtd_s1_walk(&cfg, mp.iova, false, true, &res) != VTD_S1_OK)
		fail("read-only table, A already set", mp.iova);
	if (vtd_s1_walk(&cfg, mp.iova, true, true, &res) != VTD_S1_STAGE2)
		fail("read-only table, D to set", mp.iova);
	m.ro_page = 0;
}

/* The IOTLB: ranges, generations */
static void check_iotlb(void)
{
	struct iotlb *tlb = calloc(1, sizeof(*tlb));
	struct iotlb_hit hit = {.iova_base = 0x200000,
				.size = 0x200000,
				.out_base = 0x40000000,
				.writable = true};
	struct iotlb_hit got;
	uint64_t gen;

	if (!tlb)
		fail("calloc", 0);
	gen = iotlb_generation(tlb);
	iotlb_fill(tlb, gen, 0x201000, &hit);
	if (!iotlb_lookup(tlb, 0x201fff, &got) || got.out_base != 0x40000000 ||
	    !got.writable || got.dirty)
		fail("iotlb: filled entry", 0x201fff);
	/* Another slot of the same 2 MiB leaf is not filled by that */
	if (iotlb_lookup(tlb, 0x202000, &got))
		fail("iotlb: other slot", 0x202000);
	if (iotlb_invalidate(tlb, 0x400000, 0x400fff) != 0 ||
	    !iotlb_lookup(tlb, 0x201000, &got))
		fail("iotlb: invalidation outside", 0x400000);
	/* A range meeting the leaf anywhere drops it */
	if (iotlb_invalidate(tlb, 0x3ff000, 0x3fffff) != 1 ||
	    iotlb_lookup(tlb, 0x201000, &got))
		fail("iotlb: invalidation meeting the leaf", 0x3ff000);
	/* A walk that began before an invalidation is not cached */
	gen = iotlb_generation(tlb);
	iotlb_invalidate(tlb, 0, 0);
	iotlb_fill(tlb, gen, 0x201000, &hit);
	if (iotlb_lookup(tlb, 0x201000, &got))
		fail("iotlb: fill older than an invalidation", 0x201000);
	free(tlb);
}

int main(int argc, char **argv)
{
	struct model_opts o = {.steps = 20000, .seed = 1, .seeds = 1};
	double t0 = model_now();

	model_parse(&o, &argc, argv);
	m.guest = calloc(GUEST_TABLES, PG);
	if (!m.guest)
		return 1;
	for (unsigned int i = 0; i != o.seeds; i++) {
		run_seed(o.seed + i, o.steps, 4);
		run_seed(o.seed + i, o.steps, 5);
	}
	check_stage2_write();
	check_iotlb();
	printf("model_vtd_s1: %llu steps in %.2f s; walks: %llu ok, %llu not "
	       "present, %llu no write, %llu no user, %llu reserved, %llu "
	       "non-canonical\n",
	       (unsigned long long)(o.steps * o.seeds * 2), model_now() - t0,
	       (unsigned long long)m.outcomes[VTD_S1_OK],
	       (unsigned long long)m.outcomes[VTD_S1_NOT_PRESENT],
	       (unsigned long long)m.outcomes[VTD_S1_NO_WRITE],
	       (unsigned long long)m.outcomes[VTD_S1_NO_USER],
	       (unsigned long long)m.outcomes[VTD_S1_RESERVED],
	       (unsigned long long)m.outcomes[VTD_S1_NON_CANONICAL]);
	free(m.guest);
	return 0;
}
