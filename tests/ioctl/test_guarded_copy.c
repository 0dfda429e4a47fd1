// SPDX-License-Identifier: MIT
/*
 * The guarded copy (uiommufd_guard_faults()): ioctl arguments and access
 * data outside the caller's stack are copied by one instruction whose
 * fault the engine's handler turns into EFAULT. Every bad pointer here
 * must give EFAULT, as the kernel's copy_from_user() does, and never reach
 * the program's own SIGSEGV/SIGBUS handlers, which are installed for the
 * whole run (SIGBUS before the engine's handler, SIGSEGV after it) and
 * fail the test if they see a fault that is not the test's own. A thread
 * with the signals blocked must get EFAULT too (there a fault of the copy
 * would end the process). Under the sanitizers the build has no guarded
 * copy: the same answers come from the system-call copy.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/helpers.h"

/*
 * Not cmocka: its runner puts its own SIGSEGV and SIGBUS handlers in place
 * around each test with signal(), the very call the promise of
 * uiommufd_guard_faults() rules out.
 */
#define EXPECT_EQ(want, got)                                                \
	do {                                                                \
		long long w_ = (long long)(want), g_ = (long long)(got);    \
		if (w_ != g_) {                                             \
			fprintf(stderr, "%s:%d: %s: want %lld, got %lld\n", \
				__FILE__, __LINE__, #got, w_, g_);          \
			abort();                                            \
		}                                                           \
	} while (0)

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_GUARD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NO_GUARD 1
#endif
#endif

#define PG 4096UL

static atomic_int program_faults;
static sigjmp_buf recover;
static volatile sig_atomic_t recover_armed;

/* The program's handler: only the test's own deliberate fault is expected */
static void program_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)si;
	(void)ctx;
	atomic_fetch_add(&program_faults, 1);
	if (recover_armed) {
		recover_armed = 0;
		siglongjmp(recover, sig);
	}
	abort();
}

static void program_sigaction(int sig)
{
	struct sigaction act = {.sa_sigaction = program_handler,
				.sa_flags = SA_SIGINFO};

	sigemptyset(&act.sa_mask);
	if (!uiommufd_sigaction(sig, &act, NULL))
		CHECK(!sigaction(sig, &act, NULL));
}

/* Each test on a new iommufd; no fault of the engine's reaches the program */
static void run(const char *name, void (*test)(void **state))
{
	int fd = uiommufd_open(0);
	void *state = (void *)(intptr_t)fd;

	CHECK(fd >= 0);
	atomic_store(&program_faults, 0);
	test(&state);
	EXPECT_EQ(0, atomic_load(&program_faults));
	EXPECT_EQ(0, uiommufd_close(fd));
	printf("ok %s\n", name);
}

/* IOAS_ALLOC with its struct at arg, written there first */
static long ioas_alloc_at(int fd, void *arg)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	memcpy(arg, &cmd, sizeof(cmd));
	return uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)arg);
}

/* IOAS_ALLOC with a pointer that cannot be read */
static long ioas_alloc_bad(int fd, const void *arg)
{
	return uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)arg);
}

/* Pointers no mapping is behind, heap-like and beyond user space */
static void test_wild_pointers(void **state)
{
	int fd = (int)(intptr_t)*state;
	char *heap = malloc(64);
	void *bad[] = {
		(void *)0x1000,
		heap + (1UL << 40),
		(void *)0x7ffffffff000UL,
		(void *)0x800000000000UL,
		(void *)0xffff800000001000UL,
		(void *)0xffffffffff600000UL, /* the vsyscall page */
		(void *)-8L,
	};

	for (size_t i = 0; i != sizeof(bad) / sizeof(bad[0]); i++) {
		struct iommu_ioas_alloc *cmd = bad[i];

		EXPECT_EQ(-EFAULT, uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC,
						  (unsigned long)cmd));
	}
	/* A good heap pointer: the guarded copy's data is right */
	EXPECT_EQ(0, ioas_alloc_at(fd, heap));
	EXPECT_EQ(1, ((struct iommu_ioas_alloc *)heap)->out_ioas_id);
	free(heap);
}

