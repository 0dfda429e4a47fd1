/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark uses: the clock, the exit on a failed call, and one
 * row of the table make bench prints: a figure, the baseline measured in
 * the same run, their ratio and the goal. Each row is printed for people
 * and, prefixed with "@row", for bench/run.sh, which collects the table.
 */
#ifndef UIOMMUFD_BENCH_ROW_H
#define UIOMMUFD_BENCH_ROW_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * The memcpy baseline of a copy benchmark: @total bytes copied in @chunk
 * pieces, going round the first @len bytes of @src and @dst; seconds.
 */
static inline double memcpy_seconds(char *dst, const char *src, size_t len,
				    size_t total, size_t chunk)
{
	size_t off = 0;
	double t0 = now_ns();

	for (size_t done = 0; done < total; done += chunk) {
		memcpy(dst + off, src + off, chunk);
		off = (off + chunk) % len;
	}
	__asm__ volatile("" ::: "memory");
	return (now_ns() - t0) * 1e-9;
}

/* A call that fails (a negative errno) ends the benchmark */
static inline void check(long rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name,
			what, strerror((int)-rc));
		exit(1);
	}
}

static inline void bench_row(const char *what, double value, const char *unit,
			     const char *baseline, double base_value,
			     const char *goal)
{
	double ratio = base_value > 0 ? value / base_value : 0;

	printf("  %-46s %10.2f %-8s %-22s %10.2f  %6.3fx  goal %s\n", what,
	       value, unit, baseline, base_value, ratio, goal);
	printf("@row|%s|%.2f|%s|%s|%.2f|%.3f|%s\n", what, value, unit, baseline,
	       base_value, ratio, goal);
}

/* A point of a curve for the plot: series, x, y */
static inline void bench_point(const char *series, double x, double y)
{
	printf("@point|%s|%g|%g\n", series, x, y);
}

#endif
