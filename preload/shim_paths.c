// SPDX-License-Identifier: MIT
/*
 * Path routing: does a path name a file the shim serves?
 *
 * Nearly every path a program opens is not ours, so the answer must be
 * cheap: an absolute path is first tested for the only roots served files
 * live under (/dev/, /proc/, /sys/); a relative one for a last component
 * that some served file has. Only then is the path made absolute and
 * canonical (".", ".." and repeated '/' removed, without following
 * symlinks) and compared with the routing table, shim_routes.c.
 */
#include "shim.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Served files live under these roots; see shim_routes.c */
static bool shim_root_served(const char *path)
{
	switch (path[1]) {
	case 'd':
		return !strncmp(path, "/dev/", 5);
	case 'p':
		return !strncmp(path, "/proc/", 6);
	case 's':
		return !strncmp(path, "/sys/", 5);
	}
	return false;
}

/*
 * Match @str, up to @end, against @pattern, whose '#' fields match decimal
 * numbers written as the kernel writes them (no sign, no leading zero).
 * The numbers go to @m when given.
 */
static bool shim_glob(const char *pattern, const char *str, const char *end,
		      struct shim_match *m)
{
	unsigned int nr_args = 0;

	while (*pattern) {
		unsigned long v = 0;

		if (*pattern != '#') {
			if (str == end || *pattern++ != *str++)
				return false;
			continue;
		}
		pattern++;
		if (str == end || *str < '0' || *str > '9')
			return false;
		if (*str == '0' && str + 1 != end && str[1] >= '0' &&
		    str[1] <= '9')
			return false;
		for (; str != end && *str >= '0' && *str <= '9'; str++) {
			if (v > (ULONG_MAX - 9) / 10)
				return false;
			v = v * 10 + (unsigned long)(*str - '0');
		}
		if (nr_args == SHIM_MATCH_MAX_ARGS)
			return false;
		if (m)
			m->args[nr_args] = v;
		nr_args++;
	}
	if (m)
		m->nr_args = nr_args;
	return str == end;
}

/* Is @name (of @len) one of the components of @path? */
static bool shim_has_component(const char *path, const char *name, size_t len)
{
	for (const char *p = path; (p = strstr(p, name)); p++)
		if ((p == path || p[-1] == '/') &&
		    (p[len] == '\0' || p[len] == '/'))
			return true;
	return false;
}

/*
 * Can a relative path name a served file: end in a served file's name, or
 * go through the top of a served subtree? No system call here.
 */
static bool shim_name_served(const char *path)
{
	const char *name = strrchr(path, '/');
	const char *end;

	name = name ? name + 1 : path;
	end = name + strlen(name);
	for (unsigned int i = 0; i != shim_nr_routes; i++) {
		const char *pattern = strrchr(shim_routes[i].pattern, '/') + 1;

		if (shim_glob(pattern, name, end, NULL))
			return true;
		if (shim_routes[i].subtree &&
		    shim_has_component(path, pattern, strlen(pattern)))
			return true;
	}
	return false;
}

/* Append @len bytes of @s to the canonical path in @out of @size */
static bool shim_canon_append(char *out, size_t *pos, size_t size,
			      const char *s, size_t len)
{
	if (len == 1 && s[0] == '.')
		return true;
	if (len == 2 && s[0] == '.' && s[1] == '.') {
		while (*pos && out[*pos - 1] != '/')
			(*pos)--;
		if (*pos)
			(*pos)--; /* the '/' before the dropped name */
		return true;
	}
	if (*pos + 1 + len + 1 > size)
		return false;
	out[(*pos)++] = '/';
	memcpy(out + *pos, s, len);
	*pos += len;
	return true;
}

/*
 * Append the components of @path. A path ending in '/', "." or ".." must
 * name a directory: *dir_only says so.
 */
