// SPDX-License-Identifier: MIT
/*
 * The software IO page table (src/hwpt/io_pgtable.c) checked against a
 * model.
 *
 * A random program of map, unmap, lookup, DMA marks, dirty reads and
 * injected allocation failures runs on a page table of each configuration
 * the engine uses (the software IOMMU's 4 KiB granule with 2 MiB and 1 GiB
 * leaves, the mock IOMMU's 2 KiB granule, and its huge-page-only format),
 * and on a model: a sorted list of mapped extents, each mapped with the
 * largest leaves its IOVA and host alignment allow. After every step:
 *  - the result of the call is the model's (EEXIST exactly when the range
 *    meets a mapping, the bytes an unmap removed, ENOMEM for an injected
 *    failure and then nothing left of the range);
 *  - lookups at the edges of every extent, around the step's range and at
 *    random places give the model's host address, leaf size, permission
 *    and accessed/dirty bits, and nothing where the model has no mapping
 *    (an unmap ending inside a huge leaf removes the whole leaf);
 *  - the page table holds exactly the tables its leaves need, and after
 *    everything is unmapped no table memory but the root.
 *
 * Options (see model.h): --steps, --seed, --seeds; MODEL_CHECK_TABLES=0
 * leaves out the table count (and the failure injection whose outcome
 * depends on it).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>

#include <uiommufd/uiommufd.h>

#include "../../src/hwpt/io_pgtable.h"
#include "model.h"

#define MAX_EXTENTS   192
#define MAX_FLAGS     4096
#define HOST_BASE     (1ULL << 40)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ALIGN_DOWN_U64(x, a) ((uint64_t)(x) & ~((uint64_t)(a)-1))
#define min(a, b)	     ((a) < (b) ? (a) : (b))
#define max(a, b)	     ((a) > (b) ? (a) : (b))

struct pt_kind {
	const char *name;
	struct io_pgtable_cfg cfg;
};

static const struct pt_kind kinds[] = {
	/* src/device/sw_iommu.c */
	{"sw-4k",
	 {.granule_shift = 12,
	  .levels = 4,
	  .leaf_sizes = (1UL << 12) | (1UL << 21) | (1UL << 30)}},
	/* src/selftest/mock_iommu.c, MOCK_IOMMUPT_DEFAULT and _HUGE */
	{"mock-2k",
	 {.granule_shift = 11,
	  .levels = 3,
	  .leaf_sizes = (1UL << 11) | (1UL << 20) | (1UL << 29)}},
	{"mock-huge",
	 {.granule_shift = 11, .levels = 3, .leaf_sizes = 1UL << 20}},
};

/* A mapping made by one successful map call (or what an unmap left of it) */
struct extent {
	uint64_t iova, last, host;
	unsigned int prot;
	uint64_t max_leaf;
};

/* Accessed/dirty bits of one leaf */
struct leaf_flags {
	uint64_t start, size;
	unsigned int bits;
};

struct leaf {
	uint64_t start, size;
};

enum op_kind {
	OP_MAP,
	OP_MAP_FAIL,
	OP_MAP_BAD,
	OP_UNMAP,
	OP_LOOKUP,
	OP_DMA_MARK,
	OP_SET_DIRTY,
	OP_READ_DIRTY,
	OP_EPISODE,
	NR_OPS
};

static struct model_op_count counts[NR_OPS] = {
	[OP_MAP] = {"map"},
	[OP_MAP_FAIL] = {"map-enomem"},
	[OP_MAP_BAD] = {"map-invalid"},
	[OP_UNMAP] = {"unmap"},
	[OP_LOOKUP] = {"lookup"},
	[OP_DMA_MARK] = {"dma-mark"},
	[OP_SET_DIRTY] = {"set-dirty"},
	[OP_READ_DIRTY] = {"read-dirty"},
	[OP_EPISODE] = {"table-lifetimes"},
};

static struct {
	struct model_rng rng, crng; /* operations, and checks */
	struct model_log log;
	bool check_tables;
	uint64_t step, seed;

	const struct pt_kind *kind;
	struct io_pgtable pt;
	bool pt_live;
	uint64_t granule, last_iova;
	uint64_t sizes[8]; /* leaf sizes, largest first */
	unsigned int nsizes;
	uint64_t regions[3], window;

	struct extent ext[MAX_EXTENTS];
	unsigned int n_ext;
	struct leaf_flags fl[MAX_FLAGS];
	unsigned int n_fl;

	/* Where a failed check goes */
	jmp_buf first_fail, replay_fail;
	bool replaying;
	char replay_msg[512];
} m;

/*
 * A check failed: report it, or while a shrunk episode is replayed, note
 * the message and go back to the replay.
 */
