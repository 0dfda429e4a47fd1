/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the x86 nested model tests (test_vtd_nested.c,
 * test_amd_nested.c): both models walk x86-64 first-stage tables through
 * stage 2, so both tests bind a udma to an iommufd, give it a nest-parent
 * HWPT over "guest memory" (a buffer mapped into the IOAS at GUEST_BASE,
 * the stage-2 table), write the same 4-level tables there and run the
 * device on a ring in that memory.
 */
#ifndef UIOMMUFD_TESTS_X86_S1_HELPERS_H
#define UIOMMUFD_TESTS_X86_S1_HELPERS_H

#include <stdbool.h>

#include "udma_helpers.h"

#define SZ_2M	   (2UL << 20)
#define GUEST_SIZE (4UL << 20)
#define GUEST_BASE 0x40000000UL /* GPA of the buffer: the IOAS's IOVA */

/*
 * Guest memory: offsets of the buffer, GPA = GUEST_BASE + offset; the
 * tests place their own tables in the free pages 0x6000-0xf000
 */
#define G_RING	0x0000UL
#define G_PML5	0x1000UL
#define G_PML4	0x2000UL
#define G_PDPT	0x3000UL
#define G_PD	0x4000UL
#define G_PT	0x5000UL
#define G_SRC	0x10000UL
#define G_DST_A 0x11000UL
#define G_DST_B 0x12000UL
#define G_LARGE 0x200000UL /* a 2 MiB page */

/* Device addresses (stage-1 input) */
#define IOVA_RING  0x0000UL
#define IOVA_SRC   0x1000UL
#define IOVA_DST   0x2000UL
#define IOVA_HOLE  0x3000UL /* not present */
#define IOVA_LARGE 0x200000UL

/* x86-64 paging entry bits */
#define PTE_P	(1ULL << 0)
#define PTE_RW	(1ULL << 1)
#define PTE_US	(1ULL << 2)
#define PTE_A	(1ULL << 5)
#define PTE_D	(1ULL << 6)
#define PTE_PS	(1ULL << 7)
#define PTE_RWU (PTE_P | PTE_RW | PTE_US)

struct x86_fixture {
	int ctx, dev;
	uint32_t devid, ioas, parent;
	char *guest, *mapping;
	uint32_t head; /* the ring's next slot */
};

extern struct x86_fixture f;

/*
 * The iommufd, the device of @vfio_index bound to it, guest memory mapped
 * at GUEST_BASE (zeroed: the test writes its tables) and the nest-parent
 * HWPT over it
 */
void x86_setup(unsigned int vfio_index);
/* The device stopped and closed, the iommufd closed, guest memory freed */
void x86_teardown(void);

/* Entry @idx of the table at guest offset @table */
uint64_t *entry(uint64_t table, unsigned int idx);
uint64_t gpa(uint64_t off);

/*
 * 4-level tables rooted at G_PML4 (G_PML5 above it for 5 levels): the
 * ring, src (read-only) and dst at 4 KiB, a 2 MiB page at IOVA_LARGE
 */
void x86_build_tables(void);

/* One descriptor through the device's ring at G_RING: its status */
uint32_t run(uint32_t op, uint64_t src, uint64_t dst, uint32_t len);
uint32_t copy(uint64_t src, uint64_t dst, uint32_t len);

/*
 * What both models' walks must do with x86_build_tables()' tables, the
 * device attached and its ring at IOVA_RING started. A 2 MiB leaf: a fill
 * crossing 4 KiB boundaries inside it lands, and sets its A and D bits.
 */
void x86_check_large_leaf(void);
/*
 * Copies to a hole (not present: its address reported), to read-only src,
 * and to the hole made a supervisor page (U/S clear) fail as dst faults;
 * the hole's entry is left pointing at G_DST_B without U/S
 */
void x86_check_leaf_faults(void);
/* A table pointer past guest memory: stage 2 refuses it, a dst fault */
void x86_check_table_outside_guest(void);

/* Guest bytes: 4 KiB filled with @byte; @len of them all @byte */
void fill(uint64_t off, int byte);
bool all(uint64_t off, int byte, size_t len);

#endif
