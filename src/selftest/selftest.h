/* SPDX-License-Identifier: MIT */
/*
 * The kernel's test uAPI (IOMMU_TEST_CMD): mock devices and domains, and the
 * checks the kernel's own selftest runs. A client of the engine, kept apart.
 */
#ifndef UIOMMUFD_SELFTEST_H
#define UIOMMUFD_SELFTEST_H

#include "../core/iommufd_private.h"

struct device;


#endif
