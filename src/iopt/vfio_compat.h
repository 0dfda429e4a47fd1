/* SPDX-License-Identifier: MIT */
/*
 * The VFIO type1 container ioctls served from an IOAS (the "compat IOAS").
 */
#ifndef UIOMMUFD_VFIO_COMPAT_H
#define UIOMMUFD_VFIO_COMPAT_H

#include "../core/iommufd_private.h"

int iommufd_vfio_compat_ioas_get_id(struct iommufd_ctx *ictx,
				    uint32_t *out_ioas_id);
int iommufd_vfio_compat_set_no_iommu(struct iommufd_ctx *ictx);
int iommufd_vfio_compat_ioas_create(struct iommufd_ctx *ictx);

#endif
