// SPDX-License-Identifier: MIT
/*
 * I/O page fault delivery to FAULT objects.
 *
 * IOMMU_FAULT_QUEUE_ALLOC is not served yet (it comes with nested
 * translation), so no HWPT can have a fault queue: a fault on a domain
 * without one is refused as a real IOMMU without PRI refuses it.
 */
#include "../hwpt/hw_pagetable.h"
#include "fault.h"

int iommufd_fault_iopf_handler(struct iommu_domain *domain, void *fault)
{
	(void)domain;
	(void)fault;
	return -EOPNOTSUPP;
}

void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_device *idev, uint32_t pasid)
{
	(void)idev;
	(void)pasid;
	/* No queue, nothing pending */
	WARN_ON(hwpt->fault);
}
