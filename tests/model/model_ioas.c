// SPDX-License-Identifier: MIT
/*
 * The io_pagetable through the uAPI, checked against a model.
 *
 * A random program on two IOASes of one iommufd: MAP (user memory of every
 * alignment, 2 MiB aligned buffers among them so that huge leaves form),
 * MAP_FILE of a memfd, COPY, UNMAP (exact, partial, all), ALLOW_IOVAS,
 * the test uAPI's reserved ranges, the huge pages option, mock devices
 * attached to automatic and explicitly allocated mock HWPTs (2 KiB and
 * huge-page formats), accesses pinning pages and reading and writing
 * through the IOAS. The model (ioas_model.c) predicts each call's errno,
 * the IOVA of every automatic map, and after every step:
 *  - IOMMU_IOAS_IOVA_RANGES and the IOVA alignment of both IOASes;
 *  - every area translates in every domain to the memory it maps
 *    (MD_CHECK_MAP), and IOVA beside areas and IOVA just unmapped does not;
 *  - every page of the arena and of the memfd is pinned exactly as often
 *    as the model says (MD_CHECK_REFS: once per pages object needing it);
 *  - (uiommufd only) a domain of an IOAS with nothing mapped holds no
 *    table but its root.
 *
 * Built with -DMODEL_REFKERNEL -static the same program runs on the real
 * kernel (tests/model/run-refkernel.sh): the model is checked there first.
 *
 * Options (model.h): --steps, --seed, --seeds; MODEL_CHECK_TABLES=0 leaves
 * out the table count.
 */
#include "model_ioas.h"

struct model_op_count counts[NR_OPS] = {
	[OP_MAP] = {.name = "map"},
	[OP_MAP_FILE] = {.name = "map-file"},
	[OP_COPY] = {.name = "copy"},
	[OP_UNMAP] = {.name = "unmap"},
	[OP_UNMAP_ALL] = {.name = "unmap-all"},
	[OP_ALLOW] = {.name = "allow-iovas"},
	[OP_RESERVE] = {.name = "add-reserved"},
	[OP_HUGE] = {.name = "huge-pages"},
	[OP_ATTACH] = {.name = "mock-domain"},
	[OP_HWPT_ALLOC] = {.name = "hwpt-alloc"},
	[OP_DETACH] = {.name = "destroy-device"},
	[OP_HWPT_DESTROY] = {.name = "destroy-hwpt"},
	[OP_ACCESS_CREATE] = {.name = "create-access"},
	[OP_ACCESS_CLOSE] = {.name = "close-access"},
	[OP_ACCESS_PAGES] = {.name = "access-pages"},
	[OP_ACCESS_UNPIN] = {.name = "access-unpin"},
	[OP_ACCESS_RW] = {.name = "access-rw"},
	[OP_CHECK_MAP] = {.name = "check: md-check-map"},
	[OP_CHECK_REFS] = {.name = "check: check-refs"},
	[OP_IOVA_RANGES] = {.name = "check: iova-ranges"},
	[OP_TABLES] = {.name = "check: tables"},
};

struct ioas_test t;

void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr,
		"\nMODEL MISMATCH (seed %" PRIu64 ", step %" PRIu64 "): ",
		t.seed, t.step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	model_log_print(&t.log);
	exit(1);
}

void expect(enum op_kind kind, const char *what, long rc, long want)
{
	char *line = t.log.line[(t.log.next - 1) % MODEL_LOG_LINES];
	size_t len = strlen(line);

	snprintf(line + len, MODEL_LOG_LEN - len, " = %ld", rc);
	model_count(&counts[kind], rc);
	if (rc != want)
		fail("%s returned %ld (%s), the model says %ld (%s)", what, rc,
		     strerror((int)-rc), want, strerror((int)-want));
}

long test_cmd(struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return dev_ioctl(t.fd, IOMMU_TEST_CMD, cmd);
}

/* ------------------------------------------------------------------ */
/* Memory and contexts                                                */
/* ------------------------------------------------------------------ */

