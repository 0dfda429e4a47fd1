// SPDX-License-Identifier: MIT
/*
 * The software IO page table under concurrency, checked against per-thread
 * models (run under ThreadSanitizer in `make check`).
 *
 * Two mapper threads own disjoint IOVA of one window, interleaved in 64 KiB
 * chunks inside most 2 MiB blocks (so they map and unmap in the same
 * tables at once, and empty and retire tables under each other), each
 * owning some blocks whole (2 MiB leaves there, replacing tables the other
 * activity may still pin). Each keeps a model of its own IOVA and checks
 * every result and, through pinned lookups, every translation of what it
 * touched. Meanwhile:
 *  - a DMA thread translates random IOVAs without lock inside sections
 *    that the page table's IOTLB sync waits for, as the software IOMMU's
 *    devices do, marking leaves used: any translation it sees must be one
 *    that some mapper made for that very IOVA (a table reused before the
 *    sync would show another IOVA's);
 *  - a dirty thread reads and clears dirty bits over the window: every
 *    leaf reported must be a plausible leaf of the window.
 * At the end nothing is mapped and no table but the root is left.
 *
 * Options (model.h): --steps (per mapper), --seed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>

#include "../../src/iommu/io_pgtable.h"
#include "model.h"

#define GRANULE	   ((uint64_t)4096)
#define BLOCK	   ((uint64_t)2 << 20)
#define CHUNK	   ((uint64_t)64 << 10)
#define NBLOCKS	   32
#define WINDOW_LEN (NBLOCKS * BLOCK)
#define WINDOW	   ((uint64_t)1 << 30) /* inside one level-1 table */
#define NPAGES	   (WINDOW_LEN / GRANULE)
/* host = iova + HOST_DELTA + generation * HOST_GEN: co-aligned at 2 MiB */
#define HOST_DELTA ((uint64_t)1 << 40)
#define HOST_GEN   ((uint64_t)1 << 32)

static struct io_pgtable pt;
static uint64_t dma_seq;
static bool stop;

static void __attribute__((format(printf, 1, 2), noreturn))
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\nMODEL MISMATCH (concurrent): ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/*
 * The IOTLB sync: wait for the DMA section running now, if any. As the
 * software IOMMU's, with sequentially consistent read-modify-writes of the
 * section count on both sides instead of fences (which ThreadSanitizer
 * does not model): either the section's begin comes first and is waited
 * for, or it comes after and sees what was removed.
 */
static void dma_sync(void *cookie)
{
	uint64_t seq;

	(void)cookie;
	seq = __atomic_fetch_add(&dma_seq, 0, __ATOMIC_SEQ_CST);
	if (!(seq & 1))
		return;
	while (__atomic_load_n(&dma_seq, __ATOMIC_ACQUIRE) == seq)
		sched_yield();
}

/*
 * Who owns a page of the window: in blocks 3, 7, 11 ... one thread owns
 * the whole block (alternating), elsewhere 64 KiB chunks alternate.
 */
static int owner(uint64_t off)
{
	uint64_t block = off / BLOCK;

	if (block % 4 == 3)
		return (int)(block / 4) % 2;
	return (int)(off / CHUNK) % 2;
}

struct mapper {
	int id;
	struct model_rng rng;
	uint64_t steps;
	/* host of each page this thread mapped, 0 if none */
	uint64_t host[NPAGES];
	/* the map call each page came from: unmaps remove whole leaves */
	uint64_t map_start[NPAGES], map_len[NPAGES];
	uint32_t gen;
	struct model_op_count ops[4];
};

/* A random page of the thread (mapped or not, as asked), or ~0 */
static uint64_t pick_own(struct mapper *mp, bool mapped)
{
	for (unsigned int i = 0; i != 16; i++) {
		uint64_t off = rng_below(&mp->rng, NPAGES) * GRANULE;

		if (owner(off) == mp->id && !mp->host[off / GRANULE] == !mapped)
			return off;
	}
	return ~0ULL;
}

/* Check what the pinned lookup says of every page of [off, off + len) */
static void check_pages(struct mapper *mp, uint64_t off, uint64_t len)
{
	for (uint64_t o = off; o < off + len; o += GRANULE) {
		uintptr_t host = io_pgtable_iova_to_host(&pt, WINDOW + o);

		if (host != mp->host[o / GRANULE])
			fail("thread %d: IOVA %#" PRIx64 " translates to %#lx, "
			     "its model says %#" PRIx64,
			     mp->id, WINDOW + o, (unsigned long)host,
			     mp->host[o / GRANULE]);
	}
}

