// SPDX-License-Identifier: MIT
/*
 * Files shared between processes (docs/multiprocess.md).
 *
 * A shareable file's descriptor is one end of an AF_UNIX SOCK_SEQPACKET
 * pair; the engine keeps the other, the server end. The kernel shares the
 * descriptor over fork(), execve(), SCM_RIGHTS and dup(); the engine stays
 * in the process that made the file, its owner. Another process holding
 * the descriptor says hello on it, passing one end of a private pair, and
 * sends its ioctls there; the owner's server thread runs them with that
 * process as the caller. The server end hangs up when no process holds the
 * descriptor any more: the file's last close.
 *
 * A served file (a VFIO cdev, whose descriptor is a memfd) has no socket
 * of its own: a client reaches it by a hello on a context of the same
 * owner naming its descriptor of the file, which the owner takes with
 * pidfd_getfd() and finds among its own files by inode; the channel then
 * serves that file. The owner holds a reference on each served file that
 * other processes may hold, until it serves no context any more.
 *
 * The server starts at the owner's first fork(): until then no other
 * process can hold a descriptor, and the owner's own calls never come here.
 * The client side is share_client.c.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/capability.h>

#include <uiommufd/uiommufd.h>

#include "../lib/alloc.h"
#include "file.h"
#include "share.h"
#include "share_proto.h"
#include "../lib/util.h"

/* What the server polls: a file's server end, or a client's channel */
struct share_entry {
	uint64_t id;
	int fd;
	bool is_channel;
	int pid;
	unsigned int uid;
	struct iommufd_file *file; /* a reference */
};

/*
 * Held by the server while it handles an event, and across fork(): a
 * child never copies engine locks the server held in the middle of a
 * client's ioctl. Taken before share_lock.
 */
static struct mutex serve_lock = MUTEX_INITIALIZER(serve_lock);
static struct mutex share_lock = MUTEX_INITIALIZER(share_lock);
/* Shareable files of this process (not references) */
static struct iommufd_file **files;
static size_t nfiles, files_cap;
static struct share_entry *entries;
static size_t nentries, entries_cap;
static uint64_t next_id = 1;
static int wake_fd = -1;
static bool server_running;

int share_grow(void **array, size_t *cap, size_t need, size_t size)
{
	void *p;

	if (need <= *cap)
		return 0;
	p = ufd_realloc_array(*array, need * 2, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = need * 2;
	return 0;
}

/*
 * Name the server end: the file is served from now on. Unnamed (another
 * process took every name tried), it still serves forked children.
 */
static void share_name(int server_fd)
{
	static unsigned int counter;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	/* Another process may hold a name first: try a few */
	for (int tries = 0; tries != 8; tries++) {
		unsigned int n =
			__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		int len = snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
				   SHARE_NAME_PREFIX "%d/%u", ufd_selfpid(), n);

		if (!bind(server_fd, (struct sockaddr *)&addr,
			  (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				      1 + (size_t)len)) ||
		    errno != EADDRINUSE)
			return;
	}
}

int share_file_register(struct iommufd_file *file)
{
	int rc;

	mutex_lock(&share_lock);
	/* Every file may need a server entry at fork: room for it now */
	rc = share_grow((void **)&files, &files_cap, nfiles + 1,
			sizeof(*files));
	if (!rc)
		rc = share_grow((void **)&entries, &entries_cap,
				nentries + nfiles + 1, sizeof(*entries));
	if (!rc)
		files[nfiles++] = file;
	mutex_unlock(&share_lock);
	return rc;
}

void share_file_unregister(struct iommufd_file *file)
{
	mutex_lock(&share_lock);
	for (size_t i = 0; i != nfiles; i++) {
		if (files[i] == file) {
			files[i] = files[--nfiles];
			break;
		}
	}
	mutex_unlock(&share_lock);
	if (!file->shared && file->share_fd >= 0)
		close(file->share_fd);
}

static void server_wake(void)
{
	if (wake_fd >= 0)
		eventfd_write(wake_fd, 1);
}

/* share_lock held; takes over the entry's reference, to put unlocked */
static struct iommufd_file *entry_remove(size_t i)
{
	struct iommufd_file *file = entries[i].file;

