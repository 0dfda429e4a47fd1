// SPDX-License-Identifier: MIT
/*
 * The IOMMU core: groups, DMA ownership and domain attachment.
 *
 * A group is the unit of isolation: all its devices translate through the
 * same domain, and one owner holds DMA control of all of them. While a group
 * is owned it starts blocked (no DMA gets through) until a domain is
 * attached; when the owner lets go it returns to its default domain, which
 * for the devices the engine knows is blocked as well: a software device has
 * no untranslated path to memory.
 */
#include <stdio.h>

#include "iommu.h"

static unsigned int next_group_id;

struct iommu_group *iommu_group_alloc(void)
{
	struct iommu_group *group = ufd_new(struct iommu_group);

	if (!group)
		return NULL;
	mutex_init(&group->mutex);
	refcount_set(&group->ref, 1);
	INIT_LIST_HEAD(&group->devices);
	group->id = __atomic_fetch_add(&next_group_id, 1, __ATOMIC_RELAXED);
	return group;
}

void iommu_group_get(struct iommu_group *group)
{
	refcount_inc(&group->ref);
}

void iommu_group_put(struct iommu_group *group)
{
	if (!refcount_dec_and_test(&group->ref))
		return;
	WARN_ON(group->npasids);
	ufd_free(group->pasid_array);
	mutex_destroy(&group->mutex);
	ufd_free(group);
}

int iommu_device_add(struct device *dev, const struct iommu_ops *ops,
		     struct iommu_group *group)
{
	if (!group) {
		group = iommu_group_alloc();
		if (!group)
			return -ENOMEM;
	} else {
		iommu_group_get(group);
	}
	dev->iommu_ops = ops;
	dev->group = group;
	mutex_lock(&group->mutex);
	if (!group->default_domain) {
		group->default_domain = ops->blocked_domain;
		group->blocking_domain = ops->blocked_domain;
		group->domain = ops->blocked_domain;
	}
	list_add_tail(&dev->group_item, &group->devices);
	group->ndevices++;
	mutex_unlock(&group->mutex);
	return 0;
}

void iommu_device_remove(struct device *dev)
{
	struct iommu_group *group = dev->group;

	mutex_lock(&group->mutex);
	WARN_ON(group->owner_cnt && group->ndevices == 1);
	list_del(&dev->group_item);
	group->ndevices--;
	mutex_unlock(&group->mutex);
	dev->group = NULL;
	iommu_group_put(group);
}

bool device_iommu_capable(struct device *dev, enum iommu_cap cap)
{
	return dev->iommu_ops->capable && dev->iommu_ops->capable(dev, cap);
}

int iommu_get_resv_regions(struct device *dev, struct list_head *head)
{
	if (!dev->iommu_ops->get_resv_regions)
		return 0;
	return dev->iommu_ops->get_resv_regions(dev, head);
}

void iommu_put_resv_regions(struct device *dev, struct list_head *head)
{
	struct iommu_resv_region *r, *tmp;

	(void)dev;
	list_for_each_entry_safe (r, tmp, head, list) {
		list_del(&r->list);
		ufd_free(r);
	}
}

int iommu_copy_struct_from_user(void *dst, size_t dst_len,
				const struct iommu_user_data *src,
				unsigned int data_type, size_t min_len)
{
	if (WARN_ON(!dst || !src))
		return -EINVAL;
	if (src->type != data_type)
		return -EINVAL;
	if (src->len < min_len || dst_len < src->len)
		return -EINVAL;
	return copy_struct_from_user(dst, dst_len, src->uptr, src->len);
}

int iommu_copy_struct_from_user_array(void *dst, size_t dst_len,
				      const struct iommu_user_data_array *src,
				      unsigned int data_type,
				      unsigned int index, size_t min_len)
{
	struct iommu_user_data one;

	if (WARN_ON(!src || index >= src->entry_num))
		return -EINVAL;
	if (!src->entry_len)
		return -EINVAL;
	one.type = src->type;
	one.uptr = (char *)src->uptr + (size_t)index * src->entry_len;
	one.len = src->entry_len;
	return iommu_copy_struct_from_user(dst, dst_len, &one, data_type,
					   min_len);
}

int iommu_copy_struct_from_full_user_array(
	void *dst, size_t dst_entry_len,
	const struct iommu_user_data_array *src, unsigned int data_type)
{
	if (src->type != data_type)
		return -EINVAL;
	if (!src->entry_num)
		return -EINVAL;
	if (src->entry_len == dst_entry_len) {
		if (copy_from_user(dst, src->uptr,
				   (size_t)src->entry_num * src->entry_len))
			return -EFAULT;
		return 0;
	}
	/* Entry by entry, each as a struct of another version */
	for (uint32_t i = 0; i != src->entry_num; i++) {
		int rc = copy_struct_from_user(
			(char *)dst + dst_entry_len * i, dst_entry_len,
			(const char *)src->uptr + src->entry_len * i,
			src->entry_len);

		if (rc)
			return rc;
	}
	return 0;
}

