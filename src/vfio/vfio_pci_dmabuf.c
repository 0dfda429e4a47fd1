// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF: a slice of a BAR exported as a dma-buf (the
 * kernel's vfio_pci_dmabuf.c), so that iommufd can map it for another
 * device's peer-to-peer DMA (IOMMU_IOAS_MAP_FILE).
 *
 * The BAR's "physical address" is its bus address for peer-to-peer DMA
 * (emu/pci_dev.h): the device model's memory for a memory BAR, a window
 * routed to the registers for a register BAR. While the BAR does not decode
 * memory (command register, low power, a reset in progress) and once the
 * device is closed, the dma-buf is revoked: iommufd tears its mappings
 * down and refuses new ones (-ENODEV), as the kernel's move_notify does.
 */
#include <uiommufd/uiommufd.h>

#include "../fs/dma_buf.h"
#include "vfio_pci.h"

/* memdup_user() is kmalloc(): at most KMALLOC_MAX_SIZE */
#define VFIO_DMABUF_RANGES_MAX_BYTES UFD_KMALLOC_MAX_SIZE
/* validate_dmabuf_input(): a length dma_iova_try_alloc() would refuse */
#define VFIO_DMABUF_LENGTH_LIMIT (1ULL << 63)

struct vfio_pci_dma_buf {
	struct ufd_dmabuf buf;
	/* NULL once the device closed; under vpci->dmabufs_lock */
	struct vfio_pci_core *vpci;
	/* On vpci->dmabufs, under vpci->dmabufs_lock */
	struct list_head elm;
	/* Where each range is: bus address and length */
	uintptr_t *phys;
	uint64_t *lengths;
	uint32_t nr_ranges;
	/* Under buf.lock (the reservation lock) */
	bool revoked;
};

static struct vfio_pci_dma_buf *to_vfio_dmabuf(struct ufd_dmabuf *buf)
{
	return container_of(buf, struct vfio_pci_dma_buf, buf);
}

/*
 * The private interconnect to iommufd (vfio_pci_dma_buf_iommufd_map()):
 * one range only, and nothing while revoked.
 */
static int vfio_pci_dma_buf_map(struct ufd_dmabuf *buf, uintptr_t *host,
				size_t *len)
{
	struct vfio_pci_dma_buf *priv = to_vfio_dmabuf(buf);

	lockdep_assert_held(&buf->lock);
	if (priv->revoked)
		return -ENODEV;
	if (priv->nr_ranges != 1)
		return -EOPNOTSUPP;
	*host = priv->phys[0];
	*len = priv->lengths[0];
	return 0;
}

static void vfio_pci_dma_buf_free(struct vfio_pci_dma_buf *priv)
{
	ufd_free(priv->phys);
	ufd_free(priv->lengths);
	ufd_free(priv);
}

/*
 * Either this or vfio_pci_dma_buf_cleanup() takes priv off the device's
 * list; a move walking the list meanwhile finishes first, and priv has no
 * importer left (each holds a reference).
 */
static void vfio_pci_dma_buf_unlink(struct ufd_dmabuf *buf)
{
	struct vfio_pci_dma_buf *priv = to_vfio_dmabuf(buf);
	struct vfio_pci_core *vpci;

	for (;;) {
		vpci = __atomic_load_n(&priv->vpci, __ATOMIC_ACQUIRE);
		if (!vpci)
			return;
		mutex_lock(&vpci->dmabufs_lock);
		if (priv->vpci == vpci) {
			list_del(&priv->elm);
			priv->vpci = NULL;
			mutex_unlock(&vpci->dmabufs_lock);
			return;
		}
		mutex_unlock(&vpci->dmabufs_lock);
	}
}

static void vfio_pci_dma_buf_release(struct ufd_dmabuf *buf)
{
	vfio_pci_dma_buf_free(to_vfio_dmabuf(buf));
}

static const struct ufd_dmabuf_ops vfio_pci_dmabuf_ops = {
	.map = vfio_pci_dma_buf_map,
	.unlink = vfio_pci_dma_buf_unlink,
	.release = vfio_pci_dma_buf_release,
};

