// SPDX-License-Identifier: MIT
/*
 * One iommufd shared by a parent and its children (docs/multiprocess.md):
 * what a forked child's ioctls do to the parent's context, with and
 * without domains, while the child lives and after it is gone; and the
 * context reaching a process that did not fork from its opener: passed
 * with SCM_RIGHTS, kept over execve() (then IOMMU_IOAS_CHANGE_PROCESS).
 *
 * The same program runs on the real kernel (built -static, under
 * tools/refkernel) and under uiommufd (uiommufd-run); check-fork.sh
 * compares the outputs line by line with expected-fork-linux-7.2.txt.
 * Every line is a label and a result; nothing depends on addresses.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

#define PAGE  4096UL
#define BUFSZ (4 * PAGE)
#define IOVA  MOCK_APERTURE_START

static int ifd;
static uint32_t ioas;

static void say(const char *label, int rc)
{
	if (rc)
		printf("%s: %s\n", label, strerrorname_np(errno));
	else
		printf("%s: ok\n", label);
	fflush(stdout);
}

static int tcmd(struct iommu_test_cmd *c)
{
	c->size = sizeof(*c);
	return ioctl(ifd, IOMMU_TEST_CMD, c);
}

static int ctx_open(void)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};

	ifd = open("/dev/iommu", O_RDWR);
	if (ifd < 0 || ioctl(ifd, IOMMU_IOAS_ALLOC, &a))
		return -1;
	ioas = a.out_ioas_id;
	return 0;
}

static int mock_domain(void)
{
	struct iommu_test_cmd c = {.op = IOMMU_TEST_OP_MOCK_DOMAIN, .id = ioas};

	return tcmd(&c);
}

static int map(void *buf, size_t len, uint64_t iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = len,
		.iova = iova,
	};

	return ioctl(ifd, IOMMU_IOAS_MAP, &m);
}

static int map_file(int mfd, size_t len, uint64_t iova)
{
	struct iommu_ioas_map_file m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.fd = mfd,
		.length = len,
		.iova = iova,
	};

	return ioctl(ifd, IOMMU_IOAS_MAP_FILE, &m);
}

static int unmap(uint64_t iova, size_t len)
{
	struct iommu_ioas_unmap u = {.size = sizeof(u),
				     .ioas_id = ioas,
				     .iova = iova,
				     .length = len};

	return ioctl(ifd, IOMMU_IOAS_UNMAP, &u);
}

static uint32_t access_create(void)
{
	struct iommu_test_cmd c = {.op = IOMMU_TEST_OP_CREATE_ACCESS,
				   .id = ioas};

	return tcmd(&c) ? 0 : c.create_access.out_access_fd;
}

static int access_rw(uint32_t afd, uint64_t iova, void *buf, size_t len,
		     bool write)
{
	struct iommu_test_cmd c = {
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = afd,
		.access_rw = {.iova = iova,
			      .length = len,
			      .uptr = (uintptr_t)buf,
			      .flags = write ? MOCK_ACCESS_RW_WRITE : 0},
	};

	return tcmd(&c);
}

static int check_refs(void *buf, size_t len, unsigned int refs)
{
	struct iommu_test_cmd c = {
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {.length = len,
			       .uptr = (uintptr_t)buf,
			       .refs = refs},
	};

	return tcmd(&c);
}

static int change_process(void)
{
	struct iommu_ioas_change_process c = {.size = sizeof(c)};

	return ioctl(ifd, IOMMU_IOAS_CHANGE_PROCESS, &c);
}

static void *shared_buf(char fill)
{
	void *p = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		exit(2);
	memset(p, fill, BUFSZ);
	return p;
}

/* Reads through the access equal the parent's buffer */
static void say_same(const char *label, uint32_t afd, void *buf)
{
	char tmp[BUFSZ];

	if (access_rw(afd, IOVA, tmp, BUFSZ, false)) {
		say(label, -1);
		return;
	}
	printf("%s: %s\n", label, memcmp(tmp, buf, BUFSZ) ? "differ" : "same");
	fflush(stdout);
}

