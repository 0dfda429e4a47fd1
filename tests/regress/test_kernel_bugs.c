// SPDX-License-Identifier: MIT
/*
 * The kernel's iommufd has had bugs; each case here replays a class of
 * them against uiommufd through the public C API, with the answers the
 * real kernel gives (every errno and ID below was checked on Linux 7.2
 * with its test module, through `refkernel run`). The classes:
 *
 *  va_length_overflow     user VA + length, IOVA + length and start +
 *                         length wrapping in IOAS_MAP, IOAS_MAP_FILE,
 *                         IOAS_COPY, access rw/pages ("iommufd: Check for
 *                         uptr overflow", and its siblings)
 *  vfio_map_dma_overflow  the same in VFIO_IOMMU_MAP_DMA/UNMAP_DMA of the
 *                         type1 compatibility
 *  dirty_page_size        GET_DIRTY_BITMAP with page_size 0, not a power
 *                         of two, huge shifts (1 << 40, 62, 63), and the
 *                         test uAPI's DIRTY with the same (syzbot's
 *                         shift-out-of-bounds reports in iova_bitmap)
 *  dirty_bitmap_pointer   a bitmap at NULL, at the top of the address
 *                         space (pointer + length wraps), and unaligned
 *                         ("iommufd/iova_bitmap: Bounds check mapped::pages
 *                         access", "Consider page offset for the pages to
 *                         be pinned")
 *  change_process_race    IOAS_CHANGE_PROCESS racing IOAS_MAP_FILE and
 *                         UNMAP from another thread (areas not yet holding
 *                         their pages, accounting moved twice)
 *  destroy_every_order    IOAS, HWPT, two devices (one on an automatic
 *                         HWPT) and an access destroyed in each of the 120
 *                         orders: EBUSY exactly while something depends on
 *                         the object, and nothing left at the end
 *  mock_numbering         mock devices after out-of-order destroy
 *                         ("iommufd/selftest: Fix mock_dev_num bug": names
 *                         were reused while in use); object IDs lowest
 *                         free first, as the kernel hands them out
 *  pgfault_padding        fault records carry no stale bytes ("iommufd:
 *                         Fix struct iommu_hwpt_pgfault init and padding")
 *  fault_destroy_pending  a fault queue destroyed with faults read and not
 *                         ("iommufd/fault: Destroy response and mutex in
 *                         iommufd_fault_destroy()": leaks under ASan)
 *  unpin_with_access      a domain leaving while an access holds pins
 *                         ("iommufd: Fix unpinning of pages when an access
 *                         is present")
 *  access_list_ids        accesses added and removed out of order, then an
 *                         unmap that must reach the right ones ("iommufd:
 *                         Fix iopt_access_list_id overwrite bug")
 *  split_with_domains     type1 (v1) unmaps splitting areas while domains
 *                         come and go ("iommufd: Fix missing update of
 *                         domains_itree after splitting iopt_area")
 *  split_refused          the splits a v1 unmap must refuse (inside an
 *                         access's pinned range, inside a dma-buf, with
 *                         huge pages) leaving the area whole
 *  hwpt_user_data         HWPT_ALLOC data type/length checks ("iommufd:
 *                         Reject non-zero data_type if no data_len is
 *                         provided", "iommu: Fix two issues in
 *                         iommu_copy_struct_from_user()")
 *  replace_failure        a failed replace leaves the device where it was,
 *                         and replacing with the same HWPT takes no
 *                         reference ("iommufd/device: Fix hwpt at
 *                         err_unresv in iommufd_device_do_replace()")
 *  syz_iova               the test uAPI's "syz" IOVAs on an IOAS without
 *                         areas and after the access moved ("iommufd: Fix
 *                         protection fault in iommufd_test_syz_conv_iova")
 *  destroy_racing_use     IOMMU_DESTROY against commands using the object
 *                         ("iommufd: IOMMUFD_DESTROY should not increase
 *                         the refcount", "Do not UAF during
 *                         iommufd_put_object()")
 *
 * The classes from pgfault_padding on are in kernel_bugs_objects.c.
 */
#include "kernel_bugs.h"

static int setup(void **state)
{
	int fd = uiommufd_open(O_CLOEXEC);

	if (fd < 0)
		return -1;
	*state = (void *)(intptr_t)fd;
	return 0;
}

static int teardown(void **state)
{
	return uiommufd_close((int)(intptr_t)*state);
}

