/* SPDX-License-Identifier: MIT */
/*
 * The core of the engine: the context (one per open of /dev/iommu), its
 * object table, the users-count rules that make the objects an acyclic graph,
 * and the command plumbing shared by every ioctl handler.
 */
#ifndef UIOMMUFD_CORE_PRIVATE_H
#define UIOMMUFD_CORE_PRIVATE_H

#include <stdint.h>
#include <sys/types.h>

#include <uiommufd/iommufd.h>

#include "../include/iommufd.h"
#include "../lib/alloc.h"
#include "../lib/idtable.h"
#include "../lib/lock.h"
#include "../lib/uaccess.h"
#include "../lib/util.h"

struct device;
struct iommu_domain;
struct iommufd_file;
struct iommufd_ioas;

/*
 * Accounting modes of pinned memory against RLIMIT_MEMLOCK (the values of
 * the selftest's IOPT_PAGES_ACCOUNT_*): none (CAP_IPC_LOCK), per user (the
 * io_uring way, the default) or per process (the VFIO type1 way).
 */
enum {
	IOPT_PAGES_ACCOUNT_NONE = 0,
	IOPT_PAGES_ACCOUNT_USER = 1,
	IOPT_PAGES_ACCOUNT_MM = 2,
	IOPT_PAGES_ACCOUNT_MODE_NUM = 3,
};

struct iommufd_ctx {
	struct iommufd_file *file;
	/* Protects objects and vfio_ioas; never held while calling out */
	struct mutex objects_lock;
	struct idtable objects;
	/* Signalled when an object's wait_cnt drops to zero */
	pthread_cond_t destroy_wait;
	/* Stops new IOAS from appearing while all iova_rwsems are held */
	struct rw_semaphore ioas_creation_lock;
	/* Device groups owned through this context (device.c), objects_lock */
	struct list_head groups;

	uint8_t account_mode;
	/*
	 * Opened as /dev/vfio/vfio: maps by address take VM_PFNMAP ranges (a
	 * BAR's mmap) as the legacy vfio_iommu_type1 does by following the
	 * PFNs; iommufd proper refuses them as pin_user_pages() does
	 */
	bool pfnmap_ok;
	/* Compatibility with VFIO no-iommu */
	uint8_t no_iommu_mode;
	struct iommufd_ioas *vfio_ioas;
	/* Regions user space may mmap() (core/mmap.c), by offset */
	struct mutex mmaps_lock;
	struct list_head mmaps;
};

/*
 * Object types. Destruction at close works leaves first through the users
 * counts, so the order here carries no meaning.
 */
enum iommufd_object_type {
	IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_ANY = IOMMUFD_OBJ_NONE,
	IOMMUFD_OBJ_DEVICE,
	IOMMUFD_OBJ_HWPT_PAGING,
	IOMMUFD_OBJ_HWPT_NESTED,
	IOMMUFD_OBJ_IOAS,
	IOMMUFD_OBJ_ACCESS,
	IOMMUFD_OBJ_FAULT,
	IOMMUFD_OBJ_VIOMMU,
	IOMMUFD_OBJ_VDEVICE,
	IOMMUFD_OBJ_VEVENTQ,
	IOMMUFD_OBJ_HW_QUEUE,
	IOMMUFD_OBJ_SELFTEST,
	IOMMUFD_OBJ_MAX,
};

/*
 * The base of every object with an ID.
 *
 * users counts the references that keep the object from being destroyed:
 * one for being in the table, one per object or command using it. An object
 * with users > 1 cannot be destroyed (EBUSY). wait_cnt counts short term
 * references held while a command runs, so a destroy that must succeed can
 * wait for them to go away.
 */
struct iommufd_object {
	refcount_t wait_cnt;
	refcount_t users;
	enum iommufd_object_type type;
	uint32_t id;
};

struct iommufd_object_ops {
	/*
	 * A destroy that must succeed (REMOVE_WAIT) found wait_cnt raised:
	 * revoke the long-held short references (a vDEVICE's on its device)
	 */
	void (*pre_destroy)(struct iommufd_object *obj);
	/* Release resources; the memory of the object is freed by the core */
	void (*destroy)(struct iommufd_object *obj);
	/* Undo a creation that never finalized; destroy when NULL */
	void (*abort)(struct iommufd_object *obj);
	/*
	 * Objects with a file (event queues): on a failed creation the file,
	 * which holds a users reference, is closed before the destroy.
	 */
	void (*abort_file)(struct iommufd_object *obj);
	/*
	 * Introspection (uiommufd_dump(), fdinfo): indented lines describing
	 * the object to @out, after the core's "object ID TYPE users N". Runs
	 * with a reference on the object and no lock of the core held; it
	 * takes the object's own locks, never another module's.
	 */
	void (*describe)(struct iommufd_object *obj, int out);
	const char *name;
};

