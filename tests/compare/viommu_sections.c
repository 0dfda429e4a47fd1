// SPDX-License-Identifier: MIT
/*
 * The sections of viommu_matrix (see viommu_matrix.c): each runs in a child
 * of its own on a fresh /dev/iommu.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "viommu_matrix.h"
/* ------------------------------------------------------------------ */
/* a) vIOMMU allocation, nested HWPTs on it, destroy orders          */
/* ------------------------------------------------------------------ */

void section_viommu(void)
{
	struct base b = base_setup(0);
	struct iommu_viommu_selftest data = {.in_data = 0x1234};
	__u32 plain, v1, v2, n1, n2;

	plain = hwpt_alloc("plain", b.d.idev, b.ioas, 0, 0,
			   IOMMU_HWPT_DATA_NONE, NULL, 0);
	viommu_alloc("bad-dev", 999, b.parent);
	viommu_alloc("dev-is-ioas", b.ioas, b.parent);
	viommu_alloc("bad-hwpt", b.d.idev, 999);
	viommu_alloc("hwpt-is-ioas", b.d.idev, b.ioas);
	viommu_alloc("not-nest-parent", b.d.idev, plain);
	viommu_alloc("auto-hwpt", b.d.idev, b.d.hwpt);
	viommu_alloc_data("type-default", b.d.idev, b.parent,
			  IOMMU_VIOMMU_TYPE_DEFAULT, NULL, 0);
	viommu_alloc_data("type-unknown", b.d.idev, b.parent, 0x1234, NULL, 0);
	viommu_alloc_data("data-short", b.d.idev, b.parent,
			  IOMMU_VIOMMU_TYPE_SELFTEST, &data, 4);
	viommu_alloc_data("data-long", b.d.idev, b.parent,
			  IOMMU_VIOMMU_TYPE_SELFTEST, &data, sizeof(data) + 8);
	viommu_alloc_data("data-null", b.d.idev, b.parent,
			  IOMMU_VIOMMU_TYPE_SELFTEST, NULL, sizeof(data));
	v1 = viommu_alloc_data("data-8", b.d.idev, b.parent,
			       IOMMU_VIOMMU_TYPE_SELFTEST, &data, 8);
	NOTE("data-8.out out_data=0x%x length=0x%llx", data.out_data,
	     (unsigned long long)data.out_mmap_length);
	v2 = viommu_alloc("second", b.d.idev, b.parent);

	/* Nested HWPTs on a vIOMMU */
	nested_alloc("nested.bad-flag", b.d.idev, v1, 1u << 30);
	nested_alloc("nested.dirty", b.d.idev, v1,
		     IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	nested_alloc("nested.nest-parent", b.d.idev, v1,
		     IOMMU_HWPT_ALLOC_NEST_PARENT);
	hwpt_alloc("nested.no-data", b.d.idev, v1, 0, 0, IOMMU_HWPT_DATA_NONE,
		   NULL, 0);
	hwpt_alloc("nested.wrong-type", b.d.idev, v1, 0, 0,
		   IOMMU_HWPT_DATA_VTD_S1, &nested_data, sizeof(nested_data));
	hwpt_alloc("nested.short", b.d.idev, v1, 0, 0, IOMMU_HWPT_DATA_SELFTEST,
		   &nested_data, 2);
	hwpt_alloc("nested.bad-fault", b.d.idev, v1, IOMMU_HWPT_FAULT_ID_VALID,
		   999, IOMMU_HWPT_DATA_SELFTEST, &nested_data,
		   sizeof(nested_data));
	n1 = nested_alloc("nested.ok", b.d.idev, v1, 0);
	n2 = nested_alloc("nested.pasid", b.d.idev, v2, IOMMU_HWPT_ALLOC_PASID);
	nested_alloc("nested.on-nested", b.d.idev, n1, 0);

	/* Who holds whom */
	destroy("busy.parent", b.parent);
	destroy("busy.v1", v1);
	destroy("busy.ioas", b.ioas);
	replace("attach-nested-no-vdev", b.d.stdev, n1);
	destroy("n1", n1);
	destroy("v1-free", v1);
	destroy("v1-again", v1);
	destroy("busy.v2", v2);
	destroy("n2", n2);
	destroy("v2", v2);
	destroy("parent", b.parent);
	destroy("plain", plain);
	/* IDs are reused lowest first */
	viommu_alloc("reuse", b.d.idev,
		     hwpt_alloc("reuse.parent", b.d.idev, b.ioas,
				IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
				IOMMU_HWPT_DATA_NONE, NULL, 0));
	destroy("stdev", b.d.stdev);
}

/* ------------------------------------------------------------------ */
/* b) mmap of a vIOMMU's registers                                    */
/* ------------------------------------------------------------------ */

void section_mmap(void)
{
	struct base b = base_setup(0);
	struct iommu_viommu_selftest data = {.in_data = 0xcafe};
	struct iommu_viommu_selftest data2 = {.in_data = 0xf00d};
	__u32 v1, v2;
	off_t off;
	size_t len;
	void *p, *q;

	v1 = viommu_alloc_data("alloc", b.d.idev, b.parent,
			       IOMMU_VIOMMU_TYPE_SELFTEST, &data, sizeof(data));
	v2 = viommu_alloc_data("alloc2", b.d.idev, b.parent,
			       IOMMU_VIOMMU_TYPE_SELFTEST, &data2,
			       sizeof(data2));
	NOTE("regions off=0x%llx len=0x%llx off2=0x%llx len2=0x%llx",
	     (unsigned long long)data.out_mmap_offset,
	     (unsigned long long)data.out_mmap_length,
	     (unsigned long long)data2.out_mmap_offset,
	     (unsigned long long)data2.out_mmap_length);
	off = (off_t)data.out_mmap_offset;
	len = data.out_mmap_length;

	CALL("offset-0",
	     mmap(NULL, len, PROT_READ, MAP_SHARED, ifd, 0) == MAP_FAILED ? -1
									  : 0);
	CALL("offset-inside", mmap(NULL, len - PAGE, PROT_READ, MAP_SHARED, ifd,
				   off + PAGE) == MAP_FAILED
				      ? -1
				      : 0);
	CALL("too-long", mmap(NULL, len + PAGE, PROT_READ, MAP_SHARED, ifd,
			      off) == MAP_FAILED
				 ? -1
				 : 0);
	CALL("private",
	     mmap(NULL, len, PROT_READ, MAP_PRIVATE, ifd, off) == MAP_FAILED
		     ? -1
		     : 0);
	CALL("exec", mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_SHARED, ifd,
			  off) == MAP_FAILED
			     ? -1
			     : 0);
	CALL("beyond", mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ifd,
			    off + 64 * PAGE) == MAP_FAILED
			       ? -1
			       : 0);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ifd, off);
	NOTE("map ok=%d word=0x%x", p != MAP_FAILED,
	     p != MAP_FAILED ? *(__u32 *)p : 0);
	q = mmap(NULL, len - 1, PROT_READ, MAP_SHARED, ifd,
		 (off_t)data2.out_mmap_offset);
	NOTE("map2-unaligned-len ok=%d word=0x%x", q != MAP_FAILED,
	     q != MAP_FAILED ? *(__u32 *)q : 0);
	destroy("busy-mapped", v1);
	if (p != MAP_FAILED) {
		/* A piece still maps it */
		CALL("munmap-first-page", munmap(p, PAGE));
		destroy("busy-half-mapped", v1);
		CALL("munmap-rest", munmap((char *)p + PAGE, len - PAGE));
	}
	destroy("unmapped", v1);
	if (q != MAP_FAILED)
		CALL("munmap2", munmap(q, len));
	destroy("unmapped2", v2);
	/* The region went with its vIOMMU */
	CALL("stale-offset",
	     mmap(NULL, len, PROT_READ, MAP_SHARED, ifd, off) == MAP_FAILED
		     ? -1
		     : 0);
	destroy("parent", b.parent);
}

