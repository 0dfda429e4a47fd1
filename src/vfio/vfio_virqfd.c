// SPDX-License-Identifier: MIT
/*
 * Eventfds that make the device act when userspace signals them (the
 * kernel's virqfd.c): the INTx unmask eventfd, and the ioeventfds that
 * write a value to a BAR when signalled.
 *
 * One thread watches them all with epoll, started with the first. A
 * signalled eventfd is read (its count cleared) and its handler runs on
 * that thread. Disabling waits for a handler in progress, so after
 * vfio_virqfd_disable() returns the handler does not run again.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "vfio_virqfd.h"

struct vfio_virqfd {
	int fd; /* our own descriptor of the user's eventfd */
	void (*handler)(void *data);
	void *data;
	struct vfio_virqfd *next_dead;
};

static struct {
	pthread_once_t once;
	int epfd;
	/* Held while a handler runs, and to disable */
	struct mutex lock;
	pthread_t thread;
	/*
	 * Disabled, not yet freed: an event epoll_wait already returned may
	 * still name one. The watcher frees them between two waits, when no
	 * returned event is left.
	 */
	struct vfio_virqfd *dead;
} watcher = {.once = PTHREAD_ONCE_INIT,
	     .epfd = -1,
	     .lock = MUTEX_INITIALIZER(watcher.lock)};

/*
 * Clear the eventfd's count if it has one. The descriptor is the user's
 * file, which may block: it is read only when poll says it will not.
 */
static bool virqfd_consume(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	eventfd_t count;

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) &&
	       !eventfd_read(fd, &count);
}

/* Free the disabled ones; watcher.lock held */
static void virqfd_bury(void)
{
	lockdep_assert_held(&watcher.lock);
	while (watcher.dead) {
		struct vfio_virqfd *v = watcher.dead;

		watcher.dead = v->next_dead;
		ufd_free(v);
	}
}

static void *virqfd_thread(void *arg)
{
	struct epoll_event ev[16];

	(void)arg;
	for (;;) {
		int n = epoll_wait(watcher.epfd, ev, 16, -1);

		if (n < 0 && errno != EINTR)
			return NULL;
		mutex_lock(&watcher.lock);
		for (int i = 0; i < n; i++) {
			struct vfio_virqfd *v = ev[i].data.ptr;

			/*
			 * Every virqfd of a signalled eventfd acts, as every
			 * waiter of the kernel's does, though the first one
			 * consumed the count. Disabled meanwhile: skipped.
			 */
			if (v->fd >= 0) {
				virqfd_consume(v->fd);
				v->handler(v->data);
			}
		}
		virqfd_bury();
		mutex_unlock(&watcher.lock);
	}
}

static void virqfd_start(void)
{
	sigset_t all, old;

	watcher.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (watcher.epfd < 0)
		return;
	/* The watcher takes no signal meant for the program's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&watcher.thread, NULL, virqfd_thread, NULL)) {
		close(watcher.epfd);
		watcher.epfd = -1;
	} else {
		pthread_detach(watcher.thread);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

struct vfio_virqfd *vfio_virqfd_enable(int fd, void (*handler)(void *data),
				       void *data)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct vfio_virqfd *v;

	pthread_once(&watcher.once, virqfd_start);
	if (watcher.epfd < 0) {
		close(fd);
		return ERR_PTR(-ENOMEM);
	}
	v = ufd_new(struct vfio_virqfd);
	if (!v) {
		close(fd);
		return ERR_PTR(-ENOMEM);
	}
	v->fd = fd;
	v->handler = handler;
	v->data = data;
	ev.data.ptr = v;
	mutex_lock(&watcher.lock);
	if (epoll_ctl(watcher.epfd, EPOLL_CTL_ADD, fd, &ev)) {
		int rc = -errno;

		mutex_unlock(&watcher.lock);
		close(fd);
		ufd_free(v);
		return ERR_PTR(rc);
	}
	/* Signalled already: act now, as the kernel does at registration */
	if (virqfd_consume(fd))
		handler(data);
	mutex_unlock(&watcher.lock);
	return v;
}

void vfio_virqfd_disable(struct vfio_virqfd *v)
{
	if (!v)
		return;
	mutex_lock(&watcher.lock);
	epoll_ctl(watcher.epfd, EPOLL_CTL_DEL, v->fd, NULL);
	close(v->fd);
	v->fd = -1;
	v->next_dead = watcher.dead;
	watcher.dead = v;
	mutex_unlock(&watcher.lock);
}
