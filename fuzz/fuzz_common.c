// SPDX-License-Identifier: MIT
/*
 * Choices from the input, and the memory the fuzz programs use.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

struct fz_mem fz_mem;

uint8_t fz_u8(struct fz_input *in)
{
	return fz_more(in) ? in->data[in->pos++] : 0;
}

uint16_t fz_u16(struct fz_input *in)
{
	return (uint16_t)(fz_u8(in) | (uint16_t)fz_u8(in) << 8);
}

uint32_t fz_u32(struct fz_input *in)
{
	return fz_u16(in) | (uint32_t)fz_u16(in) << 16;
}

uint64_t fz_u64(struct fz_input *in)
{
	return fz_u32(in) | (uint64_t)fz_u32(in) << 32;
}

uint32_t fz_pick32(struct fz_input *in, const uint32_t *v, size_t n)
{
	uint8_t b = fz_u8(in);

	if (b >= 0xc0)
		return (b & 0x20) ? fz_u32(in) : 1u << (b & 0x1f);
	return v[b % n];
}

void fz_fill(struct fz_input *in, void *dst, size_t len)
{
	size_t n = in->size - in->pos;

	if (n > len)
		n = len;
	memcpy(dst, in->data + in->pos, n);
	memset((uint8_t *)dst + n, 0, len - n);
	in->pos += n;
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fuzz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

/* @len bytes (rounded to pages) aligned to @align, then a guard page */
static uint8_t *map_guarded(size_t len, size_t align, int prot, int fd)
{
	size_t total = len + align + FZ_PAGE;
	uint8_t *raw, *p;

	raw = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		fz_fail("mmap of %zu bytes failed", total);
	p = (uint8_t *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	if (fd >= 0)
		p = mmap(p, len, prot, MAP_SHARED | MAP_FIXED, fd, 0);
	else if (mprotect(p, len, prot))
		p = MAP_FAILED;
	if (p == MAP_FAILED)
		fz_fail("mapping a region failed");
	return p;
}

void fz_mem_init(void)
{
	if (fz_mem.scratch)
		return;
	fz_mem.len[FZ_REG_ANON] = 2 * FZ_HUGE;
	fz_mem.base[FZ_REG_ANON] =
		map_guarded(2 * FZ_HUGE, FZ_HUGE, PROT_READ | PROT_WRITE, -1);
	/* One page off a 2 MiB boundary: never a huge leaf */
	fz_mem.len[FZ_REG_SMALL] = 16 * FZ_PAGE;
	fz_mem.base[FZ_REG_SMALL] =
		map_guarded(17 * FZ_PAGE, FZ_HUGE, PROT_READ | PROT_WRITE, -1) +
		FZ_PAGE;

	fz_mem.memfd = memfd_create("fuzz-region", MFD_CLOEXEC);
	if (fz_mem.memfd < 0 || ftruncate(fz_mem.memfd, (off_t)FZ_HUGE))
		fz_fail("memfd for the file region");
	fz_mem.len[FZ_REG_MEMFD] = FZ_HUGE;
	fz_mem.base[FZ_REG_MEMFD] = map_guarded(
		FZ_HUGE, FZ_HUGE, PROT_READ | PROT_WRITE, fz_mem.memfd);

	fz_mem.len[FZ_REG_RDONLY] = 16 * FZ_PAGE;
	fz_mem.base[FZ_REG_RDONLY] =
		map_guarded(16 * FZ_PAGE, FZ_PAGE, PROT_READ, -1);
	fz_mem.len[FZ_REG_MALLOC] = 16 * FZ_PAGE;

	fz_mem.guard = map_guarded(0, FZ_PAGE, PROT_NONE, -1);
	fz_mem.scratch = map_guarded(FZ_SCRATCH_PAGES * FZ_PAGE, FZ_PAGE,
				     PROT_READ | PROT_WRITE, -1);
}

void fz_mem_input_begin(void)
{
	fz_mem.base[FZ_REG_MALLOC] =
		aligned_alloc(FZ_PAGE, fz_mem.len[FZ_REG_MALLOC]);
	if (!fz_mem.base[FZ_REG_MALLOC])
		fz_fail("aligned_alloc");
	memset(fz_mem.base[FZ_REG_MALLOC], 0x5a, fz_mem.len[FZ_REG_MALLOC]);
}

void fz_mem_input_end(void)
{
	free(fz_mem.base[FZ_REG_MALLOC]);
	fz_mem.base[FZ_REG_MALLOC] = NULL;
}

/* An address in region @r for @len bytes, from the choice @where */
static uint64_t region_ptr(enum fz_region r, uint8_t where, uint64_t len)
{
	size_t rlen = fz_mem.len[r];
	uint64_t off = (where & 0x3f) * FZ_PAGE % rlen;

	switch (where >> 6) {
	case 1:
		off += 1;
		break;
	case 2:
		off += 2048; /* the mock IOMMU's page */
		break;
	case 3:
		off = (where & 1) * FZ_HUGE % rlen;
		break;
	}
	/*
	 * Heap memory past the allocation belongs to the allocator: a range
	 * must stay inside (the other regions end at a guard page instead).
	 */
	if (r == FZ_REG_MALLOC && (len > rlen || off + len > rlen)) {
		if (len > rlen)
			return (uintptr_t)fz_mem.base[FZ_REG_ANON];
		off = 0;
	}
	return (uintptr_t)fz_mem.base[r] + off;
}

uint64_t fz_uptr(struct fz_input *in, uint64_t len)
{
	uint8_t how = fz_u8(in);
	uint8_t where = fz_u8(in);
	uint64_t end_of_anon =
		(uintptr_t)fz_mem.base[FZ_REG_ANON] + fz_mem.len[FZ_REG_ANON];

	if (how < 0xe0)
		return region_ptr(how % FZ_NR_REGIONS, where, len);
	switch (how & 7) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)fz_mem.guard;
	case 2:
		return 0xffff800000000000ULL; /* the kernel's half */
	case 3:
		return fz_u64(in);
	case 4:
		return FZ_PAGE; /* never mapped: below mmap_min_addr */
	case 5:
		return UINT64_MAX & ~(FZ_PAGE - 1);
	case 6:
		/* Straddling the end of a region: the tail is unmapped */
		return end_of_anon - FZ_PAGE * (1 + where % 4);
	default:
		return (uintptr_t)fz_mem.base[FZ_REG_ANON] + 1;
	}
}

