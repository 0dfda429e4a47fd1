/* SPDX-License-Identifier: MIT */
/*
 * The lock checker: the kernel's lockdep, for the engine's mutexes and
 * rw_semaphores (lock.h), built with UFD_LOCKDEP (meson -Dlockdep=true;
 * the default of debug builds, so of the sanitizer builds of make check).
 *
 * Every lock belongs to a class: all the locks initialised at one
 * mutex_init()/init_rwsem() call site (the class is named after its
 * argument, "&ioas->mutex"), or a statically initialised lock on its own.
 * Each thread keeps the stack of locks it holds. Taking a lock of class B
 * while holding one of class A records the dependency A -> B; a new
 * dependency that closes a cycle (B was held, at some point, while a lock
 * that leads to A was taken) is a lock order inversion that can deadlock,
 * and the checker aborts, printing both: the current thread's held classes
 * and those held when the opposite dependency was first seen. Taking a lock
 * of a class already held aborts too (recursive locking), unless the caller
 * said which outer lock orders the nesting (down_write_nest_lock()).
 *
 * lockdep_assert_held*() check that the calling thread holds a lock (for
 * writing, for reading); functions whose callers must hold a lock say so
 * with one. Without UFD_LOCKDEP all of this compiles to nothing.
 */
#ifndef UIOMMUFD_LIB_LOCKDEP_H
#define UIOMMUFD_LIB_LOCKDEP_H

#include <stdbool.h>

/* How a lock is held */
enum {
	LOCKDEP_HELD_ANY = 0,
	LOCKDEP_HELD_WRITE = 1, /* a mutex, or a rw_semaphore for writing */
	LOCKDEP_HELD_READ = 2,
};

#ifdef UFD_LOCKDEP

/* A class is named by the address of a key; the key's content is unused */
struct lock_class_key {
	char unused;
};

struct lock_class;

/* What each lock carries for the checker */
struct lockdep_map {
	const struct lock_class_key *key; /* NULL: the lock is its own class */
	const char *name;
	struct lock_class *class; /* looked up on first use */
};

#define LOCKDEP_MAP_INIT(lockname) \
	{                          \
		.name = lockname   \
	}
#define LOCKDEP_MAP_INIT_KEY(lockname, k)    \
	{                                    \
		.key = (k), .name = lockname \
	}

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key);
/*
 * Before blocking on @lock in @mode: check the order against what the
 * thread holds, then record the lock as held. @nest, if given, is a lock
 * the thread holds that orders the nesting of locks of one class.
 */
void lockdep_acquire(struct lockdep_map *map, const void *lock, int mode,
		     const void *nest);
/* After a trylock on @lock succeeded: held, but no order checked */
void lockdep_acquired_trylock(struct lockdep_map *map, const void *lock,
			      int mode);
void lockdep_release(const void *lock);
bool lockdep_is_held(const void *lock, int mode);
/* A lock about to be destroyed must not be held */
void lockdep_destroy(const void *lock);
void lockdep_assert_failed(const char *what, const char *lock, const char *file,
			   int line);

#define __lockdep_assert(l, mode, what)                                      \
	do {                                                                 \
		if (!lockdep_is_held((l), (mode)))                           \
			lockdep_assert_failed(what, #l, __FILE__, __LINE__); \
	} while (0)

#define lockdep_assert_held(l) \
	__lockdep_assert(l, LOCKDEP_HELD_ANY, "lockdep_assert_held")
#define lockdep_assert_held_write(l) \
	__lockdep_assert(l, LOCKDEP_HELD_WRITE, "lockdep_assert_held_write")
#define lockdep_assert_held_read(l) \
	__lockdep_assert(l, LOCKDEP_HELD_READ, "lockdep_assert_held_read")

#else /* !UFD_LOCKDEP */

struct lock_class_key {
	char unused;
};

#define lockdep_assert_held(l)	     ((void)(l))
#define lockdep_assert_held_write(l) ((void)(l))
#define lockdep_assert_held_read(l)  ((void)(l))

#endif /* UFD_LOCKDEP */

#endif /* UIOMMUFD_LIB_LOCKDEP_H */
