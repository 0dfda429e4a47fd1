/* SPDX-License-Identifier: MIT */
/*
 * Locks with the kernel's names, over pthreads, so that the locking rules of
 * the engine read like the kernel iommufd's: a mutex, and a reader/writer
 * semaphore that prefers writers (a map storm must not starve an unmap).
 */
#ifndef UIOMMUFD_CORE_LOCK_H
#define UIOMMUFD_CORE_LOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct mutex {
	pthread_mutex_t m;
};

struct rw_semaphore {
	pthread_rwlock_t l;
};

static inline void mutex_init(struct mutex *m)
{
	pthread_mutex_init(&m->m, NULL);
}

static inline void mutex_destroy(struct mutex *m)
{
	pthread_mutex_destroy(&m->m);
}

static inline void mutex_lock(struct mutex *m)
{
	if (pthread_mutex_lock(&m->m))
		abort();
}

static inline void mutex_unlock(struct mutex *m)
{
	pthread_mutex_unlock(&m->m);
}

static inline void init_rwsem(struct rw_semaphore *s)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->l, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static inline void destroy_rwsem(struct rw_semaphore *s)
{
	pthread_rwlock_destroy(&s->l);
}

static inline void down_read(struct rw_semaphore *s)
{
	if (pthread_rwlock_rdlock(&s->l))
		abort();
}

static inline void up_read(struct rw_semaphore *s)
{
	pthread_rwlock_unlock(&s->l);
}

static inline void down_write(struct rw_semaphore *s)
{
	if (pthread_rwlock_wrlock(&s->l))
		abort();
}

/* Take it for write only if nobody holds it: true when taken */
static inline bool down_write_trylock(struct rw_semaphore *s)
{
	return !pthread_rwlock_trywrlock(&s->l);
}

static inline void up_write(struct rw_semaphore *s)
{
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

#endif
