// SPDX-License-Identifier: MIT
/*
 * What the io_pagetable does when its users change: domains come and go
 * (filled with every area, or emptied), accesses join and leave, the huge
 * page option flips, and the IOVA alignment follows all of them. Also the
 * area splitting that the VFIO type1 (v1) unmap rules need.
 */
#include "access.h"
#include "../iommu/iommu.h"
#include "io_pagetable.h"
#include "pages.h"

/*
 * Remove a domain that was already taken out of the domains array: every
 * area is unmapped from it. When it was the last domain, the areas leave the
 * domains_itree and their pages are unpinned (unless an access holds them).
 */
static void iopt_unfill_domain(struct io_pagetable *iopt,
			       struct iommu_domain *domain)
{
	struct iopt_area *area;

	for_each_area (area, iopt, 0, ULONG_MAX) {
		struct iopt_pages *pages = area->pages;

		if (!pages)
			continue;
		mutex_lock(&pages->mutex);
		/* Other domains still hold the area: just take it out */
		if (iopt->next_domain_id != 0)
			iopt_area_detach_domain(area, pages, domain);
		else
			iopt_area_unfill_domain(area, pages, domain);
		mutex_unlock(&pages->mutex);
	}
}

/* Fill a new domain with every area; on failure it is left empty */
static int iopt_fill_domain(struct io_pagetable *iopt,
			    struct iommu_domain *domain)
{
	struct iopt_area *end_area;
	struct iopt_area *area;
	int rc = 0;

	for_each_area (area, iopt, 0, ULONG_MAX) {
		struct iopt_pages *pages = area->pages;

		if (!pages)
			continue;
		mutex_lock(&pages->mutex);
		rc = iopt_area_fill_domain(area, domain);
		mutex_unlock(&pages->mutex);
		if (rc)
			goto out_unfill;
	}
	return 0;

out_unfill:
	end_area = area;
	for_each_area (area, iopt, 0, ULONG_MAX) {
		struct iopt_pages *pages = area->pages;

		if (area == end_area)
			break;
		if (!pages)
			continue;
		mutex_lock(&pages->mutex);
		if (iopt->next_domain_id == 0)
			iopt_area_unfill_domain(area, pages, domain);
		else
			iopt_area_detach_domain(area, pages, domain);
		mutex_unlock(&pages->mutex);
	}
	return rc;
}

/* Do all existing areas conform to a larger IOVA alignment? */
static int iopt_check_iova_alignment(struct io_pagetable *iopt,
				     unsigned long new_iova_alignment)
{
	unsigned long align_mask = new_iova_alignment - 1;
	struct iopt_area *area;

	for_each_area (area, iopt, 0, ULONG_MAX)
		if ((iopt_area_iova(area) & align_mask) ||
		    (iopt_area_length(area) & align_mask) ||
		    (area->page_offset & align_mask))
			return -EADDRINUSE;
	return 0;
}

static int iopt_grow_domains(struct io_pagetable *iopt)
{
	struct iommu_domain **domains;
	unsigned int n;

	if (iopt->next_domain_id < iopt->domains_alloc)
		return 0;
	n = iopt->domains_alloc ? iopt->domains_alloc * 2 : 4;
	domains = ufd_realloc_array(iopt->domains, n, sizeof(*domains));
	if (!domains)
		return -ENOMEM;
	iopt->domains = domains;
	iopt->domains_alloc = n;
	return 0;
}

int iopt_table_add_domain(struct io_pagetable *iopt,
			  struct iommu_domain *domain)
{
	const struct iommu_domain_geometry *geometry = &domain->geometry;
	unsigned long new_iova_alignment;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	for (unsigned int i = 0; i != iopt->next_domain_id; i++) {
		if (WARN_ON(iopt->domains[i] == domain)) {
			rc = -EEXIST;
			goto out_unlock;
		}
	}

	/*
	 * The domain's smallest page drives the IOVA alignment. Pages objects
	 * work in CPU pages, so a domain must accept PAGE_SIZE mappings.
	 */
	new_iova_alignment = max(1UL << ufd_ffs_ul(domain->pgsize_bitmap),
				 iopt->iova_alignment);
	if (new_iova_alignment > PAGE_SIZE) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if (new_iova_alignment != iopt->iova_alignment) {
		rc = iopt_check_iova_alignment(iopt, new_iova_alignment);
		if (rc)
			goto out_unlock;
	}

	/* Nothing may be mapped outside the domain's aperture */
	if (geometry->aperture_start != 0) {
		rc = iopt_reserve_iova(iopt, 0, geometry->aperture_start - 1,
				       domain);
		if (rc)
			goto out_reserved;
	}
	if (geometry->aperture_end != ULONG_MAX) {
		rc = iopt_reserve_iova(iopt, geometry->aperture_end + 1,
				       ULONG_MAX, domain);
		if (rc)
			goto out_reserved;
	}