/* ------------------------------------------------------------------ */
/* c) vDEVICEs: virtual IDs, unbind first, tombstones                 */
/* ------------------------------------------------------------------ */

void section_vdevice(void)
{
	struct base b = base_setup(0);
	struct mockdev d2, d3;
	__u32 v, v2, n, vd1, vd2, vd3;

	d2 = mock_domain("mock2", b.ioas, 0);
	d3 = mock_domain("mock3", b.ioas, 0);
	v = viommu_alloc("viommu", b.d.idev, b.parent);
	v2 = viommu_alloc("viommu2", d2.idev, b.parent);
	n = nested_alloc("nested", b.d.idev, v, 0);

	vdev_alloc("bad-viommu", 999, b.d.idev, 1);
	vdev_alloc("viommu-is-hwpt", b.parent, b.d.idev, 1);
	vdev_alloc("bad-dev", v, 999, 1);
	vdev_alloc("dev-is-stdev", v, b.d.stdev, 1);
	vd1 = vdev_alloc("first", v, b.d.idev, 0x10);
	vdev_alloc("same-dev", v, b.d.idev, 0x11);
	vdev_alloc("same-dev-other-viommu", v2, b.d.idev, 0x11);
	vdev_alloc("same-virt-id", v, d2.idev, 0x10);
	vd2 = vdev_alloc("other-dev", v, d2.idev, 0x20);
	vd3 = vdev_alloc("huge-virt-id", v2, d3.idev, U64_MAX);
	destroy("busy.viommu", v);

	/* A vDEVICE lets its device attach to the vIOMMU's nested HWPT */
	replace("attach-nested", b.d.stdev, n);
	replace("attach-nested-d3", d3.stdev, n);
	/* Destroying the vDEVICE of an attached device is allowed */
	destroy("vdev-while-attached", vd1);
	replace("nested-again-without-vdev", b.d.stdev, n);
	trigger_vevent("event-stale", b.d.idev);
	replace("back-to-ioas", b.d.stdev, b.ioas);
	vd1 = vdev_alloc("realloc", v, b.d.idev, 0x10);

	/* Unbinding the device takes its vDEVICE; the ID stays taken */
	destroy("unbind-d2", d2.stdev);
	destroy("vdev-of-unbound", vd2);
	destroy("vdev-of-unbound-again", vd2);
	vdev_alloc("virt-id-free-again", v, b.d.idev, 0x20);
	NOTE("next-id %u", ioas_alloc());
	destroy("unbind-d3", d3.stdev);
	destroy("vd3", vd3);
	destroy("vd1", vd1);
	destroy("n", n);
	destroy("v", v);
	destroy("v2-after-unbind", v2);
	destroy("stdev", b.d.stdev);
	destroy("parent", b.parent);
}

