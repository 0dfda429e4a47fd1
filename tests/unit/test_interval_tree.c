// SPDX-License-Identifier: MIT
/*
 * Randomised test of src/iopt/interval_tree.c against a naive model.
 *
 * Two trees are driven by random inserts and removes (overlapping or
 * disjoint interval sets, keys crowded near 0 and ULONG_MAX so wrap-around
 * bugs show up). Every operation is followed by itree_validate(); every batch
 * compares the in-order walk, the overlap iterator, the span iterator (with
 * advance), the double span iterator and itree_find_hole() with answers
 * computed from a plain array. Seeds are fixed, so a failure reproduces.
 *
 *   test_interval_tree          run the tests, exit 0 on success
 *   test_interval_tree bench    print timings with 10^5 disjoint intervals
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/lib/interval_tree.h"

#define FAIL(...)                                                      \
	do {                                                           \
		fprintf(stderr, "FAIL %s:%d (seed %#llx): ", __FILE__, \
			__LINE__, (unsigned long long)cur_seed);       \
		fprintf(stderr, __VA_ARGS__);                          \
		fputc('\n', stderr);                                   \
		exit(1);                                               \
	} while (0)

#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond))               \
			FAIL(__VA_ARGS__); \
	} while (0)

/* What a phase exercised, so a weak phase is visible in the output */
static struct {
	unsigned long peak, queries, spans, dspans, holes_found, holes_none;
} stats;

/* ---- deterministic random numbers (splitmix64) ---- */

static uint64_t rng_state;
static uint64_t cur_seed;

static void rng_seed(uint64_t seed)
{
	cur_seed = seed;
	rng_state = seed;
}

static unsigned long rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned long)(z ^ (z >> 31));
}

/* Uniform-ish in [0, n), or any value when n == 0. */
static unsigned long rnd_below(unsigned long n)
{
	return n ? rnd() % n : rnd();
}

/*
 * A value of random magnitude. Two statements: the operands of one
 * expression would be evaluated in an unspecified order, and the sequence
 * must not depend on the compiler.
 */
static unsigned long rnd_any_scale(void)
{
	unsigned long v = rnd();

	return v >> rnd_below(64);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	return p;
}

/* ---- the model: a tree plus the same intervals in a plain array ---- */

struct tnode {
	struct itree_node node;
	unsigned long seq; /* insertion order: ties in start keep it */
	bool in_tree;
};

struct model {
	struct itree_root root;
	struct tnode *pool;
	size_t pool_size;
	struct tnode **live; /* unordered */
	size_t nlive;
	bool disjoint;
	unsigned long seq;
	/* key shape for this phase */
	unsigned long universe;
	unsigned long max_len;
};

static void model_init(struct model *m, size_t pool_size, bool disjoint,
		       unsigned long universe, unsigned long max_len)
{
	memset(m, 0, sizeof(*m));
	m->pool = xcalloc(pool_size, sizeof(*m->pool));
	m->live = xcalloc(pool_size, sizeof(*m->live));
	m->pool_size = pool_size;
	m->disjoint = disjoint;
	m->universe = universe;
	m->max_len = max_len;
}

static void model_destroy(struct model *m)
{
	free(m->pool);
	free(m->live);
}

/*
 * A point crowded near 0, crowded near ULONG_MAX, or anywhere; universe 0
 * means the whole range.
 */
static unsigned long gen_point(const struct model *m)
{
	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
		return ULONG_MAX;
	case 2:
		return ULONG_MAX - rnd_below(m->universe ? m->universe : 64);
	case 3:
		return rnd();
	default:
		return rnd_below(m->universe);
	}
}

/*
 * Mostly short intervals, some single indexes, rarely a huge one (a few huge
 * intervals already cover everything and would hide the rest). max_len 0
 * asks for lengths spread over every scale.
 */
static void gen_interval(const struct model *m, unsigned long *start,
			 unsigned long *last)
{
	unsigned long s = gen_point(m), len, r = rnd_below(64);

	if (r == 0)
		len = rnd();
	else if (r < 8)
		len = 0;
	else if (!m->max_len)
		len = rnd_any_scale();
	else
		len = rnd_below(m->max_len);
	if (len > ULONG_MAX - s)
		len = ULONG_MAX - s;
	*start = s;
	*last = s + len;
}

static bool overlaps(unsigned long s1, unsigned long l1, unsigned long s2,
		     unsigned long l2)
{
	return s1 <= l2 && s2 <= l1;
}

