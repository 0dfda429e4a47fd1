// SPDX-License-Identifier: MIT
/*
 * The map from descriptors to engine files.
 *
 * A two level table indexed by descriptor number, looked up without a lock
 * on the hot path (every ioctl). Taking a reference to the file found in a
 * slot must not race with the close that empties the slot and frees the
 * file, so slots are guarded by striped locks: threads working on different
 * descriptors do not share a lock, and threads sharing one descriptor share
 * the file's refcount anyway, as kernel fget() does.
 */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#include "../lib/alloc.h"
#include "file.h"
#include "../mm/vma.h"
#include "share.h"
#include "../lib/util.h"

#define FD_CHUNK_SHIFT 10
#define FD_CHUNK       (1u << FD_CHUNK_SHIFT)
#define FD_TOP	       1024u /* up to 1M descriptors */
#define FD_STRIPES     64u

static struct iommufd_file **fd_chunks[FD_TOP];
static struct mutex fd_chunk_lock = MUTEX_INITIALIZER(fd_chunk_lock);
/* Statically initialised: other libraries' constructors may get here first */
static __attribute__((unused)) struct lock_class_key fd_stripe_key;
static struct mutex fd_stripe[FD_STRIPES] = {
	[0 ... FD_STRIPES - 1] =
		MUTEX_INITIALIZER_KEY("fd_stripe", &fd_stripe_key),
};

static struct iommufd_file **fd_slot(int fd, bool create)
{
	unsigned int top = (unsigned int)fd >> FD_CHUNK_SHIFT;
	struct iommufd_file **chunk;

	if (fd < 0 || top >= FD_TOP)
		return NULL;
	chunk = __atomic_load_n(&fd_chunks[top], __ATOMIC_ACQUIRE);
	if (!chunk && create) {
		mutex_lock(&fd_chunk_lock);
		chunk = fd_chunks[top];
		if (!chunk) {
			chunk = ufd_zalloc(FD_CHUNK * sizeof(*chunk));
			if (chunk)
				__atomic_store_n(&fd_chunks[top], chunk,
						 __ATOMIC_RELEASE);
		}
		mutex_unlock(&fd_chunk_lock);
	}
	if (!chunk)
		return NULL;
	return &chunk[(unsigned int)fd & (FD_CHUNK - 1)];
}

static struct mutex *fd_lock(int fd)
{
	return &fd_stripe[(unsigned int)fd % FD_STRIPES];
}

/*
 * A shareable file is one end of a socket pair, the other end (kept
 * close-on-exec in *share_fd) the engine's: see share.c
 */
static int file_socket_create(bool cloexec, int *share_fd)
{
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
		return -errno;
	if (!cloexec && fcntl(pair[0], F_SETFD, 0)) {
		int rc = -errno;

		close(pair[0]);
		close(pair[1]);
		return rc;
	}
	*share_fd = pair[1];
	return pair[0];
}

/*
 * The descriptor of a new file; for a pipe, *write_fd gets its write end,
 * for a shareable file *share_fd the engine's end. A pollable file's
 * descriptors never block: the engine only signals them.
 */
static int file_handle_create(const struct iommufd_file_ops *ops, int pollable,
			      int open_flags, int *write_fd, int *share_fd)
{
	int cloexec = (open_flags & O_CLOEXEC) ? 1 : 0;
	char label[64];
	int p[2];
	int fd;

	if (ops->shareable)
		return file_socket_create(cloexec, share_fd);
	if (ops->served) {
		/* Its name tells a process it reaches the owner (share.c) */
		share_label(label, sizeof(label));
		fd = memfd_create(label, cloexec ? MFD_CLOEXEC : 0);
		return fd < 0 ? -errno : fd;
	}
	switch (pollable) {
	case IOMMUFD_FILE_POLL_INOUT:
		fd = eventfd(0, EFD_NONBLOCK | (cloexec ? EFD_CLOEXEC : 0));
		break;
	case IOMMUFD_FILE_POLL_IN:
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			return -errno;
		if (!cloexec && fcntl(p[0], F_SETFD, 0)) {
			close(p[0]);
			close(p[1]);
			return -errno;
		}
		*write_fd = p[1];
		return p[0];
	default:
		fd = memfd_create("uiommufd", cloexec ? MFD_CLOEXEC : 0);
		break;
	}
	return fd < 0 ? -errno : fd;
}