/* ------------------------------------------------------------------ */
/* d) vEVENTQs: depth, overflow, short reads, destroy order           */
/* ------------------------------------------------------------------ */

void section_veventq(void)
{
	struct base b = base_setup(0);
	struct queue q, q1;
	__u32 v, n, vd;
	char c;

	v = viommu_alloc("viommu", b.d.idev, b.parent);
	n = nested_alloc("nested", b.d.idev, v, 0);
	vd = vdev_alloc("vdev", v, b.d.idev, 0x42);

	veventq_alloc_full("bad-flags", v, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, 1,
			   0);
	veventq_alloc_full("reserved", v, IOMMU_VEVENTQ_TYPE_SELFTEST, 2, 0, 1);
	veventq_alloc_full("type-default", v, IOMMU_VEVENTQ_TYPE_DEFAULT, 2, 0,
			   0);
	veventq_alloc("depth-0", v, 0);
	veventq_alloc("bad-viommu", 999, 2);
	veventq_alloc("viommu-is-hwpt", n, 2);
	q1 = veventq_alloc_full("other-type", v, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
				4, 0, 0);
	veventq_alloc_full("other-type-again", v, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
			   4, 0, 0);

	trigger_vevent("no-queue-not-attached", b.d.idev);
	replace("attach", b.d.stdev, n);
	trigger_vevent("no-queue-of-type", b.d.idev);

	q = veventq_alloc("depth-3", v, 3);
	poll_in("poll-empty", q.fd);
	read_vevents("read-empty", q.fd, 64);
	trigger_vevent("t1", b.d.idev);
	poll_in("poll-one", q.fd);
	read_vevents("read-0", q.fd, 0);
	read_vevents("read-hdr-minus-1", q.fd, 7);
	read_vevents("read-hdr-only", q.fd, 8);
	read_vevents("read-one-and-a-bit", q.fd, 15);
	CALL("pread", pread(q.fd, &c, 1, 0));
	CALL("write", write(q.fd, &c, 1));

	/* Overflow: depth 3, five events */
	for (int i = 0; i < 5; i++)
		trigger_vevent(L("overflow-%d", i), b.d.idev);
	read_vevents("read-two", q.fd, 24);
	read_vevents("read-rest", q.fd, 64);
	read_vevents("read-after", q.fd, 64);

	/* The lost header goes when a later event takes the tail */
	for (int i = 0; i < 4; i++)
		trigger_vevent(L("again-%d", i), b.d.idev);
	read_vevents("read-one", q.fd, 12);
	trigger_vevent("after-room", b.d.idev);
	trigger_vevent("full-again", b.d.idev);
	read_vevents("read-hdr-room", q.fd, 12 + 12 + 8);
	read_vevents("read-last", q.fd, 64);

	destroy("busy.open", q.id);
	destroy("busy.viommu", v);
	trigger_vevent("pending-at-close", b.d.idev);
	close(q.fd);
	destroy("closed-with-pending", q.id);
	destroy("destroy-again", q.id);
	close(q1.fd);
	destroy("other-type", q1.id);
	replace("detach", b.d.stdev, b.ioas);
	trigger_vevent("detached", b.d.idev);
	destroy("vd", vd);
	destroy("n", n);
	destroy("v", v);
	destroy("parent", b.parent);
}

