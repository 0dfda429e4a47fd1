// SPDX-License-Identifier: MIT
/*
 * VFIO devices and their files (drivers/vfio/vfio_main.c, device_cdev.c and
 * iommufd.c of the kernel).
 *
 * A device is opened either through its group (VFIO_GROUP_GET_DEVICE_FD,
 * which binds it to the group's iommufd and attaches the compat IOAS), or
 * through its cdev, /dev/vfio/devices/vfioN, which gives a file that can do
 * nothing but VFIO_DEVICE_BIND_IOMMUFD until it is bound. While a cdev is
 * open the group file cannot be opened and the other way round, and a cdev
 * opens the device once only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../fs/file.h"
#include "vfio.h"

/* Devices by index (N of vfioN): registered at start, never removed */
#define VFIO_MAX_DEVICES 256

static struct mutex vfio_devices_lock = MUTEX_INITIALIZER(vfio_devices_lock);
static struct vfio_device *vfio_devices[VFIO_MAX_DEVICES];

static const struct iommufd_file_ops vfio_device_fops;
static const struct iommufd_file_ops vfio_cdev_fops;

bool vfio_device_is_noiommu(struct vfio_device *vdev)
{
	return vfio_group_is_noiommu(vdev->group);
}

/*
 * A no-IOMMU device iommufd can bind through its cdev (EXPERIMENTAL,
 * after 7.2): one registered with the no-IOMMU page-table driver
 */
static bool vfio_device_noiommu_cdev(struct vfio_device *vdev)
{
	return vfio_device_is_noiommu(vdev) && vdev->dev->iommu_ops;
}

struct vfio_device *vfio_device_find(unsigned int index)
{
	struct vfio_device *vdev = NULL;

	mutex_lock(&vfio_devices_lock);
	if (index < VFIO_MAX_DEVICES)
		vdev = vfio_devices[index];
	mutex_unlock(&vfio_devices_lock);
	return vdev;
}

int vfio_register_device(struct vfio_device *vdev, struct device *dev,
			 const struct vfio_device_ops *ops,
			 enum vfio_group_type type)
{
	struct vfio_group *group;
	unsigned int index;

	vdev->dev = dev;
	vdev->ops = ops;
	mutex_init(&vdev->lock);
	/* VFIO always maps with IOMMU_CACHE: the IOMMU must honour it */
	if (type == VFIO_IOMMU &&
	    !device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return -EINVAL;
	group = vfio_group_find_or_create(dev->group, type);
	if (IS_ERR(group))
		return (int)PTR_ERR(group);

	mutex_lock(&vfio_devices_lock);
	for (index = 0; index != VFIO_MAX_DEVICES; index++)
		if (!vfio_devices[index])
			break;
	if (index == VFIO_MAX_DEVICES) {
		mutex_unlock(&vfio_devices_lock);
		return -ENOSPC;
	}
	vdev->index = index;
	vdev->group = group;
	vfio_devices[index] = vdev;
	mutex_unlock(&vfio_devices_lock);
	vfio_group_add_device(group, vdev);
	return 0;
}

/* Binding and attaching: the "physical" ops of drivers/vfio/iommufd.c */

static int vfio_iommufd_bind(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;
	struct iommufd_device *idev;

	/*
	 * A no-IOMMU device has no IOMMU to bind to: opening is allowed. Its
	 * cdev, after 7.2, binds it for an IOAS that only pins and records.
	 */
	if (vfio_device_is_noiommu(vdev) &&
	    (df->group || !vfio_device_noiommu_cdev(vdev)))
		return 0;
	idev = iommufd_device_bind(df->iommufd, vdev->dev, &df->devid);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);
	vdev->iommufd_device = idev;
	return 0;
}

static void vfio_iommufd_unbind(struct vfio_device *vdev)
{
	if (!vdev->iommufd_device)
		return;
	while (vdev->npasids)
		iommufd_device_detach(vdev->iommufd_device,
				      vdev->pasids[--vdev->npasids]);
	ufd_free(vdev->pasids);
	vdev->pasids = NULL;
	if (vdev->iommufd_attached) {
		iommufd_device_detach(vdev->iommufd_device, IOMMU_NO_PASID);
		vdev->iommufd_attached = false;
	}
	iommufd_device_unbind(vdev->iommufd_device);
	vdev->iommufd_device = NULL;
}

