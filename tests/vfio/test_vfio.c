// SPDX-License-Identifier: MIT
/*
 * VFIO and the emulated devices, through the C API: the rules of groups
 * with several devices, no-IOMMU devices (no translation, and no pretending
 * there is one), DMA racing with unmap and detach (after either returns,
 * the device touches nothing it lost), and an error-path sweep of the VFIO
 * calls. The per-call errno rules are compared with the real kernel by
 * tests/compare/vfio_matrix.c.
 *
 * Devices: A and B share IOMMU group 200, C is alone, N is a no-IOMMU one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "udma_helpers.h"

enum { DEV_A, DEV_B, DEV_C, DEV_N, NR_DEVS };
static struct uiommufd_device_info devs[NR_DEVS];

static int cdev_open(int which)
{
	return uiommufd_vfio_cdev_open((unsigned int)devs[which].vfio_index,
				       O_CLOEXEC);
}

/* Group 200 holds A and B: one owner, one domain for both */
static void test_shared_group(void **state)
{
	int ctx1 = uiommufd_open(0), ctx2 = uiommufd_open(0);
	int a = cdev_open(DEV_A), b = cdev_open(DEV_B);
	uint32_t ioas1, ioas2, pt_a, pt_b;
	char name[32];
	int grp;

	(void)state;
	ioas1 = ioas_alloc(ctx1);
	ioas2 = ioas_alloc(ctx1);
	assert_int_equal(0, bind(a, ctx1, NULL));
	/* The group is owned by ctx1 now: B cannot go elsewhere */
	assert_int_equal(-EPERM, bind(b, ctx2, NULL));
	assert_int_equal(0, bind(b, ctx1, NULL));
	pt_a = ioas1;
	assert_int_equal(0, attach(a, &pt_a));
	/* The whole group translates through one domain */
	pt_b = ioas2;
	assert_int_equal(-EINVAL, attach(b, &pt_b));
	pt_b = ioas1;
	assert_int_equal(0, attach(b, &pt_b));
	assert_int_equal(pt_a, pt_b);
	/* While the cdevs are in use, the group file stays closed */
	snprintf(name, sizeof(name), "%u", devs[DEV_A].group);
	assert_int_equal(-EBUSY, uiommufd_vfio_group_open(name, 0));
	assert_int_equal(0, detach(a));
	assert_int_equal(0, detach(b));
	assert_int_equal(0, uiommufd_close(a));
	assert_int_equal(0, uiommufd_close(b));
	/* All closed: the group opens, and is exclusive */
	grp = uiommufd_vfio_group_open(name, 0);
	assert_true(grp >= 0);
	assert_int_equal(-EBUSY, uiommufd_vfio_group_open(name, 0));
	uiommufd_close(grp);
	uiommufd_close(ctx1);
	uiommufd_close(ctx2);
}

/*
 * A no-IOMMU device: no cdev, a "noiommu-" group that needs CAP_SYS_RAWIO,
 * a container that can only be no-IOMMU, and a device file refused when
 * the container has an IOAS, since a translation was expected.
 */
