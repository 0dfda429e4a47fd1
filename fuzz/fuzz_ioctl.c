// SPDX-License-Identifier: MIT
/*
 * fuzz_ioctl: libFuzzer target running a program of iommufd operations
 * (fuzz_ioctl.h) against the engine, under AddressSanitizer and UBSan.
 *
 * Besides the sanitizers, each input is judged by:
 *  - fail-nth: an injected failure that fired inside an ioctl must fail
 *    that ioctl (the engine's rule: an error path never reports success);
 *  - WARN_ON: the engine's invariant checks abort (UIOMMUFD_WARN_ABORT);
 *  - the end state: once the program's descriptors are closed, no engine
 *    file may remain open and no page of the regions may stay pinned;
 *    LeakSanitizer then finds any memory the engine forgot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "fuzz_ioctl.h"

#define FZ_OP_NAME(name) #name,
static const char *const op_names[FZ_NR_OPS] = {FZ_OPS(FZ_OP_NAME)};
#undef FZ_OP_NAME

static fz_op_fn ops[FZ_NR_OPS];
static int baseline_fds;
static bool verbose;
/* From UIOMMUFD_FUZZ_SKIP, read once (string compares would feed the
 * dictionary) */
static bool skip_op[FZ_NR_OPS];
static bool skip_injection_check;

static void check_injection(struct fz_state *st, unsigned int nth, long rc,
			    const char *what, unsigned long cmd)
{
	bool fired = nth && uiommufd_fail_nth_get() == 0;
	/* Read before the reset below clears it */
	bool absorbed = uiommufd_fail_nth_absorbed();

	uiommufd_fail_nth_set(0);
	/*
	 * Unless the engine fell back where the kernel does (an automatic
	 * domain search moving on from EINVAL). INJECTION_CHECK in
	 * UIOMMUFD_FUZZ_SKIP turns the check off.
	 */
	if (fired && rc >= 0 && !absorbed &&
	    !skip_injection_check)
		fz_fail("%s 0x%lx succeeded (rc %ld) although the failure "
			"injected at its point %u fired",
			what, cmd, rc, nth);
	(void)st;
}

long fz_ioctl(struct fz_state *st, int fd, unsigned long cmd, void *arg)
{
	return fz_ioctl_int(st, fd, cmd, (unsigned long)arg);
}

/*
 * The object graph of a context as uiommufd_dump() gives it, without its
 * first line (the user-wide pin count, shared with other processes).
 * NULL when @fd is not a context. The caller frees it.
 */
static char *state_of(int fd)
{
	static int mfd = -1;
	char *text, *nl;
	off_t len;

	if (uiommufd_fd_kind(fd) != UIOMMUFD_FD_IOMMUFD &&
	    uiommufd_fd_kind(fd) != UIOMMUFD_FD_VFIO)
		return NULL;
	if (mfd < 0)
		mfd = memfd_create("fuzz-state", MFD_CLOEXEC);
	/* The dump writes at the file's position */
	if (mfd < 0 || ftruncate(mfd, 0) || lseek(mfd, 0, SEEK_SET) ||
	    uiommufd_dump(fd, mfd))
		return NULL;
	len = lseek(mfd, 0, SEEK_END);
	text = calloc(1, (size_t)len + 1);
	if (!text || pread(mfd, text, (size_t)len, 0) != len) {
		free(text);
		return NULL;
	}
	nl = strchr(text, '\n');
	if (nl)
		memmove(text, nl, strlen(nl) + 1);
	return text;
}

/* A call that an injected failure failed must leave the context as it was */
static void check_unchanged(int fd, const char *before, unsigned long cmd,
			    long rc)
{
	char *after = state_of(fd);

	if (before && after && !fz_streq(before, after))
		fz_fail("ioctl 0x%lx failed (rc %ld) by injection but changed "
			"the context\n--- before\n%s--- after\n%s",
			cmd, rc, before, after);
	free(after);
}

