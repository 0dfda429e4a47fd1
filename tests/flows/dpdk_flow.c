// SPDX-License-Identifier: MIT
/*
 * dpdk_flow - the calls DPDK's EAL and PCI bus make to take a device with
 * vfio-pci, in their order and with their checks, from DPDK's public
 * source (lib/eal/linux/eal_vfio.c, eal_vfio_group.c, eal_vfio_cdev.c,
 * drivers/bus/pci/linux/pci.c, pci_vfio.c, pci_common.c,
 * eal_interrupts.c): the module checks, the scan of every device in
 * sysfs, then either the classic group/type1 container mode or the newer
 * cdev/iommufd mode, the BAR mapping, interrupt setup, bus mastering,
 * reset and the mandatory request notifier; then DMA through hugepage
 * memory mapped as DPDK maps its memsegs (IOVA as VA), and release.
 *
 *   uiommufd-run --device udma -- dpdk_flow group|cdev
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
#include <unistd.h>

#include <linux/pci_regs.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define MEMSEG_LEN (8UL << 20) /* "hugepage" memory, IOVA = VA */

static int failed;

#define FATAL(...)                                           \
	do {                                                 \
		fprintf(stderr, "dpdk_flow: " __VA_ARGS__);  \
		fprintf(stderr, " (%s)\n", strerror(errno)); \
		exit(1);                                     \
	} while (0)
#define EXPECT(cond, ...)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "dpdk_flow: FAILED: " __VA_ARGS__); \
			fprintf(stderr, "\n");                              \
			failed++;                                           \
		}                                                           \
	} while (0)
#define STEP(...) printf("  " __VA_ARGS__), printf("\n")

struct pci_device {
	char name[NAME_MAX + 1];
	unsigned long vendor, device, sub_vendor, sub_device, class_id;
	long numa_node;
	uint64_t bar_len[6];
	bool vfio;
};

struct dpdk {
	bool cdev;
	int container; /* /dev/vfio/vfio, or /dev/iommu in cdev mode */
	int group;
	uint32_t ioas;
	int dev;
	struct vfio_device_info info;
	struct vfio_region_info cfg;
	void *bar_map[6];
	void *memseg;
	int intr_fd, req_fd;
};

/* eal_parse_sysfs_value: fopen, fgets, strtoul, a value ending in \n */
static int sysfs_value(const char *dir, const char *file, unsigned long *v)
{
	char path[PATH_MAX + 300], buf[64], *end;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*v = strtoul(buf, &end, 0);
	return (buf[0] == '\0' || end == NULL || *end != '\n') ? -1 : 0;
}

/* rte_eal_check_module, rte_vfio_enable, rte_vfio_noiommu_is_enabled */
static void check_modules(void)
{
	struct stat st;
	char c = 'N';
	int fd;

	if (stat("/sys/module", &st) || stat("/sys/module/vfio", &st))
		FATAL("VFIO module not loaded");
	if (stat("/sys/module/vfio_pci", &st))
		FATAL("vfio_pci module not loaded");
	fd = open("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
		  O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	EXPECT(c == 'N', "no-IOMMU mode is on");
	STEP("vfio and vfio_pci loaded, no-IOMMU mode off");
}

/* pci_scan_one for every entry of /sys/bus/pci/devices */
static int scan(struct pci_device *devs, int max)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int n = 0;

	if (!d)
		FATAL("opendir /sys/bus/pci/devices");
	while ((e = readdir(d)) && n < max) {
		char dir[PATH_MAX + 300], path[PATH_MAX + 320], link[PATH_MAX];
		struct pci_device *p = &devs[n];
		unsigned int dom, bus, slot, fn;
		unsigned long v;
		ssize_t len;
		FILE *f;

		if (e->d_name[0] == '.' || sscanf(e->d_name, "%x:%x:%x.%u",
						  &dom, &bus, &slot, &fn) != 4)
			continue;
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", e->d_name);
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s",
			 e->d_name);
		if (sysfs_value(dir, "vendor", &p->vendor) ||
		    sysfs_value(dir, "device", &p->device) ||
		    sysfs_value(dir, "subsystem_vendor", &p->sub_vendor) ||
		    sysfs_value(dir, "subsystem_device", &p->sub_device) ||
		    sysfs_value(dir, "class", &p->class_id))
			FATAL("scan of %s", e->d_name);
		snprintf(path, sizeof(path), "%s/max_vfs", dir);
		if (!access(path, F_OK))
			sysfs_value(dir, "max_vfs", &v);
		p->numa_node = sysfs_value(dir, "numa_node", &v) ? -1 : (long)v;
		/* pci_parse_sysfs_resource: six lines of start end flags */
		snprintf(path, sizeof(path), "%s/resource", dir);
		f = fopen(path, "r");
		if (!f)
			FATAL("%s", path);
		for (int i = 0; i != 6; i++) {
			unsigned long long start, end, flags;
			char line[128];

			if (!fgets(line, sizeof(line), f) ||
			    sscanf(line, "%llx %llx %llx", &start, &end,
				   &flags) != 3)
				FATAL("parsing %s", path);
			if (flags & 0x200)
				p->bar_len[i] = end - start + 1;
		}
		fclose(f);
		snprintf(path, sizeof(path), "%s/driver", dir);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			p->vfio = !strcmp(strrchr(link, '/') + 1, "vfio-pci");
		}
		n++;
	}
	closedir(d);
	return n;
}

