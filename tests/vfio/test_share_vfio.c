// SPDX-License-Identifier: MIT
/*
 * A VFIO device of one process' engine used by another process
 * (docs/multiprocess.md): a forked child and a receiver of SCM_RIGHTS bind
 * the owner's udma cdev to the owner's context, attach it to an IOAS they
 * made, map a memfd, set an interrupt eventfd and run a copy through the
 * device's registers; the owner then finds its file bound. A memfd that
 * only bears the label is refused by the owner and left alone; an owner
 * that is gone gives EIO.
 *
 * Every case runs in an owner process of its own, with an alarm: a hang
 * fails the case, not the suite.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* The helpers' VFIO bind(), not the socket's */
#define bind vfio_bind
#include "udma_helpers.h"
#include "../lib/procs.h"
#include "../../src/fs/share_proto.h"

#define IOVA_RING 0x100000UL
#define IOVA_BUF  0x200000UL
#define IOVA_P2P  0x400000UL /* a page of the device's BAR2 */

/* The owner's context and the udma's cdev, not bound */
static void owner_open(int *ctx, int *dev)
{
	static int index = -1;
	struct uiommufd_device_info info;

	if (index < 0) {
		STEP(80, !uiommufd_devices_add("udma,name=0000:62:01.0"));
		STEP(81, !uiommufd_device_info(0, &info));
		index = info.vfio_index;
	}
	*ctx = uiommufd_open(O_CLOEXEC);
	*dev = uiommufd_vfio_cdev_open((unsigned int)index, O_CLOEXEC);
	STEP(82, *ctx >= 0 && *dev >= 0);
}

static bool wr(int dev, uint32_t off, uint32_t v)
{
	return uiommufd_pwrite(dev, &v, 4, off) == 4;
}

static uint32_t rd(int dev, uint32_t off)
{
	uint32_t v = ~0u;

	return uiommufd_pread(dev, &v, 4, off) == 4 ? v : ~0u;
}

static long map_file(int ctx, uint32_t ioas, int mfd, uint64_t start,
		     uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map_file m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.fd = mfd,
		.start = start,
		.length = len,
		.iova = iova,
	};

	return ioc(ctx, IOMMU_IOAS_MAP_FILE, &m);
}

/*
 * A dma-buf of the first page of the device's memory BAR, made by the
 * owner for us, mapped in the IOAS at IOVA_P2P (QEMU's peer-to-peer)
 */
static int map_bar2(int ctx, uint32_t ioas, int dev)
{
	union {
		char buf[sizeof(struct vfio_device_feature) +
			 sizeof(struct vfio_device_feature_dma_buf) +
			 sizeof(struct vfio_region_dma_range)];
		uint64_t align;
	} u = {};
	struct vfio_device_feature *hdr = (void *)u.buf;
	struct vfio_device_feature_dma_buf *get = (void *)hdr->data;
	struct vfio_region_dma_range range = {.length = PAGE_SZ};
	long dbuf;

	hdr->argsz = sizeof(u.buf);
	hdr->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	get->region_index = VFIO_PCI_BAR0_REGION_INDEX + UDMA_BAR_MEM;
	get->open_flags = O_RDWR | O_CLOEXEC;
	get->nr_ranges = 1;
	memcpy(get->dma_ranges, &range, sizeof(range));
	dbuf = ioc(dev, VFIO_DEVICE_FEATURE, hdr);
	STEP(24, dbuf >= 0 && uiommufd_fd_kind((int)dbuf) == UIOMMUFD_FD_NONE);
	STEP(25, map_file(ctx, ioas, (int)dbuf, 0, PAGE_SZ, IOVA_P2P) == 0);
	/* The IOAS holds the dma-buf: our descriptor can go */
	STEP(26, close((int)dbuf) == 0);
	return 0;
}

/*
 * One copy of a page through the device, programmed by its registers,
 * then one into its own BAR2 through the IOAS (peer-to-peer)
 */
