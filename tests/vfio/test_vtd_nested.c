// SPDX-License-Identifier: MIT
/*
 * The software IOMMU's Intel VT-d model (issue 11): a udma added with
 * iommu=vtd reports IOMMU_HW_INFO_TYPE_INTEL_VTD, takes nested HWPTs of
 * IOMMU_HWPT_DATA_VTD_S1 over a nest-parent HWPT, and DMAs through both
 * stages: x86-64 page tables this test writes in "guest memory" (a buffer
 * mapped into the IOAS at GUEST_BASE, the stage-2 table), walked by the
 * model, with accessed/dirty bits, faults and an IOTLB that only
 * IOMMU_HWPT_INVALIDATE empties.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86_s1_helpers.h"

/* Guest memory past x86_s1_helpers.h's */
#define G_RING2 0x6000UL /* the second device's ring */

#define IOVA_RING2 0x6000UL

static struct uiommufd_device_info vtd_udma, plain_udma, vtd_udma2;

/* The nested HWPT attach_nested() made */
static uint32_t nested;

/* x86_build_tables(), and the second device's ring */
static void build_tables(void)
{
	x86_build_tables();
	*entry(G_PT, IOVA_RING2 >> 12) = gpa(G_RING2) | PTE_RWU;
}

static int setup(void **state)
{
	(void)state;
	x86_setup((unsigned int)vtd_udma.vfio_index);
	build_tables();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	x86_teardown();
	nested = 0;
	return 0;
}

static long nested_alloc(uint64_t flags, uint32_t width, uint64_t root,
			 uint32_t alloc_flags, uint32_t *out)
{
	struct iommu_hwpt_vtd_s1 s1 = {
		.flags = flags, .pgtbl_addr = root, .addr_width = width};

	return hwpt_alloc_ex(f.ctx, f.devid, f.parent, alloc_flags, 0,
			     IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), out);
}

/* A nested HWPT on the 4-level tables, the device attached to it */
static void attach_nested(void)
{
	uint32_t pt;

	assert_int_equal(0, nested_alloc(0, 48, gpa(G_PML4), 0, &nested));
	pt = nested;
	assert_int_equal(0, attach(f.dev, &pt));
	udma_start_ring(f.dev, IOVA_RING);
}

static long invalidate(void *entries, uint32_t entry_len, uint32_t *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = nested,
		.data_uptr = (uintptr_t)entries,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = entry_len,
		.entry_num = *num,
	};
	long rc = ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd);

	*num = cmd.entry_num;
	return rc;
}

static long hw_info(int ctx, uint32_t devid, struct iommu_hw_info_vtd *vtd,
		    uint32_t *type)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = devid,
		.data_len = sizeof(*vtd),
		.data_uptr = (uintptr_t)vtd,
	};
	long rc = ioc(ctx, IOMMU_GET_HW_INFO, &cmd);

	*type = cmd.out_data_type;
	return rc;
}

static void test_hw_info(void **state)
{
	struct iommu_hw_info_vtd vtd;
	uint32_t type, plain_id = 0;
	int plain;

	(void)state;
	assert_int_equal(0, hw_info(f.ctx, f.devid, &vtd, &type));
	assert_int_equal(IOMMU_HW_INFO_TYPE_INTEL_VTD, type);
	assert_true(vtd.cap_reg & (1ULL << 60));	  /* FL5LP */
	assert_true(vtd.cap_reg & (1ULL << 56));	  /* FL1GP */
	assert_int_equal(47, (vtd.cap_reg >> 16) & 0x3f); /* MGAW 48 */
	assert_true(vtd.ecap_reg & (1ULL << 26));	  /* nesting */
	assert_true(vtd.ecap_reg & (1ULL << 47));	  /* first stage */
	assert_false(vtd.ecap_reg & (1ULL << 31)); /* no supervisor requests */
	assert_true(vtd.ecap_reg & (1ULL << 40));  /* PASID */
	assert_int_equal(19, (vtd.ecap_reg >> 35) & 0x1f); /* PSS: 20 bits */
	assert_true(vtd.ecap_reg & (1ULL << 29));	   /* page requests */

	/* The default model stays what it was */
	plain = uiommufd_vfio_cdev_open((unsigned int)plain_udma.vfio_index, 0);
	assert_true(plain >= 0);
	assert_int_equal(0, bind(plain, f.ctx, &plain_id));
	assert_int_equal(0, hw_info(f.ctx, plain_id, &vtd, &type));
	assert_int_equal(IOMMU_HW_INFO_TYPE_NONE, type);
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, plain_id, f.ioas,
				       IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
	uiommufd_close(plain);
}

