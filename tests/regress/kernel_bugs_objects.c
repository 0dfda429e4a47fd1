// SPDX-License-Identifier: MIT
/*
 * The bug classes of test_kernel_bugs (see the list in test_kernel_bugs.c)
 * about objects that hold one another: fault queues and their records,
 * accesses on changing domains, type1 areas split under domains and
 * accesses, HWPT allocation data and replace, the test uAPI's IOVAs, and
 * objects destroyed while another thread uses them.
 */
#include "kernel_bugs.h"
/* A mock device on a HWPT that delivers to a new fault queue */
static int fault_setup(int fd, struct mock_dev_ids *dev, uint32_t *fault_id,
		       uint32_t *hwpt)
{
	uint32_t ioas = ioas_alloc(fd), pt;
	int ffd;

	*dev = mock_dev_add(fd, ioas);
	ffd = fault_queue_alloc(fd, fault_id);
	assert_int_equal(0, hwpt_alloc_ex(fd, dev->idev, ioas,
					  IOMMU_HWPT_FAULT_ID_VALID, *fault_id,
					  IOMMU_HWPT_DATA_NONE, NULL, 0, hwpt));
	pt = *hwpt;
	assert_int_equal(0, mock_dev_replace(fd, dev->stdev, &pt));
	return ffd;
}

static long trigger_iopf(int fd, uint32_t idev, uint32_t grpid)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {.dev_id = idev,
				 .pasid = NO_PASID,
				 .grpid = grpid,
				 .perm = IOMMU_PGFAULT_PERM_READ,
				 .addr = 0x5000},
	};

	return test_op(fd, &cmd);
}

void test_pgfault_padding(void **state)
{
	struct iommu_hwpt_pgfault rec;
	struct mock_dev_ids dev;
	uint32_t fault_id, hwpt;
	int ffd = fault_setup(FD, &dev, &fault_id, &hwpt);

	assert_int_equal(0, trigger_iopf(FD, dev.idev, 5));
	memset(&rec, 0xa5, sizeof(rec));
	assert_int_equal(sizeof(rec), uiommufd_read(ffd, &rec, sizeof(rec)));
	assert_int_equal(IOMMU_PGFAULT_FLAGS_LAST_PAGE, rec.flags);
	assert_int_equal(dev.idev, rec.dev_id);
	assert_int_equal(0, rec.pasid);
	assert_int_equal(5, rec.grpid);
	assert_int_equal(IOMMU_PGFAULT_PERM_READ, rec.perm);
	assert_int_equal(0, rec.__reserved);
	assert_int_equal(0x5000, rec.addr);
	assert_int_equal(0, rec.length);
	assert_int_equal(1, rec.cookie);
	uiommufd_close(ffd);
}

void test_fault_destroy_pending(void **state)
{
	struct iommu_hwpt_pgfault rec;
	struct mock_dev_ids dev;
	uint32_t fault_id, hwpt;
	int ffd = fault_setup(FD, &dev, &fault_id, &hwpt);

	/* One fault read (in the response table), one still queued */
	assert_int_equal(0, trigger_iopf(FD, dev.idev, 1));
	assert_int_equal(0, trigger_iopf(FD, dev.idev, 2));
	assert_int_equal(sizeof(rec), uiommufd_read(ffd, &rec, sizeof(rec)));
	assert_int_equal(-EBUSY, destroy(FD, fault_id));
	/* The object outlives the HWPT and the file, then goes */
	assert_int_equal(0, destroy(FD, dev.stdev));
	assert_int_equal(0, destroy(FD, hwpt));
	assert_int_equal(-EBUSY, destroy(FD, fault_id));
	assert_int_equal(0, uiommufd_close(ffd));
	assert_int_equal(0, destroy(FD, fault_id));
	/* And with faults still pending when the context goes */
	ffd = fault_setup(FD, &dev, &fault_id, &hwpt);
	assert_int_equal(0, trigger_iopf(FD, dev.idev, 3));
	assert_int_equal(0, trigger_iopf(FD, dev.idev, 4));
	assert_int_equal(sizeof(rec), uiommufd_read(ffd, &rec, sizeof(rec)));
	assert_int_equal(0, uiommufd_close(ffd));
}

