// SPDX-License-Identifier: MIT
/*
 * Dirty bitmaps in the caller's memory: how an IOMMU driver reports the
 * IOVA a device wrote (see dirty_bitmap.h).
 */
#include "../lib/uaccess.h"
#include "../lib/util.h"
#include "dirty_bitmap.h"

void iommu_dirty_bitmap_init(struct iommu_dirty_bitmap *d, unsigned long iova,
			     unsigned long length, unsigned long page_size,
			     void *udata)
{
	d->iova = iova;
	d->length = length;
	d->pgshift = (unsigned int)ufd_ffs_ul(page_size);
	d->udata = udata;
	d->win_valid = false;
	d->win_dirty = false;
}

void iommu_dirty_bitmap_flush(struct iommu_dirty_bitmap *d)
{
	if (d->win_valid && d->win_dirty)
		copy_to_user(d->udata + d->win_start, d->win, d->win_len);
	d->win_valid = false;
	d->win_dirty = false;
}

static bool window_load(struct iommu_dirty_bitmap *d, unsigned long byte)
{
	unsigned long nbytes = ((d->length - 1) >> d->pgshift) / 8 + 1;

	if (d->win_valid && byte >= d->win_start &&
	    byte < d->win_start + d->win_len)
		return true;
	iommu_dirty_bitmap_flush(d);
	d->win_start = ALIGN_DOWN(byte, sizeof(d->win));
	d->win_len = min(sizeof(d->win), nbytes - d->win_start);
	if (copy_from_user(d->win, d->udata + d->win_start, d->win_len))
		return false;
	d->win_valid = true;
	return true;
}

void iommu_dirty_bitmap_record(struct iommu_dirty_bitmap *d, unsigned long iova,
			       size_t len)
{
	unsigned long first, last, bit;

	if (!d || !len)
		return;
	/* Clip to the bitmap's IOVA range */
	if (iova + len - 1 < d->iova || iova > d->iova + (d->length - 1))
		return;
	if (iova < d->iova) {
		len -= d->iova - iova;
		iova = d->iova;
	}
	len = min(len, d->length - (iova - d->iova));
	first = (iova - d->iova) >> d->pgshift;
	last = (iova - d->iova + len - 1) >> d->pgshift;

	for (bit = first; bit <= last; bit++) {
		if (!window_load(d, bit / 8))
			return;
		d->win[bit / 8 - d->win_start] |= (uint8_t)(1u << (bit % 8));
		d->win_dirty = true;
	}
}
