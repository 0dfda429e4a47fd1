/* SPDX-License-Identifier: MIT */
/*
 * The trace and the injected failures of the calls of the C API
 * (trace_ioctl.c, inject.c).
 */
#ifndef UIOMMUFD_API_TRACE_H
#define UIOMMUFD_API_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/trace.h"

struct iommufd_file;

/* An ioctl on @file, traced and with its injected failures */
long trace_ioctl_call(struct iommufd_file *file, int fd, unsigned int cmd,
		      unsigned long arg);

/*
 * One line for another call of the API (open, close, read ...): @fd its
 * descriptor (-1: none), @rc its result, @fmt its other arguments
 */
void trace_file_call(const char *call, int fd, long rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "O_RDWR|O_CLOEXEC": the flags of an open, by name, in @buf */
const char *trace_open_flags(int flags, char *buf, size_t size);

/* -1 before UIOMMUFD_FAIL was read, then 0 (no rule) or 1 */
extern int inject_state;
bool inject_setup(void);

static inline bool inject_on(void)
{
	/* Acquire: the settings were written before the state */
	int state = __atomic_load_n(&inject_state, __ATOMIC_ACQUIRE);

	if (likely(state == 0))
		return false;
	return state > 0 || inject_setup();
}

/* The errno the call @name must fail with now, or 0 */
int inject_call_error(const char *name);

#endif
