// SPDX-License-Identifier: MIT
/*
 * The software IOMMU's ARM SMMUv3 model (issue 11), its requests and its
 * walk: a udma added with iommu=smmuv3 reports
 * IOMMU_HW_INFO_TYPE_ARM_SMMUV3, takes an IOMMU_VIOMMU_TYPE_ARM_SMMUV3
 * vIOMMU on a nest-parent HWPT, a vDEVICE with its vSID, and nested HWPTs
 * holding a guest STE, with the kernel's errnos for what arm-smmu-v3
 * refuses. The device DMAs through both stages: a CD and VMSAv8-64 tables
 * this test writes in guest memory, at each granule, with faults reported
 * as SMMUv3 event records on a vEVENTQ. Invalidation:
 * test_smmu_invalidate.c.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "smmu_helpers.h"

static void test_hw_info(void **state)
{
	struct iommu_hw_info_arm_smmuv3 info;
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = f.devid,
		.data_len = sizeof(info),
		.data_uptr = (uintptr_t)&info,
	};

	(void)state;
	memset(&info, 0xff, sizeof(info));
	assert_int_equal(0, ioc(f.ctx, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, cmd.out_data_type);
	assert_int_equal(0, info.flags);
	assert_int_equal(3, info.idr[0] & 3);		/* S1P, S2P */
	assert_int_equal(2, (info.idr[0] >> 2) & 3);	/* AArch64 tables */
	assert_true(info.idr[0] & (1u << 12));		/* ASID16 */
	assert_true(info.idr[0] & (1u << 18));		/* VMID16 */
	assert_int_equal(0, (info.idr[0] >> 6) & 3);	/* no HTTU */
	assert_false(info.idr[0] & (1u << 10));		/* no ATS */
	assert_false(info.idr[0] & (1u << 16));		/* no PRI */
	assert_int_equal(0, (info.idr[1] >> 6) & 0x1f); /* no SSIDs */
	assert_int_equal(0x75, info.idr[5] & 0x7f);	/* 4K/16K/64K, OAS 48 */
	assert_int_equal(0, info.idr[2] | info.idr[3] | info.idr[4]);
	assert_int_equal(0, info.iidr | info.aidr);
	/* Asked for another type */
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	assert_int_equal(-EOPNOTSUPP, ioc(f.ctx, IOMMU_GET_HW_INFO, &cmd));
}

/* The paging flags and vIOMMUs arm-smmu-v3 refuses */
static void test_viommu_errors(void **state)
{
	uint32_t paging, vtd_id = 0, vtd_parent = 0;
	int vtd;

	(void)state;
	/* No dirty tracking (no HTTU), one flag at a time */
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_NEST_PARENT |
					       IOMMU_HWPT_ALLOC_PASID,
				       0, IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas, 0, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &paging));
	/* Not a nest parent; another type */
	assert_int_equal(-EINVAL,
			 viommu_alloc(f.devid, paging,
				      IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL));
	assert_int_equal(-EOPNOTSUPP,
			 viommu_alloc(f.devid, f.parent,
				      IOMMU_VIOMMU_TYPE_SELFTEST, NULL));
	/* A nest parent of another IOMMU (the VT-d model's) */
	vtd = uiommufd_vfio_cdev_open((unsigned int)vtd_udma.vfio_index, 0);
	assert_true(vtd >= 0);
	assert_int_equal(0, bind(vtd, f.ctx, &vtd_id));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, vtd_id, f.ioas,
					  IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0,
					  &vtd_parent));
	assert_int_equal(-EINVAL,
			 viommu_alloc(f.devid, vtd_parent,
				      IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL));
	/* ... and the VT-d device has no vIOMMU type */
	assert_int_equal(-EOPNOTSUPP,
			 viommu_alloc(vtd_id, vtd_parent,
				      IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NULL));
	uiommufd_close(vtd);
	/* A nested HWPT straight on the parent: only through the vIOMMU */
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.parent, 0, 0,
				       IOMMU_HWPT_DATA_ARM_SMMUV3,
				       &(struct iommu_hwpt_arm_smmuv3){}, 16,
				       NULL));
	/* No HW queue op (arm_vsmmu_ops has none) */
	{
		struct iommu_hw_queue_alloc q = {
			.size = sizeof(q),
			.viommu_id = f.viommu,
			.type = IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
			.nesting_parent_iova = GUEST_BASE,
			.length = 4096,
		};

		assert_int_equal(-EOPNOTSUPP,
				 ioc(f.ctx, IOMMU_HW_QUEUE_ALLOC, &q));
	}
	assert_int_equal(0, destroy(f.ctx, paging));
}

