// SPDX-License-Identifier: MIT
/*
 * Files kept over execve() (docs/multiprocess.md), as an unmodified
 * program sees them under uiommufd-run with one device, "udma". Each case
 * runs in a child that opens files and execs this program again with a
 * stage name and the descriptors' numbers; the new image checks them.
 *
 *   kept      an empty iommufd, a dup of it and an unbound cdev are kept:
 *             the new image makes an IOAS, sees it through the dup, binds
 *             and attaches the device (what libvirt's QEMU does)
 *   busy      a context with an IOAS and a bound cdev are not kept: the
 *             new image's ioctls fail at once (ENOTTY), never hang
 *   cloexec   a close-on-exec iommufd goes with the exec, the other stays
 *   forged    a list in the environment naming descriptors that are not
 *             what it says (not a pair, a pipe) is not believed
 *   failed    an exec that fails leaves the files and the descriptor
 *             flags as they were; a later exec still keeps them
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/vfio.h>

#define CDEV	"/dev/vfio/devices/vfio0"
#define EXECVAR "UIOMMUFD_EXEC_FILES"

static int failures;
static const char *self;

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: %s failed (errno %d)\n", \
				__FILE__, __LINE__, #cond, errno);       \
			failures++;                                      \
		}                                                        \
	} while (0)

static int ioas_alloc(int fd, uint32_t *id)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	int rc = ioctl(fd, IOMMU_IOAS_ALLOC, &alloc);

	*id = alloc.out_ioas_id;
	return rc;
}

static int ioas_ranges(int fd, uint32_t id)
{
	struct iommu_ioas_iova_ranges ranges = {
		.size = sizeof(ranges),
		.ioas_id = id,
	};
	int rc = ioctl(fd, IOMMU_IOAS_IOVA_RANGES, &ranges);

	/* No room given for the ranges: EMSGSIZE with their number */
	return rc && errno == EMSGSIZE ? 0 : -1;
}

static int bind_attach(int vfio_fd, int fd, uint32_t ioas)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = fd,
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = ioas,
	};

	if (ioctl(vfio_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -1;
	return ioctl(vfio_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

/* Exec this program at @stage with the numbers of @fds */
static void exec_stage(const char *stage, const int *fds, int n)
{
	char nums[4][16];
	char *argv[6] = {(char *)self, (char *)stage};

	for (int i = 0; i != n; i++) {
		snprintf(nums[i], sizeof(nums[i]), "%d", fds[i]);
		argv[2 + i] = nums[i];
	}
	argv[2 + n] = NULL;
	execv(self, argv);
	perror("execv");
	_exit(126);
}

static void kept_before(void)
{
	int fds[3] = {open("/dev/iommu", O_RDWR), -1, open(CDEV, O_RDWR)};

	fds[1] = dup(fds[0]);
	CHECK(fds[0] >= 0 && fds[1] >= 0 && fds[2] >= 0);
	exec_stage("kept", fds, 3);
}

static void kept_after(int fd, int dup_fd, int vfio_fd)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct stat st;
	uint32_t ioas;

	CHECK(getenv(EXECVAR) == NULL);
	CHECK(ioas_alloc(fd, &ioas) == 0);
	/* One context behind both numbers */
	CHECK(ioas_ranges(dup_fd, ioas) == 0);
	CHECK(fstat(vfio_fd, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(bind_attach(vfio_fd, fd, ioas) == 0);
	CHECK(ioctl(vfio_fd, VFIO_DEVICE_GET_INFO, &info) == 0 &&
	      info.num_regions > 0);
	CHECK(close(dup_fd) == 0 && close(vfio_fd) == 0 && close(fd) == 0);
}

static void busy_before(void)
{
	int fds[2] = {open("/dev/iommu", O_RDWR), open(CDEV, O_RDWR)};
	uint32_t ioas;

	CHECK(fds[0] >= 0 && fds[1] >= 0);
	CHECK(ioas_alloc(fds[0], &ioas) == 0);
	CHECK(bind_attach(fds[1], fds[0], ioas) == 0);
	exec_stage("busy", fds, 2);
}

/* The kernel would keep both; here they are what nobody serves */
static void busy_after(int fd, int vfio_fd)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	uint32_t ioas;

	CHECK(ioas_alloc(fd, &ioas) == -1 && errno == ENOTTY);
	CHECK(ioctl(vfio_fd, VFIO_DEVICE_GET_INFO, &info) == -1 &&
	      errno == ENOTTY);
	CHECK(close(fd) == 0 && close(vfio_fd) == 0);
}

static void cloexec_before(void)
{
	int fds[2] = {open("/dev/iommu", O_RDWR | O_CLOEXEC),
		      open("/dev/iommu", O_RDWR)};

	CHECK(fds[0] >= 0 && fds[1] >= 0);
	exec_stage("cloexec", fds, 2);
}

static void cloexec_after(int gone, int fd)
{
	uint32_t ioas;

	CHECK(fcntl(gone, F_GETFD) == -1 && errno == EBADF);
	CHECK(ioas_alloc(fd, &ioas) == 0);
}

/* Bypasses the shim's execve(), which would write the list itself */
static void forged_before(void)
{
	int a[2], b[2], p[2];
	char var[128], num[3][16];
	char *argv[6] = {(char *)self, "forged", num[0], num[1], num[2], NULL};
	char *envp[] = {var, NULL};

	CHECK(!socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) &&
	      !socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b) && !pipe(p));
	/* a[0] with another pair's end; a pipe as a cdev; a dup of neither */
	snprintf(var, sizeof(var),
		 EXECVAR "=%d:iommufd:%d,%d:vfio-cdev:0@5546:00:01.0,%d:dup:%d",
		 a[0], b[1], p[0], p[1], a[0]);
	snprintf(num[0], sizeof(num[0]), "%d", a[0]);
	snprintf(num[1], sizeof(num[1]), "%d", p[0]);
	snprintf(num[2], sizeof(num[2]), "%d", p[1]);
	syscall(SYS_execve, self, argv, envp);
	_exit(126);
}

static void forged_after(int sock, int pipe_rd, int pipe_wr)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	uint32_t ioas;

	CHECK(ioas_alloc(sock, &ioas) == -1 && errno == ENOTTY);
	CHECK(ioctl(pipe_rd, VFIO_DEVICE_GET_INFO, &info) == -1 &&
	      errno == ENOTTY);
	CHECK(ioas_alloc(pipe_wr, &ioas) == -1 && errno == ENOTTY);
}

