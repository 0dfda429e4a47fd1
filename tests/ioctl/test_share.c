// SPDX-License-Identifier: MIT
/*
 * One context shared by processes (docs/multiprocess.md), the cases the
 * reference kernel cannot judge (tests/compare/fork_matrix.c compares the
 * rest with it): what a client gets when the owner of the engine dies, a
 * client that crashes, a client that sends garbage, a client of another
 * user, a process connecting to a context's name, and the documented
 * differences (descriptor-creating ioctls, private memory of a client, a
 * client's device binding).
 *
 * Every case runs in a process of its own (the owner), so that the test
 * process' own engine is never the one that dies; each waiting step has
 * an alarm, so a hang fails the case instead of the suite. Processes
 * that succeed leave with exit(), not _exit(): a coverage build writes
 * its counters then.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "test_helpers.h"
#include "../lib/procs.h"
#include "../../src/fs/share_proto.h"
#include <uiommufd/vfio.h>

#define IOVA MOCK_APERTURE_START

static void *shared_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	memset(p, 0x5a, len);
	return p;
}

static long ioas_alloc_rc(int fd)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};

	return uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)&a);
}

/*
 * The owner dies while a child holds the context: the child's next ioctl
 * is EIO, at once, and closing its descriptor works.
 */
static int owner_dies(void)
{
	int fd = uiommufd_open(0);
	int go[2], done[2];
	pid_t child, owner;
	char c = 0;

	STEP(1, fd >= 0 && !pipe(go) && !pipe(done));
	child = fork();
	if (!child) {
		STEP(2, ioas_alloc_rc(fd) == 0); /* served by the owner */
		STEP(3, write(done[1], &c, 1) == 1);
		STEP(4, read(go[0], &c, 1) == 1); /* the owner is gone now */
		STEP(5, ioas_alloc_rc(fd) == -EIO);
		STEP(6, ioas_alloc_rc(fd) == -EIO);
		STEP(7, uiommufd_close(fd) == 0);
		exit(0);
	}
	STEP(8, read(done[0], &c, 1) == 1);
	/*
	 * A grandchild tells the child once the owner (we) is dead: it is
	 * given another parent when our exit has closed our descriptors
	 */
	owner = getpid();
	if (!fork()) {
		while (getppid() == owner)
			usleep(1000);
		STEP(9, write(go[1], &c, 1) == 1);
		exit(0);
	}
	exit(0);
}

static void test_owner_dies(void **state)
{
	(void)state;
	/* The child outlives its parent: reap it through a subreaper */
	pid_t pid = fork();

	if (!pid) {
		int status, rc = 0;

		CHECK(!prctl(PR_SET_CHILD_SUBREAPER, 1));
		alarm(20);
		if (run_owner(owner_dies))
			_exit(50);
		while (wait(&status) > 0)
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				rc = WIFEXITED(status) ? WEXITSTATUS(status)
						       : 60;
		_exit(rc);
	}
	assert_int_equal(0, exit_code(pid));
}

/*
 * A client maps and is killed: its mapping stays (objects are the
 * context's), the owner goes on, and its last close releases every pin.
 */
static int client_crashes(void)
{
	size_t len = 4 * PAGE_SZ;
	char *buf = shared_buf(len);
	int fd = uiommufd_open(0);
	uint32_t ioas = ioas_alloc(fd);
	uint64_t iova = IOVA;
	int ready[2];
	char c;
	pid_t child;

	mock_dev_add(fd, ioas);
	STEP(1, !pipe(ready));
	child = fork();
	if (!child) {
		STEP(2, ioas_map(fd, ioas, buf, len, &iova, FIXED) == 0);
		STEP(3, write(ready[1], &c, 1) == 1);
		pause();
	}
	STEP(4, read(ready[0], &c, 1) == 1);
	kill(child, SIGKILL);
	STEP(5, exit_code(child) == 200 + SIGKILL);
	STEP(6, check_refs(fd, buf, len, 1) == 0);
	STEP(7, ioas_map(fd, ioas, buf, PAGE_SZ, &iova, FIXED) == -EEXIST);
	STEP(8, ioas_unmap(fd, ioas, IOVA, len, NULL) == 0);
	STEP(9, ioas_map(fd, ioas, buf, len, &iova, FIXED) == 0);
	STEP(10, uiommufd_close(fd) == 0);
	fd = uiommufd_open(0);
	STEP(11, check_refs(fd, buf, len, 0) == 0);
	return 0;
}

