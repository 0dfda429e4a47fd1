// SPDX-License-Identifier: MIT
/*
 * Descriptor calls: ioctl, close, dup, fcntl and mmap on the engine's
 * descriptors go to the engine; on any other descriptor, to libc.
 *
 * The engine's files are real descriptors of the process, so everything
 * the kernel does with the descriptor itself (poll, FD_CLOEXEC, passing it
 * to another call) already works. What the engine must be told about is
 * what the kernel would tell the driver: ioctls, mappings, and when a
 * descriptor of the file appears (dup) or goes away (close).
 */
#include "shim.h"

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>

/* Bounds the search for engine descriptors when /proc is not there */
#define SHIM_FD_LIMIT (1u << 20)

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

/* The real calls, or the raw system call while dlsym runs */
static int shim_real_close(int fd)
{
	shim_close_fn fn = REAL(close);

	return fn ? fn(fd) : (int)syscall(SYS_close, fd);
}

static int shim_real_fcntl(int fd, int cmd, unsigned long arg)
{
	shim_fcntl_fn fn = REAL(fcntl);

	return fn ? fn(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg);
}

/*
 * Ioctls the kernel's VFS answers for every file before the driver sees
 * them: the real descriptor holds that state (close-on-exec, O_NONBLOCK).
 */
static bool shim_vfs_ioctl(unsigned long request)
{
	switch ((unsigned int)request) {
	case FIOCLEX:
	case FIONCLEX:
	case FIONBIO:
	case FIOASYNC:
		return true;
	}
	return false;
}

/* The argument is a pointer or an integer: read it as glibc's wrapper does */
SHIM_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	unsigned long arg;
	shim_ioctl_fn fn;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, unsigned long);
	va_end(ap);

	if (shim_fd_ours(fd) && !shim_vfs_ioctl(request)) {
		long ret;

		shim_guard_faults();
		ret = ENGINE_CALL(uiommufd_ioctl(fd, request, arg));

		return ret < 0 ? shim_fail(ret) : (int)ret;
	}
	/*
	 * An iommufd ioctl on a descriptor we do not know: another process'
	 * context received by SCM_RIGHTS or kept over execve() is adopted;
	 * anything else (a real VFIO file) goes on to the kernel.
	 */
	if (_IOC_TYPE(request) == IOMMUFD_TYPE && !shim_tls.in_engine &&
	    !shim_disabled()) {
		long ret;

		shim_guard_faults();
		ret = ENGINE_CALL(uiommufd_ioctl(fd, request, arg));

		/* EBADF of an adopted context's ioctl is its answer */
		if (ret != -EBADF || shim_fd_ours(fd))
			return ret < 0 ? shim_fail(ret) : (int)ret;
	}
	fn = REAL(ioctl);
	return fn ? fn(fd, request, arg)
		  : (int)syscall(SYS_ioctl, fd, request, arg);
}

/* uiommufd_close() closes the descriptor itself */
SHIM_EXPORT int close(int fd)
{
	if (shim_fd_ours(fd)) {
		int ret = ENGINE_CALL(uiommufd_close(fd));

		return ret < 0 ? shim_fail(ret) : 0;
	}
	return shim_real_close(fd);
}

static void shim_close_one(unsigned int fd, unsigned int first,
			   unsigned int last)
{
	if (fd >= first && fd <= last && fd <= INT_MAX && shim_fd_ours((int)fd))
		ENGINE_CALL(uiommufd_close((int)fd));
}

struct shim_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The engine's descriptors in [first, last] of one getdents64 batch */
static void shim_close_ours_batch(const char *buf, long len, long dfd,
				  unsigned int first, unsigned int last)
{
	for (long off = 0; off < len;) {
		const struct shim_dirent64 *d = (const void *)(buf + off);
		const char *p = d->d_name;
		unsigned long fd = 0;

		off += d->d_reclen;
		for (; *p >= '0' && *p <= '9' && fd <= UINT_MAX; p++)
			fd = fd * 10 + (unsigned long)(*p - '0');
		if (p != d->d_name && !*p && fd != (unsigned long)dfd)
			shim_close_one((unsigned int)fd, first, last);
	}
}

