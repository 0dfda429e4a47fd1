// SPDX-License-Identifier: MIT
/*
 * Intrusive augmented AVL interval tree. See interval_tree.h for the model.
 *
 * AVL rather than red-black: the trees here are read (translated, searched,
 * walked) far more often than they change, and AVL's stricter balance keeps
 * searches shorter. Parent pointers make in-order iteration stackless, so an
 * iterator is just a node pointer.
 *
 * Every change (insert, remove, rotation) ends with a bottom-up walk that
 * recomputes height and augmentations; the walk stops early once a node comes
 * out exactly as it was, because nothing above it can then change either.
 */
#include <limits.h>
#include <stdio.h>

#include "interval_tree.h"

static inline unsigned long ul_max(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

static inline unsigned long ul_min(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

static inline int node_height(const struct itree_node *n)
{
	return n ? n->height : 0;
}

/*
 * Number of indexes strictly between @a_last and @b_start, 0 when they touch
 * or overlap. Written so that neither ULONG_MAX nor 0 can wrap.
 */
static inline unsigned long gap_size(unsigned long a_last,
				     unsigned long b_start)
{
	return b_start > a_last ? b_start - a_last - 1 : 0;
}

/* Recompute @n's derived fields from its own interval and its children. */
static void node_update(struct itree_node *n)
{
	struct itree_node *l = n->left, *r = n->right;
	unsigned long sub_last = n->last, gap = 0;
	int hl = node_height(l), hr = node_height(r);

	n->subtree_first = n->start;
	if (l) {
		sub_last = ul_max(sub_last, l->subtree_last);
		n->subtree_first = l->subtree_first;
		gap = ul_max(l->max_gap, gap_size(l->subtree_last, n->start));
	}
	if (r) {
		sub_last = ul_max(sub_last, r->subtree_last);
		gap = ul_max(gap, r->max_gap);
		gap = ul_max(gap, gap_size(n->last, r->subtree_first));
	}
	n->subtree_last = sub_last;
	n->max_gap = gap;
	n->height = 1 + (hl > hr ? hl : hr);
}

/* Hang @new where @old hung below @parent (or at the root). */
static void replace_child(struct itree_root *root, struct itree_node *parent,
			  struct itree_node *old, struct itree_node *new)
{
	if (!parent)
		root->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
	if (new)
		new->parent = parent;
}

static struct itree_node *rotate_left(struct itree_root *root,
				      struct itree_node *x)
{
	struct itree_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	replace_child(root, x->parent, x, y);
	y->left = x;
	x->parent = y;
	node_update(x);
	node_update(y);
	return y;
}

static struct itree_node *rotate_right(struct itree_root *root,
				       struct itree_node *x)
{
	struct itree_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	replace_child(root, x->parent, x, y);
	y->right = x;
	x->parent = y;
	node_update(x);
	node_update(y);
	return y;
}

/*
 * Update @n and restore its AVL balance; returns the node now at the top of
 * the subtree @n used to root.
 */
static struct itree_node *rebalance(struct itree_root *root,
				    struct itree_node *n)
{
	int bf = node_height(n->left) - node_height(n->right);

	if (bf > 1) {
		if (node_height(n->left->left) < node_height(n->left->right))
			rotate_left(root, n->left);
		return rotate_right(root, n);
	}
	if (bf < -1) {
		if (node_height(n->right->right) < node_height(n->right->left))
			rotate_right(root, n->right);
		return rotate_left(root, n);
	}
	node_update(n);
	return n;
}

struct node_summary {
	unsigned long subtree_last, subtree_first, max_gap;
	int height;
};

static inline struct node_summary summarize(const struct itree_node *n)
{
	return (struct node_summary){n->subtree_last, n->subtree_first,
				     n->max_gap, n->height};
}

static inline bool summary_equal(const struct node_summary *s,
				 const struct itree_node *n)
{
	return s->subtree_last == n->subtree_last &&
	       s->subtree_first == n->subtree_first &&
	       s->max_gap == n->max_gap && s->height == n->height;
}

/*
 * Walk from @n to the root rebalancing and updating. A parent reads only its
 * children's summaries, so once a node's summary is unchanged (and it was not
 * rotated) the rest of the path is already correct. @must is remove's
 * successor, moved into the removed node's place: its children changed, so
 * it needs recomputing even if everything below it comes out unchanged, and
 * the walk may not stop before reaching it.
 */
static void fixup(struct itree_root *root, struct itree_node *n,
		  struct itree_node *must)
{
	while (n) {
		struct node_summary old = summarize(n);
		struct itree_node *top = rebalance(root, n);

		if (n == must)
			must = NULL;
		else if (!must && top == n && summary_equal(&old, n))
			return;
		n = top->parent;
	}
}

void itree_insert(struct itree_node *node, struct itree_root *root)
{
	struct itree_node **link = &root->root, *parent = NULL;

	/* Equal starts go right, so a new node follows its equals. */
	while (*link) {
		parent = *link;
		if (node->start < parent->start)
			link = &parent->left;
		else
			link = &parent->right;
	}
	node->parent = parent;
	node->left = NULL;
	node->right = NULL;
	node_update(node);
	*link = node;
	root->count++;
	fixup(root, parent, NULL);
}

void itree_remove(struct itree_node *node, struct itree_root *root)
{
	struct itree_node *l = node->left, *r = node->right;
	struct itree_node *fix, *succ = NULL;

	if (!l || !r) {
		fix = node->parent;
		replace_child(root, node->parent, node, l ? l : r);
	} else {
		/* Unhook the in-order successor, then put it in @node's place
		 */
		succ = r;
		while (succ->left)
			succ = succ->left;
		if (succ == r) {
			fix = succ;
		} else {
			fix = succ->parent;
			fix->left = succ->right;
			if (succ->right)
				succ->right->parent = fix;
			succ->right = r;
			r->parent = succ;
		}
		succ->left = l;
		l->parent = succ;
		replace_child(root, node->parent, node, succ);
	}
	node->parent = node->left = node->right = NULL;
	root->count--;
	fixup(root, fix, succ);
}

static struct itree_node *leftmost(struct itree_node *n)
{
	while (n->left)
		n = n->left;
	return n;
}

struct itree_node *itree_first(struct itree_root *root)
{
	return root->root ? leftmost(root->root) : NULL;
}

struct itree_node *itree_next(struct itree_node *node)
{
	struct itree_node *child;

	if (node->right)
		return leftmost(node->right);
	do {
		child = node;
		node = node->parent;
	} while (node && node->right == child);
	return node;
}

/*
 * First node in the subtree of @n intersecting [start, last]; the caller
 * guarantees n->subtree_last >= start. When the left subtree reaches @start
 * the answer, if there is one anywhere, is there: the left subtree holds a
 * node ending at or after @start, and if that node starts after @last so
 * does everything to its right. So the search never backtracks.
 */
static struct itree_node *
subtree_search(struct itree_node *n, unsigned long start, unsigned long last)
{
	for (;;) {
		if (n->left && n->left->subtree_last >= start) {
			n = n->left;
			continue;
		}
		if (n->start > last)
			return NULL;
		if (n->last >= start)
			return n;
		n = n->right;
		if (!n || n->subtree_last < start)
			return NULL;
	}
}

struct itree_node *itree_iter_first(struct itree_root *root,
				    unsigned long start, unsigned long last)
{
	struct itree_node *top = root->root;

	if (!top || top->subtree_last < start || top->subtree_first > last)
		return NULL;
	return subtree_search(top, start, last);
}

struct itree_node *itree_iter_next(struct itree_node *node, unsigned long start,
				   unsigned long last)
{
	struct itree_node *child;

	for (;;) {
		/* As in subtree_search(): no answer there means none at all */
		if (node->right && node->right->subtree_last >= start)
			return subtree_search(node->right, start, last);

		/* Climb to the first ancestor that follows @node in order */
		do {
			child = node;
			node = node->parent;
			if (!node)
				return NULL;
		} while (node->right == child);

		if (node->start > last)
			return NULL;
		if (node->last >= start)
			return node;
	}
}

/* ---- span iterator ---- */

/*
 * Collect the used run that begins at @n: keep taking the next intersecting
 * node while it overlaps or abuts what was gathered so far. Leaves run_end at
 * the node reaching furthest and next_run at the first node past the hole that
 * ends the run (NULL if none within the range).
 */
static void span_gather_run(struct itree_span_iter *it, struct itree_node *n)
{
	struct itree_node *end = n;

	for (n = itree_iter_next(n, it->first_index, it->last_index); n;
	     n = itree_iter_next(n, it->first_index, it->last_index)) {
		if (gap_size(end->last, n->start))
			break;
		if (n->last > end->last)
			end = n;
	}
	it->run_end = end;
	it->next_run = n;
}

/* Report the gathered run as a used span starting at @start. */
static void span_set_used(struct itree_span_iter *it, unsigned long start)
{
	it->is_hole = 0;
	it->start_used = start;
	if (it->run_end->last >= it->last_index) {
		/* The run covers the rest of the range: nothing follows */
		it->last_used = it->last_index;
		it->run_end = NULL;
		it->next_run = NULL;
		return;
	}
	it->last_used = it->run_end->last;
}

static void span_set_hole(struct itree_span_iter *it, unsigned long start,
			  unsigned long last)
{
	it->is_hole = 1;
	it->start_hole = start;
	it->last_hole = last;
}

void itree_span_iter_first(struct itree_span_iter *it, struct itree_root *root,
			   unsigned long first_index, unsigned long last_index)
{
	struct itree_node *n;

	it->first_index = first_index;
	it->last_index = last_index;
	it->run_end = NULL;
	it->next_run = NULL;

	n = itree_iter_first(root, first_index, last_index);
	if (!n) {
		span_set_hole(it, first_index, last_index);
		return;
	}
	span_gather_run(it, n);
	if (n->start > first_index)
		span_set_hole(it, first_index, n->start - 1);
	else
		span_set_used(it, first_index);
}

/*
 * State between calls: after a hole, run_end is the used run that follows
 * (NULL if the hole reached last_index); after a used span, next_run is the
 * first node after the next hole (NULL if the hole is trailing) and run_end
 * the node that ended the used span (NULL if it reached last_index).
 */
void itree_span_iter_next(struct itree_span_iter *it)
{
	struct itree_node *next = it->next_run;

	if (!it->run_end && !next) {
		it->is_hole = -1;
		return;
	}
	if (it->is_hole) {
		span_set_used(it, it->last_hole + 1);
		return;
	}
	if (!next) {
		span_set_hole(it, it->run_end->last + 1, it->last_index);
		it->run_end = NULL;
		return;
	}
	span_set_hole(it, it->run_end->last + 1, next->start - 1);
	span_gather_run(it, next);
}

void itree_span_iter_advance(struct itree_span_iter *it,
			     struct itree_root *root, unsigned long new_index)
{
	if (it->is_hole == -1)
		return;

	it->first_index = new_index;
	if (new_index > it->last_index) {
		it->is_hole = -1;
		return;
	}
	/* Inside the current span (hole and used alias): just trim it */
	if (it->start_hole <= new_index && new_index <= it->last_hole) {
		it->start_hole = new_index;
		return;
	}
	/* Exactly the start of the next span: no need to search again */
	if (it->last_hole != ULONG_MAX && new_index == it->last_hole + 1)
		itree_span_iter_next(it);
	else
		itree_span_iter_first(it, root, new_index, it->last_index);
}

/* ---- double span iterator ---- */

/*
 * Derive the combined span from the two per-tree spans, which both start at
 * the same index. Tree 0 used: report its used span whole. Tree 0 hole and
 * tree 1 used: tree 1's span, cut where tree 0's hole ends. Both holes: the
 * shorter hole.
 */
static void double_span_update(struct itree_double_span_iter *it)
{
	struct itree_span_iter *s0 = &it->spans[0], *s1 = &it->spans[1];

	if (itree_span_iter_done(s0) || itree_span_iter_done(s1)) {
		it->is_used = -1;
		return;
	}
	if (!s0->is_hole) {
		it->is_used = 1;
		it->start_used = s0->start_used;
		it->last_used = s0->last_used;
		return;
	}
	if (!s1->is_hole) {
		it->is_used = 2;
		it->start_used = s1->start_used;
		it->last_used = ul_min(s1->last_used, s0->last_hole);
		return;
	}
	it->is_used = 0;
	it->start_hole = s0->start_hole;
	it->last_hole = ul_min(s0->last_hole, s1->last_hole);
}

void itree_double_span_iter_first(struct itree_double_span_iter *it,
				  struct itree_root *t0, struct itree_root *t1,
				  unsigned long first_index,
				  unsigned long last_index)
{
	it->trees[0] = t0;
	it->trees[1] = t1;
	itree_span_iter_first(&it->spans[0], t0, first_index, last_index);
	itree_span_iter_first(&it->spans[1], t1, first_index, last_index);
	double_span_update(it);
}

void itree_double_span_iter_next(struct itree_double_span_iter *it)
{
	unsigned int i;

	/* Stop at the range's end; this also keeps last_hole + 1 in range */
	if (it->is_used == -1 || it->last_hole == it->spans[0].last_index) {
		it->is_used = -1;
		return;
	}
	for (i = 0; i != 2; i++)
		itree_span_iter_advance(&it->spans[i], it->trees[i],
					it->last_hole + 1);
	double_span_update(it);
}

/* ---- hole search ---- */

struct hole_query {
	unsigned long win_start, win_last, min_size_minus1;
	bool (*fits)(unsigned long hs, unsigned long hl, void *arg);
	void *arg;
	unsigned long found_start, found_last;
};

/* Clip [hs, hl] to the window and offer it if it is big enough. */
static bool hole_try(struct hole_query *q, unsigned long hs, unsigned long hl)
{
	hs = ul_max(hs, q->win_start);
	hl = ul_min(hl, q->win_last);
	if (hs > hl || hl - hs < q->min_size_minus1)
		return false;
	if (q->fits && !q->fits(hs, hl, q->arg))
		return false;
	q->found_start = hs;
	q->found_last = hl;
	return true;
}

/* Offer the hole between two consecutive intervals, if there is one. */
static bool hole_try_between(struct hole_query *q, unsigned long a_last,
			     unsigned long b_start)
{
	if (!gap_size(a_last, b_start))
		return false;
	return hole_try(q, a_last + 1, b_start - 1);
}

/*
 * Can the holes inside @n's subtree hold an answer? They all lie strictly
 * between subtree_first and subtree_last, and clipping to the window only
 * shrinks a hole, so max_gap bounds them whether or not the subtree straddles
 * a window edge.
 */
static bool hole_subtree_useful(const struct hole_query *q,
				const struct itree_node *n)
{
	if (n->subtree_last <= q->win_start || n->subtree_first >= q->win_last)
		return false;
	return n->max_gap && n->max_gap - 1 >= q->min_size_minus1;
}

/* In-order walk of the holes between the nodes of @n's subtree. */
static bool hole_walk(struct hole_query *q, struct itree_node *n)
{
	if (!hole_subtree_useful(q, n))
		return false;
	if (n->left) {
		if (hole_walk(q, n->left))
			return true;
		if (hole_try_between(q, n->left->subtree_last, n->start))
			return true;
	}
	if (n->right) {
		if (hole_try_between(q, n->last, n->right->subtree_first))
			return true;
		return hole_walk(q, n->right);
	}
	return false;
}

bool itree_find_hole(struct itree_root *root, unsigned long win_start,
		     unsigned long win_last, unsigned long min_size_minus1,
		     bool (*fits)(unsigned long hs, unsigned long hl,
				  void *arg),
		     void *arg, unsigned long *found_start,
		     unsigned long *found_last)
{
	struct hole_query q = {
		.win_start = win_start,
		.win_last = win_last,
		.min_size_minus1 = min_size_minus1,
		.fits = fits,
		.arg = arg,
	};
	struct itree_node *top = root->root;
	bool found;

	if (win_start > win_last)
		return false;
	if (!top) {
		found = hole_try(&q, 0, ULONG_MAX);
	} else {
		/* Before the first node, between nodes, after the last one */
		found = (top->subtree_first &&
			 hole_try(&q, 0, top->subtree_first - 1)) ||
			hole_walk(&q, top) ||
			(top->subtree_last != ULONG_MAX &&
			 hole_try(&q, top->subtree_last + 1, ULONG_MAX));
	}
	if (found) {
		*found_start = q.found_start;
		*found_last = q.found_last;
	}
	return found;
}

/* ---- validation ---- */

struct validate_state {
	unsigned long count;
	unsigned long prev_start;
	bool have_prev;
	bool ok;
};

static void validate_fail(struct validate_state *vs, const struct itree_node *n,
			  const char *what)
{
	if (vs->ok)
		fprintf(stderr, "itree_validate: node %p [%#lx, %#lx]: %s\n",
			(const void *)n, n->start, n->last, what);
	vs->ok = false;
}

/* Checks @n against a fresh recomputation of what node_update() derives. */
static void validate_fields(struct validate_state *vs, struct itree_node *n)
{
	struct itree_node copy = *n;
	int bf = node_height(n->left) - node_height(n->right);

	node_update(&copy);
	if (copy.height != n->height)
		validate_fail(vs, n, "wrong height");
	if (bf > 1 || bf < -1)
		validate_fail(vs, n, "AVL balance violated");
	if (copy.subtree_last != n->subtree_last)
		validate_fail(vs, n, "wrong subtree_last");
	if (copy.subtree_first != n->subtree_first)
		validate_fail(vs, n, "wrong subtree_first");
	if (copy.max_gap != n->max_gap)
		validate_fail(vs, n, "wrong max_gap");
}

/* Children are checked before @n, so node_update() reads validated values. */
static void validate_subtree(struct validate_state *vs, struct itree_node *n,
			     struct itree_node *parent, int depth)
{
	if (!n)
		return;
	if (depth > 2 * (int)(sizeof(long) * CHAR_BIT)) {
		validate_fail(vs, n, "too deep (cycle?)");
		return;
	}
	if (n->parent != parent)
		validate_fail(vs, n, "bad parent pointer");
	if (n->last < n->start)
		validate_fail(vs, n, "last < start");
	validate_subtree(vs, n->left, n, depth + 1);
	if (vs->have_prev && n->start < vs->prev_start)
		validate_fail(vs, n, "in-order starts not sorted");
	vs->prev_start = n->start;
	vs->have_prev = true;
	vs->count++;
	validate_subtree(vs, n->right, n, depth + 1);
	validate_fields(vs, n);
}

bool itree_validate(struct itree_root *root)
{
	struct validate_state vs = {.ok = true};

	validate_subtree(&vs, root->root, NULL, 0);
	if (vs.count != root->count) {
		if (vs.ok)
			fprintf(stderr,
				"itree_validate: count %lu, found %lu\n",
				root->count, vs.count);
		vs.ok = false;
	}
	return vs.ok;
}