void test_unpin_with_access(void **state)
{
	uint32_t ioas = ioas_alloc(FD), pages_id;
	void *buf = map_anon(8 * PAGE_SZ);
	struct mock_dev_ids dev;
	uint64_t iova = APERTURE;
	char out[8] = {0};
	int access;

	memcpy((char *)buf + PAGE_SZ + 10, "pinned", 7);
	assert_int_equal(0, ioas_map(FD, ioas, buf, 8 * PAGE_SZ, &iova, FIXED));
	access = create_access(FD, ioas);
	assert_int_equal(0, access_pages(FD, access, APERTURE, 4 * PAGE_SZ, buf,
					 0, &pages_id));
	assert_int_equal(0, check_refs(FD, buf, 4 * PAGE_SZ, 1));
	/* A domain comes and goes: the access's pins stay, counted once */
	dev = mock_dev_add(FD, ioas);
	assert_int_equal(0, check_refs(FD, buf, 8 * PAGE_SZ, 1));
	assert_int_equal(0, destroy(FD, dev.stdev));
	assert_int_equal(0, check_refs(FD, buf, 4 * PAGE_SZ, 1));
	assert_int_equal(0, check_refs(FD, (char *)buf + 4 * PAGE_SZ,
				       4 * PAGE_SZ, 0));
	assert_int_equal(0, access_rw(FD, access, APERTURE + PAGE_SZ + 10, out,
				      7, 0));
	assert_string_equal("pinned", out);
	/* The unmap tells the access, which unpins */
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, NULL));
	assert_int_equal(0, check_refs(FD, buf, 8 * PAGE_SZ, 0));
	assert_int_equal(0, uiommufd_close(access));
	munmap(buf, 8 * PAGE_SZ);
}

void test_access_list_ids(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	void *buf = map_anon(8 * PAGE_SZ);
	uint64_t iova = APERTURE, len;
	int a[4];

	assert_int_equal(0, ioas_map(FD, ioas, buf, 4 * PAGE_SZ, &iova, FIXED));
	iova = APERTURE + 0x100000;
	assert_int_equal(0, ioas_map(FD, ioas, (char *)buf + 4 * PAGE_SZ,
				     4 * PAGE_SZ, &iova, FIXED));
	a[0] = create_access(FD, ioas);
	a[1] = create_access(FD, ioas);
	a[2] = create_access(FD, ioas);
	assert_int_equal(0, uiommufd_close(a[1]));
	assert_int_equal(0, uiommufd_close(a[0]));
	a[3] = create_access(FD, ioas);
	a[0] = create_access(FD, ioas);
	/* Each pins a different area */
	assert_int_equal(0, access_pages(FD, a[2], APERTURE, PAGE_SZ, buf, 0,
					 NULL));
	assert_int_equal(0, access_pages(FD, a[3], APERTURE + 0x100000, PAGE_SZ,
					 (char *)buf + 4 * PAGE_SZ, 0, NULL));
	assert_int_equal(0, access_pages(FD, a[0], APERTURE + 0x100000, PAGE_SZ,
					 (char *)buf + 4 * PAGE_SZ, 0, NULL));
	/* Pinned once, however many accesses hold it */
	assert_int_equal(0,
			 check_refs(FD, (char *)buf + 4 * PAGE_SZ, PAGE_SZ, 1));
	/* Unmapping the second area reaches both of its accesses */
	assert_int_equal(0, ioas_unmap(FD, ioas, APERTURE + 0x100000,
				       4 * PAGE_SZ, &len));
	assert_int_equal(4 * PAGE_SZ, len);
	assert_int_equal(0,
			 check_refs(FD, (char *)buf + 4 * PAGE_SZ, PAGE_SZ, 0));
	assert_int_equal(0, check_refs(FD, buf, PAGE_SZ, 1));
	for (int i = 0; i != 4; i++)
		if (i != 1)
			assert_int_equal(0, uiommufd_close(a[i]));
	assert_int_equal(0, ioas_unmap(FD, ioas, 0, UINT64_MAX, NULL));
	assert_int_equal(0, check_refs(FD, buf, 8 * PAGE_SZ, 0));
	munmap(buf, 8 * PAGE_SZ);
}

