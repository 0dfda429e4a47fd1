// SPDX-License-Identifier: MIT
/*
 * The software IOMMU driver and its DMA path (see sw_iommu.h).
 *
 * Why the DMA path needs no lock: a DMA section publishes that it runs (an
 * odd dma_seq) and then, after a full fence, reads the domain pointer and
 * the page table. Whoever removes a translation first writes it away (the
 * PTE cleared, the domain pointer replaced), then after a full fence reads
 * every device's dma_seq. Either the section sees the removal, or the
 * remover sees the section running and waits for its dma_seq to move on.
 * That wait is the IOTLB sync of the domains' page tables: they call it
 * after an unmap, and before reusing or freeing a table they unhooked. A
 * domain is freed only after it was detached, which quiesced.
 */
#include <linux/pci_regs.h>
#include <sched.h>
#include <string.h>

#include "../paging_domain.h"
#include "sw_bus.h"
#include "sw_iommu.h"

#define SW_GRANULE_SHIFT 12
#define SW_LEVELS	 4 /* 48-bit IOVA */
#define SW_LEAF_SIZES	 ((1UL << 12) | (1UL << 21) | (1UL << 30))

/* The x86 interrupt window: DMA there is an MSI, never memory */
#define SW_MSI_START 0xfee00000UL
#define SW_MSI_LAST  0xfeefffffUL

static const struct iommu_ops sw_iommu_ops;
static const struct iommu_ops sw_vtd_iommu_ops;
static const struct iommu_ops sw_smmu_iommu_ops;
static const struct iommu_ops sw_amd_iommu_ops;

/* Devices an unmap must wait for */
static struct mutex dma_devs_lock = MUTEX_INITIALIZER(dma_devs_lock);
static LIST_HEAD(dma_devs);

void sw_iommu_quiesce(void)
{
	struct sw_iommu_dev *sdev;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mutex_lock(&dma_devs_lock);
	list_for_each_entry (sdev, &dma_devs, dma_item) {
		uint64_t seq =
			__atomic_load_n(&sdev->dma_seq, __ATOMIC_ACQUIRE);

		if (!(seq & 1))
			continue;
		while (__atomic_load_n(&sdev->dma_seq, __ATOMIC_ACQUIRE) == seq)
			sched_yield();
	}
	mutex_unlock(&dma_devs_lock);
}

/* A new translation for the device: publish it, then flush the old one */
void sw_iommu_set_domain(struct device *dev, struct iommu_domain *domain)
{
	struct sw_iommu_dev *sdev = to_sw_iommu_dev(dev);
	struct iommu_domain *old = sdev->domain;

	__atomic_store_n(&sdev->domain, domain, __ATOMIC_RELEASE);
	sw_iommu_quiesce();
	/* Tearing down a nested PASID entry flushes what it cached */
	if (old != domain && sw_vtd_is_nested(old))
		sw_vtd_flush_all(old);
}

static int sw_attach_dev(struct iommu_domain *domain, struct device *dev,
			 struct iommu_domain *old)
{
	int rc = sw_iommu_iopf_check(domain, dev);

	(void)old;
	if (rc)
		return rc;
	sw_iommu_set_domain(dev, domain);
	return 0;
}

/*
 * The PASID table entry of @pasid: its table is made on first use and
 * published before the entry can point anywhere. The core holds the
 * group's mutex, so writers are one at a time.
 */
static struct iommu_domain **sw_pasid_entry(struct sw_iommu_dev *sdev,
					    uint32_t pasid, bool make)
{
	struct iommu_domain ***slot =
		&sdev->pasid_dir[pasid >> SW_PASID_TABLE_BITS];
	struct iommu_domain **table = *slot;

	if (!table && make) {
		table = ufd_zalloc(SW_PASID_TABLE * sizeof(*table));
		if (!table)
			return NULL;
		__atomic_store_n(slot, table, __ATOMIC_RELEASE);
	}
	return table ? &table[pasid & (SW_PASID_TABLE - 1)] : NULL;
}

int sw_iommu_set_pasid(struct device *dev, uint32_t pasid,
		       struct iommu_domain *domain, struct iommu_domain *old)
{
	struct sw_iommu_dev *sdev = to_sw_iommu_dev(dev);
	bool blocked = domain->type == IOMMU_DOMAIN_BLOCKED;
	struct iommu_domain **entry;

