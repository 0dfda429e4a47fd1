// SPDX-License-Identifier: MIT
/*
 * Concurrency stress: many threads on one iommufd context, then one context
 * per thread.
 *
 * Phase 1: N threads share one context. It holds a source IOAS (a buffer
 * mapped once, pinned whole by a "holder" access) and NSHARED shared IOASes
 * (kept busy by holder accesses). Each thread owns a window of IOVA in each
 * shared IOAS and, chosen at random, maps and unmaps its own ranges, unmaps
 * ranges nobody ever maps, copies from the source IOAS into its window,
 * asks for the IOVA ranges, allocates and destroys private IOASes, tries to
 * destroy the shared ones, creates and closes accesses, pins and unpins its
 * own pages, reads and writes through accesses, and pins and reads the
 * "race" ranges of other threads while their owners map and unmap them.
 *
 * Every answer is checked against the kernel's semantics. Only outcomes
 * that do not depend on the interleaving are checked exactly; an operation
 * racing with another thread's unmap is checked against the set of answers
 * the kernel may give. No check depends on timing.
 *
 * At the end the context is unmapped whole (the length must be what the
 * threads left mapped) and IOMMU_TEST_OP_MD_CHECK_REFS shows that no page
 * stays pinned.
 *
 * Phase 2: the same work, with one context per thread; half the threads
 * clean up, the other half just close everything with objects, mappings and
 * pins still inside.
 *
 * Environment: UIOMMUFD_STRESS_THREADS (default 8), UIOMMUFD_STRESS_SECONDS
 * (default 2, the first phase; the second takes half of it).
 *
 * The ops/s summary is not a benchmark: each operation is several ioctls,
 * and the test-only checks (MD_CHECK_REFS, the page check of ACCESS_PAGES)
 * cost far more than the map and unmap paths they verify.
 */
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

static const char *const op_names[OP_MAX] = {
	[OP_MAP] = "map own (or EEXIST)",
	[OP_UNMAP] = "unmap own (or ENOENT)",
	[OP_UNMAP_NEVER] = "unmap/copy/pin unmapped",
	[OP_MAP_ALLOC] = "map at allocated IOVA",
	[OP_COPY] = "IOAS_COPY + pin + read",
	[OP_RANGES] = "IOVA_RANGES",
	[OP_PRIV_IOAS] = "private IOAS lifecycle",
	[OP_DESTROY_BUSY] = "destroy shared (EBUSY)",
	[OP_ACCESS_CYCLE] = "access create/close",
	[OP_PIN_OWN] = "pin own + unpin/unmap",
	[OP_RW_OWN] = "ACCESS_RW own",
	[OP_RW_SRC] = "ACCESS_RW source",
	[OP_RACE_TOGGLE] = "race range map/unmap",
	[OP_RACE_PIN] = "pin racing range",
	[OP_RACE_RW] = "read racing range",
	[OP_MAP_FILE] = "MAP_FILE memfd",
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

static size_t psz;
static size_t slot_len;
static size_t scratch_len; /* two copies of the largest transfer */
static atomic_uint failures;
static atomic_bool stop;
static int phase;

static void fail(struct worker *w, int line, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&failures, 1) >= 30)
		return;
	fprintf(stderr, "FAIL phase %d thread %d line %d: ", phase,
		w ? (int)w->tid : -1, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static const char *ename(long rc)
{
	static __thread char buf[32];
	const char *n;

	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "%ld", rc);
		return buf;
	}
	n = strerrorname_np((int)-rc);
	return n ? n : "?";
}

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

/* ------------------------------------------------------------------ */
/* The uAPI, through the C API                                         */

static long ioas_alloc_id(int fd, uint32_t *id)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(fd, IOMMU_IOAS_ALLOC, &cmd);

	*id = cmd.out_ioas_id;
	return rc;
}

static long ioas_map_file(int fd, uint32_t ioas, int mfd, uint64_t start,
			  uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = FIXED,
		.ioas_id = ioas,
		.fd = mfd,
		.start = start,
		.length = len,
		.iova = iova,
	};

	return ioc(fd, IOMMU_IOAS_MAP_FILE, &cmd);
}

/* Returns the unmapped length or -errno */
static long unmap_len(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};
	long rc = ioc(fd, IOMMU_IOAS_UNMAP, &cmd);

	return rc ? rc : (long)cmd.length;
}

static long ioas_copy(int fd, uint32_t dst, uint32_t src, uint64_t src_iova,
		      uint64_t len, uint64_t dst_iova)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		/* The source is read-only: a writeable copy would be EPERM */
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = len,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};

	return ioc(fd, IOMMU_IOAS_COPY, &cmd);
}

static long iova_ranges(int fd, uint32_t ioas, struct iommu_iova_range *r,
			uint32_t *num, uint64_t *align)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)r,
	};
	long rc = ioc(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	*num = cmd.num_iovas;
	*align = cmd.out_iova_alignment;
	return rc;
}

