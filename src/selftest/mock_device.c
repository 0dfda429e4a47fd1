// SPDX-License-Identifier: MIT
/*
 * Test uAPI operations on mock devices and their domains: create a mock
 * device bound and attached in one step, replace its attachment, attach
 * PASIDs, and inspect what the mock domains hold.
 */
#include "../mm/vma.h"
#include "../iommu/drivers/mock_iommu.h"
#include "selftest_private.h"

enum selftest_obj_type {
	TYPE_IDEV,
};

struct selftest_obj {
	struct iommufd_object obj;
	enum selftest_obj_type type;
	struct {
		struct iommufd_device *idev;
		struct iommufd_ctx *ictx;
		struct mock_dev *mock_dev;
	} idev;
};

void iommufd_selftest_destroy(struct iommufd_object *obj)
{
	struct selftest_obj *sobj = container_of(obj, struct selftest_obj, obj);

	switch (sobj->type) {
	case TYPE_IDEV:
		/* Unplugged: PASIDs the user left attached go too */
		iommufd_device_detach_all(sobj->idev.idev);
		iommufd_device_unbind(sobj->idev.idev);
		mock_dev_destroy(sobj->idev.mock_dev);
		break;
	}
}

/* A mock device bound to the context and attached to id (IOAS or HWPT) */
int iommufd_test_mock_domain(struct iommufd_ucmd *ucmd,
			     struct iommu_test_cmd *cmd)
{
	struct iommufd_device *idev;
	struct selftest_obj *sobj;
	uint32_t pt_id = cmd->id;
	uint32_t dev_flags = 0;
	uint32_t idev_id;
	int rc;

	sobj = iommufd_object_alloc(ucmd->ictx, sobj, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	sobj->idev.ictx = ucmd->ictx;
	sobj->type = TYPE_IDEV;

	if (cmd->op == IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)
		dev_flags = cmd->mock_domain_flags.dev_flags;

	sobj->idev.mock_dev = mock_dev_create(dev_flags);
	if (IS_ERR(sobj->idev.mock_dev)) {
		rc = (int)PTR_ERR(sobj->idev.mock_dev);
		goto out_sobj;
	}

	idev = iommufd_device_bind(ucmd->ictx, &sobj->idev.mock_dev->dev,
				   &idev_id);
	if (IS_ERR(idev)) {
		rc = (int)PTR_ERR(idev);
		goto out_mdev;
	}
	sobj->idev.idev = idev;

	rc = iommufd_device_attach(idev, IOMMU_NO_PASID, &pt_id);
	if (rc)
		goto out_unbind;

	/* The user destroys the selftest object to get rid of the device */
	cmd->mock_domain.out_hwpt_id = pt_id;
	cmd->mock_domain.out_stdev_id = sobj->obj.id;
	cmd->mock_domain.out_idev_id = idev_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_detach;
	iommufd_object_finalize(ucmd->ictx, &sobj->obj);
	return 0;

out_detach:
	iommufd_device_detach(idev, IOMMU_NO_PASID);
out_unbind:
	iommufd_device_unbind(idev);
out_mdev:
	mock_dev_destroy(sobj->idev.mock_dev);
out_sobj:
	iommufd_object_abort(ucmd->ictx, &sobj->obj);
	return rc;
}

static struct selftest_obj *
iommufd_test_get_selftest_obj(struct iommufd_ctx *ictx, uint32_t id)
{
	struct iommufd_object *dev_obj;
	struct selftest_obj *sobj;

	/* The object reference keeps a concurrent destroy from detaching */
	dev_obj = iommufd_get_object(ictx, id, IOMMUFD_OBJ_SELFTEST);
	if (IS_ERR(dev_obj))
		return (void *)dev_obj;
	sobj = container_of(dev_obj, struct selftest_obj, obj);
	if (sobj->type != TYPE_IDEV) {
		iommufd_put_object(ictx, dev_obj);
		return ERR_PTR(-EINVAL);
	}
	return sobj;
}

int iommufd_test_mock_domain_replace(struct iommufd_ucmd *ucmd,
				     unsigned int device_id, uint32_t pt_id,
				     struct iommu_test_cmd *cmd)
{
	struct selftest_obj *sobj;
	int rc;

