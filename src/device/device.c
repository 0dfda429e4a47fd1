// SPDX-License-Identifier: MIT
/*
 * Devices bound to a context: binding (which takes DMA ownership of the
 * whole group), and attaching, replacing and detaching the IOAS or HWPT a
 * device (or a PASID of it) translates through.
 *
 * The group is the unit the IOMMU works on: the first device of a group
 * attached to a HWPT attaches the group; the other devices must attach to
 * the same HWPT and only add their reserved regions to the IOAS.
 */
#include <stdio.h>

#include "../hwpt/fault.h"
#include "../hwpt/hw_pagetable.h"
#include "../hwpt/viommu.h"
#include "../iopt/io_pagetable.h"
#include "device.h"

struct iommufd_attach {
	struct iommufd_hw_pagetable *hwpt;
	/* The devices attached, by pointer; room reserved before adding */
	struct iommufd_device **devs;
	unsigned int ndevs, alloc;
};

static void iommufd_group_release(struct iommufd_group *igroup)
{
	struct iommufd_ctx *ictx = igroup->ictx;

	WARN_ON(igroup->npasids);
	mutex_lock(&ictx->objects_lock);
	list_del(&igroup->ctx_item);
	mutex_unlock(&ictx->objects_lock);
	iommu_group_put(igroup->group);
	ufd_free(igroup->pasids);
	mutex_destroy(&igroup->change_lock);
	mutex_destroy(&igroup->lock);
	ufd_free(igroup);
}

static void iommufd_put_group(struct iommufd_group *igroup)
{
	if (refcount_dec_and_test(&igroup->ref))
		iommufd_group_release(igroup);
}

/* Needs objects_lock; takes a reference */
static struct iommufd_group *igroup_find(struct iommufd_ctx *ictx,
					 struct iommu_group *group)
{
	struct iommufd_group *igroup;

	lockdep_assert_held(&ictx->objects_lock);
	list_for_each_entry (igroup, &ictx->groups, ctx_item)
		if (igroup->group == group &&
		    refcount_inc_not_zero(&igroup->ref))
			return igroup;
	return NULL;
}

/* The context's record of the device's group, shared by its bound devices */
static struct iommufd_group *iommufd_get_group(struct iommufd_ctx *ictx,
					       struct device *dev)
{
	struct iommu_group *group = dev->group;
	struct iommufd_group *igroup, *cur;

	if (!group)
		return ERR_PTR(-ENODEV);

	mutex_lock(&ictx->objects_lock);
	cur = igroup_find(ictx, group);
	mutex_unlock(&ictx->objects_lock);
	if (cur)
		return cur;

	igroup = ufd_new(struct iommufd_group);
	if (!igroup)
		return ERR_PTR(-ENOMEM);
	refcount_set(&igroup->ref, 1);
	mutex_init(&igroup->lock);
	mutex_init(&igroup->change_lock);
	iommu_group_get(group);
	igroup->group = group;
	/* Objects using the igroup put it before they go: no ctx reference */
	igroup->ictx = ictx;

	mutex_lock(&ictx->objects_lock);
	cur = igroup_find(ictx, group);
	if (!cur)
		list_add_tail(&igroup->ctx_item, &ictx->groups);
	mutex_unlock(&ictx->objects_lock);
	if (cur) {
		/* Another thread installed one first */
		iommu_group_put(group);
		mutex_destroy(&igroup->change_lock);
		mutex_destroy(&igroup->lock);
		ufd_free(igroup);
		return cur;
	}
	return igroup;
}

/*
 * An unbind waits for the device's short references: the vDEVICE's is a
 * long one, so the vDEVICE goes first, leaving its ID as a tombstone. No
 * new one can come once destroying is set.
 */
void iommufd_device_pre_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);
	struct iommufd_vdevice *vdev;

	mutex_lock(&idev->igroup->lock);
	idev->destroying = true;
	vdev = idev->vdev;
	/* None, or the user's destroy of it is under way and gives it back */
	if (!vdev || iommufd_try_inc_users(idev->ictx, &vdev->obj)) {
		mutex_unlock(&idev->igroup->lock);
		return;
	}
	mutex_unlock(&idev->igroup->lock);
	iommufd_object_tombstone_user(idev->ictx, &vdev->obj);
}

