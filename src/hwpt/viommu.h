/* SPDX-License-Identifier: MIT */
/*
 * The vIOMMU family: a vIOMMU on a nest-parent HWPT, the vDEVICEs naming
 * its devices by virtual ID, its vEVENTQs (one per type) and its HW queues.
 * The driver's side of them is the driver API (src/include/iommufd.h).
 */
#ifndef UIOMMUFD_HWPT_VIOMMU_H
#define UIOMMUFD_HWPT_VIOMMU_H

#include "fault.h"
#include "hw_pagetable.h"

struct iommufd_access;
struct iommufd_device;

struct iommufd_viommu {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	/* The IOMMU (driver) instance its devices must be behind */
	const struct iommu_ops *iommu_dev;
	struct iommufd_hwpt_paging *hwpt;
	const struct iommufd_viommu_ops *ops;
	unsigned int type;
	/*
	 * The vDEVICEs, each with its virtual ID, unique in the vIOMMU. A
	 * vDEVICE being made has its ID taken but is not found yet. A leaf
	 * lock: the driver holds it while it uses a device it found.
	 */
	struct mutex vdevs_lock;
	struct list_head vdevs;
	/* Protects veventqs; taken before a vEVENTQ's lock */
	struct rw_semaphore veventqs_rwsem;
	struct list_head veventqs;
	/* The driver's state, get_viommu_size bytes */
	unsigned long priv[] __attribute__((aligned(16)));
};

struct iommufd_vdevice {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	/* With a users and a wait_cnt reference, revoked by pre_destroy */
	struct iommufd_device *idev;
	uint64_t virt_id;
	/* On iommufd_viommu::vdevs, vdevs_lock */
	struct list_head viommu_item;
	bool published;
};

/* One event, or the queue's lost-events header */
struct iommufd_vevent {
	struct iommufd_vevent_header header;
	struct list_head node; /* on iommufd_eventq::deliver */
	size_t data_len;
	uint8_t event_data[];
};

struct iommufd_veventq {
	struct iommufd_eventq common;
	struct iommufd_viommu *viommu;
	struct list_head node; /* on iommufd_viommu::veventqs */
	unsigned int type;
	unsigned int depth;
	/* Events queued, the lost-events header not counted; common.lock */
	unsigned int num_events;
	/* The next event's sequence number, wrapping at INT_MAX; lock */
	unsigned int sequence;
	/* Queued last when an event is lost, once until read */
	struct iommufd_vevent lost_events_header;
};

struct iommufd_hw_queue {
	struct iommufd_object obj;
	struct iommufd_viommu *viommu;
	/* Pins the queue's pages, and locks their area against unmap */
	struct iommufd_access *access;
	unsigned int type;
	uint64_t base_addr;
	size_t length;
	/* hw_queue_init_phys accepted it: hw_queue_destroy must run */
	bool initialized;
	unsigned long priv[] __attribute__((aligned(16)));
};

static inline struct iommufd_viommu *
iommufd_get_viommu(struct iommufd_ucmd *ucmd, uint32_t id)
{
	struct iommufd_object *obj =
		iommufd_get_object(ucmd->ictx, id, IOMMUFD_OBJ_VIOMMU);

	return IS_ERR(obj) ? (struct iommufd_viommu *)obj
			   : container_of(obj, struct iommufd_viommu, obj);
}

/* The vEVENTQ of @type; caller holds veventqs_rwsem */
struct iommufd_veventq *
iommufd_viommu_find_veventq(struct iommufd_viommu *viommu, unsigned int type);

#endif
