// SPDX-License-Identifier: MIT
/*
 * dma-bufs imported by pages objects (the exporter side is fs/dma_buf.c).
 *
 * An imported dma-buf is not pinned page by page and not accounted: the
 * exporter keeps it resident. Its domain mappings are tracked per (area,
 * domain) so that a revoke can remove exactly those; a revoked import never
 * maps again, a new map of the buffer is needed.
 */
#include <uiommufd/uiommufd.h>

#include "../fs/file.h"
#include "dmabuf.h"
#include "pages.h"

bool iopt_dmabuf_revoked(struct iopt_pages *pages)
{
	lockdep_assert_held(&pages->mutex);
	return pages->type == IOPT_ADDRESS_DMABUF && pages->dmabuf->revoked;
}

int iopt_dmabuf_track_domain(struct iopt_pages *pages, struct iopt_area *area,
			     struct iommu_domain *domain)
{
	struct iopt_dmabuf_track *track;

	lockdep_assert_held(&pages->mutex);
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

	lockdep_assert_held(&pages->mutex);
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
static void iopt_dmabuf_revoke(struct ufd_dmabuf_attachment *attach)
{
	struct iopt_dmabuf *imp =
		container_of(attach, struct iopt_dmabuf, attach);
	struct iopt_pages *pages = imp->pages;
	struct iopt_dmabuf_track *track;

	lockdep_assert_held(&imp->buf->lock);
	mutex_lock(&pages->mutex);
	if (!imp->revoked) {
		list_for_each_entry (track, &imp->tracker, elm)
			iopt_area_unmap_domain(track->area, track->domain);
		imp->revoked = true;
	}
	mutex_unlock(&pages->mutex);
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
	ufd_dmabuf_detach(imp->buf, &imp->attach);
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
	/* Not a dma-buf (of ours): the caller maps it as a memfd */
	buf = ufd_dmabuf_get(fd);
	if (IS_ERR(buf))
		return ERR_PTR(-ENOENT);

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
	imp->attach.invalidate = iopt_dmabuf_revoke;

	rc = ufd_dmabuf_attach(buf, &imp->attach, &host, &len);
	if (rc) {
		ufd_free(imp);
		goto err_pages;
	}

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
