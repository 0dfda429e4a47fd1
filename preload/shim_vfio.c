// SPDX-License-Identifier: MIT
/*
 * VFIO for unmodified programs: the device nodes of /dev/vfio and the sysfs
 * through which programs find the emulated devices.
 *
 * The nodes (/dev/vfio/vfio, /dev/vfio/N, /dev/vfio/devices/vfioN and
 * their /dev/char/MAJ:MIN aliases) open engine files. The sysfs of the
 * emulated devices is made once, as real files and symlinks under the
 * process's private directory with the kernel's layout (so relative links
 * resolve there as they do in /sys), and the sysfs paths of those devices
 * are redirected to it: the device directories under /sys/devices and
 * /sys/bus/pci/devices, their IOMMU groups, the vfio and vfio-dev classes,
 * /sys/dev/char entries, the vfio-pci driver and the vfio modules. Listing
 * /sys/bus/pci/devices or /sys/kernel/iommu_groups shows the host's
 * entries (as links to them) and ours.
 *
 * With no emulated device, nothing of /sys or /dev/vfio is touched.
 */
#include "shim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SHIM_VFIO_MAX 64
#define SHIM_FS	      "fs" /* the tree's top in the private dir */

static struct {
	unsigned int ndev;
	struct uiommufd_device_info dev[SHIM_VFIO_MAX];
	char root[PATH_MAX]; /* <private>/fs; empty when not made */
} shim_vfio;

static void shim_vfio_load(void)
{
	unsigned int n = 0;

	while (n != SHIM_VFIO_MAX &&
	       !ENGINE_CALL(uiommufd_device_info(n, &shim_vfio.dev[n])))
		n++;
	shim_vfio.ndev = n;
}

/* Emulated devices, as the engine reports them (it creates them once) */
static unsigned int shim_vfio_devices(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, shim_vfio_load);
	return shim_vfio.ndev;
}

static const struct uiommufd_device_info *shim_vfio_by_index(unsigned long i)
{
	for (unsigned int n = 0; n != shim_vfio_devices(); n++)
		if (shim_vfio.dev[n].vfio_index >= 0 &&
		    (unsigned long)shim_vfio.dev[n].vfio_index == i)
			return &shim_vfio.dev[n];
	return NULL;
}

/* The group named by the last component of /dev/vfio/<name> */
static const struct uiommufd_device_info *shim_vfio_by_group(const char *name)
{
	char buf[32];

	for (unsigned int n = 0; n != shim_vfio_devices(); n++) {
		const struct uiommufd_device_info *d = &shim_vfio.dev[n];

		snprintf(buf, sizeof(buf), "%s%u", d->noiommu ? "noiommu-" : "",
			 d->group);
		if (!strcmp(buf, name))
			return d;
	}
	return NULL;
}

static const struct uiommufd_device_info *shim_vfio_by_minor(unsigned long m)
{
	for (unsigned int n = 0; n != shim_vfio_devices(); n++)
		if (shim_vfio.dev[n].group_minor == m)
			return &shim_vfio.dev[n];
	return NULL;
}

static const char *shim_last(const struct shim_match *m)
{
	return strrchr(m->path, '/') + 1;
}

/* The open flags the engine's files know */
static int shim_vfio_flags(int flags)
{
	return flags & (O_ACCMODE | O_CLOEXEC | O_NONBLOCK);
}

int shim_vfio_container_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)m;
	(void)mode;
	return ENGINE_CALL(uiommufd_vfio_open(shim_vfio_flags(flags)));
}

bool shim_vfio_group_match(const struct shim_match *m)
{
	return shim_vfio_by_group(shim_last(m));
}

int shim_vfio_group_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)mode;
	return ENGINE_CALL(
		uiommufd_vfio_group_open(shim_last(m), shim_vfio_flags(flags)));
}

int shim_vfio_group_stat(const struct shim_match *m, struct statx *stx)
{
	stx->stx_rdev_minor = shim_vfio_by_group(shim_last(m))->group_minor;
	return 0;
}

/* /dev/vfio/devices/vfioN, or noiommu-vfioN for a no-IOMMU device */
bool shim_vfio_cdev_match(const struct shim_match *m)
{
	const struct uiommufd_device_info *d = shim_vfio_by_index(m->args[0]);

	return d && !d->noiommu == !strstr(shim_last(m), "noiommu-");
}