/* Map a free run of own pages (a whole block, 2 MiB leaves, when owned) */
static void mapper_map(struct mapper *mp)
{
	uint64_t off = pick_own(mp, false), len = 0, host;
	int rc;

	if (off == ~0ULL)
		return;
	if ((off / BLOCK) % 4 == 3 && rng_pct(&mp->rng, 50)) {
		off &= ~(BLOCK - 1);
		len = BLOCK;
	} else {
		uint64_t end = (off | (CHUNK - 1)) + 1;

		len = GRANULE *
		      (1 + rng_below(&mp->rng, (end - off) / GRANULE));
	}
	for (uint64_t o = off; o < off + len; o += GRANULE)
		if (mp->host[o / GRANULE])
			return;
	host = WINDOW + off + HOST_DELTA + (uint64_t)++mp->gen * HOST_GEN;
	rc = io_pgtable_map(&pt, WINDOW + off, host, len,
			    IOPTE_READ | IOPTE_WRITE, ULONG_MAX);
	model_count(&mp->ops[0], rc);
	if (rc)
		fail("thread %d: map of %#" PRIx64 " + %#" PRIx64 ": %d",
		     mp->id, WINDOW + off, len, rc);
	for (uint64_t o = off; o < off + len; o += GRANULE) {
		mp->host[o / GRANULE] = host + (o - off);
		mp->map_start[o / GRANULE] = off;
		mp->map_len[o / GRANULE] = len;
	}
	check_pages(mp, off, len);
}

/* Unmap one map call's range, or a piece of it (not of a 2 MiB leaf) */
static void mapper_unmap(struct mapper *mp)
{
	uint64_t off = pick_own(mp, true), start, len, got;

	if (off == ~0ULL)
		return;
	start = mp->map_start[off / GRANULE];
	len = mp->map_len[off / GRANULE];
	if (len < BLOCK && rng_pct(&mp->rng, 50)) {
		/* From a page of it to its end: the leaves are single pages */
		len -= off - start;
		start = off;
	}
	got = io_pgtable_unmap(&pt, WINDOW + start, len);
	model_count(&mp->ops[1], got ? 0 : -ENOENT);
	if (got != len)
		fail("thread %d: unmap of %#" PRIx64 " + %#" PRIx64
		     " removed %#" PRIx64,
		     mp->id, WINDOW + start, len, got);
	for (uint64_t o = start; o < start + len; o += GRANULE)
		mp->host[o / GRANULE] = 0;
	/* What is left of the map call is a smaller range now */
	for (uint64_t o = mp->map_start[start / GRANULE]; o < start;
	     o += GRANULE)
		if (mp->map_start[o / GRANULE] ==
		    mp->map_start[start / GRANULE])
			mp->map_len[o / GRANULE] =
				start - mp->map_start[o / GRANULE];
	check_pages(mp, start, len);
}

/* Mark a page dirty as a device would, then check it through a lookup */
static void mapper_dirty(struct mapper *mp)
{
	uint64_t off = pick_own(mp, rng_pct(&mp->rng, 80));

	if (off == ~0ULL)
		return;
	io_pgtable_set_dirty(&pt, WINDOW + off);
	model_count(&mp->ops[2], mp->host[off / GRANULE] ? 0 : -ENOENT);
	check_pages(mp, off, GRANULE);
}

static void *mapper_thread(void *arg)
{
	struct mapper *mp = arg;

	for (uint64_t i = 0; i != mp->steps; i++) {
		unsigned int r = (unsigned int)rng_below(&mp->rng, 100);

		if (r < 45)
			mapper_map(mp);
		else if (r < 90)
			mapper_unmap(mp);
		else
			mapper_dirty(mp);
	}
	/* Leave nothing behind */
	for (uint64_t p = 0; p != NPAGES; p++)
		if (mp->host[p]) {
			uint64_t start = mp->map_start[p], len = mp->map_len[p];

			if (io_pgtable_unmap(&pt, WINDOW + start, len) != len)
				fail("thread %d: final unmap", mp->id);
			for (uint64_t o = start; o < start + len; o += GRANULE)
				mp->host[o / GRANULE] = 0;
		}
	return NULL;
}