	if (WARN_ON(pasid >> SW_PASID_BITS))
		return -EINVAL;
	if (!blocked && sw_iommu_iopf_check(domain, dev))
		return -ENODEV;
	entry = sw_pasid_entry(sdev, pasid, !blocked);
	if (!entry)
		return blocked ? 0 : -ENOMEM;
	/* Blocked is "not present": the DMA's PASID fault */
	__atomic_store_n(entry, blocked ? NULL : domain, __ATOMIC_RELEASE);
	sw_iommu_quiesce();
	if (old && old != domain && sw_vtd_is_nested(old))
		sw_vtd_flush_all(old);
	return 0;
}

static int sw_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
			    uint32_t pasid, struct iommu_domain *old)
{
	return sw_iommu_set_pasid(dev, pasid, domain, old);
}

static const struct iommu_domain_ops sw_blocked_ops = {
	.attach_dev = sw_attach_dev,
	.set_dev_pasid = sw_set_dev_pasid,
};

static struct iommu_domain sw_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sw_blocked_ops,
	.owner = &sw_iommu_ops,
};

static struct iommu_domain sw_vtd_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sw_blocked_ops,
	.owner = &sw_vtd_iommu_ops,
};

static struct iommu_domain sw_smmu_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sw_blocked_ops,
	.owner = &sw_smmu_iommu_ops,
};

static struct iommu_domain sw_amd_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sw_blocked_ops,
	.owner = &sw_amd_iommu_ops,
};

/* The page table's IOTLB sync: every device, not only the domain's */
static void sw_iotlb_sync(void *cookie)
{
	(void)cookie;
	sw_iommu_quiesce();
}

static void sw_domain_free(struct iommu_domain *domain)
{
	struct paging_domain *pd = to_paging_domain(domain);

	paging_domain_deinit(pd);
	ufd_free(pd);
}

/* Snooping is all a software device can do */
static bool sw_enforce_cache_coherency(struct iommu_domain *domain)
{
	(void)domain;
	return true;
}

static const struct iommu_domain_ops sw_domain_ops = {
	.map = paging_domain_map,
	.unmap = paging_domain_unmap,
	.iova_to_host = paging_domain_iova_to_host,
	.count_tables = paging_domain_count_tables,
	.free = sw_domain_free,
	.attach_dev = sw_attach_dev,
	.set_dev_pasid = sw_set_dev_pasid,
	.enforce_cache_coherency = sw_enforce_cache_coherency,
};

bool sw_domain_is_paging(const struct iommu_domain *domain)
{
	return domain->ops == &sw_domain_ops;
}

static const struct iommu_dirty_ops sw_dirty_ops = {
	.set_dirty_tracking = paging_domain_set_dirty_tracking,
	.read_and_clear_dirty = paging_domain_read_and_clear_dirty,
};

static struct iommu_domain *
sw_domain_alloc_paging_flags(struct device *dev, uint32_t flags,
			     const struct iommu_user_data *user_data)
{
	const struct io_pgtable_cfg cfg = {
		.granule_shift = SW_GRANULE_SHIFT,
		.levels = SW_LEVELS,
		.leaf_sizes = SW_LEAF_SIZES,
		.iotlb_sync = sw_iotlb_sync,
	};
	enum sw_iommu_model model = to_sw_iommu_dev(dev)->model;
	uint32_t supported = IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	struct paging_domain *pd;
	int rc;

	if (model == SW_IOMMU_MODEL_SMMUV3 && !sw_smmu_paging_flags_ok(flags))
		return ERR_PTR(-EOPNOTSUPP);
	if (model == SW_IOMMU_MODEL_AMD && !sw_amd_paging_flags_ok(flags))
		return ERR_PTR(-EOPNOTSUPP);
	/*
	 * Every model but the default nests on a second stage; the VT-d one
	 * takes the PASID flag as the intel driver does, whatever the device
	 * supports (the SMMUv3 and AMD flags were checked above)
	 */
	if (model != SW_IOMMU_MODEL_DEFAULT)
		supported |= IOMMU_HWPT_ALLOC_NEST_PARENT |
			     IOMMU_HWPT_ALLOC_PASID;
	if (flags & ~supported)
		return ERR_PTR(-EOPNOTSUPP);
	if (user_data)
		return ERR_PTR(-EOPNOTSUPP);
	pd = ufd_new(struct paging_domain);
	if (!pd)
		return ERR_PTR(-ENOMEM);
	rc = paging_domain_init(pd, &cfg);
	if (rc) {
		ufd_free(pd);
		return ERR_PTR(rc);
	}
	pd->domain.ops = &sw_domain_ops;
	pd->domain.owner = dev->iommu_ops;
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		pd->domain.dirty_ops = &sw_dirty_ops;
	return &pd->domain;
}

