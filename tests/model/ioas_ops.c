// SPDX-License-Identifier: MIT
/*
 * The operations of the io_pagetable model test (see model_ioas.c): each
 * makes its arguments from the random stream and the model, asks the model
 * what the call must answer, makes the call and updates the model.
 */
#include "model_ioas.h"

/* ------------------------------------------------------------------ */
/* Random choices                                                     */
/* ------------------------------------------------------------------ */

uint64_t rnd(uint64_t n)
{
	return rng_below(&t.rng, n);
}

bool pct(unsigned int p)
{
	return rng_pct(&t.rng, p);
}

static int pick_ioas(void)
{
	return (int)rnd(M_IOAS);
}

/* An alignment class for a buffer: huge, mock huge, page, mock page, any */
static uint64_t pick_align(void)
{
	static const uint64_t a[] = {M_HPAGE,	  1ULL << 20, M_PAGE, M_PAGE,
				     M_MOCK_PAGE, 512,	      1};

	return a[rnd(sizeof(a) / sizeof(a[0]))];
}

static uint64_t pick_length(uint64_t align)
{
	uint64_t len;

	switch (rnd(10)) {
	case 0 ... 3:
		len = M_PAGE * (1 + rnd(16));
		break;
	case 4:
		len = M_MOCK_PAGE * (1 + rnd(8));
		break;
	case 5 ... 7:
		len = (1ULL << 20) * (1 + rnd(4)) +
		      (pct(50) ? 0 : M_MOCK_PAGE * rnd(4));
		break;
	case 8:
		len = M_HPAGE;
		break;
	default:
		len = 1 + rnd(3 * M_PAGE);
		break;
	}
	return pct(70) && align > 1 ? (len + align - 1) & ~(align - 1) : len;
}

/*
 * A source of len bytes: user memory of the arena or of the memfd's shared
 * mapping (a VA), or the memfd itself (file true, a file offset).
 */
static uint64_t pick_source(bool file, uint64_t *len)
{
	uint64_t align = pick_align(), size, base, off;
	bool in_memfd = file || pct(20);

	*len = pick_length(align);
	size = in_memfd ? MFD_LEN : ANON_LEN;
	base = file ? 0 : in_memfd ? t.m.mfd_va : t.m.anon_va;
	if (*len > size / 2)
		*len = size / 2;
	off = rnd(size - *len) & ~(align - 1);
	return base + off;
}

/* A fixed IOVA for something starting at addr: mostly co-aligned */
static uint64_t pick_iova(int ioas, uint64_t addr, uint64_t len)
{
	const struct m_ioas *io = &t.m.ioas[ioas];
	uint64_t align = m_iova_alignment(&t.m, ioas), iova;

	if (io->n_areas && pct(35)) {
		const struct m_area *a = &io->areas[rnd(io->n_areas)];

		iova = pct(50) ? a->last + 1 : a->iova - len;
	} else {
		uint64_t base = pct(85) ? M_APERTURE_START : 0;

		iova = base + (rnd(WINDOW - base) & ~(M_HPAGE - 1)) +
		       (pct(70) ? addr % M_HPAGE : rnd(M_HPAGE));
	}
	if (pct(90))
		iova &= ~(align - 1);
	return iova;
}

static unsigned int pick_prot(void)
{
	static const unsigned int p[] = {MAP_R, MAP_W, MAP_R | MAP_W,
					 MAP_R | MAP_W};

	return pct(2) ? 0 : p[rnd(4)];
}

/* ------------------------------------------------------------------ */
/* Operations                                                         */
/* ------------------------------------------------------------------ */

/* The errno of the checks an IOAS map does before its pages */
static long map_args_errno(unsigned int flags, uint64_t iova, uint64_t len)
{
	if (!(flags & (MAP_R | MAP_W)))
		return -EINVAL;
	if (iova >= ULONG_MAX || len >= ULONG_MAX)
		return -EOVERFLOW;
	return 0;
}

static const char *describe_va(uint64_t va, uint64_t *off)
{
	if (va >= t.m.mfd_va && va - t.m.mfd_va < MFD_LEN) {
		*off = va - t.m.mfd_va;
		return "memfd";
	}
	*off = va - t.m.anon_va;
	return "arena";
}