/* ------------------------------------------------------------------ */
/* e) HW queues: pinned IOVA, unmap, dependencies                     */
/* ------------------------------------------------------------------ */

void section_hw_queue(void)
{
	struct base b = base_setup(0);
	unsigned char *buf = buf_map(8 * PAGE), *other = buf_map(PAGE);
	__u32 v, q0, q1;

	v = viommu_alloc("viommu", b.d.idev, b.parent);
	hw_queue_alloc_full("bad-flags", v, IOMMU_HW_QUEUE_TYPE_SELFTEST, 0,
			    APERTURE, PAGE, 1);
	hw_queue_alloc_full("type-default", v, IOMMU_HW_QUEUE_TYPE_DEFAULT, 0,
			    APERTURE, PAGE, 0);
	hw_queue_alloc_full("type-unknown", v, 0x1234, 0, APERTURE, PAGE, 0);
	hw_queue_alloc("len-0", v, 0, APERTURE, 0);
	hw_queue_alloc("wrap", v, 0, U64_MAX - PAGE + 2, PAGE);
	hw_queue_alloc("bad-viommu", 999, 0, APERTURE, PAGE);
	hw_queue_alloc("unmapped", v, 0, APERTURE, PAGE);

	map("map", b.ioas, va(buf), 4 * PAGE, APERTURE, RW);
	/* Adjacent IOVA, memory elsewhere: not contiguous */
	map("map-other", b.ioas, va(other), PAGE, APERTURE + 4 * PAGE, RW);
	map("map-ro", b.ioas, va(buf) + 4 * PAGE, PAGE, APERTURE + 8 * PAGE,
	    IOMMU_IOAS_MAP_READABLE);
	map("map-wo", b.ioas, va(buf) + 5 * PAGE, PAGE, APERTURE + 9 * PAGE,
	    IOMMU_IOAS_MAP_WRITEABLE);
	hw_queue_alloc("partly-unmapped", v, 0, APERTURE + 3 * PAGE, 2 * PAGE);
	hw_queue_alloc("not-contiguous", v, 0, APERTURE + 3 * PAGE, PAGE + 16);
	hw_queue_alloc("write-only", v, 0, APERTURE + 9 * PAGE, PAGE);
	hw_queue_alloc("index-max", v, IOMMU_TEST_HW_QUEUE_MAX, APERTURE, PAGE);
	hw_queue_alloc("index-1-first", v, 1, APERTURE, PAGE);
	/*
	 * One page: the kernel wants the pages physically contiguous, which
	 * anonymous memory is only by chance
	 */
	q0 = hw_queue_alloc("q0", v, 0, APERTURE + 16, PAGE - 16);
	NOTE("next-id %u", ioas_alloc());
	destroy("internal-access", q0 + 1);
	hw_queue_alloc("q0-again", v, 0, APERTURE, PAGE);
	q1 = hw_queue_alloc("q1-read-only", v, 1, APERTURE + 8 * PAGE, 64);

	unmap("unmap-q0", b.ioas, APERTURE, 4 * PAGE);
	unmap("unmap-part", b.ioas, APERTURE, PAGE);
	unmap("unmap-free", b.ioas, APERTURE + 4 * PAGE, PAGE);
	unmap("unmap-all", b.ioas, 0, U64_MAX);
	destroy("busy.q0", q0);
	destroy("busy.viommu", v);
	destroy("busy.parent", b.parent);
	destroy("q1", q1);
	destroy("q0", q0);
	unmap("unmap-after", b.ioas, 0, U64_MAX);
	destroy("v", v);
	destroy("parent", b.parent);
}

/* ------------------------------------------------------------------ */
/* f) invalidation of a vIOMMU, partial                               */
/* ------------------------------------------------------------------ */