static int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The child maps and exits; then the parent needs the pages */
static void gone(bool with_domain)
{
	const char *p = with_domain ? "gone-domain" : "gone";
	char label[64];
	char *buf = shared_buf(0x11);
	uint32_t afd;
	pid_t pid;

	ctx_open();
	if (with_domain)
		mock_domain();
	afd = access_create();
	pid = fork();
	if (!pid)
		_exit(map(buf, BUFSZ, IOVA) ? errno : 0);
	snprintf(label, sizeof(label), "%s.child-map", p);
	errno = child_status(pid);
	say(label, errno);
	memset(buf, 0x22, BUFSZ);
	snprintf(label, sizeof(label), "%s.domain-after", p);
	say(label, mock_domain());
	snprintf(label, sizeof(label), "%s.read", p);
	say_same(label, afd, buf);
	snprintf(label, sizeof(label), "%s.unmap", p);
	say(label, unmap(IOVA, BUFSZ));
	close(afd);
	close(ifd);
	munmap(buf, BUFSZ);
}

/* The child maps and waits while the parent uses the mapping */
static void present(void)
{
	char *buf = shared_buf(0x33);
	int go[2], ready[2];
	uint32_t afd;
	char c = 0;
	pid_t pid;

	ctx_open();
	afd = access_create();
	if (pipe(go) || pipe(ready))
		exit(2);
	pid = fork();
	if (!pid) {
		int rc = map(buf, BUFSZ, IOVA) ? errno : 0;

		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(100);
		_exit(rc);
	}
	if (read(ready[0], &c, 1) != 1)
		exit(2);
	say("present.domain", mock_domain());
	say_same("present.read", afd, buf);
	if (write(go[1], &c, 1) != 1)
		exit(2);
	errno = child_status(pid);
	say("present.child-map", errno);
	say("present.unmap", unmap(IOVA, BUFSZ));
	close(go[0]), close(go[1]), close(ready[0]), close(ready[1]);
	close(afd);
	close(ifd);
	munmap(buf, BUFSZ);
}

/*
 * The parent pins a private page; the child writes it through an access:
 * the page is the parent's, and the child keeps its own copy.
 */
