/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ioctl: a program of operations over 1-3 iommufd contexts.
 *
 * Each operation starts with one byte (the operation, modulo their number)
 * followed by its choices (fuzz_common.h). The program keeps what the
 * engine answered: the IDs of the objects made, the descriptors received,
 * the IOVA ranges mapped. Later operations pick among them, so an input
 * builds an object graph step by step instead of guessing numbers.
 */
#ifndef UIOMMUFD_FUZZ_IOCTL_H
#define UIOMMUFD_FUZZ_IOCTL_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

/* The operations, in the order of their byte (keep: the corpus uses it) */
#define FZ_OPS(X)                 \
	X(OPEN_CTX)               \
	X(CLOSE_FD)               \
	X(DUP_FD)                 \
	X(FAIL_NTH)               \
	X(NEW_MEMFD)              \
	X(TRUNCATE_MEMFD)         \
	X(DESTROY)                \
	X(IOAS_ALLOC)             \
	X(IOAS_MAP)               \
	X(IOAS_MAP_FILE)          \
	X(IOAS_UNMAP)             \
	X(IOAS_COPY)              \
	X(IOAS_IOVA_RANGES)       \
	X(IOAS_ALLOW_IOVAS)       \
	X(IOAS_CHANGE_PROCESS)    \
	X(OPTION)                 \
	X(VFIO_IOAS)              \
	X(HWPT_ALLOC)             \
	X(HWPT_INVALIDATE)        \
	X(HWPT_SET_DIRTY)         \
	X(HWPT_GET_DIRTY)         \
	X(GET_HW_INFO)            \
	X(FAULT_ALLOC)            \
	X(VIOMMU_ALLOC)           \
	X(VDEVICE_ALLOC)          \
	X(VEVENTQ_ALLOC)          \
	X(HW_QUEUE_ALLOC)         \
	X(RAW_IOCTL)              \
	X(T_ADD_RESERVED)         \
	X(T_MOCK_DOMAIN)          \
	X(T_MOCK_REPLACE)         \
	X(T_CHECK_MAP)            \
	X(T_CHECK_REFS)           \
	X(T_CREATE_ACCESS)        \
	X(T_ACCESS_PAGES)         \
	X(T_ACCESS_RW)            \
	X(T_DESTROY_ACCESS_PAGES) \
	X(T_ACCESS_REPLACE_IOAS)  \
	X(T_MEMORY_LIMIT)         \
	X(T_DIRTY)                \
	X(T_CHECK_IOTLB)          \
	X(T_CHECK_DEV_CACHE)      \
	X(T_TRIGGER_IOPF)         \
	X(T_TRIGGER_VEVENT)       \
	X(T_PASID)                \
	X(T_DMABUF_GET)           \
	X(T_DMABUF_REVOKE)        \
	X(FILE_READ)              \
	X(FILE_WRITE)             \
	X(FILE_MMAP)              \
	X(VFIO_API)               \
	X(VFIO_CHECK_EXT)         \
	X(VFIO_SET_IOMMU)         \
	X(VFIO_GET_INFO)          \
	X(VFIO_MAP_DMA)           \
	X(VFIO_UNMAP_DMA)         \
	X(VFIO_DIRTY_PAGES)       \
	X(CDEV_OPEN)              \
	X(CDEV_BIND)              \
	X(CDEV_ATTACH)            \
	X(CDEV_DETACH)            \
	X(CDEV_INFO)

#define FZ_OP_ENUM(name) FZ_OP_##name,
enum fz_op { FZ_OPS(FZ_OP_ENUM) FZ_NR_OPS };
#undef FZ_OP_ENUM

/* Kinds of IDs the engine hands out */
enum fz_kind {
	K_IOAS,
	K_HWPT,
	K_IDEV,	 /* device objects: mock (out_idev_id) and VFIO (out_devid) */
	K_STDEV, /* selftest objects owning a mock device */
	K_FAULT,
	K_PAGES, /* access pages handles (their access fd in .aux) */
	K_VIOMMU,
	K_VDEVICE,
	K_VEVENTQ,
	K_COOKIE, /* fault cookies read from a fault queue */
	K_NR_KINDS,
};