static int run_copy(int dev, struct udma_desc *ring, uint8_t *buf, int efd)
{
	const off_t bar2 = (off_t)(VFIO_PCI_BAR0_REGION_INDEX + UDMA_BAR_MEM)
			   << 40;
	uint8_t p2p[64];
	uint16_t cmd = 0x2 | 0x4; /* memory, bus master */
	uint64_t n;

	memset(buf, 0x3c, PAGE_SZ);
	memset(buf + PAGE_SZ, 0, PAGE_SZ);
	STEP(30, uiommufd_pwrite(dev, &cmd, 2, CFG(4)) == 2);
	STEP(31, wr(dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING) &&
			 wr(dev, UDMA_REG_RING_BASE + 4, 0) &&
			 wr(dev, UDMA_REG_RING_SIZE, 4) &&
			 wr(dev, UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE) &&
			 wr(dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE));
	STEP(32, rd(dev, UDMA_REG_ID) == UDMA_ID);
	ring[0] = (struct udma_desc){.op = UDMA_OP_COPY | UDMA_OP_IRQ,
				     .src = IOVA_BUF,
				     .dst = IOVA_BUF + PAGE_SZ,
				     .len = (uint32_t)PAGE_SZ};
	STEP(33, wr(dev, UDMA_REG_RING_HEAD, 1));
	for (int i = 0; i != 2000 && rd(dev, UDMA_REG_RING_TAIL) != 1; i++)
		usleep(500);
	STEP(34, rd(dev, UDMA_REG_RING_TAIL) == 1);
	STEP(35, __atomic_load_n(&ring[0].status, __ATOMIC_ACQUIRE) ==
			 UDMA_DESC_DONE);
	STEP(36, !memcmp(buf, buf + PAGE_SZ, PAGE_SZ));
	ring[1] = (struct udma_desc){.op = UDMA_OP_COPY,
				     .src = IOVA_BUF,
				     .dst = IOVA_P2P,
				     .len = sizeof(p2p)};
	STEP(45, wr(dev, UDMA_REG_RING_HEAD, 2));
	for (int i = 0; i != 2000 && rd(dev, UDMA_REG_RING_TAIL) != 2; i++)
		usleep(500);
	STEP(46, __atomic_load_n(&ring[1].status, __ATOMIC_ACQUIRE) ==
			 UDMA_DESC_DONE);
	STEP(47, uiommufd_pread(dev, p2p, sizeof(p2p), bar2) == sizeof(p2p) &&
			 !memcmp(p2p, buf, sizeof(p2p)));
	/* The owner signalled our eventfd */
	STEP(37, poll(&(struct pollfd){.fd = efd, .events = POLLIN}, 1, 5000) ==
				 1 &&
			 read(efd, &n, 8) == 8);
	STEP(38, wr(dev, UDMA_REG_CONTROL, 0));
	return 0;
}

/* Is the mapping at @p one of the memfd of @name, not a trapped one? */
static bool maps_memfd(const void *p, const char *name)
{
	char line[512], want[32];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)p);
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, want, strlen(want)) &&
			strstr(line, name) && strstr(line, " rw-s ");
	fclose(f);
	return found;
}

/*
 * The BARs mapped here: the register BAR's loads and stores reach the
 * model (trapped here, served by the owner), the memory BAR is the very
 * memory the model has
 */