void section_invalidate(void)
{
	struct base b = base_setup(0);
	struct iommu_viommu_invalidate_selftest inv[4];
	struct iommu_hwpt_invalidate_selftest hinv[3];
	unsigned char big[2 * sizeof(inv[0]) + 8];
	__u32 v, n;

	v = viommu_alloc("viommu", b.d.idev, b.parent);
	n = nested_alloc("nested", b.d.idev, v, 0);
	vdev_alloc("vdev", v, b.d.idev, 7);
	memset(inv, 0, sizeof(inv));

	invalidate("empty", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   sizeof(inv[0]), 0);
	invalidate("empty-bad-type", v,
		   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID, inv,
		   sizeof(inv[0]), 0);
	invalidate("bad-id", 999, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   sizeof(inv[0]), 1);
	invalidate("on-ioas", b.ioas, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   inv, sizeof(inv[0]), 1);
	invalidate("on-parent", b.parent, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   inv, sizeof(inv[0]), 1);
	invalidate("len-0", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv, 0,
		   1);
	invalidate("len-huge", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   PAGE + 1, 1);
	invalidate("num-huge", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   sizeof(inv[0]), (1u << 19) + 1);
	invalidate("null", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, NULL,
		   sizeof(inv[0]), 1);
	/*
	 * The driver copies the array into kzalloc_objs(): up to kmalloc's
	 * 4 MiB the entries are looked at (vDEVICE 0: none), past it ENOMEM
	 * with entry_num left as given
	 */
	{
		const __u32 fit = (4u << 20) / sizeof(inv[0]);
		unsigned char *many = buf_map((fit + 1) * sizeof(inv[0]));

		memset(many, 0, (fit + 1) * sizeof(inv[0]));
		invalidate("num-kmalloc-max", v,
			   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, many,
			   sizeof(inv[0]), fit);
		invalidate("num-kmalloc-max-plus-1", v,
			   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, many,
			   sizeof(inv[0]), fit + 1);
	}

	/* Entry 1 names no vDEVICE: entry 0 is done */
	inv[0] = (struct iommu_viommu_invalidate_selftest){0, 7, 0};
	inv[1] = (struct iommu_viommu_invalidate_selftest){0, 8, 1};
	inv[2] = (struct iommu_viommu_invalidate_selftest){0, 7, 2};
	invalidate("stop-at-1", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   sizeof(inv[0]), 3);
	dev_caches("caches-1", b.d.idev);
	inv[1] = (struct iommu_viommu_invalidate_selftest){0, 7, 1};
	inv[2] = (struct iommu_viommu_invalidate_selftest){0x2, 7, 2};
	invalidate("stop-at-2-flags", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   inv, sizeof(inv[0]), 3);
	dev_caches("caches-2", b.d.idev);
	inv[0] = (struct iommu_viommu_invalidate_selftest){
		0, 7, MOCK_DEV_CACHE_ID_MAX + 1};
	invalidate("stop-at-0-cache-id", v,
		   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv, sizeof(inv[0]),
		   2);
	/* Entries of 8 bytes: cache_id reads as 0 */
	invalidate("short-entries", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   inv, 8, 1);
	/* Longer entries: the tail must be zero */
	memset(big, 0, sizeof(big));
	memcpy(big, &inv[1], sizeof(inv[1]));
	((struct iommu_viommu_invalidate_selftest *)big)->cache_id = 3;
	invalidate("long-entries", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   big, sizeof(inv[0]) + 4, 2);
	big[sizeof(inv[0]) + 2] = 1;
	invalidate("long-entries-nonzero-tail", v,
		   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, big,
		   sizeof(inv[0]) + 4, 2);
	dev_caches("caches-3", b.d.idev);
	inv[0] = (struct iommu_viommu_invalidate_selftest){
		IOMMU_TEST_INVALIDATE_FLAG_ALL, 7, 99};
	invalidate("all", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv,
		   sizeof(inv[0]), 1);
	dev_caches("caches-all", b.d.idev);

	/* A nested HWPT's own invalidation, partial too */
	hinv[0] = (struct iommu_hwpt_invalidate_selftest){0, 0};
	hinv[1] = (struct iommu_hwpt_invalidate_selftest){
		0, MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1};
	hinv[2] = (struct iommu_hwpt_invalidate_selftest){0, 1};
	invalidate("nested-stop-at-1", n, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		   hinv, sizeof(hinv[0]), 3);
	invalidate("nested-viommu-type", n,
		   IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, inv, sizeof(inv[0]),
		   1);
	invalidate("viommu-hwpt-type", v, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		   hinv, sizeof(hinv[0]), 1);
	destroy("stdev", b.d.stdev);
	invalidate("after-unbind", v, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		   inv, sizeof(inv[0]), 1);
}

/* ------------------------------------------------------------------ */
/* g) PASIDs: compatibility rules across replace                      */
/* ------------------------------------------------------------------ */