static void test_client_crashes(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(client_crashes));
}

/* Raw datagrams on the descriptor, as a confused or hostile holder sends */
static int send_garbage(int fd, int nfds, int passfd)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u = {};
	int fds[2] = {passfd, passfd};
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (nfds) {
		struct cmsghdr *cm;

		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* A message of no bytes carrying @passfd */
static int send_fds_len0(int fd, int passfd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct iovec iov = {.iov_base = &passfd, .iov_len = 0};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &passfd, sizeof(int));
	return sendmsg(fd, &msg, MSG_NOSIGNAL) == 0 ? 0 : -1;
}

/*
 * Hellos without a descriptor, with two, with one that is not a socket:
 * the owner drops them and serves the well-formed client after them.
 */
static int bad_hellos(void)
{
	int fd = uiommufd_open(0);
	int pair[2];
	pid_t child;

	STEP(1, fd >= 0 && !socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				       pair));
	child = fork();
	if (!child) {
		int devnull = open("/dev/null", O_RDONLY);

		STEP(2, send_garbage(fd, 0, -1) == 0);
		STEP(3, send_garbage(fd, 2, devnull) == 0);
		STEP(4, send_garbage(fd, 1, devnull) == 0);
		/* A stream socket: not a channel */
		STEP(5, send_garbage(fd, 1, pair[0]) == 0);
		STEP(6, ioas_alloc_rc(fd) == 0);
		exit(0);
	}
	STEP(7, exit_code(child) == 0);
	STEP(8, ioas_alloc_rc(fd) == 0);
	STEP(9, uiommufd_close(fd) == 0);
	return 0;
}

static void test_bad_hellos(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(bad_hellos));
}

/*
 * A client that sends requests and never reads the answers: its channel
 * fills, and the owner's server must not wait on it. The owner goes on
 * serving other calls, and its own last close is not held up.
 */
static int unread_answers(void)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	struct share_req req = {
		.magic = SHARE_MAGIC,
		.op = SHARE_OP_IOCTL,
		.cmd = IOMMU_IOAS_ALLOC,
		.arg = (uintptr_t)&a,
	};
	int fd = uiommufd_open(0);
	int done[2];
	pid_t child;
	char c = 0;

	STEP(1, fd >= 0 && !pipe(done));
	child = fork();
	if (!child) {
		int chan[2];

		STEP(2, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    chan));
		/*
		 * A context's hello, then more requests than the answers' room
		 * holds, never reading one: the owner hangs up on us at last
		 */
		STEP(3, send_fds(fd, &chan[1], 1) == 0 && !close(chan[1]));
		for (int i = 0; i != 4096; i++)
			if (send(chan[0], &req, sizeof(req), MSG_NOSIGNAL) !=
			    sizeof(req))
				break;
		STEP(4, ioas_alloc_rc(fd) == 0);
		STEP(6, write(done[1], &c, 1) == 1);
		pause();
	}
	STEP(7, read(done[0], &c, 1) == 1);
	STEP(8, ioas_alloc_rc(fd) == 0);
	kill(child, SIGKILL);
	STEP(9, exit_code(child) == 200 + SIGKILL);
	STEP(10, uiommufd_close(fd) == 0);
	return 0;
}

static void test_unread_answers(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(unread_answers));
}

/*
 * A number a client names is a descriptor of the client's, never one of
 * the owner's: an access the owner made on a context the client cannot
 * reach is EBADFD to the client, whose table has no such descriptor, and
 * the owner's memory behind it stays unread.
 */
