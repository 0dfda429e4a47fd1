/* SPDX-License-Identifier: MIT */
/*
 * The software IOMMU: the IOMMU driver of the emulated devices, and the DMA
 * path through it.
 *
 * Its domains are 4-level radix tables of 4 KiB pages with 2 MiB and 1 GiB
 * leaves, accessed and dirty bits, a 48-bit IOVA space and the x86 MSI
 * window reserved, as a VT-d second stage table would give. A device DMAs
 * by translating IOVAs through the domain its group is attached to, with
 * the permissions of each leaf; writes set dirty bits while tracking is on.
 * A device of the VT-d model (sw_vtd.c) may also be attached to a nested
 * domain, whose first-stage tables in guest memory are walked through its
 * parent's table, with an IOTLB; so may one of the SMMUv3 model
 * (sw_smmu.c: vSTE -> CD -> tables, an IOTLB per vIOMMU) or of the AMD
 * model (sw_amd.c: guest DTE -> GCR3 -> v2 tables, nothing cached).
 *
 * The DMA path takes no lock. A device brackets its DMA with
 * sw_dma_begin() and sw_dma_end(); the host addresses a translation gives
 * stay valid until sw_dma_end(), because an unmap, a detach or a replace
 * does not return before every DMA section that might have seen the old
 * translation has ended (sw_iommu_quiesce(), the IOTLB flush of this
 * IOMMU). After an unmap returns, no device touches the pages it unmapped.
 */
#ifndef UIOMMUFD_DEVICE_SW_IOMMU_H
#define UIOMMUFD_DEVICE_SW_IOMMU_H

#include "../iommu.h"
#include "../vtd_s1.h"

/* Which hardware the software IOMMU of a device models */
enum sw_iommu_model {
	/* Its own: IOMMU_HW_INFO_TYPE_NONE, one stage, no nesting */
	SW_IOMMU_MODEL_DEFAULT = 0,
	/* Intel VT-d: nested first-stage tables over a second stage */
	SW_IOMMU_MODEL_VTD,
	/* ARM SMMUv3: vIOMMU, vSTE -> CD -> stage-1 tables over stage 2 */
	SW_IOMMU_MODEL_SMMUV3,
	/* AMD: vIOMMU, guest DTE -> GCR3 table -> v2 tables over the host's */
	SW_IOMMU_MODEL_AMD,
};

/* sw_iommu_dev.vsid of a device without a vDEVICE where it is attached */
#define SW_NO_VSID (-1LL)

/*
 * SMMUv3: the configuration cache of a stream, the CD its STE led to
 * (sw_smmu.c), read locklessly by DMA
 */
struct sw_smmu_cd_cache {
	uint64_t seq;	    /* odd while written */
	uint64_t gen;	    /* moved by each invalidation */
	const void *domain; /* the nested domain it is for; NULL: empty */
	uint64_t cd[2];
};

/*
 * PASIDs: the widest the IOMMU takes (VT-d's 20 bits), looked up as VT-d's
 * PASID directory does, a directory of tables of SW_PASID_TABLE entries
 */
#define SW_PASID_BITS	    20
#define SW_PASID_TABLE_BITS 10
#define SW_PASID_TABLE	    (1u << SW_PASID_TABLE_BITS)
#define SW_PASID_DIR	    (1u << (SW_PASID_BITS - SW_PASID_TABLE_BITS))

/* A device behind the software IOMMU */
struct sw_iommu_dev {
	struct device dev;
	/*
	 * Set before sw_iommu_dev_add(): the model, and in
	 * dev.max_pasid_log2 the PASID width of the device (which the add
	 * narrows to what the model's IOMMU takes)
	 */
	enum sw_iommu_model model;
	/* The domain DMA translates through (NO_PASID), read locklessly */
	struct iommu_domain *domain;
	/*
	 * The domains of the PASIDs: tables made on a PASID's first attach
	 * (under the group's mutex) and kept until the device goes, so DMA
	 * reads them locklessly as it reads @domain; NULL: not present
	 */
	struct iommu_domain **pasid_dir[SW_PASID_DIR];
	/*
	 * Where the answer to a page request of the device goes (the PRI
	 * response message); set before sw_iommu_dev_add(), NULL if the
	 * device makes no requests. Called with fault queue locks held.
	 */
	void (*page_response)(struct sw_iommu_dev *sdev,
			      const struct iopf_group *group, uint32_t code);
	/*
	 * The function's configuration space, where the driver turns PASID
	 * and PRI on (as the kernel's intel driver at probe, which vfio-pci
	 * does not let the user do); set before sw_iommu_dev_add(), NULL
	 * for a device without one
	 */
	uint32_t (*config_read)(struct sw_iommu_dev *sdev, unsigned int off,
				unsigned int size);
	void (*config_write)(struct sw_iommu_dev *sdev, unsigned int off,
			     uint32_t val, unsigned int size);
	/* Set by the driver at probe, cleared at release (info->*_enabled) */
	bool pasid_enabled, pri_enabled;
	/* Odd while the device is inside a DMA section */
	uint64_t dma_seq;
	/* On the list of devices an unmap waits for */
	struct list_head dma_item;
	/* SMMUv3: the vSID events name, taken at attach (or SW_NO_VSID) */
	int64_t vsid;
	struct sw_smmu_cd_cache cd_cache;
};

