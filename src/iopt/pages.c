// SPDX-License-Identifier: MIT
/*
 * Pages objects: creation, release, and the single-pin bookkeeping.
 *
 * Pins follow coverage: a page is pinned when the first interval of either
 * itree covers it and unpinned when the last one leaves. Walking the holes
 * of the union of both trees over a range tells exactly which pages a new
 * interval adds, or an old one leaves behind, without a per-page count.
 */
#include <linux/capability.h>
#include <fcntl.h>
#include <unistd.h>

#include "pages.h"
#include "../mm/pin_table.h"

static struct iopt_pages *iopt_alloc_pages(unsigned long start_byte,
					   unsigned long length, bool writable)
{
	struct iopt_pages *pages;
	struct ufd_mm *mm;

	/* The page count below must not overflow */
	if (length > SIZE_MAX - PAGE_SIZE || length == 0)
		return ERR_PTR(-EINVAL);

	mm = ufd_mm_current();
	if (!mm)
		return ERR_PTR(-ENOMEM);
	pages = ufd_new(struct iopt_pages);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	refcount_set(&pages->kref, 1);
	mutex_init(&pages->mutex);
	pages->source_mm = mm;
	pages->source_user = ufd_getuid();
	pages->npages = (length + start_byte + PAGE_SIZE - 1) / PAGE_SIZE;
	pages->writable = writable;
	/* As the kernel: CAP_IPC_LOCK at map time means no accounting */
	if (ufd_capable(CAP_IPC_LOCK))
		pages->account_mode = IOPT_PAGES_ACCOUNT_NONE;
	else
		pages->account_mode = IOPT_PAGES_ACCOUNT_USER;
	pages->fd = -1;
	return pages;
}

struct iopt_pages *iopt_alloc_dmabuf_pages_common(unsigned long start_byte,
						  unsigned long length,
						  bool writable)
{
	struct iopt_pages *pages =
		iopt_alloc_pages(start_byte, length, writable);

	if (!IS_ERR(pages))
		pages->mem = &iopt_mem_dmabuf_ops;
	return pages;
}

struct iopt_pages *iopt_alloc_user_pages(void *uptr, unsigned long length,
					 bool writable)
{
	uintptr_t uptr_down = ALIGN_DOWN((uintptr_t)uptr, PAGE_SIZE);
	struct iopt_pages *pages;
	unsigned long end;

	if (check_add_overflow((unsigned long)uptr, length, &end))
		return ERR_PTR(-EOVERFLOW);

	pages = iopt_alloc_pages((uintptr_t)uptr - uptr_down, length, writable);
	if (IS_ERR(pages))
		return pages;
	pages->type = IOPT_ADDRESS_USER;
	pages->mem = &iopt_mem_user_ops;
	pages->uptr = uptr_down;
	pages->host_base = uptr_down;
	return pages;
}

struct iopt_pages *iopt_alloc_file_pages(int fd, unsigned long start_byte,
					 unsigned long start,
					 unsigned long length, bool writable)
{
	struct iopt_pages *pages;
	int dupfd;

	/*
	 * Hold the file as the kernel's get_file() does: by a descriptor of
	 * our own for the caller's file
	 */
	dupfd = ufd_caller_fd_dup(fd);
	if (dupfd < 0)
		return ERR_PTR(dupfd == -EBADF ? -EBADF : -ENOMEM);

	pages = iopt_alloc_pages(start_byte, length, writable);
	if (IS_ERR(pages)) {
		close(dupfd);
		return pages;
	}
	pages->type = IOPT_ADDRESS_FILE;
	pages->mem = &iopt_mem_file_ops;
	pages->fd = dupfd;
	pages->start = start - start_byte;
	pages->pin_space = -1;
	return pages;
}

void iopt_release_pages(struct iopt_pages *pages)
{
	WARN_ON(!itree_empty(&pages->access_itree));
	WARN_ON(!itree_empty(&pages->domains_itree));
	WARN_ON(pages->npinned);
	if (pages->mem->release)
		pages->mem->release(pages);
	mutex_destroy(&pages->mutex);
	ufd_free(pages);
}

/*
 * Charge or uncharge npages to the pages' owner: the kernel's
 * iopt_pages_update_pinned(). Every mode counts pinned_vm (VmPin).
 */
