// SPDX-License-Identifier: MIT
/*
 * The software IOMMU's AMD model (issue 11): a udma added with iommu=amd
 * reports IOMMU_HW_INFO_TYPE_AMD, takes a vIOMMU over a nest-parent HWPT
 * and nested HWPTs of IOMMU_HWPT_DATA_AMD_GUEST (a guest DTE) on it, and
 * DMAs through both stages: a GCR3 table and x86-64 (v2) page tables this
 * test writes in "guest memory" (buffers mapped into the IOAS, the stage-2
 * table), walked by the model with accessed/dirty bits and faults. Linux
 * 7.2 has no AMD invalidation op, so the model caches nothing: a changed
 * guest entry is seen by the next DMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "x86_s1_helpers.h"

#define HIGH_BASE 0x180000000UL /* GPA of a second page: bits 31 and 32 */

/* Guest memory past x86_s1_helpers.h's */
#define G_PT_B	 0x6000UL /* a second last-level table */
#define G_GCR3	 0x7000UL /* GCR3 root bits 14:12 all set */
#define G_GCR3_B 0x8000UL
#define G_PML4_B 0x9000UL /* a second chain of tables: dst is B */
#define G_PDPT_B 0xa000UL
#define G_PD_B	 0xb000UL
#define G_GCR3_C 0xc000UL /* a three-level GCR3 table: D -> C -> G_GCR3 */
#define G_GCR3_D 0xd000UL

/* Guest DTE fields (AMD IOMMU specification; amd_iommu_types.h) */
#define DTE0_V	     (1ULL << 0)
#define DTE0_TV	     (1ULL << 1)
#define DTE0_MODE(m) ((uint64_t)(m) << 9)
#define DTE0_GIOV    (1ULL << 54)
#define DTE0_GV	     (1ULL << 55)
#define DTE0_GLX(x)  ((uint64_t)(x) << 56)
#define DTE2_GPT(l)  ((uint64_t)(l) << 54)
#define GCR3_VALID   (1ULL << 0)

/* EFR / EFR2 bits */
#define EFR_PPR	     (1ULL << 1)
#define EFR_GT	     (1ULL << 4)
#define EFR_GIOSUP   (1ULL << 48)
#define EFR_HDSUP    (1ULL << 52)
#define EFR2_GCR3TRP (1ULL << 3)

/* 7.2 has no AMD vIOMMU type; the driver takes any but the default */
#define VIOMMU_TYPE 0x77

static struct uiommufd_device_info amd_udma, vtd_udma, amd_udma2;

/* The vIOMMU over f.parent, and the page mapped at HIGH_BASE */
static uint32_t viommu_id;
static char *high_page;

