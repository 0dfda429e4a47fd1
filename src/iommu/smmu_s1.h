/* SPDX-License-Identifier: MIT */
/*
 * The ARM SMMUv3 stage-1 formats a guest writes for IOMMU_HWPT_DATA_ARM_SMMUV3:
 * the stream table entry's stage-1 fields, the context descriptor (CD), and
 * the VMSAv8-64 translation tables at 4 KiB, 16 KiB and 64 KiB granules.
 * Field positions are those of the SMMUv3 architecture as Linux's
 * arm-smmu-v3.h encodes them.
 *
 * Every table pointer and the final address are guest-physical (IPAs): the
 * walker reaches a descriptor only through the caller's stage-2 translation
 * (smmu_s1_cfg.gpa_to_host). The model has no hardware table updates
 * (SMMU_IDR0.HTTU is 0): a leaf with AF clear raises an access fault unless
 * the CD sets AFFD, and nothing is ever written to the guest's tables.
 */
#ifndef UIOMMUFD_IOMMU_SMMU_S1_H
#define UIOMMUFD_IOMMU_SMMU_S1_H

#include <stdbool.h>
#include <stdint.h>

/* Stream table entry, dword 0 and 1 (the fields a vSTE may hold) */
#define SMMU_STE_0_V		 (1ULL << 0)
#define SMMU_STE_0_CFG_SHIFT	 1
#define SMMU_STE_0_CFG_MASK	 (7ULL << 1)
#define SMMU_STE_CFG_ABORT	 0
#define SMMU_STE_CFG_BYPASS	 4
#define SMMU_STE_CFG_S1_TRANS	 5
#define SMMU_STE_0_S1FMT_SHIFT	 4
#define SMMU_STE_0_S1FMT_MASK	 (3ULL << 4)
#define SMMU_STE_0_S1CTXPTR_MASK (((1ULL << 52) - 1) & ~((1ULL << 6) - 1))
#define SMMU_STE_0_S1CDMAX_SHIFT 59
#define SMMU_STE_0_S1CDMAX_MASK	 (0x1fULL << 59)
#define SMMU_STE_0_ALLOWED                                            \
	(SMMU_STE_0_V | SMMU_STE_0_CFG_MASK | SMMU_STE_0_S1FMT_MASK | \
	 SMMU_STE_0_S1CTXPTR_MASK | SMMU_STE_0_S1CDMAX_MASK)
#define SMMU_STE_1_S1DSS_MASK 3ULL
#define SMMU_STE_1_S1CIR_MASK (3ULL << 2)
#define SMMU_STE_1_S1COR_MASK (3ULL << 4)
#define SMMU_STE_1_S1CSH_MASK (3ULL << 6)
#define SMMU_STE_1_S1STALLD   (1ULL << 27)
#define SMMU_STE_1_EATS_SHIFT 28
#define SMMU_STE_1_EATS_MASK  (3ULL << 28)
#define SMMU_STE_EATS_ABT     0
#define SMMU_STE_EATS_TRANS   1
#define SMMU_STE_1_ALLOWED                                                     \
	(SMMU_STE_1_S1DSS_MASK | SMMU_STE_1_S1CIR_MASK |                       \
	 SMMU_STE_1_S1COR_MASK | SMMU_STE_1_S1CSH_MASK | SMMU_STE_1_S1STALLD | \
	 SMMU_STE_1_EATS_MASK)

/* S1DSS: what a transaction without a SubstreamID gets, when S1CDMax > 0 */
#define SMMU_STE_S1DSS_TERMINATE 0
#define SMMU_STE_S1DSS_BYPASS	 1
#define SMMU_STE_S1DSS_SSID0	 2

/* Context descriptor, dwords 0 and 1 (TTB0) */
#define SMMU_CD_0_T0SZ_MASK  0x3fULL
#define SMMU_CD_0_TG0_SHIFT  6
#define SMMU_CD_0_EPD0	     (1ULL << 14)
#define SMMU_CD_0_ENDI	     (1ULL << 15)
#define SMMU_CD_0_V	     (1ULL << 31)
#define SMMU_CD_0_IPS_SHIFT  32
#define SMMU_CD_0_AFFD	     (1ULL << 35)
#define SMMU_CD_0_AA64	     (1ULL << 41)
#define SMMU_CD_0_ASID_SHIFT 48
#define SMMU_CD_1_TTB0_MASK  (((1ULL << 52) - 1) & ~((1ULL << 4) - 1))

/* The model's address sizes: 48-bit input (no VAX), 48-bit output */
#define SMMU_S1_MAX_IAS 48
#define SMMU_S1_MIN_IAS 25 /* T0SZ at most 39 */
#define SMMU_OAS_BITS	48

/* VMSAv8-64 descriptor bits used by the walk */
#define SMMU_PTE_VALID		(1ULL << 0)
#define SMMU_PTE_TABLE		(1ULL << 1) /* table (levels 0-2) or page (3) */
#define SMMU_PTE_AP_RDONLY	(1ULL << 7) /* AP[2] */
#define SMMU_PTE_AF		(1ULL << 10)
#define SMMU_PTE_APTABLE_RDONLY (1ULL << 62) /* APTable[1] */

enum smmu_s1_fault {
	SMMU_S1_OK = 0,
	SMMU_S1_TRANSLATION, /* F_TRANSLATION: no valid descriptor */
	SMMU_S1_ADDR_SIZE,   /* F_ADDR_SIZE: an address above the OAS */
	SMMU_S1_ACCESS,	     /* F_ACCESS: AF clear, AFFD not set */
	SMMU_S1_PERMISSION,  /* F_PERMISSION: a write to a read-only page */
	SMMU_S1_STAGE2,	     /* a table's IPA did not translate */
};

/* One CD, decoded: what a walk of its TTB0 needs */
struct smmu_s1_cfg {
	uint64_t ttb;		    /* TTB0, an IPA */
	unsigned int granule_shift; /* 12, 14 or 16 */
	unsigned int ias;	    /* input bits: 64 - T0SZ */
	unsigned int oas;	    /* output bits: IPS, capped to the OAS */
	uint16_t asid;
	bool epd0; /* TTB0 walks disabled: everything faults */
	bool affd; /* an AF of 0 does not fault */
	/*
	 * The host address of the 8 bytes at IPA @gpa (8-byte aligned),
	 * readable; NULL on a stage-2 fault.
	 */
	uint64_t *(*gpa_to_host)(void *arg, uint64_t gpa);
	void *arg;
};

/* The translation of one address: the leaf it went through */
struct smmu_s1_result {
	uint64_t gpa;	    /* the IPA of the input */
	uint64_t iova_base; /* the first input address the leaf maps */
	uint64_t size;	    /* the leaf's size */
	bool writable;
};

/*
 * Decode CD dwords @cd into @cfg (its gpa_to_host and arg untouched).
 * false: the CD is one the model refuses (C_BAD_CD): not valid, not
 * AArch64, big-endian tables, a reserved granule or a T0SZ out of range.
 */
bool smmu_cd_decode(const uint64_t cd[2], struct smmu_s1_cfg *cfg);

/* Walk @iova for a read or a @write; nothing in the tables is written */
enum smmu_s1_fault smmu_s1_walk(const struct smmu_s1_cfg *cfg, uint64_t iova,
				bool write, struct smmu_s1_result *res);

#endif
