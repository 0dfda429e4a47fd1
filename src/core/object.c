// SPDX-License-Identifier: MIT
/*
 * Objects of a context: allocation with a reserved ID, publication once the
 * creating command can no longer fail, lookup by ID with a users reference,
 * and removal that refuses (EBUSY) while anything else uses the object.
 */
#include <time.h>

#include "iommufd_private.h"

/*
 * IDs are limited to 31 bits like the kernel's xa_limit_31b, so they can be
 * returned from an ioctl as a positive int.
 */
#define IOMMUFD_ID_LIMIT 0x7fffffffu

struct iommufd_object *_iommufd_object_alloc(struct iommufd_ctx *ictx,
					     size_t size,
					     enum iommufd_object_type type)
{
	struct iommufd_object *obj;
	int rc;

	obj = ufd_zalloc(size);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	/* Starts out biased by one until it is removed from the table */
	refcount_set(&obj->wait_cnt, 1);
	refcount_set(&obj->users, 1);

	/*
	 * Reserve the ID but do not publish the pointer: until finalize the
	 * object is invisible to other threads, so the creator may still
	 * unwind everything on an error.
	 */
	mutex_lock(&ictx->objects_lock);
	rc = idt_alloc(&ictx->objects, &obj->id);
	mutex_unlock(&ictx->objects_lock);
	if (rc)
		goto out_free;
	return obj;
out_free:
	ufd_free(obj);
	return ERR_PTR(rc == -EBUSY ? -ENOSPC : rc);
}

struct iommufd_object *_iommufd_object_alloc_ucmd(struct iommufd_ucmd *ucmd,
						  size_t size,
						  enum iommufd_object_type type)
{
	struct iommufd_object *new_obj;

	/* One object per command; a second one is a coding error */
	if (WARN_ON(ucmd->new_obj))
		return ERR_PTR(-EBUSY);
	/*
	 * An abort op must run inside the caller's locks, which the dispatcher
	 * does not hold, so such types cannot use the ucmd allocator.
	 */
	if (WARN_ON(iommufd_object_ops[type].abort))
		return ERR_PTR(-EOPNOTSUPP);

	new_obj = _iommufd_object_alloc(ucmd->ictx, size, type);
	if (IS_ERR(new_obj))
		return new_obj;
	ucmd->new_obj = new_obj;
	return new_obj;
}

void iommufd_object_finalize(struct iommufd_ctx *ictx,
			     struct iommufd_object *obj)
{
	void *old;

	mutex_lock(&ictx->objects_lock);
	old = idt_store(&ictx->objects, obj->id, obj);
	mutex_unlock(&ictx->objects_lock);
	WARN_ON(old != IDT_RESERVED);
}

/* Undo _iommufd_object_alloc() when finalize was never called */
void iommufd_object_abort(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	void *old;

	mutex_lock(&ictx->objects_lock);
	old = idt_erase(&ictx->objects, obj->id);
	mutex_unlock(&ictx->objects_lock);
	WARN_ON(old != IDT_RESERVED);

	if (WARN_ON(!refcount_dec_and_test(&obj->users)))
		return;
	ufd_free(obj);
}

/* Abort an object that was fully set up but never finalized */
void iommufd_object_abort_and_destroy(struct iommufd_ctx *ictx,
				      struct iommufd_object *obj)
{
	const struct iommufd_object_ops *ops = &iommufd_object_ops[obj->type];

	if (ops->abort_file)
		ops->abort_file(obj);
	if (ops->abort)
		ops->abort(obj);
	else
		ops->destroy(obj);
	iommufd_object_abort(ictx, obj);
}

struct iommufd_object *iommufd_get_object(struct iommufd_ctx *ictx, uint32_t id,
					  enum iommufd_object_type type)
{
	struct iommufd_object *obj;

	if (ufd_should_fail())
		return ERR_PTR(-ENOENT);

	mutex_lock(&ictx->objects_lock);
	obj = idt_load(&ictx->objects, id);
	if (!obj || obj == IDT_RESERVED ||
	    (type != IOMMUFD_OBJ_ANY && obj->type != type) ||
	    !iommufd_lock_obj(obj))
		obj = ERR_PTR(-ENOENT);
	mutex_unlock(&ictx->objects_lock);
	return obj;
}

