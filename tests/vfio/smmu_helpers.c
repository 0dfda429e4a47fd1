// SPDX-License-Identifier: MIT
/*
 * The fixture and helpers of the SMMUv3 model tests (smmu_helpers.h).
 */
#include <string.h>
#include <sys/mman.h>

#include "smmu_helpers.h"

struct uiommufd_device_info smmu_udma, plain_udma, vtd_udma, smmu_udma2;
struct smmu_fixture f;

uint64_t gpa(uint64_t off)
{
	return GUEST_BASE + off;
}

uint64_t *at(uint64_t off)
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
uint64_t *slot(uint64_t iova, unsigned int level)
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

void map_page(uint64_t iova, uint64_t off, uint64_t attrs)
{
	*slot(iova, 3) = gpa(off) | D_VALID | D_TABLE | attrs;
}

uint64_t cd0(uint64_t asid)
{
	static const uint64_t tg0[] = {[12] = 0, [14] = 2, [16] = 1};

	return (64 - IAS) | tg0[f.granule] << 6 | CD0_V | CD0_IPS_48 |
	       CD0_AA64 | CD0_ASID(asid);
}

/* The CD and the tables of one granule: ring, src, dst, ro, no-AF */
void build(unsigned int granule)
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

long viommu_alloc(uint32_t devid, uint32_t hwpt, uint32_t type, uint32_t *out)
{
	return viommu_alloc_ex(f.ctx, devid, hwpt, type, out);
}

int setup(void **state)
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

int teardown(void **state)
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

long nested_alloc(uint64_t ste0, uint64_t ste1, uint32_t flags, uint32_t *out)
{
	struct iommu_hwpt_arm_smmuv3 ste = {.ste = {ste0, ste1}};

	return hwpt_alloc_ex(f.ctx, f.devid, f.viommu, flags, 0,
			     IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste),
			     out);
}

uint64_t ste_s1(void)
{
	return STE0_V | STE0_CFG(5) | gpa(G_CD);
}

/* A nested HWPT of @ste0, the device attached to it and running */
void attach_ste(uint64_t ste0)
{
	uint32_t pt;

	assert_int_equal(0, nested_alloc(ste0, 0, 0, &f.nested));
	pt = f.nested;
	assert_int_equal(0, attach(f.dev, &pt));
	udma_start_ring(f.dev, IOVA_RING);
}

static uint32_t run(uint32_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	const struct udma_desc d = {
		.op = op, .src = src, .dst = dst, .len = len};

	return udma_run(f.dev, (struct udma_desc *)(f.guest + G_RING), &f.head,
			&d);
}

uint32_t copy(uint64_t src, uint64_t dst, uint32_t len)
{
	return run(UDMA_OP_COPY, src, dst, len);
}

void fill(uint64_t off, int byte)
{
	memset(f.guest + off, byte, 4096);
}

bool all(uint64_t off, int byte, size_t len)
{
	return bytes_all(f.guest + off, byte, len);
}

long invalidate(const uint64_t (*cmds)[2], uint32_t *num)
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
void cmd1(uint64_t c0, uint64_t c1)
{
	const uint64_t cmds[1][2] = {{c0, c1}};
	uint32_t num = 1;

	assert_int_equal(0, invalidate(cmds, &num));
	assert_int_equal(1, num);
}

void veventq_alloc(void)
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
bool next_event(uint64_t evt[4])
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
void expect_fault(unsigned int id, uint64_t iova, bool write)
{
	uint64_t evt[4];

	assert_true(next_event(evt));
	assert_int_equal(id, evt[0] & 0xff);
	assert_int_equal(VSID, evt[0] >> 32);
	assert_int_equal(write ? 0 : 1, (evt[1] >> 35) & 1); /* RnW */
	assert_int_equal(2, (evt[1] >> 40) & 3);	     /* CLASS IN */
	assert_int_equal(iova, evt[2]);
}

int smmu_devices_add(void)
{
	if (uiommufd_devices_add("udma,iommu=smmuv3;udma;udma,iommu=vtd;"
				 "udma,iommu=smmuv3") ||
	    uiommufd_device_info(0, &smmu_udma) ||
	    uiommufd_device_info(1, &plain_udma) ||
	    uiommufd_device_info(2, &vtd_udma) ||
	    uiommufd_device_info(3, &smmu_udma2))
		return -1;
	return 0;
}
