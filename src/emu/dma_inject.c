// SPDX-License-Identifier: MIT
/*
 * DMA faults injected into the emulated devices (see dma_inject.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/util.h"
#include "dma_inject.h"

#define DMA_INJECT_MAX 16

struct dma_inject_range {
	uint64_t first, last;
	bool read, write;
};

static struct dma_inject_range dma_inject_ranges[DMA_INJECT_MAX];
static unsigned int dma_inject_nr;
static pthread_once_t dma_inject_once = PTHREAD_ONCE_INIT;

/* "ADDR[+LEN][:read|:write]" */
static bool dma_inject_parse(const char *text, struct dma_inject_range *r)
{
	uint64_t len = 1;
	char *end;

	r->first = strtoull(text, &end, 0);
	if (end == text)
		return false;
	if (*end == '+') {
		text = end + 1;
		len = strtoull(text, &end, 0);
		if (end == text || !len)
			return false;
	}
	if (check_add_overflow(r->first, len - 1, &r->last))
		return false;
	r->read = r->write = true;
	if (!strcmp(end, ":read"))
		r->write = false;
	else if (!strcmp(end, ":write"))
		r->read = false;
	else if (*end)
		return false;
	return true;
}

static void dma_inject_read_env(void)
{
	const char *env = getenv("UIOMMUFD_FAIL_DMA");
	char *copy = env && *env ? strdup(env) : NULL;
	char *save = NULL, *tok;

	for (tok = copy ? strtok_r(copy, ";", &save) : NULL;
	     tok && dma_inject_nr < DMA_INJECT_MAX;
	     tok = strtok_r(NULL, ";", &save)) {
		if (dma_inject_parse(tok, &dma_inject_ranges[dma_inject_nr]))
			dma_inject_nr++;
		else
			fprintf(stderr,
				"uiommufd: UIOMMUFD_FAIL_DMA: bad "
				"range '%s' ignored\n",
				tok);
	}
	free(copy);
}

bool dma_inject_hits(uint64_t addr, size_t len, bool write, uint64_t *at)
{
	uint64_t last;

	pthread_once(&dma_inject_once, dma_inject_read_env);
	if (likely(!dma_inject_nr) || !len ||
	    check_add_overflow(addr, (uint64_t)len - 1, &last))
		return false;
	for (unsigned int i = 0; i != dma_inject_nr; i++) {
		const struct dma_inject_range *r = &dma_inject_ranges[i];

		if ((write ? !r->write : !r->read) || r->last < addr ||
		    r->first > last)
			continue;
		*at = max(addr, r->first);
		return true;
	}
	return false;
}