static inline struct sw_iommu_dev *to_sw_iommu_dev(struct device *dev)
{
	return container_of(dev, struct sw_iommu_dev, dev);
}

/*
 * Put @sdev behind the software IOMMU, in @group (NULL: a group of its own).
 * Its name and model must be set; a group holds devices of one model
 * (-EINVAL). Returns 0 or -errno.
 */
int sw_iommu_dev_add(struct sw_iommu_dev *sdev, struct iommu_group *group);
void sw_iommu_dev_remove(struct sw_iommu_dev *sdev);

/*
 * Wait until every DMA section that began before this call has ended: the
 * IOTLB flush after a translation was removed or replaced.
 */
void sw_iommu_quiesce(void);

/* Why a DMA failed, as a device reports it */
enum sw_dma_fault {
	SW_DMA_OK = 0,
	SW_DMA_NOT_MAPPED, /* no translation (or the device is blocked) */
	SW_DMA_NO_READ,	   /* the leaf does not allow reading */
	SW_DMA_NO_WRITE,   /* the leaf does not allow writing */
	SW_DMA_BAD_ENTRY,  /* a reserved bit in a first-stage entry, or a
			      non-canonical address */
	SW_DMA_NO_PASID,   /* a PASID with no domain (not present) */
};

struct sw_dma_fault_info {
	enum sw_dma_fault reason;
	uint64_t iova; /* the first IOVA that failed */
	bool write;    /* the access was a write */
	/*
	 * The domain that refused it takes page requests (it has a fault
	 * handler, and the driver turned the function's PRI on at probe)
	 */
	bool page_request;
};

/* Fill @fault (if given) and return false: a refused access */
static inline bool sw_dma_fault(struct sw_dma_fault_info *fault,
				enum sw_dma_fault reason, uint64_t iova,
				bool write)
{
	if (fault) {
		fault->reason = reason;
		fault->iova = iova;
		fault->write = write;
		fault->page_request = false;
	}
	return false;
}