void op_map(bool file)
{
	int ioas = pick_ioas();
	unsigned int prot = pick_prot();
	uint64_t len, addr = pick_source(file, &len), off;
	bool fixed = pct(70);
	uint64_t iova = fixed ? pick_iova(ioas, addr, len) : 0,
		 want_iova = iova;
	uint64_t start_byte = addr % M_PAGE;
	struct m_slice s = {
		.pages = -1, .start_byte = start_byte, .length = len};
	unsigned int flags = prot | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	char what[160];
	long rc, want;

	want = map_args_errno(prot, iova, len);
	if (!want) {
		s.pages = m_pages_new(&t.m, file, addr - start_byte,
				      (len + start_byte + M_PAGE - 1) / M_PAGE,
				      prot & MAP_W);
		want = m_check_new_areas(&t.m, ioas, &s, 1, len, fixed,
					 &want_iova, prot);
	}
	if (file) {
		struct iommu_ioas_map_file cmd = {
			.size = sizeof(cmd),
			.flags = flags,
			.ioas_id = t.m.ioas[ioas].id,
			.fd = t.mfd,
			.start = addr,
			.length = len,
			.iova = iova,
		};

		snprintf(what, sizeof(what),
			 "MAP_FILE ioas %u offset %#" PRIx64 " len %#" PRIx64
			 " iova %#" PRIx64 "%s prot %u",
			 cmd.ioas_id, addr, len, iova, fixed ? "" : " (auto)",
			 prot);
		model_log(&t.log, "%s", what);
		rc = dev_ioctl(t.fd, IOMMU_IOAS_MAP_FILE, &cmd);
		iova = cmd.iova;
	} else {
		struct iommu_ioas_map cmd = {
			.size = sizeof(cmd),
			.flags = flags,
			.ioas_id = t.m.ioas[ioas].id,
			.user_va = addr,
			.length = len,
			.iova = iova,
		};
		const char *where = describe_va(addr, &off);

		snprintf(what, sizeof(what),
			 "MAP ioas %u va %s+%#" PRIx64 " len %#" PRIx64
			 " iova %#" PRIx64 "%s prot %u",
			 cmd.ioas_id, where, off, len, iova,
			 fixed ? "" : " (auto)", prot);
		model_log(&t.log, "%s", what);
		rc = dev_ioctl(t.fd, IOMMU_IOAS_MAP, &cmd);
		iova = cmd.iova;
	}
	expect(file ? OP_MAP_FILE : OP_MAP, what, rc, want);
	if (!rc && iova != want_iova)
		fail("%s: got IOVA %#" PRIx64 ", the model picks %#" PRIx64,
		     what, iova, want_iova);
	if (!rc)
		m_insert_areas(&t.m, ioas, &s, 1, iova, prot);
	else if (s.pages >= 0)
		m_pages_put(&t.m, s.pages);
}

