// SPDX-License-Identifier: MIT
/*
 * Error-path sweep: every scenario below is run again and again with the
 * 1st, 2nd, 3rd... failable point of the engine made to fail, until a run
 * completes without reaching the injected failure. For every injected
 * failure the failing call must return an error and leave the context
 * exactly as it was (compared through uiommufd_dump()); afterwards the
 * context is closed and no page may stay pinned. Under AddressSanitizer this
 * also proves that no error path leaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_helpers.h"

struct run {
	int fd;
	uint32_t ioas, ioas2;
	uint32_t stdev, hwpt, idev;
	int access_fd;
	uint32_t pages_id;
	uint64_t iova;
	void *buf;
	int mfd;
	bool injected_failed;
	/* The vIOMMU scenario */
	uint32_t parent, viommu, vdev, nested, fault, nested_fault;
	int veventq_fd, fault_fd;
	uint64_t mmap_offset, mmap_length;
	void *mapped;
};

#define BUF_PAGES 64

/* The state of the context, as text */
static char *state_of(int fd)
{
	int mfd = memfd_create("dump", 0);
	char *text;
	off_t len;

	uiommufd_dump(fd, mfd);
	len = lseek(mfd, 0, SEEK_END);
	text = calloc(1, (size_t)len + 1);
	pread(mfd, text, (size_t)len, 0);
	close(mfd);
	/* The user-wide counter is shared with other processes: drop it */
	if (strchr(text, '\n'))
		memmove(text, strchr(text, '\n'),
			strlen(strchr(text, '\n')) + 1);
	return text;
}

/*
 * Run one step. When the engine's injected failure fired inside it, the
 * step must have failed and changed nothing.
 */
static long step(struct run *r, long rc_of_call(struct run *r))
{
	unsigned int before = uiommufd_fail_nth_get();
	char *s1 = r->fd >= 0 ? state_of(r->fd) : NULL;
	long rc;

	uiommufd_fail_nth_set(before);
	rc = rc_of_call(r);
	if (before && uiommufd_fail_nth_get() == 0) {
		r->injected_failed = true;
		uiommufd_fail_nth_set(0);
		if (r->fd >= 0 && s1) {
			char *s2 = state_of(r->fd);

			if (rc >= 0 || strcmp(s1, s2)) {
				fprintf(stderr,
					"step changed state on failure "
					"(rc %ld)\n--- before\n%s--- after\n%s",
					rc, s1, s2);
				fail();
			}
			free(s2);
		}
	}
	free(s1);
	return rc;
}

static long do_open(struct run *r)
{
	r->fd = uiommufd_open(O_CLOEXEC);
	return r->fd;
}

static long do_ioas(struct run *r)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(r->fd, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		r->ioas = cmd.out_ioas_id;
	return rc;
}

static long do_ioas2(struct run *r)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(r->fd, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		r->ioas2 = cmd.out_ioas_id;
	return rc;
}

static long do_allow(struct run *r)
{
	struct iommu_iova_range range = {.start = MOCK_APERTURE_START,
					 .last = MOCK_APERTURE_LAST};
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = r->ioas,
		.num_iovas = 1,
		.allowed_iovas = (uintptr_t)&range,
	};

	return ioc(r->fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

static long do_mock_domain(struct run *r)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = r->ioas,
	};
	long rc = ioc(r->fd, IOMMU_TEST_CMD, &cmd);

	if (!rc) {
		r->stdev = cmd.mock_domain.out_stdev_id;
		r->hwpt = cmd.mock_domain.out_hwpt_id;
		r->idev = cmd.mock_domain.out_idev_id;
	}
	return rc;
}

static long do_map(struct run *r)
{
	r->iova = 0;
	return ioas_map(r->fd, r->ioas, r->buf, BUF_PAGES * PAGE_SZ, &r->iova,
			RW);
}

static long do_map_file(struct run *r)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.ioas_id = r->ioas,
		.fd = r->mfd,
		.length = 8 * PAGE_SZ,
	};

	return ioc(r->fd, IOMMU_IOAS_MAP_FILE, &cmd);
}

