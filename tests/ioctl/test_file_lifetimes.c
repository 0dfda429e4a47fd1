// SPDX-License-Identifier: MIT
/*
 * The files an iommufd hands out (fault queues, accesses, the iommufd
 * itself) against the objects behind them: an object that outlives its file
 * must forget it, and a descriptor number must not be usable before the
 * object behind it is complete (the kernel's fd_install() comes last).
 * Both were found by fuzzing (issue 7, defects 0 and 2).
 */
#include <errno.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include "test_helpers.h"

static long mock_domain(int fd, uint32_t ioas, uint32_t *stdev, uint32_t *hwpt,
			uint32_t *idev)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ioas,
	};
	long rc = ioc(fd, IOMMU_TEST_CMD, &cmd);

	*stdev = cmd.mock_domain.out_stdev_id;
	*hwpt = cmd.mock_domain.out_hwpt_id;
	*idev = cmd.mock_domain.out_idev_id;
	return rc;
}

static long mock_domain_replace(int fd, uint32_t stdev, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev,
		.mock_domain_replace = {.pt_id = pt_id},
	};

	return ioc(fd, IOMMU_TEST_CMD, &cmd);
}

static uint32_t hwpt_alloc(int fd, uint32_t idev, uint32_t pt_id,
			   uint32_t flags, uint32_t fault_id, bool nested)
{
	struct iommu_hwpt_selftest data = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = idev,
		.pt_id = pt_id,
		.fault_id = fault_id,
	};

	if (nested) {
		cmd.data_type = IOMMU_HWPT_DATA_SELFTEST;
		cmd.data_len = sizeof(data);
		cmd.data_uptr = (uintptr_t)&data;
	}
	assert_int_equal(0, ioc(fd, IOMMU_HWPT_ALLOC, &cmd));
	return cmd.out_hwpt_id;
}

static void trigger_iopf(int fd, uint32_t idev)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {.dev_id = idev,
				 .pasid = 1,
				 .grpid = 2,
				 .perm = IOMMU_PGFAULT_PERM_READ,
				 .addr = 0x1000},
	};

	assert_int_equal(0, ioc(fd, IOMMU_TEST_CMD, &cmd));
}

/*
 * A HWPT holds its fault queue after the queue's file is closed. Moving
 * the device away from the HWPT answers the pending fault; that must not
 * touch the closed file, nor whatever file now has its descriptor numbers.
 */
static void test_fault_queue_outlives_file(void **state)
{
	struct iommu_fault_alloc fault = {.size = sizeof(fault)};
	uint32_t stdev, hwpt, idev, parent, iopf_hwpt;
	uint64_t count;
	int efd[2];
	int fd = uiommufd_open(0);
	uint32_t ioas;

	(void)state;
	assert_true(fd >= 0);
	ioas = ioas_alloc(fd);
	assert_int_equal(0, mock_domain(fd, ioas, &stdev, &hwpt, &idev));
	parent = hwpt_alloc(fd, idev, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
			    false);
	assert_int_equal(0, ioc(fd, IOMMU_FAULT_QUEUE_ALLOC, &fault));
	iopf_hwpt = hwpt_alloc(fd, idev, parent, IOMMU_HWPT_FAULT_ID_VALID,
			       fault.out_fault_id, true);
	assert_int_equal(0, mock_domain_replace(fd, stdev, iopf_hwpt));
	trigger_iopf(fd, idev);

	/* The queue's file goes; its numbers are taken by other files */
	assert_int_equal(0, uiommufd_close((int)fault.out_fault_fd));
	efd[0] = eventfd(5, EFD_NONBLOCK);
	efd[1] = eventfd(5, EFD_NONBLOCK);
	assert_true(efd[0] >= 0 && efd[1] >= 0);

	/* Leaving the HWPT answers the pending fault */
	assert_int_equal(0, mock_domain_replace(fd, stdev, parent));
	for (int i = 0; i != 2; i++) {
		assert_int_equal(0, eventfd_read(efd[i], &count));
		assert_int_equal(5, count);
		close(efd[i]);
	}

	/* The queue object lives until the HWPT using it goes */
	assert_int_equal(-EBUSY, destroy(fd, fault.out_fault_id));
	assert_int_equal(0, destroy(fd, iopf_hwpt));
	assert_int_equal(0, destroy(fd, fault.out_fault_id));
	assert_int_equal(0, uiommufd_close(fd));
}

struct guesser {
	int iommufd;
	int lowest_fd;
	volatile bool stop;
	unsigned long calls;
};

/* Use descriptor numbers nobody gave this thread: they may be half-built */
static void *guess_access_fds(void *arg)
{
	struct guesser *g = arg;
	char buf[8];

	while (!__atomic_load_n(&g->stop, __ATOMIC_RELAXED)) {
		for (int n = g->lowest_fd; n != g->lowest_fd + 4; n++) {
			struct iommu_test_cmd cmd = {
				.size = sizeof(cmd),
				.op = IOMMU_TEST_OP_ACCESS_RW,
				.id = (uint32_t)n,
				.access_rw = {.iova = 0,
					      .length = sizeof(buf),
					      .uptr = (uintptr_t)buf},
			};

			ioc(g->iommufd, IOMMU_TEST_CMD, &cmd);
			cmd.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
			cmd.destroy_access_pages.access_pages_id = 1;
			ioc(g->iommufd, IOMMU_TEST_CMD, &cmd);
			g->calls++;
		}
	}
	return NULL;
}

/*
 * While one thread creates and closes accesses, another uses the numbers
 * they will get. The created access must be complete before its number
 * works: the other thread gets EBADF/ENOENT or a working access, never a
 * crash.
 */
static void test_access_fd_published_last(void **state)
{
	struct guesser g = {};
	pthread_t thread;
	uint32_t ioas;

	(void)state;
	g.iommufd = uiommufd_open(0);
	assert_true(g.iommufd >= 0);
	ioas = ioas_alloc(g.iommufd);
	g.lowest_fd = dup(0);
	close(g.lowest_fd);
	assert_int_equal(0,
			 pthread_create(&thread, NULL, guess_access_fds, &g));
	for (int i = 0; i != 100000; i++) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_CREATE_ACCESS,
			.id = ioas,
		};

		assert_int_equal(0, ioc(g.iommufd, IOMMU_TEST_CMD, &cmd));
		assert_int_equal(
			0,
			uiommufd_close((int)cmd.create_access.out_access_fd));
	}
	__atomic_store_n(&g.stop, true, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	assert_true(g.calls > 0);
	assert_int_equal(0, uiommufd_close(g.iommufd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_queue_outlives_file),
		cmocka_unit_test(test_access_fd_published_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
