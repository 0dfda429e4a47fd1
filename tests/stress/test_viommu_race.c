// SPDX-License-Identifier: MIT
/*
 * The vIOMMU family under concurrent use: a device reporting vIOMMU events
 * while it moves between a vIOMMU's nested HWPT and its IOAS, its vDEVICE
 * comes and goes, the vIOMMU's caches are invalidated by virtual ID, the
 * events are read, the vIOMMU's registers are mapped and unmapped and HW
 * queues pin and unpin their page. Under ThreadSanitizer every lock of it
 * is exercised; elsewhere it checks that every call answers one of the
 * errors its state allows and that everything can be taken apart after.
 *
 * Environment: UIOMMUFD_RACE_ITERATIONS (default 3000 per thread).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../lib/helpers.h"

static unsigned long iterations = 3000;

struct race {
	int fd, veventq_fd;
	uint32_t ioas, parent, viommu, nested, veventq;
	struct mock_dev_ids dev;
	struct iommu_viommu_selftest data;
	void *buf;
	uint64_t iova;
};

static void *reporter(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_TRIGGER_VEVENT,
			.trigger_vevent = {.dev_id = r->dev.idev},
		};
		long rc = test_op(r->fd, &cmd);

		/* Attached or not: ENOENT when not on the vIOMMU */
		CHECK(rc == 0 || rc == -ENOENT);
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		uint8_t buf[12 * 8];
		ssize_t n = uiommufd_read(r->veventq_fd, buf, sizeof(buf));

		/* Whole events (12 bytes) or the lost-events header (8) */
		CHECK(n >= 0);
		for (ssize_t off = 0; off < n;) {
			struct iommufd_vevent_header h;

			memcpy(&h, buf + off, sizeof(h));
			CHECK(h.flags == 0 ||
			      h.flags == IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
			off += h.flags ? 8 : 12;
			CHECK(off <= n);
		}
	}
	return NULL;
}

static void *mover(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		uint32_t pt = r->nested;
		long rc = mock_dev_replace(r->fd, r->dev.stdev, &pt);

		/* Without a vDEVICE the nested HWPT refuses the device */
		CHECK(rc == 0 || rc == -ENOENT);
		pt = r->ioas;
		CHECK(mock_dev_replace(r->fd, r->dev.stdev, &pt) == 0);
	}
	return NULL;
}

static void *vdev_churn(void *arg)
{
	struct race *r = arg;
	struct iommu_viommu_invalidate_selftest inv = {.vdev_id = 9};

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_vdevice_alloc vdev = {
			.size = sizeof(vdev),
			.viommu_id = r->viommu,
			.dev_id = r->dev.idev,
			.virt_id = 9,
		};
		struct iommu_hwpt_invalidate cmd = {
			.size = sizeof(cmd),
			.hwpt_id = r->viommu,
			.data_uptr = (uintptr_t)&inv,
			.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
			.entry_len = sizeof(inv),
			.entry_num = 1,
		};

		CHECK(ioc(r->fd, IOMMU_VDEVICE_ALLOC, &vdev) == 0);
		CHECK(ioc(r->fd, IOMMU_HWPT_INVALIDATE, &cmd) == 0);
		CHECK(cmd.entry_num == 1);
		CHECK(destroy(r->fd, vdev.out_vdevice_id) == 0);
		cmd.entry_num = 1;
		CHECK(ioc(r->fd, IOMMU_HWPT_INVALIDATE, &cmd) == -EINVAL);
		CHECK(cmd.entry_num == 0);
	}
	return NULL;
}

static void *mapper(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_hw_queue_alloc q = {
			.size = sizeof(q),
			.viommu_id = r->viommu,
			.type = IOMMU_HW_QUEUE_TYPE_SELFTEST,
			.nesting_parent_iova = r->iova,
			.length = PAGE_SZ,
		};
		void *p;

		CHECK(uiommufd_mmap(NULL, r->data.out_mmap_length, PROT_READ,
				    MAP_SHARED, r->fd,
				    (off_t)r->data.out_mmap_offset, &p) == 0);
		CHECK(*(uint32_t *)p == 0x77);
		CHECK(ioc(r->fd, IOMMU_HW_QUEUE_ALLOC, &q) == 0);
		CHECK(ioas_unmap(r->fd, r->ioas, r->iova, PAGE_SZ, NULL) ==
		      -EBUSY);
		CHECK(destroy(r->fd, r->viommu) == -EBUSY);
		CHECK(destroy(r->fd, q.out_hw_queue_id) == 0);
		CHECK(munmap(p, r->data.out_mmap_length) == 0);
		uiommufd_munmap(p, r->data.out_mmap_length);
	}
	return NULL;
}

static void setup(struct race *r)
{
	struct iommu_hwpt_selftest nested = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_viommu_alloc viommu = {
		.size = sizeof(viommu),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.data_len = sizeof(r->data),
		.data_uptr = (uintptr_t)&r->data,
	};
	struct iommu_veventq_alloc veventq = {
		.size = sizeof(veventq),
		.type = IOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 4,
	};

	r->fd = uiommufd_open(O_CLOEXEC);
	CHECK(r->fd >= 0);
	r->ioas = ioas_alloc(r->fd);
	r->dev = mock_dev_add(r->fd, r->ioas);
	r->buf = map_anon(PAGE_SZ);
	CHECK(ioas_map(r->fd, r->ioas, r->buf, PAGE_SZ, &r->iova, RW) == 0);
	CHECK(hwpt_new(r->fd, r->dev.idev, r->ioas,
		       IOMMU_HWPT_ALLOC_NEST_PARENT, &r->parent) == 0);
	r->data.in_data = 0x77;
	viommu.dev_id = r->dev.idev;
	viommu.hwpt_id = r->parent;
	CHECK(ioc(r->fd, IOMMU_VIOMMU_ALLOC, &viommu) == 0);
	r->viommu = viommu.out_viommu_id;
	CHECK(hwpt_alloc_ex(r->fd, r->dev.idev, r->viommu, 0, 0,
			    IOMMU_HWPT_DATA_SELFTEST, &nested, sizeof(nested),
			    &r->nested) == 0);
	veventq.viommu_id = r->viommu;
	CHECK(ioc(r->fd, IOMMU_VEVENTQ_ALLOC, &veventq) == 0);
	r->veventq = veventq.out_veventq_id;
	r->veventq_fd = (int)veventq.out_veventq_fd;
}

int main(void)
{
	void *(*const threads[])(void *) = {reporter, reader, mover, vdev_churn,
					    mapper};
	const char *env = getenv("UIOMMUFD_RACE_ITERATIONS");
	pthread_t t[ARRAY_SIZE(threads)];
	struct race r;

	if (env)
		iterations = strtoul(env, NULL, 0);
	setup(&r);
	for (size_t i = 0; i != ARRAY_SIZE(threads); i++)
		CHECK(pthread_create(&t[i], NULL, threads[i], &r) == 0);
	for (size_t i = 0; i != ARRAY_SIZE(threads); i++)
		pthread_join(t[i], NULL);

	/* Everything comes apart in order */
	CHECK(uiommufd_close(r.veventq_fd) == 0);
	CHECK(destroy(r.fd, r.veventq) == 0);
	CHECK(destroy(r.fd, r.nested) == 0);
	CHECK(destroy(r.fd, r.viommu) == 0);
	CHECK(destroy(r.fd, r.parent) == 0);
	CHECK(ioas_unmap(r.fd, r.ioas, r.iova, PAGE_SZ, NULL) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
	CHECK(!uiommufd_mmap_live());
	printf("viommu_race: ok\n");
	return 0;
}
