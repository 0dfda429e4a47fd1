/* SPDX-License-Identifier: MIT */
/*
 * A paging domain on the radix IO page table: the building block IOMMU
 * drivers of the engine use for their domains. A driver embeds struct
 * paging_domain in its own domain struct and points its ops at the
 * paging_domain_* functions it wants.
 */
#ifndef UIOMMUFD_HWPT_PAGING_DOMAIN_H
#define UIOMMUFD_HWPT_PAGING_DOMAIN_H

#include "../lib/util.h"
#include "domain.h"
#include "io_pgtable.h"

struct paging_domain {
	struct iommu_domain domain;
	struct io_pgtable pt;
	/* Device writes mark leaves dirty */
	bool dirty_tracking;
};

static inline struct paging_domain *to_paging_domain(struct iommu_domain *d)
{
	return container_of(d, struct paging_domain, domain);
}

int paging_domain_init(struct paging_domain *pd,
		       const struct io_pgtable_cfg *cfg);
void paging_domain_deinit(struct paging_domain *pd);

int paging_domain_map(struct iommu_domain *domain, unsigned long iova,
		      uintptr_t host, size_t length, int prot);
size_t paging_domain_unmap(struct iommu_domain *domain, unsigned long iova,
			   size_t length);
uintptr_t paging_domain_iova_to_host(struct iommu_domain *domain,
				     unsigned long iova);
void paging_domain_count_tables(struct iommu_domain *domain,
				unsigned long *live, unsigned long *allocated);
int paging_domain_set_dirty_tracking(struct iommu_domain *domain, bool enable);
int paging_domain_read_and_clear_dirty(struct iommu_domain *domain,
				       unsigned long iova, size_t size,
				       unsigned long flags,
				       struct iommu_dirty_bitmap *dirty);

#endif