static int owner_numbers(void)
{
	size_t len = PAGE_SZ;
	char *buf = shared_buf(len);
	uint64_t iova = IOVA;
	int fd = uiommufd_open(0), other, access;
	int num[2];
	pid_t child;

	STEP(1, fd >= 0 && !pipe(num));
	child = fork();
	if (!child) {
		char got[64] = {0};

		STEP(2,
		     read(num[0], &access, sizeof(access)) == sizeof(access));
		STEP(3, fcntl(access, F_GETFD) < 0);
		STEP(4, access_rw(fd, access, IOVA, got, sizeof(got), 0) ==
				-EBADFD);
		STEP(5, got[0] == 0);
		exit(0);
	}
	/* Made after the fork: the child never holds any of it */
	other = uiommufd_open(0);
	STEP(6, other >= 0);
	STEP(7,
	     ioas_map(other, ioas_alloc(other), buf, len, &iova, FIXED) == 0);
	access = (int)access_create(other, 1, 0);
	STEP(8, access >= 0);
	STEP(9, access_rw(other, access, IOVA, buf, 8, 0) == 0);
	STEP(10, write(num[1], &access, sizeof(access)) == sizeof(access));
	STEP(11, exit_code(child) == 0);
	STEP(12, close(access) == 0 && uiommufd_close(other) == 0 &&
			 uiommufd_close(fd) == 0);
	return 0;
}

static void test_owner_numbers(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(owner_numbers));
}

/* Does this process hold a descriptor of the memfd named @name? */
static bool holds_memfd(const char *name)
{
	char link[64], target[128];
	bool found = false;

	for (int fd = 0; fd != 1024 && !found; fd++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		found = strstr(target, name) != NULL;
	}
	return found;
}

/*
 * An empty message on the descriptor, with a descriptor and without: no
 * hello, and no hang-up either. The owner goes on serving the context,
 * and keeps nothing the message carried.
 */
static int empty_hellos(void)
{
	int fd = uiommufd_open(0);
	pid_t child;

	STEP(1, fd >= 0);
	child = fork();
	if (!child) {
		int probe = memfd_create("uiommufd-test-probe", MFD_CLOEXEC);
		struct iovec iov = {.iov_base = &probe, .iov_len = 0};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

		STEP(2, probe >= 0 && sendmsg(fd, &msg, 0) == 0);
		STEP(3, send_fds_len0(fd, probe) == 0);
		STEP(4, close(probe) == 0);
		/* Our hello comes after them: they were read first */
		STEP(5, ioas_alloc_rc(fd) == 0);
		exit(0);
	}
	STEP(6, exit_code(child) == 0);
	STEP(7, !holds_memfd("uiommufd-test-probe"));
	STEP(8, ioas_alloc_rc(fd) == 0);
	STEP(9, uiommufd_close(fd) == 0);
	return 0;
}

static void test_empty_hellos(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(empty_hellos));
}

static int drop_effective(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * A client of another user, when the owner may not read every process'
 * memory, is refused: EIO, and the owner's context is untouched.
 */
static int other_user(void)
{
	int fd = uiommufd_open(0);
	pid_t child;

	STEP(1, fd >= 0 && drop_effective(CAP_SYS_PTRACE) == 0);
	child = fork();
	if (!child) {
		STEP(2, setresuid(65534, 65534, 65534) == 0);
		STEP(3, ioas_alloc_rc(fd) == -EIO);
		exit(0);
	}
	STEP(4, exit_code(child) == 0);
	STEP(5, ioas_alloc_rc(fd) == 0);
	return 0;
}

static void test_other_user(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(0, run_owner(other_user));
}

/* A process that connects to @addr; its exit code, 0 if refused */
static int try_connect(const struct sockaddr_un *addr, socklen_t len, uid_t uid)
{
	pid_t pid = fork();

	if (!pid) {
		int s;

		STEP(1, uid == getuid() || !setresuid(uid, uid, uid));
		s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		STEP(2, s >= 0);
		STEP(3, connect(s, (const struct sockaddr *)addr, len) == -1 &&
				errno == ECONNREFUSED);
		exit(0);
	}
	return exit_code(pid);
}

/*
 * The name a served context's engine end carries labels the descriptor
 * and opens nothing: neither a process of the same user nor one of
 * another user reaches the context by connecting to it.
 */
static int name_no_door(void)
{
	struct sockaddr_un addr = {};
	socklen_t len = sizeof(addr);
	int fd = uiommufd_open(0);

	STEP(1, fd >= 0 && uiommufd_fd_share(fd) == 0);
	STEP(2, !getpeername(fd, (struct sockaddr *)&addr, &len) &&
			len > offsetof(struct sockaddr_un, sun_path) + 1 &&
			addr.sun_path[0] == 0);
	STEP(3, try_connect(&addr, len, getuid()) == 0);
	if (getuid() == 0)
		STEP(4, try_connect(&addr, len, 65534) == 0);
	STEP(5, ioas_alloc_rc(fd) == 0);
	STEP(6, uiommufd_close(fd) == 0);
	return 0;
}

static void test_name_no_door(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(name_no_door));
}