/* A 2 MiB aligned mapping of len bytes (of fd when fd >= 0) */
static uint64_t map_aligned(uint64_t len, int fd)
{
	char *p = mmap(NULL, len + M_HPAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t a;

	if (p == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	a = ((uint64_t)(uintptr_t)p + M_HPAGE - 1) & ~(M_HPAGE - 1);
	if (fd < 0) {
		if (mmap((void *)(uintptr_t)a, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == MAP_FAILED)
			fail("mmap: %s", strerror(errno));
		/* Pages of a huge folio would be left out of CHECK_REFS */
		madvise((void *)(uintptr_t)a, len, MADV_NOHUGEPAGE);
	} else if (mmap((void *)(uintptr_t)a, len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
	}
	memset((void *)(uintptr_t)a, 0x5a, len);
	return a;
}

static void memory_init(void)
{
	t.mfd = memfd_create("model_ioas", MFD_CLOEXEC);
	if (t.mfd < 0 || ftruncate(t.mfd, MFD_LEN))
		fail("memfd: %s", strerror(errno));
	t.m.anon_va = map_aligned(ANON_LEN, -1);
	t.m.anon_len = ANON_LEN;
	t.m.mfd_va = map_aligned(MFD_LEN, t.mfd);
	t.m.mfd_len = MFD_LEN;
}

static void ctx_open(void)
{
	uint64_t anon_va = t.m.anon_va, mfd_va = t.m.mfd_va;

	memset(&t.m, 0, sizeof(t.m));
	t.m.anon_va = anon_va;
	t.m.anon_len = ANON_LEN;
	t.m.mfd_va = mfd_va;
	t.m.mfd_len = MFD_LEN;
	t.fd = dev_open();
	if (t.fd < 0)
		fail("open: %s", strerror(-t.fd));
	for (int i = 0; i != M_IOAS; i++) {
		struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

		if (dev_ioctl(t.fd, IOMMU_IOAS_ALLOC, &cmd))
			fail("IOAS_ALLOC");
		t.m.ioas[i].id = cmd.out_ioas_id;
	}
	model_log(&t.log, "new context, IOAS %u and %u", t.m.ioas[0].id,
		  t.m.ioas[1].id);
}

/* ------------------------------------------------------------------ */
/* Checks after every step                                            */
/* ------------------------------------------------------------------ */

static void check_iova_ranges(int ioas)
{
	struct iommu_iova_range r[M_RANGES + 1];
	struct m_range want[M_RANGES + 1];
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = t.m.ioas[ioas].id,
		.num_iovas = M_RANGES + 1,
		.allowed_iovas = (uintptr_t)r,
	};
	unsigned int n = m_iova_ranges(&t.m, ioas, want, M_RANGES + 1);
	long rc = dev_ioctl(t.fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	counts[OP_IOVA_RANGES].calls++;
	if (rc || cmd.num_iovas != n ||
	    cmd.out_iova_alignment != m_iova_alignment(&t.m, ioas))
		fail("IOVA_RANGES of ioas %u: rc %ld, %u ranges, alignment "
		     "%" PRIu64 "; the model %u ranges, alignment %" PRIu64,
		     cmd.ioas_id, rc, cmd.num_iovas,
		     (uint64_t)cmd.out_iova_alignment, n,
		     m_iova_alignment(&t.m, ioas));
	for (unsigned int i = 0; i != n; i++)
		if (r[i].start != want[i].start || r[i].last != want[i].last)
			fail("IOVA_RANGES of ioas %u: range %u is %#" PRIx64
			     "-%#" PRIx64 ", the model %#" PRIx64 "-%#" PRIx64,
			     cmd.ioas_id, i, (uint64_t)r[i].start,
			     (uint64_t)r[i].last, want[i].start, want[i].last);
}

static long check_map(uint32_t hwpt, uint64_t iova, uint64_t len, uint64_t va)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = {.iova = iova, .length = len, .uptr = va},
	};

	counts[OP_CHECK_MAP].calls++;
	return test_cmd(&cmd);
}

/* A domain must not translate iova (unless an area is there) */
static void check_hole(int h, uint64_t iova)
{
	const struct m_hwpt *hw = &t.m.hwpt[h];
	uint64_t page = hw->huge ? M_PAGE : M_MOCK_PAGE;
	long rc;

	iova &= ~(page - 1);
	if (m_area_intersects(&t.m.ioas[hw->ioas], iova, iova + page - 1))
		return;
	rc = check_map(hw->id, iova, page, t.m.anon_va);
	if (rc != -EINVAL)
		fail("HWPT %u translates IOVA %#" PRIx64 ", which is not "
		     "mapped (MD_CHECK_MAP: %ld)",
		     hw->id, iova, rc);
}

static void check_domain(int h)
{
	const struct m_ioas *io = &t.m.ioas[t.m.hwpt[h].ioas];
	uint64_t page = t.m.hwpt[h].huge ? M_PAGE : M_MOCK_PAGE;

	for (unsigned int i = 0; i != io->n_areas; i++) {
		const struct m_area *a = &io->areas[i];
		uint64_t va = m_pages_va(&t.m, a->pages, a->start_byte);
		long rc = check_map(t.m.hwpt[h].id, a->iova,
				    a->last - a->iova + 1, va);

		if (rc)
			fail("HWPT %u: area %#" PRIx64 "-%#" PRIx64
			     " does not translate to its memory (%ld)",
			     t.m.hwpt[h].id, a->iova, a->last, rc);
		if (a->iova >= page)
			check_hole(h, a->iova - page);
		check_hole(h, a->last + 1);
	}
	for (unsigned int i = 0; i != t.ngone; i++) {
		check_hole(h, t.gone[i].start);
		check_hole(h, t.gone[i].last);
		check_hole(h, t.gone[i].start + rnd(t.gone[i].last -
						    t.gone[i].start + 1));
	}
}

static long check_refs(uint64_t va, uint64_t len, unsigned int refs)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {.length = len, .uptr = va, .refs = refs},
	};

	counts[OP_CHECK_REFS].calls++;
	return dev_ioctl(t.check_fd, IOMMU_TEST_CMD, &cmd);
}

