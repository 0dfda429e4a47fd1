/* SPDX-License-Identifier: MIT */
/*
 * The io_pagetable model test's state and what its parts share:
 * model_ioas.c has the memory, the checks and the program, ioas_ops.c the
 * operations, ioas_model.c the model.
 */
#ifndef UIOMMUFD_TESTS_MODEL_IOAS_H
#define UIOMMUFD_TESTS_MODEL_IOAS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

#include "ioas_model.h"
#include "model.h"

#define ANON_LEN  (16ULL << 20)
#define MFD_LEN	  (8ULL << 20)
#define NPHYS	  ((ANON_LEN + MFD_LEN) / M_PAGE)
#define WINDOW	  (64ULL << 20)
#define RW_MAX	  (64ULL << 10)
#define MAP_R	  IOMMU_IOAS_MAP_READABLE
#define MAP_W	  IOMMU_IOAS_MAP_WRITEABLE
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#ifdef MODEL_REFKERNEL
static inline int dev_open(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline long dev_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static inline void dev_close(int fd)
{
	close(fd);
}
#else
#include <uiommufd/uiommufd.h>

static inline int dev_open(void)
{
	return uiommufd_open(O_CLOEXEC);
}

static inline long dev_ioctl(int fd, unsigned long req, void *arg)
{
	return uiommufd_ioctl(fd, req, (unsigned long)arg);
}

static inline void dev_close(int fd)
{
	uiommufd_close(fd);
}
#endif

enum op_kind {
	OP_MAP,
	OP_MAP_FILE,
	OP_COPY,
	OP_UNMAP,
	OP_UNMAP_ALL,
	OP_ALLOW,
	OP_RESERVE,
	OP_HUGE,
	OP_ATTACH,
	OP_HWPT_ALLOC,
	OP_DETACH,
	OP_HWPT_DESTROY,
	OP_ACCESS_CREATE,
	OP_ACCESS_CLOSE,
	OP_ACCESS_PAGES,
	OP_ACCESS_UNPIN,
	OP_ACCESS_RW,
	OP_CHECK_MAP,
	OP_CHECK_REFS,
	OP_IOVA_RANGES,
	OP_TABLES,
	NR_OPS
};

extern struct model_op_count counts[NR_OPS];

struct ioas_test {
	struct model_rng rng;
	struct model_log log;
	uint64_t seed, step;
	int fd;
	int check_fd; /* a context of its own for CHECK_REFS, which needs none
		       */
	bool check_tables;
	struct ioas_model m;
	int mfd;
	unsigned int refs[NPHYS];
	/* IOVA unmapped by this step: no domain may translate it */
	struct m_range gone[8];
	unsigned int ngone;
};
extern struct ioas_test t;

void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...);
/* Count a call and compare its result with the model's */
void expect(enum op_kind kind, const char *what, long rc, long want);
long test_cmd(struct iommu_test_cmd *cmd);

/* Operations (ioas_ops.c) */
void op_map(bool file);
void op_copy(void);
void do_unmap(int ioas, uint64_t iova, uint64_t len);
void op_unmap(void);
void op_unmap_all(void);
void op_allow(void);
void op_reserve(void);
void op_huge(void);
void op_attach(void);
void op_hwpt_alloc(void);
void op_detach(void);
void op_hwpt_destroy(void);
void op_access_create(void);
void op_access_close(void);
void op_access_pages(void);
void op_access_unpin(void);
void op_access_rw(void);
uint64_t rnd(uint64_t n);
bool pct(unsigned int p);

#endif
