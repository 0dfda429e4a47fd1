// SPDX-License-Identifier: MIT
/*
 * The io_pagetable: areas of IOVA, their allocation, mapping and unmapping,
 * and the allowed and reserved ranges that constrain them.
 *
 * Creating an area happens in two steps so that the slow part runs without
 * the iova_rwsem: first the IOVA is claimed by inserting the area with a
 * NULL pages (others see the IOVA as busy), then the pages are pinned and
 * loaded into every domain, and only then is area->pages set.
 */
#include <string.h>

#include "access.h"
#include "io_pagetable.h"
#include "pages.h"

struct iopt_pages_list {
	struct iopt_pages *pages;
	struct iopt_area *area;
	struct list_head next;
	unsigned long start_byte;
	unsigned long length;
};

struct iopt_area *iopt_area_contig_init(struct iopt_area_contig_iter *iter,
					struct io_pagetable *iopt,
					unsigned long iova,
					unsigned long last_iova)
{
	iter->cur_iova = iova;
	iter->last_iova = last_iova;
	iter->area = iopt_area_iter_first(iopt, iova, iova);
	if (!iter->area)
		return NULL;
	if (!iter->area->pages) {
		iter->area = NULL;
		return NULL;
	}
	return iter->area;
}

struct iopt_area *iopt_area_contig_next(struct iopt_area_contig_iter *iter)
{
	unsigned long last_iova;

	if (!iter->area)
		return NULL;
	last_iova = iopt_area_last_iova(iter->area);
	if (iter->last_iova <= last_iova)
		return NULL;

	iter->cur_iova = last_iova + 1;
	iter->area = iopt_area_iter_next(iter->area, iter->cur_iova,
					 iter->last_iova);
	if (!iter->area)
		return NULL;
	if (iter->cur_iova != iopt_area_iova(iter->area) ||
	    !iter->area->pages) {
		iter->area = NULL;
		return NULL;
	}
	return iter->area;
}

struct alloc_fit {
	unsigned long length;
	unsigned long iova_alignment;
	unsigned long page_offset;
	unsigned long found;
};

/*
 * Can [length] fit at an aligned start in [*start, last]? On success
 * *start is moved to that start. As the kernel, the start keeps the user
 * address' offset within the page, and a start equal to last never fits.
 */
static bool alloc_iova_check_range(unsigned long *start, unsigned long last,
				   const struct alloc_fit *fit)
{
	unsigned long aligned_start;

	if (check_add_overflow(*start, fit->iova_alignment - 1, &aligned_start))
		return false;
	aligned_start &= ~(fit->iova_alignment - 1);
	aligned_start |= fit->page_offset;

	if (aligned_start >= last || last - aligned_start < fit->length - 1)
		return false;
	*start = aligned_start;
	return true;
}

static bool alloc_iova_hole_fits(unsigned long start, unsigned long last,
				 void *arg)
{
	struct alloc_fit *fit = arg;

	if (!alloc_iova_check_range(&start, last, fit))
		return false;
	fit->found = start;
	return true;
}

/*
 * Lowest fitting hole of (reserved U areas) inside one allowed span. The
 * reserved ranges are few, the areas may be many: walk the holes of the
 * reserved tree, and let the area tree's gap index find the first area hole
 * in each without visiting every area.
 */
static bool alloc_iova_in_span(struct io_pagetable *iopt, unsigned long start,
			       unsigned long last, struct alloc_fit *fit)
{
	struct itree_span_iter rspan;
	unsigned long hs, hl;

	itree_for_each_span (&rspan, &iopt->reserved_itree, start, last) {
		if (!rspan.is_hole)
			continue;
		if (itree_find_hole(&iopt->area_itree, rspan.start_hole,
				    rspan.last_hole, fit->length - 1,
				    alloc_iova_hole_fits, fit, &hs, &hl))
			return true;
	}
	return false;
}

/* Largest alignment worth asking for: a PMD-sized huge page */
static unsigned long iopt_max_alignment(void)
{
	return PAGE_SIZE * (PAGE_SIZE / sizeof(uint64_t));
}

