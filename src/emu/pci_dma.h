/* SPDX-License-Identifier: MIT */
/*
 * DMA of an emulated PCI function: through the software IOMMU when the
 * function sits behind it, or straight to host addresses in no-IOMMU mode
 * (where a bad address is reported as a fault, never followed into a
 * crash: the copies go through process_vm_readv/writev).
 *
 * Every transfer is checked in full before a byte moves: one that would
 * fault anywhere touches nothing. Only bus mastering functions DMA.
 */
#ifndef UIOMMUFD_EMU_PCI_DMA_H
#define UIOMMUFD_EMU_PCI_DMA_H

#include "pci_dev.h"

bool pci_dma_read(struct pci_dev *pdev, uint64_t addr, void *buf, size_t len,
		  struct sw_dma_fault_info *fault);
bool pci_dma_write(struct pci_dev *pdev, uint64_t addr, const void *buf,
		   size_t len, struct sw_dma_fault_info *fault);
/*
 * Device memory to device memory: [src, src + len) to [dst, dst + len),
 * in requests tagged with @pasid (IOMMU_NO_PASID: untagged)
 */
bool pci_dma_copy(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
		  uint64_t src, size_t len, struct sw_dma_fault_info *fault);
/* Fill [dst, dst + len) with the 8-byte @pattern (little-endian order) */
bool pci_dma_fill(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
		  uint64_t pattern, size_t len,
		  struct sw_dma_fault_info *fault);

#endif