/* What the kernel's intel driver refuses, at allocation or at attach */
static void test_alloc_errors(void **state)
{
	struct iommu_hwpt_vtd_s1 s1 = {.pgtbl_addr = gpa(G_PML4),
				       .addr_width = 48};
	struct iommu_hwpt_arm_smmuv3 ste = {};
	uint32_t paging, id, pt;

	(void)state;
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas, 0, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &paging));
	/* Not a nest parent */
	assert_int_equal(-EINVAL, hwpt_alloc_ex(f.ctx, f.devid, paging, 0, 0,
						IOMMU_HWPT_DATA_VTD_S1, &s1,
						sizeof(s1), NULL));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.parent, 0, 0,
				       IOMMU_HWPT_DATA_ARM_SMMUV3, &ste,
				       sizeof(ste), NULL));
	/* The PASID flag is taken, as by the intel driver */
	assert_int_equal(0, nested_alloc(0, 48, gpa(G_PML4),
					 IOMMU_HWPT_ALLOC_PASID, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_NEST_PARENT |
					       IOMMU_HWPT_ALLOC_PASID,
				       0, IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	/* Accepted as given, refused where the PASID entry is written */
	assert_int_equal(0, nested_alloc(0, 39, gpa(G_PML4), 0, &id));
	pt = id;
	assert_int_equal(-EINVAL, attach(f.dev, &pt));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, nested_alloc(IOMMU_VTD_S1_SRE, 48, gpa(G_PML4), 0,
					 &id));
	pt = id;
	assert_int_equal(-EINVAL, attach(f.dev, &pt));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, nested_alloc(IOMMU_VTD_S1_EAFE, 57, gpa(G_PML5), 0,
					 &id));
	pt = id;
	assert_int_equal(-EINVAL, attach(f.dev, &pt));
	assert_int_equal(0, destroy(f.ctx, id));
	/* 5 levels are supported; WPE alone changes nothing for users */
	assert_int_equal(0, nested_alloc(IOMMU_VTD_S1_WPE, 57, gpa(G_PML5), 0,
					 &id));
	pt = id;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(0, detach(f.dev));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, destroy(f.ctx, paging));
}

/* Bytes through both stages; A on the path, D only where written */
static void test_copy_and_ad_bits(void **state)
{
	(void)state;
	attach_nested();
	fill(G_SRC, 0x5a);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x5a, 4096));

	assert_true(*entry(G_PML4, 0) & PTE_A);
	assert_true(*entry(G_PDPT, 0) & PTE_A);
	assert_true(*entry(G_PD, 0) & PTE_A);
	assert_true(*entry(G_PT, IOVA_SRC >> 12) & PTE_A);
	assert_false(*entry(G_PT, IOVA_SRC >> 12) & PTE_D);
	assert_int_equal(PTE_A | PTE_D,
			 *entry(G_PT, IOVA_DST >> 12) & (PTE_A | PTE_D));
	assert_false(*entry(G_PD, 0) & PTE_D); /* a table pointer has no D */
	assert_false(*entry(G_PD, 1) & PTE_A); /* the 2 MiB page was not used */

	x86_check_large_leaf();
}

