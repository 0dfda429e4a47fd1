/* SPDX-License-Identifier: MIT */
#ifndef UIOMMUFD_SELFTEST_PRIVATE_H
#define UIOMMUFD_SELFTEST_PRIVATE_H

#include <uiommufd/iommufd_test.h>

#include "../core/iommufd_private.h"
#include "selftest.h"

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
unsigned long iommufd_test_syz_conv_iova(struct iommufd_access *access,
					 __u64 *iova);

#endif
