// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 model's hardware info as QEMU's arm-smmuv3,accel=on judges it.
 *
 * Before it allocates a vIOMMU, QEMU 11 (hw/arm/smmuv3-accel.c,
 * smmuv3_accel_check_hw_compatible()) compares the host SMMU's IDRs from
 * IOMMU_GET_HW_INFO with the registers of its own SMMUv3 model and refuses
 * the device on any mismatch. Its model, with every "auto" property left
 * as it is (ATS, RIL and SSIDSIZE then follow the host): a stream table
 * level (STLEVEL) of 1, little-endian AArch64 tables, 16-bit StreamIDs, a
 * 44-bit OAS, and the 4K, 16K and 64K granules. The checks, in QEMU's
 * order: STLEVEL equal; TTENDIAN not above its little-endian 2; TTF not
 * below its AArch64 2; SIDSIZE and OAS not below its own; each granule bit
 * equal. An x86 machine cannot run that QEMU path (accel=on needs KVM, see
 * docs/qemu-check.md), so this test holds the model to it instead.
 */
#include <errno.h>
#include <string.h>

#include "udma_helpers.h"

/* QEMU's SMMUv3 registers in accel mode with default properties */
#define QEMU_STLEVEL  1u
#define QEMU_TTENDIAN 2u /* little-endian only */
#define QEMU_TTF      2u /* AArch64 tables only */
#define QEMU_SIDSIZE  16u
#define QEMU_OAS      2u /* 44 bits */
#define QEMU_GRANULES 7u /* GRAN4K, GRAN16K, GRAN64K */

static unsigned int field(uint32_t reg, unsigned int shift, unsigned int width)
{
	return (reg >> shift) & ((1u << width) - 1);
}

static void get_info(struct iommu_hw_info_arm_smmuv3 *info)
{
	struct uiommufd_device_info smmu;
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.data_len = sizeof(*info),
		.data_uptr = (uintptr_t)info,
	};
	int ctx, dev;

	assert_int_equal(0, uiommufd_device_info(0, &smmu));
	ctx = uiommufd_open(0);
	assert_true(ctx >= 0);
	dev = uiommufd_vfio_cdev_open((unsigned int)smmu.vfio_index, 0);
	assert_true(dev >= 0);
	assert_int_equal(0, bind(dev, ctx, &cmd.dev_id));
	memset(info, 0xff, sizeof(*info));
	/* As QEMU asks: no input type, the driver's own in the answer */
	assert_int_equal(0, ioc(ctx, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, cmd.out_data_type);
	uiommufd_close(dev);
	uiommufd_close(ctx);
}

static void test_qemu_accel_compatible(void **state)
{
	struct iommu_hw_info_arm_smmuv3 info;

	(void)state;
	get_info(&info);
	/* IDR0: STLEVEL [28:27], TTENDIAN [22:21], TTF [3:2] */
	assert_int_equal(QEMU_STLEVEL, field(info.idr[0], 27, 2));
	assert_true(field(info.idr[0], 21, 2) <= QEMU_TTENDIAN);
	assert_true(field(info.idr[0], 2, 2) >= QEMU_TTF);
	/* IDR1: SIDSIZE [5:0] */
	assert_true(field(info.idr[1], 0, 6) >= QEMU_SIDSIZE);
	/* IDR5: OAS [2:0], GRAN4K 4, GRAN16K 5, GRAN64K 6 */
	assert_true(field(info.idr[5], 0, 3) >= QEMU_OAS);
	assert_int_equal(QEMU_GRANULES, field(info.idr[5], 4, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_accel_compatible),
	};

	if (uiommufd_devices_add("udma,iommu=smmuv3"))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
