// SPDX-License-Identifier: MIT
/*
 * The emulated functions behind VFIO, register by register, through the C
 * API: udma's registers (every width, the 64-bit pairs, reset, errors of
 * descriptors and of the write-back), QEMU's edu (liveness, factorial and
 * its interrupt, access widths), the device features vfio-pci answers for
 * any function (low power), and the fdinfo lines of a device file. The
 * registers follow include/uiommufd/udma.h and QEMU's docs/specs/edu.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "../lib/helpers.h"
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define CFG(off)  (((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + (off))
#define BAR0(off) ((off_t)(off))

struct fx {
	int fd, dev;
	uint32_t ioas, devid;
};

static struct uiommufd_device_info udma_info, edu_info;

static int open_bound(struct fx *f, const struct uiommufd_device_info *info)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};

	f->fd = uiommufd_open(O_CLOEXEC);
	f->dev = uiommufd_vfio_cdev_open((unsigned int)info->vfio_index,
					 O_CLOEXEC);
	if (f->fd < 0 || f->dev < 0)
		return -1;
	bind.iommufd = f->fd;
	if (ioc(f->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -1;
	f->devid = bind.out_devid;
	f->ioas = ioas_alloc(f->fd);
	at.pt_id = f->ioas;
	return ioc(f->dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ? -1 : 0;
}

static int setup_udma(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	*state = f;
	return open_bound(f, &udma_info);
}

static int setup_edu(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	*state = f;
	return open_bound(f, &edu_info);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	uiommufd_close(f->dev);
	uiommufd_close(f->fd);
	free(f);
	return 0;
}

static uint64_t rd(int dev, off_t off, unsigned int size)
{
	uint64_t v = 0;

	assert_int_equal(size, uiommufd_pread(dev, &v, size, off));
	return v;
}

static void wr(int dev, off_t off, uint64_t v, unsigned int size)
{
	assert_int_equal(size, uiommufd_pwrite(dev, &v, size, off));
}

static void test_udma_registers(void **state)
{
	struct fx *f = *state;
	int d = f->dev;

	assert_int_equal(UDMA_ID, rd(d, BAR0(UDMA_REG_ID), 4));
	assert_int_equal(UDMA_VERSION, rd(d, BAR0(UDMA_REG_VERSION), 4));
	assert_int_equal(UDMA_CAP_COPY | UDMA_CAP_FILL |
				 16 << UDMA_CAP_RING_MAX_SHIFT,
			 rd(d, BAR0(UDMA_REG_CAPS), 4));
	/* Narrow reads take their bytes of the register */
	assert_int_equal((UDMA_ID >> 8) & 0xff,
			 rd(d, BAR0(UDMA_REG_ID + 1), 1));
	assert_int_equal(UDMA_ID >> 16, rd(d, BAR0(UDMA_REG_ID + 2), 2));
	/* An 8-byte read spans two registers */
	assert_int_equal((uint64_t)UDMA_VERSION << 32 | UDMA_ID,
			 rd(d, BAR0(UDMA_REG_ID), 8));
	/* Power-on state: off, idle, nothing pending */
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_CONTROL), 4));
	assert_int_equal(UDMA_STATUS_IDLE, rd(d, BAR0(UDMA_REG_STATUS), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_IRQ_STATUS), 4));

	/* 64-bit registers: halves, whole, alignment bits dropped */
	wr(d, BAR0(UDMA_REG_RING_BASE), 0x123456789abcdeffULL, 8);
	assert_int_equal(0x9abcdee0, rd(d, BAR0(UDMA_REG_RING_BASE), 4));
	assert_int_equal(0x12345678, rd(d, BAR0(UDMA_REG_RING_BASE + 4), 4));
	wr(d, BAR0(UDMA_REG_WB_ADDR + 4), 0x1, 4);
	wr(d, BAR0(UDMA_REG_WB_ADDR), 0x1007, 4);
	assert_int_equal(0x100001004ULL, rd(d, BAR0(UDMA_REG_WB_ADDR), 8));
	/* Ring sizes: powers of two up to the maximum, else off */
	wr(d, BAR0(UDMA_REG_RING_SIZE), 64, 4);
	assert_int_equal(64, rd(d, BAR0(UDMA_REG_RING_SIZE), 4));
	wr(d, BAR0(UDMA_REG_RING_HEAD), 70, 4);
	assert_int_equal(6, rd(d, BAR0(UDMA_REG_RING_HEAD), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_STATUS), 4) & UDMA_STATUS_IDLE);
	wr(d, BAR0(UDMA_REG_RING_SIZE), 48, 4);
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_RING_SIZE), 4));
	wr(d, BAR0(UDMA_REG_RING_SIZE), UDMA_RING_MAX * 2, 4);
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_RING_SIZE), 4));
	/* A byte write changes that byte only */
	wr(d, BAR0(UDMA_REG_IRQ_MASK), UDMA_IRQ_DONE, 4);
	wr(d, BAR0(UDMA_REG_IRQ_MASK), UDMA_IRQ_ERROR, 1);
	assert_int_equal(UDMA_IRQ_ERROR, rd(d, BAR0(UDMA_REG_IRQ_MASK), 4));
	wr(d, BAR0(UDMA_REG_IRQ_MASK + 1), 0xff, 1);
	assert_int_equal(UDMA_IRQ_ERROR, rd(d, BAR0(UDMA_REG_IRQ_MASK), 4));
	/* Read-only and reserved registers ignore writes, read as 0 */
	wr(d, BAR0(UDMA_REG_ID), 0, 4);
	assert_int_equal(UDMA_ID, rd(d, BAR0(UDMA_REG_ID), 4));
	assert_int_equal(0, rd(d, BAR0(0x100), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_COMPLETED), 8));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_BYTES + 4), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_ERR_CODE), 4));
	/* Enable, then reset: back to power-on, the bit clears itself */
	wr(d, BAR0(UDMA_REG_CONTROL), UDMA_CTRL_ENABLE, 4);
	assert_int_equal(UDMA_CTRL_ENABLE, rd(d, BAR0(UDMA_REG_CONTROL), 4));
	assert_true(rd(d, BAR0(UDMA_REG_STATUS), 4) & UDMA_STATUS_RUNNING);
	wr(d, BAR0(UDMA_REG_CONTROL), UDMA_CTRL_RESET, 4);
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_CONTROL), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_RING_BASE), 8));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_IRQ_MASK), 4));
}

