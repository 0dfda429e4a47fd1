// SPDX-License-Identifier: MIT
/*
 * Sections b and c of errno_matrix (see errno_matrix.c): the IOAS itself.
 * IOAS alloc/destroy, IOAS_MAP and IOAS_MAP_FILE; UNMAP, COPY,
 * IOVA_RANGES, ALLOW_IOVAS, OPTION and VFIO_IOAS. Each section runs in a
 * child of its own on a fresh /dev/iommu.
 */
#include "errno_matrix.h"

/* ------------------------------------------------------------------ */
/* b) IOAS alloc/destroy and IOAS_MAP / IOAS_MAP_FILE                 */
/* ------------------------------------------------------------------ */

static void map_file(const char *label, __u32 ioas, __u32 flags, int fd,
		     __u64 start, __u64 len, __u64 iova)
{
	struct iommu_ioas_map_file c;

	INIT(c);
	c.flags = flags;
	c.ioas_id = ioas;
	c.fd = fd;
	c.start = start;
	c.length = len;
	c.iova = iova;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_MAP_FILE, &c), "iova=0x%llx",
	      (unsigned long long)c.iova);
}

static void map_file_cases(const char *pfx, __u32 ioas, __u64 iova)
{
	int mfd = memfd_create("errno_matrix", 0);
	int pfd[2];
	int tfd;

	ftruncate(mfd, 4 * PAGE);
	map_file(L("%s.memfd", pfx), ioas, RW, mfd, 0, 4 * PAGE, 0);
	map_file(L("%s.memfd-fixed", pfx), ioas, RW | FIX, mfd, PAGE, PAGE,
		 iova);
	map_file(L("%s.memfd-beyond-size", pfx), ioas, RW, mfd, 0, 5 * PAGE, 0);
	map_file(L("%s.memfd-start-beyond", pfx), ioas, RW, mfd, 8 * PAGE, PAGE,
		 0);
	map_file(L("%s.memfd-unaligned-start", pfx), ioas, RW, mfd, 0x100, PAGE,
		 0);
	map_file(L("%s.memfd-len0", pfx), ioas, RW, mfd, 0, 0, 0);
	map_file(L("%s.memfd-bad-flags", pfx), ioas, RW | (1 << 8), mfd, 0,
		 PAGE, 0);
	map_file(L("%s.memfd-start-wrap", pfx), ioas, RW, mfd, U64_MAX - 0xfff,
		 2 * PAGE, 0);
	ftruncate(mfd, 3 * PAGE + 0x800);
	map_file(L("%s.memfd-partial-last-page", pfx), ioas, RW, mfd, 0,
		 4 * PAGE, 0);
	map_file(L("%s.memfd-partial-len", pfx), ioas, RW, mfd, 0,
		 3 * PAGE + 0x800, 0);
	close(mfd);

	unlink("/tmp/errno_matrix.file");
	tfd = open("/tmp/errno_matrix.file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ftruncate(tfd, 4 * PAGE);
	map_file(L("%s.tmpfile", pfx), ioas, RW, tfd, 0, 2 * PAGE, 0);
	close(tfd);
	tfd = open("/tmp/errno_matrix.file", O_RDONLY);
	map_file(L("%s.tmpfile-rdonly-writeable", pfx), ioas, RW, tfd, 0, PAGE,
		 0);
	map_file(L("%s.tmpfile-rdonly-readable", pfx), ioas,
		 IOMMU_IOAS_MAP_READABLE, tfd, 0, PAGE, 0);
	close(tfd);
	unlink("/tmp/errno_matrix.file");

	pipe(pfd);
	map_file(L("%s.pipe", pfx), ioas, RW, pfd[0], 0, PAGE, 0);
	close(pfd[0]);
	close(pfd[1]);
	map_file(L("%s.fd-1", pfx), ioas, RW, -1, 0, PAGE, 0);
	map_file(L("%s.fd-iommufd", pfx), ioas, RW, ifd, 0, PAGE, 0);
	unmap_all(L("%s.unmap-all", pfx), ioas);
}

void section_ioas_map(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	unsigned char *ro = buf_map(4 * PAGE, PROT_READ);
	unsigned char *none = buf_map(4 * PAGE, PROT_NONE);
	struct iommu_ioas_alloc ac;
	struct iommu_ioas_map m;
	struct mockdev d;
	__u32 a, b, c, off;
	int i;

	/* allocation, destruction and id reuse */
	INIT(ac);
	CALLF("alloc", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	a = ac.out_ioas_id;
	INIT(ac);
	ac.flags = 1;
	CALLF("alloc-flags1", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	b = ioas_alloc();
	c = ioas_alloc();
	NOTE("ids %u %u", b, c);
	CALL("destroy-b", destroy(b));
	CALL("destroy-b-again", destroy(b));
	CALL("destroy-0", destroy(0));
	CALL("destroy-huge", destroy(0xffffffff));
	INIT(ac);
	CALLF("alloc-reuse", ioctl(ifd, IOMMU_IOAS_ALLOC, &ac), "id=%u",
	      ac.out_ioas_id);
	b = ac.out_ioas_id;
	CALL("destroy-c", destroy(c));

	/* flags */
	for (i = -1; i < 8; i++) {
		__u32 f = i < 0 ? 0 : 1u << i;

		map(L("map.flag-0x%x", f), a, f, va(rw), PAGE, 0x100000);
		unmap_all(L("map.flag-0x%x.unmap", f), a);
	}
	map("map.flag-rw-fixed", a, RW | FIX, va(rw), PAGE, 0x100000);
	map("map.flag-1<<31", a, RW | (1u << 31), va(rw), PAGE, 0);
	m = mapc(a, RW, va(rw), PAGE, 0);
	m.__reserved = 1;
	CALL("map.reserved1", ioctl(ifd, IOMMU_IOAS_MAP, &m));
	map("map.bad-ioas", 999, RW, va(rw), PAGE, 0);
	map("map.ioas-is-0", 0, RW, va(rw), PAGE, 0);
	unmap_all("map.flags.unmap", a);

	/* lengths and wrap-around */
	map("map.len0", a, RW, va(rw), 0, 0);
	map("map.len1", a, RW, va(rw), 1, 0);
	map("map.len-ulong-max", a, RW, va(rw), U64_MAX, 0);
	map("map.len-ulong-max-page", a, RW, va(rw), U64_MAX - 0xfff, 0);
	map("map.fixed-iova-ulong-max", a, RW | FIX, va(rw), PAGE, U64_MAX);
	map("map.fixed-iova-last-page", a, RW | FIX, va(rw), PAGE,
	    U64_MAX - 0xfff);
	map("map.fixed-iova-wraps", a, RW | FIX, va(rw), 2 * PAGE,
	    U64_MAX - 0xfff);
	map("map.uva-wraps", a, RW, U64_MAX - 0xfff, 2 * PAGE, 0);
	map("map.uva-kernel", a, RW, 0xffff800000000000UL, PAGE, 0);
	map("map.uva-0", a, RW, 0, PAGE, 0);
	map("map.auto-len-2^63", a, RW, va(rw), 1ULL << 63, 0);
	unmap_all("map.len.unmap", a);

	/* unaligned user addresses */
	for (off = 1; off < PAGE; off = off * 16) {
		map(L("map.off-0x%x-auto", off), a, RW, va(rw) + off, PAGE, 0);
		map(L("map.off-0x%x-auto-again", off), a, RW, va(rw) + off,
		    0x10, 0);
		map(L("map.off-0x%x-fixed-same-off", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x200000 + off);
		map(L("map.off-0x%x-fixed-page", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x300000);
		map(L("map.off-0x%x-fixed-other-off", off), a, RW | FIX,
		    va(rw) + off, PAGE, 0x400000 + ((off + 8) & 0xfff));
		unmap_all(L("map.off-0x%x.unmap", off), a);
	}
	map("map.auto-2pages", a, RW, va(rw), 2 * PAGE, 0);
	map("map.auto-3pages", a, RW, va(rw) + PAGE, 3 * PAGE, 0);
	map("map.auto-64k", a, RW, va(rw), 16 * PAGE, 0);
	map("map.auto-64k-off", a, RW, va(rw) + 0x800, 8 * PAGE, 0);
	unmap_all("map.auto.unmap", a);

	/* overlaps */
	map("map.ovl.first", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	map("map.ovl.same", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	map("map.ovl.tail", a, RW | FIX, va(rw), 2 * PAGE, 0x101000);
	map("map.ovl.head", a, RW | FIX, va(rw), 2 * PAGE, 0x0ff000);
	map("map.ovl.inside-byte", a, RW | FIX, va(rw) + 0x10, 0x10, 0x100010);
	map("map.ovl.adjacent-after", a, RW | FIX, va(rw), 2 * PAGE, 0x102000);
	map("map.ovl.adjacent-before", a, RW | FIX, va(rw), PAGE, 0x0ff000);
	map("map.ovl.auto-after", a, RW, va(rw), PAGE, 0);
	unmap_all("map.ovl.unmap", a);

	/* memory that is not there, without a domain */
	map("map.nomem", a, RW, NOMEM_VA, 4 * PAGE, 0);
	map("map.ro-writeable", a, RW, va(ro), PAGE, 0);
	map("map.ro-readable", a, IOMMU_IOAS_MAP_READABLE, va(ro), PAGE, 0);
	map("map.prot-none", a, RW, va(none), PAGE, 0);
	iova_ranges("map.ranges-before-domain", a, 4);
	unmap_all("map.nomem.unmap", a);
	/* a domain comes to an IOAS that maps memory that is not there */
	map("map.nomem-fixed", a, RW | FIX, NOMEM_VA, 4 * PAGE,
	    APERTURE + 0x800000);
	d = mock_domain("map.mock-domain-with-nomem", a, 0);
	CALL("map.mock-domain-with-nomem.destroy", destroy(d.stdev));
	unmap_all("map.nomem-fixed.unmap", a);
	map("map.ro-fixed", a, RW | FIX, va(ro), PAGE, APERTURE);
	d = mock_domain("map.mock-domain-with-ro", a, 0);
	CALL("map.mock-domain-with-ro.destroy", destroy(d.stdev));
	unmap_all("map.ro-fixed.unmap", a);
	map("map.outside-aperture", a, RW | FIX, va(rw), PAGE, 0x1000);
	d = mock_domain("map.mock-domain-outside-aperture", a, 0);
	CALL("map.mock-domain-outside-aperture.destroy", destroy(d.stdev));
	unmap_all("map.outside.unmap", a);

	/* with a domain */
	d = mock_domain("map.mock-domain", a, 0);
	map("map.dom.rw", a, RW, va(rw), 2 * PAGE, 0);
	map("map.dom.fixed", a, RW | FIX, va(rw), PAGE, APERTURE + 0x100000);
	map("map.dom.below-aperture", a, RW | FIX, va(rw), PAGE,
	    APERTURE - PAGE);
	map("map.dom.above-aperture", a, RW | FIX, va(rw), PAGE,
	    (__u64)MOCK_APERTURE_LAST + 1);
	map("map.dom.straddle-aperture-end", a, RW | FIX, va(rw), 2 * PAGE,
	    (__u64)MOCK_APERTURE_LAST + 1 - PAGE);
	map("map.dom.nomem", a, RW, NOMEM_VA, PAGE, 0);
	map("map.dom.nomem-partial", a, RW, va(rw) + 15 * PAGE, 2 * PAGE, 0);
	map("map.dom.ro-writeable", a, RW, va(ro), PAGE, 0);
	map("map.dom.ro-readable", a, IOMMU_IOAS_MAP_READABLE, va(ro), PAGE, 0);
	map("map.dom.ro-flags0", a, 0, va(ro), PAGE, 0);
	map("map.dom.prot-none", a, IOMMU_IOAS_MAP_READABLE, va(none), PAGE, 0);
	map("map.dom.unaligned", a, RW, va(rw) + 0x800, PAGE, 0);
	map("map.dom.unaligned-2k-fixed", a, RW | FIX, va(rw) + 0x800, PAGE,
	    APERTURE + 0x200800);
	map("map.dom.unaligned-odd", a, RW, va(rw) + 0x123, 0x10, 0);
	map("map.dom.len-1g", a, RW, va(rw), 1UL << 30, 0);
	iova_ranges("map.dom.ranges", a, 4);
	unmap_all("map.dom.unmap", a);

	/* IOAS_MAP_FILE, without and with a domain */
	map_file_cases("file.nodom", b, 0x100000);
	map_file_cases("file.dom", a, APERTURE + 0x100000);
	CALL("map.destroy-stdev", destroy(d.stdev));
	map("map.after-detach-low", a, RW | FIX, va(rw), PAGE, 0x1000);
	CALL("map.destroy-ioas-with-areas", destroy(a));
}

/* ------------------------------------------------------------------ */
/* c) UNMAP, COPY, IOVA_RANGES, ALLOW_IOVAS, OPTION, VFIO_IOAS        */
/* ------------------------------------------------------------------ */

static void copy(const char *label, __u32 flags, __u32 dst, __u32 src,
		 __u64 len, __u64 dst_iova, __u64 src_iova)
{
	struct iommu_ioas_copy c;

	INIT(c);
	c.flags = flags;
	c.dst_ioas_id = dst;
	c.src_ioas_id = src;
	c.length = len;
	c.dst_iova = dst_iova;
	c.src_iova = src_iova;
	CALLF(label, ioctl(ifd, IOMMU_IOAS_COPY, &c), "dst_iova=0x%llx",
	      (unsigned long long)c.dst_iova);
}

void option(const char *label, __u32 id, __u16 op, __u32 obj, __u64 val,
	    __u16 rsv)
{
	struct iommu_option c;

	INIT(c);
	c.option_id = id;
	c.op = op;
	c.object_id = obj;
	c.val64 = val;
	c.__reserved = rsv;
	if (id == IOMMU_OPTION_RLIMIT_MODE && op == IOMMU_OPTION_OP_SET) {
		/* needs CAP_SYS_RESOURCE; 0 is the default, so no effect */
		c.val64 = 0;
		ioctl(ifd, IOMMU_OPTION, &c);
		NOTE("%s skipped-capability", label);
		return;
	}
	CALLF(label, ioctl(ifd, IOMMU_OPTION, &c), "val64=0x%llx",
	      (unsigned long long)c.val64);
}

void vfio_ioas(const char *label, __u32 id, __u16 op, __u16 rsv)
{
	struct iommu_vfio_ioas c;

	INIT(c);
	c.ioas_id = id;
	c.op = op;
	c.__reserved = rsv;
	CALLF(label, ioctl(ifd, IOMMU_VFIO_IOAS, &c), "ioas_id=%u", c.ioas_id);
}

void section_unmap_copy_ranges(void)
{
	unsigned char *rw = buf_map(16 * PAGE, PROT_READ | PROT_WRITE);
	struct iommu_iova_range r[4];
	struct iommu_ioas_unmap u;
	__u32 a = ioas_alloc(), b = ioas_alloc(), c = ioas_alloc();
	__u32 objs[] = {0, a, 999};
	unsigned int i, j, k;

	/* IOAS_UNMAP */
	map("unmap.setup", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	unmap("unmap.exact", a, 0x100000, 4 * PAGE);
	unmap("unmap.exact-again", a, 0x100000, 4 * PAGE);
	map("unmap.setup2", a, RW | FIX, va(rw), 2 * PAGE, 0x100000);
	unmap("unmap.superset", a, 0x0ff000, 4 * PAGE);
	map("unmap.setup3", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	unmap("unmap.partial-head", a, 0x100000, PAGE);
	unmap("unmap.partial-tail", a, 0x103000, PAGE);
	unmap("unmap.partial-middle", a, 0x101000, PAGE);
	unmap("unmap.unaligned", a, 0x100010, 0x10);
	unmap("unmap.empty", a, 0x800000, PAGE);
	unmap("unmap.len0", a, 0x100000, 0);
	unmap("unmap.overflow", a, U64_MAX - 0xfff, 2 * PAGE);
	unmap("unmap.len-max-from-1", a, 1, U64_MAX);
	unmap("unmap.len-max-minus-1", a, 0, U64_MAX - 1);
	unmap("unmap.bad-ioas", 999, 0, U64_MAX);
	map("unmap.setup4", a, RW | FIX, va(rw), PAGE, 0x200000);
	map("unmap.setup5", a, RW | FIX, va(rw), PAGE, 0x201000);
	unmap("unmap.two-areas", a, 0x200000, 2 * PAGE);
	map("unmap.setup6", a, RW | FIX, va(rw), PAGE, 0x300000);
	unmap("unmap.area-plus-partial", a, 0x0ff000, 0x201800);
	unmap_all("unmap.all", a);
	unmap_all("unmap.all-empty", a);
	INIT(u);
	u.ioas_id = a;
	u.length = U64_MAX;
	u.size = 12;
	CALL("unmap.size12", ioctl(ifd, IOMMU_IOAS_UNMAP, &u));

	/* IOAS_COPY */
	map("copy.setup", a, RW | FIX, va(rw), 4 * PAGE, 0x100000);
	map("copy.setup-adj1", a, RW | FIX, va(rw) + 4 * PAGE, 2 * PAGE,
	    0x200000);
	map("copy.setup-adj2", a, RW | FIX, va(rw) + 6 * PAGE, 2 * PAGE,
	    0x202000);
	map("copy.setup-ro", a, IOMMU_IOAS_MAP_READABLE | FIX, va(rw), PAGE,
	    0x300000);
	copy("copy.exact", RW | FIX, b, a, 4 * PAGE, 0x100000, 0x100000);
	copy("copy.exact-again", RW | FIX, b, a, 4 * PAGE, 0x100000, 0x100000);
	copy("copy.partial-auto", RW, b, a, 2 * PAGE, 0, 0x101000);
	copy("copy.unaligned-auto", RW, b, a, 0x10, 0, 0x101010);
	copy("copy.across-adjacent", RW, b, a, 2 * PAGE, 0, 0x201000);
	copy("copy.both-adjacent", RW, b, a, 4 * PAGE, 0, 0x200000);
	copy("copy.past-end", RW, b, a, 4 * PAGE, 0, 0x102000);
	copy("copy.unmapped", RW, b, a, PAGE, 0, 0x800000);
	copy("copy.ro-writeable", RW, b, a, PAGE, 0, 0x300000);
	copy("copy.ro-readable", IOMMU_IOAS_MAP_READABLE, b, a, PAGE, 0,
	     0x300000);
	copy("copy.same-ioas", RW, a, a, PAGE, 0, 0x100000);
	copy("copy.bad-src", RW, b, 999, PAGE, 0, 0x100000);
	copy("copy.bad-dst", RW, 999, a, PAGE, 0, 0x100000);
	copy("copy.flags-bad", RW | (1 << 5), b, a, PAGE, 0, 0x100000);
	copy("copy.flags-0", 0, b, a, PAGE, 0, 0x100000);
	copy("copy.len0", RW, b, a, 0, 0, 0x100000);
	copy("copy.overflow", RW, b, a, 2 * PAGE, 0, U64_MAX - 0xfff);
	copy("copy.dst-overflow", RW | FIX, b, a, 2 * PAGE, U64_MAX - 0xfff,
	     0x100000);
	unmap_all("copy.unmap-b", b);
	unmap_all("copy.unmap-a", a);

	/* IOAS_IOVA_RANGES */
	iova_ranges("ranges.num0", a, 0);
	iova_ranges("ranges.num1", a, 1);
	iova_ranges("ranges.bad-ioas", 999, 1);
	add_reserved("ranges.reserve", a, 0x10000, 0x10000);
	add_reserved("ranges.reserve2", a, 0x100000, 0x1000);
	add_reserved("ranges.reserve-len0", a, 0x200000, 0);
	add_reserved("ranges.reserve-wrap", a, U64_MAX - 0xfff, 0x2000);
	add_reserved("ranges.reserve-overlap", a, 0x18000, 0x10000);
	iova_ranges("ranges.reserved-num0", a, 0);
	iova_ranges("ranges.reserved-too-small", a, 2);
	iova_ranges("ranges.reserved-exact", a, 4);
	iova_ranges("ranges.reserved-more", a, 8);
	map("ranges.map-reserved", a, RW | FIX, va(rw), PAGE, 0x10000);
	map("ranges.map-auto-low", a, RW, va(rw), 0x10000, 0);
	unmap_all("ranges.unmap", a);
	mock_domain("ranges.mock-domain", c, 0);
	iova_ranges("ranges.domain", c, 4);
	add_reserved("ranges.domain-reserve", c, APERTURE, 0x1000);
	iova_ranges("ranges.domain-reserved", c, 4);
	{
		struct iommu_ioas_iova_ranges q;

		INIT(q);
		q.ioas_id = c;
		q.__reserved = 1;
		CALL("ranges.reserved-field",
		     ioctl(ifd, IOMMU_IOAS_IOVA_RANGES, &q));
	}

	/* IOAS_ALLOW_IOVAS */
	{
		__u32 d = ioas_alloc();

		r[0] = (struct iommu_iova_range){0x100000, 0x1fffff};
		r[1] = (struct iommu_iova_range){0x180000, 0x2fffff};
		allow_iovas("allow.overlap", d, r, 2);
		r[1] = (struct iommu_iova_range){0x200000, 0x2fffff};
		allow_iovas("allow.adjacent", d, r, 2);
		iova_ranges("allow.adjacent-ranges", d, 4);
		r[0] = (struct iommu_iova_range){0x200000, 0x200000};
		allow_iovas("allow.start-eq-last", d, r, 1);
		r[0] = (struct iommu_iova_range){0x200001, 0x200000};
		allow_iovas("allow.start-gt-last", d, r, 1);
		r[0] = (struct iommu_iova_range){0x200000, 0x2fffff};
		allow_iovas("allow.set", d, r, 1);
		iova_ranges("allow.set-ranges", d, 4);
		map("allow.map-auto", d, RW, va(rw), PAGE, 0);
		map("allow.map-outside", d, RW | FIX, va(rw), PAGE, 0x100000);
		r[0] = (struct iommu_iova_range){0x280000, 0x2fffff};
		allow_iovas("allow.exclude-mapping", d, r, 1);
		unmap_all("allow.unmap", d);
		allow_iovas("allow.bad-ioas", 999, r, 1);
		allow_iovas("allow.nomem", d, (void *)NOMEM_VA, 1);
		allow_iovas("allow.clear", d, NULL, 0);
		iova_ranges("allow.clear-ranges", d, 4);
		/* reserved first, then allowed over it */
		add_reserved("allow.reserve", d, 0x400000, 0x1000);
		r[0] = (struct iommu_iova_range){0x300000, 0x4fffff};
		allow_iovas("allow.over-reserved", d, r, 1);
		/* allowed first, then reserved inside */
		r[0] = (struct iommu_iova_range){0x600000, 0x6fffff};
		allow_iovas("allow.set2", d, r, 1);
		add_reserved("allow.reserve-in-allowed", d, 0x600000, 0x1000);
		add_reserved("allow.reserve-outside-allowed", d, 0x800000,
			     0x1000);
		/* mapped first, then reserved over it */
		map("allow.map-for-reserve", d, RW | FIX, va(rw), PAGE,
		    0x610000);
		add_reserved("allow.reserve-over-mapping", d, 0x610000, 0x1000);
		allow_iovas("allow.clear2", d, NULL, 0);
		iova_ranges("allow.final-ranges", d, 4);
	}

	/* IOMMU_OPTION: every option, op and object id */
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			for (k = 0; k < 3; k++)
				option(L("option.id%u.op%u.obj%u", i, j, k), i,
				       j, objs[k], 0, 0);
	option("option.rlimit-get-rsv", IOMMU_OPTION_RLIMIT_MODE,
	       IOMMU_OPTION_OP_GET, 0, 0, 1);
	option("option.huge-get-rsv", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 1);
	option("option.huge-set-2", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 2, 0);
	option("option.huge-get-after-set0", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 0);
	option("option.huge-set-1", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 1, 0);
	option("option.huge-get-after-set1", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_GET, a, 0, 0);
	option("option.huge-set-0", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 0, 0);
	map("option.nohuge.map-off", a, RW, va(rw) + 0x10, 0x20, 0);
	map("option.nohuge.map-off-fixed", a, RW | FIX, va(rw) + 0x10, 0x20,
	    0x500010);
	map("option.nohuge.map-off-fixed-mismatch", a, RW | FIX, va(rw) + 0x10,
	    0x20, 0x600000);
	map("option.nohuge.map-2pages", a, RW, va(rw), 2 * PAGE, 0);
	iova_ranges("option.nohuge.ranges", a, 4);
	option("option.huge-set-1-while-mapped", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, a, 1, 0);
	unmap_all("option.nohuge.unmap", a);
	option("option.huge-on-domain-ioas", IOMMU_OPTION_HUGE_PAGES,
	       IOMMU_OPTION_OP_SET, c, 0, 0);

	/* IOMMU_VFIO_IOAS */
	vfio_ioas("vfio-ioas.get-none", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.set-bad", 999, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.set", a, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.get", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.set-b", b, IOMMU_VFIO_IOAS_SET, 0);
	vfio_ioas("vfio-ioas.get-b", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.bad-op", 0, 3, 0);
	vfio_ioas("vfio-ioas.reserved", 0, IOMMU_VFIO_IOAS_GET, 1);
	vfio_ioas("vfio-ioas.clear", 0, IOMMU_VFIO_IOAS_CLEAR, 0);
	vfio_ioas("vfio-ioas.get-after-clear", 0, IOMMU_VFIO_IOAS_GET, 0);
	vfio_ioas("vfio-ioas.clear-again", 0, IOMMU_VFIO_IOAS_CLEAR, 0);
	vfio_ioas("vfio-ioas.set-a", a, IOMMU_VFIO_IOAS_SET, 0);
	CALL("vfio-ioas.destroy-compat", destroy(a));
	vfio_ioas("vfio-ioas.get-after-destroy", 0, IOMMU_VFIO_IOAS_GET, 0);
}
