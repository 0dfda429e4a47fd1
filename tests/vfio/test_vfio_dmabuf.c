// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF and peer-to-peer DMA: a slice of one udma's
 * BAR exported as a dma-buf, mapped with IOMMU_IOAS_MAP_FILE into the IOAS
 * of a second udma, which then DMAs into the first one's BAR memory and
 * registers. The errno of each refused request is the one the kernel's
 * vfio_pci_core_feature_dma_buf() and iopt_alloc_dmabuf_pages() give, and
 * a reset, memory decoding turned off, low power and close revoke the
 * buffer: the IOAS mapping stops translating (the DMA faults), unmapping
 * it still works, and new maps are refused while the revoke lasts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "udma_helpers.h"

#define IOVA_RING 0x10000000ULL
#define IOVA_SRC  0x20000000ULL
#define IOVA_P2P  0x40000000ULL
#define BAR0	  ((off_t)VFIO_PCI_BAR0_REGION_INDEX << 40)
#define BAR2	  ((off_t)VFIO_PCI_BAR2_REGION_INDEX << 40)
#define RW	  (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define PG	  4096u

static struct uiommufd_device_info peer, dmaer, edu;

/* The exporting udma (peer) and the one that DMAs into it (dmaer) */
static struct {
	int ctx, peer_dev, dev;
	uint32_t ioas;
	struct udma_desc *ring;
	char *src;
	uint32_t head;
} f;

/*
 * struct vfio_device_feature, then struct vfio_device_feature_dma_buf,
 * then two ranges: the uAPI structs end in flexible arrays, which cannot
 * be nested in ISO C, so their fixed parts are spelled out here
 */
struct feature_hdr {
	uint32_t argsz, flags;
};

struct dmabuf_req {
	uint32_t region_index, open_flags, flags, nr_ranges;
};

struct feature_dmabuf {
	struct feature_hdr hdr;
	struct dmabuf_req db;
	struct vfio_region_dma_range ranges[2];
};

_Static_assert(sizeof(struct feature_hdr) ==
		       offsetof(struct vfio_device_feature, data),
	       "vfio_device_feature");
_Static_assert(sizeof(struct dmabuf_req) ==
			       offsetof(struct vfio_device_feature_dma_buf,
					dma_ranges) &&
		       offsetof(struct dmabuf_req, nr_ranges) ==
			       offsetof(struct vfio_device_feature_dma_buf,
					nr_ranges),
	       "vfio_device_feature_dma_buf");

static long get_dmabuf(int dev, uint32_t flags, uint32_t region,
		       const struct vfio_region_dma_range *ranges,
		       uint32_t nr_ranges)
{
	struct feature_dmabuf fd = {
		.hdr = {.argsz = sizeof(fd),
			.flags = flags | VFIO_DEVICE_FEATURE_DMA_BUF},
		.db = {.region_index = region,
		       .open_flags = O_RDWR | O_CLOEXEC,
		       .nr_ranges = nr_ranges},
	};

	memcpy(fd.ranges, ranges,
	       (nr_ranges < 2 ? nr_ranges : 2) *
		       sizeof(struct vfio_region_dma_range));
	return ioc(dev, VFIO_DEVICE_FEATURE, &fd);
}

/* A dma-buf of [offset, offset + length) of a BAR of the peer */
static int peer_dmabuf(uint32_t region, uint64_t offset, uint64_t length)
{
	struct vfio_region_dma_range r = {.offset = offset, .length = length};
	long fd =
		get_dmabuf(f.peer_dev, VFIO_DEVICE_FEATURE_GET, region, &r, 1);

	assert_true(fd >= 0);
	assert_int_equal(UIOMMUFD_FD_DMABUF, uiommufd_fd_kind((int)fd));
	return (int)fd;
}

static long map_file(int fd, uint64_t start, uint64_t length, uint64_t iova)
{
	struct iommu_ioas_map_file m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | RW,
		.ioas_id = f.ioas,
		.fd = fd,
		.start = start,
		.length = length,
		.iova = iova,
	};

	return ioc(f.ctx, IOMMU_IOAS_MAP_FILE, &m);
}

