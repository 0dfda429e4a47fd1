// SPDX-License-Identifier: MIT
/*
 * The public C API: descriptors in, the kernel's answers out.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include <uiommufd/uiommufd.h>

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

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	refcount_inc(&ictx->file->refs);
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	iommufd_file_put(ictx->file);
}

UFD_EXPORT int uiommufd_open(int flags)
{
	struct iommufd_file *file;
	struct iommufd_ctx *ictx;
	int fd;

	ictx = iommufd_ctx_create(IOPT_PAGES_ACCOUNT_NONE);
	if (!ictx)
		return -ENOMEM;
	fd = iommufd_file_create(&iommufd_fops, ictx, false, flags, &file);
	if (fd < 0) {
		iommufd_ctx_release(ictx);
		return fd;
	}
	ictx->file = file;
	return fd;
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

UFD_EXPORT ssize_t uiommufd_read(int fd, void *buf, size_t count)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	ssize_t rc;

	if (!file)
		return -EBADF;
	rc = file->ops->read ? file->ops->read(file, buf, count) : -EINVAL;
	iommufd_file_put(file);
	return rc;
}

UFD_EXPORT ssize_t uiommufd_write(int fd, const void *buf, size_t count)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	ssize_t rc;

	if (!file)
		return -EBADF;
	rc = file->ops->write ? file->ops->write(file, buf, count) : -EINVAL;
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

UFD_EXPORT int uiommufd_fd_dup(int oldfd, int newfd)
{
	return iommufd_file_dup(oldfd, newfd);
}

UFD_EXPORT int uiommufd_fd_kind(int fd)
{
	return iommufd_file_kind(fd);
}
