/* SPDX-License-Identifier: MIT */
/*
 * FAULT objects: queues of I/O page faults (PRI page requests) that a HWPT
 * with a fault queue reports to the user, who reads them from the queue's
 * file and answers through the same file.
 */
#ifndef UIOMMUFD_HWPT_FAULT_H
#define UIOMMUFD_HWPT_FAULT_H

#include "../fs/file.h"
#include "../core/iommufd_private.h"

struct device;
struct iommufd_hw_pagetable;
struct iommu_domain;
struct iopf_group;

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

/*
 * Give the queue its file (not yet installed: iommufd_file_install() once
 * the command cannot fail) holding a users reference and the context,
 * polling as @pollable (IOMMUFD_FILE_POLL_*): the descriptor, or -errno
 */
int iommufd_eventq_init(struct iommufd_eventq *eventq, struct iommufd_ctx *ictx,
			const struct iommufd_file_ops *fops, int pollable);
/* The file is readable when deliver is not empty; needs eventq->lock */
void iommufd_eventq_update_readable(struct iommufd_eventq *eventq);
/* The release op of every event queue's file */
void iommufd_eventq_fops_release(struct iommufd_file *file);

struct iommufd_fault {
	struct iommufd_eventq common;
	/* Serialises read and write: cookies and responses */
	struct mutex mutex;
	/* cookie -> struct iopf_group read by the user, awaiting an answer */
	struct idtable response;
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

/*
 * The domain's fault handler (domain->iopf_handler of a HWPT with a fault
 * queue): queue the request reported through iommu_report_device_fault()
 * for the user.
 */
int iommufd_fault_iopf_handler(struct iommu_domain *domain,
			       struct iopf_group *group);
/* Answer INVALID to every fault still pending for this attachment */
void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct device *dev, uint32_t pasid);

#endif
