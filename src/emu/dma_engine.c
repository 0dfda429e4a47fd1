// SPDX-License-Identifier: MIT
/*
 * The worker thread of an emulated DMA engine (see dma_engine.h).
 */
#include "dma_engine.h"

void dma_engine_destroy(struct dma_engine *e)
{
	pthread_cond_destroy(&e->idle);
	pthread_cond_destroy(&e->kick);
	mutex_destroy(&e->lock);
}

void dma_engine_start(struct dma_engine *e, void *(*fn)(void *), void *arg)
{
	mutex_lock(&e->lock);
	e->stop = false;
	e->worker_running = !pthread_create(&e->worker, NULL, fn, arg);
	mutex_unlock(&e->lock);
}

void dma_engine_stop(struct dma_engine *e)
{
	bool running;

	mutex_lock(&e->lock);
	e->stop = true;
	dma_engine_drop(e);
	running = e->worker_running;
	e->worker_running = false;
	pthread_cond_signal(&e->kick);
	mutex_unlock(&e->lock);
	if (running)
		pthread_join(e->worker, NULL);
}

void dma_engine_quiesce(struct dma_engine *e)
{
	dma_engine_drop(e);
	e->quiescing = true;
	while (e->busy)
		pthread_cond_wait(&e->idle, &e->lock.m);
	e->quiescing = false;
	/* What the caller left runnable may go on */
	pthread_cond_signal(&e->kick);
}
