/* SPDX-License-Identifier: MIT */
/*
 * dma-bufs: buffers one part of the engine exports as a file and another
 * maps (IOMMU_IOAS_MAP_FILE of a dma-buf descriptor). The exporter can
 * revoke access at any time: every domain mapping of the buffer is then torn
 * down, and the importers stay revoked.
 */
#ifndef UIOMMUFD_IOPT_DMABUF_H
#define UIOMMUFD_IOPT_DMABUF_H

#include "../fs/file.h"
#include "../core/iommufd_private.h"

struct ufd_dmabuf;
struct iopt_pages;
struct iopt_area;
struct iommu_domain;

struct ufd_dmabuf_ops {
	/* Where the bytes are now; -ENODEV while revoked */
	int (*map)(struct ufd_dmabuf *buf, uintptr_t *host, size_t *len);
	/* Last reference gone */
	void (*release)(struct ufd_dmabuf *buf);
};

struct ufd_dmabuf {
	const struct ufd_dmabuf_ops *ops;
	struct iommufd_file *file;
	size_t size;
	/* The reservation lock: orders map/revoke; taken before pages->mutex */
	struct mutex lock;
	/* struct iopt_dmabuf importers */
	struct list_head importers;
	void *priv;
};

/* Export buf as a new file descriptor; the file owns buf afterwards */
int ufd_dmabuf_export(struct ufd_dmabuf *buf, const struct ufd_dmabuf_ops *ops,
		      size_t size, int open_flags);
/* The dma-buf behind fd with a reference: -EBADF, or -EINVAL if not one */
struct ufd_dmabuf *ufd_dmabuf_get(int fd);
void ufd_dmabuf_put(struct ufd_dmabuf *buf);
/* The exporter changed (revoked) its memory: importers must let go */
void ufd_dmabuf_invalidate_mappings(struct ufd_dmabuf *buf);

/* What a pages object of type DMABUF keeps about its import */
struct iopt_dmabuf_track {
	struct list_head elm;
	struct iopt_area *area;
	struct iommu_domain *domain;
};

struct iopt_dmabuf {
	struct list_head importer_elm;
	struct ufd_dmabuf *buf;
	struct iopt_pages *pages;
	/* Domain mappings of the import, to tear down on revoke */
	struct list_head tracker;
	bool revoked;
};

/* Needs pages->mutex */
bool iopt_dmabuf_revoked(struct iopt_pages *pages);
int iopt_dmabuf_track_domain(struct iopt_pages *pages, struct iopt_area *area,
			     struct iommu_domain *domain);
void iopt_dmabuf_untrack_domain(struct iopt_pages *pages,
				struct iopt_area *area,
				struct iommu_domain *domain);

#endif
