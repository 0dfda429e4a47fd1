// SPDX-License-Identifier: MIT
/*
 * The access side of pages objects: pins taken by accesses (recorded in
 * access_itree, one node per distinct range, counted by users) and the
 * copy path accesses use to read and write through an IOAS.
 */
#include "access.h"
#include "pages.h"

static struct iopt_pages_access *
iopt_pages_get_exact_access(struct iopt_pages *pages, unsigned long index,
			    unsigned long last)
{
	struct itree_node *node;

	/* Ranges in access_itree may overlap; only an exact one is shared */
	for (node = itree_iter_first(&pages->access_itree, index, last); node;
	     node = itree_iter_next(node, index, last))
		if (node->start == index && node->last == last)
			return container_of(node, struct iopt_pages_access,
					    node);
	return NULL;
}

static void fill_host_pages(struct iopt_pages *pages, unsigned long index,
			    unsigned long last, uintptr_t *out_pages)
{
	if (!out_pages)
		return;
	for (unsigned long i = index; i <= last; i++)
		*out_pages++ = iopt_pages_host(pages, i);
}

int iopt_area_add_access(struct iopt_area *area, unsigned long start_index,
			 unsigned long last_index, uintptr_t *out_pages,
			 unsigned int flags, bool lock_area)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *access;
	int rc;

	if ((flags & IOMMUFD_ACCESS_RW_WRITE) && !pages->writable)
		return -EPERM;
	if (pages->type == IOPT_ADDRESS_DMABUF)
		return -EINVAL;

	mutex_lock(&pages->mutex);
	access = iopt_pages_get_exact_access(pages, start_index, last_index);
	if (access) {
		area->num_accesses++;
		if (lock_area)
			area->num_locks++;
		access->users++;
		fill_host_pages(pages, start_index, last_index, out_pages);
		mutex_unlock(&pages->mutex);
		return 0;
	}

	access = ufd_new(struct iopt_pages_access);
	if (!access) {
		rc = -ENOMEM;
		goto err_unlock;
	}
	rc = iopt_pages_pin_span(pages, start_index, last_index);
	if (rc)
		goto err_free;

	access->node.start = start_index;
	access->node.last = last_index;
	access->users = 1;
	area->num_accesses++;
	if (lock_area)
		area->num_locks++;
	itree_insert(&access->node, &pages->access_itree);
	fill_host_pages(pages, start_index, last_index, out_pages);
	mutex_unlock(&pages->mutex);
	return 0;

err_free:
	ufd_free(access);
err_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

void iopt_area_remove_access(struct iopt_area *area, unsigned long start_index,
			     unsigned long last_index, bool unlock_area)
{
	struct iopt_pages *pages = area->pages;
	struct iopt_pages_access *access;

	mutex_lock(&pages->mutex);
	access = iopt_pages_get_exact_access(pages, start_index, last_index);
	if (WARN_ON(!access))
		goto out_unlock;

	WARN_ON(area->num_accesses == 0 || access->users == 0);
	if (unlock_area) {
		WARN_ON(area->num_locks == 0);
		area->num_locks--;
	}
	area->num_accesses--;
	access->users--;
	if (access->users)
		goto out_unlock;

	itree_remove(&access->node, &pages->access_itree);
	iopt_pages_unpin_span(pages, start_index, last_index);
	ufd_free(access);
out_unlock:
	mutex_unlock(&pages->mutex);
}

/* Bytes at addr of process pid: the pages' source, or the engine */
static int rw_copy(int pid, uintptr_t addr, void *data, unsigned long length,
		   unsigned int flags)
{
	if (flags & IOMMUFD_ACCESS_RW_WRITE)
		return copy_to_pid(pid, (void *)addr, data, length);
	return copy_from_pid(pid, data, (void *)addr, length);
}

/*
 * The path another process' access would take: fault the pages in as a pin
 * does, then copy. For files this also sets up the engine's mapping.
 */
static int iopt_pages_rw_slow(struct iopt_pages *pages,
			      unsigned long start_byte, void *data,
			      unsigned long length, unsigned int flags)
{
	unsigned long index = start_byte / PAGE_SIZE;
	unsigned long last = (start_byte + length - 1) / PAGE_SIZE;
	int rc;

	mutex_lock(&pages->mutex);
	if (ufd_should_fail()) {
		rc = -EINVAL;
		goto out_unlock;
	}
	rc = pages->mem->pin(pages, index, last - index + 1);
	if (rc)
		goto out_unlock;
	rc = rw_copy(ufd_selfpid(), iopt_pages_host(pages, 0) + start_byte,
		     data, length, flags);
	pages->mem->unpin(pages, index, last - index + 1);
out_unlock:
	mutex_unlock(&pages->mutex);
	return rc;
}

/*
 * Copy between data and the bytes [start_byte, start_byte + length) of the
 * pages. User memory is copied in place, fault-safe, as the kernel's fast
 * path uses copy_to/from_user() without pinning.
 */
int iopt_pages_rw_access(struct iopt_pages *pages, unsigned long start_byte,
			 void *data, unsigned long length, unsigned int flags)
{
	if ((flags & IOMMUFD_ACCESS_RW_WRITE) && !pages->writable)
		return -EPERM;
	if (pages->type == IOPT_ADDRESS_DMABUF)
		return -EINVAL;
	if (pages->type != IOPT_ADDRESS_USER ||
	    (flags & __IOMMUFD_ACCESS_RW_SLOW_PATH))
		return iopt_pages_rw_slow(pages, start_byte, data, length,
					  flags);
	/*
	 * The source process' memory, as the kernel's kthread_use_mm() of
	 * the source mm; once it is gone, only what is pinned (slow path)
	 */
	if (pages->source_mm->pid != ufd_selfpid() &&
	    !ufd_mm_alive(pages->source_mm))
		return iopt_pages_rw_slow(pages, start_byte, data, length,
					  flags);
	return rw_copy(pages->source_mm->pid, pages->uptr + start_byte, data,
		       length, flags);
}
