// SPDX-License-Identifier: MIT
/*
 * read/write on the engine's descriptors (fault queues, vEVENTQs): routed
 * to the engine, which returns whole records as the kernel's files do.
 *
 * The vectored calls gather into one buffer so the engine sees the single
 * read or write the kernel's file would. The positioned calls (pread,
 * pwrite ...) get ESPIPE, as on the kernel's anonymous files, which cannot
 * seek; a call with offset -1 (preadv2) means "at the file position" and is
 * a plain read.
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Small transfers (every record the engine has) need no allocation */
#define SHIM_IO_STACK 4096

static ssize_t shim_engine_read(int fd, void *buf, size_t count)
{
	ssize_t ret = ENGINE_CALL(uiommufd_read(fd, buf, count));

	return ret < 0 ? shim_fail(ret) : ret;
}

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	shim_read_fn fn;

	if (shim_fd_ours(fd))
		return shim_engine_read(fd, buf, count);
	fn = REAL(read);
	return fn ? fn(fd, buf, count) : syscall(SYS_read, fd, buf, count);
}

SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	shim_write_fn fn;

	if (shim_fd_ours(fd)) {
		ssize_t ret = ENGINE_CALL(uiommufd_write(fd, buf, count));

		return ret < 0 ? shim_fail(ret) : ret;
	}
	fn = REAL(write);
	return fn ? fn(fd, buf, count) : syscall(SYS_write, fd, buf, count);
}

/* _FORTIFY_SOURCE read: an overflowing count is reported by libc */
extern void __chk_fail(void) __attribute__((noreturn));

SHIM_EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	shim___read_chk_fn fn;

	if (count > buflen)
		__chk_fail();
	if (shim_fd_ours(fd))
		return shim_engine_read(fd, buf, count);
	fn = REAL(__read_chk);
	return fn ? fn(fd, buf, count, buflen)
		  : syscall(SYS_read, fd, buf, count);
}

/* Total length of @iov, or -EINVAL as the kernel checks it */
static ssize_t shim_iov_len(const struct iovec *iov, int iovcnt)
{
	size_t total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i != iovcnt; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

static ssize_t shim_engine_readv(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t total = shim_iov_len(iov, iovcnt);
	char stack[SHIM_IO_STACK];
	char *buf = stack;
	ssize_t ret;
	size_t done = 0;

	if (total < 0)
		return shim_fail(total);
	if (total > SHIM_IO_STACK && !(buf = malloc((size_t)total)))
		return shim_fail(-ENOMEM);
	ret = ENGINE_CALL(uiommufd_read(fd, buf, (size_t)total));
	for (int i = 0; ret > 0 && done < (size_t)ret; i++) {
		size_t len = iov[i].iov_len;

		if (len > (size_t)ret - done)
			len = (size_t)ret - done;
		memcpy(iov[i].iov_base, buf + done, len);
		done += len;
	}
	if (buf != stack)
		free(buf);
	return ret < 0 ? shim_fail(ret) : ret;
}

static ssize_t shim_engine_writev(int fd, const struct iovec *iov, int iovcnt)
{
	ssize_t total = shim_iov_len(iov, iovcnt);
	char stack[SHIM_IO_STACK] = {0}; /* a rare path: quiet gcc */
	char *buf = stack;
	ssize_t ret;
	size_t done = 0;

	if (total < 0)
		return shim_fail(total);
	if (total > SHIM_IO_STACK && !(buf = malloc((size_t)total)))
		return shim_fail(-ENOMEM);
	for (int i = 0; i != iovcnt; i++) {
		memcpy(buf + done, iov[i].iov_base, iov[i].iov_len);
		done += iov[i].iov_len;
	}
	ret = ENGINE_CALL(uiommufd_write(fd, buf, (size_t)total));
	if (buf != stack)
		free(buf);
	return ret < 0 ? shim_fail(ret) : ret;
}

SHIM_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	shim_readv_fn fn;

	if (shim_fd_ours(fd))
		return shim_engine_readv(fd, iov, iovcnt);
	fn = REAL(readv);
	return fn ? fn(fd, iov, iovcnt) : syscall(SYS_readv, fd, iov, iovcnt);
}

