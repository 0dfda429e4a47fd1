// SPDX-License-Identifier: MIT
/*
 * VFIO type1 container compatibility on an iommufd.
 *
 * The container ioctls carry no IOAS ID, so they all work on one IOAS of the
 * context: the compat IOAS, chosen with IOMMU_VFIO_IOAS or created when the
 * first VFIO group joins. Type1 (v1) may unmap in the middle of a mapping:
 * it is served by turning huge pages off so any area can be split.
 */
#include <linux/capability.h>
#include <linux/vfio.h>

#include "../iopt/io_pagetable.h"
#include "../hwpt/hw_pagetable.h"
#include "vfio_compat.h"

static struct iommufd_ioas *get_compat_ioas(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas = ERR_PTR(-ENODEV);

	mutex_lock(&ictx->objects_lock);
	if (ictx->vfio_ioas && iommufd_lock_obj(&ictx->vfio_ioas->obj))
		ioas = ictx->vfio_ioas;
	mutex_unlock(&ictx->objects_lock);
	return ioas;
}

int iommufd_vfio_compat_ioas_get_id(struct iommufd_ctx *ictx,
				    uint32_t *out_ioas_id)
{
	struct iommufd_ioas *ioas = get_compat_ioas(ictx);

	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	*out_ioas_id = ioas->obj.id;
	iommufd_put_object(ictx, &ioas->obj);
	return 0;
}

/* A no-IOMMU device joined: only VFIO_NOIOMMU_IOMMU is allowed from now */
int iommufd_vfio_compat_set_no_iommu(struct iommufd_ctx *ictx)
{
	int ret = 0;

	mutex_lock(&ictx->objects_lock);
	if (!ictx->vfio_ioas)
		ictx->no_iommu_mode = 1;
	else
		ret = -EINVAL;
	mutex_unlock(&ictx->objects_lock);
	return ret;
}

/*
 * Make sure a compat IOAS exists: only a group joining the container
 * creates one, and an existing one is kept. An automatically created IOAS
 * is an ordinary object: its ID can be read back and it can be destroyed.
 */
