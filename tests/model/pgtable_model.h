/* SPDX-License-Identifier: MIT */
/*
 * The page table model test's state, model and checks (model_pgtable.c has
 * the operations and the program; pgtable_model.c the rest).
 */
#ifndef UIOMMUFD_TESTS_PGTABLE_MODEL_H
#define UIOMMUFD_TESTS_PGTABLE_MODEL_H

#include <setjmp.h>

#include "../../src/iommu/io_pgtable.h"
#include "model.h"

#define MAX_EXTENTS   192
#define MAX_FLAGS     4096
#define HOST_BASE     (1ULL << 40)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ALIGN_DOWN_U64(x, a) ((uint64_t)(x) & ~((uint64_t)(a)-1))
#define min(a, b)	     ((a) < (b) ? (a) : (b))
#define max(a, b)	     ((a) > (b) ? (a) : (b))

struct pt_kind {
	const char *name;
	struct io_pgtable_cfg cfg;
};

#define NR_KINDS 3
extern const struct pt_kind kinds[NR_KINDS];

/* A mapping made by one successful map call (or what an unmap left of it) */
struct extent {
	uint64_t iova, last, host;
	unsigned int prot;
	uint64_t max_leaf;
};

/* Accessed/dirty bits of one leaf */
struct leaf_flags {
	uint64_t start, size;
	unsigned int bits;
};

struct leaf {
	uint64_t start, size;
};

enum op_kind {
	OP_MAP,
	OP_MAP_FAIL,
	OP_MAP_BAD,
	OP_UNMAP,
	OP_LOOKUP,
	OP_DMA_MARK,
	OP_SET_DIRTY,
	OP_READ_DIRTY,
	OP_EPISODE,
	NR_OPS
};

struct op {
	enum op_kind kind;
	uint64_t iova, len, host, max_leaf;
	unsigned int prot, nth;
	bool flag; /* DMA write; dirty read keeps the bits */
};

extern struct model_op_count counts[NR_OPS];

struct pgtable_test {
	struct model_rng rng, crng; /* operations, and checks */
	struct model_log log;
	bool check_tables;
	uint64_t step, seed;

	const struct pt_kind *kind;
	struct io_pgtable pt;
	bool pt_live;
	uint64_t granule, last_iova;
	uint64_t sizes[8]; /* leaf sizes, largest first */
	unsigned int nsizes;
	uint64_t regions[3], window;

	struct extent ext[MAX_EXTENTS];
	unsigned int n_ext;
	struct leaf_flags fl[MAX_FLAGS];
	unsigned int n_fl;

	/* Where a failed check goes */
	jmp_buf first_fail, replay_fail;
	bool replaying;
	char replay_msg[512];
};
extern struct pgtable_test m;

void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...);

/* The model */
uint64_t level_size(unsigned int level);
unsigned int ext_search(uint64_t iova);
struct extent *ext_find(uint64_t iova);
bool ext_intersects(uint64_t iova, uint64_t last);
void ext_insert(const struct extent *e);
void ext_remove(unsigned int i);
struct leaf leaf_at(const struct extent *e, uint64_t x);
unsigned int fl_bits(struct leaf l);
void fl_set(struct leaf l, unsigned int bits);
void fl_forget(uint64_t start, uint64_t last);
uint64_t expected_tables(void);

/* Checks of the page table against the model */
void check_lookup(uint64_t x);
void check_tables(void);
void check_range(uint64_t iova, uint64_t last);
void check_all(void);
void check_every_leaf(void);

#endif