void section_pasid(void)
{
	struct base b = base_setup(MOCK_FLAGS_DEVICE_PASID);
	struct mockdev np = mock_domain("no-pasid-dev", b.ioas, 0);
	struct iommu_hw_info info = {.size = sizeof(info)};
	__u32 s2, v, n_pasid, n_plain, s;

	s = b.d.stdev;
	info.dev_id = b.d.idev;
	CALLF("hw-info", ioctl(ifd, IOMMU_GET_HW_INFO, &info), "pasid_log2=%u",
	      info.out_max_pasid_log2);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.dev_id = np.idev;
	CALLF("hw-info-no-pasid", ioctl(ifd, IOMMU_GET_HW_INFO, &info),
	      "pasid_log2=%u", info.out_max_pasid_log2);

	s2 = hwpt_alloc("s2-pasid", b.d.idev, b.ioas, IOMMU_HWPT_ALLOC_PASID, 0,
			IOMMU_HWPT_DATA_NONE, NULL, 0);
	v = viommu_alloc("viommu", b.d.idev, b.parent);
	n_pasid = nested_alloc("nested-pasid", b.d.idev, v,
			       IOMMU_HWPT_ALLOC_PASID);
	n_plain = nested_alloc("nested-plain", b.d.idev, v, 0);

	/* The RID on the automatic HWPT (not PASID compatible) */
	pasid_op("attach-rid-not-compat", IOMMU_TEST_OP_PASID_ATTACH, s, 10,
		 s2);
	replace("rid-to-s2", s, s2);
	pasid_op("attach", IOMMU_TEST_OP_PASID_ATTACH, s, 10, s2);
	pasid_op("attach-busy", IOMMU_TEST_OP_PASID_ATTACH, s, 10, s2);
	pasid_op("attach-nested-no-vdev", IOMMU_TEST_OP_PASID_ATTACH, s, 11,
		 n_pasid);
	pasid_op("attach-nested-not-compat", IOMMU_TEST_OP_PASID_ATTACH, s, 12,
		 n_plain);
	pasid_op("attach-pasid-0", IOMMU_TEST_OP_PASID_ATTACH, s, 0, s2);
	pasid_op("attach-pasid-too-big", IOMMU_TEST_OP_PASID_ATTACH, s,
		 1u << 20, s2);
	pasid_op("attach-ioas", IOMMU_TEST_OP_PASID_ATTACH, s, 13, b.ioas);
	pasid_op("attach-bad-id", IOMMU_TEST_OP_PASID_ATTACH, s, 13, 999);
	pasid_op("attach-no-pasid-dev", IOMMU_TEST_OP_PASID_ATTACH, np.stdev,
		 10, s2);
	pasid_check("check-10", s, 10, s2);
	pasid_check("check-11", s, 11, n_pasid);
	/* With PASIDs attached the RID must stay PASID compatible */
	replace("rid-to-parent", s, b.parent);
	replace("rid-to-ioas", s, b.ioas);
	replace("rid-to-nested-pasid-no-vdev", s, n_pasid);
	pasid_op("replace-10-to-nested", IOMMU_TEST_OP_PASID_REPLACE, s, 10,
		 n_pasid);
	pasid_check("check-10-nested", s, 10, n_pasid);
	pasid_op("replace-10-to-plain", IOMMU_TEST_OP_PASID_REPLACE, s, 10,
		 n_plain);
	pasid_op("replace-same", IOMMU_TEST_OP_PASID_REPLACE, s, 10, n_pasid);
	pasid_op("replace-unattached", IOMMU_TEST_OP_PASID_REPLACE, s, 20, s2);
	destroy("busy.s2", s2);
	destroy("busy.n_pasid", n_pasid);
	pasid_op("detach-10", IOMMU_TEST_OP_PASID_DETACH, s, 10, 0);
	pasid_op("detach-11", IOMMU_TEST_OP_PASID_DETACH, s, 11, 0);
	pasid_op("detach-unattached", IOMMU_TEST_OP_PASID_DETACH, s, 30, 0);
	pasid_check("check-10-gone", s, 10, 0);
	/* No PASID left: the RID may leave the compatible HWPTs */
	replace("rid-to-parent-now", s, b.parent);
	pasid_op("attach-after-rid-moved", IOMMU_TEST_OP_PASID_ATTACH, s, 10,
		 s2);
	replace("rid-back", s, s2);
	pasid_op("attach-again", IOMMU_TEST_OP_PASID_ATTACH, s, 40, n_pasid);
	pasid_check("check-40", s, 40, n_pasid);
	/*
	 * The kernel's mock device leaves PASIDs attached when destroyed (a
	 * WARN of its unbind): detach first
	 */
	pasid_op("detach-40", IOMMU_TEST_OP_PASID_DETACH, s, 40, 0);
	destroy("unbind", s);
	destroy("n_pasid", n_pasid);
	destroy("s2", s2);
}

