/* SPDX-License-Identifier: MIT */
/*
 * The register interface of an Intel I/OAT (Crystal Beach DMA, "CBDMA")
 * function of version 3.3, as Intel's public documentation of the Xeon
 * integrated I/O gives it and the kernel's drivers/dma/ioat/registers.h
 * and hw.h program it: a block of device registers at the start of BAR0,
 * one channel's registers at 0x80, 64-byte descriptors in memory.
 */
#ifndef UIOMMUFD_EMU_IOAT_REGS_H
#define UIOMMUFD_EMU_IOAT_REGS_H

/* Identity: a Skylake-SP CBDMA function (what the VFIO selftest probes) */
#define IOAT_VENDOR_INTEL 0x8086
#define IOAT_DEVICE_SKX	  0x2021
#define IOAT_CLASS	  0x088000 /* system peripheral, other */

/* BAR0: registers, with the MSI-X table and PBA in its upper half */
#define IOAT_BAR_LEN	  0x4000
#define IOAT_MSIX_TABLE	  0x2000
#define IOAT_MSIX_PBA	  0x3000
#define IOAT_MSIX_VECTORS 1

/* Device registers */
#define IOAT_REG_CHANCNT    0x00 /* 8: channels */
#define IOAT_REG_XFERCAP    0x01 /* 8: log2 of the largest transfer */
#define IOAT_REG_GENCTRL    0x02 /* 8 */
#define IOAT_REG_INTRCTRL   0x03 /* 8 */
#define IOAT_REG_ATTNSTATUS 0x04 /* 32: channels with an interrupt */
#define IOAT_REG_CBVER	    0x08 /* 8: major << 4 | minor */
#define IOAT_REG_INTRDELAY  0x0c /* 16 */
#define IOAT_REG_CS_STATUS  0x0e /* 16 */
#define IOAT_REG_DMACAP	    0x10 /* 32 */

#define IOAT_INTRCTRL_MASTER_EN	  0x01
#define IOAT_INTRCTRL_INT_STATUS  0x02 /* an ATTNSTATUS bit is set */
#define IOAT_INTRCTRL_INT	  0x04 /* INT_STATUS and MASTER_EN */
#define IOAT_INTRCTRL_MSIX_VECCTL 0x08 /* per-channel MSI-X vectors */
#define IOAT_INTRDELAY_MASK	  0x3fff

#define IOAT_VERSION 0x33
/* Transfers of up to 1 MiB per descriptor */
#define IOAT_XFERCAP_LOG 20

/* Channel 0's registers */
#define IOAT_CHAN_BASE	    0x80
#define IOAT_CHAN_LEN	    0x80
#define IOAT_CHAN_CTRL	    0x00 /* 16 */
#define IOAT_CHAN_COMP	    0x02 /* 16: compatibility */
#define IOAT_CHAN_CMD	    0x04 /* 8 */
#define IOAT_CHAN_DMACOUNT  0x06 /* 16: descriptors given, mod 2^16 */
#define IOAT_CHAN_STS	    0x08 /* 64 */
#define IOAT_CHAN_CHAINADDR 0x10 /* 64 */
#define IOAT_CHAN_CMPADDR   0x18 /* 64: completion writeback address */
#define IOAT_CHAN_CDAR	    0x20 /* 64: current descriptor address */
#define IOAT_CHAN_ERR	    0x28 /* 32, write 1 to clear */
#define IOAT_CHAN_ERRMASK   0x2c /* 32 */
#define IOAT_CHAN_DCACTRL   0x30 /* 32 */

#define IOAT_CHANCTRL_INT_REARM	   0x0001
#define IOAT_CHANCTRL_ERR_CMP_EN   0x0004
#define IOAT_CHANCTRL_ERR_ABORT_EN 0x0008
#define IOAT_CHANCTRL_ERR_INT_EN   0x0010
#define IOAT_CHANCTRL_DESC_SNOOP   0x0020
#define IOAT_CHANCTRL_IN_USE	   0x0100
#define IOAT_CHANCTRL_CMP_DCA_EN   0x0200
#define IOAT_CHANCTRL_PRIO_MASK	   0xf000
#define IOAT_CHANCTRL_WRITABLE                                   \
	(IOAT_CHANCTRL_INT_REARM | IOAT_CHANCTRL_ERR_CMP_EN |    \
	 IOAT_CHANCTRL_ERR_ABORT_EN | IOAT_CHANCTRL_ERR_INT_EN | \
	 IOAT_CHANCTRL_DESC_SNOOP | IOAT_CHANCTRL_IN_USE |       \
	 IOAT_CHANCTRL_PRIO_MASK)

#define IOAT_COMP_V2 0x0002

#define IOAT_CMD_START	 0x01 /* version 1 only */
#define IOAT_CMD_APPEND	 0x02 /* version 1 only */
#define IOAT_CMD_SUSPEND 0x04
#define IOAT_CMD_ABORT	 0x08
#define IOAT_CMD_RESUME	 0x10
#define IOAT_CMD_RESET	 0x20

#define IOAT_STS_ADDR_MASK (~0x3fULL)
#define IOAT_STS_ACTIVE	   0x0
#define IOAT_STS_DONE	   0x1
#define IOAT_STS_SUSPENDED 0x2
#define IOAT_STS_HALTED	   0x3

#define IOAT_ERR_NEXT_ADDR	 0x00000004
#define IOAT_ERR_NEXT_ALIGN	 0x00000008
#define IOAT_ERR_CHAIN_ADDR	 0x00000010
#define IOAT_ERR_CHANCMD	 0x00000020
#define IOAT_ERR_READ_DATA	 0x00000100
#define IOAT_ERR_WRITE_DATA	 0x00000200
#define IOAT_ERR_CONTROL	 0x00000400
#define IOAT_ERR_LENGTH		 0x00000800
#define IOAT_ERR_COMPLETION_ADDR 0x00001000
#define IOAT_ERR_ALL		 0x0007ffff

/* A descriptor: 64 bytes, 64-byte aligned, chained by next */
struct ioat_desc {
	uint32_t size;
	uint32_t ctl;
	uint64_t src;
	uint64_t dst;
	uint64_t next;
	uint64_t rsvd[4];
};

#define IOAT_DESC_INT_EN      0x00000001
#define IOAT_DESC_COMPL_WRITE 0x00000008
#define IOAT_DESC_FENCE	      0x00000010
#define IOAT_DESC_NULL	      0x00000020
#define IOAT_DESC_OP_SHIFT    24
#define IOAT_OP_COPY	      0x00

#endif
