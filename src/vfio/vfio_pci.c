// SPDX-License-Identifier: MIT
/*
 * vfio-pci serving an emulated PCI function (the kernel's vfio_pci_core.c,
 * vfio_pci_rdwr.c and the config part of vfio_pci_config.c; the extended
 * capabilities' view is in vfio_pci_config.c).
 *
 * Accesses keep the kernel's shape: config space in naturally aligned
 * pieces of up to 4 bytes and an EFAULT past its end; BARs in pieces of up
 * to 8 bytes, clipped at the BAR's end, EIO while memory decoding is off,
 * and the MSI-X table (the host's) reading as ones and dropping writes.
 */
#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_pci.h"

static int vfio_pci_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	struct pci_dev *pdev = vpci->pdev;

	/* Start from a clean function, as vfio_pci_core_enable() resets it */
	pci_dev_reset(pdev);
	if (pdev->ops->enable)
		pdev->ops->enable(pdev);
	return 0;
}

static void vfio_pci_close_device(struct vfio_device *vdev)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	struct pci_dev *pdev = vpci->pdev;

	vfio_pci_dma_buf_cleanup(vpci);
	vfio_pci_ioeventfds_clear(vpci);
	vfio_pci_irqs_disable(vpci);
	if (pdev->ops->disable)
		pdev->ops->disable(pdev);
	/* Nothing of this user survives: no mastering, a reset function */
	pci_config_write(
		pdev, PCI_COMMAND,
		pci_config_read(pdev, PCI_COMMAND, 2) & ~PCI_COMMAND_MASTER, 2);
	pci_dev_reset(pdev);
	vpci->low_power = false;
}

static long vfio_pci_ioctl_get_info(struct vfio_pci_core *vpci, void *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info = {};

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = min((size_t)info.argsz, sizeof(info));
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (vpci->pdev->flr)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	/* No capability to report: no zPCI, no AtomicOps completer */
	info.cap_offset = 0;
	return copy_to_user(arg, &info, minsz);
}

static long vfio_pci_ioctl_reset(struct vfio_pci_core *vpci)
{
	if (!vpci->pdev->flr)
		return -EINVAL;
	vpci->low_power = false;
	pci_dev_reset(vpci->pdev);
	return 0;
}

/*
 * Each function sits on the root bus of its own PCI domain: no slot reset
 * and no bus reset, as for the integrated endpoints of a root complex.
 */
static long vfio_pci_ioctl_file(struct vfio_device *vdev,
				struct iommufd_ctx *ictx, unsigned int cmd,
				unsigned long arg)
{
	size_t minsz;
	uint32_t argsz;

	(void)ictx;
	minsz = cmd == VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
			? offsetofend(struct vfio_pci_hot_reset_info, count)
			: offsetofend(struct vfio_pci_hot_reset, count);
	if (copy_from_user(&argsz, (void *)arg, sizeof(argsz)))
		return -EFAULT;
	if (argsz < minsz)
		return -EINVAL;
	if (cmd == VFIO_DEVICE_PCI_HOT_RESET) {
		struct vfio_pci_hot_reset hdr;

		if (copy_from_user(&hdr, (void *)arg, minsz))
			return -EFAULT;
		if (hdr.flags)
			return -EINVAL;
		/* Group fds for a group-opened device, none for a cdev */
		if (!!hdr.count == vdev->cdev_opened)
			return -EINVAL;
	}
	return -ENODEV;
}

static long vfio_pci_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	void *uarg = (void *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_pci_ioctl_get_info(vpci, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_pci_ioctl_get_irq_info(vpci, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(vpci, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_pci_ioctl_reset(vpci);
	case VFIO_DEVICE_IOEVENTFD:
		return vfio_pci_ioctl_ioeventfd(vpci, uarg);
	default:
		return -ENOTTY;
	}
}

/* The BAR holding the MSI-X table may be mapped whole (msix_mmappable_cap) */
static int vfio_pci_msix_mappable_cap(struct vfio_info_cap *caps)
{
	struct vfio_info_cap_header header = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};

	return vfio_info_add_capability(caps, &header, sizeof(header));
}

static int vfio_pci_get_region_info(struct vfio_device *vdev,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);
	struct pci_dev *pdev = vpci->pdev;
	unsigned int index = info->index;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->offset = VFIO_PCI_INDEX_TO_OFFSET(index);
		info->size = pdev->cfg_size;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		info->offset = VFIO_PCI_INDEX_TO_OFFSET(index);
		info->size = pdev->bar[index].size;
		if (!info->size) {
			info->flags = 0;
			return 0;
		}
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		if (!vfio_pci_bar_mmap_supported(pdev, index))
			return 0;
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
		if (pdev->bar[index].hole_end > pdev->bar[index].hole_start)
			return vfio_pci_msix_mappable_cap(caps);
		return 0;
	case VFIO_PCI_ROM_REGION_INDEX:
		/* No option ROM */
		info->offset = VFIO_PCI_INDEX_TO_OFFSET(index);
		info->flags = 0;
		info->size = 0;
		return 0;
	default:
		/* VGA (not a VGA device) and any device specific region */
		return -EINVAL;
	}
}

