// SPDX-License-Identifier: MIT
/*
 * vIOMMU and vDEVICE objects (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC).
 *
 * A vIOMMU is a slice of an IOMMU's virtualization support given to one VM.
 * None of the engine's IOMMU drivers offers one yet (it comes with nested
 * translation), so allocation stops where the kernel stops for a driver
 * without vIOMMU support: after checking the arguments and the device, with
 * EOPNOTSUPP. No vIOMMU can exist, so a vDEVICE never finds one (ENOENT).
 */
#include "../device/device.h"
#include "hw_pagetable.h"

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	struct iommufd_device *idev;

	if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);
	/* The driver has no vIOMMU to give */
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return -EOPNOTSUPP;
}

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_object *viommu;

	/* virt_id indexes a table by unsigned long */
	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;
	viommu = iommufd_get_object(ucmd->ictx, cmd->viommu_id,
				    IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu))
		return (int)PTR_ERR(viommu);
	iommufd_put_object(ucmd->ictx, viommu);
	return -EOPNOTSUPP;
}