/* A struct in, or running into, a PROT_NONE page; an answer to PROT_READ */
static void test_prot_none(void **state)
{
	int fd = (int)(intptr_t)*state;
	char *mem = map_anon(3 * PG);
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	uint32_t out_id_before;

	EXPECT_EQ(0, mprotect(mem + PG, PG, PROT_NONE));
	EXPECT_EQ(-EFAULT, ioas_alloc_bad(fd, mem + PG));
	EXPECT_EQ(-EFAULT, ioas_alloc_bad(fd, mem + PG + 100));
	/* Its first bytes readable, the rest not */
	memcpy(mem + PG - 4, &cmd, 4);
	EXPECT_EQ(-EFAULT, uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC,
					  (unsigned long)(mem + PG - 4)));
	/* Read, then the answer cannot be written: EFAULT, no IOAS left */
	memcpy(mem + 2 * PG, &cmd, sizeof(cmd));
	out_id_before =
		((struct iommu_ioas_alloc *)(mem + 2 * PG))->out_ioas_id;
	EXPECT_EQ(0, mprotect(mem + 2 * PG, PG, PROT_READ));
	EXPECT_EQ(-EFAULT, uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC,
					  (unsigned long)(mem + 2 * PG)));
	EXPECT_EQ(out_id_before,
		  ((struct iommu_ioas_alloc *)(mem + 2 * PG))->out_ioas_id);
	EXPECT_EQ(1, ioas_alloc(fd));
	EXPECT_EQ(0, munmap(mem, 3 * PG));
}

/* Memory that was there and is no more */
static void test_munmapped(void **state)
{
	int fd = (int)(intptr_t)*state;
	char *mem = map_anon(PG);

	EXPECT_EQ(0, ioas_alloc_at(fd, mem));
	EXPECT_EQ(0, munmap(mem, PG));
	EXPECT_EQ(-EFAULT,
		  uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)mem));
}

/* A shared file mapping past the end of its file: SIGBUS, not SIGSEGV */
static void test_past_eof(void **state)
{
	int fd = (int)(intptr_t)*state;
	int mfd = (int)syscall(SYS_memfd_create, "guarded", 0);
	char *mem;

	CHECK(mfd >= 0);
	EXPECT_EQ(0, ftruncate(mfd, (off_t)PG));
	mem = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(mem != MAP_FAILED);
	EXPECT_EQ(0, ioas_alloc_at(fd, mem));
	EXPECT_EQ(-EFAULT, uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC,
					  (unsigned long)(mem + PG)));
	EXPECT_EQ(0, munmap(mem, 2 * PG));
	close(mfd);
}

/* An answer array (IOVA_RANGES writes it) that is not writable */
static void test_output_array(void **state)
{
	int fd = (int)(intptr_t)*state;
	char *mem = map_anon(2 * PG);
	struct iommu_ioas_iova_ranges *cmd = (void *)mem;

	*cmd = (struct iommu_ioas_iova_ranges){
		.size = sizeof(*cmd),
		.ioas_id = ioas_alloc(fd),
		.num_iovas = 4,
		.allowed_iovas = (uintptr_t)(mem + PG),
	};
	EXPECT_EQ(0, uiommufd_ioctl(fd, IOMMU_IOAS_IOVA_RANGES,
				    (unsigned long)cmd));
	EXPECT_EQ(1, cmd->num_iovas);
	EXPECT_EQ(0, mprotect(mem + PG, PG, PROT_READ));
	cmd->num_iovas = 4;
	EXPECT_EQ(-EFAULT, uiommufd_ioctl(fd, IOMMU_IOAS_IOVA_RANGES,
					  (unsigned long)cmd));
	EXPECT_EQ(0, munmap(mem, 2 * PG));
}

struct blocked_arg {
	int fd;
	char *bad;
	long rc;
};

static void *blocked_thread(void *p)
{
	struct blocked_arg *a = p;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	CHECK(!pthread_sigmask(SIG_BLOCK, &set, NULL));
	a->rc = ioas_alloc_bad(a->fd, a->bad);
	return NULL;
}

/* With the fault signals blocked a fault would end the process */
static void test_signals_blocked(void **state)
{
	struct blocked_arg a = {.fd = (int)(intptr_t)*state};
	pthread_t t;

	a.bad = map_anon(PG);
	EXPECT_EQ(0, mprotect(a.bad, PG, PROT_NONE));
	EXPECT_EQ(0, pthread_create(&t, NULL, blocked_thread, &a));
	EXPECT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(-EFAULT, a.rc);
	EXPECT_EQ(0, munmap(a.bad, PG));
}

/* Threads copying good and bad pointers at once */
static void *racing_thread(void *p)
{
	struct blocked_arg *a = p;
	char *good = malloc(sizeof(struct iommu_ioas_alloc));

	a->rc = 0;
	for (int i = 0; i != 2000 && !a->rc; i++) {
		struct iommu_destroy d = {.size = sizeof(d)};

		if (ioas_alloc_bad(a->fd, a->bad) != -EFAULT)
			a->rc = -1;
		if (ioas_alloc_at(a->fd, good))
			a->rc = -2;
		d.id = ((struct iommu_ioas_alloc *)good)->out_ioas_id;
		if (uiommufd_ioctl(a->fd, IOMMU_DESTROY, (unsigned long)&d))
			a->rc = -3;
	}
	free(good);
	return NULL;
}