/* UIOMMUFD_FUZZ_VERBOSE: the call, and its struct when in the scratch */
static void print_call(int fd, unsigned long cmd, unsigned long arg, long rc)
{
	uintptr_t scratch = (uintptr_t)fz_mem.scratch;
	uint32_t *words = (uint32_t *)(arg & ~3UL);

	fprintf(stderr, "  ioctl(%d, 0x%lx) = %ld", fd, cmd, rc);
	if (arg >= scratch && arg + 64 <= scratch + FZ_SCRATCH_PAGES * FZ_PAGE)
		for (unsigned int i = 0; i != 16; i++)
			fprintf(stderr, "%s%08x", i % 4 ? " " : " | ",
				words[i]);
	fprintf(stderr, "\n");
}

long fz_ioctl_int(struct fz_state *st, int fd, unsigned long cmd,
		  unsigned long arg)
{
	unsigned int nth = st->fail_nth;
	char *before = nth ? state_of(fd) : NULL;
	bool fired;
	long rc;

	st->fail_nth = 0;
	uiommufd_fail_nth_set(nth);
	rc = uiommufd_ioctl(fd, cmd, arg);
	fired = nth && uiommufd_fail_nth_get() == 0;
	check_injection(st, nth, rc, "ioctl", cmd);
	if (fired && rc < 0)
		check_unchanged(fd, before, cmd, rc);
	free(before);
	if (verbose)
		print_call(fd, cmd, arg, rc);
	return rc;
}

/*
 * read/write of an event queue may legitimately deliver less than asked
 * when a failure hits after the first record: only the call as a whole
 * is judged by its caller, so injection is not checked here.
 */
long fz_rw(struct fz_state *st, int fd, void *buf, size_t count, int how)
{
	unsigned int nth = st->fail_nth;
	long rc;

	st->fail_nth = 0;
	uiommufd_fail_nth_set(nth);
	switch (how & 3) {
	case 0:
		rc = uiommufd_read(fd, buf, count);
		break;
	case 1:
		rc = uiommufd_write(fd, buf, count);
		break;
	case 2:
		rc = uiommufd_pread(fd, buf, count, 0);
		break;
	default:
		rc = uiommufd_pwrite(fd, buf, count, (off_t)FZ_PAGE);
		break;
	}
	uiommufd_fail_nth_set(0);
	return rc;
}

int fz_fd(struct fz_state *st, struct fz_input *in, unsigned int mask)
{
	uint8_t b = fz_u8(in);
	unsigned int n = 0, i;

	for (i = 0; i != st->nfds; i++)
		n += !!(mask & FM(st->fds[i].kind));
	if (b >= 0xf0 || !n)
		return (b & 1) ? st->stale_fd : -1;
	n = b % n;
	for (i = 0; i != st->nfds; i++)
		if ((mask & FM(st->fds[i].kind)) && !n--)
			break;
	return st->fds[i].fd;
}

struct fz_id *fz_id_entry(struct fz_state *st, struct fz_input *in,
			  enum fz_kind kind)
{
	uint8_t b = fz_u8(in);
	unsigned int n = 0, i;

	if (b >= 0xe0)
		return NULL;
	for (i = 0; i != st->nids; i++)
		n += st->ids[i].kind == kind;
	if (!n)
		return NULL;
	/* The newest first: programs mostly use what they just made */
	n = b % n;
	for (i = st->nids; i--;)
		if (st->ids[i].kind == kind && !n--)
			return &st->ids[i];
	return NULL;
}

