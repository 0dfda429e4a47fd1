// SPDX-License-Identifier: MIT
/*
 * The open family: a served path is opened by its route's handler, any
 * other goes to libc unchanged.
 */
#include "shim.h"

#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The mode argument exists only when the flags say so (as in libc) */
#define SHIM_OPEN_MODE(flags, last)                         \
	({                                                  \
		mode_t __mode = 0;                          \
		if (__OPEN_NEEDS_MODE(flags)) {             \
			va_list __ap;                       \
			va_start(__ap, last);               \
			__mode = (mode_t)va_arg(__ap, int); \
			va_end(__ap);                       \
		}                                           \
		__mode;                                     \
	})

/*
 * Open @path if it is served: true with the result in *ret (a descriptor, or
 * -1 with errno set). An O_PATH open is left to the real call (it makes no
 * file for the engine to own), unless the path is redirected.
 */
bool shim_open_served(int dirfd, const char *path, int flags, mode_t mode,
		      int *ret)
{
	struct shim_match m;
	int fd;

	if (!shim_path_lookup(dirfd, path, &m))
		return false;
	if ((flags & O_PATH) && !m.route->redirect)
		return false;
	fd = shim_route_open(&m, flags, mode);
	*ret = fd < 0 ? shim_fail(fd) : fd;
	return true;
}

/* While dlsym runs, the real open is not known yet */
static int shim_sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

SHIM_EXPORT int open(const char *path, int flags, ...)
{
	mode_t mode = SHIM_OPEN_MODE(flags, flags);
	shim_open_fn fn;
	int ret;

	if (shim_open_served(AT_FDCWD, path, flags, mode, &ret))
		return ret;
	fn = REAL(open);
	return fn ? fn(path, flags, mode)
		  : shim_sys_openat(AT_FDCWD, path, flags, mode);
}

SHIM_EXPORT int open64(const char *path, int flags, ...)
{
	mode_t mode = SHIM_OPEN_MODE(flags, flags);
	shim_open64_fn fn;
	int ret;

	if (shim_open_served(AT_FDCWD, path, flags, mode, &ret))
		return ret;
	fn = REAL(open64);
	return fn ? fn(path, flags, mode)
		  : shim_sys_openat(AT_FDCWD, path, flags, mode);
}

SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = SHIM_OPEN_MODE(flags, flags);
	shim_openat_fn fn;
	int ret;

	if (shim_open_served(dirfd, path, flags, mode, &ret))
		return ret;
	fn = REAL(openat);
	return fn ? fn(dirfd, path, flags, mode)
		  : shim_sys_openat(dirfd, path, flags, mode);
}

SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = SHIM_OPEN_MODE(flags, flags);
	shim_openat64_fn fn;
	int ret;

	if (shim_open_served(dirfd, path, flags, mode, &ret))
		return ret;
	fn = REAL(openat64);
	return fn ? fn(dirfd, path, flags, mode)
		  : shim_sys_openat(dirfd, path, flags, mode);
}

/*
 * The _FORTIFY_SOURCE entry points, called for an open without a mode
 * argument. Flags that need a mode are a program bug the real function
 * reports (it aborts), so those always go to it.
 */
static int shim_open_2(int dirfd, const char *path, int flags,
		       enum shim_real_id id)
{
	void *fn;
	int ret;

	if (!__OPEN_NEEDS_MODE(flags) &&
	    shim_open_served(dirfd, path, flags, 0, &ret))
		return ret;
	fn = shim_real(id);
	if (!fn) {
		if (__OPEN_NEEDS_MODE(flags))
			abort();
		return shim_sys_openat(dirfd, path, flags, 0);
	}
	if (id == SHIM_REAL___open_2 || id == SHIM_REAL___open64_2)
		return ((shim___open_2_fn)fn)(path, flags);
	return ((shim___openat_2_fn)fn)(dirfd, path, flags);
}

SHIM_EXPORT int __open_2(const char *path, int flags)
{
	return shim_open_2(AT_FDCWD, path, flags, SHIM_REAL___open_2);
}

SHIM_EXPORT int __open64_2(const char *path, int flags)
{
	return shim_open_2(AT_FDCWD, path, flags, SHIM_REAL___open64_2);
}

SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return shim_open_2(dirfd, path, flags, SHIM_REAL___openat_2);
}

SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return shim_open_2(dirfd, path, flags, SHIM_REAL___openat64_2);
}

/* creat() is open() with fixed flags; the real open serves the rest */
static int shim_creat(const char *path, mode_t mode)
{
	int flags = O_CREAT | O_WRONLY | O_TRUNC;
	shim_open_fn fn;
	int ret;

	if (shim_open_served(AT_FDCWD, path, flags, mode, &ret))
		return ret;
	fn = REAL(open);
	return fn ? fn(path, flags, mode)
		  : shim_sys_openat(AT_FDCWD, path, flags, mode);
}

SHIM_EXPORT int creat(const char *path, mode_t mode)
{
	return shim_creat(path, mode);
}

SHIM_EXPORT int creat64(const char *path, mode_t mode)
{
	return shim_creat(path, mode);
}