uint64_t fz_len(struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	if (b < 0x80)
		return (b % 16 + 1) * FZ_PAGE;
	if (b < 0xa0)
		return (b % 2 + 1) * FZ_HUGE;
	if (b < 0xc0)
		return (b % 32 + 1) * 2048ULL;
	switch (b & 7) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return FZ_PAGE - 1;
	case 3:
		return FZ_PAGE + 1;
	case 4:
		return 1ULL << 40;
	case 5:
		return UINT64_MAX;
	case 6:
		return fz_u64(in);
	default:
		return 64 * FZ_PAGE;
	}
}

enum arg_shape {
	SHAPE_MIN,	 /* the oldest size the command accepts */
	SHAPE_SHORT,	 /* shorter than that */
	SHAPE_ZERO,	 /* size 0 */
	SHAPE_ZERO_TAIL, /* longer, the tail zero */
	SHAPE_DIRTY_TAIL,
	SHAPE_EDGE,	  /* ends exactly at the guard page */
	SHAPE_OVER_EDGE,  /* claims 8 bytes more, which are the guard page */
	SHAPE_SHORT_EDGE, /* a smaller size, ending at the guard page */
	SHAPE_MISALIGNED,
	SHAPE_NULL,
	SHAPE_UNMAPPED,
	SHAPE_HUGE_SIZE, /* size UINT32_MAX */
	SHAPE_RDONLY,	 /* answers cannot be written back */
	SHAPE_NR,
};

