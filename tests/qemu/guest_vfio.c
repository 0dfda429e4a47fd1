// SPDX-License-Identifier: MIT
/*
 * The udma checks of guest-dma behind the guest's own IOMMU (QEMU's
 * emulated intel-iommu): the guest binds the device to its vfio-pci, puts
 * its group in a VFIO type1 container and maps its buffers at IOVAs that
 * are not their guest-physical addresses, so every DMA the device makes is
 * translated by the guest's IOMMU page tables (which QEMU follows, with
 * caching mode or first-stage passthrough, into the host's iommufd). Then
 * the device's copies and fills must land, byte for byte; a guest-physical
 * address the guest never mapped, and an IOVA after its unmap, must fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>
#include <uiommufd/udma.h>

#include "guest_dma.h"

#define VFIO_PAGES 64
/* Above the guest's 512 MiB of RAM: no IOVA here is a guest-physical one */
#define RING_IOVA 0x100000000ull
#define SRC_IOVA  0x100100000ull
#define DST_IOVA  0x100200000ull
/* Where the destination goes after its first mapping is undone */
#define DST2_IOVA	      0x101000000ull
#define PCI_CMD		      0x04
#define PCI_CMD_MEMORY_MASTER 0x6

struct vfio_dev {
	int container, group, device;
	int group_id;
	char bdf[32];
	uint64_t config_offset;
};

static int write_sysfs(const char *path, const char *text)
{
	ssize_t len = (ssize_t)strlen(text), n;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return -errno;
	n = write(fd, text, (size_t)len);
	close(fd);
	return n == len ? 0 : n < 0 ? -errno : -EIO;
}

/* The last component of the symbolic link @dir/@name, in @out */
static int link_name(const char *dir, const char *name, char *out, size_t size)
{
	char path[512], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(out, size, "%s", basename(target));
	return 0;
}

/* driver_override, then a probe: what `driverctl` and libvirt do */
static int bind_vfio_pci(const struct guest_pci *pci, struct vfio_dev *v)
{
	char path[512], driver[64] = "", group[32];
	int rc;

	snprintf(v->bdf, sizeof(v->bdf), "%s", basename((char *)pci->path));
	snprintf(path, sizeof(path), "%s/driver_override", pci->path);
	rc = write_sysfs(path, "vfio-pci");
	if (rc)
		return rc;
	if (!link_name(pci->path, "driver", driver, sizeof(driver)) &&
	    strcmp(driver, "vfio-pci")) {
		snprintf(path, sizeof(path), "%s/driver/unbind", pci->path);
		rc = write_sysfs(path, v->bdf);
		if (rc)
			return rc;
	}
	rc = write_sysfs("/sys/bus/pci/drivers_probe", v->bdf);
	if (rc)
		return rc;
	rc = link_name(pci->path, "driver", driver, sizeof(driver));
	if (rc || strcmp(driver, "vfio-pci"))
		return rc ? rc : -ENODEV;
	rc = link_name(pci->path, "iommu_group", group, sizeof(group));
	if (rc)
		return rc;
	v->group_id = atoi(group);
	return 0;
}

/* A type1v2 container with the device's group, and the device's fd */
static int open_vfio(struct vfio_dev *v)
{
	struct vfio_group_status status = {.argsz = sizeof(status)};
	struct vfio_region_info config = {
		.argsz = sizeof(config),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	char path[64];

	v->container = open("/dev/vfio/vfio", O_RDWR);
	if (v->container < 0)
		return -errno;
	if (ioctl(v->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		return -ENOTTY;
	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_id);
	v->group = open(path, O_RDWR);
	if (v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container) ||
	    ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, v->bdf);
	if (v->device < 0)
		return -errno;
	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &config))
		return -errno;
	v->config_offset = config.offset;
	return 0;
}

static void close_vfio(struct vfio_dev *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
}

/* BAR0 through the device fd, and memory space and bus mastering on */
static int map_regs(struct vfio_dev *v, struct guest_pci *pci)
{
	struct vfio_region_info bar = {
		.argsz = sizeof(bar),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	off_t cmd_off = (off_t)(v->config_offset + PCI_CMD);
	uint16_t cmd;
	void *p;

	if (ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, &bar))
		return -errno;
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || !bar.size)
		return -EINVAL;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, v->device,
		 (off_t)bar.offset);
	if (p == MAP_FAILED)
		return -errno;
	pci->bar0 = p;
	pci->bar0_len = bar.size;
	if (pread(v->device, &cmd, sizeof(cmd), cmd_off) != sizeof(cmd))
		return -EIO;
	cmd |= PCI_CMD_MEMORY_MASTER;
	if (pwrite(v->device, &cmd, sizeof(cmd), cmd_off) != sizeof(cmd))
		return -EIO;
	return 0;
}