/* The ops of every object type (core/main.c holds the table) */
extern const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX];

struct iommufd_ucmd {
	struct iommufd_ctx *ictx;
	void *ubuffer;
	uint32_t user_size;
	void *cmd;
	struct iommufd_object *new_obj;
};

/* Copy the response in ucmd->cmd back to the caller, up to its size. */
static inline int iommufd_ucmd_respond(struct iommufd_ucmd *ucmd,
				       size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min((size_t)ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/*
 * A short term reference on @obj. Without a reference already held, call
 * it under objects_lock (or use iommufd_try_lock_obj()): a failed try raises
 * users for an instant, and a REMOVE_WAIT destroy that saw that would keep
 * the object and give it back a wait_cnt for the next try to take.
 */
static inline bool iommufd_lock_obj(struct iommufd_object *obj)
{
	if (!refcount_inc_not_zero(&obj->users))
		return false;
	if (!refcount_inc_not_zero(&obj->wait_cnt)) {
		refcount_dec(&obj->users);
		return false;
	}
	return true;
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
					  enum iommufd_object_type type);
void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj);
/* iommufd_lock_obj() for @obj found on a list of the caller's, not by ID */
bool iommufd_try_lock_obj(struct iommufd_ctx *ictx, struct iommufd_object *obj);

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type);
struct iommufd_object *
_iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd, size_t size,
			   enum iommufd_object_type type);
/* Objects embed struct iommufd_object as their first member named obj */
#define iommufd_object_alloc(ictx, ptr, type) \
	((__typeof__(ptr))_iommufd_object_alloc(ictx, sizeof(*(ptr)), type))
#define iommufd_object_alloc_ucmd(ucmd, ptr, type)                         \
	((__typeof__(ptr))_iommufd_object_alloc_ucmd(ucmd, sizeof(*(ptr)), \
						     type))

void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj);
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj);
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj);

enum {
	REMOVE_WAIT = 1 << 0,
	REMOVE_OBJ_TOMBSTONE = 1 << 1,
};
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, uint32_t id,
			  unsigned int flags);

/*
 * A users reference on @obj, which the caller reached through a pointer:
 * -EBUSY when the object is no longer in the table (being destroyed).
 */
int iommufd_try_inc_users(struct iommufd_ctx *ictx, struct iommufd_object *obj);

/* The caller holds a users reference and wants the object gone. */
static inline void iommufd_object_destroy_user(struct iommufd_ctx *ictx,
					       struct iommufd_object *obj)
{
	WARN_ON(iommufd_object_remove(ictx, obj, obj->id, REMOVE_WAIT));
}

/* As destroy_user, but the ID stays taken until the context closes */
static inline void iommufd_object_tombstone_user(struct iommufd_ctx *ictx,
						 struct iommufd_object *obj)
{
	WARN_ON(iommufd_object_remove(ictx, obj, obj->id,
				      REMOVE_WAIT | REMOVE_OBJ_TOMBSTONE));
}

/* Drop a reference and destroy if it was the last user besides the table */
static inline void
iommufd_object_put_and_try_destroy(struct iommufd_ctx *ictx,
				   struct iommufd_object *obj)
{
	iommufd_object_remove(ictx, obj, obj->id, 0);
}

/*
 * Open /dev/iommu (or, with vfio_container, /dev/vfio/vfio: the same
 * context, charging pinned pages the VFIO way): a new context behind a new
 * descriptor, or -errno.
 */
int iommufd_fops_open(int flags, bool vfio_container);
/*
 * An empty /dev/iommu context on a socket pair kept over execve()
 * (file_exec.c): @fd the program's end, @share_fd the engine's
 */
int iommufd_fops_open_kept(int fd, int share_fd);
/* The context of an iommufd or container file, or NULL for another file */
struct iommufd_ctx *iommufd_file_ctx(struct iommufd_file *file);

/*
 * Regions a driver lets user space mmap() through the iommufd (core/mmap.c):
 * [fd_offset, fd_offset + length) of @memfd, at the file offset returned in
 * *offset. Each mapping holds @owner (users) and the context until unmapped.
 */
void iommufd_mmap_init(struct iommufd_ctx *ictx);
void iommufd_mmap_deinit(struct iommufd_ctx *ictx);
int iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
		       int memfd, off_t fd_offset, size_t length,
		       unsigned long *offset);
void iommufd_destroy_mmap(struct iommufd_ctx *ictx,
			  struct iommufd_object *owner, unsigned long offset);
int iommufd_ctx_mmap(struct iommufd_ctx *ictx, void *addr, size_t length,
		     int prot, int flags, off_t offset, void **out);
