/* SPDX-License-Identifier: MIT */
/*
 * An IOTLB for a nested (stage-1) domain: it caches what a first-stage
 * walk found (input page -> output page, permission, dirty), and forgets
 * an entry only when the domain's invalidation says so. A guest that
 * changes its page table and does not invalidate keeps getting the old
 * translation, as it would from hardware.
 *
 * Stage 2 is not cached here: the output is a guest-physical address that
 * every access still translates through the parent's table, whose own
 * flush (sw_iommu_quiesce()) keeps unmaps of the parent safe.
 *
 * Lookups and fills run on the lockless DMA path, from any number of
 * devices at once: each entry is a sequence lock (odd while written), a
 * lookup that meets a writer is a miss, and a fill that meets another
 * writer gives up. A fill whose walk began before an invalidation is
 * dropped (the generation moved), so a walk that read an entry the guest
 * then changed and invalidated cannot leave it cached afterwards.
 */
#ifndef UIOMMUFD_IOMMU_IOTLB_H
#define UIOMMUFD_IOMMU_IOTLB_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/util.h"

#define IOTLB_ENTRIES 256 /* direct mapped by 4 KiB input page */

struct iotlb_hit {
	uint64_t iova_base; /* first input address of the cached leaf */
	uint64_t size;	    /* its size */
	uint64_t out_base;  /* the output address of iova_base */
	bool writable;
	bool dirty;
};

struct iotlb_entry {
	uint64_t seq;
	uint64_t iova_base, size, out_base;
	uint32_t flags;
	uint32_t tag;
};

/* iotlb_invalidate_tag(): entries of every tag */
#define IOTLB_ANY_TAG UINT32_MAX

struct iotlb {
	uint64_t gen;
	struct iotlb_entry entry[IOTLB_ENTRIES];
};

/*
 * Entries carry a tag (an address-space ID: the SMMUv3 model's ASID) that
 * a lookup must match and an invalidation may select; a cache of one
 * address space uses tag 0 throughout.
 */

/* The entry of @tag covering @iova, if one is cached */
bool iotlb_lookup_tag(struct iotlb *tlb, uint32_t tag, uint64_t iova,
		      struct iotlb_hit *hit);
/* Read before a walk whose result may be filled in */
uint64_t iotlb_generation(struct iotlb *tlb);
/* Cache a walk's result for @iova in @tag, unless invalidated since @gen */
void iotlb_fill_tag(struct iotlb *tlb, uint64_t gen, uint32_t tag,
		    uint64_t iova, const struct iotlb_hit *hit);
/*
 * Forget every entry of @tag (or IOTLB_ANY_TAG) meeting [first, last]; a
 * fill racing with it is dropped. Returns the number of entries forgotten.
 */
unsigned int iotlb_invalidate_tag(struct iotlb *tlb, uint32_t tag,
				  uint64_t first, uint64_t last);

/*
 * Strict mode (UIOMMUFD_IOTLB_STRICT=1, uiommufd_iotlb_strict()): every hit
 * is checked against a walk of the tables as they are now, and an entry
 * they no longer agree with is reported, naming the invalidation the guest
 * forgot. The DMA still uses the entry, as hardware would. Off, the hit
 * path pays one load and a predictable branch.
 */
extern int iotlb_strict_state; /* -1 before the environment was read */
bool iotlb_strict_setup(void);

static inline bool iotlb_strict(void)
{
	int state = __atomic_load_n(&iotlb_strict_state, __ATOMIC_RELAXED);

	if (likely(state == 0))
		return false;
	return state > 0 || iotlb_strict_setup();
}

/* A hit the tables no longer agree with */
struct iotlb_stale {
	const char *dev;
	uint64_t iova;
	bool write;
	uint64_t cached_out; /* the output address of iova, cached and now */
	bool cached_writable;
	bool now_fault; /* the walk now faults: no now_out */
	uint64_t now_out;
	bool now_writable;
	/* The invalidation that would have dropped the entry, key=value */
	const char *missing;
};

/*
 * Strict mode's comparison of the IOTLB hit @hit of @iova by @dev with a
 * walk of the tables done now (@now_fault, or @now_out and
 * @now_writable). When they disagree, @stale is filled, for the caller to
 * name the missing invalidation and report it; true then.
 */
bool iotlb_hit_is_stale(struct iotlb_stale *stale, const char *dev,
			uint64_t iova, bool write, const struct iotlb_hit *hit,
			bool now_fault, uint64_t now_out, bool now_writable);

/* Counts @stale and reports it: a trace event, or stderr without trace */
void iotlb_report_stale(const struct iotlb_stale *stale);

static inline bool iotlb_lookup(struct iotlb *tlb, uint64_t iova,
				struct iotlb_hit *hit)
{
	return iotlb_lookup_tag(tlb, 0, iova, hit);
}

static inline void iotlb_fill(struct iotlb *tlb, uint64_t gen, uint64_t iova,
			      const struct iotlb_hit *hit)
{
	iotlb_fill_tag(tlb, gen, 0, iova, hit);
}

static inline unsigned int iotlb_invalidate(struct iotlb *tlb, uint64_t first,
					    uint64_t last)
{
	return iotlb_invalidate_tag(tlb, IOTLB_ANY_TAG, first, last);
}

#endif