static int vfio_attach_ioas(struct vfio_device *vdev, uint32_t *pt_id)
{
	int rc;

	/* Attaching a device no IOMMU translates for would be a lie */
	if (WARN_ON(!vdev->iommufd_device))
		return -EINVAL;
	if (vdev->iommufd_attached)
		rc = iommufd_device_replace(vdev->iommufd_device,
					    IOMMU_NO_PASID, pt_id);
	else
		rc = iommufd_device_attach(vdev->iommufd_device, IOMMU_NO_PASID,
					   pt_id);
	if (rc)
		return rc;
	vdev->iommufd_attached = true;
	return 0;
}

static void vfio_detach_ioas(struct vfio_device *vdev)
{
	if (WARN_ON(!vdev->iommufd_device) || !vdev->iommufd_attached)
		return;
	iommufd_device_detach(vdev->iommufd_device, IOMMU_NO_PASID);
	vdev->iommufd_attached = false;
}

static int vfio_pasid_find(struct vfio_device *vdev, uint32_t pasid)
{
	for (unsigned int i = 0; i != vdev->npasids; i++)
		if (vdev->pasids[i] == pasid)
			return (int)i;
	return -1;
}

static int vfio_pasid_attach_ioas(struct vfio_device *vdev, uint32_t pasid,
				  uint32_t *pt_id)
{
	uint32_t *pasids;
	int rc;

	if (WARN_ON(!vdev->iommufd_device))
		return -EINVAL;
	if (vfio_pasid_find(vdev, pasid) >= 0)
		return iommufd_device_replace(vdev->iommufd_device, pasid,
					      pt_id);
	pasids = ufd_realloc_array(vdev->pasids, vdev->npasids + 1,
				   sizeof(*pasids));
	if (!pasids)
		return -ENOMEM;
	vdev->pasids = pasids;
	rc = iommufd_device_attach(vdev->iommufd_device, pasid, pt_id);
	if (rc)
		return rc;
	pasids[vdev->npasids++] = pasid;
	return 0;
}

static void vfio_pasid_detach_ioas(struct vfio_device *vdev, uint32_t pasid)
{
	int i;

	if (WARN_ON(!vdev->iommufd_device))
		return;
	i = vfio_pasid_find(vdev, pasid);
	if (i < 0)
		return;
	iommufd_device_detach(vdev->iommufd_device, pasid);
	vdev->pasids[i] = vdev->pasids[--vdev->npasids];
}

/* Opening and closing the device, under vdev->lock */

static int vfio_df_device_first_open(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;
	int rc;

	lockdep_assert_held(&vdev->lock);
	/* The group path's legacy container is an iommufd here, always */
	rc = vfio_iommufd_bind(df);
	if (rc)
		return rc;
	if (vdev->ops->open_device) {
		rc = vdev->ops->open_device(vdev);
		if (rc) {
			vfio_iommufd_unbind(vdev);
			return rc;
		}
	}
	return 0;
}

static void vfio_df_device_last_close(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;

	lockdep_assert_held(&vdev->lock);
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	vfio_iommufd_unbind(vdev);
}

static int vfio_df_open(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;
	int rc = 0;

	lockdep_assert_held(&vdev->lock);
	/* Only the group path can open a device more than once */
	if (vdev->open_count && !df->group)
		return -EINVAL;
	vdev->open_count++;
	if (vdev->open_count == 1) {
		rc = vfio_df_device_first_open(df);
		if (rc)
			vdev->open_count--;
	}
	return rc;
}

static void vfio_df_close(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;

	lockdep_assert_held(&vdev->lock);
	if (WARN_ON(!vdev->open_count))
		return;
	if (vdev->open_count == 1)
		vfio_df_device_last_close(df);
	vdev->open_count--;
}

