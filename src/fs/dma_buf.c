// SPDX-License-Identifier: MIT
/*
 * dma-bufs, the exporter side: a buffer behind a file, the importers
 * attached to it, and revocation (see dma_buf.h).
 */
#include <fcntl.h>
#include <uiommufd/uiommufd.h>

#include "dma_buf.h"
#include "file.h"

static void dmabuf_file_release(struct iommufd_file *file)
{
	struct ufd_dmabuf *buf = file->private_data;

	WARN_ON(!list_empty(&buf->importers));
	if (buf->ops->unlink)
		buf->ops->unlink(buf);
	mutex_destroy(&buf->lock);
	if (buf->ops->release)
		buf->ops->release(buf);
}

/*
 * Served: a dma-buf exported for another process (a VFIO BAR's, to a
 * client's VFIO_DEVICE_FEATURE) is sent to it, and its IOMMU_IOAS_MAP_FILE
 * names it by its own descriptor, found here by inode (share.c)
 */
static const struct iommufd_file_ops dmabuf_fops = {
	.kind = UIOMMUFD_FD_DMABUF,
	.served = true,
	.release = dmabuf_file_release,
};

int ufd_dmabuf_export(struct ufd_dmabuf *buf, const struct ufd_dmabuf_ops *ops,
		      size_t size, int open_flags)
{
	int fd;

	buf->ops = ops;
	buf->size = size;
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->importers);
	fd = iommufd_file_create(&dmabuf_fops, buf, false, open_flags,
				 &buf->file);
	if (fd < 0)
		mutex_destroy(&buf->lock);
	return fd;
}

struct ufd_dmabuf *ufd_dmabuf_get(int fd)
{
	int err;
	/* The caller's descriptor: a client's is found by its file */
	struct iommufd_file *file = iommufd_file_get_user(fd, &err);

	/* As fget(): no open file is EBADF, another kind of file EINVAL */
	if (!file)
		return ERR_PTR(fd < 0 || err == -EBADF ? -EBADF : -EINVAL);
	if (file->ops != &dmabuf_fops) {
		iommufd_file_put(file);
		return ERR_PTR(-EINVAL);
	}
	return file->private_data;
}

void ufd_dmabuf_put(struct ufd_dmabuf *buf)
{
	iommufd_file_put(buf->file);
}

void ufd_dmabuf_invalidate_mappings(struct ufd_dmabuf *buf)
{
	struct ufd_dmabuf_attachment *attach;

	mutex_lock(&buf->lock);
	list_for_each_entry (attach, &buf->importers, elm)
		attach->invalidate(attach);
	mutex_unlock(&buf->lock);
}

int ufd_dmabuf_attach(struct ufd_dmabuf *buf,
		      struct ufd_dmabuf_attachment *attach, uintptr_t *host,
		      size_t *len)
{
	int rc;

	mutex_lock(&buf->lock);
	rc = buf->ops->map(buf, host, len);
	if (!rc)
		list_add_tail(&attach->elm, &buf->importers);
	mutex_unlock(&buf->lock);
	return rc;
}

void ufd_dmabuf_detach(struct ufd_dmabuf *buf,
		       struct ufd_dmabuf_attachment *attach)
{
	mutex_lock(&buf->lock);
	list_del(&attach->elm);
	mutex_unlock(&buf->lock);
}
