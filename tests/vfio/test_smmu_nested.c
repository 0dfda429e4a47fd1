// SPDX-License-Identifier: MIT
/*
 * The software IOMMU's ARM SMMUv3 model (issue 11): a udma added with
 * iommu=smmuv3 reports IOMMU_HW_INFO_TYPE_ARM_SMMUV3, takes an
 * IOMMU_VIOMMU_TYPE_ARM_SMMUV3 vIOMMU on a nest-parent HWPT, a vDEVICE with
 * its vSID, and nested HWPTs holding a guest STE. The device DMAs through
 * both stages: a CD and VMSAv8-64 tables this test writes in "guest memory"
 * (a buffer mapped into the IOAS at GUEST_BASE, the stage-2 table), at each
 * granule, with faults reported as SMMUv3 event records on a vEVENTQ and an
 * ASID-tagged IOTLB that only CMDQ commands through the vIOMMU empty.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "udma_helpers.h"

#define GUEST_SIZE (8UL << 20)
#define GUEST_BASE 0x40000000UL /* IPA of the buffer: the IOAS's IOVA */

/* Guest memory: offsets of the buffer, IPA = GUEST_BASE + offset */
#define G_RING	 0x000000UL /* the ring (and the CD, in the same page) */
#define G_CD	 0x001000UL
#define G_RING2	 0x010000UL /* the second device's ring */
#define G_TABLES 0x100000UL /* stage-1 tables, one granule each */
#define G_SRC	 0x400000UL
#define G_DST_A	 0x410000UL
#define G_DST_B	 0x420000UL
#define G_BLOCK	 0x600000UL /* a 2 MiB block (4 KiB granule) */

/*
 * Device addresses (stage-1 input), all 64 KiB aligned, in different
 * slots of the direct-mapped IOTLB
 */
#define IOVA_RING  0x0000000UL
#define IOVA_RING2 0x0010000UL
#define IOVA_SRC   0x1000000UL
#define IOVA_DST   0x1110000UL
#define IOVA_HOLE  0x1220000UL /* not mapped */
#define IOVA_RO	   0x1330000UL /* read-only, backed by G_DST_B */
#define IOVA_NOAF  0x1440000UL /* AF clear, backed by G_DST_B */
#define IOVA_BLOCK 0x2000000UL

#define VSID 0x42
#define ASID 7
#define IAS  48

/* VMSAv8-64 descriptor bits */
#define D_VALID	     (1ULL << 0)
#define D_TABLE	     (1ULL << 1)
#define D_AP_RDONLY  (1ULL << 7)
#define D_AF	     (1ULL << 10)
#define D_APT_RDONLY (1ULL << 62)

/* STE and CD fields */
#define STE0_V	     (1ULL << 0)
#define STE0_CFG(c)  ((uint64_t)(c) << 1)
#define STE1_EATS(e) ((uint64_t)(e) << 28)
#define CD0_V	     (1ULL << 31)
#define CD0_AA64     (1ULL << 41)
#define CD0_AFFD     (1ULL << 35)
#define CD0_EPD0     (1ULL << 14)
#define CD0_IPS_48   (5ULL << 32)
#define CD0_ASID(a)  ((uint64_t)(a) << 48)

/* Event record IDs */
#define EVT_BAD_CD	0x0a
#define EVT_TRANSLATION 0x10
#define EVT_ADDR_SIZE	0x11
#define EVT_ACCESS	0x12
#define EVT_PERMISSION	0x13

/* CMDQ opcodes */
#define OP_CFGI_STE	0x03
#define OP_CFGI_CD	0x05
#define OP_CFGI_CD_ALL	0x06
#define OP_TLBI_NH_ALL	0x10
#define OP_TLBI_NH_ASID 0x11
#define OP_TLBI_NH_VA	0x12
#define OP_TLBI_NH_VAA	0x13
#define OP_ATC_INV	0x40

static struct uiommufd_device_info smmu_udma, plain_udma, vtd_udma, smmu_udma2;

static struct {
	int ctx, dev, evfd;
	uint32_t devid, ioas, parent, viommu, vdev, nested, veventq;
	char *guest, *mapping;
	uint32_t head;
	unsigned int granule; /* shift: 12, 14 or 16 */
	uint64_t next_table;  /* guest offset of the next free table */
	uint64_t root;
} f;

