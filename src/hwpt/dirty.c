// SPDX-License-Identifier: MIT
/*
 * IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP.
 *
 * Like the kernel, failures to reach the user's bitmap are not reported:
 * the bits that could not be written are lost, and the call succeeds.
 */
#include <string.h>

#include "../iopt/io_pagetable.h"
#include "dirty.h"
#include "hw_pagetable.h"

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

static int iommufd_check_iova_range(struct io_pagetable *iopt,
				    struct iommu_hwpt_get_dirty_bitmap *bitmap)
{
	size_t iommu_pgsize = iopt->iova_alignment;
	uint64_t last_iova;

	if (check_add_overflow(bitmap->iova, bitmap->length - 1, &last_iova))
		return -EOVERFLOW;
	if (bitmap->iova > ULONG_MAX || last_iova > ULONG_MAX)
		return -EOVERFLOW;
	if ((bitmap->iova & (iommu_pgsize - 1)) ||
	    ((last_iova + 1) & (iommu_pgsize - 1)))
		return -EINVAL;
	if (!bitmap->page_size)
		return -EINVAL;
	if ((bitmap->iova & (bitmap->page_size - 1)) ||
	    ((last_iova + 1) & (bitmap->page_size - 1)))
		return -EINVAL;
	return 0;
}

/* Walk the contiguous areas of the range through the domain's dirty bits */
static int read_and_clear_areas(struct io_pagetable *iopt,
				struct iommu_domain *domain,
				unsigned long flags, unsigned long iova,
				unsigned long last_iova,
				struct iommu_dirty_bitmap *dirty)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	struct iopt_area_contig_iter iter;
	struct iopt_area *area;
	int ret;

	iopt_for_each_contig_area (&iter, area, iopt, iova, last_iova) {
		unsigned long last = min(last_iova, iopt_area_last_iova(area));

		ret = ops->read_and_clear_dirty(domain, iter.cur_iova,
						last - iter.cur_iova + 1, flags,
						dirty);
		if (ret)
			return ret;
	}
	if (!iopt_area_contig_done(&iter))
		return -EINVAL;
	return 0;
}

static int
iopt_read_and_clear_dirty_data(struct io_pagetable *iopt,
			       struct iommu_domain *domain, unsigned long flags,
			       struct iommu_hwpt_get_dirty_bitmap *bm)
{
	struct iommu_dirty_bitmap *dirty = NULL;
	int rc;

	/* iova_alignment changes with attach and access creation */
	down_read(&iopt->iova_rwsem);
	rc = iommufd_check_iova_range(iopt, bm);
	if (rc)
		goto out_unlock;
	if (!domain->dirty_ops || !domain->dirty_ops->read_and_clear_dirty) {
		rc = -EOPNOTSUPP;
		goto out_unlock;
	}
	dirty = ufd_new(struct iommu_dirty_bitmap);
	if (!dirty) {
		rc = -ENOMEM;
		goto out_unlock;
	}
	iommu_dirty_bitmap_init(dirty, bm->iova, bm->length, bm->page_size,
				u64_to_user_ptr(bm->data));
	/* As the kernel: a range with holes or a lost bitmap still answers 0 */
	read_and_clear_areas(iopt, domain, flags, bm->iova,
			     bm->iova + bm->length - 1, dirty);
out_unlock:
	up_read(&iopt->iova_rwsem);
	if (dirty) {
		iommu_dirty_bitmap_flush(dirty);
		ufd_free(dirty);
	}
	return rc;
}

/* Start from a clean slate: clear what the domain recorded so far */
static int iopt_clear_dirty_data(struct io_pagetable *iopt,
				 struct iommu_domain *domain)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	struct iopt_area *area;
	int ret = 0;

	for_each_area (area, iopt, 0, ULONG_MAX) {
		if (!area->pages)
			continue;
		ret = ops->read_and_clear_dirty(domain, iopt_area_iova(area),
						iopt_area_length(area), 0,
						NULL);
		if (ret)
			break;
	}
	return ret;
}

static int iopt_set_dirty_tracking(struct io_pagetable *iopt,
				   struct iommu_domain *domain, bool enable)
{
	const struct iommu_dirty_ops *ops = domain->dirty_ops;
	int ret = 0;

	if (!ops)
		return -EOPNOTSUPP;

	down_read(&iopt->iova_rwsem);
	if (enable) {
		ret = iopt_clear_dirty_data(iopt, domain);
		if (ret)
			goto out_unlock;
	}
	ret = ops->set_dirty_tracking(domain, enable);
out_unlock:
	up_read(&iopt->iova_rwsem);
	return ret;
}

int iommufd_hwpt_set_dirty_tracking(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt_paging;
	int rc;

	if (cmd->flags & ~IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return -EOPNOTSUPP;

	hwpt_paging = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt_paging))
		return (int)PTR_ERR(hwpt_paging);
	rc = iopt_set_dirty_tracking(
		&hwpt_paging->ioas->iopt, hwpt_paging->common.domain,
		cmd->flags & IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	iommufd_put_object(ucmd->ictx, &hwpt_paging->common.obj);
	return rc;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_ucmd *ucmd)
{
	struct iommu_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct iommufd_hwpt_paging *hwpt_paging;
	int rc;

	if ((cmd->flags & ~IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
	    cmd->__reserved)
		return -EOPNOTSUPP;

	hwpt_paging = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt_paging))
		return (int)PTR_ERR(hwpt_paging);
	rc = iopt_read_and_clear_dirty_data(
		&hwpt_paging->ioas->iopt, hwpt_paging->common.domain,
		cmd->flags & IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR
			? IOMMU_DIRTY_NO_CLEAR
			: 0,
		cmd);
	iommufd_put_object(ucmd->ictx, &hwpt_paging->common.obj);
	return rc;
}