/* Files other processes may hold: the owner keeps a list of them */
static bool file_registered(const struct iommufd_file *file)
{
	return file->ops->shareable || file->ops->served;
}

static void file_identify(struct iommufd_file *file, int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return;
	file->dev = st.st_dev;
	file->ino = st.st_ino;
}

static struct iommufd_file *file_new(const struct iommufd_file_ops *ops,
				     void *private_data)
{
	struct iommufd_file *file = ufd_new(struct iommufd_file);

	if (!file)
		return NULL;
	file->ops = ops;
	file->private_data = private_data;
	file->event_fd = -1;
	file->drain_fd = -1;
	file->share_fd = -1;
	file->owner_pid = ufd_selfpid();
	refcount_set(&file->refs, 1);
	return file;
}

/* The descriptor a client's call made here, for the server to send */
static __thread int remote_created = -1;

int iommufd_file_remote_created(void)
{
	int fd = remote_created;

	remote_created = -1;
	return fd;
}

int iommufd_file_alloc(const struct iommufd_file_ops *ops, void *private_data,
		       int pollable, int open_flags,
		       struct iommufd_file **out_file)
{
	struct iommufd_file *file;
	struct iommufd_file **slot;
	int fd;
	int rc;

	file = file_new(ops, private_data);
	if (!file)
		return -ENOMEM;

	/*
	 * A client's ioctl gives the client a descriptor only as its value:
	 * a served file's (a dma-buf), which the server sends it
	 * (iommufd_file_remote_created()); not one it writes in a struct
	 */
	if (ufd_caller_is_remote() && !ops->served) {
		rc = -EOPNOTSUPP;
		goto err_free;
	}
	fd = file_handle_create(ops, pollable, open_flags, &file->event_fd,
				&file->share_fd);
	if (fd < 0) {
		rc = fd;
		goto err_free;
	}
	file_identify(file, fd);
	if (file_registered(file) && share_file_register(file)) {
		rc = -ENOMEM;
		goto err_close_event;
	}
	if (pollable) {
		/* The engine's own handle on what the user reads */
		int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

		if (dup_fd < 0) {
			rc = -errno;
			goto err_unregister;
		}
		if (file->event_fd < 0)
			file->event_fd = dup_fd;
		else
			file->drain_fd = dup_fd;
	}
	slot = fd_slot(fd, true);
	if (!slot) {
		rc = -EMFILE;
		goto err_unregister;
	}
	if (out_file)
		*out_file = file;
	/* In the slot, so the number counts as ours, but not usable yet */
	mutex_lock(fd_lock(fd));
	__atomic_store_n(slot, file, __ATOMIC_RELEASE);
	mutex_unlock(fd_lock(fd));
	if (ufd_caller_is_remote())
		remote_created = fd;
	return fd;

err_unregister:
	if (file_registered(file))
		share_file_unregister(file);
err_close_event:
	if (file->event_fd >= 0)
		close(file->event_fd);
	if (file->drain_fd >= 0)
		close(file->drain_fd);
	close(fd);
	if (file->share_fd >= 0)
		close(file->share_fd);
err_free:
	ufd_free(file);
	return rc;
}

int iommufd_file_create_kept(const struct iommufd_file_ops *ops,
			     void *private_data, int fd, int share_fd,
			     struct iommufd_file **out_file)
{
	struct iommufd_file **slot = fd_slot(fd, true);
	struct iommufd_file *file;

