/* SPDX-License-Identifier: MIT */
/*
 * A radix IO page table in memory, walked by the software IOMMU.
 *
 * Tables are 512 entries of 64 bits. Level 0 entries map one granule
 * (2 KiB for the mock IOMMU, 4 KiB otherwise); an entry at level n may be a
 * leaf mapping granule * 512^n bytes (2 MiB, 1 GiB with 4 KiB granules) or
 * point to a table one level down. Leaves carry read/write permission and
 * accessed/dirty bits that DMA sets, as hardware with dirty tracking does.
 *
 * Concurrency: map and unmap of disjoint IOVA ranges may run at once, also
 * inside one table (the io_pagetable never maps or unmaps one range from
 * two threads), and so may dirty reads. These structural walkers pin each
 * table they enter; a table with no entries left is unhooked by whoever
 * drops its last entry or pin, so an emptied table never blocks a later
 * leaf (see io_pgtable.c). Lookups for DMA take no lock and pin nothing:
 * they run inside sections the configuration's iotlb_sync waits for, and
 * an unhooked table is reused or freed only after that sync.
 */
#ifndef UIOMMUFD_HWPT_IO_PGTABLE_H
#define UIOMMUFD_HWPT_IO_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lib/lock.h"

#define IOPT_PTES_PER_TABLE 512
#define IOPT_LEVEL_SHIFT    9

struct io_pgtable_cfg {
	/* log2 of the smallest mapping (level 0 leaf) */
	unsigned int granule_shift;
	/* Number of levels: the table covers granule_shift + 9 * levels bits */
	unsigned int levels;
	/* Leaf sizes the table may use (granule always allowed) */
	unsigned long leaf_sizes;
	/*
	 * The IOTLB flush, as the kernel's io-pgtable tlb ops (optional):
	 * returns once no lockless walker (a DMA translation) can still use
	 * a leaf or a table removed before the call. Called by unmap, and by
	 * any operation that unhooked tables, before they may be reused.
	 */
	void (*iotlb_sync)(void *cookie);
	void *cookie;
};

struct io_pgtable_table;

struct io_pgtable {
	struct io_pgtable_cfg cfg;
	struct io_pgtable_table *root;
	/*
	 * Held for read by every structural walk (map, unmap, dirty reads,
	 * pinned lookups), which may hold a stale pointer to a table that
	 * was unhooked meanwhile; tried for write to give freed tables back
	 * to the allocator when no such walker is inside.
	 */
	struct rw_semaphore walk_lock;
	/* Unhooked and synced tables: memory a stale pointer may still reach */
	struct mutex free_lock;
	struct io_pgtable_table *free_tables;
	unsigned long live, allocated;
};

/* PTE permission and state bits visible to users of the table */
enum {
	IOPTE_READ = 1 << 1,
	IOPTE_WRITE = 1 << 2,
	IOPTE_ACCESSED = 1 << 5,
	IOPTE_DIRTY = 1 << 6,
};

int io_pgtable_init(struct io_pgtable *pt, const struct io_pgtable_cfg *cfg);
/* Free everything; no walker of any kind may be inside any more */
void io_pgtable_destroy(struct io_pgtable *pt);
/* Highest IOVA the table can hold */
unsigned long io_pgtable_last_iova(const struct io_pgtable *pt);

/*
 * Tables of the page table: @live are hooked in the tree (the root
 * included), @allocated are held from the allocator (live ones, and
 * unhooked ones not yet given back). For tests and introspection.
 */
void io_pgtable_count_tables(struct io_pgtable *pt, unsigned long *live,
			     unsigned long *allocated);

/*
 * Map [iova, iova + len) to [host, host + len), all granule aligned, with
 * leaves no bigger than max_leaf. A leaf may replace a table that holds no
 * mapping. -EEXIST if something of the range is mapped; on failure nothing
 * of the range stays.
 */
int io_pgtable_map(struct io_pgtable *pt, unsigned long iova, uintptr_t host,
		   size_t len, unsigned int prot, unsigned long max_leaf);
/*
 * Unmap every leaf meeting the range, whole: a range ending inside a huge
 * leaf removes all of it. Returns the bytes of the leaves removed; after it
 * returns (iotlb_sync), no DMA uses them.
 */
size_t io_pgtable_unmap(struct io_pgtable *pt, unsigned long iova, size_t len);

/*
 * The translation of iova: the host address, the bytes left in its leaf,
 * and the leaf's IOPTE_* bits. Returns false when not mapped.
 *
 * Lockless, for DMA: the caller must be inside a section that the
 * configuration's iotlb_sync waits for, and use the result only there.
 */
struct io_pgtable_walk {
	uintptr_t host;
	size_t leaf_left;
	unsigned int prot;
	uint64_t *pte;	/* the leaf, for setting accessed/dirty */
	uint64_t entry; /* its value when walked */
};
bool io_pgtable_lookup(struct io_pgtable *pt, unsigned long iova,
		       struct io_pgtable_walk *walk);

/* The host address of iova, or 0; from any thread, outside DMA sections */
uintptr_t io_pgtable_iova_to_host(struct io_pgtable *pt, unsigned long iova);

/* Mark the leaf holding iova accessed and dirty (a DMA write did) */
void io_pgtable_set_dirty(struct io_pgtable *pt, unsigned long iova);
/*
 * A device used the leaf a lookup found: set its accessed bit, and its
 * dirty bit for a write, unless the leaf was unmapped meanwhile.
 */
void io_pgtable_mark_used(const struct io_pgtable_walk *walk, bool write);

/*
 * Report the dirty leaves intersecting [iova, iova + len): record() gets the
 * whole leaf range of each. Dirty bits are cleared unless keep is set.
 */
void io_pgtable_read_and_clear_dirty(
	struct io_pgtable *pt, unsigned long iova, size_t len, bool keep,
	void (*record)(void *arg, unsigned long iova, size_t len), void *arg);

#endif
