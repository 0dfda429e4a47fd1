// SPDX-License-Identifier: MIT
/*
 * vIOMMUs through the C API: the mappings of a vIOMMU's region, which a
 * program without the shim reports with uiommufd_munmap(), and what the
 * dump says of the vIOMMU family.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "test_helpers.h"

struct viommu_env {
	int fd;
	uint32_t ioas, parent, viommu;
	struct mock_dev_ids dev;
	struct iommu_viommu_selftest data;
};

static void viommu_env_init(struct viommu_env *e)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.data_len = sizeof(e->data),
		.data_uptr = (uintptr_t)&e->data,
	};

	e->fd = uiommufd_open(O_CLOEXEC);
	assert_true(e->fd >= 0);
	e->ioas = ioas_alloc(e->fd);
	e->dev = mock_dev_add(e->fd, e->ioas);
	assert_int_equal(0, hwpt_new(e->fd, e->dev.idev, e->ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT, &e->parent));
	e->data = (struct iommu_viommu_selftest){.in_data = 0x5a5a};
	cmd.dev_id = e->dev.idev;
	cmd.hwpt_id = e->parent;
	assert_int_equal(0, ioc(e->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	e->viommu = cmd.out_viommu_id;
	assert_int_equal(0x5a5a, e->data.out_data);
	assert_int_equal(2 * PAGE_SZ, e->data.out_mmap_length);
}

static void *map_region(struct viommu_env *e, void *addr, int flags)
{
	void *p = NULL;

	assert_int_equal(0, uiommufd_mmap(addr, e->data.out_mmap_length,
					  PROT_READ | PROT_WRITE,
					  MAP_SHARED | flags, e->fd,
					  (off_t)e->data.out_mmap_offset, &p));
	assert_int_equal(0x5a5a, *(uint32_t *)p);
	return p;
}

static void unmap_range(void *p, size_t len)
{
	assert_int_equal(0, munmap(p, len));
	assert_int_equal(0, uiommufd_munmap(p, len));
}

/*
 * The region is device memory in the kernel (remap_pfn_range(): VM_PFNMAP),
 * which no pin takes: an IOAS map of it by address is EFAULT.
 */
static void test_region_not_pinnable(void **state)
{
	uint64_t iova = 0;
	struct viommu_env e;
	char *p;

	(void)state;
	viommu_env_init(&e);
	p = map_region(&e, NULL, 0);
	assert_int_equal(-EFAULT, ioas_map(e.fd, e.ioas, p, PAGE_SZ, &iova,
					   IOMMU_IOAS_MAP_READABLE));
	unmap_range(p, e.data.out_mmap_length);
	assert_int_equal(0, ioas_map(e.fd, e.ioas, map_anon(PAGE_SZ), PAGE_SZ,
				     &iova, IOMMU_IOAS_MAP_READABLE));
	assert_int_equal(0, uiommufd_close(e.fd));
}

/* Each piece of a mapping holds the vIOMMU until the last one goes */
static void test_mapping_pieces(void **state)
{
	struct viommu_env e;
	char *p;

	(void)state;
	viommu_env_init(&e);
	assert_false(uiommufd_mmap_live());
	p = map_region(&e, NULL, 0);
	assert_true(uiommufd_mmap_live());
	assert_int_equal(-EBUSY, destroy(e.fd, e.viommu));

	/* An unaligned start unmaps nothing */
	assert_int_equal(0, uiommufd_munmap(p + 1, PAGE_SZ));
	unmap_range(p + PAGE_SZ, PAGE_SZ);
	assert_int_equal(-EBUSY, destroy(e.fd, e.viommu));
	unmap_range(p, PAGE_SZ);
	assert_false(uiommufd_mmap_live());

	/* From the other end this time */
	p = map_region(&e, NULL, 0);
	unmap_range(p, PAGE_SZ);
	assert_int_equal(-EBUSY, destroy(e.fd, e.viommu));
	unmap_range(p + PAGE_SZ, PAGE_SZ);

	/* A fixed mapping over the old one replaces it */
	p = map_region(&e, NULL, 0);
	assert_ptr_equal(p, map_region(&e, p, MAP_FIXED));
	unmap_range(p, e.data.out_mmap_length);
	assert_int_equal(0, destroy(e.fd, e.viommu));
	/* The region went with its vIOMMU */
	assert_int_equal(-ENXIO, uiommufd_mmap(NULL, e.data.out_mmap_length,
					       PROT_READ, MAP_SHARED, e.fd,
					       (off_t)e.data.out_mmap_offset,
					       (void **)&p));
	assert_int_equal(0, uiommufd_close(e.fd));
}

