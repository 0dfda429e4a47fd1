// SPDX-License-Identifier: MIT
/*
 * The public C API: descriptors in, the kernel's answers out.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>

#include <uiommufd/uiommufd.h>

#include "../vfio/vfio.h"
#include "ctl_server.h"
#include "devices.h"
#include "../core/iommufd_private.h"
#include "../fs/file.h"
#include "../lib/uaccess.h"
#include "../mm/sigfault.h"
#include "trace.h"

/* The trace's line for an open of @path */
static __attribute__((format(printf, 3, 4))) int
traced_open(int rc, int flags, const char *fmt, ...)
{
	char path[64], mode[64];
	va_list ap;

	if (!ufd_trace_on())
		return rc;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	trace_file_call("open", -1, rc, "\"%s\", %s", path,
			trace_open_flags(flags, mode, sizeof(mode)));
	return rc;
}

/* A context opened: uiommufdctl can look at it (with UIOMMUFD_CTL=1) */
static int context_opened(int rc)
{
	if (rc >= 0)
		ctl_server_start();
	return rc;
}

UFD_EXPORT int uiommufd_open(int flags)
{
	return traced_open(context_opened(iommufd_fops_open(flags, false)),
			   flags | O_RDWR, "/dev/iommu");
}

UFD_EXPORT int uiommufd_vfio_open(int flags)
{
	return traced_open(context_opened(iommufd_fops_open(flags, true)),
			   flags | O_RDWR, "/dev/vfio/vfio");
}

UFD_EXPORT int uiommufd_vfio_group_open(const char *name, int flags)
{
	if (!name)
		return -EINVAL;
	emu_devices_init();
	return traced_open(vfio_group_open(name, flags), flags, "/dev/vfio/%s",
			   name);
}

UFD_EXPORT int uiommufd_vfio_cdev_open(unsigned int index, int flags)
{
	emu_devices_init();
	return traced_open(vfio_device_cdev_open(index, flags), flags,
			   "/dev/vfio/devices/vfio%u", index);
}

/*
 * Every entry taking user pointers tells uaccess where its caller's frames
 * start: arguments there are copied without a system call.
 */
/*
 * An iommufd ioctl on a descriptor the engine does not know: it may be a
 * context of another process, received by SCM_RIGHTS or kept over
 * execve() (docs/multiprocess.md). Only for the iommufd's ioctl type, so
 * that no other descriptor is ever probed.
 */
static long ioctl_adopt(int fd, unsigned long request,
			struct iommufd_file **file)
{
	int rc;

	if (_IOC_TYPE(request) != IOMMUFD_TYPE)
		return -EBADF;
	/* A context's socket, or a VFIO cdev's labelled memfd */
	rc = iommufd_file_adopt(fd);
	if (rc == -EBADF)
		rc = vfio_device_adopt(fd);
	if (rc)
		return rc;
	*file = iommufd_file_get(fd);
	return *file ? 0 : -EBADF;
}

UFD_EXPORT long uiommufd_ioctl(int fd, unsigned long request, unsigned long arg)
{
	struct uaccess_frame outer = uaccess_enter(UACCESS_CALLER_SP);
	struct iommufd_file *file = iommufd_file_get(fd);
	long rc;

	if (unlikely(!file)) {
		rc = ioctl_adopt(fd, request, &file);
		if (rc)
			goto out;
	}
	if (unlikely(ufd_trace_on() || inject_on()))
		rc = trace_ioctl_call(file, fd, (unsigned int)request, arg);
	else
		rc = iommufd_file_ioctl(file, fd, (unsigned int)request, arg);
	iommufd_file_put(file);
out:
	uaccess_leave(outer);
	return rc;
}

/*
 * read or write at the descriptor's own position: the real descriptor
 * keeps it, so dup()ed descriptors share it as they share a kernel file's.
 */
static ssize_t file_rw_at_fd_pos(struct iommufd_file *file, int fd, void *buf,
				 size_t count, bool write)
{
	off_t start = lseek(fd, 0, SEEK_CUR);
	uint64_t pos = (uint64_t)start;
	ssize_t rc;

	if (start < 0)
		return -errno;
	rc = iommufd_file_rw_at(file, fd, buf, count, &pos, write);
	if (rc > 0 && lseek(fd, (off_t)pos, SEEK_SET) < 0)
		return -errno;
	return rc;
}

/* The trace's line for a read or write: count, and offset if given */
static void trace_rw(int fd, size_t count, const off_t *offset, bool write,
		     ssize_t rc)
{
	const char *call = offset ? (write ? "pwrite" : "pread")
				  : (write ? "write" : "read");

	if (offset)
		trace_file_call(call, fd, rc, "%zu, %#llx", count,
				(unsigned long long)*offset);
	else
		trace_file_call(call, fd, rc, "%zu", count);
}

