/* SPDX-License-Identifier: MIT */
/*
 * CHECK() for the test programs that link neither the engine nor the
 * helper library: programs the shim runs unmodified, and unit tests of
 * one source file. A condition that does not hold is reported, with errno,
 * and counted in check_failures, so one run shows every failure; the
 * program's exit status comes from the count. REQUIRE() stops the program
 * at once, for conditions that the lines after it depend on.
 */
#ifndef UIOMMUFD_TESTS_CHECK_H
#define UIOMMUFD_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures __attribute__((unused));

#define CHECK_REPORT(cond)                                                   \
	fprintf(stderr, "%s:%d: %s failed (errno %d)\n", __FILE__, __LINE__, \
		#cond, errno)

#define CHECK(cond)                         \
	do {                                \
		if (!(cond)) {              \
			CHECK_REPORT(cond); \
			check_failures++;   \
		}                           \
	} while (0)

#define REQUIRE(cond)                       \
	do {                                \
		if (!(cond)) {              \
			CHECK_REPORT(cond); \
			exit(1);            \
		}                           \
	} while (0)

#endif
