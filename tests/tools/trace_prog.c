// SPDX-License-Identifier: MIT
/*
 * A program with a known sequence of iommufd calls, for the tests of the
 * tools: its decoded trace is compared with tests/tools/trace-expected.txt,
 * and the failures uiommufd-run injects into it must reach it.
 *
 *   trace_prog            the sequence (every result checked)
 *   trace_prog fail N     expects the Nth IOMMU_IOAS_MAP to fail, ENOMEM
 *   trace_prog fail-nth   expects an engine failure (ENOMEM) somewhere
 *   trace_prog caps       the INFO calls of the first VFIO device and of
 *                         the VFIO compatibility, whose capability
 *                         chains the trace decodes
 *   trace_prog serve      a small VMM: an IOAS with a map, the first VFIO
 *                         device attached to it; "ready" on stdout, then
 *                         it waits for the end of stdin (uiommufdctl's test)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/vfio.h>

#define BUF_SIZE 0x10000UL
#define IOVA	 0x100000UL

static int failures;

static void expect(const char *what, int rc, int want_errno)
{
	int got = rc < 0 ? errno : 0;

	if (got == want_errno)
		return;
	fprintf(stderr, "%s: got %s, expected %s\n", what,
		got ? strerror(got) : "success",
		want_errno ? strerror(want_errno) : "success");
	failures++;
}

static int map_fixed(int fd, unsigned int ioas, void *buf, uint64_t iova)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = BUF_SIZE,
		.iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &map);
}

static unsigned int ioas_alloc(int fd)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};

	expect("IOMMU_IOAS_ALLOC", ioctl(fd, IOMMU_IOAS_ALLOC, &alloc), 0);
	return alloc.out_ioas_id;
}

/*
 * Calls pointing to arrays, whose elements the trace decodes: a list the
 * call fills, one it reads, and entries of a format chosen by a field
 * (the HWPT does not exist: the trace still shows what was passed)
 */
static void arrays(int fd, unsigned int ioas)
{
	struct iommu_iova_range ranges[2] = {{0x1000000, 0x1ffffff},
					     {0x4000000, 0x4ffffff}};
	struct iommu_ioas_allow_iovas allow = {
		.size = sizeof(allow),
		.ioas_id = ioas,
		.num_iovas = 2,
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_ioas_iova_ranges get = {
		.size = sizeof(get),
		.ioas_id = ioas,
		.num_iovas = 2,
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_hwpt_vtd_s1_invalidate inv[2] = {
		{.addr = 0x200000,
		 .npages = 16,
		 .flags = IOMMU_VTD_INV_FLAGS_LEAF},
		{.addr = 0x400000, .npages = 1},
	};
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = 77,
		.data_uptr = (uintptr_t)inv,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = sizeof(inv[0]),
		.entry_num = 2,
	};

	struct iommu_iova_range many[10];

	for (unsigned int i = 0; i != 10; i++)
		many[i] = (struct iommu_iova_range){
			0x1000000 * (i + 1), 0x1000000 * (i + 1) + 0xfff};
	expect("allow iovas", ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow), 0);
	/* More elements than the trace shows, and an array it cannot read */
	allow.num_iovas = 10;
	allow.allowed_iovas = (uintptr_t)many;
	expect("allow many", ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow), 0);
	allow.allowed_iovas = 8;
	expect("allow fault", ioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow),
	       EFAULT);
	expect("iova ranges", ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &get), 0);
	expect("invalidate", ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd), ENOENT);
}

/* The known sequence: successes, kernel errors, an unknown ioctl */
static void sequence(int fd, void *buf)
{
	struct iommu_iova_range ranges[1];
	struct iommu_ioas_iova_ranges get = {
		.size = sizeof(get),
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET,
	};
	struct iommu_ioas_unmap unmap = {.size = sizeof(unmap),
					 .length = UINT64_MAX};
	struct iommu_destroy destroy = {.size = sizeof(destroy)};
	unsigned int ioas = ioas_alloc(fd);

	expect("map", map_fixed(fd, ioas, buf, IOVA), 0);
	expect("map over a map", map_fixed(fd, ioas, buf, IOVA + 0x8000),
	       EEXIST);
	get.ioas_id = ioas;
	expect("iova ranges", ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &get),
	       EMSGSIZE);
	arrays(fd, ioas);
	opt.object_id = ioas;
	expect("option", ioctl(fd, IOMMU_OPTION, &opt), 0);
	unmap.ioas_id = ioas;
	expect("unmap all", ioctl(fd, IOMMU_IOAS_UNMAP, &unmap), 0);
	expect("unknown ioctl", ioctl(fd, _IO(IOMMUFD_TYPE, 0x7f), 0), ENOTTY);
	/* A struct the trace cannot read, and one shorter than the kernel's */
	expect("bad pointer", ioctl(fd, IOMMU_IOAS_ALLOC, 8UL), EFAULT);
	destroy.size = 4;
	expect("short struct", ioctl(fd, IOMMU_DESTROY, &destroy), EINVAL);
	destroy.size = sizeof(destroy);
	destroy.id = ioas;
	expect("destroy", ioctl(fd, IOMMU_DESTROY, &destroy), 0);
	expect("destroy again", ioctl(fd, IOMMU_DESTROY, &destroy), ENOENT);
}