/* Walk the open descriptors in /proc/self/fd, without allocating */
static bool shim_close_ours_proc(unsigned int first, unsigned int last)
{
	char buf[4096] __attribute__((aligned(8)));
	long dfd, len;

	dfd = syscall(SYS_openat, AT_FDCWD, "/proc/self/fd",
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	do {
		len = syscall(SYS_getdents64, (int)dfd, buf, sizeof(buf));
		shim_close_ours_batch(buf, len, dfd, first, last);
	} while (len > 0);
	syscall(SYS_close, (int)dfd);
	return len == 0;
}

/*
 * Before close_range() or closefrom() closes a range, the engine must
 * release its files there, as the kernel releases them on that close.
 */
static void shim_close_ours(unsigned int first, unsigned int last)
{
	int saved_errno = errno;
	struct rlimit lim;

	if (!shim_close_ours_proc(first, last) &&
	    !getrlimit(RLIMIT_NOFILE, &lim)) {
		/* No /proc: try every number a descriptor can have */
		rlim_t end = lim.rlim_cur;

		if (end > SHIM_FD_LIMIT)
			end = SHIM_FD_LIMIT;
		for (unsigned int fd = first; fd < end && fd <= last; fd++)
			shim_close_one(fd, first, last);
	}
	errno = saved_errno;
}

SHIM_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	shim_close_range_fn fn;

	/* Invalid arguments and CLOSE_RANGE_CLOEXEC close nothing */
	if (first <= last && !(flags & ~(int)CLOSE_RANGE_UNSHARE))
		shim_close_ours(first, last);
	fn = REAL(close_range);
	if (fn)
		return fn(first, last, flags);
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	return shim_fail(-ENOSYS);
#endif
}

SHIM_EXPORT void closefrom(int lowfd)
{
	unsigned int first = lowfd < 0 ? 0 : (unsigned int)lowfd;
	shim_closefrom_fn fn;

	shim_close_ours(first, ~0u);
	fn = REAL(closefrom);
	if (fn) {
		fn(lowfd);
		return;
	}
#ifdef SYS_close_range
	syscall(SYS_close_range, first, ~0u, 0);
#endif
}

/*
 * @newfd was just made a copy of @oldfd, an engine descriptor: tell the
 * engine, or undo the copy if it cannot follow.
 */
static int shim_dup_finish(int oldfd, int newfd)
{
	int ret;

	if (newfd < 0)
		return newfd;
	ret = ENGINE_CALL(uiommufd_fd_dup(oldfd, newfd));
	if (ret < 0) {
		shim_real_close(newfd);
		return shim_fail(ret);
	}
	return newfd;
}

SHIM_EXPORT int dup(int oldfd)
{
	shim_dup_fn fn = REAL(dup);
	int newfd;

	newfd = fn ? fn(oldfd) : (int)syscall(SYS_dup, oldfd);
	if (newfd < 0 || !shim_fd_ours(oldfd))
		return newfd;
	return shim_dup_finish(oldfd, newfd);
}

static int shim_real_dup3(int oldfd, int newfd, int flags, bool is_dup3)
{
	shim_dup2_fn fn2 = is_dup3 ? NULL : REAL(dup2);
	shim_dup3_fn fn3 = is_dup3 ? REAL(dup3) : NULL;

	if (fn2)
		return fn2(oldfd, newfd);
	if (fn3)
		return fn3(oldfd, newfd, flags);
	if (!is_dup3 && oldfd == newfd)
		return shim_real_fcntl(oldfd, F_GETFD, 0) < 0 ? -1 : newfd;
	return (int)syscall(SYS_dup3, oldfd, newfd, flags);
}

/*
 * dup2()/dup3(): the kernel replaces @newfd atomically, but the engine only
 * learns that its file lost @newfd through uiommufd_close(), which closes
 * it. So fail first as the kernel would (bad oldfd, bad flags), then close
 * the engine's @newfd, then copy.
 */
static int shim_dup3(int oldfd, int newfd, int flags, bool is_dup3)
{
	bool old_ours = shim_fd_ours(oldfd);
	int ret;

	if (oldfd != newfd && shim_fd_ours(newfd)) {
		if (is_dup3 && (flags & ~O_CLOEXEC))
			return shim_fail(-EINVAL);
		if (!old_ours && shim_real_fcntl(oldfd, F_GETFD, 0) < 0)
			return -1;
		ENGINE_CALL(uiommufd_close(newfd));
	}
	ret = shim_real_dup3(oldfd, newfd, flags, is_dup3);
	if (ret < 0 || oldfd == newfd || !old_ours)
		return ret;
	return shim_dup_finish(oldfd, ret);
}

SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	return shim_dup3(oldfd, newfd, 0, false);
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return shim_dup3(oldfd, newfd, flags, true);
}

/*
 * fcntl() takes an int, a pointer or nothing after the command; like the
 * libc wrappers, pass one word through whatever it is. Only the duplicating
 * commands concern the engine.
 */
static int shim_fcntl(shim_fcntl_fn fn, int fd, int cmd, unsigned long arg)
{
	int ret;

	ret = fn ? fn(fd, cmd, arg) : (int)syscall(SYS_fcntl, fd, cmd, arg);
	if (ret < 0 || (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) ||
	    !shim_fd_ours(fd))
		return ret;
	return shim_dup_finish(fd, ret);
}

SHIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return shim_fcntl(REAL(fcntl), fd, cmd, arg);
}

SHIM_EXPORT int fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return shim_fcntl(REAL(fcntl64), fd, cmd, arg);
}

/* MAP_ANONYMOUS ignores the descriptor, whatever it is */
static bool shim_mmap_ours(int flags, int fd)
{
	return !(flags & MAP_ANONYMOUS) && shim_fd_ours(fd);
}

static void *shim_engine_mmap(void *addr, size_t length, int prot, int flags,
			      int fd, off64_t offset)
{
	void *out = MAP_FAILED;
	int ret;

	ret = ENGINE_CALL(
		uiommufd_mmap(addr, length, prot, flags, fd, offset, &out));
	if (ret < 0) {
		errno = -ret;
		return MAP_FAILED;
	}
	return out;
}

static void *shim_sys_mmap(void *addr, size_t length, int prot, int flags,
			   int fd, off64_t offset)
{
#ifdef SYS_mmap
	return (void *)syscall(SYS_mmap, addr, length, prot, flags, fd, offset);
#else
	(void)addr, (void)length, (void)prot, (void)flags, (void)fd;
	(void)offset;
	errno = ENOSYS;
	return MAP_FAILED;
#endif
}

/* A fixed mapping replaces what was there: the engine's mappings too
 * (an iommufd region, a trapped register BAR) */
static void *shim_mapped(void *p, size_t length, int flags)
{
	if (p != MAP_FAILED && (flags & MAP_FIXED) && !shim_tls.in_engine &&
	    uiommufd_mmap_live())
		ENGINE_CALL(uiommufd_munmap(p, length));
	return p;
}

SHIM_EXPORT void *mmap(void *addr, size_t length, int prot, int flags, int fd,
		       off_t offset)
{
	shim_mmap_fn fn;

	if (shim_mmap_ours(flags, fd))
		return shim_engine_mmap(addr, length, prot, flags, fd, offset);
	fn = REAL(mmap);
	return shim_mapped(fn ? fn(addr, length, prot, flags, fd, offset)
			      : shim_sys_mmap(addr, length, prot, flags, fd,
					      offset),
			   length, flags);
}

/*
 * Mappings of the engine's regions hold objects, as the kernel's VMAs do:
 * the engine learns of every successful munmap() while one lives.
 */
SHIM_EXPORT int munmap(void *addr, size_t length)
{
	shim_munmap_fn fn = REAL(munmap);
	int ret;

	ret = fn ? fn(addr, length) : (int)syscall(SYS_munmap, addr, length);
	if (!ret && !shim_tls.in_engine && uiommufd_mmap_live())
		ENGINE_CALL(uiommufd_munmap(addr, length));
	return ret;
}

SHIM_EXPORT void *mmap64(void *addr, size_t length, int prot, int flags, int fd,
			 off64_t offset)
{
	shim_mmap64_fn fn;

	if (shim_mmap_ours(flags, fd))
		return shim_engine_mmap(addr, length, prot, flags, fd, offset);
	fn = REAL(mmap64);
	return shim_mapped(fn ? fn(addr, length, prot, flags, fd, offset)
			      : shim_sys_mmap(addr, length, prot, flags, fd,
					      offset),
			   length, flags);
}