static bool sw_capable(struct device *dev, enum iommu_cap cap)
{
	switch (cap) {
	case IOMMU_CAP_CACHE_COHERENCY:
	case IOMMU_CAP_ENFORCE_CACHE_COHERENCY:
		return true;
	case IOMMU_CAP_DIRTY_TRACKING:
		/* The SMMUv3 model has no HTTU: no dirty tracking */
		return to_sw_iommu_dev(dev)->model != SW_IOMMU_MODEL_SMMUV3;
	default:
		return false;
	}
}

static int sw_get_resv_regions(struct device *dev, struct list_head *head)
{
	struct iommu_resv_region *msi = ufd_new(struct iommu_resv_region);

	(void)dev;
	/* Without it the IOAS would not know the window: the attach fails */
	if (!msi)
		return -ENOMEM;
	msi->start = SW_MSI_START;
	msi->length = SW_MSI_LAST - SW_MSI_START + 1;
	msi->type = IOMMU_RESV_MSI;
	list_add_tail(&msi->list, head);
	return 0;
}

/* The page response message, to the device that asked */
static void sw_page_response(struct device *dev, const struct iopf_group *group,
			     uint32_t code)
{
	struct sw_iommu_dev *sdev = to_sw_iommu_dev(dev);

	if (sdev->page_response)
		sdev->page_response(sdev, group, code);
}

static const struct iommu_ops sw_iommu_ops = {
	.name = "sw-iommu",
	.page_response = sw_page_response,
	.blocked_domain = &sw_blocked_domain,
	.domain_alloc_paging_flags = sw_domain_alloc_paging_flags,
	.capable = sw_capable,
	.get_resv_regions = sw_get_resv_regions,
};

static const struct iommu_ops sw_vtd_iommu_ops = {
	.name = "sw-iommu-vtd",
	.page_response = sw_page_response,
	.blocked_domain = &sw_vtd_blocked_domain,
	.hw_info = sw_vtd_hw_info,
	.domain_alloc_paging_flags = sw_domain_alloc_paging_flags,
	.domain_alloc_nested = sw_vtd_domain_alloc_nested,
	.capable = sw_capable,
	.get_resv_regions = sw_get_resv_regions,
};

static const struct iommu_ops sw_smmu_iommu_ops = {
	.name = "sw-iommu-smmuv3",
	.page_response = sw_page_response,
	.blocked_domain = &sw_smmu_blocked_domain,
	.hw_info = sw_smmu_hw_info,
	.domain_alloc_paging_flags = sw_domain_alloc_paging_flags,
	.capable = sw_capable,
	.get_resv_regions = sw_get_resv_regions,
	.get_viommu_size = sw_smmu_get_viommu_size,
	.viommu_init = sw_smmu_viommu_init,
};

static const struct iommu_ops sw_amd_iommu_ops = {
	.name = "sw-iommu-amd",
	.page_response = sw_page_response,
	.blocked_domain = &sw_amd_blocked_domain,
	.hw_info = sw_amd_hw_info,
	.domain_alloc_paging_flags = sw_domain_alloc_paging_flags,
	.capable = sw_capable,
	.get_resv_regions = sw_get_resv_regions,
	.get_viommu_size = sw_amd_get_viommu_size,
	.viommu_init = sw_amd_viommu_init,
};

bool sw_smmu_owns(const struct iommu_domain *domain)
{
	return domain->owner == &sw_smmu_iommu_ops;
}

bool sw_amd_owns(const struct iommu_domain *domain)
{
	return domain->owner == &sw_amd_iommu_ops;
}

static const struct iommu_ops *sw_model_ops(enum sw_iommu_model model)
{
	switch (model) {
	case SW_IOMMU_MODEL_VTD:
		return &sw_vtd_iommu_ops;
	case SW_IOMMU_MODEL_SMMUV3:
		return &sw_smmu_iommu_ops;
	case SW_IOMMU_MODEL_AMD:
		return &sw_amd_iommu_ops;
	default:
		return &sw_iommu_ops;
	}
}

