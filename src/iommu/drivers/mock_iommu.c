// SPDX-License-Identifier: MIT
/*
 * The mock IOMMU of the test uAPI: mock devices, and the domains of a
 * made-up IOMMU with 2 KiB pages (so that sub-CPU-page mappings get
 * exercised), an aperture of [MOCK_APERTURE_START, MOCK_APERTURE_LAST], dirty
 * tracking, and a nested domain type whose "IOTLB" the tests can inspect.
 */
#include <stdio.h>

#include "../../include/iommufd.h"
#include "../paging_domain.h"
#include "mock_iommu.h"

#define MOCK_GRANULE_SHIFT 11 /* MOCK_PAGE_SIZE */
#define MOCK_LEVELS	   3

static const struct iommu_ops mock_ops;
static const struct iommu_domain_ops domain_nested_ops;

bool iommufd_selftest_is_mock_dev(struct device *dev)
{
	return dev->iommu_ops == &mock_ops;
}

static int mock_domain_nop_attach(struct iommu_domain *domain,
				  struct device *dev, struct iommu_domain *old)
{
	struct mock_dev *mdev = to_mock_dev(dev);
	struct iommufd_viommu *new_viommu = NULL;
	unsigned long vdev_id = 0;
	int rc;

	(void)old;
	/* A device without dirty tracking cannot join a tracking domain */
	if (domain->dirty_ops && (mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY))
		return -EINVAL;
	/* On a vIOMMU's nested domain the device needs its vDEVICE */
	if (domain->type == IOMMU_DOMAIN_NESTED) {
		new_viommu = to_mock_nested(domain)->viommu;
		if (new_viommu) {
			rc = iommufd_viommu_get_vdev_id(new_viommu, dev,
							&vdev_id);
			if (rc)
				return rc;
		}
	}
	if (new_viommu != mdev->viommu) {
		down_write(&mdev->viommu_rwsem);
		mdev->viommu = new_viommu;
		mdev->vdev_id = vdev_id;
		up_write(&mdev->viommu_rwsem);
	}
	mdev->domain = domain;
	return 0;
}

static int mock_domain_set_dev_pasid_nop(struct iommu_domain *domain,
					 struct device *dev, uint32_t pasid,
					 struct iommu_domain *old)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	(void)old;
	/*
	 * PASID 1024 fails every second attach, so the core's roll back of a
	 * failed replace can be tested; attaching the blocked domain resets.
	 */
	if (pasid == IOMMU_TEST_PASID_RESERVED) {
		if (domain->type == IOMMU_DOMAIN_BLOCKED) {
			__atomic_store_n(&mdev->pasid_1024_fake_error, 0,
					 __ATOMIC_RELAXED);
		} else if (__atomic_exchange_n(&mdev->pasid_1024_fake_error, 0,
					       __ATOMIC_RELAXED)) {
			return -ENOMEM;
		} else {
			__atomic_store_n(&mdev->pasid_1024_fake_error, 1,
					 __ATOMIC_RELAXED);
		}
	}
	return 0;
}

static const struct iommu_domain_ops mock_blocking_ops = {
	.attach_dev = mock_domain_nop_attach,
	.set_dev_pasid = mock_domain_set_dev_pasid_nop,
};

static struct iommu_domain mock_blocking_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &mock_blocking_ops,
	.owner = &mock_ops,
};

static void *mock_domain_hw_info(struct device *dev, uint32_t *length,
				 uint32_t *type)
{
	struct iommu_test_hw_info *info;

	(void)dev;
	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != IOMMU_HW_INFO_TYPE_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	info = ufd_new(struct iommu_test_hw_info);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->test_reg = IOMMU_HW_INFO_SELFTEST_REGVAL;
	*length = sizeof(*info);
	*type = IOMMU_HW_INFO_TYPE_SELFTEST;
	return info;
}

static void mock_domain_free(struct iommu_domain *domain)
{
	struct mock_iommu_domain *mock = to_mock_domain(domain);

	paging_domain_deinit(&mock->pd);
	ufd_free(mock);
}

static const struct iommu_domain_ops mock_domain_ops = {
	.map = paging_domain_map,
	.unmap = paging_domain_unmap,
	.iova_to_host = paging_domain_iova_to_host,
	.count_tables = paging_domain_count_tables,
	.free = mock_domain_free,
	.attach_dev = mock_domain_nop_attach,
	.set_dev_pasid = mock_domain_set_dev_pasid_nop,
};

static const struct iommu_dirty_ops mock_dirty_ops = {
	.set_dirty_tracking = paging_domain_set_dirty_tracking,
	.read_and_clear_dirty = paging_domain_read_and_clear_dirty,
};