/*
 * The documented differences: a client cannot be given a descriptor by
 * the owner (EOPNOTSUPP), nor have its private memory pinned (EFAULT).
 * A dup()ed descriptor of the client reaches the same context.
 */
static int differences(void)
{
	int fd = uiommufd_open(0);
	uint32_t ioas = ioas_alloc(fd);
	struct mock_dev_ids ids;
	int go[2], ready[2];
	char c = 0;
	pid_t child;

	STEP(1, fd >= 0 && !pipe(go) && !pipe(ready));
	child = fork();
	if (!child) {
		struct iommu_test_cmd cmd = {
			.size = sizeof(cmd),
			.op = IOMMU_TEST_OP_CREATE_ACCESS,
			.id = ioas,
		};
		void *priv = map_anon(PAGE_SZ);
		uint64_t iova = IOVA;
		int dfd = dup(fd);

		STEP(2, uiommufd_fd_dup(fd, dfd) == 0);
		STEP(3, uiommufd_ioctl(dfd, IOMMU_TEST_CMD,
				       (unsigned long)&cmd) == -EOPNOTSUPP);
		STEP(4, ioas_map(fd, ioas, priv, PAGE_SZ, &iova, FIXED) == 0);
		STEP(5, uiommufd_close(fd) == 0);
		STEP(6, ioas_alloc_rc(dfd) == 0);
		STEP(7, write(ready[1], &c, 1) == 1);
		STEP(8, read(go[0], &c, 1) == 1);
		exit(0);
	}
	STEP(9, read(ready[0], &c, 1) == 1);
	/* The kernel would pin the live child's private page */
	STEP(10, mock_dev_add_flags(fd, ioas, 0, &ids) == -EFAULT);
	STEP(11, write(go[1], &c, 1) == 1);
	STEP(12, exit_code(child) == 0);
	STEP(13, ioas_unmap(fd, ioas, IOVA, PAGE_SZ, NULL) == 0);
	return 0;
}

static void test_differences(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(differences));
}

/*
 * A device the child opens itself is one of its own engine's (a copy of
 * the parent's device list): it cannot join the parent's context, a clean
 * EOPNOTSUPP, where binding to the copy of the context would have made
 * objects the owner never sees. The parent's own cdevs can
 * (tests/vfio/test_share_vfio.c).
 */
static int child_binds_device(void)
{
	struct uiommufd_device_info info;
	int fd = uiommufd_open(0);
	pid_t child;

	STEP(1, fd >= 0 && !uiommufd_devices_add("udma,name=0000:61:01.0"));
	STEP(2, !uiommufd_device_info(0, &info));
	child = fork();
	if (!child) {
		struct vfio_device_bind_iommufd bind = {
			.argsz = sizeof(bind),
			.iommufd = fd,
		};
		int dev = uiommufd_vfio_cdev_open((unsigned int)info.vfio_index,
						  0);

		STEP(3, dev >= 0);
		STEP(4, uiommufd_ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD,
				       (unsigned long)&bind) == -EOPNOTSUPP);
		STEP(5, ioas_alloc_rc(fd) == 0);
		exit(0);
	}
	STEP(6, exit_code(child) == 0);
	return 0;
}

