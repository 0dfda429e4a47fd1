// SPDX-License-Identifier: MIT
/*
 * errno_matrix - a table of iommufd ioctl results, one line per call.
 *
 * The same program runs on the real kernel (built -static, under
 * refkernel) and under uiommufd (built dynamic, under uiommufd-run); the
 * two outputs are compared line by line (tests/compare/check.sh).
 *
 * Every line is "label rc errno-name [field=value...]". Nothing printed
 * may depend on the run: no pointers, file descriptors or times. User
 * buffers live at fixed addresses (MAP_FIXED_NOREPLACE), so automatically
 * chosen IOVAs are the same on both sides. Each section runs in its own
 * child process on a fresh /dev/iommu, so one crash loses one section.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/vfio.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

#define PAGE	4096UL
#define U64_MAX (~0ULL)
#define BASE_VA 0x7e0000000000UL
#define SLOT_SZ (16UL << 20)
#define SLOT(n) (BASE_VA + (unsigned long)(n)*SLOT_SZ)
/* an address range that is never mapped */
#define NOMEM_VA SLOT(4000)
#define APERTURE MOCK_APERTURE_START

static int ifd;	    /* the /dev/iommu of the current section */
static int nslots;  /* next free buffer slot of the section */
static char sec[8]; /* section prefix of the labels */

/* ------------------------------------------------------------------ */
/* Output                                                             */
/* ------------------------------------------------------------------ */

#define E(x)          \
	{             \
		x, #x \
	}
static const struct {
	int e;
	const char *name;
} errnames[] = {
	E(EPERM),      E(ENOENT),     E(ESRCH),	    E(EINTR),	  E(EIO),
	E(ENXIO),      E(E2BIG),      E(EBADF),	    E(EAGAIN),	  E(ENOMEM),
	E(EACCES),     E(EFAULT),     E(EBUSY),	    E(EEXIST),	  E(EXDEV),
	E(ENODEV),     E(ENOTDIR),    E(EISDIR),    E(EINVAL),	  E(ENFILE),
	E(EMFILE),     E(ENOTTY),     E(EFBIG),	    E(ENOSPC),	  E(ESPIPE),
	E(EROFS),      E(EPIPE),      E(EDOM),	    E(ERANGE),	  E(ENOSYS),
	E(EBADE),      E(ENODATA),    E(EOVERFLOW), E(EBADFD),	  E(EMSGSIZE),
	E(EOPNOTSUPP), E(EADDRINUSE), E(ENOBUFS),   E(ETIMEDOUT), E(ECANCELED),
};
#undef E

static const char *ename(int e)
{
	static char other[16];
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

/* printf into one of a few rotating buffers, for labels built in loops */
static const char *L(const char *fmt, ...)
{
	static char bufs[4][128];
	static int n;
	char *b = bufs[n++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

static void report(const char *label, long rc, int err)
{
	if (rc < 0)
		printf("%s.%s %ld %s", sec, label, rc, ename(err));
	else
		printf("%s.%s %ld -", sec, label, rc);
}

/* Run expr, print "label rc errno" and then the extra fields of fmt. */
#define CALLF(label, expr, fmt, ...)                 \
	do {                                         \
		const char *l_ = (label);            \
		long r_;                             \
		int e_;                              \
		errno = 0;                           \
		r_ = (expr);                         \
		e_ = errno;                          \
		report(l_, r_, e_);                  \
		printf(" " fmt "\n", ##__VA_ARGS__); \
	} while (0)
#define CALL(label, expr)                 \
	do {                              \
		const char *l_ = (label); \
		long r_;                  \
		int e_;                   \
		errno = 0;                \
		r_ = (expr);              \
		e_ = errno;               \
		report(l_, r_, e_);       \
		printf("\n");             \
	} while (0)
#define NOTE(fmt, ...) printf("%s." fmt "\n", sec, ##__VA_ARGS__)

#define INIT(s)                             \
	do {                                \
		memset(&(s), 0, sizeof(s)); \
		(s).size = sizeof(s);       \
	} while (0)

/* ------------------------------------------------------------------ */
/* Memory and small wrappers                                          */
/* ------------------------------------------------------------------ */

/*
 * A buffer of len bytes at the next fixed slot, filled with a pattern
 * that depends on the slot, then given protection prot.
 */
static unsigned char *buf_map(size_t len, int prot)
{
	int n = nslots++;
	unsigned char *p;
	size_t i;

	p = mmap((void *)SLOT(n), len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)SLOT(n)) {
		perror("mmap at a fixed address");
		exit(2);
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + n * 13 + 1);
	if (prot != (PROT_READ | PROT_WRITE))
		mprotect(p, len, prot);
	return p;
}

static unsigned long va(const void *p)
{
	return (unsigned long)p;
}

static void open_iommu(void)
{
	ifd = open("/dev/iommu", O_RDWR);
	if (ifd < 0) {
		perror("/dev/iommu");
		exit(2);
	}
}

static __u32 ioas_alloc(void)
{
	struct iommu_ioas_alloc c;

	INIT(c);
	if (ioctl(ifd, IOMMU_IOAS_ALLOC, &c))
		return 0;
	return c.out_ioas_id;
}

static int destroy(__u32 id)
{
	struct iommu_destroy c = {.size = sizeof(c), .id = id};

	return ioctl(ifd, IOMMU_DESTROY, &c);
}

static struct iommu_ioas_map mapc(__u32 ioas, __u32 flags, unsigned long uva,
				  __u64 len, __u64 iova)
{
	struct iommu_ioas_map c;

	INIT(c);
	c.flags = flags;
	c.ioas_id = ioas;
	c.user_va = uva;
	c.length = len;
	c.iova = iova;
	return c;
}

#define RW  (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIX (IOMMU_IOAS_MAP_FIXED_IOVA)

/* IOAS_MAP, printing the IOVA used */
static void map(const char *label, __u32 ioas, __u32 flags, unsigned long uva,
		__u64 len, __u64 iova)
{
	struct iommu_ioas_map c = mapc(ioas, flags, uva, len, iova);

	CALLF(label, ioctl(ifd, IOMMU_IOAS_MAP, &c), "iova=0x%llx",
	      (unsigned long long)c.iova);
}

static void unmap(const char *label, __u32 ioas, __u64 iova, __u64 len)
{
	struct iommu_ioas_unmap c;

	INIT(c);
	c.ioas_id = ioas;
	c.iova = iova;
	c.length = len;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_UNMAP, &c), "length=0x%llx",
	      (unsigned long long)c.length);
}

static void unmap_all(const char *label, __u32 ioas)
{
	unmap(label, ioas, 0, U64_MAX);
}

static struct iommu_test_cmd tcmd(__u32 op, __u32 id)
{
	struct iommu_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.id = id;
	return c;
}

struct mockdev {
	__u32 stdev, hwpt, idev;
};

/* IOMMU_TEST_OP_MOCK_DOMAIN(_FLAGS) on pt, printing the new ids */
static struct mockdev mock_domain(const char *label, __u32 pt, __u32 dev_flags)
{
	struct iommu_test_cmd c =
		tcmd(dev_flags == 0 ? IOMMU_TEST_OP_MOCK_DOMAIN
				    : IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		     pt);
	struct mockdev d;

	c.mock_domain_flags.dev_flags = dev_flags;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "stdev=%u hwpt=%u idev=%u",
	      c.mock_domain.out_stdev_id, c.mock_domain.out_hwpt_id,
	      c.mock_domain.out_idev_id);
	d.stdev = c.mock_domain.out_stdev_id;
	d.hwpt = c.mock_domain.out_hwpt_id;
	d.idev = c.mock_domain.out_idev_id;
	return d;
}

static void iova_ranges(const char *label, __u32 ioas, __u32 num)
{
	struct iommu_iova_range r[8];
	struct iommu_ioas_iova_ranges c;
	char line[512] = "";
	size_t n = 0;
	__u32 i;

	memset(r, 0xab, sizeof(r));
	INIT(c);
	c.ioas_id = ioas;
	c.num_iovas = num;
	c.allowed_iovas = va(r);
	CALLF(label, ioctl(ifd, IOMMU_IOAS_IOVA_RANGES, &c),
	      "num=%u align=0x%llx", c.num_iovas,
	      (unsigned long long)c.out_iova_alignment);
	for (i = 0; i < num && i < c.num_iovas && i < 8; i++)
		n += snprintf(line + n, sizeof(line) - n, " [0x%llx,0x%llx]",
			      (unsigned long long)r[i].start,
			      (unsigned long long)r[i].last);
	if (n)
		NOTE("%s.ranges%s", label, line);
}

static void allow_iovas(const char *label, __u32 ioas,
			const struct iommu_iova_range *r, __u32 num)
{
	struct iommu_ioas_allow_iovas c;

	INIT(c);
	c.ioas_id = ioas;
	c.num_iovas = num;
	c.allowed_iovas = va(r);
	CALL(label, ioctl(ifd, IOMMU_IOAS_ALLOW_IOVAS, &c));
}