static long vfio_unmap(int fd, uint64_t iova, uint64_t size, uint32_t flags,
		       uint64_t *out)
{
	struct vfio_iommu_type1_dma_unmap cmd = {
		.argsz = sizeof(cmd),
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	long rc = ioc(fd, VFIO_IOMMU_UNMAP_DMA, &cmd);

	*out = cmd.size;
	return rc;
}

void test_split_with_domains(void **state)
{
	const uint64_t pg = PAGE_SZ;
	char *buf = map_anon(16 * PAGE_SZ);
	struct iommu_vfio_ioas set = {
		.size = sizeof(set),
		.ioas_id = ioas_alloc(FD),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = APERTURE,
		.size = 16 * pg,
	};
	struct mock_dev_ids d0, d1;
	uint64_t size;

	assert_int_equal(0, ioc(FD, IOMMU_VFIO_IOAS, &set));
	d0 = mock_dev_add(FD, set.ioas_id);
	assert_int_equal(0,
			 uiommufd_ioctl(FD, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	assert_int_equal(0, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	assert_int_equal(0, check_refs(FD, buf, 16 * pg, 1));
	/* v1 cuts the area in three; the middle is unpinned */
	assert_int_equal(0,
			 vfio_unmap(FD, APERTURE + 4 * pg, 4 * pg, 0, &size));
	assert_int_equal(4 * pg, size);
	assert_int_equal(0, check_refs(FD, buf + 4 * pg, 4 * pg, 0));
	assert_int_equal(0, check_refs(FD, buf, 4 * pg, 1));
	assert_int_equal(0, md_check_map(FD, d0.hwpt, APERTURE, buf, 4 * pg));
	assert_int_equal(0, md_check_map(FD, d0.hwpt, APERTURE + 8 * pg,
					 buf + 8 * pg, 8 * pg));
	/* A domain added after the split gets the pieces, then a cut more */
	d1 = mock_dev_add(FD, set.ioas_id);
	assert_int_equal(0, vfio_unmap(FD, APERTURE + 9 * pg, pg, 0, &size));
	assert_int_equal(pg, size);
	assert_int_equal(0, check_refs(FD, buf + 9 * pg, pg, 0));
	assert_int_equal(0, destroy(FD, d0.stdev));
	assert_int_equal(0,
			 vfio_unmap(FD, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &size));
	assert_int_equal(11 * pg, size);
	assert_int_equal(0, check_refs(FD, buf, 16 * pg, 0));
	assert_int_equal(0, destroy(FD, d1.stdev));
	munmap(buf, 16 * PAGE_SZ);
}

/* A type1 (v1) container on a new IOAS with a mock domain */
static uint32_t v1_container(int fd)
{
	struct iommu_vfio_ioas set = {
		.size = sizeof(set),
		.ioas_id = ioas_alloc(fd),
		.op = IOMMU_VFIO_IOAS_SET,
	};

	assert_int_equal(0, ioc(fd, IOMMU_VFIO_IOAS, &set));
	mock_dev_add(fd, set.ioas_id);
	assert_int_equal(0,
			 uiommufd_ioctl(fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	return set.ioas_id;
}

/*
 * The splits a v1 unmap cannot make, and that must leave the area whole:
 * inside a range an access has pinned, inside a dma-buf area, and with
 * huge IOMMU pages turned back on.
 */
void test_split_refused(void **state)
{
	const uint64_t pg = PAGE_SZ;
	char *buf = map_anon(16 * PAGE_SZ);
	uint32_t ioas = v1_container(FD), pages_id;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = APERTURE,
		.size = 16 * pg,
	};
	struct iommu_test_cmd get = {
		.op = IOMMU_TEST_OP_DMABUF_GET,
		.dmabuf_get = {.length = 4 * PAGE_SZ},
	};
	struct iommu_option huge = {
		.size = sizeof(huge),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.object_id = ioas,
		.val64 = 1,
	};
	uint64_t size, iova = APERTURE + 0x100000;
	int access, dfd;

	assert_int_equal(0, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	access = create_access(FD, ioas);
	assert_int_equal(0, access_pages(FD, access, APERTURE + 4 * pg, 4 * pg,
					 buf + 4 * pg, 0, &pages_id));
	assert_int_equal(-EINVAL,
			 vfio_unmap(FD, APERTURE + 5 * pg, pg, 0, &size));
	assert_int_equal(0, check_refs(FD, buf, 16 * pg, 1));
	/* The whole of it goes, telling the access */
	assert_int_equal(0, vfio_unmap(FD, APERTURE, 16 * pg, 0, &size));
	assert_int_equal(16 * pg, size);
	assert_int_equal(0, uiommufd_close(access));

	dfd = (int)test_op(FD, &get);
	assert_true(dfd >= 0);
	assert_int_equal(0, map_file(FD, ioas, dfd, 0, 4 * pg, &iova, FIXED));
	assert_int_equal(-EOPNOTSUPP, vfio_unmap(FD, iova + pg, pg, 0, &size));
	assert_int_equal(0, vfio_unmap(FD, iova, 4 * pg, 0, &size));
	assert_int_equal(4 * pg, size);
	uiommufd_close(dfd);

	assert_int_equal(0, ioc(FD, IOMMU_OPTION, &huge));
	assert_int_equal(0, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	/* Not cut, so no whole area lies within the range */
	assert_int_equal(-ENOENT,
			 vfio_unmap(FD, APERTURE + 5 * pg, pg, 0, &size));
	assert_int_equal(0,
			 vfio_unmap(FD, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &size));
	assert_int_equal(16 * pg, size);
	assert_int_equal(0, check_refs(FD, buf, 16 * pg, 0));
	munmap(buf, 16 * PAGE_SZ);
}

void test_hwpt_user_data(void **state)
{
	struct {
		struct iommu_hwpt_selftest d;
		uint32_t extra[2];
	} big = {.d = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT}};
	struct iommu_hwpt_selftest bad_type = {.pagetable_type = 7};
	uint32_t ioas = ioas_alloc(FD), parent, out;
	struct mock_dev_ids dev = mock_dev_add(FD, ioas);
	const uint32_t st = IOMMU_HWPT_DATA_SELFTEST;

	assert_int_equal(0, hwpt_new(FD, dev.idev, ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	assert_int_equal(-EINVAL, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st,
						&big, 0, &out));
	assert_int_equal(-EINVAL,
			 hwpt_alloc_ex(FD, dev.idev, ioas, 0, 0,
				       IOMMU_HWPT_DATA_NONE, &big, 8, &out));
	assert_int_equal(-EINVAL, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st,
						&big, 2, &out));
	assert_int_equal(-EFAULT, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st,
						NULL, 8, &out));
	big.extra[1] = 1;
	assert_int_equal(-EINVAL, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st,
						&big, sizeof(big), &out));
	big.extra[1] = 0;
	assert_int_equal(-EINVAL, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st,
						&big, sizeof(big), &out));
	assert_int_equal(-EOPNOTSUPP, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0,
						    77, &big, 8, &out));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(FD, dev.idev, ioas, 0, 0, st, &bad_type,
				       sizeof(bad_type), &out));
	/* A parent must be a nesting parent, never an automatic HWPT */
	assert_int_equal(-EINVAL, hwpt_alloc_ex(FD, dev.idev, dev.hwpt, 0, 0,
						st, &big, 8, &out));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(FD, dev.idev, parent,
				       IOMMU_HWPT_ALLOC_NEST_PARENT, 0, st,
				       &big, 8, &out));
	/* The shortest data that holds iotlb is enough */
	assert_int_equal(0, hwpt_alloc_ex(FD, dev.idev, parent, 0, 0, st, &big,
					  4, &out));
	assert_int_equal(0, destroy(FD, out));
	assert_int_equal(0, hwpt_alloc_ex(FD, dev.idev, ioas, 0, 0, st, &big, 8,
					  &out));
	assert_int_equal(0, destroy(FD, out));
}

