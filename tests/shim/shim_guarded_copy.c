// SPDX-License-Identifier: MIT
/*
 * An unmodified program's bad ioctl pointers under the shim, which copies
 * them with the guarded copy (uiommufd_guard_faults(), promised by the
 * shim before the first engine call):
 *
 *   uiommufd-run -- shim_guarded_copy
 *
 * The program installs its own SIGSEGV handler with sigaction() and its
 * SIGBUS one with signal() after its first ioctl; every bad pointer must
 * still be EFAULT from ioctl() and never reach them, in the main thread
 * and in one with both signals blocked, and the program's own fault must.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_GUARD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NO_GUARD 1
#endif
#endif

#define PG 4096UL

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                    \
			exit(1);                                           \
		}                                                          \
	} while (0)

static volatile sig_atomic_t faults_seen, recover_armed;
static sigjmp_buf recover;

static void on_fault(int sig)
{
	faults_seen++;
	if (recover_armed) {
		recover_armed = 0;
		siglongjmp(recover, sig);
	}
	_exit(3);
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	(void)si;
	(void)ctx;
	on_fault(sig);
}

/* IOAS_ALLOC with its struct at arg: -errno or 0 */
static int ioas_alloc_at(int fd, void *arg)
{
	return ioctl(fd, IOMMU_IOAS_ALLOC, arg) ? -errno : 0;
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

struct blocked {
	int fd;
	void *bad;
	int rc;
};

static void *blocked_thread(void *p)
{
	struct blocked *b = p;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	b->rc = ioas_alloc_at(b->fd, b->bad);
	return NULL;
}

int main(void)
{
	struct iommu_ioas_alloc first = {.size = sizeof(first)};
	struct sigaction act = {.sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO};
	struct iommu_ioas_alloc *heap = malloc(sizeof(*heap));
	int fd = open("/dev/iommu", O_RDWR);
	char *none = map(PG), *gone = map(PG), *file;
	struct blocked b;
	pthread_t t;
	int mfd;

	CHECK(fd >= 0 && heap);
	/* The first engine call: the shim has promised the guarded copy */
	CHECK(!ioctl(fd, IOMMU_IOAS_ALLOC, &first));
	sigemptyset(&act.sa_mask);
	CHECK(!sigaction(SIGSEGV, &act, NULL));
	CHECK(signal(SIGBUS, on_fault) != SIG_ERR);
#ifndef NO_GUARD
	{
		/* The engine's handler is the real one, ours is chained */
		struct {
			void *handler;
			unsigned long flags;
			void *restorer;
			unsigned long mask;
		} raw;

		CHECK(!syscall(SYS_rt_sigaction, SIGSEGV, NULL, &raw, 8));
		CHECK(raw.handler != (void *)on_segv);
		CHECK(!syscall(SYS_rt_sigaction, SIGBUS, NULL, &raw, 8));
		CHECK(raw.handler != (void *)on_fault);
	}
#endif

	CHECK(!mprotect(none, PG, PROT_NONE));
	CHECK(ioas_alloc_at(fd, none) == -EFAULT);
	CHECK(!munmap(gone, PG));
	CHECK(ioas_alloc_at(fd, gone) == -EFAULT);
	CHECK(ioas_alloc_at(fd, (void *)0x1000) == -EFAULT);
	mfd = (int)syscall(SYS_memfd_create, "guarded", 0);
	CHECK(mfd >= 0 && !ftruncate(mfd, (off_t)PG));
	file = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	CHECK(file != MAP_FAILED);
	CHECK(ioas_alloc_at(fd, file + PG) == -EFAULT);
	*heap = (struct iommu_ioas_alloc){.size = sizeof(*heap)};
	CHECK(!ioas_alloc_at(fd, heap) &&
	      heap->out_ioas_id > first.out_ioas_id);

	b = (struct blocked){.fd = fd, .bad = none};
	CHECK(!pthread_create(&t, NULL, blocked_thread, &b));
	CHECK(!pthread_join(t, NULL));
	CHECK(b.rc == -EFAULT);
	CHECK(faults_seen == 0);

	/* The program's own faults, both signals, reach its handlers */
	recover_armed = 1;
	if (!sigsetjmp(recover, 1))
		*(volatile char *)none = 1;
	recover_armed = 1;
	if (!sigsetjmp(recover, 1))
		(void)*(volatile char *)(file + PG);
	CHECK(faults_seen == 2);

	munmap(file, 2 * PG);
	close(mfd);
	munmap(none, PG);
	free(heap);
	close(fd);
	printf("ok\n");
	return 0;
}
