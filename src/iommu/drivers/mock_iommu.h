/* SPDX-License-Identifier: MIT */
#ifndef UIOMMUFD_SELFTEST_MOCK_IOMMU_H
#define UIOMMUFD_SELFTEST_MOCK_IOMMU_H

#include <uiommufd/iommufd_test.h>

#include "../iommu.h"
#include "../paging_domain.h"

struct mock_iommu_domain {
	struct paging_domain pd;
};

static inline struct mock_iommu_domain *
to_mock_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct mock_iommu_domain, pd.domain);
}

struct iommufd_viommu;

struct mock_iommu_domain_nested {
	struct iommu_domain domain;
	/* The vIOMMU it was made on, if any: its devices need a vDEVICE */
	struct iommufd_viommu *viommu;
	uint32_t iotlb[MOCK_NESTED_DOMAIN_IOTLB_NUM];
};

static inline struct mock_iommu_domain_nested *
to_mock_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct mock_iommu_domain_nested, domain);
}

struct mock_dev {
	struct device dev;
	unsigned long flags;
	unsigned int id;
	uint32_t cache[MOCK_DEV_CACHE_NUM];
	int pasid_1024_fake_error;
	struct iommu_domain *domain;
	/*
	 * The vIOMMU of the nested domain the device is attached to, and the
	 * device's virtual ID there (events name it); viommu_rwsem
	 */
	struct rw_semaphore viommu_rwsem;
	struct iommufd_viommu *viommu;
	unsigned long vdev_id;
};

static inline struct mock_dev *to_mock_dev(struct device *dev)
{
	return container_of(dev, struct mock_dev, dev);
}

/* Mock devices hold no reference on their context: their object does */
bool iommufd_selftest_is_mock_dev(struct device *dev);
struct mock_dev *mock_dev_create(unsigned long dev_flags);
void mock_dev_destroy(struct mock_dev *mdev);
bool mock_domain_is_paging(struct iommu_domain *domain);
bool mock_domain_is_nested(struct iommu_domain *domain);
/* A mock nested domain from the user's struct iommu_hwpt_selftest */
struct mock_iommu_domain_nested *
mock_domain_alloc_nested_data(const struct iommu_user_data *user_data);

/* mock_viommu.c: the mock vIOMMU (IOMMU_VIOMMU_TYPE_SELFTEST) */
size_t mock_get_viommu_size(struct device *dev, unsigned int type);
int mock_viommu_init(struct iommufd_viommu *viommu, struct iommu_domain *parent,
		     const struct iommu_user_data *user_data,
		     const struct iommufd_viommu_ops **ops);

#endif
