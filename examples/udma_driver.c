// SPDX-License-Identifier: MIT
/*
 * udma-driver: a userspace driver for the udma DMA engine, written as one
 * for a real PCI device behind a real IOMMU: it finds the device in sysfs,
 * opens it through VFIO, gives it an IO address space, maps buffers, and
 * programs copies that the device does by DMA, waiting for its interrupt
 * on an eventfd.
 *
 * It reaches the device both ways VFIO offers:
 *   cdev       /dev/vfio/devices/vfioN bound to /dev/iommu (iommufd)
 *   container  /dev/vfio/<group> in a /dev/vfio/vfio type1 container
 * and checks the IOMMU's promises: a DMA to an unmapped or read-only IOVA
 * fails its descriptor and leaves memory alone, and a detached device
 * cannot DMA at all.
 *
 *   uiommufd-run --device udma -- udma-driver [--path cdev|container|both]
 *                                             [--mib N] [BDF]
 *
 * Only the kernel's uAPI is used (<uiommufd/vfio.h> and <uiommufd/iommufd.h>
 * are ABI-identical to Linux 7.2's): under uiommufd-run the emulated
 * device answers, and on a kernel with such a device the same binary runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define RING_ENTRIES 256
#define HUGE_2M	     (2UL << 20)
#define CHUNK	     HUGE_2M /* bytes per copy descriptor */

/* IOVAs the driver chooses: fixed, far from the MSI window */
#define IOVA_RING 0x100000000ULL
#define IOVA_WB	  0x100001000ULL
#define IOVA_SRC  0x200000000ULL
#define IOVA_DST  0x300000000ULL
#define IOVA_RO	  0x400000000ULL
#define IOVA_HOLE 0x500000000ULL /* never mapped */

enum path { PATH_CDEV, PATH_CONTAINER };

struct udma_dev {
	enum path path;
	char bdf[NAME_MAX + 1];
	int devfd;
	int iommufd; /* cdev path */
	uint32_t dev_id, ioas_id;
	int container, group; /* container path */
	uint64_t bar0, cfg;   /* region offsets in the device file */
	int irqfd;
	/* Host memory the device reaches */
	struct udma_desc *ring;
	uint32_t *wb;
	char *src, *dst, *ro;
	size_t len;
	uint32_t head;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len + HUGE_2M, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		die("mmap");
	/* 2 MiB aligned, so the IOMMU can use 2 MiB pages */
	a = ((uintptr_t)p + HUGE_2M - 1) & ~(HUGE_2M - 1);
	madvise((void *)a, len, MADV_HUGEPAGE);
	return (void *)a;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Finding the device */

static bool sysfs_hex(const char *bdf, const char *file, unsigned int *v)
{
	char path[PATH_MAX];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%x", v) == 1;
	fclose(f);
	return ok;
}

/* The first udma bound to vfio-pci, as lspci -d would find it */
static bool find_udma(char *bdf, size_t size)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	unsigned int vendor, device;
	bool found = false;

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		found = sysfs_hex(e->d_name, "vendor", &vendor) &&
			sysfs_hex(e->d_name, "device", &device) &&
			vendor == UDMA_VENDOR_ID && device == UDMA_DEVICE_ID;
		if (found)
			snprintf(bdf, size, "%s", e->d_name);
	}
	closedir(d);
	return found;
}

static int group_of(const char *bdf)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink iommu_group");
	link[n] = '\0';
	return atoi(strrchr(link, '/') + 1);
}

/* /dev/vfio/devices/vfioN from <bdf>/vfio-dev/vfioN, as QEMU finds it */
static int open_cdev(const char *bdf)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d)
		die("opendir vfio-dev");
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(path, sizeof(path), "/dev/vfio/devices/%s",
				 e->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			break;
		}
	closedir(d);
	if (fd < 0)
		die("open vfio cdev");
	printf("  opened %s\n", path);
	return fd;
}

/* Mapping memory for the device */

static void dma_map(struct udma_dev *u, void *va, uint64_t iova, size_t len,
		    bool writable)
{
	if (u->path == PATH_CDEV) {
		struct iommu_ioas_map map = {
			.size = sizeof(map),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 (writable ? IOMMU_IOAS_MAP_WRITEABLE : 0),
			.ioas_id = u->ioas_id,
			.user_va = (uintptr_t)va,
			.length = len,
			.iova = iova,
		};

		if (ioctl(u->iommufd, IOMMU_IOAS_MAP, &map))
			die("IOMMU_IOAS_MAP");
	} else {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ |
				 (writable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
			.vaddr = (uintptr_t)va,
			.iova = iova,
			.size = len,
		};

		if (ioctl(u->container, VFIO_IOMMU_MAP_DMA, &map))
			die("VFIO_IOMMU_MAP_DMA");
	}
}

