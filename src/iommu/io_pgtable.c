// SPDX-License-Identifier: MIT
/*
 * The radix IO page table.
 *
 * Entry format: bit 0 present; bits 1-2 read/write; bit 3 leaf (implied at
 * level 0); bits 5-6 accessed/dirty; the rest is the host address of the
 * leaf's first byte or of the next table, both aligned well beyond bit 6
 * (tables are 128-byte aligned).
 *
 * Table lifetime. Each table but the root has a state word packing
 * "entries" (present PTEs in it, child tables included, low 16 bits) and
 * "pins" (structural walkers inside it, the rest), with its parent and its
 * index there. Map, unmap and dirty reads walk a range recursively, a table
 * at a time, pinning each child they enter: increment-if-not-zero, then
 * check that the parent's slot still points to it, since the memory may be
 * a table unhooked and reused meanwhile. A count only grows while the
 * table is held (a pin, or the entry of an installed child), so whoever
 * drops the state to zero is the only one who can: it unhooks the table
 * from its parent, which drops an entry there and may cascade up (the root
 * keeps a pin for life). An emptied table therefore never stays hooked: a
 * later huge leaf finds its slot free, or waits for the last transient pin
 * to go; it fails with EEXIST only over real entries.
 *
 * Unhooked tables go on the operation's list. Lockless DMA walkers may
 * still read them, so they are reused only after the IOTLB sync
 * (cfg.iotlb_sync) that ends every DMA section begun before; then they are
 * kept on a free list of the page table, because a structural walker may
 * still hold a stale pointer and try to pin one (and fail, or pin a reused
 * table and see it is not the one it wanted). The free list goes back to
 * the allocator when no structural walker is inside (walk_lock tried for
 * write), and in destroy.
 *
 * A table with no entries has only zero PTEs: a PTE is counted before it
 * is set and uncounted after it is cleared, and bits are only ever added to
 * a present PTE. So a table is reused as it is, without clearing.
 *
 * For the same reason the tables a page table gives back are kept, up to
 * TABLE_POOL_MAX, in a pool of the process (the kernel's page allocator
 * keeps its per-CPU lists the same way): a map and unmap of one page would
 * otherwise allocate, clear and free a table per level each time. A table
 * leaves the page table when it enters the pool, so a page table's
 * "allocated" count is not changed by it.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/alloc.h"
#include "../lib/trace.h"
#include "../lib/util.h"
#include "io_pgtable.h"

#define PTE_PRESENT    1ull
#define PTE_LEAF       (1ull << 3)
#define PTE_FLAGS_MASK 0x7full
#define PTE_ADDR(pte)  ((uintptr_t)((pte) & ~PTE_FLAGS_MASK))

#define STATE_ENTRY	 1ull
#define STATE_ENTRIES(s) ((s)&0xffffull)
#define STATE_PIN	 (1ull << 16)

struct io_pgtable_table {
	uint64_t ptes[IOPT_PTES_PER_TABLE];
	uint64_t state;
	struct io_pgtable_table *parent; /* NULL: the root, or never hooked */
	unsigned int index;		 /* of its slot in the parent */
	struct io_pgtable_table *next;	 /* on a retired or free list */
} __attribute__((aligned(128)));

/* One operation: what it unhooked, and whether DMA must be synced */
struct pt_op {
	struct io_pgtable *pt;
	struct io_pgtable_table *retired;
	bool removed_leaves;
	/* map: the IOVA up to which leaves were installed */
	unsigned long mapped_end;
};

static inline uint64_t pte_read(uint64_t *ptep)
{
	return __atomic_load_n(ptep, __ATOMIC_ACQUIRE);
}

