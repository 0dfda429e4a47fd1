// SPDX-License-Identifier: MIT
/*
 * qemu_flow - the calls QEMU makes to assign a PCI device to a guest with
 * the iommufd backend (-object iommufd -device vfio-pci,host=...,iommufd=),
 * in QEMU's order and with QEMU's checks, from its public source (about
 * v10.1: hw/vfio/iommufd.c, device.c, pci.c, region.c, helpers.c and
 * backends/iommufd.c, util/chardev_open.c). A check QEMU treats as fatal
 * fails the test; the guest's part (its RAM, a ROM, a device write into
 * guest memory during migration) is played by this program.
 *
 *   uiommufd-run --device udma -- qemu_flow [BDF]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define GUEST_RAM (64UL << 20)
#define GUEST_ROM (64UL << 10)
#define RAM_GPA	  0x0ULL
#define ROM_GPA	  0xfffc0000ULL /* under 4 GiB, as a BIOS */
#define HIGH_GPA  0x100000000ULL

static int failed;

#define FATAL(...)                                           \
	do {                                                 \
		fprintf(stderr, "qemu_flow: " __VA_ARGS__);  \
		fprintf(stderr, " (%s)\n", strerror(errno)); \
		exit(1);                                     \
	} while (0)
#define EXPECT(cond, ...)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "qemu_flow: FAILED: " __VA_ARGS__); \
			fprintf(stderr, "\n");                              \
			failed++;                                           \
		}                                                           \
	} while (0)
#define STEP(...) printf("  " __VA_ARGS__), printf("\n")

struct vdev {
	char sysfsdev[PATH_MAX];
	int fd, iommufd;
	uint32_t devid, ioas, hwpt;
	bool dirty_tracking;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
	uint8_t config[PCI_CFG_SPACE_EXP_SIZE];
	uint32_t config_size;
	void *ram, *rom;
	int ram_fd;
};

/* vfio_device_get_name + vfio_device_is_mdev */
static void find_sysfsdev(struct vdev *v, const char *bdf)
{
	char path[PATH_MAX + 16], *real;
	struct stat st;

	snprintf(v->sysfsdev, sizeof(v->sysfsdev), "/sys/bus/pci/devices/%s",
		 bdf);
	if (stat(v->sysfsdev, &st))
		FATAL("no such host device %s", v->sysfsdev);
	snprintf(path, sizeof(path), "%s/subsystem", v->sysfsdev);
	real = realpath(path, NULL);
	EXPECT(real && !strcmp(real, "/sys/bus/pci"),
	       "subsystem resolves to %s", real ? real : "nothing");
	STEP("%s: a PCI device (subsystem %s), not an mdev", bdf,
	     real ? real : "?");
	free(real);
}

/* iommufd_cdev_getfd + open_cdev: the cdev, checked against sysfs */
static int open_cdev(struct vdev *v)
{
	char path[PATH_MAX + 300], dev_path[2 * PATH_MAX + 300], buf[32];
	unsigned int major, minor;
	struct dirent *e;
	struct stat st;
	DIR *dir;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/vfio-dev", v->sysfsdev);
	dir = opendir(path);
	if (!dir)
		FATAL("opendir %s", path);
	while ((e = readdir(dir)) && strncmp(e->d_name, "vfio", 4))
		;
	if (!e)
		FATAL("no vfio cdev in %s", path);
	snprintf(dev_path, sizeof(dev_path), "%s/%s/dev", path, e->d_name);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
	closedir(dir);
	f = fopen(dev_path, "r");
	if (!f || !fgets(buf, sizeof(buf), f) ||
	    sscanf(buf, "%u:%u", &major, &minor) != 2)
		FATAL("reading %s", dev_path);
	fclose(f);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(major, minor)) {
		/* QEMU's fallback: udev's /dev/char link */
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/dev/char/%u:%u", major, minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || !S_ISCHR(st.st_mode) ||
		    st.st_rdev != makedev(major, minor))
			FATAL("no character device %u:%u", major, minor);
	}
	STEP("opened %s, a character device %u:%u as sysfs says", path, major,
	     minor);
	return fd;
}

