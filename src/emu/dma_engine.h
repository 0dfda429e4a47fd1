/* SPDX-License-Identifier: MIT */
/*
 * The worker thread of an emulated DMA engine (udma, ioat): the device's
 * lock, the condition its worker sleeps on, and a generation count.
 *
 * Registers live under the lock; a worker takes a snapshot of its next
 * piece of work, drops the lock, does the DMA, and retakes the lock to
 * publish the result. A reset or a disable in between bumps the
 * generation, and the worker then drops what it did instead of publishing
 * it: like hardware, a transfer already on the bus completes, but the
 * engine forgets it. A function level reset waits for that transfer
 * (dma_engine_quiesce()), as the kernel's waits for the function's
 * pending transactions: once it returns, the device touches no memory.
 * DMA never runs under the lock, so one device's DMA may reach another
 * device's registers (peer to peer) without a lock order between devices.
 */
#ifndef UIOMMUFD_EMU_DMA_ENGINE_H
#define UIOMMUFD_EMU_DMA_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/lock.h"
#include "pci_pri.h"

struct dma_engine {
	struct mutex lock;
	pthread_cond_t kick;
	pthread_cond_t idle; /* busy went false */
	pthread_t worker;
	bool worker_running;
	bool stop;
	bool busy; /* the worker does DMA, without the lock */
	/*
	 * A function level reset waits for the work in flight: the worker
	 * takes none meanwhile (work it retook could wait on a page request
	 * the reset already gave up)
	 */
	bool quiescing;
	/* Bumped by reset and disable: work in flight is dropped */
	uint64_t gen;
	/* The page requests its worker may wait on (NULL: it sends none) */
	struct pci_pri *pri;
};

/* A macro: each model's engine lock is a lock class of its own (lockdep) */
#define dma_engine_init(e)                           \
	do {                                         \
		mutex_init(&(e)->lock);              \
		pthread_cond_init(&(e)->kick, NULL); \
		pthread_cond_init(&(e)->idle, NULL); \
	} while (0)
void dma_engine_destroy(struct dma_engine *e);
/* Start @fn(@arg) as the worker (the host opened the function) */
void dma_engine_start(struct dma_engine *e, void *(*fn)(void *), void *arg);
/* Stop the worker and wait for it (the host closed the function) */
void dma_engine_stop(struct dma_engine *e);
/*
 * Drop the work in flight and wait until its DMA is over (a function
 * level reset). Lock held; released while waiting, so that DMA may still
 * reach other devices' registers.
 */
void dma_engine_quiesce(struct dma_engine *e);

/*
 * Drop the work in flight (a reset, a disable): a new generation, and
 * the page requests it waits on are given up. Lock held.
 */
static inline void dma_engine_drop(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	e->gen++;
	if (e->pri)
		pci_pri_cancel(e->pri);
}

/* Work may be runnable now; lock held */
static inline void dma_engine_kick(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	pthread_cond_signal(&e->kick);
}

/* May the worker take work now? Lock held */
static inline bool dma_engine_may_run(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	return !e->quiescing;
}

/* The worker took work and drops the lock to do its DMA; lock held */
static inline void dma_engine_begin(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	e->busy = true;
}

/* The worker is back from its DMA; lock held */
static inline void dma_engine_end(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	e->busy = false;
	pthread_cond_broadcast(&e->idle);
}

/* The worker sleeps until kicked; lock held */
static inline void dma_engine_wait(struct dma_engine *e)
{
	lockdep_assert_held(&e->lock);
	pthread_cond_wait(&e->kick, &e->lock.m);
}

#endif
