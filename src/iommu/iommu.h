/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU core the engine's iommufd sits on, as drivers/iommu/iommu.c is
 * to the kernel's: devices, the groups that isolate them, DMA ownership of a
 * group, and which domain a group (or a PASID of a device) is attached to.
 *
 * IOMMU drivers plug in through struct iommu_ops: the mock IOMMU of the
 * test uAPI (src/selftest) and the software IOMMU of the emulated devices.
 */
#ifndef UIOMMUFD_DEVICE_IOMMU_H
#define UIOMMUFD_DEVICE_IOMMU_H

#include <uiommufd/iommufd.h>

#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "../lib/uaccess.h"
#include "../lib/util.h"
#include "domain.h"

struct device;
struct iommu_group;
struct iommufd_viommu;
struct iommufd_viommu_ops;
struct iopf_group;

#define IOMMU_NO_PASID 0u

enum iommu_cap {
	IOMMU_CAP_CACHE_COHERENCY,
	IOMMU_CAP_ENFORCE_CACHE_COHERENCY,
	IOMMU_CAP_DIRTY_TRACKING,
	IOMMU_CAP_PCI_ATS_SUPPORTED,
};

enum iommu_resv_type {
	IOMMU_RESV_DIRECT,
	IOMMU_RESV_DIRECT_RELAXABLE,
	IOMMU_RESV_RESERVED,
	IOMMU_RESV_MSI,
	IOMMU_RESV_SW_MSI,
};

struct iommu_resv_region {
	struct list_head list;
	unsigned long start;
	size_t length;
	enum iommu_resv_type type;
};

/* Driver data the user passes when allocating a domain */
struct iommu_user_data {
	unsigned int type;
	void *uptr;
	size_t len;
};

/* An array of driver entries for cache invalidation */
struct iommu_user_data_array {
	unsigned int type;
	void *uptr;
	size_t entry_len;
	uint32_t entry_num;
};

int iommu_copy_struct_from_user(void *dst, size_t dst_len,
				const struct iommu_user_data *src,
				unsigned int data_type, size_t min_len);
int iommu_copy_struct_from_user_array(void *dst, size_t dst_len,
				      const struct iommu_user_data_array *src,
				      unsigned int data_type,
				      unsigned int index, size_t min_len);
/*
 * The whole array into dst (entry_num entries of dst_entry_len bytes):
 * -EINVAL for another type or an empty array.
 */
int iommu_copy_struct_from_full_user_array(
	void *dst, size_t dst_entry_len,
	const struct iommu_user_data_array *src, unsigned int data_type);
/* Driver data back to the user: src_len bytes, of which min_len required */
int iommu_copy_struct_to_user(const struct iommu_user_data *dst,
			      const void *src, size_t src_len,
			      unsigned int data_type, size_t min_len);

/* An IOMMU driver */
struct iommu_ops {
	const char *name;
	/*
	 * The driver's devices are made by an object of the iommufd context
	 * they are bound to (the test uAPI's mock devices): binding takes no
	 * reference on the context, which that object would keep forever.
	 */
	bool dev_owned_by_ctx;
	/*
	 * The PASID table is the user's, under a nested domain of the RID:
	 * page requests of any PASID without a domain of its own go there
	 */
	bool user_pasid_table;
	/* Attached when nothing else is: DMA is refused */
	struct iommu_domain *blocked_domain;
	/* Driver specific hardware description for IOMMU_GET_HW_INFO */
	void *(*hw_info)(struct device *dev, uint32_t *length, uint32_t *type);
	struct iommu_domain *(*domain_alloc_paging_flags)(
		struct device *dev, uint32_t flags,
		const struct iommu_user_data *user_data);
	struct iommu_domain *(*domain_alloc_nested)(
		struct device *dev, struct iommu_domain *parent, uint32_t flags,
		const struct iommu_user_data *user_data);
	bool (*capable)(struct device *dev, enum iommu_cap cap);
	/*
	 * Append the device's reserved regions to head: 0, or -ENOMEM with
	 * whatever was appended left for iommu_put_resv_regions()
	 */
	int (*get_resv_regions)(struct device *dev, struct list_head *head);
	/*
	 * vIOMMUs (src/include/iommufd.h): the size of the driver's state of
	 * a vIOMMU of @type (0: no such type), and its initialization on the
	 * nest-parent domain @parent, which sets *ops.
	 */
	size_t (*get_viommu_size)(struct device *dev, unsigned int type);
	int (*viommu_init)(struct iommufd_viommu *viommu,
			   struct iommu_domain *parent,
			   const struct iommu_user_data *user_data,
			   const struct iommufd_viommu_ops **ops);
	/*
	 * Send the answer (IOMMUFD_PAGE_RESP_*) to a page request of @group
	 * back to the device that made it. Called with the fault queue's
	 * locks held: it must only hand the answer over.
	 */
	void (*page_response)(struct device *dev,
			      const struct iopf_group *group, uint32_t code);
};