	if (!slot)
		return -EMFILE;
	if (WARN_ON(ops->shareable != (share_fd >= 0)))
		return -EINVAL;
	file = file_new(ops, private_data);
	if (!file)
		return -ENOMEM;
	file->share_fd = share_fd;
	file_identify(file, fd);
	if (file_registered(file) && share_file_register(file)) {
		ufd_free(file);
		return -ENOMEM;
	}
	file->installed = true;
	mutex_lock(fd_lock(fd));
	if (*slot) {
		mutex_unlock(fd_lock(fd));
		if (file_registered(file))
			share_file_unregister(file);
		ufd_free(file);
		return -EBUSY;
	}
	if (out_file)
		*out_file = file;
	__atomic_store_n(slot, file, __ATOMIC_RELEASE);
	mutex_unlock(fd_lock(fd));
	return fd;
}

struct iommufd_file *iommufd_file_next(int *fd)
{
	for (unsigned int n = (unsigned int)*fd; n < FD_TOP * FD_CHUNK; n++) {
		unsigned int top = n >> FD_CHUNK_SHIFT;
		struct iommufd_file *file;

		if (!__atomic_load_n(&fd_chunks[top], __ATOMIC_ACQUIRE)) {
			n = ((top + 1) << FD_CHUNK_SHIFT) - 1;
			continue;
		}
		file = iommufd_file_get((int)n);
		if (file) {
			*fd = (int)n;
			return file;
		}
	}
	return NULL;
}

void iommufd_file_install(int fd)
{
	struct iommufd_file **slot = fd_slot(fd, false);

	mutex_lock(fd_lock(fd));
	if (!WARN_ON(!slot || !*slot))
		(*slot)->installed = true;
	mutex_unlock(fd_lock(fd));
}

/*
 * Empty the slot of fd and close the descriptor unless the caller's libc
 * is about to (close_fd false); the file, or NULL
 */
static struct iommufd_file *file_unpublish(int fd, bool installed,
					   bool close_fd)
{
	struct iommufd_file **slot = fd_slot(fd, false);
	struct iommufd_file *file = NULL;

	if (!slot)
		return NULL;
	mutex_lock(fd_lock(fd));
	file = *slot;
	if (file && file->installed == installed)
		__atomic_store_n(slot, NULL, __ATOMIC_RELEASE);
	else
		file = NULL;
	mutex_unlock(fd_lock(fd));
	/* The descriptor goes first, as close(2) unhooks it before release */
	if (file && close_fd)
		close(fd);
	return file;
}

void iommufd_file_discard(int fd)
{
	struct iommufd_file *file = file_unpublish(fd, false, true);

	if (!WARN_ON(!file))
		iommufd_file_put(file);
}

int iommufd_file_create(const struct iommufd_file_ops *ops, void *private_data,
			int pollable, int open_flags,
			struct iommufd_file **out_file)
{
	int fd = iommufd_file_alloc(ops, private_data, pollable, open_flags,
				    out_file);

	if (fd >= 0)
		iommufd_file_install(fd);
	return fd;
}

struct iommufd_file *iommufd_file_get(int fd)
{
	struct iommufd_file **slot = fd_slot(fd, false);
	struct iommufd_file *file;

	if (!slot || !__atomic_load_n(slot, __ATOMIC_ACQUIRE))
		return NULL;
	mutex_lock(fd_lock(fd));
	file = *slot;
	if (file && file->installed)
		refcount_inc(&file->refs);
	else
		file = NULL;
	mutex_unlock(fd_lock(fd));
	return file;
}

/* Copies of other processes' files this process let go (file_put) */
static struct iommufd_file *orphans;

static bool file_is_others(struct iommufd_file *file)
{
	/* An adopted stub is others' even in the owner's exec'd image */
	return file_registered(file) &&
	       (file->adopted || file->owner_pid != ufd_selfpid());
}

bool iommufd_file_local(struct iommufd_file *file)
{
	return !file_is_others(file);
}

void iommufd_file_put(struct iommufd_file *file)
{
	if (!refcount_dec_and_test(&file->refs))
		return;
	/*
	 * A fork()ed child's copy of its parent's file: the objects are the
	 * owner's, and the accounting they carry is shared with it. Nothing
	 * of it is released here; the memory is the copy's.
	 */
	if (file_is_others(file)) {
		share_client_forget(file);
		if (file->adopted) {
			ufd_free(file);
			return;
		}
		file->orphan_next = __atomic_load_n(&orphans, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(
			&orphans, &file->orphan_next, file, true,
			__ATOMIC_RELEASE, __ATOMIC_RELAXED))
			;
		return;
	}
	if (file->ops->release)
		file->ops->release(file);
	if (file_registered(file))
		share_file_unregister(file);
	if (file->event_fd >= 0)
		close(file->event_fd);
	if (file->drain_fd >= 0)
		close(file->drain_fd);
	ufd_free(file);
}