/* validate_dmabuf_input(): the total length, or -EINVAL */
static int vfio_pci_dmabuf_length(const struct vfio_region_dma_range *ranges,
				  uint32_t nr_ranges, size_t *lengthp)
{
	size_t length = 0;

	for (uint32_t i = 0; i != nr_ranges; i++) {
		uint64_t offset = ranges[i].offset;
		uint64_t len = ranges[i].length;

		if (!len || !IS_ALIGNED(offset, PAGE_SIZE) ||
		    !IS_ALIGNED(len, PAGE_SIZE))
			return -EINVAL;
		if (check_add_overflow(length, len, &length))
			return -EINVAL;
	}
	if ((uint64_t)length & VFIO_DMABUF_LENGTH_LIMIT)
		return -EINVAL;
	*lengthp = length;
	return 0;
}

/*
 * vfio_pci_core_get_dmabuf_phys(): a memory BAR (a P2P provider; an I/O
 * BAR is -EINVAL), every range inside it, at the BAR's bus address.
 */
static int vfio_pci_dmabuf_phys(struct vfio_pci_dma_buf *priv,
				struct pci_dev *pdev, unsigned int bar,
				const struct vfio_region_dma_range *ranges)
{
	uint64_t start = pci_bar_address(pdev, bar);
	uint64_t max_addr = start + pdev->bar[bar].size;
	uintptr_t host;
	int rc;

	rc = pci_dev_p2p_addr(pdev, bar, &host);
	if (rc)
		return rc;
	/* vfio_pci_core_fill_phys_vec(), on the BAR's bus address */
	for (uint32_t i = 0; i != priv->nr_ranges; i++) {
		uint64_t paddr, end;

		if (check_add_overflow(start, ranges[i].offset, &paddr) ||
		    check_add_overflow(paddr, ranges[i].length, &end))
			return -EOVERFLOW;
		if (end > max_addr)
			return -EINVAL;
		priv->phys[i] = host + (uintptr_t)(paddr - start);
		priv->lengths[i] = ranges[i].length;
	}
	return 0;
}

/* The ranges of the request, as memdup_array_user() copies them */
static struct vfio_region_dma_range *
vfio_pci_dmabuf_ranges(const struct vfio_device_feature_dma_buf *arg,
		       uint32_t nr_ranges)
{
	size_t bytes = (size_t)nr_ranges * sizeof(struct vfio_region_dma_range);
	struct vfio_region_dma_range *ranges;

	if (bytes > VFIO_DMABUF_RANGES_MAX_BYTES)
		return ERR_PTR(-ENOMEM);
	ranges = ufd_zalloc(bytes);
	if (!ranges)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(ranges, arg->dma_ranges, bytes)) {
		ufd_free(ranges);
		return ERR_PTR(-EFAULT);
	}
	return ranges;
}

static struct vfio_pci_dma_buf *vfio_pci_dmabuf_alloc(uint32_t nr_ranges)
{
	struct vfio_pci_dma_buf *priv = ufd_new(struct vfio_pci_dma_buf);

	if (!priv)
		return NULL;
	priv->nr_ranges = nr_ranges;
	priv->phys = ufd_zalloc(nr_ranges * sizeof(*priv->phys));
	priv->lengths = ufd_zalloc(nr_ranges * sizeof(*priv->lengths));
	if (!priv->phys || !priv->lengths) {
		vfio_pci_dma_buf_free(priv);
		return NULL;
	}
	return priv;
}

/* A BAR the function has (vfio_pci_core_get_iomap() succeeds) */
static bool vfio_pci_dmabuf_bar_valid(struct pci_dev *pdev, uint32_t index)
{
	return index < VFIO_PCI_ROM_REGION_INDEX && pdev->bar[index].size;
}