void op_copy(void)
{
	int src = pick_ioas(), dst = pick_ioas();
	const struct m_ioas *io = &t.m.ioas[src];
	struct m_slice slices[M_AREAS];
	unsigned int n = 0, prot = pick_prot();
	bool fixed = pct(60);
	uint64_t src_iova, len, iova, want_iova;
	long rc, want;
	char what[160];
	struct iommu_ioas_copy cmd = {.size = sizeof(cmd)};

	if (io->n_areas && pct(90)) {
		unsigned int i = (unsigned int)rnd(io->n_areas);
		unsigned int j = i + (unsigned int)rnd(MIN(3, io->n_areas - i));
		uint64_t align = MAX(m_iova_alignment(&t.m, src), M_MOCK_PAGE);

		src_iova = io->areas[i].iova;
		len = io->areas[j].last - src_iova + 1;
		if (pct(30) && len > 2 * align) {
			src_iova += align;
			len -= 2 * align;
		}
	} else {
		src_iova = rnd(WINDOW);
		len = pick_length(M_PAGE);
	}
	want = map_args_errno(prot, 0, len);
	if (!want)
		want = m_get_slices(&t.m, src, src_iova, len, slices, &n);
	iova = !fixed ? 0
	       : n    ? pick_iova(dst,
				  m_pages_va(&t.m, slices[0].pages,
					     slices[0].start_byte),
				  len)
		      : pick_iova(dst, 0, len);
	want_iova = iova;
	if (!want)
		want = m_check_new_areas(&t.m, dst, slices, n, len, fixed,
					 &want_iova, prot);
	cmd.flags = prot | (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	cmd.src_ioas_id = t.m.ioas[src].id;
	cmd.dst_ioas_id = t.m.ioas[dst].id;
	cmd.src_iova = src_iova;
	cmd.dst_iova = iova;
	cmd.length = len;
	snprintf(what, sizeof(what),
		 "COPY ioas %u %#" PRIx64 " len %#" PRIx64
		 " to ioas %u %#" PRIx64 "%s prot %u",
		 cmd.src_ioas_id, src_iova, len, cmd.dst_ioas_id, iova,
		 fixed ? "" : " (auto)", prot);
	model_log(&t.log, "%s", what);
	rc = dev_ioctl(t.fd, IOMMU_IOAS_COPY, &cmd);
	expect(OP_COPY, what, rc, want);
	if (rc)
		return;
	if (cmd.dst_iova != want_iova)
		fail("%s: got IOVA %#" PRIx64 ", the model picks %#" PRIx64,
		     what, (uint64_t)cmd.dst_iova, want_iova);
	m_insert_areas(&t.m, dst, slices, n, cmd.dst_iova, prot);
}

void do_unmap(int ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = t.m.ioas[ioas].id,
		.iova = iova,
		.length = len,
	};
	bool all = iova == 0 && len == UINT64_MAX;
	uint64_t unmapped = 0, last;
	long rc, want = 0;
	char what[120];

	if (!all) {
		if (iova >= ULONG_MAX || len >= ULONG_MAX)
			want = -EOVERFLOW;
		else if (!len)
			want = -EINVAL;
		else if (__builtin_add_overflow(iova, len - 1, &last))
			want = -EOVERFLOW;
	}
	if (!want) {
		want = m_unmap(&t.m, ioas, all ? 0 : iova,
			       all ? UINT64_MAX : last, &unmapped, t.gone,
			       &t.ngone);
		if (!want && !unmapped && !all)
			want = -ENOENT;
	}
	snprintf(what, sizeof(what), "UNMAP ioas %u %#" PRIx64 " len %#" PRIx64,
		 cmd.ioas_id, iova, len);
	model_log(&t.log, "%s", what);
	rc = dev_ioctl(t.fd, IOMMU_IOAS_UNMAP, &cmd);
	expect(all ? OP_UNMAP_ALL : OP_UNMAP, what, rc, want);
	if (!rc && cmd.length != unmapped)
		fail("%s: unmapped %#" PRIx64 " bytes, the model %#" PRIx64,
		     what, (uint64_t)cmd.length, unmapped);
}

void op_unmap(void)
{
	int ioas = pick_ioas();
	const struct m_ioas *io = &t.m.ioas[ioas];
	unsigned int i, j;

	if (!io->n_areas || pct(15)) {
		do_unmap(ioas, rnd(WINDOW), pick_length(M_PAGE));
		return;
	}
	i = (unsigned int)rnd(io->n_areas);
	j = i + (unsigned int)rnd(MIN(3, io->n_areas - i));
	switch (rnd(4)) {
	case 0: /* cutting into an area: ENOENT, after the areas before it */
		do_unmap(ioas, io->areas[i].iova,
			 io->areas[j].last - io->areas[i].iova + 1 -
				 (io->areas[j].last > io->areas[j].iova));
		break;
	case 1: /* around a run of areas */
		do_unmap(ioas, io->areas[i].iova - rnd(2) * M_PAGE,
			 io->areas[j].last - io->areas[i].iova + 1 +
				 rnd(2) * M_PAGE);
		break;
	default:
		do_unmap(ioas, io->areas[i].iova,
			 io->areas[j].last - io->areas[i].iova + 1);
		break;
	}
}

void op_unmap_all(void)
{
	do_unmap(pick_ioas(), 0, UINT64_MAX);
}