/* Three maps; the @nth must fail with ENOMEM, the others succeed */
static void injected_map(int fd, void *buf, int nth)
{
	unsigned int ioas = ioas_alloc(fd);

	for (int i = 1; i <= 3; i++) {
		int rc = map_fixed(fd, ioas, buf, IOVA * (unsigned int)i);

		expect("map", rc, i == nth ? ENOMEM : 0);
		if (i == nth && rc < 0)
			printf("map %d failed: %s, as injected\n", i,
			       strerror(errno));
	}
}

/* Bind /dev/vfio/devices/vfio0 to @fd and attach it to @ioas */
static int attach_device(int fd, unsigned int ioas)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind),
						.iommufd = fd};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = ioas,
	};
	int dev = open("/dev/vfio/devices/vfio0", O_RDWR | O_CLOEXEC);

	expect("open vfio0", dev, 0);
	expect("bind", ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind), 0);
	expect("attach", ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach), 0);
	return dev;
}

/* Every INFO call with room for its capability chain */
static int caps(int fd)
{
	unsigned int ioas = ioas_alloc(fd);
	int dev = attach_device(fd, ioas);
	union {
		struct vfio_device_info dev;
		struct vfio_region_info region;
		struct vfio_iommu_type1_info iommu;
		unsigned char room[512];
	} info;
	struct iommu_vfio_ioas compat = {.size = sizeof(compat),
					 .ioas_id = ioas,
					 .op = IOMMU_VFIO_IOAS_SET};
	unsigned int nr_regions;

	memset(&info, 0, sizeof(info));
	info.dev.argsz = sizeof(info);
	expect("device info", ioctl(dev, VFIO_DEVICE_GET_INFO, &info), 0);
	nr_regions = info.dev.num_regions;
	/* The udma device has no VGA region: EINVAL there, as the kernel */
	for (unsigned int i = 0; i != nr_regions; i++) {
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue;
		memset(&info, 0, sizeof(info));
		info.region.argsz = sizeof(info);
		info.region.index = i;
		expect("region info",
		       ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info), 0);
	}
	expect("compat ioas", ioctl(fd, IOMMU_VFIO_IOAS, &compat), 0);
	memset(&info, 0, sizeof(info));
	info.iommu.argsz = sizeof(info);
	expect("iommu info", ioctl(fd, VFIO_IOMMU_GET_INFO, &info), 0);
	close(dev);
	return failures ? 1 : 0;
}

static int serve(int fd, void *buf)
{
	unsigned int ioas = ioas_alloc(fd);
	int dev = attach_device(fd, ioas);
	char c;

	expect("map", map_fixed(fd, ioas, buf, IOVA), 0);
	if (failures)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	void *buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (buf == MAP_FAILED)
		return 2;
	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (argc > 1 && !strcmp(argv[1], "fail-nth")) {
		/* Opening the context is the engine's first failable point */
		expect("open with the first failable point failing", fd,
		       ENOMEM);
		if (fd < 0)
			printf("open failed: %s, as injected\n",
			       strerror(errno));
		return failures ? 1 : 0;
	}
	if (fd < 0) {
		perror("/dev/iommu");
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return serve(fd, buf);
	if (argc > 1 && !strcmp(argv[1], "caps"))
		return caps(fd);
	if (argc > 2 && !strcmp(argv[1], "fail"))
		injected_map(fd, buf, atoi(argv[2]));
	else
		sequence(fd, buf);
	close(fd);
	munmap(buf, BUF_SIZE);
	return failures ? 1 : 0;
}