static void dma_unmap_all(struct udma_dev *u)
{
	if (u->path == PATH_CDEV) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap),
			.ioas_id = u->ioas_id,
			.length = UINT64_MAX,
		};

		if (ioctl(u->iommufd, IOMMU_IOAS_UNMAP, &unmap))
			die("IOMMU_IOAS_UNMAP");
	} else {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.flags = VFIO_DMA_UNMAP_FLAG_ALL,
		};

		if (ioctl(u->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
			die("VFIO_IOMMU_UNMAP_DMA");
	}
}

/* Opening: the two VFIO paths */

static void print_iova_ranges(struct udma_dev *u)
{
	struct iommu_iova_range ranges[8];
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = u->ioas_id,
		.num_iovas = 8,
		.allowed_iovas = (uintptr_t)ranges,
	};

	if (ioctl(u->iommufd, IOMMU_IOAS_IOVA_RANGES, &cmd))
		die("IOMMU_IOAS_IOVA_RANGES");
	printf("  usable IOVA:");
	for (uint32_t i = 0; i != cmd.num_iovas && i != 8; i++)
		printf(" [%#" PRIx64 ", %#" PRIx64 "]",
		       (uint64_t)ranges[i].start, (uint64_t)ranges[i].last);
	printf("\n");
}