static void test_threads(void **state)
{
	struct blocked_arg a[2];
	pthread_t t[2];
	char *bad = map_anon(PG);

	EXPECT_EQ(0, mprotect(bad, PG, PROT_NONE));
	for (int i = 0; i != 2; i++) {
		a[i] = (struct blocked_arg){.fd = (int)(intptr_t)*state,
					    .bad = bad};
		EXPECT_EQ(0, pthread_create(&t[i], NULL, racing_thread, &a[i]));
	}
	for (int i = 0; i != 2; i++) {
		EXPECT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, a[i].rc);
	}
	EXPECT_EQ(0, munmap(bad, PG));
}

static long access_rw(int fd, int access, uint64_t iova, void *buf, size_t len,
		      uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access,
		.access_rw = {.iova = iova,
			      .length = len,
			      .uptr = (uintptr_t)buf,
			      .flags = flags},
	};

	return test_op(fd, &cmd);
}

/* Access data: the caller's buffer and the IOAS's memory, good and bad */
static void test_access_rw(void **state)
{
	int fd = (int)(intptr_t)*state;
	const size_t len = 16 * PG;
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_CREATE_ACCESS};
	unsigned char *mem = map_anon(len), *buf = malloc(len);
	unsigned char *bad = map_anon(PG);
	uint64_t iova = 0;
	int access;

	cmd.id = ioas_alloc(fd);
	EXPECT_EQ(0, ioas_map(fd, cmd.id, mem, len, &iova, RW));
	EXPECT_EQ(0, test_op(fd, &cmd));
	access = (int)cmd.create_access.out_access_fd;

	for (size_t i = 0; i != len; i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	EXPECT_EQ(0, access_rw(fd, access, iova + 5, buf, len - 9,
			       MOCK_ACCESS_RW_WRITE));
	CHECK(!memcmp(mem + 5, buf, len - 9));
	memset(buf, 0, len);
	EXPECT_EQ(0, access_rw(fd, access, iova + 5, buf, len - 9, 0));
	CHECK(!memcmp(mem + 5, buf, len - 9));

	EXPECT_EQ(0, mprotect(bad, PG, PROT_NONE));
	EXPECT_EQ(-EFAULT, access_rw(fd, access, iova, bad, 64, 0));
	EXPECT_EQ(-EFAULT,
		  access_rw(fd, access, iova, bad, 64, MOCK_ACCESS_RW_WRITE));
	/* The IOAS's memory itself gone: the copy faults on the pages side */
	EXPECT_EQ(0, munmap(mem, len));
	EXPECT_EQ(-EFAULT, access_rw(fd, access, iova, buf, 64, 0));
	EXPECT_EQ(-EFAULT,
		  access_rw(fd, access, iova, buf, 64, MOCK_ACCESS_RW_WRITE));
	EXPECT_EQ(0, uiommufd_close(access));
	EXPECT_EQ(0, munmap(bad, PG));
	free(buf);
}

/* The program's own faults still reach its handlers, both signals */
static void test_program_faults_chained(void **state)
{
	volatile char *none = map_anon(PG);
	int sig;

	(void)state;
	EXPECT_EQ(0, mprotect((void *)none, PG, PROT_NONE));
	recover_armed = 1;
	sig = sigsetjmp(recover, 1);
	if (!sig)
		none[0] = 1;
	EXPECT_EQ(SIGSEGV, sig);
	EXPECT_EQ(1, atomic_exchange(&program_faults, 0));
	EXPECT_EQ(0, munmap((void *)none, PG));
}

int main(void)
{
	int guard;

	/* SIGBUS: the program's action before the engine's handler */
	program_sigaction(SIGBUS);
	guard = uiommufd_guard_faults();
#ifdef NO_GUARD
	EXPECT_EQ(-EOPNOTSUPP, guard);
#else
	EXPECT_EQ(0, guard);
#endif
	/* SIGSEGV: after it, through the engine as promised */
	program_sigaction(SIGSEGV);
	run("wild_pointers", test_wild_pointers);
	run("prot_none", test_prot_none);
	run("munmapped", test_munmapped);
	run("past_eof", test_past_eof);
	run("output_array", test_output_array);
	run("signals_blocked", test_signals_blocked);
	run("threads", test_threads);
	run("access_rw", test_access_rw);
	run("program_faults_chained", test_program_faults_chained);
	return 0;
}
