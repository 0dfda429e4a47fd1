// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_IOEVENTFD: a write of a fixed value to a BAR, done by the
 * device side whenever userspace signals an eventfd (the kernel's
 * vfio_pci_ioeventfd()), so a VMM can let a guest's doorbell writes reach
 * the device without a trip through its own code.
 */
#include <string.h>

#include "vfio_pci.h"

#define VFIO_PCI_IOEVENTFD_MAX 1000

struct vfio_pci_ioeventfd {
	struct list_head item;
	struct vfio_pci_core *vpci;
	unsigned int bar;
	uint64_t pos, data;
	unsigned int count;
	struct vfio_virqfd *virqfd;
};

/* The eventfd fired: write the value, if the BAR decodes memory now */
static void vfio_pci_ioeventfd_handler(void *arg)
{
	struct vfio_pci_ioeventfd *ioe = arg;
	struct pci_dev *pdev = ioe->vpci->pdev;
	struct pci_bar *b = &pdev->bar[ioe->bar];

	if (!vfio_pci_memory_enabled(ioe->vpci))
		return;
	if (b->ops)
		b->ops->write(pdev, ioe->bar, ioe->pos, ioe->data, ioe->count);
	else
		memcpy((char *)b->mem + ioe->pos, &ioe->data, ioe->count);
}

static void vfio_pci_ioeventfd_remove(struct vfio_pci_core *vpci,
				      struct vfio_pci_ioeventfd *ioe)
{
	vfio_virqfd_disable(ioe->virqfd);
	list_del(&ioe->item);
	vpci->ioeventfds_nr--;
	ufd_free(ioe);
}

static int vfio_pci_ioeventfd(struct vfio_pci_core *vpci, uint64_t offset,
			      uint64_t data, unsigned int count, int32_t fd)
{
	unsigned int bar = (unsigned int)VFIO_PCI_OFFSET_TO_INDEX(offset);
	uint64_t pos = offset & VFIO_PCI_OFFSET_MASK;
	struct pci_dev *pdev = vpci->pdev;
	struct vfio_pci_ioeventfd *ioe;
	int rc, ours;

	/* Into BARs only, within them, not at the MSI-X table, not 64-bit */
	if (bar > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	if (pos + count > pdev->bar[bar].size)
		return -EINVAL;
	if (pos + count > pdev->bar[bar].hole_start &&
	    pos < pdev->bar[bar].hole_end)
		return -EINVAL;
	if (count == 8)
		return -EINVAL;

	mutex_lock(&vpci->ioeventfds_lock);
	list_for_each_entry (ioe, &vpci->ioeventfds, item) {
		if (ioe->pos == pos && ioe->bar == bar && ioe->data == data &&
		    ioe->count == count) {
			if (fd == -1) {
				vfio_pci_ioeventfd_remove(vpci, ioe);
				rc = 0;
			} else {
				rc = -EEXIST;
			}
			goto out_unlock;
		}
	}
	if (fd < 0) {
		rc = -ENODEV;
		goto out_unlock;
	}
	if (vpci->ioeventfds_nr >= VFIO_PCI_IOEVENTFD_MAX) {
		rc = -ENOSPC;
		goto out_unlock;
	}
	ioe = ufd_new(struct vfio_pci_ioeventfd);
	if (!ioe) {
		rc = -ENOMEM;
		goto out_unlock;
	}
	ioe->vpci = vpci;
	ioe->bar = bar;
	ioe->pos = pos;
	ioe->data = data;
	ioe->count = count;
	ours = vfio_eventfd_get(fd);
	if (ours < 0) {
		rc = ours;
		goto out_free;
	}
	ioe->virqfd = vfio_virqfd_enable(ours, vfio_pci_ioeventfd_handler, ioe);
	if (IS_ERR(ioe->virqfd)) {
		rc = (int)PTR_ERR(ioe->virqfd);
		goto out_free;
	}
	list_add_tail(&ioe->item, &vpci->ioeventfds);
	vpci->ioeventfds_nr++;
	mutex_unlock(&vpci->ioeventfds_lock);
	return 0;

out_free:
	ufd_free(ioe);
out_unlock:
	mutex_unlock(&vpci->ioeventfds_lock);
	return rc;
}

long vfio_pci_ioctl_ioeventfd(struct vfio_pci_core *vpci, void *arg)
{
	size_t minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd ioeventfd;
	unsigned int count;

	if (copy_from_user(&ioeventfd, arg, minsz))
		return -EFAULT;
	if (ioeventfd.argsz < minsz)
		return -EINVAL;
	if (ioeventfd.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK)
		return -EINVAL;
	count = ioeventfd.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	if (__builtin_popcount(count) != 1 || ioeventfd.fd < -1)
		return -EINVAL;
	return vfio_pci_ioeventfd(vpci, ioeventfd.offset, ioeventfd.data, count,
				  ioeventfd.fd);
}

/* Close: every ioeventfd goes */
void vfio_pci_ioeventfds_clear(struct vfio_pci_core *vpci)
{
	struct vfio_pci_ioeventfd *ioe, *tmp;

	mutex_lock(&vpci->ioeventfds_lock);
	list_for_each_entry_safe (ioe, tmp, &vpci->ioeventfds, item)
		vfio_pci_ioeventfd_remove(vpci, ioe);
	mutex_unlock(&vpci->ioeventfds_lock);
}
