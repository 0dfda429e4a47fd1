/* SPDX-License-Identifier: MIT */
/*
 * dma-bufs: buffers one part of the engine exports as a file and another
 * imports (IOMMU_IOAS_MAP_FILE of a dma-buf descriptor), the kernel's
 * drivers/dma-buf. The exporter can revoke access at any time: every
 * importer is then told to let go of its mappings.
 */
#ifndef UIOMMUFD_FS_DMA_BUF_H
#define UIOMMUFD_FS_DMA_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "../lib/lock.h"
#include "../lib/util.h"

struct iommufd_file;
struct ufd_dmabuf;

struct ufd_dmabuf_ops {
	/* Where the bytes are now; -ENODEV while revoked */
	int (*map)(struct ufd_dmabuf *buf, uintptr_t *host, size_t *len);
	/*
	 * Last reference gone, the lock still usable: the exporter takes the
	 * buffer off its own lists, after which nothing reaches it (optional)
	 */
	void (*unlink)(struct ufd_dmabuf *buf);
	/* Last reference gone */
	void (*release)(struct ufd_dmabuf *buf);
};

struct ufd_dmabuf {
	const struct ufd_dmabuf_ops *ops;
	struct iommufd_file *file;
	size_t size;
	/* The reservation lock: orders map/revoke; taken before pages->mutex */
	struct mutex lock;
	/* struct ufd_dmabuf_attachment of the importers */
	struct list_head importers;
	void *priv;
};

/* An importer of a dma-buf, as the kernel's dma_buf_attachment */
struct ufd_dmabuf_attachment {
	/* On ufd_dmabuf::importers, under its lock */
	struct list_head elm;
	/*
	 * The exporter revoked its memory: unmap everything of it now. Called
	 * with the buffer's lock held (the kernel's move_notify).
	 */
	void (*invalidate)(struct ufd_dmabuf_attachment *attach);
};

/* Export buf as a new file descriptor; the file owns buf afterwards */
int ufd_dmabuf_export(struct ufd_dmabuf *buf, const struct ufd_dmabuf_ops *ops,
		      size_t size, int open_flags);
/* The dma-buf behind fd with a reference: -EBADF, or -EINVAL if not one */
struct ufd_dmabuf *ufd_dmabuf_get(int fd);
void ufd_dmabuf_put(struct ufd_dmabuf *buf);
/* The exporter changed (revoked) its memory: importers must let go */
void ufd_dmabuf_invalidate_mappings(struct ufd_dmabuf *buf);
/*
 * Attach an importer and map the buffer: where its bytes are, or -ENODEV
 * while it is revoked (nothing attached then).
 */
int ufd_dmabuf_attach(struct ufd_dmabuf *buf,
		      struct ufd_dmabuf_attachment *attach, uintptr_t *host,
		      size_t *len);
void ufd_dmabuf_detach(struct ufd_dmabuf *buf,
		       struct ufd_dmabuf_attachment *attach);

#endif