	sobj = iommufd_test_get_selftest_obj(ucmd->ictx, device_id);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	rc = iommufd_device_replace(sobj->idev.idev, IOMMU_NO_PASID, &pt_id);
	if (rc)
		goto out_sobj;
	cmd->mock_domain_replace.pt_id = pt_id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_sobj:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

/* The mock domain of HWPT mockpt_id, with a reference on *obj */
static struct iommu_domain *get_md_pagetable(struct iommufd_ucmd *ucmd,
					     uint32_t mockpt_id, bool nested,
					     struct iommufd_object **obj)
{
	struct iommu_domain *domain;

	domain = iommufd_get_hwpt_domain(ucmd->ictx, mockpt_id,
					 nested ? IOMMUFD_OBJ_HWPT_NESTED
						: IOMMUFD_OBJ_HWPT_PAGING,
					 obj);
	if (IS_ERR(domain))
		return domain;
	if (nested ? !mock_domain_is_nested(domain)
		   : !mock_domain_is_paging(domain)) {
		iommufd_put_object(ucmd->ictx, *obj);
		return ERR_PTR(-EINVAL);
	}
	return domain;
}

/*
 * Every page_size step of [iova, iova + length) must translate to the very
 * byte the user VA reaches: the same page, the same offset in it.
 */
int iommufd_test_md_check_pa(struct iommufd_ucmd *ucmd, unsigned int mockpt_id,
			     unsigned long iova, size_t length, void *uptr)
{
	struct ufd_vma_cache user = {0}, engine = {0};
	struct iommufd_object *hwpt_obj;
	struct iommu_domain *domain;
	unsigned long page_size;
	uintptr_t end;
	int rc = 0;

	domain = get_md_pagetable(ucmd, mockpt_id, false, &hwpt_obj);
	if (IS_ERR(domain))
		return (int)PTR_ERR(domain);

	page_size = 1UL << ufd_ffs_ul(domain->pgsize_bitmap);
	if (iova % page_size || length % page_size ||
	    (uintptr_t)uptr % page_size ||
	    check_add_overflow((uintptr_t)uptr, (uintptr_t)length, &end)) {
		rc = -EINVAL;
		goto out_put;
	}

	for (; length; length -= page_size) {
		uintptr_t host = domain->ops->iova_to_host(domain, iova);
		struct ufd_vma vma;

		if (ufd_vma_lookup_cached(&user, (uintptr_t)uptr, &vma)) {
			rc = -EFAULT;
			goto out_put;
		}
		if (!host || host % PAGE_SIZE != (uintptr_t)uptr % PAGE_SIZE ||
		    !ufd_same_page(&engine, host, &user, (uintptr_t)uptr)) {
			rc = -EINVAL;
			goto out_put;
		}
		iova += page_size;
		uptr = uptr_add(uptr, page_size);
	}
out_put:
	iommufd_put_object(ucmd->ictx, hwpt_obj);
	return rc;
}

int iommufd_test_md_check_iotlb(struct iommufd_ucmd *ucmd, uint32_t mockpt_id,
				unsigned int iotlb_id, uint32_t iotlb)
{
	struct mock_iommu_domain_nested *mock_nested;
	struct iommufd_object *hwpt_obj;
	struct iommu_domain *domain;
	int rc = 0;

	domain = get_md_pagetable(ucmd, mockpt_id, true, &hwpt_obj);
	if (IS_ERR(domain))
		return (int)PTR_ERR(domain);
	mock_nested = to_mock_nested(domain);
	if (iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX ||
	    mock_nested->iotlb[iotlb_id] != iotlb)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, hwpt_obj);
	return rc;
}

int iommufd_test_dev_check_cache(struct iommufd_ucmd *ucmd, uint32_t idev_id,
				 unsigned int cache_id, uint32_t cache)
{
	struct iommufd_object *idev_obj;
	struct mock_dev *mdev;
	struct device *dev;
	int rc = 0;

	dev = iommufd_get_dev(ucmd->ictx, idev_id, &idev_obj);
	if (IS_ERR(dev))
		return (int)PTR_ERR(dev);
	mdev = to_mock_dev(dev);
	if (cache_id > MOCK_DEV_CACHE_ID_MAX || mdev->cache[cache_id] != cache)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, idev_obj);
	return rc;
}