static void open_container(struct dpdk *k)
{
	k->container = open("/dev/vfio/vfio", O_RDWR);
	if (k->container < 0)
		FATAL("open /dev/vfio/vfio");
	if (ioctl(k->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		FATAL("VFIO API version");
	/* vfio_has_supported_extensions: TYPE1, SPAPR_TCE_v2, NOIOMMU */
	EXPECT(ioctl(k->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1,
	       "no type1");
	EXPECT(ioctl(k->container, VFIO_CHECK_EXTENSION,
		     VFIO_SPAPR_TCE_v2_IOMMU) == 0,
	       "spapr");
	EXPECT(ioctl(k->container, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU) >=
		       0,
	       "noiommu extension");
}

/* vfio_open_group_fd, vfio_group_prepare, vfio_set_iommu_type */
static void setup_group(struct dpdk *k, const struct pci_device *p)
{
	struct vfio_group_status st = {.argsz = sizeof(st)};
	char path[PATH_MAX + 300], link[PATH_MAX], *end;
	static const int types[] = {VFIO_TYPE1_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU,
				    VFIO_NOIOMMU_IOMMU};
	long group;
	ssize_t len;
	size_t i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 p->name);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		FATAL("%s is not managed by VFIO", p->name);
	link[len] = '\0';
	group = strtol(strrchr(link, '/') + 1, &end, 10);
	if (*end)
		FATAL("group number in %s", link);
	snprintf(path, sizeof(path), "/dev/vfio/%ld", group);
	k->group = open(path, O_RDWR);
	if (k->group < 0 && errno == ENOENT) {
		snprintf(path, sizeof(path), "/dev/vfio/noiommu-%ld", group);
		k->group = open(path, O_RDWR);
	}
	if (k->group < 0)
		FATAL("open group %ld", group);
	if (ioctl(k->group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		FATAL("group %ld not viable", group);
	if (st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET)
		FATAL("group %ld already assigned", group);
	if (ioctl(k->group, VFIO_GROUP_SET_CONTAINER, &k->container))
		FATAL("VFIO_GROUP_SET_CONTAINER");
	for (i = 0; i != sizeof(types) / sizeof(types[0]); i++)
		if (!ioctl(k->container, VFIO_SET_IOMMU, types[i]))
			break;
	if (i == sizeof(types) / sizeof(types[0]))
		FATAL("no IOMMU type");
	EXPECT(types[i] == VFIO_TYPE1_IOMMU, "IOMMU type %d", types[i]);
	STEP("group %ld in the container, type1 IOMMU", group);
}

/* type1_map / vfio_cdev_dma_mem_map: each memseg at IOVA = VA */
static void map_memsegs(struct dpdk *k)
{
	uint64_t va = (uintptr_t)k->memseg;

	if (k->cdev) {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = k->ioas,
			.user_va = va,
			.length = MEMSEG_LEN,
			.iova = va,
		};

		if (ioctl(k->container, IOMMU_IOAS_MAP, &m) && errno != EEXIST)
			FATAL("IOMMU_IOAS_MAP");
		/* Mapping again is tolerated as "already mapped" */
		EXPECT(ioctl(k->container, IOMMU_IOAS_MAP, &m) &&
			       errno == EEXIST,
		       "second map of a memseg");
	} else {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ |
				 VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = va,
			.iova = va,
			.size = MEMSEG_LEN,
		};

		if (ioctl(k->container, VFIO_IOMMU_MAP_DMA, &m) &&
		    errno != EEXIST)
			FATAL("VFIO_IOMMU_MAP_DMA");
		EXPECT(ioctl(k->container, VFIO_IOMMU_MAP_DMA, &m) &&
			       errno == EEXIST,
		       "second map of a memseg");
	}
	STEP("memseg of %lu MiB mapped at IOVA = VA", MEMSEG_LEN >> 20);
}

/* vfio_cdev_get_device_num + the cdev mode's bind and attach */
static void setup_cdev(struct dpdk *k, const struct pci_device *p)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};
	char path[PATH_MAX + 300], *end;
	struct dirent *e;
	long num = -1;
	DIR *d;

	if (access("/dev/iommu", F_OK))
		FATAL("no /dev/iommu");
	k->container = open("/dev/iommu", O_RDWR);
	if (k->container < 0 || ioctl(k->container, IOMMU_IOAS_ALLOC, &alloc))
		FATAL("iommufd");
	k->ioas = alloc.out_ioas_id;
	/* DPDK maps its memory before any device is attached */
	map_memsegs(k);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev",
		 p->name);
	d = opendir(path);
	if (!d)
		FATAL("%s not bound to a vfio cdev", p->name);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			num = strtol(e->d_name + 4, &end, 10);
			if (*end)
				FATAL("cdev name %s", e->d_name);
			break;
		}
	closedir(d);
	if (num < 0)
		FATAL("no vfio cdev for %s", p->name);
	snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%ld", num);
	k->dev = open(path, O_RDWR);
	if (k->dev < 0)
		FATAL("open %s", path);
	bind.iommufd = k->container;
	if (ioctl(k->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		FATAL("VFIO_DEVICE_BIND_IOMMUFD");
	at.pt_id = k->ioas;
	if (ioctl(k->dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		FATAL("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	STEP("%s bound to /dev/iommu, attached to IOAS %u", path, k->ioas);
}

/* pci_vfio_get_region_info: repeat while the kernel wants another size */
static void region_info(struct dpdk *k, uint32_t index,
			struct vfio_region_info **out)
{
	uint32_t argsz = sizeof(struct vfio_region_info);
	struct vfio_region_info *ri = NULL;

	do {
		ri = realloc(ri, argsz);
		memset(ri, 0, argsz);
		ri->argsz = argsz;
		ri->index = index;
		if (ioctl(k->dev, VFIO_DEVICE_GET_REGION_INFO, ri))
			FATAL("GET_REGION_INFO %u", index);
		if (ri->argsz == argsz)
			break;
		argsz = ri->argsz;
	} while (1);
	*out = ri;
}

static bool has_cap(struct vfio_region_info *ri, uint16_t id)
{
	uint32_t off;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return false;
	for (off = ri->cap_offset; off;) {
		struct vfio_info_cap_header *h = (void *)((char *)ri + off);

		if (h->id == id)
			return true;
		off = h->next;
	}
	return false;
}

static uint8_t cfg8(struct dpdk *k, uint32_t off)
{
	uint8_t v = 0xff;

	if (pread(k->dev, &v, 1, (off_t)(k->cfg.offset + off)) != 1)
		FATAL("config read");
	return v;
}

/* pci_vfio_map_resource_primary */
static void map_resources(struct dpdk *k)
{
	struct vfio_region_info *ri;
	uint32_t msix_bar = 6, msix_table = 0;
	uint8_t pos;
	int hops = 0;

	region_info(k, VFIO_PCI_CONFIG_REGION_INDEX, &ri);
	k->cfg = *ri;
	free(ri);
	/* rte_pci_find_capability: MSI-X through the config region */
	for (pos = cfg8(k, PCI_CAPABILITY_LIST); pos && hops < 48; hops++) {
		uint16_t hdr = (uint16_t)(cfg8(k, pos) | cfg8(k, pos + 1) << 8);

		if ((hdr & 0xff) == 0xff)
			break;
		if ((hdr & 0xff) == PCI_CAP_ID_MSIX) {
			uint32_t reg;

			pread(k->dev, &reg, 4,
			      (off_t)(k->cfg.offset + pos + 4));
			msix_bar = reg & 7;
			msix_table = reg & ~7u;
			break;
		}
		pos = (uint8_t)(hdr >> 8);
	}
	EXPECT(msix_bar < 6, "no MSI-X capability");
	for (uint32_t i = 0; i < k->info.num_regions && i < 6; i++) {
		uint32_t bar;
		void *area, *p;

		region_info(k, i, &ri);
		pread(k->dev, &bar, 4,
		      (off_t)(k->cfg.offset + PCI_BASE_ADDRESS_0 + 4 * i));
		if ((bar & PCI_BASE_ADDRESS_SPACE_IO) ||
		    !(ri->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
			free(ri);
			continue;
		}
		EXPECT(i != msix_bar ||
			       has_cap(ri, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE),
		       "MSI-X BAR not mappable");
		area = mmap(NULL, ri->size, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p = mmap(area, ri->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, k->dev, (off_t)ri->offset);
		if (p != area)
			FATAL("mmap BAR%u", i);
		k->bar_map[i] = p;
		STEP("BAR%u: %llu KiB mapped", i,
		     (unsigned long long)ri->size >> 10);
		free(ri);
	}
	(void)msix_table;
}

static int set_irqs(struct dpdk *k, uint32_t index, uint32_t count,
		    uint32_t flags, const int *fds)
{
	size_t len = sizeof(struct vfio_irq_set) + 4 * count;
	struct vfio_irq_set *s = calloc(1, len);
	int rc;

	s->argsz = (uint32_t)len;
	s->flags = flags;
	s->index = index;
	s->count = count;
	if (fds)
		memcpy(s->data, fds, 4 * count);
	rc = ioctl(k->dev, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return rc;
}

/* pci_rte_vfio_setup_device and the request notifier */
static void setup_device(struct dpdk *k)
{
	static const uint32_t order[] = {VFIO_PCI_MSIX_IRQ_INDEX,
					 VFIO_PCI_MSI_IRQ_INDEX,
					 VFIO_PCI_INTX_IRQ_INDEX};
	struct vfio_irq_info irq = {.argsz = sizeof(irq)};
	uint32_t mode = 3;
	uint16_t cmd;

	for (uint32_t i = 0; i != 3; i++) {
		irq.index = order[i];
		if (ioctl(k->dev, VFIO_DEVICE_GET_IRQ_INFO, &irq))
			FATAL("GET_IRQ_INFO %u", order[i]);
		if (irq.flags & VFIO_IRQ_INFO_EVENTFD) {
			mode = order[i];
			break;
		}
	}
	EXPECT(mode == VFIO_PCI_MSIX_IRQ_INDEX, "interrupt mode %u", mode);
	k->intr_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pread(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	if (!(cmd & PCI_COMMAND_MEMORY)) {
		cmd |= PCI_COMMAND_MEMORY;
		pwrite(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	}
	pread(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	cmd |= PCI_COMMAND_MASTER;
	pwrite(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	if (ioctl(k->dev, VFIO_DEVICE_RESET) && errno != EINVAL)
		FATAL("VFIO_DEVICE_RESET");
	k->req_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (set_irqs(k, VFIO_PCI_REQ_IRQ_INDEX, 1,
		     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		     &k->req_fd))
		FATAL("request notifier");
	/* rte_intr_enable, MSI-X */
	if (set_irqs(k, VFIO_PCI_MSIX_IRQ_INDEX, 1,
		     VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		     &k->intr_fd))
		FATAL("MSI-X enable");
	STEP("MSI-X interrupts, memory and bus master on, reset, request "
	     "notifier set");
}

/* The PMD: a copy in hugepage memory, waiting on the interrupt */
static void pmd_copy(struct dpdk *k)
{
	char *mem = k->memseg;
	struct udma_desc *ring = (struct udma_desc *)mem;
	uint64_t iova = (uintptr_t)mem, bar0 = 0;
	struct pollfd pfd = {.fd = k->intr_fd, .events = POLLIN};
	uint64_t n;
	uint32_t v;

	/* BAR0 is registers: the PMD reaches them through the device file */
	for (size_t i = 0; i != 1 << 20; i++)
		mem[(1 << 20) + i] = (char)(i * 13);
	memset(ring, 0, 4096);
	ring[0].op = UDMA_OP_COPY | UDMA_OP_IRQ;
	ring[0].src = iova + (1 << 20);
	ring[0].dst = iova + (2 << 20);
	ring[0].len = 1 << 20;
	v = UDMA_CTRL_RESET;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_CONTROL));
	v = (uint32_t)iova;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_RING_BASE));
	v = (uint32_t)(iova >> 32);
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_RING_BASE + 4));
	v = 2;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_RING_SIZE));
	v = UDMA_IRQ_DONE;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_IRQ_MASK));
	v = UDMA_CTRL_ENABLE;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_CONTROL));
	v = 1;
	pwrite(k->dev, &v, 4, (off_t)(bar0 + UDMA_REG_RING_HEAD));
	/* The interrupt thread of EAL reads the eventfd, then the PMD looks */
	EXPECT(poll(&pfd, 1, 5000) == 1 && read(k->intr_fd, &n, 8) == 8,
	       "no interrupt");
	EXPECT(ring[0].status == UDMA_DESC_DONE &&
		       !memcmp(mem + (1 << 20), mem + (2 << 20), 1 << 20),
	       "copy");
	/* The BAR the PMD mapped is the device's memory */
	if (k->bar_map[UDMA_BAR_MEM]) {
		memcpy(k->bar_map[UDMA_BAR_MEM], "dpdk", 5);
		pread(k->dev, &v, 4, (off_t)((uint64_t)UDMA_BAR_MEM << 40));
		EXPECT(!memcmp(&v, "dpdk", 4),
		       "BAR2 mapping and file disagree");
	}
	STEP("PMD copy of 1 MiB through the IOMMU: done, interrupt taken");
}