/* Faults: the descriptor fails with the address, the engine goes on */
static void test_faults(void **state)
{
	(void)state;
	attach_nested();
	fill(G_SRC, 0x11);
	/* Faults are never cached: the hole walks again each time */
	x86_check_leaf_faults();
	/* A reserved bit (above the 48-bit address) */
	*entry(G_PT, IOVA_HOLE >> 12) = gpa(G_DST_B) | PTE_P | PTE_RW | PTE_US |
					1ULL << 50;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	x86_check_table_outside_guest();
	assert_true(all(G_DST_B, 0, 4096));
	/* Nothing failed for good */
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	assert_true(all(G_DST_A, 0x11, 16));
}

/* A changed PTE is not seen until IOMMU_HWPT_INVALIDATE says so */
static void test_stale_iotlb(void **state)
{
	struct iommu_hwpt_vtd_s1_invalidate inv[2] = {
		{.addr = IOVA_DST,
		 .npages = 1,
		 .flags = IOMMU_VTD_INV_FLAGS_LEAF},
	};
	uint32_t num;

	(void)state;
	attach_nested();
	fill(G_SRC, 0x21);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x21, 4096));

	/* The guest points IOVA_DST at another page and forgets to flush */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_P | PTE_RW | PTE_US;
	fill(G_SRC, 0x22);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x22, 4096));
	assert_true(all(G_DST_B, 0, 4096));

	/* A flush of another page leaves it cached */
	inv[0].addr = IOVA_HOLE;
	num = 1;
	assert_int_equal(0, invalidate(inv, sizeof(inv[0]), &num));
	assert_int_equal(1, num);
	fill(G_SRC, 0x23);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x23, 4096));

	/*
	 * The hardware invalidates an aligned power of two spanning the
	 * range: two pages from IOVA_HOLE take all of [0, 32 KiB)
	 */
	inv[0].addr = IOVA_HOLE;
	inv[0].npages = 2;
	num = 1;
	assert_int_equal(0, invalidate(inv, sizeof(inv[0]), &num));
	fill(G_SRC, 0x2a);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x2a, 4096));
	/* The guest moves it back to A and flushes it ... */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_A) | PTE_P | PTE_RW | PTE_US;
	inv[0].addr = IOVA_DST;
	inv[0].npages = 1;
	assert_int_equal(0, invalidate(inv, sizeof(inv[0]), &num));
	fill(G_SRC, 0x2b);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x2b, 4096));
	/* ... and moves it to B again, not flushed yet */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_P | PTE_RW | PTE_US;

	/* Entry by entry: the first bad one stops, entry_num says where */
	inv[0].addr = IOVA_DST;
	inv[1] = inv[0];
	inv[1].flags = 1u << 1;
	num = 2;
	assert_int_equal(-EOPNOTSUPP, invalidate(inv, sizeof(inv[0]), &num));
	assert_int_equal(1, num);
	fill(G_SRC, 0x24);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x24, 4096));
	assert_true(all(G_DST_A, 0x2b, 4096));

	inv[0].addr = IOVA_DST + 8;
	num = 1;
	assert_int_equal(-EINVAL, invalidate(inv, sizeof(inv[0]), &num));
	assert_int_equal(0, num);
	inv[0] = (struct iommu_hwpt_vtd_s1_invalidate){.addr = 4096,
						       .npages = UINT64_MAX};
	num = 1;
	assert_int_equal(-EINVAL, invalidate(inv, sizeof(inv[0]), &num));
	inv[0].__reserved = 1;
	inv[0].addr = 0;
	num = 1;
	assert_int_equal(-EOPNOTSUPP, invalidate(inv, sizeof(inv[0]), &num));
	assert_int_equal(0, num);

	/* Everything: addr 0, npages U64_MAX */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_A) | PTE_P | PTE_RW | PTE_US;
	inv[0].__reserved = 0;
	num = 1;
	assert_int_equal(0, invalidate(inv, sizeof(inv[0]), &num));
	fill(G_SRC, 0x25);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x25, 4096));
}

