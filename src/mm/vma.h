/* SPDX-License-Identifier: MIT */
/*
 * What backs an address of the process, from /proc/self/maps: the engine's
 * way to tell whether two addresses are the same page (a user mapping of a
 * memfd and the engine's own mapping of it), as the kernel compares struct
 * pages. Slow (it reads the maps file); used by checks, never by DMA.
 */
#ifndef UIOMMUFD_IOPT_VMA_H
#define UIOMMUFD_IOPT_VMA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct ufd_vma {
	uintptr_t start, end; /* [start, end) */
	unsigned long long offset;
	dev_t dev;
	ino_t ino;
	bool readable, writable, shared;
};

/* 0, or -EFAULT when nothing is mapped at addr */
int ufd_vma_lookup(uintptr_t addr, struct ufd_vma *vma);
/* The same in another process (none mapped when it has exited) */
int ufd_vma_lookup_pid(pid_t pid, uintptr_t addr, struct ufd_vma *vma);

/*
 * The last mapping a lookup found: a walk over consecutive pages reads the
 * maps file once per mapping, not once per page. Start zeroed; the answer
 * is as old as the walk (mappings changed meanwhile are not seen).
 */
struct ufd_vma_cache {
	struct ufd_vma vma;
	bool valid;
};

int ufd_vma_lookup_cached(struct ufd_vma_cache *cache, uintptr_t addr,
			  struct ufd_vma *vma);
/* Do the two addresses reach the same page of memory? */
bool ufd_same_page(struct ufd_vma_cache *ca, uintptr_t a,
		   struct ufd_vma_cache *cb, uintptr_t b);
/*
 * The pin count of the page at addr: pins by address plus pins of the file
 * page behind a shared file mapping. -EFAULT when nothing is mapped there.
 */
long ufd_page_pin_count(struct ufd_vma_cache *cache, uintptr_t addr);

/*
 * VM_PFNMAP mappings: what a driver's mmap maps is device memory with no
 * struct page behind it (a BAR), which pin_user_pages() refuses. The
 * engine's mmaps of such files are recorded here with the file behind
 * them; a record whose range no longer maps that file (munmap, MAP_FIXED
 * over it) is forgotten when a check meets it.
 */
int ufd_vma_add_pfnmap(uintptr_t start, size_t length);
/* Does any page of [addr, addr + length) lie in a VM_PFNMAP mapping? */
bool ufd_vma_range_pfnmap(uintptr_t addr, size_t length);

#endif