static long add_reserved(int fd, uint32_t ioas, uint64_t start, uint64_t len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = ioas,
		.add_reserved = {.start = start, .length = len},
	};

	return test_op(fd, &cmd);
}

static long access_pages(int fd, int afd, uint64_t iova, uint64_t len,
			 void *uptr, bool write, uint32_t *item)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)afd,
		.access_pages = {.flags = write ? MOCK_FLAGS_ACCESS_WRITE : 0,
				 .iova = iova,
				 .length = len,
				 .uptr = (uintptr_t)uptr},
	};
	long rc = test_op(fd, &cmd);

	*item = cmd.access_pages.out_access_pages_id;
	return rc;
}

static long unpin(int fd, int afd, uint32_t item)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
		.id = (uint32_t)afd,
		.destroy_access_pages.access_pages_id = item,
	};

	return test_op(fd, &cmd);
}

/* ------------------------------------------------------------------ */
/* Layout                                                              */

static uint64_t rnd(struct worker *w)
{
	/* xorshift64*: each thread's sequence of choices is reproducible */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(struct worker *w, unsigned int n)
{
	return (unsigned int)((rnd(w) >> 33) % n);
}

static uint64_t win(const struct worker *w, uint64_t off)
{
	return THREAD_BASE + w->idx * THREAD_SPAN + off;
}

static char *own_buf(struct worker *w, int s, int i)
{
	return w->own + (size_t)(s * NSLOTS + i) * slot_len;
}

static void fill(void *buf, size_t len, uint32_t seed)
{
	uint32_t *p = buf;

	for (size_t i = 0; i != len / sizeof(*p); i++)
		p[i] = seed ^ (uint32_t)(i * 2654435761u);
}

/* A random page-aligned sub-range [*off, *off + *len) of n pages */
static void rnd_pages(struct worker *w, unsigned int n, size_t *off,
		      size_t *len)
{
	unsigned int first = rnd_below(w, n);

	*off = first * psz;
	*len = (1 + rnd_below(w, n - first)) * psz;
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */

static void op_map(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	uint64_t iova = win(w, OFF_SLOT(i));
	uint32_t ioas = w->ctx->ioas[s];

	if (!w->own_mapped[s][i]) {
		if (EXPECT(w,
			   ioas_map(fd, ioas, own_buf(w, s, i), slot_len, &iova,
				    FIXED),
			   0))
			w->own_mapped[s][i] = true;
		CHECK_W(w, iova == win(w, OFF_SLOT(i)));
		return;
	}
	/* Existing mappings are never replaced, even partly */
	EXPECT(w, ioas_map(fd, ioas, own_buf(w, s, i), slot_len, &iova, FIXED),
	       -EEXIST);
	iova = win(w, OFF_SLOT(i)) + slot_len - psz;
	EXPECT(w, ioas_map(fd, ioas, w->priv, slot_len, &iova, FIXED), -EEXIST);
}

static void op_unmap(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	uint64_t iova = win(w, OFF_SLOT(i));
	uint32_t ioas = w->ctx->ioas[s];

	if (!w->own_mapped[s][i]) {
		EXPECT(w, unmap_len(fd, ioas, iova, slot_len), -ENOENT);
		return;
	}
	/* Half of an area: nothing is unmapped */
	EXPECT(w, unmap_len(fd, ioas, iova, slot_len / 2), -ENOENT);
	/* A superset of the area takes it whole */
	EXPECT(w, unmap_len(fd, ioas, iova - psz, slot_len + 2 * psz),
	       (long)slot_len);
	w->own_mapped[s][i] = false;
}

static void op_unmap_never(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED);
	uint64_t never = win(w, OFF_NEVER);
	uint32_t ioas = w->ctx->ioas[s];
	uint32_t item;

	EXPECT(w, unmap_len(fd, ioas, never, slot_len), -ENOENT);
	EXPECT(w, ioas_copy(fd, ioas, ioas, never, slot_len, win(w, OFF_COPY)),
	       -ENOENT);
	EXPECT(w, access_rw(fd, w->acc[s], never, w->scratch, psz, 0), -ENOENT);
	EXPECT(w, access_pages(fd, w->acc[s], never, psz, NULL, false, &item),
	       -ENOENT);
}

static void op_map_alloc(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED);
	uint32_t ioas = w->ctx->ioas[s];
	uint64_t iova = 0;

	if (!EXPECT(w, ioas_map(fd, ioas, w->priv, slot_len, &iova, RW), 0))
		return;
	/* The lowest free IOVA: below every thread window, never 0 */
	CHECK_W(w, iova && iova + slot_len <= THREAD_BASE);
	/* A pinning access is attached: page alignment */
	CHECK_W(w, iova % psz == 0);
	EXPECT(w, unmap_len(fd, ioas, iova, slot_len), (long)slot_len);
}