/* Devices of one group sit behind one IOMMU, so one model */
static bool sw_group_fits(struct iommu_group *group,
			  const struct iommu_ops *ops)
{
	struct device *first;
	bool fits;

	if (!group)
		return true;
	mutex_lock(&group->mutex);
	first = list_first_entry_or_null(&group->devices, struct device,
					 group_item);
	fits = !first || first->iommu_ops == ops;
	mutex_unlock(&group->mutex);
	return fits;
}

/*
 * The PASID width an IOMMU model takes: VT-d's ECAP.PSS; the SMMUv3 and
 * AMD models have no substreams (SSIDSIZE 0, PASmax 0), the default model
 * no PASID table
 */
static unsigned int sw_model_pasid_bits(enum sw_iommu_model model)
{
	return model == SW_IOMMU_MODEL_VTD ? SW_PASID_BITS : 0;
}

/*
 * Do the model's devices send page requests? VT-d's has ECAP.PRS, the
 * default model stands for none in particular; the SMMUv3 model has
 * neither PRI nor stalls (IDR0), the AMD one no PPRSup (EFR)
 */
static bool sw_model_page_requests(enum sw_iommu_model model)
{
	return model == SW_IOMMU_MODEL_VTD || model == SW_IOMMU_MODEL_DEFAULT;
}

/* The intel driver's PRQ_DEPTH: the requests its queue holds */
#define SW_PRQ_DEPTH ((0x1000 << 4) >> 5)

