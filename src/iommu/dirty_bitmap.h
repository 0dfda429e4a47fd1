/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking: reporting which IOVA a device wrote, as a bitmap in the
 * caller's memory (IOMMU_HWPT_GET_DIRTY_BITMAP).
 */
#ifndef UIOMMUFD_IOMMU_DIRTY_BITMAP_H
#define UIOMMUFD_IOMMU_DIRTY_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bits of a user bitmap: bit n stands for the page_size bytes at
 * iova + n * page_size. Updates go through a window of the user's bytes
 * read, OR-ed and written back, so the user bitmap may be any size and
 * alignment and bits already set stay set.
 */
struct iommu_dirty_bitmap {
	unsigned long iova;
	unsigned long length;
	unsigned int pgshift;
	uint8_t *udata;
	/* The window: bytes [win_start, win_start + win_len) of udata */
	unsigned long win_start;
	size_t win_len;
	bool win_valid, win_dirty;
	uint8_t win[4096];
};

void iommu_dirty_bitmap_init(struct iommu_dirty_bitmap *d, unsigned long iova,
			     unsigned long length, unsigned long page_size,
			     void *udata);
/* Record [iova, iova + len) as dirty; NULL bitmap: just clearing */
void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *d, unsigned long iova,
			       size_t len);
void iommu_dirty_bitmap_flush(struct iommu_dirty_bitmap *d);

#endif
