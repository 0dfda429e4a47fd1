// SPDX-License-Identifier: MIT
/*
 * A stand-in for the fault injection part of debugfs.
 *
 * A program that injects faults through fail-nth first sets the kernel's
 * fault attributes in /sys/kernel/debug/failslab/ and fail_page_alloc/ (so
 * that sleeping allocations fail too, quietly); the kernel's iommufd
 * selftest runs its fail-nth tests only when it could. The engine has no
 * such knobs: every allocation and pin it makes is failable, and fail-nth
 * alone decides. The files must exist all the same, and writing the host's
 * real debugfs would reconfigure the host kernel. So /sys/kernel/debug and
 * those two directories lead to a private directory, made on first use,
 * holding the attribute files with the kernel's defaults
 * (lib/fault-inject.c, mm/failslab.c, mm/fail_page_alloc.c). Writes to them
 * are accepted and ignored. Other debugfs paths (tracing ...) stay the
 * kernel's, though listing /sys/kernel/debug shows only the stand-in.
 *
 * The stand-in is the "debugfs" directory of the process's private
 * directory (shim_private.c). UIOMMUFD_FAKE_DEBUGFS=0 turns it off.
 */
#include "shim.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIM_DEBUGFS "/sys/kernel/debug"

struct shim_debugfs_file {
	const char *name;
	const char *text;
};

/* fault_create_debugfs_attr(), FAULT_ATTR_INITIALIZER */
static const struct shim_debugfs_file shim_fault_attr[] = {
	{"probability", "0\n"},
	{"interval", "1\n"},
	{"times", "1\n"},
	{"space", "0\n"},
	{"verbose", "2\n"},
	{"verbose_ratelimit_interval_ms", "0\n"},
	{"verbose_ratelimit_burst", "10\n"},
	{"task-filter", "N\n"},
	{NULL, NULL},
};

static const struct shim_debugfs_file shim_failslab[] = {
	{"ignore-gfp-wait", "Y\n"},
	{"cache-filter", "N\n"},
	{NULL, NULL},
};

static const struct shim_debugfs_file shim_fail_page_alloc[] = {
	{"ignore-gfp-wait", "Y\n"},
	{"ignore-gfp-highmem", "Y\n"},
	{"min-order", "1\n"},
	{NULL, NULL},
};

static char shim_debugfs_dir[PATH_MAX];

/* Route test: the stand-in is on unless UIOMMUFD_FAKE_DEBUGFS=0 */
bool shim_debugfs_match(const struct shim_match *m)
{
	static int state = -1;
	int on = __atomic_load_n(&state, __ATOMIC_RELAXED);
	const char *env;

	(void)m;
	if (__builtin_expect(on < 0, 0)) {
		env = getenv("UIOMMUFD_FAKE_DEBUGFS");
		on = !env || !(env[0] == '0' && !env[1]);
		__atomic_store_n(&state, on, __ATOMIC_RELAXED);
	}
	return on;
}

static bool shim_debugfs_write(int dfd, const struct shim_debugfs_file *f)
{
	for (; f->name; f++)
		if (shim_private_file(dfd, f->name, f->text))
			return false;
	return true;
}

/* One attribute directory: the common attributes and its own */
static bool shim_debugfs_attr_dir(int top, const char *name,
				  const struct shim_debugfs_file *own)
{
	bool ok;
	int dfd;

	if (mkdirat(top, name, 0755))
		return false;
	dfd = openat(top, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	ok = shim_debugfs_write(dfd, shim_fault_attr) &&
	     shim_debugfs_write(dfd, own);
	close(dfd);
	return ok;
}

static bool shim_debugfs_fill(const char *dir)
{
	bool ok;
	int top;

	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return false;
	ok = shim_debugfs_attr_dir(top, "failslab", shim_failslab) &&
	     shim_debugfs_attr_dir(top, "fail_page_alloc",
				   shim_fail_page_alloc);
	close(top);
	return ok;
}

/* Make the stand-in, once per process */
static void shim_debugfs_create(void)
{
	const char *root = shim_private_root();
	int saved_errno = errno;
	char dir[PATH_MAX];

	if (!root || (size_t)snprintf(dir, sizeof(dir), "%s/debugfs", root) >=
			     sizeof(dir))
		return;
	shim_tls.in_engine++;
	if (!mkdir(dir, 0755) && shim_debugfs_fill(dir))
		strcpy(shim_debugfs_dir, dir);
	shim_tls.in_engine--;
	errno = saved_errno;
}

/* Route handler: where a debugfs path of the stand-in leads */
int shim_debugfs_redirect(const struct shim_match *m, char *buf, size_t size)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *rest = m->path + strlen(SHIM_DEBUGFS);

	pthread_once(&once, shim_debugfs_create);
	if (!shim_debugfs_dir[0])
		return -ENOENT; /* as if debugfs were not mounted */
	if ((size_t)snprintf(buf, size, "%s%s", shim_debugfs_dir, rest) >= size)
		return -ENAMETOOLONG;
	return 0;
}