/*
 * Find a free block of IOVA that is neither mapped nor reserved, within the
 * allowed ranges when there are any. Never returns IOVA 0. The choice is the
 * kernel's: the lowest fitting address, aligned to the length (capped at a
 * huge page) and to the user address, so huge pages can map it.
 */
static int iopt_alloc_iova(struct io_pagetable *iopt, unsigned long *iova,
			   unsigned long addr, unsigned long length)
{
	struct alloc_fit fit = {
		.length = length,
		.page_offset = addr % PAGE_SIZE,
	};
	struct itree_span_iter aspan;

	/* roundup_pow_of_two() must not overflow */
	if (length == 0 || length >= ULONG_MAX / 2)
		return -EOVERFLOW;

	if (!addr)
		fit.iova_alignment = roundup_pow_of_two(length);
	else
		fit.iova_alignment = min(roundup_pow_of_two(length),
					 1UL << ufd_ffs_ul(addr));
	if (fit.iova_alignment >= iopt_max_alignment())
		fit.iova_alignment = iopt_max_alignment();
	if (fit.iova_alignment < iopt->iova_alignment)
		return -EINVAL;

	if (itree_empty(&iopt->allowed_itree)) {
		unsigned long start = PAGE_SIZE;

		if (alloc_iova_check_range(&start, ULONG_MAX - PAGE_SIZE,
					   &fit) &&
		    alloc_iova_in_span(iopt, start, ULONG_MAX - PAGE_SIZE,
				       &fit))
			goto found;
		return -ENOSPC;
	}

	itree_for_each_span (&aspan, &iopt->allowed_itree, PAGE_SIZE,
			     ULONG_MAX - PAGE_SIZE) {
		unsigned long start = aspan.start_used;

		if (aspan.is_hole)
			continue;
		/*
		 * Like the kernel, the span's own start is aligned first and
		 * the holes are searched from there.
		 */
		if (!alloc_iova_check_range(&start, aspan.last_used, &fit))
			continue;
		if (alloc_iova_in_span(iopt, start, aspan.last_used, &fit))
			goto found;
	}
	return -ENOSPC;
found:
	*iova = fit.found;
	return 0;
}

static struct iopt_reserved *iopt_reserved_iter_first(struct io_pagetable *iopt,
						      unsigned long start,
						      unsigned long last)
{
	struct itree_node *n =
		itree_iter_first(&iopt->reserved_itree, start, last);

	return n ? container_of(n, struct iopt_reserved, node) : NULL;
}

static int iopt_check_iova(struct io_pagetable *iopt, unsigned long iova,
			   unsigned long length)
{
	unsigned long last;

	if (iova & (iopt->iova_alignment - 1))
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	/* No reserved IOVA intersects the range */
	if (iopt_reserved_iter_first(iopt, iova, last))
		return -EINVAL;
	/* Existing mappings cannot be replaced */
	if (iopt_area_iter_first(iopt, iova, last))
		return -EEXIST;
	return 0;
}

/* The area takes the bytes [start_byte, start_byte + length) of pages */
static int iopt_insert_area(struct io_pagetable *iopt, struct iopt_area *area,
			    struct iopt_pages *pages, unsigned long iova,
			    unsigned long start_byte, unsigned long length,
			    int iommu_prot)
{
	if ((iommu_prot & IOMMU_WRITE) && !pages->writable)
		return -EPERM;

	area->iommu_prot = iommu_prot;
	area->page_offset = start_byte % PAGE_SIZE;
	if (area->page_offset & (iopt->iova_alignment - 1))
		return -EINVAL;

	area->node.start = iova;
	if (check_add_overflow(iova, length - 1, &area->node.last))
		return -EOVERFLOW;

	area->pages_node.start = start_byte / PAGE_SIZE;
	if (check_add_overflow(start_byte, length - 1, &area->pages_node.last))
		return -EOVERFLOW;
	area->pages_node.last = area->pages_node.last / PAGE_SIZE;
	if (WARN_ON(area->pages_node.last >= pages->npages))
		return -EOVERFLOW;

	/* pages stays NULL: the IOVA is claimed but not usable yet */
	area->iopt = iopt;
	itree_insert(&area->node, &iopt->area_itree);
	return 0;
}

