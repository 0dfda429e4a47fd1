/* SPDX-License-Identifier: MIT */
/*
 * The Intel VT-d first-stage page-table format: x86-64 4- and 5-level
 * paging, as the guest writes it for IOMMU_HWPT_DATA_VTD_S1.
 *
 * Every table pointer and the final address are guest-physical: the walker
 * reaches an entry only through the caller's stage-2 translation
 * (vtd_s1_cfg.gpa_to_host). It checks present, read/write and user/supervisor
 * bits at every level, refuses reserved bits, takes 2 MiB and 1 GiB leaves,
 * and sets the accessed bit of every entry it used and the dirty bit of the
 * leaf on a write, with a compare-and-exchange on the entry as the hardware
 * does its locked update (a changed entry restarts the walk).
 *
 * Requests are user requests (no PASID, no supervisor privilege: the model
 * advertises no supervisor request support), so every level must have U/S
 * set. Execute requests do not exist: the XD bit is ignored.
 */
#ifndef UIOMMUFD_IOMMU_VTD_S1_H
#define UIOMMUFD_IOMMU_VTD_S1_H

#include <stdbool.h>
#include <stdint.h>

/* Entry bits of x86-64 paging used by the walk */
#define VTD_S1_P  (1ULL << 0)
#define VTD_S1_RW (1ULL << 1)
#define VTD_S1_US (1ULL << 2)
#define VTD_S1_A  (1ULL << 5)
#define VTD_S1_D  (1ULL << 6)
#define VTD_S1_PS (1ULL << 7)
#define VTD_S1_XD (1ULL << 63)

/* The address widths of struct iommu_hwpt_vtd_s1, per number of levels */
#define VTD_S1_ADDR_WIDTH_4LEVEL 48
#define VTD_S1_ADDR_WIDTH_5LEVEL 57

/* Guest-physical addresses the model accepts: its stage 2 is 48 bits */
#define VTD_S1_GPA_BITS 48

enum vtd_s1_fault {
	VTD_S1_OK = 0,
	VTD_S1_NOT_PRESENT,   /* an entry on the way has P clear */
	VTD_S1_NO_WRITE,      /* a write, and some level has R/W clear */
	VTD_S1_NO_USER,	      /* some level has U/S clear */
	VTD_S1_RESERVED,      /* an entry has a reserved bit set */
	VTD_S1_NON_CANONICAL, /* the input address is not canonical (or,
				 zero-extended, above the top table's reach) */
	VTD_S1_STAGE2,	      /* a table entry's GPA did not translate */
};

struct vtd_s1_cfg {
	uint64_t root_gpa;   /* the top table (FLPTR) */
	unsigned int levels; /* 4 or 5 */
	/*
	 * Inputs are not sign-extended: every address below 2^(12 + 9 *
	 * levels) is valid and none above it (an AMD v2 table walked for
	 * PASID 0, which decodes the full 48 or 57 bits as lower addresses)
	 */
	bool zero_extend;
	/*
	 * The host address of the 8 bytes at guest-physical @gpa (8-byte
	 * aligned), readable, and writable when @write; NULL on a stage-2
	 * fault.
	 */
	uint64_t *(*gpa_to_host)(void *arg, uint64_t gpa, bool write);
	void *arg;
};

/* The translation of one address: the leaf it went through */
struct vtd_s1_result {
	uint64_t gpa;	    /* the guest-physical address of the input */
	uint64_t iova_base; /* the first input address the leaf maps */
	uint64_t size;	    /* the leaf's size: 4 KiB, 2 MiB or 1 GiB */
	bool writable;	    /* R/W set at every level */
	bool dirty; /* the leaf's D bit is set (by this walk or before) */
};

/*
 * Walk @iova for a read or a @write. With @set_ad, set accessed bits (and
 * the leaf's dirty bit on a write) as the hardware does on a successful
 * translation; without it, touch nothing (a check before a transfer).
 */
enum vtd_s1_fault vtd_s1_walk(const struct vtd_s1_cfg *cfg, uint64_t iova,
			      bool write, bool set_ad,
			      struct vtd_s1_result *res);

#endif
