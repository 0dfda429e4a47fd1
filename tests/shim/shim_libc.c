// SPDX-License-Identifier: MIT
/*
 * The libc calls an unmodified program makes on the files the shim
 * serves, run under uiommufd-run with one emulated device:
 *
 *   uiommufd-run --device udma -- shim_libc
 *
 * Every way to open, stat, test, read, write, duplicate and close
 * /dev/iommu, a fault queue, the fail-nth and status files of /proc, the
 * fault injection stand-in of debugfs and the VFIO nodes, each answering
 * as the kernel's files do: a character device 10:N, EINVAL for read on
 * an iommufd, ESPIPE for a positioned read of a fault queue, a fail-nth
 * that reads back what was written, xattrs absent (ENODATA), duplicates
 * that share the file and a close that ends it only with the last one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/vfio.h>

#define PG	     ((size_t)sysconf(_SC_PAGESIZE))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	assert_int_equal(0, ioctl(fd, IOMMU_IOAS_ALLOC, &cmd));
	return cmd.out_ioas_id;
}

/* Does the iommufd fd still hold object id (destroying it to check)? */
static bool holds(int fd, uint32_t id)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	return ioctl(fd, IOMMU_DESTROY, &cmd) == 0;
}

static void test_open_and_stat(void **state)
{
	struct stat st, st2;
	struct statx stx;
	int fd, fd2;

	(void)state;
	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(0, fstat(fd, &st));
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(10, major(st.st_rdev));
	assert_int_equal(0, stat("/dev/iommu", &st2));
	assert_int_equal(st.st_rdev, st2.st_rdev);
	assert_int_equal(st.st_ino, st2.st_ino);
	assert_int_equal(0, lstat("/dev/iommu", &st2));
	assert_true(S_ISCHR(st2.st_mode));
	assert_int_equal(0, fstatat(AT_FDCWD, "/dev/./iommu", &st2, 0));
	assert_int_equal(st.st_rdev, st2.st_rdev);
	assert_int_equal(0, statx(AT_FDCWD, "/dev/iommu", 0, STATX_BASIC_STATS,
				  &stx));
	assert_int_equal(10, stx.stx_rdev_major);
	/* A descriptor of the file, by AT_EMPTY_PATH */
	assert_int_equal(0,
			 statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx));
	assert_true(S_ISCHR(stx.stx_mode));
	assert_int_equal(0, access("/dev/iommu", R_OK | W_OK));
	assert_int_equal(0, faccessat(AT_FDCWD, "/dev/iommu", F_OK, 0));
	assert_int_equal(0, euidaccess("/dev/iommu", R_OK));
	assert_int_equal(0, eaccess("/dev/iommu", W_OK));
	/* Not a directory, not executable */
	assert_int_equal(-1, access("/dev/iommu/x", F_OK));
	assert_int_equal(-1, access("/dev/iommu", X_OK));
	assert_int_equal(EACCES, errno);

	/* Other ways to name and open it */
	fd2 = openat(AT_FDCWD, "/dev/../dev/iommu", O_RDWR);
	assert_true(fd2 >= 0);
	assert_int_equal(0, ioas_alloc(fd2) != 1);
	close(fd2);
	assert_int_equal(0, chdir("/dev"));
	fd2 = open("iommu", O_RDWR);
	assert_true(fd2 >= 0);
	close(fd2);
	{
		int dir = open("/dev", O_RDONLY | O_DIRECTORY);

		fd2 = openat(dir, "iommu", O_RDWR);
		assert_true(fd2 >= 0);
		close(fd2);
		close(dir);
	}
	assert_int_equal(0, chdir("/"));
	fd2 = open64("/dev/iommu", O_RDWR);
	assert_true(fd2 >= 0);
	close(fd2);
	fd2 = openat64(AT_FDCWD, "/dev/iommu", O_RDWR);
	assert_true(fd2 >= 0);
	close(fd2);
	/* Exclusive creation of an existing node */
	assert_int_equal(-1, open("/dev/iommu", O_RDWR | O_CREAT | O_EXCL, 0));
	assert_int_equal(EEXIST, errno);
	assert_int_equal(0, close(fd));
}