static bool model_collides(const struct model *m, unsigned long s,
			   unsigned long l)
{
	size_t i;

	for (i = 0; i != m->nlive; i++)
		if (overlaps(s, l, m->live[i]->node.start,
			     m->live[i]->node.last))
			return true;
	return false;
}

static struct tnode *model_free_node(struct model *m)
{
	size_t i, at = rnd_below(m->pool_size);

	for (i = 0; i != m->pool_size; i++) {
		struct tnode *t = &m->pool[(at + i) % m->pool_size];

		if (!t->in_tree)
			return t;
	}
	return NULL;
}

static void model_insert_at(struct model *m, struct tnode *t, unsigned long s,
			    unsigned long l)
{
	t->node.start = s;
	t->node.last = l;
	t->seq = m->seq++;
	t->in_tree = true;
	itree_insert(&t->node, &m->root);
	m->live[m->nlive++] = t;
}

/* Returns false when no interval could be placed (disjoint set too full). */
static bool model_insert(struct model *m)
{
	struct tnode *t = model_free_node(m);
	unsigned long s, l;
	int tries;

	if (!t)
		return false;
	for (tries = 0; tries != 20; tries++) {
		gen_interval(m, &s, &l);
		if (!m->disjoint || !model_collides(m, s, l)) {
			model_insert_at(m, t, s, l);
			return true;
		}
		/* Shrink to a single index: small holes fill up this way */
		l = s;
		if (!model_collides(m, s, l)) {
			model_insert_at(m, t, s, l);
			return true;
		}
	}
	return false;
}

static void model_remove(struct model *m)
{
	size_t i = rnd_below(m->nlive);
	struct tnode *t = m->live[i];

	itree_remove(&t->node, &m->root);
	t->in_tree = false;
	m->live[i] = m->live[--m->nlive];
}

