// SPDX-License-Identifier: MIT
/*
 * Introspection: a text description of a context for tools and debugging,
 * made of what each object's describe op says of itself. The format is
 * documented in docs/introspection.md.
 */
#include <stdio.h>

#include "../mm/account.h"
#include "iommufd_private.h"

/* The objects of a context, each with what it links to */
void iommufd_ctx_describe(struct iommufd_ctx *ictx, int out)
{
	uint32_t id = 0;

	dprintf(out, "account_mode %u user_locked_pages %ld\n",
		ictx->account_mode, ufd_acct_user_locked());
	mutex_lock(&ictx->objects_lock);
	while ((id = idt_next_used(&ictx->objects, id + 1))) {
		struct iommufd_object *obj = idt_load(&ictx->objects, id);
		const struct iommufd_object_ops *ops;

		if (obj == IDT_RESERVED) {
			dprintf(out, "object %u reserved\n", id);
			continue;
		}
		ops = &iommufd_object_ops[obj->type];
		dprintf(out, "object %u %s users %u\n", id,
			ops->name ? ops->name : "?",
			refcount_read(&obj->users));
		if (!ops->describe || !iommufd_lock_obj(obj))
			continue;
		/* Describing takes the object's own locks: not this one */
		mutex_unlock(&ictx->objects_lock);
		ops->describe(obj, out);
		iommufd_put_object(ictx, obj);
		mutex_lock(&ictx->objects_lock);
	}
	mutex_unlock(&ictx->objects_lock);
}
