// SPDX-License-Identifier: MIT
/*
 * fuzz_race: libFuzzer target under ThreadSanitizer. 2-4 threads run
 * programs of map, unmap, copy, destroy, attach (replace), detach, HWPT
 * allocation, accesses and closes at once, on the shared IDs and
 * descriptors of one context. Any data race, lock-order inversion, crash
 * or WARN_ON fails the input, and so do engine files left open after the
 * context and every descriptor are closed.
 *
 * Fault queues too: requests triggered, read and answered while queues
 * close and HWPTs that report to them come and go.
 *
 * Input: the first byte gives the number of threads; the rest is cut in
 * that many equal slices, one program per thread. Each operation is one
 * byte followed by its choices, as in fuzz_ioctl. The interleaving is the
 * scheduler's, so a run is not exactly reproducible; TSan reports a race
 * whether or not it caused harm, which makes most findings repeat.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "fuzz_common.h"

#define NR_ID_SLOTS 12
#define NR_FD_SLOTS 4
#define MAX_THREADS 4

/* The IDs every thread sees: slot 0-1 IOAS, 2-3 mock devices, others free */
enum {
	SLOT_IOAS0,
	SLOT_IOAS1,
	SLOT_STDEV0,
	SLOT_STDEV1,
	SLOT_IDEV0,
	SLOT_IDEV1,
	SLOT_HWPT0,
	SLOT_HWPT1
};

struct race {
	int ctx;
	uint32_t ids[NR_ID_SLOTS];  /* atomics */
	int fds[NR_FD_SLOTS];	    /* access fds; -1: none (atomics) */
	int fault_fds[NR_FD_SLOTS]; /* fault queue fds, the same way */
	pthread_barrier_t start;
};

struct worker {
	struct race *race;
	struct fz_input in;
	pthread_t thread;
	/* per thread: the scratch of fuzz_common is shared, this is not */
	uint8_t buf[3 * 4096] __attribute__((aligned(4096)));
};

static int baseline_fds;

static long ioc(int fd, unsigned long cmd, void *arg)
{
	return uiommufd_ioctl(fd, cmd, (unsigned long)arg);
}

static uint32_t id_get(struct race *r, struct fz_input *in)
{
	return __atomic_load_n(&r->ids[fz_u8(in) % NR_ID_SLOTS],
			       __ATOMIC_RELAXED);
}

static void id_put(struct race *r, struct fz_input *in, uint32_t id)
{
	__atomic_store_n(&r->ids[fz_u8(in) % NR_ID_SLOTS], id,
			 __ATOMIC_RELAXED);
}

static uint32_t slot_id(struct race *r, unsigned int slot)
{
	return __atomic_load_n(&r->ids[slot], __ATOMIC_RELAXED);
}

/* IOVAs from a small set, so that the threads' ranges collide */
static uint64_t race_iova(struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	if (b < 0xe0)
		return MOCK_APERTURE_START + (b % 8) * 4 * FZ_PAGE;
	return MOCK_APERTURE_START + (b % 2) * FZ_HUGE;
}

static uint64_t race_len(struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	if (b < 0xf0)
		return (b % 8 + 1) * FZ_PAGE;
	return (b & 1) ? FZ_HUGE : UINT64_MAX;
}

/* Memory that stays mapped: one of the fixed regions, never the guard */
static uint64_t race_uptr(struct fz_input *in)
{
	static const enum fz_region r[] = {FZ_REG_ANON, FZ_REG_SMALL,
					   FZ_REG_MEMFD};
	uint8_t b = fz_u8(in);

	return (uintptr_t)fz_mem.base[r[b % 3]] + (b >> 2) % 8 * FZ_PAGE;
}

static long op_map(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_map cmd = {.size = sizeof(cmd)};
	uint8_t b = fz_u8(in);

	cmd.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
		    ((b & 1) ? IOMMU_IOAS_MAP_FIXED_IOVA : 0);
	cmd.ioas_id = id_get(w->race, in);
	cmd.user_va = race_uptr(in);
	cmd.length = race_len(in) % (8 * FZ_PAGE + 1);
	cmd.iova = race_iova(in);
	return ioc(w->race->ctx, IOMMU_IOAS_MAP, &cmd);
}

