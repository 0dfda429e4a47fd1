// SPDX-License-Identifier: MIT
/*
 * dma-bufs mapped into an IOAS (IOMMU_IOAS_MAP_FILE with a dma-buf fd),
 * through the test exporter (IOMMU_TEST_OP_DMABUF_GET/REVOKE), with the
 * kernel's rules (drivers/iommu/iommufd/pages.c, io_pagetable.c):
 * the range must lie inside the buffer, a revoked buffer cannot be mapped
 * (ENODEV) and its existing mappings leave every domain, an import revoked
 * once stays dead after the exporter restores the buffer, and accesses
 * cannot reach dma-buf memory (EINVAL).
 *
 * Whether a domain maps a page is seen through dirty tracking: the mock
 * IOMMU marks a page dirty only where its page table holds a leaf.
 */
#include <errno.h>
#include <fcntl.h>

#include "test_helpers.h"

#define NPAGES 4

struct fx {
	int fd;
	uint32_t ioas;
	struct mock_dev_ids dev;
	uint32_t hwpt; /* dirty-tracking paging HWPT the device is on */
	int dfd;
};

static long dmabuf_get(int fd, uint32_t length, uint32_t open_flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DMABUF_GET,
		.dmabuf_get = {.length = length, .open_flags = open_flags},
	};

	return test_op(fd, &cmd);
}

static long dmabuf_revoke(int fd, int dfd, bool revoked)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DMABUF_REVOKE,
		.dmabuf_revoke = {.dmabuf_fd = dfd, .revoked = revoked},
	};

	return test_op(fd, &cmd);
}

static long map_file(int fd, uint32_t ioas, int dfd, uint64_t start,
		     uint64_t length, uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.fd = dfd,
		.start = start,
		.length = length,
		.iova = *iova,
	};
	long rc = ioc(fd, IOMMU_IOAS_MAP_FILE, &cmd);

	*iova = cmd.iova;
	return rc;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};
	uint32_t pt;

	f->fd = uiommufd_open(O_CLOEXEC);
	if (f->fd < 0)
		return -1;
	f->ioas = ioas_alloc(f->fd);
	f->dev = mock_dev_add(f->fd, f->ioas);
	assert_int_equal(0,
			 hwpt_new(f->fd, f->dev.idev, f->ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &f->hwpt));
	pt = f->hwpt;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	track.hwpt_id = f->hwpt;
	assert_int_equal(0, ioc(f->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track));
	f->dfd = (int)dmabuf_get(f->fd, NPAGES * PAGE_SZ, O_CLOEXEC);
	assert_true(f->dfd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->dfd >= 0)
		uiommufd_close(f->dfd);
	uiommufd_close(f->fd);
	free(f);
	return 0;
}

/*
 * Mark every page of [iova, iova + NPAGES pages) dirty as a device write
 * would, then return the bitmap of the pages the HWPT reports dirty: the
 * pages it maps.
 */
static uint64_t mapped_pages(struct fx *f, uint64_t iova)
{
	uint64_t bits = (1u << NPAGES) - 1, out = 0;
	struct iommu_test_cmd mark = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = f->hwpt,
		.dirty = {.iova = iova,
			  .length = NPAGES * PAGE_SZ,
			  .page_size = PAGE_SZ,
			  .uptr = (uintptr_t)&bits},
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.hwpt_id = f->hwpt,
		.iova = iova,
		.length = NPAGES * PAGE_SZ,
		.page_size = PAGE_SZ,
		.data = (uintptr_t)&out,
	};

	assert_int_equal(0, test_op(f->fd, &mark));
	assert_int_equal(NPAGES, mark.dirty.out_nr_dirty);
	assert_int_equal(0, ioc(f->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get));
	return out;
}

