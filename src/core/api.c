// SPDX-License-Identifier: MIT
/*
 * The public C API: descriptors in, the kernel's answers out.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/mman.h>

#include <uiommufd/uiommufd.h>

#include "../emu/emu_devices.h"
#include "../vfio/vfio.h"
#include "file.h"
#include "iommufd_private.h"

static long iommufd_fops_ioctl(struct iommufd_file *file, unsigned int cmd,
			       unsigned long arg)
{
	return iommufd_ctx_ioctl(file->private_data, cmd, arg);
}

static void iommufd_fops_release(struct iommufd_file *file)
{
	iommufd_ctx_release(file->private_data);
}

static const struct iommufd_file_ops iommufd_fops = {
	.kind = UIOMMUFD_FD_IOMMUFD,
	.ioctl = iommufd_fops_ioctl,
	.release = iommufd_fops_release,
};

/*
 * /dev/vfio/vfio is an iommufd too (CONFIG_IOMMUFD_VFIO_CONTAINER): the same
 * context, which charges pinned pages the VFIO way.
 */
static const struct iommufd_file_ops vfio_container_fops = {
	.kind = UIOMMUFD_FD_VFIO,
	.ioctl = iommufd_fops_ioctl,
	.release = iommufd_fops_release,
};

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	refcount_inc(&ictx->file->refs);
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	iommufd_file_put(ictx->file);
}

struct iommufd_ctx *iommufd_ctx_from_fd(int fd)
{
	struct iommufd_file *file = iommufd_file_get(fd);

	if (!file)
		return ERR_PTR(fcntl(fd, F_GETFD) < 0 ? -EBADF : -EBADFD);
	if (file->ops != &iommufd_fops && file->ops != &vfio_container_fops) {
		iommufd_file_put(file);
		return ERR_PTR(-EBADFD);
	}
	/* The reference taken by get is the context's */
	return file->private_data;
}

static int iommufd_fops_open(int flags, bool vfio_container)
{
	struct iommufd_file *file;
	struct iommufd_ctx *ictx;
	int fd;

	ictx = iommufd_ctx_create(vfio_container ? IOPT_PAGES_ACCOUNT_MM
						 : IOPT_PAGES_ACCOUNT_NONE);
	if (!ictx)
		return -ENOMEM;
	fd = iommufd_file_alloc(vfio_container ? &vfio_container_fops
					       : &iommufd_fops,
				ictx, false, flags, &file);
	if (fd < 0) {
		iommufd_ctx_release(ictx);
		return fd;
	}
	/* VFIO bind and accesses reach the file through the context */
	ictx->file = file;
	iommufd_file_install(fd);
	return fd;
}

UFD_EXPORT int uiommufd_open(int flags)
{
	return iommufd_fops_open(flags, false);
}

UFD_EXPORT int uiommufd_vfio_open(int flags)
{
	return iommufd_fops_open(flags, true);
}

UFD_EXPORT int uiommufd_vfio_group_open(const char *name, int flags)
{
	if (!name)
		return -EINVAL;
	emu_devices_init();
	return vfio_group_open(name, flags);
}

UFD_EXPORT int uiommufd_vfio_cdev_open(unsigned int index, int flags)
{
	emu_devices_init();
	return vfio_device_cdev_open(index, flags);
}

UFD_EXPORT long uiommufd_ioctl(int fd, unsigned long request, unsigned long arg)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	long rc;

	if (!file)
		return -EBADF;
	if (file->ops->ioctl)
		rc = file->ops->ioctl(file, (unsigned int)request, arg);
	else
		rc = -ENOTTY;
	iommufd_file_put(file);
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
	rc = write ? file->ops->write_at(file, buf, count, &pos)
		   : file->ops->read_at(file, buf, count, &pos);
	if (rc > 0 && lseek(fd, (off_t)pos, SEEK_SET) < 0)
		return -errno;
	return rc;
}

static ssize_t file_rw(int fd, void *buf, size_t count, const off_t *offset,
		       bool write)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	bool at = write ? file && file->ops->write_at
			: file && file->ops->read_at;
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
		rc = write ? file->ops->write_at(file, buf, count, &pos)
			   : file->ops->read_at(file, buf, count, &pos);
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
	return rc;
}

UFD_EXPORT ssize_t uiommufd_read(int fd, void *buf, size_t count)
{
	return file_rw(fd, buf, count, NULL, false);
}

UFD_EXPORT ssize_t uiommufd_write(int fd, const void *buf, size_t count)
{
	return file_rw(fd, (void *)buf, count, NULL, true);
}

UFD_EXPORT ssize_t uiommufd_pread(int fd, void *buf, size_t count, off_t offset)
{
	return file_rw(fd, buf, count, &offset, false);
}

UFD_EXPORT ssize_t uiommufd_pwrite(int fd, const void *buf, size_t count,
				   off_t offset)
{
	return file_rw(fd, (void *)buf, count, &offset, true);
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
	rc = file->ops->mmap ? file->ops->mmap(file, addr, length, prot, flags,
					       offset, out)
			     : -ENODEV;
	iommufd_file_put(file);
	return rc;
}

UFD_EXPORT int uiommufd_close(int fd)
{
	return iommufd_file_close(fd);
}

UFD_EXPORT int uiommufd_fd_forget(int fd)
{
	return iommufd_file_forget(fd);
}

UFD_EXPORT int uiommufd_fd_dup(int oldfd, int newfd)
{
	return iommufd_file_dup(oldfd, newfd);
}

UFD_EXPORT int uiommufd_fd_kind(int fd)
{
	return iommufd_file_kind(fd);
}
