// SPDX-License-Identifier: MIT
/*
 * The radix IO page table.
 *
 * Entry format: bit 0 present; bits 1-2 read/write; bit 3 leaf (implied at
 * level 0); bits 5-6 accessed/dirty; the rest is the host address of the
 * leaf's first byte or of the next table, both aligned well beyond bit 6.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/alloc.h"
#include "../core/util.h"
#include "io_pgtable.h"

#define PTE_PRESENT    1ull
#define PTE_LEAF       (1ull << 3)
#define PTE_FLAGS_MASK 0x7full
#define PTE_ADDR(pte)  ((uintptr_t)((pte) & ~PTE_FLAGS_MASK))
#define TABLE_BYTES    (IOPT_PTES_PER_TABLE * sizeof(uint64_t))

static inline uint64_t pte_read(uint64_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

static inline void pte_write(uint64_t *ptep, uint64_t v)
{
	__atomic_store_n(ptep, v, __ATOMIC_RELEASE);
}

static inline unsigned int level_shift(const struct io_pgtable *pt,
				       unsigned int level)
{
	return pt->cfg.granule_shift + level * IOPT_LEVEL_SHIFT;
}

static inline unsigned long level_size(const struct io_pgtable *pt,
				       unsigned int level)
{
	return 1UL << level_shift(pt, level);
}

static inline unsigned int pte_index(const struct io_pgtable *pt,
				     unsigned long iova, unsigned int level)
{
	return (iova >> level_shift(pt, level)) & (IOPT_PTES_PER_TABLE - 1);
}

static inline bool pte_is_leaf(uint64_t pte, unsigned int level)
{
	return level == 0 || (pte & PTE_LEAF);
}

unsigned long io_pgtable_last_iova(const struct io_pgtable *pt)
{
	unsigned int bits = level_shift(pt, pt->cfg.levels);

	return bits >= 64 ? ULONG_MAX : (1UL << bits) - 1;
}

static uint64_t *table_alloc(struct io_pgtable *pt)
{
	void *t;

	mutex_lock(&pt->free_lock);
	t = pt->free_tables;
	if (t)
		pt->free_tables = *(void **)t;
	mutex_unlock(&pt->free_lock);
	if (t) {
		memset(t, 0, TABLE_BYTES);
		return t;
	}
	if (ufd_should_fail())
		return NULL;
	if (posix_memalign(&t, TABLE_BYTES, TABLE_BYTES))
		return NULL;
	memset(t, 0, TABLE_BYTES);
	__atomic_add_fetch(&pt->ntables, 1, __ATOMIC_RELAXED);
	return t;
}

/*
 * Keep an emptied table for reuse: a lockless walker that still holds a
 * pointer to it reads zeroes or a new table's entries, never freed memory.
 */
static void table_retire(struct io_pgtable *pt, uint64_t *table)
{
	mutex_lock(&pt->free_lock);
	*(void **)table = pt->free_tables;
	pt->free_tables = table;
	mutex_unlock(&pt->free_lock);
}

int io_pgtable_init(struct io_pgtable *pt, const struct io_pgtable_cfg *cfg)
{
	memset(pt, 0, sizeof(*pt));
	pt->cfg = *cfg;
	pt->cfg.leaf_sizes |= 1UL << cfg->granule_shift;
	mutex_init(&pt->free_lock);
	pt->root = table_alloc(pt);
	if (!pt->root) {
		mutex_destroy(&pt->free_lock);
		return -ENOMEM;
	}
	return 0;
}

void io_pgtable_count_tables(struct io_pgtable *pt, unsigned long *live,
			     unsigned long *allocated)
{
	unsigned long kept = 0;

	mutex_lock(&pt->free_lock);
	for (void *t = pt->free_tables; t; t = *(void **)t)
		kept++;
	*allocated = __atomic_load_n(&pt->ntables, __ATOMIC_RELAXED);
	mutex_unlock(&pt->free_lock);
	*live = *allocated - kept;
}

static void table_free_tree(struct io_pgtable *pt, uint64_t *table,
			    unsigned int level)
{
	if (level)
		for (unsigned int i = 0; i != IOPT_PTES_PER_TABLE; i++) {
			uint64_t pte = table[i];

			if ((pte & PTE_PRESENT) && !pte_is_leaf(pte, level))
				table_free_tree(pt, (uint64_t *)PTE_ADDR(pte),
						level - 1);
		}
	free(table);
}

void io_pgtable_destroy(struct io_pgtable *pt)
{
	void *t;

	table_free_tree(pt, pt->root, pt->cfg.levels - 1);
	while ((t = pt->free_tables)) {
		pt->free_tables = *(void **)t;
		free(t);
	}
	mutex_destroy(&pt->free_lock);
}

