/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU of devices that have none (EXPERIMENTAL, after 7.2): enough of
 * an IOMMU driver for iommufd to bind a VFIO no-IOMMU device and give its
 * IOAS a page table, as the kernel's hwpt_noiommu.c slots in under
 * dev_iommu_ops(). The table translates nothing: the device DMAs to
 * physical addresses (in the engine, where the pages are in the process),
 * and the table only records where each mapped IOVA's page is, for
 * IOMMU_IOAS_NOIOMMU_GET_PA.
 */
#ifndef UIOMMUFD_IOMMU_NOIOMMU_H
#define UIOMMUFD_IOMMU_NOIOMMU_H

#include "iommu.h"

/* Put @dev in @group as a device without an IOMMU */
int noiommu_dev_add(struct device *dev, struct iommu_group *group);

/* Is @domain a no-IOMMU page table (so its hosts are physical addresses)? */
bool iommu_domain_is_noiommu(const struct iommu_domain *domain);

#endif
