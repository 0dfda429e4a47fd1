/* SPDX-License-Identifier: MIT */
/*
 * Engine files: what the kernel's struct file is to iommufd. The iommufd
 * itself and every file it creates (access, fault queue, vEVENTQ, dma-buf)
 * is an engine file reached through real descriptors of the process, so
 * that programs can poll, dup and close them like kernel files.
 */
#ifndef UIOMMUFD_CORE_FILE_H
#define UIOMMUFD_CORE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/lock.h"
#include "../mm/mmio_trap.h"

struct iommufd_file;

/* What a driver's mmap sets on the new mapping (the kernel's vma) */
struct iommufd_vma {
	unsigned long vm_flags;
#define VM_IO	  0x00004000UL /* memory-mapped I/O: no pins, no core dump */
#define VM_PFNMAP 0x00000400UL /* page frames without struct page */
	/*
	 * A mapping made PROT_NONE whose accesses the driver serves (a
	 * register BAR): its ops, their argument, the offset of its start
	 */
	const struct mmio_trap_ops *trap_ops;
	void *trap_priv;
	uint64_t trap_offset;
};

struct iommufd_file_ops {
	int kind; /* enum uiommufd_fd_kind */
	/*
	 * Other processes holding a descriptor use the file too: its ioctls
	 * reach this process' engine (share.c, docs/multiprocess.md)
	 */
	bool shareable;
	/*
	 * Other processes holding a descriptor (a memfd: a VFIO cdev) use the
	 * file too, through the channel of a context of the same owner they
	 * hold, after the owner checked they hold this very file (share.c)
	 */
	bool served;
	/*
	 * A served file in a process that is not its owner: in *anchor the
	 * descriptor of a context of the owner the call names, through which
	 * to reach it (VFIO_DEVICE_BIND_IOMMUFD's iommufd), -1 if none. 0,
	 * or -errno: the call's answer.
	 */
	int (*client_anchor)(unsigned int cmd, unsigned long arg, int *anchor);
	long (*ioctl)(struct iommufd_file *file, unsigned int cmd,
		      unsigned long arg);
	ssize_t (*read)(struct iommufd_file *file, void *buf, size_t count);
	ssize_t (*write)(struct iommufd_file *file, const void *buf,
			 size_t count);
	/*
	 * A file without a position that takes pread and pwrite at any
	 * offset as read and write (the fail-nth file); others answer ESPIPE
	 */
	bool any_offset;
	/*
	 * Map the file; *vma (zeroed on entry) takes what the driver sets
	 * on the new mapping, as a kernel driver sets the vma's fields
	 */
	int (*mmap)(struct iommufd_file *file, void *addr, size_t length,
		    int prot, int flags, off_t offset, void **out,
		    struct iommufd_vma *vma);
	/*
	 * mmap() by another process (share.c), after the checks of mmap: the
	 * descriptor the client maps itself in *map_fd (ours; sent to it) at
	 * *map_off, or -1 in *map_fd: the client traps the mapping's accesses,
	 * which come back as read_at/write_at at @offset plus their place
	 */
	int (*mmap_remote)(struct iommufd_file *file, size_t length, int prot,
			   int flags, off_t offset, int *map_fd,
			   uint64_t *map_off);
	/*
	 * Files with a position (VFIO devices, whose offsets select regions):
	 * read or write at *pos and advance it. read and write then go here
	 * with the descriptor's position.
	 */
	ssize_t (*read_at)(struct iommufd_file *file, void *buf, size_t count,
			   uint64_t *pos);
	ssize_t (*write_at)(struct iommufd_file *file, const void *buf,
			    size_t count, uint64_t *pos);
	/*
	 * The device node the file was opened through ("/dev/vfio/3"), for
	 * fstat(); 0, or -ENOENT for a file without one.
	 */
	int (*devnode)(struct iommufd_file *file, char *buf, size_t size);
	/* Lines of /proc/<pid>/fdinfo/<fd> after the kernel's own, to @out */
	void (*show_fdinfo)(struct iommufd_file *file, int out);
	/*
	 * The file has no state yet that execve() would lose (file_exec.c):
	 * the words that make it again in the new image to @buf ("iommufd:7",
	 * with no ',' in them), their length; 0 if it cannot be kept
	 */
	int (*exec_describe)(struct iommufd_file *file, char *buf, size_t size);
	/* Last reference gone */
	void (*release)(struct iommufd_file *file);
};

struct iommufd_file {
	const struct iommufd_file_ops *ops;
	void *private_data;
	/* One per descriptor plus one per engine holder (iommufd_file_get) */
	refcount_t refs;
	/*
	 * The engine's own descriptor of a pollable file, used to signal
	 * readiness (-1 when the file is not pollable): the eventfd, or the
	 * write end of the pipe of a file that is never writable, whose read
	 * end drain_fd empties.
	 */
	int event_fd;
	int drain_fd;
	bool readable;
	/* Its descriptors can be used (iommufd_file_install() was called) */
	bool installed;
	/* A shareable file: the process whose engine holds it */
	int owner_pid;
	/* and the engine's end of the descriptor's socket pair */
	int share_fd;
	/* Another process may hold it: the server end holds a reference */
	bool shared;
	/*
	 * Another process' context, received (SCM_RIGHTS, execve()) by a
	 * process that never had its engine: no state here but the stub
	 */
	bool adopted;
	/*
	 * The open file behind its descriptors (fstat() of the first): how the
	 * owner finds the file a client names by a descriptor of its own
	 */
	uint64_t dev, ino;
	/* A copy of an owner's file, let go in a child (reachable here) */
	struct iommufd_file *orphan_next;
};