/* x86_build_tables(), a second chain of tables and the GCR3 tables */
static void build_tables(void)
{
	x86_build_tables();
	/* A second chain of 4-level tables whose dst is B */
	*entry(G_PML4_B, 0) = gpa(G_PDPT_B) | PTE_RWU;
	*entry(G_PDPT_B, 0) = gpa(G_PD_B) | PTE_RWU;
	*entry(G_PD_B, 0) = gpa(G_PT_B) | PTE_RWU;
	memcpy(f.guest + G_PT_B, f.guest + G_PT, 4096);
	*entry(G_PT_B, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_RWU;
	*entry(G_GCR3_B, 0) = gpa(G_PML4_B) | GCR3_VALID;
	/* GCR3 tables: entry 0 (PASID 0) is the guest CR3 */
	*entry(G_GCR3, 0) = gpa(G_PML4) | GCR3_VALID;
}

static int setup(void **state)
{
	uint64_t iova = HIGH_BASE;

	(void)state;
	x86_setup((unsigned int)amd_udma.vfio_index);
	high_page = map_anon(4096);
	assert_int_equal(0, ioas_map(f.ctx, f.ioas, high_page, 4096, &iova,
				     FIXED));
	assert_int_equal(0, viommu_alloc_ex(f.ctx, f.devid, f.parent,
					    VIOMMU_TYPE, &viommu_id));
	build_tables();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	x86_teardown();
	munmap(high_page, 4096);
	high_page = NULL;
	viommu_id = 0;
	return 0;
}

/* A guest DTE as a guest driver writes it for a v2 (guest) table */
static struct iommu_hwpt_amd_guest gdte(uint64_t gcr3_root, unsigned int glx,
					unsigned int gpt, bool giov)
{
	struct iommu_hwpt_amd_guest g = {};

	g.dte[0] = DTE0_V | DTE0_TV | DTE0_GV | (giov ? DTE0_GIOV : 0) |
		   DTE0_GLX(glx) | ((gcr3_root >> 12) & 7) << 58;
	g.dte[1] = ((gcr3_root >> 15) & 0xffff) << 16 |
		   (gcr3_root >> 31) << 43 | 0x2a; /* gDomID */
	g.dte[2] = DTE2_GPT(gpt);
	return g;
}

static long nested_alloc(struct iommu_hwpt_amd_guest *g, uint32_t *out)
{
	return hwpt_alloc_ex(f.ctx, f.devid, viommu_id, 0, 0,
			     IOMMU_HWPT_DATA_AMD_GUEST, g, sizeof(*g), out);
}

/* Program the ring at @ring (a device address) and start the engine */
static void start_ring(uint64_t ring)
{
	reg(f.dev, UDMA_REG_CONTROL, 0);
	udma_start_ring(f.dev, ring);
	f.head = 0;
}

/* Attach the device to a new nested HWPT of @g; its ID */
static uint32_t attach_gdte(struct iommu_hwpt_amd_guest *g)
{
	uint32_t id, pt;

	assert_int_equal(0, nested_alloc(g, &id));
	pt = id;
	assert_int_equal(0, attach(f.dev, &pt));
	return id;
}

static uint32_t attach_default(void)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3), 0, 0, true);
	uint32_t id = attach_gdte(&g);

	start_ring(IOVA_RING);
	return id;
}

/*
 * One descriptor the engine cannot even fetch (the ring's own translation
 * broken): it halts with a ring fault at the descriptor's address
 */
static void ring_fault(uint64_t ring)
{
	uint32_t status = 0;

	f.head = (f.head + 1) % 4;
	reg(f.dev, UDMA_REG_RING_HEAD, f.head);
	for (int i = 0; i != 2000 && !(status & UDMA_STATUS_HALTED); i++) {
		usleep(500);
		status = reg_read(f.dev, UDMA_REG_STATUS);
	}
	assert_true(status & UDMA_STATUS_HALTED);
	assert_int_equal(UDMA_ERR_RING_FAULT,
			 reg_read(f.dev, UDMA_REG_ERR_CODE));
	assert_int_equal(ring + ((f.head + 3) % 4) * sizeof(struct udma_desc),
			 reg_read(f.dev, UDMA_REG_ERR_ADDR));
}

static long hw_info(uint32_t devid, uint32_t in_type,
		    struct iommu_hw_info_amd *amd, uint32_t *type)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = devid,
		.data_len = sizeof(*amd),
		.data_uptr = (uintptr_t)amd,
		.in_data_type = in_type,
	};
	long rc;

	if (in_type)
		cmd.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	rc = ioc(f.ctx, IOMMU_GET_HW_INFO, &cmd);
	*type = cmd.out_data_type;
	return rc;
}

