// SPDX-License-Identifier: MIT
/*
 * Failable allocation and per-thread fault injection.
 */
#include <stdlib.h>

#include <uiommufd/uiommufd.h>

#include "alloc.h"
#include "util.h"

/*
 * Like the kernel's task->fail_nth: when non-zero it counts down at every
 * failable point and the point that brings it to zero fails.
 */
static __thread unsigned int fail_nth;
/* Since the last uiommufd_fail_nth_set(): the failure fired, was absorbed */
static __thread bool fail_fired, fail_absorbed;

bool ufd_should_fail(void)
{
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