static void open_by_cdev(struct udma_dev *u)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt attach = {.argsz = sizeof(attach)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};

	u->devfd = open_cdev(u->bdf);
	u->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (u->iommufd < 0)
		die("open /dev/iommu");
	bind.iommufd = u->iommufd;
	if (ioctl(u->devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		die("VFIO_DEVICE_BIND_IOMMUFD");
	u->dev_id = bind.out_devid;
	if (ioctl(u->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		die("IOMMU_IOAS_ALLOC");
	u->ioas_id = alloc.out_ioas_id;
	attach.pt_id = u->ioas_id;
	if (ioctl(u->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	printf("  bound to /dev/iommu as device %u, attached to IOAS %u "
	       "(through HWPT %u)\n",
	       u->dev_id, u->ioas_id, attach.pt_id);
	print_iova_ranges(u);
}

static void open_by_container(struct udma_dev *u)
{
	struct vfio_group_status status = {.argsz = sizeof(status)};
	struct vfio_iommu_type1_info info = {.argsz = sizeof(info)};
	char path[64];
	int group = group_of(u->bdf);

	u->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (u->container < 0)
		die("open /dev/vfio/vfio");
	if (ioctl(u->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(u->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) !=
		    1) {
		fprintf(stderr, "no VFIO type1v2 IOMMU\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	u->group = open(path, O_RDWR | O_CLOEXEC);
	if (u->group < 0)
		die("open group");
	if (ioctl(u->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "group %d is not viable\n", group);
		exit(1);
	}
	if (ioctl(u->group, VFIO_GROUP_SET_CONTAINER, &u->container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(u->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	if (ioctl(u->container, VFIO_IOMMU_GET_INFO, &info))
		die("VFIO_IOMMU_GET_INFO");
	u->devfd = ioctl(u->group, VFIO_GROUP_GET_DEVICE_FD, u->bdf);
	if (u->devfd < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
	printf("  opened %s in container, IOMMU page sizes %#" PRIx64 "\n",
	       path, (uint64_t)info.iova_pgsizes);
}

/* The device: regions, config space, registers, interrupts */

static uint64_t region_offset(struct udma_dev *u, uint32_t index,
			      uint64_t *size, uint32_t *flags)
{
	struct vfio_region_info info = {.argsz = sizeof(info), .index = index};

	if (ioctl(u->devfd, VFIO_DEVICE_GET_REGION_INFO, &info))
		die("VFIO_DEVICE_GET_REGION_INFO");
	*size = info.size;
	*flags = info.flags;
	return info.offset;
}

static uint32_t reg_read(struct udma_dev *u, uint32_t reg)
{
	uint32_t v;

	if (pread(u->devfd, &v, 4, (off_t)(u->bar0 + reg)) != 4)
		die("pread BAR0");
	return v;
}

static void reg_write(struct udma_dev *u, uint32_t reg, uint32_t v)
{
	if (pwrite(u->devfd, &v, 4, (off_t)(u->bar0 + reg)) != 4)
		die("pwrite BAR0");
}

static void reg_write64(struct udma_dev *u, uint32_t reg, uint64_t v)
{
	reg_write(u, reg, (uint32_t)v);
	reg_write(u, reg + 4, (uint32_t)(v >> 32));
}

static void setup_device(struct udma_dev *u)
{
	struct vfio_device_info dinfo = {.argsz = sizeof(dinfo)};
	struct vfio_irq_info irq = {.argsz = sizeof(irq),
				    .index = VFIO_PCI_MSIX_IRQ_INDEX};
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	uint64_t size, mem_size, mem_off;
	uint32_t flags, mem_flags;
	uint16_t cmd;
	void *bar2;

	if (ioctl(u->devfd, VFIO_DEVICE_GET_INFO, &dinfo))
		die("VFIO_DEVICE_GET_INFO");
	if (!(dinfo.flags & VFIO_DEVICE_FLAGS_PCI)) {
		fprintf(stderr, "not a PCI device\n");
		exit(1);
	}
	u->cfg = region_offset(u, VFIO_PCI_CONFIG_REGION_INDEX, &size, &flags);
	u->bar0 = region_offset(u, VFIO_PCI_BAR0_REGION_INDEX, &size, &flags);
	mem_off = region_offset(u, VFIO_PCI_BAR2_REGION_INDEX, &mem_size,
				&mem_flags);
	if (reg_read(u, UDMA_REG_ID) != UDMA_ID) {
		fprintf(stderr, "not a udma\n");
		exit(1);
	}
	if (ioctl(u->devfd, VFIO_DEVICE_GET_IRQ_INFO, &irq))
		die("VFIO_DEVICE_GET_IRQ_INFO");
	/* The device's own memory: mapped, written, read back */
	if (!(mem_flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		fprintf(stderr, "BAR2 cannot be mapped\n");
		exit(1);
	}
	bar2 = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    u->devfd, (off_t)mem_off);
	if (bar2 == MAP_FAILED)
		die("mmap BAR2");
	memcpy(bar2, "hello", 6);
	munmap(bar2, mem_size);
	printf("  %u regions, %u irq types: BAR0 %" PRIu64
	       " KiB registers, BAR2 %" PRIu64 " KiB memory (mmap), MSI-X %u "
	       "vectors, version %#x\n",
	       dinfo.num_regions, dinfo.num_irqs, size >> 10, mem_size >> 10,
	       irq.count, reg_read(u, UDMA_REG_VERSION));

	/* Let it decode memory and master the bus */
	if (pread(u->devfd, &cmd, 2, (off_t)(u->cfg + PCI_COMMAND)) != 2)
		die("pread config");
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(u->devfd, &cmd, 2, (off_t)(u->cfg + PCI_COMMAND)) != 2)
		die("pwrite config");

	/* MSI-X vector 0 (DONE) signals our eventfd */
	u->irqfd = eventfd(0, EFD_CLOEXEC);
	if (u->irqfd < 0)
		die("eventfd");
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &u->irqfd, sizeof(int32_t));
	if (ioctl(u->devfd, VFIO_DEVICE_SET_IRQS, set))
		die("VFIO_DEVICE_SET_IRQS");
}

static void setup_memory(struct udma_dev *u)
{
	u->ring = map_anon(4096);
	u->wb = (uint32_t *)((char *)map_anon(4096));
	u->src = map_anon(u->len);
	u->dst = map_anon(u->len);
	u->ro = map_anon(HUGE_2M);
	dma_map(u, u->ring, IOVA_RING, 4096, true);
	dma_map(u, u->wb, IOVA_WB, 4096, true);
	dma_map(u, u->src, IOVA_SRC, u->len, false);
	dma_map(u, u->dst, IOVA_DST, u->len, true);
	dma_map(u, u->ro, IOVA_RO, HUGE_2M, false);
	memset(u->ring, 0, 4096);
}

static void engine_start(struct udma_dev *u)
{
	reg_write(u, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
	reg_write64(u, UDMA_REG_RING_BASE, IOVA_RING);
	reg_write(u, UDMA_REG_RING_SIZE, RING_ENTRIES);
	reg_write64(u, UDMA_REG_WB_ADDR, IOVA_WB);
	reg_write(u, UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE | UDMA_IRQ_ERROR);
	reg_write(u, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	u->head = 0;
	*u->wb = 0;
}

static struct udma_desc *queue(struct udma_dev *u, uint32_t op, uint64_t src,
			       uint64_t dst, uint32_t len)
{
	struct udma_desc *d = &u->ring[u->head];

	d->op = op;
	d->status = UDMA_DESC_PENDING;
	d->src = src;
	d->dst = dst;
	d->len = len;
	u->head = (u->head + 1) % RING_ENTRIES;
	return d;
}

/* Ring the doorbell and wait for the DONE interrupt of the last one */
static bool kick_and_wait(struct udma_dev *u, int timeout_ms)
{
	struct pollfd pfd = {.fd = u->irqfd, .events = POLLIN};
	uint64_t n;

	__atomic_thread_fence(__ATOMIC_RELEASE);
	reg_write(u, UDMA_REG_RING_HEAD, u->head);
	if (poll(&pfd, 1, timeout_ms) != 1)
		return false;
	if (read(u->irqfd, &n, sizeof(n)) != sizeof(n))
		die("read eventfd");
	reg_write(u, UDMA_REG_IRQ_STATUS, UDMA_IRQ_DONE | UDMA_IRQ_ERROR);
	return true;
}

static const char *err_name(uint32_t code)
{
	switch (code) {
	case UDMA_ERR_BAD_OP:
		return "BAD_OP";
	case UDMA_ERR_SRC_FAULT:
		return "SRC_FAULT";
	case UDMA_ERR_DST_FAULT:
		return "DST_FAULT";
	case UDMA_ERR_RING_FAULT:
		return "RING_FAULT";
	case UDMA_ERR_STATUS_FAULT:
		return "STATUS_FAULT";
	case UDMA_ERR_WB_FAULT:
		return "WB_FAULT";
	default:
		return "none";
	}
}

static int failures;

static void check(bool ok, const char *what)
{
	printf("  %-58s %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

/* The copies the driver is for, and the throughput of the engine */
static void test_copy(struct udma_dev *u)
{
	size_t chunks = u->len / CHUNK;
	struct udma_desc *last = NULL;
	double t0, t1;
	bool ok;

	for (size_t i = 0; i != u->len; i += 8)
		*(uint64_t *)(u->src + i) = i * 0x9e3779b97f4a7c15ULL;
	memset(u->dst, 0, u->len);
	t0 = now();
	for (size_t i = 0; i != chunks; i++)
		last = queue(u,
			     UDMA_OP_COPY | (i + 1 == chunks ? UDMA_OP_IRQ : 0),
			     IOVA_SRC + i * CHUNK, IOVA_DST + i * CHUNK, CHUNK);
	ok = kick_and_wait(u, 10000);
	t1 = now();
	ok = ok && last->status == UDMA_DESC_DONE && *u->wb == u->head &&
	     !memcmp(u->src, u->dst, u->len);
	printf("  copied %zu MiB in %zu descriptors: %.2f GiB/s\n",
	       u->len >> 20, chunks, (double)u->len / (t1 - t0) / (1 << 30));
	check(ok, "copy through the IOMMU, data checked");

	last = queue(u, UDMA_OP_FILL | UDMA_OP_IRQ, 0x0123456789abcdefULL,
		     IOVA_DST, 4096);
	ok = kick_and_wait(u, 5000) && last->status == UDMA_DESC_DONE &&
	     *(uint64_t *)u->dst == 0x0123456789abcdefULL;
	check(ok, "fill through the IOMMU");
}

/* A faulting descriptor fails and leaves memory as it was */
static void test_faults(struct udma_dev *u)
{
	struct udma_desc *d;
	char before[64];
	bool ok;

	memcpy(before, u->ro, sizeof(before));
	d = queue(u, UDMA_OP_COPY | UDMA_OP_IRQ, IOVA_SRC, IOVA_HOLE, 4096);
	ok = kick_and_wait(u, 5000) &&
	     d->status == (UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT);
	check(ok, "DMA to an unmapped IOVA fails (DST_FAULT)");

	d = queue(u, UDMA_OP_COPY | UDMA_OP_IRQ, IOVA_SRC, IOVA_RO, 4096);
	ok = kick_and_wait(u, 5000) &&
	     d->status == (UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT) &&
	     !memcmp(before, u->ro, sizeof(before));
	check(ok, "DMA to a read-only IOVA fails, memory untouched");

	/* The copy that would cross into the hole touches nothing either */
	memset(u->dst + u->len - 4096, 0x5a, 4096);
	d = queue(u, UDMA_OP_COPY | UDMA_OP_IRQ, IOVA_SRC,
		  IOVA_DST + u->len - 4096, 8192);
	ok = kick_and_wait(u, 5000) &&
	     d->status == (UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT) &&
	     (unsigned char)u->dst[u->len - 1] == 0x5a;
	check(ok, "a copy running off a mapping writes nothing");
	printf("  last error: %s at IOVA %#" PRIx64 "\n",
	       err_name(reg_read(u, UDMA_REG_ERR_CODE)),
	       (uint64_t)reg_read(u, UDMA_REG_ERR_ADDR) |
		       (uint64_t)reg_read(u, UDMA_REG_ERR_ADDR + 4) << 32);
}

/* Without a domain the device reaches nothing, not even its ring */
static void test_detach(struct udma_dev *u)
{
	struct vfio_device_detach_iommufd_pt detach = {.argsz = sizeof(detach)};
	struct vfio_device_attach_iommufd_pt attach = {.argsz = sizeof(attach),
						       .pt_id = u->ioas_id};
	struct udma_desc *d;
	bool ok;

	if (u->path != PATH_CDEV)
		return;
	if (ioctl(u->devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach))
		die("VFIO_DEVICE_DETACH_IOMMUFD_PT");
	d = queue(u, UDMA_OP_FILL | UDMA_OP_IRQ, 0, IOVA_DST, 4096);
	memset(u->dst, 0x11, 4096);
	reg_write(u, UDMA_REG_RING_HEAD, u->head);
	for (int i = 0;
	     i != 500 && !(reg_read(u, UDMA_REG_STATUS) & UDMA_STATUS_HALTED);
	     i++)
		usleep(1000);
	ok = (reg_read(u, UDMA_REG_STATUS) & UDMA_STATUS_HALTED) &&
	     reg_read(u, UDMA_REG_ERR_CODE) == UDMA_ERR_RING_FAULT &&
	     d->status == UDMA_DESC_PENDING && u->dst[0] == 0x11;
	check(ok, "a detached device cannot DMA (engine halts)");
	if (ioctl(u->devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	engine_start(u);
	d = queue(u, UDMA_OP_FILL | UDMA_OP_IRQ, 0, IOVA_DST, 4096);
	ok = kick_and_wait(u, 5000) && d->status == UDMA_DESC_DONE &&
	     u->dst[0] == 0;
	check(ok, "attached again, it DMAs again");
}

static void show_fdinfo(int fd, const char *what)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return;
	printf("  %s (%s):\n", what, path);
	while (fgets(line, sizeof(line), f))
		printf("    %s", line);
	fclose(f);
}

static void run(enum path path, const char *bdf, size_t len)
{
	struct udma_dev u = {.path = path,
			     .len = len,
			     .iommufd = -1,
			     .container = -1,
			     .group = -1};

	snprintf(u.bdf, sizeof(u.bdf), "%s", bdf);
	printf("%s path, device %s (IOMMU group %d):\n",
	       path == PATH_CDEV ? "cdev" : "container", bdf, group_of(bdf));
	if (path == PATH_CDEV)
		open_by_cdev(&u);
	else
		open_by_container(&u);
	setup_device(&u);
	setup_memory(&u);
	engine_start(&u);
	test_copy(&u);
	test_faults(&u);
	test_detach(&u);
	show_fdinfo(path == PATH_CDEV ? u.iommufd : u.container,
		    path == PATH_CDEV ? "the iommufd" : "the container");

	reg_write(&u, UDMA_REG_CONTROL, 0);
	dma_unmap_all(&u);
	close(u.irqfd);
	close(u.devfd);
	if (u.group >= 0)
		close(u.group);
	if (u.container >= 0)
		close(u.container);
	if (u.iommufd >= 0)
		close(u.iommufd);
}

int main(int argc, char **argv)
{
	bool cdev = true, container = true;
	size_t mib = 64;
	char bdf[NAME_MAX + 1] = "";

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--path") && i + 1 < argc) {
			i++;
			cdev = !strcmp(argv[i], "cdev") ||
			       !strcmp(argv[i], "both");
			container = !strcmp(argv[i], "container") ||
				    !strcmp(argv[i], "both");
		} else if (!strcmp(argv[i], "--mib") && i + 1 < argc) {
			mib = strtoul(argv[++i], NULL, 0);
		} else if (argv[i][0] != '-') {
			snprintf(bdf, sizeof(bdf), "%s", argv[i]);
		} else {
			fprintf(stderr,
				"usage: %s [--path cdev|container|both] "
				"[--mib N] [BDF]\n",
				argv[0]);
			return 2;
		}
	}
	if (!bdf[0] && !find_udma(bdf, sizeof(bdf))) {
		fprintf(stderr, "no udma device (run under uiommufd-run "
				"--device udma)\n");
		return 1;
	}
	mib = mib < 2 ? 2 : mib & ~1UL;
	if (cdev)
		run(PATH_CDEV, bdf, mib << 20);
	if (container)
		run(PATH_CONTAINER, bdf, mib << 20);
	printf("%s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
