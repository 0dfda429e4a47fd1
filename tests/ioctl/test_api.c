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

	/* The iommufd has no mmap, no device node of a VFIO kind */
	assert_int_equal(-ENODEV, uiommufd_mmap(NULL, 4096, PROT_READ,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_descriptors),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_fail_nth_file),
		cmocka_unit_test(test_proc_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
