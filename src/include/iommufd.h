/* SPDX-License-Identifier: MIT */
/*
 * The iommufd driver API: what the engine's drivers (VFIO, the emulated
 * devices, the test uAPI) call, as kernel drivers call what
 * include/linux/iommufd.h exports. A driver holds opaque pointers and IDs;
 * the objects behind them stay private to iommufd (src/core, src/iopt,
 * src/hwpt, src/device), which implements every function here.
 *
 * Errors are -errno, or ERR_PTR(-errno) for the functions returning
 * pointers, with the kernel's meanings.
 */
#ifndef UIOMMUFD_INCLUDE_IOMMUFD_H
#define UIOMMUFD_INCLUDE_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

struct device;
struct iommu_domain;
struct iommu_user_data;
struct iommu_user_data_array;
struct iommufd_access;
struct iommufd_ctx;
struct iommufd_device;
struct iommufd_hw_queue;
struct iommufd_viommu;

/* Contexts: an iommufd (or /dev/vfio/vfio) file's iommufd */

/*
 * The context of an iommufd or VFIO container descriptor, with a reference
 * (drop it with iommufd_ctx_put()). -EBADF for a closed descriptor,
 * -EBADFD for one that is not an iommufd.
 */
struct iommufd_ctx *iommufd_ctx_from_fd(int fd);
/* Keep the context (its file) alive: accesses and devices hold it */
void iommufd_ctx_get(struct iommufd_ctx *ictx);
void iommufd_ctx_put(struct iommufd_ctx *ictx);

/* Devices: a physical device (behind an IOMMU) bound to a context */

/*
 * Bind a device to a context: the context takes DMA ownership of the whole
 * group (another context's bind fails with EPERM) and the group is blocked
 * until something is attached. *id is the DEVICE object's ID. Undo with
 * iommufd_device_unbind().
 */
struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, uint32_t *id);
void iommufd_device_unbind(struct iommufd_device *idev);
/*
 * Attach the device (or one PASID of it; IOMMU_NO_PASID for the whole
 * device) to an IOAS, a paging HWPT or a nested HWPT. On return *pt_id is
 * the HWPT used (made automatically for an IOAS).
 */
int iommufd_device_attach(struct iommufd_device *idev, uint32_t pasid,
			  uint32_t *pt_id);
/* As detach + attach, but without a window of no translation */
int iommufd_device_replace(struct iommufd_device *idev, uint32_t pasid,
			   uint32_t *pt_id);
/* Back to blocked: the device can no longer DMA */
void iommufd_device_detach(struct iommufd_device *idev, uint32_t pasid);
/* Every PASID the device is attached on, then the RID: it is unplugged */
void iommufd_device_detach_all(struct iommufd_device *idev);
uint32_t iommufd_device_to_id(struct iommufd_device *idev);

/*
 * Accesses: in-process users of an IOAS without a domain of their own, the
 * kernel's mdev case (an emulated device). An access pins IOVA ranges to
 * get at the memory behind them, or reads and writes through the IOAS, and
 * is told to unpin when a range it pinned is unmapped.
 */

enum {
	IOMMUFD_ACCESS_RW_READ = 0,
	IOMMUFD_ACCESS_RW_WRITE = 1 << 0,
	/* The copy may go through the caller's own memory directly */
	IOMMUFD_ACCESS_RW_KTHREAD = 1 << 1,
	/* Testing: take the path that pins, as another process would */
	__IOMMUFD_ACCESS_RW_SLOW_PATH = 1 << 2,
};

struct iommufd_access_ops {
	/* The access can pin pages: then unmap is required */
	bool needs_pin_pages;
	/*
	 * [iova, iova + length) is being unmapped: unpin everything pinned in
	 * it before returning. Called with no iommufd lock held.
	 */
	void (*unmap)(void *data, unsigned long iova, unsigned long length);
};

/* An ACCESS object; *id is its ID. Undo with iommufd_access_destroy(). */
struct iommufd_access *
iommufd_access_create(struct iommufd_ctx *ictx,
		      const struct iommufd_access_ops *ops, void *data,
		      uint32_t *id);
void iommufd_access_destroy(struct iommufd_access *access);
int iommufd_access_attach(struct iommufd_access *access, uint32_t ioas_id);
int iommufd_access_replace(struct iommufd_access *access, uint32_t ioas_id);
void iommufd_access_detach(struct iommufd_access *access);
/*
 * Pin [iova, iova + length) (a page-aligned range) and return the host
 * address of each page in out_pages.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, uintptr_t *out_pages,
			     unsigned int flags);
/* Undo iommufd_access_pin_pages(): the same iova and length */
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length);
/* Copy between data and the IOAS: to the IOAS with RW_WRITE */
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, unsigned int flags);

/*
 * VFIO container compatibility (CONFIG_IOMMUFD_VFIO_CONTAINER): the
 * container ioctls work on one IOAS of the context, the compat IOAS.
 */

