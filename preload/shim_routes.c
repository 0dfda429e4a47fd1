// SPDX-License-Identifier: MIT
/*
 * The routing table: the files the shim serves, and what opening them does.
 *
 * To serve another file, add an entry here: a canonical absolute path under
 * /dev/, /proc/ or /sys/ (the only roots shim_paths.c looks at), with '#'
 * for a decimal field ("/dev/vfio/#", "/proc/self/task/#/fail-nth"), its
 * stat identity, and an open handler. The open, stat and access entry
 * points all dispatch through this table; nothing else needs to change.
 */
#include "shim.h"

/*
 * Misc character devices have major 10. The kernel gives /dev/iommu a
 * dynamic minor; a fixed one keeps the node stable across runs.
 */
#define MISC_MAJOR	 10
#define SHIM_IOMMU_MINOR 120

/* The engine's open knows O_CLOEXEC and the file status flags */
static int shim_iommu_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)m;
	(void)mode;
	return ENGINE_CALL(
		uiommufd_open(flags & (O_ACCMODE | O_CLOEXEC | O_NONBLOCK)));
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
};

const unsigned int shim_nr_routes =
	sizeof(shim_routes) / sizeof(shim_routes[0]);
