// SPDX-License-Identifier: MIT
/*
 * The C API's own contract (include/uiommufd/uiommufd.h), beyond the
 * ioctls: what each call answers for a descriptor that is not the
 * engine's, for a file without the operation asked, for duplicates made
 * with dup(2) and told with uiommufd_fd_dup(), and for the fail-nth file.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "test_helpers.h"

static void test_foreign_descriptors(void **state)
{
	int fd = uiommufd_open(O_CLOEXEC), null = open("/dev/null", O_RDWR);
	char buf[8];
	void *out;

	(void)state;
	assert_int_equal(UIOMMUFD_FD_IOMMUFD, uiommufd_fd_kind(fd));
	assert_int_equal(UIOMMUFD_FD_NONE, uiommufd_fd_kind(null));
	assert_int_equal(UIOMMUFD_FD_NONE, uiommufd_fd_kind(-1));
	assert_int_equal(-EBADF, uiommufd_ioctl(null, IOMMU_IOAS_ALLOC, 0));
	assert_int_equal(-EBADF, uiommufd_read(null, buf, 1));
	assert_int_equal(-EBADF, uiommufd_pwrite(null, buf, 1, 0));
	assert_int_equal(-EBADF, uiommufd_close(null));
	assert_int_equal(-EBADF, uiommufd_fd_devnode(null, buf, sizeof(buf)));
	assert_int_equal(-EBADF, uiommufd_mmap(NULL, 4096, PROT_READ,
					       MAP_SHARED, null, 0, &out));
	assert_int_equal(-EBADF, uiommufd_fdinfo(null, null));
	assert_int_equal(-EBADF, uiommufd_fd_dup(null, 1000));
	assert_int_equal(-EINVAL, uiommufd_vfio_group_open(NULL, 0));

	/* No region at offset 0 to mmap, no device node of a VFIO kind */
	assert_int_equal(-ENXIO, uiommufd_mmap(NULL, 4096, PROT_READ,
					       MAP_SHARED, fd, 0, &out));
	/* What mmap(2) refuses first */
	assert_int_equal(-EINVAL, uiommufd_mmap(NULL, 0, PROT_READ, MAP_SHARED,
						fd, 0, &out));
	assert_int_equal(-EINVAL, uiommufd_mmap(NULL, 4096, PROT_READ,
						MAP_SHARED, fd, 1, &out));
	assert_int_equal(-ENOENT, uiommufd_fd_devnode(fd, buf, sizeof(buf)));
	/* No read or write, and no position for pread */
	assert_int_equal(-EINVAL, uiommufd_read(fd, buf, 1));
	assert_int_equal(-EINVAL, uiommufd_write(fd, buf, 1));
	assert_int_equal(-ESPIPE, uiommufd_pread(fd, buf, 1, 0));
	close(null);
	assert_int_equal(0, uiommufd_close(fd));
	assert_int_equal(-EBADF, uiommufd_close(fd));
}

static void test_dup(void **state)
{
	int fd = uiommufd_open(0), other = uiommufd_open(0), copy;
	uint32_t ioas;

	(void)state;
	ioas = ioas_alloc(fd);
	copy = dup(fd);
	assert_true(copy >= 0);
	/* Not told yet: the engine does not know the new number */
	assert_int_equal(UIOMMUFD_FD_NONE, uiommufd_fd_kind(copy));
	assert_int_equal(0, uiommufd_fd_dup(fd, copy));
	assert_int_equal(UIOMMUFD_FD_IOMMUFD, uiommufd_fd_kind(copy));
	/* A number still holding another engine file must be closed first */
	assert_int_equal(-EBUSY, uiommufd_fd_dup(fd, other));
	assert_int_equal(1, ioas_alloc(other));
	/* The file lives while either number does */
	assert_int_equal(0, uiommufd_close(fd));
	assert_int_equal(0, destroy(copy, ioas));
	assert_int_equal(0, uiommufd_close(copy));
	assert_int_equal(0, uiommufd_close(other));
}

