/* SPDX-License-Identifier: MIT */
/*
 * Intrusive augmented interval tree, the index behind every io_pagetable
 * range set (areas, reserved ranges, allowed ranges, pages' access and
 * domain trees).
 *
 * An AVL tree ordered by interval start; equal starts are allowed and keep
 * insertion order (a new node goes after the ones already there). Intervals
 * are closed, [start, last], over the whole unsigned long range, so nothing
 * here ever forms last + 1 without first ruling out last == ULONG_MAX.
 *
 * Each node carries three augmentations of its subtree:
 *  - subtree_last:  largest 'last', to prune overlap searches;
 *  - subtree_first: smallest 'start' (the leftmost node's start);
 *  - max_gap:       number of indexes in the largest hole between consecutive
 *                   nodes of the subtree, 0 when none. Only meaningful when the
 *                   tree's intervals do not overlap; it lets itree_find_hole()
 *                   skip whole subtrees whose holes are all too small.
 *
 * The tree does no locking and no allocation: the caller owns the nodes,
 * embeds them in its own objects and serialises access.
 */
#ifndef UIOMMUFD_IOPT_INTERVAL_TREE_H
#define UIOMMUFD_IOPT_INTERVAL_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct itree_node {
	struct itree_node *parent, *left, *right;
	unsigned long start; /* first index in the interval */
	unsigned long last;  /* last index in the interval, >= start */
	/* private: maintained by the tree */
	unsigned long subtree_last;
	unsigned long subtree_first;
	unsigned long max_gap;
	int height; /* AVL height, a leaf is 1 */
};

struct itree_root {
	struct itree_node *root;
	unsigned long count;
};

/* clang-format off */
#define ITREE_ROOT_INIT { 0 }
/* clang-format on */

/* Recover the embedding object, like the kernel's container_of(). */
#define itree_entry(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* @node->start and @node->last must be set; overlaps are allowed. */
void itree_insert(struct itree_node *node, struct itree_root *root);
void itree_remove(struct itree_node *node, struct itree_root *root);

static inline bool itree_empty(const struct itree_root *root)
{
	return root->root == NULL;
}

/* In-order walk without a filter: lowest start first. */
struct itree_node *itree_first(struct itree_root *root);
struct itree_node *itree_next(struct itree_node *node);

/*
 * Nodes intersecting [start, last], in tree order. O(log n) for the first
 * and amortised O(log n) per further node.
 */
struct itree_node *itree_iter_first(struct itree_root *root,
				    unsigned long start, unsigned long last);
struct itree_node *itree_iter_next(struct itree_node *node, unsigned long start,
				   unsigned long last);

#define itree_for_each(node, root, start, last)                \
	for (node = itree_iter_first(root, start, last); node; \
	     node = itree_iter_next(node, start, last))

/*
 * Span iterator, same contract as the kernel's interval_tree_span_iter: the
 * range [first_index, last_index] is cut into alternating "used" spans (the
 * union of the intersecting nodes, overlapping and abutting nodes merged,
 * clipped to the range) and "hole" spans. The spans cover the whole range and
 * each is as large as possible. The hole and used names alias, as in the
 * kernel, so a caller may read start_hole/last_hole for any span.
 */
struct itree_span_iter {
	/* public */
	union {
		unsigned long start_hole;
		unsigned long start_used;
	};
	union {
		unsigned long last_hole;
		unsigned long last_used;
	};
	int is_hole; /* 1 hole, 0 used, -1 done */
	/* private: not for use by the caller */
	struct itree_node *run_end;  /* node ending the pending used span */
	struct itree_node *next_run; /* first node of the span after it */
	unsigned long first_index;
	unsigned long last_index;
};

void itree_span_iter_first(struct itree_span_iter *it, struct itree_root *root,
			   unsigned long first_index, unsigned long last_index);
void itree_span_iter_next(struct itree_span_iter *it);
/* Move forward so the current span starts at @new_index (never backwards). */
void itree_span_iter_advance(struct itree_span_iter *it,
			     struct itree_root *root, unsigned long new_index);

static inline bool itree_span_iter_done(const struct itree_span_iter *it)
{
	return it->is_hole == -1;
}

#define itree_for_each_span(span, root, first, last)         \
	for (itree_span_iter_first(span, root, first, last); \
	     !itree_span_iter_done(span); itree_span_iter_next(span))

/*
 * Span iterator over two trees, same contract as the kernel's
 * interval_tree_double_span_iter: holes are where neither tree has a node;
 * used spans say which tree covers them (is_used = 1 + tree index). Tree 0
 * wins where both cover: a tree 0 used span is reported whole, a tree 1 used
 * span is cut where tree 0 starts again.
 */
struct itree_double_span_iter {
	/* public */
	union {
		unsigned long start_hole;
		unsigned long start_used;
	};
	union {
		unsigned long last_hole;
		unsigned long last_used;
	};
	int is_used; /* 0 hole, 1 tree 0, 2 tree 1, -1 done */
	/* private: not for use by the caller */
	struct itree_root *trees[2];
	struct itree_span_iter spans[2];
};

void itree_double_span_iter_first(struct itree_double_span_iter *it,
				  struct itree_root *t0, struct itree_root *t1,
				  unsigned long first_index,
				  unsigned long last_index);
void itree_double_span_iter_next(struct itree_double_span_iter *it);

static inline bool
itree_double_span_iter_done(const struct itree_double_span_iter *it)
{
	return it->is_used == -1;
}

#define itree_for_each_double_span(span, t0, t1, first, last)         \
	for (itree_double_span_iter_first(span, t0, t1, first, last); \
	     !itree_double_span_iter_done(span);                      \
	     itree_double_span_iter_next(span))

/*
 * Lowest hole of the tree inside [win_start, win_last] (holes clipped to the
 * window) whose size minus one is >= @min_size_minus1 and for which
 * @fits(hole_start, hole_last, arg) returns true; a NULL @fits accepts any.
 * Candidates are offered in increasing address order, exactly the holes a
 * linear span walk of the window would produce. Returns false if none.
 * The tree's intervals must not overlap.
 */
bool itree_find_hole(struct itree_root *root, unsigned long win_start,
		     unsigned long win_last, unsigned long min_size_minus1,
		     bool (*fits)(unsigned long hs, unsigned long hl,
				  void *arg),
		     void *arg, unsigned long *found_start,
		     unsigned long *found_last);

/*
 * Debug check of every structural invariant: links, order, AVL balance,
 * heights, augmentations and count. O(n); for tests and assertions.
 */
bool itree_validate(struct itree_root *root);

#endif
