// SPDX-License-Identifier: MIT
/*
 * libc calls that open a path without going through the exported open():
 * fopen, freopen and opendir call glibc's internal open. A served path is
 * opened here instead, through the routing table, and the descriptor is
 * wrapped as the caller expects.
 *
 * A stream is fdopen()'s, so that fileno() gives the descriptor: what a
 * program does with a stream on /dev/iommu or a VFIO file is ioctl() on
 * it. A fail-nth file is read and written instead, and stdio's internal
 * read would bypass the engine: its stream is a fopencookie() one whose
 * functions make the shim's own calls, and whose close closes the file
 * (its fileno() is -1).
 *
 * fclose() of a stream on an engine descriptor closes it inside libc,
 * where close() is not seen: the engine is told first, so that it lets the
 * descriptor go before libc closes it and the number can be reused.
 */
#include "shim.h"

#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The open flags of a stdio mode, as glibc reads it; -1 if not valid */
static int shim_fopen_flags(const char *mode)
{
	int flags;

	switch (mode[0]) {
	case 'r':
		flags = O_RDONLY;
		break;
	case 'w':
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return -1;
	}
	for (int i = 1; i < 7 && mode[i] && mode[i] != ','; i++) {
		switch (mode[i]) {
		case '+':
			flags = (flags & ~O_ACCMODE) | O_RDWR;
			break;
		case 'x':
			flags |= O_EXCL;
			break;
		case 'e':
			flags |= O_CLOEXEC;
			break;
		}
	}
	return flags;
}

static ssize_t shim_cookie_read(void *cookie, char *buf, size_t size)
{
	return read((int)(intptr_t)cookie, buf, size);
}

static ssize_t shim_cookie_write(void *cookie, const char *buf, size_t size)
{
	return write((int)(intptr_t)cookie, buf, size);
}

/* The position of a fail-nth file is kept in its descriptor */
static int shim_cookie_seek(void *cookie, off64_t *offset, int whence)
{
	off64_t ret = lseek64((int)(intptr_t)cookie, *offset, whence);

	if (ret < 0)
		return -1;
	*offset = ret;
	return 0;
}

static int shim_cookie_close(void *cookie)
{
	return close((int)(intptr_t)cookie);
}

static const cookie_io_functions_t shim_cookie_io = {
	.read = shim_cookie_read,
	.write = shim_cookie_write,
	.seek = shim_cookie_seek,
	.close = shim_cookie_close,
};

/* A stream on the served descriptor @fd; closes it on failure */
static FILE *shim_fdopen(int fd, const char *mode)
{
	int saved_errno;
	FILE *stream;

	if (shim_fd_kind(fd) == UIOMMUFD_FD_FAIL_NTH)
		stream =
			fopencookie((void *)(intptr_t)fd, mode, shim_cookie_io);
	else
		stream = fdopen(fd, mode);
	if (!stream) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
	}
	return stream;
}

/* fopen() of @path if served: true with the result in *ret */
static bool shim_fopen_served(const char *path, const char *mode, FILE **ret)
{
	int flags, fd;

	if (!path || !mode)
		return false;
	flags = shim_fopen_flags(mode);
	if (flags < 0 || !shim_open_served(AT_FDCWD, path, flags, 0666, &fd))
		return false;
	*ret = fd < 0 ? NULL : shim_fdopen(fd, mode);
	return true;
}

/* While dlsym runs, the real fopen is not known yet */
static FILE *shim_sys_fopen(const char *path, const char *mode)
{
	int flags = mode ? shim_fopen_flags(mode) : -1;
	long fd;
	FILE *stream;

	if (flags < 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = syscall(SYS_openat, AT_FDCWD, path, flags, 0666);
	if (fd < 0)
		return NULL;
	stream = fdopen((int)fd, mode);
	if (!stream)
		syscall(SYS_close, (int)fd);
	return stream;
}

SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{
	shim_fopen_fn fn;
	FILE *ret;

	if (shim_fopen_served(path, mode, &ret))
		return ret;
	fn = REAL(fopen);
	return fn ? fn(path, mode) : shim_sys_fopen(path, mode);
}

SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	shim_fopen64_fn fn;
	FILE *ret;

	if (shim_fopen_served(path, mode, &ret))
		return ret;
	fn = REAL(fopen64);
	return fn ? fn(path, mode) : shim_sys_fopen(path, mode);
}

/* freopen() closes @stream even when it fails */
static FILE *shim_freopen_fail(FILE *stream, int err)
{
	fclose(stream);
	errno = -err;
	return NULL;
}

/*
 * freopen() of a served path must keep @stream, so it cannot become a
 * cookie stream: a redirected path is reopened where it leads, a served
 * real file (a rewritten /proc file is a memfd) through /proc/self/fd. An
 * engine file would be lost that way (the reopened descriptor is not the
 * engine's): that fails with EOPNOTSUPP.
 */
static FILE *shim_freopen(shim_freopen_fn fn, const char *path,
			  const char *mode, FILE *stream)
{
	int flags = path && mode ? shim_fopen_flags(mode) : -1;
	char real[PATH_MAX];
	struct shim_match m;
	int saved_errno, fd;
	FILE *ret;

	if (!fn)
		return shim_freopen_fail(stream, -ENOSYS);
	if (flags < 0 || !shim_path_lookup(AT_FDCWD, path, &m))
		return fn(path, mode, stream);
	if (m.route->redirect) {
		fd = shim_route_redirect(&m, real, sizeof(real));
		if (fd < 0)
			return shim_freopen_fail(stream, fd);
		return fn(real, mode, stream);
	}
	fd = shim_route_open(&m, flags, 0666);
	if (fd < 0)
		return shim_freopen_fail(stream, fd);
	if (shim_fd_ours(fd)) {
		close(fd);
		return shim_freopen_fail(stream, -EOPNOTSUPP);
	}
	snprintf(real, sizeof(real), "/proc/self/fd/%d", fd);
	ret = fn(real, mode, stream);
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return ret;
}

SHIM_EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream)
{
	return shim_freopen(REAL(freopen), path, mode, stream);
}

SHIM_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream)
{
	return shim_freopen(REAL(freopen64), path, mode, stream);
}

/*
 * opendir() of a redirected path lists where it leads; of a node the shim
 * serves, fails as opendir of a file does.
 */
SHIM_EXPORT DIR *opendir(const char *path)
{
	char real[PATH_MAX];
	struct shim_match m;
	shim_opendir_fn fn;
	int ret;

	if (shim_path_lookup(AT_FDCWD, path, &m)) {
		if (m.route->redirect) {
			ret = shim_route_redirect(&m, real, sizeof(real));
			if (ret < 0) {
				shim_fail(ret);
				return NULL;
			}
			path = real;
		} else if (shim_route_node(m.route) &&
			   !S_ISDIR(m.route->mode)) {
			shim_fail(-ENOTDIR);
			return NULL;
		}
	}
	fn = REAL(opendir);
	if (!fn) {
		errno = ENOSYS;
		return NULL;
	}
	return fn(path);
}

SHIM_EXPORT int fclose(FILE *stream)
{
	shim_fclose_fn fn = REAL(fclose);
	int fd = stream ? fileno(stream) : -1;

	if (!fn) {
		errno = ENOSYS;
		return EOF;
	}
	if (fd >= 0 && shim_fd_ours(fd))
		ENGINE_CALL(uiommufd_fd_forget(fd));
	return fn(stream);
}