static void test_links_and_xattrs(void **state)
{
	char path[64], buf[PATH_MAX];
	ssize_t len;
	int fd = open("/dev/iommu", O_RDWR);

	(void)state;
	/* A device node is not a link */
	assert_int_equal(-1, readlink("/dev/iommu", buf, sizeof(buf)));
	assert_int_equal(EINVAL, errno);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlinkat(AT_FDCWD, path, buf, sizeof(buf) - 1);
	assert_true(len > 0);
	assert_non_null(realpath("/dev/../dev/./iommu", buf));
	assert_string_equal("/dev/iommu", buf);
	{
		char *c = canonicalize_file_name("/dev//iommu");

		assert_non_null(c);
		assert_string_equal("/dev/iommu", c);
		free(c);
	}
	/* A fresh device node has no attributes */
	assert_int_equal(-1, getxattr("/dev/iommu", "security.selinux", buf,
				      sizeof(buf)));
	assert_int_equal(ENODATA, errno);
	assert_int_equal(-1, lgetxattr("/dev/iommu", "system.posix_acl_access",
				       buf, sizeof(buf)));
	assert_int_equal(ENODATA, errno);
	assert_int_equal(-1, getxattr("/dev/iommu", "bogus.name", buf,
				      sizeof(buf)));
	assert_int_equal(EOPNOTSUPP, errno);
	assert_int_equal(0, listxattr("/dev/iommu", buf, sizeof(buf)));
	assert_int_equal(0, llistxattr("/dev/iommu", buf, sizeof(buf)));
	close(fd);
}

static void test_dup_and_close(void **state)
{
	int fd = open("/dev/iommu", O_RDWR), d1, d2, d3, other;
	uint32_t a, b;

	(void)state;
	a = ioas_alloc(fd);
	b = ioas_alloc(fd);
	d1 = dup(fd);
	d2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	assert_true(d2 >= 100);
	assert_int_equal(FD_CLOEXEC, fcntl(d2, F_GETFD));
	d3 = fcntl(fd, F_DUPFD, 0);
	assert_true(d1 >= 0 && d3 >= 0);
	/* The duplicates are the same context; closing one keeps it */
	assert_int_equal(0, close(fd));
	assert_true(holds(d1, a));
	assert_int_equal(0, close(d1));
	assert_true(holds(d2, b));
	/* dup2 onto a descriptor of another context closes that one */
	other = open("/dev/iommu", O_RDWR);
	ioas_alloc(other);
	assert_int_equal(other, dup2(d3, other));
	a = ioas_alloc(other);
	assert_true(holds(d3, a));
	/* dup3 with a bad flag fails first, changing nothing */
	assert_int_equal(-1, dup3(d3, other, O_NONBLOCK));
	assert_int_equal(EINVAL, errno);
	a = ioas_alloc(other);
	assert_true(holds(d2, a));
	assert_int_equal(other, dup3(d2, other, O_CLOEXEC));
	assert_int_equal(FD_CLOEXEC, fcntl(other, F_GETFD));
	/* The VFS flags are the descriptor's own */
	assert_int_equal(0, ioctl(other, FIONCLEX));
	assert_int_equal(0, fcntl(other, F_GETFD));
	assert_int_equal(0, ioctl(other, FIOCLEX));
	assert_int_equal(FD_CLOEXEC, fcntl(other, F_GETFD));
	/* read and write: an iommufd has neither */
	{
		char c;

		assert_int_equal(-1, read(other, &c, 1));
		assert_int_equal(EINVAL, errno);
		assert_int_equal(-1, write(other, &c, 1));
		assert_int_equal(EINVAL, errno);
	}
	close(other);
	close(d2);
	/* Once closed, the numbers are not ours any more */
	assert_int_equal(-1, ioctl(d3 + 1000, IOMMU_IOAS_ALLOC, NULL));
	assert_int_equal(EBADF, errno);
	close(d3);
}

static void test_close_ranges(void **state)
{
	int fd[3], keep = open("/dev/iommu", O_RDWR);

	(void)state;
	for (int i = 0; i != 3; i++) {
		int opened = open("/dev/iommu", O_RDWR);

		fd[i] = fcntl(opened, F_DUPFD, 200 + i);
		assert_int_equal(200 + i, fd[i]);
		close(opened);
	}
	assert_int_equal(0, close_range(200, 201, 0));
	assert_int_equal(-1, ioctl(fd[0], IOMMU_IOAS_ALLOC, NULL));
	assert_int_equal(EBADF, errno);
	closefrom(202);
	assert_int_equal(-1, fcntl(fd[2], F_GETFD));
	/* A new context may take the numbers again */
	assert_int_equal(200, fcntl(keep, F_DUPFD, 200));
	assert_int_equal(1, ioas_alloc(200));
	close(200);
	close(keep);
}