static int setup(void **state)
{
	uint64_t iova;
	uint32_t pt;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.ctx = uiommufd_open(O_CLOEXEC);
	f.peer_dev = uiommufd_vfio_cdev_open((unsigned int)peer.vfio_index,
					     O_CLOEXEC);
	f.dev = uiommufd_vfio_cdev_open((unsigned int)dmaer.vfio_index,
					O_CLOEXEC);
	if (f.ctx < 0 || f.peer_dev < 0 || f.dev < 0 ||
	    bind(f.peer_dev, f.ctx, NULL) || bind(f.dev, f.ctx, NULL))
		return -1;
	f.ioas = pt = ioas_alloc(f.ctx);
	if (attach(f.dev, &pt))
		return -1;
	f.ring = map_anon(PG);
	f.src = map_anon(PG);
	iova = IOVA_RING;
	if (ioas_map(f.ctx, f.ioas, f.ring, PG, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | RW))
		return -1;
	iova = IOVA_SRC;
	if (ioas_map(f.ctx, f.ioas, f.src, PG, &iova,
		     IOMMU_IOAS_MAP_FIXED_IOVA | RW))
		return -1;
	bus_master(f.dev);
	reg(f.dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING);
	reg(f.dev, UDMA_REG_RING_BASE + 4, (uint32_t)(IOVA_RING >> 32));
	reg(f.dev, UDMA_REG_RING_SIZE, PG / sizeof(struct udma_desc));
	reg(f.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (f.dev > 0)
		uiommufd_close(f.dev);
	if (f.peer_dev > 0)
		uiommufd_close(f.peer_dev);
	if (f.ctx > 0)
		uiommufd_close(f.ctx);
	munmap(f.ring, PG);
	munmap(f.src, PG);
	memset(&f, 0, sizeof(f));
	return 0;
}

/* A register of dev once it reads want, or what it reads after 5 s */
static uint32_t wait_reg(int dev, uint32_t off, uint32_t want)
{
	struct timespec ts = {0, 1000000};
	uint32_t v = reg_read(dev, off);

	for (int i = 0; i != 5000 && v != want; i++) {
		nanosleep(&ts, NULL);
		v = reg_read(dev, off);
	}
	return v;
}

/*
 * One descriptor run by the dmaer; its status. The engine moves RING_TAIL
 * past a descriptor (under its lock) after writing the status back.
 */
static uint32_t run(uint32_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	uint32_t entries = PG / sizeof(struct udma_desc);
	struct udma_desc *d = &f.ring[f.head];

	*d = (struct udma_desc){.op = op, .src = src, .dst = dst, .len = len};
	f.head = (f.head + 1) % entries;
	reg(f.dev, UDMA_REG_RING_HEAD, f.head);
	assert_int_equal(f.head, wait_reg(f.dev, UDMA_REG_RING_TAIL, f.head));
	return d->status;
}

static uint32_t copy_to(uint64_t dst, uint32_t len)
{
	return run(UDMA_OP_COPY, IOVA_SRC, dst, len);
}

static void peer_mem_read(void *buf, size_t len, uint64_t off)
{
	assert_int_equal((ssize_t)len,
			 uiommufd_pread(f.peer_dev, buf, len, BAR2 + off));
}

/* PROBE and the vfio_check_feature() rules: GET only, a payload */
static void test_probe(void **state)
{
	struct vfio_device_feature hdr = {.argsz = sizeof(hdr)};
	struct feature_dmabuf fd = {.hdr.argsz = sizeof(fd.hdr) + 8};

	(void)state;
	hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF | VFIO_DEVICE_FEATURE_PROBE |
		    VFIO_DEVICE_FEATURE_GET;
	assert_int_equal(0, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF | VFIO_DEVICE_FEATURE_PROBE;
	assert_int_equal(0, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF | VFIO_DEVICE_FEATURE_PROBE |
		    VFIO_DEVICE_FEATURE_SET;
	assert_int_equal(-EINVAL, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF | VFIO_DEVICE_FEATURE_SET;
	assert_int_equal(-EINVAL, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF;
	assert_int_equal(-EINVAL, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	/* GET with less than the fixed part */
	fd.hdr.flags = VFIO_DEVICE_FEATURE_DMA_BUF | VFIO_DEVICE_FEATURE_GET;
	fd.db.nr_ranges = 1;
	assert_int_equal(-EINVAL, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &fd));
}

/* Each refused request, in the kernel's order of checks */
static void test_args(void **state)
{
	const uint32_t get = VFIO_DEVICE_FEATURE_GET;
	struct vfio_region_dma_range r[2] = {{0, PG}, {PG, PG}};
	struct feature_dmabuf *fd;
	char *pages;

	(void)state;
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 0));
	/* Reserved flags */
	{
		struct feature_dmabuf x = {
			.hdr = {.argsz = sizeof(x),
				.flags = get | VFIO_DEVICE_FEATURE_DMA_BUF},
			.db = {.region_index = 2, .flags = 1, .nr_ranges = 1},
			.ranges = {{0, PG}},
		};

		assert_int_equal(-EINVAL,
				 ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &x));
	}
	/* No BAR 1 (BAR0 is 32-bit, BAR2 64-bit), the ROM, config space */
	assert_int_equal(-ENODEV, get_dmabuf(f.peer_dev, get, 1, r, 1));
	assert_int_equal(-ENODEV, get_dmabuf(f.peer_dev, get, 3, r, 1));
	assert_int_equal(-ENODEV, get_dmabuf(f.peer_dev, get, 6, r, 1));
	assert_int_equal(-ENODEV, get_dmabuf(f.peer_dev, get, 7, r, 1));
	assert_int_equal(-ENODEV, get_dmabuf(f.peer_dev, get, ~0u, r, 1));
	/* Alignment and length of each range */
	r[0] = (struct vfio_region_dma_range){PG / 2, PG};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	r[0] = (struct vfio_region_dma_range){0, PG / 2};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	r[0] = (struct vfio_region_dma_range){0, 0};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	/* Lengths whose sum wraps, or reaches the swiotlb bit */
	r[0] = (struct vfio_region_dma_range){0, 1ULL << 63};
	r[1] = (struct vfio_region_dma_range){0, 1ULL << 63};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 2));
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	/* Outside the BAR, or wrapping around the bus */
	r[0] = (struct vfio_region_dma_range){0, UDMA_BAR_MEM_LEN + PG};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	r[0] = (struct vfio_region_dma_range){UDMA_BAR_MEM_LEN, PG};
	assert_int_equal(-EINVAL, get_dmabuf(f.peer_dev, get, 2, r, 1));
	r[0] = (struct vfio_region_dma_range){~0ULL - PG + 1, PG};
	assert_int_equal(-EOVERFLOW, get_dmabuf(f.peer_dev, get, 2, r, 1));
	r[0] = (struct vfio_region_dma_range){0, PG};
	r[1] = (struct vfio_region_dma_range){~0ULL - 2 * PG + 1, 2 * PG};
	assert_int_equal(-EOVERFLOW, get_dmabuf(f.peer_dev, get, 2, r, 2));
	/* The ranges are copied as nr_ranges says, whatever argsz says */
	assert_int_equal(-ENOMEM, get_dmabuf(f.peer_dev, get, 2, r, 1u << 20));
	pages = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(pages != MAP_FAILED);
	assert_int_equal(0, mprotect(pages + PG, PG, PROT_NONE));
	fd = (void *)(pages + PG - offsetof(struct feature_dmabuf, ranges));
	memset(fd, 0, offsetof(struct feature_dmabuf, ranges));
	fd->hdr.argsz = sizeof(*fd);
	fd->hdr.flags = get | VFIO_DEVICE_FEATURE_DMA_BUF;
	fd->db.region_index = 2;
	fd->db.nr_ranges = 1;
	assert_int_equal(-EFAULT, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, fd));
	munmap(pages, 2 * PG);
}

