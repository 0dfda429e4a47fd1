// SPDX-License-Identifier: MIT
/*
 * HW queue objects (IOMMU_HW_QUEUE_ALLOC): a queue of a vIOMMU (a command
 * queue, say) that lives in guest memory at a nest-parent IOVA and that the
 * IOMMU reads by its host address, behind the IOMMU's back.
 *
 * So the memory must stay where it is while the queue lives: an internal
 * access of iommufd pins the pages (which must be contiguous) and locks
 * their area, so that unmapping it is refused (EBUSY) rather than asked of
 * the access. Queues may depend on each other (a driver's choice): one that
 * others depend on cannot be destroyed before them.
 */
#include <stdio.h>

#include "../iopt/access.h"
#include "../iopt/io_pagetable.h"
#include "viommu.h"

static void hw_queue_destroy_access(struct iommufd_ctx *ictx,
				    struct iommufd_access *access,
				    uint64_t base_iova, size_t length)
{
	uint64_t aligned_iova = ALIGN_DOWN(base_iova, PAGE_SIZE);
	uint64_t offset = base_iova - aligned_iova;

	iommufd_access_unpin_pages(access, aligned_iova,
				   ALIGN_UP(length + offset, PAGE_SIZE));
	iommufd_access_detach(access);
	iommufd_access_destroy_internal(ictx, access);
}

void iommufd_hw_queue_destroy(struct iommufd_object *obj)
{
	struct iommufd_hw_queue *hw_queue =
		container_of(obj, struct iommufd_hw_queue, obj);
	struct iommufd_viommu *viommu = hw_queue->viommu;

	if (hw_queue->initialized)
		viommu->ops->hw_queue_destroy(hw_queue);
	if (hw_queue->access)
		hw_queue_destroy_access(viommu->ictx, hw_queue->access,
					hw_queue->base_addr, hw_queue->length);
	if (viommu)
		refcount_dec(&viommu->obj.users);
}

/* The pages of [aligned start, aligned end) must follow each other */
static int hw_queue_check_contiguous(const uintptr_t *pages, size_t npages)
{
	for (size_t i = 1; i < npages; i++)
		if (pages[i] != pages[i - 1] + PAGE_SIZE)
			return -EFAULT;
	return 0;
}

/*
 * Pin the queue's memory through an internal access of the parent's IOAS;
 * *base is the host address of its first byte.
 */
static struct iommufd_access *
hw_queue_alloc_phys(struct iommu_hw_queue_alloc *cmd,
		    struct iommufd_viommu *viommu, uintptr_t *base)
{
	uint64_t aligned_iova = ALIGN_DOWN(cmd->nesting_parent_iova, PAGE_SIZE);
	uint64_t offset = cmd->nesting_parent_iova - aligned_iova;
	struct iommufd_access *access;
	size_t npages, length;
	uintptr_t *pages;
	int rc;

	/* npages = DIV_ROUND_UP(offset + length, PAGE_SIZE), without wrapping
	 */
	if (check_add_overflow((size_t)offset, (size_t)cmd->length, &length) ||
	    check_add_overflow(length, (size_t)PAGE_SIZE - 1, &length))
		return ERR_PTR(-ERANGE);
	npages = length / PAGE_SIZE;
	length = npages * PAGE_SIZE;

	pages = ufd_realloc_array(NULL, npages, sizeof(*pages));
	if (!pages)
		return ERR_PTR(-ENOMEM);

	access = iommufd_access_create_internal(viommu->ictx);
	if (IS_ERR(access)) {
		rc = (int)PTR_ERR(access);
		goto out_free;
	}
	rc = iommufd_access_attach_internal(access, viommu->hwpt->ioas);
	if (rc)
		goto out_destroy;
	rc = iommufd_access_pin_pages(access, aligned_iova, length, pages, 0);
	if (rc)
		goto out_detach;
	rc = hw_queue_check_contiguous(pages, npages);
	if (rc)
		goto out_unpin;

	*base = pages[0] + offset;
	ufd_free(pages);
	return access;

out_unpin:
	iommufd_access_unpin_pages(access, aligned_iova, length);
out_detach:
	iommufd_access_detach(access);
out_destroy:
	iommufd_access_destroy_internal(viommu->ictx, access);
out_free:
	ufd_free(pages);
	return ERR_PTR(rc);
}

int iommufd_hw_queue_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_hw_queue_alloc *cmd = ucmd->cmd;
	struct iommufd_hw_queue *hw_queue;
	struct iommufd_viommu *viommu;
	struct iommufd_access *access;
	size_t priv_size;
	uintptr_t base = 0;
	uint64_t last;
	int rc;

	if (cmd->flags || cmd->type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->length)
		return -EINVAL;
	if (check_add_overflow(cmd->nesting_parent_iova, cmd->length - 1,
			       &last))
		return -EOVERFLOW;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return (int)PTR_ERR(viommu);

	if (!viommu->ops->get_hw_queue_size ||
	    !viommu->ops->hw_queue_init_phys) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}
	priv_size = viommu->ops->get_hw_queue_size(viommu, cmd->type);
	if (!priv_size) {
		rc = -EOPNOTSUPP;
		goto out_put_viommu;
	}

	hw_queue = (struct iommufd_hw_queue *)_iommufd_object_alloc_ucmd(
		ucmd, sizeof(*hw_queue) + priv_size, IOMMUFD_OBJ_HW_QUEUE);
	if (IS_ERR(hw_queue)) {
		rc = (int)PTR_ERR(hw_queue);
		goto out_put_viommu;
	}

	/* From here the dispatcher destroys the unfinished queue on failure */
	access = hw_queue_alloc_phys(cmd, viommu, &base);
	if (IS_ERR(access)) {
		rc = (int)PTR_ERR(access);
		goto out_put_viommu;
	}
	hw_queue->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	hw_queue->access = access;
	hw_queue->type = cmd->type;
	hw_queue->length = cmd->length;
	hw_queue->base_addr = cmd->nesting_parent_iova;

	rc = viommu->ops->hw_queue_init_phys(hw_queue, cmd->index, base);
	if (rc)
		goto out_put_viommu;
	hw_queue->initialized = true;

	cmd->out_hw_queue_id = hw_queue->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));

out_put_viommu:
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}

void iommufd_hw_queue_describe(struct iommufd_object *obj, int out)
{
	struct iommufd_hw_queue *hw_queue =
		container_of(obj, struct iommufd_hw_queue, obj);

	dprintf(out, "  viommu %u type %#x iova %#llx length %zu\n",
		hw_queue->viommu->obj.id, hw_queue->type,
		(unsigned long long)hw_queue->base_addr, hw_queue->length);
}

/* The driver API */

void *iommufd_hw_queue_priv(struct iommufd_hw_queue *hw_queue)
{
	return hw_queue->priv;
}

struct iommufd_viommu *
iommufd_hw_queue_viommu(struct iommufd_hw_queue *hw_queue)
{
	return hw_queue->viommu;
}

uint64_t iommufd_hw_queue_base_iova(struct iommufd_hw_queue *hw_queue)
{
	return hw_queue->base_addr;
}

int iommufd_hw_queue_depend(struct iommufd_hw_queue *dependent,
			    struct iommufd_hw_queue *depended)
{
	/* Waiting on itself would never end */
	if (dependent == depended)
		return -EINVAL;
	refcount_inc(&depended->obj.users);
	return 0;
}

void iommufd_hw_queue_undepend(struct iommufd_hw_queue *dependent,
			       struct iommufd_hw_queue *depended)
{
	if (WARN_ON(dependent == depended))
		return;
	refcount_dec(&depended->obj.users);
}