void test_replace_failure(void **state)
{
	uint32_t ioas = ioas_alloc(FD), dirty, pt;
	struct mock_dev_ids nd, d;

	assert_int_equal(0, mock_dev_add_flags(
				    FD, ioas, MOCK_FLAGS_DEVICE_NO_DIRTY, &nd));
	d = mock_dev_add(FD, ioas);
	assert_int_equal(nd.hwpt, d.hwpt);
	assert_int_equal(0, hwpt_new(FD, d.idev, ioas,
				     IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &dirty));
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_new(FD, nd.idev, ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &pt));
	/* The failed replace keeps the device on its automatic HWPT */
	pt = dirty;
	assert_int_equal(-EINVAL, mock_dev_replace(FD, nd.stdev, &pt));
	assert_int_equal(-EBUSY, destroy(FD, nd.hwpt));
	assert_int_equal(0, destroy(FD, dirty));
	/* Replacing with the HWPT already there changes no count */
	for (int i = 0; i != 3; i++) {
		pt = nd.hwpt;
		assert_int_equal(0, mock_dev_replace(FD, nd.stdev, &pt));
		assert_int_equal(nd.hwpt, pt);
	}
	assert_int_equal(-EBUSY, destroy(FD, nd.hwpt));
	assert_int_equal(0, destroy(FD, nd.stdev));
	assert_int_equal(0, destroy(FD, d.stdev));
	/* The automatic HWPT went with its last device */
	assert_int_equal(-ENOENT, destroy(FD, nd.hwpt));
	assert_int_equal(0, destroy(FD, ioas));
}

