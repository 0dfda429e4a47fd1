// SPDX-License-Identifier: MIT
/*
 * viommu_matrix - the vIOMMU family of iommufd, one line per call: vIOMMUs,
 * vDEVICEs, nested HWPTs on a vIOMMU, vEVENTQs, HW queues, fault queues and
 * PASIDs, in the orders the kernel selftest does not use (destroy orders,
 * overflows, short reads, wrong IDs, partial invalidations, PASID rules
 * after replace).
 *
 * As errno_matrix: the same program runs on the real kernel (static, under
 * refkernel) and under uiommufd (uiommufd-run); tests/compare/check.sh
 * compares the outputs line by line. Lines are "label rc errno [fields]",
 * nothing depends on the run, and each section runs in its own child on a
 * fresh /dev/iommu.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "viommu_matrix.h"

int ifd;
int nslots;
char sec[8];

static const char *ename(int e)
{
	static char other[16];

	switch (e) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EIO:
		return "EIO";
	case ENXIO:
		return "ENXIO";
	case E2BIG:
		return "E2BIG";
	case EBADF:
		return "EBADF";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case EEXIST:
		return "EEXIST";
	case ENODEV:
		return "ENODEV";
	case EINVAL:
		return "EINVAL";
	case ENOTTY:
		return "ENOTTY";
	case ENOSPC:
		return "ENOSPC";
	case ESPIPE:
		return "ESPIPE";
	case ERANGE:
		return "ERANGE";
	case EOVERFLOW:
		return "EOVERFLOW";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EDEADLK:
		return "EDEADLK";
	}
	snprintf(other, sizeof(other), "E%d", e);
	return other;
}

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

unsigned char *buf_map(size_t len)
{
	int n = nslots++;
	unsigned char *p;

	p = mmap((void *)SLOT(n), len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)SLOT(n)) {
		perror("mmap at a fixed address");
		exit(2);
	}
	memset(p, n + 1, len);
	return p;
}

unsigned long va(const void *p)
{
	return (unsigned long)p;
}

/* Small wrappers: each prints its line and returns the new ID (0 if none) */

__u32 ioas_alloc(void)
{
	struct iommu_ioas_alloc c = {.size = sizeof(c)};

	if (ioctl(ifd, IOMMU_IOAS_ALLOC, &c))
		return 0;
	return c.out_ioas_id;
}

void destroy(const char *label, __u32 id)
{
	struct iommu_destroy c = {.size = sizeof(c), .id = id};

	CALL(label, ioctl(ifd, IOMMU_DESTROY, &c));
}

void map(const char *label, __u32 ioas, unsigned long uva, __u64 len,
	 __u64 iova, __u32 flags)
{
	struct iommu_ioas_map c = {
		.size = sizeof(c),
		.flags = flags | FIX,
		.ioas_id = ioas,
		.user_va = uva,
		.length = len,
		.iova = iova,
	};

	CALL(label, ioctl(ifd, IOMMU_IOAS_MAP, &c));
}

void unmap(const char *label, __u32 ioas, __u64 iova, __u64 len)
{
	struct iommu_ioas_unmap c = {
		.size = sizeof(c),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};

	CALLF(label, ioctl(ifd, IOMMU_IOAS_UNMAP, &c), "length=0x%llx",
	      (unsigned long long)c.length);
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

struct mockdev mock_domain(const char *label, __u32 pt, __u32 flags)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, pt);
	struct mockdev d;

	c.mock_domain_flags.dev_flags = flags;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "stdev=%u hwpt=%u idev=%u",
	      c.mock_domain.out_stdev_id, c.mock_domain.out_hwpt_id,
	      c.mock_domain.out_idev_id);
	d.stdev = c.mock_domain.out_stdev_id;
	d.hwpt = c.mock_domain.out_hwpt_id;
	d.idev = c.mock_domain.out_idev_id;
	return d;
}

void replace(const char *label, __u32 stdev, __u32 pt)
{
	struct iommu_test_cmd c =
		tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, stdev);

	c.mock_domain_replace.pt_id = pt;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "pt=%u",
	      c.mock_domain_replace.pt_id);
}

__u32 hwpt_alloc(const char *label, __u32 idev, __u32 pt, __u32 flags,
		 __u32 fault_id, __u32 data_type, void *data, __u32 data_len)
{
	struct iommu_hwpt_alloc c = {
		.size = sizeof(c),
		.flags = flags,
		.dev_id = idev,
		.pt_id = pt,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = va(data),
		.fault_id = fault_id,
	};

	CALLF(label, ioctl(ifd, IOMMU_HWPT_ALLOC, &c), "hwpt=%u",
	      c.out_hwpt_id);
	return c.out_hwpt_id;
}