static struct iopt_area *iopt_area_alloc(void)
{
	return ufd_new(struct iopt_area);
}

static unsigned long iopt_pages_list_addr(struct iopt_pages_list *elm)
{
	switch (elm->pages->type) {
	case IOPT_ADDRESS_USER:
		return elm->start_byte + elm->pages->uptr;
	default:
		return elm->start_byte + elm->pages->start;
	}
}

static int iopt_alloc_area_pages(struct io_pagetable *iopt,
				 struct list_head *pages_list,
				 unsigned long length, unsigned long *dst_iova,
				 int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list *elm;
	unsigned long iova;
	int rc = 0;

	list_for_each_entry (elm, pages_list, next) {
		elm->area = iopt_area_alloc();
		if (!elm->area)
			return -ENOMEM;
	}

	down_write(&iopt->iova_rwsem);
	if ((length & (iopt->iova_alignment - 1)) || !length) {
		rc = -EINVAL;
		goto out_unlock;
	}

	if (flags & IOPT_ALLOC_IOVA) {
		/* The first entry's address guides the alignment */
		elm = list_first_entry(pages_list, struct iopt_pages_list,
				       next);
		rc = iopt_alloc_iova(iopt, dst_iova, iopt_pages_list_addr(elm),
				     length);
		if (rc)
			goto out_unlock;
		if (WARN_ON(iopt_check_iova(iopt, *dst_iova, length))) {
			rc = -EINVAL;
			goto out_unlock;
		}
	} else {
		rc = iopt_check_iova(iopt, *dst_iova, length);
		if (rc)
			goto out_unlock;
	}

	iova = *dst_iova;
	list_for_each_entry (elm, pages_list, next) {
		rc = iopt_insert_area(iopt, elm->area, elm->pages, iova,
				      elm->start_byte, elm->length, iommu_prot);
		if (rc)
			goto out_unlock;
		iova += elm->length;
	}

out_unlock:
	up_write(&iopt->iova_rwsem);
	return rc;
}

static void iopt_abort_area(struct iopt_area *area)
{
	WARN_ON(area->pages);
	if (area->iopt) {
		down_write(&area->iopt->iova_rwsem);
		itree_remove(&area->node, &area->iopt->area_itree);
		up_write(&area->iopt->iova_rwsem);
	}
	ufd_free(area);
}

void iopt_free_pages_list(struct list_head *pages_list)
{
	struct iopt_pages_list *elm;

	while ((elm = list_first_entry_or_null(pages_list,
					       struct iopt_pages_list, next))) {
		if (elm->area)
			iopt_abort_area(elm->area);
		if (elm->pages)
			iopt_put_pages(elm->pages);
		list_del(&elm->next);
		ufd_free(elm);
	}
}

static int iopt_fill_domains_pages(struct list_head *pages_list)
{
	struct iopt_pages_list *undo_elm;
	struct iopt_pages_list *elm;
	int rc;

	list_for_each_entry (elm, pages_list, next) {
		rc = iopt_area_fill_domains(elm->area, elm->pages);
		if (rc)
			goto err_undo;
	}
	return 0;

err_undo:
	list_for_each_entry (undo_elm, pages_list, next) {
		if (undo_elm == elm)
			break;
		iopt_area_unfill_domains(undo_elm->area, undo_elm->pages);
	}
	return rc;
}

int iopt_map_pages(struct io_pagetable *iopt, struct list_head *pages_list,
		   unsigned long length, unsigned long *dst_iova,
		   int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list *elm;
	int rc;

	rc = iopt_alloc_area_pages(iopt, pages_list, length, dst_iova,
				   iommu_prot, flags);
	if (rc)
		return rc;

	down_read(&iopt->domains_rwsem);
	rc = iopt_fill_domains_pages(pages_list);
	if (rc)
		goto out_unlock_domains;

	down_write(&iopt->iova_rwsem);
	list_for_each_entry (elm, pages_list, next) {
		/*
		 * Set under domains_rwsem so that a domain attached after this
		 * point sees the area and gets filled with it. The list's
		 * reference moves into the area.
		 */
		elm->area->pages = elm->pages;
		elm->pages = NULL;
		elm->area = NULL;
	}
	up_write(&iopt->iova_rwsem);
out_unlock_domains:
	up_read(&iopt->domains_rwsem);
	return rc;
}