static int file_adopt(int fd, const struct iommufd_file_ops *ops, int owner)
{
	struct iommufd_file **slot;
	struct iommufd_file *file;

	slot = fd_slot(fd, true);
	if (!slot)
		return -EBADF;
	file = ufd_new(struct iommufd_file);
	if (!file)
		return -ENOMEM;
	file->ops = ops;
	file->event_fd = -1;
	file->drain_fd = -1;
	file->share_fd = -1;
	file->owner_pid = owner;
	file->adopted = true;
	file->installed = true;
	refcount_set(&file->refs, 1); /* the descriptor's */
	/* Another thread may have adopted it meanwhile: one stub wins */
	mutex_lock(fd_lock(fd));
	if (!*slot) {
		__atomic_store_n(slot, file, __ATOMIC_RELEASE);
		file = NULL;
	}
	mutex_unlock(fd_lock(fd));
	ufd_free(file);
	return 0;
}

int iommufd_file_adopt(int fd)
{
	int owner = share_probe(fd);

	if (owner < 0)
		return -EBADF;
	return file_adopt(fd, &share_remote_ops, owner);
}

int iommufd_file_adopt_served(int fd, const struct iommufd_file_ops *ops,
			      int owner)
{
	if (WARN_ON(!ops->served))
		return -EINVAL;
	return file_adopt(fd, ops, owner);
}

int iommufd_file_served_label(int fd)
{
	return share_probe_label(fd);
}

struct iommufd_file *iommufd_file_get_user(int fd, int *err)
{
	struct iommufd_file *file;
	struct stat st;
	int nfd;

	if (!ufd_caller_is_remote()) {
		file = iommufd_file_get(fd);
		if (!file)
			*err = fcntl(fd, F_GETFD) < 0 ? -EBADF : -EBADFD;
		return file;
	}
	/*
	 * The client's descriptor: ours only if it is the open file one of
	 * our files was made on (a socket end, a memfd), whatever its number
	 */
	nfd = ufd_caller_fd_dup(fd);
	if (nfd < 0) {
		*err = -EBADF;
		return NULL;
	}
	file = fstat(nfd, &st) ? NULL : share_file_find(st.st_dev, st.st_ino);
	close(nfd);
	if (!file)
		*err = -EBADFD;
	return file;
}

int iommufd_file_share(int fd)
{
	struct iommufd_file *file = iommufd_file_get(fd);
	int rc = 0;

	if (!file)
		return -EBADF;
	if (!file_registered(file))
		rc = -EINVAL;
	else if (!file_is_others(file))
		rc = share_file_publish(file);
	iommufd_file_put(file);
	return rc;
}

int iommufd_file_kind(int fd)
{
	struct iommufd_file **slot = fd_slot(fd, false);
	struct iommufd_file *file;

	int kind = UIOMMUFD_FD_NONE;

	/* Most descriptors of a process are not ours: answer without a lock */
	if (!slot || !__atomic_load_n(slot, __ATOMIC_ACQUIRE))
		return UIOMMUFD_FD_NONE;
	mutex_lock(fd_lock(fd));
	file = *slot;
	if (file)
		kind = file->ops->kind;
	mutex_unlock(fd_lock(fd));
	return kind;
}

int iommufd_file_dup(int oldfd, int newfd)
{
	struct iommufd_file *file = iommufd_file_get(oldfd);
	struct iommufd_file **slot;

	if (!file)
		return -EBADF;
	slot = fd_slot(newfd, true);
	if (!slot) {
		iommufd_file_put(file);
		return -EMFILE;
	}
	/*
	 * The reference taken by get now belongs to newfd. A newfd still
	 * holding another file is the caller's mistake (the API says to
	 * close it first), not the engine's: no warning.
	 */
	mutex_lock(fd_lock(newfd));
	if (*slot) {
		mutex_unlock(fd_lock(newfd));
		iommufd_file_put(file);
		return -EBUSY;
	}
	__atomic_store_n(slot, file, __ATOMIC_RELEASE);
	mutex_unlock(fd_lock(newfd));
	return 0;
}