/* The table below *ptep, creating it if needed; NULL on -ENOMEM */
static uint64_t *table_get_child(struct io_pgtable *pt, uint64_t *ptep)
{
	uint64_t pte = pte_read(ptep);
	uint64_t *child;
	uint64_t expect = 0;

	if (pte & PTE_PRESENT)
		return (uint64_t *)PTE_ADDR(pte);
	child = table_alloc(pt);
	if (!child)
		return NULL;
	/* Another mapper of a neighbouring range may install one first */
	if (!__atomic_compare_exchange_n(
		    ptep, &expect, (uint64_t)(uintptr_t)child | PTE_PRESENT,
		    false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		table_retire(pt, child);
		return (uint64_t *)PTE_ADDR(expect);
	}
	return child;
}

/* Largest leaf level usable at this point of the mapping */
static unsigned int pick_level(struct io_pgtable *pt, unsigned long iova,
			       uintptr_t host, size_t len,
			       unsigned long max_leaf)
{
	for (unsigned int level = pt->cfg.levels - 1; level; level--) {
		unsigned long sz = level_size(pt, level);

		if (!(pt->cfg.leaf_sizes & sz) || sz > max_leaf || len < sz)
			continue;
		if ((iova | host) & (sz - 1))
			continue;
		return level;
	}
	return 0;
}

static int map_one(struct io_pgtable *pt, unsigned long iova, uintptr_t host,
		   unsigned int leaf_level, unsigned int prot)
{
	uint64_t *table = pt->root;
	uint64_t pte;

	for (unsigned int level = pt->cfg.levels - 1; level != leaf_level;
	     level--) {
		uint64_t *ptep = &table[pte_index(pt, iova, level)];

		if ((pte_read(ptep) & PTE_PRESENT) &&
		    pte_is_leaf(pte_read(ptep), level))
			return -EEXIST;
		table = table_get_child(pt, ptep);
		if (!table)
			return -ENOMEM;
	}
	pte = (uint64_t)host | PTE_PRESENT |
	      (prot & (IOPTE_READ | IOPTE_WRITE)) | (leaf_level ? PTE_LEAF : 0);
	{
		uint64_t *ptep = &table[pte_index(pt, iova, leaf_level)];

		if (pte_read(ptep) & PTE_PRESENT)
			return -EEXIST;
		pte_write(ptep, pte);
	}
	return 0;
}

int io_pgtable_map(struct io_pgtable *pt, unsigned long iova, uintptr_t host,
		   size_t len, unsigned int prot, unsigned long max_leaf)
{
	unsigned long granule = 1UL << pt->cfg.granule_shift;
	unsigned long start = iova;
	int rc;

	if ((iova | host | len) & (granule - 1) || !len)
		return -EINVAL;
	if (iova + (len - 1) > io_pgtable_last_iova(pt) ||
	    iova + (len - 1) < iova)
		return -ERANGE;

	while (len) {
		unsigned int level = pick_level(pt, iova, host, len, max_leaf);
		unsigned long sz = level_size(pt, level);

		rc = map_one(pt, iova, host, level, prot);
		if (rc)
			goto err_unmap;
		iova += sz;
		host += sz;
		len -= sz;
	}
	return 0;

err_unmap:
	if (iova != start)
		io_pgtable_unmap(pt, start, iova - start);
	return rc;
}

static bool table_empty(uint64_t *table)
{
	for (unsigned int i = 0; i != IOPT_PTES_PER_TABLE; i++)
		if (pte_read(&table[i]) & PTE_PRESENT)
			return false;
	return true;
}

/*
 * Unmap the leaves of [iova, last] under table. A child table wholly inside
 * the range belongs to this caller alone (no other thread maps there), so
 * once emptied it can be unhooked and retired.
 */
static size_t unmap_level(struct io_pgtable *pt, uint64_t *table,
			  unsigned int level, unsigned long iova,
			  unsigned long last)
{
	unsigned long sz = level_size(pt, level);
	size_t unmapped = 0;

	for (;;) {
		uint64_t *ptep = &table[pte_index(pt, iova, level)];
		unsigned long entry_last = (iova | (sz - 1));
		uint64_t pte = pte_read(ptep);

		if (pte & PTE_PRESENT) {
			if (pte_is_leaf(pte, level)) {
				pte_write(ptep, 0);
				unmapped += sz;
			} else {
				uint64_t *child = (uint64_t *)PTE_ADDR(pte);
				bool whole = (iova & (sz - 1)) == 0 &&
					     entry_last <= last;

				unmapped += unmap_level(pt, child, level - 1,
							iova,
							min(last, entry_last));
				if (whole && table_empty(child)) {
					pte_write(ptep, 0);
					table_retire(pt, child);
				}
			}
		}
		if (entry_last >= last)
			break;
		iova = entry_last + 1;
		if (pte_index(pt, iova, level) == 0)
			break;
	}
	return unmapped;
}

size_t io_pgtable_unmap(struct io_pgtable *pt, unsigned long iova, size_t len)
{
	unsigned long last;

	if (!len || check_add_overflow(iova, len - 1, &last))
		return 0;
	last = min(last, io_pgtable_last_iova(pt));
	if (iova > last)
		return 0;
	return unmap_level(pt, pt->root, pt->cfg.levels - 1, iova, last);
}

static uint64_t *walk_leaf(struct io_pgtable *pt, unsigned long iova,
			   unsigned int *out_level)
{
	uint64_t *table = pt->root;

	if (iova > io_pgtable_last_iova(pt))
		return NULL;
	for (unsigned int level = pt->cfg.levels - 1;; level--) {
		uint64_t *ptep = &table[pte_index(pt, iova, level)];
		uint64_t pte = pte_read(ptep);

		if (!(pte & PTE_PRESENT))
			return NULL;
		if (pte_is_leaf(pte, level)) {
			*out_level = level;
			return ptep;
		}
		table = (uint64_t *)PTE_ADDR(pte);
	}
}

bool io_pgtable_lookup(struct io_pgtable *pt, unsigned long iova,
		       struct io_pgtable_walk *walk)
{
	unsigned int level;
	uint64_t *ptep = walk_leaf(pt, iova, &level);
	unsigned long sz;
	uint64_t pte;

	if (!ptep)
		return false;
	pte = pte_read(ptep);
	if (!(pte & PTE_PRESENT))
		return false;
	sz = level_size(pt, level);
	walk->host = PTE_ADDR(pte) + (iova & (sz - 1));
	walk->leaf_left = sz - (iova & (sz - 1));
	walk->prot = (unsigned int)(pte & PTE_FLAGS_MASK);
	walk->pte = ptep;
	walk->entry = pte;
	return true;
}

void io_pgtable_mark_used(const struct io_pgtable_walk *walk, bool write)
{
	uint64_t bits = IOPTE_ACCESSED | (write ? IOPTE_DIRTY : 0);
	uint64_t old = pte_read(walk->pte);

	/* Only the mapping the walk saw: a concurrent unmap wins */
	do {
		if (PTE_ADDR(old) != PTE_ADDR(walk->entry) ||
		    !(old & PTE_PRESENT) || (old & bits) == bits)
			return;
	} while (!__atomic_compare_exchange_n(walk->pte, &old, old | bits, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

void io_pgtable_set_dirty(struct io_pgtable *pt, unsigned long iova)
{
	unsigned int level;
	uint64_t *ptep = walk_leaf(pt, iova, &level);

	if (ptep)
		__atomic_or_fetch(ptep, IOPTE_ACCESSED | IOPTE_DIRTY,
				  __ATOMIC_RELAXED);
}

struct dirty_walk {
	void (*record)(void *arg, unsigned long iova, size_t len);
	void *arg;
	bool keep;
};

static void dirty_level(struct io_pgtable *pt, uint64_t *table,
			unsigned int level, unsigned long iova,
			unsigned long last, struct dirty_walk *dw)
{
	unsigned long sz = level_size(pt, level);

	for (;;) {
		uint64_t *ptep = &table[pte_index(pt, iova, level)];
		unsigned long entry_last = iova | (sz - 1);
		uint64_t pte = pte_read(ptep);

		if (pte & PTE_PRESENT) {
			if (!pte_is_leaf(pte, level))
				dirty_level(pt, (uint64_t *)PTE_ADDR(pte),
					    level - 1, iova,
					    min(last, entry_last), dw);
			else if (pte & IOPTE_DIRTY) {
				dw->record(dw->arg, iova & ~(sz - 1), sz);
				if (!dw->keep)
					__atomic_and_fetch(
						ptep, ~(uint64_t)IOPTE_DIRTY,
						__ATOMIC_RELAXED);
			}
		}
		if (entry_last >= last)
			break;
		iova = entry_last + 1;
		if (pte_index(pt, iova, level) == 0)
			break;
	}
}

void io_pgtable_read_and_clear_dirty(
	struct io_pgtable *pt, unsigned long iova, size_t len, bool keep,
	void (*record)(void *arg, unsigned long iova, size_t len), void *arg)
{
	struct dirty_walk dw = {.record = record, .arg = arg, .keep = keep};
	unsigned long last;

	if (!len || check_add_overflow(iova, len - 1, &last))
		return;
	last = min(last, io_pgtable_last_iova(pt));
	if (iova > last)
		return;
	dirty_level(pt, pt->root, pt->cfg.levels - 1, iova, last, &dw);
}