static int iopt_map_common(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			   struct iopt_pages *pages, unsigned long *iova,
			   unsigned long length, unsigned long start_byte,
			   int iommu_prot, unsigned int flags)
{
	struct iopt_pages_list elm = {};
	LIST_HEAD(pages_list);
	int rc;

	elm.pages = pages;
	elm.start_byte = start_byte;
	if (ictx->account_mode == IOPT_PAGES_ACCOUNT_MM &&
	    elm.pages->account_mode == IOPT_PAGES_ACCOUNT_USER)
		elm.pages->account_mode = IOPT_PAGES_ACCOUNT_MM;
	elm.pages->pfnmap_ok = ictx->pfnmap_ok;
	elm.length = length;
	list_add(&elm.next, &pages_list);

	rc = iopt_map_pages(iopt, &pages_list, length, iova, iommu_prot, flags);
	if (rc) {
		if (elm.area)
			iopt_abort_area(elm.area);
		if (elm.pages)
			iopt_put_pages(elm.pages);
		return rc;
	}
	return 0;
}

/*
 * Map user memory at uptr. Without a domain or access needing it nothing is
 * pinned yet (a map of memory that is not there succeeds); with one, the
 * pages are pinned and loaded now.
 */
int iopt_map_user_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, void *uptr, unsigned long length,
			int iommu_prot, unsigned int flags)
{
	struct iopt_pages *pages;

	pages = iopt_alloc_user_pages(uptr, length, iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages))
		return (int)PTR_ERR(pages);

	return iopt_map_common(ictx, iopt, pages, iova, length,
			       (uintptr_t)uptr - pages->uptr, iommu_prot,
			       flags);
}

int iopt_map_file_pages(struct iommufd_ctx *ictx, struct io_pagetable *iopt,
			unsigned long *iova, int fd, unsigned long start,
			unsigned long length, int iommu_prot,
			unsigned int flags)
{
	struct iopt_pages *pages;
	unsigned long start_byte;
	unsigned long last;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(start, length - 1, &last))
		return -EOVERFLOW;

	start_byte = start - ALIGN_DOWN(start, PAGE_SIZE);
	pages = iopt_dmabuf_alloc_pages(ictx, fd, start_byte, start, length,
					iommu_prot & IOMMU_WRITE);
	if (pages == ERR_PTR(-ENOENT))
		pages = iopt_alloc_file_pages(fd, start_byte, start, length,
					      iommu_prot & IOMMU_WRITE);
	if (IS_ERR(pages))
		return (int)PTR_ERR(pages);

	return iopt_map_common(ictx, iopt, pages, iova, length, start_byte,
			       iommu_prot, flags);
}

int iopt_get_pages(struct io_pagetable *iopt, unsigned long iova,
		   unsigned long length, struct list_head *pages_list)
{
	struct iopt_area_contig_iter iter;
	unsigned long last_iova;
	struct iopt_area *area;
	int rc;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &last_iova))
		return -EOVERFLOW;

	down_read(&iopt->iova_rwsem);
	iopt_for_each_contig_area (&iter, area, iopt, iova, last_iova) {
		struct iopt_pages_list *elm;
		unsigned long last = min(last_iova, iopt_area_last_iova(area));

		elm = ufd_new(struct iopt_pages_list);
		if (!elm) {
			rc = -ENOMEM;
			goto err_free;
		}
		elm->start_byte = iopt_area_start_byte(area, iter.cur_iova);
		elm->pages = area->pages;
		elm->length = (last - iter.cur_iova) + 1;
		iopt_get_pages_ref(elm->pages);
		list_add_tail(&elm->next, pages_list);
	}
	if (!iopt_area_contig_done(&iter)) {
		rc = -ENOENT;
		goto err_free;
	}
	up_read(&iopt->iova_rwsem);
	return 0;