struct iommu_hwpt_selftest nested_data = {
	.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
};

__u32 nested_alloc(const char *label, __u32 idev, __u32 pt, __u32 flags)
{
	return hwpt_alloc(label, idev, pt, flags, 0, IOMMU_HWPT_DATA_SELFTEST,
			  &nested_data, sizeof(nested_data));
}

__u32 viommu_alloc_data(const char *label, __u32 idev, __u32 hwpt, __u32 type,
			void *data, __u32 len)
{
	struct iommu_viommu_alloc c = {
		.size = sizeof(c),
		.type = type,
		.dev_id = idev,
		.hwpt_id = hwpt,
		.data_len = len,
		.data_uptr = va(data),
	};

	CALLF(label, ioctl(ifd, IOMMU_VIOMMU_ALLOC, &c), "viommu=%u",
	      c.out_viommu_id);
	return c.out_viommu_id;
}

__u32 viommu_alloc(const char *label, __u32 idev, __u32 hwpt)
{
	return viommu_alloc_data(label, idev, hwpt, IOMMU_VIOMMU_TYPE_SELFTEST,
				 NULL, 0);
}

__u32 vdev_alloc(const char *label, __u32 viommu, __u32 idev, __u64 virt_id)
{
	struct iommu_vdevice_alloc c = {
		.size = sizeof(c),
		.viommu_id = viommu,
		.dev_id = idev,
		.virt_id = virt_id,
	};

	CALLF(label, ioctl(ifd, IOMMU_VDEVICE_ALLOC, &c), "vdev=%u",
	      c.out_vdevice_id);
	return c.out_vdevice_id;
}

struct queue veventq_alloc_full(const char *label, __u32 viommu, __u32 type,
				__u32 depth, __u32 flags, __u32 reserved)
{
	struct iommu_veventq_alloc c = {
		.size = sizeof(c),
		.flags = flags,
		.viommu_id = viommu,
		.type = type,
		.veventq_depth = depth,
		.__reserved = reserved,
	};
	struct queue q = {0, -1};

	CALLF(label, ioctl(ifd, IOMMU_VEVENTQ_ALLOC, &c), "veventq=%u",
	      c.out_veventq_id);
	if (c.out_veventq_id) {
		q.id = c.out_veventq_id;
		q.fd = (int)c.out_veventq_fd;
	}
	return q;
}

struct queue veventq_alloc(const char *label, __u32 viommu, __u32 depth)
{
	return veventq_alloc_full(label, viommu, IOMMU_VEVENTQ_TYPE_SELFTEST,
				  depth, 0, 0);
}

void trigger_vevent(const char *label, __u32 idev)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_TRIGGER_VEVENT, 0);

	c.trigger_vevent.dev_id = idev;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

/* read(2) of count bytes, then each event: flags, sequence, virt_id */
void read_vevents(const char *label, int fd, size_t count)
{
	unsigned char buf[256];
	char line[512] = "";
	size_t n = 0, off = 0;
	ssize_t rc;

	memset(buf, 0xee, sizeof(buf));
	errno = 0;
	rc = read(fd, buf, count);
	report(label, rc, errno);
	while (rc > 0 &&
	       off + sizeof(struct iommufd_vevent_header) <= (size_t)rc) {
		struct iommufd_vevent_header h;
		__u32 virt_id = 0;

		memcpy(&h, buf + off, sizeof(h));
		off += sizeof(h);
		if (!(h.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS)) {
			memcpy(&virt_id, buf + off, sizeof(virt_id));
			off += sizeof(struct iommu_viommu_event_selftest);
		}
		n += snprintf(line + n, sizeof(line) - n, " [f=%u s=%u v=0x%x]",
			      h.flags, h.sequence, virt_id);
	}
	printf("%s\n", line);
}

void poll_in(const char *label, int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};

	CALLF(label, poll(&p, 1, 0), "revents=0x%x", p.revents);
}

__u32 hw_queue_alloc_full(const char *label, __u32 viommu, __u32 type,
			  __u32 index, __u64 iova, __u64 len, __u32 flags)
{
	struct iommu_hw_queue_alloc c = {
		.size = sizeof(c),
		.flags = flags,
		.viommu_id = viommu,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = len,
	};

	CALLF(label, ioctl(ifd, IOMMU_HW_QUEUE_ALLOC, &c), "hw_queue=%u",
	      c.out_hw_queue_id);
	return c.out_hw_queue_id;
}

__u32 hw_queue_alloc(const char *label, __u32 viommu, __u32 index, __u64 iova,
		     __u64 len)
{
	return hw_queue_alloc_full(label, viommu, IOMMU_HW_QUEUE_TYPE_SELFTEST,
				   index, iova, len, 0);
}

