/* SPDX-License-Identifier: MIT */
/*
 * The kernel's test uAPI (IOMMU_TEST_CMD): mock devices and domains, and the
 * checks the kernel's own selftest runs. A client of the engine, kept apart.
 */
#ifndef UIOMMUFD_SELFTEST_H
#define UIOMMUFD_SELFTEST_H

#include "../core/iommufd_private.h"

struct device;

/*
 * With MOCK_FLAGS_ACCESS_SYZ in *flags, read *iova as (nth area, offset)
 * of the IOAS: a layout a fuzzer can hit without knowing map results.
 */
void iommufd_test_syz_conv_iova_id(struct iommufd_ucmd *ucmd,
				   unsigned int ioas_id, __u64 *iova,
				   uint32_t *flags);

#endif
