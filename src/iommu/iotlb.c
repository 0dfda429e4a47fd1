// SPDX-License-Identifier: MIT
/*
 * The nested-domain IOTLB (see iotlb.h).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiommufd/uiommufd.h>

#include "../lib/trace.h"
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

int iotlb_strict_state = -1;
static uint64_t iotlb_stale_uses;

/* Set from UIOMMUFD_IOTLB_STRICT on first use, unless a call set it first */
bool iotlb_strict_setup(void)
{
	const char *env = getenv("UIOMMUFD_IOTLB_STRICT");
	int want = env && *env && strcmp(env, "0") ? 1 : 0;
	int unset = -1;

	__atomic_compare_exchange_n(&iotlb_strict_state, &unset, want, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	return __atomic_load_n(&iotlb_strict_state, __ATOMIC_RELAXED) > 0;
}

/* Without the trace, stderr gets this many reports, then a last note */
#define IOTLB_STALE_STDERR_MAX 16

static void iotlb_stale_stderr(const struct iotlb_stale *s, uint64_t nth)
{
	char now[40] = "fault";

	if (nth > IOTLB_STALE_STDERR_MAX)
		return;
	if (!s->now_fault)
		snprintf(now, sizeof(now), "%#llx%s",
			 (unsigned long long)s->now_out,
			 s->now_writable ? "" : " read-only");
	fprintf(stderr,
		"uiommufd: %s: DMA %s IOVA %#llx used a stale IOTLB entry "
		"(cached %#llx%s, tables now %s): %s\n",
		s->dev, s->write ? "write to" : "read of",
		(unsigned long long)s->iova, (unsigned long long)s->cached_out,
		s->cached_writable ? "" : " read-only", now, s->missing);
	if (nth == IOTLB_STALE_STDERR_MAX)
		fprintf(stderr, "uiommufd: further stale IOTLB uses are only "
				"counted (uiommufd_iotlb_stale_count())\n");
}

bool iotlb_hit_is_stale(struct iotlb_stale *stale, const char *dev,
			uint64_t iova, bool write, const struct iotlb_hit *hit,
			bool now_fault, uint64_t now_out, bool now_writable)
{
	*stale = (struct iotlb_stale){
		.dev = dev,
		.iova = iova,
		.write = write,
		.cached_out = hit->out_base + (iova - hit->iova_base),
		.cached_writable = hit->writable,
		.now_fault = now_fault,
	};
	if (now_fault)
		return true;
	stale->now_out = now_out;
	stale->now_writable = now_writable;
	return now_out != stale->cached_out || now_writable != hit->writable;
}

void iotlb_report_stale(const struct iotlb_stale *s)
{
	uint64_t nth =
		__atomic_add_fetch(&iotlb_stale_uses, 1, __ATOMIC_RELAXED);

	if (!ufd_trace_on()) {
		iotlb_stale_stderr(s, nth);
		return;
	}
	if (s->now_fault)
		ufd_trace_event("stale_iotlb",
				"dev=%s iova=%#llx write=%d cached=%#llx "
				"cached_write=%d now=fault %s",
				s->dev, (unsigned long long)s->iova, s->write,
				(unsigned long long)s->cached_out,
				s->cached_writable, s->missing);
	else
		ufd_trace_event("stale_iotlb",
				"dev=%s iova=%#llx write=%d cached=%#llx "
				"cached_write=%d now=%#llx now_write=%d %s",
				s->dev, (unsigned long long)s->iova, s->write,
				(unsigned long long)s->cached_out,
				s->cached_writable,
				(unsigned long long)s->now_out, s->now_writable,
				s->missing);
}

UFD_EXPORT bool uiommufd_iotlb_strict(int on)
{
	bool was = iotlb_strict();

	if (on >= 0)
		__atomic_store_n(&iotlb_strict_state, on > 0, __ATOMIC_RELAXED);
	return was;
}

UFD_EXPORT uint64_t uiommufd_iotlb_stale_count(void)
{
	return __atomic_load_n(&iotlb_stale_uses, __ATOMIC_RELAXED);
}
