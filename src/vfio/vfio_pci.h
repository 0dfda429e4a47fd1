/* SPDX-License-Identifier: MIT */
/*
 * vfio-pci for emulated PCI functions: the kernel's vfio_pci_core as it
 * serves a function to userspace, here serving a struct pci_dev.
 *
 * Regions: BAR0-5, ROM, config space and VGA at index << 40 of the device
 * file, as vfio-pci lays them out. Interrupts: INTx (maskable, masked
 * automatically when it fires), MSI, MSI-X, the error and the request
 * notifiers, each delivered by signalling the eventfd userspace gave in
 * VFIO_DEVICE_SET_IRQS.
 */
#ifndef UIOMMUFD_VFIO_VFIO_PCI_H
#define UIOMMUFD_VFIO_VFIO_PCI_H

#include "../emu/pci_dev.h"
#include "vfio.h"
#include "vfio_virqfd.h"

#define VFIO_PCI_OFFSET_SHIFT	    40
#define VFIO_PCI_OFFSET_TO_INDEX(o) ((o) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(i) ((uint64_t)(i) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK	    ((1ULL << VFIO_PCI_OFFSET_SHIFT) - 1)

struct vfio_pci_core {
	struct vfio_device vdev;
	struct pci_dev *pdev;

	/* Interrupt configuration (SET_IRQS), serialised by igate */
	struct mutex igate;
	/* Delivery state, also taken by the device side to signal */
	struct mutex irqlock;
	/* VFIO_PCI_{INTX,MSI,MSIX}_IRQ_INDEX, or VFIO_PCI_NUM_IRQS for none */
	unsigned int irq_type;
	/* Our duplicates of the user's eventfds, -1 for none */
	int intx_trigger;
	bool intx_masked;
	int *msi_triggers;
	unsigned int msi_nvec;
	int err_trigger;
	int req_trigger;
	/* INTx unmasked by an eventfd (SET_IRQS UNMASK with DATA_EVENTFD) */
	struct vfio_virqfd *intx_unmask_virqfd;
	/* Low power entry (VFIO_DEVICE_FEATURE_LOW_POWER_*) */
	bool low_power;
	/* VFIO_DEVICE_IOEVENTFD: BAR writes done when an eventfd fires */
	struct mutex ioeventfds_lock;
	struct list_head ioeventfds;
	unsigned int ioeventfds_nr;
	/* VFIO_DEVICE_FEATURE_DMA_BUF exports; orders their revocation */
	struct mutex dmabufs_lock;
	struct list_head dmabufs;
};

static inline struct vfio_pci_core *to_vfio_pci(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_core, vdev);
}

/* Serve @pdev as a vfio-pci device; its DMA goes through its IOMMU group */
/*
 * Config space as the user sees it (vfio_pci_config.c): the length of the
 * piece of an access at @pos of up to @count bytes that one permission
 * covers, and that piece's access (the extended capabilities' view)
 */
size_t vfio_pci_config_piece(struct pci_dev *pdev, unsigned int pos,
			     size_t count);
void vfio_pci_config_access(struct pci_dev *pdev, unsigned int pos,
			    size_t count, uint32_t *val, bool write);

int vfio_pci_register(struct vfio_pci_core *vpci, struct pci_dev *pdev);

/* vfio_pci_intrs.c */
extern const struct pci_host_ops vfio_pci_host_ops;
unsigned int vfio_pci_irq_count(struct vfio_pci_core *vpci, unsigned int index);
long vfio_pci_ioctl_get_irq_info(struct vfio_pci_core *vpci, void *arg);
long vfio_pci_ioctl_set_irqs(struct vfio_pci_core *vpci, void *arg);
/* Close: every interrupt off and every eventfd let go */
void vfio_pci_irqs_disable(struct vfio_pci_core *vpci);
void vfio_pci_irqs_init(struct vfio_pci_core *vpci);
/* Our own descriptor of the user's eventfd @fd, or -EBADF/-EINVAL */
int vfio_eventfd_get(int fd);

/* vfio_pci_ioeventfd.c */
long vfio_pci_ioctl_ioeventfd(struct vfio_pci_core *vpci, void *arg);
void vfio_pci_ioeventfds_clear(struct vfio_pci_core *vpci);

/* vfio_pci_mmap.c */
bool vfio_pci_bar_mmap_supported(struct pci_dev *pdev, unsigned int bar);
int vfio_pci_mmap(struct vfio_device *vdev, void *addr, size_t length, int prot,
		  int flags, uint64_t offset, void **out,
		  struct iommufd_vma *vma);
int vfio_pci_mmap_remote(struct vfio_device *vdev, size_t length, int prot,
			 int flags, uint64_t offset, int *map_fd,
			 uint64_t *map_off);

/* vfio_pci_dmabuf.c */
int vfio_pci_core_feature_dma_buf(struct vfio_pci_core *vpci, uint32_t flags,
				  void *uarg, size_t argsz);
/* BARs stopped (revoked) or started again decoding memory */
void vfio_pci_dma_buf_move(struct vfio_pci_core *vpci, bool revoked);
/* Close: every export revoked for good and let go of the device */
void vfio_pci_dma_buf_cleanup(struct vfio_pci_core *vpci);

/* BARs decode memory accesses: enabled in the command register, awake */
static inline bool vfio_pci_memory_enabled(struct vfio_pci_core *vpci)
{
	return !vpci->low_power &&
	       (pci_command(vpci->pdev) & PCI_COMMAND_MEMORY);
}

#endif