err_free:
	up_read(&iopt->iova_rwsem);
	iopt_free_pages_list(pages_list);
	return rc;
}

static int iopt_unmap_iova_range(struct io_pagetable *iopt, unsigned long start,
				 unsigned long last, unsigned long *unmapped)
{
	unsigned long unmapped_bytes = 0;
	unsigned int tries = 0;
	struct iopt_area *area;
	/* Nothing mapped is success */
	int rc = 0;

	/*
	 * domains_rwsem is held for read whenever an area->pages may be NULL,
	 * so domain attach/detach never sees a half torn down area.
	 */
again:
	down_read(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	while ((area = iopt_area_iter_first(iopt, start, last))) {
		unsigned long area_last = iopt_area_last_iova(area);
		unsigned long area_first = iopt_area_iova(area);
		struct iopt_pages *pages;

		/* Racing map/unmap of the same area: the caller's problem */
		if (!area->pages) {
			rc = -EBUSY;
			goto out_unlock_iova;
		}
		/* An object (HW queue) still needs the area */
		if (area->num_locks) {
			rc = -EBUSY;
			goto out_unlock_iova;
		}
		/* Areas are unmapped whole, never split or truncated */
		if (area_first < start || area_last > last) {
			rc = -ENOENT;
			goto out_unlock_iova;
		}

		if (area_first != start)
			tries = 0;

		/*
		 * Accesses must let go first. They are told without any lock
		 * held, since they call back into the io_pagetable to unpin.
		 */
		if (area->num_accesses) {
			size_t length = iopt_area_length(area);

			start = area_first;
			area->prevent_access = true;
			up_write(&iopt->iova_rwsem);
			up_read(&iopt->domains_rwsem);

			iommufd_access_notify_unmap(iopt, area_first, length);
			/* Something does not answer unmap requests */
			tries++;
			if (WARN_ON(tries > 100)) {
				rc = -EDEADLK;
				goto out_unmapped;
			}
			goto again;
		}

		pages = area->pages;
		area->pages = NULL;
		up_write(&iopt->iova_rwsem);

		iopt_area_unfill_domains(area, pages);
		iopt_abort_area(area);
		iopt_put_pages(pages);

		unmapped_bytes += area_last - area_first + 1;

		down_write(&iopt->iova_rwsem);
		/*
		 * While the lock was dropped new areas may have appeared in
		 * the part already unmapped; keep moving forward.
		 */
		if (area_last >= last)
			break;
		start = area_last + 1;
	}

out_unlock_iova:
	up_write(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
out_unmapped:
	if (unmapped)
		*unmapped = unmapped_bytes;
	return rc;
}

/*
 * Unmap every area inside [iova, iova + length). The range must be a
 * superset of whole areas.
 */
int iopt_unmap_iova(struct io_pagetable *iopt, unsigned long iova,
		    unsigned long length, unsigned long *unmapped)
{
	unsigned long iova_last;

	if (!length)
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &iova_last))
		return -EOVERFLOW;
	return iopt_unmap_iova_range(iopt, iova, iova_last, unmapped);
}

int iopt_unmap_all(struct io_pagetable *iopt, unsigned long *unmapped)
{
	return iopt_unmap_iova_range(iopt, 0, ULONG_MAX, unmapped);
}

/*
 * Swap in a new allowed list. The caller frees whatever is left in
 * allowed_iova: the old list on success, the new one on failure.
 */
int iopt_set_allow_iova(struct io_pagetable *iopt,
			struct itree_root *allowed_iova)
{
	struct itree_root tmp;
	struct itree_node *n;

	down_write(&iopt->iova_rwsem);
	tmp = *allowed_iova;
	*allowed_iova = iopt->allowed_itree;
	iopt->allowed_itree = tmp;

	for (n = itree_first(&iopt->allowed_itree); n; n = itree_next(n)) {
		if (iopt_reserved_iter_first(iopt, n->start, n->last)) {
			tmp = *allowed_iova;
			*allowed_iova = iopt->allowed_itree;
			iopt->allowed_itree = tmp;
			up_write(&iopt->iova_rwsem);
			return -EADDRINUSE;
		}
	}
	up_write(&iopt->iova_rwsem);
	return 0;
}

