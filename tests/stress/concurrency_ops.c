// SPDX-License-Identifier: MIT
/*
 * The operations of test_concurrency (see test_concurrency.c): the uAPI
 * calls through the C API, a thread's IOVA layout, and the operations a
 * worker picks at random, each checking every answer it gets against the
 * kernel's semantics.
 */
#include "concurrency.h"
/* ------------------------------------------------------------------ */
/* The uAPI, through the C API                                         */

long ioas_alloc_id(int fd, uint32_t *id)
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
long unmap_len(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
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

long access_pages(int fd, int afd, uint64_t iova, uint64_t len, void *uptr,
		  bool write, uint32_t *item)
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

long unpin(int fd, int afd, uint32_t item)
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

unsigned int rnd_below(struct worker *w, unsigned int n)
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

void fill(void *buf, size_t len, uint32_t seed)
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

const op_fn ops[OP_MAX] = {
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