/* A fault queue with one fault pending, on a new iommufd */
static int fault_with_fault(int *fd_out)
{
	struct iommu_fault_alloc fault = {.size = sizeof(fault)};
	struct iommu_test_cmd md = {
		.size = sizeof(md),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_FAULT_ID_VALID,
	};
	struct iommu_test_cmd cmd = {.size = sizeof(cmd)};
	int fd = open("/dev/iommu", O_RDWR);

	md.id = ioas_alloc(fd);
	assert_int_equal(0, ioctl(fd, IOMMU_TEST_CMD, &md));
	assert_int_equal(0, ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &fault));
	hwpt.dev_id = md.mock_domain.out_idev_id;
	hwpt.pt_id = md.id;
	hwpt.fault_id = fault.out_fault_id;
	assert_int_equal(0, ioctl(fd, IOMMU_HWPT_ALLOC, &hwpt));
	cmd.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE;
	cmd.id = md.mock_domain.out_stdev_id;
	cmd.mock_domain_replace.pt_id = hwpt.out_hwpt_id;
	assert_int_equal(0, ioctl(fd, IOMMU_TEST_CMD, &cmd));
	for (uint32_t g = 1; g != 4; g++) {
		cmd = (struct iommu_test_cmd){
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_TRIGGER_IOPF,
			.trigger_iopf = {.dev_id = md.mock_domain.out_idev_id,
					 .grpid = g,
					 .addr = 0x1000 * g},
		};
		assert_int_equal(0, ioctl(fd, IOMMU_TEST_CMD, &cmd));
	}
	*fd_out = fd;
	return (int)fault.out_fault_fd;
}

static void test_fault_queue_io(void **state)
{
	struct iommu_hwpt_pgfault rec[2];
	struct iommu_hwpt_page_response resp[2] = {{.cookie = 1},
						   {.cookie = 2}};
	struct iovec iov[2] = {
		{.iov_base = &rec[0], .iov_len = sizeof(rec[0])},
		{.iov_base = &rec[1], .iov_len = sizeof(rec[1])},
	};
	struct pollfd p;
	int fd, q = fault_with_fault(&fd), big;

	(void)state;
	p = (struct pollfd){.fd = q, .events = POLLIN};
	assert_int_equal(1, poll(&p, 1, 0));
	/* No position on a fault queue */
	assert_int_equal(-1, pread(q, rec, sizeof(rec[0]), 0));
	assert_int_equal(ESPIPE, errno);
	assert_int_equal(-1, preadv(q, iov, 1, 0));
	assert_int_equal(ESPIPE, errno);
	/* Gathered reads see one read of the whole */
	assert_int_equal(2 * sizeof(rec[0]), readv(q, iov, 2));
	assert_int_equal(1, rec[0].grpid);
	assert_int_equal(2, rec[1].grpid);
	/* preadv2 at -1 is a plain read */
	assert_int_equal(sizeof(rec[0]), preadv2(q, iov, 1, -1, 0));
	assert_int_equal(3, rec[0].grpid);
	assert_int_equal(0, read(q, rec, sizeof(rec[0])));
	/* Responses by writev and write */
	assert_int_equal(-1, pwrite(q, resp, sizeof(resp), 0));
	assert_int_equal(ESPIPE, errno);
	iov[0] = (struct iovec){.iov_base = &resp[0],
				.iov_len = sizeof(resp[0])};
	iov[1] = (struct iovec){.iov_base = &resp[1],
				.iov_len = sizeof(resp[1])};
	assert_int_equal(sizeof(resp), writev(q, iov, 2));
	resp[0].cookie = 3;
	assert_int_equal(sizeof(resp[0]), write(q, resp, sizeof(resp[0])));
	assert_int_equal(-1, write(q, resp, sizeof(resp[0])));
	assert_int_equal(EINVAL, errno);
	/* A vector longer than the kernel takes */
	{
		volatile int too_many = IOV_MAX + 1;

		assert_int_equal(-1, readv(q, iov, too_many));
	}
	assert_int_equal(EINVAL, errno);
	/* A read larger than the stack buffer of the gathering */
	big = 205 * sizeof(rec[0]); /* more than the shim's stack buffer */
	{
		char *b = malloc((size_t)big);
		struct iovec one = {.iov_base = b, .iov_len = (size_t)big};

		assert_int_equal(0, readv(q, &one, 1));
		free(b);
	}
	close(q);
	close(fd);
}

