// SPDX-License-Identifier: MIT
/*
 * Concurrency stress: many threads on one iommufd context, then one context
 * per thread.
 *
 * Phase 1: N threads share one context. It holds a source IOAS (a buffer
 * mapped once, pinned whole by a "holder" access) and NSHARED shared IOASes
 * (kept busy by holder accesses). Each thread owns a window of IOVA in each
 * shared IOAS and, chosen at random, maps and unmaps its own ranges, unmaps
 * ranges nobody ever maps, copies from the source IOAS into its window,
 * asks for the IOVA ranges, allocates and destroys private IOASes, tries to
 * destroy the shared ones, creates and closes accesses, pins and unpins its
 * own pages, reads and writes through accesses, and pins and reads the
 * "race" ranges of other threads while their owners map and unmap them.
 *
 * Every answer is checked against the kernel's semantics. Only outcomes
 * that do not depend on the interleaving are checked exactly; an operation
 * racing with another thread's unmap is checked against the set of answers
 * the kernel may give. No check depends on timing.
 *
 * At the end the context is unmapped whole (the length must be what the
 * threads left mapped) and IOMMU_TEST_OP_MD_CHECK_REFS shows that no page
 * stays pinned.
 *
 * Phase 2: the same work, with one context per thread; half the threads
 * clean up, the other half just close everything with objects, mappings and
 * pins still inside.
 *
 * Environment: UIOMMUFD_STRESS_THREADS (default 8), UIOMMUFD_STRESS_SECONDS
 * (default 2, the first phase; the second takes half of it).
 *
 * The ops/s summary is not a benchmark: each operation is several ioctls,
 * and the test-only checks (MD_CHECK_REFS, the page check of ACCESS_PAGES)
 * cost far more than the map and unmap paths they verify.
 */
#include "concurrency.h"

static const char *const op_names[OP_MAX] = {
	[OP_MAP] = "map own (or EEXIST)",
	[OP_UNMAP] = "unmap own (or ENOENT)",
	[OP_UNMAP_NEVER] = "unmap/copy/pin unmapped",
	[OP_MAP_ALLOC] = "map at allocated IOVA",
	[OP_COPY] = "IOAS_COPY + pin + read",
	[OP_RANGES] = "IOVA_RANGES",
	[OP_PRIV_IOAS] = "private IOAS lifecycle",
	[OP_DESTROY_BUSY] = "destroy shared (EBUSY)",
	[OP_ACCESS_CYCLE] = "access create/close",
	[OP_PIN_OWN] = "pin own + unpin/unmap",
	[OP_RW_OWN] = "ACCESS_RW own",
	[OP_RW_SRC] = "ACCESS_RW source",
	[OP_RACE_TOGGLE] = "race range map/unmap",
	[OP_RACE_PIN] = "pin racing range",
	[OP_RACE_RW] = "read racing range",
	[OP_MAP_FILE] = "MAP_FILE memfd",
};

size_t psz;
size_t slot_len;
static size_t scratch_len; /* two copies of the largest transfer */
static atomic_uint failures;
static atomic_bool stop;
static int phase;

void fail(struct worker *w, int line, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&failures, 1) >= 30)
		return;
	fprintf(stderr, "FAIL phase %d thread %d line %d: ", phase,
		w ? (int)w->tid : -1, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

const char *ename(long rc)
{
	static __thread char buf[32];
	const char *n;

	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "%ld", rc);
		return buf;
	}
	n = strerrorname_np((int)-rc);
	return n ? n : "?";
}

/* ------------------------------------------------------------------ */
/* Contexts and workers                                                */

static void worker_init(struct worker *w, unsigned int tid, unsigned int idx,
			struct ctx *c)
{
	memset(w, 0, sizeof(*w));
	w->tid = tid;
	w->idx = idx;
	w->ctx = c;
	w->rng = 0x9e3779b97f4a7c15ULL * (tid + 1) + (uint64_t)phase;
	w->own = map_anon(NSHARED * NSLOTS * slot_len);
	w->race = map_anon(NSHARED * slot_len);
	w->priv = map_anon(slot_len);
	w->scratch = map_anon(scratch_len);
	fill(w->own, NSHARED * NSLOTS * slot_len, 0x11000000 + tid);
	fill(w->race, NSHARED * slot_len, 0x22000000 + tid);
	fill(w->priv, slot_len, 0x33000000 + tid);
	w->memfd = memfd_create("stress", MFD_CLOEXEC);
	if (w->memfd < 0 || ftruncate(w->memfd, NSHARED * slot_len)) {
		perror("memfd");
		exit(1);
	}
	w->file_view = mmap(NULL, NSHARED * slot_len, PROT_READ | PROT_WRITE,
			    MAP_SHARED, w->memfd, 0);
	if (w->file_view == MAP_FAILED) {
		perror("mmap memfd");
		exit(1);
	}
}