/* Mark dirty, as a device write would, the pages set in the user's bitmap */
int iommufd_test_dirty(struct iommufd_ucmd *ucmd, unsigned int mockpt_id,
		       unsigned long iova, size_t length,
		       unsigned long page_size, void *uptr, uint32_t flags)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct iommufd_object *hwpt_obj;
	struct mock_iommu_domain *mock;
	struct iommu_domain *domain;
	unsigned long i, max;
	int rc, count = 0;
	uint8_t *tmp;

	(void)flags;
	if (!page_size || !length || iova % page_size || length % page_size ||
	    !uptr)
		return -EINVAL;
	max = length / page_size;
	if (max > 16UL * 1024 * 1024 * 8)
		return -EOVERFLOW;

	domain = get_md_pagetable(ucmd, mockpt_id, false, &hwpt_obj);
	if (IS_ERR(domain))
		return (int)PTR_ERR(domain);
	mock = to_mock_domain(domain);
	if (!READ_ONCE(mock->pd.dirty_tracking)) {
		rc = -EINVAL;
		goto out_put;
	}

	tmp = ufd_zalloc((max + 7) / 8);
	if (!tmp) {
		rc = -ENOMEM;
		goto out_put;
	}
	if (copy_from_user(tmp, uptr, (max + 7) / 8)) {
		rc = -EFAULT;
		goto out_free;
	}
	for (i = 0; i < max; i++) {
		if (!(tmp[i / 8] & (1u << (i % 8))))
			continue;
		io_pgtable_set_dirty(&mock->pd.pt, iova + i * page_size);
		count++;
	}
	cmd->dirty.out_nr_dirty = count;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
out_free:
	ufd_free(tmp);
out_put:
	iommufd_put_object(ucmd->ictx, hwpt_obj);
	return rc;
}

int iommufd_test_pasid_check_hwpt(struct iommufd_ucmd *ucmd,
				  struct iommu_test_cmd *cmd)
{
	uint32_t hwpt_id = cmd->pasid_check.hwpt_id;
	struct iommu_domain *attached_domain, *domain;
	struct iommufd_object *hwpt_obj;
	struct selftest_obj *sobj;
	int rc = 0;

	sobj = iommufd_test_get_selftest_obj(ucmd->ictx, cmd->id);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);

	attached_domain = iommu_attached_domain(sobj->idev.mock_dev->dev.group,
						cmd->pasid_check.pasid);

	/* hwpt_id 0 asks whether the pasid is detached */
	if (!hwpt_id) {
		if (attached_domain)
			rc = -EINVAL;
		goto out_sobj;
	}
	domain = iommufd_get_hwpt_domain(ucmd->ictx, hwpt_id, IOMMUFD_OBJ_ANY,
					 &hwpt_obj);
	if (IS_ERR(domain)) {
		rc = (int)PTR_ERR(domain);
		goto out_sobj;
	}
	if (attached_domain != domain)
		rc = -EINVAL;
	iommufd_put_object(ucmd->ictx, hwpt_obj);
out_sobj:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

