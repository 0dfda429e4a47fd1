// SPDX-License-Identifier: MIT
/*
 * vfio_matrix - VFIO as a program sees it, one line per observation.
 *
 * Runs on the real kernel with QEMU's "edu" PCI devices bound to vfio-pci
 * (tests/compare/vfio-refkernel.sh: two of them, 0000:00:04.0 and
 * 0000:00:05.0, IOMMU groups 3 and 4, behind a VT-d with 48 address bits)
 * and under uiommufd with the emulated edu at the same addresses;
 * check-vfio.sh compares the two outputs.
 * Covers what VFIO itself decides: sysfs and device nodes, the group and
 * container rules, the cdev bind/attach/detach rules, device info, regions,
 * config space access, BAR access, interrupts (INTx with its masking, MSI)
 * and DMA through the IOMMU, with the errno of every refusal.
 *
 * Lines are "section.label rc errno [fields]"; nothing printed depends on
 * the run (no descriptors, addresses or times). Each section runs in its
 * own child process, so every section starts from closed files.
 */
#include "vfio_matrix.h"

char sec[8];
static char dev_name[2][NAME_MAX + 1];
static int dev_group[2];

#define E(x)          \
	{             \
		x, #x \
	}
static const struct {
	int e;
	const char *name;
} errnames[] = {
	E(EPERM),  E(ENOENT), E(EINTR),	 E(EIO),      E(ENXIO),	     E(E2BIG),
	E(EBADF),  E(EAGAIN), E(ENOMEM), E(EACCES),   E(EFAULT),     E(EBUSY),
	E(EEXIST), E(ENODEV), E(EINVAL), E(ENOTTY),   E(ENOSPC),     E(ESPIPE),
	E(ERANGE), E(ENOSYS), E(EBADFD), E(EMSGSIZE), E(EOPNOTSUPP), E(ENOTDIR),
};
#undef E

const char *ename(int e)
{
	static char other[16];

	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

const char *L(const char *fmt, ...)
{
	static char bufs[4][128];
	static int n;
	char *b = bufs[n++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

void fail(const char *what)
{
	printf("%s.FATAL %s: %s\n", sec, what, ename(errno));
	exit(1);
}

/* Devices */

static int read_hex(const char *dev, const char *file, unsigned int *v)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dev, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	ok = fscanf(f, "%x", v) == 1;
	fclose(f);
	return ok;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void find_devices(void)
{
	char names[16][NAME_MAX + 1];
	unsigned int n = 0, v, d;
	struct dirent *e;
	DIR *dir = opendir("/sys/bus/pci/devices");

	if (!dir)
		fail("opendir /sys/bus/pci/devices");
	while ((e = readdir(dir)) && n < 16)
		if (e->d_name[0] != '.' && read_hex(e->d_name, "vendor", &v) &&
		    read_hex(e->d_name, "device", &d) && v == EDU_VENDOR &&
		    d == EDU_DEVICE)
			snprintf(names[n++], NAME_MAX + 1, "%s", e->d_name);
	closedir(dir);
	if (n < 2)
		fail("two edu devices");
	qsort(names, n, NAME_MAX + 1, cmp_names);
	for (int i = 0; i != 2; i++) {
		char path[64 + NAME_MAX], link[256];
		ssize_t len;

		snprintf(dev_name[i], NAME_MAX + 1, "%s", names[i]);
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/iommu_group", names[i]);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			fail("readlink iommu_group");
		link[len] = '\0';
		dev_group[i] = atoi(strrchr(link, '/') + 1);
	}
}

static void print_file(const char *label, const char *path)
{
	char buf[256];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f) {
		NOTE("%s -1 %s", label, ename(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
	NOTE("%s 0 - %s", label, buf);
}

static void print_link(const char *label, const char *path)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		NOTE("%s -1 %s", label, ename(errno));
		return;
	}
	buf[n] = '\0';
	NOTE("%s 0 - %s", label, buf);
}

static void print_stat(const char *label, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		NOTE("%s -1 %s", label, ename(errno));
		return;
	}
	NOTE("%s 0 - type=%o mode=%o rdev=%u:%u", label, st.st_mode & S_IFMT,
	     st.st_mode & 07777, major(st.st_rdev), minor(st.st_rdev));
}

/* Open helpers */

int open_group(int i)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", dev_group[i]);
	return open(path, O_RDWR | O_CLOEXEC);
}

static int open_cdev(int i)
{
	char path[512], buf[NAME_MAX + 32];
	struct dirent *e;
	DIR *dir;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev",
		 dev_name[i]);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(buf, sizeof(buf), "/dev/vfio/devices/%s",
				 e->d_name);
			fd = open(buf, O_RDWR | O_CLOEXEC);
			break;
		}
	closedir(dir);
	return fd;
}