/* The close-on-exec flag of every descriptor, as a bit string */
static void fd_flags(char *out, size_t size)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int max = 0;

	memset(out, '-', size - 1);
	out[size - 1] = 0;
	while (dir && (de = readdir(dir))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] != '.' && fd != dirfd(dir) &&
		    (size_t)fd < size - 1) {
			out[fd] = (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? 'c' : 'o';
			max = fd > max ? fd : max;
		}
	}
	out[max + 1] = 0;
	if (dir)
		closedir(dir);
}

static void failed_before(void)
{
	int fds[3] = {open("/dev/iommu", O_RDWR), -1, open(CDEV, O_RDWR)};
	char *argv[] = {"/nonexistent/program", NULL};
	char before[256], after[256];

	fds[1] = dup(fds[0]);
	fd_flags(before, sizeof(before));
	CHECK(execv(argv[0], argv) == -1 && errno == ENOENT);
	fd_flags(after, sizeof(after));
	CHECK(!strcmp(before, after));
	/* Still the same, empty, files: kept by the exec that works */
	CHECK(ioas_ranges(fds[0], 1) == -1 && errno == ENOENT);
	exec_stage("kept", fds, 3);
}

static const struct {
	const char *name;
	void (*before)(void);
} cases[] = {
	{"kept", kept_before},	     {"busy", busy_before},
	{"cloexec", cloexec_before}, {"forged", forged_before},
	{"failed", failed_before},
};

static int run_case(unsigned int i)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		cases[i].before();
		_exit(failures ? 1 : 125);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "case %s: status 0x%x\n", cases[i].name,
			status);
		return 1;
	}
	printf("ok %s\n", cases[i].name);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	self = argv[0];
	if (argc == 5 && !strcmp(argv[1], "kept"))
		kept_after(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	else if (argc == 4 && !strcmp(argv[1], "busy"))
		busy_after(atoi(argv[2]), atoi(argv[3]));
	else if (argc == 4 && !strcmp(argv[1], "cloexec"))
		cloexec_after(atoi(argv[2]), atoi(argv[3]));
	else if (argc == 5 && !strcmp(argv[1], "forged"))
		forged_after(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	else if (argc == 1)
		for (unsigned int i = 0; i != sizeof(cases) / sizeof(*cases);
		     i++)
			bad += run_case(i);
	else
		return 2;
	return failures || bad ? 1 : 0;
}