static void child_writes_parent(void)
{
	char *buf = mmap(NULL, BUFSZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t afd;
	pid_t pid;

	memset(buf, 0x44, BUFSZ);
	ctx_open();
	mock_domain();
	say("write.map", map(buf, BUFSZ, IOVA));
	afd = access_create();
	pid = fork();
	if (!pid) {
		char data[16];

		memset(data, 0x55, sizeof(data));
		if (access_rw(afd, IOVA + 8, data, sizeof(data), true))
			_exit(errno);
		/* Our copy: what it was at the fork */
		_exit(buf[8] == 0x44 ? 0 : 101);
	}
	errno = child_status(pid);
	say("write.child", errno);
	printf("write.parent-sees: %s\n",
	       buf[8] == 0x55 && buf[23] == 0x55 && buf[24] == 0x44 ? "child's"
								    : "old");
	say("write.unmap", unmap(IOVA, BUFSZ));
	close(afd);
	close(ifd);
	munmap(buf, BUFSZ);
}

/* The child closes its descriptor: the context is still the parent's */
static void child_closes(void)
{
	char *buf = shared_buf(0x66);
	pid_t pid;

	ctx_open();
	mock_domain();
	pid = fork();
	if (!pid) {
		struct iommu_ioas_alloc a = {.size = sizeof(a)};
		int rc = map(buf, BUFSZ, IOVA) || close(ifd);

		/* The descriptor is gone in this process */
		if (!rc &&
		    (ioctl(ifd, IOMMU_IOAS_ALLOC, &a) != -1 || errno != EBADF))
			rc = 102;
		_exit(rc ? (rc == 102 ? rc : errno) : 0);
	}
	errno = child_status(pid);
	say("close.child", errno);
	say("close.still-mapped", map(buf, PAGE, IOVA));
	say("close.unmap", unmap(IOVA, BUFSZ));
	say("close.map-again", map(buf, PAGE, IOVA));
	/* The last close releases every pin before it returns */
	close(ifd);
	ifd = open("/dev/iommu", O_RDWR);
	say("close.refs-after", check_refs(buf, BUFSZ, 0));
	close(ifd);
	munmap(buf, BUFSZ);
}

/* The child maps a memfd of its own and takes the accounting */
static void child_map_file(void)
{
	uint32_t afd;
	pid_t pid;
	char tmp[PAGE];

	ctx_open();
	afd = access_create();
	pid = fork();
	if (!pid) {
		int mfd = (int)syscall(SYS_memfd_create, "fork_matrix", 0);
		char data[PAGE];

		memset(data, 0x77, sizeof(data));
		if (mfd < 0 || write(mfd, data, PAGE) != PAGE)
			_exit(100);
		if (map_file(mfd, PAGE, IOVA))
			_exit(errno);
		close(mfd);
		_exit(change_process() ? errno : 0);
	}
	errno = child_status(pid);
	say("file.child-map-change", errno);
	say("file.domain-after", mock_domain());
	say("file.read", access_rw(afd, IOVA, tmp, PAGE, false));
	printf("file.data: %s\n",
	       tmp[0] == 0x77 && tmp[PAGE - 1] == 0x77 ? "child's" : "other");
	say("file.unmap", unmap(IOVA, PAGE));
	close(afd);
	close(ifd);
}

/* CHANGE_PROCESS from a child: only file mappings may move */
static void child_change_process(void)
{
	char *buf = shared_buf(0x12);
	pid_t pid;

	ctx_open();
	say("change.map-anon", map(buf, PAGE, IOVA));
	pid = fork();
	if (!pid)
		_exit(change_process() ? errno : 0);
	errno = child_status(pid);
	say("change.with-anon", errno);
	say("change.unmap", unmap(IOVA, PAGE));
	pid = fork();
	if (!pid)
		_exit(change_process() ? errno : 0);
	errno = child_status(pid);
	say("change.without", errno);
	close(ifd);
	munmap(buf, BUFSZ);
}

/* A grandchild maps: the same context still */
static void grandchild(void)
{
	char *buf = shared_buf(0x21);
	uint32_t afd;
	pid_t pid;

	ctx_open();
	afd = access_create();
	pid = fork();
	if (!pid) {
		pid_t g = fork();

		if (!g)
			_exit(map(buf, BUFSZ, IOVA) ? errno : 0);
		_exit(child_status(g));
	}
	errno = child_status(pid);
	say("grandchild.map", errno);
	say("grandchild.domain-after", mock_domain());
	say_same("grandchild.read", afd, buf);
	say("grandchild.unmap", unmap(IOVA, BUFSZ));
	close(afd);
	close(ifd);
	munmap(buf, BUFSZ);
}

/* A memfd of one page filled with @fill */
static int memfd_page(char fill)
{
	int mfd = (int)syscall(SYS_memfd_create, "fork_matrix", 0);
	char data[PAGE];

	memset(data, fill, sizeof(data));
	if (mfd < 0 || write(mfd, data, PAGE) != PAGE)
		exit(3);
	return mfd;
}

/* Reads through the access: whose page is at iova */
static void say_page(const char *label, uint32_t afd, uint64_t iova, char fill)
{
	char tmp[PAGE];

	if (access_rw(afd, iova, tmp, PAGE, false)) {
		say(label, -1);
		return;
	}
	printf("%s: %s\n", label,
	       tmp[0] == fill && tmp[PAGE - 1] == fill ? "expected" : "other");
}

static int send_fd(int sock, int fd, uint32_t id)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct iovec iov = {.iov_base = &id, .iov_len = sizeof(id)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(id) ? 0 : -1;
}

static int recv_fd(int sock, uint32_t *id)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = id, .iov_len = sizeof(*id)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != sizeof(*id))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * A process that never held the context (forked before the open) gets it
 * by SCM_RIGHTS, as a VMM gets it from libvirt: it makes objects of its
 * own and maps its own memfd, which the sender's access then reads.
 */