/* DMA by the dmaer into the peer's BAR memory, and back out of it */
static void test_p2p_memory(void **state)
{
	char buf[2 * PG];
	int fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 2 * PG, 4 * PG);
	/* Only the buffer's bytes map: start + length inside its size */
	assert_int_equal(-EINVAL, map_file(fd, PG, 4 * PG, IOVA_P2P));
	assert_int_equal(-EINVAL, map_file(fd, 0, 4 * PG + 1, IOVA_P2P));
	assert_int_equal(0, map_file(fd, PG, 2 * PG, IOVA_P2P));

	memset(f.src, 0x5a, PG);
	assert_int_equal(UDMA_DESC_DONE, copy_to(IOVA_P2P + 8, PG - 8));
	/* Landed at the BAR's offset 2 pages + 1 page (the map's start) */
	peer_mem_read(buf, 2 * PG, 2 * PG);
	for (unsigned int i = 0; i != 2 * PG; i++)
		assert_int_equal(i >= PG + 8 && i < 2 * PG ? 0x5a : 0,
				 (unsigned char)buf[i]);
	/* The peer's memory read back by DMA, and a fill of it */
	assert_int_equal(UDMA_DESC_DONE,
			 run(UDMA_OP_COPY, IOVA_P2P + 8, IOVA_SRC + 1, 16));
	assert_int_equal(UDMA_DESC_DONE, run(UDMA_OP_FILL, 0x0102030405060708,
					     IOVA_P2P + PG, 8));
	peer_mem_read(buf, 8, 4 * PG);
	assert_int_equal(0x0102030405060708ULL, *(uint64_t *)buf);
	/* Past the mapping: not translated */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy_to(IOVA_P2P + 2 * PG, 8));
	assert_int_equal(0, uiommufd_close(fd));
	/* The IOAS keeps the buffer: DMA goes on after the fd is closed */
	assert_int_equal(UDMA_DESC_DONE, copy_to(IOVA_P2P, 8));
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P, 2 * PG, NULL));
}