/* Wait for the engine to stop (idle or halted) */
static uint32_t udma_wait(int d)
{
	uint32_t status = 0;

	for (int i = 0; i != 100000; i++) {
		status = (uint32_t)rd(d, BAR0(UDMA_REG_STATUS), 4);
		if ((status & UDMA_STATUS_IDLE) ||
		    (status & UDMA_STATUS_HALTED))
			break;
		usleep(10);
	}
	return status;
}

static void test_udma_errors(void **state)
{
	struct fx *f = *state;
	struct udma_desc *ring = map_anon(PAGE_SZ);
	uint64_t ring_iova = 0x100000, buf_iova = 0x200000;
	void *buf = map_anon(PAGE_SZ);
	uint16_t cmd = 0x2 | 0x4; /* memory, bus master */
	int d = f->dev;

	assert_int_equal(0, ioas_map(f->fd, f->ioas, ring, PAGE_SZ, &ring_iova,
				     FIXED));
	assert_int_equal(0, ioas_map(f->fd, f->ioas, buf, PAGE_SZ, &buf_iova,
				     FIXED));
	assert_int_equal(2, uiommufd_pwrite(d, &cmd, 2, CFG(4)));
	wr(d, BAR0(UDMA_REG_RING_BASE), ring_iova, 8);
	wr(d, BAR0(UDMA_REG_RING_SIZE), 4, 4);
	wr(d, BAR0(UDMA_REG_CONTROL), UDMA_CTRL_ENABLE, 4);

	/* An unknown op, a zero length: that descriptor fails, the ring goes on
	 */
	ring[0] = (struct udma_desc){.op = 9, .dst = buf_iova, .len = 8};
	ring[1] = (struct udma_desc){.op = UDMA_OP_FILL, .dst = buf_iova};
	ring[2] = (struct udma_desc){.op = UDMA_OP_FILL,
				     .src = 0x4242424242424242,
				     .dst = buf_iova,
				     .len = 16};
	wr(d, BAR0(UDMA_REG_RING_HEAD), 3, 4);
	assert_true(udma_wait(d) & UDMA_STATUS_IDLE);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_BAD_OP, ring[0].status);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_BAD_OP, ring[1].status);
	assert_int_equal(UDMA_DESC_DONE, ring[2].status);
	assert_int_equal(0x42424242, *(uint32_t *)buf);
	assert_int_equal(UDMA_ERR_BAD_OP, rd(d, BAR0(UDMA_REG_ERR_CODE), 4));
	assert_true(rd(d, BAR0(UDMA_REG_IRQ_STATUS), 4) & UDMA_IRQ_ERROR);
	assert_int_equal(3, rd(d, BAR0(UDMA_REG_COMPLETED), 8));
	assert_int_equal(16, rd(d, BAR0(UDMA_REG_BYTES), 4));
	/* The error bit is cleared by writing it */
	wr(d, BAR0(UDMA_REG_IRQ_STATUS), UDMA_IRQ_ERROR, 4);
	assert_int_equal(0,
			 rd(d, BAR0(UDMA_REG_IRQ_STATUS), 4) & UDMA_IRQ_ERROR);

	/* A write-back address not mapped halts the engine */
	wr(d, BAR0(UDMA_REG_WB_ADDR), 0x900000, 8);
	ring[3] = ring[2];
	ring[3].status = 0;
	wr(d, BAR0(UDMA_REG_RING_HEAD), 0, 4);
	assert_true(udma_wait(d) & UDMA_STATUS_HALTED);
	assert_int_equal(UDMA_ERR_WB_FAULT, rd(d, BAR0(UDMA_REG_ERR_CODE), 4));
	assert_int_equal(0x900000, rd(d, BAR0(UDMA_REG_ERR_ADDR), 8));
	assert_false(rd(d, BAR0(UDMA_REG_STATUS), 4) & UDMA_STATUS_RUNNING);
	/* Disabling clears the halt */
	wr(d, BAR0(UDMA_REG_CONTROL), 0, 4);
	assert_false(rd(d, BAR0(UDMA_REG_STATUS), 4) & UDMA_STATUS_HALTED);
	/* A function reset brings the power-on state back */
	wr(d, BAR0(UDMA_REG_CONTROL), UDMA_CTRL_ENABLE, 4);
	assert_int_equal(0, ioc(d, VFIO_DEVICE_RESET, NULL));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_CONTROL), 4));
	assert_int_equal(0, rd(d, BAR0(UDMA_REG_ERR_CODE), 4));
	/* So does a function level reset started in config space */
	wr(d, BAR0(UDMA_REG_CONTROL), UDMA_CTRL_ENABLE, 4);
	{
		uint8_t pos = (uint8_t)rd(d, CFG(0x34), 1);
		off_t devctl = 0;

		/* Walk the capability list to the PCI Express one */
		while (pos) {
			if (rd(d, CFG(pos), 1) == 0x10 /* PCI_CAP_ID_EXP */) {
				devctl = CFG(pos + 8);
				break;
			}
			pos = (uint8_t)rd(d, CFG(pos + 1), 1);
		}
		assert_int_not_equal(0, devctl);
		wr(d, devctl, rd(d, devctl, 2) | 0x8000 /* BCR_FLR */, 2);
		/* The bit reads back as 0, the function is at power-on */
		assert_int_equal(0, rd(d, devctl, 2) & 0x8000);
		assert_int_equal(0, rd(d, BAR0(UDMA_REG_CONTROL), 4));
	}
	munmap(ring, PAGE_SZ);
	munmap(buf, PAGE_SZ);
}