/* Config space: one naturally aligned piece of 1, 2 or 4 bytes */
static ssize_t vfio_pci_config_rw_single(struct vfio_pci_core *vpci, char *ubuf,
					 size_t count, uint64_t pos, bool write)
{
	struct pci_dev *pdev = vpci->pdev;
	uint32_t val = 0;

	if (pos >= pdev->cfg_size || pos + count > pdev->cfg_size)
		return -EFAULT;
	/* Aligned, and within one capability's permissions */
	count = vfio_pci_config_piece(pdev, (unsigned int)pos, count);
	if (count >= 4 && !(pos % 4))
		count = 4;
	else if (count >= 2 && !(pos % 2))
		count = 2;
	else
		count = 1;
	if (write && copy_from_user(&val, ubuf, count))
		return -EFAULT;
	vfio_pci_config_access(pdev, (unsigned int)pos, count, &val, write);
	if (!write && copy_to_user(ubuf, &val, count))
		return -EFAULT;
	return (ssize_t)count;
}

static ssize_t vfio_pci_config_rw(struct vfio_pci_core *vpci, char *ubuf,
				  size_t count, uint64_t *ppos, bool write)
{
	uint64_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;

	while (count) {
		ssize_t rc = vfio_pci_config_rw_single(vpci, ubuf, count, pos,
						       write);

		if (rc < 0)
			return rc;
		count -= (size_t)rc;
		done += (size_t)rc;
		ubuf += rc;
		pos += (uint64_t)rc;
	}
	*ppos += done;
	return (ssize_t)done;
}

/* One BAR access of @size bytes at @off (@ubuf: the caller's memory) */
static int vfio_pci_bar_io(struct vfio_pci_core *vpci, unsigned int bar,
			   char *ubuf, uint64_t off, unsigned int size,
			   bool write)
{
	struct pci_dev *pdev = vpci->pdev;
	struct pci_bar *b = &pdev->bar[bar];
	uint64_t val = 0;

	if (!vfio_pci_memory_enabled(vpci))
		return -EIO;
	if (write) {
		if (copy_from_user(&val, ubuf, size))
			return -EFAULT;
		if (b->ops)
			b->ops->write(pdev, bar, off, val, size);
		else
			memcpy((char *)b->mem + off, &val, size);
		return 0;
	}
	if (b->ops)
		val = b->ops->read(pdev, bar, off, size);
	else
		memcpy(&val, (char *)b->mem + off, size);
	return copy_to_user(ubuf, &val, size);
}

static ssize_t vfio_pci_bar_rw(struct vfio_pci_core *vpci, char *ubuf,
			       size_t count, uint64_t *ppos, bool write)
{
	unsigned int bar = (unsigned int)VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	struct pci_bar *b = &vpci->pdev->bar[bar];
	size_t done = 0;

	if (!b->size || off >= b->size)
		return -EINVAL;
	count = min(count, (size_t)(b->size - off));
	while (count) {
		size_t fill;
		unsigned int size;
		int rc;

		if (off < b->hole_start)
			fill = min(count, (size_t)(b->hole_start - off));
		else if (off >= b->hole_end)
			fill = count;
		else
			fill = 0;

		if (!fill) {
			/* The MSI-X table: reads give ones, writes vanish */
			size = (unsigned int)min(count,
						 (size_t)(b->hole_end - off));
			if (!write) {
				for (unsigned int i = 0; i != size; i++) {
					uint8_t ff = 0xff;

					if (copy_to_user(ubuf + i, &ff, 1))
						return -EFAULT;
				}
			}
		} else {
			if (fill >= 8 && !(off % 8))
				size = 8;
			else if (fill >= 4 && !(off % 4))
				size = 4;
			else if (fill >= 2 && !(off % 2))
				size = 2;
			else
				size = 1;
			rc = vfio_pci_bar_io(vpci, bar, ubuf, off, size, write);
			if (rc)
				return rc;
		}
		count -= size;
		done += size;
		off += size;
		ubuf += size;
	}
	*ppos += done;
	return (ssize_t)done;
}

