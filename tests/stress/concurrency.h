/* SPDX-License-Identifier: MIT */
/*
 * test_concurrency: what the operations the workers pick at random
 * (concurrency_ops.c) share with the contexts, workers and phases that
 * run them (test_concurrency.c): the IOVA layout, the context and worker
 * state, and the checks that count a failure.
 */
#ifndef CONCURRENCY_H
#define CONCURRENCY_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../lib/helpers.h"

#define NSHARED	   2 /* shared IOASes besides the source */
#define NSLOTS	   4 /* own ranges per thread per shared IOAS */
#define SLOT_PAGES 16
#define SRC_PAGES  64
#define MAX_PINS   8 /* race pins a thread keeps at once */

/* IOVA layout of a shared IOAS: a window per thread, high up */
#define THREAD_BASE (1ULL << 40)
#define THREAD_SPAN (1ULL << 32)
#define OFF_SLOT(i) ((uint64_t)(i) << 20)
#define OFF_RACE    (8ULL << 20)
#define OFF_COPY    (12ULL << 20)
#define OFF_FILE    (16ULL << 20)
#define OFF_NEVER   (32ULL << 20) /* never mapped by anyone */
#define SRC_IOVA    (1ULL << 30)  /* in the source IOAS */

/* Reserved range of the private IOASes */
#define RES_START (1ULL << 32)
#define RES_LAST  ((1ULL << 33) - 1)

enum op {
	OP_MAP,
	OP_UNMAP,
	OP_UNMAP_NEVER,
	OP_MAP_ALLOC,
	OP_COPY,
	OP_RANGES,
	OP_PRIV_IOAS,
	OP_DESTROY_BUSY,
	OP_ACCESS_CYCLE,
	OP_PIN_OWN,
	OP_RW_OWN,
	OP_RW_SRC,
	OP_RACE_TOGGLE,
	OP_RACE_PIN,
	OP_RACE_RW,
	OP_MAP_FILE,
	OP_MAX,
};

struct worker;

struct ctx {
	int fd;
	uint32_t src_ioas;
	uint32_t ioas[NSHARED];
	int holder_src; /* access pinning the whole source */
	uint32_t holder_item;
	int holder[NSHARED]; /* accesses keeping the shared IOASes busy */
	char *src_buf;
	unsigned int nworkers;
	struct worker **workers;
};

struct pin {
	int s;
	uint32_t item;
};

struct worker {
	unsigned int idx; /* the window in the shared IOASes */
	unsigned int tid; /* for messages */
	struct ctx *ctx;
	pthread_t thread;
	uint64_t rng;
	char *own;	 /* NSHARED * NSLOTS slots */
	char *race;	 /* NSHARED slots */
	char *priv;	 /* one slot */
	char *scratch;	 /* scratch_len */
	int memfd;	 /* NSHARED slots */
	char *file_view; /* the memfd, mapped shared here */
	int acc[NSHARED];
	int acc_src;
	bool own_mapped[NSHARED][NSLOTS];
	bool race_mapped[NSHARED];
	bool file_mapped[NSHARED];
	struct pin pins[MAX_PINS];
	unsigned int npins;
	bool abandon; /* phase 2: close without cleaning up */
	uint64_t ops[OP_MAX];
	/* How the races ended: 0, ENOENT, EINVAL */
	uint64_t race_pin[3], race_rw[3], race_unpin[3];
};

/* rc must be want */
#define EXPECT(w, rc, want)                                            \
	({                                                             \
		long _rc = (rc), _want = (want);                       \
		if (_rc != _want)                                      \
			fail(w, __LINE__, "%s = %s, expected %s", #rc, \
			     ename(_rc), ename(_want));                \
		_rc == _want;                                          \
	})

/* rc must be one of the listed values */
#define EXPECT_IN(w, rc, ...)                                                 \
	({                                                                    \
		long _rc = (rc), _ok[] = {__VA_ARGS__};                       \
		bool _in = false;                                             \
		for (size_t _i = 0; _i != sizeof(_ok) / sizeof(_ok[0]); _i++) \
			_in |= _rc == _ok[_i];                                \
		if (!_in)                                                     \
			fail(w, __LINE__, "%s = %s, not in {%s}", #rc,        \
			     ename(_rc), #__VA_ARGS__);                       \
		_rc;                                                          \
	})

#define CHECK_W(w, cond)                                              \
	({                                                            \
		bool _c = (cond);                                     \
		if (!_c)                                              \
			fail(w, __LINE__, "check failed: %s", #cond); \
		_c;                                                   \
	})

typedef void (*op_fn)(struct worker *w, int fd);

/* test_concurrency.c */
extern size_t psz;
extern size_t slot_len;
void fail(struct worker *w, int line, const char *fmt, ...);
const char *ename(long rc);

/* concurrency_ops.c */
long ioas_alloc_id(int fd, uint32_t *id);
long unmap_len(int fd, uint32_t ioas, uint64_t iova, uint64_t len);
long access_pages(int fd, int afd, uint64_t iova, uint64_t len, void *uptr,
		  bool write, uint32_t *item);
long unpin(int fd, int afd, uint32_t item);
unsigned int rnd_below(struct worker *w, unsigned int n);
void fill(void *buf, size_t len, uint32_t seed);

extern const op_fn ops[OP_MAX];

#endif