/* Pin counts of every page, in runs of equal counts */
static void check_all_refs(void)
{
	m_page_refs(&t.m, t.refs, NPHYS);
	for (uint64_t i = 0; i != NPHYS;) {
		uint64_t j = i + 1, anon = ANON_LEN / M_PAGE, va;

		while (j != NPHYS && j != anon && t.refs[j] == t.refs[i])
			j++;
		va = i < anon ? t.m.anon_va + i * M_PAGE
			      : t.m.mfd_va + (i - anon) * M_PAGE;
		if (check_refs(va, (j - i) * M_PAGE, t.refs[i])) {
			for (uint64_t k = i; k != j; k++)
				for (unsigned int r = 0; r != 8; r++)
					if (!check_refs(va + (k - i) * M_PAGE,
							M_PAGE, r))
						fail("%s page %#" PRIx64
						     " is pinned %u times, "
						     "the model says %u",
						     i < anon ? "arena"
							      : "memfd",
						     (k < anon ? k : k - anon) *
							     M_PAGE,
						     r, t.refs[i]);
			fail("pages %" PRIu64 "-%" PRIu64 ": pin count is not "
			     "%u (nor 0-7)",
			     i, j, t.refs[i]);
		}
		i = j;
	}
}

#ifndef MODEL_REFKERNEL
/* The tables of a HWPT, from the engine's description of the context */
static void hwpt_tables(uint32_t id, unsigned long *live,
			unsigned long *allocated)
{
	char *buf = NULL, *p, key[48];
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int fd[2];

	if (!f || pipe(fd))
		fail("pipe");
	if (uiommufd_dump(t.fd, fd[1]))
		fail("uiommufd_dump");
	close(fd[1]);
	for (;;) {
		char chunk[4096];
		ssize_t n = read(fd[0], chunk, sizeof(chunk));

		if (n <= 0)
			break;
		fwrite(chunk, 1, (size_t)n, f);
	}
	close(fd[0]);
	fclose(f);
	snprintf(key, sizeof(key), "object %u hwpt_paging", id);
	*live = *allocated = 0;
	p = strstr(buf, key);
	if (!p || !(p = strstr(p, " tables ")) ||
	    sscanf(p, " tables %lu/%lu", live, allocated) != 2)
		fail("no table count for HWPT %u in the description", id);
	free(buf);
}
#endif