static ssize_t vfio_pci_rw(struct vfio_pci_core *vpci, char *ubuf, size_t count,
			   uint64_t *ppos, bool write)
{
	uint64_t index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	if (!count)
		return 0;
	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return vfio_pci_config_rw(vpci, ubuf, count, ppos, write);
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		return vfio_pci_bar_rw(vpci, ubuf, count, ppos, write);
	default:
		/* No ROM, no VGA */
		return -EINVAL;
	}
}

static ssize_t vfio_pci_read(struct vfio_device *vdev, void *ubuf, size_t count,
			     uint64_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci(vdev), ubuf, count, ppos, false);
}

static ssize_t vfio_pci_write(struct vfio_device *vdev, const void *ubuf,
			      size_t count, uint64_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci(vdev), (void *)ubuf, count, ppos, true);
}

static int vfio_pci_low_power(struct vfio_pci_core *vpci, uint32_t flags,
			      size_t argsz, bool enter)
{
	/* vfio_check_feature(): SET only, no payload */
	if (flags & VFIO_DEVICE_FEATURE_GET)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & VFIO_DEVICE_FEATURE_SET))
		return -EINVAL;
	(void)argsz;
	/* In low power the BARs stop decoding until the exit */
	vpci->low_power = enter;
	if (enter)
		vfio_pci_dma_buf_move(vpci, true);
	else if (vfio_pci_memory_enabled(vpci))
		vfio_pci_dma_buf_move(vpci, false);
	return 0;
}

static int vfio_pci_device_feature(struct vfio_device *vdev, uint32_t flags,
				   void *arg, size_t argsz)
{
	struct vfio_pci_core *vpci = to_vfio_pci(vdev);

	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
		return vfio_pci_low_power(vpci, flags, argsz, true);
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		return vfio_pci_low_power(vpci, flags, argsz, false);
	case VFIO_DEVICE_FEATURE_DMA_BUF:
		return vfio_pci_core_feature_dma_buf(vpci, flags, arg, argsz);
	default:
		/* No VF token, no wake-up eventfd */
		return -ENOTTY;
	}
}

/*
 * A VF token is for SR-IOV functions and their PF; an emulated function is
 * neither, so one given is an error.
 */
static int vfio_pci_match_token_uuid(struct vfio_device *vdev,
				     const uint8_t *uuid)
{
	(void)vdev;
	return uuid ? -EINVAL : 0;
}

/* "DDDD:BB:DD.F", optionally followed by " vf_token=<uuid>" */
static bool uuid_valid(const char *s)
{
	for (int i = 0; i != 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static int vfio_pci_match(struct vfio_device *vdev, const char *buf)
{
	const char *name = vdev->dev->name;
	size_t len = strlen(name);
	bool vf_token = false;

	if (strncmp(name, buf, len))
		return 0;
	buf += len;
	if (*buf && *buf != ' ')
		return 0; /* another device whose name starts the same */
	while (*buf) {
		if (*buf == ' ') {
			buf++;
			continue;
		}
		if (vf_token || strncmp(buf, "vf_token=", 9))
			return -EINVAL; /* unknown or repeated option */
		buf += 9;
		if (strlen(buf) < 36 || !uuid_valid(buf))
			return -EINVAL;
		vf_token = true;
		buf += 36;
	}
	return vfio_pci_match_token_uuid(vdev,
					 vf_token ? (const uint8_t *)buf : NULL)
		       ?: 1;
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name = "vfio-pci",
	.open_device = vfio_pci_open_device,
	.close_device = vfio_pci_close_device,
	.ioctl = vfio_pci_ioctl,
	.ioctl_file = vfio_pci_ioctl_file,
	.match = vfio_pci_match,
	.match_token_uuid = vfio_pci_match_token_uuid,
	.get_region_info = vfio_pci_get_region_info,
	.device_feature = vfio_pci_device_feature,
	.read = vfio_pci_read,
	.write = vfio_pci_write,
	.mmap = vfio_pci_mmap,
	.mmap_remote = vfio_pci_mmap_remote,
};

int vfio_pci_register(struct vfio_pci_core *vpci, struct pci_dev *pdev)
{
	vpci->pdev = pdev;
	vfio_pci_irqs_init(vpci);
	mutex_init(&vpci->ioeventfds_lock);
	INIT_LIST_HEAD(&vpci->ioeventfds);
	mutex_init(&vpci->dmabufs_lock);
	INIT_LIST_HEAD(&vpci->dmabufs);
	pdev->host = vpci;
	__atomic_store_n(&pdev->host_ops, &vfio_pci_host_ops, __ATOMIC_RELEASE);
	return vfio_register_device(&vpci->vdev, &pdev->sdev.dev, &vfio_pci_ops,
				    pdev->noiommu ? VFIO_NO_IOMMU : VFIO_IOMMU);
}
