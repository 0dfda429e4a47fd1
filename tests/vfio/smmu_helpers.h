/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the SMMUv3 model tests (test_smmu_walk.c,
 * test_smmu_invalidate.c): a udma behind iommu=smmuv3 bound to an iommufd,
 * a nest-parent HWPT over "guest memory" (a buffer mapped into the IOAS at
 * GUEST_BASE, the stage-2 table), a vIOMMU, a vDEVICE with its vSID, and
 * helpers that write a CD and VMSAv8-64 tables there, run the device and
 * read event records.
 */
#ifndef UIOMMUFD_TESTS_SMMU_HELPERS_H
#define UIOMMUFD_TESTS_SMMU_HELPERS_H

#include <stdbool.h>

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
#define STE0_V		(1ULL << 0)
#define STE0_CFG(c)	((uint64_t)(c) << 1)
#define STE1_EATS(e)	((uint64_t)(e) << 28)
#define STE0_S1FMT(x)	((uint64_t)(x) << 4)
#define STE0_S1CDMAX(x) ((uint64_t)(x) << 59)
#define STE1_S1DSS(x)	((uint64_t)(x))
#define STE1_S1CACHE_WB (0x3fULL << 2) /* S1CIR, S1COR WB; S1CSH inner */
#define STE1_S1STALLD	(1ULL << 27)
#define CD0_V		(1ULL << 31)
#define CD0_AA64	(1ULL << 41)
#define CD0_AFFD	(1ULL << 35)
#define CD0_EPD0	(1ULL << 14)
#define CD0_IPS_48	(5ULL << 32)
#define CD0_ASID(a)	((uint64_t)(a) << 48)

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

/* The devices smmu_devices_add() makes, in this order */
extern struct uiommufd_device_info smmu_udma, plain_udma, vtd_udma, smmu_udma2;

/* The fixture of one test: setup() makes it, teardown() undoes it */
struct smmu_fixture {
	int ctx, dev, evfd;
	uint32_t devid, ioas, parent, viommu, vdev, nested, veventq;
	char *guest, *mapping;
	uint32_t head;
	unsigned int granule; /* shift: 12, 14 or 16 */
	uint64_t next_table;  /* guest offset of the next free table */
	uint64_t root;
};
/* Named short: every test line uses it */
extern struct smmu_fixture f;

/* Guest memory: an offset's IPA and host address */
uint64_t gpa(uint64_t off);
uint64_t *at(uint64_t off);
/* Stage-1 tables and the CD of f.granule (smmu_helpers.c says how) */
uint64_t *slot(uint64_t iova, unsigned int level);
void map_page(uint64_t iova, uint64_t off, uint64_t attrs);
uint64_t cd0(uint64_t asid);
void build(unsigned int granule);
/* cmocka setup and teardown of f */
int setup(void **state);
int teardown(void **state);
/* The objects: errno or 0, the new ID in @out */
long viommu_alloc(uint32_t devid, uint32_t hwpt, uint32_t type, uint32_t *out);
long nested_alloc(uint64_t ste0, uint64_t ste1, uint32_t flags, uint32_t *out);
/* A stage-1 vSTE of G_CD; f.dev attached to a nested HWPT of @ste0 */
uint64_t ste_s1(void);
void attach_ste(uint64_t ste0);
/* udma copies on f.dev's ring: the descriptor status */
uint32_t copy(uint64_t src, uint64_t dst, uint32_t len);
/* Guest bytes: 4 KiB filled with @byte; @len of them all @byte */
void fill(uint64_t off, int byte);
bool all(uint64_t off, int byte, size_t len);
/* CMDQ commands through the vIOMMU; events on its vEVENTQ */
long invalidate(const uint64_t (*cmds)[2], uint32_t *num);
void cmd1(uint64_t c0, uint64_t c1);
void veventq_alloc(void);
bool next_event(uint64_t evt[4]);
void expect_fault(unsigned int id, uint64_t iova, bool write);

/* Adds the devices above; 0 or -1 */
int smmu_devices_add(void);

#endif