	close(entries[i].fd);
	entries[i] = entries[--nentries];
	return file;
}

static struct share_entry *entry_find(uint64_t id, size_t *index)
{
	for (size_t i = 0; i != nentries; i++) {
		if (entries[i].id == id) {
			*index = i;
			return &entries[i];
		}
	}
	return NULL;
}

static bool channel_eof(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/*
 * A hello: one descriptor, a SEQPACKET socket made by a process of our
 * user (or anyone, when we may read any process' memory anyway).
 */
static int hello_channel(struct msghdr *msg, struct ucred *cred)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(msg);
	socklen_t len = sizeof(int);
	int fds[4], n, type = 0, chan = -1;

	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	n = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	memcpy(fds, CMSG_DATA(cm), (size_t)n * sizeof(int));
	for (int i = 0; i != n; i++) {
		if (i)
			close(fds[i]);
	}
	if (n != 1 || (msg->msg_flags & MSG_CTRUNC))
		goto err;
	chan = fds[0];
	if (getsockopt(chan, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_SEQPACKET)
		goto err;
	len = sizeof(*cred);
	if (getsockopt(chan, SOL_SOCKET, SO_PEERCRED, cred, &len))
		goto err;
	if (cred->uid != getuid() && !ufd_capable(CAP_SYS_PTRACE))
		goto err;
	return chan;
err:
	if (n >= 1)
		close(fds[0]);
	return -EPROTO;
}

/*
 * Our served file behind the client's descriptor @dev_fd, referenced: the
 * client holds that very file (a forged label names nothing of ours)
 */
static struct iommufd_file *served_resolve(int pid, int dev_fd)
{
	struct iommufd_file *file = NULL;
	int pidfd, nfd = -1;
	struct stat st;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		nfd = (int)syscall(SYS_pidfd_getfd, pidfd, dev_fd, 0);
		close(pidfd);
	}
	if (nfd < 0)
		return NULL;
	if (!fstat(nfd, &st))
		file = share_file_find(st.st_dev, st.st_ino);
	close(nfd);
	if (file && !file->ops->served) {
		iommufd_file_put(file);
		file = NULL;
	}
	return file;
}

/*
 * What the server sends a client never waits: a client that sends and
 * does not read its answers (or hands over a channel already full) would
 * hold the server, and with it every client and the owner's own close.
 * A well-behaved client has at most one answer unread on its channel.
 */
#define SHARE_SEND_FLAGS (MSG_NOSIGNAL | MSG_DONTWAIT)

/* The answer to a served file's hello: 0, or the client's errno */
static bool hello_answer(int chan, int64_t rc)
{
	struct share_reply reply = {.rc = rc};

	return send(chan, &reply, sizeof(reply), SHARE_SEND_FLAGS) ==
	       sizeof(reply);
}

/* Hellos waiting on a server end; false when the last holder closed */
static bool server_end_read(int fd, struct iommufd_file *file)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct share_hello hello = {};
	struct iovec iov = {.iov_base = &hello, .iov_len = sizeof(hello)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct ucred cred;
	ssize_t n;
	int chan;

	n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	chan = hello_channel(&msg, &cred);
	/*
	 * No bytes: the last holder is gone (POLLHUP), or a holder sent an
	 * empty message, which is no hello and must not stop the serving
	 */
	if (n == 0) {
		if (chan >= 0)
			close(chan);
		return poll(&(struct pollfd){.fd = fd}, 1, 0) != 1;
	}
	if (chan < 0)
		return true;
	if (n == sizeof(hello) && hello.magic == SHARE_MAGIC) {
		/* The channel serves the client's descriptor of a served file
		 */
		file = served_resolve(cred.pid, hello.dev_fd);
		if (!file || !hello_answer(chan, 0)) {
			if (!file)
				hello_answer(chan, -ENOTTY);
			else
				iommufd_file_put(file);
			close(chan);
			return true;
		}
	} else if (n != 1) {
		close(chan);
		return true;
	} else {
		refcount_inc(&file->refs);
	}
	mutex_lock(&share_lock);
	if (share_grow((void **)&entries, &entries_cap, nentries + nfiles + 1,
		       sizeof(*entries))) {
		mutex_unlock(&share_lock);
		close(chan); /* the client reads end-of-file: EIO */
		iommufd_file_put(file);
		return true;
	}
	entries[nentries++] = (struct share_entry){
		.id = next_id++,
		.fd = chan,
		.is_channel = true,
		.pid = cred.pid,
		.uid = cred.uid,
		.file = file,
	};
	mutex_unlock(&share_lock);
	return true;
}

