// SPDX-License-Identifier: MIT
/*
 * Failures injected into a program's calls, so that its error paths run:
 * the kernel's fail-nth only ever tests the kernel's.
 *
 * UIOMMUFD_FAIL holds rules separated by ';' (uiommufd-run --fail):
 *   CALL:ERRNO          every matching call fails with ERRNO
 *   CALL:ERRNO:N        only the Nth matching call (from 1)
 *   CALL:ERRNO:N+       the Nth and every one after it
 *   CALL:ERRNO:P%       each with probability P percent
 * CALL is an ioctl name (IOMMU_IOAS_MAP, VFIO_DEVICE_SET_IRQS) or a
 * pattern (IOMMU_HWPT_*), ERRNO a name (ENOMEM) or a number. The random
 * choices follow UIOMMUFD_FAIL_SEED (default 1): a run is repeatable.
 * An injected call does nothing and returns the error, as a call that
 * failed its first check would.
 */
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define INJECT_MAX_RULES 16

enum inject_when { INJECT_ALWAYS, INJECT_NTH, INJECT_FROM, INJECT_PERCENT };

struct inject_rule {
	char call[64];
	int err;
	enum inject_when when;
	unsigned long n;    /* the Nth call, or the percentage */
	unsigned long seen; /* matching calls so far (atomic) */
};

int inject_state = -1;
static struct inject_rule inject_rules[INJECT_MAX_RULES];
static unsigned int inject_nr_rules;
static uint64_t inject_seed = 1;
static uint64_t inject_draws; /* random numbers drawn (atomic) */
static pthread_once_t inject_once = PTHREAD_ONCE_INIT;

static bool inject_parse_when(struct inject_rule *r, const char *when)
{
	char *end;

	r->when = INJECT_ALWAYS;
	if (!when)
		return true;
	r->n = strtoul(when, &end, 10);
	if (end == when)
		return false;
	if (!strcmp(end, "%") && r->n <= 100)
		r->when = INJECT_PERCENT;
	else if (!strcmp(end, "+") && r->n)
		r->when = INJECT_FROM;
	else if (!*end && r->n)
		r->when = INJECT_NTH;
	else
		return false;
	return true;
}

/* One rule "CALL:ERRNO[:WHEN]" (modified in place) */
static bool inject_parse_rule(char *text)
{
	struct inject_rule *r = &inject_rules[inject_nr_rules];
	char *err = strchr(text, ':'), *when;

	if (!err || inject_nr_rules == INJECT_MAX_RULES)
		return false;
	*err++ = '\0';
	when = strchr(err, ':');
	if (when)
		*when++ = '\0';
	if (!*text || strlen(text) >= sizeof(r->call))
		return false;
	snprintf(r->call, sizeof(r->call), "%s", text);
	r->err = ufd_errno_parse(err);
	if (!r->err || !inject_parse_when(r, when))
		return false;
	inject_nr_rules++;
	return true;
}

static void inject_read_env(void)
{
	const char *env = getenv("UIOMMUFD_FAIL");
	const char *seed = getenv("UIOMMUFD_FAIL_SEED");
	char *copy, *save = NULL, *tok;

	if (seed && *seed)
		inject_seed = strtoull(seed, NULL, 0);
	copy = env && *env ? strdup(env) : NULL;
	for (tok = copy ? strtok_r(copy, ";", &save) : NULL; tok;
	     tok = strtok_r(NULL, ";", &save)) {
		if (!inject_parse_rule(tok))
			fprintf(stderr,
				"uiommufd: UIOMMUFD_FAIL: bad rule "
				"'%s' ignored\n",
				tok);
	}
	free(copy);
	__atomic_store_n(&inject_state, inject_nr_rules ? 1 : 0,
			 __ATOMIC_RELEASE);
}

bool inject_setup(void)
{
	pthread_once(&inject_once, inject_read_env);
	return __atomic_load_n(&inject_state, __ATOMIC_ACQUIRE) > 0;
}

/* splitmix64 of the seed and the draw number: one sequence per seed */
static unsigned long inject_random_percent(void)
{
	uint64_t z =
		inject_seed +
		0x9e3779b97f4a7c15ULL * (__atomic_add_fetch(&inject_draws, 1,
							    __ATOMIC_RELAXED));

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (unsigned long)(z % 100);
}

static bool inject_rule_fires(struct inject_rule *r)
{
	unsigned long nth = __atomic_add_fetch(&r->seen, 1, __ATOMIC_RELAXED);

	switch (r->when) {
	case INJECT_NTH:
		return nth == r->n;
	case INJECT_FROM:
		return nth >= r->n;
	case INJECT_PERCENT:
		return inject_random_percent() < r->n;
	default:
		return true;
	}
}

int inject_call_error(const char *name)
{
	if (!inject_on())
		return 0;
	for (unsigned int i = 0; i != inject_nr_rules; i++) {
		struct inject_rule *r = &inject_rules[i];

		if (fnmatch(r->call, name, 0) || !inject_rule_fires(r))
			continue;
		ufd_trace_event("injected", "call=%s errno=%s nth=%lu", name,
				strerrorname_np(r->err) ?: "?",
				READ_ONCE(r->seen));
		return r->err;
	}
	return 0;
}