static void test_get(void **state)
{
	struct fx *f = *state;
	int other;

	assert_int_equal(UIOMMUFD_FD_DMABUF, uiommufd_fd_kind(f->dfd));
	assert_int_equal(FD_CLOEXEC, fcntl(f->dfd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(-EINVAL, dmabuf_get(f->fd, 0, 0));
	assert_int_equal(-EINVAL, dmabuf_get(f->fd, 513 * PAGE_SZ, 0));
	/* Rounded up to pages, up to 512 of them */
	other = (int)dmabuf_get(f->fd, 512 * PAGE_SZ - 5, 0);
	assert_true(other >= 0);
	assert_int_equal(0, fcntl(other, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(0, uiommufd_close(other));

	/* Revoke takes test dma-bufs only */
	assert_int_equal(-EBADF, dmabuf_revoke(f->fd, -1, true));
	assert_int_equal(-EINVAL, dmabuf_revoke(f->fd, f->fd, true));
	other = memfd_create("not-a-dmabuf", 0);
	assert_int_equal(-EINVAL, dmabuf_revoke(f->fd, other, true));
	close(other);
	/* A descriptor number nothing is open on */
	assert_int_equal(-EBADF, dmabuf_revoke(f->fd, other, true));
}

static void test_map_range(void **state)
{
	struct fx *f = *state;
	const uint64_t size = NPAGES * PAGE_SZ;
	uint64_t iova = 0;

	assert_int_equal(-EINVAL,
			 map_file(f->fd, f->ioas, f->dfd, 0, 0, &iova, RW));
	assert_int_equal(-EINVAL, map_file(f->fd, f->ioas, f->dfd, size, size,
					   &iova, RW));
	assert_int_equal(-EINVAL, map_file(f->fd, f->ioas, f->dfd, 0, size + 1,
					   &iova, RW));
	assert_int_equal(-EINVAL, map_file(f->fd, f->ioas, f->dfd, PAGE_SZ,
					   size, &iova, RW));
	assert_int_equal(0,
			 map_file(f->fd, f->ioas, f->dfd, 0, size, &iova, RW));
	assert_int_equal(0xf, mapped_pages(f, iova));
	/*
	 * A sub-page start keeps its offset in the IOVA, which must suit the
	 * domain's smallest page (the mock's 2 KiB)
	 */
	iova = 0;
	assert_int_equal(-EINVAL, map_file(f->fd, f->ioas, f->dfd,
					   PAGE_SZ + 100, PAGE_SZ, &iova, RW));
	assert_int_equal(0, map_file(f->fd, f->ioas, f->dfd,
				     PAGE_SZ + MOCK_PAGE_SIZE, PAGE_SZ, &iova,
				     RW));
	assert_int_equal(MOCK_PAGE_SIZE, iova % PAGE_SZ);
	/* The mapping holds the buffer after its last descriptor closes */
	assert_int_equal(0, uiommufd_close(f->dfd));
	f->dfd = -1;
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, 0, UINT64_MAX, NULL));
}

static void test_revoke(void **state)
{
	struct fx *f = *state;
	const uint64_t size = NPAGES * PAGE_SZ;
	uint64_t iova = 0, iova2 = 0, len;
	uint32_t hwpt2;

	assert_int_equal(0,
			 map_file(f->fd, f->ioas, f->dfd, 0, size, &iova, RW));
	assert_int_equal(0xf, mapped_pages(f, iova));
	assert_int_equal(0, dmabuf_revoke(f->fd, f->dfd, true));
	/* Every mapping of the buffer left the domain */
	assert_int_equal(0, mapped_pages(f, iova));
	/* Revoking twice changes nothing */
	assert_int_equal(0, dmabuf_revoke(f->fd, f->dfd, true));
	/* A domain added now does not map the revoked area either */
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas, 0, &hwpt2));
	/* Nor can it be mapped again while revoked */
	assert_int_equal(-ENODEV,
			 map_file(f->fd, f->ioas, f->dfd, 0, size, &iova2, RW));

	/* Restored: a new map works, the old import stays dead */
	assert_int_equal(0, dmabuf_revoke(f->fd, f->dfd, false));
	assert_int_equal(0,
			 map_file(f->fd, f->ioas, f->dfd, 0, size, &iova2, RW));
	assert_int_equal(0xf, mapped_pages(f, iova2));
	assert_int_equal(0, mapped_pages(f, iova));

	/* The dead area unmaps, and its IOVA takes the buffer again */
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, iova, size, &len));
	assert_int_equal(size, len);
	assert_int_equal(0, map_file(f->fd, f->ioas, f->dfd, 0, size, &iova,
				     FIXED));
	assert_int_equal(0xf, mapped_pages(f, iova));
	assert_int_equal(0, destroy(f->fd, hwpt2));
}

/* A copy of a dma-buf area is one more importer's mapping to revoke */
static void test_copy_revoke(void **state)
{
	struct fx *f = *state;
	const uint64_t size = NPAGES * PAGE_SZ;
	uint32_t ioas2 = ioas_alloc(f->fd);
	struct mock_dev_ids dev2 = mock_dev_add(f->fd, ioas2);
	struct iommu_ioas_copy copy = {
		.size = sizeof(copy),
		.flags = RW,
		.dst_ioas_id = ioas2,
		.src_ioas_id = f->ioas,
		.length = size,
	};
	uint64_t iova = 0;

	assert_int_equal(0,
			 map_file(f->fd, f->ioas, f->dfd, 0, size, &iova, RW));
	copy.src_iova = iova;
	assert_int_equal(0, ioc(f->fd, IOMMU_IOAS_COPY, &copy));
	assert_int_equal(0, dmabuf_revoke(f->fd, f->dfd, true));
	assert_int_equal(0, mapped_pages(f, iova));
	/* Both areas unmap cleanly, the copy's domain goes with its device */
	assert_int_equal(0, ioas_unmap(f->fd, ioas2, 0, UINT64_MAX, NULL));
	assert_int_equal(0, destroy(f->fd, dev2.stdev));
	assert_int_equal(0, destroy(f->fd, ioas2));
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, 0, UINT64_MAX, NULL));
}

/* An access cannot pin or copy dma-buf memory */
static void test_access_refused(void **state)
{
	struct fx *f = *state;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = f->ioas,
		.create_access =
			{.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
	};
	uint64_t iova = 0;
	char tmp[64];
	int access;

	assert_int_equal(0, map_file(f->fd, f->ioas, f->dfd, 0,
				     NPAGES * PAGE_SZ, &iova, RW));
	assert_int_equal(0, test_op(f->fd, &cmd));
	access = (int)cmd.create_access.out_access_fd;

	cmd = (struct iommu_test_cmd){
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access,
		.access_rw = {.iova = iova,
			      .length = sizeof(tmp),
			      .uptr = (uintptr_t)tmp},
	};
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	cmd.access_rw.flags = MOCK_ACCESS_RW_SLOW_PATH;
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	cmd = (struct iommu_test_cmd){
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)access,
		.access_pages = {.iova = iova, .length = PAGE_SZ},
	};
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	assert_int_equal(0, uiommufd_close(access));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_get),	     T(test_map_range),	     T(test_revoke),
		T(test_copy_revoke), T(test_access_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