/* arm_smmu_validate_vste(): EIO for STE data it refuses */
static void test_vste_errors(void **state)
{
	struct iommu_hwpt_vtd_s1 vtd = {};
	uint32_t id, pt, plain_id;
	int plain;

	(void)state;
	assert_int_equal(-EOPNOTSUPP,
			 nested_alloc(ste_s1(), 0, IOMMU_HWPT_ALLOC_PASID,
				      NULL));
	assert_int_equal(-EINVAL, hwpt_alloc_ex(f.ctx, f.devid, f.viommu, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, &vtd,
						sizeof(vtd), NULL));
	/* No data (the ioctl's check), short or long data: EINVAL */
	{
		uint64_t ste[3] = {ste_s1(), 0, 0};

		assert_int_equal(-EINVAL,
				 hwpt_alloc_ex(f.ctx, f.devid, f.viommu, 0, 0,
					       IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
					       0, NULL));
		assert_int_equal(-EINVAL,
				 hwpt_alloc_ex(f.ctx, f.devid, f.viommu, 0, 0,
					       IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
					       8, NULL));
		assert_int_equal(-EINVAL,
				 hwpt_alloc_ex(f.ctx, f.devid, f.viommu, 0, 0,
					       IOMMU_HWPT_DATA_ARM_SMMUV3, ste,
					       sizeof(ste), NULL));
	}
	/* Bits outside the allowed fields, in either dword */
	assert_int_equal(-EIO, nested_alloc(ste_s1() | 1ULL << 55, 0, 0, NULL));
	assert_int_equal(-EIO, nested_alloc(ste_s1(), 1ULL << 8, 0, NULL));
	assert_int_equal(-EIO, nested_alloc(ste_s1(), 1ULL << 19, 0, NULL));
	/* Stage-2 and nested configurations are the host's */
	assert_int_equal(-EIO, nested_alloc(STE0_V | STE0_CFG(6), 0, 0, NULL));
	assert_int_equal(-EIO, nested_alloc(STE0_V | STE0_CFG(7), 0, 0, NULL));
	assert_int_equal(-EIO, nested_alloc(STE0_V | STE0_CFG(1), 0, 0, NULL));
	/* EATS: abort or translate only */
	assert_int_equal(-EIO, nested_alloc(ste_s1(), STE1_EATS(2), 0, NULL));
	assert_int_equal(-EIO, nested_alloc(ste_s1(), STE1_EATS(3), 0, NULL));
	assert_int_equal(0, nested_alloc(ste_s1(), STE1_EATS(1), 0, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	/* Not valid: anything else in it is dropped, never refused */
	assert_int_equal(0, nested_alloc(~STE0_V, ~0ULL, 0, &id));
	pt = id;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(0, detach(f.dev));
	assert_int_equal(0, destroy(f.ctx, id));

	/* A nested HWPT is not invalidated itself: its vIOMMU is */
	assert_int_equal(0, nested_alloc(ste_s1(), 0, 0, &id));
	{
		struct iommu_hwpt_invalidate cmd = {
			.size = sizeof(cmd),
			.hwpt_id = id,
			.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3};

		assert_int_equal(-EOPNOTSUPP,
				 ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	}
	/* A device of another IOMMU is refused */
	plain = uiommufd_vfio_cdev_open((unsigned int)plain_udma.vfio_index, 0);
	assert_true(plain >= 0);
	assert_int_equal(0, bind(plain, f.ctx, &plain_id));
	pt = id;
	assert_int_equal(-EINVAL, attach(plain, &pt));
	uiommufd_close(plain);
	/* A translating STE needs the vDEVICE; abort and bypass do not */
	assert_int_equal(0, destroy(f.ctx, f.vdev));
	pt = id;
	assert_int_equal(-ENOENT, attach(f.dev, &pt));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, nested_alloc(STE0_V | STE0_CFG(0), 0, 0, &id));
	pt = id;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(0, detach(f.dev));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, nested_alloc(STE0_V | STE0_CFG(4), 0, 0, &id));
	pt = id;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(0, detach(f.dev));
	assert_int_equal(0, destroy(f.ctx, id));
}

/*
 * arm_smmu_validate_vste() checks no S1CDMax, S1Fmt or S1DSS rule: any
 * value is taken, S1DSS 3 (reserved) too. With SSIDSIZE 0 the
 * architecture ignores all three: S1ContextPtr is the one CD
 */
static void test_vste_substream_fields(void **state)
{
	const uint64_t ste0 = ste_s1() | STE0_S1FMT(1) | STE0_S1CDMAX(31);
	const uint64_t ste1 = STE1_S1DSS(3) | STE1_S1CACHE_WB | STE1_S1STALLD;
	uint32_t pt;

	(void)state;
	assert_int_equal(0, nested_alloc(ste0, ste1, 0, &f.nested));
	pt = f.nested;
	assert_int_equal(0, attach(f.dev, &pt));
	udma_start_ring(f.dev, IOVA_RING);
	fill(G_SRC, 0x3c);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x3c, 4096));
}

