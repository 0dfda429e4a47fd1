// SPDX-License-Identifier: MIT
/*
 * The VT-d first-stage walk (see vtd_s1.h). Layouts and bit meanings are
 * those of x86-64 paging and the VT-d specification's first-stage tables.
 */
#include "vtd_s1.h"

#define VTD_S1_MAX_LEVELS 5
#define VTD_S1_PAGE_SHIFT 12
#define VTD_S1_IDX_BITS	  9

/* Bits 51:12 hold an address; those above the model's GPA width are reserved */
#define VTD_S1_ADDR_MASK \
	((1ULL << VTD_S1_GPA_BITS) - (1ULL << VTD_S1_PAGE_SHIFT))
#define VTD_S1_HIGH_RSVD (((1ULL << 52) - 1) & ~((1ULL << VTD_S1_GPA_BITS) - 1))

static uint64_t level_size(unsigned int level)
{
	return 1ULL << (VTD_S1_PAGE_SHIFT + VTD_S1_IDX_BITS * (level - 1));
}

static bool canonical(uint64_t iova, const struct vtd_s1_cfg *cfg)
{
	unsigned int bits = VTD_S1_PAGE_SHIFT + VTD_S1_IDX_BITS * cfg->levels;
	uint64_t top = iova >> (bits - 1);

	if (cfg->zero_extend)
		return !(iova >> bits);
	/* Bits 63 to bits-1 all equal: all zeros or all ones */
	return !top || top == (~0ULL >> (bits - 1));
}

/*
 * Reserved bits of an entry at @level that points to a table or, with PS,
 * is a large leaf. Level 1 entries are leaves whose bit 7 is PAT.
 */
static uint64_t reserved_bits(unsigned int level, uint64_t entry)
{
	uint64_t rsvd = VTD_S1_HIGH_RSVD;

	if (level == 1 || !(entry & VTD_S1_PS))
		return rsvd;
	/* PS in a PML5E or PML4E is reserved: no 512 GiB pages */
	if (level > 3)
		return rsvd | VTD_S1_PS;
	/* A large leaf's address starts above its PAT bit (bit 12) */
	return rsvd | ((level_size(level) - 1) & ~((1ULL << 13) - 1));
}

/* What one pass of the walk saw, to set A/D bits on */
struct vtd_s1_path {
	uint64_t gpa[VTD_S1_MAX_LEVELS];
	uint64_t entry[VTD_S1_MAX_LEVELS];
	unsigned int n;
};

static enum vtd_s1_fault walk_once(const struct vtd_s1_cfg *cfg, uint64_t iova,
				   bool write, struct vtd_s1_path *path,
				   struct vtd_s1_result *res)
{
	uint64_t table = cfg->root_gpa & ~((1ULL << VTD_S1_PAGE_SHIFT) - 1);
	bool writable = true;

	path->n = 0;
	for (unsigned int level = cfg->levels; level; level--) {
		unsigned int shift =
			VTD_S1_PAGE_SHIFT + VTD_S1_IDX_BITS * (level - 1);
		uint64_t gpa = table + ((iova >> shift) & 511) * 8;
		uint64_t *p = cfg->gpa_to_host(cfg->arg, gpa, false);
		uint64_t e;

		if (!p)
			return VTD_S1_STAGE2;
		e = __atomic_load_n(p, __ATOMIC_ACQUIRE);
		if (!(e & VTD_S1_P))
			return VTD_S1_NOT_PRESENT;
		if (e & reserved_bits(level, e))
			return VTD_S1_RESERVED;
		if (!(e & VTD_S1_US))
			return VTD_S1_NO_USER;
		writable &= !!(e & VTD_S1_RW);
		path->gpa[path->n] = gpa;
		path->entry[path->n++] = e;
		if (level == 1 || (e & VTD_S1_PS)) {
			uint64_t size = level_size(level);

			res->size = size;
			res->iova_base = iova & ~(size - 1);
			res->gpa = (e & VTD_S1_ADDR_MASK & ~(size - 1)) |
				   (iova & (size - 1));
			res->writable = writable;
			res->dirty = e & VTD_S1_D;
			break;
		}
		table = e & VTD_S1_ADDR_MASK;
	}
	if (write && !writable)
		return VTD_S1_NO_WRITE;
	return VTD_S1_OK;
}

/*
 * Set A in every entry of the path and D in the leaf for a write. false
 * when an entry changed since it was read: the walk starts over, as the
 * hardware's locked update would see the new entry.
 */
static bool set_accessed_dirty(const struct vtd_s1_cfg *cfg,
			       const struct vtd_s1_path *path, bool write,
			       enum vtd_s1_fault *fault)
{
	for (unsigned int i = 0; i != path->n; i++) {
		uint64_t old = path->entry[i];
		uint64_t set = VTD_S1_A;
		uint64_t *p;

		if (write && i == path->n - 1)
			set |= VTD_S1_D;
		if ((old & set) == set)
			continue;
		/* Setting a bit is a write through stage 2 */
		p = cfg->gpa_to_host(cfg->arg, path->gpa[i], true);
		if (!p) {
			*fault = VTD_S1_STAGE2;
			return true;
		}
		if (!__atomic_compare_exchange_n(p, &old, old | set, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			return false;
	}
	return true;
}

enum vtd_s1_fault vtd_s1_walk(const struct vtd_s1_cfg *cfg, uint64_t iova,
			      bool write, bool set_ad,
			      struct vtd_s1_result *res)
{
	struct vtd_s1_path path;
	enum vtd_s1_fault fault;

	if (!canonical(iova, cfg))
		return VTD_S1_NON_CANONICAL;
	/* Progress needs the guest to rewrite an entry between two passes */
	for (;;) {
		fault = walk_once(cfg, iova, write, &path, res);
		if (fault || !set_ad)
			return fault;
		if (set_accessed_dirty(cfg, &path, write, &fault))
			break;
	}
	if (!fault && write)
		res->dirty = true;
	return fault;
}