int shim_vfio_cdev_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)mode;
	return ENGINE_CALL(uiommufd_vfio_cdev_open((unsigned int)m->args[0],
						   shim_vfio_flags(flags)));
}

int shim_vfio_cdev_stat(const struct shim_match *m, struct statx *stx)
{
	stx->stx_rdev_minor = (uint32_t)m->args[0];
	return 0;
}

/* /dev/char/MAJ:MIN: udev's links to the device nodes */
bool shim_vfio_char_match(const struct shim_match *m)
{
	if (m->args[0] == VFIO_DEV_MAJOR)
		return shim_vfio_by_index(m->args[1]);
	if (m->args[0] == VFIO_GROUP_MAJOR)
		return shim_vfio_by_minor(m->args[1]);
	return false;
}

int shim_vfio_char_open(const struct shim_match *m, int flags, mode_t mode)
{
	const struct uiommufd_device_info *d;
	char name[32];

	(void)mode;
	if (m->args[0] == VFIO_DEV_MAJOR)
		return ENGINE_CALL(uiommufd_vfio_cdev_open(
			(unsigned int)m->args[1], shim_vfio_flags(flags)));
	d = shim_vfio_by_minor(m->args[1]);
	snprintf(name, sizeof(name), "%s%u", d->noiommu ? "noiommu-" : "",
		 d->group);
	return ENGINE_CALL(
		uiommufd_vfio_group_open(name, shim_vfio_flags(flags)));
}

int shim_vfio_char_stat(const struct shim_match *m, struct statx *stx)
{
	stx->stx_rdev_major = (uint32_t)m->args[0];
	stx->stx_rdev_minor = (uint32_t)m->args[1];
	return 0;
}

/* Building the tree (engine mode: these libc calls go to libc) */

struct shim_tree {
	int top; /* the private "fs" directory */
	bool ok;
};

static void tree_mkdirs(struct shim_tree *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tree_file(struct shim_tree *t, const char *text, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));
static void tree_link(struct shim_tree *t, const char *target, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static bool tree_path(char *buf, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);

	return n > 0 && n < PATH_MAX;
}

static void tree_mkdirs(struct shim_tree *t, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (!tree_path(path, fmt, ap) || shim_private_mkdirs(t->top, path))
		t->ok = false;
	va_end(ap);
}

/*
 * The path @fmt names, its directory made: false (and the tree marked
 * failed) if either cannot be.
 */
static bool tree_entry(struct shim_tree *t, char *path, const char *fmt,
		       va_list ap)
{
	char *slash;
	int rc;

	if (!tree_path(path, fmt, ap)) {
		t->ok = false;
		return false;
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	rc = shim_private_mkdirs(t->top, path);
	*slash = '/';
	if (rc)
		t->ok = false;
	return !rc;
}

static void tree_file(struct shim_tree *t, const char *text, const char *fmt,
		      ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (tree_entry(t, path, fmt, ap) &&
	    shim_private_file(t->top, path, text))
		t->ok = false;
	va_end(ap);
}

static void tree_link(struct shim_tree *t, const char *target, const char *fmt,
		      ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (tree_entry(t, path, fmt, ap) && symlinkat(target, t->top, path) &&
	    errno != EEXIST)
		t->ok = false;
	va_end(ap);
}

static bool shim_is_device(const char *name, size_t len);
static bool shim_is_group(const char *name, size_t len);

/*
 * The host's entries of a listed directory: links to where they are. An
 * emulated device or group of the same name hides the host's.
 */
static void tree_mirror(struct shim_tree *t, const char *dir,
			bool (*ours)(const char *name, size_t len))
{
	char target[PATH_MAX];
	struct dirent *d;
	DIR *real;

	tree_mkdirs(t, "%s", dir + 1);
	real = opendir(dir);
	if (!real)
		return;
	while ((d = readdir(real))) {
		if (d->d_name[0] == '.' || ours(d->d_name, strlen(d->d_name)))
			continue;
		snprintf(target, sizeof(target), "%s/%s", dir, d->d_name);
		tree_link(t, target, "%s/%s", dir + 1, d->d_name);
	}
	closedir(real);
}

/* "DDDD:BB" of "DDDD:BB:DD.F": the host bridge the function is under */
static void shim_pci_root(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "pci%.7s", name);
}

