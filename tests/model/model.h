/* SPDX-License-Identifier: MIT */
/*
 * What the model tests share: a seeded random generator, the options every
 * one takes (steps, seed, soak), a log of the last operations to print when
 * the engine and the model disagree, and operation counters per kind.
 */
#ifndef UIOMMUFD_TESTS_MODEL_H
#define UIOMMUFD_TESTS_MODEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* splitmix64: small, fast, and the same sequence everywhere for a seed */
struct model_rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct model_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 */
static inline uint64_t rng_below(struct model_rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* True with probability pct / 100 */
static inline bool rng_pct(struct model_rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

/* The last operations, printed when a check fails */
#define MODEL_LOG_LINES 48
#define MODEL_LOG_LEN	200

struct model_log {
	char line[MODEL_LOG_LINES][MODEL_LOG_LEN];
	uint64_t next;
};

static inline void __attribute__((format(printf, 2, 3)))
model_log(struct model_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log->line[log->next % MODEL_LOG_LINES], MODEL_LOG_LEN, fmt,
		  ap);
	va_end(ap);
	log->next++;
}

static inline void model_log_print(const struct model_log *log)
{
	uint64_t first =
		log->next > MODEL_LOG_LINES ? log->next - MODEL_LOG_LINES : 0;

	fprintf(stderr, "last operations (oldest first):\n");
	for (uint64_t i = first; i != log->next; i++)
		fprintf(stderr, "  #%llu %s\n", (unsigned long long)i,
			log->line[i % MODEL_LOG_LINES]);
}

/* Operation counters: per kind, calls and how many failed (as expected) */
struct model_op_count {
	const char *name;
	uint64_t calls, errors;
	/* which errors: errno and count, most frequent first when printed */
	struct {
		int err;
		uint64_t n;
	} by_errno[6];
};

/* Count a call of kind, with rc 0 or -errno */
static inline void model_count(struct model_op_count *c, long rc)
{
	c->calls++;
	if (!rc)
		return;
	c->errors++;
	for (unsigned int i = 0; i != 6; i++) {
		if (!c->by_errno[i].n || c->by_errno[i].err == (int)-rc) {
			c->by_errno[i].err = (int)-rc;
			c->by_errno[i].n++;
			return;
		}
	}
}

static inline void model_print_counts(const char *what, uint64_t steps,
				      double seconds,
				      const struct model_op_count *ops,
				      unsigned int nops)
{
	printf("%s: %llu steps in %.1f s\n", what, (unsigned long long)steps,
	       seconds);
	for (unsigned int i = 0; i != nops; i++) {
		if (!ops[i].calls)
			continue;
		printf("  %-20s %9llu calls %8llu errors", ops[i].name,
		       (unsigned long long)ops[i].calls,
		       (unsigned long long)ops[i].errors);
		for (unsigned int j = 0; j != 6 && ops[i].by_errno[j].n; j++)
			printf(" %s:%llu",
			       strerrorname_np(ops[i].by_errno[j].err),
			       (unsigned long long)ops[i].by_errno[j].n);
		printf("\n");
	}
}

static inline double model_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Options: "--steps N", "--seed S" and "--seeds K" (seeds S .. S+K-1), or
 * the environment MODEL_STEPS, MODEL_SEED, MODEL_SEEDS; the command line
 * wins. Other arguments are left for the test.
 */
struct model_opts {
	uint64_t steps;
	uint64_t seed;
	unsigned int seeds;
};

static inline uint64_t model_env(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static inline void model_parse(struct model_opts *o, int *argc, char **argv)
{
	int out = 1;

	o->steps = model_env("MODEL_STEPS", o->steps);
	o->seed = model_env("MODEL_SEED", o->seed);
	o->seeds = (unsigned int)model_env("MODEL_SEEDS", o->seeds);
	for (int i = 1; i < *argc; i++) {
		if (i + 1 < *argc && !strcmp(argv[i], "--steps"))
			o->steps = strtoull(argv[++i], NULL, 0);
		else if (i + 1 < *argc && !strcmp(argv[i], "--seed"))
			o->seed = strtoull(argv[++i], NULL, 0);
		else if (i + 1 < *argc && !strcmp(argv[i], "--seeds"))
			o->seeds = (unsigned int)strtoul(argv[++i], NULL, 0);
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	if (!o->seeds)
		o->seeds = 1;
}

#endif