static int map_bars(int dev)
{
	const off_t bar0 = (off_t)VFIO_PCI_BAR0_REGION_INDEX << 40;
	const off_t bar2 = (off_t)(VFIO_PCI_BAR0_REGION_INDEX + UDMA_BAR_MEM)
			   << 40;
	volatile uint32_t *regs;
	uint32_t v = 0;
	uint8_t *mem;
	void *p;

	STEP(70, !uiommufd_mmap(NULL, UDMA_BAR_REGS_LEN, PROT_READ | PROT_WRITE,
				MAP_SHARED, dev, bar0, &p));
	regs = p;
	STEP(71, regs[UDMA_REG_ID / 4] == UDMA_ID);
	regs[UDMA_REG_IRQ_MASK / 4] = UDMA_IRQ_ERROR;
	STEP(72, rd(dev, UDMA_REG_IRQ_MASK) == UDMA_IRQ_ERROR);
	STEP(73, !uiommufd_munmap(p, UDMA_BAR_REGS_LEN) &&
			 !munmap(p, UDMA_BAR_REGS_LEN));
	STEP(74, !uiommufd_mmap(NULL, UDMA_BAR_MEM_LEN, PROT_READ | PROT_WRITE,
				MAP_SHARED, dev, bar2, &p));
	mem = p;
	/* Not trapped: the model's memfd itself */
	STEP(83, maps_memfd(p, "/memfd:uiommufd-bar2-"));
	mem[100] = 0xa5;
	STEP(75, uiommufd_pread(dev, &v, 1, bar2 + 100) == 1 && v == 0xa5);
	v = 0x5a;
	STEP(76,
	     uiommufd_pwrite(dev, &v, 1, bar2 + 101) == 1 && mem[101] == 0x5a);
	STEP(77, !uiommufd_munmap(p, UDMA_BAR_MEM_LEN) &&
			 !munmap(p, UDMA_BAR_MEM_LEN));
	/* Not a region that maps: the owner's answer */
	STEP(78, uiommufd_mmap(NULL, 4096, PROT_READ, MAP_SHARED, dev,
			       (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40,
			       &p) == -EINVAL);
	return 0;
}

/* An answer of the owner and the descriptor it carries */
static bool recv_reply_fd(int chan, struct share_reply *reply, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = reply, .iov_len = sizeof(*reply)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;

	if (recvmsg(chan, &msg, MSG_CMSG_CLOEXEC) != sizeof(*reply))
		return false;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return false;
	memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return true;
}

/* A channel of our own to the owner's @dev, as share_client.c makes */
static int raw_channel(int ctx, int dev)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct share_hello hello = {.magic = SHARE_MAGIC, .dev_fd = dev};
	struct iovec iov = {.iov_base = &hello, .iov_len = sizeof(hello)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct share_reply answer;
	int chan[2];

	STEP(84, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &chan[1], sizeof(int));
	STEP(85, sendmsg(ctx, &msg, MSG_NOSIGNAL) == sizeof(hello) &&
			 !close(chan[1]));
	STEP(86, recv(chan[0], &answer, sizeof(answer), 0) == sizeof(answer) &&
			 answer.rc == 0);
	return chan[0];
}

/*
 * The memfd a mapping of the memory BAR is sent with, kept by a client
 * that does not close it: it cannot resize the model's memory under the
 * owner (which would take SIGBUS at its next access)
 */
static int bar_memfd_sealed(int ctx, int dev)
{
	const off_t bar2 = (off_t)(VFIO_PCI_BAR0_REGION_INDEX + UDMA_BAR_MEM)
			   << 40;
	struct share_req req = {
		.magic = SHARE_MAGIC,
		.op = SHARE_OP_MMAP,
		.cmd = PROT_READ | PROT_WRITE,
		.arg = MAP_SHARED,
		.count = UDMA_BAR_MEM_LEN,
		.pos = (uint64_t)bar2,
	};
	struct share_reply reply;
	int chan = raw_channel(ctx, dev), mfd;
	uint32_t v = 0;

	STEP(87, send(chan, &req, sizeof(req), 0) == sizeof(req));
	STEP(88, recv_reply_fd(chan, &reply, &mfd) && reply.rc == 0);
	STEP(89, ftruncate(mfd, 0) == -1 && errno == EPERM);
	STEP(92, ftruncate(mfd, 2 * UDMA_BAR_MEM_LEN) == -1 && errno == EPERM);
	STEP(93, uiommufd_pread(dev, &v, 1, bar2 + 100) == 1);
	close(mfd);
	close(chan);
	return 0;
}

/* The interrupt info, and a function reset (udma has FLR) */
static int irq_info_and_reset(int dev)
{
	struct vfio_irq_info irq = {.argsz = sizeof(irq),
				    .index = VFIO_PCI_MSIX_IRQ_INDEX};
	struct vfio_device_info info = {.argsz = sizeof(info)};
	uint16_t cmd = 0;

	STEP(66, ioc(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq) == 0 &&
			 irq.count == UDMA_MSIX_VECTORS &&
			 (irq.flags & VFIO_IRQ_INFO_EVENTFD));
	STEP(67, wr(dev, UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE) &&
			 rd(dev, UDMA_REG_IRQ_MASK) == UDMA_IRQ_DONE);
	STEP(68, ioc(dev, VFIO_DEVICE_GET_INFO, &info) == 0 &&
			 (info.flags & VFIO_DEVICE_FLAGS_RESET));
	STEP(69, ioc(dev, VFIO_DEVICE_RESET, NULL) == 0);
	/*
	 * The function is back to power-on (its config space kept, as the
	 * kernel's reset restores it): the mask is clear
	 */
	STEP(79, uiommufd_pread(dev, &cmd, 2, CFG(4)) == 2 && (cmd & 0x2) &&
			 rd(dev, UDMA_REG_IRQ_MASK) == 0);
	return 0;
}

/*
 * What a VMM does with a device it was given: bind it to the context,
 * attach it to an IOAS of its own, map guest memory (a memfd), set its
 * interrupt and let the device DMA
 */
static int use_device(int ctx, int dev)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct vfio_region_info region = {
		.argsz = sizeof(region),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	uint16_t cmd = 0x2 | 0x4; /* memory, bus master */
	uint32_t devid = 0, ioas, pt;
	struct udma_desc *ring;
	int mfd, efd;

	/* Nothing but BIND before the file is bound, as the kernel's cdev */
	STEP(10, ioc(dev, VFIO_DEVICE_GET_INFO, &info) == -EINVAL);
	STEP(11, bind(dev, ctx, &devid) == 0 && devid);
	STEP(12, uiommufd_fd_kind(dev) == UIOMMUFD_FD_VFIO_DEVICE);
	/* A file binds once */
	STEP(13, bind(dev, ctx, NULL) == -EINVAL);
	ioas = pt = ioas_alloc(ctx);
	/* pt_id out: the HWPT made for the device */
	STEP(14, attach(dev, &pt) == 0 && pt != ioas);
	STEP(15, ioc(dev, VFIO_DEVICE_GET_INFO, &info) == 0 &&
			 (info.flags & VFIO_DEVICE_FLAGS_PCI) &&
			 info.num_regions > VFIO_PCI_CONFIG_REGION_INDEX);
	STEP(16, ioc(dev, VFIO_DEVICE_GET_REGION_INFO, &region) == 0 &&
			 region.size == UDMA_BAR_REGS_LEN);

	mfd = memfd_create("guest-ram", MFD_CLOEXEC);
	STEP(17, mfd >= 0 && !ftruncate(mfd, 3 * PAGE_SZ));
	ring = mmap(NULL, 3 * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, mfd,
		    0);
	STEP(18, ring != MAP_FAILED);
	STEP(19, map_file(ctx, ioas, mfd, 0, PAGE_SZ, IOVA_RING) == 0);
	STEP(20, map_file(ctx, ioas, mfd, PAGE_SZ, 2 * PAGE_SZ, IOVA_BUF) == 0);
	/* Memory decoding on: a BAR's dma-buf is revoked while it is off */
	STEP(23, uiommufd_pwrite(dev, &cmd, 2, CFG(4)) == 2);
	map_bar2(ctx, ioas, dev);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* Our descriptors, taken by the owner: an eventfd, and not one */
	STEP(21, efd >= 0 && set_msix_eventfd(dev, mfd) == -EINVAL);
	STEP(22, set_msix_eventfd(dev, efd) == 0);
	run_copy(dev, ring, (uint8_t *)ring + PAGE_SZ, efd);
	map_bars(dev);
	bar_memfd_sealed(ctx, dev);
	irq_info_and_reset(dev);
	STEP(27, detach(dev) == 0);
	munmap(ring, 3 * PAGE_SZ);
	close(mfd);
	close(efd);
	return 0;
}

/* The owner's file was bound by another process: bound here too */
static int owner_sees_bound(int ctx, int dev)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};

	STEP(40, ioc(dev, VFIO_DEVICE_GET_INFO, &info) == 0);
	STEP(41, bind(dev, ctx, NULL) == -EINVAL);
	/*
	 * Every descriptor closed: the device goes with the context, and
	 * the cdev binds again
	 */
	STEP(42, uiommufd_close(dev) == 0 && uiommufd_close(ctx) == 0);
	owner_open(&ctx, &dev);
	STEP(43, bind(dev, ctx, NULL) == 0);
	STEP(44, uiommufd_close(dev) == 0 && uiommufd_close(ctx) == 0);
	return 0;
}

