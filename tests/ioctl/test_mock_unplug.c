// SPDX-License-Identifier: MIT
/*
 * A mock device destroyed (IOMMU_DESTROY of its selftest object, or the
 * context's close) while PASIDs of it are still attached: the device goes
 * as hardware that is unplugged, every attachment with it. Found by
 * fuzz/fuzz_ioctl: the RID alone was detached, the device stayed in use,
 * WARN_ON fired and the whole context leaked at close.
 */
#include <errno.h>
#include <fcntl.h>

#include "test_helpers.h"

struct unplug {
	int fd;
	uint32_t ioas, stdev, hwpt;
};

/* A PASID-capable mock device, its RID and PASIDs 1024 and 7 on one HWPT */
static void attach_pasids(struct unplug *u)
{
	struct iommu_test_cmd md = {
		.size = sizeof(md),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.mock_domain_flags = {.dev_flags = MOCK_FLAGS_DEVICE_PASID},
	};
	struct iommu_test_cmd replace = {
		.size = sizeof(replace),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE};
	struct iommu_hwpt_alloc hwpt = {.size = sizeof(hwpt),
					.flags = IOMMU_HWPT_ALLOC_PASID};
	static const uint32_t pasids[] = {IOMMU_TEST_PASID_RESERVED, 7};

	u->fd = uiommufd_open(O_CLOEXEC);
	assert_true(u->fd >= 0);
	u->ioas = ioas_alloc(u->fd);
	md.id = u->ioas;
	assert_int_equal(0, ioc(u->fd, IOMMU_TEST_CMD, &md));
	u->stdev = md.mock_domain_flags.out_stdev_id;
	hwpt.dev_id = md.mock_domain_flags.out_idev_id;
	hwpt.pt_id = u->ioas;
	assert_int_equal(0, ioc(u->fd, IOMMU_HWPT_ALLOC, &hwpt));
	u->hwpt = hwpt.out_hwpt_id;
	/* With PASIDs attached, the RID's domain must take PASIDs too */
	replace.id = u->stdev;
	replace.mock_domain_replace.pt_id = u->hwpt;
	assert_int_equal(0, ioc(u->fd, IOMMU_TEST_CMD, &replace));
	for (size_t i = 0; i != ARRAY_SIZE(pasids); i++) {
		struct iommu_test_cmd pa = {
			.size = sizeof(pa),
			.op = IOMMU_TEST_OP_PASID_ATTACH,
			.id = u->stdev,
			.pasid_attach = {.pasid = pasids[i], .pt_id = u->hwpt},
		};

		assert_int_equal(0, ioc(u->fd, IOMMU_TEST_CMD, &pa));
	}
}

static void test_destroy_with_pasids(void **state)
{
	struct unplug u;

	(void)state;
	attach_pasids(&u);
	assert_int_equal(-EBUSY, destroy(u.fd, u.hwpt));
	assert_int_equal(0, destroy(u.fd, u.stdev));
	/* Nothing uses the HWPT or the IOAS any more */
	assert_int_equal(0, destroy(u.fd, u.hwpt));
	assert_int_equal(0, destroy(u.fd, u.ioas));
	assert_int_equal(0, uiommufd_close(u.fd));
}

static void test_close_with_pasids(void **state)
{
	struct unplug u;

	(void)state;
	attach_pasids(&u);
	/* Under ASan a leak of the context shows here */
	assert_int_equal(0, uiommufd_close(u.fd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_with_pasids),
		cmocka_unit_test(test_close_with_pasids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
