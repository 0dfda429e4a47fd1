/* SPDX-License-Identifier: MIT */
/*
 * The kernel's test uAPI (IOMMU_TEST_CMD): mock devices and domains, test
 * accesses and dma-bufs, and the checks the kernel's own selftest runs. A
 * client of iommufd: the driver API, plus the test hooks of
 * core/iommufd_private.h (see src/LAYERS).
 */
#ifndef UIOMMUFD_SELFTEST_PRIVATE_H
#define UIOMMUFD_SELFTEST_PRIVATE_H

#include <uiommufd/iommufd_test.h>

#include "../core/iommufd_private.h"

struct iommufd_access;

/* access.c: the test's emulated-device accesses, each behind a file */
int iommufd_test_create_access(struct iommufd_ucmd *ucmd, unsigned int ioas_id,
			       unsigned int flags);
int iommufd_test_access_replace_ioas(struct iommufd_ucmd *ucmd,
				     unsigned int access_id,
				     unsigned int ioas_id);
int iommufd_test_access_pages(struct iommufd_ucmd *ucmd, unsigned int access_id,
			      unsigned long iova, size_t length, void *uptr,
			      uint32_t flags);
int iommufd_test_access_rw(struct iommufd_ucmd *ucmd, unsigned int access_id,
			   unsigned long iova, size_t length, void *ubuf,
			   unsigned int flags);
int iommufd_test_access_item_destroy(struct iommufd_ucmd *ucmd,
				     unsigned int access_id,
				     unsigned int item_id);
/* mock_device.c: mock devices and their domains */
int iommufd_test_mock_domain(struct iommufd_ucmd *ucmd,
			     struct iommu_test_cmd *cmd);
int iommufd_test_mock_domain_replace(struct iommufd_ucmd *ucmd,
				     unsigned int device_id, uint32_t pt_id,
				     struct iommu_test_cmd *cmd);
int iommufd_test_md_check_pa(struct iommufd_ucmd *ucmd, unsigned int mockpt_id,
			     unsigned long iova, size_t length, void *uptr);
int iommufd_test_md_check_iotlb(struct iommufd_ucmd *ucmd, uint32_t mockpt_id,
				unsigned int iotlb_id, uint32_t iotlb);
int iommufd_test_dev_check_cache(struct iommufd_ucmd *ucmd, uint32_t idev_id,
				 unsigned int cache_id, uint32_t cache);
int iommufd_test_dirty(struct iommufd_ucmd *ucmd, unsigned int mockpt_id,
		       unsigned long iova, size_t length,
		       unsigned long page_size, void *uptr, uint32_t flags);
int iommufd_test_trigger_iopf(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd);
int iommufd_test_trigger_vevent(struct iommufd_ucmd *ucmd,
				struct iommu_test_cmd *cmd);
int iommufd_test_pasid_check_hwpt(struct iommufd_ucmd *ucmd,
				  struct iommu_test_cmd *cmd);
int iommufd_test_pasid_attach(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd);
int iommufd_test_pasid_replace(struct iommufd_ucmd *ucmd,
			       struct iommu_test_cmd *cmd);
int iommufd_test_pasid_detach(struct iommufd_ucmd *ucmd,
			      struct iommu_test_cmd *cmd);

/* dmabuf.c: the test dma-buf exporter */
int iommufd_test_dmabuf_get(struct iommufd_ucmd *ucmd, unsigned int open_flags,
			    size_t len);
int iommufd_test_dmabuf_revoke(struct iommufd_ucmd *ucmd, int fd, bool revoked);

#endif