/* ------------------------------------------------------------------ */
/* h) fault queues: reads, responses, what happens to pending faults */
/* ------------------------------------------------------------------ */

void section_fault(void)
{
	struct base b = base_setup(MOCK_FLAGS_DEVICE_PASID);
	struct queue f;
	__u32 v, n, nf, vd, cookie;

	v = viommu_alloc("viommu", b.d.idev, b.parent);
	f = fault_alloc("fault");
	nf = hwpt_alloc("nested-fault", b.d.idev, v,
			IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID,
			f.id, IOMMU_HWPT_DATA_SELFTEST, &nested_data,
			sizeof(nested_data));
	hwpt_alloc("fault-on-parent", b.d.idev, b.ioas,
		   IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_NEST_PARENT,
		   f.id, IOMMU_HWPT_DATA_NONE, NULL, 0);
	hwpt_alloc("fault-id-is-ioas", b.d.idev, v, IOMMU_HWPT_FAULT_ID_VALID,
		   b.ioas, IOMMU_HWPT_DATA_SELFTEST, &nested_data,
		   sizeof(nested_data));
	n = nested_alloc("nested", b.d.idev, v, 0);
	vd = vdev_alloc("vdev", v, b.d.idev, 3);

	trigger_iopf("not-faultable", b.d.idev, 0, 1);
	read_faults("read-none", f.fd, sizeof(struct iommu_hwpt_pgfault));
	replace("attach", b.d.stdev, nf);
	trigger_iopf("t1", b.d.idev, 0, 1);
	trigger_iopf("t2", b.d.idev, 0, 2);
	poll_in("poll", f.fd);
	read_faults("read-short", f.fd, sizeof(struct iommu_hwpt_pgfault) - 1);
	read_faults("read-0", f.fd, 0);
	cookie = read_faults("read-one", f.fd,
			     sizeof(struct iommu_hwpt_pgfault));
	respond("respond-bad-code", f.fd, cookie, 7,
		sizeof(struct iommu_hwpt_page_response));
	respond("respond-short", f.fd, cookie, IOMMUFD_PAGE_RESP_SUCCESS,
		sizeof(struct iommu_hwpt_page_response) - 1);
	respond("respond-unknown", f.fd, cookie + 100,
		IOMMUFD_PAGE_RESP_SUCCESS,
		sizeof(struct iommu_hwpt_page_response));
	/* The same cookie twice in one write: the second is refused */
	respond("respond-twice", f.fd, cookie, IOMMUFD_PAGE_RESP_SUCCESS,
		2 * sizeof(struct iommu_hwpt_page_response));
	respond("respond-again", f.fd, cookie, IOMMUFD_PAGE_RESP_INVALID,
		sizeof(struct iommu_hwpt_page_response));
	cookie = read_faults("read-two", f.fd,
			     2 * sizeof(struct iommu_hwpt_pgfault));
	/* A fault read but not answered, one not read, then a replace */
	trigger_iopf("t3", b.d.idev, 0, 3);
	replace("replace-away", b.d.stdev, n);
	read_faults("read-after-replace", f.fd,
		    2 * sizeof(struct iommu_hwpt_pgfault));
	respond("respond-after-replace", f.fd, cookie,
		IOMMUFD_PAGE_RESP_SUCCESS,
		sizeof(struct iommu_hwpt_page_response));

	/* PASID faults */
	replace("rid-to-s2", b.d.stdev,
		hwpt_alloc("s2", b.d.idev, b.ioas, IOMMU_HWPT_ALLOC_PASID, 0,
			   IOMMU_HWPT_DATA_NONE, NULL, 0));
	pasid_op("pasid-attach", IOMMU_TEST_OP_PASID_ATTACH, b.d.stdev, 5, nf);
	trigger_iopf("pasid-5", b.d.idev, 5, 9);
	trigger_iopf("pasid-6", b.d.idev, 6, 9);
	read_faults("read-pasid", f.fd, 2 * sizeof(struct iommu_hwpt_pgfault));
	trigger_iopf("pasid-5-again", b.d.idev, 5, 10);
	pasid_op("pasid-detach", IOMMU_TEST_OP_PASID_DETACH, b.d.stdev, 5, 0);
	read_faults("read-after-detach", f.fd,
		    2 * sizeof(struct iommu_hwpt_pgfault));

	destroy("busy.fault", f.id);
	destroy("busy.nf-attached", nf);
	close(f.fd);
	destroy("busy.fault-closed", f.id);
	destroy("nf", nf);
	destroy("fault", f.id);
	destroy("vd", vd);
	destroy("n", n);
}

