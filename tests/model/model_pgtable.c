// SPDX-License-Identifier: MIT
/*
 * The software IO page table (src/iommu/io_pgtable.c) checked against a
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

#include <uiommufd/uiommufd.h>

#include "pgtable_model.h"

/* ------------------------------------------------------------------ */
/* Operations: made from the random stream, then run (and replayed)   */
/* ------------------------------------------------------------------ */

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