static void fail_nth_rw(const char *path)
{
	char buf[32] = {0};
	int f = open(path, O_RDWR);
	ssize_t n;

	assert_true(f >= 0);
	assert_int_equal(2, write(f, "5\n", 2));
	/* Read back from the start of the file, and at an offset */
	assert_int_equal(2, pread(f, buf, sizeof(buf), 0));
	assert_string_equal("5\n", buf);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(1, pread(f, buf, sizeof(buf), 1));
	assert_string_equal("\n", buf);
	assert_int_equal(0, pread(f, buf, sizeof(buf), 10));
	assert_int_equal(-1, pread(f, buf, sizeof(buf), -1));
	assert_int_equal(EINVAL, errno);
	/* Reads advance the position */
	n = read(f, buf, 1);
	assert_int_equal(1, n);
	assert_int_equal('5', buf[0]);
	assert_int_equal(1, read(f, buf, 5));
	assert_int_equal(0, read(f, buf, 5));
	/* A write anywhere sets it; 0 turns it off */
	assert_int_equal(1, pwrite(f, "0", 1, 7));
	assert_int_equal(2, pread(f, buf, sizeof(buf), 0));
	assert_int_equal('0', buf[0]);
	close(f);
}

static void *fail_nth_thread(void *arg)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	fail_nth_rw(path);
	(void)arg;
	return NULL;
}

static void test_fail_nth(void **state)
{
	char path[64], line[32];
	struct stat st;
	pthread_t t;
	FILE *f;
	int fd;

	(void)state;
	fail_nth_rw("/proc/self/fail-nth");
	fail_nth_rw("/proc/thread-self/fail-nth");
	snprintf(path, sizeof(path), "/proc/%d/task/%ld/fail-nth", getpid(),
		 (long)syscall(SYS_gettid));
	fail_nth_rw(path);
	assert_int_equal(0, pthread_create(&t, NULL, fail_nth_thread, NULL));
	pthread_join(t, NULL);
	assert_int_equal(0, stat("/proc/self/fail-nth", &st));
	assert_true(S_ISREG(st.st_mode));

	/* The first failable point of the next call fails, once */
	fd = open("/dev/iommu", O_RDWR);
	f = fopen("/proc/thread-self/fail-nth", "r+");
	assert_non_null(f);
	assert_int_equal(-1, fileno(f));
	assert_true(fprintf(f, "1") > 0);
	assert_int_equal(0, fflush(f));
	{
		struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

		assert_int_equal(-1, ioctl(fd, IOMMU_IOAS_ALLOC, &cmd));
		assert_int_equal(ENOMEM, errno);
		assert_int_equal(0, ioctl(fd, IOMMU_IOAS_ALLOC, &cmd));
	}
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal("0\n", line);
	assert_int_equal(0, fclose(f));
	close(fd);
}

static void test_proc_files(void **state)
{
	char path[64], line[256];
	bool vmpin = false, uiommufd_line = false, pos = false;
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.length = 64 * PG,
	};
	struct iommu_test_cmd md = {
		.size = sizeof(md),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	void *buf = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/iommu", O_RDWR);
	FILE *f;

	(void)state;
	md.id = map.ioas_id = ioas_alloc(fd);
	map.user_va = (uintptr_t)buf;
	assert_int_equal(0, ioctl(fd, IOMMU_TEST_CMD, &md));
	assert_int_equal(0, ioctl(fd, IOMMU_IOAS_MAP, &map));
	/* The pinned pages show in VmPin */
	f = fopen("/proc/self/status", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long kb;

		if (sscanf(line, "VmPin: %lu kB", &kb) == 1) {
			assert_true(kb >= 64 * PG / 1024);
			vmpin = true;
		}
	}
	fclose(f);
	assert_true(vmpin);
	/* fdinfo: the kernel's lines, then the engine's */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		pos |= !strncmp(line, "pos:", 4);
		uiommufd_line |= !strncmp(line, "uiommufd-", 9);
	}
	fclose(f);
	assert_true(pos && uiommufd_line);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", getpid(), fd);
	f = fopen64(path, "re");
	assert_non_null(f);
	fclose(f);
	close(fd);
	munmap(buf, 64 * PG);
}