/* The group path: GET_DEVICE_FD on a group with an iommufd container */
static int vfio_df_group_open(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;
	uint32_t ioas_id;
	int rc;

	vfio_group_lock(df->group);
	if (!vfio_group_has_iommu_locked(df->group)) {
		rc = -EINVAL;
		goto out_unlock_group;
	}
	mutex_lock(&vdev->lock);
	df->iommufd = vfio_group_iommufd(df->group);
	if (df->iommufd && vfio_device_is_noiommu(vdev) && !vdev->open_count) {
		/*
		 * No translation can exist for this device: a container whose
		 * user set up an IOAS expected one, so refuse.
		 */
		if (!ufd_capable(CAP_SYS_RAWIO) ||
		    !iommufd_vfio_compat_ioas_get_id(df->iommufd, &ioas_id)) {
			rc = -EPERM;
			goto out_clear;
		}
	}
	rc = vfio_df_open(df);
	if (rc)
		goto out_clear;
	if (df->iommufd && vdev->open_count == 1 &&
	    !vfio_device_is_noiommu(vdev)) {
		rc = iommufd_vfio_compat_ioas_get_id(df->iommufd, &ioas_id);
		if (!rc)
			rc = vfio_attach_ioas(vdev, &ioas_id);
		if (rc)
			goto out_close;
	}
	__atomic_store_n(&df->access_granted, true, __ATOMIC_RELEASE);
	mutex_unlock(&vdev->lock);
	vfio_group_unlock(df->group);
	return 0;

out_close:
	vfio_df_close(df);
out_clear:
	df->iommufd = NULL;
	mutex_unlock(&vdev->lock);
out_unlock_group:
	vfio_group_unlock(df->group);
	return rc;
}

static void vfio_df_group_close(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;

	vfio_group_lock(df->group);
	mutex_lock(&vdev->lock);
	vfio_df_close(df);
	df->iommufd = NULL;
	mutex_unlock(&vdev->lock);
	vfio_group_unlock(df->group);
}

/* The cdev path */

/* The VF token of BIND_IOMMUFD, for the driver to check */
static int vfio_df_check_token(struct vfio_device *vdev,
			       const struct vfio_device_bind_iommufd *bind)
{
	uint8_t uuid[16];

	if (!vdev->ops->match_token_uuid)
		return (bind->flags & VFIO_DEVICE_BIND_FLAG_TOKEN) ? -EINVAL
								   : 0;
	if (!(bind->flags & VFIO_DEVICE_BIND_FLAG_TOKEN))
		return vdev->ops->match_token_uuid(vdev, NULL);
	if (copy_from_user(uuid, u64_to_user_ptr(bind->token_uuid_ptr),
			   sizeof(uuid)))
		return -EFAULT;
	return vdev->ops->match_token_uuid(vdev, uuid);
}

static long vfio_df_ioctl_bind_iommufd(struct vfio_device_file *df, void *arg)
{
	const uint32_t valid_flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	size_t minsz = offsetofend(struct vfio_device_bind_iommufd, out_devid);
	struct vfio_device_bind_iommufd bind;
	struct vfio_device *vdev = df->device;
	uint32_t user_size;
	int rc;

	rc = copy_from_user(&user_size, arg, sizeof(user_size));
	if (rc)
		return rc;
	if (user_size < minsz)
		return -EINVAL;
	rc = copy_struct_from_user(&bind, sizeof(bind), arg, user_size);
	if (rc)
		return rc;
	if (bind.iommufd < 0 || bind.flags & ~valid_flags)
		return -EINVAL;
	/* BIND is for the cdev only */
	if (df->group)
		return -EINVAL;

	rc = vfio_device_block_group(vdev);
	if (rc)
		return rc;
	mutex_lock(&vdev->lock);
	/* A file binds once */
	if (df->access_granted) {
		rc = -EINVAL;
		goto out_unlock;
	}
	rc = vfio_df_check_token(vdev, &bind);
	if (rc)
		goto out_unlock;
	df->iommufd = iommufd_ctx_from_fd(bind.iommufd);
	if (IS_ERR(df->iommufd)) {
		rc = (int)PTR_ERR(df->iommufd);
		df->iommufd = NULL;
		goto out_unlock;
	}
	rc = vfio_df_open(df);
	if (rc)
		goto out_put_ctx;
	rc = copy_to_user(
		uptr_add(arg,
			 offsetof(struct vfio_device_bind_iommufd, out_devid)),
		&df->devid, sizeof(df->devid));
	if (rc)
		goto out_close;
	vdev->cdev_opened = true;
	__atomic_store_n(&df->access_granted, true, __ATOMIC_RELEASE);
	mutex_unlock(&vdev->lock);
	return 0;

out_close:
	vfio_df_close(df);
out_put_ctx:
	iommufd_ctx_put(df->iommufd);
	df->iommufd = NULL;
out_unlock:
	mutex_unlock(&vdev->lock);
	vfio_device_unblock_group(vdev);
	return rc;
}