static void add_reserved(const char *label, __u32 ioas, __u64 start, __u64 len)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_ADD_RESERVED, ioas);

	c.add_reserved.start = start;
	c.add_reserved.length = len;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

/* ------------------------------------------------------------------ */
/* a) dispatch                                                        */
/* ------------------------------------------------------------------ */

struct cmdinfo {
	unsigned int nr;
	size_t size;
};

static const struct cmdinfo cmds[] = {
	{0x80, sizeof(struct iommu_destroy)},
	{0x81, sizeof(struct iommu_ioas_alloc)},
	{0x82, sizeof(struct iommu_ioas_allow_iovas)},
	{0x83, sizeof(struct iommu_ioas_copy)},
	{0x84, sizeof(struct iommu_ioas_iova_ranges)},
	{0x85, sizeof(struct iommu_ioas_map)},
	{0x86, sizeof(struct iommu_ioas_unmap)},
	{0x87, sizeof(struct iommu_option)},
	{0x88, sizeof(struct iommu_vfio_ioas)},
	{0x89, sizeof(struct iommu_hwpt_alloc)},
	{0x8a, sizeof(struct iommu_hw_info)},
	{0x8b, sizeof(struct iommu_hwpt_set_dirty_tracking)},
	{0x8c, sizeof(struct iommu_hwpt_get_dirty_bitmap)},
	{0x8d, sizeof(struct iommu_hwpt_invalidate)},
	{0x8e, sizeof(struct iommu_fault_alloc)},
	{0x8f, sizeof(struct iommu_ioas_map_file)},
	{0x90, sizeof(struct iommu_viommu_alloc)},
	{0x91, sizeof(struct iommu_vdevice_alloc)},
	{0x92, sizeof(struct iommu_ioas_change_process)},
	{0x93, sizeof(struct iommu_veventq_alloc)},
	{0x94, sizeof(struct iommu_hw_queue_alloc)},
	{0xa0, sizeof(struct iommu_test_cmd)},
};

/* zero the buffer and give it the size; IOMMU_OPTION only reads */
static void argbuf_prep(unsigned char *b, unsigned int nr, __u32 size)
{
	memset(b, 0, 0x10000);
	memcpy(b, &size, sizeof(size));
	if (nr == 0x87) {
		struct iommu_option *o = (void *)b;

		o->op = IOMMU_OPTION_OP_GET;
	}
}

