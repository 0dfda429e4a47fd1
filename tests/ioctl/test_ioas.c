// SPDX-License-Identifier: MIT
/*
 * The core and IOAS ioctls, errno for errno, through the C API.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "test_helpers.h"
#include <uiommufd/vfio.h>

static int setup_fd(void **state)
{
	int fd = uiommufd_open(O_CLOEXEC);

	if (fd < 0)
		return -1;
	*state = (void *)(intptr_t)fd;
	return 0;
}

static int teardown_fd(void **state)
{
	return uiommufd_close((int)(intptr_t)*state);
}

#define FD ((int)(intptr_t)*state)

static void test_dispatch_errors(void **state)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd)};
	struct {
		struct iommu_destroy cmd;
		uint64_t future;
	} ext = {.cmd = {.size = sizeof(ext)}};

	/* An unknown number in the iommufd range, and below it */
	assert_int_equal(-ENOTTY, ioc(FD, _IO(IOMMUFD_TYPE, 0x95), &cmd));
	assert_int_equal(-ENOTTY, ioc(FD, _IO(IOMMUFD_TYPE, 0x7f), &cmd));
	/* A known number with other direction/size bits */
	assert_int_equal(-ENOTTY,
			 ioc(FD, _IOW(IOMMUFD_TYPE, 0x80, uint32_t), &cmd));
	/* The size cannot even be read */
	assert_int_equal(-EFAULT, ioc(FD, IOMMU_DESTROY, NULL));
	assert_int_equal(-EFAULT, ioc(FD, IOMMU_DESTROY, (void *)8));
	/* Too short, too long with a non-zero tail, long with a zero tail */
	cmd.size = offsetofend(struct iommu_destroy, id) - 1;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_DESTROY, &cmd));
	ext.future = 1;
	assert_int_equal(-E2BIG, ioc(FD, IOMMU_DESTROY, &ext));
	ext.future = 0;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_DESTROY, &ext));
	/* Not one of ours at all */
	assert_int_equal(-EBADF, uiommufd_ioctl(0, IOMMU_DESTROY, 0));
}

static void test_object_ids(void **state)
{
	uint32_t a = ioas_alloc(FD), b = ioas_alloc(FD), c = ioas_alloc(FD);
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd), .flags = 1};

	assert_int_equal(1, a);
	assert_int_equal(2, b);
	assert_int_equal(3, c);
	assert_int_equal(0, destroy(FD, b));
	assert_int_equal(-ENOENT, destroy(FD, b));
	/* Lowest free ID first */
	assert_int_equal(2, ioas_alloc(FD));
	assert_int_equal(4, ioas_alloc(FD));
	assert_int_equal(-ENOENT, destroy(FD, 0));
	assert_int_equal(-ENOENT, destroy(FD, 1000));
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_ALLOC, &cmd));
}

static void test_map_errors(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	void *buf = map_anon(4 * PAGE_SZ);
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = PAGE_SZ,
	};
	uint64_t iova;

	cmd.flags = RW | (1 << 3);
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.flags = RW;
	cmd.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.__reserved = 0;
	cmd.flags = 0;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.flags = RW;
	cmd.length = ULONG_MAX;
	assert_int_equal(-EOVERFLOW, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.length = 0;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.length = PAGE_SZ;
	cmd.iova = ULONG_MAX;
	cmd.flags = FIXED;
	assert_int_equal(-EOVERFLOW, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	/* The mapping would wrap around the IOVA space */
	cmd.iova = ULONG_MAX - PAGE_SZ + 2;
	assert_int_equal(-EOVERFLOW, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	/* The user range would wrap around */
	cmd.iova = 0;
	cmd.user_va = ULONG_MAX - 10;
	assert_int_equal(-EOVERFLOW, ioc(FD, IOMMU_IOAS_MAP, &cmd));
	cmd.user_va = (uintptr_t)buf;
	cmd.ioas_id = 77;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_IOAS_MAP, &cmd));

	iova = 0x10000;
	assert_int_equal(0, ioas_map(FD, ioas, buf, 2 * PAGE_SZ, &iova, FIXED));
	/* Over-map in every way */
	iova = 0x10000;
	assert_int_equal(-EEXIST,
			 ioas_map(FD, ioas, buf, PAGE_SZ, &iova, FIXED));
	iova = 0x10000 - PAGE_SZ;
	assert_int_equal(-EEXIST,
			 ioas_map(FD, ioas, buf, 2 * PAGE_SZ, &iova, FIXED));
	iova = 0x10000 + PAGE_SZ;
	assert_int_equal(-EEXIST,
			 ioas_map(FD, ioas, buf, PAGE_SZ, &iova, FIXED));
	/* Memory that does not exist can be mapped: nothing is pinned yet */
	iova = 0;
	assert_int_equal(0, ioas_map(FD, ioas, (void *)(1UL << 40), PAGE_SZ,
				     &iova, RW));
	assert_int_not_equal(0, iova);
	munmap(buf, 4 * PAGE_SZ);
}