static struct mock_iommu_domain *
mock_domain_alloc_pgtable(const struct iommu_hwpt_selftest *user_cfg,
			  uint32_t flags)
{
	struct io_pgtable_cfg cfg = {
		.granule_shift = MOCK_GRANULE_SHIFT,
		.levels = MOCK_LEVELS,
	};
	struct mock_iommu_domain *mock;
	int rc;

	switch (user_cfg->pagetable_type) {
	case MOCK_IOMMUPT_DEFAULT:
		/* The table's own levels; larger sizes are runs of them */
		cfg.leaf_sizes = MOCK_PAGE_SIZE | (MOCK_PAGE_SIZE << 9) |
				 (MOCK_PAGE_SIZE << 18);
		break;
	case MOCK_IOMMUPT_HUGE:
		cfg.leaf_sizes = MOCK_HUGE_PAGE_SIZE;
		break;
	default:
		return ERR_PTR(-EOPNOTSUPP);
	}

	mock = ufd_new(struct mock_iommu_domain);
	if (!mock)
		return ERR_PTR(-ENOMEM);
	rc = paging_domain_init(&mock->pd, &cfg);
	if (rc) {
		ufd_free(mock);
		return ERR_PTR(rc);
	}
	mock->pd.domain.ops = &mock_domain_ops;
	mock->pd.domain.owner = &mock_ops;
	if (user_cfg->pagetable_type == MOCK_IOMMUPT_HUGE) {
		/*
		 * Huge mode expects huge pages from the user, but PAGE_SIZE has
		 * to be there for iommufd to take the domain.
		 */
		mock->pd.domain.pgsize_bitmap = MOCK_HUGE_PAGE_SIZE | PAGE_SIZE;
	} else {
		/*
		 * Like the AMDv1 format it mimics, every power of two from the
		 * 2 KiB page up to 64 GiB can be mapped (as runs of the
		 * table's level sizes).
		 */
		mock->pd.domain.pgsize_bitmap = ~(MOCK_PAGE_SIZE - 1UL) &
						((1UL << 37) - 1);
		/* The test aperture, narrower than the table */
		mock->pd.domain.geometry.aperture_start = MOCK_APERTURE_START;
		mock->pd.domain.geometry.aperture_end = MOCK_APERTURE_LAST;
	}
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		mock->pd.domain.dirty_ops = &mock_dirty_ops;
	return mock;
}

static struct iommu_domain *
mock_domain_alloc_paging_flags(struct device *dev, uint32_t flags,
			       const struct iommu_user_data *user_data)
{
	const uint32_t paging_flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
				      IOMMU_HWPT_ALLOC_NEST_PARENT |
				      IOMMU_HWPT_ALLOC_PASID;
	bool has_dirty_flag = flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct mock_dev *mdev = to_mock_dev(dev);
	bool no_dirty_ops = mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY;
	struct iommu_hwpt_selftest user_cfg = {};
	struct mock_iommu_domain *mock;
	int rc;

	if ((flags & ~paging_flags) || (has_dirty_flag && no_dirty_ops))
		return ERR_PTR(-EOPNOTSUPP);
	if (user_data && user_data->type != IOMMU_HWPT_DATA_SELFTEST &&
	    user_data->type != IOMMU_HWPT_DATA_NONE)
		return ERR_PTR(-EOPNOTSUPP);
	if (user_data) {
		rc = iommu_copy_struct_from_user(
			&user_cfg, sizeof(user_cfg), user_data,
			IOMMU_HWPT_DATA_SELFTEST,
			offsetofend(struct iommu_hwpt_selftest, iotlb));
		if (rc)
			return ERR_PTR(rc);
	}

	mock = mock_domain_alloc_pgtable(&user_cfg, flags);
	if (IS_ERR(mock))
		return (void *)mock;
	return &mock->pd.domain;
}

static void mock_domain_free_nested(struct iommu_domain *domain)
{
	ufd_free(to_mock_nested(domain));
}

static int
mock_domain_cache_invalidate_user(struct iommu_domain *domain,
				  struct iommu_user_data_array *array)
{
	struct mock_iommu_domain_nested *mock_nested = to_mock_nested(domain);
	struct iommu_hwpt_invalidate_selftest inv;
	uint32_t processed = 0;
	int rc = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}
	for (uint32_t i = 0; i < array->entry_num; i++) {
		rc = iommu_copy_struct_from_user_array(
			&inv, sizeof(inv), array,
			IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, i,
			offsetofend(struct iommu_hwpt_invalidate_selftest,
				    iotlb_id));
		if (rc)
			break;
		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}
		if (inv.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX) {
			rc = -EINVAL;
			break;
		}
		if (inv.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			for (int j = 0; j < MOCK_NESTED_DOMAIN_IOTLB_NUM; j++)
				mock_nested->iotlb[j] = 0;
		} else {
			mock_nested->iotlb[inv.iotlb_id] = 0;
		}
		processed++;
	}
out:
	array->entry_num = processed;
	return rc;
}