/* Run a client's request on the file, the client as the caller */
static int64_t channel_call(struct iommufd_file *file, struct share_req *req)
{
	const struct iommufd_file_ops *ops = file->ops;
	void *buf = (void *)(uintptr_t)req->arg;

	switch (req->op) {
	case SHARE_OP_IOCTL:
		if (!ops->ioctl)
			return -ENOTTY;
		return ops->ioctl(file, req->cmd, (unsigned long)req->arg);
	case SHARE_OP_READ:
		if (!ops->read_at)
			return -EINVAL;
		return ops->read_at(file, buf, req->count, &req->pos);
	case SHARE_OP_WRITE:
		if (!ops->write_at)
			return -EINVAL;
		return ops->write_at(file, buf, req->count, &req->pos);
	}
	return -EINVAL;
}

/* A client maps the file: *map_fd, ours, goes with the answer (or -1) */
static int64_t channel_mmap(struct iommufd_file *file, struct share_req *req,
			    int *map_fd)
{
	uint64_t map_off = 0;
	int rc;

	if (!file->ops->mmap_remote)
		return -ENODEV;
	if (!req->count || req->pos > INT64_MAX)
		return -EINVAL;
	rc = file->ops->mmap_remote(file, req->count, (int)req->cmd,
				    (int)req->arg, (off_t)req->pos, map_fd,
				    &map_off);
	if (rc)
		*map_fd = -1;
	req->pos = map_off;
	return rc;
}

/*
 * The answer, with our descriptor @fd when not -1; false: the client is
 * gone, or has not read its earlier answers
 */
static bool channel_reply(int chan, struct share_reply *reply, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct iovec iov = {.iov_base = reply, .iov_len = sizeof(*reply)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (fd >= 0) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(chan, &msg, SHARE_SEND_FLAGS) == sizeof(*reply);
}

/*
 * A descriptor made for a client was sent (or the client is gone): ours
 * goes, the file stays while the client may hold it, as a served file
 * does (until no context is served)
 */
static void channel_handed_over(int fd)
{
	struct iommufd_file *file = iommufd_file_get(fd);

	if (!file)
		return;
	share_file_publish(file);
	iommufd_file_put(file);
	iommufd_file_forget(fd);
	close(fd);
}

/* One request of a channel; false when the client is gone or broke it */
static bool channel_serve(struct share_entry *e)
{
	struct share_reply reply = {};
	int map_fd = -1, new_fd = -1;
	struct share_req req;
	bool sent;
	ssize_t n;

	n = recv(e->fd, &req, sizeof(req), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n != sizeof(req) || req.magic != SHARE_MAGIC)
		return false;
	ufd_caller_set(e->pid, e->uid);
	if (req.op == SHARE_OP_MMAP) {
		reply.rc = channel_mmap(e->file, &req, &map_fd);
	} else {
		/* Only what this call makes: nothing an earlier one left */
		iommufd_file_remote_created();
		reply.rc = channel_call(e->file, &req);
		new_fd = iommufd_file_remote_created();
	}
	reply.pos = req.pos;
	ufd_caller_clear();
	/* The memory a mapping shares (a BAR's memfd) stays ours */
	if (req.op == SHARE_OP_MMAP)
		return channel_reply(e->fd, &reply, map_fd);
	/*
	 * A descriptor the call made is the call's value: the client's. One
	 * the call made and undid (not its value) is no longer ours to touch
	 */
	if (new_fd < 0 || reply.rc != new_fd)
		return channel_reply(e->fd, &reply, -1);
	sent = channel_reply(e->fd, &reply, new_fd);
	channel_handed_over(new_fd);
	return sent;
}

/*
 * share_lock held. The references the owner holds on served files for
 * other processes that may hold their descriptors, once no context is
 * served any more: nobody can reach those files then (a client reaches
 * one only through a context of the owner). Up to @max, to put unlocked.
 */
static size_t held_collect(struct iommufd_file **puts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i != nentries; i++)
		if (!entries[i].is_channel)
			return 0;
	for (size_t i = 0; i != nfiles && n != max; i++) {
		struct iommufd_file *file = files[i];

		if (file->ops->served && file->shared) {
			file->shared = false;
			puts[n++] = file;
		}
	}
	return n;
}