static long do_copy(struct run *r)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.dst_ioas_id = r->ioas2,
		.src_ioas_id = r->ioas,
		.length = 4 * PAGE_SZ,
		.src_iova = r->iova + PAGE_SZ,
	};

	return ioc(r->fd, IOMMU_IOAS_COPY, &cmd);
}

static long do_hwpt_alloc(struct run *r)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		.dev_id = r->idev,
		.pt_id = r->ioas,
	};

	return ioc(r->fd, IOMMU_HWPT_ALLOC, &cmd);
}

static long do_access(struct run *r)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = r->ioas,
		.create_access =
			{.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
	};
	long rc = ioc(r->fd, IOMMU_TEST_CMD, &cmd);

	if (!rc)
		r->access_fd = (int)cmd.create_access.out_access_fd;
	return rc;
}

static long do_access_pages(struct run *r)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)r->access_fd,
		.access_pages = {.iova = r->iova,
				 .length = 4 * PAGE_SZ,
				 .uptr = (uintptr_t)r->buf},
	};
	long rc = ioc(r->fd, IOMMU_TEST_CMD, &cmd);

	if (!rc)
		r->pages_id = cmd.access_pages.out_access_pages_id;
	return rc;
}

static long do_access_rw(struct run *r)
{
	char tmp[300];
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)r->access_fd,
		.access_rw = {.iova = r->iova + PAGE_SZ - 100,
			      .length = sizeof(tmp),
			      .uptr = (uintptr_t)tmp,
			      .flags = MOCK_ACCESS_RW_SLOW_PATH},
	};

	return ioc(r->fd, IOMMU_TEST_CMD, &cmd);
}

static long do_replace(struct run *r)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = r->stdev,
		.mock_domain_replace = {.pt_id = r->ioas2},
	};

	return ioc(r->fd, IOMMU_TEST_CMD, &cmd);
}

static long do_unmap_all(struct run *r)
{
	return ioas_unmap(r->fd, r->ioas, 0, UINT64_MAX, NULL);
}

static long (*const scenario[])(struct run *) = {
	do_open,	do_ioas,      do_ioas2,	       do_allow,
	do_mock_domain, do_map,	      do_map_file,     do_copy,
	do_hwpt_alloc,	do_access,    do_access_pages, do_access_rw,
	do_replace,	do_unmap_all,
};

static long do_mock_pasid(struct run *r)
{
	struct mock_dev_ids ids;
	long rc = mock_dev_add_flags(r->fd, r->ioas, MOCK_FLAGS_DEVICE_PASID,
				     &ids);

	r->stdev = ids.stdev;
	r->idev = ids.idev;
	return rc;
}

static long do_parent(struct run *r)
{
	return hwpt_new(r->fd, r->idev, r->ioas,
			IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_PASID,
			&r->parent);
}

static long do_viommu(struct run *r)
{
	struct iommu_viommu_selftest data = {.in_data = 0xabcd};
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = r->idev,
		.hwpt_id = r->parent,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	long rc = ioc(r->fd, IOMMU_VIOMMU_ALLOC, &cmd);

	r->viommu = cmd.out_viommu_id;
	r->mmap_offset = data.out_mmap_offset;
	r->mmap_length = data.out_mmap_length;
	return rc;
}

static long do_mmap(struct run *r)
{
	long rc = uiommufd_mmap(NULL, r->mmap_length, PROT_READ, MAP_SHARED,
				r->fd, (off_t)r->mmap_offset, &r->mapped);

	if (!rc)
		CHECK(*(uint32_t *)r->mapped == 0xabcd);
	return rc;
}

static long do_munmap(struct run *r)
{
	CHECK(!munmap(r->mapped, r->mmap_length));
	return uiommufd_munmap(r->mapped, r->mmap_length);
}

static long do_vdev(struct run *r)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = r->viommu,
		.dev_id = r->idev,
		.virt_id = 0x55,
	};
	long rc = ioc(r->fd, IOMMU_VDEVICE_ALLOC, &cmd);

	r->vdev = cmd.out_vdevice_id;
	return rc;
}