	rc = iopt_grow_domains(iopt);
	if (rc)
		goto out_reserved;

	rc = iopt_fill_domain(iopt, domain);
	if (rc)
		goto out_reserved;

	iopt->iova_alignment = new_iova_alignment;
	iopt->domains[iopt->next_domain_id++] = domain;
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return 0;
out_reserved:
	__iopt_remove_reserved_iova(iopt, domain);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

static int iopt_calculate_iova_alignment(struct io_pagetable *iopt)
{
	unsigned long new_iova_alignment;
	uint32_t id = 0;

	/* Without huge pages everything is mapped in CPU pages */
	if (iopt->disable_large_pages)
		new_iova_alignment = PAGE_SIZE;
	else
		new_iova_alignment = 1;

	for (unsigned int i = 0; i != iopt->next_domain_id; i++)
		new_iova_alignment =
			max(1UL << ufd_ffs_ul(iopt->domains[i]->pgsize_bitmap),
			    new_iova_alignment);
	while ((id = idt_next_used(&iopt->access_list, id + 1))) {
		struct iommufd_access *access =
			idt_load(&iopt->access_list, id);

		if (access != IDT_RESERVED)
			new_iova_alignment =
				max(access->iova_alignment, new_iova_alignment);
	}

	if (new_iova_alignment > iopt->iova_alignment) {
		int rc = iopt_check_iova_alignment(iopt, new_iova_alignment);

		if (rc)
			return rc;
	}
	iopt->iova_alignment = new_iova_alignment;
	return 0;
}

void iopt_table_remove_domain(struct io_pagetable *iopt,
			      struct iommu_domain *domain)
{
	unsigned int index;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);

	for (index = 0; index != iopt->next_domain_id; index++)
		if (iopt->domains[index] == domain)
			break;
	if (WARN_ON(index == iopt->next_domain_id))
		goto out_unlock;

	/* Keep the array dense: the tail entry fills the hole */
	iopt->next_domain_id--;
	iopt->domains[index] = iopt->domains[iopt->next_domain_id];
	iopt->domains[iopt->next_domain_id] = NULL;

	iopt_unfill_domain(iopt, domain);
	__iopt_remove_reserved_iova(iopt, domain);

