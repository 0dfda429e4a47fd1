/* SPDX-License-Identifier: MIT */
/*
 * What the owner's server (share.c) and a client (share_client.c) say to
 * each other (docs/multiprocess.md). Private to src/fs.
 */
#ifndef UIOMMUFD_FS_SHARE_PROTO_H
#define UIOMMUFD_FS_SHARE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define SHARE_MAGIC 0x75667368u /* "ufsh" */
/*
 * The abstract name of a server end. A process given the descriptor by
 * SCM_RIGHTS or execve() reads it with getpeername(): the only way to
 * tell a context from any other socket without writing to it. A bound
 * socket that does not listen refuses connect(): the name is no door.
 * Only a served file has one, so no process ever waits on a file whose
 * owner does not answer.
 */
#define SHARE_NAME_PREFIX "uiommufd-ctx/"
/*
 * The memfd name of a served file (a VFIO cdev), with its owner's pid:
 * only a claim, which tells a process where to ask. The owner serves it
 * only to a process that holds the very file (same inode, taken with
 * pidfd_getfd()), so a forged memfd gets nothing from any engine.
 */
#define SHARE_LABEL_PREFIX "uiommufd-dev/"

enum share_op {
	SHARE_OP_IOCTL,
	SHARE_OP_READ, /* read_at: arg is the buffer, count bytes at pos */
	SHARE_OP_WRITE,
	/*
	 * mmap_remote: count bytes at pos, cmd the protection, arg the
	 * flags; the answer's pos is the offset in the descriptor it carries
	 * (none: the client traps the mapping)
	 */
	SHARE_OP_MMAP,
};

struct share_req {
	uint32_t magic;
	uint32_t op;
	uint32_t cmd;
	uint32_t reserved;
	uint64_t arg;
	uint64_t count;
	uint64_t pos;
};

struct share_reply {
	int64_t rc;
	uint64_t pos;
};

/*
 * A hello for a served file: sent on a context of the same owner, naming
 * the client's descriptor of the file. A context's own hello is one byte.
 */
struct share_hello {
	uint32_t magic;
	int32_t dev_fd;
};

/* Room for @need elements of @size in *array of *cap; -ENOMEM */
int share_grow(void **array, size_t *cap, size_t need, size_t size);
/* A forked child: the channels are its parent's, closed */
void share_client_atfork_child(void);

#endif
