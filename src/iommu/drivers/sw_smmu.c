// SPDX-License-Identifier: MIT
/*
 * The ARM SMMUv3 model of the software IOMMU: what a device added with
 * iommu=smmuv3 reports (IOMMU_HW_INFO_TYPE_ARM_SMMUV3), its vIOMMU
 * (IOMMU_VIOMMU_TYPE_ARM_SMMUV3 on a nest-parent paging domain), nested
 * domains holding a guest's stream table entry (IOMMU_HWPT_DATA_ARM_SMMUV3),
 * the guest's CMDQ invalidations (IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3)
 * and the two-stage translation the DMA path uses: vSTE -> CD -> stage-1
 * tables, every IPA through the parent's table, with an ASID-tagged IOTLB
 * per vIOMMU (the VMID's share of the TLB) and a cached CD per device
 * (stream). Faults become SMMUv3 event records on the vIOMMU's vEVENTQ.
 *
 * Requests and errnos follow the kernel's arm-smmu-v3-iommufd.c; the
 * kernel runs that driver only on ARM hardware, so they come from reading
 * it, not from running it.
 */
#include <endian.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "../../include/iommufd.h"
#include "../iotlb.h"
#include "../paging_domain.h"
#include "../smmu_s1.h"
#include "sw_iommu.h"

/*
 * SMMU_IDR0: stage 1 and stage 2, AArch64 tables, coherent walks, 16-bit
 * ASIDs and VMIDs, little-endian tables, no stalls (terminate model),
 * 2-level stream tables. The stream table is the host kernel's and never
 * seen through iommufd, but a VMM may compare STLEVEL with its own: QEMU's
 * arm-smmuv3,accel=on refuses a host whose STLEVEL is not the 1 its own
 * SMMU model reports (smmuv3_accel_check_hw_compatible()).
 * Not set: HTTU (no hardware access/dirty updates), ATS, PRI, MSI, HYP,
 * 2-level CD tables.
 */
#define IDR0_S2P		  (1u << 0)
#define IDR0_S1P		  (1u << 1)
#define IDR0_TTF_AARCH64	  (2u << 2)
#define IDR0_COHACC		  (1u << 4)
#define IDR0_ASID16		  (1u << 12)
#define IDR0_VMID16		  (1u << 18)
#define IDR0_TTENDIAN_LE	  (2u << 21)
#define IDR0_STALL_MODEL_NO_STALL (1u << 24)
#define IDR0_STLEVEL_2LVL	  (1u << 27)
#define SW_SMMU_IDR0                                                          \
	(IDR0_S2P | IDR0_S1P | IDR0_TTF_AARCH64 | IDR0_COHACC | IDR0_ASID16 | \
	 IDR0_VMID16 | IDR0_TTENDIAN_LE | IDR0_STALL_MODEL_NO_STALL |         \
	 IDR0_STLEVEL_2LVL)
/*
 * SMMU_IDR1: 16-bit StreamIDs, no SubstreamIDs (SSIDSIZE 0: no PASIDs, so
 * an STE's CD table is one CD), 256-entry command and event queues.
 */
#define IDR1_SIDSIZE(n) ((uint32_t)(n) << 0)
#define IDR1_EVTQS(n)	((uint32_t)(n) << 16)
#define IDR1_CMDQS(n)	((uint32_t)(n) << 21)
#define SW_SMMU_IDR1	(IDR1_SIDSIZE(16) | IDR1_EVTQS(8) | IDR1_CMDQS(8))
/* SMMU_IDR5: 48-bit OAS, 4K, 16K and 64K granules, no 52-bit VAs */
#define IDR5_OAS_48_BIT 5u
#define IDR5_GRAN4K	(1u << 4)
#define IDR5_GRAN16K	(1u << 5)
#define IDR5_GRAN64K	(1u << 6)
#define SW_SMMU_IDR5 \
	(IDR5_OAS_48_BIT | IDR5_GRAN4K | IDR5_GRAN16K | IDR5_GRAN64K)