static void __attribute__((format(printf, 1, 2), noreturn))
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m.replay_msg, sizeof(m.replay_msg), fmt, ap);
	va_end(ap);
	if (m.replaying)
		longjmp(m.replay_fail, 1);
	fprintf(stderr,
		"\nMODEL MISMATCH (seed %" PRIu64 ", step %" PRIu64
		", %s): %s\n",
		m.seed, m.step, m.kind ? m.kind->name : "-", m.replay_msg);
	longjmp(m.first_fail, 1);
}

static uint64_t level_size(unsigned int level)
{
	return m.granule << (9 * level);
}

/* ------------------------------------------------------------------ */
/* The model                                                          */
/* ------------------------------------------------------------------ */

/* Index of the first extent ending at or after iova */
static unsigned int ext_search(uint64_t iova)
{
	unsigned int lo = 0, hi = m.n_ext;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (m.ext[mid].last < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct extent *ext_find(uint64_t iova)
{
	unsigned int i = ext_search(iova);

	return i < m.n_ext && m.ext[i].iova <= iova ? &m.ext[i] : NULL;
}

static bool ext_intersects(uint64_t iova, uint64_t last)
{
	unsigned int i = ext_search(iova);

	return i < m.n_ext && m.ext[i].iova <= last;
}

static void ext_insert(const struct extent *e)
{
	unsigned int i = ext_search(e->iova);

	if (m.n_ext == MAX_EXTENTS)
		abort();
	memmove(&m.ext[i + 1], &m.ext[i], (m.n_ext - i) * sizeof(m.ext[0]));
	m.ext[i] = *e;
	m.n_ext++;
}

static void ext_remove(unsigned int i)
{
	memmove(&m.ext[i], &m.ext[i + 1], (m.n_ext - i - 1) * sizeof(m.ext[0]));
	m.n_ext--;
}

/*
 * The leaf holding x: the largest leaf size the extent's host alignment and
 * size limit allow whose aligned block around x lies inside the extent. The
 * page table maps greedily from the start with the largest leaf that fits,
 * and since the sizes nest, that is the same leaf.
 */
static struct leaf leaf_at(const struct extent *e, uint64_t x)
{
	for (unsigned int i = 0; i != m.nsizes; i++) {
		uint64_t s = m.sizes[i], start = x & ~(s - 1);

		if (s != m.granule && s > e->max_leaf)
			continue;
		if ((e->host - e->iova) & (s - 1))
			continue;
		if (start < e->iova || start + (s - 1) > e->last)
			continue;
		return (struct leaf){start, s};
	}
	abort();
}

/* Index of the first flags entry of a leaf starting at or after start */
static unsigned int fl_search(uint64_t start)
{
	unsigned int lo = 0, hi = m.n_fl;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (m.fl[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static unsigned int fl_bits(struct leaf l)
{
	unsigned int i = fl_search(l.start);

	return i < m.n_fl && m.fl[i].start == l.start ? m.fl[i].bits : 0;
}

static void fl_set(struct leaf l, unsigned int bits)
{
	unsigned int i = fl_search(l.start);

	if (i < m.n_fl && m.fl[i].start == l.start) {
		m.fl[i].bits |= bits;
		return;
	}
	if (m.n_fl == MAX_FLAGS)
		abort();
	memmove(&m.fl[i + 1], &m.fl[i], (m.n_fl - i) * sizeof(m.fl[0]));
	m.fl[i] = (struct leaf_flags){l.start, l.size, bits};
	m.n_fl++;
}

/* Leaves in [start, last] are gone: so are their bits */
static void fl_forget(uint64_t start, uint64_t last)
{
	unsigned int i = fl_search(start), j = i;

	while (j < m.n_fl && m.fl[j].start <= last)
		j++;
	memmove(&m.fl[i], &m.fl[j], (m.n_fl - j) * sizeof(m.fl[0]));
	m.n_fl -= j - i;
}

/*
 * The smallest leaf size of at least span the extent may use, 0 if none.
 * An aligned block of span inside the extent is covered by one leaf when
 * the block of that size around it lies inside the extent too.
 */
static uint64_t big_leaf(const struct extent *e, uint64_t span)
{
	for (unsigned int i = m.nsizes; i--;) {
		uint64_t s = m.sizes[i];

		if (s >= span && s <= e->max_leaf &&
		    !((e->host - e->iova) & (s - 1)))
			return s;
	}
	return 0;
}

/* Count the blocks [lo, hi] but the one counted last */
static void count_blocks(uint64_t lo, uint64_t hi, uint64_t *prev,
			 uint64_t *count)
{
	if (lo == *prev)
		lo++;
	if (lo > hi || hi == UINT64_MAX)
		return;
	*count += hi - lo + 1;
	*prev = hi;
}

/*
 * Tables the mapped leaves need: the root, and at each lower level one
 * table per block of its span holding a leaf smaller than the span. A
 * block an extent covers only partly holds only smaller leaves; a block
 * inside an extent needs a table unless one leaf covers it. Extents are
 * sorted, so a block shared by two extents is met twice in a row.
 */
static uint64_t expected_tables(void)
{
	uint64_t count = 1;

	for (unsigned int l = 0; l + 1 < m.kind->cfg.levels; l++) {
		uint64_t span = level_size(l + 1), prev = UINT64_MAX;

		for (unsigned int i = 0; i != m.n_ext; i++) {
			const struct extent *e = &m.ext[i];
			uint64_t big = big_leaf(e, span);
			uint64_t first = e->iova / span, last = e->last / span;
			uint64_t cs = 0, ce = 0;

			if (big) {
				cs = ALIGN_DOWN_U64(e->iova + big - 1, big);
				ce = ALIGN_DOWN_U64(e->last + 1, big);
			}
			if (cs >= ce) {
				count_blocks(first, last, &prev, &count);
				continue;
			}
			if (cs / span)
				count_blocks(first, cs / span - 1, &prev,
					     &count);
			count_blocks(ce / span, last, &prev, &count);
		}
	}
	return count;
}

/* ------------------------------------------------------------------ */
/* Checks                                                             */
/* ------------------------------------------------------------------ */

static void check_lookup(uint64_t x)
{
	const unsigned int bits = IOPTE_READ | IOPTE_WRITE | IOPTE_ACCESSED |
				  IOPTE_DIRTY;
	const struct extent *e = x <= m.last_iova ? ext_find(x) : NULL;
	struct io_pgtable_walk w;
	bool got = io_pgtable_lookup(&m.pt, x, &w);
	uint64_t host, left;
	struct leaf l;

	counts[OP_LOOKUP].calls++;
	if (!e) {
		if (got)
			fail("IOVA %#" PRIx64 " is not mapped, yet translates "
			     "to host %#" PRIx64 " (leaf_left %#zx)",
			     x, (uint64_t)w.host, w.leaf_left);
		return;
	}
	if (!got)
		fail("IOVA %#" PRIx64 " is mapped (extent %#" PRIx64
		     "-%#" PRIx64 ") but does not translate",
		     x, e->iova, e->last);
	l = leaf_at(e, x);
	host = e->host + (x - e->iova);
	left = l.start + l.size - x;
	if (w.host != host || w.leaf_left != left ||
	    (w.prot & bits) != (e->prot | fl_bits(l)))
		fail("IOVA %#" PRIx64 ": host %#" PRIx64 " leaf_left %#zx "
		     "bits %#x, model host %#" PRIx64 " leaf_left %#" PRIx64
		     " bits %#x",
		     x, (uint64_t)w.host, w.leaf_left, w.prot & bits, host,
		     left, e->prot | fl_bits(l));
}

static void check_tables(void)
{
	unsigned long live, allocated;
	uint64_t want;

	if (!m.check_tables)
		return;
	want = expected_tables();
	io_pgtable_count_tables(&m.pt, &live, &allocated);
	if (live != want)
		fail("%lu tables hooked in the page table, its leaves need "
		     "%" PRIu64,
		     live, want);
	/* Alone in the page table, an operation gives back what it unhooks */
	if (allocated != live)
		fail("%lu tables allocated, %lu hooked", allocated, live);
}

/* Around a range: its edges, the granules beside them, a random byte */
static void check_range(uint64_t iova, uint64_t last)
{
	check_lookup(iova);
	check_lookup(last);
	if (iova)
		check_lookup(iova - 1);
	if (last < m.last_iova)
		check_lookup(last + 1);
	check_lookup(iova + rng_below(&m.crng, last - iova + 1));
}

static void check_extent_edges(const struct extent *e)
{
	struct leaf first = leaf_at(e, e->iova);
	struct leaf last = leaf_at(e, e->last);

	check_range(e->iova, e->last);
	check_lookup(first.start + first.size - 1);
	if (first.start + first.size <= e->last)
		check_lookup(first.start + first.size);
	check_lookup(last.start);
}

/*
 * After each step: the edges of a few extents (of all of them every 32
 * steps), random IOVAs, and the table count
 */
static void check_all(void)
{
	if (m.step % 32 == 0) {
		for (unsigned int i = 0; i != m.n_ext; i++)
			check_extent_edges(&m.ext[i]);
	} else {
		for (unsigned int i = 0; i != 4 && m.n_ext; i++)
			check_extent_edges(&m.ext[rng_below(&m.crng, m.n_ext)]);
	}
	for (unsigned int i = 0; i != 4; i++)
		check_lookup(m.regions[rng_below(&m.crng, 3)] +
			     rng_below(&m.crng, m.window));
	check_tables();
}

/* Every leaf of every extent (up to 2048 from each end), at the end */
static void check_every_leaf(void)
{
	for (unsigned int i = 0; i != m.n_ext; i++) {
		const struct extent *e = &m.ext[i];
		unsigned int n = 0;
		uint64_t x;

		for (x = e->iova; x - 1 != e->last && n != 2048; n++)
			x = leaf_at(e, x).start + leaf_at(e, x).size;
		for (x = e->iova; x - 1 != e->last && n--;
		     x = leaf_at(e, x).start + leaf_at(e, x).size)
			check_lookup(x);
		for (x = e->last, n = 0; x >= e->iova && n != 2048; n++) {
			struct leaf l = leaf_at(e, x);

			check_lookup(l.start);
			if (l.start == e->iova)
				break;
			x = l.start - 1;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Operations: made from the random stream, then run (and replayed)   */
/* ------------------------------------------------------------------ */

struct op {
	enum op_kind kind;
	uint64_t iova, len, host, max_leaf;
	unsigned int prot, nth;
	bool flag; /* DMA write; dirty read keeps the bits */
};

static void pt_new(const struct pt_kind *kind)
{
	unsigned long sizes;

	m.kind = kind;
	if (io_pgtable_init(&m.pt, &m.kind->cfg))
		fail("io_pgtable_init");
	m.pt_live = true;
	m.granule = 1ULL << m.kind->cfg.granule_shift;
	m.last_iova = io_pgtable_last_iova(&m.pt);
	sizes = m.kind->cfg.leaf_sizes | m.granule;
	m.nsizes = 0;
	for (int b = 63; b >= 0; b--)
		if (sizes & (1UL << b))
			m.sizes[m.nsizes++] = 1ULL << b;
	/*
	 * Three windows: the bottom, across the boundary of two entries of
	 * the root, and the top of the IOVA space.
	 */
	m.window = 8 * level_size(2);
	m.regions[0] = 0;
	m.regions[1] = max(level_size(m.kind->cfg.levels - 1), m.window) -
		       m.window / 2;
	m.regions[2] = m.last_iova - m.window + 1;
	m.n_ext = 0;
	m.n_fl = 0;
}

static void pt_free(void)
{
	if (m.pt_live)
		io_pgtable_destroy(&m.pt);
	m.pt_live = false;
}

/* A size class: a few granules, around a level-1 leaf, around a level 2 */
static uint64_t pick_size(void)
{
	uint64_t g = m.granule, s1 = level_size(1), s2 = level_size(2);
	uint64_t jitter = g * rng_below(&m.rng, 3);

	switch (rng_below(&m.rng, 10)) {
	case 0 ... 3:
		return g * (1 + rng_below(&m.rng, 24));
	case 4 ... 6:
		return s1 * (1 + rng_below(&m.rng, 3)) + jitter;
	case 7 ... 8:
		return s1 * (1 + rng_below(&m.rng, 3)) - g - jitter;
	default:
		return s2 * (1 + rng_below(&m.rng, 2)) +
		       (rng_pct(&m.rng, 50) ? jitter : 0);
	}
}

static uint64_t pick_in(const struct extent *e)
{
	return e->iova + rng_below(&m.rng, e->last - e->iova + 1);
}

/* An IOVA near something mapped half the time, anywhere otherwise */
static uint64_t pick_iova(void)
{
	uint64_t g = m.granule, align;

	if (m.n_ext && rng_pct(&m.rng, 50)) {
		const struct extent *e = &m.ext[rng_below(&m.rng, m.n_ext)];
		uint64_t off = g * rng_below(&m.rng, 4);

		switch (rng_below(&m.rng, 4)) {
		case 0:
			return e->iova - off;
		case 1:
			return e->last + 1 + off;
		case 2:
			return leaf_at(e, pick_in(e)).start;
		default:
			return ALIGN_DOWN_U64(pick_in(e), g);
		}
	}
	switch (rng_below(&m.rng, 3)) {
	case 0:
		align = g;
		break;
	case 1:
		align = level_size(1);
		break;
	default:
		align = level_size(2);
		break;
	}
	return ALIGN_DOWN_U64(m.regions[rng_below(&m.rng, 3)] +
				      rng_below(&m.rng, m.window),
			      align);
}

/*
 * A host address co-aligned with iova up to all levels, one, or none (a
 * range of level 2 size rarely none: half a million small leaves are slow)
 */
static uint64_t pick_host(uint64_t iova, uint64_t len)
{
	uint64_t base = HOST_BASE + (iova & (HOST_BASE - 1));

	switch (rng_below(&m.rng, len >= level_size(2) ? 3 : 5)) {
	case 0 ... 1:
		return base;
	case 2:
		return base + level_size(1) * (2 * rng_below(&m.rng, 8) + 1);
	default:
		return base + m.granule * (2 * rng_below(&m.rng, 512) + 1);
	}
}

/* A random IOVA, in an extent most of the time */
static uint64_t pick_probe(void)
{
	if (m.n_ext && rng_pct(&m.rng, 80))
		return pick_in(&m.ext[rng_below(&m.rng, m.n_ext)]);
	return m.regions[rng_below(&m.rng, 3)] + rng_below(&m.rng, m.window);
}

static void gen_map(struct op *op, bool inject)
{
	op->kind = inject ? OP_MAP_FAIL : OP_MAP;
	op->iova = pick_iova();
	op->len = pick_size();
	op->host = pick_host(op->iova, op->len);
	op->prot = (unsigned int[]){IOPTE_READ, IOPTE_WRITE,
				    IOPTE_READ |
					    IOPTE_WRITE}[rng_below(&m.rng, 3)];
	op->max_leaf = rng_pct(&m.rng, 85)   ? ULONG_MAX
		       : rng_pct(&m.rng, 70) ? 4096
					     : level_size(1);
	/* Which of the allocations the map needs fails */
	op->nth = 1 + (unsigned int)rng_below(&m.rng, 4);
}

/* Calls the page table must refuse */
static void gen_map_bad(struct op *op)
{
	op->kind = OP_MAP_BAD;
	op->iova = pick_iova();
	op->len = pick_size();
	op->host = pick_host(op->iova, op->len);
	op->prot = IOPTE_READ;
	op->max_leaf = ULONG_MAX;
	switch (rng_below(&m.rng, 4)) {
	case 0:
		op->len = 0;
		break;
	case 1:
		op->len += 1 + rng_below(&m.rng, m.granule - 1);
		break;
	case 2:
		op->host += 1 + rng_below(&m.rng, m.granule - 1);
		break;
	default:
		op->iova = m.last_iova - m.granule * rng_below(&m.rng, 4) -
			   (m.granule - 1);
		op->len = m.last_iova - op->iova + 1 +
			  m.granule * (1 + rng_below(&m.rng, 4));
		break;
	}
}

static void gen_unmap(struct op *op)
{
	const struct extent *e;
	uint64_t a, b;
	unsigned int i, j;

	op->kind = OP_UNMAP;
	if (!m.n_ext || rng_pct(&m.rng, 15)) {
		op->iova = pick_iova();
		op->len = pick_size();
		return;
	}
	i = (unsigned int)rng_below(&m.rng, m.n_ext);
	e = &m.ext[i];
	switch (rng_below(&m.rng, 4)) {
	case 0: /* exactly what one map made, or a run of them */
		j = i + (unsigned int)rng_below(&m.rng, min(3, m.n_ext - i));
		a = e->iova;
		b = m.ext[j].last;
		break;
	case 1: /* the start of an extent, ending anywhere in it */
		a = e->iova;
		b = pick_in(e) | (m.granule - 1);
		break;
	case 2: /* from anywhere in it to its end */
		a = ALIGN_DOWN_U64(pick_in(e), m.granule);
		b = e->last;
		break;
	default: /* a piece in the middle */
		a = ALIGN_DOWN_U64(pick_in(e), m.granule);
		b = pick_in(e) | (m.granule - 1);
		if (a > b) {
			uint64_t t = ALIGN_DOWN_U64(b, m.granule);

			b = a | (m.granule - 1);
			a = t;
		}
		break;
	}
	op->iova = a;
	op->len = b - a + 1;
}

static void gen_probe(struct op *op, enum op_kind kind)
{
	op->kind = kind;
	op->iova = pick_probe();
	op->flag = rng_pct(&m.rng, 50);
	if (kind == OP_READ_DIRTY) {
		op->iova = ALIGN_DOWN_U64(op->iova, m.granule);
		op->len = pick_size() * (1 + rng_below(&m.rng, 4));
		op->flag = rng_pct(&m.rng, 30);
	}
}

static void gen_op(struct op *op)
{
	unsigned int r = (unsigned int)rng_below(&m.rng, 100);

	memset(op, 0, sizeof(*op));
	if (r < 34)
		gen_map(op, false);
	else if (r < 38)
		gen_map(op, m.check_tables);
	else if (r < 40)
		gen_map_bad(op);
	else if (r < 70)
		gen_unmap(op);
	else if (r < 80)
		gen_probe(op, OP_DMA_MARK);
	else if (r < 88)
		gen_probe(op, OP_SET_DIRTY);
	else if (r < 94)
		gen_probe(op, OP_READ_DIRTY);
	else
		gen_probe(op, OP_LOOKUP);
}

static void run_map(const struct op *op)
{
	uint64_t last = op->iova + op->len - 1;
	struct extent e = {
		.iova = op->iova,
		.last = last,
		.host = op->host,
		.prot = op->prot,
		.max_leaf = op->max_leaf,
	};
	bool inject = op->kind == OP_MAP_FAIL;
	int rc, want = 0;

	/* Where a conflict and a failing allocation meet, order decides */

	if (!op->len || ((op->iova | op->host | op->len) & (m.granule - 1)))
		want = -EINVAL;
	else if (last < op->iova || last > m.last_iova)
		want = -ERANGE;
	else if (ext_intersects(op->iova, last))
		want = -EEXIST;
	inject = inject && !want;
	if (inject) {
		/* It fails if it needs that many new tables */
		uint64_t before = expected_tables(), after;

		ext_insert(&e);
		after = expected_tables();
		ext_remove(ext_search(op->iova));
		if (op->nth <= after - before)
			want = -ENOMEM;
	}
	if (inject)
		uiommufd_fail_nth_set(op->nth);
	rc = io_pgtable_map(&m.pt, op->iova, op->host, op->len, op->prot,
			    op->max_leaf);
	uiommufd_fail_nth_set(0);
	model_count(&counts[op->kind], rc);
	if (rc != want)
		fail("map of [%#" PRIx64 ", %#" PRIx64 "] returned %d (%s), "
		     "the model says %d (%s)",
		     op->iova, last, rc, strerror(-rc), want, strerror(-want));
	if (!rc)
		ext_insert(&e);
	if (op->len && last >= op->iova && last <= m.last_iova)
		check_range(op->iova, last);
}

/*
 * Unmap [iova, last] from the model: every leaf it meets goes whole, so a
 * range ending inside a huge leaf takes all of it. Returns the bytes.
 */
static uint64_t model_unmap(uint64_t iova, uint64_t last)
{
	uint64_t bytes = 0;
	unsigned int i = ext_search(iova);

	while (i < m.n_ext && m.ext[i].iova <= last) {
		struct extent e = m.ext[i];
		struct leaf a = leaf_at(&e, max(iova, e.iova));
		struct leaf b = leaf_at(&e, min(last, e.last));
		uint64_t cut_last = b.start + b.size - 1;

		bytes += cut_last - a.start + 1;
		fl_forget(a.start, cut_last);
		ext_remove(i);
		if (a.start > e.iova) {
			struct extent left = e;

			left.last = a.start - 1;
			ext_insert(&left);
			i++;
		}
		if (cut_last < e.last) {
			struct extent right = e;

			right.host = e.host + (cut_last + 1 - e.iova);
			right.iova = cut_last + 1;
			ext_insert(&right);
			i++;
		}
	}
	return bytes;
}

static void run_unmap(const struct op *op)
{
	uint64_t last = op->iova + op->len - 1, want = 0, got;

	if (op->len && last >= op->iova) {
		last = min(last, m.last_iova);
		if (op->iova <= last)
			want = model_unmap(op->iova, last);
	}
	got = io_pgtable_unmap(&m.pt, op->iova, op->len);
	counts[OP_UNMAP].calls++;
	counts[OP_UNMAP].errors += !got;
	if (got != want)
		fail("unmap of %#" PRIx64 " + %#" PRIx64 " removed %#" PRIx64
		     " bytes, the model says %#" PRIx64,
		     op->iova, op->len, got, want);
	if (op->len && op->iova <= m.last_iova)
		check_range(op->iova,
			    min(op->iova + (op->len - 1), m.last_iova));
}

/* What a device does: translate, then mark the leaf used */
static void run_dma_mark(const struct op *op)
{
	const struct extent *e = op->iova <= m.last_iova ? ext_find(op->iova)
							 : NULL;
	struct io_pgtable_walk w;

	counts[OP_DMA_MARK].calls++;
	if (!io_pgtable_lookup(&m.pt, op->iova, &w)) {
		counts[OP_DMA_MARK].errors++;
		if (e)
			fail("DMA at mapped IOVA %#" PRIx64 " found nothing",
			     op->iova);
		return;
	}
	if (!e)
		fail("DMA at unmapped IOVA %#" PRIx64 " translated", op->iova);
	io_pgtable_mark_used(&w, op->flag);
	fl_set(leaf_at(e, op->iova),
	       IOPTE_ACCESSED | (op->flag ? IOPTE_DIRTY : 0));
	check_lookup(op->iova);
}

static void run_set_dirty(const struct op *op)
{
	const struct extent *e = op->iova <= m.last_iova ? ext_find(op->iova)
							 : NULL;

	counts[OP_SET_DIRTY].calls++;
	io_pgtable_set_dirty(&m.pt, op->iova);
	if (e)
		fl_set(leaf_at(e, op->iova), IOPTE_ACCESSED | IOPTE_DIRTY);
	else
		counts[OP_SET_DIRTY].errors++;
	check_lookup(op->iova);
}

struct dirty_report {
	uint64_t iova[64], len[64];
	unsigned int n;
	bool overflow;
};

static void record_dirty(void *arg, unsigned long iova, size_t len)
{
	struct dirty_report *r = arg;

	if (r->n == 64) {
		r->overflow = true;
		return;
	}
	r->iova[r->n] = iova;
	r->len[r->n++] = len;
}

static void run_read_dirty(const struct op *op)
{
	uint64_t last = min(op->iova + op->len - 1, m.last_iova);
	struct dirty_report r = {0};
	unsigned int n = 0;

	counts[OP_READ_DIRTY].calls++;
	io_pgtable_read_and_clear_dirty(&m.pt, op->iova, op->len, op->flag,
					record_dirty, &r);
	if (r.overflow)
		fail("dirty read reported more leaves than exist");
	for (unsigned int i = 0; i != m.n_fl; i++) {
		struct leaf_flags *f = &m.fl[i];

		if (!(f->bits & IOPTE_DIRTY) || f->start > last ||
		    f->start + f->size - 1 < op->iova)
			continue;
		if (n >= r.n || r.iova[n] != f->start || r.len[n] != f->size)
			fail("dirty read of [%#" PRIx64 ", %#" PRIx64
			     "]: report %u is %#" PRIx64 " + %#" PRIx64
			     ", the model has dirty leaf %#" PRIx64
			     " + %#" PRIx64,
			     op->iova, last, n, n < r.n ? r.iova[n] : 0,
			     n < r.n ? r.len[n] : 0, f->start, f->size);
		n++;
		if (!op->flag)
			f->bits &= ~IOPTE_DIRTY;
	}
	if (n != r.n)
		fail("dirty read of [%#" PRIx64 ", %#" PRIx64 "] reported %u "
		     "leaves, the model %u",
		     op->iova, last, r.n, n);
}

static void op_describe(const struct op *op, char *buf, size_t size)
{
	switch (op->kind) {
	case OP_MAP:
	case OP_MAP_FAIL:
	case OP_MAP_BAD:
		snprintf(buf, size,
			 "map iova %#" PRIx64 " len %#" PRIx64 " host %#" PRIx64
			 " prot %s%s max_leaf %#" PRIx64 "%s",
			 op->iova, op->len, op->host,
			 op->prot & IOPTE_READ ? "r" : "",
			 op->prot & IOPTE_WRITE ? "w" : "", op->max_leaf,
			 op->kind == OP_MAP_FAIL ? " (allocation n fails)"
						 : "");
		if (op->kind == OP_MAP_FAIL)
			snprintf(strstr(buf, "n fails"), 16, "%u fails)",
				 op->nth);
		break;
	case OP_UNMAP:
		snprintf(buf, size, "unmap iova %#" PRIx64 " len %#" PRIx64,
			 op->iova, op->len);
		break;
	case OP_READ_DIRTY:
		snprintf(buf, size, "read dirty %#" PRIx64 " + %#" PRIx64 "%s",
			 op->iova, op->len, op->flag ? " (keep)" : "");
		break;
	default:
		snprintf(buf, size, "%s at %#" PRIx64 "%s",
			 counts[op->kind].name, op->iova,
			 op->kind == OP_DMA_MARK
				 ? (op->flag ? " (write)" : " (read)")
				 : "");
		break;
	}
}

static void run_op(const struct op *op)
{
	char what[MODEL_LOG_LEN];

	op_describe(op, what, sizeof(what));
	model_log(&m.log, "%s", what);
	switch (op->kind) {
	case OP_MAP:
	case OP_MAP_FAIL:
	case OP_MAP_BAD:
		run_map(op);
		break;
	case OP_UNMAP:
		run_unmap(op);
		break;
	case OP_DMA_MARK:
		run_dma_mark(op);
		break;
	case OP_SET_DIRTY:
		run_set_dirty(op);
		break;
	case OP_READ_DIRTY:
		run_read_dirty(op);
		break;
	default:
		check_lookup(op->iova);
		break;
	}
	check_all();
}

/* ------------------------------------------------------------------ */
/* Episodes, and shrinking a failing one                              */
/* ------------------------------------------------------------------ */

/* The operations of the current episode (one page table's life) */
static struct {
	struct op *ops;
	size_t n, alloc;
} ep;

static void ep_run(const struct op *op)
{
	if (ep.n == ep.alloc) {
		ep.alloc = ep.alloc ? 2 * ep.alloc : 1024;
		ep.ops = realloc(ep.ops, ep.alloc * sizeof(*ep.ops));
		if (!ep.ops)
			abort();
	}
	ep.ops[ep.n++] = *op;
	run_op(op);
}

/* Unmap everything in random pieces; then only the root may be left */
static void episode_end(void)
{
	unsigned long live, allocated;
	struct op op = {.kind = OP_UNMAP};

	check_every_leaf();
	while (m.n_ext) {
		if (rng_pct(&m.rng, 10)) {
			op.iova = 0;
			op.len = m.last_iova + 1;
		} else {
			gen_unmap(&op);
		}
		ep_run(&op);
	}
	io_pgtable_count_tables(&m.pt, &live, &allocated);
	counts[OP_EPISODE].calls++;
	if (m.check_tables && (live != 1 || allocated != 1))
		fail("everything unmapped, yet %lu tables are hooked and %lu "
		     "allocated (the root alone should be)",
		     live, allocated);
}

/* Replay ops[0..n) but those marked dropped; true if a check fails */
static bool replay(const struct pt_kind *kind, const struct op *ops, size_t n,
		   const bool *dropped)
{
	volatile bool failed = false;

	pt_free();
	pt_new(kind);
	m.replaying = true;
	if (!setjmp(m.replay_fail)) {
		for (size_t i = 0; i != n; i++)
			if (!dropped[i])
				run_op(&ops[i]);
	} else {
		failed = true;
	}
	m.replaying = false;
	pt_free();
	return failed;
}

/*
 * Make a failing episode short: drop chunks of operations, halving the
 * chunk size, as long as what is left still fails. Prints what remains.
 */
static void shrink(const struct pt_kind *kind)
{
	size_t n = ep.n;
	bool *dropped = calloc(n, sizeof(bool));
	char what[MODEL_LOG_LEN];

	if (!dropped)
		abort();
	for (size_t chunk = n / 2 ? n / 2 : 1;; chunk /= 2) {
		for (size_t at = 0; at < n; at += chunk) {
			bool saved[chunk];
			size_t k, len = min(chunk, n - at);

			for (k = 0; k != len && dropped[at + k]; k++)
				;
			if (k == len)
				continue;
			memcpy(saved, &dropped[at], len);
			memset(&dropped[at], 1, len);
			if (!replay(kind, ep.ops, n, dropped))
				memcpy(&dropped[at], saved, len);
		}
		if (chunk == 1)
			break;
	}
	replay(kind, ep.ops, n, dropped);
	fprintf(stderr, "shrunk to (%s):\n", kind->name);
	for (size_t i = 0; i != n; i++) {
		if (dropped[i])
			continue;
		op_describe(&ep.ops[i], what, sizeof(what));
		fprintf(stderr, "  %s\n", what);
	}
	fprintf(stderr, "  -> %s\n", m.replay_msg);
	free(dropped);
}

static void run_seed(uint64_t seed, uint64_t steps)
{
	uint64_t episode_left = 0;
	struct op op;

	m.rng.s = seed;
	m.crng.s = ~seed;
	m.seed = seed;
	for (m.step = 0; m.step != steps; m.step++) {
		if (!episode_left) {
			if (m.pt_live)
				episode_end();
			pt_free();
			pt_new(&kinds[rng_below(&m.rng, ARRAY_SIZE(kinds))]);
			ep.n = 0;
			episode_left = 50 + rng_below(&m.rng, 1500);
		}
		episode_left--;
		gen_op(&op);
		ep_run(&op);
		/* Keep the model small: unmap when it grows */
		while (m.n_ext > MAX_EXTENTS - 8 || m.n_fl > MAX_FLAGS - 64) {
			gen_unmap(&op);
			ep_run(&op);
		}
	}
	if (m.pt_live)
		episode_end();
	pt_free();
}

/*
 * Issue 7, defect 1 in its smallest form, before the random program: map
 * 4 KiB at IOVA 0, unmap it, map 2 MiB there from a 2 MiB aligned host
 * address (a 2 MiB leaf where a table was).
 */
static void smallest_form(void)
{
	static const struct op ops[] = {
		{.kind = OP_MAP,
		 .iova = 0,
		 .len = 4096,
		 .host = HOST_BASE,
		 .prot = IOPTE_READ | IOPTE_WRITE,
		 .max_leaf = ULONG_MAX},
		{.kind = OP_UNMAP, .iova = 0, .len = 4096},
		{.kind = OP_MAP,
		 .iova = 0,
		 .len = 2 << 20,
		 .host = HOST_BASE,
		 .prot = IOPTE_READ | IOPTE_WRITE,
		 .max_leaf = ULONG_MAX},
		{.kind = OP_DMA_MARK, .iova = (2 << 20) - 1, .flag = true},
		{.kind = OP_UNMAP, .iova = 4096, .len = 4096},
		{.kind = OP_LOOKUP, .iova = 0},
	};

	pt_new(&kinds[0]);
	for (size_t i = 0; i != ARRAY_SIZE(ops); i++)
		ep_run(&ops[i]);
	episode_end();
	pt_free();
	ep.n = 0;
}

int main(int argc, char **argv)
{
	struct model_opts o = {.steps = 100000, .seed = 1, .seeds = 1};
	double t0 = model_now();

	model_parse(&o, &argc, argv);
	m.check_tables = model_env("MODEL_CHECK_TABLES", 1);
	for (unsigned int i = 0; i != o.seeds; i++) {
		if (setjmp(m.first_fail)) {
			const struct pt_kind *kind = m.kind;

			model_log_print(&m.log);
			fprintf(stderr,
				"shrinking the failing episode (%zu "
				"operations)...\n",
				ep.n);
			shrink(kind);
			return 1;
		}
		if (!i)
			smallest_form();
		run_seed(o.seed + i, o.steps);
	}
	model_print_counts("model_pgtable", o.steps * o.seeds, model_now() - t0,
			   counts, NR_OPS);
	free(ep.ops);
	return 0;
}
