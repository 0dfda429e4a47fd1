// SPDX-License-Identifier: MIT
/*
 * VFIO groups: /dev/vfio/N, one per IOMMU group that has VFIO devices
 * (drivers/vfio/group.c of the kernel, with the container served by
 * iommufd).
 *
 * The legacy flow: open the group, VFIO_GROUP_SET_CONTAINER with an open
 * /dev/vfio/vfio (an iommufd context; the compat IOAS is created then),
 * VFIO_SET_IOMMU on the container, then VFIO_GROUP_GET_DEVICE_FD, which
 * binds the device to the context and attaches it to the compat IOAS. A
 * group file is exclusive, and excludes the devices' cdevs while open.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../fs/file.h"
#include "vfio.h"

struct vfio_group {
	/* The number in /dev/vfio/N: the IOMMU group's */
	unsigned int id;
	/* Minor of the group's character device, in creation order */
	unsigned int minor;
	enum vfio_group_type type;
	struct iommu_group *iommu_group;
	struct list_head item;
	/* Devices of the group, added at registration only */
	struct list_head devices;
	/* Protects what follows */
	struct mutex group_lock;
	bool opened;
	unsigned int cdev_device_open_cnt;
	struct iommufd_ctx *iommufd;
};

static struct mutex vfio_groups_lock = MUTEX_INITIALIZER(vfio_groups_lock);
static LIST_HEAD(vfio_groups);
static unsigned int vfio_group_next_minor;

void vfio_group_lock(struct vfio_group *group)
{
	mutex_lock(&group->group_lock);
}

void vfio_group_unlock(struct vfio_group *group)
{
	mutex_unlock(&group->group_lock);
}

bool vfio_group_is_noiommu(struct vfio_group *group)
{
	return group->type == VFIO_NO_IOMMU;
}

/* There can be an iommufd only while the group file set a container */
bool vfio_group_has_iommu_locked(struct vfio_group *group)
{
	lockdep_assert_held(&group->group_lock);
	return group->iommufd;
}

struct iommufd_ctx *vfio_group_iommufd(struct vfio_group *group)
{
	return group->iommufd;
}

struct vfio_group *vfio_group_find_or_create(struct iommu_group *iommu_group,
					     enum vfio_group_type type)
{
	struct vfio_group *group;

	mutex_lock(&vfio_groups_lock);
	list_for_each_entry (group, &vfio_groups, item) {
		if (group->iommu_group == iommu_group) {
			/* A group's devices are all of one kind */
			if (group->type != type)
				group = ERR_PTR(-EINVAL);
			goto out_unlock;
		}
	}
	group = ufd_new(struct vfio_group);
	if (!group) {
		group = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	group->id = iommu_group->id;
	group->minor = vfio_group_next_minor++;
	group->type = type;
	group->iommu_group = iommu_group;
	iommu_group_get(iommu_group);
	INIT_LIST_HEAD(&group->devices);
	mutex_init(&group->group_lock);
	list_add_tail(&group->item, &vfio_groups);
out_unlock:
	mutex_unlock(&vfio_groups_lock);
	return group;
}

void vfio_group_add_device(struct vfio_group *group, struct vfio_device *vdev)
{
	mutex_lock(&group->group_lock);
	list_add_tail(&vdev->group_item, &group->devices);
	mutex_unlock(&group->group_lock);
}

/* A cdev being opened keeps the group file closed, and the other way */
int vfio_device_block_group(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;
	int rc = 0;

	mutex_lock(&group->group_lock);
	if (group->opened)
		rc = -EBUSY;
	else
		group->cdev_device_open_cnt++;
	mutex_unlock(&group->group_lock);
	return rc;
}

void vfio_device_unblock_group(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;

	mutex_lock(&group->group_lock);
	group->cdev_device_open_cnt--;
	mutex_unlock(&group->group_lock);
}

/* The group a name of /dev/vfio/ stands for: "N" or "noiommu-N" */
static struct vfio_group *vfio_group_lookup(const char *name)
{
	struct vfio_group *group, *found = NULL;
	char buf[32];