/* A device behind an IOMMU: the kernel's struct device, what we need of it */
struct device {
	char name[32];
	const struct iommu_ops *iommu_ops;
	struct iommu_group *group;
	struct list_head group_item;
	/* PASID width the device supports (0: none) */
	unsigned int max_pasid_log2;
	/* The device needs a 1:1 mapping; it can never be blocked */
	bool require_direct;
	void *driver_data;
};

struct iommu_group {
	unsigned int id;
	struct mutex mutex;
	refcount_t ref;
	struct list_head devices;
	unsigned int ndevices;
	struct iommu_domain *domain;
	struct iommu_domain *default_domain;
	struct iommu_domain *blocking_domain;
	/* DMA ownership: one owner (an iommufd context), counted */
	void *owner;
	unsigned int owner_cnt;
	/* pasid -> attached domain, NO_PASID included */
	struct pasid_entry {
		uint32_t pasid;
		struct iommu_domain *domain;
	} * pasid_array;
	unsigned int npasids, pasid_alloc;
};

/*
 * One page request (PRI) a device sent: a group of one fault, since the
 * engine's devices send their requests one by one.
 */
struct iopf_group {
	/* Where the domain's handler queues it */
	struct list_head node;
	/* Who asked, and the domain the request went to */
	struct device *dev;
	struct iommu_domain *domain;
	uint32_t pasid;
	/*
	 * The attachment the request came through (the kernel's attach
	 * handle): its PASID, or IOMMU_NO_PASID when a request with a PASID
	 * went to the RID's domain. Detaching it answers the request.
	 */
	uint32_t attach_pasid;
	uint32_t flags; /* IOMMU_PGFAULT_FLAGS_* */
	uint32_t grpid;
	uint32_t perm;
	uint64_t addr;
	/* The handler's name for it while the user holds it */
	uint32_t cookie;
};

/*
 * A device reports a page request: a copy of @evt goes to the iopf_handler
 * of the domain the device (or its PASID, when the flags say the PASID is
 * valid) is attached to. -EINVAL when no domain there takes faults, which
 * the device answers itself (the request is refused, not reported).
 */
int iommu_report_device_fault(struct device *dev, const struct iopf_group *evt);
/*
 * Answer a reported request (IOMMUFD_PAGE_RESP_SUCCESS or _INVALID): the
 * device hears it through its IOMMU driver's page_response. Every request
 * iommu_report_device_fault() queued gets exactly one answer, then
 * iopf_free_group().
 */
void iopf_group_response(struct iopf_group *group, uint32_t code);
void iopf_free_group(struct iopf_group *group);

/* Groups and devices */
struct iommu_group *iommu_group_alloc(void);
void iommu_group_put(struct iommu_group *group);
void iommu_group_get(struct iommu_group *group);
/* Put dev in group (NULL: a group of its own); dev starts blocked */
int iommu_device_add(struct device *dev, const struct iommu_ops *ops,
		     struct iommu_group *group);
void iommu_device_remove(struct device *dev);
bool device_iommu_capable(struct device *dev, enum iommu_cap cap);
int iommu_get_resv_regions(struct device *dev, struct list_head *head);
void iommu_put_resv_regions(struct device *dev, struct list_head *head);

/* DMA ownership */
int iommu_device_claim_dma_owner(struct device *dev, void *owner);
void iommu_device_release_dma_owner(struct device *dev);
/* Does any owner hold the group's DMA (e.g. an iommufd bound a device)? */
bool iommu_group_dma_owner_claimed(struct iommu_group *group);

/* Attaching domains */
int iommu_attach_group(struct iommu_domain *domain, struct iommu_group *group);
void iommu_detach_group(struct iommu_group *group);
int iommu_replace_group(struct iommu_group *group,
			struct iommu_domain *new_domain);
int iommu_attach_device_pasid(struct iommu_domain *domain, struct device *dev,
			      uint32_t pasid);
int iommu_replace_device_pasid(struct iommu_domain *domain, struct device *dev,
			       uint32_t pasid);
void iommu_detach_device_pasid(struct iommu_domain *domain, struct device *dev,
			       uint32_t pasid);
/* The domain attached at pasid (for NO_PASID the whole group's), or NULL */
struct iommu_domain *iommu_attached_domain(struct iommu_group *group,
					   uint32_t pasid);
/*
 * The same, for a caller that holds the group still with
 * iommu_group_lock(): the domain stays attached, and so alive, until
 * iommu_group_unlock(), as the kernel's PRI path uses an attach handle
 * that a detach flushes before the domain can go.
 */
void iommu_group_lock(struct iommu_group *group);
void iommu_group_unlock(struct iommu_group *group);
struct iommu_domain *iommu_attached_domain_locked(struct iommu_group *group,
						  uint32_t pasid);

#endif