/* Export priv, on the device's list, revoked if memory is not decoded */
static int vfio_pci_dmabuf_export(struct vfio_pci_core *vpci,
				  struct vfio_pci_dma_buf *priv, size_t length,
				  uint32_t open_flags)
{
	int fd;

	/* The lock keeps a decode change from passing between test and add */
	mutex_lock(&vpci->dmabufs_lock);
	priv->vpci = vpci;
	priv->revoked = !vfio_pci_memory_enabled(vpci);
	fd = ufd_dmabuf_export(&priv->buf, &vfio_pci_dmabuf_ops, length,
			       (int)open_flags);
	if (fd >= 0)
		list_add_tail(&priv->elm, &vpci->dmabufs);
	else
		priv->vpci = NULL;
	mutex_unlock(&vpci->dmabufs_lock);
	return fd;
}

int vfio_pci_core_feature_dma_buf(struct vfio_pci_core *vpci, uint32_t flags,
				  void *uarg, size_t argsz)
{
	struct vfio_device_feature_dma_buf get = {};
	struct vfio_device_feature_dma_buf *arg = uarg;
	struct vfio_region_dma_range *ranges;
	struct vfio_pci_dma_buf *priv;
	size_t length;
	int rc;

	rc = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				sizeof(get));
	if (rc != 1)
		return rc;
	if (copy_from_user(&get, arg, sizeof(get)))
		return -EFAULT;
	if (!get.nr_ranges || get.flags)
		return -EINVAL;
	if (!vfio_pci_dmabuf_bar_valid(vpci->pdev, get.region_index))
		return -ENODEV;

	ranges = vfio_pci_dmabuf_ranges(arg, get.nr_ranges);
	if (IS_ERR(ranges))
		return (int)PTR_ERR(ranges);
	rc = vfio_pci_dmabuf_length(ranges, get.nr_ranges, &length);
	if (rc)
		goto out_ranges;
	priv = vfio_pci_dmabuf_alloc(get.nr_ranges);
	if (!priv) {
		rc = -ENOMEM;
		goto out_ranges;
	}
	rc = vfio_pci_dmabuf_phys(priv, vpci->pdev, get.region_index, ranges);
	if (rc)
		goto err_free;

	rc = vfio_pci_dmabuf_export(vpci, priv, length, get.open_flags);
	if (rc < 0)
		goto err_free;
	/* The file owns priv now */
	goto out_ranges;

err_free:
	vfio_pci_dma_buf_free(priv);
out_ranges:
	ufd_free(ranges);
	return rc;
}

/*
 * Memory decoding stopped (revoked) or came back. A revoke makes every
 * importer let go now; iommufd's imports stay revoked for good, so a
 * buffer back in service only accepts new imports.
 */
static void vfio_pci_dma_buf_move_locked(struct vfio_pci_core *vpci,
					 bool revoked)
{
	struct vfio_pci_dma_buf *priv;

	lockdep_assert_held(&vpci->dmabufs_lock);
	list_for_each_entry (priv, &vpci->dmabufs, elm) {
		if (priv->revoked == revoked)
			continue;
		mutex_lock(&priv->buf.lock);
		priv->revoked = revoked;
		mutex_unlock(&priv->buf.lock);
		if (revoked)
			ufd_dmabuf_invalidate_mappings(&priv->buf);
	}
}

void vfio_pci_dma_buf_move(struct vfio_pci_core *vpci, bool revoked)
{
	mutex_lock(&vpci->dmabufs_lock);
	vfio_pci_dma_buf_move_locked(vpci, revoked);
	mutex_unlock(&vpci->dmabufs_lock);
}

void vfio_pci_dma_buf_cleanup(struct vfio_pci_core *vpci)
{
	struct vfio_pci_dma_buf *priv, *next;

	mutex_lock(&vpci->dmabufs_lock);
	vfio_pci_dma_buf_move_locked(vpci, true);
	list_for_each_entry_safe (priv, next, &vpci->dmabufs, elm) {
		list_del(&priv->elm);
		__atomic_store_n(&priv->vpci, NULL, __ATOMIC_RELEASE);
	}
	mutex_unlock(&vpci->dmabufs_lock);
}