int create_access(int fd, uint32_t ioas)
{
	long access = access_create(fd, ioas,
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);

	assert_true(access >= 0);
	return (int)access;
}

long access_pages(int fd, int access, uint64_t iova, uint64_t len, void *check,
		  uint32_t flags, uint32_t *id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)access,
		.access_pages = {.iova = iova,
				 .length = len,
				 .uptr = (uintptr_t)check,
				 .flags = flags},
	};
	long rc = test_op(fd, &cmd);

	if (!rc && id)
		*id = cmd.access_pages.out_access_pages_id;
	return rc;
}

long map_file(int fd, uint32_t ioas, int mfd, uint64_t start, uint64_t len,
	      uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.fd = mfd,
		.start = start,
		.length = len,
		.iova = *iova,
	};
	long rc = ioc(fd, IOMMU_IOAS_MAP_FILE, &cmd);

	*iova = cmd.iova;
	return rc;
}

static long copy(int fd, uint32_t dst, uint64_t dst_iova, uint32_t src,
		 uint64_t src_iova, uint64_t len)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = FIXED,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = len,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};

	return ioc(fd, IOMMU_IOAS_COPY, &cmd);
}

static void test_va_length_overflow(void **state)
{
	const uint64_t pg = PAGE_SZ, top = -pg;
	void *buf = map_anon(16 * PAGE_SZ);
	uint32_t ioas = ioas_alloc(FD), dst = ioas_alloc(FD);
	int mfd = memfd_create("regress", 0), access;
	uint64_t iova = 0;
	char tmp[64];

	assert_int_equal(0, ftruncate(mfd, 16 * PAGE_SZ));
	assert_int_equal(-EOVERFLOW, ioas_map(FD, ioas, (void *)(uintptr_t)top,
					      2 * pg, &iova, RW));
	assert_int_equal(-EOVERFLOW, ioas_map(FD, ioas, (void *)0x10000,
					      UINT64_MAX - 0x10000, &iova, RW));
	assert_int_equal(-EOVERFLOW, ioas_map(FD, ioas, (void *)0x10000,
					      (1ULL << 63) + pg, &iova, RW));
	iova = top;
	assert_int_equal(-EOVERFLOW,
			 ioas_map(FD, ioas, buf, 2 * pg, &iova, FIXED));
	iova = 0;
	assert_int_equal(-EOVERFLOW,
			 map_file(FD, ioas, mfd, top, 2 * pg, &iova, RW));
	assert_int_equal(-EOVERFLOW,
			 map_file(FD, ioas, mfd, 0, UINT64_MAX, &iova, RW));

	iova = 0x100000;
	assert_int_equal(0, ioas_map(FD, ioas, buf, 16 * pg, &iova, FIXED));
	assert_int_equal(-EOVERFLOW,
			 copy(FD, dst, top, ioas, 0x100000, 2 * pg));
	assert_int_equal(-EOVERFLOW,
			 copy(FD, dst, 0x200000, ioas, top, 2 * pg));
	assert_int_equal(-EOVERFLOW,
			 copy(FD, dst, 0x200000, ioas, 0x100000, UINT64_MAX));

	access = create_access(FD, ioas);
	assert_int_equal(-EOVERFLOW,
			 access_rw(FD, access, top, buf, 2 * pg, 0));
	/* The user buffer wraps: a fault, whatever the direction or path */
	assert_int_equal(-EFAULT, access_rw(FD, access, 0x100000,
					    (void *)(uintptr_t)-16, 64, 0));
	assert_int_equal(-EFAULT,
			 access_rw(FD, access, 0x100000, (void *)(uintptr_t)-16,
				   64, MOCK_ACCESS_RW_WRITE));
	assert_int_equal(-EFAULT,
			 access_rw(FD, access, 0x100000, (void *)(uintptr_t)-16,
				   64, MOCK_ACCESS_RW_SLOW_PATH));
	assert_int_equal(-ENOMEM,
			 access_rw(FD, access, 0x100000, tmp, UINT64_MAX, 0));
	assert_int_equal(-EINVAL, access_rw(FD, access, 0x100000, tmp, 0, 0));
	assert_int_equal(-EOVERFLOW,
			 access_pages(FD, access, top, 2 * pg, NULL, 0, NULL));
	assert_int_equal(-ENOMEM, access_pages(FD, access, 0x100000, UINT64_MAX,
					       NULL, 0, NULL));
	assert_int_equal(-EINVAL,
			 access_pages(FD, access, 0x100000, 0, NULL, 0, NULL));
	/* The check pointer's page wraps (get_user_pages_fast()), or is not
	 * the user's */
	assert_int_equal(-EOVERFLOW,
			 access_pages(FD, access, 0x100000, pg,
				      (void *)(uintptr_t)-16, 0, NULL));
	assert_int_equal(-EFAULT,
			 access_pages(FD, access, 0x100000, pg,
				      (void *)(uintptr_t)(-16 * pg), 0, NULL));
	/* Crossing the end of the area */
	assert_int_equal(-EINVAL,
			 access_pages(FD, access, 0x100000 + 16 * pg - 8, 16,
				      NULL, 0, NULL));

	/* Nothing of all that stayed pinned or mapped */
	assert_int_equal(0, check_refs(FD, buf, 16 * pg, 0));
	assert_int_equal(0, uiommufd_close(access));
	assert_int_equal(0, ioas_unmap(FD, ioas, 0x100000, 16 * pg, NULL));
	{
		uint64_t len = 1;

		/* No copy was made */
		assert_int_equal(0, ioas_unmap(FD, dst, 0, UINT64_MAX, &len));
		assert_int_equal(0, len);
	}
	close(mfd);
	munmap(buf, 16 * PAGE_SZ);
}