static void op_copy(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	struct ctx *c = w->ctx;
	uint64_t dst = win(w, OFF_COPY);
	size_t off, len;
	uint32_t item;

	rnd_pages(w, SRC_PAGES, &off, &len);
	if (!EXPECT(w,
		    ioas_copy(fd, c->ioas[s], c->src_ioas, SRC_IOVA + off, len,
			      dst),
		    0))
		return;
	/* The copy reaches the source's very pages, still pinned once */
	EXPECT(w,
	       access_pages(fd, w->acc[s], dst, len, c->src_buf + off, false,
			    &item),
	       0);
	EXPECT(w, check_refs(fd, c->src_buf + off, len, 1), 0);
	EXPECT(w, access_rw(fd, w->acc[s], dst, w->scratch, len, 0), 0);
	CHECK_W(w, !memcmp(w->scratch, c->src_buf + off, len));
	/* Over an own mapping: EEXIST */
	if (w->own_mapped[s][i])
		EXPECT(w,
		       ioas_copy(fd, c->ioas[s], c->src_ioas, SRC_IOVA, psz,
				 win(w, OFF_SLOT(i))),
		       -EEXIST);
	/* The unmap makes the access let go of its pin */
	EXPECT(w, unmap_len(fd, c->ioas[s], dst, len), (long)len);
	EXPECT(w, unpin(fd, w->acc[s], item), -ENOENT);
	EXPECT(w, check_refs(fd, c->src_buf + off, len, 1), 0);
}

static void op_ranges(struct worker *w, int fd)
{
	struct iommu_iova_range r[4];
	int s = rnd_below(w, NSHARED);
	uint32_t num = 0;
	uint64_t align;

	EXPECT(w, iova_ranges(fd, w->ctx->ioas[s], r, &num, &align), -EMSGSIZE);
	CHECK_W(w, num == 1);
	num = 4;
	if (!EXPECT(w, iova_ranges(fd, w->ctx->ioas[s], r, &num, &align), 0))
		return;
	CHECK_W(w, num == 1 && r[0].start == 0 && r[0].last == UINT64_MAX);
	CHECK_W(w, align == psz);
}

/* An IOAS only this thread knows: everything about it is deterministic */
static void op_priv_ioas(struct worker *w, int fd)
{
	struct iommu_iova_range r[4], allow = {RES_START - psz, RES_START};
	struct iommu_ioas_allow_iovas acmd = {
		.size = sizeof(acmd),
		.num_iovas = 1,
		.allowed_iovas = (uintptr_t)&allow,
	};
	uint64_t iova = 0, iova2 = 0x10000000, align;
	uint32_t id, num = 4;
	long afd;

	if (!EXPECT(w, ioas_alloc_id(fd, &id), 0))
		return;
	EXPECT(w, iova_ranges(fd, id, r, &num, &align), 0);
	CHECK_W(w, num == 1 && align == 1);
	EXPECT(w, add_reserved(fd, id, RES_START, RES_LAST - RES_START + 1), 0);
	num = 4;
	EXPECT(w, iova_ranges(fd, id, r, &num, &align), 0);
	CHECK_W(w, num == 2 && r[0].start == 0 && r[0].last == RES_START - 1 &&
			   r[1].start == RES_LAST + 1 &&
			   r[1].last == UINT64_MAX);
	acmd.ioas_id = id;
	EXPECT(w, ioc(fd, IOMMU_IOAS_ALLOW_IOVAS, &acmd), -EADDRINUSE);
	iova = RES_START + psz;
	EXPECT(w, ioas_map(fd, id, w->priv, slot_len, &iova, FIXED), -EINVAL);
	iova = 0;
	EXPECT(w, ioas_map(fd, id, w->priv, slot_len, &iova, RW), 0);
	CHECK_W(w, iova && iova + slot_len <= RES_START);
	EXPECT(w, ioas_map(fd, id, w->priv, slot_len, &iova2, FIXED), 0);

	switch (rnd_below(w, 3)) {
	case 0: /* unmap all, then destroy */
		EXPECT(w, unmap_len(fd, id, 0, UINT64_MAX),
		       (long)(2 * slot_len));
		EXPECT(w, unmap_len(fd, id, 0, UINT64_MAX), 0);
		break;
	case 1: /* an access holds it: EBUSY until it is closed */
		afd = access_create(fd, id,
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
		if (!CHECK_W(w, afd >= 0))
			break;
		EXPECT(w, destroy(fd, id), -EBUSY);
		EXPECT(w, uiommufd_close((int)afd), 0);
		break;
	default: /* destroy with the mappings inside */
		break;
	}
	EXPECT(w, destroy(fd, id), 0);
}

static void op_destroy_busy(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED);

	EXPECT(w, destroy(fd, w->ctx->ioas[s]), -EBUSY);
	EXPECT(w, destroy(fd, w->ctx->src_ioas), -EBUSY);
}

