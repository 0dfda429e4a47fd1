/* SPDX-License-Identifier: MIT */
/*
 * Page requests of an emulated PCI function (PCIe PRI, docs/pasid.md).
 *
 * A transfer that faulted in a domain whose HWPT has a fault queue (which
 * the IOMMU driver attaches only to a function whose PRI it enabled at
 * probe, as the kernel's intel driver) is not failed at once:
 * the function sends a page request for the faulting page, with its PASID
 * if it was tagged, waits for the page response, and on SUCCESS retries
 * the transfer. A transfer is checked in full before a byte moves, so
 * retrying it continues where it stopped.
 *
 * Only the thread doing the transfer waits (a DMA engine's worker);
 * the function's registers and other devices go on. Every wait ends:
 * the answer comes from the user (a write to the fault queue), from
 * iommufd when the device leaves the domain (detach, replace, unbind,
 * the iommufd closed: INVALID for what is pending, as the kernel's
 * iommufd_auto_response_faults()), or the function drops the request
 * itself, as hardware does, on a reset or when the engine is disabled
 * (pci_pri_cancel(); an answer that comes later finds no one waiting).
 * Closing the fault queue's descriptor alone answers nothing, as in the
 * kernel: the queue lives on in its HWPT until that goes.
 */
#ifndef UIOMMUFD_EMU_PCI_PRI_H
#define UIOMMUFD_EMU_PCI_PRI_H

#include <pthread.h>

#include "../lib/util.h"
#include "../lib/lock.h"

struct pci_dev;
struct sw_dma_fault_info;

/* The outstanding requests of a function; in struct pci_dev */
struct pci_pri {
	struct mutex lock;
	pthread_cond_t answered;
	/* struct pci_pri_wait of the threads waiting for an answer */
	struct list_head waiters;
	/* The Page Request Group index of the next request (9 bits) */
	uint32_t next_grpid;
	/* Moved by pci_pri_cancel(): requests made before are dropped */
	uint64_t epoch;
};

/*
 * One transfer's page requests: set by pci_pri_transfer_init(), then
 * passed to pci_pri_retry() after each fault of the transfer
 */
struct pci_pri_transfer {
	uint64_t epoch;
	uint32_t pasid; /* IOMMU_NO_PASID: untagged */
	bool asked;
	uint64_t page; /* the last page asked for, and how */
	bool write;
	/* A reset or disable gave the request up: the transfer is dropped */
	bool cancelled;
};

void pci_pri_init(struct pci_pri *pri);
void pci_pri_destroy(struct pci_pri *pri);

/*
 * A transfer begins (untagged: set t->pasid for one with a PASID): the
 * epoch it belongs to. Called where the engine takes its work, under the
 * lock its resets take too, so that a reset after this makes the
 * transfer's requests give up.
 */
void pci_pri_transfer_init(struct pci_dev *pdev, struct pci_pri_transfer *t);

/*
 * The transfer @t faulted (@fault): true when a page request for the
 * faulting page was answered SUCCESS, so the transfer should be retried.
 * False when it is an error: the fault is not one a page request mends
 * (no PASID entry, a reserved bit, bus mastering off), the domain takes
 * no requests, the same page faulted again after a SUCCESS, the answer
 * was INVALID, or the request was cancelled (t->cancelled: the engine
 * drops the transfer without a status, as its reset forgets it).
 */
bool pci_pri_retry(struct pci_dev *pdev, struct pci_pri_transfer *t,
		   const struct sw_dma_fault_info *fault);

/*
 * The page response message (sw_iommu_dev.page_response of a function
 * with PRI): it ends the wait of the request it names, if one still waits
 */
struct sw_iommu_dev;
struct iopf_group;
void pci_pri_response(struct sw_iommu_dev *sdev, const struct iopf_group *group,
		      uint32_t code);

/*
 * Drop every outstanding request (a reset, the engine disabled): their
 * waits end with false now, and answers that come later are ignored.
 * Called under the lock pci_pri_transfer_init()'s caller holds.
 */
void pci_pri_cancel(struct pci_pri *pri);

#endif