static void test_unmap(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	void *buf = map_anon(16 * PAGE_SZ);
	uint64_t base = 0x100000, iova, len;

	assert_int_equal(-ENOENT, ioas_unmap(FD, ioas, base, PAGE_SZ, NULL));
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, &len));
	assert_int_equal(0, len);
	assert_int_equal(-EINVAL, ioas_unmap(FD, ioas, base, 0, NULL));
	assert_int_equal(-EOVERFLOW,
			 ioas_unmap(FD, ioas, ULONG_MAX, PAGE_SZ, NULL));
	assert_int_equal(-EOVERFLOW,
			 ioas_unmap(FD, ioas, base, ULONG_MAX, NULL));
	assert_int_equal(-ENOENT, ioas_unmap(FD, 77, base, PAGE_SZ, NULL));

	for (int i = 0; i != 4; i++) {
		iova = base + i * 4 * PAGE_SZ;
		assert_int_equal(0, ioas_map(FD, ioas, buf, 2 * PAGE_SZ, &iova,
					     FIXED));
	}
	/* No splitting: a range cutting an area fails, nothing changes */
	assert_int_equal(-ENOENT, ioas_unmap(FD, ioas, base, PAGE_SZ, NULL));
	assert_int_equal(-ENOENT,
			 ioas_unmap(FD, ioas, base + PAGE_SZ, PAGE_SZ, NULL));
	/* A superset of whole areas unmaps them and reports the length */
	assert_int_equal(0, ioas_unmap(FD, ioas, base - PAGE_SZ, 9 * PAGE_SZ,
				       &len));
	assert_int_equal(4 * PAGE_SZ, len);
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, &len));
	assert_int_equal(4 * PAGE_SZ, len);
	munmap(buf, 16 * PAGE_SZ);
}

static void test_auto_iova(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	void *buf = map_anon(16 * PAGE_SZ);
	uint64_t iovas[10];

	for (int i = 0; i != 10; i++) {
		size_t length = PAGE_SZ * (i + 1);

		iovas[i] = 0;
		assert_int_equal(0, ioas_map(FD, ioas, (void *)(1UL << 31),
					     length, &iovas[i], RW));
		/* Aligned to the length's power of two, never zero */
		assert_int_equal(0, iovas[i] % (1UL << (ffs((int)length) - 1)));
		assert_int_not_equal(0, iovas[i]);
	}
	for (int i = 0; i != 10; i++)
		assert_int_equal(0, ioas_unmap(FD, ioas, iovas[i],
					       PAGE_SZ * (i + 1), NULL));
	/* The offset of the user address within its page is kept */
	iovas[0] = 0;
	assert_int_equal(0, ioas_map(FD, ioas, (char *)buf + 100, 200,
				     &iovas[0], RW));
	assert_int_equal(100, iovas[0] % PAGE_SZ);
	munmap(buf, 16 * PAGE_SZ);
}

static void test_iova_ranges(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	struct iommu_iova_range ranges[4] = {};
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = 4,
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_test_cmd resv = {
		.size = sizeof(resv),
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = ioas,
		.add_reserved = {.start = PAGE_SZ, .length = PAGE_SZ},
	};

	assert_int_equal(0, ioc(FD, IOMMU_IOAS_IOVA_RANGES, &cmd));
	assert_int_equal(1, cmd.num_iovas);
	assert_int_equal(0, ranges[0].start);
	assert_int_equal(UINT64_MAX, ranges[0].last);
	assert_int_equal(1, cmd.out_iova_alignment);

	assert_int_equal(0, ioc(FD, IOMMU_TEST_CMD, &resv));
	cmd.num_iovas = 1;
	memset(ranges, 0, sizeof(ranges));
	assert_int_equal(-EMSGSIZE, ioc(FD, IOMMU_IOAS_IOVA_RANGES, &cmd));
	assert_int_equal(2, cmd.num_iovas);
	assert_int_equal(PAGE_SZ - 1, ranges[0].last);
	assert_int_equal(0, ranges[1].last);

	cmd.num_iovas = 4;
	cmd.allowed_iovas = 8;
	assert_int_equal(-EFAULT, ioc(FD, IOMMU_IOAS_IOVA_RANGES, &cmd));
	cmd.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_IOVA_RANGES, &cmd));
}

