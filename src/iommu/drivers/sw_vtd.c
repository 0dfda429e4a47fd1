// SPDX-License-Identifier: MIT
/*
 * The Intel VT-d model of the software IOMMU: what a device added with
 * iommu=vtd reports (IOMMU_HW_INFO_TYPE_INTEL_VTD), its nested domains
 * (IOMMU_HWPT_DATA_VTD_S1 on a nest-parent paging domain), their IOTLB and
 * its invalidation (IOMMU_HWPT_INVALIDATE_DATA_VTD_S1), and the two-stage
 * translation the DMA path uses through them.
 *
 * Requests and errnos follow the kernel's intel driver (nested.c, pasid.c):
 * the stage-1 configuration is accepted as given at allocation and checked
 * when a device is attached to it, where the PASID entry would be written.
 */
#include <stdio.h>
#include <string.h>

#include "../iotlb.h"
#include "../paging_domain.h"
#include "../vtd_s1.h"
#include "sw_iommu.h"

/*
 * Capability register (VT-d 11.4.2): the fields the model implements.
 * ND: 256 domain IDs; SAGAW: 4-level (48-bit) second stage; MGAW: 48
 * bits; SLLPS: 2 MiB and 1 GiB second-stage leaves; PSI with an address
 * mask up to 1 GiB (any range invalidates); FL1GP: 1 GiB first-stage
 * leaves; FL5LP: 5-level first stage.
 */
#define VTD_CAP_ND_256	     (2ULL << 0)
#define VTD_CAP_SAGAW_4LEVEL (1ULL << (8 + 2))
#define VTD_CAP_MGAW(bits)   ((uint64_t)((bits)-1) << 16)
#define VTD_CAP_SLLPS_2M_1G  (3ULL << 34)
#define VTD_CAP_PSI	     (1ULL << 39)
#define VTD_CAP_MAMV(v)	     ((uint64_t)(v) << 48)
#define VTD_CAP_FL1GP	     (1ULL << 56)
#define VTD_CAP_FL5LP	     (1ULL << 60)

#define SW_VTD_CAP                                                           \
	(VTD_CAP_ND_256 | VTD_CAP_SAGAW_4LEVEL |                             \
	 VTD_CAP_MGAW(VTD_S1_GPA_BITS) | VTD_CAP_SLLPS_2M_1G | VTD_CAP_PSI | \
	 VTD_CAP_MAMV(18) | VTD_CAP_FL1GP | VTD_CAP_FL5LP)

/*
 * Extended capability register (VT-d 11.4.3). C: walks are coherent; QI:
 * invalidations are the queued kind (IOMMU_HWPT_INVALIDATE is what a VMM
 * turns a guest's queue into); SC: snoop control; NEST; PRS: page
 * requests (a device's requests reach a domain's fault queue, docs/
 * pasid.md); PSS and PASID: 20-bit PASIDs; SMTS: scalable mode; SLADS:
 * second-stage A/D (dirty tracking); SLTS and FLTS. Not set: SRS
 * (supervisor requests), EAFS, device TLBs, pass-through.
 */
#define VTD_ECAP_C	(1ULL << 0)
#define VTD_ECAP_QI	(1ULL << 1)
#define VTD_ECAP_SC	(1ULL << 7)
#define VTD_ECAP_NEST	(1ULL << 26)
#define VTD_ECAP_PRS	(1ULL << 29)
#define VTD_ECAP_SRS	(1ULL << 31)
#define VTD_ECAP_EAFS	(1ULL << 34)
#define VTD_ECAP_PSS(b) ((uint64_t)((b)-1) << 35)
#define VTD_ECAP_PASID	(1ULL << 40)
#define VTD_ECAP_SMTS	(1ULL << 43)
#define VTD_ECAP_SLADS	(1ULL << 45)
#define VTD_ECAP_SLTS	(1ULL << 46)
#define VTD_ECAP_FLTS	(1ULL << 47)

#define SW_VTD_ECAP                                                    \
	(VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_SC | VTD_ECAP_NEST |      \
	 VTD_ECAP_PRS | VTD_ECAP_PSS(SW_PASID_BITS) | VTD_ECAP_PASID | \
	 VTD_ECAP_SMTS | VTD_ECAP_SLADS | VTD_ECAP_SLTS | VTD_ECAP_FLTS)

#define VTD_PAGE_SIZE 4096ULL

struct sw_vtd_nested {
	struct iommu_domain domain;
	struct paging_domain *s2;
	struct iommu_hwpt_vtd_s1 s1_cfg;
	struct iotlb iotlb;
};

