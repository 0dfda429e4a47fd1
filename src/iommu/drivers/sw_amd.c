// SPDX-License-Identifier: MIT
/*
 * The AMD IOMMU model of the software IOMMU: what a device added with
 * iommu=amd reports (IOMMU_HW_INFO_TYPE_AMD), its vIOMMU, nested domains
 * holding a guest's device table entry (IOMMU_HWPT_DATA_AMD_GUEST) and the
 * two-stage translation the DMA path uses through them: guest DTE -> GCR3
 * table -> guest (v2) page table of PASID 0, every table pointer and the
 * final address through the nest parent (the host, v1, table).
 *
 * Requests and errnos follow the kernel's amd driver (iommufd.c, nested.c
 * and amd_iommu_domain_alloc_paging_flags() in iommu.c). There, the vIOMMU
 * has no cache_invalidate op and nested domains no cache_invalidate_user:
 * nothing a VMM does reaches the IOTLB of the guest's translations. So the
 * model caches none: every DMA walks the guest's GCR3 table and page table
 * as they are (see docs/amd.md).
 */
#include <string.h>

#include "../../include/iommufd.h"
#include "../paging_domain.h"
#include "../vtd_s1.h"
#include "sw_iommu.h"

/*
 * Extended Feature Register: GTSup (guest translation), GATS 1 (5-level
 * guest tables), GLXSup 1 (GCR3 tables of up to two levels), GIOSup (guest
 * translation of requests without PASID), HASup/HDSup (access and dirty
 * bits of the host table: dirty tracking). Not set: PPRSup (no page
 * requests, hence no PASID domains), PASmax 0 (PASID 0 only), NXSup,
 * GASup, x2APIC, interrupt remapping.
 */
#define AMD_EFR_GT	    (1ULL << 4)
#define AMD_EFR_GATS_5LEVEL (1ULL << 12)
#define AMD_EFR_GLX_SHIFT   14
#define AMD_EFR_GIOSUP	    (1ULL << 48)
#define AMD_EFR_HASUP	    (1ULL << 49)
#define AMD_EFR_HDSUP	    (1ULL << 52)
#define SW_AMD_GLX_SUP	    1ULL
/* EFR2 GCR3TRPMode: the GCR3 table root pointer is guest-physical */
#define AMD_EFR2_GCR3TRPMODE (1ULL << 3)

#define SW_AMD_EFR                                                \
	(AMD_EFR_GT | AMD_EFR_GATS_5LEVEL |                       \
	 (SW_AMD_GLX_SUP << AMD_EFR_GLX_SHIFT) | AMD_EFR_GIOSUP | \
	 AMD_EFR_HASUP | AMD_EFR_HDSUP)
#define SW_AMD_EFR2 AMD_EFR2_GCR3TRPMODE

/* Device table entry fields (amd_iommu_types.h), by 64-bit word */
#define DTE0_V		 (1ULL << 0)
#define DTE0_MODE_SHIFT	 9
#define DTE0_MODE_MASK	 (7ULL << DTE0_MODE_SHIFT)
#define DTE0_HOST_TRP	 (((1ULL << 52) - 1) & ~((1ULL << 12) - 1))
#define DTE0_GIOV	 (1ULL << 54)
#define DTE0_GV		 (1ULL << 55)
#define DTE0_GLX_SHIFT	 56
#define DTE0_GCR3_14_12	 (7ULL << 58)
#define DTE1_GCR3_30_15	 (0xffffULL << 16)
#define DTE1_GCR3_51_31	 (((1ULL << 21) - 1) << 43)
#define DTE2_GPT_SHIFT	 54
#define DTE_GPT_4LEVEL	 0
#define DTE_GPT_5LEVEL	 1
#define DTE_GLX_RESERVED 3

/* A GCR3 table entry: valid, and bits 51:12 the next table or guest CR3 */
#define GCR3_VALID     (1ULL << 0)
#define GCR3_ADDR_MASK (((1ULL << 52) - 1) & ~((1ULL << 12) - 1))

struct sw_amd_viommu {
	struct paging_domain *s2;
};

struct sw_amd_nested {
	struct iommu_domain domain;
	struct paging_domain *s2;
	uint64_t dte[4];
};

static const struct iommu_domain_ops sw_amd_nested_ops;

static struct sw_amd_nested *to_sw_amd_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct sw_amd_nested, domain);
}

bool sw_amd_is_nested(const struct iommu_domain *domain)
{
	return domain->ops == &sw_amd_nested_ops;
}

