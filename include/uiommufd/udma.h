/* SPDX-License-Identifier: MIT */
/*
 * udma: the DMA engine uiommufd emulates, as its data sheet would give it.
 *
 * A PCI Express function (vendor UDMA_VENDOR_ID, device UDMA_DEVICE_ID,
 * class 0x0801 "DMA controller") that copies and fills memory as a real
 * device would: through the IOMMU domain its group is attached to, reading
 * only what is mapped readable and writing only what is mapped writable.
 *
 * BAR0 (16 KiB, registers, mappable: loads and stores there are trapped
 * to the device, on x86-64): the registers below; the MSI-X table at
 * UDMA_MSIX_TABLE and its pending bits at UDMA_MSIX_PBA.
 * BAR2 (64 KiB, memory, mappable): scratch memory of the device, shared
 * with the driver; the engine does not DMA to it.
 *
 * Programming: put descriptors in a ring of RING_SIZE entries at the IOVA
 * RING_BASE, set CONTROL.ENABLE and bus mastering in the PCI command
 * register, then write the index after the last new descriptor to
 * RING_HEAD (the doorbell). The engine processes descriptors from
 * RING_TAIL up to RING_HEAD, writes each one's status back into it, and
 * after each writes RING_TAIL to the u32 at WB_ADDR (if not 0). A
 * descriptor with UDMA_OP_IRQ raises UDMA_IRQ_DONE when it completes; a
 * failed one raises UDMA_IRQ_ERROR. An engine that cannot read its ring or
 * write back halts (STATUS.HALTED) until it is disabled and enabled again.
 *
 * PASIDs: a descriptor may tag its transfer (the reads of src and the
 * writes of dst) with a PASID: UDMA_DESC_PASID_VALID and the PASID in
 * the descriptor's pasid field. The transfer then translates through the
 * domain attached to that PASID of the function (IOMMU_HWPT attached with
 * VFIO_DEVICE_ATTACH_PASID); a PASID with none attached faults. Untagged
 * transfers, the ring, the status and the write-back translate through
 * the function's (RID's) domain. The function has the PCI Express PASID
 * capability (20 bits) at UDMA_CFG_PASID_CAP and tags only while it is
 * enabled; a tag with PASID 0 (the untagged requests' own, as VT-d's
 * RID_PASID) or PASID Enable clear is UDMA_ERR_BAD_OP. The IOMMU driver
 * sets PASID Enable when it probes the function (behind the VT-d model).
 * Through VFIO the capability is hidden, as the kernel's vfio-pci hides
 * it: the header at UDMA_CFG_PASID_CAP reads ID 0, version 0 and the next
 * capability's offset; the registers after it pass through.
 *
 * Page requests: the function has the Page Request Interface capability,
 * which the IOMMU driver enables when it probes the function (behind the
 * VT-d and default models) and VFIO shows read-only.
 * When a transfer faults in a domain that takes page requests (an HWPT
 * allocated with a fault queue, IOMMU_HWPT_FAULT_ID_VALID), the engine
 * sends a page request for the faulting 4 KiB page (with the PASID when
 * tagged; read or write; its PRG index; LAST_PAGE) and waits. A SUCCESS
 * response retries the transfer, which continues where it stopped (no
 * byte of a transfer moves before all of it translates); an INVALID one,
 * the same page faulting again after SUCCESS, or a reset or disable
 * meanwhile ends the descriptor with its fault as without page requests.
 * Only this engine waits; its registers stay live (docs/pasid.md).
 *
 * Interrupts: MSI-X vector 0 is DONE and vector 1 ERROR; with MSI or INTx
 * both share one. INTx stays asserted while IRQ_STATUS & IRQ_MASK is not
 * zero; writing 1s to IRQ_STATUS clears those bits.
 *
 * All registers are little-endian; 64-bit ones may be accessed as two
 * 32-bit halves (low half first).
 */
#ifndef UIOMMUFD_UDMA_H
#define UIOMMUFD_UDMA_H

#include <stdint.h>

#define UDMA_VENDOR_ID 0x5546

/* Configuration space: where the PASID capability is (hidden by VFIO) */
#define UDMA_CFG_PASID_CAP 0x100
#define UDMA_DEVICE_ID 0xd0a0
#define UDMA_CLASS     0x080100