void iommufd_device_destroy(struct iommufd_object *obj)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);

	iommu_device_release_dma_owner(idev->dev);
	iommufd_put_group(idev->igroup);
	if (!idev->dev->iommu_ops->dev_owned_by_ctx)
		iommufd_ctx_put(idev->ictx);
}

struct iommufd_device *iommufd_device_bind(struct iommufd_ctx *ictx,
					   struct device *dev, uint32_t *id)
{
	struct iommufd_group *igroup;
	struct iommufd_device *idev;
	int rc;

	/* IOMMU_CACHE is always set: there is no way to restore coherency */
	if (!device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
		return ERR_PTR(-EINVAL);

	igroup = iommufd_get_group(ictx, dev);
	if (IS_ERR(igroup))
		return (void *)igroup;

	rc = iommu_device_claim_dma_owner(dev, ictx);
	if (rc)
		goto out_group_put;

	idev = iommufd_object_alloc(ictx, idev, IOMMUFD_OBJ_DEVICE);
	if (IS_ERR(idev)) {
		rc = (int)PTR_ERR(idev);
		goto out_release_owner;
	}
	idev->ictx = ictx;
	if (!dev->iommu_ops->dev_owned_by_ctx)
		iommufd_ctx_get(ictx);
	idev->dev = dev;
	idev->enforce_cache_coherency =
		device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
	/* The binding driver is a user until iommufd_device_unbind() */
	refcount_inc(&idev->obj.users);
	idev->igroup = igroup;

	/* A leaf of the graph: nothing else can take a reference on it */
	iommufd_object_finalize(ictx, &idev->obj);
	*id = idev->obj.id;
	return idev;

out_release_owner:
	iommu_device_release_dma_owner(dev);
out_group_put:
	iommufd_put_group(igroup);
	return ERR_PTR(rc);
}

void iommufd_device_unbind(struct iommufd_device *idev)
{
	iommufd_object_destroy_user(idev->ictx, &idev->obj);
}

uint32_t iommufd_device_to_id(struct iommufd_device *idev)
{
	return idev->obj.id;
}

struct device *iommufd_get_dev(struct iommufd_ctx *ictx, uint32_t id,
			       struct iommufd_object **obj)
{
	struct iommufd_object *dev_obj =
		iommufd_get_object(ictx, id, IOMMUFD_OBJ_DEVICE);