int iommufd_vfio_compat_ioas_create(struct iommufd_ctx *ictx)
{
	struct iommufd_ioas *ioas;
	int ret;

	ioas = iommufd_ioas_alloc(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	mutex_lock(&ictx->objects_lock);
	/* A container is either IOMMU backed or no-IOMMU, never both */
	if (ictx->no_iommu_mode) {
		ret = -EINVAL;
		goto out_abort;
	}
	if (ictx->vfio_ioas && iommufd_lock_obj(&ictx->vfio_ioas->obj)) {
		ret = 0;
		mutex_unlock(&ictx->objects_lock);
		iommufd_put_object(ictx, &ictx->vfio_ioas->obj);
		iommufd_object_abort_and_destroy(ictx, &ioas->obj);
		return ret;
	}
	ictx->vfio_ioas = ioas;
	mutex_unlock(&ictx->objects_lock);
	iommufd_object_finalize(ictx, &ioas->obj);
	return 0;

out_abort:
	mutex_unlock(&ictx->objects_lock);
	iommufd_object_abort_and_destroy(ictx, &ioas->obj);
	return ret;
}

int iommufd_vfio_ioas(struct iommufd_ucmd *ucmd)
{
	struct iommu_vfio_ioas *cmd = ucmd->cmd;
	struct iommufd_ioas *ioas;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	switch (cmd->op) {
	case IOMMU_VFIO_IOAS_GET:
		ioas = get_compat_ioas(ucmd->ictx);
		if (IS_ERR(ioas))
			return (int)PTR_ERR(ioas);
		cmd->ioas_id = ioas->obj.id;
		iommufd_put_object(ucmd->ictx, &ioas->obj);
		return iommufd_ucmd_respond(ucmd, sizeof(*cmd));

	case IOMMU_VFIO_IOAS_SET:
		ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
		if (IS_ERR(ioas))
			return (int)PTR_ERR(ioas);
		mutex_lock(&ucmd->ictx->objects_lock);
		ucmd->ictx->vfio_ioas = ioas;
		mutex_unlock(&ucmd->ictx->objects_lock);
		iommufd_put_object(ucmd->ictx, &ioas->obj);
		return 0;

	case IOMMU_VFIO_IOAS_CLEAR:
		mutex_lock(&ucmd->ictx->objects_lock);
		ucmd->ictx->vfio_ioas = NULL;
		mutex_unlock(&ucmd->ictx->objects_lock);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int iommufd_vfio_map_dma(struct iommufd_ctx *ictx, void *arg)
{
	uint32_t supported_flags = VFIO_DMA_MAP_FLAG_READ |
				   VFIO_DMA_MAP_FLAG_WRITE;
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	struct vfio_iommu_type1_dma_map map;
	int iommu_prot = IOMMU_CACHE;
	struct iommufd_ioas *ioas;
	unsigned long iova;
	int rc;

	if (copy_from_user(&map, arg, minsz))
		return -EFAULT;
	if (map.argsz < minsz || map.flags & ~supported_flags)
		return -EINVAL;

	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		iommu_prot |= IOMMU_READ;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		iommu_prot |= IOMMU_WRITE;

	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	/*
	 * Maps through the legacy interface keep the accounting mode of the
	 * context; the /dev/vfio/vfio open sets it to the VFIO way.
	 */
	iova = map.iova;
	rc = iopt_map_user_pages(ictx, &ioas->iopt, &iova,
				 u64_to_user_ptr(map.vaddr), map.size,
				 iommu_prot, 0);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

static int iommufd_vfio_unmap_dma(struct iommufd_ctx *ictx, void *arg)
{
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_unmap, size);
	/* GET_DIRTY_BITMAP is served by the iommufd dirty tracking instead */
	uint32_t supported_flags = VFIO_DMA_UNMAP_FLAG_ALL;
	struct vfio_iommu_type1_dma_unmap unmap;
	unsigned long unmapped = 0;
	struct iommufd_ioas *ioas;
	int rc;

	if (copy_from_user(&unmap, arg, minsz))
		return -EFAULT;
	if (unmap.argsz < minsz || unmap.flags & ~supported_flags)
		return -EINVAL;

	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova != 0 || unmap.size != 0) {
			rc = -EINVAL;
			goto err_put;
		}
		rc = iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (READ_ONCE(ioas->iopt.disable_large_pages)) {
			/*
			 * Type1 v1: cut at the first and last IOVA of the
			 * request so whole areas fall inside it. IOVA 0 needs
			 * no cut before it.
			 */
			unsigned long iovas[] = {unmap.iova + unmap.size - 1,
						 unmap.iova - 1};

			rc = iopt_cut_iova(&ioas->iopt, iovas,
					   unmap.iova ? 2 : 1);
			if (rc)
				goto err_put;
		}
		rc = iopt_unmap_iova(&ioas->iopt, unmap.iova, unmap.size,
				     &unmapped);
	}
	unmap.size = unmapped;
	if (copy_to_user(arg, &unmap, minsz))
		rc = -EFAULT;

err_put:
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

/* Coherent DMA only if every domain of the compat IOAS enforces it */
static int iommufd_vfio_cc_iommu(struct iommufd_ctx *ictx)
{
	struct iommufd_hwpt_paging *hwpt_paging;
	struct iommufd_ioas *ioas;
	int rc = 1;

	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	mutex_lock(&ioas->mutex);
	list_for_each_entry (hwpt_paging, &ioas->hwpt_list, hwpt_item) {
		if (!hwpt_paging->enforce_cache_coherency) {
			rc = 0;
			break;
		}
	}
	mutex_unlock(&ioas->mutex);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

static int iommufd_vfio_check_extension(struct iommufd_ctx *ictx,
					unsigned long type)
{
	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return !ictx->no_iommu_mode;
	case VFIO_NOIOMMU_IOMMU:
		/* The engine has no-IOMMU devices (CONFIG_VFIO_NOIOMMU) */
		return 1;
	case VFIO_DMA_CC_IOMMU:
		return iommufd_vfio_cc_iommu(ictx);
	/* VFIO_UPDATE_VADDR cannot be done safely; nesting type1 is gone */
	default:
		return 0;
	}
}

static int iommufd_vfio_set_iommu(struct iommufd_ctx *ictx, unsigned long type)
{
	bool no_iommu_mode = READ_ONCE(ictx->no_iommu_mode);
	struct iommufd_ioas *ioas;
	int rc = 0;

	/*
	 * A container of no-IOMMU groups takes the no-IOMMU type and nothing
	 * else; nothing is set up for it, as no translation will exist.
	 */
	if (type == VFIO_NOIOMMU_IOMMU && no_iommu_mode)
		return ufd_capable(CAP_SYS_RAWIO) ? 0 : -EPERM;
	if ((type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU) ||
	    no_iommu_mode)
		return -EINVAL;

	/* VFIO fails SET_IOMMU while no group is in the container */
	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	/*
	 * Type1 (v1) may unmap inside a mapping. Huge IOPTEs could not be
	 * split, so v1 runs with huge pages off and every area can be cut.
	 */
	if (type == VFIO_TYPE1_IOMMU)
		rc = iopt_disable_large_pages(&ioas->iopt);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

static unsigned long iommufd_get_pagesizes(struct iommufd_ioas *ioas)
{
	struct io_pagetable *iopt = &ioas->iopt;
	unsigned long pgsize_bitmap = ULONG_MAX;

	down_read(&iopt->domains_rwsem);
	for (unsigned int i = 0; i != iopt->next_domain_id; i++)
		pgsize_bitmap &= iopt->domains[i]->pgsize_bitmap;

	/* As VFIO: sizes below a CPU page are reported as one CPU page */
	if (pgsize_bitmap & ~PAGE_MASK) {
		pgsize_bitmap &= PAGE_MASK;
		pgsize_bitmap |= PAGE_SIZE;
	}
	pgsize_bitmap = max(pgsize_bitmap, ioas->iopt.iova_alignment);
	up_read(&iopt->domains_rwsem);
	return pgsize_bitmap;
}

static size_t cap_iova_size(uint32_t nr_iovas)
{
	return sizeof(struct vfio_iommu_type1_info_cap_iova_range) +
	       nr_iovas * sizeof(struct vfio_iova_range);
}

static int iommufd_fill_cap_iova(struct iommufd_ioas *ioas, void *cur,
				 size_t avail)
{
	struct vfio_iommu_type1_info_cap_iova_range cap_iovas = {
		.header =
			{
				.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE,
				.version = 1,
			},
	};
	struct itree_span_iter span;

	itree_for_each_span (&span, &ioas->iopt.reserved_itree, 0, ULONG_MAX) {
		struct vfio_iova_range range;

		if (!span.is_hole)
			continue;
		range.start = span.start_hole;
		range.end = span.last_hole;
		/* cur is a user address, maybe misaligned: no member access */
		if (avail >= cap_iova_size(cap_iovas.nr_iovas + 1) &&
		    copy_to_user(uptr_add(cur,
					  cap_iova_size(cap_iovas.nr_iovas)),
				 &range, sizeof(range)))
			return -EFAULT;
		cap_iovas.nr_iovas++;
	}
	if (avail >= cap_iova_size(cap_iovas.nr_iovas) &&
	    copy_to_user(cur, &cap_iovas, sizeof(cap_iovas)))
		return -EFAULT;
	return (int)cap_iova_size(cap_iovas.nr_iovas);
}

static int iommufd_fill_cap_dma_avail(struct iommufd_ioas *ioas, void *cur,
				      size_t avail)
{
	struct vfio_iommu_type1_info_dma_avail cap_dma = {
		.header =
			{
				.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
				.version = 1,
			},
		/*
		 * No fixed limit on mappings here. VFIO says U16_MAX; s390
		 * QEMU needs more, so answer U32_MAX as the kernel does.
		 */
		.avail = UINT32_MAX,
	};

	(void)ioas;
	if (avail >= sizeof(cap_dma) &&
	    copy_to_user(cur, &cap_dma, sizeof(cap_dma)))
		return -EFAULT;
	return sizeof(cap_dma);
}

static int iommufd_vfio_iommu_get_info(struct iommufd_ctx *ictx, void *arg)
{
	typedef int (*fill_cap_fn)(struct iommufd_ioas * ioas, void *cur,
				   size_t avail);
	static const fill_cap_fn fill_fns[] = {
		iommufd_fill_cap_dma_avail,
		iommufd_fill_cap_iova,
	};
	size_t minsz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);
	void *last_cap = NULL; /* a user address */
	struct vfio_iommu_type1_info info = {};
	struct iommufd_ioas *ioas;
	size_t total_cap_size;
	int rc;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = min((size_t)info.argsz, sizeof(info));

	ioas = get_compat_ioas(ictx);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);

	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iommufd_get_pagesizes(ioas);
	info.cap_offset = 0;

	down_read(&ioas->iopt.iova_rwsem);
	total_cap_size = sizeof(info);
	for (unsigned int i = 0; i != ARRAY_SIZE(fill_fns); i++) {
		int cap_size;

		if (info.argsz > total_cap_size)
			cap_size = fill_fns[i](ioas,
					       uptr_add(arg, total_cap_size),
					       info.argsz - total_cap_size);
		else
			cap_size = fill_fns[i](ioas, NULL, 0);
		if (cap_size < 0) {
			rc = cap_size;
			goto out_put;
		}
		cap_size = (int)ALIGN_UP((size_t)cap_size, sizeof(uint64_t));

		if (last_cap && info.argsz >= total_cap_size) {
			uint32_t next = (uint32_t)total_cap_size;

			if (copy_to_user(
				    uptr_add(
					    last_cap,
					    offsetof(
						    struct vfio_info_cap_header,
						    next)),
				    &next, sizeof(next))) {
				rc = -EFAULT;
				goto out_put;
			}
		}
		last_cap = uptr_add(arg, total_cap_size);
		total_cap_size += (size_t)cap_size;
	}

	/*
	 * Without room for every cap only some are returned, and argsz tells
	 * the size needed for all of them.
	 */
	if (info.argsz >= total_cap_size)
		info.cap_offset = sizeof(info);
	info.argsz = (uint32_t)total_cap_size;
	info.flags |= VFIO_IOMMU_INFO_CAPS;
	if (copy_to_user(arg, &info, minsz)) {
		rc = -EFAULT;
		goto out_put;
	}
	rc = 0;
out_put:
	up_read(&ioas->iopt.iova_rwsem);
	iommufd_put_object(ictx, &ioas->obj);
	return rc;
}

long iommufd_vfio_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			unsigned long arg)
{
	void *uarg = (void *)arg;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_SET_IOMMU:
		return iommufd_vfio_set_iommu(ictx, arg);
	case VFIO_CHECK_EXTENSION:
		return iommufd_vfio_check_extension(ictx, arg);
	case VFIO_IOMMU_GET_INFO:
		return iommufd_vfio_iommu_get_info(ictx, uarg);
	case VFIO_IOMMU_MAP_DMA:
		return iommufd_vfio_map_dma(ictx, uarg);
	case VFIO_IOMMU_UNMAP_DMA:
		return iommufd_vfio_unmap_dma(ictx, uarg);
	default:
		return -ENOTTY;
	}
}