/* amd_iommufd_hw_info(): the EFR and EFR2 registers as they are */
void *sw_amd_hw_info(struct device *dev, uint32_t *length, uint32_t *type)
{
	struct iommu_hw_info_amd *info;

	(void)dev;
	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != IOMMU_HW_INFO_TYPE_AMD)
		return ERR_PTR(-EOPNOTSUPP);
	info = ufd_new(struct iommu_hw_info_amd);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->efr = SW_AMD_EFR;
	info->efr2 = SW_AMD_EFR2;
	*length = sizeof(*info);
	*type = IOMMU_HW_INFO_TYPE_AMD;
	return info;
}

/*
 * amd_iommu_domain_alloc_paging_flags(): dirty tracking (HDSup) and nest
 * parents (GT, GIOSup, GCR3TRPMode) alone or together; PASID only on an
 * IOMMU with page requests, which the model is not
 */
bool sw_amd_paging_flags_ok(uint32_t flags)
{
	switch (flags) {
	case 0:
	case IOMMU_HWPT_ALLOC_DIRTY_TRACKING:
	case IOMMU_HWPT_ALLOC_NEST_PARENT:
	case IOMMU_HWPT_ALLOC_DIRTY_TRACKING | IOMMU_HWPT_ALLOC_NEST_PARENT:
		return true;
	default:
		return false;
	}
}

static uint64_t gdte_gcr3_root(const uint64_t dte[4])
{
	return ((dte[0] & DTE0_GCR3_14_12) >> 58 << 12) |
	       ((dte[1] & DTE1_GCR3_30_15) >> 16 << 15) |
	       ((dte[1] & DTE1_GCR3_51_31) >> 43 << 31);
}

static unsigned int gdte_glx(const uint64_t dte[4])
{
	return (unsigned int)(dte[0] >> DTE0_GLX_SHIFT) & 3;
}

static unsigned int gdte_gpt_level(const uint64_t dte[4])
{
	return (unsigned int)(dte[2] >> DTE2_GPT_SHIFT) & 3;
}

/* validate_gdte_nested(), check for check */
static int sw_amd_validate_gdte(const uint64_t dte[4])
{
	unsigned int gpt_level = gdte_gpt_level(dte);

	if ((dte[0] & DTE0_MODE_MASK) || (dte[0] & DTE0_HOST_TRP))
		return -EINVAL;
	if ((dte[0] & DTE0_V) && (dte[0] & DTE0_GV) && !gdte_gcr3_root(dte))
		return -EINVAL;
	if (gpt_level != DTE_GPT_4LEVEL && gpt_level != DTE_GPT_5LEVEL)
		return -EINVAL;
	if (gdte_glx(dte) == DTE_GLX_RESERVED)
		return -EINVAL;
	/* The host's guest paging level: 5 with EFR GATS 1 (and LA57) */
	if (gpt_level == DTE_GPT_5LEVEL && !(SW_AMD_EFR & AMD_EFR_GATS_5LEVEL))
		return -EOPNOTSUPP;
	return 0;
}

/*
 * nested_attach_device(): the host DTE takes the parent's table, GV, and
 * the guest's GLX, GIOV, GCR3 root and paging mode; nothing is refused
 * (a device of another model never gets here: its iommu_ops are not the
 * domain's owner)
 */
static int sw_amd_nested_attach_dev(struct iommu_domain *domain,
				    struct device *dev,
				    struct iommu_domain *old)
{
	(void)old;
	sw_iommu_set_domain(dev, domain);
	return 0;
}

static void sw_amd_nested_free(struct iommu_domain *domain)
{
	ufd_free(to_sw_amd_nested(domain));
}

static const struct iommu_domain_ops sw_amd_nested_ops = {
	.attach_dev = sw_amd_nested_attach_dev,
	.free = sw_amd_nested_free,
};

/*
 * amd_iommu_alloc_domain_nested(): the flags are not looked at. The
 * kernel's gDomID -> hDomID map only picks IOTLB tags, which the model,
 * caching nothing, has no use for.
 */
static struct iommu_domain *
sw_amd_alloc_domain_nested(struct iommufd_viommu *viommu, uint32_t flags,
			   const struct iommu_user_data *user_data)
{
	struct sw_amd_viommu *vamd = iommufd_viommu_priv(viommu);
	struct iommu_hwpt_amd_guest gdte;
	struct sw_amd_nested *nested;
	uint64_t dte[4];
	int rc;

	(void)flags;
	if (user_data->type != IOMMU_HWPT_DATA_AMD_GUEST)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(
		&gdte, sizeof(gdte), user_data, IOMMU_HWPT_DATA_AMD_GUEST,
		offsetofend(struct iommu_hwpt_amd_guest, dte));
	if (rc)
		return ERR_PTR(rc);
	memcpy(dte, gdte.dte, sizeof(dte));
	rc = sw_amd_validate_gdte(dte);
	if (rc)
		return ERR_PTR(rc);
	nested = ufd_new(struct sw_amd_nested);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->s2 = vamd->s2;
	memcpy(nested->dte, dte, sizeof(nested->dte));
	nested->domain.ops = &sw_amd_nested_ops;
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	return &nested->domain;
}