static void test_child_binds_device(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(child_binds_device));
}

/* A process forked before the owner opened: it never had the engine */
static pid_t fork_receiver(int sock, int (*fn)(int fd))
{
	pid_t pid = fork();

	if (!pid) {
		int fd;

		alarm(20);
		STEP(90, recv_fds(sock, &fd, 1) == 0);
		/* Not ours until its first iommufd ioctl */
		STEP(91, uiommufd_fd_kind(fd) == UIOMMUFD_FD_NONE);
		exit(fn(fd));
	}
	return pid;
}

/*
 * The receiver of an SCM_RIGHTS descriptor uses the owner's context: it
 * finds the owner's IOAS, makes one the owner then finds, and a dup of
 * its descriptor reaches the same context.
 */
static int scm_user(int fd)
{
	struct iommu_ioas_iova_ranges r = {.size = sizeof(r), .ioas_id = 1};
	int dfd;

	/* No room for the ranges: EMSGSIZE and their number, as it exists */
	STEP(20, uiommufd_ioctl(fd, IOMMU_IOAS_IOVA_RANGES,
				(unsigned long)&r) == -EMSGSIZE &&
			 r.num_iovas);
	STEP(21, uiommufd_fd_kind(fd) == UIOMMUFD_FD_IOMMUFD);
	/* Another process' context: nothing but its ioctls reach it */
	STEP(22, uiommufd_fd_share(fd) == 0);
	dfd = dup(fd);
	STEP(23, dfd >= 0 && uiommufd_fd_dup(fd, dfd) == 0);
	STEP(24, ioas_alloc_rc(dfd) == 0);
	STEP(25, uiommufd_close(fd) == 0 && uiommufd_close(dfd) == 0);
	return 0;
}

static int scm_rights(void)
{
	struct iommu_ioas_iova_ranges r = {.size = sizeof(r), .ioas_id = 2};
	int sv[2], fd;
	pid_t child;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	child = fork_receiver(sv[1], scm_user);
	fd = uiommufd_open(O_CLOEXEC);
	STEP(2, fd >= 0 && ioas_alloc(fd) == 1);
	STEP(3, uiommufd_fd_share(fd) == 0 && uiommufd_fd_share(fd) == 0);
	STEP(4, send_fds(sv[0], &fd, 1) == 0);
	STEP(5, exit_code(child) == 0);
	/* The receiver's IOAS is in our context */
	STEP(6, uiommufd_ioctl(fd, IOMMU_IOAS_IOVA_RANGES, (unsigned long)&r) ==
				-EMSGSIZE &&
			r.num_iovas);
	STEP(7, uiommufd_close(fd) == 0);
	return 0;
}

static void test_scm_rights(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(scm_rights));
}

/* Not served (never shared): refused at once, never a wait */
static int scm_unshared_user(int fd)
{
	STEP(30, ioas_alloc_rc(fd) == -EBADF);
	STEP(31, uiommufd_fd_kind(fd) == UIOMMUFD_FD_NONE);
	return 0;
}

/* A socket that is no context is not written to, nor adopted */
static int foreign_socket(void)
{
	int pair[2], devnull = open("/dev/null", O_RDONLY);
	char c;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair));
	STEP(2, ioas_alloc_rc(pair[0]) == -EBADF);
	STEP(3, recv(pair[1], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN);
	STEP(4, ioas_alloc_rc(devnull) == -EBADF);
	/* Not an iommufd ioctl: not even looked at */
	STEP(5, uiommufd_ioctl(pair[0], VFIO_GET_API_VERSION, 0) == -EBADF);
	return 0;
}

