// SPDX-License-Identifier: MIT
/*
 * read/write on the engine's descriptors (fault queues, vEVENTQs, VFIO
 * devices, fail-nth): routed to the engine, which returns whole records as
 * the kernel's files do.
 *
 * The vectored calls gather into one buffer so the engine sees the single
 * read or write the kernel's file would. The positioned calls (pread,
 * pwrite ...) reach VFIO device regions at their offsets; on the anonymous
 * files, which cannot seek, the engine answers ESPIPE. A call with offset
 * -1 (preadv2) means "at the file position" and is a plain read. A
 * fail-nth file is a /proc file with a position: reads at an offset (or at
 * the position, which they advance) give that part of its text, writes set
 * the value wherever they are (see shim_proc.c).
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Small transfers (every record the engine has) need no allocation */
#define SHIM_IO_STACK 4096

/*
 * Read the engine file @fd of @kind at *@pos, or at its position when @pos
 * is NULL. Returns the bytes read or -errno.
 */
static ssize_t shim_engine_pread(int fd, int kind, void *buf, size_t count,
				 const off64_t *pos)
{
	if (kind == UIOMMUFD_FD_FAIL_NTH) {
		if (pos && *pos < 0)
			return -EINVAL;
		return shim_fail_nth_read(fd, buf, count, pos);
	}
	shim_guard_faults();
	if (pos)
		return ENGINE_CALL(uiommufd_pread(fd, buf, count, *pos));
	return ENGINE_CALL(uiommufd_read(fd, buf, count));
}

static ssize_t shim_engine_pwrite(int fd, int kind, const void *buf,
				  size_t count, const off64_t *pos)
{
	/* fail-nth takes its value wherever the write is */
	if (pos && kind == UIOMMUFD_FD_FAIL_NTH) {
		if (*pos < 0)
			return -EINVAL;
		pos = NULL;
	}
	shim_guard_faults();
	if (pos)
		return ENGINE_CALL(uiommufd_pwrite(fd, buf, count, *pos));
	return ENGINE_CALL(uiommufd_write(fd, buf, count));
}

static ssize_t shim_io_ret(ssize_t ret)
{
	return ret < 0 ? shim_fail(ret) : ret;
}

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
	int kind = shim_fd_kind(fd);
	shim_read_fn fn;

	if (kind != UIOMMUFD_FD_NONE)
		return shim_io_ret(
			shim_engine_pread(fd, kind, buf, count, NULL));
	fn = REAL(read);
	return fn ? fn(fd, buf, count) : syscall(SYS_read, fd, buf, count);
}

SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t count)
{
	int kind = shim_fd_kind(fd);
	shim_write_fn fn;

	if (kind != UIOMMUFD_FD_NONE)
		return shim_io_ret(
			shim_engine_pwrite(fd, kind, buf, count, NULL));
	fn = REAL(write);
	return fn ? fn(fd, buf, count) : syscall(SYS_write, fd, buf, count);
}

/* _FORTIFY_SOURCE read: an overflowing count is reported by libc */
extern void __chk_fail(void) __attribute__((noreturn));

SHIM_EXPORT ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	int kind = shim_fd_kind(fd);
	shim___read_chk_fn fn;

	if (count > buflen)
		__chk_fail();
	if (kind != UIOMMUFD_FD_NONE)
		return shim_io_ret(
			shim_engine_pread(fd, kind, buf, count, NULL));
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

static ssize_t shim_engine_readv(int fd, int kind, const struct iovec *iov,
				 int iovcnt, const off64_t *pos)
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
	ret = shim_engine_pread(fd, kind, buf, (size_t)total, pos);
	for (int i = 0; ret > 0 && done < (size_t)ret; i++) {
		size_t len = iov[i].iov_len;

		if (len > (size_t)ret - done)
			len = (size_t)ret - done;
		memcpy(iov[i].iov_base, buf + done, len);
		done += len;
	}
	if (buf != stack)
		free(buf);
	return shim_io_ret(ret);
}

static ssize_t shim_engine_writev(int fd, int kind, const struct iovec *iov,
				  int iovcnt, const off64_t *pos)
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
	ret = shim_engine_pwrite(fd, kind, buf, (size_t)total, pos);
	if (buf != stack)
		free(buf);
	return shim_io_ret(ret);
}

SHIM_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	int kind = shim_fd_kind(fd);
	shim_readv_fn fn;

	if (kind != UIOMMUFD_FD_NONE)
		return shim_engine_readv(fd, kind, iov, iovcnt, NULL);
	fn = REAL(readv);
	return fn ? fn(fd, iov, iovcnt) : syscall(SYS_readv, fd, iov, iovcnt);
}