static void tree_device(struct shim_tree *t,
			const struct uiommufd_device_info *d)
{
	char dir[PATH_MAX], root[16], text[512], cdev[32], *p;
	unsigned int i;

	shim_pci_root(d->name, root, sizeof(root));
	snprintf(dir, sizeof(dir), "sys/devices/%s/%s", root, d->name);
	tree_mkdirs(t, "%s", dir);

	snprintf(text, sizeof(text), "0x%04x\n", d->vendor);
	tree_file(t, text, "%s/vendor", dir);
	snprintf(text, sizeof(text), "0x%04x\n", d->device);
	tree_file(t, text, "%s/device", dir);
	snprintf(text, sizeof(text), "0x%04x\n", d->subsystem_vendor);
	tree_file(t, text, "%s/subsystem_vendor", dir);
	snprintf(text, sizeof(text), "0x%04x\n", d->subsystem_device);
	tree_file(t, text, "%s/subsystem_device", dir);
	snprintf(text, sizeof(text), "0x%06x\n", d->class_code);
	tree_file(t, text, "%s/class", dir);
	snprintf(text, sizeof(text), "0x%02x\n", d->revision);
	tree_file(t, text, "%s/revision", dir);
	snprintf(text, sizeof(text), "%u\n", d->irq);
	tree_file(t, text, "%s/irq", dir);
	tree_file(t, "-1\n", "%s/numa_node", dir);
	tree_file(t, "1\n", "%s/enable", dir);
	tree_file(t, "1\n", "%s/msi_bus", dir);
	tree_file(t, "64\n", "%s/dma_mask_bits", dir);
	tree_file(t, "64\n", "%s/consistent_dma_mask_bits", dir);
	tree_file(t, "vfio-pci\n", "%s/driver_override", dir);
	snprintf(text, sizeof(text),
		 "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", d->vendor,
		 d->device, d->subsystem_vendor, d->subsystem_device,
		 d->class_code >> 16, (d->class_code >> 8) & 0xff,
		 d->class_code & 0xff);
	tree_file(t, text, "%s/modalias", dir);
	p = text + snprintf(text, sizeof(text),
			    "DRIVER=vfio-pci\nPCI_CLASS=%X\nPCI_ID=%04X:%04X\n"
			    "PCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
			    "MODALIAS=",
			    d->class_code, d->vendor, d->device,
			    d->subsystem_vendor, d->subsystem_device, d->name);
	snprintf(p, sizeof(text) - (size_t)(p - text),
		 "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", d->vendor,
		 d->device, d->subsystem_vendor, d->subsystem_device,
		 d->class_code >> 16, (d->class_code >> 8) & 0xff,
		 d->class_code & 0xff);
	tree_file(t, text, "%s/uevent", dir);
	/* Six BARs and the ROM, as the kernel prints them */
	p = text;
	for (i = 0; i != 7; i++) {
		uint64_t start = i < 6 ? d->resource[i].start : 0;
		uint64_t end = i < 6 ? d->resource[i].end : 0;
		uint64_t flags = i < 6 ? d->resource[i].flags : 0;

		p += snprintf(p, sizeof(text) - (size_t)(p - text),
			      "0x%016llx 0x%016llx 0x%016llx\n",
			      (unsigned long long)start,
			      (unsigned long long)end,
			      (unsigned long long)flags);
	}
	tree_file(t, text, "%s/resource", dir);

	/* Links, written as the kernel writes them (relative to /sys) */
	snprintf(text, sizeof(text), "../../../kernel/iommu_groups/%u",
		 d->group);
	tree_link(t, text, "%s/iommu_group", dir);
	tree_link(t, "../../../bus/pci/drivers/vfio-pci", "%s/driver", dir);
	tree_link(t, "../../../bus/pci", "%s/subsystem", dir);
	snprintf(text, sizeof(text), "../../../devices/%s/%s", root, d->name);
	tree_link(t, text, "sys/bus/pci/devices/%s", d->name);
	snprintf(text, sizeof(text), "../../../../devices/%s/%s", root,
		 d->name);
	tree_link(t, text, "sys/bus/pci/drivers/vfio-pci/%s", d->name);
	tree_link(t, text, "sys/kernel/iommu_groups/%u/devices/%s", d->group,
		  d->name);
	tree_file(t, "DMA\n", "sys/kernel/iommu_groups/%u/type", d->group);
	tree_file(t,
		  d->noiommu ? ""
			     : "0x00000000fee00000 0x00000000feefffff msi\n",
		  "sys/kernel/iommu_groups/%u/reserved_regions", d->group);

	/* The group's node, and the device's cdev */
	snprintf(text, sizeof(text), "%u:%u\n", VFIO_GROUP_MAJOR,
		 d->group_minor);
	tree_file(t, text, "sys/devices/virtual/vfio/%s%u/dev",
		  d->noiommu ? "noiommu-" : "", d->group);
	snprintf(text, sizeof(text), "../../devices/virtual/vfio/%s%u",
		 d->noiommu ? "noiommu-" : "", d->group);
	tree_link(t, text, "sys/class/vfio/%s%u", d->noiommu ? "noiommu-" : "",
		  d->group);
	snprintf(text, sizeof(text), "../../devices/virtual/vfio/%s%u",
		 d->noiommu ? "noiommu-" : "", d->group);
	tree_link(t, text, "sys/dev/char/%u:%u", VFIO_GROUP_MAJOR,
		  d->group_minor);
	if (d->vfio_index < 0)
		return;
	/* A no-IOMMU device's cdev (after 7.2) is "noiommu-vfioN" */
	snprintf(cdev, sizeof(cdev), "%svfio%d", d->noiommu ? "noiommu-" : "",
		 d->vfio_index);
	snprintf(text, sizeof(text), "%u:%d\n", VFIO_DEV_MAJOR, d->vfio_index);
	tree_file(t, text, "%s/vfio-dev/%s/dev", dir, cdev);
	snprintf(text, sizeof(text),
		 "MAJOR=%u\nMINOR=%d\nDEVNAME=vfio/devices/%s\n",
		 VFIO_DEV_MAJOR, d->vfio_index, cdev);
	tree_file(t, text, "%s/vfio-dev/%s/uevent", dir, cdev);
	snprintf(text, sizeof(text), "../../../%s", d->name);
	tree_link(t, text, "%s/vfio-dev/%s/device", dir, cdev);
	tree_link(t, "../../../../../class/vfio-dev",
		  "%s/vfio-dev/%s/subsystem", dir, cdev);
	snprintf(text, sizeof(text), "../../devices/%s/%s/vfio-dev/%s", root,
		 d->name, cdev);
	tree_link(t, text, "sys/class/vfio-dev/%s", cdev);
	tree_link(t, text, "sys/dev/char/%u:%d", VFIO_DEV_MAJOR, d->vfio_index);
	/* A name in the /dev/vfio/devices listing */
	tree_file(t, "", "dev/vfio/devices/%s", cdev);
}