int iommufd_file_close(int fd)
{
	struct iommufd_file *file = file_unpublish(fd, true, true);

	if (!file)
		return -EBADF;
	if (file_registered(file) && !file_is_others(file))
		share_file_closed(file);
	iommufd_file_put(file);
	return 0;
}

long iommufd_file_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg)
{
	if (unlikely(file_is_others(file)))
		return share_client_ioctl(file, fd, cmd, arg);
	if (!file->ops->ioctl)
		return -ENOTTY;
	return file->ops->ioctl(file, cmd, arg);
}

bool iommufd_file_positioned(struct iommufd_file *file, bool write)
{
	if (file_is_others(file))
		return file->ops->served;
	return write ? file->ops->write_at != NULL : file->ops->read_at != NULL;
}

ssize_t iommufd_file_rw_at(struct iommufd_file *file, int fd, void *buf,
			   size_t count, uint64_t *pos, bool write)
{
	if (unlikely(file_is_others(file)))
		return share_client_rw(file, fd, buf, count, pos, write);
	return write ? file->ops->write_at(file, buf, count, pos)
		     : file->ops->read_at(file, buf, count, pos);
}

int iommufd_file_forget(int fd)
{
	struct iommufd_file *file = file_unpublish(fd, true, false);

	if (!file)
		return -EBADF;
	iommufd_file_put(file);
	return 0;
}

void iommufd_file_set_readable(struct iommufd_file *file, bool readable)
{
	uint64_t v = 1;

	if (file->event_fd < 0)
		return;
	if (file->drain_fd >= 0) {
		/* A pipe: one byte in it while there is data */
		char c = 0;

		if (readable && !file->readable)
			file->readable = write(file->event_fd, &c, 1) == 1;
		else if (!readable && file->readable)
			file->readable = read(file->drain_fd, &c, 1) != 1;
		return;
	}
	if (readable) {
		/* A counter at 1 or more means POLLIN; never let it wrap */
		if (eventfd_read(file->event_fd, &v) == 0 || errno == EAGAIN)
			eventfd_write(file->event_fd, 1);
	} else {
		eventfd_read(file->event_fd, &v);
	}
}

int iommufd_file_mmap(struct iommufd_file *file, int fd, void *addr,
		      size_t length, int prot, int flags, off_t offset,
		      void **out)
{
	struct iommufd_vma vma = {};
	int rc;

	/* Another process' file: what the owner says to map (a BAR: MMIO) */
	if (file_is_others(file)) {
		if (!file->ops->served)
			return -ENODEV;
		rc = share_client_mmap(file, fd, addr, length, prot, flags,
				       offset, out);
		if (rc)
			return rc;
		rc = ufd_vma_add_pfnmap((uintptr_t)*out, length);
		if (rc) {
			mmio_trap_remove((uintptr_t)*out, length);
			munmap(*out, length);
		}
		return rc;
	}
	if (!file->ops->mmap)
		return -ENODEV;
	rc = file->ops->mmap(file, addr, length, prot, flags, offset, out,
			     &vma);
	if (rc)
		return rc;
	if (vma.trap_ops) {
		rc = mmio_trap_add((uintptr_t)*out, length, prot,
				   vma.trap_offset, vma.trap_ops,
				   vma.trap_priv);
		if (rc)
			goto err_unmap;
	}
	if (vma.vm_flags & VM_PFNMAP) {
		rc = ufd_vma_add_pfnmap((uintptr_t)*out, length);
		if (rc)
			goto err_untrap;
	}
	return 0;

err_untrap:
	if (vma.trap_ops)
		mmio_trap_remove((uintptr_t)*out, length);
err_unmap:
	munmap(*out, length);
	return rc;
}