/* Bytes through CD, stage 1 and stage 2 at one granule */
static void copy_at_granule(unsigned int granule)
{
	build(granule);
	attach_ste(ste_s1());
	fill(G_SRC, 0x5a);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x5a, 4096));
	/* Larger pages: past the first 4 KiB, the same page */
	memset(f.guest + G_SRC + 0x2000, 0x5b, 512);
	assert_int_equal(granule > 12 ? UDMA_DESC_DONE
				      : UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_SRC + 0x2000, IOVA_DST + 0x3000, 512));
	assert_true(all(G_DST_A + 0x3000, granule > 12 ? 0x5b : 0, 512));
	/* Reading a read-only page is fine */
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_RO, IOVA_DST, 64));
}

static void test_granule_4k(void **state)
{
	(void)state;
	copy_at_granule(12);
	/* A 2 MiB block at level 2 */
	*slot(IOVA_BLOCK, 2) = gpa(G_BLOCK) | D_VALID | D_AF;
	fill(G_SRC, 0x61);
	assert_int_equal(UDMA_DESC_DONE,
			 copy(IOVA_SRC, IOVA_BLOCK + 0x1ff000, 4096));
	assert_true(all(G_BLOCK + 0x1ff000, 0x61, 4096));
}

static void test_granule_16k(void **state)
{
	(void)state;
	copy_at_granule(14);
	/* 16 KiB pages: the fourth 4 KiB of IOVA_DST is still G_DST_A */
	assert_int_equal(UDMA_DESC_DONE,
			 copy(IOVA_SRC, IOVA_DST + 0x3f00, 256));
	assert_true(all(G_DST_A + 0x3f00, 0x5a, 256));
}

static void test_granule_64k(void **state)
{
	(void)state;
	copy_at_granule(16);
	assert_int_equal(UDMA_DESC_DONE,
			 copy(IOVA_SRC, IOVA_DST + 0xf000, 4096));
	assert_true(all(G_DST_A + 0xf000, 0x5a, 4096));
}

