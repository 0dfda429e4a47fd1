/* SPDX-License-Identifier: MIT */
/*
 * HW page tables (HWPT): the user object around a domain. A paging HWPT
 * holds the mappings of its IOAS; a nested HWPT is a user-managed stage-1
 * table walked over a paging parent.
 */
#ifndef UIOMMUFD_HWPT_HW_PAGETABLE_H
#define UIOMMUFD_HWPT_HW_PAGETABLE_H

#include "../core/iommufd_private.h"
#include "../iommu/domain.h"

struct iommufd_ioas;
struct iommufd_fault;
struct iommufd_viommu;

struct iommufd_hw_pagetable {
	struct iommufd_object obj;
	struct iommu_domain *domain;
	struct iommufd_fault *fault;
	bool pasid_compat;
};

struct iommufd_hwpt_paging {
	struct iommufd_hw_pagetable common;
	struct iommufd_ioas *ioas;
	/* Created by attach to an IOAS; destroyed with its last device */
	bool auto_domain;
	bool nest_parent;
	/* On iommufd_ioas::hwpt_list */
	struct list_head hwpt_item;
};

struct iommufd_hwpt_nested {
	struct iommufd_hw_pagetable common;
	struct iommufd_hwpt_paging *parent;
	struct iommufd_viommu *viommu;
};

static inline bool hwpt_is_paging(struct iommufd_hw_pagetable *hwpt)
{
	return hwpt->obj.type == IOMMUFD_OBJ_HWPT_PAGING;
}

static inline struct iommufd_hwpt_paging *
to_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_paging, common);
}

static inline struct iommufd_hwpt_nested *
to_hwpt_nested(struct iommufd_hw_pagetable *hwpt)
{
	return container_of(hwpt, struct iommufd_hwpt_nested, common);
}

/* The paging HWPT that holds the IOAS mappings under hwpt, if any */
static inline struct iommufd_hwpt_paging *
find_hwpt_paging(struct iommufd_hw_pagetable *hwpt)
{
	switch (hwpt->obj.type) {
	case IOMMUFD_OBJ_HWPT_PAGING:
		return to_hwpt_paging(hwpt);
	case IOMMUFD_OBJ_HWPT_NESTED:
		return to_hwpt_nested(hwpt)->parent;
	default:
		return NULL;
	}
}

struct iommufd_device;
struct iommu_user_data;

struct iommufd_hwpt_paging *
iommufd_hwpt_paging_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,
			  struct iommufd_device *idev, uint32_t pasid,
			  uint32_t flags, bool immediate_attach,
			  const struct iommu_user_data *user_data);
/* Drop a device's reference; an automatic HWPT goes with its last one */
void iommufd_hw_pagetable_put(struct iommufd_ctx *ictx,
			      struct iommufd_hw_pagetable *hwpt);

static inline struct iommufd_hwpt_paging *
iommufd_get_hwpt_paging(struct iommufd_ucmd *ucmd, uint32_t id)
{
	struct iommufd_object *obj =
		iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_HWPT_PAGING);

	return IS_ERR(obj) ? (struct iommufd_hwpt_paging *)obj
			   : container_of(obj, struct iommufd_hwpt_paging,
					  common.obj);
}

#endif
