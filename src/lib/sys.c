// SPDX-License-Identifier: MIT
/*
 * What the engine asks of the process it runs in, as the kernel asks its
 * own state: the page size, the caller's pid, uid and capabilities, and the
 * report of a broken invariant (WARN_ON).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

unsigned long ufd_page_size = 4096;
unsigned int ufd_page_shift = 12;

/* Early: the preload shim's start-up may need it (constructor 110) */
__attribute__((constructor(105))) static void ufd_page_init(void)
{
	long sz = sysconf(_SC_PAGESIZE);

	if (sz > 0) {
		ufd_page_size = (unsigned long)sz;
		ufd_page_shift = (unsigned int)ufd_ffs_ul(ufd_page_size);
	}
}

static int cached_pid;
static unsigned int cached_uid;

/*
 * The process an ioctl is served for, when it is not this one: the owner
 * of a shared context runs a client's ioctl with the client as "current"
 * (docs/multiprocess.md). Zero pid: the calling process itself.
 */
struct ufd_caller {
	int pid;
	unsigned int uid;
};
static __thread struct ufd_caller caller
	__attribute__((tls_model("initial-exec")));

static void ids_refresh(void)
{
	WRITE_ONCE(cached_uid, (unsigned int)getuid());
	WRITE_ONCE(cached_pid, getpid());
}

static void ids_atfork_child(void)
{
	WRITE_ONCE(cached_pid, 0);
}

__attribute__((constructor)) static void ids_init(void)
{
	pthread_atfork(NULL, NULL, ids_atfork_child);
}

int ufd_selfpid(void)
{
	int pid = READ_ONCE(cached_pid);

	if (unlikely(!pid)) {
		ids_refresh();
		pid = READ_ONCE(cached_pid);
	}
	return pid;
}

int ufd_getpid(void)
{
	if (unlikely(caller.pid))
		return caller.pid;
	return ufd_selfpid();
}

unsigned int ufd_getuid(void)
{
	if (unlikely(caller.pid))
		return caller.uid;
	if (unlikely(!READ_ONCE(cached_pid)))
		ids_refresh();
	return READ_ONCE(cached_uid);
}

bool ufd_caller_is_remote(void)
{
	return caller.pid != 0;
}

void ufd_caller_set(int pid, unsigned int uid)
{
	caller.pid = pid;
	caller.uid = uid;
}

void ufd_caller_clear(void)
{
	caller.pid = 0;
}

int ufd_caller_fd_dup(int fd)
{
	int pidfd, nfd;

	if (!caller.pid) {
		nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		return nfd < 0 ? -errno : nfd;
	}
	/* The client's descriptor: the owner takes its own reference */
	pidfd = (int)syscall(SYS_pidfd_open, caller.pid, 0);
	if (pidfd < 0)
		return -EBADF;
	nfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (nfd < 0)
		nfd = errno == EBADF ? -EBADF : -EPERM;
	close(pidfd);
	return nfd;
}

bool ufd_caller_fd_is_ours(int fd)
{
	if (!caller.pid)
		return true;
	return syscall(SYS_kcmp, caller.pid, ufd_selfpid(), KCMP_FILE, fd,
		       fd) == 0;
}

void ufd_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "uiommufd: WARN_ON(%s) at %s:%d\n", cond, file, line);
	if (getenv("UIOMMUFD_WARN_ABORT"))
		abort();
}

static unsigned int experiments;
static pthread_once_t experiments_once = PTHREAD_ONCE_INIT;

static void experiments_read(void)
{
	static const struct {
		const char *name;
		enum ufd_experiment bit;
	} names[] = {{"noiommu", UFD_EXP_NOIOMMU}};
	const char *env = getenv("UIOMMUFD_EXPERIMENTAL");

	while (env && *env) {
		size_t len = strcspn(env, ",;");

		for (size_t i = 0; i != sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len &&
			    !strncmp(env, names[i].name, len))
				experiments |= names[i].bit;
		env += len + (env[len] != '\0');
	}
}

bool ufd_experimental(enum ufd_experiment what)
{
	pthread_once(&experiments_once, experiments_read);
	return experiments & what;
}

/*
 * Set once capget() showed this thread an empty permitted set: from then
 * on the thread is capable() of nothing, so ufd_capable() need not ask.
 *
 * Why that holds for the life of the thread: the permitted set bounds the
 * effective one, and nothing but execve() adds to it. capset() only moves
 * within it; the set*id calls (glibc's cross-thread setxid included) and
 * PR_SET_KEEPCAPS only drop capabilities or refill the effective set from
 * the permitted one (cap_task_fix_setuid()), whatever the uids, 0 or not;
 * an ambient capability must be in the permitted set first. execve()
 * replaces the process, this variable with it. fork() copies both the
 * thread's credentials and this variable. A thread that enters a new
 * user namespace (unshare(CLONE_NEWUSER), setns()) gets every capability
 * there, and capget() shows them, but the kernel's capable() asks about
 * the initial user namespace, where such a thread has none
 * (cap_capable()): the cached answer is the kernel's.
 *
 * Only for the calling thread itself: a client's credentials (caller.pid)
 * are another process'.
 */
static __thread bool caps_none __attribute__((tls_model("initial-exec")));

bool ufd_capable(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	bool none = true;

	if (!caller.pid && caps_none)
		return false;
	/*
	 * capget() of pid 0 reports the calling thread, as capable() checks;
	 * a client's ioctl checks the client (its main thread)
	 */
	hdr.pid = caller.pid;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	for (unsigned int i = 0; i != _LINUX_CAPABILITY_U32S_3; i++)
		none &= !data[i].permitted;
	if (!caller.pid && none)
		caps_none = true;
	return data[cap / 32].effective & (1u << (cap % 32));
}