int iommu_copy_struct_to_user(const struct iommu_user_data *dst,
			      const void *src, size_t src_len,
			      unsigned int data_type, size_t min_len)
{
	if (WARN_ON(!dst || !src))
		return -EINVAL;
	if (dst->type != data_type)
		return -EINVAL;
	if (dst->len < min_len || src_len < dst->len)
		return -EINVAL;
	if (copy_to_user(dst->uptr, src, dst->len))
		return -EFAULT;
	return 0;
}

/* Needs group->mutex, as every pasid_* and group_set_domain* helper */
static struct pasid_entry *pasid_find(struct iommu_group *group, uint32_t pasid)
{
	lockdep_assert_held(&group->mutex);
	for (unsigned int i = 0; i != group->npasids; i++)
		if (group->pasid_array[i].pasid == pasid)
			return &group->pasid_array[i];
	return NULL;
}

void iommu_group_lock(struct iommu_group *group)
{
	mutex_lock(&group->mutex);
}

void iommu_group_unlock(struct iommu_group *group)
{
	mutex_unlock(&group->mutex);
}

struct iommu_domain *iommu_attached_domain_locked(struct iommu_group *group,
						  uint32_t pasid)
{
	struct pasid_entry *e = pasid_find(group, pasid);

	return e ? e->domain : NULL;
}

struct iommu_domain *iommu_attached_domain(struct iommu_group *group,
					   uint32_t pasid)
{
	struct iommu_domain *domain;

	iommu_group_lock(group);
	domain = iommu_attached_domain_locked(group, pasid);
	iommu_group_unlock(group);
	return domain;
}

/* Make room for a pasid entry so storing it later cannot fail */
static int pasid_reserve(struct iommu_group *group)
{
	struct pasid_entry *a;
	unsigned int n;

	lockdep_assert_held(&group->mutex);
	if (group->npasids < group->pasid_alloc)
		return 0;
	n = group->pasid_alloc ? group->pasid_alloc * 2 : 4;
	a = ufd_realloc_array(group->pasid_array, n, sizeof(*a));
	if (!a)
		return -ENOMEM;
	group->pasid_array = a;
	group->pasid_alloc = n;
	return 0;
}

static void pasid_store(struct iommu_group *group, uint32_t pasid,
			struct iommu_domain *domain)
{
	struct pasid_entry *e = pasid_find(group, pasid);

	if (!e) {
		e = &group->pasid_array[group->npasids++];
		e->pasid = pasid;
	}
	e->domain = domain;
}

static void pasid_erase(struct iommu_group *group, uint32_t pasid)
{
	struct pasid_entry *e = pasid_find(group, pasid);

	if (!e)
		return;
	*e = group->pasid_array[--group->npasids];
}

static int device_set_domain(struct iommu_group *group, struct device *dev,
			     struct iommu_domain *new_domain)
{
	/* A device that needs its 1:1 map cannot be blocked */
	if (dev->require_direct && new_domain->type == IOMMU_DOMAIN_BLOCKED)
		return -EINVAL;
	if (!new_domain->ops->attach_dev)
		return -EINVAL;
	return new_domain->ops->attach_dev(new_domain, dev, group->domain);
}

/*
 * Switch every device of the group to new_domain; on failure the devices
 * already switched go back and the group stays as it was.
 */
static int group_set_domain(struct iommu_group *group,
			    struct iommu_domain *new_domain)
{
	struct device *dev, *failed;
	int rc;

	lockdep_assert_held(&group->mutex);
	if (group->domain == new_domain)
		return 0;
	list_for_each_entry (dev, &group->devices, group_item) {
		rc = device_set_domain(group, dev, new_domain);
		if (rc)
			goto err_revert;
	}
	group->domain = new_domain;
	return 0;

err_revert:
	failed = dev;
	list_for_each_entry (dev, &group->devices, group_item) {
		if (dev == failed)
			break;
		/* A driver must take back the domain it just left */
		WARN_ON(group->domain->ops->attach_dev(group->domain, dev,
						       new_domain));
	}
	return rc;
}

static void group_set_domain_nofail(struct iommu_group *group,
				    struct iommu_domain *new_domain)
{
	WARN_ON(group_set_domain(group, new_domain));
}

