/* SPDX-License-Identifier: MIT */
/*
 * dma-bufs imported by IOMMU_IOAS_MAP_FILE: when the exporter revokes
 * access (fs/dma_buf.h), every domain mapping of the buffer is torn down,
 * and the importers stay revoked.
 */
#ifndef UIOMMUFD_IOPT_DMABUF_H
#define UIOMMUFD_IOPT_DMABUF_H

#include "../core/iommufd_private.h"
#include "../fs/dma_buf.h"

struct iopt_pages;
struct iopt_area;
struct iommu_domain;

/* What a pages object of type DMABUF keeps about its import */
struct iopt_dmabuf_track {
	struct list_head elm;
	struct iopt_area *area;
	struct iommu_domain *domain;
};

struct iopt_dmabuf {
	struct ufd_dmabuf_attachment attach;
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
