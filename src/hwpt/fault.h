/* SPDX-License-Identifier: MIT */
/*
 * FAULT objects: queues of I/O page faults a HWPT reports to the user, who
 * answers them through the queue's file.
 */
#ifndef UIOMMUFD_HWPT_FAULT_H
#define UIOMMUFD_HWPT_FAULT_H

#include "../core/iommufd_private.h"

struct iommufd_device;
struct iommufd_hw_pagetable;
struct iommu_domain;

struct iommufd_eventq {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_file *file;
};

struct iommufd_fault {
	struct iommufd_eventq common;
};

static inline struct iommufd_fault *iommufd_get_fault(struct iommufd_ucmd *ucmd,
						      uint32_t id)
{
	struct iommufd_object *obj =
		iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_FAULT);

	return IS_ERR(obj)
		       ? (struct iommufd_fault *)obj
		       : container_of(obj, struct iommufd_fault, common.obj);
}

int iommufd_fault_iopf_handler(struct iommu_domain *domain, void *fault);
/* Answer INVALID to every fault still pending for this attachment */
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_device *idev, uint32_t pasid);

#endif