/* A forked child uses its parent's device and context */
static int forked_client(void)
{
	int ctx, dev;
	pid_t child;

	owner_open(&ctx, &dev);
	child = fork();
	if (!child)
		exit(use_device(ctx, dev));
	STEP(1, exit_code(child) == 0);
	return owner_sees_bound(ctx, dev);
}

static void test_forked_client(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(forked_client));
}

/*
 * A process forked before the owner opened (it never had the engine),
 * given the context and the cdev: fn(ctx, dev)
 */
static pid_t fork_receiver(int sock, int (*fn)(int ctx, int dev))
{
	pid_t pid = fork();

	if (!pid) {
		int fds[2];

		alarm(20);
		STEP(90, recv_fds(sock, fds, 2) == 0);
		/* Not ours until their first ioctl */
		STEP(91, uiommufd_fd_kind(fds[0]) == UIOMMUFD_FD_NONE &&
				 uiommufd_fd_kind(fds[1]) == UIOMMUFD_FD_NONE);
		exit(fn(fds[0], fds[1]));
	}
	return pid;
}

/* A memfd named as the owner's cdevs are */
static int forged_memfd(pid_t owner)
{
	char name[64];

	snprintf(name, sizeof(name), "uiommufd-dev/%d", (int)owner);
	return memfd_create(name, MFD_CLOEXEC);
}

/*
 * Memfds that only bear the label: the owner does not find them among its
 * files, nothing is written to them, they stay the program's. Descriptors
 * that are not a context of the device's owner: the kernel's errnos.
 */