int bind_attach(int i, struct bound *b)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};

	b->dev = open_cdev(i);
	b->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (b->dev < 0 || b->iommufd < 0)
		return -1;
	bind.iommufd = b->iommufd;
	if (ioctl(b->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(b->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return -1;
	b->devid = bind.out_devid;
	b->ioas = alloc.out_ioas_id;
	at.pt_id = b->ioas;
	if (ioctl(b->dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		return -1;
	b->pt = at.pt_id;
	return 0;
}

int ioas_map(struct bound *b, void *va, uint64_t iova, size_t len,
	     uint32_t flags)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | flags,
		.ioas_id = b->ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return ioctl(b->iommufd, IOMMU_IOAS_MAP, &m);
}

uint32_t rd32(int dev, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	if (pread(dev, &v, 4, (off_t)off) != 4)
		return 0xdeadbeef;
	return v;
}

void wr32(int dev, uint64_t off, uint32_t v)
{
	if (pwrite(dev, &v, 4, (off_t)off) != 4)
		NOTE("write-failed 0x%llx %s", (unsigned long long)off,
		     ename(errno));
}

uint64_t eventfd_count(int efd, int timeout_ms)
{
	struct pollfd p = {.fd = efd, .events = POLLIN};
	uint64_t v = 0;

	if (poll(&p, 1, timeout_ms) == 1 && read(efd, &v, sizeof(v)) != 8)
		v = 0;
	return v;
}

int set_irqs(int dev, uint32_t flags, uint32_t index, uint32_t start,
	     uint32_t count, const void *data, size_t len)
{
	char buf[sizeof(struct vfio_irq_set) + 64];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	memset(buf, 0, sizeof(buf));
	s->argsz = (uint32_t)(sizeof(*s) + len);
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (len)
		memcpy(s->data, data, len);
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, s);
}

/* Sections */

static void sec_fs(void)
{
	char base[32 + NAME_MAX], path[96 + NAME_MAX];

	for (int i = 0; i != 2; i++) {
		snprintf(base, sizeof(base), "/sys/bus/pci/devices/%s",
			 dev_name[i]);
		NOTE("dev%d name %s group %d", i, dev_name[i], dev_group[i]);
		static const char *const files[] = {
			"vendor",	    "device", "subsystem_vendor",
			"subsystem_device", "class",  "revision",
			"numa_node",
		};
		for (size_t f = 0; f != sizeof(files) / sizeof(files[0]); f++) {
			snprintf(path, sizeof(path), "%s/%s", base, files[f]);
			print_file(L("dev%d.%s", i, files[f]), path);
		}
		snprintf(path, sizeof(path), "%s/iommu_group", base);
		print_link(L("dev%d.iommu_group", i), path);
		snprintf(path, sizeof(path), "%s/driver", base);
		print_link(L("dev%d.driver", i), path);
		snprintf(path, sizeof(path), "%s/vfio-dev/vfio%d/dev", base, i);
		print_file(L("dev%d.vfio-dev", i), path);
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/type",
			 dev_group[i]);
		print_file(L("dev%d.group-type", i), path);
		snprintf(path, sizeof(path),
			 "/sys/kernel/iommu_groups/%d/reserved_regions",
			 dev_group[i]);
		print_file(L("dev%d.reserved", i), path);
		snprintf(path, sizeof(path), "/dev/vfio/%d", dev_group[i]);
		print_stat(L("dev%d.group-node", i), path);
		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%d", i);
		print_stat(L("dev%d.cdev-node", i), path);
		snprintf(path, sizeof(path), "/sys/class/vfio-dev/vfio%d", i);
		print_link(L("dev%d.class-vfio-dev", i), path);
	}
	print_stat("container-node", "/dev/vfio/vfio");
	print_stat("iommu-node", "/dev/iommu");
	CALL("access-iommu", access("/dev/iommu", R_OK | W_OK));
	print_file("noiommu-param",
		   "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode");
}

static void sec_group(void)
{
	struct vfio_group_status st = {.argsz = sizeof(st)};
	struct vfio_iommu_type1_info *info;
	char info_buf[1024], longname[4097];
	int g, g2, c, dev, efd, bad = -1;

	g = CALLOK("open", open_group(0));
	CALLOK("open-again", open_group(0));
	st.argsz = 0;
	CALL("status-argsz0", ioctl(g, VFIO_GROUP_GET_STATUS, &st));
	st.argsz = sizeof(st);
	CALLF("status", ioctl(g, VFIO_GROUP_GET_STATUS, &st), "flags=%#x",
	      st.flags);
	CALL("get-device-fd-no-container",
	     ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name[0]));
	CALL("unset-no-container", ioctl(g, VFIO_GROUP_UNSET_CONTAINER));
	CALL("set-container-bad-fd", ioctl(g, VFIO_GROUP_SET_CONTAINER, &bad));
	efd = eventfd(0, EFD_CLOEXEC);
	CALL("set-container-eventfd", ioctl(g, VFIO_GROUP_SET_CONTAINER, &efd));
	CALL("set-container-null", ioctl(g, VFIO_GROUP_SET_CONTAINER, NULL));
	c = CALLOK("container-open",
		   open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC));
	CALL("api-version", ioctl(c, VFIO_GET_API_VERSION));
	for (int ext = 0; ext <= 11; ext++)
		CALL(L("check-extension-%d", ext),
		     ioctl(c, VFIO_CHECK_EXTENSION, ext));
	info = (struct vfio_iommu_type1_info *)info_buf;
	memset(info_buf, 0, sizeof(info_buf));
	info->argsz = sizeof(*info);
	CALL("get-info-no-group", ioctl(c, VFIO_IOMMU_GET_INFO, info));
	CALL("set-iommu-no-group",
	     ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-container", ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
	CALL("set-container-again", ioctl(g, VFIO_GROUP_SET_CONTAINER, &c));
	CALLF("status-set", ioctl(g, VFIO_GROUP_GET_STATUS, &st), "flags=%#x",
	      st.flags);
	CALL("get-device-fd-no-iommu",
	     CALLOK("get-device-fd-no-iommu-ok",
		    ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name[0])) < 0
		     ? -1
		     : 0);
	CALL("set-iommu-bad", ioctl(c, VFIO_SET_IOMMU, 77));
	CALL("set-iommu-type1v2", ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-iommu-again", ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	memset(info_buf, 0, sizeof(info_buf));
	info->argsz = sizeof(*info);
	CALLF("get-info-short", ioctl(c, VFIO_IOMMU_GET_INFO, info),
	      "argsz=%u flags=%#x pgsizes=%#llx", info->argsz, info->flags,
	      (unsigned long long)info->iova_pgsizes);
	info->argsz = sizeof(info_buf);
	CALLF("get-info", ioctl(c, VFIO_IOMMU_GET_INFO, info),
	      "argsz=%u flags=%#x cap_offset=%u", info->argsz, info->flags,
	      info->cap_offset);
	for (uint32_t off = info->cap_offset; off && off < sizeof(info_buf);) {
		struct vfio_info_cap_header *h =
			(struct vfio_info_cap_header *)(info_buf + off);

		NOTE("cap id=%u version=%u next=%u", h->id, h->version,
		     h->next);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r =
				(void *)h;

			for (uint32_t k = 0; k != r->nr_iovas; k++)
				NOTE("cap.iova-range %#llx-%#llx",
				     (unsigned long long)r->iova_ranges[k]
					     .start,
				     (unsigned long long)r->iova_ranges[k].end);
		}
		if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL)
			NOTE("cap.dma-avail %u",
			     ((struct vfio_iommu_type1_info_dma_avail *)h)
				     ->avail);
		off = h->next;
	}
	CALL("get-device-fd-unknown",
	     ioctl(g, VFIO_GROUP_GET_DEVICE_FD, "0000:00:1f.7"));
	CALL("get-device-fd-other-group",
	     ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name[1]));
	CALL("get-device-fd-null", ioctl(g, VFIO_GROUP_GET_DEVICE_FD, NULL));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CALL("get-device-fd-long",
	     ioctl(g, VFIO_GROUP_GET_DEVICE_FD, longname));
	dev = CALLOK("get-device-fd",
		     ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name[0]));
	CALLOK("get-device-fd-twice",
	       ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev_name[0]));
	CALL("group-dev-bind", ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, info_buf));
	CALL("group-dev-attach",
	     ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, info_buf));
	CALLF("group-dev-cloexec", fcntl(dev, F_GETFD), "%s", "");
	CALL("unset-busy", ioctl(g, VFIO_GROUP_UNSET_CONTAINER));
	g2 = open_group(1);
	CALL("second-group-set", ioctl(g2, VFIO_GROUP_SET_CONTAINER, &c));
	CALLF("second-group-status", ioctl(g2, VFIO_GROUP_GET_STATUS, &st),
	      "flags=%#x", st.flags);
	CALL("cdev-while-group-open-bind", ({
		     struct vfio_device_bind_iommufd b = {.argsz = sizeof(b),
							  .iommufd = c};
		     int cd = open_cdev(0);
		     int r = ioctl(cd, VFIO_DEVICE_BIND_IOMMUFD, &b);
		     int e = errno;
		     close(cd);
		     errno = e;
		     r;
	     }));
}