static const struct iommu_domain_ops domain_nested_ops = {
	.free = mock_domain_free_nested,
	.attach_dev = mock_domain_nop_attach,
	.cache_invalidate_user = mock_domain_cache_invalidate_user,
	.set_dev_pasid = mock_domain_set_dev_pasid_nop,
};

struct mock_iommu_domain_nested *
mock_domain_alloc_nested_data(const struct iommu_user_data *user_data)
{
	struct mock_iommu_domain_nested *mock_nested;
	struct iommu_hwpt_selftest user_cfg;
	int rc;

	if (user_data->type != IOMMU_HWPT_DATA_SELFTEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(&user_cfg, sizeof(user_cfg), user_data,
					 IOMMU_HWPT_DATA_SELFTEST,
					 offsetofend(struct iommu_hwpt_selftest,
						     iotlb));
	if (rc)
		return ERR_PTR(rc);

	mock_nested = ufd_new(struct mock_iommu_domain_nested);
	if (!mock_nested)
		return ERR_PTR(-ENOMEM);
	mock_nested->domain.ops = &domain_nested_ops;
	mock_nested->domain.type = IOMMU_DOMAIN_NESTED;
	for (int i = 0; i < MOCK_NESTED_DOMAIN_IOTLB_NUM; i++)
		mock_nested->iotlb[i] = user_cfg.iotlb;
	return mock_nested;
}

static struct iommu_domain *
mock_domain_alloc_nested(struct device *dev, struct iommu_domain *parent,
			 uint32_t flags,
			 const struct iommu_user_data *user_data)
{
	struct mock_iommu_domain_nested *mock_nested;

	(void)dev;
	if (flags & ~IOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	if (!parent || parent->type != IOMMU_DOMAIN_PAGING)
		return ERR_PTR(-EINVAL);
	mock_nested = mock_domain_alloc_nested_data(user_data);
	if (IS_ERR(mock_nested))
		return (void *)mock_nested;
	return &mock_nested->domain;
}

static bool mock_domain_capable(struct device *dev, enum iommu_cap cap)
{
	struct mock_dev *mdev = to_mock_dev(dev);

	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
		return true;
	case IOMMU_CAP_DIRTY_TRACKING:
		return !(mdev->flags & MOCK_FLAGS_DEVICE_NO_DIRTY);
	default:
		return false;
	}
}

static const struct iommu_ops mock_ops = {
	.name = "mock",
	.dev_owned_by_ctx = true,
	.user_pasid_table = true,
	.blocked_domain = &mock_blocking_domain,
	.hw_info = mock_domain_hw_info,
	.domain_alloc_paging_flags = mock_domain_alloc_paging_flags,
	.domain_alloc_nested = mock_domain_alloc_nested,
	.capable = mock_domain_capable,
	.get_viommu_size = mock_get_viommu_size,
	.viommu_init = mock_viommu_init,
};

bool mock_domain_is_paging(struct iommu_domain *domain)
{
	return domain->ops == &mock_domain_ops;
}

bool mock_domain_is_nested(struct iommu_domain *domain)
{
	return domain->ops == &domain_nested_ops;
}

static unsigned int mock_dev_next_id;

struct mock_dev *mock_dev_create(unsigned long dev_flags)
{
	const unsigned long valid_flags = MOCK_FLAGS_DEVICE_NO_DIRTY |
					  MOCK_FLAGS_DEVICE_PASID;
	struct mock_dev *mdev;
	int rc;

	if (dev_flags & ~valid_flags)
		return ERR_PTR(-EINVAL);

	mdev = ufd_new(struct mock_dev);
	if (!mdev)
		return ERR_PTR(-ENOMEM);
	mdev->flags = dev_flags;
	init_rwsem(&mdev->viommu_rwsem);
	for (int i = 0; i < MOCK_DEV_CACHE_NUM; i++)
		mdev->cache[i] = IOMMU_TEST_DEV_CACHE_DEFAULT;
	mdev->id = __atomic_fetch_add(&mock_dev_next_id, 1, __ATOMIC_RELAXED);
	snprintf(mdev->dev.name, sizeof(mdev->dev.name), "iommufd_mock%u",
		 mdev->id);
	if (dev_flags & MOCK_FLAGS_DEVICE_PASID)
		mdev->dev.max_pasid_log2 = MOCK_PASID_WIDTH;

	rc = iommu_device_add(&mdev->dev, &mock_ops, NULL);
	if (rc) {
		destroy_rwsem(&mdev->viommu_rwsem);
		ufd_free(mdev);
		return ERR_PTR(rc);
	}
	return mdev;
}

void mock_dev_destroy(struct mock_dev *mdev)
{
	iommu_device_remove(&mdev->dev);
	destroy_rwsem(&mdev->viommu_rwsem);
	ufd_free(mdev);
}
