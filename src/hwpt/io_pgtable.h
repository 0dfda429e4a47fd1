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
 * Concurrency: map and unmap of disjoint IOVA ranges may run at once (the
 * io_pagetable never maps or unmaps one range from two threads); a new
 * table is published with a compare-and-swap. Lookups (DMA translation) take
 * no lock: tables are never returned to the allocator while the page table
 * lives (an emptied table is kept for reuse), so a racing walker reads stale
 * but valid memory, as a device reading a stale IOTLB entry.
 */
#ifndef UIOMMUFD_HWPT_IO_PGTABLE_H
#define UIOMMUFD_HWPT_IO_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/lock.h"

#define IOPT_PTES_PER_TABLE 512
#define IOPT_LEVEL_SHIFT    9

struct io_pgtable_cfg {
	/* log2 of the smallest mapping (level 0 leaf) */
	unsigned int granule_shift;
	/* Number of levels: the table covers granule_shift + 9 * levels bits */
	unsigned int levels;
	/* Leaf sizes the table may use (granule always allowed) */
	unsigned long leaf_sizes;
};

struct io_pgtable {
	struct io_pgtable_cfg cfg;
	uint64_t *root;
	/* Emptied tables, reused before allocating new ones */
	struct mutex free_lock;
	void *free_tables;
	unsigned long ntables;
};

/* PTE permission and state bits visible to users of the table */
enum {
	IOPTE_READ = 1 << 1,
	IOPTE_WRITE = 1 << 2,
	IOPTE_ACCESSED = 1 << 5,
	IOPTE_DIRTY = 1 << 6,
};

int io_pgtable_init(struct io_pgtable *pt, const struct io_pgtable_cfg *cfg);
void io_pgtable_destroy(struct io_pgtable *pt);
/* Highest IOVA the table can hold */
unsigned long io_pgtable_last_iova(const struct io_pgtable *pt);

/*
 * Tables of the page table: @live are hooked in the tree (the root
 * included), @allocated are held from the allocator (live ones, and emptied
 * ones kept for reuse). For tests and introspection.
 */
void io_pgtable_count_tables(struct io_pgtable *pt, unsigned long *live,
			     unsigned long *allocated);

/*
 * Map [iova, iova + len) to [host, host + len), all granule aligned, with
 * leaves no bigger than max_leaf. On failure nothing of the range stays.
 */
int io_pgtable_map(struct io_pgtable *pt, unsigned long iova, uintptr_t host,
		   size_t len, unsigned int prot, unsigned long max_leaf);
/* Unmap leaves inside the range; returns the bytes unmapped */
size_t io_pgtable_unmap(struct io_pgtable *pt, unsigned long iova, size_t len);

/*
 * The translation of iova: the host address, the bytes left in its leaf,
 * and the leaf's IOPTE_* bits. Returns false when not mapped.
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