uint32_t fz_id(struct fz_state *st, struct fz_input *in, enum fz_kind kind)
{
	size_t pos = in->pos;
	struct fz_id *e = fz_id_entry(st, in, kind);
	uint8_t b;

	if (e)
		return e->id;
	b = pos < in->size ? in->data[pos] : 0;
	if (b < 0xe0) /* nothing of that kind yet: any ID */
		return st->nids ? st->ids[b % st->nids].id : 1;
	switch (b & 7) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 2;
	case 3:
		return UINT32_MAX;
	case 4:
		return st->nids ? st->ids[(b >> 3) % st->nids].id : 3;
	case 5:
		return 0x7fffffff;
	case 6:
		return st->nids ? st->ids[st->nids - 1].id + 1 : 4;
	default:
		return fz_u32(in);
	}
}

uint64_t fz_iova(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	if (b < 0x80 && st->nmaps)
		return st->maps[b % st->nmaps].iova + (fz_u8(in) % 8) * FZ_PAGE;
	if (b < 0xa0)
		return MOCK_APERTURE_START + (b & 0x1f) * FZ_PAGE;
	if (b < 0xc0)
		return MOCK_APERTURE_START + (b & 0x1f) * FZ_HUGE;
	switch (b & 7) {
	case 0:
		return 0;
	case 1:
		/* MOCK_FLAGS_ACCESS_SYZ: { nth area, offset } in memory */
		return (uint64_t)(fz_u8(in) % 4) |
		       (uint64_t)((fz_u8(in) % 4) * FZ_PAGE) << 32;
	case 2:
		return UINT64_MAX - FZ_PAGE + 1;
	case 3:
		return (uint64_t)MOCK_APERTURE_LAST + 1 - FZ_PAGE;
	case 4:
		return fz_u64(in);
	case 5:
		return 1ULL << 32;
	case 6:
		return 0xfee00000; /* the x86 MSI window */
	default:
		return 1ULL << 47;
	}
}

void fz_add_id(struct fz_state *st, enum fz_kind kind, uint32_t id, int aux)
{
	if (st->nids == FZ_MAX_IDS) {
		memmove(st->ids, st->ids + 1, sizeof(st->ids[0]) * --st->nids);
	}
	st->ids[st->nids++] =
		(struct fz_id){.id = id, .kind = kind, .aux = aux};
}

static void close_any(int fd, enum fz_fd_kind kind)
{
	if (kind == F_MEMFD)
		close(fd);
	else if (uiommufd_close(fd))
		fz_fail("close of fd %d (kind %d) the engine gave failed", fd,
			kind);
}

void fz_add_fd(struct fz_state *st, enum fz_fd_kind kind, int fd)
{
	if (fd < 0)
		return;
	if (st->nfds == FZ_MAX_FDS) {
		close_any(fd, kind);
		return;
	}
	st->fds[st->nfds++] = (struct fz_fd){.fd = fd, .kind = kind};
}

void fz_add_map(struct fz_state *st, uint64_t iova, uint64_t len)
{
	if (st->nmaps == FZ_MAX_MAPS)
		memmove(st->maps, st->maps + 1,
			sizeof(st->maps[0]) * --st->nmaps);
	st->maps[st->nmaps].iova = iova;
	st->maps[st->nmaps++].len = len;
}

void fz_add_mmap(struct fz_state *st, void *addr, size_t len)
{
	if (st->nmmaps == FZ_MAX_MMAPS) {
		munmap(addr, len);
		uiommufd_munmap(addr, len);
		return;
	}
	st->mmaps[st->nmmaps].addr = addr;
	st->mmaps[st->nmmaps++].len = len;
}

static unsigned int count_ctx(struct fz_state *st)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i != st->nfds; i++)
		n += (FM_CTX & FM(st->fds[i].kind)) != 0;
	return n;
}

static long op_open_ctx(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	int fd;

	if (count_ctx(st) >= FZ_MAX_CTX)
		return -EMFILE;
	fd = (b & 1) ? uiommufd_vfio_open(O_CLOEXEC) : uiommufd_open(O_CLOEXEC);
	fz_add_fd(st, (b & 1) ? F_CONTAINER : F_CTX, fd);
	return fd;
}