static int dma_map(const struct vfio_dev *v, void *va, uint64_t iova,
		   size_t len)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = len,
	};

	return ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

static int dma_unmap(const struct vfio_dev *v, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return unmap.size == len ? 0 : -EIO;
}

/* Destination page i at the IOVA of page VFIO_PAGES - 1 - i: reversed */
static uint64_t dst_iova(size_t page)
{
	return DST_IOVA + (VFIO_PAGES - 1 - page) * PAGE_SIZE;
}

/*
 * The ring, the source in one mapping, the destination page by page in
 * reverse order
 */
static int map_bufs(const struct vfio_dev *v, struct dma_buf *ring,
		    struct dma_buf *src, struct dma_buf *dst)
{
	int rc;

	rc = dma_map(v, ring->va, RING_IOVA, ring->len);
	if (!rc)
		rc = dma_map(v, src->va, SRC_IOVA, src->len);
	for (size_t i = 0; !rc && i < VFIO_PAGES; i++)
		rc = dma_map(v, dst->va + i * PAGE_SIZE, dst_iova(i),
			     PAGE_SIZE);
	return rc;
}

static bool check_result(const char *what, const struct udma_desc *d, size_t n,
			 const struct dma_buf *dst, const uint8_t *want)
{
	size_t bad, diff, first;
	uint32_t bad_status;

	bad = count_status(d, n, UDMA_DESC_DONE, &bad_status);
	if (bad)
		return report(false,
			      "%s: %zu of %zu descriptors failed "
			      "(status %#x)",
			      what, bad, n, bad_status);
	diff = count_diff(dst->va, want, dst->len, &first);
	if (diff)
		return report(false,
			      "%s: %zu of %zu bytes wrong, the first at %zu",
			      what, diff, dst->len, first);
	return report(true, "%s: %zu descriptors, %zu bytes checked", what, n,
		      dst->len);
}

/* One FILL per destination page, through its reversed IOVA */
static bool check_fill(struct udma_ring *r, struct dma_buf *dst, uint8_t *want)
{
	struct udma_desc d[VFIO_PAGES] = {};

	for (size_t i = 0; i < VFIO_PAGES; i++) {
		uint64_t pattern = 0x0f1e2d3c4b5a6978ull + i;

		d[i] = (struct udma_desc){.op = UDMA_OP_FILL,
					  .src = pattern,
					  .dst = dst_iova(i),
					  .len = PAGE_SIZE};
		fill_expected(want + i * PAGE_SIZE, pattern, PAGE_SIZE);
	}
	if (!udma_run(r, d, VFIO_PAGES))
		return report(false,
			      "fill through the IOMMU: the engine stopped");
	return check_result("fill through the guest IOMMU, IOVAs in reverse "
			    "page order",
			    d, VFIO_PAGES, dst, want);
}

/* Source page i (one linear mapping) to destination page i at @iova_of */
static bool check_copy(struct udma_ring *r, const char *what,
		       struct dma_buf *src, struct dma_buf *dst,
		       uint64_t (*iova_of)(size_t page), uint64_t seed)
{
	struct udma_desc d[VFIO_PAGES] = {};

	fill_random(src->va, src->len, seed);
	for (size_t i = 0; i < VFIO_PAGES; i++)
		d[i] = (struct udma_desc){.op = UDMA_OP_COPY,
					  .src = SRC_IOVA + i * PAGE_SIZE,
					  .dst = iova_of(i),
					  .len = PAGE_SIZE};
	if (!udma_run(r, d, VFIO_PAGES))
		return report(false, "%s: the engine stopped", what);
	return check_result(what, d, VFIO_PAGES, dst, src->va);
}

/* One descriptor that must fail with @err, leaving @dst as it was */
static bool check_fault(struct udma_ring *r, const char *what,
			struct udma_desc d, uint32_t err,
			const struct dma_buf *dst)
{
	uint8_t *before = malloc(dst->len);
	size_t first;
	bool same;

	if (!before)
		return report(false, "%s: no memory", what);
	memcpy(before, dst->va, dst->len);
	if (!udma_run(r, &d, 1)) {
		free(before);
		return report(false, "%s: the engine stopped", what);
	}
	same = !count_diff(dst->va, before, dst->len, &first);
	free(before);
	if (d.status != (UDMA_DESC_ERROR | err))
		return report(false, "%s: status %#x, not %#x", what, d.status,
			      UDMA_DESC_ERROR | err);
	if (!same)
		return report(false, "%s: bytes written at %zu", what, first);
	return report(true, "%s: status %#x, nothing written", what, d.status);
}

static uint64_t dst2_iova(size_t page)
{
	return DST2_IOVA + page * PAGE_SIZE;
}