static void op_access_cycle(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	uint64_t iova = win(w, OFF_SLOT(i));
	uint32_t item;
	long afd;

	afd = access_create(fd, w->ctx->ioas[s],
			    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	if (!CHECK_W(w, afd >= 0))
		return;
	if (w->own_mapped[s][i]) {
		EXPECT(w,
		       access_pages(fd, (int)afd, iova, slot_len,
				    own_buf(w, s, i), true, &item),
		       0);
		EXPECT(w, check_refs(fd, own_buf(w, s, i), slot_len, 1), 0);
	}
	/* Closing the access releases its pins */
	EXPECT(w, uiommufd_close((int)afd), 0);
	EXPECT(w, check_refs(fd, own_buf(w, s, i), slot_len, 0), 0);

	/* An access that does not pin cannot pin */
	afd = access_create(fd, w->ctx->ioas[s], 0);
	if (!CHECK_W(w, afd >= 0))
		return;
	EXPECT(w, access_pages(fd, (int)afd, iova, psz, NULL, false, &item),
	       -EOPNOTSUPP);
	EXPECT(w, uiommufd_close((int)afd), 0);
}

static void op_pin_own(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	uint64_t iova = win(w, OFF_SLOT(i));
	char *buf = own_buf(w, s, i);
	uint32_t ioas = w->ctx->ioas[s];
	size_t off, len;
	uint32_t item;

	rnd_pages(w, SLOT_PAGES, &off, &len);
	if (!w->own_mapped[s][i]) {
		EXPECT(w,
		       access_pages(fd, w->acc[s], iova + off, len, buf + off,
				    true, &item),
		       -ENOENT);
		return;
	}
	if (!EXPECT(w,
		    access_pages(fd, w->acc[s], iova + off, len, buf + off,
				 true, &item),
		    0))
		return;
	EXPECT(w, check_refs(fd, buf + off, len, 1), 0);
	if (off)
		EXPECT(w, check_refs(fd, buf, off, 0), 0);
	if (rnd_below(w, 2)) {
		EXPECT(w, unpin(fd, w->acc[s], item), 0);
		EXPECT(w, unpin(fd, w->acc[s], item), -ENOENT);
	} else {
		/* The engine asks the access to unpin, then unmaps */
		EXPECT(w, unmap_len(fd, ioas, iova, slot_len), (long)slot_len);
		w->own_mapped[s][i] = false;
		EXPECT(w, unpin(fd, w->acc[s], item), -ENOENT);
	}
	EXPECT(w, check_refs(fd, buf, slot_len, 0), 0);
}

static void op_rw_own(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED), i = rnd_below(w, NSLOTS);
	uint64_t iova = win(w, OFF_SLOT(i));
	uint32_t slow = rnd_below(w, 2) ? MOCK_ACCESS_RW_SLOW_PATH : 0;
	char *buf = own_buf(w, s, i), *back = w->scratch + slot_len;
	size_t off = rnd_below(w, (unsigned int)slot_len);
	size_t len = 1 + rnd_below(w, (unsigned int)(slot_len - off));

	fill(w->scratch, slot_len, (uint32_t)rnd(w));
	if (!w->own_mapped[s][i]) {
		EXPECT(w,
		       access_rw(fd, w->acc[s], iova + off, w->scratch, len,
				 MOCK_ACCESS_RW_WRITE | slow),
		       -ENOENT);
		return;
	}
	EXPECT(w,
	       access_rw(fd, w->acc[s], iova + off, w->scratch, len,
			 MOCK_ACCESS_RW_WRITE | slow),
	       0);
	CHECK_W(w, !memcmp(buf + off, w->scratch, len));
	EXPECT(w, access_rw(fd, w->acc[s], iova + off, back, len, slow), 0);
	CHECK_W(w, !memcmp(back, w->scratch, len));
}

static void op_rw_src(struct worker *w, int fd)
{
	unsigned int off = rnd_below(w, (unsigned int)(SRC_PAGES * psz));
	unsigned int len =
		1 + rnd_below(w, (unsigned int)(SRC_PAGES * psz - off));

	EXPECT(w, access_rw(fd, w->acc_src, SRC_IOVA + off, w->scratch, len, 0),
	       0);
	CHECK_W(w, !memcmp(w->scratch, w->ctx->src_buf + off, len));
}

static void op_race_toggle(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED);
	uint64_t iova = win(w, OFF_RACE);
	uint32_t ioas = w->ctx->ioas[s];

	if (w->race_mapped[s]) {
		/*
		 * Other threads may hold pins here: the engine tells their
		 * accesses to unpin and the unmap always succeeds.
		 */
		EXPECT(w, unmap_len(fd, ioas, iova, slot_len), (long)slot_len);
		w->race_mapped[s] = false;
	} else {
		if (EXPECT(w,
			   ioas_map(fd, ioas, w->race + s * slot_len, slot_len,
				    &iova, FIXED),
			   0))
			w->race_mapped[s] = true;
	}
}