/* iommufd_cdev_attach and its auto domains */
static void attach(struct vdev *v)
{
	struct iommu_ioas_change_process cp = {.size = sizeof(cp)};
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_hw_info hw = {.size = sizeof(hw)};
	struct iommu_hwpt_alloc ha = {.size = sizeof(ha)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};

	v->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (v->iommufd < 0)
		FATAL("open /dev/iommu");
	/* Only a CPR blocker if it fails */
	if (ioctl(v->iommufd, IOMMU_IOAS_CHANGE_PROCESS, &cp))
		STEP("IOAS_CHANGE_PROCESS: %s (live update blocked)",
		     strerror(errno));
	bind.iommufd = v->iommufd;
	if (ioctl(v->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		FATAL("VFIO_DEVICE_BIND_IOMMUFD");
	v->devid = bind.out_devid;
	if (ioctl(v->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		FATAL("IOMMU_IOAS_ALLOC");
	v->ioas = alloc.out_ioas_id;
	hw.dev_id = v->devid;
	if (ioctl(v->iommufd, IOMMU_GET_HW_INFO, &hw))
		FATAL("IOMMU_GET_HW_INFO");
	v->dirty_tracking = hw.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING;
	ha.flags = v->dirty_tracking ? IOMMU_HWPT_ALLOC_DIRTY_TRACKING : 0;
	ha.dev_id = v->devid;
	ha.pt_id = v->ioas;
	ha.data_type = IOMMU_HWPT_DATA_NONE;
	if (ioctl(v->iommufd, IOMMU_HWPT_ALLOC, &ha))
		FATAL("IOMMU_HWPT_ALLOC");
	v->hwpt = ha.out_hwpt_id;
	at.pt_id = v->hwpt;
	if (ioctl(v->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		FATAL("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	EXPECT(at.pt_id == v->hwpt, "attach changed pt_id");
	STEP("bound as device %u; IOAS %u; HWPT %u%s, attached", v->devid,
	     v->ioas, v->hwpt, v->dirty_tracking ? " with dirty tracking" : "");
}

/* vfio_iommufd_get_info: the two-call EMSGSIZE protocol */
static void iova_ranges(struct vdev *v)
{
	struct iommu_ioas_iova_ranges r = {.size = sizeof(r),
					   .ioas_id = v->ioas};
	struct iommu_iova_range *ranges;
	bool ram_ok = false, high_ok = false;

	if (!ioctl(v->iommufd, IOMMU_IOAS_IOVA_RANGES, &r) || errno != EMSGSIZE)
		FATAL("IOAS_IOVA_RANGES did not ask for room");
	ranges = calloc(r.num_iovas, sizeof(*ranges));
	r.allowed_iovas = (uintptr_t)ranges;
	if (ioctl(v->iommufd, IOMMU_IOAS_IOVA_RANGES, &r))
		FATAL("IOMMU_IOAS_IOVA_RANGES");
	for (uint32_t i = 0; i != r.num_iovas; i++) {
		ram_ok |= ranges[i].start <= RAM_GPA &&
			  ranges[i].last >= RAM_GPA + GUEST_RAM - 1;
		high_ok |= ranges[i].start <= HIGH_GPA &&
			   ranges[i].last >= HIGH_GPA + GUEST_RAM - 1;
	}
	EXPECT(ram_ok && high_ok, "guest RAM does not fit the IOVA ranges");
	EXPECT(r.out_iova_alignment && !(r.out_iova_alignment & 4095),
	       "iova alignment %" PRIu64, (uint64_t)r.out_iova_alignment);
	STEP("%u IOVA ranges, alignment %" PRIu64, r.num_iovas,
	     (uint64_t)r.out_iova_alignment);
	free(ranges);
}

/* vfio_container_dma_map: RAM with an fd goes by IOAS_MAP_FILE */
static void map_guest_memory(struct vdev *v)
{
	struct iommu_ioas_map_file mf = {.size = sizeof(mf)};
	struct iommu_ioas_map m = {.size = sizeof(m)};

	v->ram_fd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (v->ram_fd < 0 || ftruncate(v->ram_fd, GUEST_RAM))
		FATAL("guest RAM");
	v->ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->ram_fd, 0);
	v->rom = mmap(NULL, GUEST_ROM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED || v->rom == MAP_FAILED)
		FATAL("mmap guest memory");
	memset(v->rom, 0x90, GUEST_ROM);
	mf.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		   IOMMU_IOAS_MAP_WRITEABLE;
	mf.ioas_id = v->ioas;
	mf.fd = v->ram_fd;
	mf.start = 0;
	mf.length = GUEST_RAM / 2;
	mf.iova = RAM_GPA;
	if (ioctl(v->iommufd, IOMMU_IOAS_MAP_FILE, &mf))
		FATAL("IOMMU_IOAS_MAP_FILE low RAM");
	mf.start = GUEST_RAM / 2;
	mf.iova = HIGH_GPA;
	if (ioctl(v->iommufd, IOMMU_IOAS_MAP_FILE, &mf))
		FATAL("IOMMU_IOAS_MAP_FILE high RAM");
	/* The BIOS is read-only for devices */
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE;
	m.ioas_id = v->ioas;
	m.user_va = (uintptr_t)v->rom;
	m.length = GUEST_ROM;
	m.iova = ROM_GPA;
	if (ioctl(v->iommufd, IOMMU_IOAS_MAP, &m))
		FATAL("IOMMU_IOAS_MAP ROM");
	STEP("guest RAM mapped from its memfd at %#llx and %#llx, ROM "
	     "read-only at %#llx",
	     RAM_GPA, HIGH_GPA, ROM_GPA);
}

/* vfio_device_get_region_info: grow argsz as asked */
static void region_info(struct vdev *v, uint32_t index)
{
	struct vfio_region_info *info = calloc(1, sizeof(*info));
	uint32_t argsz = sizeof(*info);

	for (;;) {
		info->argsz = argsz;
		info->index = index;
		if (ioctl(v->fd, VFIO_DEVICE_GET_REGION_INFO, info))
			FATAL("GET_REGION_INFO %u", index);
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		info = realloc(info, argsz);
	}
	v->regions[index] = *info;
	EXPECT(info->size == 0 || info->offset == (uint64_t)index << 40,
	       "region %u at %#llx", index, (unsigned long long)info->offset);
	free(info);
}

/* vfio_pci_populate_device + vfio_pci_config_setup */
static void populate(struct vdev *v)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct vfio_irq_info irq = {.argsz = sizeof(irq)};
	uint32_t rom, ones = ~0x7ffu;
	uint8_t pos;

	if (ioctl(v->fd, VFIO_DEVICE_GET_INFO, &info))
		FATAL("VFIO_DEVICE_GET_INFO");
	EXPECT(info.flags & VFIO_DEVICE_FLAGS_PCI, "not PCI");
	EXPECT(info.num_regions >= VFIO_PCI_CONFIG_REGION_INDEX + 1 &&
		       info.num_irqs >= VFIO_PCI_MSIX_IRQ_INDEX + 1,
	       "too few regions or irqs");
	for (uint32_t i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++)
		region_info(v, i);
	v->config_size =
		(uint32_t)v->regions[VFIO_PCI_CONFIG_REGION_INDEX].size;
	if (pread(v->fd, v->config, v->config_size,
		  (off_t)v->regions[VFIO_PCI_CONFIG_REGION_INDEX].offset) !=
	    (ssize_t)v->config_size)
		FATAL("reading config space");
	/* vfio_pci_size_rom */
	pread(v->fd, &rom, 4, (off_t)(v->regions[7].offset + PCI_ROM_ADDRESS));
	pwrite(v->fd, &ones, 4,
	       (off_t)(v->regions[7].offset + PCI_ROM_ADDRESS));
	pread(v->fd, &ones, 4, (off_t)(v->regions[7].offset + PCI_ROM_ADDRESS));
	pwrite(v->fd, &rom, 4, (off_t)(v->regions[7].offset + PCI_ROM_ADDRESS));
	EXPECT(!(ones & PCI_ROM_ADDRESS_MASK) == !v->regions[6].size,
	       "ROM sizing disagrees with region 6");
	/* vfio_pci_add_capabilities: a chain that ends, an endpoint */
	EXPECT(v->config[PCI_STATUS] & PCI_STATUS_CAP_LIST, "no capabilities");
	for (pos = v->config[PCI_CAPABILITY_LIST]; pos;
	     pos = v->config[pos + PCI_CAP_LIST_NEXT]) {
		uint8_t id = v->config[pos];

		if (id == PCI_CAP_ID_EXP) {
			uint16_t flags =
				*(uint16_t *)&v->config[pos + PCI_EXP_FLAGS];
			uint32_t devcap =
				*(uint32_t *)&v->config[pos + PCI_EXP_DEVCAP];
			unsigned int type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;

			EXPECT(type == PCI_EXP_TYPE_ENDPOINT ||
				       type == PCI_EXP_TYPE_LEG_END ||
				       type == PCI_EXP_TYPE_RC_END,
			       "PCIe type %u cannot be assigned", type);
			EXPECT(devcap & PCI_EXP_DEVCAP_FLR, "no FLR");
		} else if (id == PCI_CAP_ID_MSIX) {
			uint16_t ctrl, size;
			uint32_t table, pba;

			pread(v->fd, &ctrl, 2,
			      (off_t)(v->regions[7].offset + pos + 2));
			pread(v->fd, &table, 4,
			      (off_t)(v->regions[7].offset + pos + 4));
			pread(v->fd, &pba, 4,
			      (off_t)(v->regions[7].offset + pos + 8));
			size = (uint16_t)((ctrl & PCI_MSIX_FLAGS_QSIZE) + 1);
			EXPECT((pba & ~7u) < v->regions[pba & 7].size,
			       "MSIX PBA outside of specified BAR");
			STEP("MSI-X: %u vectors, table in BAR%u at %#x", size,
			     table & 7, table & ~7u);
			irq.index = VFIO_PCI_MSIX_IRQ_INDEX;
			if (ioctl(v->fd, VFIO_DEVICE_GET_IRQ_INFO, &irq))
				FATAL("GET_IRQ_INFO MSI-X");
			EXPECT(irq.count == size, "MSI-X count %u != %u",
			       irq.count, size);
		}
	}
	STEP("%u regions, %u irq types, %u bytes of config space",
	     info.num_regions, info.num_irqs, v->config_size);
}

/* vfio_region_mmap: reserve, then map each mappable BAR over it */
static void map_bars(struct vdev *v)
{
	for (uint32_t i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		struct vfio_region_info *r = &v->regions[i];
		void *area, *p;

		if (!r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		area = mmap(NULL, r->size, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p = mmap(area, r->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, v->fd, (off_t)r->offset);
		EXPECT(p == area, "mmap BAR%u: %s", i, strerror(errno));
		if (p == area)
			STEP("BAR%u: %llu KiB mapped into the guest", i,
			     (unsigned long long)r->size >> 10);
	}
}

static int set_irq(struct vdev *v, uint32_t index, uint32_t start,
		   uint32_t count, uint32_t flags, const int32_t *fds)
{
	size_t len = sizeof(struct vfio_irq_set) + 4 * count;
	struct vfio_irq_set *s = calloc(1, len);
	int rc;

	s->argsz = (uint32_t)len;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (fds)
		memcpy(s->data, fds, 4 * count);
	rc = ioctl(v->fd, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return rc;
}

/* vfio_intx_enable, the err/req notifiers, and MSI-X as a guest uses it */
static int interrupts(struct vdev *v)
{
	struct vfio_irq_info info = {.argsz = sizeof(info)};
	int32_t intx = eventfd(0, EFD_CLOEXEC), none = -1;
	int32_t vec0 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	const uint32_t eventfd_trigger = VFIO_IRQ_SET_DATA_EVENTFD |
					 VFIO_IRQ_SET_ACTION_TRIGGER;

	if (v->config[PCI_INTERRUPT_PIN] &&
	    set_irq(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, eventfd_trigger, &intx))
		FATAL("INTx");
	for (uint32_t index = VFIO_PCI_ERR_IRQ_INDEX;
	     index <= VFIO_PCI_REQ_IRQ_INDEX; index++) {
		int32_t efd = eventfd(0, EFD_CLOEXEC);

		info.index = index;
		if (!ioctl(v->fd, VFIO_DEVICE_GET_IRQ_INFO, &info) &&
		    info.count == 1)
			EXPECT(!set_irq(v, index, 0, 1, eventfd_trigger, &efd),
			       "notifier %u", index);
	}
	/* The guest enables MSI-X: first with no vector, then vector 0 */
	if (set_irq(v, VFIO_PCI_INTX_IRQ_INDEX, 0, 0,
		    VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL))
		FATAL("INTx off");
	if (set_irq(v, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, eventfd_trigger, &none))
		FATAL("MSI-X enable with no vector");
	info.index = VFIO_PCI_MSIX_IRQ_INDEX;
	ioctl(v->fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (!(info.flags & VFIO_IRQ_INFO_NORESIZE))
		EXPECT(!set_irq(v, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
				eventfd_trigger, &vec0),
		       "MSI-X vector 0");
	else
		FATAL("a NORESIZE MSI-X: not expected of this device");
	STEP("INTx, error and request notifiers set; MSI-X enabled, vector 0 "
	     "live");
	return vec0;
}

/* vfio_pci_reset at machine reset: command cleared, FLR, BARs zeroed */
static void machine_reset(struct vdev *v)
{
	uint64_t cfg = v->regions[7].offset;
	uint16_t cmd;
	uint32_t zero = 0;

	pread(v->fd, &cmd, 2, (off_t)(cfg + PCI_COMMAND));
	cmd &= (uint16_t) ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			    PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	pwrite(v->fd, &cmd, 2, (off_t)(cfg + PCI_COMMAND));
	if (ioctl(v->fd, VFIO_DEVICE_RESET))
		FATAL("VFIO_DEVICE_RESET");
	for (int i = 0; i != 6; i++)
		pwrite(v->fd, &zero, 4,
		       (off_t)(cfg + PCI_BASE_ADDRESS_0 + 4 * i));
	STEP("machine reset: function level reset done");
}

/* vfio_migration_realize: no migration driver, a blocker only */
static void migration_probe(struct vdev *v)
{
	/* As QEMU: a buffer for the header and its payload */
	uint64_t buf[(sizeof(struct vfio_device_feature) +
		      sizeof(struct vfio_device_feature_migration) + 7) /
		     8] = {0};
	struct vfio_device_feature *feat = (struct vfio_device_feature *)buf;

	feat->argsz = sizeof(buf);
	feat->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	EXPECT(ioctl(v->fd, VFIO_DEVICE_FEATURE, feat) && errno == ENOTTY,
	       "migration feature");
	STEP("VFIO_DEVICE_FEATURE(MIGRATION): ENOTTY, migration blocked");
}

/*
 * The guest drives the device: it copies guest RAM to guest RAM, which
 * dirties what it wrote. QEMU reads that through the dirty bitmap.
 */
static void guest_dma_and_dirty_log(struct vdev *v, int vec0)
{
	struct iommu_hwpt_set_dirty_tracking dt = {.size = sizeof(dt),
						   .hwpt_id = v->hwpt};
	uint64_t bitmap[GUEST_RAM / 4096 / 2 / 64] = {0};
	struct iommu_hwpt_get_dirty_bitmap gb = {.size = sizeof(gb),
						 .hwpt_id = v->hwpt};
	uint64_t cfg = v->regions[7].offset, bar0 = v->regions[0].offset;
	struct udma_desc *ring = (struct udma_desc *)v->ram;
	struct pollfd pfd = {.fd = vec0, .events = POLLIN};
	unsigned int dirty = 0;
	bool huge_seen = false;
	uint64_t n;
	uint32_t val;
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;

	if (!v->dirty_tracking)
		return;
	dt.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	if (ioctl(v->iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &dt))
		FATAL("SET_DIRTY_TRACKING");
	/* Start clean: read and clear what is there */
	gb.iova = RAM_GPA;
	gb.length = GUEST_RAM / 2;
	gb.page_size = 4096;
	gb.data = (uintptr_t)bitmap;
	if (ioctl(v->iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb))
		FATAL("GET_DIRTY_BITMAP");
	memset(bitmap, 0, sizeof(bitmap));

	/* A ring of one descriptor at GPA 0: copy 8 pages to GPA 1 MiB */
	memset(ring, 0, 4096);
	ring[0].op = UDMA_OP_COPY | UDMA_OP_IRQ;
	ring[0].src = RAM_GPA + 0x10000;
	ring[0].dst = RAM_GPA + 0x100000;
	ring[0].len = 8 * 4096;
	pwrite(v->fd, &cmd, 2, (off_t)(cfg + PCI_COMMAND));
	val = UDMA_CTRL_RESET;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_CONTROL));
	val = (uint32_t)RAM_GPA;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_RING_BASE));
	val = 2;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_RING_SIZE));
	val = UDMA_IRQ_DONE;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_IRQ_MASK));
	val = UDMA_CTRL_ENABLE;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_CONTROL));
	val = 1;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_RING_HEAD));
	/* QEMU's main loop reads the eventfd, then the guest sees the ring */
	EXPECT(poll(&pfd, 1, 5000) == 1 && read(vec0, &n, 8) == 8,
	       "no MSI-X interrupt from the device");
	EXPECT(ring[0].status == UDMA_DESC_DONE, "descriptor status %u",
	       ring[0].status);

	gb.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	if (ioctl(v->iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb))
		FATAL("GET_DIRTY_BITMAP");
	/*
	 * The copy's pages and the ring the status went to: 9 pages with
	 * 4 KiB leaves. When the engine's mapping of the memfd happens to be
	 * 2 MiB aligned, the first 2 MiB are one leaf whose dirty bit covers
	 * all 512 pages, as hardware reports a large page.
	 */
	for (unsigned int page = 0; page != GUEST_RAM / 2 / 4096; page++)
		if (bitmap[page / 64] & (1ULL << (page % 64))) {
			dirty++;
			EXPECT(page < 0x200, "page %#x dirty, not written",
			       page);
			huge_seen |= page && (page < 0x100 || page >= 0x108);
		}
	EXPECT(huge_seen ? dirty == 0x200 : dirty == 8 + 1, "%u dirty pages",
	       dirty);
	memset(bitmap, 0, sizeof(bitmap));
	gb.flags = 0;
	ioctl(v->iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb);
	memset(bitmap, 0, sizeof(bitmap));
	ioctl(v->iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &gb);
	for (unsigned int i = 0; i != sizeof(bitmap) / 8; i++)
		EXPECT(!bitmap[i], "dirty bits not cleared");
	dt.flags = 0;
	if (ioctl(v->iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &dt))
		FATAL("SET_DIRTY_TRACKING off");
	STEP("guest DMA through the device: %u dirty pages logged, then "
	     "cleared",
	     dirty);
	val = 0;
	pwrite(v->fd, &val, 4, (off_t)(bar0 + UDMA_REG_CONTROL));
}