static void tree_build(struct shim_tree *t)
{
	bool noiommu = false;

	tree_mirror(t, "/sys/bus/pci/devices", shim_is_device);
	tree_mirror(t, "/sys/kernel/iommu_groups", shim_is_group);
	tree_mkdirs(t, "sys/class/vfio");
	tree_mkdirs(t, "sys/class/vfio-dev");
	tree_mkdirs(t, "sys/dev/char");
	tree_mkdirs(t, "sys/bus/pci/drivers/vfio-pci");
	tree_file(t, "", "sys/bus/pci/drivers/vfio-pci/bind");
	tree_file(t, "", "sys/bus/pci/drivers/vfio-pci/unbind");
	tree_file(t, "", "sys/bus/pci/drivers/vfio-pci/new_id");
	tree_file(t, "", "sys/bus/pci/drivers/vfio-pci/remove_id");
	tree_link(t, "../../../../module/vfio_pci",
		  "sys/bus/pci/drivers/vfio-pci/module");
	tree_file(t, "N\n", "sys/module/vfio_pci/parameters/nointxmask");
	tree_file(t, "N\n", "sys/module/vfio_pci/parameters/disable_idle_d3");
	tree_file(t, "N\n", "sys/module/vfio_pci/parameters/disable_denylist");
	/* The container node's entries */
	tree_file(t, "", "dev/vfio/vfio");
	tree_mkdirs(t, "dev/vfio/devices");
	for (unsigned int n = 0; n != shim_vfio.ndev; n++) {
		const struct uiommufd_device_info *d = &shim_vfio.dev[n];

		tree_device(t, d);
		tree_file(t, "", "dev/vfio/%s%u", d->noiommu ? "noiommu-" : "",
			  d->group);
		noiommu |= d->noiommu;
	}
	tree_file(t, noiommu ? "Y\n" : "N\n",
		  "sys/module/vfio/parameters/enable_unsafe_noiommu_mode");
}