static void check_state(void)
{
	for (int i = 0; i != M_IOAS; i++)
		check_iova_ranges(i);
	for (int h = 0; h != M_HWPTS; h++) {
		if (!t.m.hwpt[h].used)
			continue;
		check_domain(h);
#ifndef MODEL_REFKERNEL
		/* Nothing mapped: only the root table may be left */
		if (t.check_tables && !t.m.ioas[t.m.hwpt[h].ioas].n_areas) {
			unsigned long live, allocated;

			hwpt_tables(t.m.hwpt[h].id, &live, &allocated);
			counts[OP_TABLES].calls++;
			if (live != 1 || allocated != 1)
				fail("HWPT %u: nothing is mapped in its IOAS, "
				     "yet its page table has %lu tables hooked "
				     "and %lu allocated (the root alone should "
				     "be)",
				     t.m.hwpt[h].id, live, allocated);
		}
#endif
	}
	check_all_refs();
	t.ngone = 0;
}

/* ------------------------------------------------------------------ */
/* The program                                                        */
/* ------------------------------------------------------------------ */

static void step(void)
{
	unsigned int r = (unsigned int)rnd(1000);

	if (r < 220)
		op_map(false);
	else if (r < 300)
		op_map(true);
	else if (r < 360)
		op_copy();
	else if (r < 560)
		op_unmap();
	else if (r < 575)
		op_unmap_all();
	else if (r < 600)
		op_allow();
	else if (r < 620)
		op_reserve();
	else if (r < 650)
		op_huge();
	else if (r < 700)
		op_attach();
	else if (r < 730)
		op_hwpt_alloc();
	else if (r < 770)
		op_detach();
	else if (r < 790)
		op_hwpt_destroy();
	else if (r < 815)
		op_access_create();
	else if (r < 835)
		op_access_close();
	else if (r < 890)
		op_access_pages();
	else if (r < 920)
		op_access_unpin();
	else
		op_access_rw();
	check_state();
}

/* Unmap everything, then close all: every pin must be gone */
static void episode_end(void)
{
	for (int i = 0; i != M_IOAS; i++)
		do_unmap(i, 0, UINT64_MAX);
	check_state();
	for (int a = 0; a != M_ACCESSES; a++)
		if (t.m.acc[a].used)
			dev_close(t.m.acc[a].fd);
	dev_close(t.fd);
	memset(t.m.acc, 0, sizeof(t.m.acc));
	memset(t.m.hwpt, 0, sizeof(t.m.hwpt));
	for (int p = 0; p != M_PAGES; p++)
		t.m.pages[p].used = false;
	check_all_refs();
}

static void run_seed(uint64_t seed, uint64_t steps)
{
	uint64_t left = 0;

	t.rng.s = seed;
	t.seed = seed;
	for (t.step = 0; t.step != steps; t.step++) {
		if (!left) {
			if (t.step)
				episode_end();
			ctx_open();
			left = 20 + rnd(400);
			/* Domains from the start: IOVA then stays inside them
			 */
			for (int i = 0; i != 2; i++)
				if (pct(60))
					op_attach();
		}
		left--;
		step();
	}
	episode_end();
}

int main(int argc, char **argv)
{
	struct model_opts o = {.steps = 3000, .seed = 1, .seeds = 1};
	double t0 = model_now();

	model_parse(&o, &argc, argv);
	t.check_tables = model_env("MODEL_CHECK_TABLES", 1);
	memory_init();
	t.check_fd = dev_open();
	if (t.check_fd < 0)
		fail("open: %s", strerror(-t.check_fd));
	for (unsigned int i = 0; i != o.seeds; i++)
		run_seed(o.seed + i, o.steps);
	model_print_counts("model_ioas", o.steps * o.seeds, model_now() - t0,
			   counts, NR_OPS);
	return 0;
}