/* Kinds of descriptors */
enum fz_fd_kind {
	F_CTX,	     /* uiommufd_open() */
	F_CONTAINER, /* uiommufd_vfio_open(): an iommufd as well */
	F_ACCESS,
	F_FAULT,
	F_VEVENTQ,
	F_DMABUF,
	F_MEMFD,
	F_CDEV,
	F_NR_KINDS,
};
#define FM(k)  (1u << (k))
#define FM_CTX (FM(F_CTX) | FM(F_CONTAINER))
#define FM_ANY ((1u << F_NR_KINDS) - 1)

#define FZ_MAX_IDS    64
#define FZ_MAX_FDS    24
#define FZ_MAX_MAPS   16
#define FZ_MAX_MMAPS  4
#define FZ_MAX_CTX    3
#define FZ_MAX_PINNED 4

struct fz_id {
	uint32_t id;
	uint8_t kind;
	int aux;
};

struct fz_fd {
	int fd;
	uint8_t kind;
};

struct fz_state {
	struct fz_id ids[FZ_MAX_IDS];
	unsigned int nids;
	struct fz_fd fds[FZ_MAX_FDS];
	unsigned int nfds;
	struct {
		uint64_t iova, len;
	} maps[FZ_MAX_MAPS];
	unsigned int nmaps;
	struct {
		void *addr;
		size_t len;
	} mmaps[FZ_MAX_MMAPS];
	unsigned int nmmaps;
	/* First pages of user memory pinned, checked at the end */
	uint64_t pinned[FZ_MAX_PINNED];
	unsigned int npinned;
	int stale_fd;	       /* the number of the last descriptor closed */
	unsigned int fail_nth; /* armed for the next engine call */
	bool memory_limit_set; /* the test's global batch limit changed */
};

/* Engine calls: arm fail-nth, check that a fired injection failed the call */
long fz_ioctl(struct fz_state *st, int fd, unsigned long cmd, void *arg);
long fz_ioctl_int(struct fz_state *st, int fd, unsigned long cmd,
		  unsigned long arg);
long fz_rw(struct fz_state *st, int fd, void *buf, size_t count, int how);

/* Choices that depend on what the program holds */
int fz_fd(struct fz_state *st, struct fz_input *in, unsigned int mask);
static inline int fz_ctx(struct fz_state *st, struct fz_input *in)
{
	return fz_fd(st, in, FM_CTX);
}
uint32_t fz_id(struct fz_state *st, struct fz_input *in, enum fz_kind kind);
struct fz_id *fz_id_entry(struct fz_state *st, struct fz_input *in,
			  enum fz_kind kind);
uint64_t fz_iova(struct fz_state *st, struct fz_input *in);

void fz_add_id(struct fz_state *st, enum fz_kind kind, uint32_t id, int aux);
/* Takes @fd into the table, or closes it at once when the table is full */
void fz_add_fd(struct fz_state *st, enum fz_fd_kind kind, int fd);
void fz_add_map(struct fz_state *st, uint64_t iova, uint64_t len);
/* A user page a successful call pinned (or mapped), for the final check */
void fz_add_pinned(struct fz_state *st, uint64_t uptr);
void fz_add_mmap(struct fz_state *st, void *addr, size_t len);

typedef long (*fz_op_fn)(struct fz_state *st, struct fz_input *in);
/* Operations of each area, indexed by enum fz_op (NULL: not theirs) */
void fz_ops_iommufd(fz_op_fn *ops);
void fz_ops_selftest(fz_op_fn *ops);
void fz_ops_vfio(fz_op_fn *ops);

/* The emulated devices the VFIO operations open (made once) */
void fz_vfio_init(void);

#define fz_offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))
/* Pass cmd through fz_arg() with its real size and minimum */
#define FZ_ARG(in, a, cmd, last)           \
	fz_arg(in, a, &(cmd), sizeof(cmd), \
	       fz_offsetofend(__typeof__(cmd), last))

#endif