static struct iommu_hwpt_selftest nested_data = {
	.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
};

static long do_nested(struct run *r)
{
	return hwpt_alloc_ex(r->fd, r->idev, r->viommu, IOMMU_HWPT_ALLOC_PASID,
			     0, IOMMU_HWPT_DATA_SELFTEST, &nested_data,
			     sizeof(nested_data), &r->nested);
}

static long do_replace_nested(struct run *r)
{
	uint32_t pt = r->nested;

	return mock_dev_replace(r->fd, r->stdev, &pt);
}

static long do_veventq(struct run *r)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = r->viommu,
		.type = IOMMU_VEVENTQ_TYPE_SELFTEST,
		.veventq_depth = 2,
	};
	long rc = ioc(r->fd, IOMMU_VEVENTQ_ALLOC, &cmd);

	if (!rc)
		r->veventq_fd = (int)cmd.out_veventq_fd;
	return rc;
}

static long do_hw_queue(struct run *r)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = r->viommu,
		.type = IOMMU_HW_QUEUE_TYPE_SELFTEST,
		.nesting_parent_iova = r->iova,
		.length = PAGE_SZ,
	};

	return ioc(r->fd, IOMMU_HW_QUEUE_ALLOC, &cmd);
}

static long do_fault(struct run *r)
{
	struct iommu_fault_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(r->fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (!rc) {
		r->fault = cmd.out_fault_id;
		r->fault_fd = (int)cmd.out_fault_fd;
	}
	return rc;
}

static long do_nested_fault(struct run *r)
{
	return hwpt_alloc_ex(r->fd, r->idev, r->viommu,
			     IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID,
			     r->fault, IOMMU_HWPT_DATA_SELFTEST, &nested_data,
			     sizeof(nested_data), &r->nested_fault);
}

static long do_invalidate(struct iommu_hwpt_invalidate *cmd, struct run *r)
{
	static struct iommu_viommu_invalidate_selftest inv[2] = {
		{.vdev_id = 0x55, .cache_id = 1},
		{.vdev_id = 0x55, .flags = IOMMU_TEST_INVALIDATE_FLAG_ALL},
	};

	*cmd = (struct iommu_hwpt_invalidate){
		.size = sizeof(*cmd),
		.hwpt_id = r->viommu,
		.data_uptr = (uintptr_t)inv,
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(inv[0]),
		.entry_num = ARRAY_SIZE(inv),
	};
	return ioc(r->fd, IOMMU_HWPT_INVALIDATE, cmd);
}

static long do_viommu_invalidate(struct run *r)
{
	struct iommu_hwpt_invalidate cmd;

	return do_invalidate(&cmd, r);
}

static long do_pasid(struct run *r, uint32_t op, uint32_t pt)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = op,
		.id = r->stdev,
		.pasid_attach = {.pasid = 100, .pt_id = pt},
	};

	return ioc(r->fd, IOMMU_TEST_CMD, &cmd);
}

static long do_pasid_attach(struct run *r)
{
	return do_pasid(r, IOMMU_TEST_OP_PASID_ATTACH, r->nested);
}

static long do_pasid_replace(struct run *r)
{
	return do_pasid(r, IOMMU_TEST_OP_PASID_REPLACE, r->nested_fault);
}

/* The device goes with PASIDs attached and its vDEVICE alive */
static long do_unplug(struct run *r)
{
	return destroy(r->fd, r->stdev);
}

static long (*const viommu_scenario[])(struct run *) = {
	do_open,	   do_ioas,
	do_mock_pasid,	   do_map,
	do_parent,	   do_viommu,
	do_mmap,	   do_munmap,
	do_vdev,	   do_nested,
	do_replace_nested, do_veventq,
	do_hw_queue,	   do_fault,
	do_nested_fault,   do_viommu_invalidate,
	do_pasid_attach,   do_pasid_replace,
	do_unplug,
};