int iommufd_test_pasid_attach(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd)
{
	struct selftest_obj *sobj;
	int rc;

	sobj = iommufd_test_get_selftest_obj(ucmd->ictx, cmd->id);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	rc = iommufd_device_attach(sobj->idev.idev, cmd->pasid_attach.pasid,
				   &cmd->pasid_attach.pt_id);
	if (rc)
		goto out_sobj;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		iommufd_device_detach(sobj->idev.idev, cmd->pasid_attach.pasid);
out_sobj:
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

int iommufd_test_pasid_replace(struct iommufd_ucmd *ucmd,
			       struct iommu_test_cmd *cmd)
{
	struct selftest_obj *sobj;
	int rc;

	sobj = iommufd_test_get_selftest_obj(ucmd->ictx, cmd->id);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	rc = iommufd_device_replace(sobj->idev.idev, cmd->pasid_attach.pasid,
				    &cmd->pasid_attach.pt_id);
	if (!rc)
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return rc;
}

int iommufd_test_pasid_detach(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd)
{
	struct selftest_obj *sobj;

	sobj = iommufd_test_get_selftest_obj(ucmd->ictx, cmd->id);
	if (IS_ERR(sobj))
		return (int)PTR_ERR(sobj);
	iommufd_device_detach(sobj->idev.idev, cmd->pasid_detach.pasid);
	iommufd_put_object(ucmd->ictx, &sobj->obj);
	return 0;
}

/* The mock device sends a page request, as a PRI-capable device would */
int iommufd_test_trigger_iopf(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd)
{
	struct iopf_group fault = {
		/* One-fault groups: every request is the last of its group */
		.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE,
		.pasid = cmd->trigger_iopf.pasid,
		.grpid = cmd->trigger_iopf.grpid,
		.perm = cmd->trigger_iopf.perm,
		.addr = cmd->trigger_iopf.addr,
	};
	struct iommufd_object *idev_obj;
	struct device *dev;
	int rc;

	dev = iommufd_get_dev(ucmd->ictx, cmd->trigger_iopf.dev_id, &idev_obj);
	if (IS_ERR(dev))
		return (int)PTR_ERR(dev);
	if (!iommufd_selftest_is_mock_dev(dev)) {
		iommufd_put_object(ucmd->ictx, idev_obj);
		return -EINVAL;
	}
	if (cmd->trigger_iopf.pasid != IOMMU_NO_PASID)
		fault.flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	/* As the kernel, a refused request is answered, not reported */
	rc = iommu_report_device_fault(dev, &fault);
	(void)rc;
	iommufd_put_object(ucmd->ictx, idev_obj);
	return 0;
}

/* The device's vIOMMU reports an event naming the device's virtual ID */
int iommufd_test_trigger_vevent(struct iommufd_ucmd *ucmd,
				struct iommu_test_cmd *cmd)
{
	struct iommu_viommu_event_selftest test = {};
	struct iommufd_object *idev_obj;
	struct mock_dev *mdev;
	struct device *dev;
	int rc = -ENOENT;

	dev = iommufd_get_dev(ucmd->ictx, cmd->trigger_vevent.dev_id,
			      &idev_obj);
	if (IS_ERR(dev))
		return (int)PTR_ERR(dev);
	if (!iommufd_selftest_is_mock_dev(dev)) {
		iommufd_put_object(ucmd->ictx, idev_obj);
		return -EINVAL;
	}
	mdev = to_mock_dev(dev);

	down_read(&mdev->viommu_rwsem);
	if (!mdev->viommu || !mdev->vdev_id)
		goto out_unlock;
	test.virt_id = (uint32_t)mdev->vdev_id;
	rc = iommufd_viommu_report_event(
		mdev->viommu, IOMMU_VEVENTQ_TYPE_SELFTEST, &test, sizeof(test));
out_unlock:
	up_read(&mdev->viommu_rwsem);
	iommufd_put_object(ucmd->ictx, idev_obj);
	return rc;
}