static void test_edu(void **state)
{
	struct fx *f = *state;
	int d = f->dev;

	assert_int_equal(0x010000ed, rd(d, BAR0(0x00), 4));
	/* Liveness: what is written reads back inverted */
	wr(d, BAR0(0x04), 0x12345678, 4);
	assert_int_equal(~0x12345678u, rd(d, BAR0(0x04), 4));
	/* Factorial, without and with its interrupt */
	wr(d, BAR0(0x08), 5, 4);
	assert_int_equal(120, rd(d, BAR0(0x08), 4));
	assert_int_equal(0, rd(d, BAR0(0x20), 4));
	wr(d, BAR0(0x20), 0x80, 4);
	assert_int_equal(0x80, rd(d, BAR0(0x20), 4));
	wr(d, BAR0(0x08), 10, 4);
	assert_int_equal(3628800, rd(d, BAR0(0x08), 4));
	assert_int_equal(1, rd(d, BAR0(0x24), 4));
	/* Acknowledged */
	wr(d, BAR0(0x64), 1, 4);
	assert_int_equal(0, rd(d, BAR0(0x24), 4));
	wr(d, BAR0(0x20), 0, 4);
	assert_int_equal(0, rd(d, BAR0(0x20), 4));
	/* Raised by hand */
	wr(d, BAR0(0x60), 0x40, 4);
	assert_int_equal(0x40, rd(d, BAR0(0x24), 4));
	wr(d, BAR0(0x64), 0x40, 4);
	/* Widths: the DMA registers take 8 bytes, the others 4 only */
	wr(d, BAR0(0x80), 0x40000, 8);
	assert_int_equal(0x40000, rd(d, BAR0(0x80), 8));
	assert_int_equal(0x40000, rd(d, BAR0(0x80), 4));
	assert_int_equal(UINT64_MAX, rd(d, BAR0(0x00), 8));
	assert_int_equal(0, rd(d, BAR0(0x00), 2));
	wr(d, BAR0(0x08), 3, 2);
	assert_int_equal(3628800, rd(d, BAR0(0x08), 4));
	/* Like QEMU's edu, no function reset: VFIO says so */
	{
		struct vfio_device_info info = {.argsz = sizeof(info)};

		assert_int_equal(0, ioc(d, VFIO_DEVICE_GET_INFO, &info));
		assert_false(info.flags & VFIO_DEVICE_FLAGS_RESET);
		assert_int_equal(-EINVAL, ioc(d, VFIO_DEVICE_RESET, NULL));
	}
}

