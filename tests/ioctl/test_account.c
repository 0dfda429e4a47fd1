// SPDX-License-Identifier: MIT
/*
 * Pinned-page accounting against RLIMIT_MEMLOCK, as the kernel's
 * iommufd does it (pages.c, ioas.c): a caller without CAP_IPC_LOCK has
 * every pinned page charged, per user by default (the user's locked
 * pages, shown as VmPin) or per process with IOMMU_OPTION_RLIMIT_MODE 1
 * (the VFIO way, VmLck too); a pin past the limit is ENOMEM and changes
 * nothing; CHANGE_PROCESS moves the charge. CAP_IPC_LOCK is dropped from
 * the test thread's effective set for this, as capable() looks there.
 *
 * The per-user count is shared with every process of the user, so the
 * limits below are set above what the user has locked when a case starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "test_helpers.h"

static struct rlimit saved_limit;
/*
 * Whether the process was exempt from accounting when it started: if not,
 * the other tests' pins are charged to the same user as they run, and
 * counts compared across a case would move under it.
 */
static bool exempt;

static int set_effective(int cap, bool on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	if (on)
		data[cap / 32].effective |= 1u << (cap % 32);
	else
		data[cap / 32].effective &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

static int setup(void **state)
{
	int fd = uiommufd_open(O_CLOEXEC);

	if (fd < 0 || getrlimit(RLIMIT_MEMLOCK, &saved_limit))
		return -1;
	exempt = have_cap(CAP_IPC_LOCK);
	if (set_effective(CAP_IPC_LOCK, false))
		return -1;
	*state = (void *)(intptr_t)fd;
	return 0;
}

static int teardown(void **state)
{
	uiommufd_close((int)(intptr_t)*state);
	setrlimit(RLIMIT_MEMLOCK, &saved_limit);
	set_effective(CAP_IPC_LOCK, true);
	return 0;
}

#define FD ((int)(intptr_t)*state)

/* The pages the user has locked now, as the context sees them */
static long user_locked_pages(int fd)
{
	int mfd = memfd_create("dump", 0);
	char text[256] = "", *p;
	long pages = -1;

	assert_int_equal(0, uiommufd_dump(fd, mfd));
	assert_true(pread(mfd, text, sizeof(text) - 1, 0) > 0);
	p = strstr(text, "user_locked_pages ");
	if (p)
		pages = strtol(p + strlen("user_locked_pages "), NULL, 10);
	close(mfd);
	return pages;
}

/* Allow @more pages on top of what the user has locked already */
static void limit_to(int fd, long more)
{
	struct rlimit rl = saved_limit;
	long now = user_locked_pages(fd);

	if (!exempt)
		skip();
	assert_true(now >= 0);
	rl.rlim_cur = (rlim_t)(now + more) * PAGE_SZ;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
		skip();
	assert_int_equal(0, setrlimit(RLIMIT_MEMLOCK, &rl));
}

static void counters(long *pinned_kb, long *locked_kb)
{
	assert_int_equal(0, uiommufd_proc_counters(getpid(), pinned_kb,
						   locked_kb));
}

static void test_user_mode(void **state)
{
	const long kb = PAGE_SZ / 1024;
	void *buf = map_anon(16 * PAGE_SZ);
	uint32_t ioas = ioas_alloc(FD);
	struct mock_dev_ids dev = mock_dev_add(FD, ioas);
	uint64_t iova = MOCK_APERTURE_START, len;
	long pinned, locked, before = user_locked_pages(FD);

	(void)dev;
	limit_to(FD, 8);
	/* A domain pins what is mapped: charged to the user */
	assert_int_equal(0, ioas_map(FD, ioas, buf, 4 * PAGE_SZ, &iova, FIXED));
	assert_int_equal(before + 4, user_locked_pages(FD));
	counters(&pinned, &locked);
	assert_int_equal(4 * kb, pinned);
	assert_int_equal(0, locked);
	/* Past the limit: refused, nothing pinned, nothing charged */
	iova = MOCK_APERTURE_START + 0x100000;
	assert_int_equal(-ENOMEM, ioas_map(FD, ioas, (char *)buf + 4 * PAGE_SZ,
					   8 * PAGE_SZ, &iova, FIXED));
	assert_int_equal(before + 4, user_locked_pages(FD));
	assert_int_equal(0, check_refs(FD, (char *)buf + 4 * PAGE_SZ,
				       8 * PAGE_SZ, 0));
	assert_int_equal(-ENOENT,
			 ioas_unmap(FD, ioas, iova, 8 * PAGE_SZ, NULL));
	/* Up to the limit is fine */
	assert_int_equal(0, ioas_map(FD, ioas, (char *)buf + 4 * PAGE_SZ,
				     4 * PAGE_SZ, &iova, FIXED));
	assert_int_equal(before + 8, user_locked_pages(FD));
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, &len));
	assert_int_equal(8 * PAGE_SZ, len);
	assert_int_equal(before, user_locked_pages(FD));
	counters(&pinned, &locked);
	assert_int_equal(0, pinned);
	munmap(buf, 16 * PAGE_SZ);
}

