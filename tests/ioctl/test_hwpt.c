// SPDX-License-Identifier: MIT
/*
 * HWPTs through the C API, on the mock IOMMU of the test uAPI: nested
 * HWPTs and their cache invalidation, PASID attachments (with the mock's
 * PASID that fails every second attach), the huge-page table format,
 * hardware information, the device cache, the checks of the mock's page
 * table, and the argument checks of the vIOMMU family. The answers are the
 * kernel's (hw_pagetable.c, device.c, selftest.c of Linux 7.2).
 */
#include <errno.h>
#include <fcntl.h>

#include "test_helpers.h"

#define NO_PASID 0

struct fx {
	int fd;
	uint32_t ioas;
	struct mock_dev_ids dev; /* a device with PASIDs */
	uint32_t parent;	 /* nesting parent on ioas */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->fd = uiommufd_open(O_CLOEXEC);
	if (f->fd < 0)
		return -1;
	f->ioas = ioas_alloc(f->fd);
	assert_int_equal(0,
			 mock_dev_add_flags(f->fd, f->ioas,
					    MOCK_FLAGS_DEVICE_PASID, &f->dev));
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT, &f->parent));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	uiommufd_close(f->fd);
	free(f);
	return 0;
}

static long nested_alloc(struct fx *f, uint32_t flags, uint32_t iotlb,
			 uint32_t *out)
{
	struct iommu_hwpt_selftest data = {.iotlb = iotlb};

	return hwpt_alloc_ex(f->fd, f->dev.idev, f->parent, flags, 0,
			     IOMMU_HWPT_DATA_SELFTEST, &data, sizeof(data),
			     out);
}

static long check_iotlb(int fd, uint32_t hwpt, uint32_t id, uint32_t val)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt,
		.check_iotlb = {.id = id, .iotlb = val},
	};

	return test_op(fd, &cmd);
}

static long invalidate(int fd, uint32_t hwpt, uint32_t type, void *data,
		       uint32_t len, uint32_t *num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.data_uptr = (uintptr_t)data,
		.data_type = type,
		.entry_len = len,
		.entry_num = *num,
	};
	long rc = ioc(fd, IOMMU_HWPT_INVALIDATE, &cmd);

	*num = cmd.entry_num;
	return rc;
}

