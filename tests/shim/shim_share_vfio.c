// SPDX-License-Identifier: MIT
/*
 * A VFIO cdev sent with SCM_RIGHTS to a running process, as an unmodified
 * program does it under uiommufd-run with one device, "udma"
 * (docs/multiprocess.md): the receiver, forked before the sender opened
 * anything, binds the device to the sender's context with plain ioctls,
 * reads its config space with pread and its registers through an mmap of
 * BAR0. The sender closes its own descriptor of the cdev right after
 * sending: the shim's sendmsg() served the file, so it stays for the
 * receiver, as the kernel's file would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#include "../lib/check.h"
#include "../lib/procs.h"

#define CDEV "/dev/vfio/devices/vfio0"
/* Region offsets of vfio-pci: the index above bit 40 */
#define REGION(index, off) (((off_t)(index) << 40) + (off))

/* The receiver: the device bound, attached, its config and BAR0 read */
static void receiver(int sock, int go)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	struct vfio_device_attach_iommufd_pt attach = {.argsz = sizeof(attach)};
	struct vfio_device_info info = {.argsz = sizeof(info)};
	volatile uint32_t *regs;
	uint16_t vendor = 0;
	int fds[2];
	char c;

	REQUIRE(recv_fds(sock, fds, 2) == 0);
	/* The sender has closed its copy of the cdev */
	REQUIRE(read(go, &c, 1) == 1);
	bind.iommufd = fds[0];
	REQUIRE(ioctl(fds[1], VFIO_DEVICE_BIND_IOMMUFD, &bind) == 0);
	CHECK(bind.out_devid != 0);
	REQUIRE(ioctl(fds[0], IOMMU_IOAS_ALLOC, &alloc) == 0);
	attach.pt_id = alloc.out_ioas_id;
	CHECK(ioctl(fds[1], VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) == 0);
	CHECK(ioctl(fds[1], VFIO_DEVICE_GET_INFO, &info) == 0 &&
	      (info.flags & VFIO_DEVICE_FLAGS_PCI));
	CHECK(pread(fds[1], &vendor, 2,
		    REGION(VFIO_PCI_CONFIG_REGION_INDEX, 0)) == 2 &&
	      vendor == UDMA_VENDOR_ID);
	vendor = 0x2 /* memory decoding */;
	CHECK(pwrite(fds[1], &vendor, 2,
		     REGION(VFIO_PCI_CONFIG_REGION_INDEX, 4)) == 2);
	regs = mmap(NULL, UDMA_BAR_REGS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fds[1], REGION(VFIO_PCI_BAR0_REGION_INDEX, 0));
	REQUIRE(regs != MAP_FAILED);
	CHECK(regs[UDMA_REG_ID / 4] == UDMA_ID);
	CHECK(munmap((void *)regs, UDMA_BAR_REGS_LEN) == 0);
	CHECK(close(fds[1]) == 0 && close(fds[0]) == 0);
	exit(check_failures ? 1 : 0);
}

int main(void)
{
	int sv[2], go[2], fds[2], status;
	pid_t pid;

	REQUIRE(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) &&
		!pipe(go));
	/* Forked before anything is opened: it never had the engine */
	pid = fork();
	REQUIRE(pid >= 0);
	if (!pid)
		receiver(sv[1], go[0]);
	fds[0] = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	fds[1] = open(CDEV, O_RDWR | O_CLOEXEC);
	REQUIRE(fds[0] >= 0 && fds[1] >= 0);
	REQUIRE(send_fds(sv[0], fds, 2) == 0);
	/* Sent: our copy of the cdev can go, the receiver's stays usable */
	CHECK(close(fds[1]) == 0);
	REQUIRE(write(go[1], "", 1) == 1);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(close(fds[0]) == 0);
	printf("%s\n", check_failures ? "FAIL" : "ok");
	return check_failures ? 1 : 0;
}