void invalidate(const char *label, __u32 id, __u32 type, void *data,
		__u32 entry_len, __u32 entry_num)
{
	struct iommu_hwpt_invalidate c = {
		.size = sizeof(c),
		.hwpt_id = id,
		.data_uptr = va(data),
		.data_type = type,
		.entry_len = entry_len,
		.entry_num = entry_num,
	};

	CALLF(label, ioctl(ifd, IOMMU_HWPT_INVALIDATE, &c), "done=%u",
	      c.entry_num);
}

/* The four cache entries of a mock device, as DEV_CHECK_CACHE sees them */
void dev_caches(const char *label, __u32 idev)
{
	char line[64] = "";
	size_t n = 0;

	for (__u32 i = 0; i < MOCK_DEV_CACHE_NUM; i++) {
		struct iommu_test_cmd c =
			tcmd(IOMMU_TEST_OP_DEV_CHECK_CACHE, idev);
		int rc;

		c.check_dev_cache.id = i;
		c.check_dev_cache.cache = 0;
		rc = ioctl(ifd, IOMMU_TEST_CMD, &c);
		n += snprintf(line + n, sizeof(line) - n, " %s",
			      rc ? "default" : "0");
	}
	NOTE("%s%s", label, line);
}

struct queue fault_alloc(const char *label)
{
	struct iommu_fault_alloc c = {.size = sizeof(c)};
	struct queue q = {0, -1};

	CALLF(label, ioctl(ifd, IOMMU_FAULT_QUEUE_ALLOC, &c), "fault=%u",
	      c.out_fault_id);
	if (c.out_fault_id) {
		q.id = c.out_fault_id;
		q.fd = (int)c.out_fault_fd;
	}
	return q;
}

void trigger_iopf(const char *label, __u32 idev, __u32 pasid, __u32 grpid)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_TRIGGER_IOPF, 0);

	c.trigger_iopf.dev_id = idev;
	c.trigger_iopf.pasid = pasid;
	c.trigger_iopf.grpid = grpid;
	c.trigger_iopf.perm = IOMMU_PGFAULT_PERM_READ;
	c.trigger_iopf.addr = APERTURE;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

/* Read faults; returns the cookie of the last one */
__u32 read_faults(const char *label, int fd, size_t count)
{
	struct iommu_hwpt_pgfault f[4];
	char line[512] = "";
	size_t n = 0;
	__u32 cookie = 0;
	ssize_t rc;

	memset(f, 0, sizeof(f));
	errno = 0;
	rc = read(fd, f, count);
	report(label, rc, errno);
	for (ssize_t i = 0; rc > 0 && i < rc / (ssize_t)sizeof(f[0]); i++) {
		n += snprintf(line + n, sizeof(line) - n,
			      " [flags=%u dev=%u pasid=%u grp=%u cookie=%u]",
			      f[i].flags, f[i].dev_id, f[i].pasid, f[i].grpid,
			      f[i].cookie);
		cookie = f[i].cookie;
	}
	printf("%s\n", line);
	return cookie;
}

void respond(const char *label, int fd, __u32 cookie, __u32 code, size_t count)
{
	struct iommu_hwpt_page_response r[2] = {
		{.cookie = cookie, .code = code},
		{.cookie = cookie, .code = code},
	};

	CALL(label, write(fd, r, count));
}

void pasid_op(const char *label, __u32 op, __u32 stdev, __u32 pasid, __u32 pt)
{
	struct iommu_test_cmd c = tcmd(op, stdev);

	c.pasid_attach.pasid = pasid;
	c.pasid_attach.pt_id = pt;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

void pasid_check(const char *label, __u32 stdev, __u32 pasid, __u32 hwpt)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_PASID_CHECK_HWPT, stdev);

	c.pasid_check.pasid = pasid;
	c.pasid_check.hwpt_id = hwpt;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

struct base base_setup(__u32 dev_flags)
{
	struct base b;

	b.ioas = ioas_alloc();
	b.d = mock_domain("setup.mock", b.ioas, dev_flags);
	b.parent = hwpt_alloc("setup.parent", b.d.idev, b.ioas,
			      IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
			      IOMMU_HWPT_DATA_NONE, NULL, 0);
	return b;
}

static void run(const char *name, void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		snprintf(sec, sizeof(sec), "%s", name);
		ifd = open("/dev/iommu", O_RDWR);
		if (ifd < 0) {
			perror("/dev/iommu");
			exit(2);
		}
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
	run("a", section_viommu);
	run("b", section_mmap);
	run("c", section_vdevice);
	run("d", section_veventq);
	run("e", section_hw_queue);
	run("f", section_invalidate);
	run("g", section_pasid);
	run("h", section_fault);
	run("i", section_misc);
	return 0;
}