static void test_nested_invalidate(void **state)
{
	const uint32_t st = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST;
	struct fx *f = *state;
	struct iommu_hwpt_invalidate_selftest inv[3] = {};
	struct {
		struct iommu_hwpt_invalidate_selftest e;
		uint32_t tail;
	} longer = {.e = {.iotlb_id = 1}};
	struct iommu_hwpt_invalidate bad = {
		.size = sizeof(bad),
		.__reserved = 1,
	};
	uint32_t nested, num, pt;

	assert_int_equal(0, nested_alloc(f, 0, 0x1234, &nested));
	for (uint32_t i = 0; i <= MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; i++)
		assert_int_equal(0, check_iotlb(f->fd, nested, i, 0x1234));
	assert_int_equal(-EINVAL, check_iotlb(f->fd, nested, 0, 0x1235));
	assert_int_equal(-EINVAL,
			 check_iotlb(f->fd, nested,
				     MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1,
				     0x1234));
	/* Only a nested mock HWPT has an IOTLB to check */
	assert_int_equal(-ENOENT, check_iotlb(f->fd, f->parent, 0, 0x1234));
	/* The dump names the parent of a nested HWPT */
	{
		int mfd = memfd_create("dump", 0);
		char text[2048] = "", want[64];

		assert_int_equal(0, uiommufd_dump(f->fd, mfd));
		assert_true(pread(mfd, text, sizeof(text) - 1, 0) > 0);
		snprintf(want, sizeof(want),
			 "object %u hwpt_nested users 1\n  parent %u\n", nested,
			 f->parent);
		assert_non_null(strstr(text, want));
		/* Only an iommufd has a context to dump */
		assert_int_equal(-EBADF, uiommufd_dump(mfd, mfd));
		close(mfd);
	}
	/* The device can sit on it; the parent is held by it */
	pt = nested;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(-EBUSY, destroy(f->fd, f->parent));

	/* One entry */
	inv[0].iotlb_id = 2;
	num = 1;
	assert_int_equal(0, invalidate(f->fd, nested, st, inv, sizeof(inv[0]),
				       &num));
	assert_int_equal(1, num);
	assert_int_equal(0, check_iotlb(f->fd, nested, 2, 0));
	assert_int_equal(0, check_iotlb(f->fd, nested, 1, 0x1234));
	/* Entries longer than the driver's struct are refused, zero tail
	 * or not ("iommu: Fix two issues in iommu_copy_struct_from_user()") */
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, &longer,
					     sizeof(longer), &num));
	assert_int_equal(0, num);
	assert_int_equal(0, check_iotlb(f->fd, nested, 1, 0x1234));
	longer.tail = 1;
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, &longer,
					     sizeof(longer), &num));
	assert_int_equal(0, num);
	/* Processing stops at the first bad entry and says how far it got */
	inv[0] = (struct iommu_hwpt_invalidate_selftest){.iotlb_id = 0};
	inv[1] = (struct iommu_hwpt_invalidate_selftest){.flags = 1 << 5};
	num = 3;
	assert_int_equal(-EOPNOTSUPP, invalidate(f->fd, nested, st, inv,
						 sizeof(inv[0]), &num));
	assert_int_equal(1, num);
	assert_int_equal(0, check_iotlb(f->fd, nested, 0, 0));
	inv[1] = (struct iommu_hwpt_invalidate_selftest){
		.iotlb_id = MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1};
	num = 2;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, inv,
					     sizeof(inv[0]), &num));
	assert_int_equal(1, num);
	/* All at once; the entry number is still checked */
	inv[0] = (struct iommu_hwpt_invalidate_selftest){
		.flags = IOMMU_TEST_INVALIDATE_FLAG_ALL, .iotlb_id = 99};
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, inv,
					     sizeof(inv[0]), &num));
	inv[0].iotlb_id = 0;
	num = 1;
	assert_int_equal(0, invalidate(f->fd, nested, st, inv, sizeof(inv[0]),
				       &num));
	assert_int_equal(0, check_iotlb(f->fd, nested, 3, 0));

	/* The request itself */
	num = 1;
	assert_int_equal(-EINVAL,
			 invalidate(f->fd, nested,
				    IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
				    inv, sizeof(inv[0]), &num));
	assert_int_equal(0, num);
	num = 0;
	assert_int_equal(0, invalidate(f->fd, nested, st, NULL, 0, &num));
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, inv, 0, &num));
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, NULL,
					     sizeof(inv[0]), &num));
	num = 1;
	assert_int_equal(-EINVAL,
			 invalidate(f->fd, nested, st, inv, PAGE_SZ + 1, &num));
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, nested, st, inv,
					     sizeof(inv[0]) - 1, &num));
	num = 1;
	assert_int_equal(-EFAULT, invalidate(f->fd, nested, st, (void *)8,
					     sizeof(inv[0]), &num));
	num = 1;
	assert_int_equal(-EINVAL, invalidate(f->fd, f->parent, st, inv,
					     sizeof(inv[0]), &num));
	num = 1;
	assert_int_equal(-ENOENT,
			 invalidate(f->fd, 999, st, inv, sizeof(inv[0]), &num));
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_HWPT_INVALIDATE, &bad));

	pt = f->ioas;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0, destroy(f->fd, nested));
	assert_int_equal(0, destroy(f->fd, f->parent));
}

static long pasid_op(int fd, uint32_t op, uint32_t stdev, uint32_t pasid,
		     uint32_t *pt)
{
	struct iommu_test_cmd cmd = {
		.op = op,
		.id = stdev,
		.pasid_attach = {.pasid = pasid, .pt_id = pt ? *pt : 0},
	};
	long rc = test_op(fd, &cmd);

	if (!rc && pt && op != IOMMU_TEST_OP_PASID_CHECK_HWPT)
		*pt = cmd.pasid_attach.pt_id;
	return rc;
}

static long pasid_check(int fd, uint32_t stdev, uint32_t pasid, uint32_t hwpt)
{
	return pasid_op(fd, IOMMU_TEST_OP_PASID_CHECK_HWPT, stdev, pasid,
			&hwpt);
}