static unsigned int sweep(long (*const *steps)(struct run *), size_t nsteps)
{
	void *buf = map_anon(BUF_PAGES * PAGE_SZ);
	int mfd = memfd_create("sweep", 0);
	unsigned int nth;

	assert_int_equal(0, ftruncate(mfd, 16 * PAGE_SZ));
	for (nth = 1; nth < 2000; nth++) {
		struct run r = {.fd = -1,
				.access_fd = -1,
				.veventq_fd = -1,
				.fault_fd = -1,
				.buf = buf,
				.mfd = mfd};
		int checker;

		uiommufd_fail_nth_set(nth);
		for (size_t i = 0; i != nsteps; i++)
			if (step(&r, steps[i]) < 0)
				break;
		uiommufd_fail_nth_set(0);
		if (r.access_fd >= 0)
			assert_int_equal(0, uiommufd_close(r.access_fd));
		if (r.veventq_fd >= 0)
			assert_int_equal(0, uiommufd_close(r.veventq_fd));
		if (r.fault_fd >= 0)
			assert_int_equal(0, uiommufd_close(r.fault_fd));
		if (r.fd >= 0)
			assert_int_equal(0, uiommufd_close(r.fd));

		/* Nothing may stay pinned once the context is gone */
		checker = uiommufd_open(0);
		assert_int_equal(0, check_refs(checker, buf,
					       BUF_PAGES * PAGE_SZ, 0));
		uiommufd_close(checker);
		if (!r.injected_failed)
			break;
	}
	fprintf(stderr, "fail-nth sweep: %u failable points covered\n",
		nth - 1);
	close(mfd);
	munmap(buf, BUF_PAGES * PAGE_SZ);
	return nth;
}

static void test_sweep(void **state)
{
	unsigned int nth = sweep(scenario, ARRAY_SIZE(scenario));

	(void)state;
	assert_true(nth > 10 && nth < 2000);
}

/*
 * The vIOMMU family: vIOMMU with its mmap region, vDEVICE, nested HWPTs,
 * vEVENTQ, HW queue, fault queue, invalidation, PASIDs, and the device
 * unplugged with all of it still there.
 */
static void test_viommu_sweep(void **state)
{
	unsigned int nth = sweep(viommu_scenario, ARRAY_SIZE(viommu_scenario));

	(void)state;
	assert_true(nth > 20 && nth < 2000);
}

/*
 * An injected failure that fires during an attach to an IOAS with an
 * automatic HWPT either fails the attach or, when the existing HWPT's
 * attach took it as EINVAL ("does not suit"), is absorbed and a new HWPT
 * made, as Linux 7.2 does (2 of its 59 points there). A fired failure that
 * did not fail the call is absorbed, always; one that was not fired never
 * counts as absorbed.
 */
static void test_absorbed_by_auto_domain(void **state)
{
	unsigned int nth, absorbed = 0, failed = 0;

	(void)state;
	for (nth = 1; nth < 500; nth++) {
		int fd = uiommufd_open(0);
		uint32_t ioas = ioas_alloc(fd);
		struct mock_dev_ids first = mock_dev_add(fd, ioas);
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = ioas,
		};
		bool fired;
		long rc;

		uiommufd_fail_nth_set(nth);
		rc = ioc(fd, IOMMU_TEST_CMD, &cmd);
		fired = uiommufd_fail_nth_get() == 0;
		if (!fired) {
			assert_false(uiommufd_fail_nth_absorbed());
			uiommufd_fail_nth_set(0);
			assert_int_equal(0, rc);
			assert_int_equal(first.hwpt,
					 cmd.mock_domain.out_hwpt_id);
			uiommufd_close(fd);
			break;
		}
		if (rc) {
			failed++;
		} else {
			assert_true(uiommufd_fail_nth_absorbed());
			assert_int_not_equal(first.hwpt,
					     cmd.mock_domain.out_hwpt_id);
			absorbed++;
		}
		uiommufd_fail_nth_set(0);
		assert_false(uiommufd_fail_nth_absorbed());
		uiommufd_close(fd);
	}
	fprintf(stderr,
		"attach to an auto HWPT: %u points, %u failed the "
		"call, %u absorbed\n",
		nth - 1, failed, absorbed);
	assert_true(absorbed >= 1);
	assert_true(nth < 500);
}

