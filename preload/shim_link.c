// SPDX-License-Identifier: MIT
/*
 * readlink and realpath: a redirected path is read where it leads, and the
 * path realpath() gives for it is the one the program asked about, not the
 * private directory behind it. A device node the shim makes up is not a
 * link, and resolves to itself.
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The path to hand the real call instead of @path (@real filled), NULL to
 * hand it @path; or -errno in *err for a served path the call fails on.
 */
static const char *shim_link_path(int dirfd, const char *path, char *real,
				  size_t size, struct shim_match *m, int *err)
{
	*err = 0;
	m->route = NULL;
	if (!shim_path_lookup(dirfd, path, m)) {
		m->route = NULL;
		return NULL;
	}
	if (m->route->redirect) {
		*err = shim_route_redirect(m, real, size);
		return *err ? NULL : real;
	}
	return NULL;
}

static ssize_t shim_readlinkat(int dirfd, const char *path, char *buf,
			       size_t size)
{
	char real[PATH_MAX];
	struct shim_match m;
	const char *target;
	int err;

	target = shim_link_path(dirfd, path, real, sizeof(real), &m, &err);
	if (err)
		return shim_fail(err);
	if (target)
		return syscall(SYS_readlinkat, AT_FDCWD, target, buf, size);
	if (m.route && shim_route_node(m.route))
		return shim_fail(-EINVAL); /* a node, not a link */
	return syscall(SYS_readlinkat, dirfd, path, buf, size);
}

SHIM_EXPORT ssize_t readlink(const char *path, char *buf, size_t size)
{
	return shim_readlinkat(AT_FDCWD, path, buf, size);
}

SHIM_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf,
			       size_t size)
{
	return shim_readlinkat(dirfd, path, buf, size);
}

SHIM_EXPORT char *realpath(const char *path, char *resolved)
{
	char real[PATH_MAX], out[PATH_MAX];
	struct shim_match m;
	shim_realpath_fn fn = REAL(realpath);
	const char *target;
	int err;

	if (!fn) {
		errno = ENOSYS;
		return NULL;
	}
	target = shim_link_path(AT_FDCWD, path, real, sizeof(real), &m, &err);
	if (err) {
		shim_fail(err);
		return NULL;
	}
	if (!target && !(m.route && shim_route_node(m.route)))
		return fn(path, resolved);
	if (target) {
		if (!fn(target, out))
			return NULL;
		/* Inside the stand-in tree: the path it mirrors */
		shim_sysfs_unredirect(out);
	} else {
		strcpy(out, m.path);
	}
	if (!resolved)
		return strdup(out);
	strcpy(resolved, out);
	return resolved;
}

SHIM_EXPORT char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}