static void test_pasid(void **state)
{
	const uint32_t attach = IOMMU_TEST_OP_PASID_ATTACH;
	const uint32_t replace = IOMMU_TEST_OP_PASID_REPLACE;
	struct fx *f = *state;
	uint32_t a, b, nested, pt, rid;
	struct mock_dev_ids plain;

	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_PASID, &a));
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_PASID, &b));
	assert_int_equal(0, nested_alloc(f, IOMMU_HWPT_ALLOC_PASID,
					 IOMMU_TEST_IOTLB_DEFAULT, &nested));
	/* The RID is on a HWPT without PASID support: no PASID may join */
	pt = a;
	assert_int_equal(-EINVAL,
			 pasid_op(f->fd, attach, f->dev.stdev, 100, &pt));
	rid = b;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &rid));

	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev, 100, 0));
	pt = a;
	assert_int_equal(0, pasid_op(f->fd, attach, f->dev.stdev, 100, &pt));
	assert_int_equal(a, pt);
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev, 100, a));
	assert_int_equal(-EINVAL, pasid_check(f->fd, f->dev.stdev, 100, b));
	assert_int_equal(-EINVAL, pasid_check(f->fd, f->dev.stdev, 100, 0));
	/* Only HWPTs are compared */
	assert_int_equal(-EINVAL,
			 pasid_check(f->fd, f->dev.stdev, 100, f->ioas));
	assert_int_equal(-ENOENT, pasid_check(f->fd, f->dev.stdev, 100, 999));
	/* Attached already */
	pt = b;
	assert_int_equal(-EBUSY,
			 pasid_op(f->fd, attach, f->dev.stdev, 100, &pt));
	/* Replaced: to another HWPT, to a nested one, to the same */
	pt = b;
	assert_int_equal(0, pasid_op(f->fd, replace, f->dev.stdev, 100, &pt));
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev, 100, b));
	pt = nested;
	assert_int_equal(0, pasid_op(f->fd, replace, f->dev.stdev, 100, &pt));
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev, 100, nested));
	pt = nested;
	assert_int_equal(0, pasid_op(f->fd, replace, f->dev.stdev, 100, &pt));
	/* The RID cannot leave PASID support while PASIDs are attached */
	rid = f->parent;
	assert_int_equal(-EINVAL, mock_dev_replace(f->fd, f->dev.stdev, &rid));
	assert_int_equal(-EBUSY, destroy(f->fd, nested));
	assert_int_equal(0, pasid_op(f->fd, IOMMU_TEST_OP_PASID_DETACH,
				     f->dev.stdev, 100, NULL));
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev, 100, 0));
	/* Detaching what is not attached is quiet */
	assert_int_equal(0, pasid_op(f->fd, IOMMU_TEST_OP_PASID_DETACH,
				     f->dev.stdev, 100, NULL));

	/*
	 * The mock fails every second attach of PASID 1024: a failed replace
	 * keeps the old HWPT.
	 */
	pt = a;
	assert_int_equal(0, pasid_op(f->fd, attach, f->dev.stdev,
				     IOMMU_TEST_PASID_RESERVED, &pt));
	pt = b;
	assert_int_equal(-ENOMEM, pasid_op(f->fd, replace, f->dev.stdev,
					   IOMMU_TEST_PASID_RESERVED, &pt));
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev,
					IOMMU_TEST_PASID_RESERVED, a));
	pt = b;
	assert_int_equal(0, pasid_op(f->fd, replace, f->dev.stdev,
				     IOMMU_TEST_PASID_RESERVED, &pt));
	assert_int_equal(0, pasid_check(f->fd, f->dev.stdev,
					IOMMU_TEST_PASID_RESERVED, b));
	/*
	 * Destroying the device detaches its PASIDs: unlike the kernel's
	 * mock, which leaves b busy until the context closes
	 * (docs/differences.md)
	 */
	assert_int_equal(0, destroy(f->fd, f->dev.stdev));
	assert_int_equal(0, destroy(f->fd, b));
	assert_int_equal(0, destroy(f->fd, a));

	/* A device without PASIDs takes none; nor do other objects */
	plain = mock_dev_add(f->fd, f->ioas);
	pt = nested;
	assert_int_equal(-EINVAL,
			 pasid_op(f->fd, attach, plain.stdev, 100, &pt));
	assert_int_equal(-ENOENT, pasid_op(f->fd, attach, f->ioas, 100, &pt));
	assert_int_equal(-ENOENT, pasid_check(f->fd, 999, 100, 0));
}