/*
 * Strict mode: the use of a stale entry is reported once per use, naming
 * the leaf to invalidate; after the invalidation, or with it off, nothing
 */
static void test_strict_iotlb(void **state)
{
	struct iommu_hwpt_vtd_s1_invalidate inv = {.addr = IOVA_DST,
						   .npages = 1};
	uint64_t count;
	uint32_t num = 1;
	char err[1024];
	static char many[8192];

	(void)state;
	attach_nested();
	assert_false(uiommufd_iotlb_strict(1));
	fill(G_SRC, 0x31);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	count = uiommufd_iotlb_stale_count();
	/* Cached and unchanged: agreed */
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_int_equal(count, uiommufd_iotlb_stale_count());

	/* Moved to B, not invalidated: A is written, and that is reported */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_P | PTE_RW | PTE_US;
	fill(G_SRC, 0x32);
	report_begin();
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	report_end(err, sizeof(err));
	assert_true(all(G_DST_A, 0x32, 4096));
	assert_int_equal(count + 1, uiommufd_iotlb_stale_count());
	assert_true(report_is(
		err,
		"write to IOVA 0x2000 used a stale IOTLB entry (cached "
		"0x40011000, tables now 0x40012000): "
		"missing=IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 addr=0x2000 "
		"npages=1\n",
		" iova=0x2000 write=1 cached=0x40011000 cached_write=1 "
		"now=0x40012000 now_write=1 "
		"missing=IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 addr=0x2000 "
		"npages=1\n",
		"\"iova\":\"0x2000\",\"write\":\"1\",\"cached\":\"0x40011000\","
		"\"cached_write\":\"1\",\"now\":\"0x40012000\",\"now_write\":"
		"\"1\",\"missing\":\"IOMMU_HWPT_INVALIDATE_DATA_VTD_S1\","
		"\"addr\":\"0x2000\",\"npages\":\"1\"}\n"));

	/* Invalidated: B, nothing to report */
	assert_int_equal(0, invalidate(&inv, sizeof(inv), &num));
	fill(G_SRC, 0x33);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x33, 4096));
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_int_equal(count + 1, uiommufd_iotlb_stale_count());

	/* Made read-only, then not present: the write still goes to B */
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_P | PTE_US;
	fill(G_SRC, 0x34);
	report_begin();
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	report_end(err, sizeof(err));
	assert_true(all(G_DST_B, 0x34, 4096));
	assert_int_equal(count + 2, uiommufd_iotlb_stale_count());
	assert_true(report_is(err, "tables now 0x40012000 read-only)",
			      " now=0x40012000 now_write=0 ",
			      "\"now\":\"0x40012000\",\"now_write\":\"0\""));
	*entry(G_PT, IOVA_DST >> 12) = 0;
	report_begin();
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	report_end(err, sizeof(err));
	assert_int_equal(count + 3, uiommufd_iotlb_stale_count());
	assert_true(report_is(err, "tables now fault): missing=IOMMU_HWPT",
			      " now=fault missing=IOMMU_HWPT",
			      "\"now\":\"fault\",\"missing\":\"IOMMU_HWPT"));

	/* Past the 16th report, stderr says so once and stays quiet */
	report_begin();
	while (uiommufd_iotlb_stale_count() < 20)
		assert_int_equal(UDMA_DESC_DONE,
				 copy(IOVA_SRC, IOVA_DST, 4096));
	report_end(many, sizeof(many));
	if (report_form() == REPORT_STDERR) {
		const char *note = strstr(many, "only counted");

		assert_non_null(note);
		assert_null(strstr(note, "stale IOTLB entry"));
	}

	/* Off: the stale entry is used and not counted */
	assert_true(uiommufd_iotlb_strict(0));
	assert_false(uiommufd_iotlb_strict(-1));
	fill(G_SRC, 0x35);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x35, 4096));
	assert_int_equal(20, uiommufd_iotlb_stale_count());
}