	if (IS_ERR(dev_obj))
		return (void *)dev_obj;
	*obj = dev_obj;
	return container_of(dev_obj, struct iommufd_device, obj)->dev;
}

uint32_t iommufd_device_id_of(struct iommufd_ctx *ictx, struct device *dev)
{
	uint32_t id = 0, found = 0;

	mutex_lock(&ictx->objects_lock);
	while (!found && (id = idt_next_used(&ictx->objects, id + 1))) {
		struct iommufd_object *obj = idt_load(&ictx->objects, id);

		if (obj != IDT_RESERVED && obj->type == IOMMUFD_OBJ_DEVICE &&
		    container_of(obj, struct iommufd_device, obj)->dev == dev)
			found = id;
	}
	mutex_unlock(&ictx->objects_lock);
	return found;
}

/* Needs igroup->lock, as everything about the pasids and attachments */
static struct igroup_pasid *igroup_pasid_find(struct iommufd_group *igroup,
					      uint32_t pasid)
{
	lockdep_assert_held(&igroup->lock);
	for (unsigned int i = 0; i != igroup->npasids; i++)
		if (igroup->pasids[i].pasid == pasid)
			return &igroup->pasids[i];
	return NULL;
}

/* The published attachment of pasid (NULL while only reserved) */
static struct iommufd_attach *igroup_attach(struct iommufd_group *igroup,
					    uint32_t pasid)
{
	struct igroup_pasid *p = igroup_pasid_find(igroup, pasid);

	return p && p->published ? p->attach : NULL;
}

static bool iommufd_group_first_attach(struct iommufd_group *igroup,
				       uint32_t pasid)
{
	return !igroup_attach(igroup, pasid);
}

static void igroup_pasid_remove(struct iommufd_group *igroup, uint32_t pasid)
{
	struct igroup_pasid *p = igroup_pasid_find(igroup, pasid);

	if (p)
		*p = igroup->pasids[--igroup->npasids];
}

static bool attach_has_dev(struct iommufd_attach *attach,
			   struct iommufd_device *idev)
{
	for (unsigned int i = 0; i != attach->ndevs; i++)
		if (attach->devs[i] == idev)
			return true;
	return false;
}

static int attach_reserve_dev(struct iommufd_attach *attach)
{
	struct iommufd_device **devs;
	unsigned int n;

	if (attach->ndevs < attach->alloc)
		return 0;
	n = attach->alloc ? attach->alloc * 2 : 4;
	devs = ufd_realloc_array(attach->devs, n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	attach->devs = devs;
	attach->alloc = n;
	return 0;
}

static void attach_remove_dev(struct iommufd_attach *attach,
			      struct iommufd_device *idev)
{
	for (unsigned int i = 0; i != attach->ndevs; i++)
		if (attach->devs[i] == idev) {
			attach->devs[i] = attach->devs[--attach->ndevs];
			return;
		}
}

static void attach_free(struct iommufd_attach *attach)
{
	ufd_free(attach->devs);
	ufd_free(attach);
}

/* Make the device's reserved regions reserved IOVA of the HWPT's IOAS */
static int
iommufd_device_attach_reserved_iova(struct iommufd_device *idev,
				    struct iommufd_hwpt_paging *hwpt_paging)
{
	return iopt_table_enforce_dev_resv_regions(&hwpt_paging->ioas->iopt,
						   idev->dev);
}

/*
 * A HWPT usable with PASIDs must be flagged so at allocation, and the
 * non-PASID part of a device with PASIDs attached must be too.
 */
static int iommufd_hwpt_pasid_compat(struct iommufd_hw_pagetable *hwpt,
				     struct iommufd_device *idev,
				     uint32_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;

	if (pasid == IOMMU_NO_PASID) {
		if (hwpt->pasid_compat)
			return 0;
		for (unsigned int i = 0; i != igroup->npasids; i++)
			if (igroup->pasids[i].pasid != IOMMU_NO_PASID)
				return -EINVAL;
	} else {
		struct iommufd_attach *attach;

		if (!hwpt->pasid_compat)
			return -EINVAL;
		attach = igroup_attach(igroup, IOMMU_NO_PASID);
		if (attach && attach->hwpt && !attach->hwpt->pasid_compat)
			return -EINVAL;
	}
	return 0;
}

static int iommufd_hwpt_attach_device(struct iommufd_hw_pagetable *hwpt,
				      struct iommufd_device *idev,
				      uint32_t pasid)
{
	int rc;

	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		return rc;
	if (pasid == IOMMU_NO_PASID)
		return iommu_attach_group(hwpt->domain, idev->igroup->group);
	return iommu_attach_device_pasid(hwpt->domain, idev->dev, pasid);
}

static void iommufd_hwpt_detach_device(struct iommufd_hw_pagetable *hwpt,
				       struct iommufd_device *idev,
				       uint32_t pasid)
{
	if (pasid == IOMMU_NO_PASID)
		iommu_detach_group(idev->igroup->group);
	else
		iommu_detach_device_pasid(hwpt->domain, idev->dev, pasid);
	iommufd_auto_response_faults(hwpt, idev->dev, pasid);
}

static int igroup_reserve_pasid(struct iommufd_group *igroup, uint32_t pasid,
				struct iommufd_attach **out)
{
	struct igroup_pasid *p = igroup_pasid_find(igroup, pasid);
	struct iommufd_attach *attach;

	if (p) {
		*out = p->attach;
		return 0;
	}
	if (igroup->npasids == igroup->pasids_alloc) {
		unsigned int n = igroup->pasids_alloc ? igroup->pasids_alloc * 2
						      : 2;
		struct igroup_pasid *a =
			ufd_realloc_array(igroup->pasids, n, sizeof(*a));

		if (!a)
			return -ENOMEM;
		igroup->pasids = a;
		igroup->pasids_alloc = n;
	}
	attach = ufd_new(struct iommufd_attach);
	if (!attach)
		return -ENOMEM;
	p = &igroup->pasids[igroup->npasids++];
	p->pasid = pasid;
	p->published = false;
	p->attach = attach;
	*out = attach;
	return 0;
}

int iommufd_hw_pagetable_attach(struct iommufd_hw_pagetable *hwpt,
				struct iommufd_device *idev, uint32_t pasid)
{
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	bool first;
	int rc;

	mutex_lock(&igroup->lock);
	rc = igroup_reserve_pasid(igroup, pasid, &attach);
	if (rc)
		goto err_unlock;
	first = iommufd_group_first_attach(igroup, pasid);
	old_hwpt = attach->hwpt;

	if (attach_has_dev(attach, idev)) {
		WARN_ON(!old_hwpt);
		rc = -EBUSY;
		goto err_release_pasid;
	}
	rc = attach_reserve_dev(attach);
	if (rc)
		goto err_release_pasid;

	if (old_hwpt && old_hwpt != hwpt) {
		rc = -EINVAL;
		goto err_release_pasid;
	}

	if (attach_resv) {
		rc = iommufd_device_attach_reserved_iova(idev, hwpt_paging);
		if (rc)
			goto err_release_pasid;
	}

	/*
	 * The group attaches once, for its first device; the others follow.
	 * Every device must still attach itself so that its own reserved
	 * regions reach the IOAS.
	 */
	if (first) {
		rc = iommufd_hwpt_attach_device(hwpt, idev, pasid);
		if (rc)
			goto err_unresv;
		attach->hwpt = hwpt;
		igroup_pasid_find(igroup, pasid)->published = true;
	}
	refcount_inc(&hwpt->obj.users);
	attach->devs[attach->ndevs++] = idev;
	mutex_unlock(&igroup->lock);
	return 0;

err_unresv:
	if (attach_resv)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
err_release_pasid:
	if (first) {
		igroup_pasid_remove(igroup, pasid);
		attach_free(attach);
	}
err_unlock:
	mutex_unlock(&igroup->lock);
	return rc;
}

struct iommufd_hw_pagetable *
iommufd_hw_pagetable_detach(struct iommufd_device *idev, uint32_t pasid)
{
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;
	struct iommufd_attach *attach;

	mutex_lock(&igroup->lock);
	attach = igroup_attach(igroup, pasid);
	if (!attach || !attach_has_dev(attach, idev)) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	hwpt = attach->hwpt;
	hwpt_paging = find_hwpt_paging(hwpt);

	attach_remove_dev(attach, idev);
	if (!attach->ndevs) {
		iommufd_hwpt_detach_device(hwpt, idev, pasid);
		igroup_pasid_remove(igroup, pasid);
		attach_free(attach);
	}
	if (hwpt_paging && pasid == IOMMU_NO_PASID)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt, idev->dev);
	mutex_unlock(&igroup->lock);

	iommufd_hw_pagetable_put(idev->ictx, hwpt);
	/* The caller must destroy hwpt */
	return hwpt;
}

static struct iommufd_hw_pagetable *
iommufd_device_do_attach(struct iommufd_device *idev, uint32_t pasid,
			 struct iommufd_hw_pagetable *hwpt)
{
	int rc = iommufd_hw_pagetable_attach(hwpt, idev, pasid);

