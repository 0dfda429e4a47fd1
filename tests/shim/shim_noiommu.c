// SPDX-License-Identifier: MIT
/*
 * The experimental no-IOMMU mode as an unmodified program sees it under
 * uiommufd-run, with one device, "udma,noiommu":
 *
 *   shim_noiommu on    (--experimental=noiommu) the cdev is
 *                      /dev/vfio/devices/noiommu-vfio0, listed and in
 *                      sysfs; it binds, attaches, and GET_PA gives where
 *                      the mapped buffer is
 *   shim_noiommu off   no cdev by either name; the ioctl is ENOTTY
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/experimental.h>
#include <uiommufd/vfio.h>

#include "../lib/check.h"

#define NODE  "/dev/vfio/devices/noiommu-vfio0"
#define IOVA  0x100000UL
#define BYTES 0x4000UL

/* Is @name in the directory @dir? */
static int listed(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, name);
	if (d)
		closedir(d);
	return found;
}

static uint32_t ioas_with_buffer(int fd, void *buf)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)buf,
		.length = BYTES,
		.iova = IOVA,
	};

	CHECK(!ioctl(fd, IOMMU_IOAS_ALLOC, &alloc));
	map.ioas_id = alloc.out_ioas_id;
	CHECK(!ioctl(fd, IOMMU_IOAS_MAP, &map));
	return alloc.out_ioas_id;
}

static void on(int fd, void *buf)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind),
						.iommufd = fd};
	struct vfio_device_attach_iommufd_pt attach = {.argsz = sizeof(attach)};
	struct iommu_ioas_noiommu_get_pa pa = {.size = sizeof(pa),
					       .iova = IOVA + 0x10};
	int dev = open(NODE, O_RDWR | O_CLOEXEC);

	CHECK(listed("/dev/vfio/devices", "noiommu-vfio0"));
	CHECK(listed("/sys/class/vfio-dev", "noiommu-vfio0"));
	CHECK(access("/dev/vfio/devices/vfio0", F_OK) && errno == ENOENT);
	CHECK(dev >= 0);
	CHECK(!ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	attach.pt_id = ioas_with_buffer(fd, buf);
	pa.ioas_id = attach.pt_id;
	CHECK(!ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach));
	CHECK(!ioctl(fd, IOMMU_IOAS_NOIOMMU_GET_PA, &pa));
	CHECK(pa.out_phys == (uintptr_t)buf + 0x10);
	CHECK(pa.length == BYTES - 0x10);
	close(dev);
}

static void off(int fd, void *buf)
{
	struct iommu_ioas_noiommu_get_pa pa = {.size = sizeof(pa),
					       .iova = IOVA};

	CHECK(!listed("/dev/vfio/devices", "noiommu-vfio0"));
	CHECK(open(NODE, O_RDWR) < 0 && errno == ENOENT);
	pa.ioas_id = ioas_with_buffer(fd, buf);
	CHECK(ioctl(fd, IOMMU_IOAS_NOIOMMU_GET_PA, &pa) < 0 && errno == ENOTTY);
}

int main(int argc, char **argv)
{
	void *buf = mmap(NULL, BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	if (argc != 2 || buf == MAP_FAILED || fd < 0)
		return 2;
	if (!strcmp(argv[1], "on"))
		on(fd, buf);
	else
		off(fd, buf);
	close(fd);
	return check_failures ? 1 : 0;
}