static void test_hw_info(void **state)
{
	struct iommu_hw_info_amd amd;
	uint32_t type;

	(void)state;
	assert_int_equal(0, hw_info(f.devid, 0, &amd, &type));
	assert_int_equal(IOMMU_HW_INFO_TYPE_AMD, type);
	assert_true(amd.efr & EFR_GT);
	assert_true(amd.efr & EFR_GIOSUP);
	assert_true(amd.efr & EFR_HDSUP);
	assert_int_equal(1, (amd.efr >> 12) & 3);  /* GATS: 5-level */
	assert_int_equal(1, (amd.efr >> 14) & 3);  /* GLXSup: two levels */
	assert_int_equal(0, (amd.efr >> 32) & 31); /* PASmax: PASID 0 */
	assert_false(amd.efr & EFR_PPR);
	assert_int_equal(EFR2_GCR3TRP, amd.efr2);
	assert_int_equal(0,
			 hw_info(f.devid, IOMMU_HW_INFO_TYPE_AMD, &amd, &type));
	assert_int_equal(IOMMU_HW_INFO_TYPE_AMD, type);
	assert_int_equal(-EOPNOTSUPP,
			 hw_info(f.devid, IOMMU_HW_INFO_TYPE_INTEL_VTD, &amd,
				 &type));
}

/* amd_iommu_domain_alloc_paging_flags() and the vIOMMU's checks */
static void test_paging_and_viommu(void **state)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3), 0, 0, true);
	uint32_t id, paging, vtd_id = 0, vtd_parent, pt;
	int vtd;

	(void)state;
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_PASID, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_NEST_PARENT |
					       IOMMU_HWPT_ALLOC_PASID,
				       0, IOMMU_HWPT_DATA_NONE, NULL, 0, NULL));
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
				       IOMMU_HWPT_ALLOC_NEST_PARENT |
					       IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				       0, IOMMU_HWPT_DATA_NONE, NULL, 0, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, f.devid, f.ioas, 0, 0,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &paging));
	/* No domain_alloc_nested: a guest DTE goes through a vIOMMU */
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, f.parent, 0, 0,
				       IOMMU_HWPT_DATA_AMD_GUEST, &g, sizeof(g),
				       NULL));
	/* The vIOMMU: any type but the default, on a nest parent */
	assert_int_equal(-EOPNOTSUPP,
			 viommu_alloc_ex(f.ctx, f.devid, f.parent,
					 IOMMU_VIOMMU_TYPE_DEFAULT, NULL));
	assert_int_equal(-EINVAL, viommu_alloc_ex(f.ctx, f.devid, paging,
						  VIOMMU_TYPE, NULL));
	assert_int_equal(0, viommu_alloc_ex(f.ctx, f.devid, f.parent,
					    IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	/* A parent of another model's device is not this IOMMU's */
	vtd = uiommufd_vfio_cdev_open((unsigned int)vtd_udma.vfio_index, 0);
	assert_true(vtd >= 0);
	assert_int_equal(0, bind(vtd, f.ctx, &vtd_id));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, vtd_id, f.ioas,
					  IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0,
					  &vtd_parent));
	assert_int_equal(-EINVAL, viommu_alloc_ex(f.ctx, f.devid, vtd_parent,
						  VIOMMU_TYPE, NULL));
	/* Nor is an AMD nested HWPT the other model's device's */
	assert_int_equal(0, nested_alloc(&g, &id));
	pt = id;
	assert_int_equal(-EINVAL, attach(vtd, &pt));
	assert_int_equal(0, destroy(f.ctx, id));
	uiommufd_close(vtd);
	assert_int_equal(0, destroy(f.ctx, vtd_parent));
	assert_int_equal(0, destroy(f.ctx, paging));
}

