// SPDX-License-Identifier: MIT
/*
 * IOMMU_IOAS_CHANGE_PROCESS: move the pinned-memory charges of every map of
 * the context to the calling process (for handing a device over to another
 * process, e.g. at live update). Only file maps can move: their memory does
 * not belong to the old process' address space.
 *
 * The pages objects' owner is read on the pin path without a lock of its
 * own; instead this takes the write side of every IOAS's iova_rwsem, in ID
 * order, with IOAS creation blocked meanwhile.
 */
#include "io_pagetable.h"
#include "pages.h"

struct ioas_list {
	struct iommufd_ioas **ioas;
	unsigned int n;
};

static void release_all_iova_rwsem(struct iommufd_ctx *ictx,
				   struct ioas_list *list)
{
	for (unsigned int i = 0; i != list->n; i++) {
		up_write(&list->ioas[i]->iopt.iova_rwsem);
		refcount_dec(&list->ioas[i]->obj.users);
	}
	up_write(&ictx->ioas_creation_lock);
	ufd_free(list->ioas);
}

static int take_all_iova_rwsem(struct iommufd_ctx *ictx, struct ioas_list *list)
{
	uint32_t id = 0;
	unsigned int alloc = 0;

	down_write(&ictx->ioas_creation_lock);
	mutex_lock(&ictx->objects_lock);
	while ((id = idt_next_used(&ictx->objects, id + 1))) {
		struct iommufd_object *obj = idt_load(&ictx->objects, id);
		struct iommufd_ioas *ioas;

		if (obj == IDT_RESERVED || obj->type != IOMMUFD_OBJ_IOAS)
			continue;
		if (!refcount_inc_not_zero(&obj->users))
			continue;
		mutex_unlock(&ictx->objects_lock);

		ioas = container_of(obj, struct iommufd_ioas, obj);
		if (list->n == alloc) {
			void *p;

			alloc = alloc ? alloc * 2 : 8;
			p = ufd_realloc_array(list->ioas, alloc,
					      sizeof(*list->ioas));
			if (!p) {
				refcount_dec(&obj->users);
				release_all_iova_rwsem(ictx, list);
				return -ENOMEM;
			}
			list->ioas = p;
		}
		/* In ID order, and only under ioas_creation_lock */
		down_write_nest_lock(&ioas->iopt.iova_rwsem,
				     &ictx->ioas_creation_lock);
		list->ioas[list->n++] = ioas;
		mutex_lock(&ictx->objects_lock);
	}
	mutex_unlock(&ictx->objects_lock);
	return 0;
}

#define for_each_listed_area(list, i, area) \
	for (i = 0; i != (list)->n; i++)    \
		for_each_area (area, &(list)->ioas[i]->iopt, 0, ULONG_MAX)

static bool need_charge_update(struct iopt_pages *pages, struct ufd_mm *cur)
{
	switch (pages->account_mode) {
	case IOPT_PAGES_ACCOUNT_NONE:
		return false;
	case IOPT_PAGES_ACCOUNT_MM:
		return pages->source_mm != cur;
	case IOPT_PAGES_ACCOUNT_USER:
		/* The user charge moves too: it also counts in pinned_vm */
		return pages->source_user != cur->uid ||
		       pages->source_mm != cur;
	}
	return true;
}

/* Charge the current process, in every mode that needs it, all or nothing */
static int charge_current(struct ufd_mm *cur, unsigned long *npinned)
{
	struct iopt_pages tmp = {.source_mm = cur, .source_user = cur->uid};
	unsigned int mode;
	int rc;

	for (mode = 0; mode != IOPT_PAGES_ACCOUNT_MODE_NUM; mode++) {
		if (!npinned[mode])
			continue;
		tmp.account_mode = (uint8_t)mode;
		rc = iopt_pages_update_pinned(&tmp, npinned[mode], true);
		if (rc)
			goto err_undo;
	}
	return 0;

err_undo:
	while (mode != 0) {
		mode--;
		if (!npinned[mode])
			continue;
		tmp.account_mode = (uint8_t)mode;
		iopt_pages_update_pinned(&tmp, npinned[mode], false);
	}
	return rc;
}

int iommufd_ioas_change_process(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_change_process *cmd = ucmd->cmd;
	unsigned long all_npinned[IOPT_PAGES_ACCOUNT_MODE_NUM] = {};
	struct iommufd_ctx *ictx = ucmd->ictx;
	struct ioas_list list = {};
	struct iopt_area *area;
	struct ufd_mm *cur;
	unsigned int i;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	cur = ufd_mm_current();
	if (!cur)
		return -ENOMEM;

	rc = take_all_iova_rwsem(ictx, &list);
	if (rc)
		return rc;

	for_each_listed_area(&list, i, area)
	{
		if (!area->pages) {
			rc = -EBUSY;
			goto out;
		}
		if (area->pages->type != IOPT_ADDRESS_FILE) {
			rc = -EINVAL;
			goto out;
		}
	}

	/*
	 * Sum last_npinned, zeroing it so a pages object shared by several
	 * areas counts once. Under all the locks npinned == last_npinned, so
	 * it is restored from npinned afterwards.
	 */
	for_each_listed_area(&list, i, area)
	{
		struct iopt_pages *pages = area->pages;

		if (need_charge_update(pages, cur)) {
			all_npinned[pages->account_mode] += pages->last_npinned;
			pages->last_npinned = 0;
		}
	}

	rc = charge_current(cur, all_npinned);
	if (rc) {
		for_each_listed_area(&list, i, area)
			area->pages->last_npinned = area->pages->npinned;
		goto out;
	}

	for_each_listed_area(&list, i, area)
	{
		struct iopt_pages *pages = area->pages;

		/* Uncharging the old owner also restores last_npinned */
		if (need_charge_update(pages, cur))
			WARN_ON(iopt_pages_update_pinned(pages, pages->npinned,
							 false));
		pages->source_mm = cur;
		pages->source_user = cur->uid;
	}
out:
	release_all_iova_rwsem(ictx, &list);
	return rc;
}