static void vfio_df_unbind_iommufd(struct vfio_device_file *df)
{
	struct vfio_device *vdev = df->device;

	if (!df->access_granted)
		return;
	mutex_lock(&vdev->lock);
	vfio_df_close(df);
	iommufd_ctx_put(df->iommufd);
	vdev->cdev_opened = false;
	mutex_unlock(&vdev->lock);
	vfio_device_unblock_group(vdev);
}

/*
 * The argument of ATTACH/DETACH_IOMMUFD_PT, both starting with argsz and
 * flags: @minsz bytes, and through the pasid field (@pasid_end) when the
 * flags have the PASID bit, their only one.
 */
static int vfio_copy_pt_arg(void *karg, void *uarg, size_t minsz,
			    size_t pasid_end, uint32_t pasid_flag)
{
	uint32_t argsz, flags;

	if (copy_from_user(karg, uarg, minsz))
		return -EFAULT;
	memcpy(&argsz, karg, sizeof(argsz));
	memcpy(&flags, (char *)karg + sizeof(argsz), sizeof(flags));
	if (argsz < minsz || (flags & ~pasid_flag))
		return -EINVAL;
	if (!(flags & pasid_flag))
		return 0;
	if (argsz < pasid_end)
		return -EINVAL;
	return copy_from_user((char *)karg + minsz, uptr_add(uarg, minsz),
			      pasid_end - minsz);
}

static int vfio_df_ioctl_attach_pt(struct vfio_device_file *df, void *arg)
{
	struct vfio_device_attach_iommufd_pt attach = {};
	struct vfio_device *vdev = df->device;
	int rc;

	rc = vfio_copy_pt_arg(
		&attach, arg,
		offsetofend(struct vfio_device_attach_iommufd_pt, pt_id),
		offsetofend(struct vfio_device_attach_iommufd_pt, pasid),
		VFIO_DEVICE_ATTACH_PASID);
	if (rc)
		return rc;

	mutex_lock(&vdev->lock);
	if (attach.flags & VFIO_DEVICE_ATTACH_PASID)
		rc = vfio_pasid_attach_ioas(vdev, attach.pasid, &attach.pt_id);
	else
		rc = vfio_attach_ioas(vdev, &attach.pt_id);
	if (rc)
		goto out_unlock;
	if (copy_to_user(uptr_add(arg,
				  offsetof(struct vfio_device_attach_iommufd_pt,
					   pt_id)),
			 &attach.pt_id, sizeof(attach.pt_id))) {
		rc = -EFAULT;
		if (attach.flags & VFIO_DEVICE_ATTACH_PASID)
			vfio_pasid_detach_ioas(vdev, attach.pasid);
		else
			vfio_detach_ioas(vdev);
	}
out_unlock:
	mutex_unlock(&vdev->lock);
	return rc;
}

static int vfio_df_ioctl_detach_pt(struct vfio_device_file *df, void *arg)
{
	struct vfio_device_detach_iommufd_pt detach = {};
	struct vfio_device *vdev = df->device;
	int rc;

	rc = vfio_copy_pt_arg(
		&detach, arg,
		offsetofend(struct vfio_device_detach_iommufd_pt, flags),
		offsetofend(struct vfio_device_detach_iommufd_pt, pasid),
		VFIO_DEVICE_DETACH_PASID);
	if (rc)
		return rc;

	mutex_lock(&vdev->lock);
	if (detach.flags & VFIO_DEVICE_DETACH_PASID)
		vfio_pasid_detach_ioas(vdev, detach.pasid);
	else
		vfio_detach_ioas(vdev);
	mutex_unlock(&vdev->lock);
	return 0;
}