static int cmp_tnode(const void *a, const void *b)
{
	const struct tnode *x = *(struct tnode *const *)a;
	const struct tnode *y = *(struct tnode *const *)b;

	if (x->node.start != y->node.start)
		return x->node.start < y->node.start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The live nodes in the order the tree must yield them. */
static struct tnode **model_sorted(const struct model *m)
{
	struct tnode **v = xcalloc(m->nlive, sizeof(*v));

	memcpy(v, m->live, m->nlive * sizeof(*v));
	qsort(v, m->nlive, sizeof(*v), cmp_tnode);
	return v;
}

/* ---- naive spans ---- */

struct span {
	unsigned long start, last;
	int kind; /* span: 1 hole, 0 used; double span: is_used value */
};

struct span_list {
	struct span *v;
	size_t n;
};

static void span_push(struct span_list *sl, unsigned long s, unsigned long l,
		      int kind)
{
	sl->v[sl->n++] = (struct span){s, l, kind};
}

/*
 * Alternating holes and merged used runs over [f, l], built directly from
 * the sorted array: the definition the iterator has to meet.
 */
static struct span_list naive_spans(struct tnode **sorted, size_t n,
				    unsigned long f, unsigned long l)
{
	struct span_list sl = {xcalloc(2 * n + 2, sizeof(struct span)), 0};
	unsigned long pos = f, run_s = 0, run_l = 0;
	bool in_run = false;
	size_t i;

	for (i = 0; i != n; i++) {
		unsigned long s = sorted[i]->node.start;
		unsigned long e = sorted[i]->node.last;

		if (!overlaps(s, e, f, l))
			continue;
		s = s < f ? f : s;
		e = e > l ? l : e;
		if (in_run && (s <= run_l || s - run_l == 1)) {
			run_l = e > run_l ? e : run_l;
			continue;
		}
		if (in_run) {
			span_push(&sl, run_s, run_l, 0);
			pos = run_l + 1; /* run_l < s <= l, no wrap */
		}
		if (s > pos)
			span_push(&sl, pos, s - 1, 1);
		run_s = s;
		run_l = e;
		in_run = true;
	}
	if (in_run) {
		span_push(&sl, run_s, run_l, 0);
		if (run_l == l)
			return sl;
		pos = run_l + 1;
	}
	span_push(&sl, pos, l, 1);
	return sl;
}

/*
 * Double span by definition: each index is classed 1 if tree 0 covers it,
 * else 2 if tree 1 does, else 0; the spans are the maximal runs of a class.
 */
static struct span_list naive_double(const struct span_list *a,
				     const struct span_list *b)
{
	struct span_list out = {xcalloc(a->n + b->n + 1, sizeof(struct span)),
				0};
	size_t i = 0, j = 0;
	unsigned long pos = a->v[0].start;

	for (;;) {
		unsigned long end = a->v[i].last < b->v[j].last ? a->v[i].last
								: b->v[j].last;
		int kind = !a->v[i].kind ? 1 : !b->v[j].kind ? 2 : 0;

		if (out.n && out.v[out.n - 1].kind == kind)
			out.v[out.n - 1].last = end;
		else
			span_push(&out, pos, end, kind);
		if (a->v[i].last == end && ++i == a->n)
			break;
		if (b->v[j].last == end)
			j++;
		pos = end + 1;
	}
	return out;
}

/* ---- checks ---- */

static void gen_range(const struct model *m, unsigned long *f, unsigned long *l)
{
	unsigned long a, b;

	if (rnd_below(10) == 0) {
		*f = 0;
		*l = ULONG_MAX;
		return;
	}
	a = gen_point(m);
	if (!rnd_below(3))
		b = gen_point(m);
	else if (m->max_len)
		b = a + rnd_below(m->max_len * 8 + 1);
	else
		b = a + rnd_any_scale();
	if (b < a) {
		unsigned long t = a;

		a = b;
		b = t;
	}
	*f = a;
	*l = b;
}

static void check_inorder(struct model *m, struct tnode **sorted)
{
	struct itree_node *n = itree_first(&m->root);
	size_t i;

	CHECK(itree_empty(&m->root) == (m->nlive == 0), "itree_empty");
	CHECK(m->root.count == m->nlive, "count %lu vs %zu", m->root.count,
	      m->nlive);
	for (i = 0; i != m->nlive; i++, n = itree_next(n))
		CHECK(n == &sorted[i]->node, "in-order walk differs at %zu", i);
	CHECK(!n, "in-order walk too long");
}

static void check_iter(struct model *m, struct tnode **sorted, unsigned long f,
		       unsigned long l)
{
	struct itree_node *n;
	size_t i = 0;

	itree_for_each (n, &m->root, f, l) {
		while (i != m->nlive && !overlaps(sorted[i]->node.start,
						  sorted[i]->node.last, f, l))
			i++;
		CHECK(i != m->nlive, "iter [%#lx,%#lx] yields extra node", f,
		      l);
		CHECK(n == &sorted[i]->node,
		      "iter [%#lx,%#lx] got [%#lx,%#lx] want [%#lx,%#lx]", f, l,
		      n->start, n->last, sorted[i]->node.start,
		      sorted[i]->node.last);
		i++;
	}
	for (; i != m->nlive; i++)
		CHECK(!overlaps(sorted[i]->node.start, sorted[i]->node.last, f,
				l),
		      "iter [%#lx,%#lx] missed [%#lx,%#lx]", f, l,
		      sorted[i]->node.start, sorted[i]->node.last);
}

static void expect_span(const struct itree_span_iter *it,
			const struct span_list *want, size_t i)
{
	CHECK(i < want->n, "span iterator yields too many spans");
	CHECK(it->is_hole == want->v[i].kind &&
		      it->start_hole == want->v[i].start &&
		      it->last_hole == want->v[i].last,
	      "span %zu: got %d [%#lx,%#lx] want %d [%#lx,%#lx]", i,
	      it->is_hole, it->start_hole, it->last_hole, want->v[i].kind,
	      want->v[i].start, want->v[i].last);
}

/* The rest of an iteration must equal @want from index @i on. */
static void expect_span_tail(struct itree_span_iter *it,
			     const struct span_list *want, size_t i)
{
	for (; !itree_span_iter_done(it); itree_span_iter_next(it))
		expect_span(it, want, i++);
	CHECK(i == want->n, "span iterator stopped after %zu of %zu", i,
	      want->n);
	/* Once done it stays done */
	itree_span_iter_next(it);
	CHECK(itree_span_iter_done(it), "span iterator restarted");
}

static unsigned long pick_advance(const struct itree_span_iter *it,
				  unsigned long l)
{
	unsigned long cur_s = it->start_hole, cur_l = it->last_hole;

	switch (rnd_below(4)) {
	case 0:
		return cur_s + rnd_below(cur_l - cur_s + 1);
	case 1:
		return cur_l == ULONG_MAX ? cur_l : cur_l + 1;
	case 2:
		return cur_s + rnd_below(l - cur_s + 1);
	default:
		return l == ULONG_MAX ? l : l + 1 + rnd_below(4);
	}
}

static void check_spans(struct model *m, struct tnode **sorted, unsigned long f,
			unsigned long l)
{
	struct span_list want = naive_spans(sorted, m->nlive, f, l);
	struct itree_span_iter it;
	size_t i = 0, stop;

	itree_for_each_span (&it, &m->root, f, l) {
		expect_span(&it, &want, i++);
	}
	CHECK(i == want.n, "span iterator stopped after %zu of %zu", i, want.n);
	stats.spans += i;

	/* Walk part of the way, then skip forward */
	stop = rnd_below(want.n);
	itree_span_iter_first(&it, &m->root, f, l);
	for (i = 0; i != stop; i++)
		itree_span_iter_next(&it);
	{
		unsigned long to = pick_advance(&it, l);

		itree_span_iter_advance(&it, &m->root, to);
		if (to > l) {
			CHECK(itree_span_iter_done(&it), "advance past end");
		} else {
			struct span_list rest =
				naive_spans(sorted, m->nlive, to, l);

			expect_span_tail(&it, &rest, 0);
			free(rest.v);
		}
	}
	free(want.v);
}

static void check_double(struct model *m0, struct tnode **s0, struct model *m1,
			 struct tnode **s1, unsigned long f, unsigned long l)
{
	struct span_list a = naive_spans(s0, m0->nlive, f, l);
	struct span_list b = naive_spans(s1, m1->nlive, f, l);
	struct span_list want = naive_double(&a, &b);
	struct itree_double_span_iter it;
	size_t i = 0;

	itree_for_each_double_span (&it, &m0->root, &m1->root, f, l) {
		CHECK(i < want.n, "double span yields too many");
		CHECK(it.is_used == want.v[i].kind &&
			      it.start_used == want.v[i].start &&
			      it.last_used == want.v[i].last,
		      "double span %zu over [%#lx,%#lx]: got %d [%#lx,%#lx] "
		      "want %d [%#lx,%#lx]",
		      i, f, l, it.is_used, it.start_used, it.last_used,
		      want.v[i].kind, want.v[i].start, want.v[i].last);
		i++;
	}
	CHECK(i == want.n, "double span stopped after %zu of %zu", i, want.n);
	stats.dspans += i;
	free(a.v);
	free(b.v);
	free(want.v);
}

/* ---- find_hole ---- */

struct fit_log {
	int mode;	      /* 0 accept, 1 reject first n, 2 aligned fit */
	unsigned long n;      /* mode 1: rejections left */
	unsigned long align;  /* mode 2: power of two */
	unsigned long len_m1; /* mode 2: length - 1 */
	unsigned long calls[64][2];
	size_t ncalls;
};

/* The allocator's kind of predicate: an aligned block of len_m1 + 1 fits. */
static bool fit_aligned(unsigned long hs, unsigned long hl, unsigned long align,
			unsigned long len_m1)
{
	unsigned long a;

	if (__builtin_add_overflow(hs, align - 1, &a))
		return false;
	a &= ~(align - 1);
	return a <= hl && hl - a >= len_m1;
}

static bool fit_cb(unsigned long hs, unsigned long hl, void *arg)
{
	struct fit_log *lg = arg;

	if (lg->ncalls < 64) {
		lg->calls[lg->ncalls][0] = hs;
		lg->calls[lg->ncalls][1] = hl;
	}
	lg->ncalls++;
	if (lg->mode == 1)
		return lg->n ? (lg->n--, false) : true;
	if (lg->mode == 2)
		return fit_aligned(hs, hl, lg->align, lg->len_m1);
	return true;
}

/* What a linear scan over the window's holes finds. */
static bool naive_find_hole(struct tnode **sorted, size_t n, unsigned long f,
			    unsigned long l, unsigned long min_m1,
			    struct fit_log *lg, unsigned long *fs,
			    unsigned long *fl)
{
	struct span_list sl = naive_spans(sorted, n, f, l);
	bool found = false;
	size_t i;

	for (i = 0; i != sl.n && !found; i++) {
		if (sl.v[i].kind != 1 || sl.v[i].last - sl.v[i].start < min_m1)
			continue;
		if (lg && !fit_cb(sl.v[i].start, sl.v[i].last, lg))
			continue;
		*fs = sl.v[i].start;
		*fl = sl.v[i].last;
		found = true;
	}
	free(sl.v);
	return found;
}

static unsigned long gen_min_size(const struct model *m)
{
	switch (rnd_below(6)) {
	case 0:
		return 0;
	case 1:
		return ULONG_MAX - rnd_below(3);
	case 2:
		return rnd();
	default:
		if (!m->max_len)
			return rnd_any_scale();
		return rnd_below(m->max_len * 2 + 2);
	}
}

static void check_find_hole(struct model *m, struct tnode **sorted,
			    unsigned long f, unsigned long l)
{
	unsigned long min_m1 = gen_min_size(m), gs = 0, gl = 0, ws = 0, wl = 0;
	struct fit_log got = {0}, want = {0};
	bool g, w;

	got.mode = (int)rnd_below(3);
	got.n = rnd_below(4);
	got.align = 1UL << rnd_below(m->universe > 4096 ? 12 : 4);
	got.len_m1 = min_m1 > 64 ? rnd_below(64) : min_m1;
	want = got;

	if (got.mode == 0 && rnd_below(2)) {
		/* NULL predicate: first big enough hole */
		g = itree_find_hole(&m->root, f, l, min_m1, NULL, NULL, &gs,
				    &gl);
		w = naive_find_hole(sorted, m->nlive, f, l, min_m1, NULL, &ws,
				    &wl);
	} else {
		g = itree_find_hole(&m->root, f, l, min_m1, fit_cb, &got, &gs,
				    &gl);
		w = naive_find_hole(sorted, m->nlive, f, l, min_m1, &want, &ws,
				    &wl);
	}
	CHECK(g == w && (!g || (gs == ws && gl == wl)),
	      "find_hole [%#lx,%#lx] min %#lx mode %d: got %d [%#lx,%#lx] "
	      "want %d [%#lx,%#lx]",
	      f, l, min_m1, got.mode, g, gs, gl, w, ws, wl);
	CHECK(got.ncalls == want.ncalls, "find_hole made %zu calls, want %zu",
	      got.ncalls, want.ncalls);
	CHECK(!memcmp(got.calls, want.calls, sizeof(got.calls)),
	      "find_hole offered different candidates");
	if (g)
		stats.holes_found++;
	else
		stats.holes_none++;
}

/* ---- random phases ---- */

struct phase {
	const char *name;
	uint64_t seed;
	bool disjoint;
	unsigned long universe; /* 0: whole range */
	unsigned long max_len;
	size_t target; /* tree size the op mix hovers around */
	unsigned long ops;
	unsigned long batch; /* ops between query checks */
};

static void check_all(struct model *m0, struct model *m1)
{
	struct tnode **s0 = model_sorted(m0), **s1 = model_sorted(m1);
	unsigned long f, l, hs, hl;
	int q;

	check_inorder(m0, s0);
	check_inorder(m1, s1);
	if (m0->nlive > stats.peak)
		stats.peak = m0->nlive;
	stats.queries += 8;
	for (q = 0; q != 8; q++) {
		gen_range(m0, &f, &l);
		check_iter(m0, s0, f, l);
		check_spans(m0, s0, f, l);
		check_double(m0, s0, m1, s1, f, l);
		check_double(m1, s1, m0, s0, f, l);
		if (m0->disjoint)
			check_find_hole(m0, s0, f, l);
		else /* undefined answer, but must not crash */
			itree_find_hole(&m0->root, f, l, gen_min_size(m0), NULL,
					NULL, &hs, &hl);
	}
	free(s0);
	free(s1);
}

static void model_step(struct model *m, size_t target)
{
	bool grow = m->nlive < target ? rnd_below(4) != 0 : rnd_below(4) == 0;

	if (!m->nlive || (grow && m->nlive < m->pool_size)) {
		if (model_insert(m))
			return;
		if (!m->nlive)
			return;
	}
	model_remove(m);
}

static void run_phase(const struct phase *p)
{
	struct model m[2];
	unsigned long op;
	int i;

	rng_seed(p->seed);
	memset(&stats, 0, sizeof(stats));
	for (i = 0; i != 2; i++)
		model_init(&m[i], p->target * 2, p->disjoint, p->universe,
			   p->max_len);
	for (op = 0; op != p->ops; op++) {
		struct model *cur = &m[rnd_below(3) == 0];
		/* Swing the size between empty-ish and full so both show up */
		size_t target = (op / (p->ops / 4 + 1)) % 2 ? p->target
							    : p->target / 8;

		model_step(cur, target);
		CHECK(itree_validate(&cur->root), "%s: op %lu invalid tree",
		      p->name, op);
		if (op % p->batch == 0)
			check_all(&m[0], &m[1]);
	}
	check_all(&m[0], &m[1]);
	/* Drain, checking along the way */
	while (m[0].nlive || m[1].nlive) {
		for (i = 0; i != 2; i++) {
			if (!m[i].nlive)
				continue;
			model_remove(&m[i]);
			CHECK(itree_validate(&m[i].root), "drain invalid");
		}
		if (rnd_below(16) == 0)
			check_all(&m[0], &m[1]);
	}
	CHECK(itree_empty(&m[0].root) && itree_empty(&m[1].root), "not empty");
	for (i = 0; i != 2; i++)
		model_destroy(&m[i]);
	printf("  %-24s %6lu ops ok: peak %4lu, %5lu queries, %6lu spans, "
	       "%6lu double spans, holes %lu found %lu none\n",
	       p->name, p->ops, stats.peak, stats.queries, stats.spans,
	       stats.dspans, stats.holes_found, stats.holes_none);
}

static const struct phase phases[] = {
	{"overlap, small keys", 0x1001, false, 2000, 40, 200, 40000, 97},
	{"disjoint, small keys", 0x2002, true, 5000, 40, 300, 40000, 97},
	{"overlap, equal starts", 0x3003, false, 24, 6, 120, 20000, 53},
	{"disjoint, dense", 0x4004, true, 600, 4, 250, 20000, 61},
	{"disjoint, tiny", 0x4114, true, 16, 3, 8, 20000, 7},
	{"disjoint, page-like", 0x5005, true, 1UL << 32, 1UL << 22, 800, 20000,
	 211},
	{"overlap, whole range", 0x6006, false, 0, 0, 150, 20000, 101},
	{"disjoint, whole range", 0x7007, true, 0, 0, 400, 20000, 211},
};

/* ---- fixed edge cases ---- */

static void expect_spans(struct itree_root *root, unsigned long f,
			 unsigned long l, const struct span *want, size_t n)
{
	struct itree_span_iter it;
	size_t i = 0;

	itree_for_each_span (&it, root, f, l) {
		CHECK(i < n && it.is_hole == want[i].kind &&
			      it.start_hole == want[i].start &&
			      it.last_hole == want[i].last,
		      "edge span %zu: %d [%#lx,%#lx]", i, it.is_hole,
		      it.start_hole, it.last_hole);
		i++;
	}
	CHECK(i == n, "edge spans: %zu of %zu", i, n);
}

static void test_edges(void)
{
	struct itree_root t = ITREE_ROOT_INIT, e = ITREE_ROOT_INIT;
	struct itree_node lo = {.start = 0, .last = 0};
	struct itree_node hi = {.start = ULONG_MAX, .last = ULONG_MAX};
	struct itree_node all = {.start = 0, .last = ULONG_MAX};
	struct itree_double_span_iter d;
	unsigned long s, l;

	rng_seed(0);
	/* Empty tree: one hole covering everything, of size 2^64 */
	CHECK(itree_empty(&e) && !itree_first(&e), "empty tree");
	CHECK(!itree_iter_first(&e, 0, ULONG_MAX), "empty iter");
	expect_spans(&e, 0, ULONG_MAX, (struct span[]){{0, ULONG_MAX, 1}}, 1);
	CHECK(itree_find_hole(&e, 0, ULONG_MAX, ULONG_MAX, NULL, NULL, &s,
			      &l) &&
		      s == 0 && l == ULONG_MAX,
	      "empty find_hole");
	CHECK(!itree_find_hole(&e, 5, 4, 0, NULL, NULL, &s, &l),
	      "inverted window");

	/* A one-index hole before the first node and after the last */
	lo.start = 1;
	lo.last = ULONG_MAX - 1;
	itree_insert(&lo, &t);
	CHECK(itree_find_hole(&t, 0, ULONG_MAX, 0, NULL, NULL, &s, &l) &&
		      s == 0 && l == 0,
	      "hole at 0");
	CHECK(itree_find_hole(&t, 1, ULONG_MAX, 0, NULL, NULL, &s, &l) &&
		      s == ULONG_MAX && l == ULONG_MAX,
	      "hole at ULONG_MAX");
	CHECK(!itree_find_hole(&t, 0, ULONG_MAX, 1, NULL, NULL, &s, &l),
	      "no two-index hole");
	itree_remove(&lo, &t);
	lo.start = 0;
	lo.last = 0;

	/* Single indexes at both ends */
	itree_insert(&hi, &t);
	itree_insert(&lo, &t);
	CHECK(itree_validate(&t), "edge tree");
	expect_spans(&t, 0, ULONG_MAX,
		     (struct span[]){{0, 0, 0},
				     {1, ULONG_MAX - 1, 1},
				     {ULONG_MAX, ULONG_MAX, 0}},
		     3);
	expect_spans(&t, ULONG_MAX, ULONG_MAX,
		     (struct span[]){{ULONG_MAX, ULONG_MAX, 0}}, 1);
	CHECK(itree_iter_first(&t, ULONG_MAX, ULONG_MAX) == &hi, "iter hi");
	CHECK(itree_find_hole(&t, 0, ULONG_MAX, ULONG_MAX - 2, NULL, NULL, &s,
			      &l) &&
		      s == 1 && l == ULONG_MAX - 1,
	      "edge find_hole");
	CHECK(!itree_find_hole(&t, 0, ULONG_MAX, ULONG_MAX - 1, NULL, NULL, &s,
			       &l),
	      "edge find_hole too big");

	/* Tree 0 covers everything: one tree-0 span, tree 1 never shows */
	itree_insert(&all, &e);
	itree_for_each_double_span (&d, &e, &t, 0, ULONG_MAX) {
		CHECK(d.is_used == 1 && d.start_used == 0 &&
			      d.last_used == ULONG_MAX,
		      "double all");
	}
	/* Swapped: tree 0's pieces, tree 1 fills the middle */
	s = 0;
	itree_for_each_double_span (&d, &t, &e, 0, ULONG_MAX) {
		static const int kinds[] = {1, 2, 1};

		CHECK(s < 3 && d.is_used == kinds[s], "double swapped %lu", s);
		s++;
	}
	CHECK(s == 3, "double swapped count");
	CHECK(!itree_find_hole(&e, 0, ULONG_MAX, 0, NULL, NULL, &s, &l),
	      "full find_hole");
	itree_remove(&all, &e);
	itree_remove(&lo, &t);
	itree_remove(&hi, &t);
	CHECK(itree_empty(&t) && itree_empty(&e) && itree_validate(&t),
	      "edge cleanup");
	printf("  %-28s ok\n", "edge cases");
}

/* 10^5 disjoint intervals, a big sorted build and teardown under validate */
static void test_large(void)
{
	const size_t n = 100000;
	struct itree_root t = ITREE_ROOT_INIT;
	struct itree_node *v = xcalloc(n, sizeof(*v));
	struct itree_node *it;
	size_t i;

	rng_seed(0x8008);
	for (i = 0; i != n; i++) {
		v[i].start = i * 16;
		v[i].last = i * 16 + 7 + (i % 7 == 0) * 8;
		itree_insert(&v[i], &t); /* ascending: worst case for BSTs */
	}
	CHECK(itree_validate(&t), "large ascending build");
	/* AVL height bound: 1.44 log2(n) */
	CHECK(t.root->height <= 25, "too tall: %d", t.root->height);
	for (i = 0, it = itree_first(&t); it; it = itree_next(it), i++)
		CHECK(it == &v[i], "large order");
	for (i = 0; i != n; i += 2)
		itree_remove(&v[i], &t);
	CHECK(itree_validate(&t), "large half removed");
	CHECK(t.root->height <= 24, "too tall after remove");
	for (i = 1; i < n; i += 2)
		itree_remove(&v[i], &t);
	CHECK(itree_empty(&t) && t.count == 0, "large drain");
	free(v);
	printf("  %-28s ok\n", "large sorted build");
}

/* ---- benchmark ---- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The allocator's question: does a 2 MiB aligned block of *arg + 1 fit? */
static bool bench_fit(unsigned long hs, unsigned long hl, void *arg)
{
	unsigned long *len_m1 = arg;

	return fit_aligned(hs, hl, 1UL << 21, *len_m1);
}

/* The same first fit by a linear walk over every hole of the window. */
static bool linear_find(struct itree_root *t, unsigned long ws,
			unsigned long wl, unsigned long *len_m1,
			unsigned long *fs)
{
	struct itree_span_iter sp;

	itree_for_each_span (&sp, t, ws, wl) {
		if (sp.is_hole && sp.last_hole - sp.start_hole >= *len_m1 &&
		    bench_fit(sp.start_hole, sp.last_hole, len_m1)) {
			*fs = sp.start_hole;
			return true;
		}
	}
	return false;
}

struct bench_tree {
	struct itree_root t;
	struct itree_node *v;
	size_t *perm;
	size_t n;
	unsigned long end; /* last index used by any interval */
};

/*
 * Areas of one page with one-page holes between them; after every 1000th
 * area the hole is 4 MiB instead, so a 2 MiB aligned 1 MiB allocation has
 * few places to go and most holes are too small.
 */
static void bench_build_layout(struct bench_tree *b, size_t n)
{
	const unsigned long page = 4096;
	size_t i;

	b->n = n;
	b->v = xcalloc(n, sizeof(*b->v));
	b->perm = xcalloc(n, sizeof(*b->perm));
	for (i = 0; i != n; i++) {
		unsigned long base = i * 2 * page + (i / 1000) * (4UL << 20);

		b->v[i].start = base;
		b->v[i].last = base + page - 1;
		b->perm[i] = i;
	}
	b->end = b->v[n - 1].last;
	for (i = n - 1; i; i--) {
		size_t j = rnd_below(i + 1), x = b->perm[i];

		b->perm[i] = b->perm[j];
		b->perm[j] = x;
	}
}

static double per_op(double t0, size_t ops)
{
	return (now_ns() - t0) / (double)ops;
}

static int bench(void)
{
	const size_t n = 100000, q = 200000, lin_q = 2000;
	struct bench_tree b = {.t = ITREE_ROOT_INIT};
	unsigned long sink = 0, len_m1 = (1UL << 20) - 1, wl = ULONG_MAX >> 1;
	unsigned long *ws = xcalloc(q, sizeof(*ws)), fs, fl, ls;
	double t0, ns_ins, ns_rm, ns_iter, ns_hole, ns_lin, ns_none;
	struct itree_node *nd;
	size_t i;

	rng_seed(0xbe9c);
	bench_build_layout(&b, n);
	for (i = 0; i != q; i++)
		ws[i] = rnd_below(b.end);

	t0 = now_ns();
	for (i = 0; i != n; i++)
		itree_insert(&b.v[b.perm[i]], &b.t);
	ns_ins = per_op(t0, n);
	if (!itree_validate(&b.t))
		return 1;

	t0 = now_ns();
	for (i = 0; i != q; i++) {
		nd = itree_iter_first(&b.t, ws[i], ws[i] + 4096);
		sink += nd ? nd->start : 0;
	}
	ns_iter = per_op(t0, q);

	/* First fit of 1 MiB, 2 MiB aligned, from a random window start */
	t0 = now_ns();
	for (i = 0; i != q; i++)
		if (itree_find_hole(&b.t, ws[i], wl, len_m1, bench_fit, &len_m1,
				    &fs, &fl))
			sink += fs;
	ns_hole = per_op(t0, q);

	t0 = now_ns();
	for (i = 0; i != lin_q; i++)
		if (linear_find(&b.t, ws[i], wl, &len_m1, &fs))
			sink += fs;
	ns_lin = per_op(t0, lin_q);

	for (i = 0; i != lin_q; i++) {
		if (!itree_find_hole(&b.t, ws[i], wl, len_m1, bench_fit,
				     &len_m1, &fs, &fl) ||
		    !linear_find(&b.t, ws[i], wl, &len_m1, &ls) || fs != ls) {
			fprintf(stderr, "bench: find_hole and walk disagree\n");
			return 1;
		}
	}

	/* 8 MiB: no hole inside the tree is big enough */
	t0 = now_ns();
	for (i = 0; i != q; i++)
		if (itree_find_hole(&b.t, ws[i] / 2, ws[i], (8UL << 20) - 1,
				    NULL, NULL, &fs, &fl))
			sink += fs;
	ns_none = per_op(t0, q);

	t0 = now_ns();
	for (i = 0; i != n; i++)
		itree_remove(&b.v[b.perm[(i * 7919) % n]], &b.t);
	ns_rm = per_op(t0, n);
	if (!itree_empty(&b.t))
		return 1;

	printf("interval tree, %zu disjoint intervals (sink %lu)\n", n,
	       sink & 1);
	printf("  insert (random order)          %9.1f ns\n", ns_ins);
	printf("  remove (random order)          %9.1f ns\n", ns_rm);
	printf("  iter_first                     %9.1f ns\n", ns_iter);
	printf("  find_hole, 1M at 2M alignment  %9.1f ns\n", ns_hole);
	printf("  linear span walk, same query   %9.1f ns\n", ns_lin);
	printf("  find_hole, nothing big enough  %9.1f ns\n", ns_none);
	free(b.v);
	free(b.perm);
	free(ws);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc > 1 && !strcmp(argv[1], "bench"))
		return bench();

	printf("test_interval_tree\n");
	test_edges();
	test_large();
	for (i = 0; i != sizeof(phases) / sizeof(phases[0]); i++)
		run_phase(&phases[i]);
	printf("all ok\n");
	return 0;
}