static void test_debugfs(void **state)
{
	const char *dir = "/sys/kernel/debug/failslab";
	char buf[16] = {0};
	struct dirent *e;
	bool slab = false, page = false;
	DIR *d;
	int f;

	(void)state;
	assert_int_equal(0, access("/sys/kernel/debug/failslab/probability",
				   R_OK | W_OK));
	f = open("/sys/kernel/debug/failslab/ignore-gfp-wait", O_RDONLY);
	assert_true(f >= 0);
	assert_int_equal(2, read(f, buf, sizeof(buf)));
	assert_string_equal("Y\n", buf);
	close(f);
	/* Writes are taken and have no effect on the host */
	f = open("/sys/kernel/debug/fail_page_alloc/times", O_WRONLY);
	assert_true(f >= 0);
	assert_int_equal(2, write(f, "-1", 2));
	close(f);
	d = opendir("/sys/kernel/debug");
	assert_non_null(d);
	while ((e = readdir(d))) {
		slab |= !strcmp(e->d_name, "failslab");
		page |= !strcmp(e->d_name, "fail_page_alloc");
	}
	closedir(d);
	assert_true(slab && page);
	d = opendir(dir);
	assert_non_null(d);
	closedir(d);
}

/* The one emulated device: its sysfs, group node, device node, BARs */
static void test_vfio_nodes(void **state)
{
	char link[PATH_MAX], path[PATH_MAX], dev[64] = "";
	unsigned int group = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;
	FILE *f;
	int fd;

	(void)state;
	/* The emulated device, bound to vfio-pci (real ones may be listed) */
	d = opendir("/sys/bus/pci/drivers/vfio-pci");
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strchr(e->d_name, ':') && strlen(e->d_name) < sizeof(dev))
			strcpy(dev, e->d_name);
	closedir(d);
	assert_int_not_equal(0, dev[0]);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 dev);
	assert_true(readlink(path, link, sizeof(link) - 1) > 0);
	assert_non_null(realpath(path, link));
	assert_int_equal(1, sscanf(strrchr(link, '/'), "/%u", &group));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", dev);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(link, sizeof(link), f));
	assert_int_equal(0, strncmp(link, "0x", 2));
	/* freopen onto another served file */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", dev);
	f = freopen(path, "r", f);
	assert_non_null(f);
	fclose(f);

	snprintf(path, sizeof(path), "/dev/vfio/%u", group);
	assert_int_equal(0, stat(path, &st));
	assert_true(S_ISCHR(st.st_mode));
	/* The same node by its /dev/char name */
	snprintf(link, sizeof(link), "/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	fd = open(link, O_RDWR);
	assert_true(fd >= 0);
	{
		struct vfio_group_status status = {.argsz = sizeof(status)};

		assert_int_equal(0, ioctl(fd, VFIO_GROUP_GET_STATUS, &status));
		assert_true(status.flags & VFIO_GROUP_FLAGS_VIABLE);
	}
	close(fd);
	d = opendir("/dev/vfio");
	assert_non_null(d);
	closedir(d);
	fd = open("/dev/vfio/vfio", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(VFIO_API_VERSION, ioctl(fd, VFIO_GET_API_VERSION));
	close(fd);

	/* The cdev: config space by pread/pwrite, BARs by mmap */
	assert_int_equal(0, stat("/dev/vfio/devices/vfio0", &st));
	fd = open("/dev/vfio/devices/vfio0", O_RDWR);
	assert_true(fd >= 0);
	{
		struct vfio_region_info cfg = {
			.argsz = sizeof(cfg),
			.index = VFIO_PCI_CONFIG_REGION_INDEX,
		};
		struct vfio_region_info bar = {
			.argsz = sizeof(bar),
			.index = VFIO_PCI_BAR0_REGION_INDEX,
		};
		struct vfio_region_info mem = {
			.argsz = sizeof(mem),
			.index = VFIO_PCI_BAR2_REGION_INDEX,
		};
		struct iovec iov[2];
		struct vfio_device_bind_iommufd bind = {
			.argsz = sizeof(bind),
			.iommufd = open("/dev/iommu", O_RDWR),
		};
		uint16_t id[2];
		void *map;

		/* Nothing but a bind before the device is bound */
		assert_int_equal(-1,
				 ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &cfg));
		assert_int_equal(EINVAL, errno);
		assert_int_equal(0, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
		assert_int_equal(0,
				 ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &cfg));
		assert_int_equal(4, pread64(fd, id, 4, (off64_t)cfg.offset));
		assert_int_not_equal(0xffff, id[0]);
		iov[0] = (struct iovec){.iov_base = &id[0], .iov_len = 2};
		iov[1] = (struct iovec){.iov_base = &id[1], .iov_len = 2};
		assert_int_equal(4, preadv64(fd, iov, 2, (off64_t)cfg.offset));
		/* The vendor ID is read-only: the write is dropped */
		assert_int_equal(2,
				 pwrite64(fd, "\0\0", 2, (off64_t)cfg.offset));
		assert_int_equal(4, pwritev(fd, iov, 2, (off_t)cfg.offset));
		assert_int_equal(2, pread(fd, &id[1], 2, (off_t)cfg.offset));
		assert_int_equal(id[0], id[1]);
		/* Both BARs map: udma's registers (BAR 0, trapped), its memory
		 */
		assert_int_equal(0,
				 ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &bar));
		assert_true(bar.flags & VFIO_REGION_INFO_FLAG_MMAP);
		map = mmap(NULL, bar.size, PROT_READ, MAP_PRIVATE, fd,
			   (off_t)bar.offset);
		assert_true(map == MAP_FAILED);
		assert_int_equal(EINVAL, errno);
		map = mmap(NULL, bar.size, PROT_READ, MAP_SHARED, fd,
			   (off_t)bar.offset);
		assert_true(map != MAP_FAILED);
		munmap(map, bar.size);
		assert_int_equal(0,
				 ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &mem));
		assert_true(mem.flags & VFIO_REGION_INFO_FLAG_MMAP);
		map = mmap(NULL, mem.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, (off_t)mem.offset);
		assert_true(map != MAP_FAILED);
		munmap(map, mem.size);
		map = mmap64(NULL, mem.size, PROT_READ, MAP_SHARED, fd,
			     (off64_t)mem.offset);
		assert_true(map != MAP_FAILED);
		munmap(map, mem.size);
		close(fd);
		close(bind.iommufd);
	}
	/* xattrs of a redirected sysfs path are those of the real file */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", dev);
	assert_true(listxattr(path, link, sizeof(link)) >= 0);
}