/* DMA into a register BAR reaches the registers, with their effects */
static void test_p2p_registers(void **state)
{
	uint64_t *v = (uint64_t *)f.src;
	uint32_t id;
	int fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_REGS, 0, UDMA_BAR_REGS_LEN);
	assert_int_equal(0, map_file(fd, 0, UDMA_BAR_REGS_LEN, IOVA_P2P));
	/* A DMA read of the ID register */
	assert_int_equal(UDMA_DESC_DONE,
			 run(UDMA_OP_COPY, IOVA_P2P + UDMA_REG_ID,
			     IOVA_SRC + 64, 8));
	memcpy(&id, f.src + 64, 4);
	assert_int_equal(UDMA_ID, id);
	assert_int_equal(UDMA_VERSION, *(uint32_t *)(f.src + 68));
	/* A 64-bit register written by DMA, alignment bits dropped */
	v[0] = 0x123456789abcdeffULL;
	assert_int_equal(UDMA_DESC_DONE,
			 copy_to(IOVA_P2P + UDMA_REG_RING_BASE, 8));
	assert_int_equal(0x9abcdee0, reg_read(f.peer_dev, UDMA_REG_RING_BASE));
	assert_int_equal(0x12345678,
			 reg_read(f.peer_dev, UDMA_REG_RING_BASE + 4));
	/* The dmaer's tail write-back (a u32 DMA write) lands in a register */
	reg(f.dev, UDMA_REG_WB_ADDR, (uint32_t)(IOVA_P2P + UDMA_REG_IRQ_MASK));
	reg(f.dev, UDMA_REG_WB_ADDR + 4, (uint32_t)(IOVA_P2P >> 32));
	for (int i = 0; i != 2; i++) {
		assert_int_equal(UDMA_DESC_DONE, run(UDMA_OP_COPY, IOVA_SRC,
						     IOVA_SRC + 128, 8));
		/* The mask keeps two bits; the write-back follows the status */
		assert_int_equal(f.head & 3,
				 wait_reg(f.peer_dev, UDMA_REG_IRQ_MASK,
					  f.head & 3));
	}
	reg(f.dev, UDMA_REG_WB_ADDR, 0);
	reg(f.dev, UDMA_REG_WB_ADDR + 4, 0);
	/* A fill of the mask register, and the MSI-X table stays the host's */
	assert_int_equal(UDMA_DESC_DONE, run(UDMA_OP_FILL, UDMA_IRQ_DONE,
					     IOVA_P2P + UDMA_REG_IRQ_MASK, 4));
	assert_int_equal(UDMA_IRQ_DONE,
			 reg_read(f.peer_dev, UDMA_REG_IRQ_MASK));
	assert_int_equal(UDMA_DESC_DONE,
			 run(UDMA_OP_COPY, IOVA_P2P + UDMA_MSIX_TABLE, IOVA_SRC,
			     8));
	assert_int_equal(~0ULL, v[0]);
	uiommufd_close(fd);
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P,
				       UDMA_BAR_REGS_LEN, NULL));
}

