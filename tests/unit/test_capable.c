// SPDX-License-Identifier: MIT
/*
 * ufd_capable() (src/lib/sys.c) and its per-thread cache of "capable of
 * nothing": the cache must make no thread capable and no capable thread
 * incapable, and must be used once a thread's permitted set is empty.
 *
 *  - a thread with capabilities keeps them, however often it asks, and
 *    after another thread of the process dropped all of its own;
 *  - a thread that cleared only its effective set (permitted kept) is
 *    incapable, and capable again once it raises them: nothing cached;
 *  - a thread that cleared its permitted set is incapable, and asks the
 *    kernel no more (a seccomp filter makes capget() fail with a mark in
 *    errno: the mark must not appear);
 *  - a process that then enters a new user namespace, where capget()
 *    shows every capability, is still incapable, as the kernel's own
 *    capable() answers there (mlock() past RLIMIT_MEMLOCK needs
 *    CAP_IPC_LOCK in the initial namespace).
 *
 * The parts that need capabilities to drop are skipped without them.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/check.h"

#include "../../src/lib/util.h"

/* The errno the seccomp filter gives capget(): no real call returns it */
#define CAPGET_MARK EHWPOISON

struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return (int)syscall(SYS_capget, &c->hdr, c->data);
}

static int caps_set(struct caps *c)
{
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c->hdr.pid = 0;
	return (int)syscall(SYS_capset, &c->hdr, c->data);
}

static bool has_effective(const struct caps *c, int cap)
{
	return c->data[cap / 32].effective & (1u << (cap % 32));
}

/* Clear this thread's effective set, and its permitted one if @all */
static int caps_drop(bool all)
{
	struct caps c;

	if (caps_get(&c))
		return -1;
	for (unsigned int i = 0; i != _LINUX_CAPABILITY_U32S_3; i++) {
		c.data[i].effective = 0;
		if (all)
			c.data[i].permitted = c.data[i].inheritable = 0;
	}
	return caps_set(&c);
}

/* capget() of this thread fails with CAPGET_MARK from now on */
static int capget_mark(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_capget, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | CAPGET_MARK),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	/* Without SECCOMP_FILTER_FLAG_TSYNC: this thread only */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void *effective_only(void *arg)
{
	(void)arg;
	REQUIRE(!caps_drop(false));
	CHECK(!ufd_capable(CAP_IPC_LOCK));
	CHECK(!ufd_capable(CAP_IPC_LOCK));
	{
		struct caps c;

		/* Raise the effective set back from the permitted one */
		REQUIRE(!caps_get(&c));
		for (unsigned int i = 0; i != _LINUX_CAPABILITY_U32S_3; i++)
			c.data[i].effective = c.data[i].permitted;
		REQUIRE(!caps_set(&c));
	}
	CHECK(ufd_capable(CAP_IPC_LOCK));
	return NULL;
}

static void *drop_all(void *arg)
{
	(void)arg;
	REQUIRE(!caps_drop(true));
	CHECK(!ufd_capable(CAP_IPC_LOCK));
	REQUIRE(!capget_mark());
	{
		struct caps c;

		/* The filter works: a real capget() now fails with the mark */
		errno = 0;
		CHECK(caps_get(&c) == -1 && errno == CAPGET_MARK);
	}
	errno = 0;
	CHECK(!ufd_capable(CAP_IPC_LOCK));
	CHECK(!ufd_capable(CAP_SYS_RAWIO));
	/* Answered from the cache: capget() was not called */
	CHECK(errno != CAPGET_MARK);
	return NULL;
}

static void run_thread(void *(*fn)(void *))
{
	pthread_t t;

	REQUIRE(!pthread_create(&t, NULL, fn, NULL));
	REQUIRE(!pthread_join(t, NULL));
}

/*
 * In a child: cache "incapable", then enter a new user namespace.
 * Exit 0 when ufd_capable() agrees with the kernel there, 77 when user
 * namespaces cannot be made here; otherwise the step that went wrong.
 */
static int userns_child(void)
{
	struct rlimit zero = {0, 0};
	struct caps c;
	void *page;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || setrlimit(RLIMIT_MEMLOCK, &zero) ||
	    caps_drop(true) || ufd_capable(CAP_IPC_LOCK))
		return 2;
	if (unshare(CLONE_NEWUSER))
		return 77;
	/* capget() shows every capability of the new namespace... */
	if (caps_get(&c) || !has_effective(&c, CAP_IPC_LOCK))
		return 77;
	/*
	 * ...but the kernel's capable() asks about the initial one (the
	 * system call itself: the sanitizers' mlock() does nothing)
	 */
	if (!syscall(SYS_mlock, page, 4096) || errno != EPERM)
		return 3;
	return ufd_capable(CAP_IPC_LOCK) ? 1 : 0;
}

static void check_userns(void)
{
	int status, rc;
	pid_t pid = fork();

	REQUIRE(pid >= 0);
	if (!pid)
		_exit(userns_child());
	REQUIRE(waitpid(pid, &status, 0) == pid);
	REQUIRE(WIFEXITED(status));
	rc = WEXITSTATUS(status);
	if (rc == 77)
		fprintf(stderr, "test_capable: no user namespace: skipped\n");
	else if (rc)
		fprintf(stderr, "test_capable: user namespace child: step %d\n",
			rc);
	CHECK(rc == 0 || rc == 77);
}

int main(void)
{
	struct caps c;

	REQUIRE(!caps_get(&c));
	if (!has_effective(&c, CAP_IPC_LOCK)) {
		/* Nothing to drop: at least the answer must be right */
		CHECK(!ufd_capable(CAP_IPC_LOCK));
		fprintf(stderr, "test_capable: not privileged: skipped\n");
		return check_failures ? 1 : 77;
	}
	/* Before any thread exists: fork() under ThreadSanitizer */
	check_userns();
	for (int i = 0; i != 3; i++)
		CHECK(ufd_capable(CAP_IPC_LOCK));
	run_thread(effective_only);
	run_thread(drop_all);
	/* Another thread's empty set changes nothing here */
	CHECK(ufd_capable(CAP_IPC_LOCK));
	CHECK(ufd_capable(CAP_SYS_RAWIO));
	if (check_failures)
		fprintf(stderr, "test_capable: %d checks failed\n",
			check_failures);
	return check_failures ? 1 : 0;
}