/* The extended capability @id of @sdev (pci_find_ext_capability()), or 0 */
static unsigned int sw_pci_find_ext_cap(struct sw_iommu_dev *sdev, uint16_t id)
{
	unsigned int pos = PCI_CFG_SPACE_SIZE;
	unsigned int loops = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;

	while (loops-- && pos >= PCI_CFG_SPACE_SIZE) {
		uint32_t header = sdev->config_read(sdev, pos, 4);

		if (!header)
			return 0;
		if (PCI_EXT_CAP_ID(header) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(header);
	}
	return 0;
}

/*
 * pci_enable_pri() after pci_reset_pri(): the function must have stopped,
 * it gets as many outstanding requests as the queue takes
 */
static bool sw_pci_enable_pri(struct sw_iommu_dev *sdev, unsigned int pri)
{
	uint32_t max;

	sdev->config_write(sdev, pri + PCI_PRI_CTRL, PCI_PRI_CTRL_RESET, 2);
	if (!(sdev->config_read(sdev, pri + PCI_PRI_STATUS, 2) &
	      PCI_PRI_STATUS_STOPPED))
		return false;
	max = sdev->config_read(sdev, pri + PCI_PRI_MAX_REQ, 4);
	sdev->config_write(sdev, pri + PCI_PRI_ALLOC_REQ,
			   min(max, (uint32_t)SW_PRQ_DEPTH), 4);
	sdev->config_write(sdev, pri + PCI_PRI_CTRL, PCI_PRI_CTRL_ENABLE, 2);
	return true;
}

/*
 * As the kernel's intel_iommu_probe_finalize(): PASID on for a function
 * that has it ("always enable PASID support on devices which have it",
 * before ATS), and PRI, which needs the PRG response to carry the PASID
 * when PASIDs are on. The kernel wants ATS before PRI too; no function
 * here has ATS (docs/pasid.md), so that step is left out.
 */
static void sw_iommu_enable_pci(struct sw_iommu_dev *sdev)
{
	unsigned int pasid, pri;

	if (!sdev->config_read || !sw_model_page_requests(sdev->model))
		return;
	pasid = sw_pci_find_ext_cap(sdev, PCI_EXT_CAP_ID_PASID);
	if (pasid && sdev->dev.max_pasid_log2) {
		/* No execute or privileged requests: no features */
		sdev->config_write(sdev, pasid + PCI_PASID_CTRL,
				   PCI_PASID_CTRL_ENABLE, 2);
		sdev->pasid_enabled = true;
	}
	pri = sw_pci_find_ext_cap(sdev, PCI_EXT_CAP_ID_PRI);
	if (!pri)
		return;
	if (sdev->pasid_enabled &&
	    !(sdev->config_read(sdev, pri + PCI_PRI_STATUS, 2) &
	      PCI_PRI_STATUS_PASID))
		return;
	sdev->pri_enabled = sw_pci_enable_pri(sdev, pri);
}

/* As intel_iommu_release_device(): PRI off, then PASID */
static void sw_iommu_disable_pci(struct sw_iommu_dev *sdev)
{
	if (sdev->pri_enabled)
		sdev->config_write(sdev,
				   sw_pci_find_ext_cap(sdev,
						       PCI_EXT_CAP_ID_PRI) +
					   PCI_PRI_CTRL,
				   0, 2);
	if (sdev->pasid_enabled)
		sdev->config_write(sdev,
				   sw_pci_find_ext_cap(sdev,
						       PCI_EXT_CAP_ID_PASID) +
					   PCI_PASID_CTRL,
				   0, 2);
	sdev->pri_enabled = false;
	sdev->pasid_enabled = false;
}

/*
 * As the intel driver's iopf_for_domain_set(): a domain with a fault
 * handler needs PRI, which the driver turned on at probe or not at all
 * (intel_iommu_enable_iopf(): ENODEV). Only the models with page requests
 * check; the others take the domain and fail their faults.
 */
int sw_iommu_iopf_check(struct iommu_domain *domain, struct device *dev)
{
	struct sw_iommu_dev *sdev = to_sw_iommu_dev(dev);

	if (!domain->iopf_handler || !sw_model_page_requests(sdev->model))
		return 0;
	return sdev->pri_enabled ? 0 : -ENODEV;
}

int sw_iommu_dev_add(struct sw_iommu_dev *sdev, struct iommu_group *group)
{
	const struct iommu_ops *ops = sw_model_ops(sdev->model);
	int rc;

	if (!sw_group_fits(group, ops))
		return -EINVAL;
	/* As the kernel's dev_iommu_get_max_pasids(): device and IOMMU */
	sdev->dev.max_pasid_log2 =
		min(sdev->dev.max_pasid_log2, sw_model_pasid_bits(sdev->model));
	memset(sdev->pasid_dir, 0, sizeof(sdev->pasid_dir));
	sdev->domain = ops->blocked_domain;
	sdev->vsid = SW_NO_VSID;
	memset(&sdev->cd_cache, 0, sizeof(sdev->cd_cache));
	sdev->pasid_enabled = false;
	sdev->pri_enabled = false;
	rc = iommu_device_add(&sdev->dev, ops, group);
	if (rc)
		return rc;
	sw_iommu_enable_pci(sdev);
	mutex_lock(&dma_devs_lock);
	list_add_tail(&sdev->dma_item, &dma_devs);
	mutex_unlock(&dma_devs_lock);
	return 0;
}

void sw_iommu_dev_remove(struct sw_iommu_dev *sdev)
{
	mutex_lock(&dma_devs_lock);
	list_del(&sdev->dma_item);
	mutex_unlock(&dma_devs_lock);
	iommu_device_remove(&sdev->dev);
	sw_iommu_disable_pci(sdev);
	/* Unbound: no PASID is attached, no DMA section runs */
	for (unsigned int i = 0; i != SW_PASID_DIR; i++) {
		ufd_free(sdev->pasid_dir[i]);
		sdev->pasid_dir[i] = NULL;
	}
}

/* The domain requests tagged @pasid translate through; NULL: none */
static struct iommu_domain *sw_dma_domain(struct sw_iommu_dev *sdev,
					  uint32_t pasid)
{
	struct iommu_domain **table;

	if (pasid == IOMMU_NO_PASID)
		return __atomic_load_n(&sdev->domain, __ATOMIC_ACQUIRE);
	/* Wider than the device's PASIDs: no table has it */
	if (pasid >> sdev->dev.max_pasid_log2)
		return NULL;
	table = __atomic_load_n(&sdev->pasid_dir[pasid >> SW_PASID_TABLE_BITS],
				__ATOMIC_ACQUIRE);
	if (!table)
		return NULL;
	return __atomic_load_n(&table[pasid & (SW_PASID_TABLE - 1)],
			       __ATOMIC_ACQUIRE);
}

/* One leaf's worth of translation in @domain; false with @fault filled */
static bool sw_walk_domain(struct sw_iommu_dev *sdev,
			   struct iommu_domain *domain, uint64_t iova,
			   bool write, bool mark, struct io_pgtable_walk *walk,
			   struct sw_dma_fault_info *fault)
{
	struct paging_domain *pd;

	if (sw_vtd_is_nested(domain))
		return sw_vtd_walk(sdev, domain, iova, write, mark, walk,
				   fault);
	if (sw_smmu_is_nested(domain))
		return sw_smmu_walk(sdev, domain, iova, write, mark, walk,
				    fault);
	if (sw_amd_is_nested(domain))
		return sw_amd_walk(domain, iova, write, mark, walk, fault);
	/* Blocked, or a domain of another kind: nothing gets through */
	if (domain->ops != &sw_domain_ops)
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, iova, write);
	pd = to_paging_domain(domain);
	if (iova > ULONG_MAX || !io_pgtable_lookup(&pd->pt, iova, walk))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, iova, write);
	if (!(walk->prot & (write ? IOPTE_WRITE : IOPTE_READ)))
		return sw_dma_fault(fault,
				    write ? SW_DMA_NO_WRITE : SW_DMA_NO_READ,
				    iova, write);
	if (mark && READ_ONCE(pd->dirty_tracking))
		io_pgtable_mark_used(walk, write);
	return true;
}