/* VFIO_DEVICE_FEATURE: what the core answers for every device */
static int vfio_ioctl_device_feature(struct vfio_device *vdev, void *arg)
{
	size_t minsz = offsetofend(struct vfio_device_feature, flags);
	struct vfio_device_feature feature;
	size_t argsz;

	if (copy_from_user(&feature, arg, minsz))
		return -EFAULT;
	if (feature.argsz < minsz)
		return -EINVAL;
	if (feature.flags &
	    ~(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_SET |
	      VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE))
		return -EINVAL;
	/* GET and SET together only with PROBE */
	if (!(feature.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_SET) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_GET))
		return -EINVAL;
	argsz = feature.argsz - minsz;

	switch (feature.flags & VFIO_DEVICE_FEATURE_MASK) {
	/* No device here migrates or logs DMA itself */
	case VFIO_DEVICE_FEATURE_MIGRATION:
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		return -ENOTTY;
	case VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2:
		return -EINVAL;
	default:
		if (!vdev->ops->device_feature)
			return -ENOTTY;
		return vdev->ops->device_feature(
			vdev, feature.flags,
			uptr_add(arg,
				 offsetof(struct vfio_device_feature, data)),
			argsz);
	}
}

/*
 * No region has a capability chain: the one vfio-pci gives, MSI-X
 * mappable, is for a mappable BAR holding the MSI-X table, and every
 * emulated function keeps its table in a trapped register BAR.
 */
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     const struct vfio_info_cap_header *cap,
			     size_t size)
{
	struct vfio_info_cap_header *prev = NULL, *hdr;
	size_t off = 0;

	if (caps->size + size > sizeof(caps->buf))
		return -ENOMEM;
	/* The chain's offsets count from the buffer's start until shifted */
	while (caps->size && (prev = (void *)(caps->buf + off))->next)
		off = prev->next;
	hdr = (void *)(caps->buf + caps->size);
	memcpy(hdr, cap, size);
	hdr->next = 0;
	if (prev)
		prev->next = (uint32_t)caps->size;
	caps->size += size;
	return 0;
}

/* The chain placed at offset in the user's buffer */
static void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
	struct vfio_info_cap_header *hdr = (void *)caps->buf;

	for (;;) {
		uint32_t next = hdr->next;

		if (!next)
			break;
		hdr->next = next + (uint32_t)offset;
		hdr = (void *)(caps->buf + next);
	}
}

static long vfio_get_region_info(struct vfio_device *vdev, void *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info = {};
	struct vfio_info_cap caps = {};
	int rc;

	if (!vdev->ops->get_region_info)
		return -EINVAL;
	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	rc = vdev->ops->get_region_info(vdev, &info, &caps);
	if (rc)
		return rc;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = (uint32_t)(sizeof(info) + caps.size);
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user((char *)arg + sizeof(info), caps.buf,
					 caps.size))
				return -EFAULT;
			info.cap_offset = sizeof(info);
		}
	}
	return copy_to_user(arg, &info, minsz);
}

static long vfio_device_fops_ioctl(struct iommufd_file *file, unsigned int cmd,
				   unsigned long arg)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;
	void *uptr = (void *)arg;

	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return vfio_df_ioctl_bind_iommufd(df, uptr);
	/* Nothing else before the device is open for this file */
	if (!__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE))
		return -EINVAL;

	if (!df->group) {
		switch (cmd) {
		case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
			return vfio_df_ioctl_attach_pt(df, uptr);
		case VFIO_DEVICE_DETACH_IOMMUFD_PT:
			return vfio_df_ioctl_detach_pt(df, uptr);
		}
	}
	switch (cmd) {
	case VFIO_DEVICE_FEATURE:
		return vfio_ioctl_device_feature(vdev, uptr);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_get_region_info(vdev, uptr);
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
	case VFIO_DEVICE_PCI_HOT_RESET:
		if (vdev->ops->ioctl_file)
			return vdev->ops->ioctl_file(vdev, df->iommufd, cmd,
						     arg);
		break;
	}
	if (!vdev->ops->ioctl)
		return -EINVAL;
	return vdev->ops->ioctl(vdev, cmd, arg);
}

static ssize_t vfio_device_fops_read_at(struct iommufd_file *file, void *buf,
					size_t count, uint64_t *pos)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;

	if (!__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!vdev->ops->read)
		return -EINVAL;
	return vdev->ops->read(vdev, buf, count, pos);
}

static ssize_t vfio_device_fops_write_at(struct iommufd_file *file,
					 const void *buf, size_t count,
					 uint64_t *pos)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;

	if (!__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!vdev->ops->write)
		return -EINVAL;
	return vdev->ops->write(vdev, buf, count, pos);
}