/* Stage-1 faults fail the DMA and become event records with the vSID */
static void test_faults_events(void **state)
{
	uint64_t evt[4];

	(void)state;
	veventq_alloc();
	attach_ste(ste_s1());
	fill(G_SRC, 0x11);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	assert_int_equal(IOVA_HOLE, reg_read(f.dev, UDMA_REG_ERR_ADDR));
	expect_fault(EVT_TRANSLATION, IOVA_HOLE, true);
	/* AP[2]: read-only */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_RO, 16));
	expect_fault(EVT_PERMISSION, IOVA_RO, true);
	/* APTable[1] above a writable page makes it read-only too */
	*slot(IOVA_DST, 2) |= D_APT_RDONLY;
	cmd1(OP_TLBI_NH_ALL, 0);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_DST, 16));
	expect_fault(EVT_PERMISSION, IOVA_DST, true);
	*slot(IOVA_DST, 2) &= ~D_APT_RDONLY;
	/* AF clear: an access fault, on a read too */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_NOAF, IOVA_DST, 16));
	expect_fault(EVT_ACCESS, IOVA_NOAF, false);
	/* A page descriptor with the table bit clear at level 3 */
	*slot(IOVA_HOLE, 3) = gpa(G_DST_B) | D_VALID | D_AF;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_HOLE, IOVA_DST, 16));
	expect_fault(EVT_TRANSLATION, IOVA_HOLE, false);
	/* An output above the 48-bit OAS: an address size fault */
	*slot(IOVA_HOLE, 3) = (gpa(G_DST_B) | 1ULL << 48) | D_VALID | D_TABLE |
			      D_AF;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_HOLE, IOVA_DST, 16));
	expect_fault(EVT_ADDR_SIZE, IOVA_HOLE, false);
	/* ... and a table there */
	*slot(IOVA_HOLE, 2) |= 1ULL << 50;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_HOLE, IOVA_DST, 16));
	expect_fault(EVT_ADDR_SIZE, IOVA_HOLE, false);
	*slot(IOVA_HOLE, 2) &= ~(1ULL << 50);
	/* An input above T0SZ's range */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(1ULL << IAS, IOVA_DST, 16));
	expect_fault(EVT_TRANSLATION, 1ULL << IAS, false);
	/* A table outside guest memory: stage 2 faults, not forwarded */
	*slot(IOVA_BLOCK, 2) = 0x7000000000ULL | D_VALID | D_TABLE;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_BLOCK, IOVA_DST, 16));
	assert_false(next_event(evt));
	/* Nothing failed for good */
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	assert_true(all(G_DST_A, 0x11, 16));
	assert_false(next_event(evt));
}

