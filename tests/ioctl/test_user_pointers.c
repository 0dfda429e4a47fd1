// SPDX-License-Identifier: MIT
/*
 * User pointers the kernel takes without complaint or answers with EFAULT:
 * misaligned argument structs, NULL arrays, arrays ending past the top of
 * the address space. The engine must treat them as integers until it copies
 * (issue 7, defect 5: typed member access through a misaligned user address
 * in VFIO_IOMMU_GET_INFO was undefined behaviour). Run under UBSan in
 * `make check`.
 */
#include <errno.h>
#include <stdlib.h>

#include <uiommufd/vfio.h>

#include "test_helpers.h"

/* A buffer whose start is not aligned for any struct */
static unsigned char *misaligned(size_t len)
{
	unsigned char *buf = malloc(len + 8);

	assert_non_null(buf);
	memset(buf, 0xa5, len + 8);
	return buf + 1;
}

static void test_vfio_get_info_misaligned(void **state)
{
	const size_t len = 512;
	unsigned char *mem = misaligned(len);
	struct vfio_iommu_type1_info info = {.argsz = (uint32_t)len};
	struct iommu_vfio_ioas set = {.size = sizeof(set),
				      .op = IOMMU_VFIO_IOAS_SET};
	struct vfio_info_cap_header hdr;
	int fd = uiommufd_open(0);
	unsigned int ncaps = 0;
	uint32_t off;

	(void)state;
	assert_true(fd >= 0);
	set.ioas_id = ioas_alloc(fd);
	assert_int_equal(0, ioc(fd, IOMMU_VFIO_IOAS, &set));
	assert_int_equal(0,
			 ioc(fd, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU));

	memcpy(mem, &info, sizeof(info));
	assert_int_equal(0, ioc(fd, VFIO_IOMMU_GET_INFO, mem));
	memcpy(&info, mem, sizeof(info));
	assert_true(info.flags & VFIO_IOMMU_INFO_CAPS);
	assert_int_equal(sizeof(info), info.cap_offset);
	/* Walk the chain the engine wrote at misaligned addresses */
	for (off = info.cap_offset; off; off = hdr.next, ncaps++) {
		assert_true(off + sizeof(hdr) <= len);
		memcpy(&hdr, mem + off, sizeof(hdr));
		assert_true(hdr.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE ||
			    hdr.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	}
	assert_int_equal(2, ncaps);
	free(mem - 1);
	assert_int_equal(0, uiommufd_close(fd));
}

static void test_option_misaligned(void **state)
{
	unsigned char *mem = misaligned(sizeof(struct iommu_option));
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_GET,
	};
	int fd = uiommufd_open(0);

	(void)state;
	cmd.object_id = ioas_alloc(fd);
	memcpy(mem, &cmd, sizeof(cmd));
	assert_int_equal(0, ioc(fd, IOMMU_OPTION, mem));
	memcpy(&cmd, mem, sizeof(cmd));
	assert_int_equal(1, cmd.val64);
	free(mem - 1);
	assert_int_equal(0, uiommufd_close(fd));
}

/* Arrays at NULL, or running past the top of the address space */
static void test_iova_arrays(void **state)
{
	const uint64_t top = UINT64_MAX - 7;
	struct iommu_ioas_iova_ranges ranges = {.size = sizeof(ranges)};
	struct iommu_ioas_allow_iovas allow = {.size = sizeof(allow)};
	int fd = uiommufd_open(0);

	(void)state;
	ranges.ioas_id = allow.ioas_id = ioas_alloc(fd);

	/* NULL with room for nothing: the count comes back */
	assert_int_equal(-EMSGSIZE, ioc(fd, IOMMU_IOAS_IOVA_RANGES, &ranges));
	assert_int_equal(1, ranges.num_iovas);
	ranges.allowed_iovas = top;
	assert_int_equal(-EFAULT, ioc(fd, IOMMU_IOAS_IOVA_RANGES, &ranges));

	allow.num_iovas = 2;
	assert_int_equal(-EFAULT, ioc(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow));
	allow.allowed_iovas = top;
	assert_int_equal(-EFAULT, ioc(fd, IOMMU_IOAS_ALLOW_IOVAS, &allow));
	assert_int_equal(0, uiommufd_close(fd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vfio_get_info_misaligned),
		cmocka_unit_test(test_option_misaligned),
		cmocka_unit_test(test_iova_arrays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