static const struct iommufd_viommu_ops sw_amd_viommu_ops = {
	.alloc_domain_nested = sw_amd_alloc_domain_nested,
};

/* amd_iommufd_get_viommu_size(): whatever the (non-default) type */
size_t sw_amd_get_viommu_size(struct device *dev, unsigned int type)
{
	(void)dev;
	(void)type;
	return sizeof(struct sw_amd_viommu);
}

/*
 * amd_iommufd_viommu_init(). The kernel takes the parent as its own; a
 * parent of another model can only exist here, and is refused.
 */
int sw_amd_viommu_init(struct iommufd_viommu *viommu,
		       struct iommu_domain *parent,
		       const struct iommu_user_data *user_data,
		       const struct iommufd_viommu_ops **ops)
{
	struct sw_amd_viommu *vamd = iommufd_viommu_priv(viommu);

	(void)user_data;
	if (!sw_domain_is_paging(parent) || !sw_amd_owns(parent))
		return -EINVAL;
	vamd->s2 = to_paging_domain(parent);
	*ops = &sw_amd_viommu_ops;
	return 0;
}

/*
 * Guest CR3 of PASID 0: GLX + 1 levels of GCR3 table from the DTE's root,
 * entry 0 of each (PASID 0 indexes 0 at every level), through stage 2
 */
static enum sw_dma_fault sw_amd_gcr3(struct sw_amd_nested *nested,
				     struct sw_vtd_s2 *s2, uint64_t *cr3)
{
	unsigned int glx = gdte_glx(nested->dte);
	uint64_t table = gdte_gcr3_root(nested->dte);

	/* A level the IOMMU does not have: an illegal DTE */
	if (glx > SW_AMD_GLX_SUP)
		return SW_DMA_BAD_ENTRY;
	for (unsigned int level = 0; level <= glx; level++) {
		uint64_t *p = sw_vtd_table_entry(s2, table, false);
		uint64_t e;

		if (!p)
			return s2->table_fault;
		e = __atomic_load_n(p, __ATOMIC_ACQUIRE);
		if (!(e & GCR3_VALID))
			return SW_DMA_NOT_MAPPED;
		table = e & GCR3_ADDR_MASK;
	}
	*cr3 = table;
	return SW_DMA_OK;
}

/*
 * The v2 table of PASID 0 for @iova, which has no sign extension there:
 * the guest-physical address and the bytes left in the leaf
 */
static bool sw_amd_stage1(struct sw_amd_nested *nested, struct sw_vtd_s2 *s2,
			  uint64_t iova, bool write, bool mark, uint64_t *gpa,
			  uint64_t *left, struct sw_dma_fault_info *fault)
{
	struct vtd_s1_cfg cfg = {
		.levels = gdte_gpt_level(nested->dte) == DTE_GPT_5LEVEL ? 5 : 4,
		.zero_extend = true,
		.gpa_to_host = sw_vtd_table_entry,
		.arg = s2,
	};
	struct vtd_s1_result res;
	enum sw_dma_fault f;
	enum vtd_s1_fault f1;

	f = sw_amd_gcr3(nested, s2, &cfg.root_gpa);
	if (f)
		return sw_dma_fault(fault, f, iova, write);
	f1 = vtd_s1_walk(&cfg, iova, write, mark, &res);
	if (f1 == VTD_S1_STAGE2)
		return sw_dma_fault(fault, s2->table_fault, iova, write);
	if (f1)
		return sw_vtd_s1_fault(f1, iova, write, fault);
	*gpa = res.gpa;
	*left = res.size - (iova - res.iova_base);
	return true;
}

/*
 * One access. With GIOV, a request without PASID is translated by PASID
 * 0's guest table then the host table; without it, by the host table only.
 */
bool sw_amd_walk(struct iommu_domain *domain, uint64_t iova, bool write,
		 bool mark, struct io_pgtable_walk *walk,
		 struct sw_dma_fault_info *fault)
{
	struct sw_amd_nested *nested = to_sw_amd_nested(domain);
	struct sw_vtd_s2 s2 = {.pd = nested->s2, .mark = mark};
	uint64_t gpa = iova, left = UINT64_MAX;
	enum sw_dma_fault f;

	if ((nested->dte[0] & DTE0_GIOV) &&
	    !sw_amd_stage1(nested, &s2, iova, write, mark, &gpa, &left, fault))
		return false;
	f = sw_vtd_s2_lookup(&s2, gpa, write, walk);
	if (f)
		return sw_dma_fault(fault, f, iova, write);
	walk->leaf_left = min(walk->leaf_left, left);
	return true;
}
