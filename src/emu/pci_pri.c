// SPDX-License-Identifier: MIT
/*
 * Page requests of an emulated PCI function (see pci_pri.h).
 */
#include "../lib/trace.h"
#include "pci_dev.h"
#include "pci_pri.h"

#define PRI_GRPID_MASK 0x1ff   /* a PRG index is 9 bits */
#define PRI_PAGE_SIZE  4096ULL /* requests name 4 KiB pages */

/* A thread waiting for the answer to its request */
struct pci_pri_wait {
	struct list_head item;
	uint32_t grpid, pasid;
	bool answered;
	uint32_t code;
};

void pci_pri_init(struct pci_pri *pri)
{
	mutex_init(&pri->lock);
	pthread_cond_init(&pri->answered, NULL);
	INIT_LIST_HEAD(&pri->waiters);
}

void pci_pri_destroy(struct pci_pri *pri)
{
	WARN_ON(!list_empty(&pri->waiters));
	pthread_cond_destroy(&pri->answered);
	mutex_destroy(&pri->lock);
}

void pci_pri_transfer_init(struct pci_dev *pdev, struct pci_pri_transfer *t)
{
	mutex_lock(&pdev->pri.lock);
	t->epoch = pdev->pri.epoch;
	mutex_unlock(&pdev->pri.lock);
	t->pasid = IOMMU_NO_PASID;
	t->asked = false;
	t->cancelled = false;
}

void pci_pri_cancel(struct pci_pri *pri)
{
	struct pci_pri_wait *w, *next;

	mutex_lock(&pri->lock);
	pri->epoch++;
	list_for_each_entry_safe (w, next, &pri->waiters, item)
		list_del(&w->item);
	pthread_cond_broadcast(&pri->answered);
	mutex_unlock(&pri->lock);
}

/* Fault queue locks held: only our own lock is taken */
void pci_pri_response(struct sw_iommu_dev *sdev, const struct iopf_group *group,
		      uint32_t code)
{
	struct pci_dev *pdev = sdev_to_pci_dev(sdev);
	struct pci_pri *pri = &pdev->pri;
	struct pci_pri_wait *w;

	ufd_trace_event("page_response", "dev=%s grpid=%u pasid=%u code=%s",
			sdev->dev.name, group->grpid, group->pasid,
			code == IOMMUFD_PAGE_RESP_SUCCESS ? "success"
							  : "invalid");
	mutex_lock(&pri->lock);
	list_for_each_entry (w, &pri->waiters, item) {
		if (w->grpid != group->grpid || w->pasid != group->pasid)
			continue;
		w->answered = true;
		w->code = code;
		list_del(&w->item);
		pthread_cond_broadcast(&pri->answered);
		break;
	}
	mutex_unlock(&pri->lock);
}

/*
 * Faults a page request can mend: a page not there, or not allowed, in a
 * domain that takes requests
 */
static bool pci_pri_mendable(const struct sw_dma_fault_info *fault)
{
	if (!fault->page_request)
		return false;
	switch (fault->reason) {
	case SW_DMA_NOT_MAPPED:
	case SW_DMA_NO_READ:
	case SW_DMA_NO_WRITE:
		return true;
	default:
		return false;
	}
}

/*
 * Send the request of @w to the IOMMU: 0 once it is queued, else the
 * domain takes none (-EINVAL) or queueing failed
 */
static int pci_pri_send(struct pci_dev *pdev, const struct pci_pri_wait *w,
			uint64_t page, bool write)
{
	struct iopf_group evt = {
		.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE,
		.pasid = w->pasid,
		.grpid = w->grpid,
		.perm = write ? IOMMU_PGFAULT_PERM_WRITE
			      : IOMMU_PGFAULT_PERM_READ,
		.addr = page,
	};
	int rc;

	if (w->pasid != IOMMU_NO_PASID)
		evt.flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	rc = iommu_report_device_fault(&pdev->sdev.dev, &evt);
	if (!rc)
		ufd_trace_event("page_request",
				"dev=%s grpid=%u pasid=%u addr=%#llx write=%d",
				pdev->sdev.dev.name, w->grpid, w->pasid,
				(unsigned long long)page, write);
	return rc;
}

bool pci_pri_retry(struct pci_dev *pdev, struct pci_pri_transfer *t,
		   const struct sw_dma_fault_info *fault)
{
	uint64_t page = fault->iova & ~(PRI_PAGE_SIZE - 1);
	struct pci_pri *pri = &pdev->pri;
	struct pci_pri_wait w = {.pasid = t->pasid};
	bool ok;

	if (!pci_pri_mendable(fault) || !pci_pri_enabled(pdev) ||
	    !pci_bus_master(pdev))
		return false;
	/* SUCCESS, yet the page still faults: the answer was wrong */
	if (t->asked && t->page == page && t->write == fault->write)
		return false;
	t->asked = true;
	t->page = page;
	t->write = fault->write;

	/* On the list before the request goes: its answer may come first */
	mutex_lock(&pri->lock);
	if (pri->epoch != t->epoch) {
		t->cancelled = true;
		mutex_unlock(&pri->lock);
		return false;
	}
	w.grpid = pri->next_grpid;
	pri->next_grpid = (pri->next_grpid + 1) & PRI_GRPID_MASK;
	list_add_tail(&w.item, &pri->waiters);
	mutex_unlock(&pri->lock);

	if (pci_pri_send(pdev, &w, page, fault->write)) {
		mutex_lock(&pri->lock);
		list_del(&w.item);
		mutex_unlock(&pri->lock);
		return false;
	}

	mutex_lock(&pri->lock);
	while (!w.answered && pri->epoch == t->epoch)
		pthread_cond_wait(&pri->answered, &pri->lock.m);
	/* Cancelled: off the list already; answered: taken off by the answer */
	t->cancelled = pri->epoch != t->epoch;
	ok = w.answered && w.code == IOMMUFD_PAGE_RESP_SUCCESS && !t->cancelled;
	list_del(&w.item);
	mutex_unlock(&pri->lock);
	return ok;
}
