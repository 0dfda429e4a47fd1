// SPDX-License-Identifier: MIT
/*
 * The software IOMMU's ARM SMMUv3 model (issue 11), its invalidation: the
 * ASID-tagged IOTLB and the cached CD, which only CMDQ commands through
 * the vIOMMU (IOMMU_HWPT_INVALIDATE) empty, with the kernel's errnos and
 * entry_num for the commands arm_vsmmu_cache_invalidate() refuses; events
 * without a vEVENTQ; invalidations racing a second device's walks; every
 * allocation failing in turn. The walk itself: test_smmu_walk.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "smmu_helpers.h"

/* A changed PTE is not seen until a TLBI of its ASID and address */
static void test_stale_iotlb(void **state)
{
	const uint64_t va = OP_TLBI_NH_VA | (uint64_t)ASID << 48;

	(void)state;
	attach_ste(ste_s1());
	fill(G_SRC, 0x21);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x21, 4096));
	/* The guest points IOVA_DST at B and does not invalidate */
	map_page(IOVA_DST, G_DST_B, D_AF);
	fill(G_SRC, 0x22);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x22, 4096));
	assert_true(all(G_DST_B, 0, 4096));
	/* Another ASID, another address, ATC_INV, CFGI_CD: still A */
	cmd1(OP_TLBI_NH_VA | (uint64_t)(ASID + 1) << 48, IOVA_DST);
	cmd1(va, IOVA_SRC);
	cmd1(OP_ATC_INV | (uint64_t)VSID << 32, 0);
	cmd1(OP_CFGI_CD | (uint64_t)VSID << 32, 0);
	fill(G_SRC, 0x23);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x23, 4096));
	/* TLBI_NH_VA of the ASID and address: B */
	cmd1(va, IOVA_DST);
	fill(G_SRC, 0x24);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x24, 4096));
	/* TLBI_NH_VAA: any ASID */
	map_page(IOVA_DST, G_DST_A, D_AF);
	cmd1(OP_TLBI_NH_VAA, IOVA_DST);
	fill(G_SRC, 0x25);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x25, 4096));
	/* TLBI_NH_ASID: another ASID keeps it, this one drops it */
	map_page(IOVA_DST, G_DST_B, D_AF);
	cmd1(OP_TLBI_NH_ASID | (uint64_t)(ASID + 1) << 48, 0);
	fill(G_SRC, 0x26);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x26, 4096));
	cmd1(OP_TLBI_NH_ASID | (uint64_t)ASID << 48, 0);
	fill(G_SRC, 0x27);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x27, 4096));
	/* A new ASID in the CD (after CFGI_CD) misses: its own entries */
	map_page(IOVA_DST, G_DST_A, D_AF);
	at(G_CD)[0] = cd0(ASID + 1);
	cmd1(OP_CFGI_CD | (uint64_t)VSID << 32, 0);
	fill(G_SRC, 0x28);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x28, 4096));
	/* TLBI_NH_ALL (and NSNH_ALL) drop every ASID */
	map_page(IOVA_DST, G_DST_B, D_AF);
	cmd1(0x30 /* TLBI_NSNH_ALL */, 0);
	fill(G_SRC, 0x29);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x29, 4096));
}

/*
 * Strict mode: the use of a stale entry is reported once per use, naming
 * the TLBI of its ASID and address; after the TLBI, or with it off, nothing
 */
