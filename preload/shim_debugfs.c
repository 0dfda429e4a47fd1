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
 * The directory is <base>/uiommufd-debugfs-<pid>-XXXXXX, base being
 * $XDG_RUNTIME_DIR, $TMPDIR or /tmp; forked children share it. The process
 * that made it removes it when it exits; one left by a process that was
 * killed (or that exec'd) is removed by the next process making one once
 * that pid is gone. UIOMMUFD_FAKE_DEBUGFS=0 turns the stand-in off.
 */
#include "shim.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SHIM_DEBUGFS	    "/sys/kernel/debug"
#define SHIM_DEBUGFS_PREFIX "uiommufd-debugfs-"

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
static pid_t shim_debugfs_owner;

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

/* Remove @name under @parent and what it holds, @depth levels down */
static void shim_rmtree_at(int parent, const char *name, int depth)
{
	struct dirent *d;
	DIR *dir;
	int fd;

	fd = openat(parent, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		dir = fdopendir(fd);
		if (!dir)
			close(fd);
		while (dir && (d = readdir(dir))) {
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (unlinkat(fd, d->d_name, 0) && errno == EISDIR &&
			    depth)
				shim_rmtree_at(fd, d->d_name, depth - 1);
		}
		if (dir)
			closedir(dir);
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* Remove the stand-ins in @base left by processes that are gone */
static void shim_debugfs_sweep(const char *base)
{
	size_t len = strlen(SHIM_DEBUGFS_PREFIX);
	struct dirent *d;
	DIR *dir;

	dir = opendir(base);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char *end;
		long pid;

		if (strncmp(d->d_name, SHIM_DEBUGFS_PREFIX, len))
			continue;
		pid = strtol(d->d_name + len, &end, 10);
		if (end == d->d_name + len || *end != '-' || pid <= 0 ||
		    pid > INT_MAX || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		shim_rmtree_at(dirfd(dir), d->d_name, 1);
	}
	closedir(dir);
}

static bool shim_debugfs_write(int dfd, const struct shim_debugfs_file *f)
{
	for (; f->name; f++) {
		size_t len = strlen(f->text);
		int fd;

		fd = openat(dfd, f->name,
			    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return false;
		if (write(fd, f->text, len) != (ssize_t)len) {
			close(fd);
			return false;
		}
		close(fd);
	}
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

/*
 * Make the stand-in, once per process. Its own libc calls (the opens and
 * opendirs here) go straight to libc, as the engine's do.
 */
static void shim_debugfs_create(void)
{
	const char *bases[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"),
			       "/tmp"};
	int saved_errno = errno;
	char dir[PATH_MAX];

	shim_tls.in_engine++;
	for (size_t i = 0; i != sizeof(bases) / sizeof(bases[0]); i++) {
		if (!bases[i] || bases[i][0] != '/')
			continue;
		shim_debugfs_sweep(bases[i]);
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s%d-XXXXXX",
				     bases[i], SHIM_DEBUGFS_PREFIX,
				     (int)getpid()) >= sizeof(dir))
			continue;
		if (!mkdtemp(dir))
			continue;
		if (!shim_debugfs_fill(dir)) {
			shim_rmtree_at(AT_FDCWD, dir, 1);
			continue;
		}
		strcpy(shim_debugfs_dir, dir);
		shim_debugfs_owner = getpid();
		break;
	}
	shim_tls.in_engine--;
	errno = saved_errno;
}

/* The process that made the stand-in removes it; its children do not */
__attribute__((destructor)) static void shim_debugfs_exit(void)
{
	int saved_errno = errno;

	if (!shim_debugfs_dir[0] || shim_debugfs_owner != getpid())
		return;
	shim_tls.in_engine++;
	shim_rmtree_at(AT_FDCWD, shim_debugfs_dir, 1);
	shim_tls.in_engine--;
	shim_debugfs_dir[0] = '\0';
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