static void test_fail_nth_file(void **state)
{
	int f = uiommufd_fail_nth_open(O_CLOEXEC), fd = uiommufd_open(0);
	char buf[16] = {0};
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	(void)state;
	assert_true(f >= 0);
	assert_int_equal(UIOMMUFD_FD_FAIL_NTH, uiommufd_fd_kind(f));
	assert_int_equal(FD_CLOEXEC, fcntl(f, F_GETFD));
	assert_int_equal(2, uiommufd_read(f, buf, sizeof(buf)));
	assert_string_equal("0\n", buf);
	/* Not a number, or out of range: refused, nothing set */
	assert_int_equal(-EINVAL, uiommufd_write(f, "x", 1));
	assert_int_equal(-EINVAL, uiommufd_write(f, "", 0));
	assert_int_equal(-EINVAL, uiommufd_write(f, "99999999999", 11));
	assert_int_equal(0, uiommufd_fail_nth_get());
	assert_int_equal(2, uiommufd_write(f, "1\n", 2));
	assert_int_equal(1, uiommufd_fail_nth_get());
	assert_int_equal(-ENOMEM, ioc(fd, IOMMU_IOAS_ALLOC, &cmd));
	assert_int_equal(0, uiommufd_fail_nth_get());
	/* No position: pread and pwrite at any offset are read and write */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(2, uiommufd_pread(f, buf, sizeof(buf), 5));
	assert_string_equal("0\n", buf);
	assert_int_equal(1, uiommufd_pwrite(f, "3", 1, 100));
	assert_int_equal(3, uiommufd_fail_nth_get());
	assert_int_equal(-EINVAL, uiommufd_pwrite(f, "0", 1, -1));
	assert_int_equal(3, uiommufd_fail_nth_get());
	uiommufd_fail_nth_set(0);
	/* No ioctls on it */
	assert_int_equal(-ENOTTY, uiommufd_ioctl(f, IOMMU_IOAS_ALLOC, 0));
	assert_int_equal(0, uiommufd_close(f));
	assert_int_equal(0, uiommufd_close(fd));
}

static void test_proc_counters(void **state)
{
	long pinned = -1, locked = -1;
	pid_t child;
	int status;

	(void)state;
	/* A process that pinned nothing, alive or gone */
	child = fork();
	if (!child) {
		pause();
		_exit(0);
	}
	assert_int_equal(0, uiommufd_proc_counters(child, &pinned, &locked));
	assert_int_equal(0, pinned);
	assert_int_equal(0, locked);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	assert_int_equal(0, uiommufd_proc_counters(child, &pinned, &locked));
	assert_int_equal(0, pinned);
}

/* The kernel's count of this process's mlock()ed memory, in kB */
static long vm_lck_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/*
 * UIOMMUFD_MLOCK=1 (meson runs this program once more with it): pinned
 * pages are mlock()ed too, for as long as something pins them.
 */
static void test_mlock_policy(void **state)
{
	const char *env = getenv("UIOMMUFD_MLOCK");
	uint64_t iova = MOCK_APERTURE_START, iova2 = 0x100000;
	long before = vm_lck_kb(), kb = (long)PAGE_SZ / 1024;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.create_access =
			{.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
	};
	uint32_t ioas, access_ioas;
	void *buf;
	int fd;

	(void)state;
	if (!env || strcmp(env, "1"))
		skip();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	/* The sanitizers' runtimes make mlock() a no-op */
	skip();
#endif
	fd = uiommufd_open(0);
	buf = map_anon(4 * PAGE_SZ);
	ioas = ioas_alloc(fd);
	access_ioas = ioas_alloc(fd);
	cmd.id = access_ioas;
	mock_dev_add(fd, ioas);
	assert_int_equal(0, ioas_map(fd, ioas, buf, 4 * PAGE_SZ, &iova, FIXED));
	assert_int_equal(before + 4 * kb, vm_lck_kb());
	/* A second pinner of two pages: they stay locked when the first goes */
	assert_int_equal(0, ioas_map(fd, access_ioas, buf, 4 * PAGE_SZ, &iova2,
				     FIXED));
	assert_int_equal(0, test_op(fd, &cmd));
	cmd = (struct iommu_test_cmd){
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = cmd.create_access.out_access_fd,
		.access_pages = {.iova = 0x100000 + PAGE_SZ,
				 .length = 2 * PAGE_SZ},
	};
	assert_int_equal(0, test_op(fd, &cmd));
	assert_int_equal(0, ioas_unmap(fd, ioas, 0, UINT64_MAX, NULL));
	assert_int_equal(before + 2 * kb, vm_lck_kb());
	assert_int_equal(0, uiommufd_close((int)cmd.id));
	assert_int_equal(before, vm_lck_kb());
	uiommufd_close(fd);
	munmap(buf, 4 * PAGE_SZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_descriptors),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_fail_nth_file),
		cmocka_unit_test(test_proc_counters),
		cmocka_unit_test(test_mlock_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