static long op_map_file(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_map_file cmd = {.size = sizeof(cmd)};

	cmd.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
		    IOMMU_IOAS_MAP_FIXED_IOVA;
	cmd.ioas_id = id_get(w->race, in);
	cmd.fd = fz_mem.memfd;
	cmd.start = (fz_u8(in) % 8) * FZ_PAGE;
	cmd.length = (fz_u8(in) % 8 + 1) * FZ_PAGE;
	cmd.iova = race_iova(in);
	return ioc(w->race->ctx, IOMMU_IOAS_MAP_FILE, &cmd);
}

static long op_unmap(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_unmap cmd = {.size = sizeof(cmd)};

	cmd.ioas_id = id_get(w->race, in);
	cmd.iova = race_iova(in);
	cmd.length = race_len(in);
	if (cmd.length == UINT64_MAX)
		cmd.iova = 0;
	return ioc(w->race->ctx, IOMMU_IOAS_UNMAP, &cmd);
}

static long op_copy(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_copy cmd = {.size = sizeof(cmd)};

	cmd.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
		    IOMMU_IOAS_MAP_FIXED_IOVA;
	cmd.dst_ioas_id = id_get(w->race, in);
	cmd.src_ioas_id = id_get(w->race, in);
	cmd.length = (fz_u8(in) % 4 + 1) * FZ_PAGE;
	cmd.dst_iova = race_iova(in);
	cmd.src_iova = race_iova(in);
	return ioc(w->race->ctx, IOMMU_IOAS_COPY, &cmd);
}

static long op_destroy(struct worker *w, struct fz_input *in)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd)};

	cmd.id = id_get(w->race, in);
	return ioc(w->race->ctx, IOMMU_DESTROY, &cmd);
}

static long op_ioas_alloc(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(w->race->ctx, IOMMU_IOAS_ALLOC, &cmd);

	if (!rc)
		id_put(w->race, in, cmd.out_ioas_id);
	return rc;
}

/* A new mock device attached to an IOAS or HWPT */
static long op_mock_domain(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	long rc;

	cmd.id = id_get(w->race, in);
	rc = ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
	if (!rc) {
		id_put(w->race, in, cmd.mock_domain.out_stdev_id);
		id_put(w->race, in, cmd.mock_domain.out_hwpt_id);
	}
	return rc;
}

/* Attach a mock device elsewhere: an IOAS (automatic domain) or a HWPT */
static long op_replace(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE};

	cmd.id = id_get(w->race, in);
	cmd.mock_domain_replace.pt_id = id_get(w->race, in);
	return ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
}