/* The compat IOAS's ID, or -ENODEV when there is none */
int iommufd_vfio_compat_ioas_get_id(struct iommufd_ctx *ictx,
				    uint32_t *out_ioas_id);
/* A no-IOMMU group joined: refused (EINVAL) if a compat IOAS exists */
int iommufd_vfio_compat_set_no_iommu(struct iommufd_ctx *ictx);
/* A group joined: make the compat IOAS unless there is one */
int iommufd_vfio_compat_ioas_create(struct iommufd_ctx *ictx);

/*
 * vIOMMUs: the slice of an IOMMU's virtualization support one VM gets, on a
 * nest-parent HWPT. The IOMMU driver sizes and initializes it (its
 * iommu_ops get_viommu_size and viommu_init) and fills in these ops; the
 * driver's own state is the iommufd_viommu_priv() area, of the size it
 * asked for.
 */
struct iommufd_viommu_ops {
	/* Release the driver's state; iommufd frees the memory */
	void (*destroy)(struct iommufd_viommu *viommu);
	/* A nested domain over the vIOMMU's parent (IOMMU_DOMAIN_NESTED) */
	struct iommu_domain *(*alloc_domain_nested)(
		struct iommufd_viommu *viommu, uint32_t flags,
		const struct iommu_user_data *user_data);
	/*
	 * IOMMU_HWPT_INVALIDATE on the vIOMMU: process entries in order, stop
	 * at the first that fails, and leave in array->entry_num how many
	 * were done.
	 */
	int (*cache_invalidate)(struct iommufd_viommu *viommu,
				struct iommu_user_data_array *array);
	/* Size of the driver's state of a HW queue of @type, 0: no such type */
	size_t (*get_hw_queue_size)(struct iommufd_viommu *viommu,
				    unsigned int type);
	/*
	 * Set up HW queue @index, whose memory (pinned, contiguous) starts
	 * at host address @base. Only a queue this returned 0 for is given
	 * to hw_queue_destroy.
	 */
	int (*hw_queue_init_phys)(struct iommufd_hw_queue *hw_queue,
				  uint32_t index, uintptr_t base);
	void (*hw_queue_destroy)(struct iommufd_hw_queue *hw_queue);
};

/* The driver's state of a vIOMMU (get_viommu_size bytes, zeroed) */
void *iommufd_viommu_priv(struct iommufd_viommu *viommu);
/*
 * The device whose vDEVICE has virtual ID @vdev_id in the vIOMMU, or NULL.
 * The caller holds iommufd_viommu_vdevs_lock() while it uses the device.
 */
struct device *iommufd_viommu_find_dev(struct iommufd_viommu *viommu,
				       unsigned long vdev_id);
void iommufd_viommu_vdevs_lock(struct iommufd_viommu *viommu);
void iommufd_viommu_vdevs_unlock(struct iommufd_viommu *viommu);
/* The virtual ID of @dev in the vIOMMU: 0, or -ENOENT without a vDEVICE */
int iommufd_viommu_get_vdev_id(struct iommufd_viommu *viommu,
			       struct device *dev, unsigned long *vdev_id);
/*
 * Queue an event of @type for the vIOMMU's vEVENTQ of that type:
 * -EOPNOTSUPP when there is none; a full queue records a lost event.
 */
int iommufd_viommu_report_event(struct iommufd_viommu *viommu,
				unsigned int type, const void *event_data,
				size_t data_len);
/*
 * Let the user mmap() [@fd_offset, @fd_offset + @length) of the shared
 * memory file @memfd through the iommufd, at the offset returned in
 * *offset; the vIOMMU cannot be destroyed while a mapping lives. The file
 * must outlive iommufd_viommu_destroy_mmap().
 */
int iommufd_viommu_alloc_mmap(struct iommufd_viommu *viommu, int memfd,
			      off_t fd_offset, size_t length,
			      unsigned long *offset);
void iommufd_viommu_destroy_mmap(struct iommufd_viommu *viommu,
				 unsigned long offset);

/* HW queues: a vIOMMU's queue in guest memory the hardware reads */
void *iommufd_hw_queue_priv(struct iommufd_hw_queue *hw_queue);
struct iommufd_viommu *
iommufd_hw_queue_viommu(struct iommufd_hw_queue *hw_queue);
/* The nest-parent IOVA the queue starts at */
uint64_t iommufd_hw_queue_base_iova(struct iommufd_hw_queue *hw_queue);
/*
 * @dependent needs @depended: the latter cannot be destroyed (EBUSY) until
 * iommufd_hw_queue_undepend(). -EINVAL for a queue on itself.
 */
int iommufd_hw_queue_depend(struct iommufd_hw_queue *dependent,
			    struct iommufd_hw_queue *depended);
void iommufd_hw_queue_undepend(struct iommufd_hw_queue *dependent,
			       struct iommufd_hw_queue *depended);

#endif /* UIOMMUFD_INCLUDE_IOMMUFD_H */
