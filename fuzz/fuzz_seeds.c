// SPDX-License-Identifier: MIT
/*
 * Writes the seed corpus of the fuzz targets: one small program per file,
 * each reaching a different part of the engine (fuzz/make-corpus.sh runs
 * it). The bytes follow the decoders of fuzz_ioctl.h and fuzz_race.c; a
 * choice byte of 0 means "the first of its kind", which keeps the seeds
 * short. Usage: fuzz_seeds ioctl|race DIR
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_ioctl.h"

struct seed {
	uint8_t bytes[512];
	size_t len;
};

/* One operation and its choice bytes (-1 ends the list) */
static void op(struct seed *s, enum fz_op o, ...)
{
	va_list ap;
	int b;

	s->bytes[s->len++] = (uint8_t)o;
	va_start(ap, o);
	while ((b = va_arg(ap, int)) >= 0)
		s->bytes[s->len++] = (uint8_t)b;
	va_end(ap);
}

#define E -1
/* Choices that recur */
#define CTX0	  0x00 /* the first context */
#define CTX1	  0x01 /* the second one (after OPEN_CTX) */
#define NEWEST	  0x00 /* the newest ID of the kind asked for */
#define OLDER	  0x01
#define SHAPE	  0x00 /* the struct's own size, aligned */
#define PICK0	  0x00
#define PICK1	  0x01
#define PICK2	  0x02
#define PICK3	  0x03
#define PICK4	  0x04
#define LEN_4P	  0x03 /* 4 pages */
#define LEN_16P	  0x0f
#define LEN_2M	  0x80
#define ANON0	  0x00, 0x00 /* uptr: the anonymous region, page 0 */
#define ANON_2M	  0x00, 0xc1 /* uptr: the anonymous region at 2 MiB */
#define MALLOC0	  0x04, 0x00
#define MEMFD0	  0x02, 0x00
#define IOVA_AUTO 0x80	     /* no mapping yet: MOCK_APERTURE_START */
#define IOVA_MAP0 0x00, 0x00 /* the first range mapped, offset 0 */
#define IOVA_HUGE 0xa0	     /* MOCK_APERTURE_START, 2 MiB aligned */
#define FD0	  0x00	     /* the first descriptor of the kind */

static void ioas(struct seed *s)
{
	op(s, FZ_OP_IOAS_ALLOC, CTX0, PICK0, SHAPE, E);
}

static void map(struct seed *s, int flags, int len)
{
	op(s, FZ_OP_IOAS_MAP, CTX0, flags, NEWEST, len, ANON0, IOVA_AUTO, SHAPE,
	   E);
}

static void mock_domain(struct seed *s)
{
	op(s, FZ_OP_T_MOCK_DOMAIN, CTX0, 0x00, NEWEST, SHAPE, E);
}

static void seed_map_unmap(struct seed *s)
{
	ioas(s);
	map(s, PICK0, LEN_4P);
	op(s, FZ_OP_IOAS_IOVA_RANGES, CTX0, NEWEST, PICK2, PICK0, 0x00, SHAPE,
	   E);
	op(s, FZ_OP_IOAS_UNMAP, CTX0, NEWEST, 0x00, SHAPE, E);
}

static void seed_mock_domain(struct seed *s)
{
	ioas(s);
	mock_domain(s);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK1, NEWEST, LEN_2M, ANON_2M, IOVA_HUGE,
	   SHAPE, E);
	op(s, FZ_OP_T_CHECK_MAP, CTX0, NEWEST, IOVA_MAP0, LEN_4P, ANON_2M,
	   SHAPE, E);
	op(s, FZ_OP_IOAS_UNMAP, CTX0, NEWEST, 0x00, SHAPE, E);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK1, NEWEST, LEN_4P, ANON_2M, IOVA_HUGE,
	   SHAPE, E);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK0, NEWEST, LEN_16P, MALLOC0, IOVA_AUTO,
	   SHAPE, E);
	op(s, FZ_OP_DESTROY, CTX0, K_STDEV, NEWEST, SHAPE, E);
}