static int vfio_device_fops_mmap(struct iommufd_file *file, void *addr,
				 size_t length, int prot, int flags,
				 off_t offset, void **out,
				 struct iommufd_vma *vma)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;

	if (!__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!vdev->ops->mmap)
		return -EINVAL;
	return vdev->ops->mmap(vdev, addr, length, prot, flags,
			       (uint64_t)offset, out, vma);
}

static int vfio_device_fops_mmap_remote(struct iommufd_file *file,
					size_t length, int prot, int flags,
					off_t offset, int *map_fd,
					uint64_t *map_off)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;

	if (!__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE))
		return -EINVAL;
	if (!vdev->ops->mmap_remote)
		return -EINVAL;
	return vdev->ops->mmap_remote(vdev, length, prot, flags,
				      (uint64_t)offset, map_fd, map_off);
}

static void vfio_device_fops_release(struct iommufd_file *file)
{
	struct vfio_device_file *df = file->private_data;

	if (df->group)
		vfio_df_group_close(df);
	else
		vfio_df_unbind_iommufd(df);
	ufd_free(df);
}

static int vfio_cdev_devnode(struct iommufd_file *file, char *buf, size_t size)
{
	struct vfio_device_file *df = file->private_data;

	if ((size_t)snprintf(buf, size, "/dev/vfio/devices/vfio%u",
			     df->device->index) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* As the kernel's, the device's sysfs path; then what it is bound to */
static void vfio_device_show_fdinfo(struct iommufd_file *file, int out)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;
	char dom[8];

	snprintf(dom, sizeof(dom), "%.4s", vdev->dev->name);
	dprintf(out, "vfio-device-syspath: /sys/devices/pci%s:%.2s/%s\n", dom,
		vdev->dev->name + 5, vdev->dev->name);
	mutex_lock(&vdev->lock);
	if (__atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE) &&
	    vdev->iommufd_device)
		dprintf(out, "uiommufd-device: devid %u %s\n",
			iommufd_device_to_id(vdev->iommufd_device),
			vdev->iommufd_attached ? "attached" : "not attached");
	mutex_unlock(&vdev->lock);
}

/* A device file from the group: an anonymous inode, "[vfio-device]" */
static const struct iommufd_file_ops vfio_device_fops = {
	.kind = UIOMMUFD_FD_VFIO_DEVICE,
	.ioctl = vfio_device_fops_ioctl,
	.read_at = vfio_device_fops_read_at,
	.write_at = vfio_device_fops_write_at,
	.mmap = vfio_device_fops_mmap,
	.release = vfio_device_fops_release,
	.show_fdinfo = vfio_device_show_fdinfo,
};

/*
 * A cdev not bound yet has no state an execve() would lose: the new image
 * opens the same device's cdev again on the descriptor (file_exec.c)
 */
static int vfio_cdev_exec_describe(struct iommufd_file *file, char *buf,
				   size_t size)
{
	struct vfio_device_file *df = file->private_data;
	struct vfio_device *vdev = df->device;
	bool bound;

	mutex_lock(&vdev->lock);
	bound = __atomic_load_n(&df->access_granted, __ATOMIC_ACQUIRE);
	mutex_unlock(&vdev->lock);
	if (bound)
		return 0;
	return snprintf(buf, size, "vfio-cdev:%u@%s", vdev->index,
			vdev->dev->name);
}

/*
 * In a process that is not the engine's owner (docs/multiprocess.md), a
 * cdev's calls go to the owner through a context of the same owner: the
 * one BIND names, else any this process holds
 */
static int vfio_cdev_client_anchor(unsigned int cmd, unsigned long arg,
				   int *anchor)
{
	struct vfio_device_bind_iommufd bind;
	size_t minsz = offsetofend(struct vfio_device_bind_iommufd, out_devid);

	*anchor = -1;
	if (cmd != VFIO_DEVICE_BIND_IOMMUFD)
		return 0;
	if (copy_from_user(&bind, (void *)arg,
			   offsetofend(struct vfio_device_bind_iommufd,
				       iommufd)))
		return -EFAULT;
	/* What the owner would answer first, without a context to ask */
	if (bind.argsz < minsz || bind.iommufd < 0)
		return -EINVAL;
	*anchor = bind.iommufd;
	return 0;
}

