// SPDX-License-Identifier: MIT
/*
 * Loading areas into domains and taking them out.
 *
 * An area is either in no domain (not filled) or in every domain of its
 * io_pagetable (filled, and its pages_node is in the pages' domains_itree,
 * which keeps the pages pinned). The domain maps the area's IOVA linearly
 * onto the pages' host addresses, sub-page offsets included.
 */
#include "io_pagetable.h"
#include "dmabuf.h"
#include "pages.h"

static int area_map(struct iopt_area *area, struct iopt_pages *pages,
		    struct iommu_domain *domain)
{
	uintptr_t host = iopt_pages_host(pages, iopt_area_index(area)) +
			 area->page_offset;
	int prot = area->iommu_prot;

	/* Without huge pages the domain must hold CPU pages only */
	if (READ_ONCE(area->iopt->disable_large_pages))
		prot |= IOMMU_MAP_SMALL;
	return iommu_map(domain, iopt_area_iova(area), host,
			 iopt_area_length(area), prot);
}

void iopt_area_unmap_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	size_t len = iopt_area_length(area);

	WARN_ON(iommu_unmap(domain, iopt_area_iova(area), len) != len);
}

/*
 * Put the area into one domain: a dma-buf import records the mapping so a
 * revoke can find it, and a revoked import maps nothing.
 */
static int area_attach_domain(struct iopt_area *area, struct iopt_pages *pages,
			      struct iommu_domain *domain)
{
	int rc;

	rc = iopt_dmabuf_track_domain(pages, area, domain);
	if (rc)
		return rc;
	if (iopt_dmabuf_revoked(pages))
		return 0;
	rc = area_map(area, pages, domain);
	if (rc)
		iopt_dmabuf_untrack_domain(pages, area, domain);
	return rc;
}

/* Take the area out of one domain (and its revoke tracking). pages->mutex */
void iopt_area_detach_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain)
{
	lockdep_assert_held(&pages->mutex);
	if (!iopt_dmabuf_revoked(pages))
		iopt_area_unmap_domain(area, domain);
	iopt_dmabuf_untrack_domain(pages, area, domain);
}

static int area_pin(struct iopt_area *area, struct iopt_pages *pages)
{
	return iopt_pages_pin_span(pages, iopt_area_index(area),
				   iopt_area_last_index(area));
}

static void area_unpin(struct iopt_area *area, struct iopt_pages *pages)
{
	iopt_pages_unpin_span(pages, iopt_area_index(area),
			      iopt_area_last_index(area));
}

/*
 * Load a new area into every domain of its io_pagetable. Called with the
 * domains_rwsem held and area->pages still NULL. Nothing changes on failure.
 */
int iopt_area_fill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	struct io_pagetable *iopt = area->iopt;
	unsigned int i;
	int rc;

	lockdep_assert_held(&iopt->domains_rwsem);
	if (!iopt->next_domain_id)
		return 0;

	mutex_lock(&pages->mutex);
	rc = area_pin(area, pages);
	if (rc)
		goto out_unlock;
	for (i = 0; i != iopt->next_domain_id; i++) {
		rc = area_attach_domain(area, pages, iopt->domains[i]);
		if (rc)
			goto err_unmap;
	}
	itree_insert(&area->pages_node, &pages->domains_itree);
	area->filled = true;
	mutex_unlock(&pages->mutex);
	return 0;

err_unmap:
	while (i--)
		iopt_area_detach_domain(area, pages, iopt->domains[i]);
	area_unpin(area, pages);
out_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

/* Take an area out of every domain and release its pins (area->pages NULL) */
void iopt_area_unfill_domains(struct iopt_area *area, struct iopt_pages *pages)
{
	struct io_pagetable *iopt = area->iopt;

	mutex_lock(&pages->mutex);
	if (!area->filled)
		goto out_unlock;
	for (unsigned int i = 0; i != iopt->next_domain_id; i++)
		iopt_area_detach_domain(area, pages, iopt->domains[i]);
	itree_remove(&area->pages_node, &pages->domains_itree);
	area->filled = false;
	area_unpin(area, pages);
out_unlock:
	mutex_unlock(&pages->mutex);
}

/*
 * Load an existing area into one new domain. When no other domain holds the
 * area yet, its pages get pinned and it joins the domains_itree. Needs
 * pages->mutex.
 */
int iopt_area_fill_domain(struct iopt_area *area, struct iommu_domain *domain)
{
	struct iopt_pages *pages = area->pages;
	int rc;

	lockdep_assert_held(&pages->mutex);
	if (!area->filled) {
		rc = area_pin(area, pages);
		if (rc)
			return rc;
	}
	rc = area_attach_domain(area, pages, domain);
	if (rc) {
		if (!area->filled)
			area_unpin(area, pages);
		return rc;
	}
	if (!area->filled) {
		itree_insert(&area->pages_node, &pages->domains_itree);
		area->filled = true;
	}
	return 0;
}

/* The last domain holding the area lets go of it. Needs pages->mutex. */
void iopt_area_unfill_domain(struct iopt_area *area, struct iopt_pages *pages,
			     struct iommu_domain *domain)
{
	lockdep_assert_held(&pages->mutex);
	iopt_area_detach_domain(area, pages, domain);
	if (!area->filled)
		return;
	itree_remove(&area->pages_node, &pages->domains_itree);
	area->filled = false;
	area_unpin(area, pages);
}
