// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 context descriptor and the VMSAv8-64 stage-1 walk (see
 * smmu_s1.h). Layouts and bit meanings are those of the SMMUv3 and Armv8-A
 * architectures.
 */
#include "smmu_s1.h"

#define SMMU_S1_LAST_LEVEL 3
/* Descriptor output address bits: [51:granule], as far as 52-bit OAs go */
#define SMMU_PTE_OA_TOP 52

/* TG0 encodes 4 KiB as 0, 64 KiB as 1, 16 KiB as 2; 3 is reserved */
static unsigned int tg0_to_shift(unsigned int tg0)
{
	static const unsigned int shift[] = {12, 16, 14, 0};

	return shift[tg0 & 3];
}

/* IPS: 32, 36, 40, 42, 44, 48, 52 bits; the model's OAS caps it */
static unsigned int ips_to_bits(unsigned int ips)
{
	static const unsigned int bits[] = {32, 36, 40, 42, 44, 48, 52, 52};
	unsigned int b = bits[ips & 7];

	return b < SMMU_OAS_BITS ? b : SMMU_OAS_BITS;
}

bool smmu_cd_decode(const uint64_t cd[2], struct smmu_s1_cfg *cfg)
{
	unsigned int t0sz = (unsigned int)(cd[0] & SMMU_CD_0_T0SZ_MASK);

	if (!(cd[0] & SMMU_CD_0_V) || !(cd[0] & SMMU_CD_0_AA64))
		return false;
	/* SMMU_IDR0.TTENDIAN says little-endian tables only */
	if (cd[0] & SMMU_CD_0_ENDI)
		return false;
	cfg->granule_shift =
		tg0_to_shift((unsigned int)(cd[0] >> SMMU_CD_0_TG0_SHIFT));
	if (!cfg->granule_shift)
		return false;
	if (64 - t0sz > SMMU_S1_MAX_IAS || 64 - t0sz < SMMU_S1_MIN_IAS)
		return false;
	cfg->ias = 64 - t0sz;
	cfg->oas = ips_to_bits((unsigned int)(cd[0] >> SMMU_CD_0_IPS_SHIFT));
	cfg->ttb = cd[1] & SMMU_CD_1_TTB0_MASK;
	cfg->asid = (uint16_t)(cd[0] >> SMMU_CD_0_ASID_SHIFT);
	cfg->epd0 = cd[0] & SMMU_CD_0_EPD0;
	cfg->affd = cd[0] & SMMU_CD_0_AFFD;
	return true;
}

/*
 * Blocks the granule allows without 52-bit addresses: 1 GiB and 2 MiB at
 * 4 KiB, 32 MiB at 16 KiB, 512 MiB at 64 KiB.
 */
static bool block_allowed(unsigned int granule_shift, unsigned int level)
{
	if (granule_shift == 12)
		return level == 1 || level == 2;
	return level == 2;
}

/* The output address of a descriptor at @shift, or false: above the OAS */
static bool desc_address(const struct smmu_s1_cfg *cfg, uint64_t desc,
			 unsigned int shift, uint64_t *out)
{
	uint64_t oa = desc & ((1ULL << SMMU_PTE_OA_TOP) - 1) &
		      ~((1ULL << shift) - 1);

	if (oa >> cfg->oas)
		return false;
	*out = oa;
	return true;
}

enum smmu_s1_fault smmu_s1_walk(const struct smmu_s1_cfg *cfg, uint64_t iova,
				bool write, struct smmu_s1_result *res)
{
	unsigned int g = cfg->granule_shift, stride = g - 3;
	unsigned int levels = (cfg->ias - g + stride - 1) / stride;
	unsigned int level = SMMU_S1_LAST_LEVEL + 1 - levels;
	unsigned int top_bits = cfg->ias - g - (levels - 1) * stride;
	uint64_t table = cfg->ttb & ~((8ULL << top_bits) - 1);
	bool writable = true;

	/* Only TTB0's half is walked: the model has no TTB1 */
	if (cfg->epd0 || (iova >> cfg->ias))
		return SMMU_S1_TRANSLATION;
	if (table >> cfg->oas)
		return SMMU_S1_ADDR_SIZE;
	for (;; level++) {
		unsigned int shift = g + (SMMU_S1_LAST_LEVEL - level) * stride;
		unsigned int bits = level == SMMU_S1_LAST_LEVEL + 1 - levels
					    ? top_bits
					    : stride;
		uint64_t idx = (iova >> shift) & ((1ULL << bits) - 1);
		uint64_t *p = cfg->gpa_to_host(cfg->arg, table + idx * 8);
		uint64_t desc, oa;

		if (!p)
			return SMMU_S1_STAGE2;
		desc = __atomic_load_n(p, __ATOMIC_ACQUIRE);
		if (!(desc & SMMU_PTE_VALID))
			return SMMU_S1_TRANSLATION;
		if (level < SMMU_S1_LAST_LEVEL && (desc & SMMU_PTE_TABLE)) {
			if (!desc_address(cfg, desc, g, &table))
				return SMMU_S1_ADDR_SIZE;
			writable &= !(desc & SMMU_PTE_APTABLE_RDONLY);
			continue;
		}
		/* A block where the granule has none, or a reserved page */
		if (level == SMMU_S1_LAST_LEVEL ? !(desc & SMMU_PTE_TABLE)
						: !block_allowed(g, level))
			return SMMU_S1_TRANSLATION;
		if (!desc_address(cfg, desc, shift, &oa))
			return SMMU_S1_ADDR_SIZE;
		if (!(desc & SMMU_PTE_AF) && !cfg->affd)
			return SMMU_S1_ACCESS;
		writable &= !(desc & SMMU_PTE_AP_RDONLY);
		if (write && !writable)
			return SMMU_S1_PERMISSION;
		res->size = 1ULL << shift;
		res->iova_base = iova & ~(res->size - 1);
		res->gpa = oa | (iova & (res->size - 1));
		res->writable = writable;
		return SMMU_S1_OK;
	}
}