static uint8_t *edge_place(size_t n)
{
	return fz_mem.scratch + FZ_SCRATCH_PAGES * FZ_PAGE - n;
}

void *fz_arg(struct fz_input *in, struct fz_arg *arg, void *cmd, size_t len,
	     size_t min_len)
{
	uint8_t choice = fz_u8(in);
	uint32_t size = (uint32_t)len;
	uint8_t *p = fz_mem.scratch;
	size_t n = len;

	if (choice >= 0xc0) {
		switch ((choice - 0xc0) % SHAPE_NR) {
		case SHAPE_MIN:
			size = (uint32_t)min_len;
			break;
		case SHAPE_SHORT:
			size = (uint32_t)(min_len > 4 ? min_len - 4 : 0);
			break;
		case SHAPE_ZERO:
			size = 0;
			break;
		case SHAPE_ZERO_TAIL:
			size = (uint32_t)len + 16;
			memset(p + len, 0, 16);
			break;
		case SHAPE_DIRTY_TAIL:
			size = (uint32_t)len + 16;
			memset(p + len, 0, 16);
			p[len + (choice & 15)] = 1;
			break;
		case SHAPE_EDGE:
			p = edge_place(len);
			break;
		case SHAPE_OVER_EDGE:
			p = edge_place(len);
			size = (uint32_t)len + 8;
			break;
		case SHAPE_SHORT_EDGE:
			size = (uint32_t)min_len;
			n = min_len;
			p = edge_place(n);
			break;
		case SHAPE_MISALIGNED:
			p += 1;
			break;
		case SHAPE_NULL:
			arg->ptr = NULL;
			arg->copied = 0;
			return NULL;
		case SHAPE_UNMAPPED:
			arg->ptr = fz_mem.guard;
			arg->copied = 0;
			return arg->ptr;
		case SHAPE_HUGE_SIZE:
			size = UINT32_MAX;
			p = edge_place(len);
			break;
		case SHAPE_RDONLY:
			/* Read-only: the struct cannot be written there. */
			memcpy(cmd, &size, sizeof(size));
			arg->ptr = fz_mem.base[FZ_REG_RDONLY];
			arg->copied = 0;
			return arg->ptr;
		}
	}
	memcpy(cmd, &size, sizeof(size));
	memcpy(p, cmd, n);
	arg->ptr = p;
	arg->copied = n;
	return p;
}

void fz_arg_back(const struct fz_arg *arg, void *cmd)
{
	if (arg->copied)
		memcpy(cmd, arg->ptr, arg->copied);
}

bool fz_skip_op(const char *name)
{
	static const char *skip;
	size_t n = strlen(name);
	const char *p;

	if (!skip) {
		skip = getenv("UIOMMUFD_FUZZ_SKIP");
		if (!skip)
			skip = "";
	}
	for (p = skip; (p = strstr(p, name)); p += n)
		if ((p == skip || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/*
 * By hand: libFuzzer takes the arguments of strstr() and strcmp() calls
 * into its dictionary, where these strings would only waste mutations.
 */
static bool contains(const char *s, const char *needle)
{
	for (; *s; s++) {
		size_t i = 0;

		while (needle[i] && s[i] == needle[i])
			i++;
		if (!needle[i])
			return true;
	}
	return false;
}

bool fz_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Files of the engine (memfd or eventfd backed) and the fuzzer's memfds */
static bool counted_link(const char *link)
{
	return contains(link, "memfd:uiommufd") ||
	       contains(link, "[eventfd]") ||
	       contains(link, "memfd:fuzz-input") ||
	       contains(link, "memfd:fuzz-region") || contains(link, "dmabuf");
}

int fz_count_engine_fds(char *first, size_t first_len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int count = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[64], link[256];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!counted_link(link))
			continue;
		if (first)
			snprintf(first, first_len, "fd %s -> %s", e->d_name,
				 link);
		count++;
	}
	closedir(d);
	return count;
}
