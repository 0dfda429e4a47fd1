// SPDX-License-Identifier: MIT
/*
 * vIOMMU and vDEVICE objects (IOMMU_VIOMMU_ALLOC, IOMMU_VDEVICE_ALLOC), and
 * what IOMMU drivers call on them through the driver API.
 *
 * A vIOMMU is a slice of an IOMMU's virtualization support given to one VM:
 * it sits on a nest-parent HWPT (the VM's stage 2), holds it, and is held
 * by what is built on it: vDEVICEs, nested HWPTs, vEVENTQs, HW queues and
 * user mappings of its registers. A vDEVICE tells the vIOMMU which device
 * the VM knows by which virtual ID; it holds its device, and goes with it
 * when the device is unbound, leaving its ID taken (a tombstone) so the
 * user's later destroy answers ENOENT as the kernel's does.
 */
#include <stdio.h>

#include "../device/device.h"
#include "viommu.h"

void iommufd_viommu_destroy(struct iommufd_object *obj)
{
	struct iommufd_viommu *viommu =
		container_of(obj, struct iommufd_viommu, obj);

	if (viommu->ops && viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	refcount_dec(&viommu->hwpt->common.obj.users);
	WARN_ON(!list_empty(&viommu->vdevs));
	destroy_rwsem(&viommu->veventqs_rwsem);
	mutex_destroy(&viommu->vdevs_lock);
}

static int viommu_init(struct iommufd_ucmd *ucmd, struct iommufd_viommu *viommu,
		       const struct iommu_ops *ops,
		       struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	const struct iommu_user_data user_data = {
		.type = cmd->type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	int rc;

	mutex_init(&viommu->vdevs_lock);
	INIT_LIST_HEAD(&viommu->vdevs);
	init_rwsem(&viommu->veventqs_rwsem);
	INIT_LIST_HEAD(&viommu->veventqs);
	viommu->type = cmd->type;
	viommu->ictx = ucmd->ictx;
	viommu->iommu_dev = ops;
	/* Pairs with the destroy, which also undoes a failed init */
	viommu->hwpt = hwpt_paging;
	refcount_inc(&hwpt_paging->common.obj.users);

	rc = ops->viommu_init(viommu, hwpt_paging->common.domain,
			      user_data.len ? &user_data : NULL, &viommu->ops);
	if (rc)
		return rc;
	/* A driver must give its ops */
	if (WARN_ON(!viommu->ops))
		return -EOPNOTSUPP;
	return 0;
}

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	const struct iommu_ops *ops;
	size_t priv_size;
	int rc;

	if (cmd->flags || cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);

	ops = idev->dev->iommu_ops;
	if (!ops->get_viommu_size || !ops->viommu_init) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}
	priv_size = ops->get_viommu_size(idev->dev, cmd->type);
	if (!priv_size) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}

	hwpt_paging = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt_paging)) {
		rc = (int)PTR_ERR(hwpt_paging);
		goto out_put_idev;
	}
	if (!hwpt_paging->nest_parent) {
		rc = -EINVAL;
		goto out_put_hwpt;
	}

	viommu = (struct iommufd_viommu *)_iommufd_object_alloc_ucmd(
		ucmd, sizeof(*viommu) + priv_size, IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(viommu)) {
		rc = (int)PTR_ERR(viommu);
		goto out_put_hwpt;
	}
	/* On failure the dispatcher destroys the unfinished vIOMMU */
	rc = viommu_init(ucmd, viommu, ops, hwpt_paging);
	if (rc)
		goto out_put_hwpt;

	cmd->out_viommu_id = viommu->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));

out_put_hwpt:
	iommufd_put_object(ucmd->ictx, &hwpt_paging->common.obj);
out_put_idev:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}

void iommufd_viommu_describe(struct iommufd_object *obj, int out)
{
	struct iommufd_viommu *viommu =
		container_of(obj, struct iommufd_viommu, obj);

	dprintf(out, "  hwpt %u type %#x\n", viommu->hwpt->common.obj.id,
		viommu->type);
}

/* Caller holds vdevs_lock */
static struct iommufd_vdevice *vdev_find(struct iommufd_viommu *viommu,
					 uint64_t virt_id)
{
	struct iommufd_vdevice *vdev;

	lockdep_assert_held(&viommu->vdevs_lock);
	list_for_each_entry (vdev, &viommu->vdevs, viommu_item)
		if (vdev->virt_id == virt_id)
			return vdev;
	return NULL;
}

/* Runs with the device's igroup->lock, until finalize or abort */
void iommufd_vdevice_abort(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_viommu *viommu = vdev->viommu;
	struct iommufd_device *idev = vdev->idev;

	lockdep_assert_held(&idev->igroup->lock);
	mutex_lock(&viommu->vdevs_lock);
	/* Not listed when taking the virtual ID failed */
	if (vdev->viommu_item.next)
		list_del(&vdev->viommu_item);
	mutex_unlock(&viommu->vdevs_lock);
	refcount_dec(&viommu->obj.users);
	idev->vdev = NULL;
}