static void test_strict_iotlb(void **state)
{
	const uint64_t va = OP_TLBI_NH_VA | (uint64_t)ASID << 48;
	uint64_t count;
	char err[1024];

	(void)state;
	attach_ste(ste_s1());
	assert_false(uiommufd_iotlb_strict(1));
	fill(G_SRC, 0x31);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	count = uiommufd_iotlb_stale_count();
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_int_equal(count, uiommufd_iotlb_stale_count());

	/* Moved to B; a TLBI of another ASID does not count */
	map_page(IOVA_DST, G_DST_B, D_AF);
	cmd1(OP_TLBI_NH_VA | (uint64_t)(ASID + 1) << 48, IOVA_DST);
	fill(G_SRC, 0x32);
	report_begin();
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	report_end(err, sizeof(err));
	assert_true(all(G_DST_A, 0x32, 4096));
	assert_int_equal(count + 1, uiommufd_iotlb_stale_count());
	assert_true(report_is(
		err,
		"write to IOVA 0x1110000 used a stale IOTLB entry (cached "
		"0x40410000, tables now 0x40420000): missing=CMD_TLBI_NH_VA "
		"asid=7 va=0x1110000 or=CMD_TLBI_NH_ASID\n",
		" iova=0x1110000 write=1 cached=0x40410000 cached_write=1 "
		"now=0x40420000 now_write=1 missing=CMD_TLBI_NH_VA asid=7 "
		"va=0x1110000 or=CMD_TLBI_NH_ASID\n",
		"\"iova\":\"0x1110000\",\"write\":\"1\",\"cached\":"
		"\"0x40410000\",\"cached_write\":\"1\",\"now\":\"0x40420000\","
		"\"now_write\":\"1\",\"missing\":\"CMD_TLBI_NH_VA\",\"asid\":"
		"\"7\",\"va\":\"0x1110000\",\"or\":\"CMD_TLBI_NH_ASID\"}\n"));

	/* The TLBI: B, nothing to report */
	cmd1(va, IOVA_DST);
	fill(G_SRC, 0x33);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x33, 4096));
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_int_equal(count + 1, uiommufd_iotlb_stale_count());

	/* Off: the stale entry is used and not counted */
	assert_true(uiommufd_iotlb_strict(0));
	map_page(IOVA_DST, G_DST_A, D_AF);
	fill(G_SRC, 0x34);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x34, 4096));
	assert_int_equal(count + 1, uiommufd_iotlb_stale_count());
}

/* arm_vsmmu_cache_invalidate(): entry by entry, EIO, batches */
static void test_invalidate_errors(void **state)
{
	uint64_t cmds[3][2] = {{OP_TLBI_NH_ALL, 0}};
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = f.viommu,
		.data_uptr = (uintptr_t)cmds,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = 16,
	};
	uint32_t num;

	(void)state;
	/* An empty array is refused, as is another type */
	assert_int_equal(-EINVAL, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	cmd.entry_num = 1;
	cmd.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST;
	assert_int_equal(-EINVAL, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(0, cmd.entry_num);
	/* Longer entries with non-zero tails: E2BIG */
	{
		uint64_t longer[3] = {OP_TLBI_NH_ALL, 0, 1};

		cmd.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
		cmd.data_uptr = (uintptr_t)longer;
		cmd.entry_len = 24;
		cmd.entry_num = 1;
		assert_int_equal(-E2BIG,
				 ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
		longer[2] = 0;
		cmd.entry_num = 1;
		assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
		assert_int_equal(1, cmd.entry_num);
	}
	/* Opcodes the kernel does not forward: EIO where they are */
	cmds[1][0] = OP_CFGI_STE | (uint64_t)VSID << 32;
	num = 2;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(1, num);
	cmds[1][0] = 0x46; /* CMD_SYNC */
	num = 2;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(1, num);
	/* A vSID without a vDEVICE */
	cmds[0][0] = OP_CFGI_CD | (uint64_t)(VSID + 1) << 32;
	num = 1;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(0, num);
	cmds[0][0] = OP_ATC_INV | (uint64_t)(VSID + 1) << 32;
	num = 1;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(0, num);
	cmds[0][0] = OP_CFGI_CD_ALL | (uint64_t)(VSID + 1) << 32;
	num = 1;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(0, num);
	cmds[0][0] = OP_CFGI_CD | (uint64_t)VSID << 32;
	cmds[1][0] = OP_TLBI_NH_ASID;
	cmds[2][0] = OP_ATC_INV | (uint64_t)VSID << 32;
	num = 3;
	assert_int_equal(0, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(3, num);

	/*
	 * As in the kernel, a bad command drops the checked commands of its
	 * batch: entry_num counts the TLBI before it, which was not issued
	 */
	attach_ste(ste_s1());
	fill(G_SRC, 0x51);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	map_page(IOVA_DST, G_DST_B, D_AF);
	cmds[0][0] = OP_TLBI_NH_ALL;
	cmds[1][0] = 0x7f;
	num = 2;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(1, num);
	fill(G_SRC, 0x52);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x52, 4096));
	/* 63 good commands are a batch: issued before the bad 64th */
	{
		uint64_t(*many)[2] = calloc(64, sizeof(*many));

		assert_non_null(many);
		for (int i = 0; i != 63; i++)
			many[i][0] = OP_TLBI_NH_ALL;
		many[63][0] = 0x7f;
		num = 64;
		assert_int_equal(-EIO,
				 invalidate((const uint64_t(*)[2])many, &num));
		assert_int_equal(63, num);
		free(many);
	}
	fill(G_SRC, 0x53);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x53, 4096));
}