static ssize_t file_rw(int fd, void *buf, size_t count, const off_t *offset,
		       bool write)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	bool at = file && iommufd_file_positioned(file, write);
	uint64_t pos;
	ssize_t rc;

	if (!file)
		return -EBADF;
	if (offset && !at && !file->ops->any_offset) {
		rc = -ESPIPE; /* an anonymous file cannot seek */
	} else if (offset && *offset < 0) {
		rc = -EINVAL;
	} else if (offset && at) {
		pos = (uint64_t)*offset;
		rc = iommufd_file_rw_at(file, fd, buf, count, &pos, write);
	} else if (at) {
		rc = file_rw_at_fd_pos(file, fd, buf, count, write);
	} else if (write) {
		rc = file->ops->write ? file->ops->write(file, buf, count)
				      : -EINVAL;
	} else {
		rc = file->ops->read ? file->ops->read(file, buf, count)
				     : -EINVAL;
	}
	iommufd_file_put(file);
	if (unlikely(ufd_trace_on()))
		trace_rw(fd, count, offset, write, rc);
	return rc;
}

UFD_EXPORT ssize_t uiommufd_read(int fd, void *buf, size_t count)
{
	struct uaccess_frame outer = uaccess_enter(UACCESS_CALLER_SP);
	ssize_t rc = file_rw(fd, buf, count, NULL, false);

	uaccess_leave(outer);
	return rc;
}

UFD_EXPORT ssize_t uiommufd_write(int fd, const void *buf, size_t count)
{
	struct uaccess_frame outer = uaccess_enter(UACCESS_CALLER_SP);
	ssize_t rc = file_rw(fd, (void *)buf, count, NULL, true);

	uaccess_leave(outer);
	return rc;
}

UFD_EXPORT ssize_t uiommufd_pread(int fd, void *buf, size_t count, off_t offset)
{
	struct uaccess_frame outer = uaccess_enter(UACCESS_CALLER_SP);
	ssize_t rc = file_rw(fd, buf, count, &offset, false);

	uaccess_leave(outer);
	return rc;
}

UFD_EXPORT ssize_t uiommufd_pwrite(int fd, const void *buf, size_t count,
				   off_t offset)
{
	struct uaccess_frame outer = uaccess_enter(UACCESS_CALLER_SP);
	ssize_t rc = file_rw(fd, (void *)buf, count, &offset, true);

	uaccess_leave(outer);
	return rc;
}

UFD_EXPORT int uiommufd_fd_devnode(int fd, char *buf, size_t size)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	int rc;

	if (!file)
		return -EBADF;
	rc = file->ops->devnode ? file->ops->devnode(file, buf, size) : -ENOENT;
	iommufd_file_put(file);
	return rc;
}

UFD_EXPORT int uiommufd_mmap(void *addr, size_t length, int prot, int flags,
			     int fd, off_t offset, void **out)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	int rc;

	if (!file)
		return -EBADF;
	/* What mmap(2) refuses before any file sees the call */
	if (!length || (offset & (off_t)(PAGE_SIZE - 1))) {
		iommufd_file_put(file);
		return -EINVAL;
	}
	/* Kernel files without an mmap op answer ENODEV */
	rc = iommufd_file_mmap(file, fd, addr, length, prot, flags, offset,
			       out);
	iommufd_file_put(file);
	trace_file_call("mmap", fd, rc, "%#zx, prot %#x, flags %#x, %#llx",
			length, prot, flags, (unsigned long long)offset);
	return rc;
}

UFD_EXPORT int uiommufd_munmap(void *addr, size_t length)
{
	iommufd_munmap((uintptr_t)addr, length);
	mmio_trap_remove((uintptr_t)addr, length);
	return 0;
}

UFD_EXPORT int uiommufd_mmap_live(void)
{
	return iommufd_has_vmas() || mmio_trap_any();
}

UFD_EXPORT int uiommufd_sigaction(int sig, const struct sigaction *act,
				  struct sigaction *oldact)
{
	return sigfault_sigaction(sig, act, oldact);
}

UFD_EXPORT int uiommufd_guard_faults(void)
{
	int rc;

	if (!uaccess_guard_available())
		return -EOPNOTSUPP;
	rc = sigfault_install(true);
	if (rc)
		return rc;
	uaccess_guard_enable();
	return 0;
}

UFD_EXPORT int uiommufd_close(int fd)
{
	int rc = iommufd_file_close(fd);

	trace_file_call("close", fd, rc, "%s", "");
	return rc;
}

UFD_EXPORT int uiommufd_fd_forget(int fd)
{
	return iommufd_file_forget(fd);
}

UFD_EXPORT int uiommufd_fd_dup(int oldfd, int newfd)
{
	return iommufd_file_dup(oldfd, newfd);
}

UFD_EXPORT int uiommufd_fd_share(int fd)
{
	return iommufd_file_share(fd);
}

UFD_EXPORT int uiommufd_fd_kind(int fd)
{
	return iommufd_file_kind(fd);
}

UFD_EXPORT int uiommufd_dump(int fd, int out)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	struct iommufd_ctx *ictx;

	if (!file)
		return -EBADF;
	ictx = iommufd_file_ctx(file);
	if (!ictx) {
		iommufd_file_put(file);
		return -EINVAL;
	}
	dprintf(out, "iommufd fd %d ", fd);
	iommufd_ctx_describe(ictx, out);
	iommufd_file_put(file);
	return 0;
}

/* What a file adds to /proc/<pid>/fdinfo/<fd> after the kernel's lines */
UFD_EXPORT int uiommufd_fdinfo(int fd, int out)
{
	struct iommufd_file *file = iommufd_file_get(fd);

	if (!file)
		return -EBADF;
	if (file->ops->show_fdinfo)
		file->ops->show_fdinfo(file, out);
	iommufd_file_put(file);
	return 0;
}