/* ------------------------------------------------------------------ */
/* i) odds and ends: reserved fields, other contexts, depth 1, queues */
/* ------------------------------------------------------------------ */

void section_misc(void)
{
	struct base b = base_setup(0);
	struct iommu_viommu_selftest data = {.in_data = 0x99};
	unsigned char *buf = buf_map(4 * PAGE);
	struct iommu_viommu_alloc va_cmd = {
		.size = sizeof(va_cmd),
		.type = IOMMU_VIOMMU_TYPE_SELFTEST,
		.dev_id = b.d.idev,
		.hwpt_id = b.parent,
		.__reserved = 1,
	};
	struct iommu_hwpt_invalidate inv = {
		.size = sizeof(inv),
		.data_type = IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
		.__reserved = 1,
	};
	struct iommu_ioas_copy copy = {
		.size = sizeof(copy),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | RW,
		.length = PAGE,
		.src_iova = APERTURE,
		.dst_iova = APERTURE + 2 * PAGE,
	};
	__u32 v, n, q0, q1;
	struct queue q;
	int other;

	CALLF("viommu-reserved", ioctl(ifd, IOMMU_VIOMMU_ALLOC, &va_cmd),
	      "viommu=%u", va_cmd.out_viommu_id);
	destroy("viommu-reserved.destroy", va_cmd.out_viommu_id);
	v = viommu_alloc_data("viommu", b.d.idev, b.parent,
			      IOMMU_VIOMMU_TYPE_SELFTEST, &data, sizeof(data));
	inv.hwpt_id = v;
	CALLF("invalidate-reserved", ioctl(ifd, IOMMU_HWPT_INVALIDATE, &inv),
	      "done=%u", inv.entry_num);

	/* Another iommufd knows neither the vIOMMU nor its region */
	other = open("/dev/iommu", O_RDWR);
	CALL("other-ctx.mmap",
	     mmap(NULL, data.out_mmap_length, PROT_READ, MAP_SHARED, other,
		  (off_t)data.out_mmap_offset) == MAP_FAILED
		     ? -1
		     : 0);
	{
		struct iommu_destroy c = {.size = sizeof(c), .id = v};

		CALL("other-ctx.destroy", ioctl(other, IOMMU_DESTROY, &c));
	}
	close(other);

	/* Depth 1: every second event is lost */
	n = nested_alloc("nested", b.d.idev, v, 0);
	vdev_alloc("vdev", v, b.d.idev, 0x5);
	replace("attach", b.d.stdev, n);
	q = veventq_alloc("depth-1", v, 1);
	for (int i = 0; i < 3; i++)
		trigger_vevent(L("d1-%d", i), b.d.idev);
	read_vevents("d1-read", q.fd, 64);
	trigger_vevent("d1-after", b.d.idev);
	read_vevents("d1-read-after", q.fd, 12);
	read_vevents("d1-read-empty", q.fd, 12);
	close(q.fd);
	destroy("d1-destroy", q.id);

	/* HW queues: order of indexes, copy out of a locked area */
	map("map", b.ioas, va(buf), 2 * PAGE, APERTURE, RW);
	q0 = hw_queue_alloc("q0", v, 0, APERTURE, PAGE);
	q1 = hw_queue_alloc("q1", v, 1, APERTURE + PAGE, PAGE);
	hw_queue_alloc("q2", v, 2, APERTURE, PAGE);
	copy.src_ioas_id = b.ioas;
	copy.dst_ioas_id = b.ioas;
	CALL("copy-from-locked", ioctl(ifd, IOMMU_IOAS_COPY, &copy));
	unmap("unmap-copy", b.ioas, APERTURE + 2 * PAGE, PAGE);
	destroy("busy.ioas", b.ioas);
	destroy("q1", q1);
	destroy("q0", q0);
	/*
	 * Not index 1 again: the kernel's mock never records a queue's
	 * index, so destroying queue 1 empties slot 0 and leaves slot 1
	 * taken for good (EEXIST); uiommufd's mock frees the right slot.
	 */
	q0 = hw_queue_alloc("q0-again", v, 0, APERTURE, PAGE);
	/* Unbinding the device leaves the vIOMMU and its queue */
	replace("detach", b.d.stdev, b.ioas);
	destroy("unbind", b.d.stdev);
	destroy("busy.viommu-after-unbind", v);
	destroy("q0-after-unbind", q0);
	destroy("n", n);
	destroy("viommu-after-unbind", v);
	destroy("parent-after-unbind", b.parent);
	unmap("unmap-all", b.ioas, 0, U64_MAX);
}
