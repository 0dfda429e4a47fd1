// SPDX-License-Identifier: MIT
/*
 * Sections d, e and f of errno_matrix (see errno_matrix.c): what sits on
 * an IOAS. The VFIO container ioctls on the iommufd; mock devices, HWPTs,
 * hardware info and dirty tracking; emulated accesses. Each section runs
 * in a child of its own on a fresh /dev/iommu.
 */
#include "errno_matrix.h"

/* ------------------------------------------------------------------ */
/* d) the VFIO container ioctls on the iommufd                         */
/* ------------------------------------------------------------------ */

static void vfio_info(const char *label, __u32 argsz)
{
	__u32 buf[64];
	struct vfio_iommu_type1_info *info = (void *)buf;
	struct vfio_info_cap_header *h;
	__u32 off, n = 0;

	memset(buf, 0, sizeof(buf));
	info->argsz = argsz;
	CALLF(label, ioctl(ifd, VFIO_IOMMU_GET_INFO, info),
	      "argsz=%u flags=0x%x pgsizes=0x%llx cap_offset=%u", info->argsz,
	      info->flags, (unsigned long long)info->iova_pgsizes,
	      info->cap_offset);
	for (off = info->cap_offset;
	     off && off + 8 <= argsz && off + 8 <= sizeof(buf) && n < 8;
	     off = h->next, n++) {
		h = (void *)((char *)buf + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *ir =
				(void *)h;
			__u32 i;

			NOTE("%s.cap id=%u ver=%u nr_iovas=%u", label, h->id,
			     h->version, ir->nr_iovas);
			for (i = 0; i < ir->nr_iovas && i < 4; i++)
				NOTE("%s.cap.range [0x%llx,0x%llx]", label,
				     (unsigned long long)ir->iova_ranges[i]
					     .start,
				     (unsigned long long)ir->iova_ranges[i]
					     .end);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail *da = (void *)h;

			NOTE("%s.cap id=%u ver=%u avail=%u", label, h->id,
			     h->version, da->avail);
		} else {
			NOTE("%s.cap id=%u ver=%u", label, h->id, h->version);
		}
	}
}

static void dma_map(const char *label, __u32 flags, unsigned long uva,
		    __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = flags,
		.vaddr = uva,
		.iova = iova,
		.size = size,
	};

	CALL(label, ioctl(ifd, VFIO_IOMMU_MAP_DMA, &m));
}

static void dma_unmap(const char *label, __u32 flags, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.flags = flags,
		.iova = iova,
		.size = size,
	};

	CALLF(label, ioctl(ifd, VFIO_IOMMU_UNMAP_DMA, &u), "size=0x%llx",
	      (unsigned long long)u.size);
}

#define DMA_RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

static void vfio_maps(const char *pfx, unsigned char *rw)
{
	dma_map(L("%s.map", pfx), DMA_RW, va(rw), APERTURE, 4 * PAGE);
	dma_map(L("%s.map-overlap", pfx), DMA_RW, va(rw), APERTURE + PAGE,
		PAGE);
	dma_map(L("%s.map-flags0", pfx), 0, va(rw), APERTURE + 0x100000, PAGE);
	dma_map(L("%s.map-bad-flags", pfx), DMA_RW | (1 << 7), va(rw),
		APERTURE + 0x100000, PAGE);
	dma_map(L("%s.map-unaligned", pfx), DMA_RW, va(rw) + 0x800,
		APERTURE + 0x100800, PAGE);
	dma_map(L("%s.map-outside", pfx), DMA_RW, va(rw), 0x1000, PAGE);
	dma_map(L("%s.map-nomem", pfx), DMA_RW, NOMEM_VA, APERTURE + 0x200000,
		PAGE);
	dma_map(L("%s.map-size0", pfx), DMA_RW, va(rw), APERTURE + 0x200000, 0);
	dma_unmap(L("%s.unmap-middle", pfx), 0, APERTURE + PAGE, PAGE);
	dma_unmap(L("%s.unmap-head", pfx), 0, APERTURE, PAGE);
	dma_unmap(L("%s.unmap-superset", pfx), 0, APERTURE, 4 * PAGE);
	dma_unmap(L("%s.unmap-none", pfx), 0, APERTURE + 0x400000, PAGE);
	dma_unmap(L("%s.unmap-size0", pfx), 0, APERTURE, 0);
	dma_unmap(L("%s.unmap-bad-flags", pfx), 1 << 7, APERTURE, PAGE);
	dma_unmap(L("%s.unmap-dirty-flag", pfx),
		  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, APERTURE, PAGE);
	dma_map(L("%s.map2", pfx), DMA_RW, va(rw), APERTURE + 0x10000,
		2 * PAGE);
	dma_map(L("%s.map3", pfx), DMA_RW, va(rw), APERTURE + 0x20000,
		2 * PAGE);
	dma_unmap(L("%s.unmap-all-nonzero", pfx), VFIO_DMA_UNMAP_FLAG_ALL,
		  APERTURE, PAGE);
	dma_unmap(L("%s.unmap-all-vaddr", pfx),
		  VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR, 0, 0);
	dma_unmap(L("%s.unmap-all", pfx), VFIO_DMA_UNMAP_FLAG_ALL, 0, 0);
	dma_unmap(L("%s.unmap-all-again", pfx), VFIO_DMA_UNMAP_FLAG_ALL, 0, 0);
}

