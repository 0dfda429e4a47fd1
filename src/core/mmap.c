// SPDX-License-Identifier: MIT
/*
 * mmap() of the iommufd: regions a driver offers (a vIOMMU's page of
 * registers), each at an offset of the iommufd file, and the mappings the
 * user made of them.
 *
 * An offset names one region, [start, start + length) of the file's offset
 * space, allocated lowest first from PAGE_SIZE up, as the kernel's maple
 * tree does. A mapping must be of the whole region. As the kernel's VMA
 * holds its owner object (users) and its file, every piece of a mapping
 * does here until munmap() takes it away: the shim reports every munmap()
 * with uiommufd_munmap(), and a partial one leaves pieces that each hold
 * their references, as split VMAs do.
 */
#include <sys/mman.h>

#include "iommufd_private.h"

struct iommufd_mmap {
	/* On iommufd_ctx::mmaps, by start */
	struct list_head item;
	struct iommufd_object *owner;
	unsigned long start;
	size_t length;
	int memfd;
	off_t fd_offset;
};

/* One piece of a user's mapping of a region */
struct iommufd_user_map {
	struct list_head item;
	uintptr_t start, end;
	struct iommufd_object *owner;
	struct iommufd_ctx *ictx;
};

/* Every live mapping of the process; the lock is a leaf */
static LIST_HEAD(iommufd_vmas);
static struct mutex iommufd_vmas_lock = MUTEX_INITIALIZER(iommufd_vmas_lock);
static unsigned int iommufd_nr_vmas;

void iommufd_mmap_init(struct iommufd_ctx *ictx)
{
	mutex_init(&ictx->mmaps_lock);
	INIT_LIST_HEAD(&ictx->mmaps);
}

void iommufd_mmap_deinit(struct iommufd_ctx *ictx)
{
	/* Owners remove their regions before they are destroyed */
	WARN_ON(!list_empty(&ictx->mmaps));
	mutex_destroy(&ictx->mmaps_lock);
}

int iommufd_alloc_mmap(struct iommufd_ctx *ictx, struct iommufd_object *owner,
		       int memfd, off_t fd_offset, size_t length,
		       unsigned long *offset)
{
	struct list_head *pos = &ictx->mmaps;
	struct iommufd_mmap *immap, *cur;
	unsigned long start = PAGE_SIZE;

	if (fd_offset < 0 || fd_offset % PAGE_SIZE)
		return -EINVAL;
	if (!length || length % PAGE_SIZE)
		return -EINVAL;

	immap = ufd_new(struct iommufd_mmap);
	if (!immap)
		return -ENOMEM;
	immap->owner = owner;
	immap->length = length;
	immap->memfd = memfd;
	immap->fd_offset = fd_offset;

	/* The first gap that fits, skipping page 0 so offset 0 means none */
	mutex_lock(&ictx->mmaps_lock);
	list_for_each_entry (cur, &ictx->mmaps, item) {
		if (cur->start - start >= length)
			break;
		start = cur->start + cur->length;
		pos = &cur->item;
	}
	if (ULONG_MAX - start < length - 1) {
		mutex_unlock(&ictx->mmaps_lock);
		ufd_free(immap);
		return -EBUSY;
	}
	immap->start = start;
	list_add(&immap->item, pos);
	mutex_unlock(&ictx->mmaps_lock);
	*offset = start;
	return 0;
}

void iommufd_destroy_mmap(struct iommufd_ctx *ictx,
			  struct iommufd_object *owner, unsigned long offset)
{
	struct iommufd_mmap *cur, *found = NULL;

	mutex_lock(&ictx->mmaps_lock);
	list_for_each_entry (cur, &ictx->mmaps, item) {
		if (cur->start == offset) {
			found = cur;
			list_del(&cur->item);
			break;
		}
	}
	mutex_unlock(&ictx->mmaps_lock);
	WARN_ON(!found || found->owner != owner);
	ufd_free(found);
}

/* The region containing @offset with a users reference on its owner */
static struct iommufd_mmap *mmap_get(struct iommufd_ctx *ictx,
				     unsigned long offset)
{
	struct iommufd_mmap *cur;

	mutex_lock(&ictx->mmaps_lock);
	list_for_each_entry (cur, &ictx->mmaps, item) {
		if (offset < cur->start || offset - cur->start >= cur->length)
			continue;
		if (!refcount_inc_not_zero(&cur->owner->users))
			break;
		mutex_unlock(&ictx->mmaps_lock);
		return cur;
	}
	mutex_unlock(&ictx->mmaps_lock);
	return NULL;
}

