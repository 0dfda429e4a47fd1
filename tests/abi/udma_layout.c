/* SPDX-License-Identifier: MIT */
/*
 * Compile-time pin of the descriptor layout of <uiommufd/udma.h>, the
 * device's data sheet: a driver built apart from the engine (a QEMU
 * guest's, tests/qemu/guest_udma.c) writes descriptors with this header,
 * and the engine reads them at these offsets. The numbers are the data
 * sheet's: "A descriptor: 32 bytes", its fields in the order listed,
 * each at its natural alignment with no padding. If this file stops
 * compiling, the device's ABI changed: fix the header, not the numbers.
 *
 * Build: cc -std=gnu11 -I include -c tests/abi/udma_layout.c
 */
#include <stddef.h>

#include <uiommufd/udma.h>

#define CHECK_FIELD(f, off, size)                                    \
	_Static_assert(offsetof(struct udma_desc, f) == (off),       \
		       "offsetof udma_desc." #f);                    \
	_Static_assert(sizeof(((struct udma_desc *)0)->f) == (size), \
		       "sizeof udma_desc." #f)

_Static_assert(sizeof(struct udma_desc) == 32, "sizeof(struct udma_desc)");
CHECK_FIELD(op, 0, 4);
CHECK_FIELD(status, 4, 4);
CHECK_FIELD(src, 8, 8);
CHECK_FIELD(dst, 16, 8);
CHECK_FIELD(len, 24, 4);
CHECK_FIELD(pasid, 28, 4);

/* The pasid field: a valid bit above a PASID of UDMA_PASID_WIDTH bits */
_Static_assert(UDMA_DESC_PASID_MASK == (1u << UDMA_PASID_WIDTH) - 1,
	       "UDMA_DESC_PASID_MASK is UDMA_PASID_WIDTH bits");
_Static_assert(!(UDMA_DESC_PASID_VALID & UDMA_DESC_PASID_MASK),
	       "UDMA_DESC_PASID_VALID is outside the PASID");
/* The ring's registers take descriptor-aligned addresses */
_Static_assert((sizeof(struct udma_desc) & (sizeof(struct udma_desc) - 1)) == 0,
	       "a descriptor's size is a power of two");