/* A device: lockless translations inside sections the sync waits for */
static void *dma_thread(void *arg)
{
	struct model_rng rng = {.s = 0x5eed};
	struct model_op_count *ops = arg;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		uint64_t iova = WINDOW + rng_below(&rng, WINDOW_LEN);
		struct io_pgtable_walk w;
		uint64_t delta;

		__atomic_add_fetch(&dma_seq, 1, __ATOMIC_SEQ_CST);
		if (io_pgtable_lookup(&pt, iova, &w)) {
			delta = w.host - iova;
			if (delta < HOST_DELTA ||
			    (delta - HOST_DELTA) % HOST_GEN ||
			    (w.leaf_left != GRANULE - iova % GRANULE &&
			     w.leaf_left != BLOCK - iova % BLOCK))
				fail("DMA at %#" PRIx64 " translated to %#lx "
				     "(leaf_left %#zx): no mapper made that",
				     iova, (unsigned long)w.host, w.leaf_left);
			io_pgtable_mark_used(&w, rng_pct(&rng, 50));
			model_count(ops, 0);
		} else {
			model_count(ops, -EFAULT);
		}
		__atomic_add_fetch(&dma_seq, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void record(void *arg, unsigned long iova, size_t len)
{
	struct model_op_count *ops = arg;

	if ((len != GRANULE && len != BLOCK) || iova % len || iova < WINDOW ||
	    iova + len > WINDOW + WINDOW_LEN)
		fail("dirty read reported %#lx + %#zx: not a leaf of the "
		     "window",
		     iova, len);
	ops->errors++;
}

static void *dirty_thread(void *arg)
{
	struct model_op_count *ops = arg;
	struct model_rng rng = {.s = 0xd1e7};

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		io_pgtable_read_and_clear_dirty(&pt, WINDOW, WINDOW_LEN,
						rng_pct(&rng, 30), record, ops);
		ops->calls++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct io_pgtable_cfg cfg = {
		.granule_shift = 12,
		.levels = 4,
		.leaf_sizes = (1UL << 12) | (1UL << 21) | (1UL << 30),
		.iotlb_sync = dma_sync,
	};
	struct model_opts o = {.steps = 20000, .seed = 1, .seeds = 1};
	static struct mapper mp[2];
	struct model_op_count extra[2] = {{.name = "dma"}, {.name = "dirty walks"}};
	struct model_op_count all[3];
	pthread_t th[4];
	unsigned long live, allocated;
	double t0 = model_now();

	model_parse(&o, &argc, argv);
	if (io_pgtable_init(&pt, &cfg))
		fail("io_pgtable_init");
	for (int i = 0; i != 2; i++) {
		mp[i].id = i;
		mp[i].rng.s = o.seed * 2 + (uint64_t)i;
		mp[i].steps = o.steps;
		mp[i].ops[0].name = "map";
		mp[i].ops[1].name = "unmap";
		mp[i].ops[2].name = "set-dirty";
	}
	pthread_create(&th[2], NULL, dma_thread, &extra[0]);
	pthread_create(&th[3], NULL, dirty_thread, &extra[1]);
	for (int i = 0; i != 2; i++)
		pthread_create(&th[i], NULL, mapper_thread, &mp[i]);
	for (int i = 0; i != 2; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	pthread_join(th[2], NULL);
	pthread_join(th[3], NULL);

	/* All unmapped: the root alone stays, once the last walker trimmed */
	io_pgtable_unmap(&pt, WINDOW, WINDOW_LEN);
	io_pgtable_count_tables(&pt, &live, &allocated);
	if (live != 1 || allocated != 1)
		fail("everything unmapped, yet %lu tables are hooked and %lu "
		     "allocated",
		     live, allocated);
	io_pgtable_destroy(&pt);

	for (int i = 0; i != 3; i++) {
		all[i] = mp[0].ops[i];
		all[i].calls += mp[1].ops[i].calls;
		all[i].errors += mp[1].ops[i].errors;
		memset(all[i].by_errno, 0, sizeof(all[i].by_errno));
	}
	model_print_counts("model_pgtable_mt (2 mappers)", 2 * o.steps,
			   model_now() - t0, all, 3);
	printf("  dma: %" PRIu64 " translations, %" PRIu64 " faults\n",
	       extra[0].calls - extra[0].errors, extra[0].errors);
	printf("  dirty: %" PRIu64 " walks, %" PRIu64 " dirty leaves\n",
	       extra[1].calls, extra[1].errors);
	return 0;
}