/*
 * Every libc name a binary may have been linked against: the stat family
 * of old glibc (__xstat ...), the fortified opens and reads, the 32-bit
 * offset pread/pwrite. Looked up as the dynamic linker would, so the
 * shim's own comes first.
 */
static void *sym(const char *name)
{
	void *fn = dlsym(RTLD_DEFAULT, name);

	assert_non_null(fn);
	return fn;
}

typedef int (*stat_fn)(const char *, struct stat *);
typedef int (*xstat_fn)(int, const char *, struct stat *);
typedef int (*fstat_fn)(int, struct stat *);
typedef int (*fxstat_fn)(int, int, struct stat *);
typedef int (*fstatat_fn)(int, const char *, struct stat *, int);
typedef int (*fxstatat_fn)(int, int, const char *, struct stat *, int);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef int (*creat_fn)(const char *, mode_t);
typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*preadv_fn)(int, const struct iovec *, int, off_t);
typedef ssize_t (*read_chk_fn)(int, void *, size_t, size_t);
typedef ssize_t (*pread_chk_fn)(int, void *, size_t, off_t, size_t);

static void is_iommu_node(const struct stat *st)
{
	assert_true(S_ISCHR(st->st_mode));
	assert_int_equal(10, major(st->st_rdev));
}

static void is_iommufd(int fd)
{
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(0, fstat(fd, &st));
	is_iommu_node(&st);
	assert_int_equal(0, close(fd));
}

