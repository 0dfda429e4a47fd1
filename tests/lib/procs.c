// SPDX-License-Identifier: MIT
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "procs.h"

#define MAX_FDS 8

int exit_code(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return 200 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int run_owner(int (*fn)(void))
{
	pid_t pid = fork();

	if (!pid) {
		/* A hang of the case is a failure, not a stuck test run */
		alarm(20);
		exit(fn());
	}
	return exit_code(pid);
}

union fd_cmsg {
	char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct cmsghdr align;
};

int send_fds(int sock, const int *fds, int n)
{
	size_t len = (size_t)n * sizeof(int);
	union fd_cmsg u = {};
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = CMSG_SPACE(len)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	if (n < 1 || n > MAX_FDS)
		return -1;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), fds, len);
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int recv_fds(int sock, int *fds, int n)
{
	size_t len = (size_t)n * sizeof(int);
	union fd_cmsg u;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;

	if (n < 1 || n > MAX_FDS)
		return -1;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(len))
		return -1;
	memcpy(fds, CMSG_DATA(cm), len);
	return 0;
}