/* validate_gdte_nested() and the copy of the data, errno for errno */
static void test_bad_dte(void **state)
{
	struct iommu_hwpt_amd_guest g;
	struct iommu_hwpt_vtd_s1 s1 = {};
	uint64_t big[5] = {};
	uint32_t id;

	(void)state;
	g = gdte(gpa(G_GCR3), 0, 0, true);
	g.dte[0] |= DTE0_MODE(4); /* a host page table mode */
	assert_int_equal(-EINVAL, nested_alloc(&g, NULL));
	g = gdte(gpa(G_GCR3), 0, 0, true);
	g.dte[0] |= 0x1234000ULL; /* a host table root pointer */
	assert_int_equal(-EINVAL, nested_alloc(&g, NULL));
	/* V and GV with no GCR3 table; without GV the root may be 0 */
	g = gdte(0, 0, 0, true);
	assert_int_equal(-EINVAL, nested_alloc(&g, NULL));
	g.dte[0] &= ~DTE0_GV;
	assert_int_equal(0, nested_alloc(&g, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	g = gdte(0, 0, 0, true);
	g.dte[0] &= ~DTE0_V;
	assert_int_equal(0, nested_alloc(&g, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	/* Guest paging modes 0 and 1 only; GLX 3 reserved */
	g = gdte(gpa(G_GCR3), 0, 2, true);
	assert_int_equal(-EINVAL, nested_alloc(&g, NULL));
	g = gdte(gpa(G_GCR3), 3, 0, true);
	assert_int_equal(-EINVAL, nested_alloc(&g, NULL));
	g = gdte(gpa(G_GCR3), 2, 1, true);
	assert_int_equal(0, nested_alloc(&g, &id));
	assert_int_equal(0, destroy(f.ctx, id));
	/* The driver does not look at the flags; the core refuses some */
	g = gdte(gpa(G_GCR3), 0, 0, true);
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, viommu_id,
					  IOMMU_HWPT_ALLOC_PASID, 0,
					  IOMMU_HWPT_DATA_AMD_GUEST, &g,
					  sizeof(g), &id));
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, viommu_id,
				       IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				       IOMMU_HWPT_DATA_AMD_GUEST, &g, sizeof(g),
				       NULL));
	/* The data: its type, its length, bytes past it */
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f.ctx, f.devid, viommu_id, 0, 0,
				       IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
				       NULL));
	g = gdte(gpa(G_GCR3), 0, 0, true);
	assert_int_equal(-EINVAL, hwpt_alloc_ex(f.ctx, f.devid, viommu_id, 0, 0,
						IOMMU_HWPT_DATA_AMD_GUEST, &g,
						sizeof(g) - 8, NULL));
	/* Longer than the struct: refused even if zero-filled */
	memcpy(big, &g, sizeof(g));
	assert_int_equal(-EINVAL, hwpt_alloc_ex(f.ctx, f.devid, viommu_id, 0, 0,
						IOMMU_HWPT_DATA_AMD_GUEST, big,
						sizeof(big), NULL));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, viommu_id, 0, 0,
					  IOMMU_HWPT_DATA_AMD_GUEST, big,
					  sizeof(g), &id));
	assert_int_equal(0, destroy(f.ctx, id));
}

/* Bytes through both stages; A on the path, D only where written */
static void test_copy_and_ad_bits(void **state)
{
	(void)state;
	attach_default();
	fill(G_SRC, 0x5a);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x5a, 4096));
	assert_true(all(G_DST_B, 0, 4096)); /* nothing else moved */

	assert_true(*entry(G_PML4, 0) & PTE_A);
	assert_true(*entry(G_PD, 0) & PTE_A);
	assert_true(*entry(G_PT, IOVA_SRC >> 12) & PTE_A);
	assert_false(*entry(G_PT, IOVA_SRC >> 12) & PTE_D);
	assert_int_equal(PTE_A | PTE_D,
			 *entry(G_PT, IOVA_DST >> 12) & (PTE_A | PTE_D));
	assert_false(*entry(G_PD, 1) & PTE_A);

	x86_check_large_leaf();
}