static long feature(int dev, uint32_t flags, uint32_t argsz)
{
	struct vfio_device_feature feat = {.argsz = argsz, .flags = flags};

	return ioc(dev, VFIO_DEVICE_FEATURE, &feat);
}

static void test_device_features(void **state)
{
	const uint32_t entry = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	const uint32_t exit_ = VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
	const uint32_t sz = sizeof(struct vfio_device_feature);
	struct fx *f = *state;
	int d = f->dev;

	assert_int_equal(0, feature(d, entry | VFIO_DEVICE_FEATURE_PROBE, sz));
	assert_int_equal(-EINVAL,
			 feature(d, entry | VFIO_DEVICE_FEATURE_GET, sz));
	assert_int_equal(-EINVAL, feature(d, entry, sz));
	assert_int_equal(0, feature(d, entry | VFIO_DEVICE_FEATURE_SET, sz));
	assert_int_equal(0, feature(d, exit_ | VFIO_DEVICE_FEATURE_SET, sz));
	/* The request itself */
	assert_int_equal(-EINVAL,
			 feature(d, entry | VFIO_DEVICE_FEATURE_SET, sz - 1));
	assert_int_equal(-EINVAL, feature(d, entry | 1u << 20, sz));
	assert_int_equal(-EINVAL, feature(d,
					  entry | VFIO_DEVICE_FEATURE_SET |
						  VFIO_DEVICE_FEATURE_GET,
					  sz));
	assert_int_equal(-EFAULT, ioc(d, VFIO_DEVICE_FEATURE, (void *)8));
	/* What no emulated function does */
	assert_int_equal(-ENOTTY, feature(d,
					  VFIO_DEVICE_FEATURE_MIGRATION |
						  VFIO_DEVICE_FEATURE_GET,
					  sz + 8));
	assert_int_equal(-ENOTTY,
			 feature(d, 999 | VFIO_DEVICE_FEATURE_GET, sz));
}