static void test_abi_entry_points(void **state)
{
	static const char *const stats[] = {"stat", "stat64", "lstat",
					    "lstat64"};
	static const char *const xstats[] = {"__xstat", "__xstat64", "__lxstat",
					     "__lxstat64"};
	static const char *const opens2[] = {"__open_2", "__open64_2"};
	static const char *const openats2[] = {"__openat_2", "__openat64_2"};
	struct stat st;
	int fd = open("/dev/iommu", O_RDWR), f;
	char buf[8] = {0};
	struct iovec iov = {.iov_base = buf, .iov_len = 2};

	(void)state;
	for (size_t i = 0; i != ARRAY_LEN(stats); i++) {
		memset(&st, 0, sizeof(st));
		assert_int_equal(0,
				 ((stat_fn)sym(stats[i]))("/dev/iommu", &st));
		is_iommu_node(&st);
	}
	for (size_t i = 0; i != ARRAY_LEN(xstats); i++) {
		memset(&st, 0, sizeof(st));
		assert_int_equal(0, ((xstat_fn)sym(xstats[i]))(1, "/dev/iommu",
							       &st));
		is_iommu_node(&st);
	}
	assert_int_equal(0, ((fxstat_fn)sym("__fxstat"))(1, fd, &st));
	is_iommu_node(&st);
	assert_int_equal(0, ((fxstat_fn)sym("__fxstat64"))(1, fd, &st));
	is_iommu_node(&st);
	memset(&st, 0, sizeof(st));
	assert_int_equal(0, ((fstat_fn)sym("fstat64"))(fd, &st));
	is_iommu_node(&st);
	assert_int_equal(0, ((fstatat_fn)sym("fstatat64"))(
				    AT_FDCWD, "/dev/iommu", &st, 0));
	is_iommu_node(&st);
	assert_int_equal(0, ((fxstatat_fn)sym("__fxstatat"))(
				    1, AT_FDCWD, "/dev/iommu", &st, 0));
	is_iommu_node(&st);
	assert_int_equal(0, ((fxstatat_fn)sym("__fxstatat64"))(
				    1, AT_FDCWD, "/dev/iommu", &st, 0));
	is_iommu_node(&st);
	/* A path the shim does not serve: the real file's answer */
	assert_int_equal(-1, ((stat_fn)sym("stat"))("/nonexistent", &st));
	assert_int_equal(ENOENT, errno);

	for (size_t i = 0; i != ARRAY_LEN(opens2); i++)
		is_iommufd(((open2_fn)sym(opens2[i]))("/dev/iommu", O_RDWR));
	for (size_t i = 0; i != ARRAY_LEN(openats2); i++)
		is_iommufd(((openat2_fn)sym(openats2[i]))(
			AT_FDCWD, "/dev/iommu", O_RDWR));
	/* creat() opens the existing node for writing */
	is_iommufd(((creat_fn)sym("creat"))("/dev/iommu", 0600));
	is_iommufd(((creat_fn)sym("creat64"))("/dev/iommu", 0600));

	/* The fail-nth file through the 32-bit offset and fortified calls */
	f = open("/proc/self/fail-nth", O_RDWR);
	assert_int_equal(2, ((pwrite_fn)sym("pwrite"))(f, "7\n", 2, 0));
	assert_int_equal(2, ((pread_fn)sym("pread"))(f, buf, sizeof(buf), 0));
	assert_int_equal('7', buf[0]);
	assert_int_equal(2, ((preadv_fn)sym("preadv"))(f, &iov, 1, 0));
	assert_int_equal(2, ((preadv_fn)sym("pwritev"))(f, &iov, 1, 0));
	assert_int_equal(2, ((pread_chk_fn)sym("__pread_chk"))(f, buf, 2, 0,
							       sizeof(buf)));
	assert_int_equal(2, ((pread_chk_fn)sym("__pread64_chk"))(f, buf, 2, 0,
								 sizeof(buf)));
	assert_int_equal(2, ((read_chk_fn)sym("__read_chk"))(f, buf, 2,
							     sizeof(buf)));
	assert_int_equal(2, write(f, "0\n", 2));
	close(f);
	/* On a file the shim does not serve, the real calls answer */
	f = open("/dev/null", O_RDWR);
	assert_int_equal(0, ((read_chk_fn)sym("__read_chk"))(f, buf, 2,
							     sizeof(buf)));
	assert_int_equal(0, ((pread_chk_fn)sym("__pread_chk"))(f, buf, 2, 0,
							       sizeof(buf)));
	assert_int_equal(2, ((pwrite_fn)sym("pwrite"))(f, buf, 2, 0));
	assert_int_equal(0, ((preadv_fn)sym("preadv"))(f, &iov, 1, 0));
	assert_int_equal(2, writev(f, &iov, 1));
	assert_int_equal(0, readv(f, &iov, 1));
	close(f);
	close(fd);
}