/* More than one range exports, but iommufd maps one range only */
static void test_two_ranges(void **state)
{
	struct vfio_region_dma_range r[2] = {{0, PG}, {3 * PG, PG}};
	long fd;

	(void)state;
	fd = get_dmabuf(f.peer_dev, VFIO_DEVICE_FEATURE_GET, 2, r, 2);
	assert_true(fd >= 0);
	assert_int_equal(-EOPNOTSUPP, map_file((int)fd, 0, PG, IOVA_P2P));
	uiommufd_close((int)fd);
}

static void set_command(int dev, uint16_t cmd)
{
	assert_int_equal(2, uiommufd_pwrite(dev, &cmd, 2, CFG(4)));
}

/* A revoked buffer: the mapping is gone, unmap works, a new map waits */
static void check_revoked(int fd, uint64_t len)
{
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy_to(IOVA_P2P, 8));
	assert_int_equal(-ENODEV, map_file(fd, 0, len, IOVA_P2P + len));
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P, len, NULL));
}

/* Stays revoked in iommufd: a new map is needed once it is back */
static void check_back(int fd, uint64_t len)
{
	assert_int_equal(0, map_file(fd, 0, len, IOVA_P2P));
	assert_int_equal(UDMA_DESC_DONE, copy_to(IOVA_P2P, 8));
}

static void test_revoke_reset(void **state)
{
	int fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 0, PG);
	check_back(fd, PG);
	assert_int_equal(0, ioc(f.peer_dev, VFIO_DEVICE_RESET, NULL));
	/* Memory decoding is on again after the reset: only new maps work */
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy_to(IOVA_P2P, 8));
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P, PG, NULL));
	check_back(fd, PG);
	/* A reset through the PCIe device control register does the same */
	{
		uint16_t ctl = 0x8000; /* PCI_EXP_DEVCTL_BCR_FLR */
		uint8_t cap = 0;

		for (uint8_t pos = 0x34;; pos = cap + 1) {
			uint8_t id;

			assert_int_equal(1, uiommufd_pread(f.peer_dev, &cap, 1,
							   CFG(pos)));
			assert_true(cap != 0);
			assert_int_equal(1, uiommufd_pread(f.peer_dev, &id, 1,
							   CFG(cap)));
			if (id == 0x10)
				break;
		}
		assert_int_equal(2, uiommufd_pwrite(f.peer_dev, &ctl, 2,
						    CFG(cap + 8)));
	}
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy_to(IOVA_P2P, 8));
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P, PG, NULL));
	check_back(fd, PG);
	uiommufd_close(fd);
}