/* Faults fail the descriptor; nothing is cached, so fixes take at once */
static void test_faults_no_iotlb(void **state)
{
	struct iommu_hwpt_amd_guest g;

	(void)state;
	attach_default();
	fill(G_SRC, 0x11);
	/* U/S clear faults too: PASID-less requests are user requests */
	x86_check_leaf_faults();
	x86_check_table_outside_guest();
	/* Fixed without any invalidation: the next DMA sees it */
	*entry(G_PT, IOVA_HOLE >> 12) = gpa(G_DST_B) | PTE_RWU;
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_HOLE, 16));
	assert_true(all(G_DST_B, 0x11, 16));
	/* A used translation moved: also seen at once */
	fill(G_SRC, 0x12);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x12, 4096));
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_B) | PTE_RWU;
	fill(G_SRC, 0x13);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_B, 0x13, 4096));
	assert_true(all(G_DST_A, 0x12, 4096));
	/* A GCR3 root outside guest memory: stage 2 refuses it */
	g = gdte(0x7000000000ULL, 0, 0, true);
	attach_gdte(&g);
	start_ring(IOVA_RING);
	ring_fault(IOVA_RING);
	g = gdte(gpa(G_GCR3), 0, 0, true);
	attach_gdte(&g);
	start_ring(IOVA_RING);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
	/* The GCR3 entry of PASID 0 made invalid: not even the ring */
	*entry(G_GCR3, 0) &= ~GCR3_VALID;
	ring_fault(IOVA_RING);
	*entry(G_GCR3, 0) |= GCR3_VALID;
	start_ring(IOVA_RING);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 16));
}

/*
 * The model has no page requests (no PPRSup): a fault in a nested HWPT
 * with a fault queue fails the descriptor at once and asks for nothing
 */
static void test_no_page_requests(void **state)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3), 0, 0, true);
	struct iommu_hwpt_pgfault pf;
	uint32_t fault_id, id;
	int fault_fd = fault_queue_alloc(f.ctx, &fault_id);

	(void)state;
	assert_true(fault_fd >= 0);
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, viommu_id,
					  IOMMU_HWPT_FAULT_ID_VALID, fault_id,
					  IOMMU_HWPT_DATA_AMD_GUEST, &g,
					  sizeof(g), &id));
	assert_int_equal(0, attach(f.dev, &id));
	start_ring(IOVA_RING);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	assert_int_equal(0, uiommufd_read(fault_fd, &pf, sizeof(pf)));
	uiommufd_close(fault_fd);
}

/* GIOV clear: requests without PASID see the host table only */
static void test_no_giov(void **state)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3), 0, 0, false);

	(void)state;
	attach_gdte(&g);
	start_ring(gpa(G_RING));
	fill(G_SRC, 0x41);
	assert_int_equal(UDMA_DESC_DONE, copy(gpa(G_SRC), gpa(G_DST_B), 4096));
	assert_true(all(G_DST_B, 0x41, 4096));
	/* Guest tables are not used: their A bits stay clear */
	assert_false(*entry(G_PML4, 0) & PTE_A);
	/* A device address is a GPA: IOVA_DST is not mapped in stage 2 */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT,
			 copy(IOVA_SRC, gpa(G_DST_B), 16));
}

/*
 * A two-level GCR3 table whose top sits above 4 GiB (every GCR3 root
 * field of the DTE used), 5-level tables, PASID 0's full 57 bits; a GLX
 * the model does not implement
 */