/* The same in the domain of @pasid, which says if it takes page requests */
static bool sw_walk(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		    bool write, bool mark, struct io_pgtable_walk *walk,
		    struct sw_dma_fault_info *fault)
{
	struct iommu_domain *domain = sw_dma_domain(sdev, pasid);

	if (!domain)
		return sw_dma_fault(fault, SW_DMA_NO_PASID, iova, write);
	if (sw_walk_domain(sdev, domain, iova, write, mark, walk, fault))
		return true;
	/* Set before the domain was attached, and kept while it is */
	if (fault)
		fault->page_request = domain->iopf_handler && sdev->pri_enabled;
	return false;
}

bool sw_dma_check(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		  size_t len, bool write, struct sw_dma_fault_info *fault)
{
	struct io_pgtable_walk walk;
	uint64_t last;

	if (!len)
		return true;
	if (check_add_overflow(iova, (uint64_t)len - 1, &last))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, iova, write);
	for (;;) {
		if (!sw_walk(sdev, pasid, iova, write, false, &walk, fault))
			return false;
		if (walk.leaf_left > last - iova)
			return true;
		iova += walk.leaf_left;
	}
}

void *sw_dma_translate(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		       size_t len, bool write, size_t *len_out,
		       struct sw_dma_fault_info *fault)
{
	struct io_pgtable_walk walk;

	if (!sw_walk(sdev, pasid, iova, write, true, &walk, fault))
		return NULL;
	*len_out = min(len, walk.leaf_left);
	return (void *)walk.host;
}

/* Copy between @buf and the IOVA range: to memory when @write */
static bool sw_dma_rw(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		      void *buf, size_t len, bool write,
		      struct sw_dma_fault_info *fault)
{
	char *p = buf;
	bool ok;

	sw_dma_begin(sdev);
	ok = sw_dma_check(sdev, pasid, iova, len, write, fault);
	while (ok && len) {
		size_t chunk;
		char *host = sw_dma_translate(sdev, pasid, iova, len, write,
					      &chunk, fault);

		const struct sw_bus_window *w;

		/* Only an unmap racing with the transfer gets here */
		if (!host) {
			ok = false;
			break;
		}
		w = sw_bus_window_find((uintptr_t)host, &chunk);
		if (w)
			sw_bus_window_rw(w, (uintptr_t)host, p, chunk, write);
		else if (write)
			memcpy(host, p, chunk);
		else
			memcpy(p, host, chunk);
		p += chunk;
		iova += chunk;
		len -= chunk;
	}
	sw_dma_end(sdev);
	return ok;
}

bool sw_dma_read(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		 void *buf, size_t len, struct sw_dma_fault_info *fault)
{
	return sw_dma_rw(sdev, pasid, iova, buf, len, false, fault);
}

bool sw_dma_write(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		  const void *buf, size_t len, struct sw_dma_fault_info *fault)
{
	return sw_dma_rw(sdev, pasid, iova, (void *)buf, len, true, fault);
}