/* 5-level tables, by replacing the 4-level nested HWPT */
static void test_five_levels_replace(void **state)
{
	uint32_t five, pt;

	(void)state;
	attach_nested();
	fill(G_SRC, 0x31);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 64));
	assert_int_equal(0, nested_alloc(0, 57, gpa(G_PML5), 0, &five));
	pt = five;
	assert_int_equal(0, attach(f.dev, &pt));
	/* The 4-level root is the PML5 slot 0 walk now: same translation */
	fill(G_SRC, 0x32);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 64));
	assert_true(all(G_DST_A, 0x32, 64));
	assert_true(*entry(G_PML5, 0) & PTE_A);
	/* Beyond 48 bits only a 5-level table translates */
	*entry(G_PML5, 1) = gpa(G_PML4) | PTE_P | PTE_RW | PTE_US;
	assert_int_equal(UDMA_DESC_DONE,
			 copy(IOVA_SRC, (1ULL << 48) + IOVA_DST, 64));
	/* Back to 4 levels: that address is not canonical there */
	pt = nested;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, (1ULL << 48) + IOVA_DST, 64));
	assert_int_equal(-EBUSY, destroy(f.ctx, f.parent));
	assert_int_equal(0, destroy(f.ctx, five));
}

/* Every failable point of HW info, nested allocation and invalidation */
static void test_fail_nth(void **state)
{
	struct iommu_hwpt_vtd_s1_invalidate inv = {.npages = UINT64_MAX};
	struct iommu_hw_info_vtd vtd;
	unsigned int nth, failed = 0;
	uint32_t type, id = 0, num;
	long rc;

	(void)state;
	for (nth = 1; nth < 100; nth++) {
		uiommufd_fail_nth_set(nth);
		rc = hw_info(f.ctx, f.devid, &vtd, &type);
		if (!rc)
			rc = nested_alloc(0, 48, gpa(G_PML4), 0, &id);
		if (!rc) {
			nested = id;
			num = 1;
			rc = invalidate(&inv, sizeof(inv), &num);
		}
		if (fail_nth_step_end(rc, &failed))
			break;
		if (id)
			assert_int_equal(0, destroy(f.ctx, id));
		id = 0;
	}
	assert_true(failed >= 2 && nth < 100);
	assert_int_equal(0, destroy(f.ctx, id));
}

#define PIECES 32 /* 4 KiB pieces of guest memory, each its own area */

/* Which of the first PIECES pages of guest memory the parent saw dirty */
static uint32_t dirty_pages(uint32_t parent)
{
	uint64_t bitmap = 0;
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = parent,
		.iova = GUEST_BASE,
		.length = PIECES * 4096,
		.page_size = 4096,
		.data = (uintptr_t)&bitmap,
	};

	assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd));
	return (uint32_t)bitmap;
}

#define BIT_OF(off) (1u << ((off) >> 12))

/*
 * The parent's view, stage 2 with 4 KiB leaves: its dirty tracking sees
 * what the device wrote through both stages (the data, and the A/D bits
 * set in the guest's tables), and an unmap of the parent takes effect at
 * once, even for an address whose first stage the IOTLB holds.
 */
