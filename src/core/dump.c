// SPDX-License-Identifier: MIT
/*
 * Introspection: a text description of a context for tools and debugging.
 * The format is documented in docs/introspection.md.
 */
#include <stdio.h>

#include <uiommufd/uiommufd.h>

#include "../device/device.h"
#include "../hwpt/hw_pagetable.h"
#include "../iopt/account.h"
#include "../iopt/io_pagetable.h"
#include "../iopt/pages.h"
#include "file.h"
#include "iommufd_private.h"

static void dump_ioas(int out, struct iommufd_ioas *ioas)
{
	struct io_pagetable *iopt = &ioas->iopt;
	struct itree_span_iter span;
	struct iopt_area *area;
	struct itree_node *n;

	down_read(&iopt->iova_rwsem);
	dprintf(out, "  iova_alignment %lu huge_pages %d domains %u\n",
		iopt->iova_alignment, !iopt->disable_large_pages,
		iopt->next_domain_id);
	for (n = itree_first(&iopt->allowed_itree); n; n = itree_next(n))
		dprintf(out, "  allowed 0x%lx-0x%lx\n", n->start, n->last);
	for (n = itree_first(&iopt->reserved_itree); n; n = itree_next(n))
		dprintf(out, "  reserved 0x%lx-0x%lx\n", n->start, n->last);
	itree_for_each_span (&span, &iopt->reserved_itree, 0, ULONG_MAX) {
		if (span.is_hole)
			dprintf(out, "  usable 0x%lx-0x%lx\n", span.start_hole,
				span.last_hole);
	}
	for_each_area (area, iopt, 0, ULONG_MAX) {
		struct iopt_pages *pages = area->pages;

		dprintf(out, "  area 0x%lx-0x%lx prot %c%c",
			iopt_area_iova(area), iopt_area_last_iova(area),
			(area->iommu_prot & IOMMU_READ) ? 'r' : '-',
			(area->iommu_prot & IOMMU_WRITE) ? 'w' : '-');
		if (!pages) {
			dprintf(out, " busy\n");
			continue;
		}
		dprintf(out, " %s 0x%lx pages %zu pinned %zu accesses %u%s\n",
			pages->type == IOPT_ADDRESS_USER   ? "va"
			: pages->type == IOPT_ADDRESS_FILE ? "file"
							   : "dmabuf",
			pages->type == IOPT_ADDRESS_USER
				? pages->uptr + area->page_offset +
					  iopt_area_index(area) * PAGE_SIZE
				: pages->start +
					  iopt_area_index(area) * PAGE_SIZE +
					  area->page_offset,
			pages->npages, pages->npinned, area->num_accesses,
			area->filled ? " in-domains" : "");
	}
	up_read(&iopt->iova_rwsem);
}

static void dump_hwpt(int out, struct iommufd_hw_pagetable *hwpt)
{
	const struct iommu_domain_ops *ops = hwpt->domain->ops;

	if (hwpt_is_paging(hwpt)) {
		struct iommufd_hwpt_paging *paging = to_hwpt_paging(hwpt);

		dprintf(out, "  ioas %u%s%s%s%s", paging->ioas->obj.id,
			paging->auto_domain ? " auto" : "",
			hwpt->domain->dirty_ops ? " dirty-tracking" : "",
			paging->nest_parent ? " nest-parent" : "",
			paging->enforce_cache_coherency ? " coherent" : "");
		if (ops->count_tables) {
			unsigned long live, allocated;

			ops->count_tables(hwpt->domain, &live, &allocated);
			dprintf(out, " tables %lu/%lu", live, allocated);
		}
		dprintf(out, "\n");
	} else {
		dprintf(out, "  parent %u\n",
			to_hwpt_nested(hwpt)->parent->common.obj.id);
	}
}

/* The objects of a context, each with what it links to */
static void dump_ctx(int out, struct iommufd_ctx *ictx)
{
	uint32_t id = 0;

	dprintf(out, "account_mode %u user_locked_pages %ld\n",
		ictx->account_mode, ufd_acct_user_locked());
	mutex_lock(&ictx->objects_lock);
	while ((id = idt_next_used(&ictx->objects, id + 1))) {
		struct iommufd_object *obj = idt_load(&ictx->objects, id);

		if (obj == IDT_RESERVED) {
			dprintf(out, "object %u reserved\n", id);
			continue;
		}
		dprintf(out, "object %u %s users %u\n", id,
			iommufd_object_ops[obj->type].name
				? iommufd_object_ops[obj->type].name
				: "?",
			refcount_read(&obj->users));
		if (obj->type != IOMMUFD_OBJ_IOAS &&
		    obj->type != IOMMUFD_OBJ_DEVICE &&
		    obj->type != IOMMUFD_OBJ_HWPT_PAGING &&
		    obj->type != IOMMUFD_OBJ_HWPT_NESTED)
			continue;
		if (!iommufd_lock_obj(obj))
			continue;
		/* Describing takes the object's own locks: not this one */
		mutex_unlock(&ictx->objects_lock);
		if (obj->type == IOMMUFD_OBJ_IOAS)
			dump_ioas(out,
				  container_of(obj, struct iommufd_ioas, obj));
		else if (obj->type == IOMMUFD_OBJ_DEVICE)
			iommufd_device_describe(
				container_of(obj, struct iommufd_device, obj),
				out);
		else
			dump_hwpt(out,
				  container_of(obj, struct iommufd_hw_pagetable,
					       obj));
		iommufd_put_object(ictx, obj);
		mutex_lock(&ictx->objects_lock);
	}
	mutex_unlock(&ictx->objects_lock);
}

/* The iommufd context of an iommufd or VFIO container file, or NULL */
static struct iommufd_ctx *file_ctx(struct iommufd_file *file)
{
	if (file->ops->kind != UIOMMUFD_FD_IOMMUFD &&
	    file->ops->kind != UIOMMUFD_FD_VFIO)
		return NULL;
	return file->private_data;
}

UFD_EXPORT int uiommufd_dump(int fd, int out)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	struct iommufd_ctx *ictx;

	if (!file)
		return -EBADF;
	ictx = file_ctx(file);
	if (!ictx) {
		iommufd_file_put(file);
		return -EINVAL;
	}
	dprintf(out, "iommufd fd %d ", fd);
	dump_ctx(out, ictx);
	iommufd_file_put(file);
	return 0;
}

UFD_EXPORT int uiommufd_fdinfo(int fd, int out)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	struct iommufd_ctx *ictx;

	if (!file)
		return -EBADF;
	ictx = file_ctx(file);
	if (ictx) {
		dprintf(out, "uiommufd-");
		dump_ctx(out, ictx);
	} else if (file->ops->show_fdinfo) {
		file->ops->show_fdinfo(file, out);
	}
	iommufd_file_put(file);
	return 0;
}