void op_allow(void)
{
	int ioas = pick_ioas();
	struct m_ioas *io = &t.m.ioas[ioas];
	struct iommu_iova_range r[3];
	struct m_range nr[3];
	unsigned int n = (unsigned int)rnd(4);
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = io->id,
		.num_iovas = n,
		.allowed_iovas = (uintptr_t)r,
	};
	long rc, want = 0;

	for (unsigned int i = 0; i != n; i++) {
		uint64_t start = pct(80) ? M_APERTURE_START + rnd(WINDOW)
					 : rnd(WINDOW);

		r[i].start = start & ~(M_PAGE - 1);
		r[i].last = r[i].start + (1ULL << 20) * (1 + rnd(16)) - 1;
		if (pct(5))
			r[i].last = r[i].start - rnd(2);
	}
	for (unsigned int i = 0; i != n && !want; i++) {
		if (r[i].start >= r[i].last)
			want = -EINVAL;
		for (unsigned int j = 0; j != i && !want; j++)
			if (r[j].start <= r[i].last && r[i].start <= r[j].last)
				want = -EINVAL;
		nr[i] = (struct m_range){r[i].start, r[i].last, 0};
	}
	for (unsigned int i = 0; i != n && !want; i++)
		if (m_reserved_intersects(io, r[i].start, r[i].last))
			want = -EADDRINUSE;
	model_log(&t.log, "ALLOW_IOVAS ioas %u: %u ranges from %#" PRIx64,
		  io->id, n, n ? (uint64_t)r[0].start : 0);
	rc = dev_ioctl(t.fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
	expect(OP_ALLOW, "ALLOW_IOVAS", rc, want);
	if (!rc) {
		memcpy(io->allowed, nr, n * sizeof(nr[0]));
		io->n_allowed = n;
	}
}

void op_reserve(void)
{
	int ioas = pick_ioas();
	struct m_ioas *io = &t.m.ioas[ioas];
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ADD_RESERVED,
		.id = io->id,
		.add_reserved = {.start = (rnd(WINDOW) & ~(M_MOCK_PAGE - 1)),
				 .length = M_PAGE * rnd(64)},
	};
	uint64_t last = cmd.add_reserved.start + cmd.add_reserved.length - 1;
	long rc, want = 0;

	if (io->n_reserved > M_RANGES - 4)
		return;
	if (!cmd.add_reserved.length)
		want = -EINVAL;
	else if (m_area_intersects(io, cmd.add_reserved.start, last) ||
		 m_allowed_intersects(io, cmd.add_reserved.start, last))
		want = -EADDRINUSE;
	model_log(&t.log, "ADD_RESERVED ioas %u %#" PRIx64 " len %#" PRIx64,
		  io->id, (uint64_t)cmd.add_reserved.start,
		  (uint64_t)cmd.add_reserved.length);
	rc = test_cmd(&cmd);
	expect(OP_RESERVE, "ADD_RESERVED", rc, want);
	if (!rc)
		io->reserved[io->n_reserved++] =
			(struct m_range){cmd.add_reserved.start, last, -1};
}

void op_huge(void)
{
	int ioas = pick_ioas();
	struct m_ioas *io = &t.m.ioas[ioas];
	bool on = pct(50);
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = IOMMU_OPTION_HUGE_PAGES,
		.op = IOMMU_OPTION_OP_SET,
		.object_id = io->id,
		.val64 = on,
	};
	long rc, want = 0;

	if (!on && !io->huge_off) {
		if (m_has_domain(&t.m, ioas) && io->n_areas)
			want = -EINVAL;
		else
			want = m_check_alignment(&t.m, ioas, M_PAGE);
	}
	model_log(&t.log, "OPTION huge pages %d on ioas %u", on, io->id);
	rc = dev_ioctl(t.fd, IOMMU_OPTION, &cmd);
	expect(OP_HUGE, "OPTION HUGE_PAGES", rc, want);
	if (!rc)
		io->huge_off = !on;
	cmd.op = IOMMU_OPTION_OP_GET;
	cmd.val64 = 7;
	if (dev_ioctl(t.fd, IOMMU_OPTION, &cmd) || cmd.val64 != !io->huge_off)
		fail("OPTION HUGE_PAGES get: %" PRIu64 ", the model %d",
		     (uint64_t)cmd.val64, !io->huge_off);
}

static int free_slot(bool used_of(int))
{
	for (int i = 0; i != 8; i++)
		if (!used_of(i))
			return i;
	return -1;
}

static bool hwpt_used(int i)
{
	return i >= M_HWPTS || t.m.hwpt[i].used;
}

static bool dev_used(int i)
{
	return i >= M_DEVS || t.m.dev[i].used;
}

static bool acc_used(int i)
{
	return i >= M_ACCESSES || t.m.acc[i].used;
}