static void test_huge_pagetable(void **state)
{
	struct iommu_hwpt_selftest data = {.pagetable_type = MOCK_IOMMUPT_HUGE};
	struct fx *f = *state;
	size_t len = 4 * PAGE_SZ;
	void *buf = map_anon(len);
	uint32_t hwpt, pt;
	uint64_t iova = MOCK_APERTURE_START;

	assert_int_equal(0, hwpt_alloc_ex(f->fd, f->dev.idev, f->ioas, 0, 0,
					  IOMMU_HWPT_DATA_SELFTEST, &data,
					  sizeof(data), &hwpt));
	pt = hwpt;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0, ioas_map(f->fd, f->ioas, buf, len, &iova, FIXED));
	assert_int_equal(0, md_check_map(f->fd, hwpt, iova, buf, len));
	/* The wrong memory, or not aligned to the domain's page */
	assert_int_equal(-EINVAL, md_check_map(f->fd, hwpt, iova,
					       (char *)buf + PAGE_SZ, PAGE_SZ));
	assert_int_equal(-EINVAL,
			 md_check_map(f->fd, hwpt, iova + 1, buf, PAGE_SZ));
	assert_int_equal(-ENOENT,
			 md_check_map(f->fd, f->ioas, iova, buf, PAGE_SZ));
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, iova, len, NULL));
	munmap(buf, len);
}