static uint64_t gpa(uint64_t off)
{
	return GUEST_BASE + off;
}

static uint64_t *at(uint64_t off)
{
	return (uint64_t *)(f.guest + off);
}

static uint64_t new_table(void)
{
	uint64_t t = f.next_table;

	memset(f.guest + t, 0, 1UL << f.granule);
	f.next_table += 1UL << f.granule;
	return t;
}

/* The levels a 48-bit input takes at the granule, and the first level */
static unsigned int start_level(void)
{
	unsigned int stride = f.granule - 3;

	return 4 - (IAS - f.granule + stride - 1) / stride;
}

/*
 * The descriptor slot of @iova at @level (3: pages), making tables on
 * the way; the tables' offsets are remembered by the IPA they hold.
 */
static uint64_t *slot(uint64_t iova, unsigned int level)
{
	unsigned int stride = f.granule - 3;
	uint64_t table = f.root;

	for (unsigned int l = start_level();; l++) {
		unsigned int shift = f.granule + (3 - l) * stride;
		uint64_t idx = (iova >> shift) & ((1ULL << stride) - 1);
		uint64_t *d = at(table + idx * 8);

		if (l == level)
			return d;
		if (!(*d & D_VALID))
			*d = gpa(new_table()) | D_VALID | D_TABLE;
		table = (*d & ((1ULL << 48) - 1) & ~((1ULL << f.granule) - 1)) -
			GUEST_BASE;
	}
}

static void map_page(uint64_t iova, uint64_t off, uint64_t attrs)
{
	*slot(iova, 3) = gpa(off) | D_VALID | D_TABLE | attrs;
}

static uint64_t cd0(uint64_t asid)
{
	static const uint64_t tg0[] = {[12] = 0, [14] = 2, [16] = 1};

	return (64 - IAS) | tg0[f.granule] << 6 | CD0_V | CD0_IPS_48 |
	       CD0_AA64 | CD0_ASID(asid);
}

/* The CD and the tables of one granule: ring, src, dst, ro, no-AF */
static void build(unsigned int granule)
{
	f.granule = granule;
	f.next_table = G_TABLES;
	f.root = new_table();
	map_page(IOVA_RING, G_RING, D_AF);
	map_page(IOVA_RING2, G_RING2, D_AF);
	map_page(IOVA_SRC, G_SRC, D_AF);
	map_page(IOVA_DST, G_DST_A, D_AF);
	map_page(IOVA_RO, G_DST_B, D_AF | D_AP_RDONLY);
	map_page(IOVA_NOAF, G_DST_B, 0);
	at(G_CD)[0] = cd0(ASID);
	at(G_CD)[1] = gpa(f.root);
}

static long viommu_alloc(uint32_t devid, uint32_t hwpt, uint32_t type,
			 uint32_t *out)
{
	struct iommu_viommu_alloc cmd = {.size = sizeof(cmd),
					 .type = type,
					 .dev_id = devid,
					 .hwpt_id = hwpt};
	long rc = ioc(f.ctx, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!rc && out)
		*out = cmd.out_viommu_id;
	return rc;
}

static int setup(void **state)
{
	struct iommu_vdevice_alloc vdev = {.size = sizeof(vdev),
					   .virt_id = VSID};
	uint64_t iova = GUEST_BASE;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.evfd = -1;
	f.mapping = map_anon(GUEST_SIZE + (2UL << 20));
	f.guest = (char *)(((uintptr_t)f.mapping + (2UL << 20) - 1) &
			   ~((2UL << 20) - 1));
	memset(f.guest, 0, GUEST_SIZE);
	f.ctx = uiommufd_open(0);
	assert_true(f.ctx >= 0);
	f.dev = uiommufd_vfio_cdev_open((unsigned int)smmu_udma.vfio_index, 0);
	assert_true(f.dev >= 0);
	assert_int_equal(0, bind(f.dev, f.ctx, &f.devid));
	f.ioas = ioas_alloc(f.ctx);
	assert_int_equal(0, ioas_map(f.ctx, f.ioas, f.guest, GUEST_SIZE, &iova,
				     FIXED));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
					  IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0,
					  &f.parent));
	assert_int_equal(0,
			 viommu_alloc(f.devid, f.parent,
				      IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &f.viommu));
	vdev.viommu_id = f.viommu;
	vdev.dev_id = f.devid;
	assert_int_equal(0, ioc(f.ctx, IOMMU_VDEVICE_ALLOC, &vdev));
	f.vdev = vdev.out_vdevice_id;
	build(12);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (f.dev > 0) {
		reg(f.dev, UDMA_REG_CONTROL, 0);
		uiommufd_close(f.dev);
	}
	if (f.evfd >= 0)
		uiommufd_close(f.evfd);
	if (f.ctx > 0)
		uiommufd_close(f.ctx);
	munmap(f.mapping, GUEST_SIZE + (2UL << 20));
	memset(&f, 0, sizeof(f));
	return 0;
}