/* The automatic HWPT a new device on the IOAS joins: the oldest, or -1 */
static int auto_hwpt(int ioas)
{
	int best = -1;

	for (int i = 0; i != M_HWPTS; i++)
		if (t.m.hwpt[i].used && t.m.hwpt[i].ioas == ioas &&
		    t.m.hwpt[i].is_auto &&
		    (best < 0 || t.m.hwpt[i].order < t.m.hwpt[best].order))
			best = i;
	return best;
}

static int random_used(bool used_of(int), int n)
{
	int k = (int)rnd((uint64_t)n);

	for (int i = 0; i != n; i++)
		if (used_of((k + i) % n))
			return (k + i) % n;
	return -1;
}

/* A mock device attached to an IOAS (automatic domain) or a HWPT */
void op_attach(void)
{
	int d = free_slot(dev_used), h = -1, ioas = pick_ioas(), target;
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MOCK_DOMAIN};
	bool new_hwpt = false;
	long rc, want = 0;

	if (d < 0)
		return;
	target = random_used(hwpt_used, M_HWPTS);
	if (target >= 0 && !t.m.hwpt[target].is_auto && pct(40)) {
		h = target;
		ioas = t.m.hwpt[h].ioas;
		cmd.id = t.m.hwpt[h].id;
	} else {
		cmd.id = t.m.ioas[ioas].id;
		h = auto_hwpt(ioas);
		if (h < 0) {
			h = free_slot(hwpt_used);
			if (h < 0)
				return;
			new_hwpt = true;
			want = m_check_add_domain(&t.m, ioas, false);
		}
	}
	model_log(&t.log, "MOCK_DOMAIN on %u", cmd.id);
	rc = test_cmd(&cmd);
	expect(OP_ATTACH, "MOCK_DOMAIN", rc, want);
	if (rc)
		return;
	if (new_hwpt) {
		t.m.hwpt[h] = (struct m_hwpt){.used = true,
					      .id = cmd.mock_domain.out_hwpt_id,
					      .ioas = ioas,
					      .is_auto = true,
					      .order = t.m.hwpt_order++};
		m_add_domain(&t.m, ioas, h);
	} else if (cmd.mock_domain.out_hwpt_id != t.m.hwpt[h].id) {
		fail("MOCK_DOMAIN attached to HWPT %u, the model says %u",
		     cmd.mock_domain.out_hwpt_id, t.m.hwpt[h].id);
	}
	t.m.hwpt[h].ndev++;
	t.m.dev[d] = (struct m_dev){.used = true,
				    .stdev = cmd.mock_domain.out_stdev_id,
				    .idev = cmd.mock_domain.out_idev_id,
				    .hwpt = h};
}

void op_hwpt_alloc(void)
{
	int d = random_used(dev_used, M_DEVS), h = free_slot(hwpt_used);
	int ioas = pick_ioas();
	struct iommu_hwpt_selftest data = {.pagetable_type = pct(30)};
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.pt_id = t.m.ioas[ioas].id,
		.data_type = IOMMU_HWPT_DATA_SELFTEST,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};
	long rc, want;

	if (d < 0 || h < 0)
		return;
	cmd.dev_id = t.m.dev[d].idev;
	want = m_check_add_domain(&t.m, ioas, data.pagetable_type);
	model_log(&t.log, "HWPT_ALLOC %s on ioas %u",
		  data.pagetable_type ? "huge" : "default", cmd.pt_id);
	rc = dev_ioctl(t.fd, IOMMU_HWPT_ALLOC, &cmd);
	expect(OP_HWPT_ALLOC, "HWPT_ALLOC", rc, want);
	if (rc)
		return;
	t.m.hwpt[h] = (struct m_hwpt){.used = true,
				      .id = cmd.out_hwpt_id,
				      .ioas = ioas,
				      .huge = data.pagetable_type,
				      .order = t.m.hwpt_order++};
	m_add_domain(&t.m, ioas, h);
}

static long destroy(uint32_t id)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	return dev_ioctl(t.fd, IOMMU_DESTROY, &cmd);
}

void op_detach(void)
{
	int d = random_used(dev_used, M_DEVS), h;

	if (d < 0)
		return;
	h = t.m.dev[d].hwpt;
	model_log(&t.log, "DESTROY mock device %u", t.m.dev[d].stdev);
	expect(OP_DETACH, "DESTROY mock device", destroy(t.m.dev[d].stdev), 0);
	t.m.dev[d].used = false;
	if (!--t.m.hwpt[h].ndev && t.m.hwpt[h].is_auto)
		m_remove_domain(&t.m, h);
}

