// SPDX-License-Identifier: MIT
/*
 * Files shared between processes, the client side (docs/multiprocess.md):
 * a process that holds a descriptor of a file whose engine is another
 * process' sends its calls to that owner over a private channel, made by
 * a hello on a context's descriptor; and recognises, without writing to
 * them, descriptors received by SCM_RIGHTS or kept over execve(): a
 * context's socket by its peer's name, a VFIO cdev's memfd by its label.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#include "../lib/alloc.h"
#include "file.h"
#include "../mm/mmio_trap.h"
#include "share.h"
#include "share_proto.h"
#include "../lib/util.h"

/* Client side: this process' channels to other processes' files */
struct share_channel {
	struct iommufd_file *file;
	int fd;
};
static struct mutex client_lock = MUTEX_INITIALIZER(client_lock);
static struct share_channel *channels;
static size_t nchannels, channels_cap;

/*
 * Client side: say hello on @fd, a context's descriptor, passing one end
 * of a new private pair; for a served file, @dev_fd names our descriptor
 * of it and the owner answers whether it is its file. The channel, or
 * -errno.
 */
static int client_hello(int fd, int dev_fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct share_hello hello = {.magic = SHARE_MAGIC, .dev_fd = dev_fd};
	struct iovec iov = {.iov_base = &hello, .iov_len = sizeof(hello)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct share_reply answer;
	int pair[2];
	ssize_t n;

	if (dev_fd < 0)
		iov.iov_len = 1; /* a context's hello */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
		return -errno;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pair[1], sizeof(int));
	/* The owner gone: nobody reads the server end */
	while (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0) {
		if (errno == EINTR)
			continue;
		goto err_gone;
	}
	close(pair[1]);
	if (dev_fd < 0)
		return pair[0];
	/* End-of-file: the owner died before it answered */
	do {
		n = recv(pair[0], &answer, sizeof(answer), 0);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(answer)) {
		close(pair[0]);
		return -EIO;
	}
	if (answer.rc) {
		close(pair[0]);
		return answer.rc == -ENOTTY ? -ENOTTY : -EIO;
	}
	return pair[0];

err_gone:
	close(pair[0]);
	close(pair[1]);
	return -EIO;
}

/*
 * A descriptor of ours of a context of @owner's, through which a served
 * file of @owner is reached: @anchor if the call names one (it must be
 * such a context, else the kernel's errno for a descriptor that is not
 * an iommufd), else any we hold. -EINVAL when we hold none: the call
 * names no context and the file cannot be bound here.
 */
static int client_anchor(int owner, int anchor)
{
	struct iommufd_file *ctx;
	int fd = anchor < 0 ? 0 : anchor;
	bool ok;

	if (anchor >= 0) {
		/* Received and not used yet: a context is adopted on sight */
		ctx = iommufd_file_get(anchor);
		if (!ctx && !iommufd_file_adopt(anchor))
			ctx = iommufd_file_get(anchor);
		if (!ctx)
			return fcntl(anchor, F_GETFD) < 0 ? -EBADF : -EBADFD;
		ok = ctx->ops->shareable && !iommufd_file_local(ctx) &&
		     ctx->owner_pid == owner;
		iommufd_file_put(ctx);
		return ok ? anchor : -EBADFD;
	}
	for (; (ctx = iommufd_file_next(&fd)); fd++) {
		ok = ctx->ops->shareable && !iommufd_file_local(ctx) &&
		     ctx->owner_pid == owner;
		iommufd_file_put(ctx);
		if (ok)
			return fd;
	}
	return -EINVAL;
}

/* Client side, client_lock held: our channel to the file's owner */
static int client_channel(struct iommufd_file *file, int fd,
			  const struct share_req *req)
{
	int chan, rc, anchor = -1;

	for (size_t i = 0; i != nchannels; i++)
		if (channels[i].file == file)
			return channels[i].fd;
	if (share_grow((void **)&channels, &channels_cap, nchannels + 1,
		       sizeof(*channels)))
		return -ENOMEM;
	if (file->ops->shareable) {
		chan = client_hello(fd, -1);
	} else {
		if (req->op == SHARE_OP_IOCTL && file->ops->client_anchor) {
			rc = file->ops->client_anchor(
				req->cmd, (unsigned long)req->arg, &anchor);
			if (rc)
				return rc;
		}
		anchor = client_anchor(file->owner_pid, anchor);
		if (anchor < 0)
			return anchor;
		chan = client_hello(anchor, fd);
	}
	if (chan < 0)
		return chan;
	channels[nchannels++] =
		(struct share_channel){.file = file, .fd = chan};
	return chan;
}