static void test_gcr3_levels_five_levels(void **state)
{
	uint64_t *high = (uint64_t *)high_page;
	struct iommu_hwpt_amd_guest g;
	const uint64_t far = 1ULL << 48; /* PML5 slot 1, no sign extension */

	(void)state;
	high[0] = gpa(G_GCR3_B) | GCR3_VALID;
	*entry(G_GCR3_B, 0) = gpa(G_PML5) | GCR3_VALID;
	*entry(G_PML5, 1) = gpa(G_PML4) | PTE_RWU;
	g = gdte(HIGH_BASE, 1, 1, true);
	attach_gdte(&g);
	start_ring(IOVA_RING);
	fill(G_SRC, 0x51);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, far + IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x51, 4096));
	assert_true(*entry(G_PML5, 1) & PTE_A);
	/* Bit 57 up: beyond the table's reach */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, (1ULL << 57) + IOVA_DST, 16));
	/* The top GCR3 level invalid */
	high[0] = 0;
	ring_fault(IOVA_RING);

	/* 4 levels, PASID 0: bit 47 set is a lower address, not negative */
	*entry(G_PML4, 256) = gpa(G_PDPT) | PTE_RWU;
	g = gdte(gpa(G_GCR3), 0, 0, true);
	attach_gdte(&g);
	start_ring(IOVA_RING);
	fill(G_SRC, 0x52);
	assert_int_equal(UDMA_DESC_DONE,
			 copy(IOVA_SRC, (1ULL << 47) + IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x52, 4096));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, far + IOVA_DST, 16));

	/*
	 * GLX 2, a well-formed three-level GCR3 table: the kernel takes it,
	 * the model's IOMMU (GLXSup 1) does not walk it
	 */
	*entry(G_GCR3_D, 0) = gpa(G_GCR3_C) | GCR3_VALID;
	*entry(G_GCR3_C, 0) = gpa(G_GCR3) | GCR3_VALID;
	g = gdte(gpa(G_GCR3_D), 2, 0, true);
	attach_gdte(&g);
	start_ring(IOVA_RING);
	ring_fault(IOVA_RING);
}

static long invalidate(uint32_t id, uint32_t *num)
{
	uint64_t entry[2] = {};
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entry,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = sizeof(entry),
		.entry_num = *num,
	};
	long rc = ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd);

	*num = cmd.entry_num;
	return rc;
}

/*
 * 7.2 gives the AMD vIOMMU and its nested domains no invalidation op:
 * IOMMU_HWPT_INVALIDATE is EOPNOTSUPP on both, with nothing done. A vDEVICE
 * is the core's alone (no vdevice ops) and changes no translation.
 */
static void test_no_invalidation(void **state)
{
	struct iommu_vdevice_alloc vdev = {
		.size = sizeof(vdev), .viommu_id = 0, .virt_id = 0x42};
	uint32_t nested, num = 1;

	(void)state;
	nested = attach_default();
	assert_int_equal(-EOPNOTSUPP, invalidate(nested, &num));
	assert_int_equal(0, num);
	num = 1;
	assert_int_equal(-EOPNOTSUPP, invalidate(viommu_id, &num));
	assert_int_equal(0, num);
	vdev.viommu_id = viommu_id;
	vdev.dev_id = f.devid;
	assert_int_equal(0, ioc(f.ctx, IOMMU_VDEVICE_ALLOC, &vdev));
	fill(G_SRC, 0x81);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 4096));
	assert_true(all(G_DST_A, 0x81, 4096));
	assert_int_equal(0, destroy(f.ctx, vdev.out_vdevice_id));
}

/* Replace: another guest DTE and back, the parent itself, blocking */
static void test_replace(void **state)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3_B), 0, 0, true);
	uint32_t first, second, pt, devid2;
	int dev2;

	(void)state;
	first = attach_default();
	fill(G_SRC, 0x61);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 64));
	assert_true(all(G_DST_A, 0x61, 64));
	/* Another DTE, its GCR3 table on the chain where dst is B */
	second = attach_gdte(&g);
	fill(G_SRC, 0x62);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 64));
	assert_true(all(G_DST_B, 0x62, 64));
	assert_true(all(G_DST_A, 0x61, 64));
	pt = first;
	assert_int_equal(0, attach(f.dev, &pt));
	fill(G_SRC, 0x63);
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_DST, 64));
	assert_true(all(G_DST_A, 0x63, 64));
	assert_true(all(G_DST_B, 0x62, 64));
	/* A second device shares the other nested HWPT */
	dev2 = uiommufd_vfio_cdev_open((unsigned int)amd_udma2.vfio_index, 0);
	assert_true(dev2 >= 0);
	assert_int_equal(0, bind(dev2, f.ctx, &devid2));
	pt = second;
	assert_int_equal(0, attach(dev2, &pt));
	assert_int_equal(-EBUSY, destroy(f.ctx, second));
	uiommufd_close(dev2);
	assert_int_equal(0, destroy(f.ctx, second));
	/* The parent: IOVA = GPA through the host table */
	pt = f.parent;
	assert_int_equal(0, attach(f.dev, &pt));
	assert_int_equal(0, destroy(f.ctx, first));
	start_ring(gpa(G_RING));
	fill(G_SRC, 0x64);
	assert_int_equal(UDMA_DESC_DONE, copy(gpa(G_SRC), gpa(G_DST_A), 64));
	assert_true(all(G_DST_A, 0x64, 64));
	/* Detached: blocked */
	assert_int_equal(0, detach(f.dev));
	pt = f.parent;
	assert_int_equal(0, attach(f.dev, &pt));
	start_ring(gpa(G_RING));
	assert_int_equal(UDMA_DESC_DONE, copy(gpa(G_SRC), gpa(G_DST_B), 64));
	assert_true(all(G_DST_B, 0x64, 64));
}