/* An access pins without a domain, and is charged the same */
static void test_access_pins(void **state)
{
	void *buf = map_anon(8 * PAGE_SZ);
	uint32_t ioas = ioas_alloc(FD);
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas,
		.create_access =
			{.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
	};
	uint64_t iova = 0x100000;
	long before = user_locked_pages(FD);
	int access;

	limit_to(FD, 2);
	assert_int_equal(0, ioas_map(FD, ioas, buf, 8 * PAGE_SZ, &iova, FIXED));
	/* Mapping alone pins nothing */
	assert_int_equal(before, user_locked_pages(FD));
	assert_int_equal(0, test_op(FD, &cmd));
	access = (int)cmd.create_access.out_access_fd;
	cmd = (struct iommu_test_cmd){
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)access,
		.access_pages = {.iova = 0x100000, .length = 4 * PAGE_SZ},
	};
	assert_int_equal(-ENOMEM, test_op(FD, &cmd));
	cmd.access_pages.length = 2 * PAGE_SZ;
	assert_int_equal(0, test_op(FD, &cmd));
	assert_int_equal(before + 2, user_locked_pages(FD));
	assert_int_equal(0, uiommufd_close(access));
	assert_int_equal(before, user_locked_pages(FD));
	munmap(buf, 8 * PAGE_SZ);
}

/* Per process, the VFIO way: VmLck, and RLIMIT_MEMLOCK of the process */
static void test_mm_mode(void **state)
{
	const long kb = PAGE_SZ / 1024;
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_SET,
		.val64 = 1,
	};
	struct iommu_ioas_change_process cp = {.size = sizeof(cp)};
	struct rlimit rl = saved_limit;
	int mfd = memfd_create("account", 0);
	long pinned, locked, locked0;
	uint32_t ioas;
	uint64_t iova = MOCK_APERTURE_START;

	if (!have_cap(CAP_SYS_RESOURCE))
		skip();
	assert_int_equal(0, ioc(FD, IOMMU_OPTION, &opt));
	opt.op = IOMMU_OPTION_OP_GET;
	assert_int_equal(0, ioc(FD, IOMMU_OPTION, &opt));
	assert_int_equal(1, opt.val64);
	counters(&pinned, &locked0);
	rl.rlim_cur = (rlim_t)(locked0 / kb + 4) * PAGE_SZ;
	assert_int_equal(0, setrlimit(RLIMIT_MEMLOCK, &rl));

	ioas = ioas_alloc(FD);
	mock_dev_add(FD, ioas);
	assert_int_equal(0, ftruncate(mfd, 8 * PAGE_SZ));
	{
		struct iommu_ioas_map_file map = {
			.size = sizeof(map),
			.flags = FIXED,
			.ioas_id = ioas,
			.fd = mfd,
			.length = 4 * PAGE_SZ,
			.iova = iova,
		};

		assert_int_equal(0, ioc(FD, IOMMU_IOAS_MAP_FILE, &map));
		counters(&pinned, &locked);
		assert_int_equal(locked0 + 4 * kb, locked);
		map.iova += 0x100000;
		map.length = PAGE_SZ;
		assert_int_equal(-ENOMEM, ioc(FD, IOMMU_IOAS_MAP_FILE, &map));
	}
	/* The charge moves to the calling process: here, the same one */
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_CHANGE_PROCESS, &cp));
	counters(&pinned, &locked);
	assert_int_equal(locked0 + 4 * kb, locked);
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, NULL));
	counters(&pinned, &locked);
	assert_int_equal(locked0, locked);
	close(mfd);
}

