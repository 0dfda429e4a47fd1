/* SPDX-License-Identifier: MIT */
/*
 * FAULT objects: queues of I/O page faults (PRI page requests) that a HWPT
 * with a fault queue reports to the user, who reads them from the queue's
 * file and answers through the same file.
 */
#ifndef UIOMMUFD_HWPT_FAULT_H
#define UIOMMUFD_HWPT_FAULT_H

#include "../core/file.h"
#include "../core/iommufd_private.h"

struct iommufd_device;
struct iommufd_hw_pagetable;
struct iommu_domain;

/* An event queue with a file: the common part of FAULT and vEVENTQ */
struct iommufd_eventq {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	/* NULL once the file is released: the object may outlive it; lock */
	struct iommufd_file *file;
	/* The descriptor until installed, to discard if the command fails */
	int fd;
	/* Protects deliver and file */
	struct mutex lock;
	struct list_head deliver;
};

struct iommufd_fault {
	struct iommufd_eventq common;
	/* Serialises read and write: cookies and responses */
	struct mutex mutex;
	/* cookie -> struct iopf_group read by the user, awaiting an answer */
	struct idtable response;
};

/* One page request, as the device sent it */
struct iopf_group {
	struct list_head node;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_device *idev;
	uint32_t pasid;
	uint32_t flags; /* IOMMU_PGFAULT_FLAGS_* */
	uint32_t grpid;
	uint32_t perm;
	uint64_t addr;
	uint32_t cookie;
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

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
void iommufd_fault_destroy(struct iommufd_object *obj);
/* Close the queue's file of an object whose creation failed */
void iommufd_eventq_abort_file(struct iommufd_object *obj);

/* The domain's fault handler: queue the request for the user */
int iommufd_fault_iopf_handler(struct iommu_domain *domain,
			       struct iopf_group *group);
/*
 * A device reports a page request (iommu_report_device_fault()): it goes to
 * the fault queue of the HWPT the device (or PASID) is attached to.
 */
int iommufd_report_device_fault(struct iommufd_device *idev,
				struct iopf_group *fault);
/* Answer INVALID to every fault still pending for this attachment */
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct iommufd_device *idev, uint32_t pasid);

#endif