static void count_race(uint64_t *cnt, long rc)
{
	cnt[rc == 0 ? 0 : rc == -ENOENT ? 1 : 2]++;
}

static void release_pin(struct worker *w, int fd, unsigned int n)
{
	long rc = unpin(fd, w->acc[w->pins[n].s], w->pins[n].item);

	/* Unpinned already if its range was unmapped meanwhile */
	EXPECT_IN(w, rc, 0, -ENOENT);
	count_race(w->race_unpin, rc);
	w->pins[n] = w->pins[--w->npins];
}

static void op_race_pin(struct worker *w, int fd)
{
	struct worker *t = w->ctx->workers[rnd_below(w, w->ctx->nworkers)];
	int s = rnd_below(w, NSHARED);
	size_t off, len;
	uint32_t item;
	long rc;

	if (w->npins && (w->npins == MAX_PINS || rnd_below(w, 2)))
		release_pin(w, fd, rnd_below(w, w->npins));

	rnd_pages(w, SLOT_PAGES, &off, &len);
	rc = access_pages(fd, w->acc[s], win(t, OFF_RACE) + off, len,
			  t->race + s * slot_len + off, false, &item);
	if (t == w)
		/* Only this thread maps and unmaps it: no race */
		EXPECT(w, rc, w->race_mapped[s] ? 0 : -ENOENT);
	else
		/* Not mapped, or being unmapped (EINVAL) */
		EXPECT_IN(w, rc, 0, -ENOENT, -EINVAL);
	count_race(w->race_pin, rc);
	if (!rc)
		w->pins[w->npins++] = (struct pin){.s = s, .item = item};
}

static void op_race_rw(struct worker *w, int fd)
{
	struct worker *t = w->ctx->workers[rnd_below(w, w->ctx->nworkers)];
	uint32_t slow = rnd_below(w, 2) ? MOCK_ACCESS_RW_SLOW_PATH : 0;
	int s = rnd_below(w, NSHARED);
	size_t off = rnd_below(w, (unsigned int)slot_len);
	size_t len = 1 + rnd_below(w, (unsigned int)(slot_len - off));
	long rc;

	rc = access_rw(fd, w->acc[s], win(t, OFF_RACE) + off, w->scratch, len,
		       slow);
	if (t == w)
		EXPECT(w, rc, w->race_mapped[s] ? 0 : -ENOENT);
	else
		EXPECT_IN(w, rc, 0, -ENOENT, -EINVAL);
	count_race(w->race_rw, rc);
	if (!rc)
		CHECK_W(w,
			!memcmp(w->scratch, t->race + s * slot_len + off, len));
}

static void op_map_file(struct worker *w, int fd)
{
	int s = rnd_below(w, NSHARED);
	uint64_t iova = win(w, OFF_FILE);
	uint32_t ioas = w->ctx->ioas[s];
	size_t off, len;
	uint32_t item;

	if (w->file_mapped[s]) {
		EXPECT(w,
		       ioas_map_file(fd, ioas, w->memfd, s * slot_len, slot_len,
				     iova),
		       -EEXIST);
		EXPECT(w, unmap_len(fd, ioas, iova, slot_len), (long)slot_len);
		w->file_mapped[s] = false;
		return;
	}
	if (!EXPECT(w,
		    ioas_map_file(fd, ioas, w->memfd, s * slot_len, slot_len,
				  iova),
		    0))
		return;
	w->file_mapped[s] = true;

	/* Writes through the IOAS land in the file */
	rnd_pages(w, SLOT_PAGES, &off, &len);
	fill(w->scratch, len, (uint32_t)rnd(w));
	EXPECT(w,
	       access_rw(fd, w->acc[s], iova + off, w->scratch, len,
			 MOCK_ACCESS_RW_WRITE),
	       0);
	CHECK_W(w, pread(w->memfd, w->scratch + slot_len, len,
			 (off_t)(s * slot_len + off)) == (ssize_t)len &&
			   !memcmp(w->scratch, w->scratch + slot_len, len));
	CHECK_W(w, !memcmp(w->scratch, w->file_view + s * slot_len + off, len));

	/* A pin reaches the file's pages, the ones our shared view shows */
	if (!EXPECT(w,
		    access_pages(fd, w->acc[s], iova + off, len,
				 w->file_view + s * slot_len + off, true,
				 &item),
		    0))
		return;
	EXPECT(w, check_refs(fd, w->file_view + s * slot_len + off, len, 1), 0);
	EXPECT(w, unpin(fd, w->acc[s], item), 0);
	EXPECT(w, check_refs(fd, w->file_view + s * slot_len, slot_len, 0), 0);
}

typedef void (*op_fn)(struct worker *w, int fd);