static bool shim_canon_walk(char *out, size_t *pos, size_t size,
			    const char *path, bool *dir_only)
{
	const char *p = path;

	*dir_only = true;
	while (*p) {
		const char *next = strchrnul(p, '/');
		size_t len = (size_t)(next - p);

		if (len && !shim_canon_append(out, pos, size, p, len))
			return false;
		if (!*next) {
			*dir_only = (len == 1 && p[0] == '.') ||
				    (len == 2 && p[0] == '.' && p[1] == '.');
			return true;
		}
		p = next + 1;
	}
	/* Empty (not a path), or ending in '/' */
	return p != path;
}

/*
 * The canonical form of @path, relative to @dir when given: a directory
 * path from the kernel, so canonical already ("/" or without a final '/').
 */
static bool shim_canon(const char *dir, const char *path, struct shim_match *m)
{
	size_t size = sizeof(m->path);
	char *out = m->path;
	size_t pos = 0;

	if (dir) {
		pos = strlen(dir);
		if (pos >= size)
			return false;
		memcpy(out, dir, pos);
		/* The root: its '/' comes with the next name */
		if (pos == 1)
			pos = 0;
	}
	if (!shim_canon_walk(out, &pos, size, path, &m->dir_only))
		return false;
	out[pos] = '\0';
	return pos != 0;
}

/* The absolute path of @dirfd (AT_FDCWD: the working directory) */
static bool shim_dir_path(int dirfd, char *buf, size_t size)
{
	int saved_errno = errno;
	char link[32];
	long len;

	if (dirfd == AT_FDCWD) {
		len = syscall(SYS_getcwd, buf, size);
		/* The kernel counts the NUL; "(unreachable)/..." is not ours */
		len = len > 0 ? len - 1 : -1;
	} else {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
		len = syscall(SYS_readlinkat, AT_FDCWD, link, buf, size - 1);
	}
	errno = saved_errno;
	if (len <= 0 || (size_t)len >= size || buf[0] != '/')
		return false;
	buf[len] = '\0';
	return true;
}

/* A subtree route covers its path and every path below it */
static bool shim_subtree(const char *pattern, const char *path)
{
	size_t len = strlen(pattern);

	return !strncmp(pattern, path, len) &&
	       (path[len] == '\0' || path[len] == '/');
}

static bool shim_table_match(struct shim_match *m)
{
	const char *end = m->path + strlen(m->path);

	for (unsigned int i = 0; i != shim_nr_routes; i++) {
		const struct shim_route *route = &shim_routes[i];

		if (route->subtree) {
			if (!shim_subtree(route->pattern, m->path))
				continue;
			m->nr_args = 0;
		} else if (!shim_glob(route->pattern, m->path, end, m)) {
			continue;
		}
		/* "name/" is not served unless name may be a directory */
		if (m->dir_only && !route->redirect && !S_ISDIR(route->mode))
			continue;
		m->route = route;
		if (!route->match || route->match(m))
			return true;
	}
	return false;
}

/**
 * shim_path_lookup() - find the served file @path names, relative to @dirfd
 * @m: receives the route, the canonical path and the numbers matched
 *
 * Returns false for a path that is not served (or is not valid: the real
 * call then answers as the kernel does).
 */
bool shim_path_lookup(int dirfd, const char *path, struct shim_match *m)
{
	char dir[PATH_MAX];

	if (!path || shim_tls.in_engine || shim_disabled())
		return false;
	if (path[0] == '/') {
		if (!shim_root_served(path))
			return false;
		if (!shim_canon(NULL, path, m))
			return false;
	} else {
		if (!path[0] || !shim_name_served(path))
			return false;
		if (!shim_dir_path(dirfd, dir, sizeof(dir)))
			return false;
		if (!shim_canon(dir, path, m))
			return false;
	}
	return shim_root_served(m->path) && shim_table_match(m);
}

/*
 * What stat says about /dev, once: served device nodes appear to live on
 * the same devtmpfs, with its times.
 */
static struct statx shim_devfs;