/* A mapping keeps the iommufd too: it is released at the last munmap() */
static void test_mapping_outlives_close(void **state)
{
	struct viommu_env e;
	char *p;

	(void)state;
	viommu_env_init(&e);
	p = map_region(&e, NULL, 0);
	assert_int_equal(0, uiommufd_close(e.fd));
	/* The registers are still there */
	p[8] = 1;
	unmap_range(p, e.data.out_mmap_length);
	assert_false(uiommufd_mmap_live());
}

/* Regions are placed lowest first from PAGE_SIZE, reusing freed gaps */
static void test_region_offsets(void **state)
{
	struct iommu_viommu_selftest data[3] = {{0}};
	struct viommu_env e;
	uint32_t ids[3];

	(void)state;
	viommu_env_init(&e);
	assert_int_equal(PAGE_SZ, e.data.out_mmap_offset);
	for (int i = 0; i < 3; i++) {
		struct iommu_viommu_alloc cmd = {
			.size = sizeof(cmd),
			.type = IOMMU_VIOMMU_TYPE_SELFTEST,
			.dev_id = e.dev.idev,
			.hwpt_id = e.parent,
			.data_len = sizeof(data[i]),
			.data_uptr = (uintptr_t)&data[i],
		};

		assert_int_equal(0, ioc(e.fd, IOMMU_VIOMMU_ALLOC, &cmd));
		ids[i] = cmd.out_viommu_id;
		assert_int_equal((3 + 2 * i) * PAGE_SZ,
				 data[i].out_mmap_offset);
	}
	assert_int_equal(0, destroy(e.fd, ids[1]));
	data[1].out_mmap_offset = 0;
	{
		struct iommu_viommu_alloc cmd = {
			.size = sizeof(cmd),
			.type = IOMMU_VIOMMU_TYPE_SELFTEST,
			.dev_id = e.dev.idev,
			.hwpt_id = e.parent,
			.data_len = sizeof(data[1]),
			.data_uptr = (uintptr_t)&data[1],
		};

		assert_int_equal(0, ioc(e.fd, IOMMU_VIOMMU_ALLOC, &cmd));
	}
	assert_int_equal(5 * PAGE_SZ, data[1].out_mmap_offset);
	assert_int_equal(0, uiommufd_close(e.fd));
}

/* The dump names what holds what */
static void test_dump(void **state)
{
	struct iommu_hwpt_selftest nested_data = {
		.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_vdevice_alloc vdev = {.size = sizeof(vdev)};
	struct iommu_veventq_alloc veventq = {.size = sizeof(veventq)};
	struct viommu_env e;
	char text[8192] = "";
	uint32_t nested;
	int mfd;

	(void)state;
	viommu_env_init(&e);
	vdev.viommu_id = e.viommu;
	vdev.dev_id = e.dev.idev;
	vdev.virt_id = 0x77;
	assert_int_equal(0, ioc(e.fd, IOMMU_VDEVICE_ALLOC, &vdev));
	veventq.viommu_id = e.viommu;
	veventq.type = IOMMU_VEVENTQ_TYPE_SELFTEST;
	veventq.veventq_depth = 4;
	assert_int_equal(0, ioc(e.fd, IOMMU_VEVENTQ_ALLOC, &veventq));
	assert_int_equal(0,
			 hwpt_alloc_ex(e.fd, e.dev.idev, e.viommu, 0, 0,
				       IOMMU_HWPT_DATA_SELFTEST, &nested_data,
				       sizeof(nested_data), &nested));

	mfd = memfd_create("dump", 0);
	assert_int_equal(0, uiommufd_dump(e.fd, mfd));
	assert_true(pread(mfd, text, sizeof(text) - 1, 0) > 0);
	close(mfd);
	assert_non_null(strstr(text, "virt_id 0x77"));
	assert_non_null(strstr(text, "type 0xbeefbeef depth 4 events 0"));
	assert_non_null(strstr(text, "type 0xdeadbeef"));
	assert_non_null(strstr(text, " viommu "));
	uiommufd_close((int)veventq.out_veventq_fd);
	assert_int_equal(0, uiommufd_close(e.fd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_pieces),
		cmocka_unit_test(test_region_not_pinnable),
		cmocka_unit_test(test_mapping_outlives_close),
		cmocka_unit_test(test_region_offsets),
		cmocka_unit_test(test_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
