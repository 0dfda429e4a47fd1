// SPDX-License-Identifier: MIT
/*
 * The no-IOMMU "driver" (EXPERIMENTAL): a software page table under an
 * IOAS for a device no IOMMU translates for. See noiommu.h.
 */
#include <errno.h>

#include "../lib/alloc.h"
#include "../lib/util.h"
#include "noiommu.h"
#include "paging_domain.h"

/* 4 KiB pages, the whole 64-bit IOVA space as the kernel's table */
#define NOIOMMU_GRANULE_SHIFT 12
#define NOIOMMU_LEVELS	      6
#define NOIOMMU_LEAF_SIZES    ((1UL << 12) | (1UL << 21) | (1UL << 30))

static const struct iommu_ops noiommu_ops;

/* Nothing to program: the device's DMA never goes through a table */
static int noiommu_attach_dev(struct iommu_domain *domain, struct device *dev,
			      struct iommu_domain *old)
{
	(void)domain;
	(void)dev;
	(void)old;
	return 0;
}

static const struct iommu_domain_ops noiommu_blocked_ops = {
	.attach_dev = noiommu_attach_dev,
};

static struct iommu_domain noiommu_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &noiommu_blocked_ops,
	.owner = &noiommu_ops,
};

static void noiommu_domain_free(struct iommu_domain *domain)
{
	struct paging_domain *pd = to_paging_domain(domain);

	paging_domain_deinit(pd);
	ufd_free(pd);
}

static const struct iommu_domain_ops noiommu_domain_ops = {
	.map = paging_domain_map,
	.unmap = paging_domain_unmap,
	.iova_to_host = paging_domain_iova_to_host,
	.count_tables = paging_domain_count_tables,
	.free = noiommu_domain_free,
	.attach_dev = noiommu_attach_dev,
};

/* A plain table only: no flags, no driver data, as the kernel's */
static struct iommu_domain *
noiommu_domain_alloc_paging_flags(struct device *dev, uint32_t flags,
				  const struct iommu_user_data *user_data)
{
	const struct io_pgtable_cfg cfg = {
		.granule_shift = NOIOMMU_GRANULE_SHIFT,
		.levels = NOIOMMU_LEVELS,
		.leaf_sizes = NOIOMMU_LEAF_SIZES,
	};
	struct paging_domain *pd;
	int rc;

	(void)dev;
	if (flags || user_data)
		return ERR_PTR(-EOPNOTSUPP);
	pd = ufd_new(struct paging_domain);
	if (!pd)
		return ERR_PTR(-ENOMEM);
	rc = paging_domain_init(pd, &cfg);
	if (rc) {
		ufd_free(pd);
		return ERR_PTR(rc);
	}
	pd->domain.ops = &noiommu_domain_ops;
	pd->domain.owner = &noiommu_ops;
	return &pd->domain;
}

/* iommufd binds only devices whose DMA is coherent: a CPU copy is */
static bool noiommu_capable(struct device *dev, enum iommu_cap cap)
{
	(void)dev;
	return cap == IOMMU_CAP_CACHE_COHERENCY;
}

static const struct iommu_ops noiommu_ops = {
	.name = "noiommu",
	.blocked_domain = &noiommu_blocked_domain,
	.domain_alloc_paging_flags = noiommu_domain_alloc_paging_flags,
	.capable = noiommu_capable,
};

int noiommu_dev_add(struct device *dev, struct iommu_group *group)
{
	return iommu_device_add(dev, &noiommu_ops, group);
}

bool iommu_domain_is_noiommu(const struct iommu_domain *domain)
{
	return domain && domain->ops == &noiommu_domain_ops;
}