/* The same file opened through /dev/vfio/devices/vfioN */
static const struct iommufd_file_ops vfio_cdev_fops = {
	.exec_describe = vfio_cdev_exec_describe,
	.served = true,
	.client_anchor = vfio_cdev_client_anchor,
	.kind = UIOMMUFD_FD_VFIO_DEVICE,
	.ioctl = vfio_device_fops_ioctl,
	.read_at = vfio_device_fops_read_at,
	.write_at = vfio_device_fops_write_at,
	.mmap = vfio_device_fops_mmap,
	.mmap_remote = vfio_device_fops_mmap_remote,
	.release = vfio_device_fops_release,
	.devnode = vfio_cdev_devnode,
	.show_fdinfo = vfio_device_show_fdinfo,
};

/*
 * Another process' cdev received here: no state, every call is the
 * owner's (share.c forwards them before any op would run)
 */
static const struct iommufd_file_ops vfio_cdev_remote_fops = {
	.served = true,
	.client_anchor = vfio_cdev_client_anchor,
	.kind = UIOMMUFD_FD_VFIO_DEVICE,
};

int vfio_device_adopt(int fd)
{
	int owner = iommufd_file_served_label(fd);

	/* Ours: made by this process' image before an execve(), now gone */
	if (owner < 0 || owner == getpid())
		return -EBADF;
	return iommufd_file_adopt_served(fd, &vfio_cdev_remote_fops, owner);
}

/*
 * Open device @index's cdev on @kept_fd (a descriptor kept over execve(),
 * file_exec.c) when it is not negative, else on a new descriptor
 */
static int vfio_cdev_open_file(struct vfio_device *vdev, int flags, int kept_fd)
{
	struct vfio_device_file *df;
	int fd;

	/* A no-IOMMU device has no cdev at all before 7.2's successors */
	if (!vdev ||
	    (vfio_device_is_noiommu(vdev) && !vfio_device_noiommu_cdev(vdev)))
		return -ENOENT;
	/* Unsafe DMA, as through its no-IOMMU group */
	if (vfio_device_is_noiommu(vdev) && !ufd_capable(CAP_SYS_RAWIO))
		return -EPERM;
	df = ufd_new(struct vfio_device_file);
	if (!df)
		return -ENOMEM;
	df->device = vdev;
	if (kept_fd >= 0)
		fd = iommufd_file_create_kept(&vfio_cdev_fops, df, kept_fd, -1,
					      NULL);
	else
		fd = iommufd_file_create(&vfio_cdev_fops, df, false, flags,
					 NULL);
	if (fd < 0)
		ufd_free(df);
	return fd;
}

int vfio_device_cdev_open(unsigned int index, int flags)
{
	return vfio_cdev_open_file(vfio_device_find(index), flags, -1);
}

int vfio_device_cdev_open_kept(unsigned int index, const char *name, int fd)
{
	struct vfio_device *vdev = vfio_device_find(index);

	/* The devices are the environment's: the same list, or not ours */
	if (!vdev || strcmp(vdev->dev->name, name))
		return -ENOENT;
	return vfio_cdev_open_file(vdev, 0, fd);
}

/* VFIO_GROUP_GET_DEVICE_FD: the device opened, bound and attached */
int vfio_device_group_open_file(struct vfio_device *vdev, int flags)
{
	struct vfio_device_file *df;
	int fd;
	int rc;

	df = ufd_new(struct vfio_device_file);
	if (!df)
		return -ENOMEM;
	df->device = vdev;
	df->group = vdev->group;
	rc = vfio_df_group_open(df);
	if (rc)
		goto err_free;
	fd = iommufd_file_create(&vfio_device_fops, df, false, flags, NULL);
	if (fd < 0) {
		rc = fd;
		goto err_close;
	}
	return fd;

err_close:
	vfio_df_group_close(df);
err_free:
	ufd_free(df);
	return rc;
}

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       unsigned int num_irqs,
				       unsigned int max_irq_type,
				       size_t *data_size)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	size_t size;

	if (hdr->argsz < minsz || hdr->index >= max_irq_type ||
	    hdr->count >= (UINT32_MAX - hdr->start) ||
	    (hdr->flags &
	     ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	*data_size = 0;
	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(uint8_t);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return -EINVAL;
	}
	if (size) {
		if (hdr->argsz - minsz < hdr->count * size)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}