static void test_stdio_modes(void **state)
{
	char line[16];
	FILE *f;

	(void)state;
	/* Write-only and append modes on a served file */
	f = fopen("/proc/self/fail-nth", "w");
	assert_non_null(f);
	assert_true(fputs("4", f) >= 0);
	assert_int_equal(0, fclose(f));
	f = fopen("/proc/thread-self/fail-nth", "a+");
	assert_non_null(f);
	assert_true(fputs("0", f) >= 0);
	fflush(f);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal("0\n", line);
	fclose(f);
	/* A mode stdio rejects, on a served path too */
	assert_null(fopen("/dev/iommu", "z"));
	assert_int_equal(EINVAL, errno);
	/* An existing node cannot be created exclusively */
	assert_null(fopen("/dev/iommu", "wx"));
	assert_int_equal(EEXIST, errno);
	/* A stream on the iommufd itself: its descriptor takes ioctls */
	f = fopen("/dev/iommu", "r+e");
	assert_non_null(f);
	assert_int_equal(1, ioas_alloc(fileno(f)));
	/*
	 * fclose() ends the engine's file with the stream: the number, taken
	 * again by a plain file, is that file's (ENOTTY for an iommufd ioctl)
	 */
	{
		FILE *g = fopen("/dev/iommu", "r+");
		struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
		int n, nf;

		assert_non_null(g);
		n = fileno(g);
		assert_int_equal(0, fclose(g));
		nf = open("/dev/null", O_RDWR);
		assert_int_equal(n, nf);
		assert_int_equal(-1, ioctl(nf, IOMMU_IOAS_ALLOC, &cmd));
		assert_int_equal(ENOTTY, errno);
		close(nf);
	}
	/* freopen onto an engine file would lose it: refused, stream closed */
	assert_null(freopen("/dev/iommu", "r+", f));
	assert_int_equal(EOPNOTSUPP, errno);
	/* freopen onto a served real file, and onto a path not served */
	f = fopen("/dev/null", "r");
	f = freopen("/proc/self/status", "r", f);
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	f = freopen64("/dev/null", "r", f);
	assert_non_null(f);
	fclose(f);
	/* A directory stream of a path not served is the real one */
	{
		DIR *d = opendir("/proc/self");

		assert_non_null(d);
		closedir(d);
		assert_null(opendir("/dev/iommu"));
		assert_int_equal(ENOTDIR, errno);
	}
}

/* The names a program may use for the nodes and trees the shim serves */
static void test_other_names(void **state)
{
	char dev[64] = "", path[PATH_MAX], root[32];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd, dir;

	(void)state;
	d = opendir("/sys/bus/pci/drivers/vfio-pci");
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strchr(e->d_name, ':') && strlen(e->d_name) < sizeof(dev))
			strcpy(dev, e->d_name);
	closedir(d);
	/* The device cdev by its /dev/char name */
	assert_int_equal(0, stat("/dev/vfio/devices/vfio0", &st));
	snprintf(path, sizeof(path), "/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	{
		struct stat st2;

		assert_int_equal(0, stat(path, &st2));
		assert_int_equal(st.st_rdev, st2.st_rdev);
		assert_true(S_ISCHR(st2.st_mode));
	}
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	close(fd);
	/* A number no device has */
	assert_int_equal(-1, stat("/dev/char/247:4000", &st));
	assert_int_equal(ENOENT, errno);
	/* The PCI root of the device in /sys/devices */
	snprintf(root, sizeof(root), "pci%.7s", dev);
	snprintf(path, sizeof(path), "/sys/devices/%s/%s/vendor", root, dev);
	assert_int_equal(0, access(path, R_OK));
	snprintf(path, sizeof(path), "/sys/devices/%s", root);
	assert_int_equal(0, stat(path, &st));
	assert_true(S_ISDIR(st.st_mode));
	/* Relative names through a served subtree, and dot components */
	assert_int_equal(0, chdir("/sys/bus/pci"));
	snprintf(path, sizeof(path), "devices/%s/../%s/./vendor", dev, dev);
	assert_int_equal(0, access(path, R_OK));
	dir = open("/sys/bus", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "pci/devices/%s/device", dev);
	fd = openat(dir, path, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	close(dir);
	/* (chdir into a directory only the shim serves is not possible) */
	assert_int_equal(0, chdir("/dev"));
	assert_int_equal(0, access("vfio/vfio", R_OK | W_OK));
	assert_int_equal(0, access("./vfio/../iommu", R_OK));
	assert_int_equal(0, chdir("/"));
	/* Names that only look like the served ones */
	assert_int_equal(-1, access("/dev/vfio/007", F_OK));
	assert_int_equal(
		-1, access("/dev/vfio/devices/vfio99999999999999999999", F_OK));
	assert_int_equal(-1, access("/dev/iommufd", F_OK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_stat),
		cmocka_unit_test(test_links_and_xattrs),
		cmocka_unit_test(test_dup_and_close),
		cmocka_unit_test(test_close_ranges),
		cmocka_unit_test(test_fault_queue_io),
		cmocka_unit_test(test_fail_nth),
		cmocka_unit_test(test_proc_files),
		cmocka_unit_test(test_debugfs),
		cmocka_unit_test(test_vfio_nodes),
		cmocka_unit_test(test_abi_entry_points),
		cmocka_unit_test(test_stdio_modes),
		cmocka_unit_test(test_other_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