static long nested_alloc(uint64_t ste0, uint64_t ste1, uint32_t flags,
			 uint32_t *out)
{
	struct iommu_hwpt_arm_smmuv3 ste = {.ste = {ste0, ste1}};

	return hwpt_alloc_ex(f.ctx, f.devid, f.viommu, flags, 0,
			     IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste),
			     out);
}

static uint64_t ste_s1(void)
{
	return STE0_V | STE0_CFG(5) | gpa(G_CD);
}

static void start_ring(void)
{
	bus_master(f.dev);
	reg(f.dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING);
	reg(f.dev, UDMA_REG_RING_BASE + 4, 0);
	reg(f.dev, UDMA_REG_RING_SIZE, 4);
	reg(f.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
}

/* A nested HWPT of @ste0, the device attached to it and running */
static void attach_ste(uint64_t ste0)
{
	uint32_t pt;

	assert_int_equal(0, nested_alloc(ste0, 0, 0, &f.nested));
	pt = f.nested;
	assert_int_equal(0, attach(f.dev, &pt));
	start_ring();
}

static uint32_t run(uint32_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	struct udma_desc *d = (struct udma_desc *)(f.guest + G_RING) + f.head;

	*d = (struct udma_desc){.op = op, .src = src, .dst = dst, .len = len};
	f.head = (f.head + 1) % 4;
	reg(f.dev, UDMA_REG_RING_HEAD, f.head);
	for (int i = 0;
	     i != 2000 && reg_read(f.dev, UDMA_REG_RING_TAIL) != f.head; i++)
		usleep(500);
	assert_int_equal(f.head, reg_read(f.dev, UDMA_REG_RING_TAIL));
	return __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
}

static uint32_t copy(uint64_t src, uint64_t dst, uint32_t len)
{
	return run(UDMA_OP_COPY, src, dst, len);
}

static void fill(uint64_t off, int byte)
{
	memset(f.guest + off, byte, 4096);
}

static bool all(uint64_t off, int byte, size_t len)
{
	for (size_t i = 0; i != len; i++)
		if ((unsigned char)f.guest[off + i] != byte)
			return false;
	return true;
}

static long invalidate(const uint64_t (*cmds)[2], uint32_t *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = f.viommu,
		.data_uptr = (uintptr_t)cmds,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = 16,
		.entry_num = *num,
	};
	long rc = ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd);

	*num = cmd.entry_num;
	return rc;
}

/* One command, which must be taken */
static void cmd1(uint64_t c0, uint64_t c1)
{
	const uint64_t cmds[1][2] = {{c0, c1}};
	uint32_t num = 1;

	assert_int_equal(0, invalidate(cmds, &num));
	assert_int_equal(1, num);
}

static void veventq_alloc(void)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = f.viommu,
		.type = IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
		.veventq_depth = 16,
	};

	assert_int_equal(0, ioc(f.ctx, IOMMU_VEVENTQ_ALLOC, &cmd));
	f.veventq = cmd.out_veventq_id;
	f.evfd = (int)cmd.out_veventq_fd;
}

/* The next event record, or false when the queue is empty */
static bool next_event(uint64_t evt[4])
{
	struct {
		struct iommufd_vevent_header h;
		struct iommu_vevent_arm_smmuv3 e;
	} rec;
	ssize_t n = uiommufd_read(f.evfd, &rec, sizeof(rec));

	if (n <= 0)
		return false;
	assert_int_equal(sizeof(rec), n);
	assert_int_equal(0, rec.h.flags);
	memcpy(evt, rec.e.evt, sizeof(rec.e.evt));
	return true;
}

