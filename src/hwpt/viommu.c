// SPDX-License-Identifier: MIT
/*
 * vIOMMU and vDEVICE objects (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC).
 *
 * A vIOMMU is a slice of an IOMMU's virtualization support given to one VM.
 * None of the engine's IOMMU drivers offers one yet (it comes with nested
 * translation), so allocation stops where the kernel stops for a driver
 * without vIOMMU support: after checking the arguments and the device, with
 * EOPNOTSUPP. No vIOMMU can exist, so a vDEVICE, vEVENTQ or HW queue never
 * finds one (ENOENT).
 */
#include "../device/device.h"
#include "hw_pagetable.h"

static int viommu_lookup(struct iommufd_ucmd *ucmd, uint32_t id)
{
	struct iommufd_object *viommu =
		iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_VIOMMU);

	if (IS_ERR(viommu))
		return (int)PTR_ERR(viommu);
	iommufd_put_object(ucmd->ictx, viommu);
	return -EOPNOTSUPP;
}

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

	/* virt_id indexes a table by unsigned long */
	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;
	return viommu_lookup(ucmd, cmd->viommu_id);
}

/* A bound far above what any IOMMU queues, as the kernel's */
#define VEVENTQ_MAX_DEPTH (1U << 19)

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_veventq_alloc *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth || cmd->veventq_depth > VEVENTQ_MAX_DEPTH)
		return -EINVAL;
	return viommu_lookup(ucmd, cmd->viommu_id);
}

int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
	uint64_t last;

	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
			       &last))
		return -EOVERFLOW;
	return viommu_lookup(ucmd, cmd->viommu_id);
}