static long op_hwpt_alloc(struct worker *w, struct fz_input *in)
{
	struct iommu_hwpt_alloc cmd = {.size = sizeof(cmd)};
	uint8_t b = fz_u8(in);
	long rc;

	cmd.flags = (b & 1) ? IOMMU_HWPT_ALLOC_DIRTY_TRACKING : 0;
	cmd.dev_id = slot_id(w->race, (b & 2) ? SLOT_IDEV1 : SLOT_IDEV0);
	cmd.pt_id = id_get(w->race, in);
	rc = ioc(w->race->ctx, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		id_put(w->race, in, cmd.out_hwpt_id);
	return rc;
}

static long op_dirty(struct worker *w, struct fz_input *in)
{
	struct iommu_hwpt_get_dirty_bitmap get = {.size = sizeof(get)};
	struct iommu_hwpt_set_dirty_tracking set = {.size = sizeof(set)};
	uint8_t b = fz_u8(in);

	if (b & 1) {
		set.flags = (b & 2) ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0;
		set.hwpt_id = id_get(w->race, in);
		return ioc(w->race->ctx, IOMMU_HWPT_SET_DIRTY_TRACKING, &set);
	}
	get.hwpt_id = id_get(w->race, in);
	get.iova = race_iova(in);
	get.length = (fz_u8(in) % 8 + 1) * FZ_PAGE;
	get.page_size = FZ_PAGE;
	get.data = (uintptr_t)w->buf;
	return ioc(w->race->ctx, IOMMU_HWPT_GET_DIRTY_BITMAP, &get);
}

static long op_iova_ranges(struct worker *w, struct fz_input *in)
{
	struct iommu_ioas_iova_ranges cmd = {.size = sizeof(cmd)};

	cmd.ioas_id = id_get(w->race, in);
	cmd.num_iovas = 4;
	cmd.allowed_iovas = (uintptr_t)w->buf;
	return ioc(w->race->ctx, IOMMU_IOAS_IOVA_RANGES, &cmd);
}

static long op_access_create(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_CREATE_ACCESS};
	int old;
	long rc;

	cmd.id = id_get(w->race, in);
	cmd.create_access.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;
	rc = ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
	if (rc)
		return rc;
	/* The slot takes the new access; whatever it held is closed */
	old = __atomic_exchange_n(&w->race->fds[fz_u8(in) % NR_FD_SLOTS],
				  (int)cmd.create_access.out_access_fd,
				  __ATOMIC_ACQ_REL);
	if (old >= 0)
		uiommufd_close(old);
	return 0;
}

static long op_access_close(struct worker *w, struct fz_input *in)
{
	int fd = __atomic_exchange_n(&w->race->fds[fz_u8(in) % NR_FD_SLOTS], -1,
				     __ATOMIC_ACQ_REL);

	return fd < 0 ? -EBADF : uiommufd_close(fd);
}

/*
 * Access calls name the access by its descriptor, read from a slot that
 * another thread may close meanwhile: the number can then be stale or
 * reused, which the engine must take as any bad descriptor.
 */
static int access_fd(struct worker *w, struct fz_input *in)
{
	return __atomic_load_n(&w->race->fds[fz_u8(in) % NR_FD_SLOTS],
			       __ATOMIC_ACQUIRE);
}

static long op_access_rw(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_ACCESS_RW};
	uint8_t b = fz_u8(in);

	cmd.id = (uint32_t)access_fd(w, in);
	cmd.access_rw.iova = race_iova(in) + b % 64;
	cmd.access_rw.length = (b % 3 + 1) * 1000;
	cmd.access_rw.uptr = (uintptr_t)w->buf;
	cmd.access_rw.flags = ((b & 0x40) ? MOCK_ACCESS_RW_WRITE : 0) |
			      ((b & 0x80) ? MOCK_ACCESS_RW_SLOW_PATH : 0);
	return ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
}

static long op_access_pages(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_ACCESS_PAGES};
	uint8_t b = fz_u8(in);
	long rc;

	cmd.id = (uint32_t)access_fd(w, in);
	cmd.access_pages.flags = (b & 1) ? MOCK_FLAGS_ACCESS_WRITE : 0;
	cmd.access_pages.iova = race_iova(in);
	cmd.access_pages.length = (b >> 1) % 4 * FZ_PAGE + FZ_PAGE;
	rc = ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
	/* Unpin at once, or later by the access's close */
	if (!rc && (b & 0x80)) {
		cmd.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES;
		cmd.destroy_access_pages.access_pages_id =
			cmd.access_pages.out_access_pages_id;
		ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
	}
	return rc;
}

static long op_access_replace(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS};

	cmd.id = (uint32_t)access_fd(w, in);
	cmd.access_replace_ioas.ioas_id = id_get(w->race, in);
	return ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
}

static long op_check_map(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_MD_CHECK_MAP};

	cmd.id = id_get(w->race, in);
	cmd.check_map.iova = race_iova(in);
	cmd.check_map.length = FZ_PAGE;
	cmd.check_map.uptr = race_uptr(in);
	return ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
}

/* Put a new descriptor in a slot; whatever the slot held is closed */
static void fd_put(int *slots, struct fz_input *in, int fd)
{
	int old = __atomic_exchange_n(&slots[fz_u8(in) % NR_FD_SLOTS], fd,
				      __ATOMIC_ACQ_REL);

	if (old >= 0)
		uiommufd_close(old);
}

