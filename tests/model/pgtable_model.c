// SPDX-License-Identifier: MIT
/*
 * The page table model test: its model (extents, leaves, the tables they
 * need) and the checks of the page table against it. See model_pgtable.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>

#include "pgtable_model.h"

const struct pt_kind kinds[NR_KINDS] = {
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

struct model_op_count counts[NR_OPS] = {
	[OP_MAP] = {.name = "map"},
	[OP_MAP_FAIL] = {.name = "map-enomem"},
	[OP_MAP_BAD] = {.name = "map-invalid"},
	[OP_UNMAP] = {.name = "unmap"},
	[OP_LOOKUP] = {.name = "lookup"},
	[OP_DMA_MARK] = {.name = "dma-mark"},
	[OP_SET_DIRTY] = {.name = "set-dirty"},
	[OP_READ_DIRTY] = {.name = "read-dirty"},
	[OP_EPISODE] = {.name = "table-lifetimes"},
};

struct pgtable_test m;

/*
 * A check failed: report it, or while a shrunk episode is replayed, note
 * the message and go back to the replay.
 */
void fail(const char *fmt, ...)
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

uint64_t level_size(unsigned int level)
{
	return m.granule << (9 * level);
}

/* ------------------------------------------------------------------ */
/* The model                                                          */
/* ------------------------------------------------------------------ */

/* Index of the first extent ending at or after iova */
unsigned int ext_search(uint64_t iova)
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

struct extent *ext_find(uint64_t iova)
{
	unsigned int i = ext_search(iova);

	return i < m.n_ext && m.ext[i].iova <= iova ? &m.ext[i] : NULL;
}

bool ext_intersects(uint64_t iova, uint64_t last)
{
	unsigned int i = ext_search(iova);

	return i < m.n_ext && m.ext[i].iova <= last;
}

void ext_insert(const struct extent *e)
{
	unsigned int i = ext_search(e->iova);

	if (m.n_ext == MAX_EXTENTS)
		abort();
	memmove(&m.ext[i + 1], &m.ext[i], (m.n_ext - i) * sizeof(m.ext[0]));
	m.ext[i] = *e;
	m.n_ext++;
}

void ext_remove(unsigned int i)
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
struct leaf leaf_at(const struct extent *e, uint64_t x)
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

unsigned int fl_bits(struct leaf l)
{
	unsigned int i = fl_search(l.start);

	return i < m.n_fl && m.fl[i].start == l.start ? m.fl[i].bits : 0;
}

void fl_set(struct leaf l, unsigned int bits)
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
void fl_forget(uint64_t start, uint64_t last)
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
uint64_t expected_tables(void)
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

void check_lookup(uint64_t x)
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

void check_tables(void)
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
void check_range(uint64_t iova, uint64_t last)
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
void check_all(void)
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
void check_every_leaf(void)
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