static void seed_access(struct seed *s)
{
	ioas(s);
	map(s, PICK0, LEN_16P);
	op(s, FZ_OP_T_CREATE_ACCESS, CTX0, NEWEST, PICK0, SHAPE, E);
	op(s, FZ_OP_T_ACCESS_PAGES, CTX0, FD0, PICK1, IOVA_MAP0, LEN_4P, 0x00,
	   SHAPE, E);
	op(s, FZ_OP_T_ACCESS_RW, CTX0, FD0, PICK3, IOVA_MAP0, 0x05, 0x03, SHAPE,
	   E);
	op(s, FZ_OP_T_ACCESS_RW, CTX0, FD0, PICK0, IOVA_MAP0, 0x00, 0x02, SHAPE,
	   E);
	op(s, FZ_OP_IOAS_UNMAP, CTX0, NEWEST, 0x00, SHAPE, E);
	op(s, FZ_OP_T_DESTROY_ACCESS_PAGES, CTX0, NEWEST, 0x00, SHAPE, E);
	op(s, FZ_OP_CLOSE_FD, 0x01, E);
}

static void seed_dirty(struct seed *s)
{
	ioas(s);
	mock_domain(s);
	/* HWPT with dirty tracking (flags choice 2), on the newest IOAS */
	op(s, FZ_OP_HWPT_ALLOC, CTX0, PICK2, NEWEST, 0x00, NEWEST, PICK0, PICK0,
	   PICK0, PICK0, 0x00, NEWEST, SHAPE, E);
	op(s, FZ_OP_T_MOCK_REPLACE, CTX0, 0x01, NEWEST, NEWEST, SHAPE, E);
	map(s, PICK0, LEN_16P);
	op(s, FZ_OP_HWPT_SET_DIRTY, CTX0, PICK0, NEWEST, PICK0, SHAPE, E);
	op(s, FZ_OP_T_DIRTY, CTX0, NEWEST, IOVA_MAP0, LEN_4P, PICK0, 0x01, 0xff,
	   0x0f, PICK0, SHAPE, E);
	op(s, FZ_OP_HWPT_GET_DIRTY, CTX0, NEWEST, PICK0, IOVA_MAP0, LEN_16P,
	   0x00, 0x00, SHAPE, E);
}

/* A nesting parent, a nested HWPT on it, invalidation of its IOTLB */
static void nested(struct seed *s, int flags, int fault)
{
	op(s, FZ_OP_HWPT_ALLOC, CTX0, PICK1, NEWEST, 0x00, NEWEST, PICK0, PICK0,
	   PICK0, PICK0, 0x00, NEWEST, SHAPE, E);
	op(s, FZ_OP_HWPT_ALLOC, CTX0, flags, NEWEST, 0x01, NEWEST, PICK1, PICK0,
	   PICK0, PICK1, 0x00, fault, SHAPE, E);
}

static void seed_nested(struct seed *s)
{
	ioas(s);
	mock_domain(s);
	nested(s, PICK0, NEWEST);
	op(s, FZ_OP_HWPT_INVALIDATE, CTX0, 0x00, NEWEST, PICK0, PICK0, PICK0,
	   PICK0, PICK1, PICK1, PICK2, PICK0, PICK0, PICK0, PICK0, 0x00, PICK0,
	   SHAPE, E);
	op(s, FZ_OP_T_CHECK_IOTLB, CTX0, NEWEST, PICK1, PICK1, SHAPE, E);
	op(s, FZ_OP_T_MOCK_REPLACE, CTX0, 0x01, NEWEST, NEWEST, SHAPE, E);
	op(s, FZ_OP_GET_HW_INFO, CTX0, PICK0, NEWEST, PICK0, 0x00, PICK0, PICK0,
	   SHAPE, E);
}