static const struct iommu_domain_ops sw_vtd_nested_ops;

static struct sw_vtd_nested *to_sw_vtd_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct sw_vtd_nested, domain);
}

bool sw_vtd_is_nested(const struct iommu_domain *domain)
{
	return domain->ops == &sw_vtd_nested_ops;
}

void *sw_vtd_hw_info(struct device *dev, uint32_t *length, uint32_t *type)
{
	struct iommu_hw_info_vtd *vtd;

	(void)dev;
	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return ERR_PTR(-EOPNOTSUPP);
	vtd = ufd_new(struct iommu_hw_info_vtd);
	if (!vtd)
		return ERR_PTR(-ENOMEM);
	/* No erratum: read-only mappings of a nest parent are honoured */
	vtd->cap_reg = SW_VTD_CAP;
	vtd->ecap_reg = SW_VTD_ECAP;
	*length = sizeof(*vtd);
	*type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	return vtd;
}

/* What intel_pasid_setup_nested() refuses before writing the PASID entry */
static int sw_vtd_check_s1_cfg(const struct iommu_hwpt_vtd_s1 *cfg)
{
	switch (cfg->addr_width) {
	case VTD_S1_ADDR_WIDTH_4LEVEL:
		break;
	case VTD_S1_ADDR_WIDTH_5LEVEL:
		if (!(SW_VTD_CAP & VTD_CAP_FL5LP))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if ((cfg->flags & IOMMU_VTD_S1_SRE) && !(SW_VTD_ECAP & VTD_ECAP_SRS))
		return -EINVAL;
	if ((cfg->flags & IOMMU_VTD_S1_EAFE) && !(SW_VTD_ECAP & VTD_ECAP_EAFS))
		return -EINVAL;
	return 0;
}

static int sw_vtd_nested_attach_dev(struct iommu_domain *domain,
				    struct device *dev,
				    struct iommu_domain *old)
{
	int rc = sw_vtd_check_s1_cfg(&to_sw_vtd_nested(domain)->s1_cfg);

	(void)old;
	if (!rc)
		rc = sw_iommu_iopf_check(domain, dev);
	if (rc)
		return rc;
	sw_iommu_set_domain(dev, domain);
	return 0;
}

/* The same checks where a PASID's entry is written */
static int sw_vtd_nested_set_dev_pasid(struct iommu_domain *domain,
				       struct device *dev, uint32_t pasid,
				       struct iommu_domain *old)
{
	int rc = sw_vtd_check_s1_cfg(&to_sw_vtd_nested(domain)->s1_cfg);

	if (rc)
		return rc;
	return sw_iommu_set_pasid(dev, pasid, domain, old);
}

void sw_vtd_flush_all(struct iommu_domain *domain)
{
	iotlb_invalidate(&to_sw_vtd_nested(domain)->iotlb, 0, UINT64_MAX);
}

/*
 * Forget what the hardware would for [addr, addr + npages pages): the
 * intel driver sends a page-selective invalidation of the naturally
 * aligned power of two spanning the first and the last address (the last
 * computed modulo 2^64, as the driver does), or a full one when that
 * spans everything, so neighbours of a small range may go too.
 */
static void sw_vtd_flush_range(struct sw_vtd_nested *nested, uint64_t addr,
			       uint64_t npages)
{
	uint64_t last = addr + (npages << 12) - 1;
	uint64_t span = addr ^ last;
	unsigned int sz_lg2 = span ? 64 - (unsigned int)__builtin_clzll(span)
				   : 0;

	if (sz_lg2 <= 12)
		iotlb_invalidate(&nested->iotlb, addr,
				 addr + VTD_PAGE_SIZE - 1);
	else if (sz_lg2 >= 64)
		iotlb_invalidate(&nested->iotlb, 0, UINT64_MAX);
	else
		iotlb_invalidate(&nested->iotlb, addr & ~((1ULL << sz_lg2) - 1),
				 addr | ((1ULL << sz_lg2) - 1));
}

/*
 * Entry by entry, as the kernel's intel_nested_cache_invalidate_user():
 * stop at the first bad entry, report how many were done. The leaf flag
 * narrows nothing here: the model caches no paging structures, only leaves.
 */
static int sw_vtd_cache_invalidate_user(struct iommu_domain *domain,
					struct iommu_user_data_array *array)
{
	struct sw_vtd_nested *nested = to_sw_vtd_nested(domain);
	struct iommu_hwpt_vtd_s1_invalidate inv;
	uint32_t index, processed = 0;
	int rc = 0;

	if (array->type != IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		rc = -EINVAL;
		goto out;
	}
	for (index = 0; index < array->entry_num; index++) {
		rc = iommu_copy_struct_from_user_array(
			&inv, sizeof(inv), array,
			IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, index,
			offsetofend(struct iommu_hwpt_vtd_s1_invalidate,
				    __reserved));
		if (rc)
			break;
		if ((inv.flags & ~IOMMU_VTD_INV_FLAGS_LEAF) || inv.__reserved) {
			rc = -EOPNOTSUPP;
			break;
		}
		if ((inv.addr & (VTD_PAGE_SIZE - 1)) ||
		    (inv.npages == UINT64_MAX && inv.addr)) {
			rc = -EINVAL;
			break;
		}
		sw_vtd_flush_range(nested, inv.addr, inv.npages);
		processed++;
	}
	/* DMA already past its lookup finishes before the call returns */
	if (processed)
		sw_iommu_quiesce();
out:
	array->entry_num = processed;
	return rc;
}

static void sw_vtd_nested_free(struct iommu_domain *domain)
{
	ufd_free(to_sw_vtd_nested(domain));
}

static const struct iommu_domain_ops sw_vtd_nested_ops = {
	.attach_dev = sw_vtd_nested_attach_dev,
	.set_dev_pasid = sw_vtd_nested_set_dev_pasid,
	.free = sw_vtd_nested_free,
	.cache_invalidate_user = sw_vtd_cache_invalidate_user,
};

struct iommu_domain *
sw_vtd_domain_alloc_nested(struct device *dev, struct iommu_domain *parent,
			   uint32_t flags,
			   const struct iommu_user_data *user_data)
{
	struct iommu_hwpt_vtd_s1 vtd;
	struct sw_vtd_nested *nested;
	int rc;

	(void)dev;
	/*
	 * As the intel driver, which takes IOMMU_HWPT_ALLOC_PASID whatever
	 * the device: attaching it to a PASID is what fails without PASIDs
	 */
	if (flags & ~IOMMU_HWPT_ALLOC_PASID)
		return ERR_PTR(-EOPNOTSUPP);
	if (user_data->type != IOMMU_HWPT_DATA_VTD_S1)
		return ERR_PTR(-EOPNOTSUPP);
	if (!sw_domain_is_paging(parent))
		return ERR_PTR(-EINVAL);
	rc = iommu_copy_struct_from_user(
		&vtd, sizeof(vtd), user_data, IOMMU_HWPT_DATA_VTD_S1,
		offsetofend(struct iommu_hwpt_vtd_s1, __reserved));
	if (rc)
		return ERR_PTR(rc);
	nested = ufd_new(struct sw_vtd_nested);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->s2 = to_paging_domain(parent);
	nested->s1_cfg = vtd;
	nested->domain.ops = &sw_vtd_nested_ops;
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	return &nested->domain;
}

enum sw_dma_fault sw_vtd_s2_lookup(struct sw_vtd_s2 *s2, uint64_t gpa,
				   bool write, struct io_pgtable_walk *walk)
{
	if (gpa > ULONG_MAX || !io_pgtable_lookup(&s2->pd->pt, gpa, walk))
		return SW_DMA_NOT_MAPPED;
	if (!(walk->prot & (write ? IOPTE_WRITE : IOPTE_READ)))
		return write ? SW_DMA_NO_WRITE : SW_DMA_NO_READ;
	if (s2->mark && READ_ONCE(s2->pd->dirty_tracking))
		io_pgtable_mark_used(walk, write);
	return SW_DMA_OK;
}

/* vtd_s1_cfg.gpa_to_host: a first-stage entry through stage 2 */
uint64_t *sw_vtd_table_entry(void *arg, uint64_t gpa, bool write)
{
	struct sw_vtd_s2 *s2 = arg;
	struct io_pgtable_walk walk;

	s2->table_fault = sw_vtd_s2_lookup(s2, gpa, write, &walk);
	if (s2->table_fault)
		return NULL;
	return (uint64_t *)walk.host;
}

bool sw_vtd_s1_fault(enum vtd_s1_fault f, uint64_t iova, bool write,
		     struct sw_dma_fault_info *fault)
{
	switch (f) {
	case VTD_S1_NO_WRITE:
		return sw_dma_fault(fault, SW_DMA_NO_WRITE, iova, write);
	case VTD_S1_NO_USER:
		return sw_dma_fault(fault,
				    write ? SW_DMA_NO_WRITE : SW_DMA_NO_READ,
				    iova, write);
	case VTD_S1_RESERVED:
	case VTD_S1_NON_CANONICAL:
		return sw_dma_fault(fault, SW_DMA_BAD_ENTRY, iova, write);
	default:
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, iova, write);
	}
}