void section_vfio(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	static const __u32 argszs[] = {1, 16, 24, 64, 256};
	__u32 a, i;

	CALL("api-version", ioctl(ifd, VFIO_GET_API_VERSION));
	for (i = 0; i <= 10; i++)
		CALL(L("check-extension-%u", i),
		     ioctl(ifd, VFIO_CHECK_EXTENSION, i));
	vfio_info("info-before", 256);
	dma_map("map-before", DMA_RW, va(rw), APERTURE, PAGE);
	CALL("set-iommu-before",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	vfio_ioas("get-compat-after-set-before", 0, IOMMU_VFIO_IOAS_GET, 0);
	close(ifd);

	open_iommu();
	a = ioas_alloc();
	vfio_ioas("ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	mock_domain("mock-domain", a, 0);
	CALL("set-iommu-bad-type", ioctl(ifd, VFIO_SET_IOMMU, 99));
	CALL("set-iommu-v2", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-iommu-v2-again",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	CALL("set-iommu-v1-after-v2",
	     ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	for (i = 0; i < sizeof(argszs) / sizeof(argszs[0]); i++)
		vfio_info(L("info-argsz-%u", argszs[i]), argszs[i]);
	vfio_maps("v2", rw);
	close(ifd);

	/* type1 (v1): unmap may split mappings */
	open_iommu();
	a = ioas_alloc();
	vfio_ioas("v1.ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	mock_domain("v1.mock-domain", a, 0);
	CALL("v1.set-iommu", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	vfio_info("v1.info", 256);
	option("v1.huge-get", IOMMU_OPTION_HUGE_PAGES, IOMMU_OPTION_OP_GET, a,
	       0, 0);
	vfio_maps("v1", rw);
	close(ifd);

	/* SET_IOMMU with an IOAS but without any domain */
	open_iommu();
	a = ioas_alloc();
	vfio_ioas("nodom.ioas-set", a, IOMMU_VFIO_IOAS_SET, 0);
	CALL("nodom.set-iommu", ioctl(ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	vfio_info("nodom.info", 256);
	dma_map("nodom.map", DMA_RW, va(rw), 0x100000, PAGE);
	dma_unmap("nodom.unmap", 0, 0x100000, PAGE);
	CALL("nodom.check-extension-v2",
	     ioctl(ifd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
}

/* ------------------------------------------------------------------ */
/* e) mock devices, HWPTs, hardware info, dirty tracking              */
/* ------------------------------------------------------------------ */

static __u32 hwpt_alloc(const char *label, __u32 flags, __u32 dev, __u32 pt,
			__u32 data_type, const void *data, __u32 data_len)
{
	struct iommu_hwpt_alloc c;

	INIT(c);
	c.flags = flags;
	c.dev_id = dev;
	c.pt_id = pt;
	c.data_type = data_type;
	c.data_len = data_len;
	c.data_uptr = va(data);
	CALLF(label, ioctl(ifd, IOMMU_HWPT_ALLOC, &c), "hwpt=%u",
	      c.out_hwpt_id);
	return c.out_hwpt_id;
}

static void replace(const char *label, __u32 stdev, __u32 pt)
{
	struct iommu_test_cmd c =
		tcmd(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, stdev);

	c.mock_domain_replace.pt_id = pt;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "pt_id=%u",
	      c.mock_domain_replace.pt_id);
}

static void hw_info(const char *label, __u32 dev, __u32 flags, __u32 type,
		    __u32 len)
{
	__u32 data[16];
	struct iommu_hw_info c;
	unsigned int i, nz = 0, zero = 0;

	memset(data, 0xcc, sizeof(data));
	INIT(c);
	c.flags = flags;
	c.dev_id = dev;
	c.data_len = len;
	c.data_uptr = va(data);
	c.in_data_type = type;
	CALLF(label, ioctl(ifd, IOMMU_GET_HW_INFO, &c),
	      "type=0x%x data_len=%u caps=0x%llx max_pasid_log2=%u "
	      "d0=0x%x d1=0x%x",
	      c.out_data_type, c.data_len,
	      (unsigned long long)c.out_capabilities, c.out_max_pasid_log2,
	      data[0], data[1]);
	for (i = 2; i < 16; i++)
		nz += data[i] != 0xcccccccc;
	for (i = 2; i < 16; i++)
		zero += data[i] == 0;
	NOTE("%s.words-2-15 written=%u zero=%u", label, nz, zero);
}

static void dirty_tracking(const char *label, __u32 hwpt, __u32 flags)
{
	struct iommu_hwpt_set_dirty_tracking c;

	INIT(c);
	c.flags = flags;
	c.hwpt_id = hwpt;
	CALL(label, ioctl(ifd, IOMMU_HWPT_SET_DIRTY_TRACKING, &c));
}

static void get_bitmap(const char *label, __u32 hwpt, __u32 flags, __u64 iova,
		       __u64 len, __u64 pgsz)
{
	__u64 bm[4];
	struct iommu_hwpt_get_dirty_bitmap c;

	memset(bm, 0, sizeof(bm));
	INIT(c);
	c.hwpt_id = hwpt;
	c.flags = flags;
	c.iova = iova;
	c.length = len;
	c.page_size = pgsz;
	c.data = va(bm);
	CALLF(label, ioctl(ifd, IOMMU_HWPT_GET_DIRTY_BITMAP, &c),
	      "bm=%016llx,%016llx,%016llx,%016llx", (unsigned long long)bm[0],
	      (unsigned long long)bm[1], (unsigned long long)bm[2],
	      (unsigned long long)bm[3]);
}

static void mark_dirty(const char *label, __u32 hwpt, __u64 iova, __u64 len,
		       __u64 pgsz, __u64 bits)
{
	__u64 bm[4] = {bits, 0, 0, 0};
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_DIRTY, hwpt);

	c.dirty.iova = iova;
	c.dirty.length = len;
	c.dirty.page_size = pgsz;
	c.dirty.uptr = va(bm);
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "nr_dirty=%llu",
	      (unsigned long long)c.dirty.out_nr_dirty);
}

/* objects in use cannot go; the selftest device object takes them along */
static void section_destroy_order(void)
{
	struct iommu_hwpt_selftest sd = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	__u32 x = ioas_alloc(), u, np, nest;
	struct mockdev d, d2;

	d = mock_domain("destroy.dev", x, 0);
	u = hwpt_alloc("destroy.user-hwpt", 0, d.idev, x, 0, NULL, 0);
	np = hwpt_alloc("destroy.np", IOMMU_HWPT_ALLOC_NEST_PARENT, d.idev, x,
			0, NULL, 0);
	nest = hwpt_alloc("destroy.nested", 0, d.idev, np,
			  IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	d2 = mock_domain("destroy.dev2", u, 0);
	CALL("destroy.ioas-in-use", destroy(x));
	CALL("destroy.auto-hwpt-attached", destroy(d.hwpt));
	CALL("destroy.user-hwpt-attached", destroy(u));
	CALL("destroy.np-with-nested", destroy(np));
	CALL("destroy.idev", destroy(d.idev));
	CALL("destroy.nested", destroy(nest));
	CALL("destroy.np", destroy(np));
	CALL("destroy.ioas-still-in-use", destroy(x));
	CALL("destroy.stdev", destroy(d.stdev));
	CALL("destroy.auto-hwpt-after", destroy(d.hwpt));
	CALL("destroy.idev-after", destroy(d.idev));
	CALL("destroy.ioas-with-user-hwpt", destroy(x));
	CALL("destroy.stdev2", destroy(d2.stdev));
	CALL("destroy.user-hwpt", destroy(u));
	CALL("destroy.ioas", destroy(x));
	CALL("destroy.ioas-again", destroy(x));
	NOTE("destroy.next-id %u", ioas_alloc());
}

void section_mock(void)
{
	unsigned char *rw = buf_map(64 * PAGE, PROT_READ | PROT_WRITE);
	struct iommu_hwpt_selftest sd = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_alloc ha;
	struct mockdev d, nd, pd, d2;
	__u32 a = ioas_alloc(), b = ioas_alloc();
	__u32 u, np, nest, hwd;
	struct iommu_test_cmd c;

	/* devices */
	d = mock_domain("dev.on-ioas", a, 0);
	d2 = mock_domain("dev.on-hwpt", d.hwpt, 0);
	mock_domain("dev.on-bad-id", 999, 0);
	mock_domain("dev.on-stdev", d.stdev, 0);
	nd = mock_domain("dev.no-dirty", a, MOCK_FLAGS_DEVICE_NO_DIRTY);
	mock_domain("dev.bad-flag", a, 1 << 1);
	mock_domain("dev.bad-flag31", a, 1u << 31);
	pd = mock_domain("dev.pasid", b, MOCK_FLAGS_DEVICE_PASID);
	c = tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, a);
	c.size = offsetof(struct iommu_test_cmd, last);
	CALL("dev.cmd-size-short", ioctl(ifd, IOMMU_TEST_CMD, &c));
	c = tcmd(IOMMU_TEST_OP_MOCK_DOMAIN, a);
	c.__reserved = 7;
	CALLF("dev.cmd-reserved", ioctl(ifd, IOMMU_TEST_CMD, &c), "stdev=%u",
	      c.mock_domain.out_stdev_id);
	CALL("dev.cmd-reserved.destroy", destroy(c.mock_domain.out_stdev_id));
	c = tcmd(99, a);
	CALL("dev.cmd-bad-op", ioctl(ifd, IOMMU_TEST_CMD, &c));

	/* replace */
	replace("replace.to-ioas-b", d2.stdev, b);
	replace("replace.to-hwpt", d2.stdev, d.hwpt);
	replace("replace.to-same", d2.stdev, d.hwpt);
	replace("replace.to-bad-id", d2.stdev, 999);
	replace("replace.to-stdev", d2.stdev, d.stdev);
	replace("replace.bad-stdev", 999, a);
	replace("replace.idev-as-stdev", d2.idev, a);

	/* HWPT_ALLOC */
	u = hwpt_alloc("hwpt.flags0", 0, d.idev, a, 0, NULL, 0);
	np = hwpt_alloc("hwpt.nest-parent", IOMMU_HWPT_ALLOC_NEST_PARENT,
			d.idev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dirty-on-no-dirty-dev",
		   IOMMU_HWPT_ALLOC_DIRTY_TRACKING, nd.idev, a, 0, NULL, 0);
	hwd = hwpt_alloc("hwpt.dirty", IOMMU_HWPT_ALLOC_DIRTY_TRACKING, d.idev,
			 a, 0, NULL, 0);
	hwpt_alloc("hwpt.unknown-flag", 1u << 31, d.idev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.fault-id-valid-0", IOMMU_HWPT_FAULT_ID_VALID, d.idev,
		   a, 0, NULL, 0);
	hwpt_alloc("hwpt.pasid-flag", IOMMU_HWPT_ALLOC_PASID, d.idev, a, 0,
		   NULL, 0);
	hwpt_alloc("hwpt.pasid-flag-pasid-dev", IOMMU_HWPT_ALLOC_PASID, pd.idev,
		   b, 0, NULL, 0);
	hwpt_alloc("hwpt.bad-dev", 0, 999, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dev-is-ioas", 0, a, a, 0, NULL, 0);
	hwpt_alloc("hwpt.dev-is-stdev", 0, d.stdev, a, 0, NULL, 0);
	hwpt_alloc("hwpt.bad-pt", 0, d.idev, 999, 0, NULL, 0);
	hwpt_alloc("hwpt.pt-is-dev", 0, d.idev, d.idev, 0, NULL, 0);
	hwpt_alloc("hwpt.selftest-len0", 0, d.idev, a, IOMMU_HWPT_DATA_SELFTEST,
		   &sd, 0);
	hwpt_alloc("hwpt.none-len8", 0, d.idev, a, IOMMU_HWPT_DATA_NONE, &sd,
		   sizeof(sd));
	hwpt_alloc("hwpt.none-ptr-len0", 0, d.idev, a, IOMMU_HWPT_DATA_NONE,
		   &sd, 0);
	hwpt_alloc("hwpt.selftest-on-ioas", 0, d.idev, a,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	sd.pagetable_type = 7;
	hwpt_alloc("hwpt.selftest-bad-pt-type", 0, d.idev, a,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	sd.pagetable_type = 0;
	hwpt_alloc("hwpt.vtd-on-mock", 0, d.idev, a, IOMMU_HWPT_DATA_VTD_S1,
		   &sd, sizeof(sd));
	hwpt_alloc("hwpt.selftest-on-plain-hwpt", 0, d.idev, u,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	nest = hwpt_alloc("hwpt.nested", 0, d.idev, np,
			  IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	hwpt_alloc("hwpt.nested-none", 0, d.idev, np, IOMMU_HWPT_DATA_NONE,
		   NULL, 0);
	hwpt_alloc("hwpt.nested-flags-np", IOMMU_HWPT_ALLOC_NEST_PARENT, d.idev,
		   np, IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	hwpt_alloc("hwpt.nested-short-data", 0, d.idev, np,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, 4);
	hwpt_alloc("hwpt.nested-nomem-data", 0, d.idev, np,
		   IOMMU_HWPT_DATA_SELFTEST, (void *)NOMEM_VA, sizeof(sd));
	hwpt_alloc("hwpt.nested-on-nested", 0, d.idev, nest,
		   IOMMU_HWPT_DATA_SELFTEST, &sd, sizeof(sd));
	INIT(ha);
	ha.dev_id = d.idev;
	ha.pt_id = a;
	ha.__reserved = 1;
	CALL("hwpt.reserved1", ioctl(ifd, IOMMU_HWPT_ALLOC, &ha));
	INIT(ha);
	ha.dev_id = d.idev;
	ha.pt_id = a;
	ha.__reserved2 = 1;
	CALLF("hwpt.reserved2", ioctl(ifd, IOMMU_HWPT_ALLOC, &ha), "hwpt=%u",
	      ha.out_hwpt_id);
	replace("hwpt.replace-to-user", d2.stdev, u);
	replace("hwpt.replace-to-nested", d2.stdev, nest);
	replace("hwpt.replace-to-np", d2.stdev, np);
	replace("hwpt.replace-nodirty-to-dirty", nd.stdev, hwd);

	/* GET_HW_INFO */
	hw_info("hwinfo.len0", d.idev, 0, 0, 0);
	hw_info("hwinfo.len4", d.idev, 0, 0, 4);
	hw_info("hwinfo.len8", d.idev, 0, 0, 8);
	hw_info("hwinfo.len64", d.idev, 0, 0, 64);
	hw_info("hwinfo.pasid-dev", pd.idev, 0, 0, 8);
	hw_info("hwinfo.no-dirty-dev", nd.idev, 0, 0, 8);
	hw_info("hwinfo.bad-dev", 999, 0, 0, 8);
	hw_info("hwinfo.dev-is-ioas", a, 0, 0, 8);
	hw_info("hwinfo.bad-flags", d.idev, 1 << 5, 0, 8);
	hw_info("hwinfo.input-selftest", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_SELFTEST, 8);
	hw_info("hwinfo.input-default", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_DEFAULT, 8);
	hw_info("hwinfo.input-vtd", d.idev, IOMMU_HW_INFO_FLAG_INPUT_TYPE,
		IOMMU_HW_INFO_TYPE_INTEL_VTD, 8);
	hw_info("hwinfo.type-without-flag", d.idev, 0,
		IOMMU_HW_INFO_TYPE_INTEL_VTD, 8);

	/* dirty tracking: a device on a dirty-tracking HWPT with memory */
	replace("dirty.attach", d2.stdev, hwd);
	/*
	 * Without this, the kernel maps physically contiguous pages with
	 * larger leaves, and a dirty bit then covers several pages: the
	 * bitmap would depend on where the pages happen to be.
	 */
	option("dirty.huge-pages-off", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 0, 0);
	map("dirty.map", a, RW | FIX, va(rw), 32 * PAGE, APERTURE);
	dirty_tracking("dirty.set-bad-flags", hwd, 1 << 3);
	dirty_tracking("dirty.set-on-plain-hwpt", u, 1);
	dirty_tracking("dirty.set-on-ioas", a, 1);
	dirty_tracking("dirty.set-bad-id", 999, 1);
	get_bitmap("dirty.get-before-enable", hwd, 0, APERTURE, 32 * PAGE,
		   PAGE);
	dirty_tracking("dirty.enable", hwd, IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	dirty_tracking("dirty.enable-again", hwd,
		       IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	get_bitmap("dirty.get-clean", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	mark_dirty("dirty.mark", hwd, APERTURE, 32 * PAGE, PAGE,
		   0x80000000a0000005ULL);
	mark_dirty("dirty.mark-2k", hwd, APERTURE, 32 * PAGE, 2048, 0x30);
	get_bitmap("dirty.get-no-clear", hwd,
		   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, APERTURE, 32 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-8k", hwd, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		   APERTURE, 32 * PAGE, 2 * PAGE);
	get_bitmap("dirty.get-offset", hwd,
		   IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, APERTURE + 2 * PAGE,
		   8 * PAGE, PAGE);
	get_bitmap("dirty.get", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	get_bitmap("dirty.get-after-clear", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	get_bitmap("dirty.get-bad-flags", hwd, 1 << 4, APERTURE, 32 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-pgsz0", hwd, 0, APERTURE, 32 * PAGE, 0);
	get_bitmap("dirty.get-pgsz-3k", hwd, 0, APERTURE, 32 * PAGE, 3072);
	get_bitmap("dirty.get-unaligned-iova", hwd, 0, APERTURE + 0x100, PAGE,
		   PAGE);
	get_bitmap("dirty.get-unaligned-len", hwd, 0, APERTURE, PAGE + 0x100,
		   PAGE);
	get_bitmap("dirty.get-len0", hwd, 0, APERTURE, 0, PAGE);
	get_bitmap("dirty.get-unmapped", hwd, 0, APERTURE + 0x1000000, 4 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-partly-mapped", hwd, 0, APERTURE + 30 * PAGE,
		   4 * PAGE, PAGE);
	get_bitmap("dirty.get-overflow", hwd, 0, U64_MAX - 0xfff, 2 * PAGE,
		   PAGE);
	get_bitmap("dirty.get-on-plain-hwpt", u, 0, APERTURE, PAGE, PAGE);
	get_bitmap("dirty.get-on-ioas", a, 0, APERTURE, PAGE, PAGE);
	mark_dirty("dirty.mark-plain-hwpt", u, APERTURE, PAGE, PAGE, 1);
	dirty_tracking("dirty.disable", hwd, 0);
	get_bitmap("dirty.get-disabled", hwd, 0, APERTURE, 32 * PAGE, PAGE);
	unmap_all("dirty.unmap", a);

	section_destroy_order();
}

/* ------------------------------------------------------------------ */
/* f) emulated accesses                                               */
/* ------------------------------------------------------------------ */

static int create_access(const char *label, __u32 ioas, __u32 flags)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_CREATE_ACCESS, ioas);

	c.create_access.flags = flags;
	c.create_access.out_access_fd = (__u32)-1;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
	return (int)c.create_access.out_access_fd;
}

static __u32 access_pages(const char *label, int afd, __u32 flags, __u64 iova,
			  __u64 len, unsigned long uptr)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_ACCESS_PAGES, afd);

	c.access_pages.flags = flags;
	c.access_pages.iova = iova;
	c.access_pages.length = len;
	c.access_pages.uptr = uptr;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c), "pages_id=%u",
	      c.access_pages.out_access_pages_id);
	return c.access_pages.out_access_pages_id;
}

static void destroy_pages(const char *label, int afd, __u32 id)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, afd);

	c.destroy_access_pages.access_pages_id = id;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

static void access_rw(const char *label, int afd, __u32 flags, __u64 iova,
		      __u64 len)
{
	unsigned char data[64];
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_ACCESS_RW, afd);
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(0xf0 ^ i);
	c.access_rw.iova = iova;
	c.access_rw.length = len;
	c.access_rw.uptr = va(data);
	c.access_rw.flags = flags;
	CALLF(label, ioctl(ifd, IOMMU_TEST_CMD, &c),
	      "data=%02x%02x%02x%02x..%02x%02x", data[0], data[1], data[2],
	      data[3], data[len > 1 && len <= 64 ? len - 2 : 0],
	      data[len >= 1 && len <= 64 ? len - 1 : 0]);
}

static void check_refs(const char *label, unsigned long uptr, __u64 len,
		       __u32 refs)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_MD_CHECK_REFS, 0);

	c.check_refs.uptr = uptr;
	c.check_refs.length = len;
	c.check_refs.refs = refs;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

static void check_map(const char *label, __u32 hwpt, __u64 iova, __u64 len,
		      unsigned long uptr)
{
	struct iommu_test_cmd c = tcmd(IOMMU_TEST_OP_MD_CHECK_MAP, hwpt);

	c.check_map.iova = iova;
	c.check_map.length = len;
	c.check_map.uptr = uptr;
	CALL(label, ioctl(ifd, IOMMU_TEST_CMD, &c));
}

void section_access(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	unsigned char *rw2 = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	__u32 a = ioas_alloc(), b = ioas_alloc(), p1, p2, p3;
	struct iommu_test_cmd c;
	struct mockdev d;
	int f0, fp;

	/* create */
	f0 = create_access("create.flags0", a, 0);
	fp = create_access("create.needs-pin", a,
			   MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	create_access("create.bad-flags", a, 1 << 4);
	create_access("create.bad-ioas", 999, 0);
	create_access("create.ioas-0", 0, 0);

	map("setup.map", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	map("setup.map-adj", a, RW | FIX, va(rw2), 4 * PAGE, 0x104000);
	map("setup.map-ro", a, IOMMU_IOAS_MAP_READABLE | FIX, va(rw) + 8 * PAGE,
	    2 * PAGE, 0x200000);

	/* ACCESS_PAGES */
	check_refs("refs.before-pin", va(rw), 4 * PAGE, 0);
	access_pages("pages.no-pin-access", f0, 0, 0x100000, PAGE, va(rw));
	p1 = access_pages("pages.aligned", fp, 0, 0x100000, PAGE, va(rw));
	check_refs("refs.after-pin-1", va(rw), PAGE, 1);
	check_refs("refs.after-pin-0", va(rw), PAGE, 0);
	check_refs("refs.unpinned-page", va(rw) + PAGE, PAGE, 0);
	check_refs("refs.unaligned", va(rw) + 0x10, 0x10, 1);
	check_refs("refs.nomem", NOMEM_VA, PAGE, 0);
	p2 = access_pages("pages.unaligned", fp, 0, 0x101100, 0x100,
			  va(rw) + PAGE + 0x100);
	access_pages("pages.wrong-uptr", fp, 0, 0x101000, PAGE, va(rw));
	access_pages("pages.no-uptr", fp, 0, 0x101000, PAGE, 0);
	access_pages("pages.beyond-area", fp, 0, 0x103000, 4 * PAGE, 0);
	access_pages("pages.beyond-all", fp, 0, 0x107000, 2 * PAGE, 0);
	access_pages("pages.unmapped", fp, 0, 0x800000, PAGE, 0);
	access_pages("pages.len0", fp, 0, 0x100000, 0, 0);
	access_pages("pages.overflow", fp, 0, U64_MAX - 0xfff, 2 * PAGE, 0);
	access_pages("pages.ro-write", fp, MOCK_FLAGS_ACCESS_WRITE, 0x200000,
		     PAGE, 0);
	p3 = access_pages("pages.ro-read", fp, 0, 0x200000, PAGE, 0);
	access_pages("pages.bad-flags", fp, 1 << 3, 0x100000, PAGE, 0);
	access_pages("pages.bad-access-fd", 999, 0, 0x100000, PAGE, 0);
	destroy_pages("pages.destroy-bad-id", fp, 999);
	destroy_pages("pages.destroy-p2", fp, p2);
	destroy_pages("pages.destroy-p2-again", fp, p2);
	destroy_pages("pages.destroy-p3", fp, p3);
	destroy_pages("pages.destroy-bad-fd", 999, p1);

	/* ACCESS_RW */
	access_rw("rw.read", f0, 0, 0x100010, 16);
	access_rw("rw.read-slow", f0, MOCK_ACCESS_RW_SLOW_PATH, 0x100010, 16);
	access_rw("rw.write", f0, MOCK_ACCESS_RW_WRITE, 0x100020, 8);
	access_rw("rw.read-back", f0, 0, 0x100020, 8);
	access_rw("rw.write-slow", f0,
		  MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH, 0x100030, 8);
	access_rw("rw.read-back-slow", f0, MOCK_ACCESS_RW_SLOW_PATH, 0x100028,
		  16);
	access_rw("rw.across-areas", f0, 0, 0x103ff0, 32);
	access_rw("rw.across-areas-slow", f0, MOCK_ACCESS_RW_SLOW_PATH,
		  0x103ff0, 32);
	access_rw("rw.unmapped", f0, 0, 0x800000, 16);
	access_rw("rw.past-end", f0, 0, 0x107ff8, 16);
	access_rw("rw.len0", f0, 0, 0x100000, 0);
	access_rw("rw.ro-write", f0, MOCK_ACCESS_RW_WRITE, 0x200000, 8);
	access_rw("rw.ro-read", f0, 0, 0x200000, 8);
	access_rw("rw.bad-flags", f0, 1 << 3, 0x100000, 8);
	access_rw("rw.overflow", f0, 0, U64_MAX - 7, 16);
	access_rw("rw.pin-access", fp, 0, 0x100010, 16);
	NOTE("rw.memory %02x%02x%02x%02x", rw[0x20], rw[0x21], rw[0x30],
	     rw[0x31]);

	/* unmap while pinned */
	unmap("pinned.unmap-partial", a, 0x100000, 2 * PAGE);
	unmap("pinned.unmap", a, 0x100000, 4 * PAGE);
	destroy_pages("pinned.destroy-after-unmap", fp, p1);
	check_refs("pinned.refs-after-unmap", va(rw), PAGE, 0);

	/* ACCESS_REPLACE_IOAS */
	map("replace.map-b", b, RW | FIX, va(rw2), 2 * PAGE, 0x100000);
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, f0);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.to-b", ioctl(ifd, IOMMU_TEST_CMD, &c));
	access_rw("replace.rw-b", f0, 0, 0x100000, 8);
	c.access_replace_ioas.ioas_id = 999;
	CALL("replace.bad-ioas", ioctl(ifd, IOMMU_TEST_CMD, &c));
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, 999);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.bad-fd", ioctl(ifd, IOMMU_TEST_CMD, &c));
	p1 = access_pages("replace.pin-b", fp, 0, 0x104000, PAGE, va(rw2));
	c = tcmd(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, fp);
	c.access_replace_ioas.ioas_id = b;
	CALL("replace.pinned-to-b", ioctl(ifd, IOMMU_TEST_CMD, &c));
	CALL("replace.destroy-ioas-with-access", destroy(b));
	destroy_pages("replace.destroy-pages", fp, p1);
	CALL("replace.pinned-to-b-after", ioctl(ifd, IOMMU_TEST_CMD, &c));

	/* MD_CHECK_MAP on a mock domain */
	unmap_all("checkmap.unmap-b", b);
	d = mock_domain("checkmap.mock-domain", b, 0);
	map("checkmap.map", b, RW | FIX, va(rw), 4 * PAGE, APERTURE);
	check_map("checkmap.ok", d.hwpt, APERTURE, 4 * PAGE, va(rw));
	check_map("checkmap.2k", d.hwpt, APERTURE + 0x800, 0x800,
		  va(rw) + 0x800);
	check_map("checkmap.wrong-uptr", d.hwpt, APERTURE, PAGE, va(rw2));
	check_map("checkmap.unmapped", d.hwpt, APERTURE + 0x100000, PAGE,
		  va(rw));
	check_map("checkmap.unaligned", d.hwpt, APERTURE + 0x10, 0x10,
		  va(rw) + 0x10);
	check_map("checkmap.bad-hwpt", 999, APERTURE, PAGE, va(rw));
	check_map("checkmap.on-ioas", b, APERTURE, PAGE, va(rw));
	check_refs("checkmap.refs-domain", va(rw), 4 * PAGE, 1);
	check_refs("checkmap.refs-domain-0", va(rw), 4 * PAGE, 0);
	close(f0);
	close(fp);
	CALL("final.destroy-stdev", destroy(d.stdev));
	CALL("final.destroy-b", destroy(b));
	CALL("final.destroy-a", destroy(a));
}
