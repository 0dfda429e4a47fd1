/* SPDX-License-Identifier: MIT */
/*
 * An emulated PCI function: its configuration space, its BARs and its
 * interrupt outputs. Device models (the DMA engine, edu) build one and
 * give it behaviour; a host (the vfio-pci front, src/vfio/vfio_pci.c)
 * exposes it and delivers its interrupts.
 *
 * Configuration space is one array with a write mask per byte: what the
 * host writes lands only in writable bits, so BAR sizing, the command
 * register and the capability controls behave as hardware does. The
 * function does DMA as a device behind the software IOMMU (sdev), or,
 * in no-IOMMU mode, straight to host addresses.
 */
#ifndef UIOMMUFD_EMU_PCI_DEV_H
#define UIOMMUFD_EMU_PCI_DEV_H

#include <linux/pci_regs.h>

#include "../iommu/drivers/sw_iommu.h"
#include "pci_pri.h"

#define PCI_NUM_BARS 6

struct pci_dev;

/* Register BARs: naturally aligned accesses of 1, 2, 4 or 8 bytes */
struct pci_bar_ops {
	uint64_t (*read)(struct pci_dev *pdev, unsigned int bar, uint64_t off,
			 unsigned int size);
	void (*write)(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		      uint64_t val, unsigned int size);
};

struct pci_bar {
	uint64_t size;	/* 0: no BAR */
	uint32_t flags; /* PCI_BASE_ADDRESS_* type bits */
	/* Memory BARs: the driver may mmap memfd; the device uses mem */
	int memfd;
	void *mem;
	/* Register BARs: every access goes through ops */
	const struct pci_bar_ops *ops;
	/* Bytes at [hole_start, hole_end) are not mmappable (MSI-X table) */
	uint64_t hole_start, hole_end;
	/* Register BARs: the bus window P2P DMA reaches them by (pci_p2p.c) */
	uintptr_t p2p_window;
};

/* How interrupts leave the function, set by its host */
struct pci_host_ops {
	/* An MSI(-X) message for @vector, or INTx asserted */
	void (*notify)(struct pci_dev *pdev, unsigned int vector);
	/* INTx deasserted */
	void (*deassert)(struct pci_dev *pdev);
	/* Bus master or INTx disable changed in the command register */
	void (*command_changed)(struct pci_dev *pdev, uint16_t old_cmd);
	/* Around a function level reset: the BARs stop decoding meanwhile */
	void (*reset_prepare)(struct pci_dev *pdev);
	void (*reset_done)(struct pci_dev *pdev);
};

/* What a device model does */
struct pci_dev_ops {
	/* Function level reset: registers back to power-on values */
	void (*reset)(struct pci_dev *pdev);
	/* The host opened/closed the function (start/stop engines) */
	void (*enable)(struct pci_dev *pdev);
	void (*disable)(struct pci_dev *pdev);
	/* The command register changed (bus mastering on or off) */
	void (*command_changed)(struct pci_dev *pdev, uint16_t old_cmd);
	void (*release)(struct pci_dev *pdev);
};

/* Identity of a function, as its configuration header gives it */
struct pci_dev_id {
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem_device;
	uint32_t class_code; /* base, sub, prog-if */
	uint8_t revision;
};

struct pci_dev {
	/* The function as a device of the IOMMU core (name: "DDDD:BB:DD.F") */
	struct sw_iommu_dev sdev;
	bool noiommu;
	struct pci_dev_id id;
	const struct pci_dev_ops *ops;
	const struct pci_host_ops *host_ops;
	void *host;

	/* Configuration space and the bits writes may change */
	struct mutex cfg_lock;
	unsigned int cfg_size;
	uint8_t config[PCI_CFG_SPACE_EXP_SIZE];
	uint8_t wmask[PCI_CFG_SPACE_EXP_SIZE];
	uint8_t next_cap; /* where the next capability goes */
	uint8_t msi_cap, msix_cap, exp_cap;
	/* Extended capabilities: where the next goes, PASID's, PRI's */
	uint16_t next_ext_cap, pasid_cap, pri_cap;
	/* The page requests the function has outstanding (pci_pri.h) */
	struct pci_pri pri;
	bool flr;

	struct pci_bar bar[PCI_NUM_BARS];
	/* INTx line level, as the model drives it */
	bool intx_level;
};

static inline struct pci_dev *sdev_to_pci_dev(struct sw_iommu_dev *sdev)
{
	return container_of(sdev, struct pci_dev, sdev);
}

/*
 * Build a function: identity and header. @intx_pin is 0 (none) or 1 (INTA).
 * Returns 0 or -errno.
 */
int pci_dev_init(struct pci_dev *pdev, const char *name,
		 const struct pci_dev_id *id, const struct pci_dev_ops *ops,
		 uint8_t intx_pin);