static long op_close_fd(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	struct fz_fd f;

	if (!st->nfds)
		return -EBADF;
	f = st->fds[b % st->nfds];
	st->fds[b % st->nfds] = st->fds[--st->nfds];
	close_any(f.fd, f.kind);
	st->stale_fd = f.fd;
	return 0;
}

/* dup() an engine descriptor: the file lives until both are closed */
static long op_dup_fd(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	struct fz_fd f;
	int nfd;
	int rc;

	if (!st->nfds || st->nfds == FZ_MAX_FDS)
		return -EBADF;
	f = st->fds[b % st->nfds];
	nfd = fcntl(f.fd, F_DUPFD_CLOEXEC, 0);
	if (nfd < 0)
		return -errno;
	if (f.kind != F_MEMFD) {
		rc = uiommufd_fd_dup(f.fd, nfd);
		if (rc) {
			close(nfd);
			return rc;
		}
	}
	fz_add_fd(st, (enum fz_fd_kind)f.kind, nfd);
	return nfd;
}

/* Arm fail-nth for the next engine call of the program */
static long op_fail_nth(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	st->fail_nth = b < 0xc0 ? b % 16 + 1 : b;
	return 0;
}

static long op_new_memfd(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	unsigned int flags = MFD_CLOEXEC;
	int fd;

	if (b & 0x80)
		flags |= MFD_ALLOW_SEALING;
	fd = memfd_create("fuzz-input", flags);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)((b & 0x3f) + 1) * (off_t)FZ_PAGE)) {
		close(fd);
		return -errno;
	}
	fz_add_fd(st, F_MEMFD, fd);
	return fd;
}

/* Shrink, grow or seal a memfd, perhaps while an IOAS maps it */
static long op_truncate_memfd(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_fd(st, in, FM(F_MEMFD));
	uint8_t b = fz_u8(in);

	if (fd < 0)
		return -EBADF;
	if (b & 0x80)
		return fcntl(fd, F_ADD_SEALS,
			     (b & 1) ? F_SEAL_WRITE : F_SEAL_SHRINK)
			       ? -errno
			       : 0;
	return ftruncate(fd, (off_t)(b & 0x3f) * (off_t)FZ_PAGE) ? -errno : 0;
}

static long op_file_read(struct fz_state *st, struct fz_input *in)
{
	static const size_t counts[] = {
		sizeof(struct iommu_hwpt_pgfault),
		2 * sizeof(struct iommu_hwpt_pgfault),
		4 * sizeof(struct iommu_hwpt_pgfault),
		0,
		sizeof(struct iommufd_vevent_header) +
			sizeof(struct iommu_viommu_event_selftest),
		17,
		FZ_PAGE,
		1UL << 40,
	};
	int fd = fz_fd(st, in, FM_ANY & ~FM(F_MEMFD));
	uint8_t b = fz_u8(in);
	size_t count = counts[b % FZ_ARRAY_SIZE(counts)];
	uint8_t *buf = fz_scratch_data();
	long rc;

	if (b & 0x80)
		buf = (uint8_t *)(uintptr_t)fz_uptr(in, count);
	else
		memset(buf, 0, FZ_PAGE);
	rc = fz_rw(st, fd, buf, count, (b & 0x40) ? 2 : 0);
	/* Keep the cookies of the faults read: the responses need them */
	if (rc > 0 && !(b & 0x80) &&
	    uiommufd_fd_kind(fd) == UIOMMUFD_FD_FAULT) {
		struct iommu_hwpt_pgfault *f = (void *)buf;

		for (long i = 0; i < rc / (long)sizeof(*f) && i < 8; i++)
			fz_add_id(st, K_COOKIE, f[i].cookie, fd);
	}
	return rc;
}

