/* SPDX-License-Identifier: MIT */
/*
 * The engine's one allocator. Every allocation can be made to fail by the
 * per-thread fail-nth countdown (uiommufd_fail_nth_set()), the same model as
 * the kernel's /proc/self/task/<tid>/fail-nth: error paths are swept by
 * failing the 1st, 2nd, ... failable point of a call until it succeeds.
 */
#ifndef UIOMMUFD_CORE_ALLOC_H
#define UIOMMUFD_CORE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroed allocation; NULL on failure or when fault injection fires. */
void *ufd_zalloc(size_t size);
/* The same, not zeroed: for buffers written whole before any read */
void *ufd_alloc(size_t size);
/* Allocation a caller cannot fail on (destroy paths); never injected. */
void *ufd_zalloc_nofail(size_t size);
void *ufd_realloc_array(void *ptr, size_t nmemb, size_t size);
void ufd_free(void *ptr);

/*
 * A failable point that is not an allocation (a pin, an object lookup):
 * returns true when fault injection says this point must fail.
 */
bool ufd_should_fail(void);
/*
 * The caller treats an error as "try another way" where the kernel does
 * too (the automatic domain search takes EINVAL as "incompatible"): if an
 * injected failure has fired, it did not fail the call, by design.
 */
void ufd_fail_absorbed(void);

#define ufd_new(type) ((type *)ufd_zalloc(sizeof(type)))

/*
 * The kernel's KMALLOC_MAX_SIZE: kmalloc() refuses more, so a kernel path
 * that kmallocs a user-sized buffer fails with ENOMEM past it. 4 MiB on
 * x86-64 and on arm64 with 4 KiB pages (MAX_PAGE_ORDER 10)
 */
#define UFD_KMALLOC_MAX_SIZE (4UL << 20)

#endif
