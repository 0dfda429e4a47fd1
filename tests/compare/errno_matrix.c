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
#include "errno_matrix.h"

int ifd;	   /* the /dev/iommu of the current section */
static int nslots; /* next free buffer slot of the section */
char sec[8];	   /* section prefix of the labels */

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
const char *L(const char *fmt, ...)
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

void report(const char *label, long rc, int err)
{
	if (rc < 0)
		printf("%s.%s %ld %s", sec, label, rc, ename(err));
	else
		printf("%s.%s %ld -", sec, label, rc);
}

/* ------------------------------------------------------------------ */
/* Memory and small wrappers                                          */
/* ------------------------------------------------------------------ */

/*
 * A buffer of len bytes at the next fixed slot, filled with a pattern
 * that depends on the slot, then given protection prot.
 */
unsigned char *buf_map(size_t len, int prot)
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

unsigned long va(const void *p)
{
	return (unsigned long)p;
}

void open_iommu(void)
{
	ifd = open("/dev/iommu", O_RDWR);
	if (ifd < 0) {
		perror("/dev/iommu");
		exit(2);
	}
}

__u32 ioas_alloc(void)
{
	struct iommu_ioas_alloc c;

	INIT(c);
	if (ioctl(ifd, IOMMU_IOAS_ALLOC, &c))
		return 0;
	return c.out_ioas_id;
}

int destroy(__u32 id)
{
	struct iommu_destroy c = {.size = sizeof(c), .id = id};

	return ioctl(ifd, IOMMU_DESTROY, &c);
}

struct iommu_ioas_map mapc(__u32 ioas, __u32 flags, unsigned long uva,
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

/* IOAS_MAP, printing the IOVA used */
void map(const char *label, __u32 ioas, __u32 flags, unsigned long uva,
	 __u64 len, __u64 iova)
{
	struct iommu_ioas_map c = mapc(ioas, flags, uva, len, iova);

	CALLF(label, ioctl(ifd, IOMMU_IOAS_MAP, &c), "iova=0x%llx",
	      (unsigned long long)c.iova);
}

void unmap(const char *label, __u32 ioas, __u64 iova, __u64 len)
{
	struct iommu_ioas_unmap c;

	INIT(c);
	c.ioas_id = ioas;
	c.iova = iova;
	c.length = len;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_UNMAP, &c), "length=0x%llx",
	      (unsigned long long)c.length);
}

void unmap_all(const char *label, __u32 ioas)
{
	unmap(label, ioas, 0, U64_MAX);
}

struct iommu_test_cmd tcmd(__u32 op, __u32 id)
{
	struct iommu_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = op;
	c.id = id;
	return c;
}

/* IOMMU_TEST_OP_MOCK_DOMAIN(_FLAGS) on pt, printing the new ids */
struct mockdev mock_domain(const char *label, __u32 pt, __u32 dev_flags)
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

void iova_ranges(const char *label, __u32 ioas, __u32 num)
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

void allow_iovas(const char *label, __u32 ioas,
		 const struct iommu_iova_range *r, __u32 num)
{
	struct iommu_ioas_allow_iovas c;

	INIT(c);
	c.ioas_id = ioas;
	c.num_iovas = num;
	c.allowed_iovas = va(r);
	CALL(label, ioctl(ifd, IOMMU_IOAS_ALLOW_IOVAS, &c));
}

void add_reserved(const char *label, __u32 ioas, __u64 start, __u64 len)
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