	return rc ? ERR_PTR(rc) : NULL;
}

static void
iommufd_group_remove_reserved_iova(struct iommufd_group *igroup,
				   struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_attach *attach = igroup_attach(igroup, IOMMU_NO_PASID);

	for (unsigned int i = 0; i != attach->ndevs; i++)
		iopt_remove_reserved_iova(&hwpt_paging->ioas->iopt,
					  attach->devs[i]->dev);
}

static int
iommufd_group_do_replace_reserved_iova(struct iommufd_group *igroup,
				       struct iommufd_hwpt_paging *hwpt_paging)
{
	struct iommufd_attach *attach = igroup_attach(igroup, IOMMU_NO_PASID);
	struct iommufd_hwpt_paging *old_hwpt_paging =
		find_hwpt_paging(attach->hwpt);
	int rc;

	if (!old_hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas) {
		for (unsigned int i = 0; i != attach->ndevs; i++) {
			rc = iopt_table_enforce_dev_resv_regions(
				&hwpt_paging->ioas->iopt, attach->devs[i]->dev);
			if (rc)
				goto err_unresv;
		}
	}
	return 0;

err_unresv:
	iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
	return rc;
}

static struct iommufd_hw_pagetable *
iommufd_device_do_replace(struct iommufd_device *idev, uint32_t pasid,
			  struct iommufd_hw_pagetable *hwpt)
{
	struct iommufd_hwpt_paging *hwpt_paging = find_hwpt_paging(hwpt);
	bool attach_resv = hwpt_paging && pasid == IOMMU_NO_PASID;
	struct iommufd_hwpt_paging *old_hwpt_paging;
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_hw_pagetable *old_hwpt;
	struct iommufd_attach *attach;
	unsigned int num_devices;
	int rc;

