// SPDX-License-Identifier: MIT
/*
 * The private directory of a process: real files standing in for kernel
 * trees the shim redirects to (debugfs attributes, the sysfs of emulated
 * devices, the listing of /dev/vfio).
 *
 * It is <base>/uiommufd-<pid>-XXXXXX, base being $XDG_RUNTIME_DIR, $TMPDIR
 * or /tmp, made on first use; forked children share it. The process that
 * made it removes it when it exits; one left by a process that was killed
 * (or that exec'd) is removed by the next process making one once that pid
 * is gone. Its own libc calls go straight to libc, as the engine's do.
 */
#include "shim.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIM_PRIVATE_PREFIX "uiommufd-"
/* Deep enough for the sysfs stand-in */
#define SHIM_RMTREE_DEPTH 16

static char shim_private_dir[PATH_MAX];
static pid_t shim_private_owner;

/* Remove @name under @parent and what it holds, @depth levels down */
static void shim_rmtree_depth(int parent, const char *name, int depth)
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
				shim_rmtree_depth(fd, d->d_name, depth - 1);
		}
		if (dir)
			closedir(dir);
	}
	unlinkat(parent, name, AT_REMOVEDIR);
}

void shim_rmtree_at(int parent, const char *name)
{
	shim_rmtree_depth(parent, name, SHIM_RMTREE_DEPTH);
}

/* Remove the directories in @base left by processes that are gone */
static void shim_private_sweep(const char *base)
{
	size_t len = strlen(SHIM_PRIVATE_PREFIX);
	struct dirent *d;
	DIR *dir;

	dir = opendir(base);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char *end;
		long pid;

		if (strncmp(d->d_name, SHIM_PRIVATE_PREFIX, len))
			continue;
		pid = strtol(d->d_name + len, &end, 10);
		if (end == d->d_name + len || *end != '-' || pid <= 0 ||
		    pid > INT_MAX || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		shim_rmtree_at(dirfd(dir), d->d_name);
	}
	closedir(dir);
}

static void shim_private_create(void)
{
	const char *bases[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"),
			       "/tmp"};
	int saved_errno = errno;
	char dir[PATH_MAX];

	shim_tls.in_engine++;
	for (size_t i = 0; i != sizeof(bases) / sizeof(bases[0]); i++) {
		if (!bases[i] || bases[i][0] != '/')
			continue;
		shim_private_sweep(bases[i]);
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s%d-XXXXXX",
				     bases[i], SHIM_PRIVATE_PREFIX,
				     (int)getpid()) >= sizeof(dir))
			continue;
		if (!mkdtemp(dir))
			continue;
		strcpy(shim_private_dir, dir);
		shim_private_owner = getpid();
		break;
	}
	shim_tls.in_engine--;
	errno = saved_errno;
}

const char *shim_private_root(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, shim_private_create);
	return shim_private_dir[0] ? shim_private_dir : NULL;
}

/* The process that made the directory removes it; its children do not */
__attribute__((destructor)) static void shim_private_exit(void)
{
	int saved_errno = errno;

	if (!shim_private_dir[0] || shim_private_owner != getpid())
		return;
	shim_tls.in_engine++;
	shim_rmtree_at(AT_FDCWD, shim_private_dir);
	shim_tls.in_engine--;
	shim_private_dir[0] = '\0';
	errno = saved_errno;
}

/* Writing the stand-in files: in_engine held by the caller */

int shim_private_file(int dfd, const char *name, const char *text)
{
	size_t len = strlen(text);
	int fd;

	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

int shim_private_mkdirs(int dfd, const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdirat(dfd, buf, 0755) && errno != EEXIST)
			return -errno;
		if (!c)
			return 0;
		*p = c;
	}
}