static int take_dma_ownership(struct iommu_group *group, void *owner)
{
	int rc;

	lockdep_assert_held(&group->mutex);
	if ((group->domain && group->domain != group->default_domain) ||
	    group->npasids)
		return -EBUSY;
	rc = group_set_domain(group, group->blocking_domain);
	if (rc)
		return rc;
	group->owner = owner;
	group->owner_cnt++;
	return 0;
}

/*
 * Several devices of one group may claim ownership with the same owner; a
 * different owner is refused (EPERM), as the kernel refuses to share a group
 * between iommufd contexts.
 */
int iommu_device_claim_dma_owner(struct device *dev, void *owner)
{
	struct iommu_group *group = dev->group;
	int rc = 0;

	if (WARN_ON(!owner))
		return -EINVAL;
	if (!group)
		return -ENODEV;

	mutex_lock(&group->mutex);
	if (group->owner_cnt) {
		if (group->owner != owner)
			rc = -EPERM;
		else
			group->owner_cnt++;
		goto out_unlock;
	}
	rc = take_dma_ownership(group, owner);
out_unlock:
	mutex_unlock(&group->mutex);
	return rc;
}

void iommu_device_release_dma_owner(struct device *dev)
{
	struct iommu_group *group = dev->group;

	mutex_lock(&group->mutex);
	if (group->owner_cnt > 1) {
		group->owner_cnt--;
	} else if (!WARN_ON(!group->owner_cnt || group->npasids)) {
		group->owner_cnt = 0;
		group->owner = NULL;
		group_set_domain_nofail(group, group->default_domain);
	}
	mutex_unlock(&group->mutex);
}

bool iommu_group_dma_owner_claimed(struct iommu_group *group)
{
	bool claimed;

	mutex_lock(&group->mutex);
	claimed = group->owner_cnt;
	mutex_unlock(&group->mutex);
	return claimed;
}

static bool domain_compatible(struct iommu_group *group,
			      struct iommu_domain *domain)
{
	struct device *dev = list_first_entry_or_null(
		&group->devices, struct device, group_item);

	return dev && domain->owner == dev->iommu_ops;
}

/*
 * The last steps of attach and replace, group mutex held and the RID's
 * pasid entry reserved: the domain must suit the group's driver, then it
 * translates for the group and is recorded as the RID's.
 */
static int group_switch_rid_domain(struct iommu_group *group,
				   struct iommu_domain *domain)
{
	int rc;

	lockdep_assert_held(&group->mutex);
	if (!domain_compatible(group, domain))
		return -EINVAL;
	rc = group_set_domain(group, domain);
	if (rc)
		return rc;
	pasid_store(group, IOMMU_NO_PASID, domain);
	return 0;
}

int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group)
{
	int rc;

	mutex_lock(&group->mutex);
	if (pasid_find(group, IOMMU_NO_PASID)) {
		rc = -EBUSY;
		goto out_unlock;
	}
	rc = pasid_reserve(group);
	if (rc)
		goto out_unlock;
	if (group->domain && group->domain != group->default_domain &&
	    group->domain != group->blocking_domain) {
		rc = -EBUSY;
		goto out_unlock;
	}
	rc = group_switch_rid_domain(group, domain);
out_unlock:
	mutex_unlock(&group->mutex);
	return rc;
}

void iommu_detach_group(struct iommu_group *group)
{
	mutex_lock(&group->mutex);
	/* An owned group goes back to blocked, never to "no translation" */
	group_set_domain_nofail(group, group->owner ? group->blocking_domain
						    : group->default_domain);
	pasid_erase(group, IOMMU_NO_PASID);
	mutex_unlock(&group->mutex);
}

int iommu_replace_group(struct iommu_group *group,
			struct iommu_domain *new_domain)
{
	int rc;

	if (!new_domain)
		return -EINVAL;

	mutex_lock(&group->mutex);
	rc = pasid_reserve(group);
	if (rc)
		goto out_unlock;
	rc = group_switch_rid_domain(group, new_domain);
out_unlock:
	mutex_unlock(&group->mutex);
	return rc;
}

static int device_set_pasid(struct iommu_domain *domain, struct device *dev,
			    uint32_t pasid, struct iommu_domain *old)
{
	if (!domain->ops->set_dev_pasid)
		return -EOPNOTSUPP;
	return domain->ops->set_dev_pasid(domain, dev, pasid, old);
}