/* How a file polls: not at all, or POLLIN as it has data (and POLLOUT) */
enum {
	IOMMUFD_FILE_NOPOLL = 0,
	/* Always writable (POLLOUT): an eventfd */
	IOMMUFD_FILE_POLL_INOUT = 1,
	/* Never writable: the read end of a pipe */
	IOMMUFD_FILE_POLL_IN = 2,
};

/*
 * Create a file and a descriptor for it. A pollable file (@pollable one of
 * the IOMMUFD_FILE_POLL_*) is an eventfd or a pipe the engine signals;
 * otherwise a memfd gives each file its own inode. Returns
 * the descriptor or -errno; on failure nothing is left behind and the
 * release op is not called.
 *
 * The descriptor is not usable until iommufd_file_install(), as the
 * kernel's get_unused_fd() before fd_install(): an ioctl, dup or close of
 * the number gets EBADF meanwhile, so no thread reaches a half-built
 * object through a descriptor number it guessed. *out_file is set before
 * the descriptor exists.
 */
int iommufd_file_alloc(const struct iommufd_file_ops *ops, void *private_data,
		       int pollable, int open_flags,
		       struct iommufd_file **out_file);
/*
 * A file on descriptors that exist already: one kept over execve()
 * (file_exec.c), its descriptor @fd and, for a shareable file, the
 * engine's end @share_fd (-1 otherwise). Installed at once. Returns @fd,
 * -EBUSY when @fd is a file already, -ENOMEM; the release op is not called
 * on failure, and the descriptors stay the caller's.
 */
int iommufd_file_create_kept(const struct iommufd_file_ops *ops,
			     void *private_data, int fd, int share_fd,
			     struct iommufd_file **out_file);
/*
 * The first usable file at a descriptor number >= *fd, with a reference,
 * its number in *fd; NULL when there is none
 */
struct iommufd_file *iommufd_file_next(int *fd);
/* The object behind an allocated descriptor is complete: publish it */
void iommufd_file_install(int fd);
/*
 * Undo iommufd_file_alloc() of a file that was never installed: the
 * descriptor goes and the file's reference is dropped (release runs).
 */
void iommufd_file_discard(int fd);
/* iommufd_file_alloc() and iommufd_file_install() at once */
int iommufd_file_create(const struct iommufd_file_ops *ops, void *private_data,
			int pollable, int open_flags,
			struct iommufd_file **out_file);
/* The file a descriptor refers to, with a reference; NULL if not ours */
struct iommufd_file *iommufd_file_get(int fd);
/*
 * mmap() of a file, as the VFS does it: the driver's op, then a mapping the
 * driver made VM_PFNMAP is recorded so that pins refuse it. -ENODEV for a
 * file without an mmap op.
 */
int iommufd_file_mmap(struct iommufd_file *file, int fd, void *addr,
		      size_t length, int prot, int flags, off_t offset,
		      void **out);
void iommufd_file_put(struct iommufd_file *file);
/* Record a dup of a descriptor of ours */
int iommufd_file_dup(int oldfd, int newfd);
/* Close one descriptor of a file */
int iommufd_file_close(int fd);
/* As close, but the descriptor stays open: the caller closes it next */
int iommufd_file_forget(int fd);
int iommufd_file_kind(int fd);

/*
 * fd is not ours: if it is a context another process serves, and one of
 * our user's (or root's), it becomes ours as a stub whose ioctls go to
 * the owner. 0, -EBADF (not a context, or another user's), -ENOMEM.
 */
int iommufd_file_adopt(int fd);
/*
 * fd is not ours: a stub with @ops (served) of the file of process @owner
 * whose ioctls go to the owner. 0, -EBADF, -ENOMEM.
 */
int iommufd_file_adopt_served(int fd, const struct iommufd_file_ops *ops,
			      int owner);
/*
 * The owner pid a memfd's label names, if fd is a served file's memfd of
 * our user (or root): a claim the owner checks, or -EBADF
 */
int iommufd_file_served_label(int fd);
/*
 * The file behind descriptor @fd of the caller, with a reference: ours,
 * or for a client's call (ufd_caller_is_remote()) the file of ours it
 * holds a descriptor of. NULL with *err set: -EBADF (no descriptor),
 * -EBADFD (not a file of ours).
 */
struct iommufd_file *iommufd_file_get_user(int fd, int *err);
/*
 * Another process will hold the descriptor (it is about to be sent with
 * SCM_RIGHTS): start serving the file. 0, or -errno.
 */
int iommufd_file_share(int fd);

/*
 * The process is about to execve(): the files it can keep (file_exec.c)
 * described in @buf, for the new image's iommufd_exec_restore(); their
 * engine ends made inheritable. The length of the list, or -EINVAL.
 */
int iommufd_file_exec_prepare(char *buf, size_t size);
/* The execve() failed: the engine ends are close-on-exec again */
void iommufd_file_exec_failed(void);

/* The file's engine is this process' (not a fork()ed copy of another's) */
bool iommufd_file_local(struct iommufd_file *file);
/*
 * An ioctl on descriptor fd of the file: its ioctl op, or the owner's
 * engine when the file is another process' (share.c)
 */
long iommufd_file_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg);

/*
 * read_at or write_at of descriptor fd of the file at *pos: its op, or the
 * owner's when the file is another process' served file
 */
ssize_t iommufd_file_rw_at(struct iommufd_file *file, int fd, void *buf,
			   size_t count, uint64_t *pos, bool write);
/*
 * The descriptor of a served file the last client's call made in this
 * thread (to send to the client), or -1; forgotten by the call
 */
int iommufd_file_remote_created(void);
/* The file has a position its reads and writes go to (read_at ...) */
bool iommufd_file_positioned(struct iommufd_file *file, bool write);

/* Readiness of a pollable file: set when data can be read, clear when not */
void iommufd_file_set_readable(struct iommufd_file *file, bool readable);

#endif