/* A child pins two pages through a domain, and dies still holding them */
static void pin_and_die(void)
{
	int fd = uiommufd_open(0);
	uint32_t ioas = ioas_alloc(fd);
	void *buf = map_anon(2 * PAGE_SZ);
	uint64_t iova = MOCK_APERTURE_START;

	mock_dev_add(fd, ioas);
	_exit(ioas_map(fd, ioas, buf, 2 * PAGE_SZ, &iova, FIXED) ? 1 : 0);
}

/* A child joins the accounting, which takes back what the dead left */
static void join(int go)
{
	int fd, null = open("/dev/null", O_WRONLY);
	char c;

	(void)!read(go, &c, 1);
	fd = uiommufd_open(0);
	_exit(fd < 0 || uiommufd_dump(fd, null) ? 1 : 0);
}

static void wait_all(int n)
{
	int status;

	for (int i = 0; i != n; i++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && !WEXITSTATUS(status));
	}
}

/*
 * Processes that die with pins charged leave them to be taken back by the
 * next process that joins; when many join at once, each dead process's
 * share must come back once (a double reclaim drove the user's count
 * below what it had, even below zero).
 */
static void test_dead_processes_reclaimed(void **state)
{
	long before = user_locked_pages(FD);

	if (!exempt)
		skip();
	for (int round = 0; round != 2; round++) {
		int go[2];

		for (int i = 0; i != 16; i++)
			if (!fork())
				pin_and_die();
		wait_all(16);
		assert_int_equal(0, pipe(go));
		for (int i = 0; i != 32; i++) {
			if (!fork()) {
				close(go[1]);
				join(go[0]);
			}
		}
		close(go[0]);
		close(go[1]);
		wait_all(32);
		assert_int_equal(before, user_locked_pages(FD));
	}
}

/*
 * A process pins, forks, and its child closes its descriptor of the
 * context: the context and its pins stay the parent's (they once went
 * with the child's copy). When the parent dies, its share comes back.
 */
static void test_forked_copy_released(void **state)
{
	long before = user_locked_pages(FD);
	int status;
	pid_t pid;

	if (!exempt || before != 0)
		skip();
	pid = fork();
	if (!pid) {
		int fd = uiommufd_open(0);
		uint32_t ioas = ioas_alloc(fd);
		void *buf = map_anon(2 * PAGE_SZ);
		uint64_t iova = MOCK_APERTURE_START;
		pid_t child;

		mock_dev_add(fd, ioas);
		if (ioas_map(fd, ioas, buf, 2 * PAGE_SZ, &iova, FIXED))
			_exit(1);
		child = fork();
		if (!child)
			_exit(uiommufd_close(fd) ? 1 : 0);
		waitpid(child, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			_exit(1);
		_exit(user_locked_pages(fd) == 2 ? 0 : 2);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && !WEXITSTATUS(status));
	/* Someone joins, and takes back what the dead left */
	pid = fork();
	if (!pid)
		_exit(uiommufd_open(0) < 0);
	waitpid(pid, &status, 0);
	assert_int_equal(0, user_locked_pages(FD));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_user_mode),
		T(test_access_pins),
		T(test_mm_mode),
		T(test_dead_processes_reclaimed),
		T(test_forked_copy_released),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