void pci_dev_deinit(struct pci_dev *pdev);
/* A register BAR; @size a power of two of at least 16 */
void pci_dev_add_bar_regs(struct pci_dev *pdev, unsigned int bar, uint64_t size,
			  uint32_t flags, const struct pci_bar_ops *ops);
/* A memory BAR the driver can mmap; Returns 0 or -errno */
int pci_dev_add_bar_mem(struct pci_dev *pdev, unsigned int bar, uint64_t size,
			uint32_t flags);
/* Capabilities; each returns 0 or -ENOSPC */
int pci_dev_add_msi(struct pci_dev *pdev, unsigned int vectors);
int pci_dev_add_msix(struct pci_dev *pdev, unsigned int vectors,
		     unsigned int bar, uint32_t table_offset,
		     uint32_t pba_offset);
int pci_dev_add_express(struct pci_dev *pdev, bool flr);
/*
 * The PASID extended capability (after pci_dev_add_express()): PASIDs of
 * @width bits, no execute or privileged requests. It comes enabled, as
 * the host's IOMMU driver leaves it when it probes a PASID-capable
 * function. Returns 0, -EINVAL or -ENOSPC.
 */
int pci_dev_add_pasid(struct pci_dev *pdev, unsigned int width);
/*
 * The Page Request Interface extended capability: the function sends page
 * requests (pci_pri.h), at most @outstanding at a time, and wants the
 * PASID in the responses to requests that had one. Enabled, as the host's
 * IOMMU driver leaves it when it attaches a domain with a fault handler.
 * Returns 0 or -errno.
 */
int pci_dev_add_pri(struct pci_dev *pdev, uint32_t outstanding);

/*
 * Where peer-to-peer DMA reaches a BAR through the software IOMMU, the
 * BAR's bus address: its memory, or for a register BAR a window whose
 * DMA is routed to the registers (iommu/drivers/sw_bus.h), made on first
 * use. Returns 0, -EINVAL for an I/O or absent BAR, or -errno.
 */
int pci_dev_p2p_addr(struct pci_dev *pdev, unsigned int bar, uintptr_t *addr);
/*
 * Around a DMA of @pdev on this thread (pci_dma.c): P2P to its own
 * register BARs is then not delivered. Returns what leave restores.
 */
struct pci_dev *pci_p2p_dma_enter(struct pci_dev *pdev);
void pci_p2p_dma_leave(struct pci_dev *prev);

/* Host side: configuration accesses of 1, 2 or 4 bytes, naturally aligned */
uint32_t pci_config_read(struct pci_dev *pdev, unsigned int off,
			 unsigned int size);
void pci_config_write(struct pci_dev *pdev, unsigned int off, uint32_t val,
		      unsigned int size);
/* Function level reset, as the host does it: the model's state only */
void pci_dev_reset(struct pci_dev *pdev);

/* Device side */
static inline uint16_t pci_command(struct pci_dev *pdev)
{
	return (uint16_t)(__atomic_load_n(&pdev->config[PCI_COMMAND],
					  __ATOMIC_RELAXED) |
			  __atomic_load_n(&pdev->config[PCI_COMMAND + 1],
					  __ATOMIC_RELAXED)
				  << 8);
}

static inline bool pci_bus_master(struct pci_dev *pdev)
{
	return pci_command(pdev) & PCI_COMMAND_MASTER;
}

static inline uint16_t pci_ext_cap_ctrl(struct pci_dev *pdev, uint16_t off)
{
	return (uint16_t)(__atomic_load_n(&pdev->config[off],
					  __ATOMIC_RELAXED) |
			  __atomic_load_n(&pdev->config[off + 1],
					  __ATOMIC_RELAXED)
				  << 8);
}

/* May the function send page requests (PRI Enable)? */
static inline bool pci_pri_enabled(struct pci_dev *pdev)
{
	return pdev->pri_cap &&
	       (pci_ext_cap_ctrl(pdev, pdev->pri_cap + PCI_PRI_CTRL) &
		PCI_PRI_CTRL_ENABLE);
}

/* May the function tag its requests with a PASID (PASID Enable)? */
static inline bool pci_pasid_enabled(struct pci_dev *pdev)
{
	return pdev->pasid_cap &&
	       (pci_ext_cap_ctrl(pdev, pdev->pasid_cap + PCI_PASID_CTRL) &
		PCI_PASID_CTRL_ENABLE);
}

/* Interrupt @vector (MSI/MSI-X), or assert INTx when that is in use */
void pci_irq_notify(struct pci_dev *pdev, unsigned int vector);
/* The model's interrupt condition is gone: deassert INTx */
void pci_irq_deassert(struct pci_dev *pdev);

/* The "resource" lines of sysfs: where the BARs sit in a made-up space */
uint64_t pci_bar_address(struct pci_dev *pdev, unsigned int bar);

#endif
