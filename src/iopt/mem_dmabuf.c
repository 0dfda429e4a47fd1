// SPDX-License-Identifier: MIT
/*
 * dma-buf backed pages (IOMMU_IOAS_MAP_FILE of a dma-buf descriptor).
 */
#include <uiommufd/uiommufd.h>

#include "../core/file.h"
#include "pages.h"

struct iopt_pages *iopt_dmabuf_alloc_pages(struct iommufd_ctx *ictx, int fd,
					   unsigned long start_byte,
					   unsigned long start,
					   unsigned long length, bool writable)
{
	(void)ictx;
	(void)start_byte;
	(void)start;
	(void)length;
	(void)writable;
	/* Not a dma-buf: the caller maps it as an ordinary file */
	if (iommufd_file_kind(fd) != UIOMMUFD_FD_DMABUF)
		return ERR_PTR(-ENOENT);
	return ERR_PTR(-EOPNOTSUPP);
}
