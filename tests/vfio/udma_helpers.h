/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the VFIO tests: a VFIO device file bound and attached to an
 * iommufd, and an emulated udma driven through its registers.
 */
#ifndef UIOMMUFD_TESTS_UDMA_HELPERS_H
#define UIOMMUFD_TESTS_UDMA_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../lib/helpers.h"
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define CFG(off) (((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + (off))

static inline long bind(int dev, int iommufd, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b = {.argsz = sizeof(b),
					     .iommufd = iommufd};
	long rc = ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!rc && devid)
		*devid = b.out_devid;
	return rc;
}

static inline long attach(int dev, uint32_t *pt)
{
	struct vfio_device_attach_iommufd_pt a = {.argsz = sizeof(a),
						  .pt_id = *pt};
	long rc = ioc(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	*pt = a.pt_id;
	return rc;
}

static inline long detach(int dev)
{
	struct vfio_device_detach_iommufd_pt d = {.argsz = sizeof(d)};

	return ioc(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static inline void reg(int dev, uint32_t off, uint32_t v)
{
	assert_int_equal(4, uiommufd_pwrite(dev, &v, 4, off));
}

static inline uint32_t reg_read(int dev, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(4, uiommufd_pread(dev, &v, 4, off));
	return v;
}

static inline void bus_master(int dev)
{
	uint16_t cmd = 0x2 | 0x4 /* memory, bus master */;

	assert_int_equal(2, uiommufd_pwrite(dev, &cmd, 2, CFG(4)));
}

#endif