static long op_fault_alloc(struct worker *w, struct fz_input *in)
{
	struct iommu_fault_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(w->race->ctx, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (rc)
		return rc;
	id_put(w->race, in, cmd.out_fault_id);
	fd_put(w->race->fault_fds, in, (int)cmd.out_fault_fd);
	return 0;
}

static long op_fault_close(struct worker *w, struct fz_input *in)
{
	int fd = __atomic_exchange_n(
		&w->race->fault_fds[fz_u8(in) % NR_FD_SLOTS], -1,
		__ATOMIC_ACQ_REL);

	return fd < 0 ? -EBADF : uiommufd_close(fd);
}

/* A nested HWPT reporting to a fault queue, on a parent made here */
static long op_nested_fault(struct worker *w, struct fz_input *in)
{
	struct iommu_hwpt_selftest data = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_alloc cmd = {.size = sizeof(cmd)};
	uint8_t b = fz_u8(in);
	long rc;

	cmd.flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	cmd.dev_id = slot_id(w->race, (b & 1) ? SLOT_IDEV1 : SLOT_IDEV0);
	cmd.pt_id = id_get(w->race, in);
	rc = ioc(w->race->ctx, IOMMU_HWPT_ALLOC, &cmd);
	if (rc)
		return rc;
	cmd.flags = IOMMU_HWPT_FAULT_ID_VALID;
	cmd.pt_id = cmd.out_hwpt_id;
	cmd.data_type = IOMMU_HWPT_DATA_SELFTEST;
	cmd.data_len = sizeof(data);
	cmd.data_uptr = (uintptr_t)&data;
	cmd.fault_id = id_get(w->race, in);
	rc = ioc(w->race->ctx, IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		id_put(w->race, in, cmd.out_hwpt_id);
	return rc;
}

static long op_trigger_iopf(struct worker *w, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.size = sizeof(cmd),
				     .op = IOMMU_TEST_OP_TRIGGER_IOPF};
	uint8_t b = fz_u8(in);

	cmd.trigger_iopf.dev_id =
		slot_id(w->race, (b & 1) ? SLOT_IDEV1 : SLOT_IDEV0);
	cmd.trigger_iopf.pasid = (b >> 1) % 3;
	cmd.trigger_iopf.grpid = b;
	cmd.trigger_iopf.perm = IOMMU_PGFAULT_PERM_READ;
	cmd.trigger_iopf.addr = race_iova(in);
	return ioc(w->race->ctx, IOMMU_TEST_CMD, &cmd);
}

/* Read requests from a fault queue and answer them */
static long op_fault_answer(struct worker *w, struct fz_input *in)
{
	struct iommu_hwpt_pgfault *f = (void *)w->buf;
	struct iommu_hwpt_page_response resp[4];
	int fd = __atomic_load_n(&w->race->fault_fds[fz_u8(in) % NR_FD_SLOTS],
				 __ATOMIC_ACQUIRE);
	long n = uiommufd_read(fd, f, 4 * sizeof(*f));

	if (n <= 0)
		return n;
	n /= (long)sizeof(*f);
	for (long i = 0; i != n; i++) {
		resp[i].cookie = f[i].cookie;
		resp[i].code = IOMMUFD_PAGE_RESP_SUCCESS;
	}
	return uiommufd_write(fd, resp, (size_t)n * sizeof(resp[0]));
}

typedef long (*race_op)(struct worker *w, struct fz_input *in);
static const race_op race_ops[] = {
	op_map,		 op_map_file,	  op_unmap,	   op_copy,
	op_destroy,	 op_ioas_alloc,	  op_mock_domain,  op_replace,
	op_hwpt_alloc,	 op_dirty,	  op_iova_ranges,  op_access_create,
	op_access_close, op_access_rw,	  op_access_pages, op_access_replace,
	op_check_map,	 op_fault_alloc,  op_fault_close,  op_nested_fault,
	op_trigger_iopf, op_fault_answer,
};

_Static_assert(FZ_ARRAY_SIZE(race_ops) == FZ_RACE_NR_OPS,
	       "fuzz_seeds.c numbers the operations");

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&w->race->start);
	while (fz_more(&w->in))
		race_ops[fz_u8(&w->in) % FZ_ARRAY_SIZE(race_ops)](w, &w->in);
	return NULL;
}