SHIM_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	shim_writev_fn fn;

	if (shim_fd_ours(fd))
		return shim_engine_writev(fd, iov, iovcnt);
	fn = REAL(writev);
	return fn ? fn(fd, iov, iovcnt) : syscall(SYS_writev, fd, iov, iovcnt);
}

/*
 * The positioned calls. Only the engine's descriptors are decided here; the
 * rest go to the real function, or fail with ENOSYS in the instant dlsym
 * runs (nothing dlsym calls uses them).
 */
#define SHIM_POSITIONED(name, ret_t, params, args)        \
	SHIM_EXPORT ret_t name params                     \
	{                                                 \
		shim_##name##_fn fn;                      \
                                                          \
		if (shim_fd_ours(fd))                     \
			return shim_fail(-ESPIPE);        \
		fn = REAL(name);                          \
		return fn ? fn args : shim_fail(-ENOSYS); \
	}

SHIM_POSITIONED(pread, ssize_t, (int fd, void *buf, size_t count, off_t offset),
		(fd, buf, count, offset))
SHIM_POSITIONED(pread64, ssize_t,
		(int fd, void *buf, size_t count, off64_t offset),
		(fd, buf, count, offset))
SHIM_POSITIONED(pwrite, ssize_t,
		(int fd, const void *buf, size_t count, off_t offset),
		(fd, buf, count, offset))
SHIM_POSITIONED(pwrite64, ssize_t,
		(int fd, const void *buf, size_t count, off64_t offset),
		(fd, buf, count, offset))
SHIM_POSITIONED(preadv, ssize_t,
		(int fd, const struct iovec *iov, int iovcnt, off_t offset),
		(fd, iov, iovcnt, offset))
SHIM_POSITIONED(preadv64, ssize_t,
		(int fd, const struct iovec *iov, int iovcnt, off64_t offset),
		(fd, iov, iovcnt, offset))
SHIM_POSITIONED(pwritev, ssize_t,
		(int fd, const struct iovec *iov, int iovcnt, off_t offset),
		(fd, iov, iovcnt, offset))
SHIM_POSITIONED(pwritev64, ssize_t,
		(int fd, const struct iovec *iov, int iovcnt, off64_t offset),
		(fd, iov, iovcnt, offset))

SHIM_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t count, off_t offset,
				size_t buflen)
{
	shim___pread_chk_fn fn;

	if (count > buflen)
		__chk_fail();
	if (shim_fd_ours(fd))
		return shim_fail(-ESPIPE);
	fn = REAL(__pread_chk);
	return fn ? fn(fd, buf, count, offset, buflen) : shim_fail(-ENOSYS);
}

SHIM_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t count,
				  off64_t offset, size_t buflen)
{
	shim___pread64_chk_fn fn;

	if (count > buflen)
		__chk_fail();
	if (shim_fd_ours(fd))
		return shim_fail(-ESPIPE);
	fn = REAL(__pread64_chk);
	return fn ? fn(fd, buf, count, offset, buflen) : shim_fail(-ENOSYS);
}

/* preadv2()/pwritev2() at offset -1 use the file position: plain I/O */
#define SHIM_POSITIONED2(name, off_t_, engine_io)                             \
	SHIM_EXPORT ssize_t name(int fd, const struct iovec *iov, int iovcnt, \
				 off_t_ offset, int flags)                    \
	{                                                                     \
		shim_##name##_fn fn;                                          \
                                                                              \
		if (shim_fd_ours(fd))                                         \
			return offset == -1 ? engine_io(fd, iov, iovcnt)      \
					    : shim_fail(-ESPIPE);             \
		fn = REAL(name);                                              \
		return fn ? fn(fd, iov, iovcnt, offset, flags)                \
			  : shim_fail(-ENOSYS);                               \
	}

SHIM_POSITIONED2(preadv2, off_t, shim_engine_readv)
SHIM_POSITIONED2(preadv64v2, off64_t, shim_engine_readv)
SHIM_POSITIONED2(pwritev2, off_t, shim_engine_writev)
SHIM_POSITIONED2(pwritev64v2, off64_t, shim_engine_writev)