/* Event record IDs and fields (SMMUv3 event queue) */
#define EVT_ID_BAD_CD_CONFIG	 0x0a
#define EVT_ID_TRANSLATION_FAULT 0x10
#define EVT_ID_ADDR_SIZE_FAULT	 0x11
#define EVT_ID_ACCESS_FAULT	 0x12
#define EVT_ID_PERMISSION_FAULT	 0x13
#define EVTQ_0_SID_SHIFT	 32
#define EVTQ_1_RNW		 (1ULL << 35)
#define EVTQ_1_CLASS_IN		 (2ULL << 40)

/* Command queue opcodes and fields the vIOMMU takes */
#define CMDQ_0_OP	       0xffULL
#define CMDQ_OP_CFGI_CD	       0x05
#define CMDQ_OP_CFGI_CD_ALL    0x06
#define CMDQ_OP_TLBI_NH_ALL    0x10
#define CMDQ_OP_TLBI_NH_ASID   0x11
#define CMDQ_OP_TLBI_NH_VA     0x12
#define CMDQ_OP_TLBI_NH_VAA    0x13
#define CMDQ_OP_TLBI_NSNH_ALL  0x30
#define CMDQ_OP_ATC_INV	       0x40
#define CMDQ_TLBI_0_ASID_SHIFT 48
#define CMDQ_TLBI_1_VA_MASK    (~0xfffULL)
#define CMDQ_CFGI_0_SID_SHIFT  32
/* The kernel issues converted commands in batches of this many */
#define SW_SMMU_CMD_BATCH 63

struct sw_smmu_viommu {
	struct iommufd_viommu *core;
	struct paging_domain *s2;
	/* Stage-1 translations of this VMID, tagged by ASID */
	struct iotlb iotlb;
};

struct sw_smmu_nested {
	struct iommu_domain domain;
	struct sw_smmu_viommu *vsmmu;
	uint64_t ste[2];
};

static const struct iommu_domain_ops sw_smmu_nested_ops;

static struct sw_smmu_nested *to_sw_smmu_nested(struct iommu_domain *domain)
{
	return container_of(domain, struct sw_smmu_nested, domain);
}

bool sw_smmu_is_nested(const struct iommu_domain *domain)
{
	return domain->ops == &sw_smmu_nested_ops;
}

static unsigned int ste_cfg(const uint64_t ste[2])
{
	if (!(ste[0] & SMMU_STE_0_V))
		return SMMU_STE_CFG_ABORT;
	return (unsigned int)((ste[0] & SMMU_STE_0_CFG_MASK) >>
			      SMMU_STE_0_CFG_SHIFT);
}