/*
 * Stage 2 changes are the kernel's own flushes (every hDomID of the
 * parent's vIOMMUs): a GPA unmapped from the IOAS stops translating
 */
static void test_stage2_unmap(void **state)
{
	uint64_t unmapped = 0;

	(void)state;
	attach_default();
	memset(f.guest + G_SRC, 0x71, 64);
	*entry(G_PT, IOVA_HOLE >> 12) = HIGH_BASE | PTE_RWU;
	assert_int_equal(UDMA_DESC_DONE, copy(IOVA_SRC, IOVA_HOLE + 64, 64));
	assert_int_equal(0x71, (unsigned char)high_page[64]);
	assert_int_equal(0x71, (unsigned char)high_page[127]);
	assert_int_equal(0,
			 ioas_unmap(f.ctx, f.ioas, HIGH_BASE, 4096, &unmapped));
	assert_int_equal(4096, unmapped);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 64));
	assert_int_equal(0, (unsigned char)high_page[0]);
	/* A table pointer into the unmapped GPA: the walk fails there */
	*entry(G_PD, 3) = HIGH_BASE | PTE_RWU;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, 3 * SZ_2M, 16));
}

/* Every allocation of the AMD path failed in turn: an errno, no leak */
static void test_fail_nth(void **state)
{
	struct iommu_hwpt_amd_guest g = gdte(gpa(G_GCR3), 0, 0, true);
	struct iommu_hw_info_amd amd;
	unsigned int nth, failed = 0;
	uint32_t type, viommu = 0, id = 0;
	long rc;

	(void)state;
	for (nth = 1; nth < 100; nth++) {
		uiommufd_fail_nth_set(nth);
		rc = hw_info(f.devid, 0, &amd, &type);
		if (!rc)
			rc = viommu_alloc_ex(f.ctx, f.devid, f.parent,
					     VIOMMU_TYPE, &viommu);
		if (!rc)
			rc = hwpt_alloc_ex(f.ctx, f.devid, viommu, 0, 0,
					   IOMMU_HWPT_DATA_AMD_GUEST, &g,
					   sizeof(g), &id);
		if (fail_nth_step_end(rc, &failed))
			break;
		if (id)
			assert_int_equal(0, destroy(f.ctx, id));
		if (viommu)
			assert_int_equal(0, destroy(f.ctx, viommu));
		id = viommu = 0;
	}
	assert_true(failed >= 3 && nth < 100);
	assert_int_equal(0, destroy(f.ctx, id));
	assert_int_equal(0, destroy(f.ctx, viommu));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hw_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging_and_viommu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_dte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_and_ad_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_faults_no_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_page_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_giov, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcr3_levels_five_levels,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_invalidation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage2_unmap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fail_nth, setup, teardown),
	};

	if (uiommufd_devices_add("udma,iommu=amd;udma,iommu=vtd;"
				 "udma,iommu=amd") ||
	    uiommufd_device_info(0, &amd_udma) ||
	    uiommufd_device_info(1, &vtd_udma) ||
	    uiommufd_device_info(2, &amd_udma2))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
