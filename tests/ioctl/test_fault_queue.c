// SPDX-License-Identifier: MIT
/*
 * Page requests queued on a FAULT object and the device they came from.
 *
 * A request names its device; when the device leaves the attachment the
 * request came through, the request must be answered and dropped, or the
 * queue would later describe a device that no longer exists (found by
 * fuzz/fuzz_ioctl: a heap use-after-free on reading the queue).
 */
#include <errno.h>
#include <fcntl.h>

#include "test_helpers.h"

struct nested_dev {
	int fd;
	uint32_t ioas, stdev, idev, fault, parent, nested;
	int fault_fd;
};

/* A mock device attached to a nested HWPT that reports to a fault queue */
static void nested_with_fault(struct nested_dev *d)
{
	struct iommu_hwpt_selftest data = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_test_cmd md = {.size = sizeof(md),
				    .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	struct iommu_test_cmd replace = {
		.size = sizeof(replace),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE};
	struct iommu_fault_alloc fault = {.size = sizeof(fault)};
	struct iommu_hwpt_alloc hwpt = {.size = sizeof(hwpt)};

	d->fd = uiommufd_open(O_CLOEXEC);
	assert_true(d->fd >= 0);
	d->ioas = ioas_alloc(d->fd);
	md.id = d->ioas;
	assert_int_equal(0, ioc(d->fd, IOMMU_TEST_CMD, &md));
	d->stdev = md.mock_domain.out_stdev_id;
	d->idev = md.mock_domain.out_idev_id;

	assert_int_equal(0, ioc(d->fd, IOMMU_FAULT_QUEUE_ALLOC, &fault));
	d->fault = fault.out_fault_id;
	d->fault_fd = (int)fault.out_fault_fd;

	hwpt.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	hwpt.dev_id = d->idev;
	hwpt.pt_id = d->ioas;
	assert_int_equal(0, ioc(d->fd, IOMMU_HWPT_ALLOC, &hwpt));
	d->parent = hwpt.out_hwpt_id;

	hwpt.flags = IOMMU_HWPT_FAULT_ID_VALID;
	hwpt.pt_id = d->parent;
	hwpt.data_type = IOMMU_HWPT_DATA_SELFTEST;
	hwpt.data_len = sizeof(data);
	hwpt.data_uptr = (uintptr_t)&data;
	hwpt.fault_id = d->fault;
	assert_int_equal(0, ioc(d->fd, IOMMU_HWPT_ALLOC, &hwpt));
	d->nested = hwpt.out_hwpt_id;

	replace.id = d->stdev;
	replace.mock_domain_replace.pt_id = d->nested;
	assert_int_equal(0, ioc(d->fd, IOMMU_TEST_CMD, &replace));
}

static void trigger_iopf(struct nested_dev *d, uint32_t pasid)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {.dev_id = d->idev,
				 .pasid = pasid,
				 .grpid = 1,
				 .perm = IOMMU_PGFAULT_PERM_READ,
				 .addr = MOCK_APERTURE_START},
	};

	assert_int_equal(0, ioc(d->fd, IOMMU_TEST_CMD, &cmd));
}

/*
 * A request with a PASID that has no attachment of its own goes to the
 * nested domain of the RID (the mock IOMMU's PASID table belongs to the
 * user). Destroying the device detaches the RID: the request goes too.
 */
static void test_pasid_request_answered_at_detach(void **state)
{
	struct iommu_hwpt_pgfault msg[2];
	struct nested_dev d;

	(void)state;
	nested_with_fault(&d);
	trigger_iopf(&d, 1);
	trigger_iopf(&d, 0);
	assert_int_equal(0, destroy(d.fd, d.stdev));
	assert_int_equal(0, uiommufd_read(d.fault_fd, msg, sizeof(msg)));

	assert_int_equal(0, uiommufd_close(d.fault_fd));
	assert_int_equal(0, uiommufd_close(d.fd));
}

/* The same for a request already read and waiting for its response */
static void test_read_request_answered_at_detach(void **state)
{
	struct iommu_hwpt_page_response resp = {.code = 0};
	struct iommu_hwpt_pgfault msg;
	struct nested_dev d;

	(void)state;
	nested_with_fault(&d);
	trigger_iopf(&d, 5);
	assert_int_equal(sizeof(msg),
			 uiommufd_read(d.fault_fd, &msg, sizeof(msg)));
	assert_int_equal(5, msg.pasid);
	assert_int_equal(d.idev, msg.dev_id);
	assert_int_equal(0, destroy(d.fd, d.stdev));
	/* Answered at detach: the cookie is no longer known */
	resp.cookie = msg.cookie;
	assert_int_equal(-EINVAL,
			 uiommufd_write(d.fault_fd, &resp, sizeof(resp)));

	assert_int_equal(0, uiommufd_close(d.fault_fd));
	assert_int_equal(0, uiommufd_close(d.fd));
}

/*
 * On a paging HWPT a request with a PASID that has no attachment has no
 * handler: the PASID table is the user's only under a nested domain, so
 * the kernel answers the request itself and queues nothing.
 */
static void test_pasid_request_not_taken_by_paging(void **state)
{
	struct iommu_test_cmd md = {.size = sizeof(md),
				    .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	struct iommu_test_cmd replace = {
		.size = sizeof(replace),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE};
	struct iommu_fault_alloc fault = {.size = sizeof(fault)};
	struct iommu_hwpt_alloc hwpt = {.size = sizeof(hwpt)};
	struct iommu_hwpt_pgfault msg[2];
	struct nested_dev d;

	(void)state;
	d.fd = uiommufd_open(O_CLOEXEC);
	d.ioas = ioas_alloc(d.fd);
	md.id = d.ioas;
	assert_int_equal(0, ioc(d.fd, IOMMU_TEST_CMD, &md));
	d.stdev = md.mock_domain.out_stdev_id;
	d.idev = md.mock_domain.out_idev_id;
	assert_int_equal(0, ioc(d.fd, IOMMU_FAULT_QUEUE_ALLOC, &fault));
	d.fault_fd = (int)fault.out_fault_fd;
	hwpt.flags = IOMMU_HWPT_FAULT_ID_VALID;
	hwpt.dev_id = d.idev;
	hwpt.pt_id = d.ioas;
	hwpt.fault_id = fault.out_fault_id;
	assert_int_equal(0, ioc(d.fd, IOMMU_HWPT_ALLOC, &hwpt));
	replace.id = d.stdev;
	replace.mock_domain_replace.pt_id = hwpt.out_hwpt_id;
	assert_int_equal(0, ioc(d.fd, IOMMU_TEST_CMD, &replace));

	trigger_iopf(&d, 7);
	assert_int_equal(0, uiommufd_read(d.fault_fd, msg, sizeof(msg)));
	/* Without a PASID the RID's domain takes it */
	trigger_iopf(&d, 0);
	assert_int_equal(sizeof(msg[0]),
			 uiommufd_read(d.fault_fd, msg, sizeof(msg)));

	assert_int_equal(0, uiommufd_close(d.fault_fd));
	assert_int_equal(0, uiommufd_close(d.fd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pasid_request_answered_at_detach),
		cmocka_unit_test(test_read_request_answered_at_detach),
		cmocka_unit_test(test_pasid_request_not_taken_by_paging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
