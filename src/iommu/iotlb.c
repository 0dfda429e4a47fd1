// SPDX-License-Identifier: MIT
/*
 * The nested-domain IOTLB (see iotlb.h).
 */
#include <sched.h>

#include "iotlb.h"

#define IOTLB_VALID    (1u << 0)
#define IOTLB_WRITABLE (1u << 1)
#define IOTLB_DIRTY    (1u << 2)

/* Neighbouring pages of one tag, and one page of neighbouring tags, differ */
static struct iotlb_entry *iotlb_slot(struct iotlb *tlb, uint32_t tag,
				      uint64_t iova)
{
	return &tlb->entry[((iova >> 12) + tag * 37ULL) % IOTLB_ENTRIES];
}

bool iotlb_lookup_tag(struct iotlb *tlb, uint32_t tag, uint64_t iova,
		      struct iotlb_hit *hit)
{
	struct iotlb_entry *e = iotlb_slot(tlb, tag, iova);
	uint64_t seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
	uint32_t flags, e_tag;

	if (seq & 1)
		return false;
	flags = __atomic_load_n(&e->flags, __ATOMIC_RELAXED);
	e_tag = __atomic_load_n(&e->tag, __ATOMIC_RELAXED);
	hit->iova_base = __atomic_load_n(&e->iova_base, __ATOMIC_RELAXED);
	hit->size = __atomic_load_n(&e->size, __ATOMIC_RELAXED);
	hit->out_base = __atomic_load_n(&e->out_base, __ATOMIC_RELAXED);
	/* The reads above happen before the sequence is read again */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != seq)
		return false;
	if (!(flags & IOTLB_VALID) || e_tag != tag ||
	    iova - hit->iova_base >= hit->size)
		return false;
	hit->writable = flags & IOTLB_WRITABLE;
	hit->dirty = flags & IOTLB_DIRTY;
	return true;
}

uint64_t iotlb_generation(struct iotlb *tlb)
{
	return __atomic_load_n(&tlb->gen, __ATOMIC_ACQUIRE);
}

/* Make the entry odd (ours); false if another writer has it */
static bool entry_trylock(struct iotlb_entry *e, uint64_t *seq)
{
	*seq = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
	if (*seq & 1)
		return false;
	if (!__atomic_compare_exchange_n(&e->seq, seq, *seq + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	/* The field writes that follow are not seen before the odd seq */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return true;
}

static void entry_unlock(struct iotlb_entry *e, uint64_t seq)
{
	__atomic_store_n(&e->seq, seq + 2, __ATOMIC_RELEASE);
}

void iotlb_fill_tag(struct iotlb *tlb, uint64_t gen, uint32_t tag,
		    uint64_t iova, const struct iotlb_hit *hit)
{
	struct iotlb_entry *e = iotlb_slot(tlb, tag, iova);
	uint32_t flags = IOTLB_VALID;
	uint64_t seq;

	if (!entry_trylock(e, &seq))
		return;
	/* An invalidation since the walk began: its result may be stale */
	if (__atomic_load_n(&tlb->gen, __ATOMIC_ACQUIRE) != gen) {
		entry_unlock(e, seq);
		return;
	}
	if (hit->writable)
		flags |= IOTLB_WRITABLE;
	if (hit->dirty)
		flags |= IOTLB_DIRTY;
	__atomic_store_n(&e->iova_base, hit->iova_base, __ATOMIC_RELAXED);
	__atomic_store_n(&e->size, hit->size, __ATOMIC_RELAXED);
	__atomic_store_n(&e->out_base, hit->out_base, __ATOMIC_RELAXED);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELAXED);
	__atomic_store_n(&e->tag, tag, __ATOMIC_RELAXED);
	entry_unlock(e, seq);
}

unsigned int iotlb_invalidate_tag(struct iotlb *tlb, uint32_t tag,
				  uint64_t first, uint64_t last)
{
	unsigned int n = 0;

	/* Before any entry is looked at: fills of older walks are dropped */
	__atomic_add_fetch(&tlb->gen, 1, __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i != IOTLB_ENTRIES; i++) {
		struct iotlb_entry *e = &tlb->entry[i];
		uint64_t base, seq;

		/* A writer holds an entry only for a few stores */
		while (!entry_trylock(e, &seq))
			sched_yield();
		base = __atomic_load_n(&e->iova_base, __ATOMIC_RELAXED);
		if ((__atomic_load_n(&e->flags, __ATOMIC_RELAXED) &
		     IOTLB_VALID) &&
		    (tag == IOTLB_ANY_TAG ||
		     __atomic_load_n(&e->tag, __ATOMIC_RELAXED) == tag) &&
		    base <= last &&
		    base + (__atomic_load_n(&e->size, __ATOMIC_RELAXED) - 1) >=
			    first) {
			__atomic_store_n(&e->flags, 0, __ATOMIC_RELAXED);
			n++;
		}
		entry_unlock(e, seq);
	}
	return n;
}