/*
 * The array's entry_len, as iommu_copy_struct_from_full_user_array() reads
 * it: shorter entries are zero-extended (no minimum), longer ones must
 * have zero tails (E2BIG, nothing issued, entry_num 0), past a page the
 * core refuses (EINVAL)
 */
static void test_invalidate_entry_len(void **state)
{
	uint64_t words[6] = {OP_TLBI_NH_ALL, OP_ATC_INV | (uint64_t)VSID << 32,
			     OP_CFGI_CD | (uint64_t)VSID << 32};
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = f.viommu,
		.data_uptr = (uintptr_t)words,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = 8,
		.entry_num = 3,
	};

	(void)state;
	assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(3, cmd.entry_num);
	/* Even one byte: the opcode */
	cmd.entry_len = 1;
	cmd.entry_num = 1;
	assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(1, cmd.entry_num);
	/* Short entries are checked as any: a bad vSID in the second */
	words[1] = OP_CFGI_CD | (uint64_t)(VSID + 1) << 32;
	cmd.entry_len = 8;
	cmd.entry_num = 3;
	assert_int_equal(-EIO, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(1, cmd.entry_num);
	/* 24 bytes: the second entry's tail is not zero */
	memset(words, 0, sizeof(words));
	words[0] = OP_TLBI_NH_ALL;
	words[3] = OP_TLBI_NH_ALL;
	words[5] = 1;
	cmd.entry_len = 24;
	cmd.entry_num = 2;
	assert_int_equal(-E2BIG, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(0, cmd.entry_num);
	cmd.entry_len = 4097;
	cmd.entry_num = 1;
	assert_int_equal(-EINVAL, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
	assert_int_equal(0, cmd.entry_num);
}

/*
 * A bad command in the second batch: the first 63 were issued, the ones
 * after them not, though entry_num counts them
 */
static void test_invalidate_bad_in_second_batch(void **state)
{
	uint64_t(*cmds)[2] = calloc(100, sizeof(*cmds));
	uint32_t num;

	(void)state;
	assert_non_null(cmds);
	attach_ste(ste_s1());
	fill(G_SRC, 0x61);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	map_page(IOVA_DST, G_DST_B, D_AF);
	for (int i = 0; i != 100; i++)
		cmds[i][0] = OP_ATC_INV | (uint64_t)VSID << 32;
	cmds[70][0] = OP_TLBI_NH_ALL;
	cmds[80][0] = OP_CFGI_STE | (uint64_t)VSID << 32;
	num = 100;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(80, num);
	fill(G_SRC, 0x62);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x62, 4096));
	/* In the first batch, the same TLBI is issued */
	cmds[70][0] = OP_ATC_INV | (uint64_t)VSID << 32;
	cmds[10][0] = OP_TLBI_NH_ALL;
	num = 100;
	assert_int_equal(-EIO, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(80, num);
	fill(G_SRC, 0x63);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x63, 4096));
	free(cmds);
}

/*
 * arm_vsmmu_cache_invalidate() copies the array into a kzalloc_objs()
 * buffer: past kmalloc's 4 MiB (arm64, 4 KiB pages) that is ENOMEM before
 * any command is looked at, and entry_num stays what the caller gave
 */
