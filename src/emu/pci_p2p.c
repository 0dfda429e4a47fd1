// SPDX-License-Identifier: MIT
/*
 * Peer-to-peer targets: the bus address of a BAR (see pci_dev.h).
 *
 * A memory BAR is its memory. A register BAR has no bytes to point at, so
 * it gets a window: an address range reserved PROT_NONE (nothing else can
 * be mapped there, and a stray CPU access faults) that the software
 * IOMMU's DMA path routes to the BAR's registers. As on a real bus, the
 * BAR answers only while the function decodes memory; the MSI-X table is
 * the host's (reads give ones, writes vanish), as for the driver's own
 * accesses. A window lasts as long as its function, the process.
 * Accesses that would have a model wait for itself are not delivered
 * (see p2p_initiator).
 */
#include <sys/mman.h>

#include "../iommu/drivers/sw_bus.h"
#include "pci_dev.h"

/* The window's offsets: BAR number above the offset in the BAR */
#define P2P_BAR_SHIFT 40

static struct mutex p2p_lock = MUTEX_INITIALIZER(p2p_lock);

/*
 * The function whose DMA this thread is doing, and whether it is inside a
 * register access made by such a DMA. A model may hold its own lock while
 * it DMAs (edu does) and takes it again for a register access: a DMA into
 * its own register BAR, or one made by the side effect of a P2P register
 * access (A's write starts B's DMA into A's registers), would wait for
 * itself. Those are not delivered, as by a bus that does not route them
 * back (a master abort): reads give ones, writes vanish.
 */
static __thread struct pci_dev *p2p_initiator;
static __thread bool p2p_in_access;

struct pci_dev *pci_p2p_dma_enter(struct pci_dev *pdev)
{
	struct pci_dev *prev = p2p_initiator;

	p2p_initiator = pdev;
	return prev;
}

void pci_p2p_dma_leave(struct pci_dev *prev)
{
	p2p_initiator = prev;
}

static void pci_p2p_reg_access(struct pci_dev *pdev, unsigned int bar,
			       uint64_t pos, unsigned int size, uint64_t *val,
			       bool write)
{
	struct pci_bar *b = &pdev->bar[bar];

	/* The MSI-X table is the host's */
	if (pos < b->hole_end && pos + size > b->hole_start) {
		if (!write)
			*val = ~0ULL;
		return;
	}
	p2p_in_access = true;
	if (write)
		b->ops->write(pdev, bar, pos, *val, size);
	else
		*val = b->ops->read(pdev, bar, pos, size);
	p2p_in_access = false;
}

static bool pci_p2p_access(void *priv, uint64_t off, unsigned int size,
			   uint64_t *val, bool write)
{
	struct pci_dev *pdev = priv;
	unsigned int bar = (unsigned int)(off >> P2P_BAR_SHIFT);
	uint64_t pos = off & ((1ULL << P2P_BAR_SHIFT) - 1);

	if (!(pci_command(pdev) & PCI_COMMAND_MEMORY) ||
	    pos >= pdev->bar[bar].size)
		return false;
	if (pdev == p2p_initiator || p2p_in_access)
		return false;
	pci_p2p_reg_access(pdev, bar, pos, size, val, write);
	return true;
}

static bool pci_p2p_read(void *priv, uint64_t off, unsigned int size,
			 uint64_t *val)
{
	return pci_p2p_access(priv, off, size, val, false);
}

static bool pci_p2p_write(void *priv, uint64_t off, unsigned int size,
			  uint64_t val)
{
	return pci_p2p_access(priv, off, size, &val, true);
}

static const struct sw_bus_window_ops pci_p2p_ops = {
	.read = pci_p2p_read,
	.write = pci_p2p_write,
};

static int pci_p2p_window(struct pci_dev *pdev, unsigned int bar)
{
	size_t len = ALIGN_UP(pdev->bar[bar].size, PAGE_SIZE);
	void *p;
	int rc;

	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	rc = sw_bus_window_add((uintptr_t)p, len,
			       (uint64_t)bar << P2P_BAR_SHIFT, &pci_p2p_ops,
			       pdev);
	if (rc) {
		munmap(p, len);
		return rc;
	}
	pdev->bar[bar].p2p_window = (uintptr_t)p;
	return 0;
}

int pci_dev_p2p_addr(struct pci_dev *pdev, unsigned int bar, uintptr_t *addr)
{
	struct pci_bar *b;
	int rc = 0;

	if (bar >= PCI_NUM_BARS)
		return -EINVAL;
	b = &pdev->bar[bar];
	if (!b->size || (b->flags & PCI_BASE_ADDRESS_SPACE_IO))
		return -EINVAL;
	if (b->mem) {
		*addr = (uintptr_t)b->mem;
		return 0;
	}
	mutex_lock(&p2p_lock);
	if (!b->p2p_window)
		rc = pci_p2p_window(pdev, bar);
	if (!rc)
		*addr = b->p2p_window;
	mutex_unlock(&p2p_lock);
	return rc;
}
