/* SPDX-License-Identifier: MIT */
/*
 * A pages object: a run of memory that IOVA areas map, pinned page by page
 * while anything needs it, and pinned once however many users it has.
 *
 * Pages are indexed in PAGE_SIZE units from the start of the run. Two interval
 * trees say who needs which pages: domains_itree holds the page ranges of
 * areas loaded into domains, access_itree the ranges accesses pinned. A page
 * is pinned exactly while it lies in the union of the two, and npinned counts
 * those pages.
 *
 * Unlike the kernel, no PFN list is stored: the bytes of page i are always at
 * host_base + i * PAGE_SIZE in the engine's address space (the caller's own
 * VA, or the engine's mapping of the file), which every domain and access
 * computes directly. What a pin does to the memory depends on where the
 * memory lives: see struct iopt_mem_ops.
 */
#ifndef UIOMMUFD_IOPT_PAGES_H
#define UIOMMUFD_IOPT_PAGES_H

#include "../mm/account.h"
#include "io_pagetable.h"

enum iopt_address_type {
	IOPT_ADDRESS_USER = 0,
	IOPT_ADDRESS_FILE,
	IOPT_ADDRESS_DMABUF,
};

struct iopt_pages;
struct iopt_dmabuf;

/*
 * Where the bytes of a pages object live: the seam between the engine and an
 * address space, as the kernel's pages.c reaches a possibly remote mm.
 */
struct iopt_mem_ops {
	/*
	 * Make pages [index, index + npages) resident and usable for DMA
	 * (writable too when pages->writable). 0, -EFAULT or -EINVAL.
	 */
	int (*pin)(struct iopt_pages *pages, unsigned long index,
		   unsigned long npages);
	void (*unpin)(struct iopt_pages *pages, unsigned long index,
		      unsigned long npages);
	/* The pin_table space and page number of page index */
	void (*pin_key)(struct iopt_pages *pages, unsigned long index,
			unsigned int *space, unsigned long *pfn);
	void (*release)(struct iopt_pages *pages);
};

struct iopt_pages {
	refcount_t kref;
	struct mutex mutex;
	size_t npages;
	size_t npinned;
	/* npinned as last charged to the accounting */
	size_t last_npinned;
	struct ufd_mm *source_mm;
	uid_t source_user;
	enum iopt_address_type type;
	const struct iopt_mem_ops *mem;
	union {
		/* IOPT_ADDRESS_USER: page-aligned start in the caller's VA */
		uintptr_t uptr;
		/* IOPT_ADDRESS_FILE and DMABUF */
		struct {
			int fd;		     /* the engine's own reference */
			unsigned long start; /* page-aligned file offset */
			uintptr_t map_base; /* engine mapping, 0 until pinned */
			size_t map_len;
			unsigned long
				map_skip; /* bytes before start in the map */
			int pin_space;
			struct iopt_dmabuf *dmabuf;
		};
	};
	/* Where page 0 is in the engine's address space (0: not mapped yet) */
	uintptr_t host_base;
	bool writable;
	bool pfnmap_ok; /* user memory: VM_PFNMAP ranges may be "pinned" */
	uint8_t account_mode;

	/* Of struct iopt_pages_access::node */
	struct itree_root access_itree;
	/* Of struct iopt_area::pages_node */
	struct itree_root domains_itree;
};

/* An interval of access_itree: pins held by accesses, counted by users */
struct iopt_pages_access {
	struct itree_node node;
	unsigned int users;
};

struct iopt_pages *iopt_alloc_user_pages(void *uptr, unsigned long length,
					 bool writable);
struct iopt_pages *iopt_alloc_file_pages(int fd, unsigned long start_byte,
					 unsigned long start,
					 unsigned long length, bool writable);
/* -ENOENT when fd is not a dma-buf of the engine */
struct iopt_pages *iopt_dmabuf_alloc_pages(struct iommufd_ctx *ictx, int fd,
					   unsigned long start_byte,
					   unsigned long start,
					   unsigned long length, bool writable);
void iopt_release_pages(struct iopt_pages *pages);
static inline void iopt_get_pages_ref(struct iopt_pages *pages)
{
	refcount_inc(&pages->kref);
}
static inline void iopt_put_pages(struct iopt_pages *pages)
{
	if (refcount_dec_and_test(&pages->kref))
		iopt_release_pages(pages);
}

/* The host address of page index; only meaningful while it is pinned */
static inline uintptr_t iopt_pages_host(struct iopt_pages *pages,
					unsigned long index)
{
	return pages->host_base + index * PAGE_SIZE;
}

/*
 * Pin what [start, last] adds to the union of the two itrees and charge it,
 * before the caller inserts its node; undo with iopt_pages_unpin_span()
 * after removing the node. Both need pages->mutex.
 */
int iopt_pages_pin_span(struct iopt_pages *pages, unsigned long start,
			unsigned long last);
void iopt_pages_unpin_span(struct iopt_pages *pages, unsigned long start,
			   unsigned long last);
int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc);

/* Accesses (pages_access.c) */
/* lock_area: the area cannot be unmapped (EBUSY) until removed again */
int iopt_area_add_access(struct iopt_area *area, unsigned long start_index,
			 unsigned long last_index, uintptr_t *out_pages,
			 unsigned int flags, bool lock_area);
void iopt_area_remove_access(struct iopt_area *area, unsigned long start_index,
			     unsigned long last_index, bool unlock_area);
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte,
			 void *data, unsigned long length, unsigned int flags);

/* Area <-> domain loading (area.c) */
int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages);
void iopt_area_unfill_domains(struct iopt_area *area, struct iopt_pages *pages);
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain);
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain);
void iopt_area_unmap_domain(struct iopt_area *area,
			    struct iommu_domain *domain);
void iopt_area_detach_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain);

/* Memory kinds (mem_user.c, mem_file.c) */
/* Fault in npages at addr for DMA (and mlock them by policy) */
int iopt_mem_populate(uintptr_t addr, unsigned long npages, bool write);
/* Undo the mlock policy for the pages no pages object pins any more */
void iopt_mem_unlock_unpinned(struct iopt_pages *pages, uintptr_t addr,
			      unsigned long index, unsigned long npages);
extern const struct iopt_mem_ops iopt_mem_user_ops;
extern const struct iopt_mem_ops iopt_mem_file_ops;
extern const struct iopt_mem_ops iopt_mem_dmabuf_ops;
/* A pages object of length bytes, for a memory kind to fill in */
struct iopt_pages *iopt_alloc_dmabuf_pages_common(unsigned long start_byte,
						  unsigned long length,
						  bool writable);

#endif /* UIOMMUFD_IOPT_PAGES_H */