static void test_fdinfo(void **state)
{
	struct fx *f = *state;
	int mfd = memfd_create("fdinfo", 0);
	char text[512] = "", want[128];
	struct vfio_device_detach_iommufd_pt det = {.argsz = sizeof(det)};

	assert_int_equal(0, uiommufd_fdinfo(f->dev, mfd));
	assert_true(pread(mfd, text, sizeof(text) - 1, 0) > 0);
	snprintf(want, sizeof(want),
		 "vfio-device-syspath: /sys/devices/pci%.4s:%.2s/%s\n",
		 udma_info.name, udma_info.name + 5, udma_info.name);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want), "uiommufd-device: devid %u attached\n",
		 f->devid);
	assert_non_null(strstr(text, want));
	assert_int_equal(0, ioc(f->dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &det));
	assert_int_equal(0, ftruncate(mfd, 0));
	assert_int_equal(0, lseek(mfd, 0, SEEK_SET));
	assert_int_equal(0, uiommufd_fdinfo(f->dev, mfd));
	memset(text, 0, sizeof(text));
	assert_true(pread(mfd, text, sizeof(text) - 1, 0) > 0);
	assert_non_null(strstr(text, "not attached"));
	/* Not one of ours */
	assert_int_equal(-EBADF, uiommufd_fdinfo(mfd, mfd));
	close(mfd);
}

/* The file position of a device file selects region and place, as pread's */
static void test_position(void **state)
{
	struct fx *f = *state;
	uint16_t id[2];

	assert_int_equal(CFG(0), lseek(f->dev, CFG(0), SEEK_SET));
	assert_int_equal(2, uiommufd_read(f->dev, &id[0], 2));
	assert_int_equal(2, uiommufd_read(f->dev, &id[1], 2));
	assert_int_equal(UDMA_VENDOR_ID, id[0]);
	assert_int_equal(UDMA_DEVICE_ID, id[1]);
	assert_int_equal(CFG(4), lseek(f->dev, 0, SEEK_CUR));
	/* A write moves it too; the vendor ID stays read-only */
	assert_int_equal(CFG(0), lseek(f->dev, CFG(0), SEEK_SET));
	assert_int_equal(2, uiommufd_write(f->dev, "\0\0", 2));
	assert_int_equal(CFG(2), lseek(f->dev, 0, SEEK_CUR));
	assert_int_equal(UDMA_VENDOR_ID, rd(f->dev, CFG(0), 2));
	assert_int_equal(-EINVAL, uiommufd_pread(f->dev, id, 2, -1));
}

