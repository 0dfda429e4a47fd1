// SPDX-License-Identifier: MIT
/*
 * Two threads on state that two commands share, each case a race that a
 * sanitizer found (issue 7, defect 4). Run under ThreadSanitizer in
 * `make check`: a data race is a failure there. Under the other builds the
 * cases check that the object graph ends as it must.
 *
 *  - hwpt_list: HWPTs of one IOAS allocated and destroyed from two threads
 *    (a destroy looked at its list entry without the IOAS lock while a
 *    neighbour was added);
 *  - dirty_alignment: GET_DIRTY_BITMAP while accesses come and go (the
 *    IOAS's IOVA alignment was read without its lock);
 *  - auto_domain: a device replaced onto an IOAS (making an automatic HWPT)
 *    and onto a HWPT at once (the automatic HWPT could be dropped before it
 *    was marked automatic, and then outlived its last device);
 *  - access_unmap: an access closed while an unmap notifies it (the unmap's
 *    failed try for a reference raised the access's users count for an
 *    instant; the close saw it, kept the object and freed its owner).
 *
 * Arguments name the cases to run (all by default). Environment:
 * UIOMMUFD_RACE_ITERATIONS (default 50000 per thread).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/helpers.h"

static unsigned long iterations = 50000;

static long hwpt_alloc(int fd, uint32_t idev, uint32_t pt_id, uint32_t flags,
		       uint32_t *out)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = idev,
		.pt_id = pt_id,
	};
	long rc = ioc(fd, IOMMU_HWPT_ALLOC, &cmd);

	*out = cmd.out_hwpt_id;
	return rc;
}

static long replace(int fd, uint32_t stdev, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev,
		.mock_domain_replace = {.pt_id = pt_id},
	};

	return ioc(fd, IOMMU_TEST_CMD, &cmd);
}

struct race {
	int fd;
	uint32_t ioas;
	uint32_t idev;
	uint32_t stdev;
	uint32_t hwpt;
	void *buf;
	size_t len;
};

static void run_pair(void *(*a)(void *), void *(*b)(void *), struct race *r)
{
	pthread_t ta, tb;

	CHECK(pthread_create(&ta, NULL, a, r) == 0);
	CHECK(pthread_create(&tb, NULL, b, r) == 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
}

/* @n threads running a and n running b */
static void run_pairs(void *(*a)(void *), void *(*b)(void *), struct race *r,
		      int n)
{
	pthread_t t[8];

	CHECK(n <= 4);
	for (int i = 0; i != n; i++) {
		CHECK(pthread_create(&t[2 * i], NULL, a, r) == 0);
		CHECK(pthread_create(&t[2 * i + 1], NULL, b, r) == 0);
	}
	for (int i = 0; i != 2 * n; i++)
		pthread_join(t[i], NULL);
}

static void *hwpt_cycle(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		uint32_t hwpt;

		CHECK(hwpt_alloc(r->fd, r->idev, r->ioas, 0, &hwpt) == 0);
		CHECK(destroy(r->fd, hwpt) == 0);
	}
	return NULL;
}

static void race_hwpt_list(void)
{
	struct race r = {.fd = uiommufd_open(0)};
	struct mock_dev_ids ids;

	CHECK(r.fd >= 0);
	r.ioas = ioas_alloc(r.fd);
	ids = mock_dev_add(r.fd, r.ioas);
	r.idev = ids.idev;
	run_pair(hwpt_cycle, hwpt_cycle, &r);
	CHECK(destroy(r.fd, ids.stdev) == 0);
	CHECK(destroy(r.fd, r.ioas) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
}

static void *dirty_reader(void *arg)
{
	struct race *r = arg;
	uint64_t bitmap[4] = {};

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_hwpt_get_dirty_bitmap cmd = {
			.size = sizeof(cmd),
			.hwpt_id = r->hwpt,
			.iova = MOCK_APERTURE_START,
			.length = r->len,
			.page_size = (uint64_t)sysconf(_SC_PAGESIZE),
			.data = (uintptr_t)bitmap,
		};

		CHECK(ioc(r->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd) == 0);
	}
	return NULL;
}

static void *access_cycle(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_CREATE_ACCESS,
			.id = r->ioas,
			.create_access =
				{.flags =
					 MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
		};

		CHECK(ioc(r->fd, IOMMU_TEST_CMD, &cmd) == 0);
		CHECK(uiommufd_close((int)cmd.create_access.out_access_fd) ==
		      0);
	}
	return NULL;
}