static void test_invalidate_kmalloc_limit(void **state)
{
	const uint32_t max = (4U << 20) / 16;
	uint64_t(*cmds)[2] = calloc(max + 1, sizeof(*cmds));
	uint32_t num;

	(void)state;
	assert_non_null(cmds);
	for (uint32_t i = 0; i != max + 1; i++)
		cmds[i][0] = OP_ATC_INV | (uint64_t)VSID << 32;
	num = max + 1;
	assert_int_equal(-ENOMEM, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(max + 1, num);
	/* Even for a bad command in it */
	cmds[0][0] = 0x7f;
	num = max + 1;
	assert_int_equal(-ENOMEM, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(max + 1, num);
	cmds[0][0] = OP_ATC_INV | (uint64_t)VSID << 32;
	num = max;
	assert_int_equal(0, invalidate((const uint64_t(*)[2])cmds, &num));
	assert_int_equal(max, num);
	free(cmds);
}

/* Without a vEVENTQ, faults only fail the DMA */
static void test_no_veventq(void **state)
{
	(void)state;
	attach_ste(ste_s1());
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	veventq_alloc();
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	expect_fault(EVT_TRANSLATION, IOVA_HOLE, true);
}

/*
 * Two devices (two vSIDs) on one nested HWPT, one walking and filling the
 * IOTLB and its CD cache all the time, while the other's page moves and
 * is invalidated each time: after the TLBI returns, no walk that began
 * before it may have left the old page cached.
 */
static void test_invalidate_races_walks(void **state)
{
	struct iommu_vdevice_alloc vdev = {.size = sizeof(vdev),
					   .viommu_id = f.viommu,
					   .virt_id = VSID + 1};
	struct udma_copy_loop n = {
		.ring = (struct udma_desc *)(f.guest + G_RING2),
		.ring_iova = IOVA_RING2,
		.src = IOVA_SRC + 2048,
		.dst = IOVA_DST + 2048,
		.len = 2048,
	};
	pthread_t thread;
	uint32_t pt;

	(void)state;
	attach_ste(ste_s1());
	n.dev = uiommufd_vfio_cdev_open((unsigned int)smmu_udma2.vfio_index, 0);
	assert_true(n.dev >= 0);
	assert_int_equal(0, bind(n.dev, f.ctx, &vdev.dev_id));
	assert_int_equal(0, ioc(f.ctx, IOMMU_VDEVICE_ALLOC, &vdev));
	pt = f.nested;
	assert_int_equal(0, attach(n.dev, &pt));
	udma_copy_loop_start(&n, &thread);

	for (unsigned int i = 0; i != 300; i++) {
		uint64_t target = i & 1 ? G_DST_B : G_DST_A;

		__atomic_store_n(slot(IOVA_DST, 3),
				 gpa(target) | D_VALID | D_TABLE | D_AF,
				 __ATOMIC_RELEASE);
		cmd1(OP_TLBI_NH_VA | (uint64_t)ASID << 48, IOVA_DST);
		if (!(i % 8))
			cmd1(OP_CFGI_CD | (uint64_t)(VSID + 1) << 32, 0);
		memset(f.guest + G_SRC, (int)(i & 0xff), 2048);
		assert_int_equal(UDMA_DESC_DONE,
				 copy(IOVA_SRC, IOVA_DST, 2048));
		assert_true(all(target, (int)(i & 0xff), 2048));
	}
	udma_copy_loop_stop(&n, thread);
}

/* Every allocation of hw info, vIOMMU, vDEVICE, nested HWPT, invalidation */
static void test_fail_nth(void **state)
{
	const uint64_t cmds[1][2] = {{OP_CFGI_CD | (uint64_t)VSID << 32, 0}};
	struct iommu_vdevice_alloc vdev = {.size = sizeof(vdev),
					   .virt_id = VSID};
	struct iommu_hw_info_arm_smmuv3 info;
	struct iommu_hw_info hw = {
		.size = sizeof(hw),
		.dev_id = f.devid,
		.data_len = sizeof(info),
		.data_uptr = (uintptr_t)&info,
	};
	unsigned int nth, failed = 0;
	uint32_t viommu = 0, id = 0, num;
	long rc;

	(void)state;
	/* The fixture's vIOMMU goes: this sweep makes its own */
	assert_int_equal(0, destroy(f.ctx, f.vdev));
	assert_int_equal(0, destroy(f.ctx, f.viommu));
	for (nth = 1; nth < 200; nth++) {
		uiommufd_fail_nth_set(nth);
		rc = ioc(f.ctx, IOMMU_GET_HW_INFO, &hw);
		if (!rc)
			rc = viommu_alloc(f.devid, f.parent,
					  IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
					  &viommu);
		if (!rc) {
			vdev.viommu_id = f.viommu = viommu;
			vdev.dev_id = f.devid;
			rc = ioc(f.ctx, IOMMU_VDEVICE_ALLOC, &vdev);
		}
		if (!rc)
			rc = nested_alloc(ste_s1(), 0, 0, &id);
		if (!rc) {
			num = 1;
			rc = invalidate(cmds, &num);
		}
		if (fail_nth_step_end(rc, &failed))
			break;
		if (id)
			assert_int_equal(0, destroy(f.ctx, id));
		if (viommu) {
			/* The vDEVICE, if made, holds the vIOMMU */
			if (vdev.out_vdevice_id)
				assert_int_equal(
					0, destroy(f.ctx, vdev.out_vdevice_id));
			assert_int_equal(0, destroy(f.ctx, viommu));
		}
		id = viommu = 0;
		vdev.out_vdevice_id = 0;
	}
	assert_true(failed >= 4 && nth < 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_strict_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_entry_len,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_invalidate_bad_in_second_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_kmalloc_limit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_veventq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_races_walks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_nth, setup, teardown),
	};

	if (smmu_devices_add())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