static inline bool pte_cmpxchg(uint64_t *ptep, uint64_t old, uint64_t new)
{
	return __atomic_compare_exchange_n(ptep, &old, new, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static inline struct io_pgtable_table *pte_table(uint64_t pte)
{
	return (struct io_pgtable_table *)PTE_ADDR(pte);
}

static inline uint64_t table_pte(struct io_pgtable_table *t)
{
	return (uint64_t)(uintptr_t)t | PTE_PRESENT;
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

void io_pgtable_count_tables(struct io_pgtable *pt, unsigned long *live,
			     unsigned long *allocated)
{
	*live = __atomic_load_n(&pt->live, __ATOMIC_RELAXED);
	*allocated = __atomic_load_n(&pt->allocated, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Table lifetime                                                     */
/* ------------------------------------------------------------------ */

static void state_add(struct io_pgtable_table *t, uint64_t delta)
{
	__atomic_add_fetch(&t->state, delta, __ATOMIC_RELAXED);
}

/* Pin a table a stale pointer may reach: fails once it is dying or free */
static bool table_tryget(struct io_pgtable_table *t)
{
	uint64_t s = __atomic_load_n(&t->state, __ATOMIC_RELAXED);

	do {
		if (!s)
			return false;
	} while (!__atomic_compare_exchange_n(&t->state, &s, s + STATE_PIN,
					      true, __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/*
 * Drop a pin or an entry of t. Who drops the state to zero unhooks the
 * table (its PTEs are all zero then) and drops the entry it held in its
 * parent, and so on up.
 */
static void table_put(struct pt_op *op, struct io_pgtable_table *t,
		      uint64_t delta)
{
	while (!__atomic_sub_fetch(&t->state, delta, __ATOMIC_ACQ_REL)) {
		struct io_pgtable_table *parent =
			__atomic_load_n(&t->parent, __ATOMIC_RELAXED);
		unsigned int index =
			__atomic_load_n(&t->index, __ATOMIC_RELAXED);

		t->next = op->retired;
		op->retired = t;
		/* A table that lost the race to be installed was never seen */
		if (!parent)
			return;
		WARN_ON(!pte_cmpxchg(&parent->ptes[index], table_pte(t), 0));
		__atomic_sub_fetch(&op->pt->live, 1, __ATOMIC_RELAXED);
		t = parent;
		delta = STATE_ENTRY;
	}
}

/* Empty tables given back by every page table of the process */
#define TABLE_POOL_MAX 64
static struct {
	struct mutex lock;
	struct io_pgtable_table *tables;
	unsigned int count;
} table_pool = {.lock = MUTEX_INITIALIZER(table_pool.lock)};

static struct io_pgtable_table *table_pool_get(void)
{
	struct io_pgtable_table *t;

	mutex_lock(&table_pool.lock);
	t = table_pool.tables;
	if (t) {
		table_pool.tables = t->next;
		table_pool.count--;
	}
	mutex_unlock(&table_pool.lock);
	return t;
}

/* Give back a list of empty tables: to the pool while it has room */
static void table_free_list(struct io_pgtable_table *t)
{
	mutex_lock(&table_pool.lock);
	while (t && table_pool.count < TABLE_POOL_MAX) {
		struct io_pgtable_table *next = t->next;

		t->next = table_pool.tables;
		table_pool.tables = t;
		table_pool.count++;
		t = next;
	}
	mutex_unlock(&table_pool.lock);
	while (t) {
		struct io_pgtable_table *next = t->next;

		free(t);
		t = next;
	}
}

/*
 * A table for the slot at index of parent, pinned by the caller: from the
 * free list (all zero, see the top of the file), or new.
 */
static struct io_pgtable_table *table_alloc(struct pt_op *op,
					    struct io_pgtable_table *parent,
					    unsigned int index)
{
	struct io_pgtable *pt = op->pt;
	struct io_pgtable_table *t;
	void *mem;

	mutex_lock(&pt->free_lock);
	t = pt->free_tables;
	if (t)
		pt->free_tables = t->next;
	mutex_unlock(&pt->free_lock);
	if (!t) {
		/* A failable point whether the pool has a table or not */
		if (ufd_should_fail())
			return NULL;
		t = table_pool_get();
		if (!t) {
			if (posix_memalign(&mem, __alignof__(*t), sizeof(*t)))
				return NULL;
			t = mem;
			memset(t->ptes, 0, sizeof(t->ptes));
		}
		__atomic_add_fetch(&pt->allocated, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&t->parent, parent, __ATOMIC_RELAXED);
	__atomic_store_n(&t->index, index, __ATOMIC_RELAXED);
	__atomic_store_n(&t->state, STATE_PIN, __ATOMIC_RELEASE);
	return t;
}

/* A new table lost the race for its slot: it was never reachable */
static void table_discard(struct pt_op *op, struct io_pgtable_table *t)
{
	__atomic_store_n(&t->parent, NULL, __ATOMIC_RELAXED);
	table_put(op, t, STATE_PIN);
}

/* No structural walker inside: give the free tables back */
static void pt_trim(struct io_pgtable *pt)
{
	struct io_pgtable_table *t;
	unsigned long n = 0;

	if (!down_write_trylock(&pt->walk_lock))
		return;
	mutex_lock(&pt->free_lock);
	t = pt->free_tables;
	pt->free_tables = NULL;
	mutex_unlock(&pt->free_lock);
	up_write(&pt->walk_lock);
	for (struct io_pgtable_table *i = t; i; i = i->next)
		n++;
	table_free_list(t);
	__atomic_sub_fetch(&pt->allocated, n, __ATOMIC_RELAXED);
}

static void op_begin(struct pt_op *op, struct io_pgtable *pt)
{
	memset(op, 0, sizeof(*op));
	op->pt = pt;
	down_read(&pt->walk_lock);
}

/*
 * End an operation: sync the IOTLB if leaves or tables went away, then the
 * tables unhooked may be reused. The last walker out frees them.
 */
static void op_end(struct pt_op *op)
{
	struct io_pgtable *pt = op->pt;
	struct io_pgtable_table *last;
	bool trim;

	if ((op->retired || op->removed_leaves) && pt->cfg.iotlb_sync) {
		ufd_trace_event("iotlb_sync",
				"leaves_removed=%d tables_freed=%d",
				op->removed_leaves, op->retired != NULL);
		pt->cfg.iotlb_sync(pt->cfg.cookie);
	}
	mutex_lock(&pt->free_lock);
	if (op->retired) {
		for (last = op->retired; last->next; last = last->next)
			;
		last->next = pt->free_tables;
		pt->free_tables = op->retired;
	}
	trim = pt->free_tables;
	mutex_unlock(&pt->free_lock);
	up_read(&pt->walk_lock);
	if (trim)
		pt_trim(pt);
}

int io_pgtable_init(struct io_pgtable *pt, const struct io_pgtable_cfg *cfg)
{
	struct pt_op op;

	memset(pt, 0, sizeof(*pt));
	pt->cfg = *cfg;
	pt->cfg.leaf_sizes |= 1UL << cfg->granule_shift;
	init_rwsem(&pt->walk_lock);
	mutex_init(&pt->free_lock);
	op_begin(&op, pt);
	/* The root keeps the pin it is born with: it is never unhooked */
	pt->root = table_alloc(&op, NULL, 0);
	op_end(&op);
	if (!pt->root) {
		mutex_destroy(&pt->free_lock);
		destroy_rwsem(&pt->walk_lock);
		return -ENOMEM;
	}
	pt->live = 1;
	return 0;
}

static void table_free_tree(struct io_pgtable *pt,
			    struct io_pgtable_table *table, unsigned int level)
{
	if (level)
		for (unsigned int i = 0; i != IOPT_PTES_PER_TABLE; i++) {
			uint64_t pte = table->ptes[i];

			if ((pte & PTE_PRESENT) && !pte_is_leaf(pte, level))
				table_free_tree(pt, pte_table(pte), level - 1);
		}
	free(table);
}

void io_pgtable_destroy(struct io_pgtable *pt)
{
	table_free_tree(pt, pt->root, pt->cfg.levels - 1);
	table_free_list(pt->free_tables);
	mutex_destroy(&pt->free_lock);
	destroy_rwsem(&pt->walk_lock);
}

/*
 * Pin the table the present, non-leaf PTE at ptep points to. False if it
 * is being unhooked (it maps nothing) or the slot changed: read it again.
 */
static bool child_get(struct pt_op *op, uint64_t *ptep, uint64_t pte)
{
	struct io_pgtable_table *child = pte_table(pte);

	if (!table_tryget(child))
		return false;
	if (pte_read(ptep) == pte)
		return true;
	table_put(op, child, STATE_PIN);
	return false;
}

/* ------------------------------------------------------------------ */
/* Map                                                                */
/* ------------------------------------------------------------------ */

struct map_args {
	/* host - iova: the host address of any IOVA of the range */
	uintptr_t delta;
	unsigned int prot;
	unsigned long max_leaf;
};

/*
 * Can the slot of [iova, end] at this level be one leaf? Level 0 always;
 * above, when the range covers the slot, the size is one the table uses,
 * and the host address is aligned to it: the largest leaf that fits.
 */
static bool leaf_fits(struct pt_op *op, unsigned int level, unsigned long iova,
		      unsigned long end, const struct map_args *a)
{
	unsigned long sz = level_size(op->pt, level);

	if (!level)
		return true;
	return (op->pt->cfg.leaf_sizes & sz) && sz <= a->max_leaf &&
	       !(iova & (sz - 1)) && end - iova == sz - 1 &&
	       !((iova + a->delta) & (sz - 1));
}

/*
 * Install a leaf in an empty slot. A table there is in the way only while
 * it maps something (EEXIST); an empty one is going away, by whoever holds
 * its last pin: wait for that.
 */
static int map_leaf(struct pt_op *op, struct io_pgtable_table *t,
		    unsigned int level, unsigned long iova,
		    const struct map_args *a)
{
	uint64_t *ptep = &t->ptes[pte_index(op->pt, iova, level)];
	uint64_t leaf = (uint64_t)(iova + a->delta) | PTE_PRESENT |
			(a->prot & (IOPTE_READ | IOPTE_WRITE)) |
			(level ? PTE_LEAF : 0);

	for (;;) {
		uint64_t pte = pte_read(ptep);
		struct io_pgtable_table *child;

		if (!pte) {
			/* Counted before it can be seen, never after */
			state_add(t, STATE_ENTRY);
			if (pte_cmpxchg(ptep, 0, leaf))
				return 0;
			table_put(op, t, STATE_ENTRY);
			continue;
		}
		if (pte_is_leaf(pte, level))
			return -EEXIST;
		child = pte_table(pte);
		if (STATE_ENTRIES(
			    __atomic_load_n(&child->state, __ATOMIC_ACQUIRE)) &&
		    pte_read(ptep) == pte)
			return -EEXIST;
		sched_yield();
	}
}

static int map_level(struct pt_op *op, struct io_pgtable_table *t,
		     unsigned int level, unsigned long iova, unsigned long last,
		     const struct map_args *a);

/* Map [iova, end] below the slot, creating its table if needed */
static int map_child(struct pt_op *op, struct io_pgtable_table *t,
		     unsigned int level, unsigned long iova, unsigned long end,
		     const struct map_args *a)
{
	unsigned int index = pte_index(op->pt, iova, level);
	uint64_t *ptep = &t->ptes[index];
	struct io_pgtable_table *child;
	int rc;

	for (;;) {
		uint64_t pte = pte_read(ptep);

		if (pte & PTE_PRESENT) {
			if (pte_is_leaf(pte, level))
				return -EEXIST;
			if (child_get(op, ptep, pte)) {
				child = pte_table(pte);
				break;
			}
			/* Being unhooked: its slot is cleared soon */
			sched_yield();
			continue;
		}
		child = table_alloc(op, t, index);
		if (!child)
			return -ENOMEM;
		state_add(t, STATE_ENTRY);
		if (pte_cmpxchg(ptep, 0, table_pte(child))) {
			__atomic_add_fetch(&op->pt->live, 1, __ATOMIC_RELAXED);
			break;
		}
		/* A neighbour's mapper installed one first */
		table_put(op, t, STATE_ENTRY);
		table_discard(op, child);
	}
	rc = map_level(op, child, level - 1, iova, end, a);
	table_put(op, child, STATE_PIN);
	return rc;
}

/* Map [iova, last] inside the table t, which the caller holds */
static int map_level(struct pt_op *op, struct io_pgtable_table *t,
		     unsigned int level, unsigned long iova, unsigned long last,
		     const struct map_args *a)
{
	unsigned long sz = level_size(op->pt, level);

	for (;;) {
		unsigned long end = min(last, iova | (sz - 1));
		int rc;

		if (leaf_fits(op, level, iova, end, a)) {
			rc = map_leaf(op, t, level, iova, a);
			if (!rc)
				op->mapped_end = end + 1;
		} else {
			rc = map_child(op, t, level, iova, end, a);
		}
		if (rc || end == last)
			return rc;
		iova = end + 1;
	}
}

static size_t unmap_level(struct pt_op *op, struct io_pgtable_table *t,
			  unsigned int level, unsigned long iova,
			  unsigned long last);

int io_pgtable_map(struct io_pgtable *pt, unsigned long iova, uintptr_t host,
		   size_t len, unsigned int prot, unsigned long max_leaf)
{
	unsigned long granule = 1UL << pt->cfg.granule_shift;
	struct map_args a = {
		.delta = host - iova,
		.prot = prot,
		.max_leaf = max_leaf,
	};
	struct pt_op op;
	int rc;

	if ((iova | host | len) & (granule - 1) || !len)
		return -EINVAL;
	if (iova + (len - 1) > io_pgtable_last_iova(pt) ||
	    iova + (len - 1) < iova)
		return -ERANGE;

	op_begin(&op, pt);
	op.mapped_end = iova;
	rc = map_level(&op, pt->root, pt->cfg.levels - 1, iova,
		       iova + (len - 1), &a);
	/* The leaves installed so far are in [iova, mapped_end) */
	if (rc && op.mapped_end != iova) {
		unmap_level(&op, pt->root, pt->cfg.levels - 1, iova,
			    op.mapped_end - 1);
		op.removed_leaves = true;
	}
	op_end(&op);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Unmap                                                              */
/* ------------------------------------------------------------------ */

/* Unmap the leaves meeting [iova, last] under t, which the caller holds */
static size_t unmap_level(struct pt_op *op, struct io_pgtable_table *t,
			  unsigned int level, unsigned long iova,
			  unsigned long last)
{
	unsigned long sz = level_size(op->pt, level);
	size_t unmapped = 0;

	for (;;) {
		uint64_t *ptep = &t->ptes[pte_index(op->pt, iova, level)];
		unsigned long end = min(last, iova | (sz - 1));
		uint64_t pte = pte_read(ptep);

		if (!(pte & PTE_PRESENT)) {
			/* Nothing here */
		} else if (pte_is_leaf(pte, level)) {
			/* The whole leaf, even when the range ends inside */
			__atomic_exchange_n(ptep, 0, __ATOMIC_ACQ_REL);
			table_put(op, t, STATE_ENTRY);
			op->removed_leaves = true;
			unmapped += sz;
		} else if (child_get(op, ptep, pte)) {
			unmapped += unmap_level(op, pte_table(pte), level - 1,
						iova, end);
			table_put(op, pte_table(pte), STATE_PIN);
		}
		if (end == last)
			return unmapped;
		iova = end + 1;
	}
}

size_t io_pgtable_unmap(struct io_pgtable *pt, unsigned long iova, size_t len)
{
	unsigned long last;
	struct pt_op op;
	size_t unmapped;

	if (!len || check_add_overflow(iova, len - 1, &last))
		return 0;
	last = min(last, io_pgtable_last_iova(pt));
	if (iova > last)
		return 0;
	op_begin(&op, pt);
	unmapped = unmap_level(&op, pt->root, pt->cfg.levels - 1, iova, last);
	op_end(&op);
	return unmapped;
}

/* ------------------------------------------------------------------ */
/* Lookups                                                            */
/* ------------------------------------------------------------------ */

static uint64_t *walk_leaf(struct io_pgtable *pt, unsigned long iova,
			   unsigned int *out_level)
{
	struct io_pgtable_table *table = pt->root;

	if (iova > io_pgtable_last_iova(pt))
		return NULL;
	for (unsigned int level = pt->cfg.levels - 1;; level--) {
		uint64_t *ptep = &table->ptes[pte_index(pt, iova, level)];
		uint64_t pte = pte_read(ptep);

		if (!(pte & PTE_PRESENT))
			return NULL;
		if (pte_is_leaf(pte, level)) {
			*out_level = level;
			return ptep;
		}
		table = pte_table(pte);
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

/* Add bits to a leaf, only while it is the mapping expected */
static void leaf_set_bits(uint64_t *ptep, uint64_t expect, uint64_t bits)
{
	uint64_t old = pte_read(ptep);

	do {
		if (PTE_ADDR(old) != PTE_ADDR(expect) || !(old & PTE_PRESENT) ||
		    (old & bits) == bits)
			return;
	} while (!__atomic_compare_exchange_n(ptep, &old, old | bits, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

void io_pgtable_mark_used(const struct io_pgtable_walk *walk, bool write)
{
	/* Only the mapping the walk saw: a concurrent unmap wins */
	leaf_set_bits(walk->pte, walk->entry,
		      IOPTE_ACCESSED | (write ? IOPTE_DIRTY : 0));
}

/*
 * Outside DMA sections nothing keeps a table from going away: walk to the
 * leaf of iova pinning the tables on the way, and call fn on it.
 */
static bool leaf_visit(struct pt_op *op, struct io_pgtable_table *t,
		       unsigned int level, unsigned long iova,
		       void (*fn)(uint64_t *ptep, uint64_t pte,
				  unsigned long sz, void *arg),
		       void *arg)
{
	uint64_t *ptep = &t->ptes[pte_index(op->pt, iova, level)];
	uint64_t pte;
	bool found;

	for (;;) {
		pte = pte_read(ptep);
		if (!(pte & PTE_PRESENT))
			return false;
		if (pte_is_leaf(pte, level)) {
			fn(ptep, pte, level_size(op->pt, level), arg);
			return true;
		}
		if (child_get(op, ptep, pte))
			break;
		/* Being unhooked: it maps nothing, its slot is cleared soon */
		sched_yield();
	}
	found = leaf_visit(op, pte_table(pte), level - 1, iova, fn, arg);
	table_put(op, pte_table(pte), STATE_PIN);
	return found;
}

static bool pinned_walk(struct io_pgtable *pt, unsigned long iova,
			void (*fn)(uint64_t *ptep, uint64_t pte,
				   unsigned long sz, void *arg),
			void *arg)
{
	struct pt_op op;
	bool found;

	if (iova > io_pgtable_last_iova(pt))
		return false;
	op_begin(&op, pt);
	found = leaf_visit(&op, pt->root, pt->cfg.levels - 1, iova, fn, arg);
	op_end(&op);
	return found;
}

struct to_host {
	unsigned long iova;
	uintptr_t host;
};

static void leaf_host(uint64_t *ptep, uint64_t pte, unsigned long sz, void *arg)
{
	struct to_host *th = arg;

	(void)ptep;
	th->host = PTE_ADDR(pte) + (th->iova & (sz - 1));
}

uintptr_t io_pgtable_iova_to_host(struct io_pgtable *pt, unsigned long iova)
{
	struct to_host th = {.iova = iova};

	return pinned_walk(pt, iova, leaf_host, &th) ? th.host : 0;
}

static void leaf_dirty(uint64_t *ptep, uint64_t pte, unsigned long sz,
		       void *arg)
{
	(void)sz;
	(void)arg;
	leaf_set_bits(ptep, pte, IOPTE_ACCESSED | IOPTE_DIRTY);
}

void io_pgtable_set_dirty(struct io_pgtable *pt, unsigned long iova)
{
	pinned_walk(pt, iova, leaf_dirty, NULL);
}

/* ------------------------------------------------------------------ */
/* Dirty tracking                                                     */
/* ------------------------------------------------------------------ */

struct dirty_walk {
	void (*record)(void *arg, unsigned long iova, size_t len);
	void *arg;
	bool keep;
};

/* Report (and clear) a dirty leaf, unless it changed meanwhile */
static void dirty_leaf(uint64_t *ptep, uint64_t pte, unsigned long iova,
		       unsigned long sz, struct dirty_walk *dw)
{
	if (!(pte & IOPTE_DIRTY))
		return;
	dw->record(dw->arg, iova & ~(sz - 1), sz);
	while (!dw->keep && (pte & PTE_PRESENT) && (pte & IOPTE_DIRTY) &&
	       !__atomic_compare_exchange_n(ptep, &pte,
					    pte & ~(uint64_t)IOPTE_DIRTY, true,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void dirty_level(struct pt_op *op, struct io_pgtable_table *t,
			unsigned int level, unsigned long iova,
			unsigned long last, struct dirty_walk *dw)
{
	unsigned long sz = level_size(op->pt, level);

	for (;;) {
		uint64_t *ptep = &t->ptes[pte_index(op->pt, iova, level)];
		unsigned long end = min(last, iova | (sz - 1));
		uint64_t pte = pte_read(ptep);

		if (!(pte & PTE_PRESENT)) {
			/* Nothing here */
		} else if (pte_is_leaf(pte, level)) {
			dirty_leaf(ptep, pte, iova, sz, dw);
		} else if (child_get(op, ptep, pte)) {
			dirty_level(op, pte_table(pte), level - 1, iova, end,
				    dw);
			table_put(op, pte_table(pte), STATE_PIN);
		}
		if (end == last)
			return;
		iova = end + 1;
	}
}

void io_pgtable_read_and_clear_dirty(
	struct io_pgtable *pt, unsigned long iova, size_t len, bool keep,
	void (*record)(void *arg, unsigned long iova, size_t len), void *arg)
{
	struct dirty_walk dw = {.record = record, .arg = arg, .keep = keep};
	unsigned long last;
	struct pt_op op;

	if (!len || check_add_overflow(iova, len - 1, &last))
		return;
	last = min(last, io_pgtable_last_iova(pt));
	if (iova > last)
		return;
	op_begin(&op, pt);
	dirty_level(&op, pt->root, pt->cfg.levels - 1, iova, last, &dw);
	op_end(&op);
}