static long op_file_write(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hwpt_page_response *resp = (void *)fz_scratch_data();
	int fd = fz_fd(st, in, FM_ANY & ~FM(F_MEMFD));
	uint8_t b = fz_u8(in);
	unsigned int n = b % 4 + 1;
	size_t count = n * sizeof(*resp);

	for (unsigned int i = 0; i != n; i++) {
		uint8_t code = fz_u8(in);

		resp[i].cookie = fz_id(st, in, K_COOKIE);
		resp[i].code = code < 0xc0 ? code & 1 : code;
	}
	if (b & 0x40)
		count -= 1;
	if (b & 0x80)
		return fz_rw(st, fd, (void *)(uintptr_t)fz_uptr(in, count),
			     count, (b & 0x20) ? 3 : 1);
	return fz_rw(st, fd, resp, count, (b & 0x20) ? 3 : 1);
}

static long op_file_mmap(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_fd(st, in, FM_ANY & ~FM(F_MEMFD));
	uint8_t b = fz_u8(in);
	size_t len = (b & 7) * FZ_PAGE;
	off_t off = (off_t)(fz_u8(in) % 4) * (off_t)FZ_PAGE;
	int prot = (b & 0x10) ? PROT_READ : PROT_READ | PROT_WRITE;
	void *addr = NULL;
	int rc;

	if (b & 0x20)
		off = (off_t)fz_u64(in);
	rc = uiommufd_mmap(NULL, len, prot,
			   (b & 0x40) ? MAP_PRIVATE : MAP_SHARED, fd, off,
			   &addr);
	if (!rc)
		fz_add_mmap(st, addr, len);
	return rc;
}

/*
 * An ioctl number the engine does not know: iommufd's (and VFIO's) type
 * with a number outside the commands (which the operations above cover,
 * and whose new descriptors this one could not track), a known number
 * with size and direction bits, or another type.
 */
static long op_raw_ioctl(struct fz_state *st, struct fz_input *in)
{
	int fd = fz_fd(st, in, FM_ANY & ~FM(F_MEMFD));
	uint8_t nr = fz_u8(in);
	uint8_t type = fz_u8(in);
	uint8_t *buf = fz_mem.scratch;
	uint32_t size = fz_u8(in) * 4u;
	unsigned long cmd;

	/* VFIO_BASE (100) up to past IOMMU_TEST_CMD */
	if (nr >= 0x64 && nr <= 0xa0)
		nr = (uint8_t)(nr < 0x82 ? nr - 0x40 : nr + 0x40);
	if (type < 0xc0)
		cmd = _IO(IOMMUFD_TYPE, nr);
	else
		cmd = _IO(type, nr);
	if (type & 0x40)
		cmd = _IOWR(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + nr % 0x15,
			    uint64_t) |
		      ((unsigned long)(fz_u8(in) & 0x3f) << _IOC_SIZESHIFT);
	fz_fill(in, buf, 64);
	memcpy(buf, &size, sizeof(size));
	return fz_ioctl(st, fd, cmd, buf);
}

static void register_ops(void)
{
	ops[FZ_OP_OPEN_CTX] = op_open_ctx;
	ops[FZ_OP_CLOSE_FD] = op_close_fd;
	ops[FZ_OP_DUP_FD] = op_dup_fd;
	ops[FZ_OP_FAIL_NTH] = op_fail_nth;
	ops[FZ_OP_NEW_MEMFD] = op_new_memfd;
	ops[FZ_OP_TRUNCATE_MEMFD] = op_truncate_memfd;
	ops[FZ_OP_FILE_READ] = op_file_read;
	ops[FZ_OP_FILE_WRITE] = op_file_write;
	ops[FZ_OP_FILE_MMAP] = op_file_mmap;
	ops[FZ_OP_RAW_IOCTL] = op_raw_ioctl;
	fz_ops_iommufd(ops);
	fz_ops_selftest(ops);
	fz_ops_vfio(ops);
	for (unsigned int i = 0; i != FZ_NR_OPS; i++)
		if (!ops[i])
			fz_fail("operation %s has no implementation",
				op_names[i]);
}