/* Handle what poll found on the entry with this id */
static void server_event(uint64_t id, short revents)
{
	struct iommufd_file *put = NULL, *puts[16];
	size_t nputs;
	struct share_entry e, *p;
	bool keep;
	size_t i;

	mutex_lock(&share_lock);
	p = entry_find(id, &i);
	if (!p) {
		mutex_unlock(&share_lock);
		return;
	}
	e = *p;
	mutex_unlock(&share_lock);

	if (e.is_channel)
		keep = channel_serve(&e);
	else
		keep = server_end_read(e.fd, e.file);
	if (revents & (POLLERR | POLLNVAL))
		keep = false;

	mutex_lock(&share_lock);
	p = entry_find(id, &i);
	if (p && !keep)
		put = entry_remove(i);
	nputs = put && !e.is_channel ? held_collect(puts, ARRAY_SIZE(puts)) : 0;
	mutex_unlock(&share_lock);
	if (put)
		iommufd_file_put(put);
	while (nputs)
		iommufd_file_put(puts[--nputs]);
}

/*
 * The server's poll set. Static, not on its stack: the thread never ends,
 * and a process exiting under it must still see the arrays as reachable.
 */
static struct pollfd *pfds;
static uint64_t *ids;
static size_t cap;

static void *server_main(void *started)
{
	/* Past the thread's start-up: see server_start() */
	sem_post(started);
	for (;;) {
		size_t n = 0;
		uint64_t v;

		mutex_lock(&share_lock);
		if (nentries + 1 > cap) {
			size_t want = (nentries + 1) * 2;
			struct pollfd *p = realloc(pfds, want * sizeof(*pfds));
			uint64_t *q = p ? realloc(ids, want * sizeof(*ids))
					: NULL;

			if (p)
				pfds = p;
			if (q)
				ids = q;
			if (!p || !q) {
				/* Out of memory: try again in a while */
				mutex_unlock(&share_lock);
				usleep(10000);
				continue;
			}
			cap = want;
		}
		pfds[n++] = (struct pollfd){.fd = wake_fd, .events = POLLIN};
		for (size_t i = 0; i != nentries; i++) {
			ids[n] = entries[i].id;
			pfds[n++] = (struct pollfd){.fd = entries[i].fd,
						    .events = POLLIN};
		}
		mutex_unlock(&share_lock);

		if (poll(pfds, n, -1) < 0)
			continue;
		if (pfds[0].revents)
			eventfd_read(wake_fd, &v);
		mutex_lock(&serve_lock);
		for (size_t i = 1; i != n; i++)
			if (pfds[i].revents)
				server_event(ids[i], pfds[i].revents);
		mutex_unlock(&serve_lock);
	}
	return NULL;
}

/* share_lock held: the server's fds and thread, on first use */
static int server_start(void)
{
	pthread_t thread;
	sem_t started;

	if (server_running)
		return 0;
	if (wake_fd < 0)
		wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (wake_fd < 0)
		return -errno;
	sem_init(&started, 0, 0);
	if (pthread_create(&thread, NULL, server_main, &started)) {
		sem_destroy(&started);
		return -EAGAIN;
	}
	/*
	 * The fork this is called for must not copy a thread half-way
	 * through its start-up: the runtime may hold locks there (the
	 * sanitizers' allocator does), which the child would inherit held.
	 */
	while (sem_wait(&started) && errno == EINTR)
		;
	sem_destroy(&started);
	pthread_detach(thread);
	server_running = true;
	return 0;
}

/* share_lock held, room made: the server answers the file's hellos */
static void file_publish_locked(struct iommufd_file *file)
{
	/*
	 * A served file (a memfd) has nothing to poll: a reference stands
	 * for the other processes that may hold it, until held_collect()
	 */
	if (file->ops->served) {
		file->shared = true;
		refcount_inc(&file->refs);
		return;
	}
	/* Named only now: a process given an unserved file must not wait */
	share_name(file->share_fd);
	file->shared = true;
	refcount_inc(&file->refs);
	entries[nentries++] = (struct share_entry){
		.id = next_id++,
		.fd = file->share_fd,
		.file = file,
	};
}