/* A stage-1 fault record: ID, the vSID, read or write, the address */
static void expect_fault(unsigned int id, uint64_t iova, bool write)
{
	uint64_t evt[4];

	assert_true(next_event(evt));
	assert_int_equal(id, evt[0] & 0xff);
	assert_int_equal(VSID, evt[0] >> 32);
	assert_int_equal(write ? 0 : 1, (evt[1] >> 35) & 1); /* RnW */
	assert_int_equal(2, (evt[1] >> 40) & 3);	     /* CLASS IN */
	assert_int_equal(iova, evt[2]);
}

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
	bus_master(f.dev);
	reg(f.dev, UDMA_REG_RING_BASE, (uint32_t)gpa(G_RING));
	reg(f.dev, UDMA_REG_RING_BASE + 4, 0);
	reg(f.dev, UDMA_REG_RING_SIZE, 4);
	reg(f.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	fill(G_SRC, 0x44);
	assert_int_equal(UDMA_DESC_DONE, copy(gpa(G_SRC), gpa(G_DST_B), 4096));
	assert_true(all(G_DST_B, 0x44, 4096));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(gpa(G_SRC), IOVA_DST, 16));
	assert_false(next_event(evt));
}

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

struct noise {
	int dev;
	bool stop;
	unsigned long done, failed;
};

/* The second device copies to IOVA_DST + 2048 until told to stop */
static void *noise_thread(void *arg)
{
	struct udma_desc *ring = (struct udma_desc *)(f.guest + G_RING2);
	struct noise *n = arg;
	uint32_t head = 0, tail;

	while (!__atomic_load_n(&n->stop, __ATOMIC_ACQUIRE)) {
		struct udma_desc *d = &ring[head];

		*d = (struct udma_desc){.op = UDMA_OP_COPY,
					.src = IOVA_SRC + 2048,
					.dst = IOVA_DST + 2048,
					.len = 2048};
		head = (head + 1) % 4;
		if (uiommufd_pwrite(n->dev, &head, 4, UDMA_REG_RING_HEAD) != 4)
			break;
		do {
			if (uiommufd_pread(n->dev, &tail, 4,
					   UDMA_REG_RING_TAIL) != 4)
				return NULL;
		} while (tail != head);
		if (__atomic_load_n(&d->status, __ATOMIC_ACQUIRE) ==
		    UDMA_DESC_DONE)
			n->done++;
		else
			n->failed++;
	}
	return NULL;
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
	struct noise n = {};
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
	bus_master(n.dev);
	reg(n.dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING2);
	reg(n.dev, UDMA_REG_RING_BASE + 4, 0);
	reg(n.dev, UDMA_REG_RING_SIZE, 4);
	reg(n.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	assert_int_equal(0, pthread_create(&thread, NULL, noise_thread, &n));

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
	__atomic_store_n(&n.stop, true, __ATOMIC_RELEASE);
	assert_int_equal(0, pthread_join(thread, NULL));
	assert_int_equal(0, n.failed);
	assert_true(n.done > 0);
	reg(n.dev, UDMA_REG_CONTROL, 0);
	uiommufd_close(n.dev);
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
		if (uiommufd_fail_nth_get()) {
			uiommufd_fail_nth_set(0);
			assert_int_equal(0, rc);
			break;
		}
		/* A failure the engine absorbed changes nothing visible */
		assert_true(rc < 0 || uiommufd_fail_nth_absorbed());
		uiommufd_fail_nth_set(0);
		failed += rc < 0;
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
		cmocka_unit_test_setup_teardown(test_hw_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_viommu_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vste_errors, setup,
						teardown),
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
		cmocka_unit_test_setup_teardown(test_stale_iotlb, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_veventq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_invalidate_races_walks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_nth, setup, teardown),
	};

	if (uiommufd_devices_add("udma,iommu=smmuv3;udma;udma,iommu=vtd;"
				 "udma,iommu=smmuv3") ||
	    uiommufd_device_info(0, &smmu_udma) ||
	    uiommufd_device_info(1, &plain_udma) ||
	    uiommufd_device_info(2, &vtd_udma) ||
	    uiommufd_device_info(3, &smmu_udma2))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