static void scm_receiver(void)
{
	uint32_t afd;
	int sv[2], sent;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		exit(4);
	pid = fork();
	if (!pid) {
		struct iommu_ioas_alloc a = {.size = sizeof(a)};
		int mfd = memfd_page(0x55);

		ifd = recv_fd(sv[1], &ioas);
		say("scm.recv", ifd < 0);
		say("scm.alloc", ioctl(ifd, IOMMU_IOAS_ALLOC, &a));
		say("scm.map-file", map_file(mfd, PAGE, IOVA));
		say("scm.close", close(ifd));
		exit(0);
	}
	ctx_open();
	afd = access_create();
	/* Nothing printed until the receiver is done: one order of lines */
	sent = send_fd(sv[0], ifd, ioas);
	errno = child_status(pid);
	say("scm.receiver-exit", errno);
	say("scm.send", sent);
	say("scm.domain-after", mock_domain());
	say_page("scm.read", afd, IOVA, 0x55);
	say("scm.unmap", unmap(IOVA, PAGE));
	close(afd);
	close(ifd);
	close(sv[0]);
	close(sv[1]);
}

static const char *self_exe;

/* fork() and execve() this program on the inherited context */
static int exec_child(const char *step)
{
	char fd_arg[16], ioas_arg[16];
	pid_t pid;

	snprintf(fd_arg, sizeof(fd_arg), "%d", ifd);
	snprintf(ioas_arg, sizeof(ioas_arg), "%u", ioas);
	pid = fork();
	if (!pid) {
		execl(self_exe, self_exe, "exec-child", step, fd_arg, ioas_arg,
		      (char *)NULL);
		_exit(127);
	}
	return child_status(pid);
}

/* VmPin of this process, as /proc/self/status shows it */
static void say_vmpin(const char *label)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");
	const char *val = "none";

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6)) {
			val = line + 6 + strspn(line + 6, " \t");
			break;
		}
	printf("%s: %s%s", label, val, strcmp(val, "none") ? "" : "\n");
	if (f)
		fclose(f);
}

/* The program after execve(): the same context on the kept descriptor */
static int exec_child_main(char **argv)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	const char *step = argv[2];

	ifd = atoi(argv[3]);
	ioas = (uint32_t)strtoul(argv[4], NULL, 0);
	if (!strcmp(step, "anon")) {
		say("exec.alloc", ioctl(ifd, IOMMU_IOAS_ALLOC, &a));
		say("exec.change-with-anon", change_process());
	} else {
		int mfd = memfd_page(0x66);

		say_vmpin("exec.vmpin-before");
		say("exec.change-files", change_process());
		say_vmpin("exec.vmpin-moved");
		say("exec.map-own-file", map_file(mfd, PAGE, IOVA + BUFSZ));
		say("exec.change-again", change_process());
		say_vmpin("exec.vmpin-own");
	}
	return 0;
}

/*
 * Pin with accounting from now on: without CAP_IPC_LOCK, a pages object
 * is charged to its process (with it, only pinned_vm counts, and
 * CHANGE_PROCESS has nothing to move)
 */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * The opener's child execs with the descriptor kept (CPR's way): only
 * file mappings may move to it, and it maps its own memfd. The exec'd
 * image is root again: it may pin without charge, but takes the charge
 * of what it moves.
 */
static void exec_change_process(void)
{
	char *buf = shared_buf(0x13);
	int mfd = memfd_page(0x44);
	uint32_t afd;

	say("exec.drop-ipc-lock", drop_ipc_lock());
	ctx_open();
	mock_domain();
	afd = access_create();
	say("exec.map-anon", map(buf, PAGE, IOVA));
	say("exec.map-file", map_file(mfd, PAGE, IOVA + PAGE));
	say("exec.child-anon", exec_child("anon"));
	say("exec.unmap-anon", unmap(IOVA, PAGE));
	say_vmpin("exec.vmpin-parent-before");
	say("exec.child-files", exec_child("files"));
	say_vmpin("exec.vmpin-parent-after");
	say_page("exec.read-parent", afd, IOVA + PAGE, 0x44);
	say_page("exec.read-child", afd, IOVA + BUFSZ, 0x66);
	say("exec.unmap", unmap(IOVA + PAGE, PAGE));
	say("exec.unmap-child", unmap(IOVA + BUFSZ, PAGE));
	close(afd);
	close(mfd);
	close(ifd);
	munmap(buf, BUFSZ);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "exec-child"))
		return exec_child_main(argv);
	self_exe = "/proc/self/exe";
	gone(false);
	gone(true);
	present();
	child_writes_parent();
	child_closes();
	child_map_file();
	child_change_process();
	grandchild();
	scm_receiver();
	exec_change_process();
	return 0;
}