#define UDMA_BAR_REGS	  0
#define UDMA_BAR_REGS_LEN 0x4000
#define UDMA_BAR_MEM	  2
#define UDMA_BAR_MEM_LEN  0x10000
#define UDMA_MSIX_TABLE	  0x2000
#define UDMA_MSIX_PBA	  0x3000
#define UDMA_MSIX_VECTORS 2

/* Registers of BAR0 */
#define UDMA_REG_ID	    0x000 /* RO: UDMA_ID */
#define UDMA_REG_VERSION    0x004 /* RO: UDMA_VERSION */
#define UDMA_REG_CAPS	    0x008 /* RO: UDMA_CAP_* */
#define UDMA_REG_CONTROL    0x010 /* RW: UDMA_CTRL_* */
#define UDMA_REG_STATUS	    0x014 /* RO: UDMA_STATUS_* */
#define UDMA_REG_IRQ_STATUS 0x018 /* RW1C: UDMA_IRQ_* */
#define UDMA_REG_IRQ_MASK   0x01c /* RW: UDMA_IRQ_* enabled */
#define UDMA_REG_RING_BASE  0x020 /* RW 64: IOVA, 32-byte aligned */
#define UDMA_REG_RING_SIZE  0x028 /* RW: entries, a power of two */
#define UDMA_REG_RING_HEAD  0x030 /* RW: producer index (doorbell) */
#define UDMA_REG_RING_TAIL  0x034 /* RO: consumer index */
#define UDMA_REG_WB_ADDR    0x038 /* RW 64: IOVA of the tail write-back */
#define UDMA_REG_ERR_ADDR   0x040 /* RO 64: the address that faulted */
#define UDMA_REG_ERR_CODE   0x048 /* RO: UDMA_ERR_* of the last error */
#define UDMA_REG_COMPLETED  0x050 /* RO 64: descriptors completed */
#define UDMA_REG_BYTES	    0x058 /* RO 64: bytes moved */

#define UDMA_ID	     0x616d6475 /* "udma" */
#define UDMA_VERSION 0x00010000

#define UDMA_CAP_COPY		(1u << 0)
#define UDMA_CAP_FILL		(1u << 1)
#define UDMA_CAP_RING_MAX_SHIFT 8 /* bits 8-15: log2 of the largest ring */

#define UDMA_CTRL_ENABLE (1u << 0)
#define UDMA_CTRL_RESET	 (1u << 1) /* self-clearing: back to power-on */

#define UDMA_STATUS_RUNNING (1u << 0) /* enabled and not halted */
#define UDMA_STATUS_HALTED  (1u << 1)
#define UDMA_STATUS_IDLE    (1u << 2) /* tail == head */

#define UDMA_IRQ_DONE  (1u << 0)
#define UDMA_IRQ_ERROR (1u << 1)

#define UDMA_RING_MAX 65536

/* A descriptor: 32 bytes, in the ring */
struct udma_desc {
	uint32_t op;	 /* UDMA_OP_* | UDMA_OP_IRQ */
	uint32_t status; /* 0 before, then UDMA_DESC_* written by the engine */
	uint64_t src;	 /* COPY: source IOVA; FILL: the 8-byte pattern */
	uint64_t dst;	 /* destination IOVA */
	uint32_t len;	 /* bytes, at least 1 */
	uint32_t pasid;	 /* UDMA_DESC_PASID_VALID | PASID, or 0: untagged */
};

#define UDMA_DESC_PASID_VALID (1u << 31)
#define UDMA_DESC_PASID_MASK  0xfffffu /* the PASID, 20 bits */
#define UDMA_PASID_WIDTH      20

#define UDMA_OP_COPY 1
#define UDMA_OP_FILL 2
#define UDMA_OP_MASK 0xff
#define UDMA_OP_IRQ  (1u << 31)

#define UDMA_DESC_PENDING 0
#define UDMA_DESC_DONE	  1
/* A failed descriptor: UDMA_DESC_ERROR | UDMA_ERR_* */
#define UDMA_DESC_ERROR 0x80

#define UDMA_ERR_NONE	      0
#define UDMA_ERR_BAD_OP	      1	   /* unknown op or zero length */
#define UDMA_ERR_SRC_FAULT    2	   /* source not mapped readable */
#define UDMA_ERR_DST_FAULT    3	   /* destination not mapped writable */
#define UDMA_ERR_RING_FAULT   0x10 /* halted: ring not readable */
#define UDMA_ERR_STATUS_FAULT 0x11 /* halted: descriptor not writable */
#define UDMA_ERR_WB_FAULT     0x12 /* halted: write-back not writable */

#endif