/*
 * No page the program pinned may stay pinned once every context is closed.
 * Checking a page reads the process's maps (slow): the first page of the
 * first few ranges the program pinned is checked, not every page.
 */
static void check_no_pins(struct fz_state *st)
{
	int fd;

	if (!st->npinned)
		return;
	fd = uiommufd_open(O_CLOEXEC);
	if (fd < 0)
		fz_fail("uiommufd_open for the final check: %d", fd);
	for (unsigned int i = 0; i != st->npinned; i++) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_MD_CHECK_REFS,
			.check_refs = {.length = FZ_PAGE,
				       .uptr = st->pinned[i]},
		};
		long rc =
			uiommufd_ioctl(fd, IOMMU_TEST_CMD, (unsigned long)&cmd);

		/*
		 * EIO: a wrong pin count. EFAULT or EINVAL: not memory (a
		 * map of it succeeds but is never pinned)
		 */
		if (rc == -EIO)
			fz_fail("page 0x%llx still pinned after every context "
				"was closed (CHECK_REFS %ld)",
				(unsigned long long)st->pinned[i], rc);
	}
	uiommufd_close(fd);
}

void fz_add_pinned(struct fz_state *st, uint64_t uptr)
{
	uptr &= ~(FZ_PAGE - 1);
	for (unsigned int i = 0; i != st->npinned; i++)
		if (st->pinned[i] == uptr)
			return;
	if (st->npinned < FZ_MAX_PINNED)
		st->pinned[st->npinned++] = uptr;
}

static void reset_memory_limit(void)
{
	int fd = uiommufd_open(O_CLOEXEC);
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		.memory_limit = {.limit = 65536},
	};

	uiommufd_ioctl(fd, IOMMU_TEST_CMD, (unsigned long)&cmd);
	uiommufd_close(fd);
}

static void reset(struct fz_state *st)
{
	char first[320] = "";
	int n;

	uiommufd_fail_nth_set(0);
	while (st->nfds) {
		struct fz_fd f = st->fds[--st->nfds];

		close_any(f.fd, f.kind);
	}
	/* Without the shim the engine learns of munmap() from us */
	for (unsigned int i = 0; i != st->nmmaps; i++) {
		munmap(st->mmaps[i].addr, st->mmaps[i].len);
		uiommufd_munmap(st->mmaps[i].addr, st->mmaps[i].len);
	}
	if (st->memory_limit_set)
		reset_memory_limit();

	n = fz_count_engine_fds(first, sizeof(first));
	if (n != baseline_fds)
		fz_fail("%d engine or fuzzer descriptors open after the "
			"input, %d before it (last: %s)",
			n, baseline_fds, first);
	check_no_pins(st);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* The engine's invariant checks abort: the input is recorded */
	setenv("UIOMMUFD_WARN_ABORT", "1", 1);
	verbose = getenv("UIOMMUFD_FUZZ_VERBOSE") != NULL;
	fz_mem_init();
	fz_vfio_init();
	register_ops();
	for (unsigned int i = 0; i != FZ_NR_OPS; i++)
		skip_op[i] = fz_skip_op(op_names[i]);
	skip_injection_check = fz_skip_op("INJECTION_CHECK");
	baseline_fds = fz_count_engine_fds(NULL, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_input in = {.data = data, .size = size};
	struct fz_state st = {.stale_fd = -1};

	fz_mem_input_begin();
	/* Most programs want a context: the first is there from the start */
	fz_add_fd(&st, F_CTX, uiommufd_open(O_CLOEXEC));
	while (fz_more(&in)) {
		enum fz_op op = (enum fz_op)(fz_u8(&in) % FZ_NR_OPS);
		long rc;

		if (skip_op[op])
			continue;
		rc = ops[op](&st, &in);
		if (verbose)
			fprintf(stderr, "%s = %ld\n", op_names[op], rc);
	}
	reset(&st);
	fz_mem_input_end();
	return 0;
}