static void vma_add(struct iommufd_user_map *vma)
{
	mutex_lock(&iommufd_vmas_lock);
	list_add_tail(&vma->item, &iommufd_vmas);
	__atomic_add_fetch(&iommufd_nr_vmas, 1, __ATOMIC_RELEASE);
	mutex_unlock(&iommufd_vmas_lock);
}

int iommufd_ctx_mmap(struct iommufd_ctx *ictx, void *addr, size_t length,
		     int prot, int flags, off_t offset, void **out)
{
	struct iommufd_mmap *immap;
	struct iommufd_user_map *vma;
	void *p;
	int rc;

	/* mmap(2) maps whole pages */
	length = ALIGN_UP(length, PAGE_SIZE);
	if (!(flags & MAP_SHARED))
		return -EINVAL;
	if (prot & PROT_EXEC)
		return -EPERM;

	immap = mmap_get(ictx, (unsigned long)offset);
	if (!immap)
		return -ENXIO;
	/* Only the whole region, from its start */
	if ((unsigned long)offset != immap->start || length != immap->length) {
		rc = -ENXIO;
		goto err_put;
	}

	vma = ufd_new(struct iommufd_user_map);
	if (!vma) {
		rc = -ENOMEM;
		goto err_put;
	}
	p = mmap(addr, length, prot, flags, immap->memfd, immap->fd_offset);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto err_free;
	}
	/* A fixed mapping replaced whatever was there, as munmap() would */
	if (flags & MAP_FIXED)
		iommufd_munmap((uintptr_t)p, length);
	vma->start = (uintptr_t)p;
	vma->end = (uintptr_t)p + length;
	vma->owner = immap->owner;
	vma->ictx = ictx;
	/* As the VMA's file reference: the context lives while mapped */
	iommufd_ctx_get(ictx);
	vma_add(vma);
	*out = p;
	return 0;

err_free:
	ufd_free(vma);
err_put:
	refcount_dec(&immap->owner->users);
	return rc;
}

bool iommufd_has_vmas(void)
{
	return __atomic_load_n(&iommufd_nr_vmas, __ATOMIC_ACQUIRE);
}

/*
 * [addr, addr + length) was unmapped: pieces wholly inside go (with their
 * references), pieces cut in two become two, each holding its own.
 */
void iommufd_munmap(uintptr_t addr, size_t length)
{
	uintptr_t end = addr + ALIGN_UP(length, PAGE_SIZE);
	struct iommufd_user_map *vma, *next, *split;
	LIST_HEAD(gone);

	/* munmap(2) refuses an unaligned start: nothing was unmapped */
	if (addr % PAGE_SIZE)
		return;
	if (end < addr)
		end = UINTPTR_MAX;
	mutex_lock(&iommufd_vmas_lock);
	list_for_each_entry_safe (vma, next, &iommufd_vmas, item) {
		if (vma->end <= addr || vma->start >= end)
			continue;
		if (vma->start < addr && vma->end > end) {
			/* A hole in the middle: the right piece is new */
			split = ufd_zalloc_nofail(sizeof(*split));
			*split = *vma;
			split->start = end;
			vma->end = addr;
			refcount_inc(&split->owner->users);
			iommufd_ctx_get(split->ictx);
			list_add(&split->item, &vma->item);
			__atomic_add_fetch(&iommufd_nr_vmas, 1,
					   __ATOMIC_RELEASE);
		} else if (vma->start < addr) {
			vma->end = addr;
		} else if (vma->end > end) {
			vma->start = end;
		} else {
			list_del(&vma->item);
			list_add(&vma->item, &gone);
			__atomic_sub_fetch(&iommufd_nr_vmas, 1,
					   __ATOMIC_RELEASE);
		}
	}
	mutex_unlock(&iommufd_vmas_lock);

	/* The context may go with its last reference: no lock held */
	list_for_each_entry_safe (vma, next, &gone, item) {
		refcount_dec(&vma->owner->users);
		iommufd_ctx_put(vma->ictx);
		ufd_free(vma);
	}
}