static void seed_fault(struct seed *s)
{
	ioas(s);
	mock_domain(s);
	op(s, FZ_OP_FAULT_ALLOC, CTX0, PICK0, SHAPE, E);
	nested(s, PICK3, NEWEST);
	op(s, FZ_OP_T_MOCK_REPLACE, CTX0, 0x01, NEWEST, NEWEST, SHAPE, E);
	op(s, FZ_OP_T_TRIGGER_IOPF, CTX0, NEWEST, PICK0, PICK0, PICK0,
	   IOVA_AUTO, SHAPE, E);
	op(s, FZ_OP_T_TRIGGER_IOPF, CTX0, NEWEST, PICK1, PICK1, PICK0,
	   IOVA_AUTO, SHAPE, E);
	/* The fault queue is the second descriptor (after the context) */
	op(s, FZ_OP_FILE_READ, 0x01, 0x00, E);
	op(s, FZ_OP_FILE_WRITE, 0x01, 0x00, 0x00, NEWEST, E);
	op(s, FZ_OP_CLOSE_FD, 0x01, E);
	op(s, FZ_OP_DESTROY, CTX0, K_STDEV, NEWEST, SHAPE, E);
}

static void seed_copy(struct seed *s)
{
	ioas(s);
	ioas(s);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK0, OLDER, LEN_16P, ANON0, IOVA_AUTO,
	   SHAPE, E);
	mock_domain(s);
	op(s, FZ_OP_IOAS_COPY, CTX0, PICK0, NEWEST, OLDER, LEN_4P, IOVA_AUTO,
	   IOVA_MAP0, SHAPE, E);
	op(s, FZ_OP_IOAS_UNMAP, CTX0, OLDER, 0xe0, SHAPE, E);
}

static void seed_map_file(struct seed *s)
{
	op(s, FZ_OP_NEW_MEMFD, 0x8f, E);
	ioas(s);
	mock_domain(s);
	op(s, FZ_OP_IOAS_MAP_FILE, CTX0, PICK0, NEWEST, 0x01, FD0, 0x00, LEN_4P,
	   IOVA_AUTO, SHAPE, E);
	op(s, FZ_OP_IOAS_MAP_FILE, CTX0, PICK0, NEWEST, 0x00, 0x00, LEN_2M,
	   IOVA_HUGE, SHAPE, E);
	op(s, FZ_OP_TRUNCATE_MEMFD, FD0, 0x01, E);
	op(s, FZ_OP_IOAS_UNMAP, CTX0, NEWEST, 0x00, SHAPE, E);
}

static void seed_vfio_compat(struct seed *s)
{
	ioas(s);
	op(s, FZ_OP_VFIO_IOAS, CTX0, NEWEST, PICK0, SHAPE, E); /* SET */
	op(s, FZ_OP_VFIO_CHECK_EXT, FD0, PICK0, E);
	op(s, FZ_OP_VFIO_SET_IOMMU, CTX0, PICK0, E);
	op(s, FZ_OP_VFIO_GET_INFO, CTX0, 0x00, PICK0, E);
	op(s, FZ_OP_VFIO_MAP_DMA, CTX0, PICK0, LEN_4P, ANON0, IOVA_AUTO, SHAPE,
	   E);
	op(s, FZ_OP_VFIO_IOAS, CTX0, NEWEST, PICK1, SHAPE, E); /* GET */
	mock_domain(s);
	op(s, FZ_OP_VFIO_UNMAP_DMA, CTX0, 0x00, PICK0, SHAPE, E);
	op(s, FZ_OP_VFIO_UNMAP_DMA, CTX0, 0x80, PICK1, IOVA_AUTO, LEN_4P, SHAPE,
	   E);
}

/* A group on /dev/vfio/vfio, its device through the group */
static void seed_container(struct seed *s)
{
	op(s, FZ_OP_OPEN_CTX, 0x01, E);
	op(s, FZ_OP_CDEV_OPEN, 0x03, E); /* the group of device 1 */
	op(s, FZ_OP_CDEV_INFO, FD0, 0x02, CTX1, E);
	op(s, FZ_OP_VFIO_SET_IOMMU, CTX1, PICK0, E);
	op(s, FZ_OP_VFIO_MAP_DMA, CTX1, PICK0, LEN_16P, MALLOC0, IOVA_AUTO,
	   SHAPE, E);
	op(s, FZ_OP_CDEV_INFO, FD0, 0x04, E);
	op(s, FZ_OP_CDEV_INFO, 0x01, 0x00, SHAPE, E);
	op(s, FZ_OP_VFIO_DIRTY_PAGES, CTX1, PICK0, IOVA_AUTO, LEN_4P, SHAPE, E);
	op(s, FZ_OP_CLOSE_FD, 0x01, E);
}