/*
 * A labelled memfd of another user (made with that fsuid): not adopted,
 * so nothing of ours goes to any owner for it; what any memfd answers
 * the C API (EBADF)
 */
static void other_users_label(pid_t owner, int ctx)
{
	struct stat st;
	int foreign;

	setfsuid(65534);
	foreign = forged_memfd(owner);
	setfsuid(0);
	STEP(48, foreign >= 0 && !fstat(foreign, &st) && st.st_uid == 65534);
	STEP(49, bind(foreign, ctx, NULL) == -EBADF &&
			 uiommufd_fd_kind(foreign) == UIOMMUFD_FD_NONE);
	close(foreign);
}

static int forged_labels(int ctx, int dev)
{
	socklen_t len = sizeof(struct ucred);
	struct ucred cred;
	int forged, other, own;
	struct stat st;

	STEP(50, !getsockopt(ctx, SOL_SOCKET, SO_PEERCRED, &cred, &len));
	forged = forged_memfd(cred.pid);
	other = forged_memfd(1);
	STEP(51, forged >= 0 && other >= 0);
	STEP(52, bind(forged, ctx, NULL) == -ENOTTY);
	STEP(53, uiommufd_fd_kind(forged) == UIOMMUFD_FD_NONE);
	STEP(54, !fstat(forged, &st) && st.st_size == 0);
	/* It names a process whose context this is not */
	STEP(55, bind(other, ctx, NULL) == -EBADFD);
	own = uiommufd_open(O_CLOEXEC);
	STEP(56, own >= 0 && bind(dev, own, NULL) == -EBADFD);
	STEP(57, bind(dev, 1000, NULL) == -EBADF);
	STEP(58, uiommufd_close(own) == 0 && close(forged) == 0);
	if (geteuid() == 0)
		other_users_label(cred.pid, ctx);
	return 0;
}

static int scm_user(int ctx, int dev)
{
	forged_labels(ctx, dev);
	use_device(ctx, dev);
	STEP(59, uiommufd_close(dev) == 0 && uiommufd_close(ctx) == 0);
	return 0;
}

static int scm_rights(void)
{
	int sv[2], fds[2];
	pid_t child;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	child = fork_receiver(sv[1], scm_user);
	owner_open(&fds[0], &fds[1]);
	STEP(2,
	     uiommufd_fd_share(fds[0]) == 0 && uiommufd_fd_share(fds[1]) == 0);
	STEP(3, send_fds(sv[0], fds, 2) == 0);
	STEP(4, exit_code(child) == 0);
	return owner_sees_bound(fds[0], fds[1]);
}

static void test_scm_rights(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(scm_rights));
}

/*
 * The owner exits while the receiver uses its device: the kernel would
 * keep both files alive; here they went with the owner's engine, and the
 * receiver gets EIO, never a hang
 */
static int gone_sync[2];

static int gone_user(int ctx, int dev)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	socklen_t len = sizeof(struct ucred);
	struct ucred cred;
	char c = 0;

	STEP(60, bind(dev, ctx, NULL) == 0);
	STEP(61, !getsockopt(ctx, SOL_SOCKET, SO_PEERCRED, &cred, &len));
	STEP(62, write(gone_sync[1], &c, 1) == 1);
	for (int i = 0; i != 5000 && !kill(cred.pid, 0); i++)
		usleep(1000);
	STEP(63, ioc(dev, VFIO_DEVICE_GET_INFO, &info) == -EIO);
	STEP(64, uiommufd_pread(dev, &c, 1, CFG(0)) == -EIO);
	STEP(65, uiommufd_close(dev) == 0 && uiommufd_close(ctx) == 0);
	return 0;
}

static int owner_gone(void)
{
	int sv[2], fds[2];
	pid_t receiver, owner;
	char c;

	STEP(1, !socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) &&
			!pipe(gone_sync));
	receiver = fork_receiver(sv[1], gone_user);
	owner = fork();
	if (!owner) {
		owner_open(&fds[0], &fds[1]);
		STEP(2, uiommufd_fd_share(fds[0]) == 0 &&
				uiommufd_fd_share(fds[1]) == 0);
		STEP(3, send_fds(sv[0], fds, 2) == 0);
		/* Gone once the receiver is bound */
		STEP(4, read(gone_sync[0], &c, 1) == 1);
		exit(0);
	}
	STEP(5, exit_code(owner) == 0);
	STEP(6, exit_code(receiver) == 0);
	return 0;
}

static void test_owner_gone(void **state)
{
	(void)state;
	assert_int_equal(0, run_owner(owner_gone));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forked_client),
		cmocka_unit_test(test_scm_rights),
		cmocka_unit_test(test_owner_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