/* rte_pci_unmap_device and the container teardown */
static void release(struct dpdk *k)
{
	uint16_t cmd;

	EXPECT(!set_irqs(k, VFIO_PCI_REQ_IRQ_INDEX, 0,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 NULL),
	       "request notifier off");
	EXPECT(!set_irqs(k, VFIO_PCI_MSIX_IRQ_INDEX, 0,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 NULL),
	       "MSI-X off");
	close(k->req_fd);
	close(k->intr_fd);
	pread(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	cmd &= (uint16_t)~PCI_COMMAND_MASTER;
	pwrite(k->dev, &cmd, 2, (off_t)(k->cfg.offset + PCI_COMMAND));
	for (int i = 0; i != 6; i++)
		if (k->bar_map[i])
			munmap(k->bar_map[i],
			       i == UDMA_BAR_MEM ? UDMA_BAR_MEM_LEN : 0);
	close(k->dev);
	if (k->cdev) {
		struct iommu_ioas_unmap um = {
			.size = sizeof(um),
			.ioas_id = k->ioas,
			.iova = (uintptr_t)k->memseg,
			.length = MEMSEG_LEN,
		};

		EXPECT(!ioctl(k->container, IOMMU_IOAS_UNMAP, &um) &&
			       um.length == MEMSEG_LEN,
		       "unmap");
	} else {
		struct vfio_iommu_type1_dma_unmap um = {
			.argsz = sizeof(um),
			.iova = (uintptr_t)k->memseg,
			.size = MEMSEG_LEN,
		};

		EXPECT(!ioctl(k->container, VFIO_IOMMU_UNMAP_DMA, &um) &&
			       um.size == MEMSEG_LEN,
		       "unmap");
		close(k->group);
	}
	close(k->container);
	STEP("released");
}

int main(int argc, char **argv)
{
	struct pci_device devs[64];
	struct dpdk k = {0};
	const struct pci_device *p = NULL;
	int n;

	k.cdev = argc > 1 && !strcmp(argv[1], "cdev");
	printf("dpdk_flow: %s mode\n", k.cdev ? "cdev (iommufd)" : "group");
	check_modules();
	n = scan(devs, 64);
	for (int i = 0; i != n; i++)
		if (devs[i].vfio && devs[i].vendor == UDMA_VENDOR_ID &&
		    devs[i].device == UDMA_DEVICE_ID && !p)
			p = &devs[i];
	if (!p)
		FATAL("no udma bound to vfio-pci among %d devices", n);
	STEP("scanned %d PCI devices; %s is a udma on vfio-pci, class %#lx, "
	     "BAR0 %" PRIu64 " KiB",
	     n, p->name, p->class_id, p->bar_len[0] >> 10);
	k.memseg = mmap(NULL, MEMSEG_LEN, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (k.memseg == MAP_FAILED)
		FATAL("memseg");
	if (k.cdev) {
		setup_cdev(&k, p);
	} else {
		open_container(&k);
		setup_group(&k, p);
		map_memsegs(&k);
		k.dev = ioctl(k.group, VFIO_GROUP_GET_DEVICE_FD, p->name);
		if (k.dev < 0)
			FATAL("VFIO_GROUP_GET_DEVICE_FD");
	}
	k.info.argsz = sizeof(k.info);
	if (ioctl(k.dev, VFIO_DEVICE_GET_INFO, &k.info))
		FATAL("VFIO_DEVICE_GET_INFO");
	map_resources(&k);
	setup_device(&k);
	pmd_copy(&k);
	release(&k);
	printf("dpdk_flow: %s\n", failed ? "FAILED" : "ok");
	return failed ? 1 : 0;
}
