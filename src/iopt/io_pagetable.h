/* SPDX-License-Identifier: MIT */
/*
 * The io_pagetable: the IOVA -> memory map of an IOAS.
 *
 * IOVA is covered by areas (an interval tree, never overlapping). Each area
 * is a slice of a pages object: a run of the caller's memory (user VA, or a
 * file range). Pages objects are shared between areas (IOAS_COPY, splitting)
 * and pin every page once, however many domains, IOASes and accesses use
 * it. Every domain attached to the IOAS holds all of its areas.
 *
 * Locking order: domains_rwsem -> iova_rwsem -> pages->mutex.
 */
#ifndef UIOMMUFD_IOPT_IO_PAGETABLE_H
#define UIOMMUFD_IOPT_IO_PAGETABLE_H

#include "../core/iommufd_private.h"
#include "../iommu/domain.h"
#include "../lib/interval_tree.h"

struct iopt_pages;
struct iommufd_access;

struct io_pagetable {
	struct rw_semaphore domains_rwsem;
	/* Attached domains, dense in [0, next_domain_id) */
	struct iommu_domain **domains;
	unsigned int next_domain_id;
	unsigned int domains_alloc;
	/* In-process users (emulated devices), by their list id */
	struct idtable access_list;
	/* Guards access_list for readers that hold neither rwsem */
	struct mutex access_list_lock;

	struct rw_semaphore iova_rwsem;
	struct itree_root area_itree;
	/* IOVA that must stay mappable: struct iopt_allowed */
	struct itree_root allowed_itree;
	/* IOVA that cannot be mapped: struct iopt_reserved */
	struct itree_root reserved_itree;
	uint8_t disable_large_pages;
	unsigned long iova_alignment;
};

/*
 * An area maps [node.start, node.last] of IOVA to bytes of its pages object,
 * starting page_offset bytes into page pages_node.start.
 *
 * pages is NULL while the area is being set up or torn down by another
 * thread: the IOVA is taken but not usable. iova_rwsem protects node,
 * pages->mutex protects pages_node and num_accesses.
 */
struct iopt_area {
	struct itree_node node;
	struct itree_node pages_node;
	struct io_pagetable *iopt;
	struct iopt_pages *pages;
	/* The area is in pages->domains_itree: every domain holds it */
	bool filled;
	unsigned int page_offset;
	int iommu_prot;
	/* An unmap is waiting for accesses to let go */
	bool prevent_access;
	unsigned int num_accesses;
	/* Objects (HW queues) that need the area to stay */
	unsigned int num_locks;
};

struct iopt_allowed {
	struct itree_node node;
};

struct iopt_reserved {
	struct itree_node node;
	void *owner;
};

static inline unsigned long iopt_area_index(struct iopt_area *area)
{
	return area->pages_node.start;
}

static inline unsigned long iopt_area_last_index(struct iopt_area *area)
{
	return area->pages_node.last;
}

static inline unsigned long iopt_area_iova(struct iopt_area *area)
{
	return area->node.start;
}

static inline unsigned long iopt_area_last_iova(struct iopt_area *area)
{
	return area->node.last;
}

static inline size_t iopt_area_length(struct iopt_area *area)
{
	return (area->node.last - area->node.start) + 1;
}

/*
 * Bytes from the start of the pages object to iova: / PAGE_SIZE is the page
 * index, % PAGE_SIZE the offset in that page.
 */
static inline unsigned long iopt_area_start_byte(struct iopt_area *area,
						 unsigned long iova)
{
	return (iova - iopt_area_iova(area)) + area->page_offset +
	       iopt_area_index(area) * PAGE_SIZE;
}

static inline unsigned long iopt_area_iova_to_index(struct iopt_area *area,
						    unsigned long iova)
{
	return iopt_area_start_byte(area, iova) / PAGE_SIZE;
}

#define iopt_area_of(n) ((n) ? container_of(n, struct iopt_area, node) : NULL)

static inline struct iopt_area *iopt_area_iter_first(struct io_pagetable *iopt,
						     unsigned long start,
						     unsigned long last)
{
	return iopt_area_of(itree_iter_first(&iopt->area_itree, start, last));
}

static inline struct iopt_area *iopt_area_iter_next(struct iopt_area *area,
						    unsigned long start,
						    unsigned long last)
{
	return iopt_area_of(itree_iter_next(&area->node, start, last));
}

#define for_each_area(area, iopt, start, last)                     \
	for (area = iopt_area_iter_first(iopt, start, last); area; \
	     area = iopt_area_iter_next(area, start, last))

/*
 * Walk the areas covering [iova, last_iova] in order, as long as they are
 * contiguous. After the loop, iopt_area_contig_done() says whether the whole
 * range was covered.
 */
struct iopt_area_contig_iter {
	unsigned long cur_iova;
	unsigned long last_iova;
	struct iopt_area *area;
};
struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt,
					unsigned long iova,
					unsigned long last_iova);
struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter);

static inline bool iopt_area_contig_done(struct iopt_area_contig_iter *iter)
{
	return iter->area && iter->last_iova <= iopt_area_last_iova(iter->area);
}

#define iopt_for_each_contig_area(iter, area, iopt, iova, last_iova)          \
	for (area = iopt_area_contig_init(iter, iopt, iova, last_iova); area; \
	     area = iopt_area_contig_next(iter))

/* io_pagetable.c */
enum {
	IOPT_ALLOC_IOVA = 1 << 0,
};

void iopt_init_table(struct io_pagetable *iopt);
void iopt_destroy_table(struct io_pagetable *iopt);
int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova,
		   unsigned long length, struct list_head *pages_list);
void iopt_free_pages_list(struct list_head *pages_list);
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void *uptr, unsigned long length,
			int iommu_prot, unsigned int flags);
int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, unsigned long start,
			unsigned long length, int iommu_prot,
			unsigned int flags);
int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova,
		   int iommu_prot, unsigned int flags);
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped);
int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped);
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct itree_root *allowed_iova);
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner);
void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner);
int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas,
		  size_t num_iovas);
void iopt_enable_large_pages(struct io_pagetable *iopt);
int iopt_disable_large_pages(struct io_pagetable *iopt);
int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain);
void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain);
struct device;
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev);
/*
 * Test uAPI (MOCK_FLAGS_ACCESS_SYZ): read *iova as (nth area, offset into
 * it), a layout a fuzzer can hit without knowing map results
 */
unsigned long iopt_syz_conv_iova(struct io_pagetable *iopt, __u64 *iova);
int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access);
void iopt_remove_access(struct io_pagetable *iopt,
			struct iommufd_access *access,
			uint32_t iopt_access_list_id);

/* An IOAS: the user-visible object around an io_pagetable */
struct iommufd_ioas {
	struct iommufd_object obj;
	struct io_pagetable iopt;
	struct mutex mutex;
	/* HWPTs (paging) allocated from this IOAS, for auto domain reuse */
	struct list_head hwpt_list;
};

struct iommufd_ioas *iommufd_ioas_alloc(struct iommufd_ctx *ictx);

static inline struct iommufd_ioas *iommufd_get_ioas(struct iommufd_ctx *ictx,
						    uint32_t id)
{
	struct iommufd_object *obj =
		iommufd_get_object(ictx, id, IOMMUFD_OBJ_IOAS);

	return IS_ERR(obj) ? (struct iommufd_ioas *)obj
			   : container_of(obj, struct iommufd_ioas, obj);
}

#endif /* UIOMMUFD_IOPT_IO_PAGETABLE_H */