/* iommufd_cdev_detach and the container's release */
static void teardown(struct vdev *v)
{
	struct vfio_device_detach_iommufd_pt de = {.argsz = sizeof(de)};
	struct iommu_ioas_unmap um = {.size = sizeof(um), .ioas_id = v->ioas};
	struct iommu_destroy ds = {.size = sizeof(ds)};

	/* An unmap of what is not mapped: ENOENT, which QEMU tolerates */
	um.iova = 0x7000000000ULL;
	um.length = 4096;
	EXPECT(ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &um) && errno == ENOENT,
	       "unmap of nothing");
	/* Unmap all, in two halves as QEMU 10.1 does */
	um.iova = 0;
	um.length = 1ULL << 63;
	EXPECT(!ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &um), "unmap low half");
	um.iova = 1ULL << 63;
	um.length = 1ULL << 63;
	EXPECT(!ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &um) || errno == ENOENT,
	       "unmap high half");
	if (ioctl(v->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de))
		FATAL("DETACH_IOMMUFD_PT");
	ds.id = v->hwpt;
	EXPECT(!ioctl(v->iommufd, IOMMU_DESTROY, &ds), "destroy hwpt");
	ds.id = v->ioas;
	EXPECT(!ioctl(v->iommufd, IOMMU_DESTROY, &ds), "destroy ioas");
	close(v->fd);
	close(v->iommufd);
	STEP("unmapped, detached, destroyed, closed");
}

static bool first_udma(char *bdf, size_t size)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[PATH_MAX + 300], buf[16];
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		found = fgets(buf, sizeof(buf), f) &&
			strtoul(buf, NULL, 0) == UDMA_DEVICE_ID;
		fclose(f);
		if (found)
			snprintf(bdf, size, "%s", e->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	struct vdev v = {0};
	char bdf[NAME_MAX + 1];
	int vec0;

	if (argc > 1)
		snprintf(bdf, sizeof(bdf), "%s", argv[1]);
	else if (!first_udma(bdf, sizeof(bdf)))
		FATAL("no udma device");
	printf("qemu_flow: -device vfio-pci,host=%s,iommufd=iommufd0\n", bdf);
	find_sysfsdev(&v, bdf);
	v.fd = open_cdev(&v);
	attach(&v);
	iova_ranges(&v);
	map_guest_memory(&v);
	populate(&v);
	map_bars(&v);
	vec0 = interrupts(&v);
	migration_probe(&v);
	machine_reset(&v);
	guest_dma_and_dirty_log(&v, vec0);
	teardown(&v);
	printf("qemu_flow: %s\n", failed ? "FAILED" : "ok");
	return failed ? 1 : 0;
}
