// SPDX-License-Identifier: MIT
/*
 * fuzz_ioctl operations: VFIO. The type1 container calls served by an
 * iommufd (or by /dev/vfio/vfio, which is one), and the device files of
 * emulated devices: cdevs bound to a context and attached to its IOAS or
 * HWPTs, and group files set on a container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/uiommufd.h>
#include <uiommufd/vfio.h>

#include "fuzz_ioctl.h"

/* Two devices sharing IOMMU group 300, one alone, one without an IOMMU */
#define FZ_DEVICES "udma,group=300;udma,group=300;udma;udma,noiommu"
#define FZ_NR_DEVS 4
static struct uiommufd_device_info devs[FZ_NR_DEVS];
static unsigned int nr_devs;

void fz_vfio_init(void)
{
	if (nr_devs)
		return;
	if (uiommufd_devices_add(FZ_DEVICES))
		fz_fail("uiommufd_devices_add(\"%s\") failed", FZ_DEVICES);
	while (nr_devs < FZ_NR_DEVS &&
	       !uiommufd_device_info(nr_devs, &devs[nr_devs]))
		nr_devs++;
}

static long op_vfio_api(struct fz_state *st, struct fz_input *in)
{
	return fz_ioctl_int(st, fz_ctx(st, in), VFIO_GET_API_VERSION, 0);
}

static unsigned long iommu_type(struct fz_input *in)
{
	return PICK32(in, VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU,
		      VFIO_NOIOMMU_IOMMU, VFIO_DMA_CC_IOMMU, VFIO_UNMAP_ALL,
		      VFIO_SPAPR_TCE_IOMMU, 0);
}

static long op_vfio_check_ext(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_fd(st, in, FM_ANY & ~FM(F_MEMFD));

	return fz_ioctl_int(st, fd, VFIO_CHECK_EXTENSION, iommu_type(in));
}

static long op_vfio_set_iommu(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_ctx(st, in);

	return fz_ioctl_int(st, fd, VFIO_SET_IOMMU, iommu_type(in));
}

static long op_vfio_get_info(struct fz_state *st, struct fz_input *in)
{
	struct vfio_iommu_type1_info *info = (void *)fz_scratch_data();
	int fd = fz_ctx(st, in);
	uint8_t b = fz_u8(in);
	uint32_t argsz;
	void *arg = info;

	argsz = PICK32(in, 4096, sizeof(*info), 16, 12, 40, 64, 0);
	memset(info, 0xa5, 4096);
	info->argsz = argsz;
	/* Misaligned: the capability chain must not assume alignment */
	if (b & 1) {
		arg = (uint8_t *)info + 1 + (b & 6);
		memcpy(arg, &argsz, sizeof(argsz));
	}
	if (b >= 0xe0)
		arg = (void *)(uintptr_t)fz_uptr(in, argsz);
	return fz_ioctl(st, fd, VFIO_IOMMU_GET_INFO, arg);
}

static long op_vfio_map_dma(struct fz_state *st, struct fz_input *in)
{
	struct vfio_iommu_type1_dma_map map = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	map.flags = PICK32(in, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			   VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_VADDR, 0);
	map.size = fz_len(in);
	map.vaddr = fz_uptr(in, map.size);
	map.iova = fz_iova(st, in);
	rc = fz_ioctl(st, fd, VFIO_IOMMU_MAP_DMA, FZ_ARG(in, &a, map, size));
	if (!rc) {
		fz_add_map(st, map.iova, map.size);
		fz_add_pinned(st, map.vaddr);
	}
	return rc;
}