/* Needs iova_rwsem held for write */
int iopt_reserve_iova(struct io_pagetable *iopt, unsigned long start,
		      unsigned long last, void *owner)
{
	struct iopt_reserved *reserved;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if (iopt_area_iter_first(iopt, start, last) ||
	    itree_iter_first(&iopt->allowed_itree, start, last))
		return -EADDRINUSE;

	reserved = ufd_new(struct iopt_reserved);
	if (!reserved)
		return -ENOMEM;
	reserved->node.start = start;
	reserved->node.last = last;
	reserved->owner = owner;
	itree_insert(&reserved->node, &iopt->reserved_itree);
	return 0;
}

/* Needs iova_rwsem held for write */
void __iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	struct iopt_reserved *reserved, *next;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	for (reserved = iopt_reserved_iter_first(iopt, 0, ULONG_MAX); reserved;
	     reserved = next) {
		struct itree_node *n =
			itree_iter_next(&reserved->node, 0, ULONG_MAX);

		next = n ? container_of(n, struct iopt_reserved, node) : NULL;
		if (reserved->owner == owner) {
			itree_remove(&reserved->node, &iopt->reserved_itree);
			ufd_free(reserved);
		}
	}
}

void iopt_remove_reserved_iova(struct io_pagetable *iopt, void *owner)
{
	down_write(&iopt->iova_rwsem);
	__iopt_remove_reserved_iova(iopt, owner);
	up_write(&iopt->iova_rwsem);
}

void iopt_init_table(struct io_pagetable *iopt)
{
	init_rwsem(&iopt->iova_rwsem);
	init_rwsem(&iopt->domains_rwsem);
	iopt->area_itree = (struct itree_root)ITREE_ROOT_INIT;
	iopt->allowed_itree = (struct itree_root)ITREE_ROOT_INIT;
	iopt->reserved_itree = (struct itree_root)ITREE_ROOT_INIT;
	idt_init(&iopt->access_list, 0xffff);
	mutex_init(&iopt->access_list_lock);
	/*
	 * An IOAS starts as a software table that can use all of the
	 * unsigned long IOVA space, at any alignment.
	 */
	iopt->iova_alignment = 1;
}

void iopt_destroy_table(struct io_pagetable *iopt)
{
	struct itree_node *node;

	/* Reserved ranges added by the test uAPI have no owner */
	iopt_remove_reserved_iova(iopt, NULL);

	while ((node = itree_first(&iopt->allowed_itree))) {
		itree_remove(node, &iopt->allowed_itree);
		ufd_free(container_of(node, struct iopt_allowed, node));
	}

	WARN_ON(!itree_empty(&iopt->reserved_itree));
	WARN_ON(iopt->next_domain_id);
	WARN_ON(!idt_empty(&iopt->access_list));
	WARN_ON(!itree_empty(&iopt->area_itree));
	idt_destroy(&iopt->access_list);
	mutex_destroy(&iopt->access_list_lock);
	ufd_free(iopt->domains);
	destroy_rwsem(&iopt->iova_rwsem);
	destroy_rwsem(&iopt->domains_rwsem);
}

/*
 * Fuzzers cannot guess IOVAs that depend on map results, so in "syz" mode a
 * 64-bit IOVA is read as (nth area, offset into it).
 */
unsigned long iopt_syz_conv_iova(struct io_pagetable *iopt, __u64 *iova)
{
	struct syz_layout {
		uint32_t nth_area;
		uint32_t offset;
	} syz;
	struct iopt_area *area;
	unsigned int nth;

	memcpy(&syz, iova, sizeof(syz));
	nth = syz.nth_area;
	down_read(&iopt->iova_rwsem);
	for_each_area (area, iopt, 0, ULONG_MAX) {
		if (nth == 0) {
			up_read(&iopt->iova_rwsem);
			return iopt_area_iova(area) + syz.offset;
		}
		nth--;
	}
	up_read(&iopt->iova_rwsem);
	return 0;
}