/* The shared starting point: two IOAS with mapped memory, a device on each */
static void race_setup(struct race *r)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_test_cmd md = {.size = sizeof(md),
				    .op = IOMMU_TEST_OP_MOCK_DOMAIN};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE |
			 IOMMU_IOAS_MAP_FIXED_IOVA,
		.user_va = (uintptr_t)fz_mem.base[FZ_REG_ANON],
		.length = 8 * FZ_PAGE,
		.iova = MOCK_APERTURE_START,
	};

	r->ctx = uiommufd_open(O_CLOEXEC);
	if (r->ctx < 0)
		fz_fail("uiommufd_open: %d", r->ctx);
	for (unsigned int i = 0; i != 2; i++) {
		if (ioc(r->ctx, IOMMU_IOAS_ALLOC, &alloc))
			fz_fail("IOAS_ALLOC failed");
		r->ids[SLOT_IOAS0 + i] = alloc.out_ioas_id;
		map.ioas_id = alloc.out_ioas_id;
		if (ioc(r->ctx, IOMMU_IOAS_MAP, &map))
			fz_fail("IOAS_MAP failed");
		md.id = alloc.out_ioas_id;
		if (ioc(r->ctx, IOMMU_TEST_CMD, &md))
			fz_fail("MOCK_DOMAIN failed");
		r->ids[SLOT_STDEV0 + i] = md.mock_domain.out_stdev_id;
		r->ids[SLOT_IDEV0 + i] = md.mock_domain.out_idev_id;
		r->ids[SLOT_HWPT0 + i] = md.mock_domain.out_hwpt_id;
	}
	for (unsigned int i = 0; i != NR_FD_SLOTS; i++)
		r->fds[i] = r->fault_fds[i] = -1;
}

static void race_teardown(struct race *r)
{
	char first[320] = "";
	int n;

	for (unsigned int i = 0; i != NR_FD_SLOTS; i++) {
		if (r->fds[i] >= 0)
			uiommufd_close(r->fds[i]);
		if (r->fault_fds[i] >= 0)
			uiommufd_close(r->fault_fds[i]);
	}
	uiommufd_close(r->ctx);
	n = fz_count_engine_fds(first, sizeof(first));
	if (n != baseline_fds)
		fz_fail("%d engine descriptors open after the input, %d "
			"before it (%s)",
			n, baseline_fds, first);
}

/* Called before TSan is set up: must not be instrumented */
const char *__tsan_default_options(void);
__attribute__((disable_sanitizer_instrumentation)) const char *
__tsan_default_options(void)
{
	return "halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0";
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("UIOMMUFD_WARN_ABORT", "1", 1);
	fz_tsan_ignore_coverage();
	fz_mem_init();
	baseline_fds = fz_count_engine_fds(NULL, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct worker workers[MAX_THREADS];
	struct race race = {0};
	unsigned int n, slice;

	if (size < 2)
		return 0;
	n = 2 + data[0] % (MAX_THREADS - 1);
	slice = (unsigned int)(size - 1) / n;
	race_setup(&race);
	pthread_barrier_init(&race.start, NULL, n);
	for (unsigned int i = 0; i != n; i++) {
		workers[i].race = &race;
		workers[i].in = (struct fz_input){
			.data = data + 1 + i * slice,
			.size = i == n - 1 ? size - 1 - i * slice : slice,
		};
		if (pthread_create(&workers[i].thread, NULL, worker_main,
				   &workers[i]))
			fz_fail("pthread_create");
	}
	for (unsigned int i = 0; i != n; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_barrier_destroy(&race.start);
	race_teardown(&race);
	return 0;
}