void test_syz_iova(void **state)
{
	uint32_t ioas = ioas_alloc(FD), ioas2 = ioas_alloc(FD);
	int access = create_access(FD, ioas);
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS,
		.id = (uint32_t)access,
		.access_replace_ioas = {.ioas_id = ioas2},
	};
	char tmp[16];

	/* No area to be the nth of */
	assert_int_equal(-ENOENT, access_rw(FD, access, 0, tmp, 16,
					    MOCK_FLAGS_ACCESS_SYZ));
	assert_int_equal(-ENOENT, access_pages(FD, access, 0, 16, NULL,
					       MOCK_FLAGS_ACCESS_SYZ, NULL));
	assert_int_equal(0, test_op(FD, &cmd));
	assert_int_equal(-ENOENT, access_rw(FD, access, 100, tmp, 6,
					    MOCK_FLAGS_ACCESS_SYZ));
	cmd.access_replace_ioas.ioas_id = 999;
	assert_int_equal(-ENOENT, test_op(FD, &cmd));
	cmd.access_replace_ioas.ioas_id = ioas2;
	assert_int_equal(0, test_op(FD, &cmd));
	assert_int_equal(-EBUSY, destroy(FD, ioas2));
	assert_int_equal(0, destroy(FD, ioas));
	assert_int_equal(0, uiommufd_close(access));
	assert_int_equal(0, destroy(FD, ioas2));
}

struct destroy_race {
	int fd;
	uint32_t ioas;
	void *buf;
	long unexpected;
	volatile bool stop;
};

static void *use_ioas(void *arg)
{
	struct destroy_race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint64_t iova = 0;
		long rc = ioas_map(r->fd, r->ioas, r->buf, PAGE_SZ, &iova, RW);

		if (rc == 0)
			rc = ioas_unmap(r->fd, r->ioas, iova, PAGE_SZ, NULL);
		/* Before the destroy it works; after it the ID is gone */
		if (rc && rc != -ENOENT)
			__atomic_add_fetch(&r->unexpected, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

void test_destroy_racing_use(void **state)
{
	struct destroy_race r = {.fd = FD, .buf = map_anon(PAGE_SZ)};
	pthread_t t;

	for (int i = 0; i != 200; i++) {
		long rc;

		r.ioas = ioas_alloc(FD);
		r.stop = false;
		assert_int_equal(0, pthread_create(&t, NULL, use_ioas, &r));
		/* In use by a command: busy, never freed under it */
		do
			rc = destroy(FD, r.ioas);
		while (rc == -EBUSY);
		assert_int_equal(0, rc);
		__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
		pthread_join(t, NULL);
	}
	assert_int_equal(0, r.unexpected);
	assert_int_equal(0, check_refs(FD, r.buf, PAGE_SZ, 0));
	munmap(r.buf, PAGE_SZ);
}
