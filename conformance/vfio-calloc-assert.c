// SPDX-License-Identifier: MIT
/* calloc() that ends the test when it fails, as the selftest expects */
#include <stdio.h>
#include <stdlib.h>

#include "vfio-calloc-assert.h"

void *calloc_assert(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb, size);

	if (!p) {
		perror("calloc_assert");
		abort();
	}
	return p;
}