/* Some mapping of a region is live (the shim's fast path) */
bool iommufd_has_vmas(void);
/* [addr, addr + length) was unmapped: release what the mappings held */
void iommufd_munmap(uintptr_t addr, size_t length);

/* Describe the objects of a context to @out (core/dump.c) */
void iommufd_ctx_describe(struct iommufd_ctx *ictx, int out);

/*
 * What the dispatch and object tables of core/main.c name: ioctl handlers
 * and object ops, by the folder implementing them. They are declared here,
 * as the kernel's iommufd_private.h declares them, so that core includes
 * no header of the folders above it; see src/LAYERS.
 */

/* core/ */
int iommufd_destroy(struct iommufd_ucmd *ucmd);
int iommufd_option(struct iommufd_ucmd *ucmd);

/* iopt/ */
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
/* EXPERIMENTAL (after 7.2): iopt/noiommu.c */
int iommufd_ioas_noiommu_get_pa(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
int iommufd_ioas_option(struct iommufd_ucmd *ucmd);
int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx);
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			unsigned long arg);
void iommufd_ioas_destroy(struct iommufd_object *obj);
void iommufd_ioas_describe(struct iommufd_object *obj, int out);
void iommufd_access_destroy_object(struct iommufd_object *obj);

/* hwpt/ */
int iommufd_hwpt_alloc(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_invalidate(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd);
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd);
int iommufd_fault_alloc(struct iommufd_ucmd *ucmd);
int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd);
int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd);
void iommufd_hwpt_paging_destroy(struct iommufd_object *obj);
void iommufd_hwpt_paging_abort(struct iommufd_object *obj);
void iommufd_hwpt_nested_destroy(struct iommufd_object *obj);
void iommufd_hwpt_nested_abort(struct iommufd_object *obj);
void iommufd_hwpt_describe(struct iommufd_object *obj, int out);
void iommufd_fault_destroy(struct iommufd_object *obj);
void iommufd_eventq_abort_file(struct iommufd_object *obj);
void iommufd_viommu_destroy(struct iommufd_object *obj);
void iommufd_viommu_describe(struct iommufd_object *obj, int out);
void iommufd_vdevice_destroy(struct iommufd_object *obj);
void iommufd_vdevice_abort(struct iommufd_object *obj);
void iommufd_vdevice_describe(struct iommufd_object *obj, int out);
void iommufd_veventq_destroy(struct iommufd_object *obj);
void iommufd_veventq_abort(struct iommufd_object *obj);
void iommufd_veventq_describe(struct iommufd_object *obj, int out);
void iommufd_hw_queue_destroy(struct iommufd_object *obj);
void iommufd_hw_queue_describe(struct iommufd_object *obj, int out);

/* device/ */
int iommufd_get_hw_info(struct iommufd_ucmd *ucmd);
void iommufd_device_pre_destroy(struct iommufd_object *obj);
void iommufd_device_destroy(struct iommufd_object *obj);
void iommufd_device_describe(struct iommufd_object *obj, int out);

/* selftest/: the test uAPI */
int iommufd_test(struct iommufd_ucmd *ucmd);
void iommufd_selftest_destroy(struct iommufd_object *obj);

/*
 * What the test uAPI (src/selftest) reaches in iommufd beyond the driver
 * API, implemented by the folder that owns each object, as the kernel's
 * selftest.c reaches into iommufd_private.h. src/selftest is the one
 * folder above core allowed to include this header (src/LAYERS).
 */

/*
 * The domain of HWPT @id, whose object must be of @type (HWPT_PAGING or
 * HWPT_NESTED, else -ENOENT) or, with IOMMUFD_OBJ_ANY, any HWPT (else
 * -EINVAL). *obj holds the reference to drop with iommufd_put_object().
 */
struct iommu_domain *iommufd_get_hwpt_domain(struct iommufd_ctx *ictx,
					     uint32_t id,
					     enum iommufd_object_type type,
					     struct iommufd_object **obj);
/* The device of DEVICE object @id, with a reference in *obj as above */
struct device *iommufd_get_dev(struct iommufd_ctx *ictx, uint32_t id,
			       struct iommufd_object **obj);
/* Reserve [start, start + length) of an IOAS for nobody (the IOAS's life) */
int iommufd_test_add_reserved(struct iommufd_ctx *ictx, uint32_t ioas_id,
			      unsigned long start, size_t length);
/* MOCK_FLAGS_ACCESS_SYZ: *iova read as (nth area, offset) of the IOAS */
unsigned long iommufd_access_syz_conv_iova(struct iommufd_access *access,
					   __u64 *iova);

#endif /* UIOMMUFD_CORE_PRIVATE_H */