SHIM_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	int kind = shim_fd_kind(fd);
	shim_writev_fn fn;

	if (kind != UIOMMUFD_FD_NONE)
		return shim_engine_writev(fd, kind, iov, iovcnt, NULL);
	fn = REAL(writev);
	return fn ? fn(fd, iov, iovcnt) : syscall(SYS_writev, fd, iov, iovcnt);
}

/*
 * The positioned calls. Only the engine's descriptors are decided here; the
 * rest go to the real function, or fail with ENOSYS in the instant dlsym
 * runs (nothing dlsym calls uses them).
 */
#define SHIM_PIO(name, off_t_, buf_t, engine_io)                             \
	SHIM_EXPORT ssize_t name(int fd, buf_t buf, size_t count,            \
				 off_t_ offset)                              \
	{                                                                    \
		int kind = shim_fd_kind(fd);                                 \
		off64_t pos = offset;                                        \
		shim_##name##_fn fn;                                         \
                                                                             \
		if (kind != UIOMMUFD_FD_NONE)                                \
			return shim_io_ret(                                  \
				engine_io(fd, kind, buf, count, &pos));      \
		fn = REAL(name);                                             \
		return fn ? fn(fd, buf, count, offset) : shim_fail(-ENOSYS); \
	}

SHIM_PIO(pread, off_t, void *, shim_engine_pread)
SHIM_PIO(pread64, off64_t, void *, shim_engine_pread)
SHIM_PIO(pwrite, off_t, const void *, shim_engine_pwrite)
SHIM_PIO(pwrite64, off64_t, const void *, shim_engine_pwrite)

#define SHIM_PIOV(name, off_t_, engine_iov)                                   \
	SHIM_EXPORT ssize_t name(int fd, const struct iovec *iov, int iovcnt, \
				 off_t_ offset)                               \
	{                                                                     \
		int kind = shim_fd_kind(fd);                                  \
		off64_t pos = offset;                                         \
		shim_##name##_fn fn;                                          \
                                                                              \
		if (kind != UIOMMUFD_FD_NONE)                                 \
			return engine_iov(fd, kind, iov, iovcnt, &pos);       \
		fn = REAL(name);                                              \
		return fn ? fn(fd, iov, iovcnt, offset) : shim_fail(-ENOSYS); \
	}

SHIM_PIOV(preadv, off_t, shim_engine_readv)
SHIM_PIOV(preadv64, off64_t, shim_engine_readv)
SHIM_PIOV(pwritev, off_t, shim_engine_writev)
SHIM_PIOV(pwritev64, off64_t, shim_engine_writev)

SHIM_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t count, off_t offset,
				size_t buflen)
{
	int kind = shim_fd_kind(fd);
	shim___pread_chk_fn fn;
	off64_t pos = offset;

	if (count > buflen)
		__chk_fail();
	if (kind != UIOMMUFD_FD_NONE)
		return shim_io_ret(
			shim_engine_pread(fd, kind, buf, count, &pos));
	fn = REAL(__pread_chk);
	return fn ? fn(fd, buf, count, offset, buflen) : shim_fail(-ENOSYS);
}

SHIM_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t count,
				  off64_t offset, size_t buflen)
{
	int kind = shim_fd_kind(fd);
	shim___pread64_chk_fn fn;

	if (count > buflen)
		__chk_fail();
	if (kind != UIOMMUFD_FD_NONE)
		return shim_io_ret(
			shim_engine_pread(fd, kind, buf, count, &offset));
	fn = REAL(__pread64_chk);
	return fn ? fn(fd, buf, count, offset, buflen) : shim_fail(-ENOSYS);
}

/* preadv2()/pwritev2() at offset -1 use the file position: plain I/O */
#define SHIM_PIOV2(name, off_t_, engine_iov)                                  \
	SHIM_EXPORT ssize_t name(int fd, const struct iovec *iov, int iovcnt, \
				 off_t_ offset, int flags)                    \
	{                                                                     \
		int kind = shim_fd_kind(fd);                                  \
		off64_t pos = offset;                                         \
		shim_##name##_fn fn;                                          \
                                                                              \
		if (kind != UIOMMUFD_FD_NONE)                                 \
			return engine_iov(fd, kind, iov, iovcnt,              \
					  offset == -1 ? NULL : &pos);        \
		fn = REAL(name);                                              \
		return fn ? fn(fd, iov, iovcnt, offset, flags)                \
			  : shim_fail(-ENOSYS);                               \
	}

SHIM_PIOV2(preadv2, off_t, shim_engine_readv)
SHIM_PIOV2(preadv64v2, off64_t, shim_engine_readv)
SHIM_PIOV2(pwritev2, off_t, shim_engine_writev)
SHIM_PIOV2(pwritev64v2, off64_t, shim_engine_writev)