static void test_noiommu(void **state)
{
	char name[32], *buf, *src;
	int grp, ctr, dev, ctr2, grp_fd;
	uint32_t ioas;
	struct iommu_vfio_ioas vi = {.size = sizeof(vi),
				     .op = IOMMU_VFIO_IOAS_SET};
	struct udma_desc *ring;
	int efd;
	struct pollfd pfd;
	uint64_t n;

	(void)state;
	assert_int_equal(-1, devs[DEV_N].vfio_index);
	snprintf(name, sizeof(name), "noiommu-%u", devs[DEV_N].group);
	grp = uiommufd_vfio_group_open(name, 0);
	assert_true(grp >= 0);
	ctr = uiommufd_vfio_open(0);
	assert_int_equal(1, ioc(ctr, VFIO_CHECK_EXTENSION,
				(void *)VFIO_NOIOMMU_IOMMU));
	assert_int_equal(0, ioc(grp, VFIO_GROUP_SET_CONTAINER, &ctr));
	assert_int_equal(0, ioc(ctr, VFIO_CHECK_EXTENSION,
				(void *)VFIO_TYPE1v2_IOMMU));
	assert_int_equal(-EINVAL,
			 ioc(ctr, VFIO_SET_IOMMU, (void *)VFIO_TYPE1v2_IOMMU));
	assert_int_equal(0,
			 ioc(ctr, VFIO_SET_IOMMU, (void *)VFIO_NOIOMMU_IOMMU));
	dev = (int)ioc(grp, VFIO_GROUP_GET_DEVICE_FD, devs[DEV_N].name);
	assert_true(dev >= 0);

	/* No translation: the engine DMAs to the addresses it is given */
	ring = map_anon(PAGE_SZ);
	buf = map_anon(2 * PAGE_SZ);
	src = buf + PAGE_SZ;
	memset(src, 0x42, PAGE_SZ);
	memset(buf, 0, PAGE_SZ);
	ring[0] = (struct udma_desc){.op = UDMA_OP_COPY | UDMA_OP_IRQ,
				     .src = (uintptr_t)src,
				     .dst = (uintptr_t)buf,
				     .len = (uint32_t)PAGE_SZ};
	/* An address nothing is mapped at is a fault, not a crash */
	ring[1] = (struct udma_desc){
		.op = UDMA_OP_FILL | UDMA_OP_IRQ, .dst = 0x1000, .len = 64};
	efd = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(0, set_msix_eventfd(dev, efd));
	bus_master(dev);
	reg(dev, UDMA_REG_RING_BASE, (uint32_t)(uintptr_t)ring);
	reg(dev, UDMA_REG_RING_BASE + 4, (uint32_t)((uintptr_t)ring >> 32));
	reg(dev, UDMA_REG_RING_SIZE, 4);
	reg(dev, UDMA_REG_IRQ_MASK, UDMA_IRQ_DONE);
	reg(dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	reg(dev, UDMA_REG_RING_HEAD, 2);
	pfd = (struct pollfd){.fd = efd, .events = POLLIN};
	for (int i = 0; i != 100 && reg_read(dev, UDMA_REG_RING_TAIL) != 2; i++)
		if (poll(&pfd, 1, 10) > 0 && read(efd, &n, 8) != 8)
			break;
	assert_int_equal(UDMA_DESC_DONE, ring[0].status);
	assert_memory_equal(buf, src, PAGE_SZ);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT, ring[1].status);
	uiommufd_close(dev);
	uiommufd_close(grp);
	uiommufd_close(ctr);

	/* A container with an IOAS promised translation: refused */
	grp_fd = uiommufd_vfio_group_open(name, 0);
	ctr2 = uiommufd_vfio_open(0);
	ioas = ioas_alloc(ctr2);
	assert_int_equal(0, ioc(grp_fd, VFIO_GROUP_SET_CONTAINER, &ctr2));
	vi.ioas_id = ioas;
	assert_int_equal(0, ioc(ctr2, IOMMU_VFIO_IOAS, &vi));
	assert_int_equal(-EPERM, ioc(grp_fd, VFIO_GROUP_GET_DEVICE_FD,
				     devs[DEV_N].name));
	uiommufd_close(grp_fd);
	uiommufd_close(ctr2);
	munmap(ring, PAGE_SZ);
	munmap(buf, 2 * PAGE_SZ);
	close(efd);
}

/* A device bound and attached to a new IOAS, with the engine set up */
struct engine {
	int ctx, dev;
	uint32_t ioas, pt;
	struct udma_desc *ring;
	uint32_t ring_entries;
};

#define IOVA_RING 0x10000000ULL
#define IOVA_BUF  0x40000000ULL

