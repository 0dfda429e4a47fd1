/* SPDX-License-Identifier: MIT */
/*
 * Forced into every file of the VFIO selftests (gcc -include): Debian's
 * 7.2 tree calls calloc_assert() in lib/vfio_pci_device.c with no
 * declaration anywhere (an int-returning implicit declaration would cut
 * the pointer). Defined in vfio-calloc-assert.c.
 */
#include <stddef.h>

void *calloc_assert(size_t nmemb, size_t size);
