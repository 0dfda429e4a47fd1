// SPDX-License-Identifier: MIT
/*
 * fd-pass: start a program with an iommufd opened for it, the way libvirt
 * or a KubeVirt device plugin starts QEMU with -object iommufd,fd=N.
 *
 *   fd-pass PROGRAM ARGS...     ("{iommufd}" in ARGS becomes the number)
 *   fd-pass --use N             (a program of that kind: uses descriptor N)
 *
 * Written only against the kernel's uAPI, so it runs on Linux as well as
 * under uiommufd-run. The launcher forks and waits rather than exec()ing
 * the program itself: under uiommufd the context lives in the process
 * that opened it, which must outlive its users (docs/multiprocess.md);
 * on Linux it does not matter.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>

#define PAGE 4096

/* The user's side: the context it was given, an IOAS, a memfd mapped in */
static int use_iommufd(int fd)
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

/* "{iommufd}" in the program's arguments becomes the descriptor */
static void substitute(char **argv, const char *number)
{
	for (; *argv; argv++)
		if (!strcmp(*argv, "{iommufd}"))
			*argv = (char *)number;
}

int main(int argc, char **argv)
{
	char number[16];
	int fd, status;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "--use"))
		return use_iommufd(atoi(argv[2]));
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM ARGS... | --use FD\n",
			argv[0]);
		return 2;
	}
	/* Not close-on-exec: the program inherits it */
	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0) {
		perror("/dev/iommu");
		return 1;
	}
	snprintf(number, sizeof(number), "%d", fd);
	substitute(argv + 1, number);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (!pid) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