static void test_allow_iovas(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	struct iommu_iova_range ranges[2] = {
		{.start = 0x10000, .last = 0x1ffff},
		{.start = 0x18000, .last = 0x2ffff},
	};
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = 2,
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_test_cmd resv = {
		.size = sizeof(resv),
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = ioas,
		.add_reserved = {.start = 0x11000, .length = 0x1000},
	};
	uint64_t iova = 0;
	void *buf = map_anon(PAGE_SZ);

	/* Overlapping ranges in one request */
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	ranges[1].start = ranges[1].last;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	cmd.allowed_iovas = 8;
	assert_int_equal(-EFAULT, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	cmd.allowed_iovas = (uintptr_t)ranges;
	cmd.num_iovas = 1;
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	/* Reserving inside an allowed range is refused, and the reverse */
	assert_int_equal(-EADDRINUSE, ioc(FD, IOMMU_TEST_CMD, &resv));
	cmd.num_iovas = 0;
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	assert_int_equal(0, ioc(FD, IOMMU_TEST_CMD, &resv));
	cmd.num_iovas = 1;
	assert_int_equal(-EADDRINUSE, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	/* Allocation stays inside the allowed ranges */
	ranges[0].start = 0x40000;
	ranges[0].last = 0x4ffff;
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_ALLOW_IOVAS, &cmd));
	assert_int_equal(0, ioas_map(FD, ioas, buf, PAGE_SZ, &iova, RW));
	assert_true(iova >= 0x40000 && iova <= 0x4ffff);
	munmap(buf, PAGE_SZ);
}

static void test_copy(void **state)
{
	uint32_t src = ioas_alloc(FD), dst = ioas_alloc(FD);
	void *buf = map_anon(4 * PAGE_SZ);
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = FIXED,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = 2 * PAGE_SZ,
		.dst_iova = 0x200000,
		.src_iova = 0x100000,
	};
	uint64_t iova = 0x100000;

	assert_int_equal(-ENOENT, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	assert_int_equal(0, ioas_map(FD, src, buf, 4 * PAGE_SZ, &iova, FIXED));
	cmd.length = 0;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	cmd.length = 2 * PAGE_SZ;
	cmd.flags = FIXED | (1 << 5);
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	cmd.flags = IOMMU_IOAS_MAP_FIXED_IOVA;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	cmd.flags = FIXED;
	cmd.dst_ioas_id = 99;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	cmd.dst_ioas_id = dst;
	/* A part of an area can be copied */
	cmd.src_iova = 0x100000 + PAGE_SZ;
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	/* The source range must be fully mapped */
	cmd.src_iova = 0x100000 + 3 * PAGE_SZ;
	cmd.dst_iova = 0x300000;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	/* Copy within the same IOAS */
	cmd.src_iova = 0x100000;
	cmd.dst_ioas_id = src;
	cmd.flags = RW;
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_COPY, &cmd));
	assert_int_not_equal(0, cmd.dst_iova);
	/* The source IOAS can go while the copy lives on */
	assert_int_equal(0, destroy(FD, src));
	munmap(buf, 4 * PAGE_SZ);
}