static int scm_unshared(void)
{
	int sv[2], fd;
	pid_t child;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	child = fork_receiver(sv[1], scm_unshared_user);
	fd = uiommufd_open(0);
	/* Without uiommufd_fd_share(), as a C API program may forget it */
	STEP(2, fd >= 0 && send_fds(sv[0], &fd, 1) == 0);
	STEP(3, exit_code(child) == 0);
	STEP(4, ioas_alloc_rc(fd) == 0);
	return foreign_socket();
}

static void test_scm_unshared(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(scm_unshared));
}

/*
 * The owner exits while the receiver holds the descriptor: the kernel
 * would keep the context alive; here it went with its owner, and the
 * receiver gets EIO (docs/multiprocess.md).
 */
static int scm_gone_user(int fd)
{
	/* The owner exits right after sending: wait until it is reaped */
	for (int i = 0; i != 5000; i++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);

		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
		    kill(cred.pid, 0))
			break;
		usleep(1000);
	}
	STEP(41, ioas_alloc_rc(fd) == -EIO);
	STEP(42, uiommufd_close(fd) == 0);
	return 0;
}

static int scm_owner_gone(void)
{
	int sv[2], fd;
	pid_t receiver, owner;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	receiver = fork_receiver(sv[1], scm_gone_user);
	owner = fork();
	if (!owner) {
		fd = uiommufd_open(0);
		STEP(2, fd >= 0 && uiommufd_fd_share(fd) == 0);
		STEP(3, send_fds(sv[0], &fd, 1) == 0);
		exit(0);
	}
	STEP(4, exit_code(owner) == 0);
	STEP(5, exit_code(receiver) == 0);
	return 0;
}

static void test_scm_owner_gone(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(scm_owner_gone));
}

/*
 * Credentials: a context of another user is not adopted; a root owner's
 * is, but one that may not read the receiver's memory refuses it (EIO).
 */
static int scm_refused_user(int fd)
{
	STEP(50, ioas_alloc_rc(fd) == -EBADF);
	return 0;
}

static int scm_nobody_user(int fd)
{
	STEP(55, setresuid(65534, 65534, 65534) == 0);
	STEP(56, ioas_alloc_rc(fd) == -EIO);
	return 0;
}

static int scm_credentials(void)
{
	int sv[2], fd;
	pid_t receiver, owner;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	receiver = fork_receiver(sv[1], scm_refused_user);
	owner = fork();
	if (!owner) {
		STEP(2, setresuid(65534, 65534, 65534) == 0);
		fd = uiommufd_open(0);
		STEP(3, fd >= 0 && uiommufd_fd_share(fd) == 0);
		STEP(4, send_fds(sv[0], &fd, 1) == 0);
		/* Serving until the receiver is done */
		pause();
		exit(0);
	}
	STEP(6, exit_code(receiver) == 0);
	kill(owner, SIGKILL);
	STEP(7, exit_code(owner) == 200 + SIGKILL);

	receiver = fork_receiver(sv[1], scm_nobody_user);
	STEP(8, drop_effective(CAP_SYS_PTRACE) == 0);
	fd = uiommufd_open(0);
	STEP(9, fd >= 0 && uiommufd_fd_share(fd) == 0);
	STEP(10, send_fds(sv[0], &fd, 1) == 0);
	STEP(11, exit_code(receiver) == 0);
	STEP(12, ioas_alloc_rc(fd) == 0);
	return 0;
}

static void test_scm_credentials(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(0, run_owner(scm_credentials));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_dies),
		cmocka_unit_test(test_client_crashes),
		cmocka_unit_test(test_bad_hellos),
		cmocka_unit_test(test_empty_hellos),
		cmocka_unit_test(test_unread_answers),
		cmocka_unit_test(test_owner_numbers),
		cmocka_unit_test(test_other_user),
		cmocka_unit_test(test_name_no_door),
		cmocka_unit_test(test_differences),
		cmocka_unit_test(test_child_binds_device),
		cmocka_unit_test(test_scm_rights),
		cmocka_unit_test(test_scm_unshared),
		cmocka_unit_test(test_scm_owner_gone),
		cmocka_unit_test(test_scm_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
