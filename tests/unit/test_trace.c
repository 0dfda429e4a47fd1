// SPDX-License-Identifier: MIT
/*
 * The trace's output (src/lib/trace.c): its settings from the
 * environment, the filters, lines longer than the inline buffer, JSON
 * escaping, events as JSON objects, and the errno names both ways.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/check.h"

#include "../../src/lib/trace.h"

static char *read_all(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void check_errno_names(void)
{
	char buf[16];

	CHECK(!strcmp(ufd_errno_name(ENOMEM, buf, sizeof(buf)), "ENOMEM"));
	CHECK(!strcmp(ufd_errno_name(4000, buf, sizeof(buf)), "4000"));
	CHECK(ufd_errno_parse("EEXIST") == EEXIST);
	CHECK(ufd_errno_parse("12") == 12);
	CHECK(ufd_errno_parse("EBOGUS") == 0);
	CHECK(ufd_errno_parse("0") == 0);
	CHECK(ufd_errno_parse("99999") == 0);
}

static void check_filters(void)
{
	CHECK(ufd_trace_on());
	CHECK(ufd_trace_json());
	CHECK(ufd_trace_wants("dma_fault"));
	CHECK(ufd_trace_wants("IOMMU_IOAS_MAP"));
	CHECK(!ufd_trace_wants("irq"));
	CHECK(ufd_trace_object_filtered());
	CHECK(ufd_trace_object_wanted(3));
	CHECK(ufd_trace_object_wanted(7));
	CHECK(!ufd_trace_object_wanted(4));
}

/* A line past the inline buffer, and the characters JSON escapes */
static void write_lines(void)
{
	struct trace_line l;
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	trace_line_init(&l);
	trace_line_printf(&l, "long:");
	for (int i = 0; i != 3; i++)
		trace_line_printf(&l, "%s", big);
	trace_line_emit(&l);
	trace_line_printf(&l, "\"");
	trace_line_json_str(&l, "q\"b\\c\n");
	trace_line_printf(&l, "\"");
	trace_line_emit(&l);
	ufd_trace_event("dma_fault", "dev=%s iova=%#x write=1", "0000:00:01.0",
			0x1000);
	ufd_trace_event("irq", "dev=x vector=0"); /* not wanted */
}

static void check_file(const char *path)
{
	char *text = read_all(path), *second, *third;

	CHECK(text != NULL);
	if (!text)
		return;
	CHECK(!strncmp(text, "long:xxx", 8));
	second = strchr(text, '\n');
	CHECK(second && second - text == 5 + 3 * 1999);
	if (!second)
		return;
	second++;
	CHECK(!strncmp(second, "\"q\\\"b\\\\c\\u000a\"\n", 16));
	third = strchr(second, '\n');
	CHECK(third && strstr(third, "\"event\":\"dma_fault\",\"dev\":"
				     "\"0000:00:01.0\",\"iova\":\"0x1000\","
				     "\"write\":\"1\"}\n"));
	CHECK(!strstr(text, "irq"));
}

int main(void)
{
	char path[] = "/tmp/uiommufd-trace-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	setenv("UIOMMUFD_TRACE", path, 1);
	setenv("UIOMMUFD_TRACE_FORMAT", "json", 1);
	setenv("UIOMMUFD_TRACE_CALLS", "dma_*,IOMMU_*", 1);
	setenv("UIOMMUFD_TRACE_OBJECTS", "3,7", 1);
	check_errno_names();
	check_filters();
	write_lines();
	check_file(path);
	unlink(path);
	if (check_failures)
		fprintf(stderr, "test_trace: %d checks failed\n",
			check_failures);
	return check_failures ? 1 : 0;
}
