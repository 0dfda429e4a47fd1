// SPDX-License-Identifier: MIT
/*
 * The /proc files a program reads to watch iommufd.
 *
 * /proc/<pid>/status: the kernel shows the memory pinned for DMA as VmPin
 * and, when it is charged the VFIO way, as VmLck too. The engine keeps its
 * own counts (uiommufd_proc_counters()); opening a status file for reading
 * gives the kernel's text with the engine's share added to those two lines,
 * in a memfd. Every other byte is the kernel's. The file is read once, at
 * open: the kernel's file is generated on each read instead, which only a
 * program that rereads an open status file from the start can tell.
 *
 * fail-nth: the per-task fault injection file of CONFIG_FAULT_INJECTION.
 * Writing N makes the Nth failable call of the task fail, once; reading
 * gives the count still to go ("0\n" once it fired). The engine keeps the
 * count per thread and its file (uiommufd_fail_nth_open()) acts on the
 * thread calling read or write. The kernel's file names its task instead:
 * the two agree whenever a thread uses the file of its own task, which is
 * how fail-nth is used (the kernel's selftest, syzkaller). The engine's file
 * has no position; the shim keeps the kernel's (reads advance it, as
 * simple_read_from_buffer does; writes ignore it) in the descriptor.
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Paths under these name the calling process; others start with its pid */
static bool shim_proc_self(const char *path)
{
	return !strncmp(path, "/proc/self/", 11) ||
	       !strncmp(path, "/proc/thread-self/", 18);
}

/* The process a status or fail-nth path names */
static unsigned long shim_proc_pid(const struct shim_match *m)
{
	return shim_proc_self(m->path) ? (unsigned long)getpid() : m->args[0];
}

/* Read the rest of @fd into a new buffer */
static char *shim_read_all(int fd, size_t *len)
{
	size_t size = 4096, pos = 0;
	char *buf = malloc(size), *bigger;
	long n;

	while (buf) {
		n = syscall(SYS_read, fd, buf + pos, size - pos);
		if (n <= 0) {
			if (n == 0) {
				*len = pos;
				return buf;
			}
			if (errno == EINTR)
				continue;
			break;
		}
		pos += (size_t)n;
		if (pos < size)
			continue;
		size *= 2;
		bigger = realloc(buf, size);
		if (!bigger)
			break;
		buf = bigger;
	}
	free(buf);
	return NULL;
}

/* A line "Tag:\t<number> kB": add @kb, in the kernel's format */
static size_t shim_status_line(char *out, const char *line, size_t len,
			       const char *tag, long kb)
{
	size_t tag_len = strlen(tag);
	unsigned long v;
	char *end;

	if (!kb || len <= tag_len || strncmp(line, tag, tag_len))
		return 0;
	v = strtoul(line + tag_len, &end, 10);
	if (end == line + tag_len || strncmp(end, " kB\n", 4))
		return 0;
	v += (unsigned long)kb;
	/* seq_put_decimal_ull_width(m, " kB\nVmPin:\t", v, 8) */
	return (size_t)sprintf(out, "%s\t%8lu kB\n", tag, v);
}

/*
 * Copy the status text @in of @len into @out (with room for both lines to
 * grow), adding the engine's share; returns the new length.
 */
static size_t shim_status_adjust(char *out, const char *in, size_t len,
				 long pinned_kb, long locked_kb)
{
	const char *end = in + len;
	size_t out_len = 0;

	while (in != end) {
		const char *nl = memchr(in, '\n', (size_t)(end - in));
		size_t line = nl ? (size_t)(nl + 1 - in) : (size_t)(end - in);
		size_t n;

		n = shim_status_line(out + out_len, in, line,
				     "VmLck:", locked_kb);
		if (!n)
			n = shim_status_line(out + out_len, in, line,
					     "VmPin:", pinned_kb);
		if (!n) {
			memcpy(out + out_len, in, line);
			n = line;
		}
		out_len += n;
		in += line;
	}
	return out_len;
}