static unsigned int run_checks(const struct vfio_dev *v, struct udma_ring *r,
			       struct dma_buf *src, struct dma_buf *dst,
			       uint8_t *want)
{
	uint64_t gpa = dma_buf_pa(dst, 0);
	unsigned int failed = 0;
	int rc;

	failed += !check_fill(r, dst, want);
	failed += !check_copy(r, "copy through the guest IOMMU", src, dst,
			      dst_iova, 2);
	/* The IOMMU translates: guest-physical addresses are not IOVAs */
	failed += !check_fault(r,
			       "fill to a guest-physical address the guest "
			       "did not map faults",
			       (struct udma_desc){.op = UDMA_OP_FILL,
						  .src = ~0ull,
						  .dst = gpa,
						  .len = PAGE_SIZE},
			       UDMA_ERR_DST_FAULT, dst);
	failed += !check_fault(r, "copy from an unmapped IOVA faults",
			       (struct udma_desc){.op = UDMA_OP_COPY,
						  .src = FAR_IOVA,
						  .dst = dst_iova(0),
						  .len = PAGE_SIZE},
			       UDMA_ERR_SRC_FAULT, dst);
	/* An unmap reaches the host: the old IOVAs fault, new ones work */
	rc = dma_unmap(v, DST_IOVA, dst->len);
	failed += !report(!rc, "VFIO_IOMMU_UNMAP_DMA of the destination%s%s",
			  rc ? ": " : "", rc ? strerror(-rc) : "");
	failed += !check_fault(r, "fill to an IOVA after its unmap faults",
			       (struct udma_desc){.op = UDMA_OP_FILL,
						  .src = ~0ull,
						  .dst = dst_iova(3),
						  .len = PAGE_SIZE},
			       UDMA_ERR_DST_FAULT, dst);
	rc = dma_map(v, dst->va, DST2_IOVA, dst->len);
	failed += !report(!rc, "destination mapped again at IOVA %#llx%s%s",
			  DST2_IOVA, rc ? ": " : "", rc ? strerror(-rc) : "");
	failed +=
		!check_copy(r, "copy to the new IOVAs", src, dst, dst2_iova, 3);
	return failed;
}

/* The buffers, mapped; the ring started at its IOVA */
static unsigned int setup_and_run(const struct vfio_dev *v,
				  struct guest_pci *pci)
{
	struct dma_buf ring, src, dst;
	unsigned int failed = 1;
	struct udma_ring r;
	uint8_t *want;
	int rc;

	want = malloc(VFIO_PAGES * PAGE_SIZE);
	if (!want)
		return 1;
	rc = dma_buf_alloc(&ring, PAGE_SIZE, false);
	if (rc)
		goto out_want;
	rc = dma_buf_alloc(&src, VFIO_PAGES * PAGE_SIZE, false);
	if (rc)
		goto out_ring;
	rc = dma_buf_alloc(&dst, VFIO_PAGES * PAGE_SIZE, false);
	if (rc)
		goto out_src;
	rc = map_bufs(v, &ring, &src, &dst);
	if (!report(!rc,
		    "VFIO_IOMMU_MAP_DMA: ring at IOVA %#llx (guest-physical "
		    "%#llx), source at %#llx, destination page by page at "
		    "%#llx%s%s",
		    RING_IOVA, (unsigned long long)dma_buf_pa(&ring, 0),
		    SRC_IOVA, DST_IOVA, rc ? ": " : "",
		    rc ? strerror(-rc) : ""))
		goto out_dst;
	if (!report(!udma_ring_start(&r, pci, ring.va, RING_IOVA),
		    "udma identified and its ring started at an IOVA"))
		goto out_dst;
	failed = run_checks(v, &r, &src, &dst, want);
	mmio_write32(pci, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
out_dst:
	dma_buf_free(&dst);
out_src:
	dma_buf_free(&src);
out_ring:
	dma_buf_free(&ring);
out_want:
	free(want);
	return failed;
}

unsigned int udma_vfio_checks(struct guest_pci *pci)
{
	struct vfio_dev v = {.container = -1, .group = -1, .device = -1};
	unsigned int failed = 1;
	int rc;

	rc = bind_vfio_pci(pci, &v);
	if (!report(!rc, "bound to the guest's vfio-pci, IOMMU group %d%s%s",
		    v.group_id, rc ? ": " : "", rc ? strerror(-rc) : ""))
		return 1;
	rc = open_vfio(&v);
	if (!report(!rc, "VFIO type1v2 container, group and device fd%s%s",
		    rc ? ": " : "", rc ? strerror(-rc) : ""))
		goto out;
	rc = map_regs(&v, pci);
	if (!report(!rc,
		    "BAR0 mapped through the device fd, bus mastering "
		    "on%s%s",
		    rc ? ": " : "", rc ? strerror(-rc) : ""))
		goto out;
	failed = setup_and_run(&v, pci);
out:
	close_vfio(&v);
	return failed;
}