static void test_revoke_memory_decode(void **state)
{
	int fd, off_fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 0, PG);
	check_back(fd, PG);
	set_command(f.peer_dev, 0);
	check_revoked(fd, PG);
	/* Exported while memory is off: revoked from the start */
	off_fd = peer_dmabuf(UDMA_BAR_MEM, PG, PG);
	assert_int_equal(-ENODEV, map_file(off_fd, 0, PG, IOVA_P2P));
	set_command(f.peer_dev, 0x2);
	check_back(fd, PG);
	assert_int_equal(0, map_file(off_fd, 0, PG, IOVA_P2P + PG));
	/* Bus mastering is not memory decoding: no revoke */
	set_command(f.peer_dev, 0x6);
	assert_int_equal(UDMA_DESC_DONE, copy_to(IOVA_P2P + PG, 8));
	uiommufd_close(off_fd);
	uiommufd_close(fd);
}

static void test_revoke_low_power(void **state)
{
	struct vfio_device_feature hdr = {.argsz = sizeof(hdr)};
	int fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 0, PG);
	check_back(fd, PG);
	hdr.flags = VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY |
		    VFIO_DEVICE_FEATURE_SET;
	assert_int_equal(0, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	check_revoked(fd, PG);
	hdr.flags = VFIO_DEVICE_FEATURE_LOW_POWER_EXIT |
		    VFIO_DEVICE_FEATURE_SET;
	assert_int_equal(0, ioc(f.peer_dev, VFIO_DEVICE_FEATURE, &hdr));
	check_back(fd, PG);
	uiommufd_close(fd);
}

/* Close of the exporting device revokes for good, reopened or not */
static void test_revoke_close(void **state)
{
	int fd, fd2;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 0, PG);
	fd2 = peer_dmabuf(UDMA_BAR_REGS, 0, PG);
	check_back(fd, PG);
	assert_int_equal(0, map_file(fd2, 0, PG, IOVA_P2P + 4 * PG));
	uiommufd_close(f.peer_dev);
	f.peer_dev = uiommufd_vfio_cdev_open((unsigned int)peer.vfio_index,
					     O_CLOEXEC);
	assert_true(f.peer_dev >= 0);
	check_revoked(fd, PG);
	assert_int_equal(-ENODEV, map_file(fd2, 0, PG, IOVA_P2P));
	assert_int_equal(0, ioas_unmap(f.ctx, f.ioas, IOVA_P2P + 4 * PG, PG,
				       NULL));
	uiommufd_close(fd2);
	uiommufd_close(fd);
}

/* The buffer outlives its device's file, and its last user may be iommufd */
static void test_lifetimes(void **state)
{
	int fd;

	(void)state;
	fd = peer_dmabuf(UDMA_BAR_MEM, 0, PG);
	check_back(fd, PG);
	uiommufd_close(fd);
	uiommufd_close(f.peer_dev);
	f.peer_dev = -1;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy_to(IOVA_P2P, 8));
	/* teardown's close of the iommufd lets go of the last reference */
}

/* edu (QEMU's docs/specs/edu.rst): its DMA engine, 28 address bits */
#define EDU_LIVENESS 0x04
#define EDU_DMA_SRC  0x80
#define EDU_DMA_DST  0x88
#define EDU_DMA_CNT  0x90
#define EDU_DMA_CMD  0x98
#define EDU_RUN	     0x1
#define EDU_TO_RAM   0x2
#define EDU_BUFFER   0x40000
#define EDU_BAR_LEN  (1u << 20)
#define IOVA_EDU     0x08000000ULL /* edu's BAR0, below 2^28 */
#define IOVA_LOW     0x01000000ULL /* f.src again, below 2^28 */

static void edu_w64(int dev, uint32_t off, uint64_t v)
{
	assert_int_equal(8, uiommufd_pwrite(dev, &v, 8, off));
}

static void edu_dma(int dev, uint64_t src, uint64_t dst, uint64_t cnt,
		    uint64_t cmd)
{
	edu_w64(dev, EDU_DMA_SRC, src);
	edu_w64(dev, EDU_DMA_DST, dst);
	edu_w64(dev, EDU_DMA_CNT, cnt);
	edu_w64(dev, EDU_DMA_CMD, cmd);
}

