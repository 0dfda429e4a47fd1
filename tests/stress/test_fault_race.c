// SPDX-License-Identifier: MIT
/*
 * A device reporting page requests while it moves off the HWPT that takes
 * them, and that HWPT is destroyed (found by fuzz/fuzz_race: the request
 * was delivered through a domain looked up before, and freed meanwhile).
 * Under ThreadSanitizer a data race, under AddressSanitizer a
 * use-after-free; elsewhere it checks that the device ends as it must.
 *
 * Environment: UIOMMUFD_RACE_ITERATIONS (default 20000 per thread).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "../lib/helpers.h"

static unsigned long iterations = 20000;

struct race {
	int fd;
	uint32_t ioas, stdev, idev, fault, parent;
	int fault_fd;
};

static long replace(struct race *r, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = r->stdev,
		.mock_domain_replace = {.pt_id = pt_id},
	};

	return ioc(r->fd, IOMMU_TEST_CMD, &cmd);
}

static uint32_t nested_alloc(struct race *r)
{
	struct iommu_hwpt_selftest data = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = r->idev,
		.pt_id = r->parent,
		.data_type = IOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
		.fault_id = r->fault,
	};

	CHECK(ioc(r->fd, IOMMU_HWPT_ALLOC, &cmd) == 0);
	return cmd.out_hwpt_id;
}

/* The device reports, whatever it is attached to at that moment */
static void *reporter(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_TRIGGER_IOPF,
			.trigger_iopf = {.dev_id = r->idev,
					 .pasid = (uint32_t)(i & 1),
					 .grpid = (uint32_t)i,
					 .perm = IOMMU_PGFAULT_PERM_READ,
					 .addr = MOCK_APERTURE_START},
		};

		CHECK(ioc(r->fd, IOMMU_TEST_CMD, &cmd) == 0);
	}
	return NULL;
}

/* A nested HWPT with the queue made, attached, left and destroyed */
static void *mover(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		uint32_t nested = nested_alloc(r);
		struct iommu_destroy d = {.size = sizeof(d), .id = nested};

		CHECK(replace(r, nested) == 0);
		CHECK(replace(r, r->ioas) == 0);
		CHECK(ioc(r->fd, IOMMU_DESTROY, &d) == 0);
	}
	return NULL;
}

int main(void)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_test_cmd md = {.size = sizeof(md),
				    .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	struct iommu_fault_alloc fault = {.size = sizeof(fault)};
	struct iommu_hwpt_alloc parent = {
		.size = sizeof(parent),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};
	struct iommu_hwpt_pgfault msg;
	const char *env = getenv("UIOMMUFD_RACE_ITERATIONS");
	struct race r = {.fd = uiommufd_open(O_CLOEXEC)};
	pthread_t a, b;

	if (env)
		iterations = strtoul(env, NULL, 0);
	CHECK(r.fd >= 0);
	CHECK(ioc(r.fd, IOMMU_IOAS_ALLOC, &alloc) == 0);
	r.ioas = alloc.out_ioas_id;
	md.id = r.ioas;
	CHECK(ioc(r.fd, IOMMU_TEST_CMD, &md) == 0);
	r.stdev = md.mock_domain.out_stdev_id;
	r.idev = md.mock_domain.out_idev_id;
	CHECK(ioc(r.fd, IOMMU_FAULT_QUEUE_ALLOC, &fault) == 0);
	r.fault = fault.out_fault_id;
	r.fault_fd = (int)fault.out_fault_fd;
	parent.dev_id = r.idev;
	parent.pt_id = r.ioas;
	CHECK(ioc(r.fd, IOMMU_HWPT_ALLOC, &parent) == 0);
	r.parent = parent.out_hwpt_id;

	CHECK(pthread_create(&a, NULL, reporter, &r) == 0);
	CHECK(pthread_create(&b, NULL, mover, &r) == 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);

	/* Every request left with the HWPT it came through */
	CHECK(uiommufd_read(r.fault_fd, &msg, sizeof(msg)) == 0);
	CHECK(uiommufd_close(r.fault_fd) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
	printf("fault_delivery: ok\n");
	return 0;
}