static inline void sw_dma_begin(struct sw_iommu_dev *sdev)
{
	__atomic_add_fetch(&sdev->dma_seq, 1, __ATOMIC_RELAXED);
	/* Pairs with the fence in sw_iommu_quiesce(): see sw_iommu.c */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void sw_dma_end(struct sw_iommu_dev *sdev)
{
	__atomic_add_fetch(&sdev->dma_seq, 1, __ATOMIC_RELEASE);
}

/*
 * Inside a DMA section: check that the whole of [iova, iova + len) can be
 * read (@write false) or written, without touching memory or the accessed
 * and dirty bits. @pasid tags the requests (IOMMU_NO_PASID: untagged, the
 * RID's domain translates; else the domain attached to that PASID, as
 * every function below). Returns true, or false with @fault filled.
 */
bool sw_dma_check(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		  size_t len, bool write, struct sw_dma_fault_info *fault);

/*
 * Inside a DMA section: the host address of @iova for a read or a write,
 * and in *@len_out how many bytes are contiguous from there (at most @len).
 * NULL with @fault filled when the access is not allowed. A write marks the
 * leaf dirty when the domain tracks dirty pages.
 */
void *sw_dma_translate(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		       size_t len, bool write, size_t *len_out,
		       struct sw_dma_fault_info *fault);

/*
 * Whole transfers, each its own DMA section and each checked in full
 * before any byte moves: a transfer that faults anywhere touches nothing
 * (unless the range is unmapped while the transfer runs, which real
 * hardware leaves undefined too). Return true, or false with @fault filled.
 */
bool sw_dma_read(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		 void *buf, size_t len, struct sw_dma_fault_info *fault);
bool sw_dma_write(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t iova,
		  const void *buf, size_t len, struct sw_dma_fault_info *fault);

/* Between the driver's files: the VT-d model (sw_vtd.c) */
void sw_iommu_set_domain(struct device *dev, struct iommu_domain *domain);
/* set_dev_pasid of the model's domains: @domain translates for @pasid */
/*
 * May @domain be attached to @dev: 0, or -ENODEV for a domain with a fault
 * handler on a device whose PRI the driver has not on (the intel driver's
 * iopf_for_domain_set())
 */
int sw_iommu_iopf_check(struct iommu_domain *domain, struct device *dev);
int sw_iommu_set_pasid(struct device *dev, uint32_t pasid,
		       struct iommu_domain *domain, struct iommu_domain *old);
bool sw_domain_is_paging(const struct iommu_domain *domain);
void *sw_vtd_hw_info(struct device *dev, uint32_t *length, uint32_t *type);
struct iommu_domain *
sw_vtd_domain_alloc_nested(struct device *dev, struct iommu_domain *parent,
			   uint32_t flags,
			   const struct iommu_user_data *user_data);
bool sw_vtd_is_nested(const struct iommu_domain *domain);
/* The IOTLB flush of a PASID entry's tear-down: the device left @domain */
void sw_vtd_flush_all(struct iommu_domain *domain);
struct io_pgtable_walk;
/*
 * Stage 2 of one access of an x86-64 first-stage walk (the VT-d and AMD
 * models): the parent's leaf, with its permission checked
 */
struct sw_vtd_s2 {
	struct paging_domain *pd;
	bool mark;
	/* Why a first-stage entry did not translate */
	enum sw_dma_fault table_fault;
};
enum sw_dma_fault sw_vtd_s2_lookup(struct sw_vtd_s2 *s2, uint64_t gpa,
				   bool write, struct io_pgtable_walk *walk);
/* vtd_s1_cfg.gpa_to_host with a struct sw_vtd_s2 for @arg */
uint64_t *sw_vtd_table_entry(void *arg, uint64_t gpa, bool write);
/* A first-stage fault as the DMA's: false with @fault filled */
bool sw_vtd_s1_fault(enum vtd_s1_fault f, uint64_t iova, bool write,
		     struct sw_dma_fault_info *fault);
bool sw_vtd_walk(struct sw_iommu_dev *sdev, struct iommu_domain *domain,
		 uint64_t iova, bool write, bool mark,
		 struct io_pgtable_walk *walk, struct sw_dma_fault_info *fault);

/* The SMMUv3 model (sw_smmu.c) */
bool sw_smmu_owns(const struct iommu_domain *domain);
void *sw_smmu_hw_info(struct device *dev, uint32_t *length, uint32_t *type);
bool sw_smmu_paging_flags_ok(uint32_t flags);
size_t sw_smmu_get_viommu_size(struct device *dev, unsigned int type);
int sw_smmu_viommu_init(struct iommufd_viommu *viommu,
			struct iommu_domain *parent,
			const struct iommu_user_data *user_data,
			const struct iommufd_viommu_ops **ops);
bool sw_smmu_is_nested(const struct iommu_domain *domain);
bool sw_smmu_walk(struct sw_iommu_dev *sdev, struct iommu_domain *domain,
		  uint64_t iova, bool write, bool mark,
		  struct io_pgtable_walk *walk,
		  struct sw_dma_fault_info *fault);

/* The AMD model (sw_amd.c) */
bool sw_amd_owns(const struct iommu_domain *domain);
void *sw_amd_hw_info(struct device *dev, uint32_t *length, uint32_t *type);
bool sw_amd_paging_flags_ok(uint32_t flags);
size_t sw_amd_get_viommu_size(struct device *dev, unsigned int type);
int sw_amd_viommu_init(struct iommufd_viommu *viommu,
		       struct iommu_domain *parent,
		       const struct iommu_user_data *user_data,
		       const struct iommufd_viommu_ops **ops);
bool sw_amd_is_nested(const struct iommu_domain *domain);
bool sw_amd_walk(struct iommu_domain *domain, uint64_t iova, bool write,
		 bool mark, struct io_pgtable_walk *walk,
		 struct sw_dma_fault_info *fault);

#endif