static void engine_setup(struct engine *e, int which, uint32_t entries)
{
	uint64_t iova = IOVA_RING;

	e->ctx = uiommufd_open(0);
	e->dev = cdev_open(which);
	assert_true(e->dev >= 0);
	assert_int_equal(0, bind(e->dev, e->ctx, NULL));
	e->ioas = ioas_alloc(e->ctx);
	e->pt = e->ioas;
	assert_int_equal(0, attach(e->dev, &e->pt));
	e->ring_entries = entries;
	e->ring = map_anon(PAGE_SZ);
	assert_true(entries * sizeof(struct udma_desc) <= PAGE_SZ);
	assert_int_equal(0, ioas_map(e->ctx, e->ioas, e->ring, PAGE_SZ, &iova,
				     RW | IOMMU_IOAS_MAP_FIXED_IOVA));
	bus_master(e->dev);
	reg(e->dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING);
	reg(e->dev, UDMA_REG_RING_BASE + 4, (uint32_t)(IOVA_RING >> 32));
	reg(e->dev, UDMA_REG_RING_SIZE, entries);
	reg(e->dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
}

static void engine_teardown(struct engine *e)
{
	reg(e->dev, UDMA_REG_CONTROL, 0);
	uiommufd_close(e->dev);
	uiommufd_close(e->ctx);
	munmap(e->ring, PAGE_SZ);
}

/* Queue fills of the buffer, as many as the ring holds, and ring */
static uint32_t engine_fill_all(struct engine *e, uint32_t head, size_t len)
{
	for (uint32_t i = 0; i != e->ring_entries - 1; i++) {
		struct udma_desc *d = &e->ring[(head + i) % e->ring_entries];

		*d = (struct udma_desc){.op = UDMA_OP_FILL,
					.src = 0x1111111111111111ULL,
					.dst = IOVA_BUF,
					.len = (uint32_t)len};
	}
	head = (head + e->ring_entries - 1) % e->ring_entries;
	reg(e->dev, UDMA_REG_RING_HEAD, head);
	return head;
}

static bool buffer_is(const char *buf, size_t len, char c)
{
	for (size_t i = 0; i != len; i++)
		if (buf[i] != c)
			return false;
	return true;
}

/*
 * The engine fills a buffer over and over while it is unmapped and mapped
 * again: once an unmap returned, not one byte of it may change.
 */
static void test_dma_vs_unmap(void **state)
{
	size_t len = 64 * PAGE_SZ;
	char *buf = map_anon(len);
	struct engine e;
	uint32_t head = 0;

	(void)state;
	engine_setup(&e, DEV_C, 64);
	for (int round = 0; round != 50; round++) {
		uint64_t iova = IOVA_BUF, unmapped;

		assert_int_equal(0, ioas_map(e.ctx, e.ioas, buf, len, &iova,
					     RW | IOMMU_IOAS_MAP_FIXED_IOVA));
		head = engine_fill_all(&e, head, len);
		usleep(200);
		assert_int_equal(0, ioas_unmap(e.ctx, e.ioas, IOVA_BUF, len,
					       &unmapped));
		assert_int_equal(len, unmapped);
		memset(buf, 0x5a, len);
		/* The rest of the ring runs: every fill now faults */
		for (int i = 0;
		     i != 200 && reg_read(e.dev, UDMA_REG_RING_TAIL) != head;
		     i++)
			usleep(100);
		assert_int_equal(head, reg_read(e.dev, UDMA_REG_RING_TAIL));
		assert_true(buffer_is(buf, len, 0x5a));
	}
	engine_teardown(&e);
	munmap(buf, len);
}

/* The same with the device detached: blocked, it reaches nothing */
static void test_dma_vs_detach(void **state)
{
	size_t len = 64 * PAGE_SZ;
	char *buf = map_anon(len);
	uint64_t iova = IOVA_BUF;
	struct engine e;
	uint32_t pt;

	(void)state;
	engine_setup(&e, DEV_C, 64);
	assert_int_equal(0, ioas_map(e.ctx, e.ioas, buf, len, &iova,
				     RW | IOMMU_IOAS_MAP_FIXED_IOVA));
	for (int round = 0; round != 20; round++) {
		uint32_t head = engine_fill_all(&e, 0, len);

		usleep(200);
		assert_int_equal(0, detach(e.dev));
		memset(buf, 0x5a, len);
		/* The engine halts: it cannot read its ring any more */
		for (int i = 0;
		     i != 200 && !(reg_read(e.dev, UDMA_REG_STATUS) &
				   (UDMA_STATUS_HALTED | UDMA_STATUS_IDLE));
		     i++)
			usleep(100);
		usleep(1000);
		assert_true(buffer_is(buf, len, 0x5a));
		(void)head;
		pt = e.ioas;
		assert_int_equal(0, attach(e.dev, &pt));
		/* Restart from a clean engine */
		reg(e.dev, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
		reg(e.dev, UDMA_REG_RING_BASE, (uint32_t)IOVA_RING);
		reg(e.dev, UDMA_REG_RING_BASE + 4, (uint32_t)(IOVA_RING >> 32));
		reg(e.dev, UDMA_REG_RING_SIZE, e.ring_entries);
		reg(e.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	}
	engine_teardown(&e);
	munmap(buf, len);
}

/*
 * Error paths of the VFIO calls: each run fails the nth failable point,
 * and the call that failed must leave the context as it was. Under
 * AddressSanitizer no path may leak.
 */
struct sweep {
	int ctx, dev, efd;
	uint32_t ioas, pt;
	void *buf;
};

static char *state_of(int fd)
{
	int mfd = memfd_create("dump", 0);
	char *text, *nl;
	off_t len;

	uiommufd_dump(fd, mfd);
	len = lseek(mfd, 0, SEEK_END);
	text = calloc(1, (size_t)len + 1);
	assert_int_equal(len, pread(mfd, text, (size_t)len, 0));
	close(mfd);
	/* Drop the first line: process-wide counters */
	nl = strchr(text, '\n');
	if (nl)
		memmove(text, nl, strlen(nl) + 1);
	return text;
}

static long sw_open(struct sweep *s)
{
	s->dev = cdev_open(DEV_C);
	return s->dev;
}

static long sw_bind(struct sweep *s)
{
	return bind(s->dev, s->ctx, NULL);
}

static long sw_ioas(struct sweep *s)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};
	long rc = ioc(s->ctx, IOMMU_IOAS_ALLOC, &cmd);

	s->ioas = cmd.out_ioas_id;
	return rc;
}

static long sw_map(struct sweep *s)
{
	uint64_t iova = IOVA_BUF;

	return ioas_map(s->ctx, s->ioas, s->buf, 16 * PAGE_SZ, &iova,
			RW | IOMMU_IOAS_MAP_FIXED_IOVA);
}

static long sw_attach(struct sweep *s)
{
	s->pt = s->ioas;
	return attach(s->dev, &s->pt);
}

static long sw_irqs(struct sweep *s)
{
	char sbuf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *set = (struct vfio_irq_set *)sbuf;

	*set = (struct vfio_irq_set){.argsz = sizeof(sbuf),
				     .flags = VFIO_IRQ_SET_DATA_EVENTFD |
					      VFIO_IRQ_SET_ACTION_TRIGGER,
				     .index = VFIO_PCI_MSIX_IRQ_INDEX,
				     .count = 1};
	memcpy(set->data, &s->efd, 4);
	return ioc(s->dev, VFIO_DEVICE_SET_IRQS, set);
}

static long sw_region(struct sweep *s)
{
	char ibuf[256];
	struct vfio_region_info *ri = (struct vfio_region_info *)ibuf;

	*ri = (struct vfio_region_info){.argsz = sizeof(ibuf),
					.index = UDMA_BAR_REGS};
	return ioc(s->dev, VFIO_DEVICE_GET_REGION_INFO, ri);
}

static long sw_reattach(struct sweep *s)
{
	uint32_t pt = s->ioas;

	return attach(s->dev, &pt);
}

static long sw_detach(struct sweep *s)
{
	return detach(s->dev);
}

static long (*const sweep_steps[])(struct sweep *) = {
	sw_open, sw_bind,   sw_ioas,	 sw_map,    sw_attach,
	sw_irqs, sw_region, sw_reattach, sw_detach,
};

/* The state of the context, taken with fault injection paused */
static char *state_paused(int fd)
{
	unsigned int remaining = uiommufd_fail_nth_get();
	char *text;

	uiommufd_fail_nth_set(0);
	text = state_of(fd);
	uiommufd_fail_nth_set(remaining);
	return text;
}

static void test_fail_nth(void **state)
{
	void *buf = map_anon(16 * PAGE_SZ);
	unsigned int nth;
	bool fired = true;

	(void)state;
	for (nth = 1; fired && nth < 2000; nth++) {
		struct sweep s = {.ctx = uiommufd_open(0),
				  .dev = -1,
				  .efd = eventfd(0, EFD_CLOEXEC),
				  .buf = buf};

		fired = false;
		uiommufd_fail_nth_set(nth);
		for (size_t i = 0; i != ARRAY_SIZE(sweep_steps); i++) {
			char *before = state_paused(s.ctx), *after;
			long rc = sweep_steps[i](&s);

			fired = uiommufd_fail_nth_get() == 0;
			after = state_paused(s.ctx);
			if (fired) {
				/* The failing call failed and changed nothing
				 */
				if (rc >= 0)
					fprintf(stderr,
						"step %zu ignored failable "
						"point %u\n",
						i, nth);
				assert_true(rc < 0);
				assert_string_equal(before, after);
			}
			free(before);
			free(after);
			if (fired || rc < 0)
				break;
		}
		uiommufd_fail_nth_set(0);
		if (s.dev >= 0)
			uiommufd_close(s.dev);
		uiommufd_close(s.ctx);
		close(s.efd);
	}
	fprintf(stderr, "vfio fail-nth sweep: %u failable points\n", nth - 2);
	assert_true(nth > 10 && nth < 2000);
	munmap(buf, 16 * PAGE_SZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_group),
		cmocka_unit_test(test_noiommu),
		cmocka_unit_test(test_dma_vs_unmap),
		cmocka_unit_test(test_dma_vs_detach),
		cmocka_unit_test(test_fail_nth),
	};

	if (uiommufd_devices_add(
		    "udma,group=200;udma,group=200;udma;udma,noiommu"))
		return 1;
	for (unsigned int i = 0; i != NR_DEVS; i++)
		if (uiommufd_device_info(i, &devs[i]))
			return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
