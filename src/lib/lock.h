/* SPDX-License-Identifier: MIT */
/*
 * Locks with the kernel's names, over pthreads, so that the locking rules of
 * the engine read like the kernel iommufd's: a mutex, and a reader/writer
 * semaphore that prefers writers (a map storm must not starve an unmap).
 * With UFD_LOCKDEP every lock is known to the lock checker (lockdep.h).
 */
#ifndef UIOMMUFD_LIB_LOCK_H
#define UIOMMUFD_LIB_LOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lockdep.h"

struct mutex {
	pthread_mutex_t m;
#ifdef UFD_LOCKDEP
	struct lockdep_map dep;
#endif
};

struct rw_semaphore {
	pthread_rwlock_t l;
#ifdef UFD_LOCKDEP
	struct lockdep_map dep;
#endif
};

#ifdef UFD_LOCKDEP
/* A statically initialised mutex: a lock class of its own */
#define MUTEX_INITIALIZER(name)                 \
	{                                       \
		.m = PTHREAD_MUTEX_INITIALIZER, \
		.dep = LOCKDEP_MAP_INIT(#name), \
	}
/* Statically initialised mutexes sharing the class of @key (an array) */
#define MUTEX_INITIALIZER_KEY(name, key)                \
	{                                               \
		.m = PTHREAD_MUTEX_INITIALIZER,         \
		.dep = LOCKDEP_MAP_INIT_KEY(name, key), \
	}
/* A statically initialised rw_semaphore (preferring writers) */
#define RWSEM_INITIALIZER(name)                                         \
	{                                                               \
		.l = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP, \
		.dep = LOCKDEP_MAP_INIT(#name),                         \
	}
#else
#define RWSEM_INITIALIZER(name)                                        \
	{                                                              \
		.l = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP \
	}
#define MUTEX_INITIALIZER(name)                \
	{                                      \
		.m = PTHREAD_MUTEX_INITIALIZER \
	}
#define MUTEX_INITIALIZER_KEY(name, key)       \
	{                                      \
		.m = PTHREAD_MUTEX_INITIALIZER \
	}
#endif

static inline void __mutex_init(struct mutex *m, const char *name,
				const struct lock_class_key *key)
{
	pthread_mutex_init(&m->m, NULL);
#ifdef UFD_LOCKDEP
	lockdep_init_map(&m->dep, name, key);
#else
	(void)name;
	(void)key;
#endif
}

/* Each call site is a lock class, named after the argument */
#ifdef UFD_LOCKDEP
#define mutex_init(mutex)                              \
	do {                                           \
		static struct lock_class_key __key;    \
		__mutex_init((mutex), #mutex, &__key); \
	} while (0)
#else
#define mutex_init(mutex) __mutex_init((mutex), NULL, NULL)
#endif

static inline void mutex_destroy(struct mutex *m)
{
#ifdef UFD_LOCKDEP
	lockdep_destroy(m);
#endif
	pthread_mutex_destroy(&m->m);
}

static inline void mutex_lock(struct mutex *m)
{
#ifdef UFD_LOCKDEP
	lockdep_acquire(&m->dep, m, LOCKDEP_HELD_WRITE, NULL);
#endif
	if (pthread_mutex_lock(&m->m))
		abort();
}

static inline void mutex_unlock(struct mutex *m)
{
#ifdef UFD_LOCKDEP
	lockdep_release(m);
#endif
	pthread_mutex_unlock(&m->m);
}

static inline void __init_rwsem(struct rw_semaphore *s, const char *name,
				const struct lock_class_key *key)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->l, &attr);
	pthread_rwlockattr_destroy(&attr);
#ifdef UFD_LOCKDEP
	lockdep_init_map(&s->dep, name, key);
#else
	(void)name;
	(void)key;
#endif
}

#ifdef UFD_LOCKDEP
#define init_rwsem(sem)                             \
	do {                                        \
		static struct lock_class_key __key; \
		__init_rwsem((sem), #sem, &__key);  \
	} while (0)
#else
#define init_rwsem(sem) __init_rwsem((sem), NULL, NULL)
#endif

static inline void destroy_rwsem(struct rw_semaphore *s)
{
#ifdef UFD_LOCKDEP
	lockdep_destroy(s);
#endif
	pthread_rwlock_destroy(&s->l);
}

static inline void down_read(struct rw_semaphore *s)
{
#ifdef UFD_LOCKDEP
	lockdep_acquire(&s->dep, s, LOCKDEP_HELD_READ, NULL);
#endif
	if (pthread_rwlock_rdlock(&s->l))
		abort();
}

static inline void up_read(struct rw_semaphore *s)
{
#ifdef UFD_LOCKDEP
	lockdep_release(s);
#endif
	pthread_rwlock_unlock(&s->l);
}

static inline void down_write(struct rw_semaphore *s)
{
#ifdef UFD_LOCKDEP
	lockdep_acquire(&s->dep, s, LOCKDEP_HELD_WRITE, NULL);
#endif
	if (pthread_rwlock_wrlock(&s->l))
		abort();
}

/*
 * down_write() of one of several locks of a class the caller takes in a
 * fixed order while holding @nest, which serialises all such nestings (the
 * kernel's down_write_nest_lock()).
 */
static inline void down_write_nest_lock(struct rw_semaphore *s,
					const void *nest)
{
#ifdef UFD_LOCKDEP
	lockdep_acquire(&s->dep, s, LOCKDEP_HELD_WRITE, nest);
#else
	(void)nest;
#endif
	if (pthread_rwlock_wrlock(&s->l))
		abort();
}

/* Take it for write only if nobody holds it: true when taken */
static inline bool down_write_trylock(struct rw_semaphore *s)
{
	if (pthread_rwlock_trywrlock(&s->l))
		return false;
#ifdef UFD_LOCKDEP
	lockdep_acquired_trylock(&s->dep, s, LOCKDEP_HELD_WRITE);
#endif
	return true;
}

static inline void up_write(struct rw_semaphore *s)
{
#ifdef UFD_LOCKDEP
	lockdep_release(s);
#endif
	pthread_rwlock_unlock(&s->l);
}

/* Reference counts, as the kernel's refcount_t */
typedef struct {
	unsigned int refs;
} refcount_t;

static inline void refcount_set(refcount_t *r, unsigned int v)
{
	__atomic_store_n(&r->refs, v, __ATOMIC_RELEASE);
}

static inline unsigned int refcount_read(const refcount_t *r)
{
	return __atomic_load_n(&r->refs, __ATOMIC_ACQUIRE);
}

static inline void refcount_inc(refcount_t *r)
{
	__atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
}

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	unsigned int old = __atomic_load_n(&r->refs, __ATOMIC_RELAXED);

	do {
		if (!old)
			return false;
	} while (!__atomic_compare_exchange_n(&r->refs, &old, old + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* true when the count dropped to zero */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	return __atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL) == 0;
}

static inline void refcount_dec(refcount_t *r)
{
	__atomic_sub_fetch(&r->refs, 1, __ATOMIC_RELEASE);
}

/* Drop the count from one to zero, or do nothing and return false */
static inline bool refcount_dec_if_one(refcount_t *r)
{
	unsigned int one = 1;

	return __atomic_compare_exchange_n(&r->refs, &one, 0, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

#endif /* UIOMMUFD_LIB_LOCK_H */
