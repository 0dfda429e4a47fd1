/* SPDX-License-Identifier: MIT */
/*
 * The decoded trace: where its lines go and which ones are wanted.
 *
 * Set up from the environment on first use (uiommufd-run --trace sets it):
 *   UIOMMUFD_TRACE=1|-|FILE      on, to stderr or appended to FILE
 *   UIOMMUFD_TRACE_FORMAT=json   JSON lines instead of text
 *   UIOMMUFD_TRACE_CALLS=A,B*    only these calls and events (fnmatch)
 *   UIOMMUFD_TRACE_OBJECTS=1,3   only calls naming these object IDs
 * The ioctls are decoded at the top of the engine (src/api/trace_ioctl.c);
 * any layer reports what its device or IOMMU did with ufd_trace_event().
 */
#ifndef UIOMMUFD_LIB_TRACE_H
#define UIOMMUFD_LIB_TRACE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* -1 before the environment was read, then 0 (off) or 1 */
extern int ufd_trace_state;
bool ufd_trace_setup(void);

static inline bool ufd_trace_on(void)
{
	/* Acquire: the settings were written before the state */
	int state = __atomic_load_n(&ufd_trace_state, __ATOMIC_ACQUIRE);

	if (likely(state == 0))
		return false;
	return state > 0 || ufd_trace_setup();
}

bool ufd_trace_json(void);
/* The call or event @name passes the UIOMMUFD_TRACE_CALLS filter */
bool ufd_trace_wants(const char *name);
/* An object filter is set, and @id is not in it */
bool ufd_trace_object_filtered(void);
bool ufd_trace_object_wanted(uint32_t id);

/* A line being built; grows on the heap past its inline buffer */
struct trace_line {
	char *buf;
	size_t len, cap;
	bool failed;
	char inline_buf[512];
};

void trace_line_init(struct trace_line *l);
void trace_line_printf(struct trace_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void trace_line_vprintf(struct trace_line *l, const char *fmt, va_list ap);
/* @s as the contents of a JSON string, quotes excluded */
void trace_line_json_str(struct trace_line *l, const char *s);
/* Writes the line (a newline added) in one write, and frees it */
void trace_line_emit(struct trace_line *l);

/* "ENOMEM", or the number when it has no name */
const char *ufd_errno_name(int err, char *buf, size_t size);
/* The errno of a name such as "ENOMEM" or a number; 0 if none */
int ufd_errno_parse(const char *name);

/*
 * A device or IOMMU event: @fmt gives space-separated key=value pairs
 * ("dev=%s iova=0x%llx"); JSON output makes them an object's members.
 */
void ufd_trace_event(const char *event, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