/*
 * A read-only descriptor of a new file holding @text: a memfd, reopened
 * through /proc so that it is read-only as the kernel's file is.
 */
static int shim_text_fd(const char *text, size_t len, int flags)
{
	char link[40];
	long fd, rofd;
	size_t done = 0;

	fd = syscall(SYS_memfd_create, "status", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < len) {
		long n = syscall(SYS_write, (int)fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			syscall(SYS_close, (int)fd);
			return -err;
		}
		done += (size_t)n;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	rofd = syscall(SYS_openat, AT_FDCWD, link,
		       O_RDONLY | (flags & O_CLOEXEC));
	if (rofd >= 0) {
		syscall(SYS_close, (int)fd);
		return (int)rofd;
	}
	/* No reopen: the memfd itself, at the start */
	syscall(SYS_lseek, (int)fd, 0, SEEK_SET);
	if (!(flags & O_CLOEXEC))
		syscall(SYS_fcntl, (int)fd, F_SETFD, 0);
	return (int)fd;
}

/*
 * The kernel's file at @path, read whole into *@text: 0, or 1 when the
 * open was not for reading (then *@fd is that descriptor, to return as it
 * is), or -errno. The kernel's open answers for bad flags and gone pids.
 */
static int shim_proc_read_kernel(const char *path, int flags, mode_t mode,
				 char **text, size_t *len, long *fd)
{
	int ret;

	*fd = syscall(SYS_openat, AT_FDCWD, path, flags, mode);
	if (*fd < 0)
		return -errno;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return 1;
	*text = shim_read_all((int)*fd, len);
	ret = *text ? 0 : (errno ? -errno : -ENOMEM);
	syscall(SYS_close, (int)*fd);
	return ret;
}

/* Route handler: /proc/<pid>/status and the other names of it */
int shim_proc_status_open(const struct shim_match *m, int flags, mode_t mode)
{
	long pinned_kb = 0, locked_kb = 0;
	size_t len, out_len;
	char *text, *out;
	long fd;
	int ret;

	ENGINE_CALL(uiommufd_proc_counters((pid_t)shim_proc_pid(m), &pinned_kb,
					   &locked_kb));
	/* Nothing to add: the kernel's own file */
	if (pinned_kb <= 0 && locked_kb <= 0) {
		fd = syscall(SYS_openat, AT_FDCWD, m->path, flags, mode);
		return fd < 0 ? -errno : (int)fd;
	}
	ret = shim_proc_read_kernel(m->path, flags, mode, &text, &len, &fd);
	if (ret)
		return ret > 0 ? (int)fd : ret;
	/* Each of the two lines grows by 12 bytes at most: 8 to 20 digits */
	out = malloc(len + 24);
	if (!out) {
		free(text);
		return -ENOMEM;
	}
	out_len = shim_status_adjust(out, text, len,
				     pinned_kb > 0 ? pinned_kb : 0,
				     locked_kb > 0 ? locked_kb : 0);
	ret = shim_text_fd(out, out_len, flags);
	free(out);
	free(text);
	return ret;
}

/*
 * Route test for fdinfo: the file of an engine descriptor of this process.
 * The descriptor number is the last number of the path.
 */
bool shim_fdinfo_match(const struct shim_match *m)
{
	unsigned long fd = m->args[m->nr_args - 1];

	if (!shim_proc_self(m->path) && m->args[0] != (unsigned long)getpid())
		return false;
	return fd <= INT_MAX && shim_fd_ours((int)fd);
}

/*
 * /proc/<pid>/fdinfo/<fd> of an engine descriptor: the kernel's lines for
 * the descriptor, then the engine's (uiommufd_fdinfo()).
 */
int shim_fdinfo_open(const struct shim_match *m, int flags, mode_t mode)
{
	size_t len, extra_len;
	char *text, *extra, *out;
	long fd, efd;
	int ret;

	ret = shim_proc_read_kernel(m->path, flags, mode, &text, &len, &fd);
	if (ret)
		return ret > 0 ? (int)fd : ret;
	efd = syscall(SYS_memfd_create, "fdinfo", MFD_CLOEXEC);
	if (efd < 0) {
		ret = -errno;
		goto out_free;
	}
	ENGINE_CALL(uiommufd_fdinfo((int)m->args[m->nr_args - 1], (int)efd));
	syscall(SYS_lseek, (int)efd, 0, SEEK_SET);
	extra = shim_read_all((int)efd, &extra_len);
	out = extra ? malloc(len + extra_len + 1) : NULL;
	if (!out) {
		free(extra);
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(out, text, len);
	memcpy(out + len, extra, extra_len);
	ret = shim_text_fd(out, len + extra_len, flags);
	free(out);
	free(extra);
out_free:
	if (efd >= 0)
		syscall(SYS_close, (int)efd);
	free(text);
	return ret;
}

/* Is @tid a thread of this process? */
static bool shim_tid_ours(unsigned long tid)
{
	int saved_errno = errno;
	char path[48];
	long ret;

	if (tid == (unsigned long)syscall(SYS_gettid))
		return true;
	if (tid > INT_MAX)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%lu", tid);
	ret = syscall(SYS_faccessat, AT_FDCWD, path, F_OK);
	errno = saved_errno;
	return ret == 0;
}

/*
 * Route test for fail-nth: the file of a thread of this process. Other
 * processes' files are the kernel's (their engines are not in this one).
 */
bool shim_fail_nth_match(const struct shim_match *m)
{
	unsigned int tid_arg = shim_proc_self(m->path) ? 0 : 1;

	if (!shim_proc_self(m->path) && m->args[0] != (unsigned long)getpid())
		return false;
	return m->nr_args <= tid_arg || shim_tid_ours(m->args[tid_arg]);
}

int shim_fail_nth_open(const struct shim_match *m, int flags, mode_t mode)
{
	(void)m;
	(void)mode;
	return ENGINE_CALL(uiommufd_fail_nth_open(flags & O_CLOEXEC));
}

/* stat of a file the shim serves under /proc: on procfs, as its owner */
int shim_proc_stat(const struct shim_match *m, struct statx *stx)
{
	int saved_errno = errno;
	struct statx proc;

	(void)m;
	if (!syscall(SYS_statx, AT_FDCWD, "/proc/self", 0, STATX_BASIC_STATS,
		     &proc)) {
		stx->stx_dev_major = proc.stx_dev_major;
		stx->stx_dev_minor = proc.stx_dev_minor;
		stx->stx_uid = proc.stx_uid;
		stx->stx_gid = proc.stx_gid;
		stx->stx_atime = proc.stx_ctime;
		stx->stx_mtime = proc.stx_ctime;
		stx->stx_ctime = proc.stx_ctime;
	}
	stx->stx_blksize = 1024;
	errno = saved_errno;
	return 0;
}

/*
 * read() of a fail-nth file at *@pos, or at the file position kept in the
 * descriptor when @pos is NULL. Returns the bytes read or -errno.
 */
ssize_t shim_fail_nth_read(int fd, void *buf, size_t count, const off64_t *pos)
{
	int saved_errno = errno;
	char text[32];
	off64_t at;
	ssize_t len;

	at = pos ? *pos : lseek64(fd, 0, SEEK_CUR);
	if (at < 0) {
		len = pos ? -EINVAL : -errno;
		errno = saved_errno;
		return len;
	}
	if (at == 0) {
		/* The engine copies out, and answers for a bad buffer */
		len = ENGINE_CALL(uiommufd_read(fd, buf, count));
	} else {
		len = ENGINE_CALL(uiommufd_read(fd, text, sizeof(text)));
		if (len > 0) {
			len = at < len ? len - (ssize_t)at : 0;
			if ((size_t)len > count)
				len = (ssize_t)count;
		}
		if (len > 0)
			memcpy(buf, text + at, (size_t)len);
	}
	if (len > 0 && !pos)
		lseek64(fd, at + len, SEEK_SET);
	errno = saved_errno;
	return len;
}
