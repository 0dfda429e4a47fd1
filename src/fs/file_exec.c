// SPDX-License-Identifier: MIT
/*
 * Files kept over execve() (docs/multiprocess.md).
 *
 * The kernel keeps a file across execve() unless it is close-on-exec; here
 * the engine behind it is in the memory the exec throws away. A file with
 * no state yet (an iommufd with no object, a VFIO cdev not bound: what
 * libvirt opens and hands to the QEMU it execs) loses nothing, though: the
 * new image can make the same file again on the same descriptor. Before
 * the exec, each such file describes itself in a list the new image reads
 * (UIOMMUFD_EXEC_FILES, "FD:WORDS,..."); a shareable file's engine end is
 * kept open over the exec for it, so that the descriptor stays one end of
 * the same socket pair. A file with state is not kept: its descriptor
 * reaches the new image as the bare socket or memfd it is, and gets the
 * errors of a file nobody serves.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "file.h"
#include "../lib/util.h"

#define EXEC_KEEP_MAX 64

/* Engine ends made inheritable for an exec that may yet fail */
static int exec_share_fds[EXEC_KEEP_MAX];
static unsigned int exec_nshare;

struct exec_seen {
	struct iommufd_file *file;
	int fd;
};

/* The first descriptor of the same file among those described, or -1 */
static int exec_seen_fd(const struct exec_seen *seen, unsigned int n,
			const struct iommufd_file *file)
{
	for (unsigned int i = 0; i != n; i++)
		if (seen[i].file == file)
			return seen[i].fd;
	return -1;
}

/* The words for a first descriptor of @file, or 0 if it is not kept */
static int exec_describe_file(struct iommufd_file *file, char *buf, size_t size)
{
	int len;

	/* Files of another process (a fork()ed copy, an adopted stub) */
	if (!file->ops->exec_describe || !iommufd_file_local(file))
		return 0;
	/* Another process may hold it: the socket must stay served */
	if (file->ops->shareable && (file->shared || file->share_fd < 0))
		return 0;
	len = file->ops->exec_describe(file, buf, size);
	if (len <= 0 || (size_t)len >= size)
		return 0;
	if (file->ops->shareable) {
		if (exec_nshare == EXEC_KEEP_MAX ||
		    fcntl(file->share_fd, F_SETFD, 0))
			return 0;
		exec_share_fds[exec_nshare++] = file->share_fd;
	}
	return len;
}

int iommufd_file_exec_prepare(char *buf, size_t size)
{
	struct exec_seen seen[EXEC_KEEP_MAX];
	struct iommufd_file *file;
	unsigned int nseen = 0;
	size_t len = 0;
	int fd = 0;

	if (!size)
		return -EINVAL;
	buf[0] = 0;
	/*
	 * A vfork()ed child (or one of a raw clone) shares the engine's
	 * memory with its parent: the files are the parent's to keep, and
	 * nothing here may be written
	 */
	if (ufd_selfpid() != getpid())
		return 0;
	iommufd_file_exec_failed();
	for (; (file = iommufd_file_next(&fd)); fd++) {
		char words[96], entry[128];
		int first = exec_seen_fd(seen, nseen, file);
		int n = 0;

		/* Close-on-exec descriptors go with the exec */
		if (fcntl(fd, F_GETFD) != 0)
			goto next;
		if (first >= 0) {
			n = snprintf(entry, sizeof(entry), "%d:dup:%d", fd,
				     first);
		} else if (nseen != EXEC_KEEP_MAX &&
			   exec_describe_file(file, words, sizeof(words))) {
			seen[nseen++] = (struct exec_seen){file, fd};
			n = snprintf(entry, sizeof(entry), "%d:%s", fd, words);
		}
		if (n > 0 && len + (size_t)n + 2 <= size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "," : "", entry);
	next:
		iommufd_file_put(file);
	}
	return (int)len;
}

void iommufd_file_exec_failed(void)
{
	for (unsigned int i = 0; i != exec_nshare; i++)
		fcntl(exec_share_fds[i], F_SETFD, FD_CLOEXEC);
	exec_nshare = 0;
}