static void test_parent_dirty_and_unmap(void **state)
{
	struct iommu_hwpt_set_dirty_tracking track = {.size = sizeof(track),
						      .flags = 1};
	uint32_t ioas = ioas_alloc(f.ctx), parent, dirty;
	uint64_t iova, unmapped;

	(void)state;
	for (unsigned int i = 0; i != PIECES; i++) {
		iova = gpa(i * 4096UL);
		assert_int_equal(0, ioas_map(f.ctx, ioas, f.guest + i * 4096UL,
					     4096, &iova, FIXED));
	}
	assert_int_equal(
		0, hwpt_alloc_ex(f.ctx, f.devid, ioas,
				 IOMMU_HWPT_ALLOC_NEST_PARENT |
					 IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				 0, IOMMU_HWPT_DATA_NONE, NULL, 0, &parent));
	f.parent = parent;
	attach_nested();
	track.hwpt_id = parent;
	assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &track));
	dirty_pages(parent); /* read and clear */

	fill(G_SRC, 0x41);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	dirty = dirty_pages(parent);
	/* The ring (status), the tables (A, D), the data; not the source */
	assert_int_equal(BIT_OF(G_RING) | BIT_OF(G_PML4) | BIT_OF(G_PDPT) |
				 BIT_OF(G_PD) | BIT_OF(G_PT) | BIT_OF(G_DST_A),
			 dirty);
	/* A bits already set: only the ring and the data this time */
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_int_equal(BIT_OF(G_RING) | BIT_OF(G_DST_A), dirty_pages(parent));

	/* Stage 2 is never cached: the unmapped page faults at once */
	assert_int_equal(0, ioas_unmap(f.ctx, ioas, gpa(G_DST_A), 4096,
				       &unmapped));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_DST, 16));
	iova = gpa(G_DST_A);
	assert_int_equal(0, ioas_map(f.ctx, ioas, f.guest + G_DST_A, 4096,
				     &iova, FIXED));
	fill(G_SRC, 0x42);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	assert_true(all(G_DST_A, 0x42, 16));
}

/*
 * Two devices on one nested HWPT, one walking and filling the IOTLB all
 * the time, while the other's page moves and is invalidated each time:
 * after IOMMU_HWPT_INVALIDATE returns, no walk that began before it may
 * have left the old page cached, so every copy lands in the new page.
 */
static void test_invalidate_races_walks(void **state)
{
	struct iommu_hwpt_vtd_s1_invalidate inv = {.addr = IOVA_DST,
						   .npages = 1};
	struct udma_copy_loop n = {
		.ring = (struct udma_desc *)(f.guest + G_RING2),
		.ring_iova = IOVA_RING2,
		.src = IOVA_SRC + 2048,
		.dst = IOVA_DST + 2048,
		.len = 2048,
	};
	pthread_t thread;
	uint32_t pt, devid2, num;

	(void)state;
	attach_nested();
	n.dev = uiommufd_vfio_cdev_open((unsigned int)vtd_udma2.vfio_index, 0);
	assert_true(n.dev >= 0);
	assert_int_equal(0, bind(n.dev, f.ctx, &devid2));
	pt = nested;
	assert_int_equal(0, attach(n.dev, &pt));
	udma_copy_loop_start(&n, &thread);

	for (unsigned int i = 0; i != 300; i++) {
		uint64_t target = i & 1 ? G_DST_B : G_DST_A;

		__atomic_store_n(entry(G_PT, IOVA_DST >> 12),
				 gpa(target) | PTE_P | PTE_RW | PTE_US,
				 __ATOMIC_RELEASE);
		num = 1;
		assert_int_equal(0, invalidate(&inv, sizeof(inv), &num));
		memset(f.guest + G_SRC, (int)(i & 0xff), 2048);
		assert_int_equal(UDMA_DESC_DONE,
				 copy(IOVA_SRC, IOVA_DST, 2048));
		assert_true(all(target, (int)(i & 0xff), 2048));
	}
	udma_copy_loop_stop(&n, thread);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hw_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_copy_and_ad_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_strict_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_five_levels_replace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fail_nth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_races_walks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_dirty_and_unmap,
						setup, teardown),
	};

	if (uiommufd_devices_add("udma,iommu=vtd;udma;udma,iommu=vtd") ||
	    uiommufd_device_info(0, &vtd_udma) ||
	    uiommufd_device_info(1, &plain_udma) ||
	    uiommufd_device_info(2, &vtd_udma2))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