static unsigned int nr_devices(void)
{
	struct uiommufd_device_info info;
	unsigned int n = 0;

	while (!uiommufd_device_info(n, &info))
		n++;
	return n;
}

/*
 * Emulated devices come with a group, an IOMMU attachment and a VFIO
 * registration: a failure anywhere while adding one must leave no device,
 * group or name behind (the next try takes the same name).
 */
static void sweep_device_add(const char *spec)
{
	unsigned int before = nr_devices(), nth;
	int rc;

	for (nth = 1; nth < 200; nth++) {
		uiommufd_fail_nth_set(nth);
		rc = uiommufd_devices_add(spec);
		if (uiommufd_fail_nth_get()) {
			/* Nothing failed: added, and the sweep is over */
			uiommufd_fail_nth_set(0);
			assert_int_equal(0, rc);
			break;
		}
		assert_true(rc < 0);
		assert_int_equal(before, nr_devices());
	}
	assert_true(nth > 1 && nth < 200);
	assert_int_equal(before + 1, nr_devices());
	/* The name is taken now */
	assert_int_equal(-EEXIST, uiommufd_devices_add(spec));
}

static void test_device_sweep(void **state)
{
	static const char *const bad[] = {
		"bogus",
		"udma,",
		",udma",
		"udma,,noiommu",
		"udma,group=",
		"udma,group=x",
		"udma,group=-1",
		"udma,group=2147483648",
		"udma,name=zz",
		"udma,name=0000:00:20.0",
		"udma,name=0000:00:01.8",
		"udma,speed=9",
		"udma;bogus",
		"udma,iommu=",
		"udma,iommu=amdv2",
		"udma,iommu=vtd,noiommu",
		"udma,iommu=smmuv3,noiommu",
		"udma,iommu=amd,noiommu",
	};
	unsigned int before = nr_devices();

	(void)state;
	/* An empty list adds nothing; a bad one neither, even good entries */
	assert_int_equal(0, uiommufd_devices_add(""));
	assert_int_equal(before, nr_devices());
	for (size_t i = 0; i != ARRAY_SIZE(bad); i++) {
		assert_int_equal(-EINVAL, uiommufd_devices_add(bad[i]));
		assert_int_equal(before, nr_devices());
	}
	sweep_device_add("udma,name=0000:40:01.0");
	sweep_device_add("edu,name=0000:40:02.0,group=4000");
	sweep_device_add("udma,name=0000:40:03.0,noiommu");
	sweep_device_add("udma,name=0000:40:05.0,iommu=vtd");
	sweep_device_add("udma,name=0000:40:07.0,iommu=smmuv3");
	sweep_device_add("udma,name=0000:40:09.0,iommu=amd");
	sweep_device_add("ioat,name=0000:40:0b.0");
	/* One group, one IOMMU: group 4000 is behind the default model */
	assert_int_equal(-EINVAL, uiommufd_devices_add("udma,name=0000:40:06.0,"
						       "group=4000,iommu=vtd"));
	assert_int_equal(-EINVAL,
			 uiommufd_devices_add("udma,name=0000:40:08.0,"
					      "group=4000,iommu=smmuv3"));
	assert_int_equal(-EINVAL, uiommufd_devices_add("udma,name=0000:40:0a.0,"
						       "group=4000,iommu=amd"));
	assert_int_equal(before + 7, nr_devices());
	/* Two of one name in one list: the second fails, the first stays */
	assert_int_equal(-EEXIST,
			 uiommufd_devices_add("edu,name=0000:40:04.0;"
					      "edu,name=0000:40:04.0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_viommu_sweep),
		cmocka_unit_test(test_absorbed_by_auto_domain),
		cmocka_unit_test(test_device_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
