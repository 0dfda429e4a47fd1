// SPDX-License-Identifier: MIT
/*
 * Extended attributes of a served path: there are none, as on a fresh
 * devtmpfs node. Tools ask (ls -l looks for an SELinux label and ACLs) and
 * must get "no such attribute", not "no such file". A real file the shim
 * rewrites has its own; a redirected path has those of where it leads.
 */
#include "shim.h"

#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* The namespaces the kernel knows; any other name is not supported */
static bool shim_xattr_name_known(const char *name)
{
	static const char *const prefixes[] = {"security.", "system.",
					       "trusted.", "user."};

	for (size_t i = 0; i != sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * 1 when @path is a node the shim serves, 0 when the real call answers (for
 * a redirected path, about *path, pointed to @buf), or -errno.
 */
static int shim_xattr_served(const char **path, char *buf, size_t size)
{
	struct shim_match m;
	int ret;

	if (!shim_path_lookup(AT_FDCWD, *path, &m))
		return 0;
	if (m.route->redirect) {
		ret = shim_route_redirect(&m, buf, size);
		if (ret < 0)
			return ret;
		*path = buf;
		return 0;
	}
	return shim_route_node(m.route);
}

SHIM_EXPORT ssize_t getxattr(const char *path, const char *name, void *value,
			     size_t size)
{
	char buf[PATH_MAX];
	shim_getxattr_fn fn;
	int served;

	served = shim_xattr_served(&path, buf, sizeof(buf));
	if (served < 0)
		return shim_fail(served);
	if (served)
		return shim_fail(shim_xattr_name_known(name) ? -ENODATA
							     : -EOPNOTSUPP);
	fn = REAL(getxattr);
	return fn ? fn(path, name, value, size)
		  : syscall(SYS_getxattr, path, name, value, size);
}

SHIM_EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value,
			      size_t size)
{
	char buf[PATH_MAX];
	shim_lgetxattr_fn fn;
	int served;

	served = shim_xattr_served(&path, buf, sizeof(buf));
	if (served < 0)
		return shim_fail(served);
	if (served)
		return shim_fail(shim_xattr_name_known(name) ? -ENODATA
							     : -EOPNOTSUPP);
	fn = REAL(lgetxattr);
	return fn ? fn(path, name, value, size)
		  : syscall(SYS_lgetxattr, path, name, value, size);
}

SHIM_EXPORT ssize_t listxattr(const char *path, char *list, size_t size)
{
	char buf[PATH_MAX];
	shim_listxattr_fn fn;
	int served;

	served = shim_xattr_served(&path, buf, sizeof(buf));
	if (served)
		return served < 0 ? shim_fail(served) : 0;
	fn = REAL(listxattr);
	return fn ? fn(path, list, size)
		  : syscall(SYS_listxattr, path, list, size);
}

SHIM_EXPORT ssize_t llistxattr(const char *path, char *list, size_t size)
{
	char buf[PATH_MAX];
	shim_llistxattr_fn fn;
	int served;

	served = shim_xattr_served(&path, buf, sizeof(buf));
	if (served)
		return served < 0 ? shim_fail(served) : 0;
	fn = REAL(llistxattr);
	return fn ? fn(path, list, size)
		  : syscall(SYS_llistxattr, path, list, size);
}