static void sec_cdev(void)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt at = {.argsz = sizeof(at)};
	struct vfio_device_detach_iommufd_pt de = {.argsz = sizeof(de)};
	struct vfio_device_info di = {.argsz = sizeof(di)};
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	int d, d2, ifd, efd, g;
	uint32_t ioas, ioas2, tmp;
	char buf[8];
	void *p;

	d = CALLOK("open", open_cdev(0));
	d2 = CALLOK("open-again", open_cdev(0));
	CALL("info-unbound", ioctl(d, VFIO_DEVICE_GET_INFO, &di));
	CALL("read-unbound", pread(d, buf, 4, 0));
	CALL("write-unbound", pwrite(d, buf, 4, 0));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d, 0);
	NOTE("mmap-unbound %s", p == MAP_FAILED ? ename(errno) : "ok");
	CALL("attach-unbound", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	CALL("detach-unbound", ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	CALL("reset-unbound", ioctl(d, VFIO_DEVICE_RESET));
	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC);
	bind.argsz = 12;
	bind.iommufd = ifd;
	CALL("bind-argsz-short", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.argsz = sizeof(bind);
	bind.flags = 2;
	CALL("bind-bad-flags", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
	CALL("bind-token", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.flags = 0;
	bind.iommufd = -1;
	CALL("bind-fd-negative", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.iommufd = 1000;
	CALL("bind-fd-closed", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	bind.iommufd = efd;
	CALL("bind-fd-eventfd", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	CALL("bind-null", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, NULL));
	g = open_group(0);
	bind.iommufd = ifd;
	CALL("bind-group-open", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	close(g);
	CALLF("bind", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind), "devid=%u",
	      bind.out_devid);
	CALL("bind-again", ioctl(d, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	CALL("bind-second-file", ioctl(d2, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	CALLOK("group-open-while-bound", open_group(0));
	CALLF("info", ioctl(d, VFIO_DEVICE_GET_INFO, &di),
	      "flags=%#x regions=%u irqs=%u", di.flags, di.num_regions,
	      di.num_irqs);
	{
		struct iommu_hw_info hw = {.size = sizeof(hw),
					   .dev_id = bind.out_devid};

		CALLF("hw-info", ioctl(ifd, IOMMU_GET_HW_INFO, &hw),
		      "caps=%#llx", (unsigned long long)hw.out_capabilities);
	}
	CALL("ioas-alloc", ioctl(ifd, IOMMU_IOAS_ALLOC, &alloc));
	ioas = alloc.out_ioas_id;
	ioctl(ifd, IOMMU_IOAS_ALLOC, &alloc);
	ioas2 = alloc.out_ioas_id;
	at.argsz = 8;
	CALL("attach-argsz-short",
	     ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	at.argsz = sizeof(at);
	at.flags = 2;
	CALL("attach-bad-flags", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	at.flags = 0;
	at.pt_id = 999;
	CALL("attach-bad-id", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	at.flags = VFIO_DEVICE_ATTACH_PASID;
	at.pt_id = ioas;
	at.pasid = 1;
	CALL("attach-pasid", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at));
	at.flags = 0;
	at.pt_id = ioas;
	CALLF("attach", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at),
	      "pt_is_ioas=%d", at.pt_id == ioas);
	tmp = at.pt_id;
	{
		struct iommu_destroy ds = {.size = sizeof(ds), .id = ioas};

		CALL("destroy-attached-ioas", ioctl(ifd, IOMMU_DESTROY, &ds));
		ds.id = tmp;
		CALL("destroy-attached-hwpt", ioctl(ifd, IOMMU_DESTROY, &ds));
	}
	at.pt_id = ioas2;
	CALLF("attach-replace", ioctl(d, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at),
	      "same_hwpt=%d", at.pt_id == tmp);
	de.flags = 1;
	CALL("detach-pasid", ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	de.flags = 2;
	CALL("detach-bad-flags", ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	de.flags = 0;
	de.argsz = 4;
	CALL("detach-argsz-short",
	     ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	de.argsz = sizeof(de);
	CALL("detach", ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	CALL("detach-again", ioctl(d, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de));
	{
		struct iommu_hwpt_alloc ha = {.size = sizeof(ha),
					      .dev_id = bind.out_devid,
					      .pt_id = ioas};

		CALL("hwpt-alloc", ioctl(ifd, IOMMU_HWPT_ALLOC, &ha));
		ha.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
		CALL("hwpt-alloc-nest-parent",
		     ioctl(ifd, IOMMU_HWPT_ALLOC, &ha));
	}
	CALL("group-dev-ioctl-on-cdev-get-info",
	     ioctl(d, VFIO_GROUP_GET_STATUS, buf));
	CALL("unknown-ioctl", ioctl(d, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	close(d);
	CALLOK("group-open-after-close", open_group(0));
	CALL("bind-second-file-after-close",
	     ioctl(d2, VFIO_DEVICE_BIND_IOMMUFD, &bind));
}

static void run(const char *name, void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		snprintf(sec, sizeof(sec), "%s", name);
		fn();
		fflush(stdout);
		/* exit(), not _exit(): a coverage build writes its counters */
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		printf("%s.EXIT %d\n", name, status);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(sec, sizeof(sec), "main");
	find_devices();
	run("fs", sec_fs);
	run("group", sec_group);
	run("cdev", sec_cdev);
	run("region", sec_regions);
	run("bar", sec_bar);
	run("irq", sec_irq);
	run("dma", sec_dma);
	run("ioevent", sec_ioeventfd);
	return 0;
}