static void seed_cdev(struct seed *s)
{
	ioas(s);
	op(s, FZ_OP_CDEV_OPEN, 0x04, E); /* device 2, alone in its group */
	op(s, FZ_OP_CDEV_BIND, FD0, PICK0, CTX0, 0x00, SHAPE, E);
	op(s, FZ_OP_CDEV_ATTACH, FD0, 0x00, NEWEST, PICK0, SHAPE, E);
	map(s, PICK0, LEN_4P);
	op(s, FZ_OP_GET_HW_INFO, CTX0, PICK0, NEWEST, PICK0, 0x00, PICK0, PICK0,
	   SHAPE, E);
	op(s, FZ_OP_CDEV_DETACH, FD0, PICK0, PICK0, SHAPE, E);
	op(s, FZ_OP_CLOSE_FD, 0x00, E);
}

static void seed_dmabuf(struct seed *s)
{
	op(s, FZ_OP_T_DMABUF_GET, CTX0, PICK0, PICK0, SHAPE, E);
	ioas(s);
	mock_domain(s);
	op(s, FZ_OP_IOAS_MAP_FILE, CTX0, PICK0, NEWEST, 0x02, FD0, 0x00, LEN_4P,
	   IOVA_AUTO, SHAPE, E);
	op(s, FZ_OP_T_DMABUF_REVOKE, CTX0, FD0, PICK0, SHAPE, E);
	op(s, FZ_OP_T_DMABUF_REVOKE, CTX0, FD0, PICK1, SHAPE, E);
}

static void seed_fail_nth(struct seed *s)
{
	op(s, FZ_OP_FAIL_NTH, 0x00, E);
	ioas(s);
	ioas(s);
	op(s, FZ_OP_FAIL_NTH, 0x01, E);
	mock_domain(s);
	mock_domain(s);
	op(s, FZ_OP_FAIL_NTH, 0x02, E);
	map(s, PICK0, LEN_4P);
	map(s, PICK0, LEN_4P);
	op(s, FZ_OP_FAIL_NTH, 0x03, E);
	op(s, FZ_OP_T_CREATE_ACCESS, CTX0, NEWEST, PICK0, SHAPE, E);
}

static void seed_pasid(struct seed *s)
{
	ioas(s);
	op(s, FZ_OP_T_MOCK_DOMAIN, CTX0, 0x02, NEWEST, PICK1, SHAPE, E);
	op(s, FZ_OP_HWPT_ALLOC, CTX0, PICK4, NEWEST, 0x00, NEWEST, PICK0, PICK0,
	   PICK0, PICK0, 0x00, NEWEST, SHAPE, E);
	op(s, FZ_OP_T_PASID, CTX0, 0x00, NEWEST, PICK1, NEWEST, SHAPE, E);
	op(s, FZ_OP_T_PASID, CTX0, 0x03, NEWEST, PICK1, NEWEST, SHAPE, E);
	op(s, FZ_OP_T_PASID, CTX0, 0x02, NEWEST, PICK1, NEWEST, SHAPE, E);
}

/* The context closed first: its access and fault queue live on */
static void seed_close_early(struct seed *s)
{
	ioas(s);
	map(s, PICK0, LEN_4P);
	op(s, FZ_OP_T_CREATE_ACCESS, CTX0, NEWEST, PICK0, SHAPE, E);
	op(s, FZ_OP_FAULT_ALLOC, CTX0, PICK0, SHAPE, E);
	op(s, FZ_OP_DUP_FD, 0x00, E);
	op(s, FZ_OP_CLOSE_FD, 0x00, E);
	op(s, FZ_OP_T_ACCESS_RW, CTX0, FD0, PICK0, IOVA_MAP0, 0x00, 0x01, SHAPE,
	   E);
	op(s, FZ_OP_CLOSE_FD, 0x00, E);
	op(s, FZ_OP_T_ACCESS_RW, CTX0, FD0, PICK0, IOVA_MAP0, 0x00, 0x01, SHAPE,
	   E);
}

