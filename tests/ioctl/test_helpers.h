/* SPDX-License-Identifier: MIT */
/*
 * The ioctl-level tests: cmocka tests that talk to the engine only through
 * the public C API, the way a program would, with the shared helpers of
 * tests/lib (a failed CHECK() there aborts the test program).
 */
#ifndef UIOMMUFD_TEST_HELPERS_H
#define UIOMMUFD_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/helpers.h"

#endif
