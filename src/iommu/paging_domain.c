// SPDX-License-Identifier: MIT
#include "../lib/util.h"
#include "dirty_bitmap.h"
#include "paging_domain.h"

int paging_domain_init(struct paging_domain *pd,
		       const struct io_pgtable_cfg *cfg)
{
	int rc = io_pgtable_init(&pd->pt, cfg);

	if (rc)
		return rc;
	pd->domain.type = IOMMU_DOMAIN_PAGING;
	pd->domain.pgsize_bitmap = pd->pt.cfg.leaf_sizes;
	pd->domain.geometry.aperture_start = 0;
	pd->domain.geometry.aperture_end = io_pgtable_last_iova(&pd->pt);
	return 0;
}

void paging_domain_deinit(struct paging_domain *pd)
{
	io_pgtable_destroy(&pd->pt);
}

int paging_domain_map(struct iommu_domain *domain, unsigned long iova,
		      uintptr_t host, size_t length, int prot)
{
	struct paging_domain *pd = to_paging_domain(domain);
	unsigned int pte_prot = 0;

	/* A mapping nothing can use is refused, as the kernel's page tables do
	 */
	if (!(prot & (IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (prot & IOMMU_READ)
		pte_prot |= IOPTE_READ;
	if (prot & IOMMU_WRITE)
		pte_prot |= IOPTE_WRITE;
	return io_pgtable_map(&pd->pt, iova, host, length, pte_prot,
			      (prot & IOMMU_MAP_SMALL) ? PAGE_SIZE : ULONG_MAX);
}

size_t paging_domain_unmap(struct iommu_domain *domain, unsigned long iova,
			   size_t length)
{
	return io_pgtable_unmap(&to_paging_domain(domain)->pt, iova, length);
}

uintptr_t paging_domain_iova_to_host(struct iommu_domain *domain,
				     unsigned long iova)
{
	return io_pgtable_iova_to_host(&to_paging_domain(domain)->pt, iova);
}

void paging_domain_count_tables(struct iommu_domain *domain,
				unsigned long *live, unsigned long *allocated)
{
	io_pgtable_count_tables(&to_paging_domain(domain)->pt, live, allocated);
}

int paging_domain_set_dirty_tracking(struct iommu_domain *domain, bool enable)
{
	if (enable && !domain->dirty_ops)
		return -EINVAL;
	WRITE_ONCE(to_paging_domain(domain)->dirty_tracking, enable);
	return 0;
}

static void record_dirty(void *arg, unsigned long iova, size_t len)
{
	iommu_dirty_bitmap_record(arg, iova, len);
}

int paging_domain_read_and_clear_dirty(struct iommu_domain *domain,
				       unsigned long iova, size_t size,
				       unsigned long flags,
				       struct iommu_dirty_bitmap *dirty)
{
	struct paging_domain *pd = to_paging_domain(domain);

	io_pgtable_read_and_clear_dirty(&pd->pt, iova, size,
					flags & IOMMU_DIRTY_NO_CLEAR,
					record_dirty, dirty);
	return 0;
}