/* Every page the worker ever handed to the engine */
static void worker_check_unpinned(struct worker *w, int fd)
{
	EXPECT(w, check_refs(fd, w->own, NSHARED * NSLOTS * slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->race, NSHARED * slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->priv, slot_len, 0), 0);
	EXPECT(w, check_refs(fd, w->file_view, NSHARED * slot_len, 0), 0);
}

static void worker_free(struct worker *w)
{
	munmap(w->own, NSHARED * NSLOTS * slot_len);
	munmap(w->race, NSHARED * slot_len);
	munmap(w->priv, slot_len);
	munmap(w->scratch, scratch_len);
	munmap(w->file_view, NSHARED * slot_len);
	close(w->memfd);
}

static void worker_open_accesses(struct worker *w)
{
	struct ctx *c = w->ctx;
	long afd;

	for (int s = 0; s != NSHARED; s++) {
		afd = access_create(c->fd, c->ioas[s],
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
		CHECK_W(w, afd >= 0);
		w->acc[s] = (int)afd;
	}
	afd = access_create(c->fd, c->src_ioas, 0);
	CHECK_W(w, afd >= 0);
	w->acc_src = (int)afd;
}

static void worker_close_accesses(struct worker *w)
{
	for (int s = 0; s != NSHARED; s++)
		EXPECT(w, uiommufd_close(w->acc[s]), 0);
	EXPECT(w, uiommufd_close(w->acc_src), 0);
}

static int ctx_open(struct ctx *c, unsigned int nworkers,
		    struct worker **workers)
{
	uint64_t iova = SRC_IOVA;
	uint32_t item;
	long afd;

	memset(c, 0, sizeof(*c));
	c->nworkers = nworkers;
	c->workers = workers;
	c->src_buf = map_anon(SRC_PAGES * psz);
	fill(c->src_buf, SRC_PAGES * psz, 0x44000000);
	c->fd = uiommufd_open(O_CLOEXEC);
	if (!CHECK_W(NULL, c->fd >= 0))
		return -1;
	EXPECT(NULL, ioas_alloc_id(c->fd, &c->src_ioas), 0);
	for (int s = 0; s != NSHARED; s++) {
		EXPECT(NULL, ioas_alloc_id(c->fd, &c->ioas[s]), 0);
		afd = access_create(c->fd, c->ioas[s],
				    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
		CHECK_W(NULL, afd >= 0);
		c->holder[s] = (int)afd;
	}
	EXPECT(NULL,
	       ioas_map(c->fd, c->src_ioas, c->src_buf, SRC_PAGES * psz, &iova,
			IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA),
	       0);
	afd = access_create(c->fd, c->src_ioas,
			    MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	CHECK_W(NULL, afd >= 0);
	c->holder_src = (int)afd;
	EXPECT(NULL,
	       access_pages(c->fd, c->holder_src, SRC_IOVA, SRC_PAGES * psz,
			    c->src_buf, false, &c->holder_item),
	       0);
	EXPECT(NULL, check_refs(c->fd, c->src_buf, SRC_PAGES * psz, 1), 0);
	/* The source is read-only */
	EXPECT(NULL,
	       access_pages(c->fd, c->holder_src, SRC_IOVA, psz, NULL, true,
			    &item),
	       -EPERM);
	return 0;
}

/*
 * Unmap everything: the lengths must be what the workers left mapped, and
 * after it nothing may stay pinned. Then close every object.
 */
static void ctx_finish(struct ctx *c)
{
	struct worker *w0 = c->nworkers == 1 ? c->workers[0] : NULL;
	int fd = c->fd;

	/* Copies and pins of the source shared its single pin */
	EXPECT(w0, check_refs(fd, c->src_buf, SRC_PAGES * psz, 1), 0);

	for (int s = 0; s != NSHARED; s++) {
		long expect = 0;

		for (unsigned int n = 0; n != c->nworkers; n++) {
			struct worker *w = c->workers[n];

			for (int i = 0; i != NSLOTS; i++)
				expect += w->own_mapped[s][i] * slot_len;
			expect += w->race_mapped[s] * slot_len;
			expect += w->file_mapped[s] * slot_len;
		}
		EXPECT(w0, unmap_len(fd, c->ioas[s], 0, UINT64_MAX), expect);
		EXPECT(w0, unmap_len(fd, c->ioas[s], 0, UINT64_MAX), 0);
	}
	/* The holder's pin goes with the unmap */
	EXPECT(w0, unmap_len(fd, c->src_ioas, 0, UINT64_MAX),
	       (long)(SRC_PAGES * psz));
	EXPECT(w0, unpin(fd, c->holder_src, c->holder_item), -ENOENT);
	EXPECT(w0, check_refs(fd, c->src_buf, SRC_PAGES * psz, 0), 0);

	for (unsigned int n = 0; n != c->nworkers; n++) {
		struct worker *w = c->workers[n];

		worker_check_unpinned(w, fd);
		/* The unmaps released every pin the worker still held */
		while (w->npins) {
			EXPECT(w,
			       unpin(fd, w->acc[w->pins[0].s], w->pins[0].item),
			       -ENOENT);
			w->pins[0] = w->pins[--w->npins];
		}
		worker_close_accesses(w);
	}

	for (int s = 0; s != NSHARED; s++) {
		EXPECT(w0, destroy(fd, c->ioas[s]), -EBUSY);
		EXPECT(w0, uiommufd_close(c->holder[s]), 0);
		EXPECT(w0, destroy(fd, c->ioas[s]), 0);
		EXPECT(w0, destroy(fd, c->ioas[s]), -ENOENT);
	}
	EXPECT(w0, uiommufd_close(c->holder_src), 0);
	EXPECT(w0, destroy(fd, c->src_ioas), 0);
	/*
	 * Not closed twice to see EBADF: in phase 2 another thread may
	 * already have been given the same descriptor number.
	 */
	EXPECT(w0, uiommufd_close(fd), 0);
}

/* Phase 2's other ending: close with everything still inside */
static void ctx_abandon(struct ctx *c)
{
	EXPECT(c->workers[0], uiommufd_close(c->fd), 0);
	/* The accesses keep the context alive until they go */
	for (unsigned int n = 0; n != c->nworkers; n++)
		worker_close_accesses(c->workers[n]);
	for (int s = 0; s != NSHARED; s++)
		EXPECT(c->workers[0], uiommufd_close(c->holder[s]), 0);
	EXPECT(c->workers[0], uiommufd_close(c->holder_src), 0);
}

static void ctx_free(struct ctx *c)
{
	munmap(c->src_buf, SRC_PAGES * psz);
}

static void run_ops(struct worker *w)
{
	int fd = w->ctx->fd;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		enum op op = rnd_below(w, OP_MAX);

		ops[op](w, fd);
		w->ops[op]++;
	}
}

static void *phase1_thread(void *arg)
{
	run_ops(arg);
	return NULL;
}

static void *phase2_thread(void *arg)
{
	struct worker *w = arg;
	struct worker **self = w->ctx->workers;

	/* Its own context, opened and closed while the others run */
	if (ctx_open(w->ctx, 1, self) == 0) {
		worker_open_accesses(w);
		run_ops(w);
		if (w->abandon)
			ctx_abandon(w->ctx);
		else
			ctx_finish(w->ctx);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_for(double secs)
{
	struct timespec ts = {.tv_sec = (time_t)secs,
			      .tv_nsec = (long)((secs - (time_t)secs) * 1e9)};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void summary(const char *title, struct worker *ws, unsigned int n,
		    double secs)
{
	uint64_t total = 0;

	printf("%s: %u threads, %.2f s\n", title, n, secs);
	for (int op = 0; op != OP_MAX; op++) {
		uint64_t sum = 0;

		for (unsigned int t = 0; t != n; t++)
			sum += ws[t].ops[op];
		total += sum;
		printf("  %-26s %9llu ops %11.0f ops/s\n", op_names[op],
		       (unsigned long long)sum, sum / secs);
	}
	printf("  %-26s %9llu ops %11.0f ops/s\n", "total",
	       (unsigned long long)total, total / secs);

	/* Not checked: only shows that the races happened */
	for (int k = 0; k != 3; k++) {
		static const char *const what[] = {"pin", "read", "unpin"};
		uint64_t r[3] = {};

		for (unsigned int t = 0; t != n; t++)
			for (int j = 0; j != 3; j++)
				r[j] += k == 0	 ? ws[t].race_pin[j]
					: k == 1 ? ws[t].race_rw[j]
						 : ws[t].race_unpin[j];
		printf("  racing %-5s: %llu ok, %llu ENOENT, %llu EINVAL\n",
		       what[k], (unsigned long long)r[0],
		       (unsigned long long)r[1], (unsigned long long)r[2]);
	}
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static double env_d(const char *name, double def)
{
	const char *v = getenv(name);

	return v && *v ? strtod(v, NULL) : def;
}

int main(void)
{
	unsigned int n = (unsigned int)env_ul("UIOMMUFD_STRESS_THREADS", 8);
	double secs = env_d("UIOMMUFD_STRESS_SECONDS", 2.0), t0, t1;
	struct worker *ws, **wp;
	struct ctx shared, *ctxs;
	int fd;

	psz = (size_t)sysconf(_SC_PAGESIZE);
	slot_len = SLOT_PAGES * psz;
	scratch_len = 2 * SRC_PAGES * psz;
	if (n < 1 || n > 256 || secs <= 0) {
		fprintf(stderr, "bad UIOMMUFD_STRESS_THREADS/SECONDS\n");
		return 2;
	}
	ws = calloc(n, sizeof(*ws));
	wp = calloc(n, sizeof(*wp));
	ctxs = calloc(n, sizeof(*ctxs));
	if (!ws || !wp || !ctxs)
		return 1;

	/* Phase 1: one context, n threads */
	phase = 1;
	for (unsigned int t = 0; t != n; t++) {
		worker_init(&ws[t], t, t, &shared);
		wp[t] = &ws[t];
	}
	if (ctx_open(&shared, n, wp))
		return 1;
	for (unsigned int t = 0; t != n; t++)
		worker_open_accesses(&ws[t]);
	atomic_store(&stop, false);
	t0 = now();
	for (unsigned int t = 0; t != n; t++)
		if (pthread_create(&ws[t].thread, NULL, phase1_thread, &ws[t]))
			return 1;
	sleep_for(secs);
	atomic_store(&stop, true);
	for (unsigned int t = 0; t != n; t++)
		pthread_join(ws[t].thread, NULL);
	t1 = now();
	ctx_finish(&shared);
	ctx_free(&shared);
	summary("phase 1 (one shared context)", ws, n, t1 - t0);
	for (unsigned int t = 0; t != n; t++)
		worker_free(&ws[t]);

	/* Phase 2: a context per thread */
	phase = 2;
	for (unsigned int t = 0; t != n; t++) {
		worker_init(&ws[t], t, 0, &ctxs[t]);
		ws[t].abandon = t % 2;
		wp[t] = &ws[t];
		ctxs[t].workers = &wp[t];
	}
	atomic_store(&stop, false);
	t0 = now();
	for (unsigned int t = 0; t != n; t++)
		if (pthread_create(&ws[t].thread, NULL, phase2_thread, &ws[t]))
			return 1;
	sleep_for(secs / 2);
	atomic_store(&stop, true);
	for (unsigned int t = 0; t != n; t++)
		pthread_join(ws[t].thread, NULL);
	t1 = now();
	summary("phase 2 (a context per thread)", ws, n, t1 - t0);

	/* Whatever way the contexts went, nothing stays pinned */
	fd = uiommufd_open(O_CLOEXEC);
	if (CHECK_W(NULL, fd >= 0)) {
		for (unsigned int t = 0; t != n; t++) {
			worker_check_unpinned(&ws[t], fd);
			EXPECT(&ws[t],
			       check_refs(fd, ctxs[t].src_buf, SRC_PAGES * psz,
					  0),
			       0);
		}
		EXPECT(NULL, uiommufd_close(fd), 0);
	}
	for (unsigned int t = 0; t != n; t++) {
		ctx_free(&ctxs[t]);
		worker_free(&ws[t]);
	}
	free(ctxs);
	free(wp);
	free(ws);

	if (atomic_load(&failures)) {
		printf("FAILED: %u check(s)\n", atomic_load(&failures));
		return 1;
	}
	printf("all checks passed\n");
	return 0;
}
