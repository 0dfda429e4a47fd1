// SPDX-License-Identifier: MIT
/*
 * The inspector's way into a running program: uiommufdctl(1) asks, over a
 * unix socket of the process, for its contexts and their descriptions.
 *
 * Opt-in (UIOMMUFD_CTL=1, uiommufd-run --ctl): the engine lives inside the
 * program, so only the program can answer, and a thread it did not ask
 * for is not started behind its back. On the first context opened, a
 * thread listens on $XDG_RUNTIME_DIR/uiommufd/PID.sock (or
 * /tmp/uiommufd-UID/PID.sock), in a directory of mode 0700 that must be
 * the user's own; a client of another uid (root aside) is refused, as
 * the kernel's /proc/PID/fdinfo is the owner's.
 *
 * The protocol is one request line, answered with text, then the server
 * closes the connection:
 *   "list"     one line per context: "fd N kind iommufd|vfio"
 *   "dump N"   uiommufd_dump() of descriptor N (docs/introspection.md)
 * A child of fork() serves its own socket from its next open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#include "../lib/util.h"
#include "ctl_server.h"

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t ctl_pid; /* the process whose server runs, 0: none */
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* The directory of the sockets, made if needed; 0 or -errno */
static int ctl_dir(char *buf, size_t size)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (runtime && runtime[0] == '/')
		n = snprintf(buf, size, "%s/uiommufd", runtime);
	else
		n = snprintf(buf, size, "/tmp/uiommufd-%u", getuid());
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	/* Someone else's directory, or one others may write, is no place */
	if (lstat(buf, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

/* "list": every descriptor of ours that is a context */
static void ctl_list(int out)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		int fd = atoi(de->d_name);
		int kind = uiommufd_fd_kind(fd);

		if (de->d_name[0] == '.' ||
		    (kind != UIOMMUFD_FD_IOMMUFD && kind != UIOMMUFD_FD_VFIO))
			continue;
		dprintf(out, "fd %d kind %s\n", fd,
			kind == UIOMMUFD_FD_VFIO ? "vfio" : "iommufd");
	}
	closedir(dir);
}

static bool ctl_peer_allowed(int conn)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == getuid() || cred.uid == 0;
}

/* One request: a line, at most 64 bytes, within a second */
static void ctl_serve(int conn)
{
	struct pollfd pfd = {.fd = conn, .events = POLLIN};
	char req[64] = "";
	ssize_t n;
	int fd;

	if (!ctl_peer_allowed(conn) || poll(&pfd, 1, 1000) != 1)
		return;
	n = read(conn, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	if (!strcmp(req, "list"))
		ctl_list(conn);
	else if (sscanf(req, "dump %d", &fd) == 1 &&
		 uiommufd_dump(fd, conn) < 0)
		dprintf(conn, "error: descriptor %d is not a context\n", fd);
	else if (strncmp(req, "dump ", 5))
		dprintf(conn, "error: unknown request\n");
}

static void *ctl_thread(void *arg)
{
	int sock = (int)(intptr_t)arg;

	for (;;) {
		int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		ctl_serve(conn);
		close(conn);
	}
	close(sock);
	return NULL;
}

static void ctl_unlink(void)
{
	if (ctl_pid == getpid())
		unlink(ctl_path);
}

static int ctl_listen(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char dir[sizeof(addr.sun_path) - 16];
	int sock, rc;

	rc = ctl_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%d.sock", dir,
		 getpid());
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	unlink(addr.sun_path); /* a process of this pid that died */
	if (bind(sock, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(sock, 4)) {
		rc = -errno;
		close(sock);
		return rc;
	}
	memcpy(ctl_path, addr.sun_path, sizeof(ctl_path));
	return sock;
}

/* Start the thread with every signal blocked: they are the program's */
static int ctl_thread_start(int sock)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t thread;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, ctl_thread, (void *)(intptr_t)sock);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -rc;
}

void ctl_server_start(void)
{
	static bool registered;
	const char *env = getenv("UIOMMUFD_CTL");
	int sock;

	if (!env || strcmp(env, "1"))
		return;
	pthread_mutex_lock(&ctl_lock);
	if (ctl_pid == getpid())
		goto out;
	sock = ctl_listen();
	if (sock < 0) {
		fprintf(stderr, "uiommufd: no uiommufdctl socket: %s\n",
			strerror(-sock));
		goto out;
	}
	if (ctl_thread_start(sock)) {
		unlink(ctl_path);
		close(sock);
		goto out;
	}
	ctl_pid = getpid();
	if (!registered)
		registered = !atexit(ctl_unlink);
out:
	pthread_mutex_unlock(&ctl_lock);
}