static const op_fn ops[OP_MAX] = {
	[OP_MAP] = op_map,
	[OP_UNMAP] = op_unmap,
	[OP_UNMAP_NEVER] = op_unmap_never,
	[OP_MAP_ALLOC] = op_map_alloc,
	[OP_COPY] = op_copy,
	[OP_RANGES] = op_ranges,
	[OP_PRIV_IOAS] = op_priv_ioas,
	[OP_DESTROY_BUSY] = op_destroy_busy,
	[OP_ACCESS_CYCLE] = op_access_cycle,
	[OP_PIN_OWN] = op_pin_own,
	[OP_RW_OWN] = op_rw_own,
	[OP_RW_SRC] = op_rw_src,
	[OP_RACE_TOGGLE] = op_race_toggle,
	[OP_RACE_PIN] = op_race_pin,
	[OP_RACE_RW] = op_race_rw,
	[OP_MAP_FILE] = op_map_file,
};

/* ------------------------------------------------------------------ */
/* Contexts and workers                                                */

static void worker_init(struct worker *w, unsigned int tid, unsigned int idx,
			struct ctx *c)
{
	memset(w, 0, sizeof(*w));
	w->tid = tid;
	w->idx = idx;
	w->ctx = c;
	w->rng = 0x9e3779b97f4a7c15ULL * (tid + 1) + (uint64_t)phase;
	w->own = map_anon(NSHARED * NSLOTS * slot_len);
	w->race = map_anon(NSHARED * slot_len);
	w->priv = map_anon(slot_len);
	w->scratch = map_anon(scratch_len);
	fill(w->own, NSHARED * NSLOTS * slot_len, 0x11000000 + tid);
	fill(w->race, NSHARED * slot_len, 0x22000000 + tid);
	fill(w->priv, slot_len, 0x33000000 + tid);
	w->memfd = memfd_create("stress", MFD_CLOEXEC);
	if (w->memfd < 0 || ftruncate(w->memfd, NSHARED * slot_len)) {
		perror("memfd");
		exit(1);
	}
	w->file_view = mmap(NULL, NSHARED * slot_len, PROT_READ | PROT_WRITE,
			    MAP_SHARED, w->memfd, 0);
	if (w->file_view == MAP_FAILED) {
		perror("mmap memfd");
		exit(1);
	}
}

/* Every page the worker ever handed to the engine */
static void worker_check_unpinned(struct worker *w, int fd)
{
	EXPECT(w, check_refs(fd, w->own, NSHARED * NSLOTS * slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->race, NSHARED * slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->priv, slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->file_view, NSHARED * slot_len, 0), 0);
}

static void worker_free(struct worker *w)
{
	munmap(w->own, NSHARED * NSLOTS * slot_len);
	munmap(w->race, NSHARED * slot_len);
	munmap(w->priv, slot_len);
	munmap(w->scratch, scratch_len);
	munmap(w->file_view, NSHARED * slot_len);
	close(w->memfd);
}