static void test_hw_info(void **state)
{
	struct fx *f = *state;
	struct {
		struct iommu_test_hw_info info;
		uint32_t more[2];
	} data;
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = f->dev.idev,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	struct mock_dev_ids nodirty;

	/* A larger buffer is zero-filled past the driver's data */
	memset(&data, 0xa5, sizeof(data));
	assert_int_equal(0, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(IOMMU_HW_INFO_TYPE_SELFTEST, cmd.out_data_type);
	assert_int_equal(sizeof(data.info), cmd.data_len);
	assert_int_equal(IOMMU_HW_INFO_SELFTEST_REGVAL, data.info.test_reg);
	assert_int_equal(0, data.more[0] | data.more[1]);
	assert_int_equal(MOCK_PASID_WIDTH, cmd.out_max_pasid_log2);
	assert_true(cmd.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);
	/* A shorter one takes what fits; none gives the length alone */
	memset(&data, 0xa5, sizeof(data));
	cmd.data_len = 4;
	assert_int_equal(0, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(sizeof(data.info), cmd.data_len);
	assert_int_equal(0, data.info.flags);
	assert_int_equal(0xa5a5a5a5, data.info.test_reg);
	cmd.data_len = 0;
	cmd.data_uptr = 0;
	assert_int_equal(0, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(sizeof(data.info), cmd.data_len);
	/* A buffer that cannot be written */
	cmd.data_len = sizeof(data);
	cmd.data_uptr = 8;
	assert_int_equal(-EFAULT, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	/* Asking for a type */
	cmd.data_uptr = (uintptr_t)&data;
	cmd.flags = IOMMU_HW_INFO_FLAG_INPUT_TYPE;
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_SELFTEST;
	assert_int_equal(0, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	assert_int_equal(IOMMU_HW_INFO_TYPE_SELFTEST, cmd.out_data_type);
	cmd.in_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	cmd.flags = 1 << 7;
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	cmd.flags = 0;
	cmd.__reserved[1] = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	cmd.__reserved[1] = 0;
	cmd.dev_id = f->ioas;
	assert_int_equal(-ENOENT, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	/* A device without dirty tracking, nor PASIDs */
	assert_int_equal(0, mock_dev_add_flags(f->fd, f->ioas,
					       MOCK_FLAGS_DEVICE_NO_DIRTY,
					       &nodirty));
	cmd.dev_id = nodirty.idev;
	assert_int_equal(0, ioc(f->fd, IOMMU_GET_HW_INFO, &cmd));
	assert_false(cmd.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING);
	assert_int_equal(0, cmd.out_max_pasid_log2);
}

static void test_dev_cache(void **state)
{
	struct fx *f = *state;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DEV_CHECK_CACHE,
		.id = f->dev.idev,
		.check_dev_cache = {.cache = IOMMU_TEST_DEV_CACHE_DEFAULT},
	};

	for (uint32_t i = 0; i <= MOCK_DEV_CACHE_ID_MAX; i++) {
		cmd.check_dev_cache.id = i;
		assert_int_equal(0, test_op(f->fd, &cmd));
	}
	cmd.check_dev_cache.id = MOCK_DEV_CACHE_ID_MAX + 1;
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	cmd.check_dev_cache.id = 0;
	cmd.check_dev_cache.cache = 0;
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	cmd.id = f->ioas;
	assert_int_equal(-ENOENT, test_op(f->fd, &cmd));
}

static void test_dirty_tracking_errors(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_set_dirty_tracking set = {
		.size = sizeof(set),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.iova = MOCK_APERTURE_START,
		.length = PAGE_SZ,
		.page_size = PAGE_SZ,
	};
	uint64_t bits = 1;
	struct iommu_test_cmd mark = {
		.op = IOMMU_TEST_OP_DIRTY,
		.dirty = {.iova = MOCK_APERTURE_START,
			  .length = PAGE_SZ,
			  .page_size = PAGE_SZ,
			  .uptr = (uintptr_t)&bits},
	};
	uint32_t dirty, plain;

	get.data = (uintptr_t)&bits;
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas, 0, &plain));
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &dirty));
	/* A HWPT without dirty tracking cannot start it */
	set.hwpt_id = plain;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set));
	get.hwpt_id = plain;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get));
	set.hwpt_id = dirty;
	set.flags = 1 << 3;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set));
	/* Turning it off while off is fine */
	set.flags = 0;
	assert_int_equal(0, ioc(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set));
	set.hwpt_id = f->ioas;
	assert_int_equal(-ENOENT,
			 ioc(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &set));
	get.hwpt_id = dirty;
	get.flags = 1 << 4;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get));
	get.flags = 0;
	get.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get));
	/* The mock marks nothing while tracking is off */
	mark.id = dirty;
	assert_int_equal(-EINVAL, test_op(f->fd, &mark));
	mark.id = plain;
	assert_int_equal(-EINVAL, test_op(f->fd, &mark));
	mark.id = dirty;
	mark.dirty.length = 0;
	assert_int_equal(-EINVAL, test_op(f->fd, &mark));
	mark.dirty.length = PAGE_SZ;
	mark.dirty.iova += 1;
	assert_int_equal(-EINVAL, test_op(f->fd, &mark));
	assert_int_equal(0, destroy(f->fd, plain));
	assert_int_equal(0, destroy(f->fd, dirty));
}

/* The uAPI validates arguments before it looks for the vIOMMU */
static void test_viommu_arguments(void **state)
{
	struct fx *f = *state;
	struct iommu_viommu_alloc viommu = {
		.size = sizeof(viommu),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = f->dev.idev,
		.hwpt_id = f->parent,
		.flags = 1,
	};
	struct iommu_vdevice_alloc vdev = {
		.size = sizeof(vdev),
		.viommu_id = 999,
		.dev_id = f->dev.idev,
	};
	struct iommu_veventq_alloc veventq = {
		.size = sizeof(veventq),
		.viommu_id = 999,
		.type = IOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 0,
	};
	struct iommu_hw_queue_alloc hwq = {
		.size = sizeof(hwq),
		.viommu_id = 999,
		.type = IOMMU_HW_QUEUE_TYPE_DEFAULT + 1,
		.nesting_parent_iova = UINT64_MAX - 10,
		.length = PAGE_SZ,
	};

	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_VIOMMU_ALLOC, &viommu));
	viommu.flags = 0;
	viommu.type = IOMMU_VIOMMU_TYPE_DEFAULT;
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_VIOMMU_ALLOC, &viommu));
	assert_int_equal(-ENOENT, ioc(f->fd, IOMMU_VDEVICE_ALLOC, &vdev));
	assert_int_equal(-EINVAL, ioc(f->fd, IOMMU_VEVENTQ_ALLOC, &veventq));
	veventq.veventq_depth = 1U << 20;
	assert_int_equal(-EINVAL, ioc(f->fd, IOMMU_VEVENTQ_ALLOC, &veventq));
	veventq.veventq_depth = 16;
	assert_int_equal(-ENOENT, ioc(f->fd, IOMMU_VEVENTQ_ALLOC, &veventq));
	veventq.flags = 1;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_VEVENTQ_ALLOC, &veventq));
	assert_int_equal(-EOVERFLOW, ioc(f->fd, IOMMU_HW_QUEUE_ALLOC, &hwq));
	hwq.length = 0;
	assert_int_equal(-EINVAL, ioc(f->fd, IOMMU_HW_QUEUE_ALLOC, &hwq));
	hwq.flags = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_HW_QUEUE_ALLOC, &hwq));
}

