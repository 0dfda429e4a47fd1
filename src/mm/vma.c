// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <sys/sysmacros.h>

#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "../lib/util.h"
#include "pin_table.h"
#include "vma.h"

static int vma_lookup_path(const char *path, uintptr_t addr,
			   struct ufd_vma *vma)
{
	char line[512];
	FILE *f;
	int rc = -EFAULT;

	f = fopen(path, "re");
	if (!f)
		return -EFAULT;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, ino;
		unsigned long long off;
		unsigned int maj, min;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s %llx %x:%x %lu", &start, &end,
			   perms, &off, &maj, &min, &ino) != 7)
			continue;
		if (addr < start || addr >= end)
			continue;
		vma->start = start;
		vma->end = end;
		vma->offset = off;
		vma->dev = makedev(maj, min);
		vma->ino = (ino_t)ino;
		vma->readable = perms[0] == 'r';
		vma->writable = perms[1] == 'w';
		vma->shared = perms[3] == 's';
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

int ufd_vma_lookup(uintptr_t addr, struct ufd_vma *vma)
{
	return vma_lookup_path("/proc/self/maps", addr, vma);
}

int ufd_vma_lookup_pid(pid_t pid, uintptr_t addr, struct ufd_vma *vma)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	return vma_lookup_path(path, addr, vma);
}

int ufd_vma_lookup_cached(struct ufd_vma_cache *cache, uintptr_t addr,
			  struct ufd_vma *vma)
{
	int rc;

	if (!cache->valid || addr < cache->vma.start ||
	    addr >= cache->vma.end) {
		rc = ufd_vma_lookup(addr, &cache->vma);
		cache->valid = !rc;
		if (rc)
			return rc;
	}
	*vma = cache->vma;
	return 0;
}

/* The file page behind addr, when a shared file mapping backs it */
static bool file_page_of(struct ufd_vma_cache *cache, uintptr_t addr,
			 dev_t *dev, ino_t *ino, unsigned long *pgoff)
{
	struct ufd_vma vma;

	if (ufd_vma_lookup_cached(cache, addr, &vma) || !vma.shared || !vma.ino)
		return false;
	*dev = vma.dev;
	*ino = vma.ino;
	*pgoff = (unsigned long)((vma.offset + (addr - vma.start)) >>
				 PAGE_SHIFT);
	return true;
}

bool ufd_same_page(struct ufd_vma_cache *ca, uintptr_t a,
		   struct ufd_vma_cache *cb, uintptr_t b)
{
	unsigned long pa, pb;
	dev_t da, db;
	ino_t ia, ib;

	a = ALIGN_DOWN(a, PAGE_SIZE);
	b = ALIGN_DOWN(b, PAGE_SIZE);
	if (a == b)
		return true;
	return file_page_of(ca, a, &da, &ia, &pa) &&
	       file_page_of(cb, b, &db, &ib, &pb) && da == db && ia == ib &&
	       pa == pb;
}

long ufd_page_pin_count(struct ufd_vma_cache *cache, uintptr_t addr)
{
	struct ufd_vma vma;
	long count;
	int space;

	if (ufd_vma_lookup_cached(cache, addr, &vma) || !vma.readable)
		return -EFAULT;
	count = pin_table_count(PIN_SPACE_VA, addr >> PAGE_SHIFT);
	if (vma.shared && vma.ino) {
		space = pin_space_lookup(vma.dev, vma.ino);
		if (space > 0)
			count += pin_table_count(
				(unsigned int)space,
				(unsigned long)((vma.offset +
						 (addr - vma.start)) >>
						PAGE_SHIFT));
	}
	return count;
}

/* The recorded VM_PFNMAP mappings: few (one per BAR mmap), so a list */
struct pfnmap_rec {
	struct list_head node;
	uintptr_t start, end;
	dev_t dev;
	ino_t ino;
	unsigned long long offset; /* file offset at start */
};

static struct mutex pfnmap_lock = MUTEX_INITIALIZER(pfnmap_lock);
static LIST_HEAD(pfnmap_list);
static unsigned int pfnmap_count; /* read without the lock: a hint */

int ufd_vma_add_pfnmap(uintptr_t start, size_t length)
{
	struct pfnmap_rec *rec;
	struct ufd_vma vma;

	if (ufd_vma_lookup(start, &vma) || !vma.ino)
		return -EFAULT;
	rec = ufd_zalloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	rec->start = start;
	rec->end = start + length;
	rec->dev = vma.dev;
	rec->ino = vma.ino;
	rec->offset = vma.offset + (start - vma.start);
	mutex_lock(&pfnmap_lock);
	list_add(&rec->node, &pfnmap_list);
	WRITE_ONCE(pfnmap_count, pfnmap_count + 1);
	mutex_unlock(&pfnmap_lock);
	return 0;
}

/*
 * Does any page of [from, to) still map the page of the recorded file that
 * the record put there? One read of the maps file.
 */
static bool pfnmap_rec_maps(struct pfnmap_rec *rec, uintptr_t from,
			    uintptr_t to)
{
	bool found = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long start, end, ino;
		unsigned long long off;
		unsigned int maj, min;
		uintptr_t first;

		if (sscanf(line, "%lx-%lx %*s %llx %x:%x %lu", &start, &end,
			   &off, &maj, &min, &ino) != 6)
			continue;
		if (end <= from || start >= to)
			continue;
		first = max((uintptr_t)start, from);
		found = makedev(maj, min) == rec->dev && ino == rec->ino &&
			off + (first - start) ==
				rec->offset + (first - rec->start);
	}
	fclose(f);
	return found;
}

bool ufd_vma_range_pfnmap(uintptr_t addr, size_t length)
{
	struct pfnmap_rec *rec, *next;
	bool found = false;

	if (!length || !READ_ONCE(pfnmap_count))
		return false;
	mutex_lock(&pfnmap_lock);
	list_for_each_entry_safe (rec, next, &pfnmap_list, node) {
		if (rec->start >= addr + length || rec->end <= addr)
			continue;
		if (pfnmap_rec_maps(rec, max(addr, rec->start),
				    min(addr + length, rec->end))) {
			found = true;
			break;
		}
		if (pfnmap_rec_maps(rec, rec->start, rec->end))
			continue;
		/* Unmapped or mapped over since: the record is stale */
		list_del(&rec->node);
		WRITE_ONCE(pfnmap_count, pfnmap_count - 1);
		ufd_free(rec);
	}
	mutex_unlock(&pfnmap_lock);
	return found;
}