static void shim_tree_create(void)
{
	const char *priv = shim_private_root();
	int saved_errno = errno;
	struct shim_tree t = {.ok = true};
	char dir[PATH_MAX];

	if (!shim_vfio_devices() || !priv ||
	    (size_t)snprintf(dir, sizeof(dir), "%s/" SHIM_FS, priv) >=
		    sizeof(dir))
		return;
	shim_tls.in_engine++;
	if (!mkdir(dir, 0755)) {
		t.top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (t.top >= 0) {
			tree_build(&t);
			close(t.top);
			if (t.ok)
				strcpy(shim_vfio.root, dir);
		}
	}
	shim_tls.in_engine--;
	errno = saved_errno;
}

static const char *shim_tree(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, shim_tree_create);
	return shim_vfio.root[0] ? shim_vfio.root : NULL;
}

/* @path continues @prefix with a component for which @ours is true */
static bool shim_below(const char *path, const char *prefix,
		       bool (*ours)(const char *name, size_t len))
{
	size_t n = strlen(prefix);
	const char *name, *end;

	if (strncmp(path, prefix, n) || path[n] != '/')
		return false;
	name = path + n + 1;
	end = strchrnul(name, '/');
	return ours(name, (size_t)(end - name));
}

static bool shim_is_device(const char *name, size_t len)
{
	for (unsigned int n = 0; n != shim_vfio.ndev; n++)
		if (strlen(shim_vfio.dev[n].name) == len &&
		    !strncmp(shim_vfio.dev[n].name, name, len))
			return true;
	return false;
}

static bool shim_is_pci_root(const char *name, size_t len)
{
	char root[16];

	for (unsigned int n = 0; n != shim_vfio.ndev; n++) {
		shim_pci_root(shim_vfio.dev[n].name, root, sizeof(root));
		if (strlen(root) == len && !strncmp(root, name, len))
			return true;
	}
	return false;
}

static bool shim_is_group(const char *name, size_t len)
{
	char buf[16];

	for (unsigned int n = 0; n != shim_vfio.ndev; n++) {
		int l = snprintf(buf, sizeof(buf), "%u",
				 shim_vfio.dev[n].group);

		if ((size_t)l == len && !strncmp(buf, name, len))
			return true;
	}
	return false;
}

static bool shim_is_char(const char *name, size_t len)
{
	unsigned int major, minor;
	char buf[24];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (sscanf(buf, "%u:%u", &major, &minor) != 2)
		return false;
	if (major == VFIO_DEV_MAJOR)
		return shim_vfio_by_index(minor);
	return major == VFIO_GROUP_MAJOR && shim_vfio_by_minor(minor);
}

/* Route test of the redirected paths: only where our devices are */
bool shim_sysfs_match(const struct shim_match *m)
{
	const char *path = m->path;

	if (!shim_tree())
		return false;
	if (!strcmp(path, "/sys/bus/pci/devices") ||
	    !strcmp(path, "/sys/kernel/iommu_groups"))
		return true;
	if (!strncmp(path, "/sys/devices/", 13))
		return shim_below(path, "/sys/devices", shim_is_pci_root) ||
		       !strncmp(path, "/sys/devices/virtual/vfio", 25);
	return shim_below(path, "/sys/bus/pci/devices", shim_is_device) ||
	       shim_below(path, "/sys/kernel/iommu_groups", shim_is_group) ||
	       shim_below(path, "/sys/dev/char", shim_is_char) ||
	       !strncmp(path, "/sys/class/vfio", 15) ||
	       !strncmp(path, "/sys/module/vfio", 16) ||
	       !strncmp(path, "/sys/bus/pci/drivers/vfio-pci", 29) ||
	       !strncmp(path, "/dev/vfio", 9);
}

int shim_sysfs_redirect(const struct shim_match *m, char *buf, size_t size)
{
	const char *tree = shim_tree();

	if (!tree)
		return -ENOENT;
	if ((size_t)snprintf(buf, size, "%s%s", tree, m->path) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * realpath() of a redirected path: the tree mirrors /sys and /dev, so a
 * path inside it stands for the same path from the root.
 */
bool shim_sysfs_unredirect(char *path)
{
	const char *tree = shim_vfio.root;
	size_t n = strlen(tree);

	if (!n || strncmp(path, tree, n) || (path[n] && path[n] != '/'))
		return false;
	memmove(path, path + n, strlen(path + n) + 1);
	if (!path[0])
		strcpy(path, "/");
	return true;
}
