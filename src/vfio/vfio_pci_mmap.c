// SPDX-License-Identifier: MIT
/*
 * mmap of BARs (the kernel's vfio_pci_core_mmap()). A memory BAR maps its
 * memory. A register BAR maps as the kernel maps it, whole, MSI-X table
 * included, but every load and store there must reach the device model
 * with its size and side effects, in order: the mapping is PROT_NONE and
 * its accesses are trapped (mm/mmio_trap.h) to the register ops below,
 * the same path pread/pwrite take. bench/bench_mmio.c gives the cost.
 * Both are VM_IO|VM_PFNMAP: nothing there can be pinned.
 */
#include <string.h>
#include <sys/mman.h>

#include "../fs/file.h"
#include "vfio_pci.h"

/*
 * As vfio_pci_probe_mmaps(): memory BARs of a page or more. Register BARs
 * only where the trap can decode the program's instructions.
 */
bool vfio_pci_bar_mmap_supported(struct pci_dev *pdev, unsigned int bar)
{
	struct pci_bar *b = &pdev->bar[bar];

	if (!b->size || (b->flags & PCI_BASE_ADDRESS_SPACE_IO))
		return false;
	if (b->memfd >= 0)
		return true;
#ifdef __x86_64__
	return b->ops && b->size >= PAGE_SIZE;
#else
	return false;
#endif
}

/* One naturally aligned access of a register BAR */
static void vfio_pci_reg_access(struct pci_dev *pdev, unsigned int bar,
				uint64_t off, unsigned int size, uint64_t *val,
				bool write)
{
	struct pci_bar *b = &pdev->bar[bar];

	/* The MSI-X table is the host's: reads give ones, writes vanish */
	if (off < b->hole_end && off + size > b->hole_start) {
		if (!write)
			*val = ~0ULL;
		return;
	}
	if (write)
		b->ops->write(pdev, bar, off, *val, size);
	else
		*val = b->ops->read(pdev, bar, off, size);
}

/*
 * An access through the mapping: off is the region offset (index << 40
 * plus the offset in the BAR). A misaligned one goes byte by byte, as a
 * bus splits it. False: memory decoding is off (the kernel's fault gives
 * SIGBUS).
 */
static bool vfio_pci_mmio_access(void *priv, uint64_t off, unsigned int size,
				 uint64_t *val, bool write)
{
	struct vfio_pci_core *vpci = priv;
	unsigned int bar = (unsigned int)VFIO_PCI_OFFSET_TO_INDEX(off);
	uint64_t pos = off & VFIO_PCI_OFFSET_MASK;
	uint64_t byte;

	if (!vfio_pci_memory_enabled(vpci))
		return false;
	if (!(pos % size)) {
		vfio_pci_reg_access(vpci->pdev, bar, pos, size, val, write);
		return true;
	}
	if (!write)
		*val = 0;
	for (unsigned int i = 0; i != size; i++) {
		byte = (*val >> (8 * i)) & 0xff;
		vfio_pci_reg_access(vpci->pdev, bar, pos + i, 1, &byte, write);
		if (!write)
			*val |= (byte & 0xff) << (8 * i);
	}
	return true;
}

static bool vfio_pci_mmio_read(void *priv, uint64_t off, unsigned int size,
			       uint64_t *val)
{
	return vfio_pci_mmio_access(priv, off, size, val, false);
}

static bool vfio_pci_mmio_write(void *priv, uint64_t off, unsigned int size,
				uint64_t val)
{
	return vfio_pci_mmio_access(priv, off, size, &val, true);
}

static const struct mmio_trap_ops vfio_pci_mmio_ops = {
	.read = vfio_pci_mmio_read,
	.write = vfio_pci_mmio_write,
};

/* A register BAR: PROT_NONE shared memory whose accesses trap */
static void *vfio_pci_mmap_regs(struct vfio_pci_core *vpci, void *addr,
				size_t length, int flags, uint64_t offset,
				struct iommufd_vma *vma)
{
	void *p = mmap(addr, length, PROT_NONE,
		       (flags & ~MAP_TYPE) | MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return p;
	vma->trap_ops = &vfio_pci_mmio_ops;
	vma->trap_priv = vpci;
	vma->trap_offset = offset;
	return p;
}

/* What mmap checks of a BAR's mapping: the BAR, or an ERR_PTR */
static struct pci_bar *vfio_pci_mmap_bar(struct vfio_pci_core *vpci,
					 size_t length, int flags,
					 uint64_t offset)
{
	struct pci_dev *pdev = vpci->pdev;
	uint64_t index = offset >> VFIO_PCI_OFFSET_SHIFT;
	uint64_t start = offset & VFIO_PCI_OFFSET_MASK;
	struct pci_bar *b;
	uint64_t bar_len;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return ERR_PTR(-EINVAL);
	if ((flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return ERR_PTR(-EINVAL);
	if (index >= VFIO_PCI_ROM_REGION_INDEX)
		return ERR_PTR(-EINVAL);
	if (!vfio_pci_bar_mmap_supported(pdev, (unsigned int)index))
		return ERR_PTR(-EINVAL);
	b = &pdev->bar[index];
	bar_len = ALIGN_UP(b->size, PAGE_SIZE);
	if (start + length > bar_len || start + length < start)
		return ERR_PTR(-EINVAL);
	return b;
}

int vfio_pci_mmap(struct vfio_device *vdev, void *addr, size_t length, int prot,
		  int flags, uint64_t offset, void **out,
		  struct iommufd_vma *vma)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	uint64_t start = offset & VFIO_PCI_OFFSET_MASK;
	struct pci_bar *b = vfio_pci_mmap_bar(vpci, length, flags, offset);
	void *p;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	if (b->memfd >= 0)
		p = mmap(addr, length, prot, flags, b->memfd, (off_t)start);
	else
		p = vfio_pci_mmap_regs(vpci, addr, length, flags, offset, vma);
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	/* A BAR is MMIO: nothing there can be pinned (vfio_pci_core_mmap) */
	vma->vm_flags |= VM_IO | VM_PFNMAP;
	return 0;
}

/*
 * Another process maps a BAR (docs/multiprocess.md): a memory BAR's memfd
 * is mapped there too, the same memory the model sees; a register BAR's
 * accesses are trapped there and come here as reads and writes
 */
int vfio_pci_mmap_remote(struct vfio_device *vdev, size_t length, int prot,
			 int flags, uint64_t offset, int *map_fd,
			 uint64_t *map_off)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	struct pci_bar *b = vfio_pci_mmap_bar(vpci, length, flags, offset);

	(void)prot;
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	*map_fd = b->memfd;
	*map_off = offset & VFIO_PCI_OFFSET_MASK;
	return 0;
}