static void worker_open_accesses(struct worker *w)
{
	struct ctx *c = w->ctx;
	long afd;

	for (int s = 0; s != NSHARED; s++) {
		afd = access_create(c->fd, c->ioas[s],
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
		CHECK_W(w, afd >= 0);
		w->acc[s] = (int)afd;
	}
	afd = access_create(c->fd, c->src_ioas, 0);
	CHECK_W(w, afd >= 0);
	w->acc_src = (int)afd;
}

static void worker_close_accesses(struct worker *w)
{
	for (int s = 0; s != NSHARED; s++)
		EXPECT(w, uiommufd_close(w->acc[s]), 0);
	EXPECT(w, uiommufd_close(w->acc_src), 0);
}

static int ctx_open(struct ctx *c, unsigned int nworkers,
		    struct worker **workers)
{
	uint64_t iova = SRC_IOVA;
	uint32_t item;
	long afd;

	memset(c, 0, sizeof(*c));
	c->nworkers = nworkers;
	c->workers = workers;
	c->src_buf = map_anon(SRC_PAGES * psz);
	fill(c->src_buf, SRC_PAGES * psz, 0x44000000);
	c->fd = uiommufd_open(O_CLOEXEC);
	if (!CHECK_W(NULL, c->fd >= 0))
		return -1;
	EXPECT(NULL, ioas_alloc_id(c->fd, &c->src_ioas), 0);
	for (int s = 0; s != NSHARED; s++) {
		EXPECT(NULL, ioas_alloc_id(c->fd, &c->ioas[s]), 0);
		afd = access_create(c->fd, c->ioas[s],
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
		CHECK_W(NULL, afd >= 0);
		c->holder[s] = (int)afd;
	}
	EXPECT(NULL,
	       ioas_map(c->fd, c->src_ioas, c->src_buf, SRC_PAGES * psz, &iova,
			IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA),
	       0);
	afd = access_create(c->fd, c->src_ioas,
			    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	CHECK_W(NULL, afd >= 0);
	c->holder_src = (int)afd;
	EXPECT(NULL,
	       access_pages(c->fd, c->holder_src, SRC_IOVA, SRC_PAGES * psz,
			    c->src_buf, false, &c->holder_item),
	       0);
	EXPECT(NULL, check_refs(c->fd, c->src_buf, SRC_PAGES * psz, 1), 0);
	/* The source is read-only */
	EXPECT(NULL,
	       access_pages(c->fd, c->holder_src, SRC_IOVA, psz, NULL, true,
			    &item),
	       -EPERM);
	return 0;
}

/*
 * Unmap everything: the lengths must be what the workers left mapped, and
 * after it nothing may stay pinned. Then close every object.
 */
static void ctx_finish(struct ctx *c)
{
	struct worker *w0 = c->nworkers == 1 ? c->workers[0] : NULL;
	int fd = c->fd;

	/* Copies and pins of the source shared its single pin */
	EXPECT(w0, check_refs(fd, c->src_buf, SRC_PAGES * psz, 1), 0);

	for (int s = 0; s != NSHARED; s++) {
		long expect = 0;

		for (unsigned int n = 0; n != c->nworkers; n++) {
			struct worker *w = c->workers[n];

			for (int i = 0; i != NSLOTS; i++)
				expect += w->own_mapped[s][i] * slot_len;
			expect += w->race_mapped[s] * slot_len;
			expect += w->file_mapped[s] * slot_len;
		}
		EXPECT(w0, unmap_len(fd, c->ioas[s], 0, UINT64_MAX), expect);
		EXPECT(w0, unmap_len(fd, c->ioas[s], 0, UINT64_MAX), 0);
	}
	/* The holder's pin goes with the unmap */
	EXPECT(w0, unmap_len(fd, c->src_ioas, 0, UINT64_MAX),
	       (long)(SRC_PAGES * psz));
	EXPECT(w0, unpin(fd, c->holder_src, c->holder_item), -ENOENT);
	EXPECT(w0, check_refs(fd, c->src_buf, SRC_PAGES * psz, 0), 0);

	for (unsigned int n = 0; n != c->nworkers; n++) {
		struct worker *w = c->workers[n];

		worker_check_unpinned(w, fd);
		/* The unmaps released every pin the worker still held */
		while (w->npins) {
			EXPECT(w,
			       unpin(fd, w->acc[w->pins[0].s], w->pins[0].item),
			       -ENOENT);
			w->pins[0] = w->pins[--w->npins];
		}
		worker_close_accesses(w);
	}

	for (int s = 0; s != NSHARED; s++) {
		EXPECT(w0, destroy(fd, c->ioas[s]), -EBUSY);
		EXPECT(w0, uiommufd_close(c->holder[s]), 0);
		EXPECT(w0, destroy(fd, c->ioas[s]), 0);
		EXPECT(w0, destroy(fd, c->ioas[s]), -ENOENT);
	}
	EXPECT(w0, uiommufd_close(c->holder_src), 0);
	EXPECT(w0, destroy(fd, c->src_ioas), 0);
	/*
	 * Not closed twice to see EBADF: in phase 2 another thread may
	 * already have been given the same descriptor number.
	 */
	EXPECT(w0, uiommufd_close(fd), 0);
}

/* Phase 2's other ending: close with everything still inside */
static void ctx_abandon(struct ctx *c)
{
	EXPECT(c->workers[0], uiommufd_close(c->fd), 0);
	/* The accesses keep the context alive until they go */
	for (unsigned int n = 0; n != c->nworkers; n++)
		worker_close_accesses(c->workers[n]);
	for (int s = 0; s != NSHARED; s++)
		EXPECT(c->workers[0], uiommufd_close(c->holder[s]), 0);
	EXPECT(c->workers[0], uiommufd_close(c->holder_src), 0);
}

static void ctx_free(struct ctx *c)
{
	munmap(c->src_buf, SRC_PAGES * psz);
}

static void run_ops(struct worker *w)
{
	int fd = w->ctx->fd;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		enum op op = rnd_below(w, OP_MAX);

		ops[op](w, fd);
		w->ops[op]++;
	}
}

static void *phase1_thread(void *arg)
{
	run_ops(arg);
	return NULL;
}

static void *phase2_thread(void *arg)
{
	struct worker *w = arg;
	struct worker **self = w->ctx->workers;

	/* Its own context, opened and closed while the others run */
	if (ctx_open(w->ctx, 1, self) == 0) {
		worker_open_accesses(w);
		run_ops(w);
		if (w->abandon)
			ctx_abandon(w->ctx);
		else
			ctx_finish(w->ctx);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_for(double secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs,
			      .tv_nsec = (long)((secs - (time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void summary(const char *title, struct worker *ws, unsigned int n,
		    double secs)
{
	uint64_t total = 0;

	printf("%s: %u threads, %.2f s\n", title, n, secs);
	for (int op = 0; op != OP_MAX; op++) {
		uint64_t sum = 0;

		for (unsigned int t = 0; t != n; t++)
			sum += ws[t].ops[op];
		total += sum;
		printf("  %-26s %9llu ops %11.0f ops/s\n", op_names[op],
		       (unsigned long long)sum, sum / secs);
	}
	printf("  %-26s %9llu ops %11.0f ops/s\n", "total",
	       (unsigned long long)total, total / secs);

	/* Not checked: only shows that the races happened */
	for (int k = 0; k != 3; k++) {
		static const char *const what[] = {"pin", "read", "unpin"};
		uint64_t r[3] = {};

		for (unsigned int t = 0; t != n; t++)
			for (int j = 0; j != 3; j++)
				r[j] += k == 0	 ? ws[t].race_pin[j]
					: k == 1 ? ws[t].race_rw[j]
						 : ws[t].race_unpin[j];
		printf("  racing %-5s: %llu ok, %llu ENOENT, %llu EINVAL\n",
		       what[k], (unsigned long long)r[0],
		       (unsigned long long)r[1], (unsigned long long)r[2]);
	}
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static double env_d(const char *name, double def)
{
	const char *v = getenv(name);

	return v && *v ? strtod(v, NULL) : def;
}

int main(void)
{
	unsigned int n = (unsigned int)env_ul("UIOMMUFD_STRESS_THREADS", 8);
	double secs = env_d("UIOMMUFD_STRESS_SECONDS", 2.0), t0, t1;
	struct worker *ws, **wp;
	struct ctx shared, *ctxs;
	int fd;

	psz = (size_t)sysconf(_SC_PAGESIZE);
	slot_len = SLOT_PAGES * psz;
	scratch_len = 2 * SRC_PAGES * psz;
	if (n < 1 || n > 256 || secs <= 0) {
		fprintf(stderr, "bad UIOMMUFD_STRESS_THREADS/SECONDS\n");
		return 2;
	}
	ws = calloc(n, sizeof(*ws));
	wp = calloc(n, sizeof(*wp));
	ctxs = calloc(n, sizeof(*ctxs));
	if (!ws || !wp || !ctxs)
		return 1;

	/* Phase 1: one context, n threads */
	phase = 1;
	for (unsigned int t = 0; t != n; t++) {
		worker_init(&ws[t], t, t, &shared);
		wp[t] = &ws[t];
	}
	if (ctx_open(&shared, n, wp))
		return 1;
	for (unsigned int t = 0; t != n; t++)
		worker_open_accesses(&ws[t]);
	atomic_store(&stop, false);
	t0 = now();
	for (unsigned int t = 0; t != n; t++)
		if (pthread_create(&ws[t].thread, NULL, phase1_thread, &ws[t]))
			return 1;
	sleep_for(secs);
	atomic_store(&stop, true);
	for (unsigned int t = 0; t != n; t++)
		pthread_join(ws[t].thread, NULL);
	t1 = now();
	ctx_finish(&shared);
	ctx_free(&shared);
	summary("phase 1 (one shared context)", ws, n, t1 - t0);
	for (unsigned int t = 0; t != n; t++)
		worker_free(&ws[t]);

	/* Phase 2: a context per thread */
	phase = 2;
	for (unsigned int t = 0; t != n; t++) {
		worker_init(&ws[t], t, 0, &ctxs[t]);
		ws[t].abandon = t % 2;
		wp[t] = &ws[t];
		ctxs[t].workers = &wp[t];
	}
	atomic_store(&stop, false);
	t0 = now();
	for (unsigned int t = 0; t != n; t++)
		if (pthread_create(&ws[t].thread, NULL, phase2_thread, &ws[t]))
			return 1;
	sleep_for(secs / 2);
	atomic_store(&stop, true);
	for (unsigned int t = 0; t != n; t++)
		pthread_join(ws[t].thread, NULL);
	t1 = now();
	summary("phase 2 (a context per thread)", ws, n, t1 - t0);

	/* Whatever way the contexts went, nothing stays pinned */
	fd = uiommufd_open(O_CLOEXEC);
	if (CHECK_W(NULL, fd >= 0)) {
		for (unsigned int t = 0; t != n; t++) {
			worker_check_unpinned(&ws[t], fd);
			EXPECT(&ws[t],
			       check_refs(fd, ctxs[t].src_buf, SRC_PAGES * psz,
					  0),
			       0);
		}
		EXPECT(NULL, uiommufd_close(fd), 0);
	}
	for (unsigned int t = 0; t != n; t++) {
		ctx_free(&ctxs[t]);
		worker_free(&ws[t]);
	}
	free(ctxs);
	free(wp);
	free(ws);

	if (atomic_load(&failures)) {
		printf("FAILED: %u check(s)\n", atomic_load(&failures));
		return 1;
	}
	printf("all checks passed\n");
	return 0;
}