int share_file_publish(struct iommufd_file *file)
{
	int rc = 0;

	mutex_lock(&share_lock);
	if (file->shared)
		goto out;
	rc = share_grow((void **)&entries, &entries_cap, nentries + nfiles + 1,
			sizeof(*entries));
	if (!rc && !file->ops->served)
		rc = server_start();
	if (!rc) {
		file_publish_locked(file);
		server_wake();
	}
out:
	mutex_unlock(&share_lock);
	return rc;
}

/*
 * Before fork(): the child will hold every shareable file's descriptor,
 * so every one becomes shared, with a reference held by its server end.
 * share_lock stays held across the fork, so the child copies a consistent
 * table, and serve_lock, so the server is between two requests.
 */
static void share_atfork_prepare(void)
{
	mutex_lock(&serve_lock);
	mutex_lock(&share_lock);
	if (!nfiles || server_start())
		return;
	for (size_t i = 0; i != nfiles; i++) {
		struct iommufd_file *file = files[i];

		/* Room was made at register */
		if (!file->shared && file->owner_pid == ufd_selfpid())
			file_publish_locked(file);
	}
	server_wake();
}

static void share_atfork_parent(void)
{
	mutex_unlock(&share_lock);
	mutex_unlock(&serve_lock);
}

/*
 * The child: no server thread, and the server's descriptors and our
 * channels are the parent's, not ours. Keeping them open would keep the
 * parent's clients waiting after the parent dies, so they go.
 */
static void share_atfork_child(void)
{
	for (size_t i = 0; i != nentries; i++)
		close(entries[i].fd);
	nentries = 0;
	nfiles = 0;
	server_running = false;
	if (wake_fd >= 0)
		close(wake_fd);
	wake_fd = -1;
	/* This thread took them in the prepare handler: ours to drop */
	mutex_unlock(&share_lock);
	mutex_unlock(&serve_lock);
	share_client_atfork_child();
}

__attribute__((constructor)) static void share_init(void)
{
	pthread_atfork(share_atfork_prepare, share_atfork_parent,
		       share_atfork_child);
}

/*
 * The owner closed a descriptor. If it was the last one anywhere, the
 * server end has hung up already (close() releases the socket before it
 * returns): drop the server's references now, so that the context is
 * released before close() returns, as the kernel's is. Channels of
 * clients that are gone go too. The server is kept out meanwhile: it may
 * be about to drop the reference of a channel it saw end.
 */
void share_file_closed(struct iommufd_file *file)
{
	struct iommufd_file *puts[32];
	size_t nputs = 0;

	if (!file->shared)
		return;
	/* Not while the server may be dropping a reference of its own */
	mutex_lock(&serve_lock);
	mutex_lock(&share_lock);
	for (size_t i = 0; i != nentries && nputs != ARRAY_SIZE(puts) / 2;
	     i++) {
		struct share_entry *e = &entries[i];

		if (e->file != file)
			continue;
		if (e->is_channel
			    ? !channel_eof(e->fd)
			    : !(poll(&(struct pollfd){.fd = e->fd}, 1, 0) == 1))
			continue;
		puts[nputs++] = entry_remove(i);
		i--;
	}
	nputs += held_collect(puts + nputs, ARRAY_SIZE(puts) - nputs);
	server_wake();
	mutex_unlock(&share_lock);
	while (nputs)
		iommufd_file_put(puts[--nputs]);
	mutex_unlock(&serve_lock);
}

struct iommufd_file *share_file_find(uint64_t dev, uint64_t ino)
{
	struct iommufd_file *found = NULL;

	mutex_lock(&share_lock);
	for (size_t i = 0; i != nfiles; i++) {
		struct iommufd_file *file = files[i];

		if (file->dev == dev && file->ino == ino &&
		    file->owner_pid == ufd_selfpid() && !file->adopted &&
		    refcount_inc_not_zero(&file->refs)) {
			found = file;
			break;
		}
	}
	mutex_unlock(&share_lock);
	return found;
}
