/* SPDX-License-Identifier: MIT */
/*
 * The DEVICE object: a device bound to an iommufd context, and its
 * attachment to an IOAS or HWPT. Drivers (the test uAPI's mock devices, the
 * VFIO device files) bind and attach through these calls, as kernel drivers
 * call iommufd_device_bind() and friends.
 */
#ifndef UIOMMUFD_DEVICE_DEVICE_H
#define UIOMMUFD_DEVICE_DEVICE_H

#include "../core/iommufd_private.h"
#include "iommu.h"

struct iommufd_hw_pagetable;
struct iommufd_vdevice;

/* Per context state of one iommu_group, shared by its bound devices */
struct iommufd_group {
	/* On iommufd_ctx::groups */
	struct list_head ctx_item;
	refcount_t ref;
	/*
	 * Serialises attach, replace and detach of the group's devices, for
	 * the whole of each: an automatic HWPT made by an attach is complete
	 * (auto_domain set, finalized) before another change can drop it.
	 * Taken before ioas->mutex and lock.
	 */
	struct mutex change_lock;
	/* Protects pasids and the attachments */
	struct mutex lock;
	struct iommufd_ctx *ictx;
	struct iommu_group *group;
	/*
	 * pasid -> attachment. An entry is reserved (not yet published) while
	 * the first attach of that pasid is in progress.
	 */
	struct igroup_pasid {
		uint32_t pasid;
		bool published;
		struct iommufd_attach *attach;
	} * pasids;
	unsigned int npasids, pasids_alloc;
};

struct iommufd_device {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_group *igroup;
	/* Always the physical device */
	struct device *dev;
	bool enforce_cache_coherency;
	struct iommufd_vdevice *vdev;
	bool destroying;
};

struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, uint32_t *id);
void iommufd_device_unbind(struct iommufd_device *idev);
int iommufd_device_attach(struct iommufd_device *idev, uint32_t pasid,
			  uint32_t *pt_id);
int iommufd_device_replace(struct iommufd_device *idev, uint32_t pasid,
			   uint32_t *pt_id);
void iommufd_device_detach(struct iommufd_device *idev, uint32_t pasid);

void iommufd_device_pre_destroy(struct iommufd_object *obj);
void iommufd_device_destroy(struct iommufd_object *obj);
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);

/* Used by HWPT allocation: attach with the group lock rules */
int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, uint32_t pasid);
struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, uint32_t pasid);

static inline struct iommufd_device *
iommufd_get_device(struct iommufd_ucmd *ucmd, uint32_t id)
{
	struct iommufd_object *obj =
		iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_DEVICE);

	return IS_ERR(obj) ? (struct iommufd_device *)obj
			   : container_of(obj, struct iommufd_device, obj);
}

/* A line for the dump: the device, its group and what it is attached to */
void iommufd_device_describe(struct iommufd_device *idev, int out);

#endif