/*
 * Strict mode: the IOTLB hit @hit of @iova against a walk of the tables as
 * they are now, one that touches no A/D bit. The DMA goes on with @hit.
 */
static void sw_vtd_strict_check(struct sw_iommu_dev *sdev,
				struct sw_vtd_nested *nested,
				const struct vtd_s1_cfg *cfg, uint64_t iova,
				bool write, const struct iotlb_hit *hit)
{
	struct sw_vtd_s2 s2 = {.pd = nested->s2};
	struct vtd_s1_cfg now_cfg = *cfg;
	/* Passed on even when the walk faults, so it must be defined */
	struct vtd_s1_result res = {0};
	struct iotlb_stale stale;
	char missing[128];
	bool fault;

	now_cfg.arg = &s2;
	fault = vtd_s1_walk(&now_cfg, iova, false, false, &res);
	if (!iotlb_hit_is_stale(&stale, sdev->dev.name, iova, write, hit, fault,
				res.gpa, res.writable))
		return;
	/* The invalidation that drops the cached leaf: all of its pages */
	snprintf(missing, sizeof(missing),
		 "missing=IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 addr=%#llx "
		 "npages=%llu",
		 (unsigned long long)hit->iova_base,
		 (unsigned long long)(hit->size >> 12));
	stale.missing = missing;
	iotlb_report_stale(&stale);
}