static void race_dirty_alignment(void)
{
	struct race r = {.fd = uiommufd_open(0)};
	struct iommu_ioas_map map = {.size = sizeof(map)};
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};
	struct mock_dev_ids ids;

	CHECK(r.fd >= 0);
	r.len = 64 * (size_t)sysconf(_SC_PAGESIZE);
	r.buf = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r.buf != MAP_FAILED);
	r.ioas = ioas_alloc(r.fd);
	ids = mock_dev_add(r.fd, r.ioas);
	CHECK(hwpt_alloc(r.fd, ids.idev, r.ioas,
			 IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &r.hwpt) == 0);
	CHECK(replace(r.fd, ids.stdev, r.hwpt) == 0);
	track.hwpt_id = r.hwpt;
	CHECK(ioc(r.fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track) == 0);
	map.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
		    IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = r.ioas;
	map.user_va = (uintptr_t)r.buf;
	map.length = r.len;
	map.iova = MOCK_APERTURE_START;
	CHECK(ioc(r.fd, IOMMU_IOAS_MAP, &map) == 0);

	run_pair(dirty_reader, access_cycle, &r);
	CHECK(destroy(r.fd, ids.stdev) == 0);
	CHECK(destroy(r.fd, r.hwpt) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
	munmap(r.buf, r.len);
}

static void *replace_to_ioas(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++)
		CHECK(replace(r->fd, r->stdev, r->ioas) == 0);
	return NULL;
}

static void *replace_to_hwpt(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++)
		CHECK(replace(r->fd, r->stdev, r->hwpt) == 0);
	return NULL;
}

static void race_auto_domain(void)
{
	struct race r = {.fd = uiommufd_open(0)};
	struct mock_dev_ids ids;
	uint32_t home;

	CHECK(r.fd >= 0);
	home = ioas_alloc(r.fd);
	r.ioas = ioas_alloc(r.fd);
	ids = mock_dev_add(r.fd, home);
	r.stdev = ids.stdev;
	CHECK(hwpt_alloc(r.fd, ids.idev, home, 0, &r.hwpt) == 0);

	run_pair(replace_to_ioas, replace_to_hwpt, &r);

	/*
	 * Off the IOAS, no automatic HWPT may be left on it: each went with
	 * its last device.
	 */
	CHECK(replace(r.fd, r.stdev, r.hwpt) == 0);
	CHECK(destroy(r.fd, r.ioas) == 0);
	CHECK(destroy(r.fd, r.stdev) == 0);
	CHECK(destroy(r.fd, r.hwpt) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
}

static void *map_unmap_cycle(void *arg)
{
	struct race *r = arg;

	for (unsigned long i = 0; i != iterations; i++) {
		uint64_t iova = 0;

		CHECK(ioas_map(r->fd, r->ioas, r->buf, r->len, &iova,
			       IOMMU_IOAS_MAP_READABLE) == 0);
		CHECK(ioas_unmap(r->fd, r->ioas, iova, r->len, NULL) == 0);
	}
	return NULL;
}

static void race_access_unmap(void)
{
	struct race r = {.fd = uiommufd_open(0)};

	CHECK(r.fd >= 0);
	r.len = (size_t)sysconf(_SC_PAGESIZE);
	r.buf = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r.buf != MAP_FAILED);
	r.ioas = ioas_alloc(r.fd);
	run_pairs(map_unmap_cycle, access_cycle, &r, 2);
	CHECK(destroy(r.fd, r.ioas) == 0);
	CHECK(uiommufd_close(r.fd) == 0);
	munmap(r.buf, r.len);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{"hwpt_list", race_hwpt_list},
	{"dirty_alignment", race_dirty_alignment},
	{"auto_domain", race_auto_domain},
	{"access_unmap", race_access_unmap},
};

/* Arguments name the cases to run; none runs them all */
int main(int argc, char **argv)
{
	const char *env = getenv("UIOMMUFD_RACE_ITERATIONS");

	if (env)
		iterations = strtoul(env, NULL, 0);
	for (size_t i = 0; i != sizeof(cases) / sizeof(cases[0]); i++) {
		bool wanted = argc < 2;

		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], cases[i].name);
		if (!wanted)
			continue;
		cases[i].run();
		printf("%s: ok\n", cases[i].name);
	}
	return 0;
}