/* Binding: the iommufd must be one, a VF token is refused for a PF */
static void test_bind_arguments(void **state)
{
	int dev =
		uiommufd_vfio_cdev_open((unsigned int)udma_info.vfio_index, 0);
	int fd = uiommufd_open(0), fault_fd, null = open("/dev/null", O_RDWR);
	uint8_t uuid[16] = {1, 2, 3};
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	uint32_t fault_id;

	(void)state;
	fault_fd = fault_queue_alloc(fd, &fault_id);
	bind.iommufd = null;
	assert_int_equal(-EBADFD, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.iommufd = fault_fd;
	assert_int_equal(-EBADFD, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.iommufd = 1000;
	assert_int_equal(-EBADF, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.iommufd = fd;
	bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	bind.token_uuid_ptr = (uintptr_t)uuid;
	assert_int_equal(-EINVAL, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.token_uuid_ptr = 8;
	assert_int_equal(-EFAULT, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.flags = 1u << 5;
	assert_int_equal(-EINVAL, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.flags = 0;
	assert_int_equal(0, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	/* Once */
	assert_int_equal(-EINVAL, ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	uiommufd_close(dev);
	uiommufd_close(fault_fd);
	uiommufd_close(fd);
	close(null);
}

/* VFIO_GROUP_GET_DEVICE_FD: the name, then options vfio-pci knows */
static void test_device_name_options(void **state)
{
	static const char *const uuid = "6a5f8e3c-1b2d-4c5e-9f10-a1b2c3d4e5f6";
	char group[16], name[128];
	int grp, ctr, dev;

	(void)state;
	snprintf(group, sizeof(group), "%u", udma_info.group);
	grp = uiommufd_vfio_group_open(group, 0);
	ctr = uiommufd_vfio_open(0);
	assert_true(grp >= 0 && ctr >= 0);
	assert_int_equal(0, ioc(grp, VFIO_GROUP_SET_CONTAINER, &ctr));
	assert_int_equal(0, uiommufd_ioctl(ctr, VFIO_SET_IOMMU,
					   VFIO_TYPE1v2_IOMMU));
	/* Spaces after the name are fine */
	snprintf(name, sizeof(name), "%s  ", udma_info.name);
	dev = (int)ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name);
	assert_true(dev >= 0);
	uiommufd_close(dev);
	/* A longer name is another device */
	snprintf(name, sizeof(name), "%s1", udma_info.name);
	assert_int_equal(-ENODEV, ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name));
	/* A VF token for a device that is no VF nor PF with VFs */
	snprintf(name, sizeof(name), "%s vf_token=%s", udma_info.name, uuid);
	assert_int_equal(-EINVAL, ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name));
	snprintf(name, sizeof(name), "%s vf_token=%.35sz", udma_info.name,
		 uuid);
	assert_int_equal(-EINVAL, ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name));
	snprintf(name, sizeof(name), "%s vf_token=1234", udma_info.name);
	assert_int_equal(-EINVAL, ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name));
	snprintf(name, sizeof(name), "%s speed=1", udma_info.name);
	assert_int_equal(-EINVAL, ioc(grp, VFIO_GROUP_GET_DEVICE_FD, name));
	uiommufd_close(grp);
	uiommufd_close(ctr);
}

static long set_irqs(int dev, uint32_t index, uint32_t flags, uint32_t start,
		     uint32_t count, const void *data, size_t len)
{
	/* The header and up to 16 bytes of data, as one aligned buffer */
	uint64_t buf[(sizeof(struct vfio_irq_set) + 16 + 7) / 8] = {0};
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	*set = (struct vfio_irq_set){
		.argsz = (uint32_t)(sizeof(*set) + len),
		.flags = flags,
		.index = index,
		.start = start,
		.count = count,
	};
	if (len)
		memcpy(set->data, data, len);
	return ioc(dev, VFIO_DEVICE_SET_IRQS, set);
}

/* Was the eventfd signaled (and reset)? */
static bool fired(int efd)
{
	struct pollfd p = {.fd = efd, .events = POLLIN};
	uint64_t n;

	if (poll(&p, 1, 1000) != 1)
		return false;
	return read(efd, &n, sizeof(n)) == sizeof(n);
}

static bool quiet(int efd)
{
	struct pollfd p = {.fd = efd, .events = POLLIN};

	return poll(&p, 1, 0) == 0;
}

/*
 * edu's INTx through VFIO_DEVICE_SET_IRQS: triggers by the device and by
 * the user (DATA_NONE, DATA_BOOL), the automatic mask, mask and unmask by
 * DATA_BOOL and by an unmask eventfd; ERR and REQ triggered by the user.
 */
static void test_intx_and_triggers(void **state)
{
	const uint32_t trig = VFIO_IRQ_SET_ACTION_TRIGGER;
	const uint32_t efd_flags = VFIO_IRQ_SET_DATA_EVENTFD;
	const uint32_t bool_flags = VFIO_IRQ_SET_DATA_BOOL;
	const uint32_t none = VFIO_IRQ_SET_DATA_NONE;
	struct fx *f = *state;
	int d = f->dev, intx = eventfd(0, EFD_NONBLOCK);
	int unmask = eventfd(0, EFD_NONBLOCK), err = eventfd(0, EFD_NONBLOCK);
	uint16_t cmd = 0x2 | 0x4;
	uint8_t yes = 1, no = 0;
	int32_t minus1 = -1, minus2 = -2;

	assert_int_equal(2, uiommufd_pwrite(d, &cmd, 2, CFG(4)));
	assert_int_equal(0,
			 set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, efd_flags | trig,
				  0, 1, &intx, sizeof(intx)));
	/* The device raises: signaled, and masked until unmasked */
	wr(d, BAR0(0x60), 0x1, 4);
	assert_true(fired(intx));
	wr(d, BAR0(0x64), 0x1, 4);
	wr(d, BAR0(0x60), 0x1, 4);
	assert_true(quiet(intx));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     bool_flags | VFIO_IRQ_SET_ACTION_UNMASK, 0,
				     1, &yes, 1));
	assert_true(fired(intx));
	wr(d, BAR0(0x64), 0x1, 4);
	/* The user triggers it too */
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, none | trig, 0,
				     1, NULL, 0));
	assert_true(fired(intx));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     none | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
				     NULL, 0));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     bool_flags | trig, 0, 1, &no, 1));
	assert_true(quiet(intx));
	/* Masked by the user: a raise waits, an unmask eventfd lets it out */
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     bool_flags | VFIO_IRQ_SET_ACTION_MASK, 0,
				     1, &yes, 1));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     bool_flags | VFIO_IRQ_SET_ACTION_MASK, 0,
				     1, &no, 1));
	wr(d, BAR0(0x60), 0x1, 4);
	assert_true(quiet(intx));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     efd_flags | VFIO_IRQ_SET_ACTION_UNMASK, 0,
				     1, &unmask, sizeof(unmask)));
	assert_int_equal(-EBUSY,
			 set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				  efd_flags | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
				  &unmask, sizeof(unmask)));
	eventfd_write(unmask, 1);
	assert_true(fired(intx));
	wr(d, BAR0(0x64), 0x1, 4);
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				     efd_flags | VFIO_IRQ_SET_ACTION_UNMASK, 0,
				     1, &minus1, sizeof(minus1)));
	/* What INTx does not take */
	assert_int_equal(-ENOTTY, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
					   efd_flags | VFIO_IRQ_SET_ACTION_MASK,
					   0, 1, &unmask, sizeof(unmask)));
	assert_int_equal(-EINVAL,
			 set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
				  bool_flags | VFIO_IRQ_SET_ACTION_UNMASK, 1, 1,
				  &yes, 1));

	/* REQ: a trigger only the user fires here */
	assert_int_equal(-EINVAL, set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
					   none | trig, 0, 1, NULL, 0));
	assert_int_equal(-EINVAL,
			 set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, efd_flags | trig,
				  0, 1, &minus2, sizeof(minus2)));
	assert_int_equal(0,
			 set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, efd_flags | trig,
				  0, 1, &err, sizeof(err)));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
				     bool_flags | trig, 0, 1, &yes, 1));
	assert_true(fired(err));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
				     bool_flags | trig, 0, 1, &no, 1));
	assert_true(quiet(err));
	assert_int_equal(-EINVAL, set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
					   bool_flags | trig, 0, 0, &yes, 1));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, none | trig, 0,
				     0, NULL, 0));
	/* Not an eventfd; ERR without a PCIe capability has no vector */
	assert_int_equal(-EINVAL,
			 set_irqs(d, VFIO_PCI_ERR_IRQ_INDEX, efd_flags | trig,
				  0, 1, &err, sizeof(err)));
	assert_int_equal(-EINVAL,
			 set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX, efd_flags | trig,
				  0, 1, &d, sizeof(d)));
	assert_int_equal(0, set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, none | trig, 0,
				     0, NULL, 0));
	close(intx);
	close(unmask);
	close(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udma_registers, setup_udma,
						teardown),
		cmocka_unit_test_setup_teardown(test_udma_errors, setup_udma,
						teardown),
		cmocka_unit_test_setup_teardown(test_edu, setup_edu, teardown),
		cmocka_unit_test_setup_teardown(test_device_features,
						setup_udma, teardown),
		cmocka_unit_test_setup_teardown(test_fdinfo, setup_udma,
						teardown),
		cmocka_unit_test_setup_teardown(test_position, setup_udma,
						teardown),
		cmocka_unit_test_setup_teardown(test_intx_and_triggers,
						setup_edu, teardown),
		cmocka_unit_test(test_bind_arguments),
		cmocka_unit_test(test_device_name_options),
	};

	if (uiommufd_devices_add(
		    "udma,name=0000:60:01.0;edu,name=0000:60:02.0"))
		return 1;
	if (uiommufd_device_info(0, &udma_info) ||
	    uiommufd_device_info(1, &edu_info))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
