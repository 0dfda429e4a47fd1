/* SPDX-License-Identifier: MIT */
/*
 * The interface between the io_pagetable and an IO page table ("domain"):
 * what a real IOMMU driver's iommu_domain offers the kernel's iommufd.
 *
 * A domain translates IOVA to a host address: the address, in the engine's
 * own address space, where the page's bytes can be read and written. That is
 * the software IOMMU's "physical address".
 */
#ifndef UIOMMUFD_HWPT_DOMAIN_H
#define UIOMMUFD_HWPT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Protection bits of a mapping, as the kernel's IOMMU_READ etc. */
enum {
	IOMMU_READ = 1 << 0,
	IOMMU_WRITE = 1 << 1,
	IOMMU_CACHE = 1 << 2,
	/* Engine internal: map with leaves no bigger than a CPU page */
	IOMMU_MAP_SMALL = 1 << 8,
};

struct device;
struct iommu_domain;
struct iommu_dirty_bitmap;
struct iommu_ops;
struct iommu_user_data_array;
struct iopf_group;

/* Flags of read_and_clear_dirty */
enum {
	IOMMU_DIRTY_NO_CLEAR = 1 << 0,
};

struct iommu_domain_ops {
	/*
	 * Map [iova, iova + length) to [host, host + length). iova, host and
	 * length are aligned to the domain's smallest page size. Returns 0 or
	 * -errno with nothing of the range left mapped.
	 */
	int (*map)(struct iommu_domain *domain, unsigned long iova,
		   uintptr_t host, size_t length, int prot);
	/* Unmap the range; returns the number of bytes unmapped */
	size_t (*unmap)(struct iommu_domain *domain, unsigned long iova,
			size_t length);
	/* host address for iova, 0 when not mapped */
	uintptr_t (*iova_to_host)(struct iommu_domain *domain,
				  unsigned long iova);
	void (*free)(struct iommu_domain *domain);
	/* Make dev translate through this domain (old: its previous one) */
	int (*attach_dev)(struct iommu_domain *domain, struct device *dev,
			  struct iommu_domain *old);
	int (*set_dev_pasid)(struct iommu_domain *domain, struct device *dev,
			     uint32_t pasid, struct iommu_domain *old);
	/* Force coherent DMA (no snoop ignored); true when done */
	bool (*enforce_cache_coherency)(struct iommu_domain *domain);
	/* Invalidate caches of a user-managed (nested) table */
	int (*cache_invalidate_user)(struct iommu_domain *domain,
				     struct iommu_user_data_array *array);
	/*
	 * Introspection (optional): tables of the domain's page table, those
	 * hooked in it and those held from the allocator.
	 */
	void (*count_tables)(struct iommu_domain *domain, unsigned long *live,
			     unsigned long *allocated);
};

struct iommu_dirty_ops {
	int (*set_dirty_tracking)(struct iommu_domain *domain, bool enabled);
	int (*read_and_clear_dirty)(struct iommu_domain *domain,
				    unsigned long iova, size_t size,
				    unsigned long flags,
				    struct iommu_dirty_bitmap *dirty);
};

struct iommu_domain_geometry {
	unsigned long aperture_start;
	unsigned long aperture_end; /* inclusive */
};

enum iommu_domain_type {
	IOMMU_DOMAIN_BLOCKED,
	IOMMU_DOMAIN_PAGING,
	IOMMU_DOMAIN_NESTED,
};

void iommu_domain_free(struct iommu_domain *domain);
/*
 * Make the domain refuse no-snoop DMA, once and for good: 0, or -EINVAL
 * when the driver cannot. Called before anything is mapped.
 */
int iommu_enforce_cache_coherency(struct iommu_domain *domain);

struct iommu_domain {
	enum iommu_domain_type type;
	const struct iommu_domain_ops *ops;
	const struct iommu_dirty_ops *dirty_ops;
	/* Page sizes the domain can map; the lowest is its granule */
	unsigned long pgsize_bitmap;
	struct iommu_domain_geometry geometry;
	/* The driver that made the domain: it attaches only its devices */
	const struct iommu_ops *owner;
	/* No-snoop DMA is refused: set by iommu_enforce_cache_coherency() */
	bool cache_coherency_enforced;
	/* The HWPT object wrapping this domain */
	void *iommufd_hwpt;
	/* Page faults of a domain with a fault queue go here */
	int (*iopf_handler)(struct iommu_domain *domain,
			    struct iopf_group *group);
};

static inline int iommu_map(struct iommu_domain *domain, unsigned long iova,
			    uintptr_t host, size_t length, int prot)
{
	return domain->ops->map(domain, iova, host, length, prot);
}

static inline size_t iommu_unmap(struct iommu_domain *domain,
				 unsigned long iova, size_t length)
{
	return domain->ops->unmap(domain, iova, length);
}

#endif