/* The test uAPI's odds and ends */
static void test_test_ops(void **state)
{
	struct fx *f = *state;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
		.memory_limit = {.limit = 11},
	};
	void *buf = map_anon(4 * PAGE_SZ);
	uint64_t iova = MOCK_APERTURE_START + 0x100000, iova2 = iova + 0x100000;
	uint32_t ioas2 = ioas_alloc(f->fd);
	struct iommu_ioas_copy copy = {
		.size = sizeof(copy),
		.flags = RW,
		.dst_ioas_id = ioas2,
		.src_ioas_id = f->ioas,
		.length = PAGE_SZ,
		/* The second area, one page in: a "syz" IOVA is the area's
		 * number in its low 32 bits and the offset in the high ones */
		.src_iova = (uint64_t)PAGE_SZ << 32 | 1,
	};

	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	cmd.memory_limit.limit = 4096;
	assert_int_equal(0, test_op(f->fd, &cmd));
	cmd.memory_limit.limit = 65536;
	assert_int_equal(0, test_op(f->fd, &cmd));
	cmd.op = 999;
	assert_int_equal(-EOPNOTSUPP, test_op(f->fd, &cmd));
	/* Shorter than the struct's end */
	cmd.op = IOMMU_TEST_OP_MD_CHECK_REFS;
	cmd.size = offsetof(struct iommu_test_cmd, last) - 1;
	assert_int_equal(-EINVAL, ioc(f->fd, IOMMU_TEST_CMD, &cmd));

	assert_int_equal(0, ioas_map(f->fd, f->ioas, buf, 2 * PAGE_SZ, &iova,
				     FIXED));
	assert_int_equal(0, ioas_map(f->fd, f->ioas, (char *)buf + 2 * PAGE_SZ,
				     2 * PAGE_SZ, &iova2, FIXED));
	/* Without the flag the IOVA is taken as it is */
	assert_int_equal(-ENOENT, ioc(f->fd, IOMMU_IOAS_COPY, &copy));
	/* IOAS_COPY reads a "syz" source IOVA with the test uAPI's flag */
	copy.flags = RW | MOCK_FLAGS_ACCESS_SYZ;
	assert_int_equal(0, ioc(f->fd, IOMMU_IOAS_COPY, &copy));
	memcpy((char *)buf + 3 * PAGE_SZ + 8, "syz", 4);
	{
		struct iommu_test_cmd acc = {
			.op = IOMMU_TEST_OP_CREATE_ACCESS,
			.id = ioas2,
		};
		char out[4] = "";

		assert_int_equal(0, test_op(f->fd, &acc));
		cmd = (struct iommu_test_cmd){
			.op = IOMMU_TEST_OP_ACCESS_RW,
			.id = acc.create_access.out_access_fd,
			.access_rw = {.iova = copy.dst_iova + 8,
				      .length = 4,
				      .uptr = (uintptr_t)out},
		};
		assert_int_equal(0, test_op(f->fd, &cmd));
		assert_string_equal("syz", out);
		uiommufd_close((int)acc.create_access.out_access_fd);
	}
	assert_int_equal(0, ioas_unmap(f->fd, ioas2, 0, UINT64_MAX, NULL));
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, 0, UINT64_MAX, NULL));
	munmap(buf, 4 * PAGE_SZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_nested_invalidate), T(test_pasid),
		T(test_huge_pagetable),	   T(test_hw_info),
		T(test_dev_cache),	   T(test_dirty_tracking_errors),
		T(test_viommu_arguments),  T(test_test_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
