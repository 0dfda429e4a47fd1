// SPDX-License-Identifier: MIT
/*
 * What the engine asks of the process it runs in, as the kernel asks its
 * own state: the page size, the caller's pid, uid and capabilities, and the
 * report of a broken invariant (WARN_ON).
 */
#include <linux/capability.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

unsigned long ufd_page_size = 4096;
unsigned int ufd_page_shift = 12;

__attribute__((constructor)) static void ufd_page_init(void)
{
	long sz = sysconf(_SC_PAGESIZE);

	if (sz > 0) {
		ufd_page_size = (unsigned long)sz;
		ufd_page_shift = (unsigned int)ufd_ffs_ul(ufd_page_size);
	}
}

static int cached_pid;
static unsigned int cached_uid;

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

int ufd_getpid(void)
{
	int pid = READ_ONCE(cached_pid);

	if (unlikely(!pid)) {
		ids_refresh();
		pid = READ_ONCE(cached_pid);
	}
	return pid;
}

unsigned int ufd_getuid(void)
{
	if (unlikely(!READ_ONCE(cached_pid)))
		ids_refresh();
	return READ_ONCE(cached_uid);
}

void ufd_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "uiommufd: WARN_ON(%s) at %s:%d\n", cond, file, line);
	if (getenv("UIOMMUFD_WARN_ABORT"))
		abort();
}

bool ufd_capable(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	/* capget() of pid 0 reports the calling thread, as capable() checks */
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}
