// SPDX-License-Identifier: MIT
/*
 * libFuzzer's coverage counters under ThreadSanitizer.
 *
 * Every instrumented edge increments a byte of the __sancov_cntrs section
 * with a plain store. Clang 14 also instruments those stores for TSan, so
 * two threads crossing the same edge are reported as a data race (later
 * Clang releases skip such stores). The counters are only statistics for
 * the fuzzer: this tells TSan that races on them are expected, so that
 * every other race is still reported.
 *
 * This file must be compiled without coverage instrumentation: a module
 * that names the section's bounds and is itself instrumented gets its
 * counters registered wrongly.
 */
#include <stdint.h>

#include "fuzz_common.h"

extern uint8_t __start___sancov_cntrs[]
	__attribute__((weak, visibility("hidden")));
extern uint8_t __stop___sancov_cntrs[]
	__attribute__((weak, visibility("hidden")));

/* ThreadSanitizer's dynamic annotation */
void AnnotateBenignRaceSized(const char *file, int line,
			     const volatile void *mem, unsigned long size,
			     const char *desc);

void fz_tsan_ignore_coverage(void)
{
	if (!__start___sancov_cntrs)
		return;
	AnnotateBenignRaceSized(
		__FILE__, __LINE__, __start___sancov_cntrs,
		(unsigned long)(__stop___sancov_cntrs - __start___sancov_cntrs),
		"libFuzzer coverage counters");
}