	mutex_lock(&vfio_groups_lock);
	list_for_each_entry (group, &vfio_groups, item) {
		snprintf(buf, sizeof(buf), "%s%u",
			 group->type == VFIO_NO_IOMMU ? "noiommu-" : "",
			 group->id);
		if (!strcmp(buf, name)) {
			found = group;
			break;
		}
	}
	mutex_unlock(&vfio_groups_lock);
	return found;
}

/* Group file ioctls */

static int vfio_group_ioctl_get_status(struct vfio_group *group, void *arg)
{
	size_t minsz = offsetofend(struct vfio_group_status, flags);
	struct vfio_group_status status;

	if (copy_from_user(&status, arg, minsz))
		return -EFAULT;
	if (status.argsz < minsz)
		return -EINVAL;
	status.flags = 0;
	mutex_lock(&group->group_lock);
	/*
	 * With an iommufd, DMA ownership is claimed per device at
	 * GET_DEVICE_FD, so the group reads viable until then even if that
	 * will fail.
	 */
	if (vfio_group_has_iommu_locked(group))
		status.flags |= VFIO_GROUP_FLAGS_CONTAINER_SET |
				VFIO_GROUP_FLAGS_VIABLE;
	else if (!iommu_group_dma_owner_claimed(group->iommu_group))
		status.flags |= VFIO_GROUP_FLAGS_VIABLE;
	mutex_unlock(&group->group_lock);
	return copy_to_user(arg, &status, minsz);
}

static int vfio_group_ioctl_set_container(struct vfio_group *group, void *arg)
{
	struct iommufd_ctx *ictx;
	int32_t fd;
	int rc;

	if (copy_from_user(&fd, arg, sizeof(fd)))
		return -EFAULT;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;

	mutex_lock(&group->group_lock);
	if (vfio_group_has_iommu_locked(group)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	ictx = iommufd_ctx_from_fd(fd);
	if (IS_ERR(ictx)) {
		/* Not a container nor an iommufd */
		rc = -EBADFD;
		goto out_unlock;
	}
	if (group->type == VFIO_NO_IOMMU)
		rc = iommufd_vfio_compat_set_no_iommu(ictx);
	else
		rc = iommufd_vfio_compat_ioas_create(ictx);
	if (rc) {
		iommufd_ctx_put(ictx);
		goto out_unlock;
	}
	group->iommufd = ictx;
out_unlock:
	mutex_unlock(&group->group_lock);
	return rc;
}

static int vfio_group_ioctl_unset_container(struct vfio_group *group)
{
	int rc = 0;

	mutex_lock(&group->group_lock);
	if (!vfio_group_has_iommu_locked(group)) {
		rc = -EINVAL;
	} else {
		iommufd_ctx_put(group->iommufd);
		group->iommufd = NULL;
	}
	mutex_unlock(&group->group_lock);
	return rc;
}

/* The device of the group with that name: a string of up to a page */
static int vfio_group_ioctl_get_device_fd(struct vfio_group *group, void *arg)
{
	struct vfio_device *vdev, *found = NULL;
	char *name;
	size_t len;
	int rc;

	name = ufd_zalloc(PAGE_SIZE);
	if (!name)
		return -ENOMEM;
	/* strndup_user(): no end within a page is EINVAL */
	len = (size_t)strncpy_from_user(name, arg, PAGE_SIZE);
	if ((long)len < 0) {
		rc = (int)(long)len;
		goto out_free;
	}
	if (len == PAGE_SIZE) {
		rc = -EINVAL;
		goto out_free;
	}
	/* The first device the name selects; a name wrong for it fails */
	rc = 0;
	mutex_lock(&group->group_lock);
	list_for_each_entry (vdev, &group->devices, group_item) {
		if (vdev->ops->match)
			rc = vdev->ops->match(vdev, name);
		else
			rc = !strcmp(vdev->dev->name, name);
		if (rc) {
			found = rc > 0 ? vdev : NULL;
			break;
		}
	}
	mutex_unlock(&group->group_lock);
	if (rc < 0)
		goto out_free;
	rc = found ? vfio_device_group_open_file(found, O_CLOEXEC) : -ENODEV;
out_free:
	ufd_free(name);
	return rc;
}

static long vfio_group_fops_ioctl(struct iommufd_file *file, unsigned int cmd,
				  unsigned long arg)
{
	struct vfio_group *group = file->private_data;
	void *uarg = (void *)arg;

	switch (cmd) {
	case VFIO_GROUP_GET_DEVICE_FD:
		return vfio_group_ioctl_get_device_fd(group, uarg);
	case VFIO_GROUP_GET_STATUS:
		return vfio_group_ioctl_get_status(group, uarg);
	case VFIO_GROUP_SET_CONTAINER:
		return vfio_group_ioctl_set_container(group, uarg);
	case VFIO_GROUP_UNSET_CONTAINER:
		return vfio_group_ioctl_unset_container(group);
	default:
		return -ENOTTY;
	}
}

/*
 * Device files opened through the group stay usable: the device bound to
 * the context holds it.
 */
static void vfio_group_fops_release(struct iommufd_file *file)
{
	struct vfio_group *group = file->private_data;

	mutex_lock(&group->group_lock);
	if (group->iommufd) {
		iommufd_ctx_put(group->iommufd);
		group->iommufd = NULL;
	}
	group->opened = false;
	mutex_unlock(&group->group_lock);
}

static int vfio_group_devnode(struct iommufd_file *file, char *buf, size_t size)
{
	struct vfio_group *group = file->private_data;

	if ((size_t)snprintf(buf, size, "/dev/vfio/%s%u",
			     group->type == VFIO_NO_IOMMU ? "noiommu-" : "",
			     group->id) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static const struct iommufd_file_ops vfio_group_fops = {
	.kind = UIOMMUFD_FD_VFIO_GROUP,
	.ioctl = vfio_group_fops_ioctl,
	.release = vfio_group_fops_release,
	.devnode = vfio_group_devnode,
};

int vfio_group_open(const char *name, int flags)
{
	struct vfio_group *group = vfio_group_lookup(name);
	int fd;
	int rc;

	if (!group)
		return -ENOENT;
	mutex_lock(&group->group_lock);
	if (group->type == VFIO_NO_IOMMU && !ufd_capable(CAP_SYS_RAWIO)) {
		rc = -EPERM;
		goto out_unlock;
	}
	/* One open at a time, and none while a device's cdev is in use */
	if (group->cdev_device_open_cnt || group->opened) {
		rc = -EBUSY;
		goto out_unlock;
	}
	fd = iommufd_file_create(&vfio_group_fops, group, false, flags, NULL);
	if (fd < 0) {
		rc = fd;
		goto out_unlock;
	}
	group->opened = true;
	rc = fd;
out_unlock:
	mutex_unlock(&group->group_lock);
	return rc;
}

int vfio_group_minor(const char *name)
{
	struct vfio_group *group = vfio_group_lookup(name);

	return group ? (int)group->minor : -ENOENT;
}
