// SPDX-License-Identifier: MIT
/*
 * fd-pass: start a program with an iommufd (and a VFIO device cdev)
 * opened for it, the way libvirt or a KubeVirt device plugin starts QEMU
 * with -object iommufd,fd=N -device vfio-pci,fd=M,iommufd=...
 *
 *   fd-pass [--exec] [--vfio CDEV] PROGRAM ARGS...
 *       "{iommufd}" and "{vfio}" in ARGS become the descriptors' numbers
 *       ("fd={iommufd}" too).
 *       By default the launcher forks, the child execs the program and the
 *       launcher waits; with --exec the launcher execs the program itself.
 *   fd-pass --use N [--vfio-fd M]
 *       a program of that kind: uses descriptor N (and device M).
 *
 * Written only against the kernel's uAPI, so it runs on Linux as well as
 * under uiommufd-run. Under uiommufd a context lives in the process that
 * opened it (docs/multiprocess.md): --exec keeps it because nothing was
 * done with the descriptors before the exec; the fork mode keeps the
 * launcher alive as the owner of the context and of the device, whose
 * calls the program's process sends to it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/vfio.h>

#define PAGE 4096

/* Bind the device to the context and attach it to the IOAS */
static int use_device(int fd, int vfio_fd, uint32_t ioas_id)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = fd,
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = ioas_id,
	};

	if (ioctl(vfio_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		printf("VFIO_DEVICE_BIND_IOMMUFD on fd %d: %s\n", vfio_fd,
		       strerror(errno));
		return 1;
	}
	printf("VFIO_DEVICE_BIND_IOMMUFD on fd %d: bound\n", vfio_fd);
	if (ioctl(vfio_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach)) {
		printf("VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s\n", strerror(errno));
		return 1;
	}
	printf("VFIO_DEVICE_ATTACH_IOMMUFD_PT: attached\n");
	return 0;
}

/* The user's side: the context it was given, an IOAS, a memfd mapped in */
static int use_iommufd(int fd, int vfio_fd)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_ioas_change_process change = {.size = sizeof(change)};
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.length = PAGE,
	};
	int mfd = memfd_create("fd-pass", MFD_CLOEXEC);

	if (mfd < 0 || ftruncate(mfd, PAGE))
		return 1;
	if (ioctl(fd, IOMMU_IOAS_ALLOC, &alloc)) {
		printf("IOMMU_IOAS_ALLOC on fd %d: %s\n", fd, strerror(errno));
		return 1;
	}
	printf("IOMMU_IOAS_ALLOC on fd %d: IOAS %u\n", fd, alloc.out_ioas_id);
	if (vfio_fd >= 0 && use_device(fd, vfio_fd, alloc.out_ioas_id))
		return 1;
	map.ioas_id = alloc.out_ioas_id;
	map.fd = mfd;
	if (ioctl(fd, IOMMU_IOAS_MAP_FILE, &map)) {
		printf("IOMMU_IOAS_MAP_FILE: %s\n", strerror(errno));
		return 1;
	}
	printf("IOMMU_IOAS_MAP_FILE: a memfd page at IOVA 0x%llx\n",
	       (unsigned long long)map.iova);
	/* Only file mappings in the context: the charge may move to us */
	if (ioctl(fd, IOMMU_IOAS_CHANGE_PROCESS, &change)) {
		printf("IOMMU_IOAS_CHANGE_PROCESS: %s\n", strerror(errno));
		return 1;
	}
	printf("IOMMU_IOAS_CHANGE_PROCESS: ok\n");
	return 0;
}

/* "{name}" in the program's arguments becomes the descriptor's number */
static void substitute(char **argv, const char *name, int fd)
{
	for (; *argv; argv++) {
		char *at = strstr(*argv, name), *arg;

		if (!at)
			continue;
		if (asprintf(&arg, "%.*s%d%s", (int)(at - *argv), *argv, fd,
			     at + strlen(name)) < 0)
			exit(1);
		*argv = arg;
	}
}

/* Run the program: exec it here, or in a child the launcher waits for */
static int start(char **argv, bool exec_here)
{
	int status;
	pid_t pid = exec_here ? 0 : fork();

	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *vfio_path = NULL;
	bool exec_here = false;
	int fd, vfio_fd = -1;
	int i = 1;

	if (argc >= 3 && !strcmp(argv[1], "--use"))
		return use_iommufd(atoi(argv[2]),
				   argc == 5 && !strcmp(argv[3], "--vfio-fd")
					   ? atoi(argv[4])
					   : -1);
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--exec"))
			exec_here = true;
		else if (!strcmp(argv[i], "--vfio") && i + 1 < argc)
			vfio_path = argv[++i];
		else
			break;
	}
	if (i >= argc || !strncmp(argv[i], "--", 2)) {
		fprintf(stderr,
			"usage: %s [--exec] [--vfio CDEV] PROGRAM ARGS... | "
			"--use FD [--vfio-fd FD]\n",
			argv[0]);
		return 2;
	}
	/* Not close-on-exec: the program inherits them */
	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0) {
		perror("/dev/iommu");
		return 1;
	}
	substitute(argv + i, "{iommufd}", fd);
	if (vfio_path) {
		vfio_fd = open(vfio_path, O_RDWR);
		if (vfio_fd < 0) {
			perror(vfio_path);
			return 1;
		}
		substitute(argv + i, "{vfio}", vfio_fd);
	}
	return start(argv + i, exec_here);
}
