// SPDX-License-Identifier: MIT
/*
 * The decoded trace's output: one write per line, so that lines of
 * threads and processes sharing the file never interleave, and the
 * filters read from the environment once.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "trace.h"

int ufd_trace_state = -1;

#define TRACE_MAX_OBJECTS 32
/* Far above the descriptors a program uses, so it is rarely in the way */
#define TRACE_FD_MIN 900

static struct {
	int fd;
	bool json;
	char *calls; /* a copy of UIOMMUFD_TRACE_CALLS, NUL-separated */
	unsigned int nr_objects;
	uint32_t objects[TRACE_MAX_OBJECTS];
} trace_cfg = {.fd = -1};

static pthread_once_t trace_once = PTHREAD_ONCE_INIT;

static int trace_open_sink(const char *where)
{
	int fd;

	if (!strcmp(where, "1") || !strcmp(where, "-") ||
	    !strcmp(where, "stderr"))
		fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, TRACE_FD_MIN);
	else
		fd = open(where, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0644);
	if (fd >= 0 && fd < TRACE_FD_MIN) {
		int high = fcntl(fd, F_DUPFD_CLOEXEC, TRACE_FD_MIN);

		if (high >= 0) {
			close(fd);
			fd = high;
		}
	}
	if (fd < 0)
		fprintf(stderr, "uiommufd: trace to %s: %m\n", where);
	return fd;
}

static void trace_parse_objects(const char *list)
{
	char *end;

	while (list && *list && trace_cfg.nr_objects < TRACE_MAX_OBJECTS) {
		unsigned long id = strtoul(list, &end, 0);

		if (end == list)
			break;
		trace_cfg.objects[trace_cfg.nr_objects++] = (uint32_t)id;
		list = *end ? end + 1 : end;
	}
}

static void trace_parse_calls(const char *list)
{
	size_t len;

	if (!list || !*list)
		return;
	len = strlen(list);
	trace_cfg.calls = calloc(1, len + 2); /* double NUL at the end */
	if (!trace_cfg.calls)
		return;
	memcpy(trace_cfg.calls, list, len);
	for (char *p = trace_cfg.calls; *p; p++)
		if (*p == ',')
			*p = '\0';
}

static void trace_read_env(void)
{
	const char *where = getenv("UIOMMUFD_TRACE");
	const char *format = getenv("UIOMMUFD_TRACE_FORMAT");

	if (where && *where && strcmp(where, "0"))
		trace_cfg.fd = trace_open_sink(where);
	trace_cfg.json = format && !strcmp(format, "json");
	trace_parse_calls(getenv("UIOMMUFD_TRACE_CALLS"));
	trace_parse_objects(getenv("UIOMMUFD_TRACE_OBJECTS"));
	__atomic_store_n(&ufd_trace_state, trace_cfg.fd >= 0 ? 1 : 0,
			 __ATOMIC_RELEASE);
}

bool ufd_trace_setup(void)
{
	pthread_once(&trace_once, trace_read_env);
	return __atomic_load_n(&ufd_trace_state, __ATOMIC_ACQUIRE) > 0;
}

bool ufd_trace_json(void)
{
	return trace_cfg.json;
}

bool ufd_trace_wants(const char *name)
{
	if (!trace_cfg.calls)
		return true;
	for (const char *p = trace_cfg.calls; *p; p += strlen(p) + 1)
		if (!fnmatch(p, name, 0))
			return true;
	return false;
}

bool ufd_trace_object_filtered(void)
{
	return trace_cfg.nr_objects != 0;
}

bool ufd_trace_object_wanted(uint32_t id)
{
	for (unsigned int i = 0; i != trace_cfg.nr_objects; i++)
		if (trace_cfg.objects[i] == id)
			return true;
	return false;
}

void trace_line_init(struct trace_line *l)
{
	l->buf = l->inline_buf;
	l->len = 0;
	l->cap = sizeof(l->inline_buf);
	l->failed = false;
	l->buf[0] = '\0';
}

