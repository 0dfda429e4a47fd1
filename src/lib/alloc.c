// SPDX-License-Identifier: MIT
/*
 * Failable allocation and per-thread fault injection.
 */
#include <stdlib.h>

#include <uiommufd/uiommufd.h>

#include "alloc.h"
#include "trace.h"
#include "util.h"

/*
 * Like the kernel's task->fail_nth: when non-zero it counts down at every
 * failable point and the point that brings it to zero fails.
 */
static __thread unsigned int fail_nth;
/* Since the last uiommufd_fail_nth_set(): the failure fired, was absorbed */
static __thread bool fail_fired, fail_absorbed;

/*
 * The process-wide countdown of UIOMMUFD_FAIL_NTH (uiommufd-run
 * --fail-nth): the Nth failable point any thread reaches fails, so that a
 * program's handling of the engine's failures can be swept from outside
 * it. 0: off; read at load time.
 */
static unsigned long fail_nth_process;

__attribute__((constructor)) static void fail_nth_process_init(void)
{
	const char *env = getenv("UIOMMUFD_FAIL_NTH");

	if (env && *env)
		fail_nth_process = strtoul(env, NULL, 0);
}

static bool fail_nth_process_fires(void)
{
	unsigned long left = READ_ONCE(fail_nth_process);

	/* Only the thread that takes it from 1 to 0 fails */
	while (left) {
		if (__atomic_compare_exchange_n(
			    &fail_nth_process, &left, left - 1, false,
			    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return left == 1;
	}
	return false;
}

bool ufd_should_fail(void)
{
	if (unlikely(READ_ONCE(fail_nth_process)) && fail_nth_process_fires()) {
		ufd_trace_event("injected", "point=fail-nth");
		return true;
	}
	if (likely(!fail_nth))
		return false;
	if (--fail_nth)
		return false;
	fail_fired = true;
	return true;
}

void ufd_fail_absorbed(void)
{
	if (fail_fired)
		fail_absorbed = true;
}

void *ufd_zalloc(size_t size)
{
	if (ufd_should_fail())
		return NULL;
	return calloc(1, size ? size : 1);
}

void *ufd_alloc(size_t size)
{
	if (ufd_should_fail())
		return NULL;
	return malloc(size ? size : 1);
}

void *ufd_zalloc_nofail(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *ufd_realloc_array(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	if (check_mul_overflow(nmemb, size, &bytes))
		return NULL;
	if (ufd_should_fail())
		return NULL;
	return realloc(ptr, bytes ? bytes : 1);
}

void ufd_free(void *ptr)
{
	free(ptr);
}

UFD_EXPORT void uiommufd_fail_nth_set(unsigned int nth)
{
	fail_nth = nth;
	fail_fired = false;
	fail_absorbed = false;
}

UFD_EXPORT unsigned int uiommufd_fail_nth_get(void)
{
	return fail_nth;
}

UFD_EXPORT bool uiommufd_fail_nth_absorbed(void)
{
	return fail_absorbed;
}
