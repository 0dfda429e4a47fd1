// SPDX-License-Identifier: MIT
/*
 * Pin counts in chunks of 512 pages, found through a hash of (space, chunk
 * number). Lookups take the table lock for reading; a chunk is created under
 * the write lock and never freed while the process lives, so counts can be
 * updated with atomics outside the lock.
 */
#include <pthread.h>

#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "../lib/util.h"
#include "pin_table.h"

#define CHUNK_SHIFT 9
#define CHUNK_PAGES (1ul << CHUNK_SHIFT)

struct pin_chunk {
	uint64_t key;
	uint32_t count[CHUNK_PAGES];
};

static struct {
	struct rw_semaphore lock;
	struct pin_chunk **slots; /* open addressing, power of two */
	unsigned long nslots;
	unsigned long used;
} pins = {.lock = RWSEM_INITIALIZER(pins.lock)};

static uint64_t chunk_key(unsigned int space, unsigned long pfn)
{
	/* Keys are never 0 so an empty slot cannot match */
	return ((uint64_t)space << 48 | (pfn >> CHUNK_SHIFT)) + 1;
}

static unsigned long key_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (unsigned long)key;
}

/* Needs pins.lock */
static struct pin_chunk *chunk_find_locked(uint64_t key)
{
	unsigned long mask = pins.nslots - 1;

	lockdep_assert_held(&pins.lock);
	if (!pins.nslots)
		return NULL;
	for (unsigned long i = key_hash(key) & mask;; i = (i + 1) & mask) {
		struct pin_chunk *c = pins.slots[i];

		if (!c)
			return NULL;
		if (c->key == key)
			return c;
	}
}

/* Needs pins.lock for writing */
static void chunk_insert_locked(struct pin_chunk *c)
{
	unsigned long mask = pins.nslots - 1;
	unsigned long i = key_hash(c->key) & mask;

	lockdep_assert_held_write(&pins.lock);
	while (pins.slots[i])
		i = (i + 1) & mask;
	pins.slots[i] = c;
	pins.used++;
}

/* Needs pins.lock for writing */
static int table_grow_locked(void)
{
	unsigned long old_n = pins.nslots;
	struct pin_chunk **old = pins.slots;
	unsigned long n = old_n ? old_n * 2 : 256;

	lockdep_assert_held_write(&pins.lock);
	pins.slots = ufd_zalloc(n * sizeof(*pins.slots));
	if (!pins.slots) {
		pins.slots = old;
		return -ENOMEM;
	}
	pins.nslots = n;
	pins.used = 0;
	for (unsigned long i = 0; i != old_n; i++)
		if (old[i])
			chunk_insert_locked(old[i]);
	ufd_free(old);
	return 0;
}

static struct pin_chunk *chunk_get(uint64_t key, bool create)
{
	struct pin_chunk *c;

	down_read(&pins.lock);
	c = chunk_find_locked(key);
	up_read(&pins.lock);
	if (c || !create)
		return c;

	down_write(&pins.lock);
	c = chunk_find_locked(key);
	if (c)
		goto out;
	if ((pins.used + 1) * 2 > pins.nslots && table_grow_locked())
		goto out;
	c = ufd_zalloc(sizeof(*c));
	if (!c)
		goto out;
	c->key = key;
	chunk_insert_locked(c);
out:
	up_write(&pins.lock);
	return c;
}

static void counts_add(unsigned int space, unsigned long first,
		       unsigned long npages, int delta)
{
	while (npages) {
		unsigned long off = first & (CHUNK_PAGES - 1);
		unsigned long n = min(npages, CHUNK_PAGES - off);
		struct pin_chunk *c = chunk_get(chunk_key(space, first), false);

		/* Chunks were all created by pin_table_get() */
		if (!WARN_ON(!c))
			for (unsigned long i = off; i != off + n; i++)
				__atomic_add_fetch(&c->count[i],
						   (uint32_t)delta,
						   __ATOMIC_RELAXED);
		first += n;
		npages -= n;
	}
}

int pin_table_get(unsigned int space, unsigned long first, unsigned long npages)
{
	unsigned long pfn = first;
	unsigned long end = first + npages;

	/* Create every chunk first so that the update cannot fail half way */
	while (pfn < end) {
		if (!chunk_get(chunk_key(space, pfn), true))
			return -ENOMEM;
		pfn = ALIGN_DOWN(pfn, CHUNK_PAGES) + CHUNK_PAGES;
	}
	counts_add(space, first, npages, 1);
	return 0;
}

void pin_table_put(unsigned int space, unsigned long first,
		   unsigned long npages)
{
	counts_add(space, first, npages, -1);
}

unsigned int pin_table_count(unsigned int space, unsigned long pfn)
{
	struct pin_chunk *c = chunk_get(chunk_key(space, pfn), false);

	if (!c)
		return 0;
	return __atomic_load_n(&c->count[pfn & (CHUNK_PAGES - 1)],
			       __ATOMIC_RELAXED);
}

/* File spaces: a small registry of file identities, never shrunk */
static struct {
	struct mutex lock;
	struct {
		dev_t dev;
		ino_t ino;
	} * files;
	unsigned int n, alloc;
} spaces = {.lock = MUTEX_INITIALIZER(spaces.lock)};

/* Needs spaces.lock */
static int space_find_locked(dev_t dev, ino_t ino)
{
	lockdep_assert_held(&spaces.lock);
	for (unsigned int i = 0; i != spaces.n; i++)
		if (spaces.files[i].dev == dev && spaces.files[i].ino == ino)
			return (int)i + 1;
	return -ENOENT;
}

int pin_space_lookup(dev_t dev, ino_t ino)
{
	int rc;

	mutex_lock(&spaces.lock);
	rc = space_find_locked(dev, ino);
	mutex_unlock(&spaces.lock);
	return rc;
}

int pin_space_of_file(dev_t dev, ino_t ino)
{
	int rc;

	mutex_lock(&spaces.lock);
	rc = space_find_locked(dev, ino);
	if (rc > 0)
		goto out;
	if (spaces.n == spaces.alloc) {
		unsigned int n = spaces.alloc ? spaces.alloc * 2 : 16;
		void *p = ufd_realloc_array(spaces.files, n,
					    sizeof(*spaces.files));

		if (!p) {
			rc = -ENOMEM;
			goto out;
		}
		spaces.files = p;
		spaces.alloc = n;
	}
	spaces.files[spaces.n].dev = dev;
	spaces.files[spaces.n].ino = ino;
	rc = (int)++spaces.n;
out:
	mutex_unlock(&spaces.lock);
	return rc;
}
