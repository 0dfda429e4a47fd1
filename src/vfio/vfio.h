/* SPDX-License-Identifier: MIT */
/*
 * VFIO on the engine: the devices userspace drivers reach through VFIO, the
 * groups they belong to, and the files that expose them, as the kernel's
 * drivers/vfio/ has them with CONFIG_VFIO_GROUP, CONFIG_VFIO_DEVICE_CDEV and
 * CONFIG_IOMMUFD_VFIO_CONTAINER (the container is an iommufd context).
 *
 * A vfio_device is a device driver's face to userspace: regions, interrupts,
 * reset (its ops). The core here handles what is the same for every
 * device: the two ways of opening it (group file or cdev), binding it to an
 * iommufd, attaching it to an IOAS or HWPT, and the order rules between
 * those steps.
 */
#ifndef UIOMMUFD_VFIO_VFIO_H
#define UIOMMUFD_VFIO_VFIO_H

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/types.h>

#include <uiommufd/uiommufd.h>
#include <uiommufd/vfio.h>

#include "../include/iommufd.h"
#include "../iommu/iommu.h"
#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "../lib/uaccess.h"

struct iommufd_vma;

/*
 * A capability chain being built (the kernel's struct vfio_info_cap), in
 * place: the few capabilities a region has fit
 */
struct vfio_info_cap {
	uint8_t buf[64];
	size_t size;
};

/* Append a capability of size bytes (its header first); 0 or -ENOMEM */
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     const struct vfio_info_cap_header *cap,
			     size_t size);
#include "../lib/util.h"

struct device;
struct iommufd_device;
struct iommufd_file;
struct vfio_device;
struct vfio_group;

/*
 * Validate the header of VFIO_DEVICE_SET_IRQS against @num_irqs of
 * @hdr->index; *@data_size gets the size of the payload that follows.
 */
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       unsigned int num_irqs,
				       unsigned int max_irq_type,
				       size_t *data_size);

/* What a device driver provides. User pointers are the caller's. */
struct vfio_device_ops {
	const char *name;
	/* First open and last close of the device, by either path */
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	/* The ioctls the core does not handle itself */
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg);
	int (*get_region_info)(struct vfio_device *vdev,
			       struct vfio_region_info *info,
			       struct vfio_info_cap *caps);
	/* VFIO_DEVICE_FEATURE numbers the core does not know */
	int (*device_feature)(struct vfio_device *vdev, uint32_t flags,
			      void *arg, size_t argsz);
	ssize_t (*read)(struct vfio_device *vdev, void *ubuf, size_t count,
			uint64_t *ppos);
	ssize_t (*write)(struct vfio_device *vdev, const void *ubuf,
			 size_t count, uint64_t *ppos);
	int (*mmap)(struct vfio_device *vdev, void *addr, size_t length,
		    int prot, int flags, uint64_t offset, void **out,
		    struct iommufd_vma *vma);
	/* mmap for another process (iommufd_file_ops.mmap_remote) */
	int (*mmap_remote)(struct vfio_device *vdev, size_t length, int prot,
			   int flags, uint64_t offset, int *map_fd,
			   uint64_t *map_off);
	/*
	 * Does the name given to VFIO_GROUP_GET_DEVICE_FD select this device?
	 * 1 yes, 0 no, or -errno for a name that is wrong for it.
	 */
	int (*match)(struct vfio_device *vdev, const char *buf);
	/* The VF token given at bind (NULL: none): 0 or -errno */
	int (*match_token_uuid)(struct vfio_device *vdev, const uint8_t *uuid);
	/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO/PCI_HOT_RESET need the file */
	long (*ioctl_file)(struct vfio_device *vdev, struct iommufd_ctx *ictx,
			   unsigned int cmd, unsigned long arg);
};

enum vfio_group_type {
	VFIO_IOMMU,    /* behind an IOMMU: translated DMA */
	VFIO_NO_IOMMU, /* unsafe: the device reaches memory untranslated */
};

struct vfio_device {
	/* The device behind its IOMMU; for a no-IOMMU device, not behind any */
	struct device *dev;
	const struct vfio_device_ops *ops;
	struct vfio_group *group;
	/* N of /dev/vfio/devices/vfioN; no cdev for a no-IOMMU device */
	unsigned int index;
	struct list_head group_item;
	/* The kernel's dev_set lock: opening, binding and attaching */
	struct mutex lock;
	unsigned int open_count;
	bool cdev_opened;
	struct iommufd_device *iommufd_device;
	bool iommufd_attached;
	/* PASIDs attached besides NO_PASID */
	uint32_t *pasids;
	unsigned int npasids;
};

/* One open of a device: the cdev, or a descriptor from the group */
struct vfio_device_file {
	struct vfio_device *device;
	struct vfio_group *group; /* NULL for the cdev */
	/* Set once the device is open for this file; ioctls need it */
	bool access_granted;
	struct iommufd_ctx *iommufd;
	uint32_t devid;
};

/* Registration of a device by its driver (at engine start) */
int vfio_register_device(struct vfio_device *vdev, struct device *dev,
			 const struct vfio_device_ops *ops,
			 enum vfio_group_type type);

/* Files: open a device's cdev, a group, or the container */
int vfio_device_cdev_open(unsigned int index, int flags);
/*
 * The cdev of device @index, named @name, kept over execve() on descriptor
 * @fd (file_exec.c); @fd, or -ENOENT when this process has no such device
 */
int vfio_device_cdev_open_kept(unsigned int index, const char *name, int fd);
/*
 * fd, unknown here, may be a VFIO cdev of another process' engine (a
 * labelled memfd received or inherited over execve()): it becomes a stub
 * whose calls go to the owner. 0, or -EBADF (not one).
 */
int vfio_device_adopt(int fd);
int vfio_group_open(const char *name, int flags);
int vfio_container_open(int flags);

/*
 * A driver's check of VFIO_DEVICE_FEATURE's flags for one feature (the
 * kernel's vfio_check_feature()): 1 when the get or set is to be done,
 * else what to return (0 for a PROBE of a supported operation).
 */
static inline int vfio_check_feature(uint32_t flags, size_t argsz,
				     uint32_t supported_ops, size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) &
	    ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	/* Without PROBE one of GET or SET must be requested */
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

/* group.c, for device.c */
struct vfio_group *vfio_group_find_or_create(struct iommu_group *iommu_group,
					     enum vfio_group_type type);
void vfio_group_add_device(struct vfio_group *group, struct vfio_device *vdev);
int vfio_device_block_group(struct vfio_device *vdev);
void vfio_device_unblock_group(struct vfio_device *vdev);
bool vfio_group_has_iommu_locked(struct vfio_group *group);
void vfio_group_lock(struct vfio_group *group);
void vfio_group_unlock(struct vfio_group *group);
struct iommufd_ctx *vfio_group_iommufd(struct vfio_group *group);
bool vfio_group_is_noiommu(struct vfio_group *group);
/* Minor number of the group named @name ("N", "noiommu-N"), or -ENOENT */
int vfio_group_minor(const char *name);

/* device.c, for group.c */
struct vfio_device *vfio_device_find(unsigned int index);
int vfio_device_group_open_file(struct vfio_device *vdev, int flags);
bool vfio_device_is_noiommu(struct vfio_device *vdev);

#endif