	mutex_lock(&igroup->lock);
	attach = igroup_attach(igroup, pasid);
	if (!attach) {
		rc = -EINVAL;
		goto err_unlock;
	}
	old_hwpt = attach->hwpt;
	WARN_ON(!old_hwpt || !attach->ndevs);

	if (!attach_has_dev(attach, idev)) {
		rc = -EINVAL;
		goto err_unlock;
	}
	if (hwpt == old_hwpt) {
		mutex_unlock(&igroup->lock);
		return NULL;
	}

	rc = iommufd_hwpt_pasid_compat(hwpt, idev, pasid);
	if (rc)
		goto err_unlock;

	if (attach_resv) {
		rc = iommufd_group_do_replace_reserved_iova(igroup,
							    hwpt_paging);
		if (rc)
			goto err_unlock;
	}

	/* No window without translation: the core switches domains at once */
	if (pasid == IOMMU_NO_PASID)
		rc = iommu_replace_group(igroup->group, hwpt->domain);
	else
		rc = iommu_replace_device_pasid(hwpt->domain, idev->dev, pasid);
	if (rc)
		goto err_unresv;
	iommufd_auto_response_faults(old_hwpt, idev->dev, pasid);

	old_hwpt_paging = find_hwpt_paging(old_hwpt);
	if (old_hwpt_paging && pasid == IOMMU_NO_PASID &&
	    (!hwpt_paging || hwpt_paging->ioas != old_hwpt_paging->ioas))
		iommufd_group_remove_reserved_iova(igroup, old_hwpt_paging);

	attach->hwpt = hwpt;

	/*
	 * The references of every attached device move to the new HWPT; one
	 * stays on the old for this thread, and the caller drops it.
	 */
	num_devices = attach->ndevs;
	for (unsigned int i = 0; i != num_devices; i++)
		refcount_inc(&hwpt->obj.users);
	for (unsigned int i = 1; i < num_devices; i++)
		refcount_dec(&old_hwpt->obj.users);
	mutex_unlock(&igroup->lock);
	return old_hwpt;

err_unresv:
	if (attach_resv)
		iommufd_group_remove_reserved_iova(igroup, hwpt_paging);
err_unlock:
	mutex_unlock(&igroup->lock);
	return ERR_PTR(rc);
}

typedef struct iommufd_hw_pagetable *(*attach_fn)(
	struct iommufd_device *idev, uint32_t pasid,
	struct iommufd_hw_pagetable *hwpt);

/*
 * Attach to an IOAS: reuse any automatic HWPT of the IOAS the device can
 * attach to, else create one. A manually allocated HWPT is never picked.
 */
static struct iommufd_hw_pagetable *
iommufd_device_auto_get_domain(struct iommufd_device *idev, uint32_t pasid,
			       struct iommufd_ioas *ioas, uint32_t *pt_id,
			       attach_fn do_attach)
{
	bool immediate_attach = do_attach == iommufd_device_do_attach;
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_hw_pagetable *hwpt;

	mutex_lock(&ioas->mutex);
	list_for_each_entry (hwpt_paging, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt_paging->auto_domain)
			continue;
		hwpt = &hwpt_paging->common;
		if (!iommufd_try_lock_obj(idev->ictx, &hwpt->obj))
			continue;
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt)) {
			iommufd_put_object(idev->ictx, &hwpt->obj);
			/*
			 * EINVAL: this domain does not suit the device, try
			 * another. Any other error goes back to the user.
			 */
			if (PTR_ERR(destroy_hwpt) == -EINVAL) {
				ufd_fail_absorbed();
				continue;
			}
			goto out_unlock;
		}
		*pt_id = hwpt->obj.id;
		iommufd_put_object(idev->ictx, &hwpt->obj);
		goto out_unlock;
	}

	hwpt_paging = iommufd_hwpt_paging_alloc(idev->ictx, ioas, idev, pasid,
						0, immediate_attach, NULL);
	if (IS_ERR(hwpt_paging)) {
		destroy_hwpt = (void *)hwpt_paging;
		goto out_unlock;
	}
	hwpt = &hwpt_paging->common;

	if (!immediate_attach) {
		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_abort;
	} else {
		destroy_hwpt = NULL;
	}

	/*
	 * Set before any other change of this group's attachment can see the
	 * HWPT (they wait on change_lock): a replace that drops it then
	 * destroys it with its last device.
	 */
	hwpt_paging->auto_domain = true;
	*pt_id = hwpt->obj.id;
	iommufd_object_finalize(idev->ictx, &hwpt->obj);
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;