/* Bad sizes and pointers on one command each */
static void seed_shapes(struct seed *s)
{
	for (int shape = 0xc0; shape < 0xc0 + 13; shape++)
		op(s, FZ_OP_IOAS_ALLOC, CTX0, PICK0, shape, E);
	map(s, PICK0, LEN_4P);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK0, NEWEST, LEN_4P, 0xe1, 0x00,
	   IOVA_AUTO, SHAPE, E);
	op(s, FZ_OP_IOAS_MAP, CTX0, PICK0, NEWEST, LEN_4P, 0x03, 0x00,
	   IOVA_AUTO, SHAPE, E);
	op(s, FZ_OP_RAW_IOCTL, FD0, 0x10, 0x00, 0x04, E);
}

struct seed_def {
	const char *name;
	void (*build)(struct seed *s);
};

static const struct seed_def ioctl_seeds[] = {
	{"map_unmap", seed_map_unmap},
	{"mock_domain", seed_mock_domain},
	{"access", seed_access},
	{"dirty", seed_dirty},
	{"nested", seed_nested},
	{"fault", seed_fault},
	{"copy", seed_copy},
	{"map_file", seed_map_file},
	{"vfio_compat", seed_vfio_compat},
	{"container", seed_container},
	{"cdev", seed_cdev},
	{"dmabuf", seed_dmabuf},
	{"fail_nth", seed_fail_nth},
	{"pasid", seed_pasid},
	{"close_early", seed_close_early},
	{"shapes", seed_shapes},
};

/*
 * fuzz_race: thread count byte, then equal slices of operations. The
 * operation numbers are the order of race_ops[] in fuzz_race.c.
 */
enum {
	R_MAP = FZ_RACE_NR_OPS, /* 0 modulo their number: no zero byte */
	R_MAP_FILE,
	R_UNMAP,
	R_COPY,
	R_DESTROY,
	R_IOAS_ALLOC,
	R_MOCK_DOMAIN,
	R_REPLACE,
	R_HWPT_ALLOC,
	R_DIRTY,
	R_IOVA_RANGES,
	R_ACCESS_CREATE,
	R_ACCESS_CLOSE,
	R_ACCESS_RW,
	R_ACCESS_PAGES,
	R_ACCESS_REPLACE,
	R_CHECK_MAP,
	R_FAULT_ALLOC,
	R_FAULT_CLOSE,
	R_NESTED_FAULT,
	R_TRIGGER_IOPF,
	R_FAULT_ANSWER,
};

static void race_slices(struct seed *s, unsigned int threads,
			const uint8_t *const *progs, const size_t *lens)
{
	size_t slice = 0;

	for (unsigned int i = 0; i != threads; i++)
		if (lens[i] > slice)
			slice = lens[i];
	s->bytes[s->len++] = (uint8_t)(threads - 2);
	for (unsigned int i = 0; i != threads; i++) {
		memcpy(s->bytes + s->len, progs[i], lens[i]);
		/* R_IOVA_RANGES of slot 0 pads: harmless */
		for (size_t j = lens[i]; j != slice; j++)
			s->bytes[s->len + j] = R_IOVA_RANGES;
		s->len += slice;
	}
}

#define RACE(...) ((const uint8_t[]){__VA_ARGS__})
#define RLEN(...) sizeof((const uint8_t[]){__VA_ARGS__})
#define RACE_SEED(name, threads, ...)                          \
	static void name(struct seed *s)                       \
	{                                                      \
		const uint8_t *const p[] = {__VA_ARGS__};      \
		size_t l[FZ_ARRAY_SIZE(p)];                    \
		for (size_t i = 0; i != FZ_ARRAY_SIZE(p); i++) \
			l[i] = strlen((const char *)p[i]);     \
		race_slices(s, threads, p, l);                 \
	}

