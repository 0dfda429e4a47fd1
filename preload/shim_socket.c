// SPDX-License-Identifier: MIT
/*
 * Descriptors leaving the process: an iommufd or a VFIO cdev sent with
 * SCM_RIGHTS is served from then on to whoever receives it
 * (docs/multiprocess.md). The receiving side needs nothing here: its
 * first iommufd or VFIO ioctl on the unknown descriptor recognises it
 * (shim_fd.c).
 */
#include "shim.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/* Serve every iommufd and cdev among the descriptors a message carries */
static void shim_share_rights(const struct msghdr *msg)
{
	struct cmsghdr *cm;

	if (!msg || !msg->msg_control ||
	    msg->msg_controllen < sizeof(struct cmsghdr))
		return;
	for (cm = CMSG_FIRSTHDR((struct msghdr *)msg); cm;
	     cm = CMSG_NXTHDR((struct msghdr *)msg, cm)) {
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len < CMSG_LEN(0))
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i != n; i++) {
			int fd, kind;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			       sizeof(fd));
			kind = shim_fd_kind(fd);
			if (kind == UIOMMUFD_FD_IOMMUFD ||
			    kind == UIOMMUFD_FD_VFIO_DEVICE)
				ENGINE_CALL(uiommufd_fd_share(fd));
		}
	}
}

SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	shim_sendmsg_fn fn = REAL(sendmsg);

	shim_share_rights(msg);
	return fn ? fn(fd, msg, flags) : syscall(SYS_sendmsg, fd, msg, flags);
}

SHIM_EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
			 int flags)
{
	shim_sendmmsg_fn fn = REAL(sendmmsg);

	for (unsigned int i = 0; vec && i != vlen; i++)
		shim_share_rights(&vec[i].msg_hdr);
	return fn ? fn(fd, vec, vlen, flags)
		  : (int)syscall(SYS_sendmmsg, fd, vec, vlen, flags);
}