int iopt_pages_update_pinned(struct iopt_pages *pages, unsigned long npages,
			     bool inc)
{
	struct ufd_mm *mm = pages->source_mm;
	int rc = 0;

	switch (pages->account_mode) {
	case IOPT_PAGES_ACCOUNT_NONE:
		break;
	case IOPT_PAGES_ACCOUNT_USER:
		if (inc)
			rc = ufd_acct_user_charge(mm, npages);
		else
			ufd_acct_user_uncharge(mm, npages);
		break;
	case IOPT_PAGES_ACCOUNT_MM:
		if (inc)
			rc = ufd_acct_mm_charge(mm, npages);
		else
			ufd_acct_mm_uncharge(mm, npages);
		break;
	}
	if (rc)
		return rc;

	pages->last_npinned = pages->npinned;
	ufd_acct_pinned_add(mm, inc ? (long)npages : -(long)npages);
	return 0;
}

/* Bring the accounting in line with npinned, as pfn_reader does */
static int pages_account(struct iopt_pages *pages)
{
	if (pages->npinned == pages->last_npinned)
		return 0;
	if (pages->npinned < pages->last_npinned)
		return iopt_pages_update_pinned(
			pages, pages->last_npinned - pages->npinned, false);
	if (ufd_should_fail())
		return -ENOMEM;
	return iopt_pages_update_pinned(
		pages, pages->npinned - pages->last_npinned, true);
}

static void pages_unpin_range(struct iopt_pages *pages, unsigned long start,
			      unsigned long last)
{
	unsigned long npages = last - start + 1;
	unsigned long pfn;
	unsigned int space;

	/* The exporter keeps a dma-buf resident: no pins to count */
	if (pages->type == IOPT_ADDRESS_DMABUF)
		return;

	pages->mem->pin_key(pages, start, &space, &pfn);
	pin_table_put(space, pfn, npages);
	pages->mem->unpin(pages, start, npages);
	WARN_ON(pages->npinned < npages);
	pages->npinned -= npages;
}

static int pages_pin_range(struct iopt_pages *pages, unsigned long start,
			   unsigned long last)
{
	unsigned long npages = last - start + 1;
	unsigned long pfn;
	unsigned int space;
	int rc;

	if (pages->type == IOPT_ADDRESS_DMABUF)
		return 0;
	if (ufd_should_fail())
		return -EFAULT;
	rc = pages->mem->pin(pages, start, npages);
	if (rc)
		return rc;
	pages->mem->pin_key(pages, start, &space, &pfn);
	rc = pin_table_get(space, pfn, npages);
	if (rc) {
		pages->mem->unpin(pages, start, npages);
		return rc;
	}
	pages->npinned += npages;
	return 0;
}

/* Unpin the holes of the union within [start, last] that lie below end */
static void pages_unpin_holes(struct iopt_pages *pages, unsigned long start,
			      unsigned long last, unsigned long end)
{
	struct itree_double_span_iter span;

	itree_for_each_double_span (&span, &pages->access_itree,
				    &pages->domains_itree, start, last) {
		if (span.is_used)
			continue;
		if (span.start_hole >= end)
			break;
		pages_unpin_range(pages, span.start_hole,
				  min(span.last_hole, end - 1));
	}
}

int iopt_pages_pin_span(struct iopt_pages *pages, unsigned long start,
			unsigned long last)
{
	struct itree_double_span_iter span;
	unsigned long done = start;
	int rc;

	lockdep_assert_held(&pages->mutex);
	itree_for_each_double_span (&span, &pages->access_itree,
				    &pages->domains_itree, start, last) {
		if (span.is_used)
			continue;
		rc = pages_pin_range(pages, span.start_hole, span.last_hole);
		if (rc)
			goto err_unpin;
		done = span.last_hole + 1;
	}
	rc = pages_account(pages);
	if (rc) {
		done = last + 1;
		goto err_unpin;
	}
	return 0;

err_unpin:
	pages_unpin_holes(pages, start, last, done);
	return rc;
}

void iopt_pages_unpin_span(struct iopt_pages *pages, unsigned long start,
			   unsigned long last)
{
	lockdep_assert_held(&pages->mutex);
	/* Page indexes are below npages, so last + 1 cannot overflow */
	pages_unpin_holes(pages, start, last, last + 1);
	WARN_ON(pages_account(pages));
}
