// SPDX-License-Identifier: MIT
/*
 * The mock IOMMU's vIOMMU (IOMMU_VIOMMU_TYPE_SELFTEST), as the kernel's
 * selftest driver has it: nested domains on it, invalidation of its
 * devices' caches by virtual ID, two pages of "registers" the user can
 * mmap() through the iommufd (the first word holds the user's in_data), and
 * IOMMU_TEST_HW_QUEUE_MAX HW queues, each depending on the one before it.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "../../include/iommufd.h"
#include "mock_iommu.h"

struct mock_hw_queue {
	struct mock_viommu *mock_viommu;
	struct iommufd_hw_queue *core;
	struct mock_hw_queue *prev;
	uint16_t index;
};

struct mock_viommu {
	struct iommufd_viommu *core;
	struct iommu_domain *s2_parent;
	/* Protects hw_queue */
	struct mutex queue_mutex;
	struct mock_hw_queue *hw_queue[IOMMU_TEST_HW_QUEUE_MAX];
	/* The registers: a shared memory file, mapped by the user too */
	int memfd;
	uint32_t *page;
	unsigned long mmap_offset;
};

#define MOCK_VIOMMU_MMAP_PAGES 2

static void mock_viommu_free_page(struct mock_viommu *mock_viommu)
{
	munmap(mock_viommu->page, MOCK_VIOMMU_MMAP_PAGES * PAGE_SIZE);
	close(mock_viommu->memfd);
}

static void mock_viommu_destroy(struct iommufd_viommu *viommu)
{
	struct mock_viommu *mock_viommu = iommufd_viommu_priv(viommu);

	if (mock_viommu->mmap_offset) {
		iommufd_viommu_destroy_mmap(viommu, mock_viommu->mmap_offset);
		mock_viommu_free_page(mock_viommu);
	}
	mutex_destroy(&mock_viommu->queue_mutex);
}