/* edu's cdev in the dmaer's IOAS, its BAR0 mapped there as a dma-buf */
static int edu_open(int *bar_fd)
{
	uint64_t iova = IOVA_LOW;
	uint32_t pt = f.ioas;
	struct vfio_region_dma_range r = {0, EDU_BAR_LEN};
	long fd;
	int dev;

	dev = uiommufd_vfio_cdev_open((unsigned int)edu.vfio_index, O_CLOEXEC);
	assert_true(dev >= 0);
	assert_int_equal(0, bind(dev, f.ctx, NULL));
	assert_int_equal(0, attach(dev, &pt));
	bus_master(dev);
	assert_int_equal(0, ioas_map(f.ctx, f.ioas, f.src, PG, &iova,
				     IOMMU_IOAS_MAP_FIXED_IOVA | RW));
	fd = get_dmabuf(dev, VFIO_DEVICE_FEATURE_GET, 0, &r, 1);
	assert_true(fd >= 0);
	assert_int_equal(0, map_file((int)fd, 0, EDU_BAR_LEN, IOVA_EDU));
	*bar_fd = (int)fd;
	return dev;
}

/*
 * A device's DMA into its own register BAR is not delivered (edu holds
 * its lock while it DMAs: delivered, it would wait for itself forever);
 * its memory is untouched and a read gives ones, as a master abort.
 */
static void test_p2p_self(void **state)
{
	uint32_t v = 0x12345678;
	int dev, fd;

	(void)state;
	dev = edu_open(&fd);
	assert_int_equal(4, uiommufd_pwrite(dev, &v, 4, EDU_LIVENESS));
	edu_dma(dev, EDU_BUFFER, IOVA_EDU + EDU_LIVENESS, 4,
		EDU_RUN | EDU_TO_RAM);
	assert_int_equal(4, uiommufd_pread(dev, &v, 4, EDU_LIVENESS));
	assert_int_equal(~0x12345678u, v);
	memset(f.src, 0, 8);
	edu_dma(dev, IOVA_EDU, EDU_BUFFER, 8, EDU_RUN);
	edu_dma(dev, EDU_BUFFER, IOVA_LOW, 8, EDU_RUN | EDU_TO_RAM);
	assert_int_equal(~0ULL, *(uint64_t *)f.src);
	uiommufd_close(fd);
	uiommufd_close(dev);
}

/*
 * udma's DMA writes edu's command register: edu's own DMA starts, inside
 * udma's write, and lands in RAM (a doorbell rung peer to peer).
 */
static void test_p2p_doorbell(void **state)
{
	uint64_t cmd = EDU_RUN | EDU_TO_RAM;
	int dev, fd;

	(void)state;
	dev = edu_open(&fd);
	memset(f.src, 0xa5, 64);
	memset(f.src + 512, 0, 64);
	edu_dma(dev, IOVA_LOW, EDU_BUFFER, 64, EDU_RUN);
	edu_w64(dev, EDU_DMA_SRC, EDU_BUFFER);
	edu_w64(dev, EDU_DMA_DST, IOVA_LOW + 512);
	edu_w64(dev, EDU_DMA_CNT, 64);
	memcpy(f.src + 1024, &cmd, 8);
	assert_int_equal(UDMA_DESC_DONE, run(UDMA_OP_COPY, IOVA_SRC + 1024,
					     IOVA_EDU + EDU_DMA_CMD, 8));
	for (unsigned int i = 0; i != 64; i++)
		assert_int_equal(0xa5, (unsigned char)f.src[512 + i]);
	uiommufd_close(fd);
	uiommufd_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_p2p_memory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_p2p_registers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_ranges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_revoke_reset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_revoke_memory_decode,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke_low_power, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_revoke_close, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lifetimes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_p2p_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_p2p_doorbell, setup,
						teardown),
	};

	if (uiommufd_devices_add("udma") || uiommufd_devices_add("udma") ||
	    uiommufd_devices_add("edu") || uiommufd_device_info(0, &peer) ||
	    uiommufd_device_info(1, &dmaer) || uiommufd_device_info(2, &edu))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
