/* SPDX-License-Identifier: MIT */
/*
 * What both fuzz targets share: reading the input as a stream of small
 * choices, and the memory the programs point the engine at.
 *
 * The input is not a struct to cast: every byte is a choice among a few
 * meaningful values (an id the program was given earlier, a mapped IOVA, a
 * page of one of the memory regions, the right size of a struct or a wrong
 * one). Most mutations of an input thus stay a valid program that reaches
 * deep states, and the rare raw value still comes through a choice.
 * An input that runs out yields zeroes: the first choice of every kind.
 */
#ifndef UIOMMUFD_FUZZ_COMMON_H
#define UIOMMUFD_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FZ_PAGE		 4096UL
#define FZ_HUGE		 (2UL << 20)
#define FZ_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fz_input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static inline bool fz_more(const struct fz_input *in)
{
	return in->pos < in->size;
}

uint8_t fz_u8(struct fz_input *in);
uint16_t fz_u16(struct fz_input *in);
uint32_t fz_u32(struct fz_input *in);
uint64_t fz_u64(struct fz_input *in);

/*
 * The memory regions. Each is followed by a PROT_NONE guard page, so a
 * length that runs past a region meets unmapped memory, never the next
 * region. They live for the whole process (pins must never outlive the
 * memory they pin: the engine keeps using the address), except the
 * malloc() one, which is new for every input and freed after the input's
 * contexts are closed.
 */
enum fz_region {
	FZ_REG_ANON,   /* 4 MiB anonymous, 2 MiB aligned: huge leaves */
	FZ_REG_SMALL,  /* 64 KiB anonymous, deliberately not 2 MiB aligned */
	FZ_REG_MEMFD,  /* 2 MiB of a memfd, mapped shared */
	FZ_REG_RDONLY, /* 64 KiB mapped read-only */
	FZ_REG_MALLOC, /* 64 KiB from aligned_alloc(), per input */
	FZ_NR_REGIONS,
};

struct fz_mem {
	uint8_t *base[FZ_NR_REGIONS];
	size_t len[FZ_NR_REGIONS];
	int memfd;	/* backs FZ_REG_MEMFD, for IOAS_MAP_FILE */
	uint8_t *guard; /* a PROT_NONE page */
	/*
	 * Scratch for command structs and arrays, FZ_SCRATCH_PAGES followed
	 * by a guard page: page 0 holds a command struct, the pages after it
	 * the arrays it points to, and the last page a struct placed against
	 * the guard, which a size claiming more than was written runs into.
	 */
	uint8_t *scratch;
};

#define FZ_SCRATCH_PAGES 8

extern struct fz_mem fz_mem;

/* Map the regions once; abort on failure (nothing can be fuzzed then) */
void fz_mem_init(void);
/* The per-input malloc() region */
void fz_mem_input_begin(void);
void fz_mem_input_end(void);

/*
 * A user pointer for @len bytes: a page (or a misaligned byte) of one of
 * the regions, NULL, the guard page, a kernel-half address or a raw value.
 */
uint64_t fz_uptr(struct fz_input *in, uint64_t len);
/* A length: mostly a few pages, sometimes 2 MiB, 0, odd or huge values */
uint64_t fz_len(struct fz_input *in);

/*
 * Where the command struct of an ioctl goes, and the size it claims.
 * fz_arg() takes one choice: mostly the struct's own size at an aligned
 * place; otherwise too short, longer with a zero or non-zero tail, placed
 * against the guard page, misaligned, NULL or unmapped. It copies @cmd
 * (@len bytes) there and returns the pointer to pass; fz_arg_back()
 * copies the engine's answer back into @cmd when it can be read.
 */
struct fz_arg {
	void *ptr;     /* what the ioctl gets */
	size_t copied; /* bytes of cmd at ptr (0: not readable) */
};
void *fz_arg(struct fz_input *in, struct fz_arg *arg, void *cmd, size_t len,
	     size_t min_len);
void fz_arg_back(const struct fz_arg *arg, void *cmd);

/* Scratch space for arrays the command points to (after the struct page) */
static inline uint8_t *fz_scratch_data(void)
{
	return fz_mem.scratch + FZ_PAGE;
}
#define FZ_SCRATCH_DATA_LEN ((FZ_SCRATCH_PAGES - 2) * FZ_PAGE)

/* A choice among common values, or (from 0xc0 on) a raw 32-bit one */
uint32_t fz_pick32(struct fz_input *in, const uint32_t *v, size_t n);
#define PICK32(in, ...)                                \
	fz_pick32(in, (const uint32_t[]){__VA_ARGS__}, \
		  sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

/* Fill @len bytes from the input (zeroes once it ran out) */
void fz_fill(struct fz_input *in, void *dst, size_t len);

/* Abort with a message: the fuzzer records the input as a crash */
void fz_fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/*
 * Operations named in UIOMMUFD_FUZZ_SKIP (comma separated) are not run:
 * to keep fuzzing past a known defect until its fix lands.
 */
bool fz_skip_op(const char *name);

/* strcmp() == 0, out of libFuzzer's sight (see fuzz_common.c) */
bool fz_streq(const char *a, const char *b);

/* Descriptors of engine or fuzzer files open (leak check); @last: one */
int fz_count_engine_fds(char *first, size_t first_len);

/* The number of fuzz_race operations (fuzz_seeds.c numbers them) */
#define FZ_RACE_NR_OPS 22

/* Under TSan: races on libFuzzer's coverage counters are expected */
void fz_tsan_ignore_coverage(void);

#endif