static struct iommu_domain *
mock_viommu_alloc_domain_nested(struct iommufd_viommu *viommu, uint32_t flags,
				const struct iommu_user_data *user_data)
{
	struct mock_iommu_domain_nested *mock_nested;

	if (flags & ~IOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	mock_nested = mock_domain_alloc_nested_data(user_data);
	if (IS_ERR(mock_nested))
		return (void *)mock_nested;
	mock_nested->viommu = viommu;
	return &mock_nested->domain;
}

/* One entry; needs the vIOMMU's vdevs lock */
static int
mock_viommu_invalidate_one(struct iommufd_viommu *viommu,
			   const struct iommu_viommu_invalidate_selftest *cur)
{
	struct mock_dev *mdev;
	struct device *dev;

	if (cur->flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL)
		return -EOPNOTSUPP;
	if (cur->cache_id > MOCK_DEV_CACHE_ID_MAX)
		return -EINVAL;
	dev = iommufd_viommu_find_dev(viommu, cur->vdev_id);
	if (!dev)
		return -EINVAL;
	mdev = to_mock_dev(dev);
	if (cur->flags & IOMMU_TEST_INVALIDATE_FLAG_ALL) {
		/* Every entry; cache_id is ignored */
		for (int i = 0; i < MOCK_DEV_CACHE_NUM; i++)
			mdev->cache[i] = 0;
	} else {
		mdev->cache[cur->cache_id] = 0;
	}
	return 0;
}

static int mock_viommu_cache_invalidate(struct iommufd_viommu *viommu,
					struct iommu_user_data_array *array)
{
	struct iommu_viommu_invalidate_selftest *cmds;
	uint32_t done = 0;
	int rc;

	/* An empty array checks the type only */
	if (array->entry_num == 0 &&
	    array->type == IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST) {
		array->entry_num = 0;
		return 0;
	}

	/* As the kernel's kzalloc_objs(): past kmalloc's limit, ENOMEM */
	if ((size_t)array->entry_num * sizeof(*cmds) > UFD_KMALLOC_MAX_SIZE)
		return -ENOMEM;
	cmds = ufd_realloc_array(NULL, array->entry_num ? array->entry_num : 1,
				 sizeof(*cmds));
	/* As the kernel's, entry_num is left as the user gave it */
	if (!cmds)
		return -ENOMEM;
	rc = iommu_copy_struct_from_full_user_array(
		cmds, sizeof(*cmds), array,
		IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
	if (rc)
		goto out;

	iommufd_viommu_vdevs_lock(viommu);
	for (; done != array->entry_num; done++) {
		rc = mock_viommu_invalidate_one(viommu, &cmds[done]);
		if (rc)
			break;
	}
	iommufd_viommu_vdevs_unlock(viommu);
out:
	array->entry_num = done;
	ufd_free(cmds);
	return rc;
}

static size_t mock_viommu_get_hw_queue_size(struct iommufd_viommu *viommu,
					    unsigned int type)
{
	(void)viommu;
	if (type != IOMMU_HW_QUEUE_TYPE_SELFTEST)
		return 0;
	return sizeof(struct mock_hw_queue);
}

static void mock_hw_queue_destroy(struct iommufd_hw_queue *hw_queue)
{
	struct mock_hw_queue *mock_hw_queue = iommufd_hw_queue_priv(hw_queue);
	struct mock_viommu *mock_viommu = mock_hw_queue->mock_viommu;

	mutex_lock(&mock_viommu->queue_mutex);
	mock_viommu->hw_queue[mock_hw_queue->index] = NULL;
	if (mock_hw_queue->prev)
		iommufd_hw_queue_undepend(hw_queue, mock_hw_queue->prev->core);
	mutex_unlock(&mock_viommu->queue_mutex);
}

/* Queue n > 0 needs queue n - 1, and depends on it */
static int mock_hw_queue_init_phys(struct iommufd_hw_queue *hw_queue,
				   uint32_t index, uintptr_t base)
{
	struct mock_viommu *mock_viommu =
		iommufd_viommu_priv(iommufd_hw_queue_viommu(hw_queue));
	struct mock_hw_queue *mock_hw_queue = iommufd_hw_queue_priv(hw_queue);
	struct iommu_domain *parent = mock_viommu->s2_parent;
	struct mock_hw_queue *prev = NULL;
	int rc = 0;

	if (index >= IOMMU_TEST_HW_QUEUE_MAX)
		return -EINVAL;

	mutex_lock(&mock_viommu->queue_mutex);
	if (mock_viommu->hw_queue[index]) {
		rc = -EEXIST;
		goto unlock;
	}
	if (index) {
		prev = mock_viommu->hw_queue[index - 1];
		if (!prev) {
			rc = -EIO;
			goto unlock;
		}
	}
	/* The core must hand over the address the parent translates to */
	if (base != parent->ops->iova_to_host(
			    parent, iommufd_hw_queue_base_iova(hw_queue))) {
		rc = -EFAULT;
		goto unlock;
	}
	if (prev) {
		rc = iommufd_hw_queue_depend(hw_queue, prev->core);
		if (rc)
			goto unlock;
	}
	mock_hw_queue->prev = prev;
	mock_hw_queue->mock_viommu = mock_viommu;
	mock_hw_queue->core = hw_queue;
	mock_hw_queue->index = (uint16_t)index;
	mock_viommu->hw_queue[index] = mock_hw_queue;
unlock:
	mutex_unlock(&mock_viommu->queue_mutex);
	return rc;
}

static const struct iommufd_viommu_ops mock_viommu_ops = {
	.destroy = mock_viommu_destroy,
	.alloc_domain_nested = mock_viommu_alloc_domain_nested,
	.cache_invalidate = mock_viommu_cache_invalidate,
	.get_hw_queue_size = mock_viommu_get_hw_queue_size,
	.hw_queue_init_phys = mock_hw_queue_init_phys,
	.hw_queue_destroy = mock_hw_queue_destroy,
};

size_t mock_get_viommu_size(struct device *dev, unsigned int type)
{
	(void)dev;
	if (type != IOMMU_VIOMMU_TYPE_SELFTEST)
		return 0;
	return sizeof(struct mock_viommu);
}

/* The two pages, as __get_free_pages() would give them, in a memfd */
static int mock_viommu_alloc_page(struct mock_viommu *mock_viommu)
{
	size_t length = MOCK_VIOMMU_MMAP_PAGES * PAGE_SIZE;
	void *p;
	int rc;

	if (ufd_should_fail())
		return -ENOMEM;
	mock_viommu->memfd = memfd_create("uiommufd-mock-viommu", MFD_CLOEXEC);
	if (mock_viommu->memfd < 0)
		return -errno;
	if (ftruncate(mock_viommu->memfd, (off_t)length)) {
		rc = -errno;
		goto err_close;
	}
	p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
		 mock_viommu->memfd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto err_close;
	}
	mock_viommu->page = p;
	return 0;

err_close:
	close(mock_viommu->memfd);
	return rc;
}

/* With data: loop in_data back, and offer the pages for mmap() */
static int mock_viommu_init_data(struct mock_viommu *mock_viommu,
				 const struct iommu_user_data *user_data)
{
	struct iommu_viommu_selftest data;
	unsigned long offset;
	int rc;

	rc = iommu_copy_struct_from_user(
		&data, sizeof(data), user_data, IOMMU_VIOMMU_TYPE_SELFTEST,
		offsetofend(struct iommu_viommu_selftest, out_data));
	if (rc)
		return rc;

	rc = mock_viommu_alloc_page(mock_viommu);
	if (rc)
		return rc;
	rc = iommufd_viommu_alloc_mmap(mock_viommu->core, mock_viommu->memfd, 0,
				       MOCK_VIOMMU_MMAP_PAGES * PAGE_SIZE,
				       &offset);
	if (rc)
		goto err_free_page;

	*mock_viommu->page = data.in_data;
	data.out_data = data.in_data;
	data.out_mmap_length = MOCK_VIOMMU_MMAP_PAGES * PAGE_SIZE;
	data.out_mmap_offset = offset;
	rc = iommu_copy_struct_to_user(
		user_data, &data, sizeof(data), IOMMU_VIOMMU_TYPE_SELFTEST,
		offsetofend(struct iommu_viommu_selftest, out_data));
	if (rc)
		goto err_destroy_mmap;
	mock_viommu->mmap_offset = offset;
	return 0;

err_destroy_mmap:
	iommufd_viommu_destroy_mmap(mock_viommu->core, offset);
err_free_page:
	mock_viommu_free_page(mock_viommu);
	return rc;
}

int mock_viommu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent,
		     const struct iommu_user_data *user_data,
		     const struct iommufd_viommu_ops **ops)
{
	struct mock_viommu *mock_viommu = iommufd_viommu_priv(viommu);
	int rc;

	mock_viommu->core = viommu;
	if (user_data) {
		rc = mock_viommu_init_data(mock_viommu, user_data);
		if (rc)
			return rc;
	}
	mutex_init(&mock_viommu->queue_mutex);
	mock_viommu->s2_parent = parent;
	*ops = &mock_viommu_ops;
	return 0;
}