void op_hwpt_destroy(void)
{
	int h = random_used(hwpt_used, M_HWPTS);

	if (h < 0)
		return;
	model_log(&t.log, "DESTROY hwpt %u", t.m.hwpt[h].id);
	expect(OP_HWPT_DESTROY, "DESTROY hwpt", destroy(t.m.hwpt[h].id),
	       t.m.hwpt[h].ndev ? -EBUSY : 0);
	if (!t.m.hwpt[h].ndev)
		m_remove_domain(&t.m, h);
}

void op_access_create(void)
{
	int a = free_slot(acc_used), ioas = pick_ioas();
	bool pin = pct(70);
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = t.m.ioas[ioas].id,
		.create_access =
			{.flags = pin ? MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES
				      : 0},
	};
	long rc;

	if (a < 0)
		return;
	model_log(&t.log, "CREATE_ACCESS ioas %u%s", cmd.id,
		  pin ? " (pins)" : "");
	rc = test_cmd(&cmd);
	expect(OP_ACCESS_CREATE, "CREATE_ACCESS", rc,
	       m_check_alignment(&t.m, ioas, pin ? M_PAGE : 1));
	if (rc)
		return;
	t.m.acc[a] =
		(struct m_access){.used = true,
				  .fd = (int)cmd.create_access.out_access_fd,
				  .ioas = ioas,
				  .pin = pin};
}

void op_access_close(void)
{
	int a = random_used(acc_used, M_ACCESSES);

	if (a < 0)
		return;
	model_log(&t.log, "close access %d", t.m.acc[a].fd);
	dev_close(t.m.acc[a].fd);
	counts[OP_ACCESS_CLOSE].calls++;
	t.m.acc[a].used = false;
}

/*
 * A range for an access: inside areas of its IOAS mostly, page aligned
 * pieces of them often (what pinning needs)
 */
static void pick_access_range(int ioas, uint64_t max, uint64_t *iova,
			      uint64_t *len)
{
	const struct m_ioas *io = &t.m.ioas[ioas];

	if (io->n_areas && pct(90)) {
		const struct m_area *a = &io->areas[rnd(io->n_areas)];
		uint64_t size = a->last - a->iova + 1;

		if (pct(50) && size >= M_PAGE) {
			uint64_t pages = size / M_PAGE;
			uint64_t first = rnd(pages);

			*iova = a->iova + first * M_PAGE;
			*len = M_PAGE *
			       (1 + rnd(MIN(pages - first, max / M_PAGE)));
			return;
		}
		*iova = a->iova + (pct(50) ? 0 : rnd(size));
		if (pct(60))
			*iova &= ~(M_PAGE - 1);
		*len = 1 + rnd(MIN(max, 2 * size));
		if (pct(50))
			*len = (*len + M_PAGE - 1) & ~(M_PAGE - 1);
	} else {
		*iova = rnd(WINDOW);
		*len = 1 + rnd(max);
	}
}

void op_access_pages(void)
{
	int a = random_used(acc_used, M_ACCESSES), slot = -1;

	/* Mostly through an access that can pin */
	for (int i = 0; a >= 0 && !t.m.acc[a].pin && i != M_ACCESSES && pct(90);
	     i++)
		if (t.m.acc[i].used && t.m.acc[i].pin)
			a = i;
	struct m_access *acc;
	struct m_item item = {0};
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ACCESS_PAGES};
	uint64_t iova, len, uptr = 0;
	bool write = pct(40);
	long rc, want;

	if (a < 0)
		return;
	acc = &t.m.acc[a];
	for (int i = 0; i != M_ITEMS && slot < 0; i++)
		if (!acc->items[i].used)
			slot = i;
	if (slot < 0)
		return;
	pick_access_range(acc->ioas, 4ULL << 20, &iova, &len);
	if (!acc->pin)
		want = -EOPNOTSUPP;
	else
		want = m_access_check(&t.m, acc->ioas, iova, iova + len - 1,
				      true, write, &item);
	if (!want) {
		/*
		 * The test checks the pages against user memory, linearly:
		 * possible when one area holds the range
		 */
		unsigned int i = m_area_search(&t.m.ioas[acc->ioas], iova);
		const struct m_area *ar = &t.m.ioas[acc->ioas].areas[i];

		if (iova + len - 1 <= ar->last)
			uptr = m_pages_va(&t.m, ar->pages,
					  ar->start_byte + (iova - ar->iova));
	}
	cmd.id = (uint32_t)acc->fd;
	cmd.access_pages.flags = write ? MOCK_FLAGS_ACCESS_WRITE : 0;
	cmd.access_pages.iova = iova;
	cmd.access_pages.length = len;
	cmd.access_pages.uptr = uptr;
	model_log(&t.log,
		  "ACCESS_PAGES access %d %#" PRIx64 " len %#" PRIx64 "%s",
		  acc->fd, iova, len, write ? " write" : "");
	rc = test_cmd(&cmd);
	expect(OP_ACCESS_PAGES, "ACCESS_PAGES", rc, want);
	if (rc)
		return;
	item.used = true;
	item.id = cmd.access_pages.out_access_pages_id;
	item.iova = iova;
	item.len = len;
	acc->items[slot] = item;
}