void *sw_smmu_hw_info(struct device *dev, uint32_t *length, uint32_t *type)
{
	struct iommu_hw_info_arm_smmuv3 *info;

	(void)dev;
	if (*type != IOMMU_HW_INFO_TYPE_DEFAULT &&
	    *type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		return ERR_PTR(-EOPNOTSUPP);
	info = ufd_new(struct iommu_hw_info_arm_smmuv3);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->idr[0] = SW_SMMU_IDR0;
	info->idr[1] = SW_SMMU_IDR1;
	info->idr[5] = SW_SMMU_IDR5;
	/* IIDR 0: no implementer code; AIDR 0: SMMUv3.0 */
	*length = sizeof(*info);
	*type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	return info;
}

/*
 * The paging flags arm_smmu_domain_alloc_paging_flags() takes on an SMMU
 * with nesting and without dirty tracking (no HTTU): one at a time.
 */
bool sw_smmu_paging_flags_ok(uint32_t flags)
{
	return flags == 0 || flags == IOMMU_HWPT_ALLOC_NEST_PARENT ||
	       flags == IOMMU_HWPT_ALLOC_PASID;
}

/*
 * The configuration cache of a stream: the CD its STE led to, if cached
 * for @domain (compared, never followed) and not invalidated since
 */
static bool cd_cache_lookup(struct sw_smmu_cd_cache *c,
			    const struct iommu_domain *domain, uint64_t cd[2])
{
	uint64_t seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	const void *owner;

	if (seq & 1)
		return false;
	owner = __atomic_load_n(&c->domain, __ATOMIC_RELAXED);
	cd[0] = __atomic_load_n(&c->cd[0], __ATOMIC_RELAXED);
	cd[1] = __atomic_load_n(&c->cd[1], __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return owner == domain &&
	       __atomic_load_n(&c->seq, __ATOMIC_RELAXED) == seq;
}

static bool cd_cache_trylock(struct sw_smmu_cd_cache *c, uint64_t *seq)
{
	*seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
	if ((*seq & 1) ||
	    !__atomic_compare_exchange_n(&c->seq, seq, *seq + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return true;
}

/* Cache a CD read since @gen; a racing writer or invalidation wins */
static void cd_cache_fill(struct sw_smmu_cd_cache *c,
			  const struct iommu_domain *domain, uint64_t gen,
			  const uint64_t cd[2])
{
	uint64_t seq;

	if (!cd_cache_trylock(c, &seq))
		return;
	if (__atomic_load_n(&c->gen, __ATOMIC_ACQUIRE) == gen) {
		__atomic_store_n(&c->cd[0], cd[0], __ATOMIC_RELAXED);
		__atomic_store_n(&c->cd[1], cd[1], __ATOMIC_RELAXED);
		__atomic_store_n(&c->domain, (const void *)domain,
				 __ATOMIC_RELAXED);
	}
	__atomic_store_n(&c->seq, seq + 2, __ATOMIC_RELEASE);
}

static void cd_cache_invalidate(struct sw_smmu_cd_cache *c)
{
	uint64_t seq;

	__atomic_add_fetch(&c->gen, 1, __ATOMIC_SEQ_CST);
	while (!cd_cache_trylock(c, &seq))
		sched_yield();
	__atomic_store_n(&c->domain, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&c->seq, seq + 2, __ATOMIC_RELEASE);
}

/*
 * As arm_vsmmu_attach_prepare_vmaster(): a translating STE needs the
 * device's vDEVICE (its vSID names the device in events and CFGI
 * commands); abort and bypass STEs attach without one.
 */
static int sw_smmu_nested_attach_dev(struct iommu_domain *domain,
				     struct device *dev,
				     struct iommu_domain *old)
{
	struct sw_smmu_nested *nested = to_sw_smmu_nested(domain);
	struct sw_iommu_dev *sdev = to_sw_iommu_dev(dev);
	unsigned long vsid;
	int rc;

	(void)old;
	if (sdev->model != SW_IOMMU_MODEL_SMMUV3)
		return -EINVAL;
	rc = iommufd_viommu_get_vdev_id(nested->vsmmu->core, dev, &vsid);
	if (rc && ste_cfg(nested->ste) == SMMU_STE_CFG_S1_TRANS)
		return rc;
	__atomic_store_n(&sdev->vsid, rc ? SW_NO_VSID : (int64_t)vsid,
			 __ATOMIC_RELAXED);
	/*
	 * Installing the STE invalidates the stream's cached CD (CFGI_STE).
	 * DMA still on the old domain may cache again, but for that domain.
	 */
	cd_cache_invalidate(&sdev->cd_cache);
	sw_iommu_set_domain(dev, domain);
	return 0;
}

static void sw_smmu_nested_free(struct iommu_domain *domain)
{
	ufd_free(to_sw_smmu_nested(domain));
}

static const struct iommu_domain_ops sw_smmu_nested_ops = {
	.attach_dev = sw_smmu_nested_attach_dev,
	.free = sw_smmu_nested_free,
};

/* arm_smmu_validate_vste(): EIO is reserved for STE data it refuses */
static int sw_smmu_validate_vste(uint64_t ste[2])
{
	unsigned int cfg, eats;

	if (!(ste[0] & SMMU_STE_0_V)) {
		ste[0] = ste[1] = 0;
		return 0;
	}
	if ((ste[0] & ~SMMU_STE_0_ALLOWED) || (ste[1] & ~SMMU_STE_1_ALLOWED))
		return -EIO;
	cfg = ste_cfg(ste);
	if (cfg != SMMU_STE_CFG_ABORT && cfg != SMMU_STE_CFG_BYPASS &&
	    cfg != SMMU_STE_CFG_S1_TRANS)
		return -EIO;
	eats = (unsigned int)((ste[1] & SMMU_STE_1_EATS_MASK) >>
			      SMMU_STE_1_EATS_SHIFT);
	ste[1] &= ~SMMU_STE_1_EATS_MASK;
	if (eats != SMMU_STE_EATS_ABT && eats != SMMU_STE_EATS_TRANS)
		return -EIO;
	return 0;
}

static struct iommu_domain *
sw_smmu_alloc_domain_nested(struct iommufd_viommu *viommu, uint32_t flags,
			    const struct iommu_user_data *user_data)
{
	struct iommu_hwpt_arm_smmuv3 arg;
	struct sw_smmu_nested *nested;
	uint64_t ste[2];
	int rc;

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	rc = iommu_copy_struct_from_user(
		&arg, sizeof(arg), user_data, IOMMU_HWPT_DATA_ARM_SMMUV3,
		offsetofend(struct iommu_hwpt_arm_smmuv3, ste));
	if (rc)
		return ERR_PTR(rc);
	ste[0] = le64toh(arg.ste[0]);
	ste[1] = le64toh(arg.ste[1]);
	rc = sw_smmu_validate_vste(ste);
	if (rc)
		return ERR_PTR(rc);
	nested = ufd_new(struct sw_smmu_nested);
	if (!nested)
		return ERR_PTR(-ENOMEM);
	nested->vsmmu = iommufd_viommu_priv(viommu);
	nested->ste[0] = ste[0];
	nested->ste[1] = ste[1];
	nested->domain.ops = &sw_smmu_nested_ops;
	nested->domain.type = IOMMU_DOMAIN_NESTED;
	return &nested->domain;
}

/* What the kernel checks converting a command: its opcode, its vSID */
static int sw_smmu_check_cmd(struct iommufd_viommu *viommu, const uint64_t *cmd)
{
	unsigned long vsid = (unsigned long)(cmd[0] >> CMDQ_CFGI_0_SID_SHIFT);
	bool found;

	switch (cmd[0] & CMDQ_0_OP) {
	case CMDQ_OP_TLBI_NSNH_ALL:
	case CMDQ_OP_TLBI_NH_VA:
	case CMDQ_OP_TLBI_NH_VAA:
	case CMDQ_OP_TLBI_NH_ALL:
	case CMDQ_OP_TLBI_NH_ASID:
		return 0;
	case CMDQ_OP_ATC_INV:
	case CMDQ_OP_CFGI_CD:
	case CMDQ_OP_CFGI_CD_ALL:
		iommufd_viommu_vdevs_lock(viommu);
		found = iommufd_viommu_find_dev(viommu, vsid);
		iommufd_viommu_vdevs_unlock(viommu);
		return found ? 0 : -EIO;
	default:
		return -EIO;
	}
}

/* CFGI_CD(_ALL): forget the CD the vSID's stream cached */
static void sw_smmu_cfgi_cd(struct iommufd_viommu *viommu, unsigned long vsid)
{
	struct device *dev;

	iommufd_viommu_vdevs_lock(viommu);
	dev = iommufd_viommu_find_dev(viommu, vsid);
	if (dev)
		cd_cache_invalidate(&to_sw_iommu_dev(dev)->cd_cache);
	iommufd_viommu_vdevs_unlock(viommu);
}

/*
 * One command, with the VMID the vIOMMU's: no range invalidation (no
 * SMMU_IDR3.RIL), no walk cache (the leaf flag narrows nothing), no ATS.
 */
static void sw_smmu_issue_cmd(struct iommufd_viommu *viommu,
			      const uint64_t *cmd)
{
	struct sw_smmu_viommu *vsmmu = iommufd_viommu_priv(viommu);
	uint32_t asid = (uint16_t)(cmd[0] >> CMDQ_TLBI_0_ASID_SHIFT);
	uint64_t va = cmd[1] & CMDQ_TLBI_1_VA_MASK;

	switch (cmd[0] & CMDQ_0_OP) {
	case CMDQ_OP_TLBI_NSNH_ALL:
	case CMDQ_OP_TLBI_NH_ALL:
		iotlb_invalidate(&vsmmu->iotlb, 0, UINT64_MAX);
		break;
	case CMDQ_OP_TLBI_NH_ASID:
		iotlb_invalidate_tag(&vsmmu->iotlb, asid, 0, UINT64_MAX);
		break;
	case CMDQ_OP_TLBI_NH_VA:
		iotlb_invalidate_tag(&vsmmu->iotlb, asid, va, va);
		break;
	case CMDQ_OP_TLBI_NH_VAA:
		iotlb_invalidate(&vsmmu->iotlb, va, va);
		break;
	case CMDQ_OP_CFGI_CD:
	case CMDQ_OP_CFGI_CD_ALL:
		sw_smmu_cfgi_cd(viommu, (unsigned long)(cmd[0] >>
							CMDQ_CFGI_0_SID_SHIFT));
		break;
	default: /* ATC_INV: no device has an ATC */
		break;
	}
}

/*
 * As arm_vsmmu_cache_invalidate(): an array over 4 MiB is ENOMEM; then
 * commands are checked one by one and issued in batches of 63 (then a
 * CMD_SYNC: DMA that used an old entry has finished). A bad command stops
 * the call with EIO and entry_num at its index, and, as in the kernel, the
 * checked commands of its batch before it are not issued.
 */
static int sw_smmu_cache_invalidate(struct iommufd_viommu *viommu,
				    struct iommu_user_data_array *array)
{
	/* struct iommu_viommu_arm_smmuv3_invalidate, made CPU-endian */
	uint64_t(*cmds)[2];
	uint32_t cur = 0, last = 0;
	int rc;

	/*
	 * As the kernel's kzalloc_objs() fails (Debian's arm64 kernel has
	 * 4 KiB pages): entry_num left as the caller gave it
	 */
	if ((size_t)array->entry_num * sizeof(*cmds) > UFD_KMALLOC_MAX_SIZE)
		return -ENOMEM;
	cmds = ufd_realloc_array(NULL, array->entry_num ? array->entry_num : 1,
				 sizeof(*cmds));
	if (!cmds)
		return -ENOMEM;
	rc = iommu_copy_struct_from_full_user_array(
		cmds, sizeof(struct iommu_viommu_arm_smmuv3_invalidate), array,
		IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
	if (rc)
		goto out;
	while (cur != array->entry_num) {
		cmds[cur][0] = le64toh(cmds[cur][0]);
		cmds[cur][1] = le64toh(cmds[cur][1]);
		rc = sw_smmu_check_cmd(viommu, cmds[cur]);
		if (rc)
			goto out;
		cur++;
		if (cur != array->entry_num && cur - last != SW_SMMU_CMD_BATCH)
			continue;
		for (; last != cur; last++)
			sw_smmu_issue_cmd(viommu, cmds[last]);
		sw_iommu_quiesce();
	}
out:
	array->entry_num = cur;
	ufd_free(cmds);
	return rc;
}

static const struct iommufd_viommu_ops sw_smmu_viommu_ops = {
	.alloc_domain_nested = sw_smmu_alloc_domain_nested,
	.cache_invalidate = sw_smmu_cache_invalidate,
};

size_t sw_smmu_get_viommu_size(struct device *dev, unsigned int type)
{
	(void)dev;
	if (type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		return 0;
	return sizeof(struct sw_smmu_viommu);
}

/* arm_vsmmu_init(): the parent must be a stage-2 domain of this SMMU */
int sw_smmu_viommu_init(struct iommufd_viommu *viommu,
			struct iommu_domain *parent,
			const struct iommu_user_data *user_data,
			const struct iommufd_viommu_ops **ops)
{
	struct sw_smmu_viommu *vsmmu = iommufd_viommu_priv(viommu);

	(void)user_data;
	if (!sw_domain_is_paging(parent) || !sw_smmu_owns(parent))
		return -EINVAL;
	vsmmu->core = viommu;
	vsmmu->s2 = to_paging_domain(parent);
	*ops = &sw_smmu_viommu_ops;
	return 0;
}

/* One access: the stage-2 leaf of @gpa, with its permission checked */
static enum sw_dma_fault sw_smmu_s2(struct sw_smmu_viommu *vsmmu, uint64_t gpa,
				    bool write, bool mark,
				    struct io_pgtable_walk *walk)
{
	struct paging_domain *pd = vsmmu->s2;

	if (gpa > ULONG_MAX || !io_pgtable_lookup(&pd->pt, gpa, walk))
		return SW_DMA_NOT_MAPPED;
	if (!(walk->prot & (write ? IOPTE_WRITE : IOPTE_READ)))
		return write ? SW_DMA_NO_WRITE : SW_DMA_NO_READ;
	if (mark && READ_ONCE(pd->dirty_tracking))
		io_pgtable_mark_used(walk, write);
	return SW_DMA_OK;
}

/* smmu_s1_cfg.gpa_to_host: a descriptor read through stage 2 */
static uint64_t *sw_smmu_table_entry(void *arg, uint64_t gpa)
{
	struct io_pgtable_walk walk;

	if (sw_smmu_s2(arg, gpa, false, false, &walk))
		return NULL;
	return (uint64_t *)walk.host;
}

/* An event record for the device's vSID, if it has one (a vmaster) */
static void sw_smmu_report(struct sw_smmu_viommu *vsmmu,
			   struct sw_iommu_dev *sdev, unsigned int id,
			   uint64_t iova, bool write)
{
	int64_t vsid = __atomic_load_n(&sdev->vsid, __ATOMIC_RELAXED);
	struct iommu_vevent_arm_smmuv3 evt = {};

	if (vsid == SW_NO_VSID)
		return;
	evt.evt[0] = id | ((uint64_t)vsid << EVTQ_0_SID_SHIFT);
	if (id != EVT_ID_BAD_CD_CONFIG) {
		evt.evt[1] = EVTQ_1_CLASS_IN | (write ? 0 : EVTQ_1_RNW);
		evt.evt[2] = iova;
	}
	/* Without a vEVENTQ of this type the event is dropped */
	iommufd_viommu_report_event(vsmmu->core, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
				    &evt, sizeof(evt));
}

/* The CD of the STE: cached, or read at S1ContextPtr through stage 2 */
static bool sw_smmu_get_cd(struct sw_smmu_nested *nested,
			   struct sw_iommu_dev *sdev, uint64_t cd[2])
{
	uint64_t ptr = nested->ste[0] & SMMU_STE_0_S1CTXPTR_MASK;
	uint64_t gen = __atomic_load_n(&sdev->cd_cache.gen, __ATOMIC_ACQUIRE);
	uint64_t *p0, *p1;

	if (cd_cache_lookup(&sdev->cd_cache, &nested->domain, cd))
		return true;
	p0 = sw_smmu_table_entry(nested->vsmmu, ptr);
	p1 = sw_smmu_table_entry(nested->vsmmu, ptr + 8);
	if (!p0 || !p1)
		return false;
	cd[0] = __atomic_load_n(p0, __ATOMIC_ACQUIRE);
	cd[1] = __atomic_load_n(p1, __ATOMIC_ACQUIRE);
	cd_cache_fill(&sdev->cd_cache, &nested->domain, gen, cd);
	return true;
}

static const unsigned int s1_fault_event[] = {
	[SMMU_S1_TRANSLATION] = EVT_ID_TRANSLATION_FAULT,
	[SMMU_S1_ADDR_SIZE] = EVT_ID_ADDR_SIZE_FAULT,
	[SMMU_S1_ACCESS] = EVT_ID_ACCESS_FAULT,
	[SMMU_S1_PERMISSION] = EVT_ID_PERMISSION_FAULT,
};

static const enum sw_dma_fault s1_fault_reason[] = {
	[SMMU_S1_TRANSLATION] = SW_DMA_NOT_MAPPED,
	[SMMU_S1_ADDR_SIZE] = SW_DMA_BAD_ENTRY,
	[SMMU_S1_ACCESS] = SW_DMA_NOT_MAPPED,
	[SMMU_S1_PERMISSION] = SW_DMA_NO_WRITE,
	[SMMU_S1_STAGE2] = SW_DMA_NOT_MAPPED,
};

/*
 * Strict mode: the IOTLB hit @hit of @iova against a walk of the CD's
 * tables as they are now. The DMA goes on with @hit.
 */
static void sw_smmu_strict_check(struct sw_iommu_dev *sdev,
				 const struct smmu_s1_cfg *cfg, uint64_t iova,
				 bool write, const struct iotlb_hit *hit)
{
	/* Passed on even when the walk faults, so it must be defined */
	struct smmu_s1_result res = {0};
	struct iotlb_stale stale;
	char missing[128];
	bool fault;

	fault = smmu_s1_walk(cfg, iova, false, &res);
	if (!iotlb_hit_is_stale(&stale, sdev->dev.name, iova, write, hit, fault,
				res.gpa, res.writable))
		return;
	/* A TLBI_NH_VA of any address of the leaf drops it, as TLBI_NH_ASID */
	snprintf(missing, sizeof(missing),
		 "missing=CMD_TLBI_NH_VA asid=%u va=%#llx or=CMD_TLBI_NH_ASID",
		 cfg->asid, (unsigned long long)hit->iova_base);
	stale.missing = missing;
	iotlb_report_stale(&stale);
}

/*
 * Stage 1 of @iova: from the IOTLB (by the CD's ASID), or by a walk of the
 * CD's tables, whose result is cached. A write through an entry cached
 * read-only walks again. @mark: the translation of a transfer, not of
 * its check. Faults of stage 1 and bad CDs become events.
 */
static enum sw_dma_fault sw_smmu_stage1(struct sw_smmu_nested *nested,
					struct sw_iommu_dev *sdev,
					uint64_t iova, bool write, bool mark,
					struct iotlb_hit *hit)
{
	struct sw_smmu_viommu *vsmmu = nested->vsmmu;
	struct smmu_s1_cfg cfg = {
		.gpa_to_host = sw_smmu_table_entry,
		.arg = vsmmu,
	};
	struct smmu_s1_result res;
	enum smmu_s1_fault f;
	uint64_t cd[2], gen;

	/* A CD fetch that stage 2 refuses is a stage-2 fault: not forwarded */
	if (!sw_smmu_get_cd(nested, sdev, cd))
		return SW_DMA_NOT_MAPPED;
	if (!smmu_cd_decode(cd, &cfg)) {
		sw_smmu_report(vsmmu, sdev, EVT_ID_BAD_CD_CONFIG, iova, write);
		return SW_DMA_BAD_ENTRY;
	}
	if (iotlb_lookup_tag(&vsmmu->iotlb, cfg.asid, iova, hit) &&
	    (!write || hit->writable)) {
		/* Reported once per use: at the transfer, not its check */
		if (unlikely(iotlb_strict()) && mark)
			sw_smmu_strict_check(sdev, &cfg, iova, write, hit);
		return SW_DMA_OK;
	}
	gen = iotlb_generation(&vsmmu->iotlb);
	f = smmu_s1_walk(&cfg, iova, write, &res);
	if (f) {
		if (f != SMMU_S1_STAGE2)
			sw_smmu_report(vsmmu, sdev, s1_fault_event[f], iova,
				       write);
		return s1_fault_reason[f];
	}
	hit->iova_base = res.iova_base;
	hit->size = res.size;
	hit->out_base = res.gpa - (iova - res.iova_base);
	hit->writable = res.writable;
	hit->dirty = false;
	iotlb_fill_tag(&vsmmu->iotlb, gen, cfg.asid, iova, hit);
	return SW_DMA_OK;
}

bool sw_smmu_walk(struct sw_iommu_dev *sdev, struct iommu_domain *domain,
		  uint64_t iova, bool write, bool mark,
		  struct io_pgtable_walk *walk, struct sw_dma_fault_info *fault)
{
	struct sw_smmu_nested *nested = to_sw_smmu_nested(domain);
	struct iotlb_hit hit = {.iova_base = 0, .size = UINT64_MAX};
	enum sw_dma_fault f;
	uint64_t gpa = iova;

	switch (ste_cfg(nested->ste)) {
	case SMMU_STE_CFG_BYPASS:
		break;
	case SMMU_STE_CFG_S1_TRANS:
		f = sw_smmu_stage1(nested, sdev, iova, write, mark, &hit);
		if (f)
			return sw_dma_fault(fault, f, iova, write);
		gpa = hit.out_base + (iova - hit.iova_base);
		break;
	default: /* abort, or not valid: the kernel installs an abort STE */
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, iova, write);
	}
	f = sw_smmu_s2(nested->vsmmu, gpa, write, mark, walk);
	if (f)
		return sw_dma_fault(fault, f, iova, write);
	/* The bytes left in both leaves */
	walk->leaf_left =
		min(walk->leaf_left, hit.size - (iova - hit.iova_base));
	return true;
}