static void section_dispatch(void)
{
	unsigned char *b = buf_map(0x10000, PROT_READ | PROT_WRITE);
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		unsigned int nr = cmds[i].nr;
		unsigned long cmd = _IO(IOMMUFD_TYPE, nr);
		__u32 sz = cmds[i].size;

		CALL(L("cmd%02x.null", nr), ioctl(ifd, cmd, NULL));
		argbuf_prep(b, nr, 0);
		CALL(L("cmd%02x.size0", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, 4);
		CALL(L("cmd%02x.size4", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, sz - 1);
		CALL(L("cmd%02x.sizeof-1", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, 4096);
		CALL(L("cmd%02x.size4096-zero-tail", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, 0x10000);
		CALL(L("cmd%02x.size64k-zero-tail", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, 0x20000);
		CALL(L("cmd%02x.size128k-past-buffer", nr), ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, sz + 8);
		b[sz + 5] = 1;
		CALL(L("cmd%02x.sizeof+8-nonzero-tail", nr),
		     ioctl(ifd, cmd, b));
		argbuf_prep(b, nr, sz + 8);
		b[sz] = 1;
		b[sz + 5] = 0;
		CALL(L("cmd%02x.sizeof+8-first-tail-byte", nr),
		     ioctl(ifd, cmd, b));
	}

	argbuf_prep(b, 0, 64);
	CALL("io-3b-95", ioctl(ifd, _IO(';', 0x95), b));
	CALL("io-3b-7f", ioctl(ifd, _IO(';', 0x7f), b));
	CALL("io-3b-9f", ioctl(ifd, _IO(';', 0x9f), b));
	CALL("io-3b-a1", ioctl(ifd, _IO(';', 0xa1), b));
	CALL("io-3b-ff", ioctl(ifd, _IO(';', 0xff), b));
	argbuf_prep(b, 0, sizeof(struct iommu_ioas_alloc));
	CALL("ior-ioas-alloc",
	     ioctl(ifd, _IOR(';', 0x81, struct iommu_ioas_alloc), b));
	CALL("iow-ioas-alloc",
	     ioctl(ifd, _IOW(';', 0x81, struct iommu_ioas_alloc), b));
	CALL("iowr-ioas-alloc",
	     ioctl(ifd, _IOWR(';', 0x81, struct iommu_ioas_alloc), b));
	CALL("ior-size4-ioas-alloc", ioctl(ifd, _IOR(';', 0x81, __u32), b));
	CALL("io-type-x-81", ioctl(ifd, _IO('x', 0x81), b));
	CALL("ior-vfio-api-version", ioctl(ifd, _IOR(';', 100, int), b));
	CALL("ior-test-cmd",
	     ioctl(ifd, _IOR(';', 0xa0, struct iommu_test_cmd), b));
	CALL("fionread", ioctl(ifd, FIONREAD, b));
	/* what the successful zero-tail allocations left behind */
	NOTE("ioas-alloc-after id=%u", ioas_alloc());
}

/* ------------------------------------------------------------------ */
/* b) IOAS alloc/destroy and IOAS_MAP / IOAS_MAP_FILE                 */
/* ------------------------------------------------------------------ */

static void map_file(const char *label, __u32 ioas, __u32 flags, int fd,
		     __u64 start, __u64 len, __u64 iova)
{
	struct iommu_ioas_map_file c;

	INIT(c);
	c.flags = flags;
	c.ioas_id = ioas;
	c.fd = fd;
	c.start = start;
	c.length = len;
	c.iova = iova;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_MAP_FILE, &c), "iova=0x%llx",
	      (unsigned long long)c.iova);
}

static void map_file_cases(const char *pfx, __u32 ioas, __u64 iova)
{
	int mfd = memfd_create("errno_matrix", 0);
	int pfd[2];
	int tfd;

	ftruncate(mfd, 4 * PAGE);
	map_file(L("%s.memfd", pfx), ioas, RW, mfd, 0, 4 * PAGE, 0);
	map_file(L("%s.memfd-fixed", pfx), ioas, RW | FIX, mfd, PAGE, PAGE,
		 iova);
	map_file(L("%s.memfd-beyond-size", pfx), ioas, RW, mfd, 0, 5 * PAGE, 0);
	map_file(L("%s.memfd-start-beyond", pfx), ioas, RW, mfd, 8 * PAGE, PAGE,
		 0);
	map_file(L("%s.memfd-unaligned-start", pfx), ioas, RW, mfd, 0x100, PAGE,
		 0);
	map_file(L("%s.memfd-len0", pfx), ioas, RW, mfd, 0, 0, 0);
	map_file(L("%s.memfd-bad-flags", pfx), ioas, RW | (1 << 8), mfd, 0,
		 PAGE, 0);
	map_file(L("%s.memfd-start-wrap", pfx), ioas, RW, mfd, U64_MAX - 0xfff,
		 2 * PAGE, 0);
	ftruncate(mfd, 3 * PAGE + 0x800);
	map_file(L("%s.memfd-partial-last-page", pfx), ioas, RW, mfd, 0,
		 4 * PAGE, 0);
	map_file(L("%s.memfd-partial-len", pfx), ioas, RW, mfd, 0,
		 3 * PAGE + 0x800, 0);
	close(mfd);

	unlink("/tmp/errno_matrix.file");
	tfd = open("/tmp/errno_matrix.file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(tfd, 4 * PAGE);
	map_file(L("%s.tmpfile", pfx), ioas, RW, tfd, 0, 2 * PAGE, 0);
	close(tfd);
	tfd = open("/tmp/errno_matrix.file", O_RDONLY);
	map_file(L("%s.tmpfile-rdonly-writeable", pfx), ioas, RW, tfd, 0, PAGE,
		 0);
	map_file(L("%s.tmpfile-rdonly-readable", pfx), ioas,
		 IOMMU_IOAS_MAP_READABLE, tfd, 0, PAGE, 0);
	close(tfd);
	unlink("/tmp/errno_matrix.file");

	pipe(pfd);
	map_file(L("%s.pipe", pfx), ioas, RW, pfd[0], 0, PAGE, 0);
	close(pfd[0]);
	close(pfd[1]);
	map_file(L("%s.fd-1", pfx), ioas, RW, -1, 0, PAGE, 0);
	map_file(L("%s.fd-iommufd", pfx), ioas, RW, ifd, 0, PAGE, 0);
	unmap_all(L("%s.unmap-all", pfx), ioas);
}

static void section_ioas_map(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	unsigned char *ro = buf_map(4 * PAGE, PROT_READ);
	unsigned char *none = buf_map(4 * PAGE, PROT_NONE);
	struct iommu_ioas_alloc ac;
	struct iommu_ioas_map m;
	struct mockdev d;
	__u32 a, b, c, off;
	int i;

	/* allocation, destruction and id reuse */
	INIT(ac);
	CALLF("alloc", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	a = ac.out_ioas_id;
	INIT(ac);
	ac.flags = 1;
	CALLF("alloc-flags1", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	b = ioas_alloc();
	c = ioas_alloc();
	NOTE("ids %u %u", b, c);
	CALL("destroy-b", destroy(b));
	CALL("destroy-b-again", destroy(b));
	CALL("destroy-0", destroy(0));
	CALL("destroy-huge", destroy(0xffffffff));
	INIT(ac);
	CALLF("alloc-reuse", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	b = ac.out_ioas_id;
	CALL("destroy-c", destroy(c));

	/* flags */
	for (i = -1; i < 8; i++) {
		__u32 f = i < 0 ? 0 : 1u << i;

		map(L("map.flag-0x%x", f), a, f, va(rw), PAGE, 0x100000);
		unmap_all(L("map.flag-0x%x.unmap", f), a);
	}
	map("map.flag-rw-fixed", a, RW | FIX, va(rw), PAGE, 0x100000);
	map("map.flag-1<<31", a, RW | (1u << 31), va(rw), PAGE, 0);
	m = mapc(a, RW, va(rw), PAGE, 0);
	m.__reserved = 1;
	CALL("map.reserved1", ioctl(ifd, IOMMU_IOAS_MAP, &m));
	map("map.bad-ioas", 999, RW, va(rw), PAGE, 0);
	map("map.ioas-is-0", 0, RW, va(rw), PAGE, 0);
	unmap_all("map.flags.unmap", a);

	/* lengths and wrap-around */
	map("map.len0", a, RW, va(rw), 0, 0);
	map("map.len1", a, RW, va(rw), 1, 0);
	map("map.len-ulong-max", a, RW, va(rw), U64_MAX, 0);
	map("map.len-ulong-max-page", a, RW, va(rw), U64_MAX - 0xfff, 0);
	map("map.fixed-iova-ulong-max", a, RW | FIX, va(rw), PAGE, U64_MAX);
	map("map.fixed-iova-last-page", a, RW | FIX, va(rw), PAGE,
	    U64_MAX - 0xfff);
	map("map.fixed-iova-wraps", a, RW | FIX, va(rw), 2 * PAGE,
	    U64_MAX - 0xfff);
	map("map.uva-wraps", a, RW, U64_MAX - 0xfff, 2 * PAGE, 0);
	map("map.uva-kernel", a, RW, 0xffff800000000000UL, PAGE, 0);
	map("map.uva-0", a, RW, 0, PAGE, 0);
	map("map.auto-len-2^63", a, RW, va(rw), 1ULL << 63, 0);
	unmap_all("map.len.unmap", a);

	/* unaligned user addresses */
	for (off = 1; off < PAGE; off = off * 16) {
		map(L("map.off-0x%x-auto", off), a, RW, va(rw) + off, PAGE, 0);
		map(L("map.off-0x%x-auto-again", off), a, RW, va(rw) + off,
		    0x10, 0);
		map(L("map.off-0x%x-fixed-same-off", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x200000 + off);
		map(L("map.off-0x%x-fixed-page", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x300000);
		map(L("map.off-0x%x-fixed-other-off", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x400000 + ((off + 8) & 0xfff));
		unmap_all(L("map.off-0x%x.unmap", off), a);
	}
	map("map.auto-2pages", a, RW, va(rw), 2 * PAGE, 0);
	map("map.auto-3pages", a, RW, va(rw) + PAGE, 3 * PAGE, 0);
	map("map.auto-64k", a, RW, va(rw), 16 * PAGE, 0);
	map("map.auto-64k-off", a, RW, va(rw) + 0x800, 8 * PAGE, 0);
	unmap_all("map.auto.unmap", a);

	/* overlaps */
	map("map.ovl.first", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	map("map.ovl.same", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	map("map.ovl.tail", a, RW | FIX, va(rw), 2 * PAGE, 0x101000);
	map("map.ovl.head", a, RW | FIX, va(rw), 2 * PAGE, 0x0ff000);
	map("map.ovl.inside-byte", a, RW | FIX, va(rw) + 0x10, 0x10, 0x100010);
	map("map.ovl.adjacent-after", a, RW | FIX, va(rw), 2 * PAGE, 0x102000);
	map("map.ovl.adjacent-before", a, RW | FIX, va(rw), PAGE, 0x0ff000);
	map("map.ovl.auto-after", a, RW, va(rw), PAGE, 0);
	unmap_all("map.ovl.unmap", a);

	/* memory that is not there, without a domain */
	map("map.nomem", a, RW, NOMEM_VA, 4 * PAGE, 0);
	map("map.ro-writeable", a, RW, va(ro), PAGE, 0);
	map("map.ro-readable", a, IOMMU_IOAS_MAP_READABLE, va(ro), PAGE, 0);
	map("map.prot-none", a, RW, va(none), PAGE, 0);
	iova_ranges("map.ranges-before-domain", a, 4);
	unmap_all("map.nomem.unmap", a);
	/* a domain comes to an IOAS that maps memory that is not there */
	map("map.nomem-fixed", a, RW | FIX, NOMEM_VA, 4 * PAGE,
	    APERTURE + 0x800000);
	d = mock_domain("map.mock-domain-with-nomem", a, 0);
	CALL("map.mock-domain-with-nomem.destroy", destroy(d.stdev));
	unmap_all("map.nomem-fixed.unmap", a);
	map("map.ro-fixed", a, RW | FIX, va(ro), PAGE, APERTURE);
	d = mock_domain("map.mock-domain-with-ro", a, 0);
	CALL("map.mock-domain-with-ro.destroy", destroy(d.stdev));
	unmap_all("map.ro-fixed.unmap", a);
	map("map.outside-aperture", a, RW | FIX, va(rw), PAGE, 0x1000);
	d = mock_domain("map.mock-domain-outside-aperture", a, 0);
	CALL("map.mock-domain-outside-aperture.destroy", destroy(d.stdev));
	unmap_all("map.outside.unmap", a);

	/* with a domain */
	d = mock_domain("map.mock-domain", a, 0);
	map("map.dom.rw", a, RW, va(rw), 2 * PAGE, 0);
	map("map.dom.fixed", a, RW | FIX, va(rw), PAGE, APERTURE + 0x100000);
	map("map.dom.below-aperture", a, RW | FIX, va(rw), PAGE,
	    APERTURE - PAGE);
	map("map.dom.above-aperture", a, RW | FIX, va(rw), PAGE,
	    (__u64)MOCK_APERTURE_LAST + 1);
	map("map.dom.straddle-aperture-end", a, RW | FIX, va(rw), 2 * PAGE,
	    (__u64)MOCK_APERTURE_LAST + 1 - PAGE);
	map("map.dom.nomem", a, RW, NOMEM_VA, PAGE, 0);
	map("map.dom.nomem-partial", a, RW, va(rw) + 15 * PAGE, 2 * PAGE, 0);
	map("map.dom.ro-writeable", a, RW, va(ro), PAGE, 0);
	map("map.dom.ro-readable", a, IOMMU_IOAS_MAP_READABLE, va(ro), PAGE, 0);
	map("map.dom.ro-flags0", a, 0, va(ro), PAGE, 0);
	map("map.dom.prot-none", a, IOMMU_IOAS_MAP_READABLE, va(none), PAGE, 0);
	map("map.dom.unaligned", a, RW, va(rw) + 0x800, PAGE, 0);
	map("map.dom.unaligned-2k-fixed", a, RW | FIX, va(rw) + 0x800, PAGE,
	    APERTURE + 0x200800);
	map("map.dom.unaligned-odd", a, RW, va(rw) + 0x123, 0x10, 0);
	map("map.dom.len-1g", a, RW, va(rw), 1UL << 30, 0);
	iova_ranges("map.dom.ranges", a, 4);
	unmap_all("map.dom.unmap", a);

	/* IOAS_MAP_FILE, without and with a domain */
	map_file_cases("file.nodom", b, 0x100000);
	map_file_cases("file.dom", a, APERTURE + 0x100000);
	CALL("map.destroy-stdev", destroy(d.stdev));
	map("map.after-detach-low", a, RW | FIX, va(rw), PAGE, 0x1000);
	CALL("map.destroy-ioas-with-areas", destroy(a));
}

/* ------------------------------------------------------------------ */
/* c) UNMAP, COPY, IOVA_RANGES, ALLOW_IOVAS, OPTION, VFIO_IOAS        */
/* ------------------------------------------------------------------ */

static void copy(const char *label, __u32 flags, __u32 dst, __u32 src,
		 __u64 len, __u64 dst_iova, __u64 src_iova)
{
	struct iommu_ioas_copy c;

	INIT(c);
	c.flags = flags;
	c.dst_ioas_id = dst;
	c.src_ioas_id = src;
	c.length = len;
	c.dst_iova = dst_iova;
	c.src_iova = src_iova;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_COPY, &c), "dst_iova=0x%llx",
	      (unsigned long long)c.dst_iova);
}

static void option(const char *label, __u32 id, __u16 op, __u32 obj, __u64 val,
		   __u16 rsv)
{
	struct iommu_option c;

	INIT(c);
	c.option_id = id;
	c.op = op;
	c.object_id = obj;
	c.val64 = val;
	c.__reserved = rsv;
	if (id == IOMMU_OPTION_RLIMIT_MODE && op == IOMMU_OPTION_OP_SET) {
		/* needs CAP_SYS_RESOURCE; 0 is the default, so no effect */
		c.val64 = 0;
		ioctl(ifd, IOMMU_OPTION, &c);
		NOTE("%s skipped-capability", label);
		return;
	}
	CALLF(label, ioctl(ifd, IOMMU_OPTION, &c), "val64=0x%llx",
	      (unsigned long long)c.val64);
}

static void vfio_ioas(const char *label, __u32 id, __u16 op, __u16 rsv)
{
	struct iommu_vfio_ioas c;

	INIT(c);
	c.ioas_id = id;
	c.op = op;
	c.__reserved = rsv;
	CALLF(label, ioctl(ifd, IOMMU_VFIO_IOAS, &c), "ioas_id=%u", c.ioas_id);
}

static void section_unmap_copy_ranges(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	struct iommu_iova_range r[4];
	struct iommu_ioas_unmap u;
	__u32 a = ioas_alloc(), b = ioas_alloc(), c = ioas_alloc();
	__u32 objs[] = {0, a, 999};
	unsigned int i, j, k;

	/* IOAS_UNMAP */
	map("unmap.setup", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	unmap("unmap.exact", a, 0x100000, 4 * PAGE);
	unmap("unmap.exact-again", a, 0x100000, 4 * PAGE);
	map("unmap.setup2", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	unmap("unmap.superset", a, 0x0ff000, 4 * PAGE);
	map("unmap.setup3", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	unmap("unmap.partial-head", a, 0x100000, PAGE);
	unmap("unmap.partial-tail", a, 0x103000, PAGE);
	unmap("unmap.partial-middle", a, 0x101000, PAGE);
	unmap("unmap.unaligned", a, 0x100010, 0x10);
	unmap("unmap.empty", a, 0x800000, PAGE);
	unmap("unmap.len0", a, 0x100000, 0);
	unmap("unmap.overflow", a, U64_MAX - 0xfff, 2 * PAGE);
	unmap("unmap.len-max-from-1", a, 1, U64_MAX);
	unmap("unmap.len-max-minus-1", a, 0, U64_MAX - 1);
	unmap("unmap.bad-ioas", 999, 0, U64_MAX);
	map("unmap.setup4", a, RW | FIX, va(rw), PAGE, 0x200000);
	map("unmap.setup5", a, RW | FIX, va(rw), PAGE, 0x201000);
	unmap("unmap.two-areas", a, 0x200000, 2 * PAGE);
	map("unmap.setup6", a, RW | FIX, va(rw), PAGE, 0x300000);
	unmap("unmap.area-plus-partial", a, 0x0ff000, 0x201800);
	unmap_all("unmap.all", a);
	unmap_all("unmap.all-empty", a);
	INIT(u);
	u.ioas_id = a;
	u.length = U64_MAX;
	u.size = 12;
	CALL("unmap.size12", ioctl(ifd, IOMMU_IOAS_UNMAP, &u));

	/* IOAS_COPY */
	map("copy.setup", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	map("copy.setup-adj1", a, RW | FIX, va(rw) + 4 * PAGE, 2 * PAGE,
	    0x200000);
	map("copy.setup-adj2", a, RW | FIX, va(rw) + 6 * PAGE, 2 * PAGE,
	    0x202000);
	map("copy.setup-ro", a, IOMMU_IOAS_MAP_READABLE | FIX, va(rw), PAGE,
	    0x300000);
	copy("copy.exact", RW | FIX, b, a, 4 * PAGE, 0x100000, 0x100000);
	copy("copy.exact-again", RW | FIX, b, a, 4 * PAGE, 0x100000, 0x100000);
	copy("copy.partial-auto", RW, b, a, 2 * PAGE, 0, 0x101000);
	copy("copy.unaligned-auto", RW, b, a, 0x10, 0, 0x101010);
	copy("copy.across-adjacent", RW, b, a, 2 * PAGE, 0, 0x201000);
	copy("copy.both-adjacent", RW, b, a, 4 * PAGE, 0, 0x200000);
	copy("copy.past-end", RW, b, a, 4 * PAGE, 0, 0x102000);
	copy("copy.unmapped", RW, b, a, PAGE, 0, 0x800000);
	copy("copy.ro-writeable", RW, b, a, PAGE, 0, 0x300000);
	copy("copy.ro-readable", IOMMU_IOAS_MAP_READABLE, b, a, PAGE, 0,
	     0x300000);
	copy("copy.same-ioas", RW, a, a, PAGE, 0, 0x100000);
	copy("copy.bad-src", RW, b, 999, PAGE, 0, 0x100000);
	copy("copy.bad-dst", RW, 999, a, PAGE, 0, 0x100000);
	copy("copy.flags-bad", RW | (1 << 5), b, a, PAGE, 0, 0x100000);
	copy("copy.flags-0", 0, b, a, PAGE, 0, 0x100000);
	copy("copy.len0", RW, b, a, 0, 0, 0x100000);
	copy("copy.overflow", RW, b, a, 2 * PAGE, 0, U64_MAX - 0xfff);
	copy("copy.dst-overflow", RW | FIX, b, a, 2 * PAGE, U64_MAX - 0xfff,
	     0x100000);
	unmap_all("copy.unmap-b", b);
	unmap_all("copy.unmap-a", a);

	/* IOAS_IOVA_RANGES */
	iova_ranges("ranges.num0", a, 0);
	iova_ranges("ranges.num1", a, 1);
	iova_ranges("ranges.bad-ioas", 999, 1);
	add_reserved("ranges.reserve", a, 0x10000, 0x10000);
	add_reserved("ranges.reserve2", a, 0x100000, 0x1000);
	add_reserved("ranges.reserve-len0", a, 0x200000, 0);
	add_reserved("ranges.reserve-wrap", a, U64_MAX - 0xfff, 0x2000);
	add_reserved("ranges.reserve-overlap", a, 0x18000, 0x10000);
	iova_ranges("ranges.reserved-num0", a, 0);
	iova_ranges("ranges.reserved-too-small", a, 2);
	iova_ranges("ranges.reserved-exact", a, 4);
	iova_ranges("ranges.reserved-more", a, 8);
	map("ranges.map-reserved", a, RW | FIX, va(rw), PAGE, 0x10000);
	map("ranges.map-auto-low", a, RW, va(rw), 0x10000, 0);
	unmap_all("ranges.unmap", a);
	mock_domain("ranges.mock-domain", c, 0);
	iova_ranges("ranges.domain", c, 4);
	add_reserved("ranges.domain-reserve", c, APERTURE, 0x1000);
	iova_ranges("ranges.domain-reserved", c, 4);
	{
		struct iommu_ioas_iova_ranges q;

		INIT(q);
		q.ioas_id = c;
		q.__reserved = 1;
		CALL("ranges.reserved-field",
		     ioctl(ifd, IOMMU_IOAS_IOVA_RANGES, &q));
	}

	/* IOAS_ALLOW_IOVAS */
	{
		__u32 d = ioas_alloc();

		r[0] = (struct iommu_iova_range){0x100000, 0x1fffff};
		r[1] = (struct iommu_iova_range){0x180000, 0x2fffff};
		allow_iovas("allow.overlap", d, r, 2);
		r[1] = (struct iommu_iova_range){0x200000, 0x2fffff};
		allow_iovas("allow.adjacent", d, r, 2);
		iova_ranges("allow.adjacent-ranges", d, 4);
		r[0] = (struct iommu_iova_range){0x200000, 0x200000};
		allow_iovas("allow.start-eq-last", d, r, 1);
		r[0] = (struct iommu_iova_range){0x200001, 0x200000};
		allow_iovas("allow.start-gt-last", d, r, 1);
		r[0] = (struct iommu_iova_range){0x200000, 0x2fffff};
		allow_iovas("allow.set", d, r, 1);
		iova_ranges("allow.set-ranges", d, 4);
		map("allow.map-auto", d, RW, va(rw), PAGE, 0);
		map("allow.map-outside", d, RW | FIX, va(rw), PAGE, 0x100000);
		r[0] = (struct iommu_iova_range){0x280000, 0x2fffff};
		allow_iovas("allow.exclude-mapping", d, r, 1);
		unmap_all("allow.unmap", d);
		allow_iovas("allow.bad-ioas", 999, r, 1);
		allow_iovas("allow.nomem", d, (void *)NOMEM_VA, 1);
		allow_iovas("allow.clear", d, NULL, 0);
		iova_ranges("allow.clear-ranges", d, 4);
		/* reserved first, then allowed over it */
		add_reserved("allow.reserve", d, 0x400000, 0x1000);
		r[0] = (struct iommu_iova_range){0x300000, 0x4fffff};
		allow_iovas("allow.over-reserved", d, r, 1);
		/* allowed first, then reserved inside */
		r[0] = (struct iommu_iova_range){0x600000, 0x6fffff};
		allow_iovas("allow.set2", d, r, 1);
		add_reserved("allow.reserve-in-allowed", d, 0x600000, 0x1000);
		add_reserved("allow.reserve-outside-allowed", d, 0x800000,
			     0x1000);
		/* mapped first, then reserved over it */
		map("allow.map-for-reserve", d, RW | FIX, va(rw), PAGE,
		    0x610000);
		add_reserved("allow.reserve-over-mapping", d, 0x610000, 0x1000);
		allow_iovas("allow.clear2", d, NULL, 0);
		iova_ranges("allow.final-ranges", d, 4);
	}

	/* IOMMU_OPTION: every option, op and object id */
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			for (k = 0; k < 3; k++)
				option(L("option.id%u.op%u.obj%u", i, j, k), i,
				       j, objs[k], 0, 0);
	option("option.rlimit-get-rsv", IOMMU_OPTION_RLIMIT_MODE,
	       IOMMU_OPTION_OP_GET, 0, 0, 1);
	option("option.huge-get-rsv", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 1);
	option("option.huge-set-2", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 2, 0);
	option("option.huge-get-after-set0", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 0);
	option("option.huge-set-1", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 1, 0);
	option("option.huge-get-after-set1", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 0);
	option("option.huge-set-0", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 0, 0);
	map("option.nohuge.map-off", a, RW, va(rw) + 0x10, 0x20, 0);
	map("option.nohuge.map-off-fixed", a, RW | FIX, va(rw) + 0x10, 0x20,
	    0x500010);
	map("option.nohuge.map-off-fixed-mismatch", a, RW | FIX, va(rw) + 0x10,
	    0x20, 0x600000);
	map("option.nohuge.map-2pages", a, RW, va(rw), 2 * PAGE, 0);
	iova_ranges("option.nohuge.ranges", a, 4);
	option("option.huge-set-1-while-mapped", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 1, 0);
	unmap_all("option.nohuge.unmap", a);
	option("option.huge-on-domain-ioas", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, c, 0, 0);

	/* IOMMU_VFIO_IOAS */
	vfio_ioas("vfio-ioas.get-none", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.set-bad", 999, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.set", a, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.get", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.set-b", b, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.get-b", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.bad-op", 0, 3, 0);
	vfio_ioas("vfio-ioas.reserved", 0, IOMMU_VFIO_IOAS_GET, 1);
	vfio_ioas("vfio-ioas.clear", 0, IOMMU_VFIO_IOAS_CLEAR, 0);
	vfio_ioas("vfio-ioas.get-after-clear", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.clear-again", 0, IOMMU_VFIO_IOAS_CLEAR, 0);
	vfio_ioas("vfio-ioas.set-a", a, IOMMU_VFIO_IOAS_SET, 0);
	CALL("vfio-ioas.destroy-compat", destroy(a));
	vfio_ioas("vfio-ioas.get-after-destroy", 0, IOMMU_VFIO_IOAS_GET, 0);
}

/* ------------------------------------------------------------------ */
/* d) the VFIO container ioctls on the iommufd                         */
/* ------------------------------------------------------------------ */

static void vfio_info(const char *label, __u32 argsz)
{
	__u32 buf[64];
	struct vfio_iommu_type1_info *info = (void *)buf;
	struct vfio_info_cap_header *h;
	__u32 off, n = 0;

	memset(buf, 0, sizeof(buf));
	info->argsz = argsz;
	CALLF(label, ioctl(ifd, VFIO_IOMMU_GET_INFO, info),
	      "argsz=%u flags=0x%x pgsizes=0x%llx cap_offset=%u", info->argsz,
	      info->flags, (unsigned long long)info->iova_pgsizes,
	      info->cap_offset);
	for (off = info->cap_offset;
	     off && off + 8 <= argsz && off + 8 <= sizeof(buf) && n < 8;
	     off = h->next, n++) {
		h = (void *)((char *)buf + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *ir =
				(void *)h;
			__u32 i;

			NOTE("%s.cap id=%u ver=%u nr_iovas=%u", label, h->id,
			     h->version, ir->nr_iovas);
			for (i = 0; i < ir->nr_iovas && i < 4; i++)
				NOTE("%s.cap.range [0x%llx,0x%llx]", label,
				     (unsigned long long)ir->iova_ranges[i]
					     .start,
				     (unsigned long long)ir->iova_ranges[i]
					     .end);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail *da = (void *)h;

			NOTE("%s.cap id=%u ver=%u avail=%u", label, h->id,
			     h->version, da->avail);
		} else {
			NOTE("%s.cap id=%u ver=%u", label, h->id, h->version);
		}
	}
}

static void dma_map(const char *label, __u32 flags, unsigned long uva,
		    __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = flags,
		.vaddr = uva,
		.iova = iova,
		.size = size,
	};

	CALL(label, ioctl(ifd, VFIO_IOMMU_MAP_DMA, &m));
}

static void dma_unmap(const char *label, __u32 flags, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.flags = flags,
		.iova = iova,
		.size = size,
	};

	CALLF(label, ioctl(ifd, VFIO_IOMMU_UNMAP_DMA, &u), "size=0x%llx",
	      (unsigned long long)u.size);
}

#define DMA_RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

static void vfio_maps(const char *pfx, unsigned char *rw)
{
	dma_map(L("%s.map", pfx), DMA_RW, va(rw), APERTURE, 4 * PAGE);
	dma_map(L("%s.map-overlap", pfx), DMA_RW, va(rw), APERTURE + PAGE,
		PAGE);
	dma_map(L("%s.map-flags0", pfx), 0, va(rw), APERTURE + 0x100000, PAGE);
	dma_map(L("%s.map-bad-flags", pfx), DMA_RW | (1 << 7), va(rw),
		APERTURE + 0x100000, PAGE);
	dma_map(L("%s.map-unaligned", pfx), DMA_RW, va(rw) + 0x800,
		APERTURE + 0x100800, PAGE);
	dma_map(L("%s.map-outside", pfx), DMA_RW, va(rw), 0x1000, PAGE);
	dma_map(L("%s.map-nomem", pfx), DMA_RW, NOMEM_VA, APERTURE + 0x200000,
		PAGE);
	dma_map(L("%s.map-size0", pfx), DMA_RW, va(rw), APERTURE + 0x200000, 0);
	dma_unmap(L("%s.unmap-middle", pfx), 0, APERTURE + PAGE, PAGE);
	dma_unmap(L("%s.unmap-head", pfx), 0, APERTURE, PAGE);
	dma_unmap(L("%s.unmap-superset", pfx), 0, APERTURE, 4 * PAGE);
	dma_unmap(L("%s.unmap-none", pfx), 0, APERTURE + 0x400000, PAGE);
	dma_unmap(L("%s.unmap-size0", pfx), 0, APERTURE, 0);
	dma_unmap(L("%s.unmap-bad-flags", pfx), 1 << 7, APERTURE, PAGE);
	dma_unmap(L("%s.unmap-dirty-flag", pfx),
		  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, APERTURE, PAGE);
	dma_map(L("%s.map2", pfx), DMA_RW, va(rw), APERTURE + 0x10000,
		2 * PAGE);
	dma_map(L("%s.map3", pfx), DMA_RW, va(rw), APERTURE + 0x20000,
		2 * PAGE);
	dma_unmap(L("%s.unmap-all-nonzero", pfx), VFIO_DMA_UNMAP_FLAG_ALL,
		  APERTURE, PAGE);
	dma_unmap(L("%s.unmap-all-vaddr", pfx),
		  VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR, 0, 0);
	dma_unmap(L("%s.unmap-all", pfx), VFIO_DMA_UNMAP_FLAG_ALL, 0, 0);
	dma_unmap(L("%s.unmap-all-again", pfx), VFIO_DMA_UNMAP_FLAG_ALL, 0, 0);
}

static void section_vfio(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	static const __u32 argszs[] = {1, 16, 24, 64, 256};
	__u32 a, i;

	CALL("api-version", ioctl(ifd, VFIO_GET_API_VERSION));
	for (i = 0; i <= 10; i++)
		CALL(L("check-extension-%u", i),
		     ioctl(ifd, VFIO_CHECK_EXTENSION, i));
	vfio_info("info-before", 256);
	dma_map("map-before", DMA_RW, va(rw), APERTURE, PAGE);
	CALL("set-iommu-before",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	vfio_ioas("get-compat-after-set-before", 0, IOMMU_VFIO_IOAS_GET, 0);
	close(ifd);

	open_iommu();
	a = ioas_alloc();
	vfio_ioas("ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	mock_domain("mock-domain", a, 0);
	CALL("set-iommu-bad-type", ioctl(ifd, VFIO_SET_IOMMU, 99));
	CALL("set-iommu-v2", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-iommu-v2-again",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-iommu-v1-after-v2",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	for (i = 0; i < sizeof(argszs) / sizeof(argszs[0]); i++)
		vfio_info(L("info-argsz-%u", argszs[i]), argszs[i]);
	vfio_maps("v2", rw);
	close(ifd);

	/* type1 (v1): unmap may split mappings */
	open_iommu();
	a = ioas_alloc();
	vfio_ioas("v1.ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	mock_domain("v1.mock-domain", a, 0);
	CALL("v1.set-iommu", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	vfio_info("v1.info", 256);
	option("v1.huge-get", IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, a,
	       0, 0);
	vfio_maps("v1", rw);
	close(ifd);

	/* SET_IOMMU with an IOAS but without any domain */
	open_iommu();
	a = ioas_alloc();
	vfio_ioas("nodom.ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	CALL("nodom.set-iommu", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	vfio_info("nodom.info", 256);
	dma_map("nodom.map", DMA_RW, va(rw), 0x100000, PAGE);
	dma_unmap("nodom.unmap", 0, 0x100000, PAGE);
	CALL("nodom.check-extension-v2",
	     ioctl(ifd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
}

/* ------------------------------------------------------------------ */
/* e) mock devices, HWPTs, hardware info, dirty tracking              */
/* ------------------------------------------------------------------ */

static __u32 hwpt_alloc(const char *label, __u32 flags, __u32 dev, __u32 pt,
			__u32 data_type, const void *data, __u32 data_len)
{
	struct iommu_hwpt_alloc c;

	INIT(c);
	c.flags = flags;
	c.dev_id = dev;
	c.pt_id = pt;
	c.data_type = data_type;
	c.data_len = data_len;
	c.data_uptr = va(data);
	CALLF(label, ioctl(ifd, IOMMU_HWPT_ALLOC, &c), "hwpt=%u",
	      c.out_hwpt_id);
	return c.out_hwpt_id;
}

static void replace(const char *label, __u32 stdev, __u32 pt)
{
	struct iommu_test_cmd c =
		tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, stdev);

	c.mock_domain_replace.pt_id = pt;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "pt_id=%u",
	      c.mock_domain_replace.pt_id);
}

static void hw_info(const char *label, __u32 dev, __u32 flags, __u32 type,
		    __u32 len)
{
	__u32 data[16];
	struct iommu_hw_info c;
	unsigned int i, nz = 0, zero = 0;

	memset(data, 0xcc, sizeof(data));
	INIT(c);
	c.flags = flags;
	c.dev_id = dev;
	c.data_len = len;
	c.data_uptr = va(data);
	c.in_data_type = type;
	CALLF(label, ioctl(ifd, IOMMU_GET_HW_INFO, &c),
	      "type=0x%x data_len=%u caps=0x%llx max_pasid_log2=%u "
	      "d0=0x%x d1=0x%x",
	      c.out_data_type, c.data_len,
	      (unsigned long long)c.out_capabilities, c.out_max_pasid_log2,
	      data[0], data[1]);
	for (i = 2; i < 16; i++)
		nz += data[i] != 0xcccccccc;
	for (i = 2; i < 16; i++)
		zero += data[i] == 0;
	NOTE("%s.words-2-15 written=%u zero=%u", label, nz, zero);
}

static void dirty_tracking(const char *label, __u32 hwpt, __u32 flags)
{
	struct iommu_hwpt_set_dirty_tracking c;

	INIT(c);
	c.flags = flags;
	c.hwpt_id = hwpt;
	CALL(label, ioctl(ifd, IOMMU_HWPT_SET_DIRTY_TRACKING, &c));
}

static void get_bitmap(const char *label, __u32 hwpt, __u32 flags, __u64 iova,
		       __u64 len, __u64 pgsz)
{
	__u64 bm[4];
	struct iommu_hwpt_get_dirty_bitmap c;

	memset(bm, 0, sizeof(bm));
	INIT(c);
	c.hwpt_id = hwpt;
	c.flags = flags;
	c.iova = iova;
	c.length = len;
	c.page_size = pgsz;
	c.data = va(bm);
	CALLF(label, ioctl(ifd, IOMMU_HWPT_GET_DIRTY_BITMAP, &c),
	      "bm=%016llx,%016llx,%016llx,%016llx", (unsigned long long)bm[0],
	      (unsigned long long)bm[1], (unsigned long long)bm[2],
	      (unsigned long long)bm[3]);
}

static void mark_dirty(const char *label, __u32 hwpt, __u64 iova, __u64 len,
		       __u64 pgsz, __u64 bits)
{
	__u64 bm[4] = {bits, 0, 0, 0};
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_DIRTY, hwpt);

	c.dirty.iova = iova;
	c.dirty.length = len;
	c.dirty.page_size = pgsz;
	c.dirty.uptr = va(bm);
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "nr_dirty=%llu",
	      (unsigned long long)c.dirty.out_nr_dirty);
}

/* objects in use cannot go; the selftest device object takes them along */
static void section_destroy_order(void)
{
	struct iommu_hwpt_selftest sd = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	__u32 x = ioas_alloc(), u, np, nest;
	struct mockdev d, d2;

	d = mock_domain("destroy.dev", x, 0);
	u = hwpt_alloc("destroy.user-hwpt", 0, d.idev, x, 0, NULL, 0);
	np = hwpt_alloc("destroy.np", IOMMU_HWPT_ALLOC_NEST_PARENT, d.idev, x,
			0, NULL, 0);
	nest = hwpt_alloc("destroy.nested", 0, d.idev, np,
			  IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	d2 = mock_domain("destroy.dev2", u, 0);
	CALL("destroy.ioas-in-use", destroy(x));
	CALL("destroy.auto-hwpt-attached", destroy(d.hwpt));
	CALL("destroy.user-hwpt-attached", destroy(u));
	CALL("destroy.np-with-nested", destroy(np));
	CALL("destroy.idev", destroy(d.idev));
	CALL("destroy.nested", destroy(nest));
	CALL("destroy.np", destroy(np));
	CALL("destroy.ioas-still-in-use", destroy(x));
	CALL("destroy.stdev", destroy(d.stdev));
	CALL("destroy.auto-hwpt-after", destroy(d.hwpt));
	CALL("destroy.idev-after", destroy(d.idev));
	CALL("destroy.ioas-with-user-hwpt", destroy(x));
	CALL("destroy.stdev2", destroy(d2.stdev));
	CALL("destroy.user-hwpt", destroy(u));
	CALL("destroy.ioas", destroy(x));
	CALL("destroy.ioas-again", destroy(x));
	NOTE("destroy.next-id %u", ioas_alloc());
}

static void section_mock(void)
{
	unsigned char *rw = buf_map(64 * PAGE, PROT_READ | PROT_WRITE);
	struct iommu_hwpt_selftest sd = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_alloc ha;
	struct mockdev d, nd, pd, d2;
	__u32 a = ioas_alloc(), b = ioas_alloc();
	__u32 u, np, nest, hwd;
	struct iommu_test_cmd c;

	/* devices */
	d = mock_domain("dev.on-ioas", a, 0);
	d2 = mock_domain("dev.on-hwpt", d.hwpt, 0);
	mock_domain("dev.on-bad-id", 999, 0);
	mock_domain("dev.on-stdev", d.stdev, 0);
	nd = mock_domain("dev.no-dirty", a, MOCK_FLAGS_DEVICE_NO_DIRTY);
	mock_domain("dev.bad-flag", a, 1 << 1);
	mock_domain("dev.bad-flag31", a, 1u << 31);
	pd = mock_domain("dev.pasid", b, MOCK_FLAGS_DEVICE_PASID);
	c = tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, a);
	c.size = offsetof(struct iommu_test_cmd, last);
	CALL("dev.cmd-size-short", ioctl(ifd, IOMMU_TEST_CMD, &c));
	c = tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, a);
	c.__reserved = 7;
	CALLF("dev.cmd-reserved", ioctl(ifd, IOMMU_TEST_CMD, &c), "stdev=%u",
	      c.mock_domain.out_stdev_id);
	CALL("dev.cmd-reserved.destroy", destroy(c.mock_domain.out_stdev_id));
	c = tcmd(99, a);
	CALL("dev.cmd-bad-op", ioctl(ifd, IOMMU_TEST_CMD, &c));

	/* replace */
	replace("replace.to-ioas-b", d2.stdev, b);
	replace("replace.to-hwpt", d2.stdev, d.hwpt);
	replace("replace.to-same", d2.stdev, d.hwpt);
	replace("replace.to-bad-id", d2.stdev, 999);
	replace("replace.to-stdev", d2.stdev, d.stdev);
	replace("replace.bad-stdev", 999, a);
	replace("replace.idev-as-stdev", d2.idev, a);

	/* HWPT_ALLOC */
	u = hwpt_alloc("hwpt.flags0", 0, d.idev, a, 0, NULL, 0);
	np = hwpt_alloc("hwpt.nest-parent", IOMMU_HWPT_ALLOC_NEST_PARENT,
			d.idev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dirty-on-no-dirty-dev",
		   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, nd.idev, a, 0, NULL, 0);
	hwd = hwpt_alloc("hwpt.dirty", IOMMU_HWPT_ALLOC_DIRTY_TRACKING, d.idev,
			 a, 0, NULL, 0);
	hwpt_alloc("hwpt.unknown-flag", 1u << 31, d.idev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.fault-id-valid-0", IOMMU_HWPT_FAULT_ID_VALID, d.idev,
		   a, 0, NULL, 0);
	hwpt_alloc("hwpt.pasid-flag", IOMMU_HWPT_ALLOC_PASID, d.idev, a, 0,
		   NULL, 0);
	hwpt_alloc("hwpt.pasid-flag-pasid-dev", IOMMU_HWPT_ALLOC_PASID, pd.idev,
		   b, 0, NULL, 0);
	hwpt_alloc("hwpt.bad-dev", 0, 999, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dev-is-ioas", 0, a, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dev-is-stdev", 0, d.stdev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.bad-pt", 0, d.idev, 999, 0, NULL, 0);
	hwpt_alloc("hwpt.pt-is-dev", 0, d.idev, d.idev, 0, NULL, 0);
	hwpt_alloc("hwpt.selftest-len0", 0, d.idev, a, IOMMU_HWPT_DATA_SELFTEST,
		   &sd, 0);
	hwpt_alloc("hwpt.none-len8", 0, d.idev, a, IOMMU_HWPT_DATA_NONE, &sd,
		   sizeof(sd));
	hwpt_alloc("hwpt.none-ptr-len0", 0, d.idev, a, IOMMU_HWPT_DATA_NONE,
		   &sd, 0);
	hwpt_alloc("hwpt.selftest-on-ioas", 0, d.idev, a,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	sd.pagetable_type = 7;
	hwpt_alloc("hwpt.selftest-bad-pt-type", 0, d.idev, a,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	sd.pagetable_type = 0;
	hwpt_alloc("hwpt.vtd-on-mock", 0, d.idev, a, IOMMU_HWPT_DATA_VTD_S1,
		   &sd, sizeof(sd));
	hwpt_alloc("hwpt.selftest-on-plain-hwpt", 0, d.idev, u,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	nest = hwpt_alloc("hwpt.nested", 0, d.idev, np,
			  IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	hwpt_alloc("hwpt.nested-none", 0, d.idev, np, IOMMU_HWPT_DATA_NONE,
		   NULL, 0);
	hwpt_alloc("hwpt.nested-flags-np", IOMMU_HWPT_ALLOC_NEST_PARENT, d.idev,
		   np, IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	hwpt_alloc("hwpt.nested-short-data", 0, d.idev, np,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, 4);
	hwpt_alloc("hwpt.nested-nomem-data", 0, d.idev, np,
		   IOMMU_HWPT_DATA_SELFTEST, (void *)NOMEM_VA, sizeof(sd));
	hwpt_alloc("hwpt.nested-on-nested", 0, d.idev, nest,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	INIT(ha);
	ha.dev_id = d.idev;
	ha.pt_id = a;
	ha.__reserved = 1;
	CALL("hwpt.reserved1", ioctl(ifd, IOMMU_HWPT_ALLOC, &ha));
	INIT(ha);
	ha.dev_id = d.idev;
	ha.pt_id = a;
	ha.__reserved2 = 1;
	CALLF("hwpt.reserved2", ioctl(ifd, IOMMU_HWPT_ALLOC, &ha), "hwpt=%u",
	      ha.out_hwpt_id);
	replace("hwpt.replace-to-user", d2.stdev, u);
	replace("hwpt.replace-to-nested", d2.stdev, nest);
	replace("hwpt.replace-to-np", d2.stdev, np);
	replace("hwpt.replace-nodirty-to-dirty", nd.stdev, hwd);

	/* GET_HW_INFO */
	hw_info("hwinfo.len0", d.idev, 0, 0, 0);
	hw_info("hwinfo.len4", d.idev, 0, 0, 4);
	hw_info("hwinfo.len8", d.idev, 0, 0, 8);
	hw_info("hwinfo.len64", d.idev, 0, 0, 64);
	hw_info("hwinfo.pasid-dev", pd.idev, 0, 0, 8);
	hw_info("hwinfo.no-dirty-dev", nd.idev, 0, 0, 8);
	hw_info("hwinfo.bad-dev", 999, 0, 0, 8);
	hw_info("hwinfo.dev-is-ioas", a, 0, 0, 8);
	hw_info("hwinfo.bad-flags", d.idev, 1 << 5, 0, 8);
	hw_info("hwinfo.input-selftest", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_SELFTEST, 8);
	hw_info("hwinfo.input-default", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_DEFAULT, 8);
	hw_info("hwinfo.input-vtd", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_INTEL_VTD, 8);
	hw_info("hwinfo.type-without-flag", d.idev, 0,
		IOMMU_HW_INFO_TYPE_INTEL_VTD, 8);

	/* dirty tracking: a device on a dirty-tracking HWPT with memory */
	replace("dirty.attach", d2.stdev, hwd);
	/*
	 * Without this, the kernel maps physically contiguous pages with
	 * larger leaves, and a dirty bit then covers several pages: the
	 * bitmap would depend on where the pages happen to be.
	 */
	option("dirty.huge-pages-off", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 0, 0);
	map("dirty.map", a, RW | FIX, va(rw), 32 * PAGE, APERTURE);
	dirty_tracking("dirty.set-bad-flags", hwd, 1 << 3);
	dirty_tracking("dirty.set-on-plain-hwpt", u, 1);
	dirty_tracking("dirty.set-on-ioas", a, 1);
	dirty_tracking("dirty.set-bad-id", 999, 1);
	get_bitmap("dirty.get-before-enable", hwd, 0, APERTURE, 32 * PAGE,
		   PAGE);
	dirty_tracking("dirty.enable", hwd, IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	dirty_tracking("dirty.enable-again", hwd,
		       IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	get_bitmap("dirty.get-clean", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	mark_dirty("dirty.mark", hwd, APERTURE, 32 * PAGE, PAGE,
		   0x80000000a0000005ULL);
	mark_dirty("dirty.mark-2k", hwd, APERTURE, 32 * PAGE, 2048, 0x30);
	get_bitmap("dirty.get-no-clear", hwd,
		   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, APERTURE, 32 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-8k", hwd, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		   APERTURE, 32 * PAGE, 2 * PAGE);
	get_bitmap("dirty.get-offset", hwd,
		   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, APERTURE + 2 * PAGE,
		   8 * PAGE, PAGE);
	get_bitmap("dirty.get", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	get_bitmap("dirty.get-after-clear", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	get_bitmap("dirty.get-bad-flags", hwd, 1 << 4, APERTURE, 32 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-pgsz0", hwd, 0, APERTURE, 32 * PAGE, 0);
	get_bitmap("dirty.get-pgsz-3k", hwd, 0, APERTURE, 32 * PAGE, 3072);
	get_bitmap("dirty.get-unaligned-iova", hwd, 0, APERTURE + 0x100, PAGE,
		   PAGE);
	get_bitmap("dirty.get-unaligned-len", hwd, 0, APERTURE, PAGE + 0x100,
		   PAGE);
	get_bitmap("dirty.get-len0", hwd, 0, APERTURE, 0, PAGE);
	get_bitmap("dirty.get-unmapped", hwd, 0, APERTURE + 0x1000000, 4 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-partly-mapped", hwd, 0, APERTURE + 30 * PAGE,
		   4 * PAGE, PAGE);
	get_bitmap("dirty.get-overflow", hwd, 0, U64_MAX - 0xfff, 2 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-on-plain-hwpt", u, 0, APERTURE, PAGE, PAGE);
	get_bitmap("dirty.get-on-ioas", a, 0, APERTURE, PAGE, PAGE);
	mark_dirty("dirty.mark-plain-hwpt", u, APERTURE, PAGE, PAGE, 1);
	dirty_tracking("dirty.disable", hwd, 0);
	get_bitmap("dirty.get-disabled", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	unmap_all("dirty.unmap", a);

	section_destroy_order();
}

/* ------------------------------------------------------------------ */
/* f) emulated accesses                                               */
/* ------------------------------------------------------------------ */

static int create_access(const char *label, __u32 ioas, __u32 flags)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_CREATE_ACCESS, ioas);

	c.create_access.flags = flags;
	c.create_access.out_access_fd = (__u32)-1;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
	return (int)c.create_access.out_access_fd;
}

static __u32 access_pages(const char *label, int afd, __u32 flags, __u64 iova,
			  __u64 len, unsigned long uptr)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_ACCESS_PAGES, afd);

	c.access_pages.flags = flags;
	c.access_pages.iova = iova;
	c.access_pages.length = len;
	c.access_pages.uptr = uptr;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "pages_id=%u",
	      c.access_pages.out_access_pages_id);
	return c.access_pages.out_access_pages_id;
}

static void destroy_pages(const char *label, int afd, __u32 id)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, afd);

	c.destroy_access_pages.access_pages_id = id;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

static void access_rw(const char *label, int afd, __u32 flags, __u64 iova,
		      __u64 len)
{
	unsigned char data[64];
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_ACCESS_RW, afd);
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(0xf0 ^ i);
	c.access_rw.iova = iova;
	c.access_rw.length = len;
	c.access_rw.uptr = va(data);
	c.access_rw.flags = flags;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c),
	      "data=%02x%02x%02x%02x..%02x%02x", data[0], data[1], data[2],
	      data[3], data[len > 1 && len <= 64 ? len - 2 : 0],
	      data[len >= 1 && len <= 64 ? len - 1 : 0]);
}

static void check_refs(const char *label, unsigned long uptr, __u64 len,
		       __u32 refs)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_MD_CHECK_REFS, 0);

	c.check_refs.uptr = uptr;
	c.check_refs.length = len;
	c.check_refs.refs = refs;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

static void check_map(const char *label, __u32 hwpt, __u64 iova, __u64 len,
		      unsigned long uptr)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_MD_CHECK_MAP, hwpt);

	c.check_map.iova = iova;
	c.check_map.length = len;
	c.check_map.uptr = uptr;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

static void section_access(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	unsigned char *rw2 = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	__u32 a = ioas_alloc(), b = ioas_alloc(), p1, p2, p3;
	struct iommu_test_cmd c;
	struct mockdev d;
	int f0, fp;

	/* create */
	f0 = create_access("create.flags0", a, 0);
	fp = create_access("create.needs-pin", a,
			   MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	create_access("create.bad-flags", a, 1 << 4);
	create_access("create.bad-ioas", 999, 0);
	create_access("create.ioas-0", 0, 0);

	map("setup.map", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	map("setup.map-adj", a, RW | FIX, va(rw2), 4 * PAGE, 0x104000);
	map("setup.map-ro", a, IOMMU_IOAS_MAP_READABLE | FIX, va(rw) + 8 * PAGE,
	    2 * PAGE, 0x200000);

	/* ACCESS_PAGES */
	check_refs("refs.before-pin", va(rw), 4 * PAGE, 0);
	access_pages("pages.no-pin-access", f0, 0, 0x100000, PAGE, va(rw));
	p1 = access_pages("pages.aligned", fp, 0, 0x100000, PAGE, va(rw));
	check_refs("refs.after-pin-1", va(rw), PAGE, 1);
	check_refs("refs.after-pin-0", va(rw), PAGE, 0);
	check_refs("refs.unpinned-page", va(rw) + PAGE, PAGE, 0);
	check_refs("refs.unaligned", va(rw) + 0x10, 0x10, 1);
	check_refs("refs.nomem", NOMEM_VA, PAGE, 0);
	p2 = access_pages("pages.unaligned", fp, 0, 0x101100, 0x100,
			  va(rw) + PAGE + 0x100);
	access_pages("pages.wrong-uptr", fp, 0, 0x101000, PAGE, va(rw));
	access_pages("pages.no-uptr", fp, 0, 0x101000, PAGE, 0);
	access_pages("pages.beyond-area", fp, 0, 0x103000, 4 * PAGE, 0);
	access_pages("pages.beyond-all", fp, 0, 0x107000, 2 * PAGE, 0);
	access_pages("pages.unmapped", fp, 0, 0x800000, PAGE, 0);
	access_pages("pages.len0", fp, 0, 0x100000, 0, 0);
	access_pages("pages.overflow", fp, 0, U64_MAX - 0xfff, 2 * PAGE, 0);
	access_pages("pages.ro-write", fp, MOCK_FLAGS_ACCESS_WRITE, 0x200000,
		     PAGE, 0);
	p3 = access_pages("pages.ro-read", fp, 0, 0x200000, PAGE, 0);
	access_pages("pages.bad-flags", fp, 1 << 3, 0x100000, PAGE, 0);
	access_pages("pages.bad-access-fd", 999, 0, 0x100000, PAGE, 0);
	destroy_pages("pages.destroy-bad-id", fp, 999);
	destroy_pages("pages.destroy-p2", fp, p2);
	destroy_pages("pages.destroy-p2-again", fp, p2);
	destroy_pages("pages.destroy-p3", fp, p3);
	destroy_pages("pages.destroy-bad-fd", 999, p1);

	/* ACCESS_RW */
	access_rw("rw.read", f0, 0, 0x100010, 16);
	access_rw("rw.read-slow", f0, MOCK_ACCESS_RW_SLOW_PATH, 0x100010, 16);
	access_rw("rw.write", f0, MOCK_ACCESS_RW_WRITE, 0x100020, 8);
	access_rw("rw.read-back", f0, 0, 0x100020, 8);
	access_rw("rw.write-slow", f0,
		  MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH, 0x100030, 8);
	access_rw("rw.read-back-slow", f0, MOCK_ACCESS_RW_SLOW_PATH, 0x100028,
		  16);
	access_rw("rw.across-areas", f0, 0, 0x103ff0, 32);
	access_rw("rw.across-areas-slow", f0, MOCK_ACCESS_RW_SLOW_PATH,
		  0x103ff0, 32);
	access_rw("rw.unmapped", f0, 0, 0x800000, 16);
	access_rw("rw.past-end", f0, 0, 0x107ff8, 16);
	access_rw("rw.len0", f0, 0, 0x100000, 0);
	access_rw("rw.ro-write", f0, MOCK_ACCESS_RW_WRITE, 0x200000, 8);
	access_rw("rw.ro-read", f0, 0, 0x200000, 8);
	access_rw("rw.bad-flags", f0, 1 << 3, 0x100000, 8);
	access_rw("rw.overflow", f0, 0, U64_MAX - 7, 16);
	access_rw("rw.pin-access", fp, 0, 0x100010, 16);
	NOTE("rw.memory %02x%02x%02x%02x", rw[0x20], rw[0x21], rw[0x30],
	     rw[0x31]);

	/* unmap while pinned */
	unmap("pinned.unmap-partial", a, 0x100000, 2 * PAGE);
	unmap("pinned.unmap", a, 0x100000, 4 * PAGE);
	destroy_pages("pinned.destroy-after-unmap", fp, p1);
	check_refs("pinned.refs-after-unmap", va(rw), PAGE, 0);

	/* ACCESS_REPLACE_IOAS */
	map("replace.map-b", b, RW | FIX, va(rw2), 2 * PAGE, 0x100000);
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, f0);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.to-b", ioctl(ifd, IOMMU_TEST_CMD, &c));
	access_rw("replace.rw-b", f0, 0, 0x100000, 8);
	c.access_replace_ioas.ioas_id = 999;
	CALL("replace.bad-ioas", ioctl(ifd, IOMMU_TEST_CMD, &c));
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, 999);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.bad-fd", ioctl(ifd, IOMMU_TEST_CMD, &c));
	p1 = access_pages("replace.pin-b", fp, 0, 0x104000, PAGE, va(rw2));
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, fp);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.pinned-to-b", ioctl(ifd, IOMMU_TEST_CMD, &c));
	CALL("replace.destroy-ioas-with-access", destroy(b));
	destroy_pages("replace.destroy-pages", fp, p1);
	CALL("replace.pinned-to-b-after", ioctl(ifd, IOMMU_TEST_CMD, &c));

	/* MD_CHECK_MAP on a mock domain */
	unmap_all("checkmap.unmap-b", b);
	d = mock_domain("checkmap.mock-domain", b, 0);
	map("checkmap.map", b, RW | FIX, va(rw), 4 * PAGE, APERTURE);
	check_map("checkmap.ok", d.hwpt, APERTURE, 4 * PAGE, va(rw));
	check_map("checkmap.2k", d.hwpt, APERTURE + 0x800, 0x800,
		  va(rw) + 0x800);
	check_map("checkmap.wrong-uptr", d.hwpt, APERTURE, PAGE, va(rw2));
	check_map("checkmap.unmapped", d.hwpt, APERTURE + 0x100000, PAGE,
		  va(rw));
	check_map("checkmap.unaligned", d.hwpt, APERTURE + 0x10, 0x10,
		  va(rw) + 0x10);
	check_map("checkmap.bad-hwpt", 999, APERTURE, PAGE, va(rw));
	check_map("checkmap.on-ioas", b, APERTURE, PAGE, va(rw));
	check_refs("checkmap.refs-domain", va(rw), 4 * PAGE, 1);
	check_refs("checkmap.refs-domain-0", va(rw), 4 * PAGE, 0);
	close(f0);
	close(fp);
	CALL("final.destroy-stdev", destroy(d.stdev));
	CALL("final.destroy-b", destroy(b));
	CALL("final.destroy-a", destroy(a));
}

/* ------------------------------------------------------------------ */

static void run(const char *name, void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		snprintf(sec, sizeof(sec), "%s", name);
		open_iommu();
		fn();
		fflush(stdout);
		/* exit(), not _exit(): a coverage build writes its counters */
		exit(0);
	}
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		printf("%s crashed signal %d\n", name, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		printf("%s exit %d\n", name, WEXITSTATUS(status));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	run("a", section_dispatch);
	run("b", section_ioas_map);
	run("c", section_unmap_copy_ranges);
	run("d", section_vfio);
	run("e", section_mock);
	run("f", section_access);
	return 0;
}
