// SPDX-License-Identifier: MIT
/*
 * The radix IO page table alone (src/iommu/io_pgtable.c), below iommufd:
 *
 *  - map+unmap of one 4 KiB page whose tables are retired each time (the
 *    page is alone in its tables), against the same with a neighbouring
 *    page keeping the tables: the cost of retiring and refilling tables;
 *  - translation: io_pgtable_lookup() of random IOVAs of a 1 GiB mapping
 *    of 4 KiB leaves, a full walk every time (the software IOMMU has no
 *    IOTLB: every translation is what a miss would cost), and of one IOVA
 *    over and over (the walk with the tables in the CPU caches, the best
 *    an IOTLB hit could beat).
 *
 *   bench_pgtable
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../src/iommu/io_pgtable.h"
#include "../bench_row.h"

#define PG   4096UL
#define SPAN (1UL << 30)

static double map_unmap(struct io_pgtable *pt, unsigned long iova,
			unsigned long n)
{
	double t = now_ns();

	for (unsigned long i = 0; i != n; i++) {
		check(io_pgtable_map(pt, iova, 0x10000000UL, PG, 3, PG), "map");
		if (io_pgtable_unmap(pt, iova, PG) != PG)
			check(-1, "unmap");
	}
	return (now_ns() - t) / n;
}

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double lookups(struct io_pgtable *pt, unsigned long n, bool same)
{
	struct io_pgtable_walk walk;
	unsigned long seed = 88172645463325252UL, sum = 0;
	double t = now_ns();

	for (unsigned long i = 0; i != n; i++) {
		unsigned long iova = same ? 5 * PG : xorshift(&seed) % SPAN;

		if (!io_pgtable_lookup(pt, iova, &walk))
			check(-1, "lookup");
		sum += walk.host;
	}
	t = (now_ns() - t) / n;
	if (!sum)
		printf(" ");
	return t;
}

int main(void)
{
	const struct io_pgtable_cfg cfg = {.granule_shift = 12, .levels = 4};
	const unsigned long n = 200000;
	double t_alone = 1e30, t_kept = 1e30, t_miss, t_hot;
	struct io_pgtable pt;

	check(io_pgtable_init(&pt, &cfg), "init");
	/* Interleaved rounds, the best of each: the machine is shared */
	for (int r = 0; r != 3; r++) {
		double t = map_unmap(&pt, 1UL << 32, n);

		t_alone = t < t_alone ? t : t_alone;
		check(io_pgtable_map(&pt, (1UL << 32) + PG, 0x10000000UL, PG, 3,
				     PG),
		      "neighbour");
		t = map_unmap(&pt, 1UL << 32, n);
		t_kept = t < t_kept ? t : t_kept;
		io_pgtable_unmap(&pt, (1UL << 32) + PG, PG);
	}
	printf("io_pgtable: map+unmap of one 4 KiB page, ns\n");
	bench_row("pgtable map+unmap 4K, tables retired", t_alone, "ns",
		  "same, tables kept", t_kept, "(report)");

	check(io_pgtable_map(&pt, 0, 0x40000000UL, SPAN, 3, PG), "map 1G");
	t_miss = lookups(&pt, 4 * n, false);
	t_hot = lookups(&pt, 4 * n, true);
	printf("io_pgtable: translation of one IOVA (4 KiB leaves), ns\n");
	bench_row("translation, full walk (no IOTLB: miss)", t_miss, "ns",
		  "walk, tables cached", t_hot, "(report)");
	printf("  walks per second: random %.1f M/s, cached %.1f M/s\n",
	       1e3 / t_miss, 1e3 / t_hot);
	io_pgtable_destroy(&pt);
	return 0;
}