	WARN_ON(iopt_calculate_iova_alignment(iopt));
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/*
 * Split an area in two at iova (which becomes the last IOVA of the left
 * part), for VFIO type1 v1 unmaps that cut into mappings. Both halves keep
 * the same pages object. Needs iova_rwsem for write.
 */
static int iopt_area_split(struct iopt_area *area, unsigned long iova)
{
	struct io_pagetable *iopt = area->iopt;
	unsigned long alignment = iopt->iova_alignment;
	unsigned long last_iova = iopt_area_last_iova(area);
	unsigned long start_iova = iopt_area_iova(area);
	unsigned long new_start = iova + 1;
	struct iopt_pages *pages = area->pages;
	struct iopt_area *lhs;
	struct iopt_area *rhs;
	int rc;

	lockdep_assert_held_write(&iopt->iova_rwsem);
	if (iova == start_iova || iova == last_iova)
		return 0;
	if (!pages || area->prevent_access)
		return -EBUSY;
	/* Keeping revocation tracking right across a split is not done */
	if (pages->type == IOPT_ADDRESS_DMABUF)
		return -EOPNOTSUPP;
	if (new_start & (alignment - 1) ||
	    iopt_area_start_byte(area, new_start) & (alignment - 1))
		return -EINVAL;

	lhs = ufd_new(struct iopt_area);
	if (!lhs)
		return -ENOMEM;
	rhs = ufd_new(struct iopt_area);
	if (!rhs) {
		rc = -ENOMEM;
		goto err_free_lhs;
	}

	mutex_lock(&pages->mutex);
	/* Accesses pin by area; their ranges cannot be split */
	if (area->num_accesses) {
		rc = -EINVAL;
		goto err_unlock;
	}
	/* A domain may hold the area in huge pages that cannot be cut */
	if (area->filled && !iopt->disable_large_pages) {
		rc = -EINVAL;
		goto err_unlock;
	}

	itree_remove(&area->node, &iopt->area_itree);
	lhs->iommu_prot = rhs->iommu_prot = area->iommu_prot;
	lhs->iopt = rhs->iopt = iopt;
	lhs->node.start = start_iova;
	lhs->node.last = iova;
	lhs->page_offset = area->page_offset;
	lhs->pages_node.start = iopt_area_index(area);
	lhs->pages_node.last = iopt_area_iova_to_index(area, iova);
	rhs->node.start = new_start;
	rhs->node.last = last_iova;
	rhs->page_offset = iopt_area_start_byte(area, new_start) % PAGE_SIZE;
	rhs->pages_node.start = iopt_area_iova_to_index(area, new_start);
	rhs->pages_node.last = iopt_area_last_index(area);
	itree_insert(&lhs->node, &iopt->area_itree);
	itree_insert(&rhs->node, &iopt->area_itree);

	/* The pinned coverage is unchanged: the halves replace the whole */
	if (area->filled) {
		itree_remove(&area->pages_node, &pages->domains_itree);
		itree_insert(&lhs->pages_node, &pages->domains_itree);
		itree_insert(&rhs->pages_node, &pages->domains_itree);
	}
	lhs->filled = rhs->filled = area->filled;
	lhs->pages = pages;
	rhs->pages = pages;
	iopt_get_pages_ref(pages);
	ufd_free(area);
	mutex_unlock(&pages->mutex);
	return 0;

err_unlock:
	mutex_unlock(&pages->mutex);
	ufd_free(rhs);
err_free_lhs:
	ufd_free(lhs);
	return rc;
}

int iopt_cut_iova(struct io_pagetable *iopt, unsigned long *iovas,
		  size_t num_iovas)
{
	int rc = 0;

	down_write(&iopt->iova_rwsem);
	for (size_t i = 0; i < num_iovas; i++) {
		struct iopt_area *area;

		area = iopt_area_iter_first(iopt, iovas[i], iovas[i]);
		if (!area)
			continue;
		rc = iopt_area_split(area, iovas[i]);
		if (rc)
			break;
	}
	up_write(&iopt->iova_rwsem);
	return rc;
}

void iopt_enable_large_pages(struct io_pagetable *iopt)
{
	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	WRITE_ONCE(iopt->disable_large_pages, false);
	WARN_ON(iopt_calculate_iova_alignment(iopt));
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

int iopt_disable_large_pages(struct io_pagetable *iopt)
{
	int rc = 0;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	if (iopt->disable_large_pages)
		goto out_unlock;

	/* Domains may already hold huge mappings */
	if (iopt->next_domain_id && !itree_empty(&iopt->area_itree)) {
		rc = -EINVAL;
		goto out_unlock;
	}

	WRITE_ONCE(iopt->disable_large_pages, true);
	rc = iopt_calculate_iova_alignment(iopt);
	if (rc)
		WRITE_ONCE(iopt->disable_large_pages, false);
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

int iopt_add_access(struct io_pagetable *iopt, struct iommufd_access *access)
{
	uint32_t new_id;
	int rc;

	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	mutex_lock(&iopt->access_list_lock);
	rc = idt_alloc(&iopt->access_list, &new_id);
	if (!rc)
		idt_store(&iopt->access_list, new_id, access);
	mutex_unlock(&iopt->access_list_lock);
	if (rc) {
		rc = rc == -EBUSY ? -ENOSPC : rc;
		goto out_unlock;
	}

	rc = iopt_calculate_iova_alignment(iopt);
	if (rc) {
		mutex_lock(&iopt->access_list_lock);
		idt_erase(&iopt->access_list, new_id);
		mutex_unlock(&iopt->access_list_lock);
		goto out_unlock;
	}
	access->iopt_access_list_id = new_id;
out_unlock:
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
	return rc;
}

void iopt_remove_access(struct io_pagetable *iopt,
			struct iommufd_access *access,
			uint32_t iopt_access_list_id)
{
	down_write(&iopt->domains_rwsem);
	down_write(&iopt->iova_rwsem);
	mutex_lock(&iopt->access_list_lock);
	WARN_ON(idt_erase(&iopt->access_list, iopt_access_list_id) != access);
	mutex_unlock(&iopt->access_list_lock);
	WARN_ON(iopt_calculate_iova_alignment(iopt));
	up_write(&iopt->iova_rwsem);
	up_write(&iopt->domains_rwsem);
}

/*
 * The device's reserved regions (MSI windows, firmware ranges) become
 * reserved IOVA of the IOAS, owned by the device, for as long as it is
 * attached.
 */
int iopt_table_enforce_dev_resv_regions(struct io_pagetable *iopt,
					struct device *dev)
{
	struct iommu_resv_region *resv;
	LIST_HEAD(resv_regions);
	int rc = 0;

	if (ufd_should_fail())
		return -EINVAL;

	down_write(&iopt->iova_rwsem);
	rc = iommu_get_resv_regions(dev, &resv_regions);
	list_for_each_entry (resv, &resv_regions, list) {
		if (rc)
			break;
		if (resv->type == IOMMU_RESV_DIRECT_RELAXABLE)
			continue;
		rc = iopt_reserve_iova(iopt, resv->start,
				       resv->length - 1 + resv->start, dev);
		if (rc)
			break;
	}
	if (rc)
		__iopt_remove_reserved_iova(iopt, dev);
	iommu_put_resv_regions(dev, &resv_regions);
	up_write(&iopt->iova_rwsem);
	return rc;
}
