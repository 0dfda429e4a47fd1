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

#include "alloc.h"
#include "idtable.h"
#include "lock.h"
#include "uaccess.h"
#include "util.h"

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
	/* Compatibility with VFIO no-iommu */
	uint8_t no_iommu_mode;
	struct iommufd_ioas *vfio_ioas;
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
	/* Release resources; the memory of the object is freed by the core */
	void (*destroy)(struct iommufd_object *obj);
	/* Undo a creation that never finalized; destroy when NULL */
	void (*abort)(struct iommufd_object *obj);
	/* Called before waiting for wait_cnt during a forced destroy */
	void (*pre_destroy)(struct iommufd_object *obj);
	/*
	 * Objects with a file (event queues): on a failed creation the file,
	 * which holds a users reference, is closed before the destroy.
	 */
	void (*abort_file)(struct iommufd_object *obj);
	const char *name;
};

/* Each object type registers its ops (object.c holds the table). */
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

/* Context life cycle (main.c) */
/* Keep the context (its file) alive: accesses and devices hold it */
void iommufd_ctx_get(struct iommufd_ctx *ictx);
void iommufd_ctx_put(struct iommufd_ctx *ictx);
struct iommufd_ctx *iommufd_ctx_create(int account_mode);
void iommufd_ctx_release(struct iommufd_ctx *ictx);
long iommufd_ctx_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
		       unsigned long arg);

/* Capability checks of the calling thread, as the kernel's capable() */
bool ufd_capable(int cap);

/* ioctl handlers, grouped by the file that implements them */
int iommufd_destroy(struct iommufd_ucmd *ucmd);
int iommufd_option(struct iommufd_ucmd *ucmd);
int iommufd_ioas_alloc_ioctl(struct iommufd_ucmd *ucmd);
int iommufd_ioas_allow_iovas(struct iommufd_ucmd *ucmd);
int iommufd_ioas_copy(struct iommufd_ucmd *ucmd);
int iommufd_ioas_iova_ranges(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map(struct iommufd_ucmd *ucmd);
int iommufd_ioas_map_file(struct iommufd_ucmd *ucmd);
int iommufd_ioas_unmap(struct iommufd_ucmd *ucmd);
int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd);
int iommufd_ioas_option(struct iommufd_ucmd *ucmd);
int iommufd_option_rlimit_mode(struct iommu_option *cmd,
			       struct iommufd_ctx *ictx);
int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd);
long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			unsigned long arg);
int iommufd_test(struct iommufd_ucmd *ucmd);

#endif /* UIOMMUFD_CORE_PRIVATE_H */