/*
 * The first stage of @iova: from the IOTLB, or by a walk (which sets A/D
 * bits and fills the IOTLB when @mark). A write through an entry cached
 * clean or read-only walks again, as the hardware does to set D.
 */
static enum vtd_s1_fault sw_vtd_stage1(struct sw_iommu_dev *sdev,
				       struct sw_vtd_nested *nested,
				       struct sw_vtd_s2 *s2, uint64_t iova,
				       bool write, bool mark,
				       struct iotlb_hit *hit)
{
	const struct vtd_s1_cfg cfg = {
		.root_gpa = nested->s1_cfg.pgtbl_addr,
		.levels = nested->s1_cfg.addr_width == VTD_S1_ADDR_WIDTH_5LEVEL
				  ? 5
				  : 4,
		.gpa_to_host = sw_vtd_table_entry,
		.arg = s2,
	};
	struct vtd_s1_result res;
	enum vtd_s1_fault f;
	uint64_t gen;

	if (iotlb_lookup(&nested->iotlb, iova, hit) &&
	    (!write || (hit->writable && hit->dirty))) {
		/* Reported once per use: at the transfer, not its check */
		if (unlikely(iotlb_strict()) && mark)
			sw_vtd_strict_check(sdev, nested, &cfg, iova, write,
					    hit);
		return VTD_S1_OK;
	}
	gen = iotlb_generation(&nested->iotlb);
	f = vtd_s1_walk(&cfg, iova, write, mark, &res);
	if (f)
		return f;
	hit->iova_base = res.iova_base;
	hit->size = res.size;
	hit->out_base = res.gpa - (iova - res.iova_base);
	hit->writable = res.writable;
	hit->dirty = res.dirty;
	/* Only a walk that set the A bits may be cached, as on x86 */
	if (mark)
		iotlb_fill(&nested->iotlb, gen, iova, hit);
	return VTD_S1_OK;
}

bool sw_vtd_walk(struct sw_iommu_dev *sdev, struct iommu_domain *domain,
		 uint64_t iova, bool write, bool mark,
		 struct io_pgtable_walk *walk, struct sw_dma_fault_info *fault)
{
	struct sw_vtd_nested *nested = to_sw_vtd_nested(domain);
	struct sw_vtd_s2 s2 = {.pd = nested->s2, .mark = mark};
	enum sw_dma_fault s2_fault;
	struct iotlb_hit hit;
	enum vtd_s1_fault f;
	uint64_t gpa;

	f = sw_vtd_stage1(sdev, nested, &s2, iova, write, mark, &hit);
	if (f == VTD_S1_STAGE2)
		return sw_dma_fault(fault, s2.table_fault, iova, write);
	if (f)
		return sw_vtd_s1_fault(f, iova, write, fault);
	gpa = hit.out_base + (iova - hit.iova_base);
	s2_fault = sw_vtd_s2_lookup(&s2, gpa, write, walk);
	if (s2_fault)
		return sw_dma_fault(fault, s2_fault, iova, write);
	/* The bytes left in both leaves */
	walk->leaf_left =
		min(walk->leaf_left, hit.size - (iova - hit.iova_base));
	return true;
}