static void test_vfio_map_dma_overflow(void **state)
{
	const uint64_t pg = PAGE_SZ;
	void *buf = map_anon(4 * PAGE_SZ);
	struct iommu_vfio_ioas set = {
		.size = sizeof(set),
		.ioas_id = ioas_alloc(FD),
		.op = IOMMU_VFIO_IOAS_SET,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = -pg,
		.iova = 0x100000,
		.size = 2 * pg,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = -pg,
		.size = 2 * pg,
	};

	assert_int_equal(0, ioc(FD, IOMMU_VFIO_IOAS, &set));
	assert_int_equal(0, uiommufd_ioctl(FD, VFIO_SET_IOMMU,
					   VFIO_TYPE1v2_IOMMU));
	assert_int_equal(-EOVERFLOW, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	map.vaddr = (uintptr_t)buf;
	map.iova = -pg;
	assert_int_equal(-EOVERFLOW, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	map.iova = 0x100000;
	map.size = -pg;
	assert_int_equal(-EOVERFLOW, ioc(FD, VFIO_IOMMU_MAP_DMA, &map));
	assert_int_equal(-EOVERFLOW, ioc(FD, VFIO_IOMMU_UNMAP_DMA, &unmap));
	assert_int_equal(0, check_refs(FD, buf, 4 * pg, 0));
	munmap(buf, 4 * PAGE_SZ);
}

/* A mock device on a dirty-tracking HWPT over 16 mapped pages at APERTURE */
struct dirty_fx {
	uint32_t ioas, hwpt;
	void *buf;
};

static void dirty_setup(int fd, struct dirty_fx *d)
{
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};
	struct mock_dev_ids dev;
	uint64_t iova = APERTURE;
	uint32_t pt;

	d->ioas = ioas_alloc(fd);
	dev = mock_dev_add(fd, d->ioas);
	assert_int_equal(0,
			 hwpt_new(fd, dev.idev, d->ioas,
				  IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &d->hwpt));
	pt = d->hwpt;
	assert_int_equal(0, mock_dev_replace(fd, dev.stdev, &pt));
	track.hwpt_id = d->hwpt;
	assert_int_equal(0, ioc(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track));
	d->buf = map_anon(16 * PAGE_SZ);
	assert_int_equal(0, ioas_map(fd, d->ioas, d->buf, 16 * PAGE_SZ, &iova,
				     FIXED));
}

static long mark_dirty(int fd, struct dirty_fx *d, uint64_t page_size,
		       void *bits, uint64_t *nr)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = d->hwpt,
		.dirty = {.iova = APERTURE,
			  .length = 16 * PAGE_SZ,
			  .page_size = page_size,
			  .uptr = (uintptr_t)bits},
	};
	long rc = test_op(fd, &cmd);

	if (nr)
		*nr = cmd.dirty.out_nr_dirty;
	return rc;
}

