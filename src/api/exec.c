// SPDX-License-Identifier: MIT
/*
 * Files kept over execve(): the list the old image writes and the new
 * image reads (src/fs/file_exec.c, docs/multiprocess.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#include "../core/iommufd_private.h"
#include "ctl_server.h"
#include "devices.h"
#include "../fs/file.h"
#include "../vfio/vfio.h"

UFD_EXPORT int uiommufd_exec_prepare(char *buf, size_t size)
{
	if (!buf)
		return -EINVAL;
	return iommufd_file_exec_prepare(buf, size);
}

UFD_EXPORT void uiommufd_exec_failed(void)
{
	iommufd_file_exec_failed();
}

/*
 * @fd and @share_fd are the two ends of one SEQPACKET pair: a datagram
 * sent on one arrives on the other. The list came through the environment,
 * which the program may have written: it never names just any socket.
 */
static bool exec_socket_pair(int fd, int share_fd)
{
	uint64_t probe = ((uint64_t)(unsigned int)fd << 32) ^
			 (uint64_t)(uintptr_t)&probe ^ (uint64_t)getpid();
	uint64_t got = 0;
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    type != SOCK_SEQPACKET)
		return false;
	if (send(share_fd, &probe, sizeof(probe),
		 MSG_DONTWAIT | MSG_NOSIGNAL) != sizeof(probe))
		return false;
	return recv(fd, &got, sizeof(got), MSG_DONTWAIT) == sizeof(got) &&
	       got == probe;
}

/* @fd is the memfd the engine makes for a VFIO cdev, labelled as ours */
static bool exec_engine_memfd(int fd)
{
	return iommufd_file_served_label(fd) == getpid();
}

/* @fd and @first are descriptors of the same open file */
static bool exec_same_file(int fd, int first)
{
	struct stat a, b;

	return !fstat(fd, &a) && !fstat(first, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* One "FD:WORD:ARGS" of the list; 0 or -errno */
static int exec_restore_one(const char *entry)
{
	char word[16], args[80], name[64];
	unsigned int index;
	int fd, other, rc;

	if (sscanf(entry, "%d:%15[^:]:%79[^,]", &fd, word, args) != 3)
		return -EINVAL;
	if (!strcmp(word, "iommufd")) {
		if (sscanf(args, "%d", &other) != 1 ||
		    !exec_socket_pair(fd, other))
			return -EBADF;
		rc = iommufd_fops_open_kept(fd, other);
		if (rc < 0)
			return rc;
		fcntl(other, F_SETFD, FD_CLOEXEC);
		/* uiommufdctl can look at it, as at an opened one */
		ctl_server_start();
		return 0;
	}
	if (!strcmp(word, "vfio-cdev")) {
		if (sscanf(args, "%u@%63s", &index, name) != 2 ||
		    !exec_engine_memfd(fd))
			return -EBADF;
		emu_devices_init();
		rc = vfio_device_cdev_open_kept(index, name, fd);
		return rc < 0 ? rc : 0;
	}
	if (!strcmp(word, "dup")) {
		if (sscanf(args, "%d", &other) != 1 ||
		    !exec_same_file(fd, other))
			return -EBADF;
		return iommufd_file_dup(other, fd);
	}
	return -EINVAL;
}

UFD_EXPORT int uiommufd_exec_restore(const char *list)
{
	int restored = 0;

	if (!list)
		return 0;
	/* An entry that does not check out stays the bare file it is */
	for (const char *p = list; *p; p++) {
		if (!exec_restore_one(p))
			restored++;
		p = strchr(p, ',');
		if (!p)
			break;
	}
	return restored;
}