static void client_drop(struct iommufd_file *file)
{
	for (size_t i = 0; i != nchannels; i++) {
		if (channels[i].file == file) {
			close(channels[i].fd);
			channels[i] = channels[--nchannels];
			return;
		}
	}
}

/* The answer on @chan, a descriptor it carries in *fd (else -1) */
static ssize_t client_answer(int chan, struct share_reply *reply, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = reply, .iov_len = sizeof(*reply)};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(chan, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

/*
 * One request to the owner and its answer, with the descriptor it may
 * carry in *map_fd (NULL: none wanted); -EIO when the owner is gone
 */
static int64_t client_call(struct iommufd_file *file, int fd,
			   struct share_req *req, int *map_fd)
{
	struct share_reply reply;
	bool forget = false;
	int64_t rc;
	ssize_t n;
	int chan, got;

	req->magic = SHARE_MAGIC;
	mutex_lock(&client_lock);
	chan = client_channel(file, fd, req);
	if (chan < 0) {
		rc = chan;
		/* The owner says it is none of its files: not ours either */
		forget = rc == -ENOTTY && file->adopted;
		goto out;
	}
	do {
		n = send(chan, req, sizeof(*req), MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(*req))
		goto err_gone;
	n = client_answer(chan, &reply, &got);
	if (map_fd)
		*map_fd = got;
	else if (got >= 0)
		close(got);
	if (n != sizeof(reply))
		goto err_gone;
	rc = reply.rc;
	req->pos = reply.pos;
	goto out;

err_gone:
	/* The owner died or refused us: a clean error, never a hang */
	client_drop(file);
	rc = -EIO;
out:
	mutex_unlock(&client_lock);
	if (forget)
		iommufd_file_forget(fd);
	return rc;
}

long share_client_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg)
{
	struct share_req req = {.op = SHARE_OP_IOCTL, .cmd = cmd, .arg = arg};
	int new_fd = -1;
	long rc = (long)client_call(file, fd, &req, &new_fd);

	/* A descriptor the owner made for us (a dma-buf): ours is the value */
	if (new_fd >= 0) {
		if (rc >= 0)
			return new_fd;
		close(new_fd);
	}
	return rc;
}

ssize_t share_client_rw(struct iommufd_file *file, int fd, void *buf,
			size_t count, uint64_t *pos, bool write)
{
	struct share_req req = {
		.op = write ? SHARE_OP_WRITE : SHARE_OP_READ,
		.arg = (uintptr_t)buf,
		.count = count,
		.pos = *pos,
	};
	ssize_t rc = (ssize_t)client_call(file, fd, &req, NULL);

	if (rc > 0)
		*pos = req.pos;
	return rc;
}

/* A trapped mapping of a file of another process: its accesses */
struct share_trap {
	struct iommufd_file *file; /* a reference, as a mapping holds one */
	int fd;
};

static bool share_trap_access(void *priv, uint64_t off, unsigned int size,
			      uint64_t *val, bool write)
{
	struct share_trap *t = priv;
	uint64_t pos = off;

	return share_client_rw(t->file, t->fd, val, size, &pos, write) ==
	       (ssize_t)size;
}

static bool share_trap_read(void *priv, uint64_t off, unsigned int size,
			    uint64_t *val)
{
	*val = 0;
	return share_trap_access(priv, off, size, val, false);
}

static bool share_trap_write(void *priv, uint64_t off, unsigned int size,
			     uint64_t val)
{
	return share_trap_access(priv, off, size, &val, true);
}

static void share_trap_release(void *priv)
{
	struct share_trap *t = priv;

	iommufd_file_put(t->file);
	ufd_free(t);
}

static const struct mmio_trap_ops share_trap_ops = {
	.read = share_trap_read,
	.write = share_trap_write,
	.release = share_trap_release,
};

/* The owner said to trap: a PROT_NONE mapping whose accesses it serves */
static int client_mmap_trapped(struct iommufd_file *file, int fd, void *addr,
			       size_t length, int prot, int flags, off_t offset,
			       void **out)
{
	struct share_trap *t = ufd_new(struct share_trap);
	void *p;
	int rc;

	if (!t)
		return -ENOMEM;
	p = mmap(addr, length, PROT_NONE,
		 (flags & ~MAP_TYPE) | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		ufd_free(t);
		return -errno;
	}
	refcount_inc(&file->refs);
	*t = (struct share_trap){.file = file, .fd = fd};
	rc = mmio_trap_add((uintptr_t)p, length, prot, (uint64_t)offset,
			   &share_trap_ops, t);
	if (rc) {
		munmap(p, length);
		share_trap_release(t);
		return rc;
	}
	*out = p;
	return 0;
}

int share_client_mmap(struct iommufd_file *file, int fd, void *addr,
		      size_t length, int prot, int flags, off_t offset,
		      void **out)
{
	struct share_req req = {
		.op = SHARE_OP_MMAP,
		.cmd = (uint32_t)prot,
		.arg = (uint64_t)(unsigned int)flags,
		.count = length,
		.pos = (uint64_t)offset,
	};
	int map_fd = -1;
	int64_t rc = client_call(file, fd, &req, &map_fd);
	void *p;

	if (rc) {
		if (map_fd >= 0)
			close(map_fd);
		return (int)rc;
	}
	if (map_fd < 0)
		return client_mmap_trapped(file, fd, addr, length, prot, flags,
					   offset, out);
	/* The same memory the device model sees: its memfd */
	p = mmap(addr, length, prot, flags, map_fd, (off_t)req.pos);
	rc = p == MAP_FAILED ? -errno : 0;
	close(map_fd);
	if (!rc)
		*out = p;
	return (int)rc;
}

void share_client_forget(struct iommufd_file *file)
{
	mutex_lock(&client_lock);
	client_drop(file);
	mutex_unlock(&client_lock);
}

void share_client_atfork_child(void)
{
	for (size_t i = 0; i != nchannels; i++)
		close(channels[i].fd);
	nchannels = 0;
	mutex_init(&client_lock);
}

void share_label(char *buf, size_t size)
{
	snprintf(buf, size, SHARE_LABEL_PREFIX "%d", ufd_selfpid());
}

/*
 * Is fd the memfd of a served file (a VFIO cdev) of another process? Its
 * name says so and names the owner, and it was made by a process of our
 * user or by root. Only a claim, checked by the owner at the hello: read
 * here, never written. The owner's pid, or -EBADF, -EACCES.
 */
int share_probe_label(int fd)
{
	size_t prefix = strlen("/memfd:" SHARE_LABEL_PREFIX);
	char link[64], target[128], *end;
	struct stat st;
	ssize_t n;
	long pid;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -EBADF;
	target[n] = 0;
	if (strncmp(target, "/memfd:" SHARE_LABEL_PREFIX, prefix))
		return -EBADF;
	pid = strtol(target + prefix, &end, 10);
	if (end == target + prefix || *end != ' ' || pid <= 0 ||
	    pid > INT32_MAX)
		return -EBADF;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -EBADF;
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return -EACCES;
	return (int)pid;
}

/*
 * A descriptor of another process' context, as this process sees it: no
 * engine state of its own, every ioctl goes to the owner. Nothing else
 * (mmap, read) reaches a context from another process.
 */
const struct iommufd_file_ops share_remote_ops = {
	.kind = UIOMMUFD_FD_IOMMUFD,
	.shareable = true,
};

/*
 * Is fd a context served by another process, one this process may use?
 * A SEQPACKET socket whose peer bears a server end's name, made by a
 * process of our user or by root (a privileged opener handing the
 * context to a VMM). Reads the socket only: a foreign socket is never
 * written to. Returns the owner's pid, or -EBADF (not a context) or
 * -EACCES (another user's).
 */
int share_probe(int fd)
{
	size_t prefix = strlen(SHARE_NAME_PREFIX);
	struct sockaddr_un addr;
	socklen_t len = sizeof(int);
	struct ucred cred;
	int type = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_SEQPACKET)
		return -EBADF;
	len = sizeof(addr);
	if (getpeername(fd, (struct sockaddr *)&addr, &len) ||
	    addr.sun_family != AF_UNIX ||
	    len < offsetof(struct sockaddr_un, sun_path) + 1 + prefix ||
	    addr.sun_path[0] ||
	    memcmp(addr.sun_path + 1, SHARE_NAME_PREFIX, prefix))
		return -EBADF;
	len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return -EBADF;
	if (cred.uid != geteuid() && cred.uid != 0)
		return -EACCES;
	return cred.pid;
}