void iommufd_put_object(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	/*
	 * users first, then wait_cnt, so that a waiting remover never sees a
	 * zero wait_cnt while users is still raised.
	 */
	refcount_dec(&obj->users);
	if (refcount_dec_and_test(&obj->wait_cnt)) {
		mutex_lock(&ictx->objects_lock);
		pthread_cond_broadcast(&ictx->destroy_wait);
		mutex_unlock(&ictx->objects_lock);
	}
}

bool iommufd_try_lock_obj(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	bool locked;

	mutex_lock(&ictx->objects_lock);
	locked = iommufd_lock_obj(obj);
	mutex_unlock(&ictx->objects_lock);
	return locked;
}

int iommufd_try_inc_users(struct iommufd_ctx *ictx, struct iommufd_object *obj)
{
	struct iommufd_object *cur;

	mutex_lock(&ictx->objects_lock);
	cur = idt_load(&ictx->objects, obj->id);
	if (cur == obj)
		refcount_inc(&obj->users);
	mutex_unlock(&ictx->objects_lock);
	return cur == obj ? 0 : -EBUSY;
}

/*
 * Wait until every short term reference is gone. Called with wait_cnt still
 * holding the table's bias, which this drops.
 */
static int iommufd_object_dec_wait(struct iommufd_ctx *ictx,
				   struct iommufd_object *to_destroy)
{
	struct timespec deadline;
	int rc = 0;

	if (refcount_dec_and_test(&to_destroy->wait_cnt))
		return 0;

	if (iommufd_object_ops[to_destroy->type].pre_destroy)
		iommufd_object_ops[to_destroy->type].pre_destroy(to_destroy);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60;
	mutex_lock(&ictx->objects_lock);
	while (refcount_read(&to_destroy->wait_cnt) && !rc)
		rc = pthread_cond_timedwait(&ictx->destroy_wait,
					    &ictx->objects_lock.m, &deadline);
	mutex_unlock(&ictx->objects_lock);
	if (!refcount_read(&to_destroy->wait_cnt))
		return 0;

	ufd_warn(__FILE__, __LINE__, "timed out waiting for object users");
	refcount_inc(&to_destroy->wait_cnt);
	return -EBUSY;
}

/*
 * Remove the object with @id from the table if the table's reference is the
 * only one left (the caller's, when to_destroy is given, is dropped here).
 */
int iommufd_object_remove(struct iommufd_ctx *ictx,
			  struct iommufd_object *to_destroy, uint32_t id,
			  unsigned int flags)
{
	struct iommufd_object *obj;
	bool zeroed_wait_cnt = false;
	int ret;

	if (flags & REMOVE_WAIT) {
		ret = iommufd_object_dec_wait(ictx, to_destroy);
		if (ret) {
			/* Keep the object; it is cleaned up at close */
			refcount_dec(&to_destroy->users);
			return ret;
		}
		zeroed_wait_cnt = true;
	}

	mutex_lock(&ictx->objects_lock);
	obj = idt_load(&ictx->objects, id);
	if (to_destroy) {
		/* The caller's reference is dropped under the lock */
		refcount_dec(&to_destroy->users);
		if (WARN_ON(obj != to_destroy)) {
			ret = -ENOENT;
			goto err_unlock;
		}
	} else if (!obj || obj == IDT_RESERVED) {
		ret = -ENOENT;
		goto err_unlock;
	}

	if (!refcount_dec_if_one(&obj->users)) {
		ret = -EBUSY;
		goto err_unlock;
	}

	if (flags & REMOVE_OBJ_TOMBSTONE)
		idt_store(&ictx->objects, id, IDT_RESERVED);
	else
		idt_erase(&ictx->objects, id);
	if (ictx->vfio_ioas == (struct iommufd_ioas *)obj)
		ictx->vfio_ioas = NULL;
	mutex_unlock(&ictx->objects_lock);

	/* users is zero: a raised wait_cnt can only be a racing put */
	if (!zeroed_wait_cnt) {
		ret = iommufd_object_dec_wait(ictx, obj);
		if (WARN_ON(ret))
			return ret;
	}

	iommufd_object_ops[obj->type].destroy(obj);
	ufd_free(obj);
	return 0;

err_unlock:
	if (zeroed_wait_cnt)
		refcount_set(&obj->wait_cnt, 1);
	mutex_unlock(&ictx->objects_lock);
	return ret;
}

int iommufd_destroy(struct iommufd_ucmd *ucmd)
{
	struct iommu_destroy *cmd = ucmd->cmd;

	return iommufd_object_remove(ucmd->ictx, NULL, cmd->id, 0);
}