static void test_options(void **state)
{
	uint32_t ioas;
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_GET,
		.val64 = 7,
	};

	assert_int_equal(0, ioc(FD, IOMMU_OPTION, &cmd));
	assert_int_equal(0, cmd.val64);
	cmd.object_id = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_OPTION, &cmd));
	cmd.object_id = 0;
	cmd.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_OPTION, &cmd));
	cmd.__reserved = 0;
	cmd.op = 9;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_OPTION, &cmd));
	cmd.option_id = 5;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_OPTION, &cmd));

	cmd.option_id = IOMMU_OPTION_RLIMIT_MODE;
	cmd.op = IOMMU_OPTION_OP_SET;
	cmd.val64 = 1;
	/* As the kernel: changing the mode needs CAP_SYS_RESOURCE */
	if (have_cap(CAP_SYS_RESOURCE)) {
		assert_int_equal(0, ioc(FD, IOMMU_OPTION, &cmd));
		cmd.val64 = 2;
		assert_int_equal(-EINVAL, ioc(FD, IOMMU_OPTION, &cmd));
	} else {
		assert_int_equal(-EPERM, ioc(FD, IOMMU_OPTION, &cmd));
	}

	ioas = ioas_alloc(FD);
	if (have_cap(CAP_SYS_RESOURCE)) {
		/* Only while the context holds no object */
		cmd.val64 = 0;
		assert_int_equal(-EBUSY, ioc(FD, IOMMU_OPTION, &cmd));
	}

	cmd.option_id = IOMMU_OPTION_HUGE_PAGES;
	cmd.op = IOMMU_OPTION_OP_GET;
	cmd.object_id = 0;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_OPTION, &cmd));
	cmd.object_id = ioas;
	assert_int_equal(0, ioc(FD, IOMMU_OPTION, &cmd));
	assert_int_equal(1, cmd.val64);
	cmd.op = IOMMU_OPTION_OP_SET;
	cmd.val64 = 2;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_OPTION, &cmd));
	cmd.val64 = 0;
	{
		/* Not while a domain may already hold huge mappings */
		void *buf = map_anon(PAGE_SZ);
		uint64_t iova = MOCK_APERTURE_START;
		struct iommu_test_cmd md = {
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = ioas,
		};

		assert_int_equal(0, test_op(FD, &md));
		assert_int_equal(0, ioas_map(FD, ioas, buf, PAGE_SZ, &iova,
					     FIXED));
		assert_int_equal(-EINVAL, ioc(FD, IOMMU_OPTION, &cmd));
		assert_int_equal(0, ioas_unmap(FD, ioas, iova, PAGE_SZ, NULL));
		assert_int_equal(0, ioc(FD, IOMMU_OPTION, &cmd));
		assert_int_equal(0, destroy(FD, md.mock_domain.out_stdev_id));
		munmap(buf, PAGE_SZ);
	}
	{
		struct iommu_ioas_iova_ranges r = {
			.size = sizeof(r),
			.ioas_id = ioas,
		};

		assert_int_equal(-EMSGSIZE,
				 ioc(FD, IOMMU_IOAS_IOVA_RANGES, &r));
		/* Without huge pages everything is in CPU pages */
		assert_int_equal(PAGE_SZ, r.out_iova_alignment);
	}
}

static void test_vfio_ioas(void **state)
{
	struct iommu_vfio_ioas cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_VFIO_IOAS_GET,
	};
	uint32_t ioas;

	assert_int_equal(-ENODEV, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = IOMMU_VFIO_IOAS_SET;
	assert_int_equal(-ENOENT, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
	ioas = ioas_alloc(FD);
	cmd.ioas_id = ioas;
	assert_int_equal(0, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = IOMMU_VFIO_IOAS_GET;
	cmd.ioas_id = 0;
	assert_int_equal(0, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
	assert_int_equal(ioas, cmd.ioas_id);
	/* Coherent DMA: every domain of the compat IOAS must enforce it */
	assert_int_equal(1, uiommufd_ioctl(FD, VFIO_CHECK_EXTENSION,
					   VFIO_DMA_CC_IOMMU));
	{
		struct iommu_test_cmd md = {
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = ioas,
		};

		assert_int_equal(0, test_op(FD, &md));
		assert_int_equal(0, uiommufd_ioctl(FD, VFIO_CHECK_EXTENSION,
						   VFIO_DMA_CC_IOMMU));
		assert_int_equal(0, destroy(FD, md.mock_domain.out_stdev_id));
	}
	/* Destroying the compat IOAS clears it */
	assert_int_equal(0, destroy(FD, ioas));
	assert_int_equal(-ENODEV, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
	cmd.op = 3;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_VFIO_IOAS, &cmd));
}

static void test_map_file(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	int mfd = memfd_create("t", 0);
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.ioas_id = ioas,
		.fd = mfd,
		.length = 2 * PAGE_SZ,
	};

	assert_int_equal(0, ftruncate(mfd, 4 * PAGE_SZ));
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_MAP_FILE, &cmd));
	assert_int_not_equal(0, cmd.iova);
	cmd.fd = -1;
	assert_int_equal(-EBADF, ioc(FD, IOMMU_IOAS_MAP_FILE, &cmd));
	cmd.fd = mfd;
	cmd.length = 0;
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_MAP_FILE, &cmd));
	cmd.length = PAGE_SZ;
	cmd.start = ULONG_MAX - 10;
	assert_int_equal(-EOVERFLOW, ioc(FD, IOMMU_IOAS_MAP_FILE, &cmd));
	close(mfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_fd, teardown_fd)
		T(test_dispatch_errors), T(test_object_ids),
		T(test_map_errors),	 T(test_unmap),
		T(test_auto_iova),	 T(test_iova_ranges),
		T(test_allow_iovas),	 T(test_copy),
		T(test_options),	 T(test_vfio_ioas),
		T(test_map_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