int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      uint32_t pasid)
{
	struct iommu_group *group = dev->group;
	int rc;

	if (!group || pasid == IOMMU_NO_PASID)
		return -EINVAL;
	if (!dev->max_pasid_log2 || pasid >= (1u << dev->max_pasid_log2))
		return -EINVAL;

	mutex_lock(&group->mutex);
	if (!domain_compatible(group, domain)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if (pasid_find(group, pasid)) {
		rc = -EBUSY;
		goto out_unlock;
	}
	rc = pasid_reserve(group);
	if (rc)
		goto out_unlock;
	rc = device_set_pasid(domain, dev, pasid, group->blocking_domain);
	if (rc)
		goto out_unlock;
	pasid_store(group, pasid, domain);
out_unlock:
	mutex_unlock(&group->mutex);
	return rc;
}

int iommu_replace_device_pasid(struct iommu_domain *domain, struct device *dev,
			       uint32_t pasid)
{
	struct iommu_group *group = dev->group;
	struct pasid_entry *e;
	int rc;

	if (!group || pasid == IOMMU_NO_PASID)
		return -EINVAL;

	mutex_lock(&group->mutex);
	if (!domain_compatible(group, domain)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	rc = pasid_reserve(group);
	if (rc)
		goto out_unlock;
	e = pasid_find(group, pasid);
	rc = device_set_pasid(domain, dev, pasid,
			      e ? e->domain : group->blocking_domain);
	if (rc)
		goto out_unlock;
	pasid_store(group, pasid, domain);
out_unlock:
	mutex_unlock(&group->mutex);
	return rc;
}

void iommu_detach_device_pasid(struct iommu_domain *domain, struct device *dev,
			       uint32_t pasid)
{
	struct iommu_group *group = dev->group;

	mutex_lock(&group->mutex);
	if (group->blocking_domain->ops->set_dev_pasid)
		WARN_ON(group->blocking_domain->ops->set_dev_pasid(
			group->blocking_domain, dev, pasid, domain));
	pasid_erase(group, pasid);
	mutex_unlock(&group->mutex);
}

/*
 * The group stays locked from finding the domain to queueing the request:
 * a detach (which switches domains under that lock, then answers what the
 * old domain queued) cannot slip in between, so the domain is alive while
 * the request is delivered and the request is answered when the device
 * leaves it, as the kernel's attach handle that a detach flushes.
 */
int iommu_report_device_fault(struct device *dev, const struct iopf_group *evt)
{
	uint32_t attach_pasid = IOMMU_NO_PASID;
	struct iommu_domain *domain = NULL;
	struct iopf_group *group;
	int rc = -EINVAL;

	if (!dev->group)
		return -ENODEV;
	mutex_lock(&dev->group->mutex);
	/*
	 * A request with a PASID goes to that PASID's domain; an IOMMU whose
	 * PASID table belongs to the user falls back to the RID's domain if
	 * it is nested (the table lives there), as find_fault_handler().
	 */
	if (evt->flags & IOMMU_PGFAULT_FLAGS_PASID_VALID) {
		domain = iommu_attached_domain_locked(dev->group, evt->pasid);
		if (domain) {
			attach_pasid = evt->pasid;
		} else if (dev->iommu_ops->user_pasid_table) {
			domain = iommu_attached_domain_locked(dev->group,
							      IOMMU_NO_PASID);
			if (domain && domain->type != IOMMU_DOMAIN_NESTED)
				domain = NULL;
		}
	} else {
		domain = iommu_attached_domain_locked(dev->group,
						      IOMMU_NO_PASID);
	}
	if (!domain || !domain->iopf_handler)
		goto out_unlock;

	rc = -ENOMEM;
	group = ufd_new(struct iopf_group);
	if (!group)
		goto out_unlock;
	*group = *evt;
	group->dev = dev;
	group->domain = domain;
	group->attach_pasid = attach_pasid;
	INIT_LIST_HEAD(&group->node);
	rc = domain->iopf_handler(domain, group);
	if (rc)
		ufd_free(group);
out_unlock:
	mutex_unlock(&dev->group->mutex);
	return rc;
}

void iopf_group_response(struct iopf_group *group, uint32_t code)
{
	const struct iommu_ops *ops = group->dev->iommu_ops;

	if (ops->page_response)
		ops->page_response(group->dev, group, code);
}

void iopf_free_group(struct iopf_group *group)
{
	ufd_free(group);
}

int iommu_enforce_cache_coherency(struct iommu_domain *domain)
{
	if (domain->cache_coherency_enforced)
		return 0;
	if (domain->ops->enforce_cache_coherency)
		domain->cache_coherency_enforced =
			domain->ops->enforce_cache_coherency(domain);
	return domain->cache_coherency_enforced ? 0 : -EINVAL;
}

void iommu_domain_free(struct iommu_domain *domain)
{
	if (domain && domain->ops->free)
		domain->ops->free(domain);
}