void iommufd_vdevice_destroy(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);
	struct iommufd_device *idev = vdev->idev;
	struct iommufd_ctx *ictx = idev->ictx;

	mutex_lock(&idev->igroup->lock);
	iommufd_vdevice_abort(obj);
	mutex_unlock(&idev->igroup->lock);
	/* The device reference taken at allocation: its unbind may go on */
	iommufd_put_object(ictx, &idev->obj);
}

/* Take the virtual ID for vdev, not yet found by lookups */
static int vdev_reserve_id(struct iommufd_viommu *viommu,
			   struct iommufd_vdevice *vdev)
{
	int rc = 0;

	mutex_lock(&viommu->vdevs_lock);
	if (vdev_find(viommu, vdev->virt_id))
		rc = -EEXIST;
	else
		list_add_tail(&vdev->viommu_item, &viommu->vdevs);
	mutex_unlock(&viommu->vdevs_lock);
	return rc;
}

static void vdev_publish(struct iommufd_vdevice *vdev)
{
	mutex_lock(&vdev->viommu->vdevs_lock);
	vdev->published = true;
	mutex_unlock(&vdev->viommu->vdevs_lock);
}

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_vdevice *vdev = NULL;
	struct iommufd_viommu *viommu;
	struct iommufd_device *idev;
	int rc;

	/* virt_id is an unsigned long index, as the kernel's xarray's */
	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return (int)PTR_ERR(viommu);

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev)) {
		rc = (int)PTR_ERR(idev);
		goto out_put_viommu;
	}
	if (viommu->iommu_dev != idev->dev->iommu_ops) {
		rc = -EINVAL;
		goto out_put_idev;
	}

	mutex_lock(&idev->igroup->lock);
	if (idev->destroying) {
		rc = -ENOENT;
		goto out_unlock_igroup;
	}
	if (idev->vdev) {
		rc = -EEXIST;
		goto out_unlock_igroup;
	}

	vdev = iommufd_object_alloc(ucmd->ictx, vdev, IOMMUFD_OBJ_VDEVICE);
	if (IS_ERR(vdev)) {
		rc = (int)PTR_ERR(vdev);
		goto out_unlock_igroup;
	}
	vdev->virt_id = cmd->virt_id;
	vdev->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	/*
	 * The device reference (users and wait_cnt) stays with the vDEVICE:
	 * the device's pre_destroy revokes it before an unbind completes.
	 */
	vdev->idev = idev;
	idev->vdev = vdev;

	rc = vdev_reserve_id(viommu, vdev);
	if (rc)
		goto out_abort;

	cmd->out_vdevice_id = vdev->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	vdev_publish(vdev);
	iommufd_object_finalize(ucmd->ictx, &vdev->obj);
	goto out_unlock_igroup;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &vdev->obj);
out_unlock_igroup:
	mutex_unlock(&idev->igroup->lock);
out_put_idev:
	if (rc)
		iommufd_put_object(ucmd->ictx, &idev->obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}

void iommufd_vdevice_describe(struct iommufd_object *obj, int out)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);

	dprintf(out, "  viommu %u device %u virt_id %#llx\n",
		vdev->viommu->obj.id, vdev->idev->obj.id,
		(unsigned long long)vdev->virt_id);
}

/* The driver API */

void *iommufd_viommu_priv(struct iommufd_viommu *viommu)
{
	return viommu->priv;
}

void iommufd_viommu_vdevs_lock(struct iommufd_viommu *viommu)
{
	mutex_lock(&viommu->vdevs_lock);
}

void iommufd_viommu_vdevs_unlock(struct iommufd_viommu *viommu)
{
	mutex_unlock(&viommu->vdevs_lock);
}

struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu,
				       unsigned long vdev_id)
{
	struct iommufd_vdevice *vdev = vdev_find(viommu, vdev_id);

	return vdev && vdev->published ? vdev->idev->dev : NULL;
}

int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu,
			       struct device *dev, unsigned long *vdev_id)
{
	struct iommufd_vdevice *vdev;
	int rc = -ENOENT;

	mutex_lock(&viommu->vdevs_lock);
	list_for_each_entry (vdev, &viommu->vdevs, viommu_item) {
		if (vdev->published && vdev->idev->dev == dev) {
			*vdev_id = (unsigned long)vdev->virt_id;
			rc = 0;
			break;
		}
	}
	mutex_unlock(&viommu->vdevs_lock);
	return rc;
}

int iommufd_viommu_alloc_mmap(struct iommufd_viommu *viommu, int memfd,
			      off_t fd_offset, size_t length,
			      unsigned long *offset)
{
	return iommufd_alloc_mmap(viommu->ictx, &viommu->obj, memfd, fd_offset,
				  length, offset);
}

void iommufd_viommu_destroy_mmap(struct iommufd_viommu *viommu,
				 unsigned long offset)
{
	iommufd_destroy_mmap(viommu->ictx, &viommu->obj, offset);
}
