/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_bugs: what the bug classes in kernel_bugs_objects.c share
 * with the ones in test_kernel_bugs.c and its main: the uAPI wrappers
 * both use and the cmocka test functions main runs.
 */
#ifndef KERNEL_BUGS_H
#define KERNEL_BUGS_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>

#include <uiommufd/vfio.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "../lib/helpers.h"

#define NO_PASID 0
#define APERTURE ((uint64_t)MOCK_APERTURE_START)

#define FD ((int)(intptr_t)*state)

/* test_kernel_bugs.c */
int create_access(int fd, uint32_t ioas);
long access_pages(int fd, int access, uint64_t iova, uint64_t len, void *check,
		  uint32_t flags, uint32_t *id);
long map_file(int fd, uint32_t ioas, int mfd, uint64_t start, uint64_t len,
	      uint64_t *iova, uint32_t flags);

/* kernel_bugs_objects.c */
void test_pgfault_padding(void **state);
void test_fault_destroy_pending(void **state);
void test_unpin_with_access(void **state);
void test_access_list_ids(void **state);
void test_split_with_domains(void **state);
void test_split_refused(void **state);
void test_hwpt_user_data(void **state);
void test_replace_failure(void **state);
void test_syz_iova(void **state);
void test_destroy_racing_use(void **state);

#endif