static long op_vfio_unmap_dma(struct fz_state *st, struct fz_input *in)
{
	/* struct vfio_iommu_type1_dma_unmap, then the bitmap as its data[] */
	struct {
		struct {
			uint32_t argsz, flags;
			uint64_t iova, size;
		} unmap;
		struct vfio_bitmap bitmap;
	} cmd = {0};
	int fd = fz_ctx(st, in);
	uint8_t b = fz_u8(in);
	struct fz_arg a;

	cmd.unmap.flags = PICK32(in, 0, VFIO_DMA_UNMAP_FLAG_ALL,
				 VFIO_DMA_UNMAP_FLAG_VADDR,
				 VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	if (b < 0x80 && st->nmaps) {
		cmd.unmap.iova = st->maps[b % st->nmaps].iova;
		cmd.unmap.size = st->maps[b % st->nmaps].len;
	} else {
		cmd.unmap.iova = fz_iova(st, in);
		cmd.unmap.size = fz_len(in);
	}
	cmd.bitmap.pgsize = FZ_PAGE;
	cmd.bitmap.size = 64;
	cmd.bitmap.data = (void *)fz_scratch_data();
	if (cmd.unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		return fz_ioctl(st, fd, VFIO_IOMMU_UNMAP_DMA,
				fz_arg(in, &a, &cmd, sizeof(cmd),
				       sizeof(cmd.unmap)));
	return fz_ioctl(st, fd, VFIO_IOMMU_UNMAP_DMA,
			FZ_ARG(in, &a, cmd.unmap, size));
}

static long op_vfio_dirty_pages(struct fz_state *st, struct fz_input *in)
{
	/* struct vfio_iommu_type1_dirty_bitmap, then its data[] */
	struct {
		struct {
			uint32_t argsz, flags;
		} hdr;
		struct vfio_iommu_type1_dirty_bitmap_get get;
	} cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.hdr.flags = PICK32(in, VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
			       VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP,
			       VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, 0);
	cmd.get.iova = fz_iova(st, in);
	cmd.get.size = fz_len(in);
	cmd.get.bitmap.pgsize = FZ_PAGE;
	cmd.get.bitmap.size = 64;
	cmd.get.bitmap.data = (void *)fz_scratch_data();
	return fz_ioctl(st, fd, VFIO_IOMMU_DIRTY_PAGES,
			fz_arg(in, &a, &cmd, sizeof(cmd), sizeof(cmd.hdr)));
}

/* A device cdev, or a group file (low bit of the choice) */
static long op_cdev_open(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	const struct uiommufd_device_info *d;
	char name[32];
	int fd;

	if (!nr_devs)
		return -ENODEV;
	d = &devs[(b >> 1) % nr_devs];
	if (b & 1) {
		if (d->noiommu)
			snprintf(name, sizeof(name), "noiommu-%u", d->group);
		else
			snprintf(name, sizeof(name), "%u", d->group);
		fd = uiommufd_vfio_group_open(name, O_CLOEXEC);
	} else {
		fd = uiommufd_vfio_cdev_open((unsigned int)d->vfio_index,
					     O_CLOEXEC);
	}
	fz_add_fd(st, F_CDEV, fd);
	return fd;
}

static long op_cdev_bind(struct fz_state *st, struct fz_input *in)
{
	struct vfio_device_bind_iommufd cmd = {0};
	int fd = fz_fd(st, in, FM(F_CDEV));
	struct fz_arg a;
	long rc;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	cmd.iommufd = fz_ctx(st, in);
	cmd.token_uuid_ptr = (fz_u8(in) & 1) ? fz_uptr(in, 16) : 0;
	rc = fz_ioctl(st, fd, VFIO_DEVICE_BIND_IOMMUFD,
		      FZ_ARG(in, &a, cmd, out_devid));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_id(st, K_IDEV, cmd.out_devid, cmd.iommufd);
	return rc;
}

static long op_cdev_attach(struct fz_state *st, struct fz_input *in)
{
	struct vfio_device_attach_iommufd_pt cmd = {0};
	int fd = fz_fd(st, in, FM(F_CDEV));
	uint8_t b = fz_u8(in);
	struct fz_arg a;
	long rc;

	cmd.flags = (b & 2) ? PICK32(in, VFIO_DEVICE_ATTACH_PASID, 2) : 0;
	cmd.pt_id = fz_id(st, in, (b & 1) ? K_HWPT : K_IOAS);
	cmd.pasid = PICK32(in, 0, 1, 0xfffff);
	rc = fz_ioctl(st, fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
		      FZ_ARG(in, &a, cmd, pt_id));
	fz_arg_back(&a, &cmd);
	if (!rc && !(b & 1))
		fz_add_id(st, K_HWPT, cmd.pt_id, -1);
	return rc;
}

static long op_cdev_detach(struct fz_state *st, struct fz_input *in)
{
	struct vfio_device_detach_iommufd_pt cmd = {0};
	int fd = fz_fd(st, in, FM(F_CDEV));
	struct fz_arg a;

	cmd.flags = PICK32(in, 0, 0, VFIO_DEVICE_DETACH_PASID, 2);
	cmd.pasid = PICK32(in, 0, 1, 0xfffff);
	return fz_ioctl(st, fd, VFIO_DEVICE_DETACH_IOMMUFD_PT,
			FZ_ARG(in, &a, cmd, flags));
}

/* The calls of a group file, and the device information of either */
static long op_cdev_info(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_fd(st, in, FM(F_CDEV));
	uint8_t b = fz_u8(in);
	struct fz_arg a;
	long rc;

	switch (b % 5) {
	case 0: {
		struct vfio_device_info info = {0};

		return fz_ioctl(st, fd, VFIO_DEVICE_GET_INFO,
				FZ_ARG(in, &a, info, num_irqs));
	}
	case 1: {
		struct vfio_group_status status = {0};

		return fz_ioctl(st, fd, VFIO_GROUP_GET_STATUS,
				FZ_ARG(in, &a, status, flags));
	}
	case 2: {
		/* The argument is a pointer to the container's descriptor */
		int *cfd = (int *)fz_scratch_data();

		*cfd = fz_ctx(st, in);
		return fz_ioctl(st, fd, VFIO_GROUP_SET_CONTAINER, cfd);
	}
	case 3:
		return fz_ioctl_int(st, fd, VFIO_GROUP_UNSET_CONTAINER, 0);
	default: {
		char *name = (char *)fz_scratch_data();

		snprintf(name, 32, "%s",
			 nr_devs ? devs[(b >> 3) % nr_devs].name : "none");
		rc = fz_ioctl(st, fd, VFIO_GROUP_GET_DEVICE_FD, name);
		fz_add_fd(st, F_CDEV, (int)rc);
		return rc;
	}
	}
}

void fz_ops_vfio(fz_op_fn *ops)
{
	ops[FZ_OP_VFIO_API] = op_vfio_api;
	ops[FZ_OP_VFIO_CHECK_EXT] = op_vfio_check_ext;
	ops[FZ_OP_VFIO_SET_IOMMU] = op_vfio_set_iommu;
	ops[FZ_OP_VFIO_GET_INFO] = op_vfio_get_info;
	ops[FZ_OP_VFIO_MAP_DMA] = op_vfio_map_dma;
	ops[FZ_OP_VFIO_UNMAP_DMA] = op_vfio_unmap_dma;
	ops[FZ_OP_VFIO_DIRTY_PAGES] = op_vfio_dirty_pages;
	ops[FZ_OP_CDEV_OPEN] = op_cdev_open;
	ops[FZ_OP_CDEV_BIND] = op_cdev_bind;
	ops[FZ_OP_CDEV_ATTACH] = op_cdev_attach;
	ops[FZ_OP_CDEV_DETACH] = op_cdev_detach;
	ops[FZ_OP_CDEV_INFO] = op_cdev_info;
}
