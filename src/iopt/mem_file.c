// SPDX-License-Identifier: MIT
/*
 * Memory of a file (IOMMU_IOAS_MAP_FILE): a memfd, shmem or hugetlbfs file,
 * or any regular file that can be mapped shared.
 *
 * The engine maps the file range itself, on the first pin, so the bytes stay
 * reachable at a stable address whatever the caller later does with its own
 * mappings, as the kernel's memfd_pin_folios() keeps the folios. Like the
 * kernel, a page at or past the end of the file cannot be pinned (EINVAL).
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pages.h"
#include "../mm/pin_table.h"

/* The file's page granule: the huge page size on hugetlbfs */
static unsigned long file_granule(int fd)
{
	struct statfs sfs;

	if (!fstatfs(fd, &sfs) && sfs.f_type == HUGETLBFS_MAGIC &&
	    sfs.f_bsize > 0)
		return (unsigned long)sfs.f_bsize;
	return PAGE_SIZE;
}

/* A writable shared map needs a writable file; reopen a read-only one */
static int file_writable_fd(struct iopt_pages *pages)
{
	char path[64];
	int flags = fcntl(pages->fd, F_GETFL);
	int fd;

	if (flags >= 0 && (flags & O_ACCMODE) == O_RDWR)
		return pages->fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", pages->fd);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -EACCES : fd;
}

static int file_map(struct iopt_pages *pages)
{
	unsigned long granule = file_granule(pages->fd);
	unsigned long off = ALIGN_DOWN(pages->start, granule);
	unsigned long end = pages->start + pages->npages * PAGE_SIZE;
	struct stat st;
	void *addr;
	int fd = pages->fd;
	int rc;

	if (fstat(pages->fd, &st))
		return -EBADF;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	rc = pin_space_of_file(st.st_dev, st.st_ino);
	if (rc < 0)
		return rc;
	pages->pin_space = rc;

	if (pages->writable) {
		fd = file_writable_fd(pages);
		if (fd < 0)
			return fd;
	}
	pages->map_len = ALIGN_UP(end, granule) - off;
	addr = mmap(NULL, pages->map_len,
		    PROT_READ | (pages->writable ? PROT_WRITE : 0), MAP_SHARED,
		    fd, (off_t)off);
	if (fd != pages->fd)
		close(fd);
	if (addr == MAP_FAILED)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	pages->map_base = (uintptr_t)addr;
	pages->map_skip = pages->start - off;
	pages->host_base = pages->map_base + pages->map_skip;
	return 0;
}

static int mem_file_pin(struct iopt_pages *pages, unsigned long index,
			unsigned long npages)
{
	unsigned long last_byte =
		pages->start + (index + npages) * PAGE_SIZE - 1;
	struct stat st;
	int rc;

	if (!pages->map_base) {
		rc = file_map(pages);
		if (rc)
			return rc;
	}
	/* A page at or beyond the end of the file has nothing to pin */
	if (fstat(pages->fd, &st) || last_byte >= (unsigned long)st.st_size)
		return -EINVAL;
	return iopt_mem_populate(iopt_pages_host(pages, index), npages,
				 pages->writable);
}

static void mem_file_unpin(struct iopt_pages *pages, unsigned long index,
			   unsigned long npages)
{
	iopt_mem_unlock_unpinned(pages, iopt_pages_host(pages, index), index,
				 npages);
}

static void mem_file_pin_key(struct iopt_pages *pages, unsigned long index,
			     unsigned int *space, unsigned long *pfn)
{
	*space = (unsigned int)pages->pin_space;
	*pfn = (pages->start >> PAGE_SHIFT) + index;
}

static void mem_file_release(struct iopt_pages *pages)
{
	if (pages->map_base)
		munmap((void *)pages->map_base, pages->map_len);
	if (pages->fd >= 0)
		close(pages->fd);
}

const struct iopt_mem_ops iopt_mem_file_ops = {
	.pin = mem_file_pin,
	.unpin = mem_file_unpin,
	.pin_key = mem_file_pin_key,
	.release = mem_file_release,
};