static void shim_devfs_init(void)
{
	int saved_errno = errno;

	if (syscall(SYS_statx, AT_FDCWD, "/dev", 0, STATX_BASIC_STATS,
		    &shim_devfs)) {
		memset(&shim_devfs, 0, sizeof(shim_devfs));
		shim_devfs.stx_dev_minor = 5; /* a devtmpfs-like number */
	}
	errno = saved_errno;
}

/* FNV-1a: a stable inode number per path, as small as devtmpfs ones */
static uint64_t shim_path_ino(const char *path)
{
	uint32_t h = 0x811c9dc5u;

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 0x01000193u;
	return h ? h : 1;
}

int shim_route_statx(const struct shim_match *m, struct statx *stx)
{
	static pthread_once_t devfs_once = PTHREAD_ONCE_INIT;
	const struct shim_route *route = m->route;

	pthread_once(&devfs_once, shim_devfs_init);
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = 4096;
	stx->stx_nlink = 1;
	stx->stx_mode = (uint16_t)route->mode;
	stx->stx_ino = shim_path_ino(m->path);
	stx->stx_atime = shim_devfs.stx_ctime;
	stx->stx_mtime = shim_devfs.stx_ctime;
	stx->stx_ctime = shim_devfs.stx_ctime;
	stx->stx_rdev_major = route->rdev_major;
	stx->stx_rdev_minor = route->rdev_minor;
	stx->stx_dev_major = shim_devfs.stx_dev_major;
	stx->stx_dev_minor = shim_devfs.stx_dev_minor;
	return route->stat ? route->stat(m, stx) : 0;
}

/*
 * fstat() of an engine descriptor: a kind that a fixed path opens (an
 * iommufd is an open /dev/iommu) stats as that file. Other kinds are
 * anonymous files in the kernel too: the real descriptor answers for them.
 */
bool shim_fd_statx(int fd, int kind, struct statx *stx)
{
	struct shim_match m;

	/* A file opened through a node that is not fixed (/dev/vfio/3) */
	if (!ENGINE_CALL(uiommufd_fd_devnode(fd, m.path, sizeof(m.path)))) {
		char path[PATH_MAX];

		strcpy(path, m.path);
		return shim_path_lookup(AT_FDCWD, path, &m) &&
		       shim_route_node(m.route) &&
		       shim_route_statx(&m, stx) == 0;
	}
	for (unsigned int i = 0; i != shim_nr_routes; i++) {
		const struct shim_route *route = &shim_routes[i];

		if (route->fd_kind != kind || strchr(route->pattern, '#'))
			continue;
		m.route = route;
		m.nr_args = 0;
		m.dir_only = false;
		strcpy(m.path, route->pattern);
		return shim_route_statx(&m, stx) == 0;
	}
	return false;
}

/*
 * The path a redirected route stands for, in @buf of @size; a path that
 * must name a directory keeps its final '/'.
 */
int shim_route_redirect(const struct shim_match *m, char *buf, size_t size)
{
	int ret = m->route->redirect(m, buf, size);
	size_t len;

	if (ret < 0)
		return ret;
	len = strlen(buf);
	if (m->dir_only) {
		if (len + 2 > size)
			return -ENAMETOOLONG;
		buf[len++] = '/';
		buf[len] = '\0';
	}
	return 0;
}

/* open() of a served file, after the checks the VFS makes for any file */
int shim_route_open(const struct shim_match *m, int flags, mode_t mode)
{
	const struct shim_route *route = m->route;
	char path[PATH_MAX];
	long fd;
	int ret;

	if (route->redirect) {
		ret = shim_route_redirect(m, path, sizeof(path));
		if (ret < 0)
			return ret;
		fd = syscall(SYS_openat, AT_FDCWD, path, flags, mode);
		return fd < 0 ? -errno : (int)fd;
	}
	/* A real file's own open makes these checks */
	if (shim_route_node(route)) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((flags & O_DIRECTORY) && !S_ISDIR(route->mode))
			return -ENOTDIR;
	}
	if (!route->open)
		return -ENXIO; /* a node without a driver behind it */
	return route->open(m, flags, mode);
}