/* Ring the doorbell of a device whose ring does not translate */
static void expect_halt(void)
{
	f.head = (f.head + 1) % 4;
	reg(f.dev, UDMA_REG_RING_HEAD, f.head);
	for (int i = 0; i != 2000 && !(reg_read(f.dev, UDMA_REG_STATUS) &
				       UDMA_STATUS_HALTED);
	     i++)
		usleep(500);
	assert_true(reg_read(f.dev, UDMA_REG_STATUS) & UDMA_STATUS_HALTED);
	assert_int_equal(UDMA_ERR_RING_FAULT,
			 reg_read(f.dev, UDMA_REG_ERR_CODE));
	/* Restarted with an empty ring */
	reg(f.dev, UDMA_REG_CONTROL, 0);
	reg(f.dev, UDMA_REG_RING_SIZE, 4);
	reg(f.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	f.head = 0;
}

/* A CD the model refuses: C_BAD_CD naming the vSID, for any address */
static void expect_bad_cd(uint64_t cd_0)
{
	uint64_t evt[4];

	at(G_CD)[0] = cd_0;
	cmd1(OP_CFGI_CD | (uint64_t)VSID << 32, 0);
	expect_halt();
	assert_true(next_event(evt));
	assert_int_equal(EVT_BAD_CD, evt[0] & 0xff);
	assert_int_equal(VSID, evt[0] >> 32);
	assert_int_equal(0, evt[1] | evt[2] | evt[3]);
	assert_false(next_event(evt));
}

/* The CD decides: AFFD, EPD0, a bad CD; cached until CFGI_CD */
static void test_cd(void **state)
{
	uint64_t evt[4];

	(void)state;
	veventq_alloc();
	at(G_CD)[0] |= CD0_AFFD;
	attach_ste(ste_s1());
	fill(G_SRC, 0x31);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_NOAF, IOVA_DST, 16));
	/* Walks off: the CD is cached, the change unseen until CFGI_CD */
	at(G_CD)[0] |= CD0_EPD0;
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	cmd1(OP_CFGI_CD | (uint64_t)VSID << 32, 0);
	/* The ring and IOVA_DST stay in the IOTLB; IOVA_SRC walks */
	cmd1(OP_TLBI_NH_VA | (uint64_t)ASID << 48, IOVA_SRC);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_SRC, IOVA_DST, 16));
	expect_fault(EVT_TRANSLATION, IOVA_SRC, false);
	/* Not valid; not AArch64; TG0 reserved; T0SZ 8; big-endian */
	expect_bad_cd(cd0(ASID) & ~CD0_V);
	expect_bad_cd(cd0(ASID) & ~CD0_AA64);
	expect_bad_cd(cd0(ASID) | 3ULL << 6);
	expect_bad_cd((cd0(ASID) & ~0x3fULL) | 8);
	expect_bad_cd((cd0(ASID) & ~0x3fULL) | 40);
	expect_bad_cd(cd0(ASID) | 1ULL << 15);
	/* Fixed, and seen after CFGI_CD_ALL */
	at(G_CD)[0] = cd0(ASID);
	cmd1(OP_CFGI_CD_ALL | (uint64_t)VSID << 32, 0);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	assert_true(all(G_DST_A, 0x31, 16));
	assert_false(next_event(evt));
}

/* Abort and bypass STEs, as the kernel installs them */
static void test_abort_bypass(void **state)
{
	uint64_t evt[4];
	uint32_t pt;

	(void)state;
	veventq_alloc();
	/* Abort, and a non-valid STE: nothing gets through, no event */
	attach_ste(STE0_V | STE0_CFG(0));
	reg(f.dev, UDMA_REG_RING_HEAD, 1);
	for (int i = 0; i != 2000 && !(reg_read(f.dev, UDMA_REG_STATUS) &
				       UDMA_STATUS_HALTED);
	     i++)
		usleep(500);
	assert_true(reg_read(f.dev, UDMA_REG_STATUS) & UDMA_STATUS_HALTED);
	assert_int_equal(IOVA_RING, reg_read(f.dev, UDMA_REG_ERR_ADDR));
	assert_false(next_event(evt));
	reg(f.dev, UDMA_REG_CONTROL, 0);
	f.head = 0;
	/* Bypass: stage 2 only, the device address is the IPA */
	assert_int_equal(0, nested_alloc(STE0_V | STE0_CFG(4), 0, 0, &pt));
	assert_int_equal(0, attach(f.dev, &pt));
	udma_start_ring(f.dev, gpa(G_RING));
	fill(G_SRC, 0x44);
	assert_int_equal(UDMA_DESC_DONE, copy(gpa(G_SRC), gpa(G_DST_B), 4096));
	assert_true(all(G_DST_B, 0x44, 4096));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(gpa(G_SRC), IOVA_DST, 16));
	assert_false(next_event(evt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hw_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_viommu_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vste_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vste_substream_fields,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_granule_4k, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_granule_16k, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_granule_64k, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_faults_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_bypass, setup,
						teardown),
	};

	if (smmu_devices_add())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