/*
 * Room for @more bytes and a NUL; false (the line marked) if none. Plain
 * malloc, not ufd_zalloc(): tracing must not move the fail-nth countdown
 * of the calls it watches.
 */
static bool trace_line_grow(struct trace_line *l, size_t more)
{
	size_t cap = l->cap;
	char *buf;

	if (l->len + more < l->cap)
		return true;
	while (cap <= l->len + more)
		cap *= 2;
	buf = l->buf == l->inline_buf ? malloc(cap) : realloc(l->buf, cap);
	if (!buf) {
		l->failed = true;
		return false;
	}
	if (l->buf == l->inline_buf)
		memcpy(buf, l->inline_buf, l->len + 1);
	l->buf = buf;
	l->cap = cap;
	return true;
}

void trace_line_vprintf(struct trace_line *l, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
	if (n >= 0 && (size_t)n >= l->cap - l->len &&
	    trace_line_grow(l, (size_t)n))
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, again);
	va_end(again);
	if (n >= 0 && (size_t)n < l->cap - l->len)
		l->len += (size_t)n;
	else
		l->buf[l->len] = '\0';
}

void trace_line_printf(struct trace_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_line_vprintf(l, fmt, ap);
	va_end(ap);
}

void trace_line_json_str(struct trace_line *l, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			trace_line_printf(l, "\\%c", c);
		else if (c < 0x20)
			trace_line_printf(l, "\\u%04x", c);
		else
			trace_line_printf(l, "%c", c);
	}
}

void trace_line_emit(struct trace_line *l)
{
	const char *p;
	size_t left;

	if (trace_line_grow(l, 1)) {
		l->buf[l->len++] = '\n';
		l->buf[l->len] = '\0';
	}
	/* O_APPEND: each write lands whole at the end */
	for (p = l->buf, left = l->len; left;) {
		ssize_t n = write(trace_cfg.fd, p, left);

		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	if (l->buf != l->inline_buf)
		free(l->buf);
	trace_line_init(l);
}

const char *ufd_errno_name(int err, char *buf, size_t size)
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, size, "%d", err);
	return buf;
}

int ufd_errno_parse(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (end != name && !*end)
		return n > 0 && n < 4096 ? (int)n : 0;
	for (int err = 1; err < 4096; err++) {
		const char *known = strerrorname_np(err);

		if (known && !strcmp(known, name))
			return err;
	}
	return 0;
}

/* "k=v k=v" as JSON members: "k":"v","k":"v" */
static void trace_event_json(struct trace_line *l, const char *pairs)
{
	char *copy = strdup(pairs), *save = NULL, *tok;

	if (!copy) {
		l->failed = true;
		return;
	}
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		trace_line_printf(l, ",\"");
		trace_line_json_str(l, tok);
		trace_line_printf(l, "\":\"");
		trace_line_json_str(l, eq + 1);
		trace_line_printf(l, "\"");
	}
	free(copy);
}

void ufd_trace_event(const char *event, const char *fmt, ...)
{
	struct trace_line pairs, line;
	va_list ap;

	if (!ufd_trace_on() || !ufd_trace_wants(event))
		return;
	trace_line_init(&pairs);
	va_start(ap, fmt);
	trace_line_vprintf(&pairs, fmt, ap);
	va_end(ap);
	trace_line_init(&line);
	if (ufd_trace_json()) {
		trace_line_printf(&line, "{\"pid\":%d,\"tid\":%ld,\"event\":\"",
				  ufd_getpid(), (long)syscall(SYS_gettid));
		trace_line_json_str(&line, event);
		trace_line_printf(&line, "\"");
		trace_event_json(&line, pairs.buf);
		trace_line_printf(&line, "}");
	} else {
		trace_line_printf(&line, "-- %s %s", event, pairs.buf);
	}
	trace_line_emit(&line);
	if (pairs.buf != pairs.inline_buf)
		free(pairs.buf);
}