static long get_dirty(int fd, uint32_t hwpt, uint64_t iova, uint64_t len,
		      uint64_t page_size, void *data)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.flags = IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		.iova = iova,
		.length = len,
		.page_size = page_size,
		.data = (uintptr_t)data,
	};

	return ioc(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

static void test_dirty_page_size(void **state)
{
	static const struct {
		uint64_t page_size;
		long rc;
		uint64_t bits;
	} cases[] = {
		{0, -EINVAL, 0},
		/* Not a power of two: its lowest set bit is the granule */
		{3 * 4096, 0, 0xffff},
		/* Granules of several pages (sub-page ones are left out: the
		 * kernel's mock reports a stray 2 KiB bit now and then) */
		{8192, 0, 0xff},
		{32768, 0, 0x3},
		/* Huge shifts: the range cannot be aligned to them */
		{1ULL << 40, -EINVAL, 0},
		{1ULL << 62, -EINVAL, 0},
		{1ULL << 63, -EINVAL, 0},
	};
	uint16_t all = 0xffff;
	struct dirty_fx d;
	uint64_t bits, nr;

	if (PAGE_SZ != 4096)
		skip();
	dirty_setup(FD, &d);
	assert_int_equal(0, mark_dirty(FD, &d, PAGE_SZ, &all, &nr));
	assert_int_equal(16, nr);
	assert_int_equal(-EINVAL, mark_dirty(FD, &d, 0, &all, NULL));
	assert_int_equal(-EINVAL, mark_dirty(FD, &d, PAGE_SZ, NULL, NULL));
	assert_int_equal(-EFAULT, mark_dirty(FD, &d, PAGE_SZ,
					     (void *)(uintptr_t)-4, NULL));

	for (size_t i = 0; i != ARRAY_SIZE(cases); i++) {
		bits = 0;
		assert_int_equal(cases[i].rc,
				 get_dirty(FD, d.hwpt, APERTURE, 16 * PAGE_SZ,
					   cases[i].page_size, &bits));
		assert_int_equal(cases[i].bits, bits);
	}
	/* A whole half of the address space in one bit: nothing mapped */
	assert_int_equal(0, get_dirty(FD, d.hwpt, 0, 1ULL << 63, 1ULL << 63,
				      &bits));
	/* The range wraps, or is empty (length - 1 wraps) */
	assert_int_equal(-EOVERFLOW, get_dirty(FD, d.hwpt, -PAGE_SZ,
					       2 * PAGE_SZ, PAGE_SZ, &bits));
	assert_int_equal(-EOVERFLOW,
			 get_dirty(FD, d.hwpt, APERTURE, 0, PAGE_SZ, &bits));
	munmap(d.buf, 16 * PAGE_SZ);
}

static void test_dirty_bitmap_pointer(void **state)
{
	uint16_t all = 0xffff;
	uint64_t bits[2];
	struct dirty_fx d;

	dirty_setup(FD, &d);
	assert_int_equal(0, mark_dirty(FD, &d, PAGE_SZ, &all, NULL));
	/* Bits that cannot be written are lost, as in the kernel */
	assert_int_equal(0, get_dirty(FD, d.hwpt, APERTURE, 16 * PAGE_SZ,
				      PAGE_SZ, NULL));
	assert_int_equal(0, get_dirty(FD, d.hwpt, APERTURE, 16 * PAGE_SZ,
				      PAGE_SZ, (void *)(uintptr_t)-8));
	/* An unaligned bitmap gets its bits at its own byte offset */
	memset(bits, 0, sizeof(bits));
	assert_int_equal(0, get_dirty(FD, d.hwpt, APERTURE, 16 * PAGE_SZ,
				      PAGE_SZ, (char *)bits + 3));
	assert_int_equal(0xffffULL << 24, bits[0]);
	assert_int_equal(0, bits[1]);
	/* Past the mapping: the mapped part only */
	memset(bits, 0, sizeof(bits));
	assert_int_equal(0, get_dirty(FD, d.hwpt, APERTURE, 32 * PAGE_SZ,
				      PAGE_SZ, bits));
	munmap(d.buf, 16 * PAGE_SZ);
}

struct cp_race {
	int fd;
	uint32_t ioas;
	int mfd;
	long iterations;
	long bad_map, bad_cp, cp_ok;
	volatile bool stop;
};

static void *cp_mapper(void *arg)
{
	struct cp_race *r = arg;

	for (long i = 0; i != r->iterations; i++) {
		uint64_t iova = 0;

		if (map_file(r->fd, r->ioas, r->mfd, (i % 4) * PAGE_SZ,
			     4 * PAGE_SZ, &iova, RW) ||
		    ioas_unmap(r->fd, r->ioas, iova, 4 * PAGE_SZ, NULL))
			__atomic_add_fetch(&r->bad_map, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
	return NULL;
}

static void *cp_changer(void *arg)
{
	struct iommu_ioas_change_process cmd = {.size = sizeof(cmd)};
	struct cp_race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		long rc = ioc(r->fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd);

		/* EBUSY: an area was caught before it held its pages */
		if (rc == 0)
			r->cp_ok++;
		else if (rc != -EBUSY)
			__atomic_add_fetch(&r->bad_cp, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_change_process_race(void **state)
{
	struct iommu_ioas_change_process cmd = {.size = sizeof(cmd)};
	struct cp_race r = {.fd = FD, .iterations = 3000};
	void *buf = map_anon(PAGE_SZ);
	struct mock_dev_ids dev;
	pthread_t t[2];
	long pinned, locked;
	uint64_t iova = 0;

	r.ioas = ioas_alloc(FD);
	/* A domain pins what is mapped: accounting moves with the process */
	dev = mock_dev_add(FD, r.ioas);
	r.mfd = memfd_create("change-process", 0);
	assert_int_equal(0, ftruncate(r.mfd, 8 * PAGE_SZ));
	assert_int_equal(0, pthread_create(&t[0], NULL, cp_mapper, &r));
	assert_int_equal(0, pthread_create(&t[1], NULL, cp_changer, &r));
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_int_equal(0, r.bad_map);
	assert_int_equal(0, r.bad_cp);

	/* Calm again: a file-only IOAS changes, a user VA mapping refuses */
	assert_int_equal(0, ioc(FD, IOMMU_IOAS_CHANGE_PROCESS, &cmd));
	assert_int_equal(0, ioas_map(FD, r.ioas, buf, PAGE_SZ, &iova, RW));
	assert_int_equal(-EINVAL, ioc(FD, IOMMU_IOAS_CHANGE_PROCESS, &cmd));
	cmd.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP, ioc(FD, IOMMU_IOAS_CHANGE_PROCESS, &cmd));
	assert_int_equal(0, ioas_unmap(FD, r.ioas, 0, UINT64_MAX, NULL));
	/* Every pin was given back, in the accounting too */
	assert_int_equal(0, destroy(FD, dev.stdev));
	assert_int_equal(0, uiommufd_proc_counters(getpid(), &pinned, &locked));
	assert_int_equal(0, pinned);
	close(r.mfd);
	munmap(buf, PAGE_SZ);
}

/*
 * The graph: IOAS A; HWPT H on A with device D1 attached; device D2 on an
 * automatic HWPT of A; access X on A. Destroying in any order, each
 * object answers EBUSY exactly while another depends on it; retrying the
 * refused ones in the same order ends with an empty context.
 */
enum { OBJ_IOAS, OBJ_HWPT, OBJ_DEV1, OBJ_DEV2, OBJ_ACCESS, NR_OBJ };

static bool depended_on(int obj, const bool *alive)
{
	switch (obj) {
	case OBJ_IOAS:
		return alive[OBJ_HWPT] || alive[OBJ_DEV2] || alive[OBJ_ACCESS];
	case OBJ_HWPT:
		return alive[OBJ_DEV1];
	default:
		return false;
	}
}

static void destroy_in_order(const int *order)
{
	bool alive[NR_OBJ] = {true, true, true, true, true};
	uint32_t ids[NR_OBJ];
	int fd = uiommufd_open(0), access, left = NR_OBJ;
	struct mock_dev_ids d1, d2;

	ids[OBJ_IOAS] = ioas_alloc(fd);
	d1 = mock_dev_add(fd, ids[OBJ_IOAS]);
	assert_int_equal(0, hwpt_new(fd, d1.idev, ids[OBJ_IOAS], 0,
				     &ids[OBJ_HWPT]));
	assert_int_equal(0, mock_dev_replace(fd, d1.stdev, &ids[OBJ_HWPT]));
	/* D1's automatic HWPT went with its last device */
	assert_int_equal(-ENOENT, destroy(fd, d1.hwpt));
	d2 = mock_dev_add(fd, ids[OBJ_IOAS]);
	ids[OBJ_DEV1] = d1.stdev;
	ids[OBJ_DEV2] = d2.stdev;
	access = create_access(fd, ids[OBJ_IOAS]);

	while (left) {
		for (int i = 0; i != NR_OBJ; i++) {
			int obj = order[i];
			long rc;

			if (!alive[obj])
				continue;
			if (obj == OBJ_ACCESS)
				rc = uiommufd_close(access);
			else
				rc = destroy(fd, ids[obj]);
			assert_int_equal(depended_on(obj, alive) ? -EBUSY : 0,
					 rc);
			if (rc == 0) {
				alive[obj] = false;
				left--;
			}
		}
	}
	/* The automatic HWPT went with D2, nothing else is left */
	assert_int_equal(-ENOENT, destroy(fd, d2.hwpt));
	assert_int_equal(-ENOENT, destroy(fd, d1.idev));
	assert_int_equal(1, ioas_alloc(fd));
	assert_int_equal(2, ioas_alloc(fd));
	uiommufd_close(fd);
}

static bool next_permutation(int *a, int n)
{
	int i = n - 2, j = n - 1, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	t = a[i], a[i] = a[j], a[j] = t;
	for (j = n - 1, i++; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return true;
}

static void test_destroy_every_order(void **state)
{
	int order[NR_OBJ] = {0, 1, 2, 3, 4};
	int n = 0;

	(void)state;
	do {
		destroy_in_order(order);
		n++;
	} while (next_permutation(order, NR_OBJ));
	assert_int_equal(120, n);
}

/* The mock device names of the context's dump, in object order */
static int device_names(int fd, char names[][32], int max)
{
	int mfd = memfd_create("dump", 0), n = 0;
	char line[256];
	FILE *f;

	assert_int_equal(0, uiommufd_dump(fd, mfd));
	lseek(mfd, 0, SEEK_SET);
	f = fdopen(mfd, "r");
	while (fgets(line, sizeof(line), f))
		if (n < max && sscanf(line, "  dev %31s", names[n]) == 1)
			n++;
	fclose(f);
	return n;
}

static void test_mock_numbering(void **state)
{
	uint32_t ioas = ioas_alloc(FD);
	struct mock_dev_ids d[6];
	char names[8][32];
	int n;

	/* A mock domain takes a selftest object, a device, then a HWPT */
	for (int i = 0; i != 3; i++)
		d[i] = mock_dev_add(FD, ioas);
	assert_int_equal(2, d[0].stdev);
	assert_int_equal(3, d[0].idev);
	assert_int_equal(4, d[0].hwpt);
	assert_int_equal(5, d[1].stdev);
	assert_int_equal(6, d[1].idev);
	assert_int_equal(4, d[1].hwpt);
	assert_int_equal(7, d[2].stdev);
	assert_int_equal(8, d[2].idev);

	/* Out of order: the freed IDs come back lowest first */
	assert_int_equal(0, destroy(FD, d[1].stdev));
	assert_int_equal(0, destroy(FD, d[0].stdev));
	d[3] = mock_dev_add(FD, ioas);
	d[4] = mock_dev_add(FD, ioas);
	d[5] = mock_dev_add(FD, ioas);
	assert_int_equal(2, d[3].stdev);
	assert_int_equal(3, d[3].idev);
	assert_int_equal(5, d[4].stdev);
	assert_int_equal(6, d[4].idev);
	assert_int_equal(9, d[5].stdev);
	assert_int_equal(10, d[5].idev);
	for (int i = 3; i != 6; i++)
		assert_int_equal(4, d[i].hwpt);

	/* No two live devices share a name */
	n = device_names(FD, names, 8);
	assert_int_equal(4, n);
	for (int i = 0; i != n; i++)
		for (int j = i + 1; j != n; j++)
			assert_string_not_equal(names[i], names[j]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_va_length_overflow),    T(test_vfio_map_dma_overflow),
		T(test_dirty_page_size),       T(test_dirty_bitmap_pointer),
		T(test_change_process_race),   T(test_destroy_every_order),
		T(test_mock_numbering),	       T(test_pgfault_padding),
		T(test_fault_destroy_pending), T(test_unpin_with_access),
		T(test_access_list_ids),       T(test_split_with_domains),
		T(test_split_refused),	       T(test_hwpt_user_data),
		T(test_replace_failure),       T(test_syz_iova),
		T(test_destroy_racing_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
