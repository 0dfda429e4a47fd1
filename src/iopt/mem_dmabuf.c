// SPDX-License-Identifier: MIT
/*
 * dma-bufs, exporter side and the pages objects that import them.
 *
 * An imported dma-buf is not pinned page by page and not accounted: the
 * exporter keeps it resident. Its domain mappings are tracked per (area,
 * domain) so that a revoke can remove exactly those; a revoked import never
 * maps again, a new map of the buffer is needed.
 */
#include <fcntl.h>
#include <uiommufd/uiommufd.h>

#include "dmabuf.h"
#include "pages.h"

static void dmabuf_file_release(struct iommufd_file *file)
{
	struct ufd_dmabuf *buf = file->private_data;

	WARN_ON(!list_empty(&buf->importers));
	mutex_destroy(&buf->lock);
	if (buf->ops->release)
		buf->ops->release(buf);
}

static const struct iommufd_file_ops dmabuf_fops = {
	.kind = UIOMMUFD_FD_DMABUF,
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
	struct iommufd_file *file = iommufd_file_get(fd);

	/* As fget(): no open file is EBADF, another kind of file EINVAL */
	if (!file)
		return ERR_PTR(fd < 0 || fcntl(fd, F_GETFD) < 0 ? -EBADF
								: -EINVAL);
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

bool iopt_dmabuf_revoked(struct iopt_pages *pages)
{
	return pages->type == IOPT_ADDRESS_DMABUF && pages->dmabuf->revoked;
}

int iopt_dmabuf_track_domain(struct iopt_pages *pages, struct iopt_area *area,
			     struct iommu_domain *domain)
{
	struct iopt_dmabuf_track *track;

	if (pages->type != IOPT_ADDRESS_DMABUF)
		return 0;
	list_for_each_entry (track, &pages->dmabuf->tracker, elm)
		if (WARN_ON(track->domain == domain && track->area == area))
			return -EINVAL;
	track = ufd_new(struct iopt_dmabuf_track);
	if (!track)
		return -ENOMEM;
	track->domain = domain;
	track->area = area;
	list_add_tail(&track->elm, &pages->dmabuf->tracker);
	return 0;
}

void iopt_dmabuf_untrack_domain(struct iopt_pages *pages,
				struct iopt_area *area,
				struct iommu_domain *domain)
{
	struct iopt_dmabuf_track *track;

	if (pages->type != IOPT_ADDRESS_DMABUF)
		return;
	list_for_each_entry (track, &pages->dmabuf->tracker, elm) {
		if (track->domain == domain && track->area == area) {
			list_del(&track->elm);
			ufd_free(track);
			return;
		}
	}
	WARN_ON(true);
}

/* The exporter revoked: take every mapping of the import down */
static void iopt_dmabuf_revoke(struct iopt_dmabuf *imp)
{
	struct iopt_pages *pages = imp->pages;
	struct iopt_dmabuf_track *track;

	mutex_lock(&pages->mutex);
	if (!imp->revoked) {
		list_for_each_entry (track, &imp->tracker, elm)
			iopt_area_unmap_domain(track->area, track->domain);
		imp->revoked = true;
	}
	mutex_unlock(&pages->mutex);
}

void ufd_dmabuf_invalidate_mappings(struct ufd_dmabuf *buf)
{
	struct iopt_dmabuf *imp;

	mutex_lock(&buf->lock);
	list_for_each_entry (imp, &buf->importers, importer_elm)
		iopt_dmabuf_revoke(imp);
	mutex_unlock(&buf->lock);
}

/* A dma-buf's memory is the exporter's: nothing to pin or unpin */
static int mem_dmabuf_pin(struct iopt_pages *pages, unsigned long index,
			  unsigned long npages)
{
	(void)pages;
	(void)index;
	(void)npages;
	return 0;
}

static void mem_dmabuf_unpin(struct iopt_pages *pages, unsigned long index,
			     unsigned long npages)
{
	(void)pages;
	(void)index;
	(void)npages;
}

static void mem_dmabuf_release(struct iopt_pages *pages)
{
	struct iopt_dmabuf *imp = pages->dmabuf;

	if (!imp)
		return;
	WARN_ON(!list_empty(&imp->tracker));
	mutex_lock(&imp->buf->lock);
	list_del(&imp->importer_elm);
	mutex_unlock(&imp->buf->lock);
	ufd_dmabuf_put(imp->buf);
	ufd_free(imp);
}

const struct iopt_mem_ops iopt_mem_dmabuf_ops = {
	.pin = mem_dmabuf_pin,
	.unpin = mem_dmabuf_unpin,
	.release = mem_dmabuf_release,
};

struct iopt_pages *iopt_dmabuf_alloc_pages(struct iommufd_ctx *ictx, int fd,
					   unsigned long start_byte,
					   unsigned long start,
					   unsigned long length, bool writable)
{
	struct iopt_dmabuf *imp;
	struct iopt_pages *pages;
	struct ufd_dmabuf *buf;
	uintptr_t host;
	size_t len;
	int rc;

	(void)ictx;
	if (iommufd_file_kind(fd) != UIOMMUFD_FD_DMABUF)
		return ERR_PTR(-ENOENT);
	buf = ufd_dmabuf_get(fd);
	if (IS_ERR(buf))
		return (void *)buf;

	if (buf->size <= start + length - 1) {
		rc = -EINVAL;
		goto err_put;
	}
	pages = iopt_alloc_dmabuf_pages_common(start_byte, length, writable);
	if (IS_ERR(pages)) {
		rc = (int)PTR_ERR(pages);
		goto err_put;
	}
	imp = ufd_new(struct iopt_dmabuf);
	if (!imp) {
		rc = -ENOMEM;
		goto err_pages;
	}
	INIT_LIST_HEAD(&imp->tracker);
	imp->buf = buf;
	imp->pages = pages;

	mutex_lock(&buf->lock);
	rc = buf->ops->map(buf, &host, &len);
	if (rc) {
		mutex_unlock(&buf->lock);
		ufd_free(imp);
		goto err_pages;
	}
	list_add_tail(&imp->importer_elm, &buf->importers);
	mutex_unlock(&buf->lock);

	/* Not pinned page by page: no accounting, as the kernel */
	pages->account_mode = IOPT_PAGES_ACCOUNT_NONE;
	pages->type = IOPT_ADDRESS_DMABUF;
	pages->mem = &iopt_mem_dmabuf_ops;
	pages->dmabuf = imp;
	pages->start = start - start_byte;
	pages->host_base = host + pages->start;
	return pages;

err_pages:
	iopt_put_pages(pages);
err_put:
	ufd_dmabuf_put(buf);
	return ERR_PTR(rc);
}