out_abort:
	iommufd_object_abort_and_destroy(idev->ictx, &hwpt->obj);
out_unlock:
	mutex_unlock(&ioas->mutex);
	return destroy_hwpt;
}

static int iommufd_device_change_pt(struct iommufd_device *idev, uint32_t pasid,
				    uint32_t *pt_id, attach_fn do_attach)
{
	struct iommufd_hw_pagetable *destroy_hwpt;
	struct iommufd_object *pt_obj;

	pt_obj = iommufd_get_object(idev->ictx, *pt_id, IOMMUFD_OBJ_ANY);
	if (IS_ERR(pt_obj))
		return (int)PTR_ERR(pt_obj);

	switch (pt_obj->type) {
	case IOMMUFD_OBJ_HWPT_NESTED:
	case IOMMUFD_OBJ_HWPT_PAGING: {
		struct iommufd_hw_pagetable *hwpt =
			container_of(pt_obj, struct iommufd_hw_pagetable, obj);

		destroy_hwpt = (*do_attach)(idev, pasid, hwpt);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	case IOMMUFD_OBJ_IOAS: {
		struct iommufd_ioas *ioas =
			container_of(pt_obj, struct iommufd_ioas, obj);

		destroy_hwpt = iommufd_device_auto_get_domain(idev, pasid, ioas,
							      pt_id, do_attach);
		if (IS_ERR(destroy_hwpt))
			goto out_put_pt_obj;
		break;
	}
	default:
		destroy_hwpt = ERR_PTR(-EINVAL);
		goto out_put_pt_obj;
	}
	iommufd_put_object(idev->ictx, pt_obj);

	/* Destroying may need locks the attach held: do it last */
	if (destroy_hwpt)
		iommufd_hw_pagetable_put(idev->ictx, destroy_hwpt);
	return 0;

out_put_pt_obj:
	iommufd_put_object(idev->ictx, pt_obj);
	return (int)PTR_ERR(destroy_hwpt);
}

int iommufd_device_attach(struct iommufd_device *idev, uint32_t pasid,
			  uint32_t *pt_id)
{
	int rc;

	mutex_lock(&idev->igroup->change_lock);
	rc = iommufd_device_change_pt(idev, pasid, pt_id,
				      &iommufd_device_do_attach);
	/* Pairs with detach: a device cannot be destroyed while attached */
	if (!rc)
		refcount_inc(&idev->obj.users);
	mutex_unlock(&idev->igroup->change_lock);
	return rc;
}

int iommufd_device_replace(struct iommufd_device *idev, uint32_t pasid,
			   uint32_t *pt_id)
{
	int rc;

	mutex_lock(&idev->igroup->change_lock);
	rc = iommufd_device_change_pt(idev, pasid, pt_id,
				      &iommufd_device_do_replace);
	mutex_unlock(&idev->igroup->change_lock);
	return rc;
}

void iommufd_device_detach(struct iommufd_device *idev, uint32_t pasid)
{
	mutex_lock(&idev->igroup->change_lock);
	if (iommufd_hw_pagetable_detach(idev, pasid))
		refcount_dec(&idev->obj.users);
	mutex_unlock(&idev->igroup->change_lock);
}

/* A PASID other than the RID's on which idev is attached, or false */
static bool device_attached_pasid(struct iommufd_device *idev, uint32_t *pasid)
{
	struct iommufd_group *igroup = idev->igroup;
	bool found = false;

	mutex_lock(&igroup->lock);
	for (unsigned int i = 0; i != igroup->npasids && !found; i++) {
		struct igroup_pasid *p = &igroup->pasids[i];

		if (p->pasid == IOMMU_NO_PASID || !p->published ||
		    !attach_has_dev(p->attach, idev))
			continue;
		*pasid = p->pasid;
		found = true;
	}
	mutex_unlock(&igroup->lock);
	return found;
}

/*
 * Detach everything, PASIDs and then the RID: the device is going away as
 * hardware that is unplugged (the test uAPI's mock devices), whatever its
 * user left attached.
 */
void iommufd_device_detach_all(struct iommufd_device *idev)
{
	uint32_t pasid;

	while (device_attached_pasid(idev, &pasid))
		iommufd_device_detach(idev, pasid);
	iommufd_device_detach(idev, IOMMU_NO_PASID);
}

/* The device, its group and what each attachment translates through */
void iommufd_device_describe(struct iommufd_object *obj, int out)
{
	struct iommufd_device *idev =
		container_of(obj, struct iommufd_device, obj);
	struct iommufd_group *igroup = idev->igroup;
	struct iommufd_attach *attach;

	mutex_lock(&igroup->lock);
	dprintf(out, "  dev %s group %u", idev->dev->name, igroup->group->id);
	for (unsigned int i = 0; i != igroup->npasids; i++) {
		attach = igroup->pasids[i].published ? igroup->pasids[i].attach
						     : NULL;
		if (!attach || !attach_has_dev(attach, idev))
			continue;
		if (igroup->pasids[i].pasid == IOMMU_NO_PASID)
			dprintf(out, " attached %u", attach->hwpt->obj.id);
		else
			dprintf(out, " pasid %u attached %u",
				igroup->pasids[i].pasid, attach->hwpt->obj.id);
	}
	dprintf(out, "\n");
	mutex_unlock(&igroup->lock);
}

int iommufd_get_hw_info(struct iommufd_ucmd *ucmd)
{
	const uint32_t supported_flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	struct iommu_hw_info *cmd = ucmd->cmd;
	void *user_ptr = u64_to_user_ptr(cmd->data_uptr);
	const struct iommu_ops *ops;
	struct iommufd_device *idev;
	uint32_t data_len, copy_len;
	void *data;
	int rc;

	if (cmd->flags & ~supported_flags)
		return -EOPNOTSUPP;
	if (cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return -EOPNOTSUPP;
	/* Without the flag the type field is not an input */
	if (!(cmd->flags & IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = IOMMU_HW_INFO_TYPE_DEFAULT;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return (int)PTR_ERR(idev);

	ops = idev->dev->iommu_ops;
	if (ops->hw_info) {
		data = ops->hw_info(idev->dev, &data_len, &cmd->out_data_type);
		if (IS_ERR(data)) {
			rc = (int)PTR_ERR(data);
			goto out_put;
		}
		/* A driver with hw_info has a type of its own */
		if (WARN_ON(cmd->out_data_type == IOMMU_HW_INFO_TYPE_NONE)) {
			rc = -EOPNOTSUPP;
			goto out_free;
		}
	} else {
		cmd->out_data_type = IOMMU_HW_INFO_TYPE_NONE;
		data_len = 0;
		data = NULL;
	}

	copy_len = min(cmd->data_len, data_len);
	if (copy_to_user(user_ptr, data, copy_len)) {
		rc = -EFAULT;
		goto out_free;
	}
	/* A bigger user buffer gets its tail zeroed */
	if (copy_len < cmd->data_len && clear_user(uptr_add(user_ptr, copy_len),
						   cmd->data_len - copy_len)) {
		rc = -EFAULT;
		goto out_free;
	}
	/* What the engine has, which may exceed what the user gave room for */
	cmd->data_len = data_len;

	cmd->out_capabilities = 0;
	if (device_iommu_capable(idev->dev, IOMMU_CAP_DIRTY_TRACKING))
		cmd->out_capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
	if (!device_iommu_capable(idev->dev, IOMMU_CAP_PCI_ATS_SUPPORTED))
		cmd->out_capabilities |= IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	cmd->out_max_pasid_log2 = (uint8_t)idev->dev->max_pasid_log2;

	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	ufd_free(data);
out_put:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}
