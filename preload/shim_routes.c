// SPDX-License-Identifier: MIT
/*
 * The routing table: the files the shim serves, and what opening them does.
 *
 * To serve another file, add an entry here: a canonical absolute path under
 * /dev/, /proc/ or /sys/ (the only roots shim_paths.c looks at), with '#'
 * for a decimal field ("/dev/vfio/#", "/proc/self/task/#/fail-nth"), its
 * stat identity, and an open handler; or, for a real file shown changed,
 * an open handler alone; or a redirect handler (see struct shim_route).
 * The open, fopen, opendir, stat, access and xattr entry points all
 * dispatch through this table; nothing else needs to change.
 */
#include "shim.h"

/*
 * Misc character devices have major 10. The kernel gives /dev/iommu a
 * dynamic minor (dynamic misc minors start at 256 since Linux 6.x); a fixed
 * one, the one 7.2 gives it, keeps the node stable across runs.
 */
#define SHIM_IOMMU_MINOR 257

/* The engine's open knows O_CLOEXEC and the file status flags */
static int shim_iommu_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)m;
	(void)mode;
	return ENGINE_CALL(
		uiommufd_open(flags & (O_ACCMODE | O_CLOEXEC | O_NONBLOCK)));
}

/* A file of every task: /proc/<pid>/name and /proc/<pid>/task/<tid>/name */
/* clang-format off */
#define SHIM_PROC_TASK_FILE(name, ...)                                 \
	{ .pattern = "/proc/self/" name, __VA_ARGS__ },                \
	{ .pattern = "/proc/thread-self/" name, __VA_ARGS__ },         \
	{ .pattern = "/proc/#/" name, __VA_ARGS__ },                   \
	{ .pattern = "/proc/self/task/#/" name, __VA_ARGS__ },         \
	{ .pattern = "/proc/#/task/#/" name, __VA_ARGS__ }
/* clang-format on */

/* The sysfs of emulated devices and the /dev/vfio listing: shim_vfio.c */
#define SHIM_SYSFS_PATH(path, is_subtree)                                   \
	{                                                                   \
		.pattern = path, .subtree = is_subtree,                     \
		.match = shim_sysfs_match, .redirect = shim_sysfs_redirect, \
	}

/* A VFIO group node: /dev/vfio/N, or noiommu-N for a no-IOMMU group */
#define SHIM_VFIO_GROUP_NODE(path)                                            \
	{                                                                     \
		.pattern = path, .mode = S_IFCHR | 0600,                      \
		.rdev_major = VFIO_GROUP_MAJOR,                               \
		.fd_kind = UIOMMUFD_FD_VFIO_GROUP,                            \
		.match = shim_vfio_group_match, .open = shim_vfio_group_open, \
		.stat = shim_vfio_group_stat,                                 \
	}

/* The stand-in for debugfs: see shim_debugfs.c */
#define SHIM_DEBUGFS_PATH(path, is_subtree)             \
	{                                               \
		.pattern = path, .subtree = is_subtree, \
		.match = shim_debugfs_match,            \
		.redirect = shim_debugfs_redirect,      \
	}

const struct shim_route shim_routes[] = {
	{
		.pattern = "/dev/iommu",
		.mode = S_IFCHR | 0660,
		.rdev_major = MISC_MAJOR,
		.rdev_minor = SHIM_IOMMU_MINOR,
		.fd_kind = UIOMMUFD_FD_IOMMUFD,
		.open = shim_iommu_open,
	},
	/* VFIO: the container (an iommufd), groups, device cdevs */
	{
		.pattern = "/dev/vfio/vfio",
		.mode = S_IFCHR | 0666,
		.rdev_major = MISC_MAJOR,
		.rdev_minor = VFIO_CONTAINER_MINOR,
		.fd_kind = UIOMMUFD_FD_VFIO,
		.open = shim_vfio_container_open,
	},
	SHIM_VFIO_GROUP_NODE("/dev/vfio/#"),
	SHIM_VFIO_GROUP_NODE("/dev/vfio/noiommu-#"),
	{
		.pattern = "/dev/vfio/devices/vfio#",
		.mode = S_IFCHR | 0600,
		.rdev_major = VFIO_DEV_MAJOR,
		.fd_kind = UIOMMUFD_FD_VFIO_DEVICE,
		.match = shim_vfio_cdev_match,
		.open = shim_vfio_cdev_open,
		.stat = shim_vfio_cdev_stat,
	},
	/* A no-IOMMU device's cdev: UIOMMUFD_EXPERIMENTAL=noiommu only */
	{
		.pattern = "/dev/vfio/devices/noiommu-vfio#",
		.mode = S_IFCHR | 0600,
		.rdev_major = VFIO_DEV_MAJOR,
		.fd_kind = UIOMMUFD_FD_VFIO_DEVICE,
		.match = shim_vfio_cdev_match,
		.open = shim_vfio_cdev_open,
		.stat = shim_vfio_cdev_stat,
	},
	{
		.pattern = "/dev/char/#:#",
		.mode = S_IFCHR | 0600,
		.match = shim_vfio_char_match,
		.open = shim_vfio_char_open,
		.stat = shim_vfio_char_stat,
	},
	SHIM_SYSFS_PATH("/dev/vfio", false),
	SHIM_SYSFS_PATH("/dev/vfio/devices", false),
	SHIM_SYSFS_PATH("/sys/bus/pci/devices", true),
	SHIM_SYSFS_PATH("/sys/bus/pci/drivers/vfio-pci", true),
	SHIM_SYSFS_PATH("/sys/devices", true),
	SHIM_SYSFS_PATH("/sys/kernel/iommu_groups", true),
	SHIM_SYSFS_PATH("/sys/class/vfio", true),
	SHIM_SYSFS_PATH("/sys/class/vfio-dev", true),
	SHIM_SYSFS_PATH("/sys/dev/char", true),
	SHIM_SYSFS_PATH("/sys/module/vfio", true),
	SHIM_SYSFS_PATH("/sys/module/vfio_pci", true),
	/* The kernel's lines of an engine descriptor, and the engine's */
	SHIM_PROC_TASK_FILE("fdinfo/#", .match = shim_fdinfo_match,
			    .open = shim_fdinfo_open),
	/* The kernel's text, with the engine's pinned pages added */
	SHIM_PROC_TASK_FILE("status", .open = shim_proc_status_open),
	/* Fault injection: the engine's fail-nth of the calling thread */
	SHIM_PROC_TASK_FILE("fail-nth", .mode = S_IFREG | 0644,
			    .fd_kind = UIOMMUFD_FD_FAIL_NTH,
			    .match = shim_fail_nth_match,
			    .open = shim_fail_nth_open, .stat = shim_proc_stat),
	SHIM_DEBUGFS_PATH("/sys/kernel/debug", false),
	SHIM_DEBUGFS_PATH("/sys/kernel/debug/failslab", true),
	SHIM_DEBUGFS_PATH("/sys/kernel/debug/fail_page_alloc", true),
};

const unsigned int shim_nr_routes =
	sizeof(shim_routes) / sizeof(shim_routes[0]);