/* Programs as strings of bytes, none zero (strlen gives their length) */
RACE_SEED(race_map_unmap, 2,
	  RACE(R_MAP, 1, 1, 1, 4, 1, R_MAP, 1, 1, 1, 4, 2, R_UNMAP, 1, 1, 2, 0),
	  RACE(R_UNMAP, 1, 1, 3, R_MAP, 3, 1, 5, 4, 1, R_UNMAP, 1, 1, 8, 0))
RACE_SEED(race_attach, 3,
	  RACE(R_REPLACE, 2, 1, R_REPLACE, 2, 7, R_REPLACE, 3, 6, 0),
	  RACE(R_HWPT_ALLOC, 1, 1, 8, R_DESTROY, 8, R_HWPT_ALLOC, 3, 1, 9, 0),
	  RACE(R_MAP, 1, 1, 1, 4, 1, R_UNMAP, 1, 1, 3, R_DIRTY, 2, 6, 1, 1, 0))
RACE_SEED(race_access, 3,
	  RACE(R_ACCESS_CREATE, 1, 1, R_ACCESS_RW, 1, 1, 1, R_ACCESS_CLOSE, 1,
	       0),
	  RACE(R_ACCESS_PAGES, 0x81, 1, 1, R_UNMAP, 1, 1, 4, R_MAP, 1, 1, 1, 4,
	       1, 0),
	  RACE(R_ACCESS_REPLACE, 1, 2, R_ACCESS_RW, 0x41, 1, 1, R_ACCESS_CREATE,
	       2, 1, 0))
RACE_SEED(race_destroy, 4, RACE(R_DESTROY, 2, R_DESTROY, 6, R_DESTROY, 1, 0),
	  RACE(R_MOCK_DOMAIN, 1, 9, 10, R_REPLACE, 9, 1, 0),
	  RACE(R_IOAS_ALLOC, 11, R_COPY, 11, 1, 1, 1, 1, R_DESTROY, 11, 0),
	  RACE(R_MAP_FILE, 1, 1, 1, 1, R_CHECK_MAP, 6, 1, 1, R_UNMAP, 1, 1,
	       0xf1, 0))

RACE_SEED(race_faults, 3,
	  RACE(R_FAULT_ALLOC, 1, 1, R_NESTED_FAULT, 2, 1, 12, 2, R_REPLACE, 3,
	       2, R_TRIGGER_IOPF, 2, 1, R_TRIGGER_IOPF, 4, 1, 0),
	  RACE(R_FAULT_ANSWER, 1, R_FAULT_ANSWER, 1, R_FAULT_CLOSE, 1, 0),
	  RACE(R_REPLACE, 3, 1, R_DESTROY, 12, R_FAULT_ALLOC, 1, 1, 0))

static const struct seed_def race_seeds[] = {
	{"faults", race_faults},   {"map_unmap", race_map_unmap},
	{"attach", race_attach},   {"access", race_access},
	{"destroy", race_destroy},
};

static int write_seeds(const struct seed_def *defs, size_t n, const char *dir)
{
	for (size_t i = 0; i != n; i++) {
		struct seed s = {.len = 0};
		char path[4096];
		FILE *f;

		defs[i].build(&s);
		snprintf(path, sizeof(path), "%s/seed-%s", dir, defs[i].name);
		f = fopen(path, "wb");
		if (!f || fwrite(s.bytes, 1, s.len, f) != s.len || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s ioctl|race DIR\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "ioctl"))
		return write_seeds(ioctl_seeds, FZ_ARRAY_SIZE(ioctl_seeds),
				   argv[2]);
	if (!strcmp(argv[1], "race"))
		return write_seeds(race_seeds, FZ_ARRAY_SIZE(race_seeds),
				   argv[2]);
	fprintf(stderr, "unknown target %s\n", argv[1]);
	return 2;
}
