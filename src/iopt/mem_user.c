// SPDX-License-Identifier: MIT
/*
 * Memory of the calling process, named by its virtual address.
 *
 * A pin faults the pages in, for writing when the mapping is writable
 * (which also breaks copy-on-write, as FOLL_WRITE does), through
 * MADV_POPULATE_READ/WRITE: the kernel reports an unmapped or protected page
 * as an error instead of a signal, so a bad range fails with EFAULT as the
 * kernel's pin_user_pages() would. The pages then stay at their address.
 *
 * Residency beyond that is a policy, not a per-call cost: with
 * UIOMMUFD_MLOCK=1 pinned pages are also mlock()ed, so they are never
 * swapped out while a device may DMA to them.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pages.h"
#include "../mm/account.h"
#include "../mm/pin_table.h"
#include "../mm/vma.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#endif

static int populate_supported = -1;
static int mlock_policy = -1;

static bool mem_mlock_policy(void)
{
	int v = READ_ONCE(mlock_policy);

	if (v < 0) {
		const char *e = getenv("UIOMMUFD_MLOCK");

		v = e && *e == '1';
		WRITE_ONCE(mlock_policy, v);
	}
	return v;
}

/* MADV_POPULATE_* exist since Linux 5.14; probe once on a page of our own */
static bool mem_populate_supported(void)
{
	int v = READ_ONCE(populate_supported);

	if (v < 0) {
		void *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		v = p != MAP_FAILED &&
		    !madvise(p, PAGE_SIZE, MADV_POPULATE_WRITE);
		if (p != MAP_FAILED)
			munmap(p, PAGE_SIZE);
		WRITE_ONCE(populate_supported, v);
	}
	return v;
}

/* Old kernels: at least check that every page is there and readable */
static int mem_probe_pages(uintptr_t addr, unsigned long npages)
{
	char byte;

	for (unsigned long i = 0; i != npages; i++) {
		struct iovec l = {.iov_base = &byte, .iov_len = 1};
		struct iovec r = {
			.iov_base = (void *)(addr + i * PAGE_SIZE),
			.iov_len = 1,
		};

		if (process_vm_readv(ufd_getpid(), &l, 1, &r, 1, 0) != 1)
			return -EFAULT;
	}
	return 0;
}

int iopt_mem_populate(uintptr_t addr, unsigned long npages, bool write)
{
	size_t len = npages * PAGE_SIZE;
	int rc = 0;

	if (!mem_populate_supported())
		rc = mem_probe_pages(addr, npages);
	else if (madvise((void *)addr, len,
			 write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ))
		rc = -EFAULT;
	if (!rc && mem_mlock_policy() && mlock((void *)addr, len))
		rc = -ENOMEM;
	return rc;
}

/* munlock the pages of [index, index + npages) no pages object pins now */
void iopt_mem_unlock_unpinned(struct iopt_pages *pages, uintptr_t addr,
			      unsigned long index, unsigned long npages)
{
	unsigned long run = 0;

	if (!mem_mlock_policy())
		return;
	for (unsigned long i = 0; i <= npages; i++) {
		unsigned int space;
		unsigned long pfn;
		bool unpinned = false;

		if (i != npages) {
			pages->mem->pin_key(pages, index + i, &space, &pfn);
			unpinned = !pin_table_count(space, pfn);
		}
		if (unpinned) {
			run++;
			continue;
		}
		if (run)
			munlock((void *)(addr + (i - run) * PAGE_SIZE),
				run * PAGE_SIZE);
		run = 0;
	}
}

/*
 * Pages of another process (a client of a shared context) are pinned
 * through our own mapping of the same pages: both must be shared mappings
 * of one object at the same offsets (docs/multiprocess.md). A process that
 * is gone has no pages to pin, as the kernel's mmget_not_zero() says.
 */
static int mem_user_check_remote(struct iopt_pages *pages, uintptr_t addr,
				 unsigned long npages)
{
	uintptr_t end = addr + npages * PAGE_SIZE;
	pid_t pid = pages->source_mm->pid;
	struct ufd_vma theirs, ours;

	if (!ufd_mm_alive(pages->source_mm))
		return -EFAULT;
	while (addr < end) {
		if (ufd_vma_lookup_pid(pid, addr, &theirs) ||
		    ufd_vma_lookup(addr, &ours))
			return -EFAULT;
		if (!theirs.shared || !theirs.ino || !theirs.readable ||
		    (pages->writable && !theirs.writable) || !ours.shared ||
		    ours.dev != theirs.dev || ours.ino != theirs.ino ||
		    ours.offset - ours.start != theirs.offset - theirs.start)
			return -EFAULT;
		addr = min(end, min(theirs.end, ours.end));
	}
	return 0;
}

/* Pinned already (by a domain or an access): no source needed any more */
static bool mem_user_all_pinned(struct iopt_pages *pages, unsigned long index,
				unsigned long npages)
{
	unsigned long pfn = (pages->uptr >> PAGE_SHIFT) + index;

	for (unsigned long i = 0; i != npages; i++)
		if (!pin_table_count(PIN_SPACE_VA, pfn + i))
			return false;
	return true;
}

static int mem_user_pin(struct iopt_pages *pages, unsigned long index,
			unsigned long npages)
{
	uintptr_t addr = iopt_pages_host(pages, index);

	/* check_vma_flags(): no pin of VM_IO or VM_PFNMAP memory */
	if (!pages->pfnmap_ok && ufd_vma_range_pfnmap(addr, npages * PAGE_SIZE))
		return -EFAULT;
	if (pages->source_mm->pid != ufd_selfpid() &&
	    !mem_user_all_pinned(pages, index, npages)) {
		int rc = mem_user_check_remote(pages, addr, npages);

		if (rc)
			return rc;
	}
	return iopt_mem_populate(addr, npages, pages->writable);
}

static void mem_user_unpin(struct iopt_pages *pages, unsigned long index,
			   unsigned long npages)
{
	iopt_mem_unlock_unpinned(pages, iopt_pages_host(pages, index), index,
				 npages);
}

static void mem_user_pin_key(struct iopt_pages *pages, unsigned long index,
			     unsigned int *space, unsigned long *pfn)
{
	*space = PIN_SPACE_VA;
	*pfn = (pages->uptr >> PAGE_SHIFT) + index;
}

const struct iopt_mem_ops iopt_mem_user_ops = {
	.pin = mem_user_pin,
	.unpin = mem_user_unpin,
	.pin_key = mem_user_pin_key,
};