void op_access_unpin(void)
{
	int a = random_used(acc_used, M_ACCESSES), i;
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES};
	struct m_access *acc;
	long want = -ENOENT;

	if (a < 0)
		return;
	acc = &t.m.acc[a];
	i = (int)rnd(M_ITEMS);
	for (int k = 0; k != M_ITEMS && pct(80) && !acc->items[i].used; k++)
		i = (i + 1) % M_ITEMS;
	cmd.id = (uint32_t)acc->fd;
	cmd.destroy_access_pages.access_pages_id =
		acc->items[i].used ? acc->items[i].id : 1000 + (uint32_t)rnd(9);
	if (acc->items[i].used)
		want = 0;
	model_log(&t.log, "DESTROY_ACCESS_PAGES access %d item %u", acc->fd,
		  cmd.destroy_access_pages.access_pages_id);
	expect(OP_ACCESS_UNPIN, "DESTROY_ACCESS_PAGES", test_cmd(&cmd), want);
	acc->items[i].used = false;
}

/* Where the byte at iova of an IOAS lives, by the model */
static unsigned char *byte_at(int ioas, uint64_t iova)
{
	const struct m_ioas *io = &t.m.ioas[ioas];
	const struct m_area *a = &io->areas[m_area_search(io, iova)];

	return (unsigned char *)(uintptr_t)m_pages_va(
		&t.m, a->pages, a->start_byte + (iova - a->iova));
}

void op_access_rw(void)
{
	int a = random_used(acc_used, M_ACCESSES);
	static unsigned char buf[RW_MAX];
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ACCESS_RW};
	struct m_item item;
	bool write = pct(50);
	uint64_t iova, len;
	long rc, want;

	if (a < 0)
		return;
	pick_access_range(t.m.acc[a].ioas, RW_MAX, &iova, &len);
	want = m_access_check(&t.m, t.m.acc[a].ioas, iova, iova + len - 1,
			      false, write, &item);
	for (uint64_t i = 0; i != len; i++)
		buf[i] = (unsigned char)rng_next(&t.rng);
	cmd.id = (uint32_t)t.m.acc[a].fd;
	cmd.access_rw.iova = iova;
	cmd.access_rw.length = len;
	cmd.access_rw.uptr = (uintptr_t)buf;
	cmd.access_rw.flags = (write ? MOCK_ACCESS_RW_WRITE : 0) |
			      (pct(30) ? MOCK_ACCESS_RW_SLOW_PATH : 0);
	model_log(&t.log,
		  "ACCESS_RW access %d %#" PRIx64 " len %#" PRIx64 " %s",
		  t.m.acc[a].fd, iova, len, write ? "write" : "read");
	rc = test_cmd(&cmd);
	expect(OP_ACCESS_RW, "ACCESS_RW", rc, want);
	for (uint64_t i = 0; !rc && i != len; i++)
		if (*byte_at(t.m.acc[a].ioas, iova + i) != buf[i])
			fail("ACCESS_RW %s: byte %#" PRIx64
			     " is %#x in memory, "
			     "%#x through the access",
			     write ? "write" : "read", iova + i,
			     *byte_at(t.m.acc[a].ioas, iova + i), buf[i]);
}
