/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the VFIO tests: a VFIO device file bound and attached to an
 * iommufd, and an emulated udma driven through its registers.
 */
#ifndef UIOMMUFD_TESTS_UDMA_HELPERS_H
#define UIOMMUFD_TESTS_UDMA_HELPERS_H

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../lib/helpers.h"
#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

#define CFG(off) (((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + (off))

static inline long bind(int dev, int iommufd, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b = {.argsz = sizeof(b),
					     .iommufd = iommufd};
	long rc = ioc(dev, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!rc && devid)
		*devid = b.out_devid;
	return rc;
}

static inline long attach(int dev, uint32_t *pt)
{
	struct vfio_device_attach_iommufd_pt a = {.argsz = sizeof(a),
						  .pt_id = *pt};
	long rc = ioc(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	*pt = a.pt_id;
	return rc;
}

/*
 * A new iommufd in *ctx, the device of VFIO index @index opened in *dev,
 * bound to it and attached to a new IOAS, *ioas: 0, or -1 when a step
 * failed (a setup's answer to cmocka)
 */
static inline int open_attached(int index, int *ctx, int *dev, uint32_t *ioas)
{
	uint32_t pt;

	*ctx = uiommufd_open(O_CLOEXEC);
	*dev = uiommufd_vfio_cdev_open((unsigned int)index, O_CLOEXEC);
	if (*ctx < 0 || *dev < 0 || bind(*dev, *ctx, NULL))
		return -1;
	*ioas = pt = ioas_alloc(*ctx);
	return attach(*dev, &pt) ? -1 : 0;
}

/*
 * The end of one step of a fail-nth sweep whose calls returned @rc: true
 * when the countdown was not used up (nothing failed: the sweep is over).
 * Else the injected failure was returned, counted in *failed, or absorbed
 * by the engine with nothing visible.
 */
static inline bool fail_nth_step_end(long rc, unsigned int *failed)
{
	if (uiommufd_fail_nth_get()) {
		uiommufd_fail_nth_set(0);
		assert_int_equal(0, rc);
		return true;
	}
	assert_true(rc < 0 || uiommufd_fail_nth_absorbed());
	uiommufd_fail_nth_set(0);
	*failed += rc < 0;
	return false;
}

static inline long detach(int dev)
{
	struct vfio_device_detach_iommufd_pt d = {.argsz = sizeof(d)};

	return ioc(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

/* VFIO_DEVICE_SET_IRQS: MSI-X vector 0 signals @efd (0 or -errno) */
static inline long set_msix_eventfd(int dev, int efd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;

	*s = (struct vfio_irq_set){.argsz = sizeof(buf),
				   .flags = VFIO_IRQ_SET_DATA_EVENTFD |
					    VFIO_IRQ_SET_ACTION_TRIGGER,
				   .index = VFIO_PCI_MSIX_IRQ_INDEX,
				   .count = 1};
	memcpy(s->data, &efd, sizeof(int));
	return ioc(dev, VFIO_DEVICE_SET_IRQS, s);
}

static inline void reg(int dev, uint32_t off, uint32_t v)
{
	assert_int_equal(4, uiommufd_pwrite(dev, &v, 4, off));
}

static inline uint32_t reg_read(int dev, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(4, uiommufd_pread(dev, &v, 4, off));
	return v;
}

static inline void bus_master(int dev)
{
	uint16_t cmd = 0x2 | 0x4 /* memory, bus master */;

	assert_int_equal(2, uiommufd_pwrite(dev, &cmd, 2, CFG(4)));
}

/* Is each of the @len bytes at @p equal to @byte? */
static inline bool bytes_all(const void *p, int byte, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i != len; i++)
		if (b[i] != (unsigned char)byte)
			return false;
	return true;
}

/* @dev's engine on, on a ring of 4 descriptors at device address @ring */
static inline void udma_start_ring(int dev, uint64_t ring)
{
	bus_master(dev);
	reg(dev, UDMA_REG_RING_BASE, (uint32_t)ring);
	reg(dev, UDMA_REG_RING_BASE + 4, (uint32_t)(ring >> 32));
	reg(dev, UDMA_REG_RING_SIZE, 4);
	reg(dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
}

/*
 * One descriptor through @dev's started ring of 4 (@ring: its host
 * address; @head: the next slot, moved): its status once done
 */
static inline uint32_t udma_run(int dev, struct udma_desc *ring, uint32_t *head,
				const struct udma_desc *desc)
{
	struct udma_desc *d = &ring[*head];

	*d = *desc;
	*head = (*head + 1) % 4;
	reg(dev, UDMA_REG_RING_HEAD, *head);
	for (int i = 0; i != 2000 && reg_read(dev, UDMA_REG_RING_TAIL) != *head;
	     i++)
		usleep(500);
	assert_int_equal(*head, reg_read(dev, UDMA_REG_RING_TAIL));
	return __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
}

/*
 * A second device's DMA racing a test: udma_copy_loop_start() starts
 * @dev's ring of 4 at device address @ring_iova (@ring: its host
 * address) and a thread copying @len bytes from @src to @dst there over
 * and over, counting what completed, until udma_copy_loop_stop(), which
 * wants every copy done and the device closed
 */
struct udma_copy_loop {
	int dev;
	struct udma_desc *ring;
	uint64_t ring_iova, src, dst;
	uint32_t len;
	bool stop;
	unsigned long done, failed;
};

static inline void *udma_copy_loop(void *arg)
{
	struct udma_copy_loop *n = arg;
	uint32_t head = 0, tail;

	while (!__atomic_load_n(&n->stop, __ATOMIC_ACQUIRE)) {
		struct udma_desc *d = &n->ring[head];

		*d = (struct udma_desc){.op = UDMA_OP_COPY,
					.src = n->src,
					.dst = n->dst,
					.len = n->len};
		head = (head + 1) % 4;
		if (uiommufd_pwrite(n->dev, &head, 4, UDMA_REG_RING_HEAD) != 4)
			break;
		do {
			if (uiommufd_pread(n->dev, &tail, 4,
					   UDMA_REG_RING_TAIL) != 4)
				return NULL;
		} while (tail != head);
		if (__atomic_load_n(&d->status, __ATOMIC_ACQUIRE) ==
		    UDMA_DESC_DONE)
			n->done++;
		else
			n->failed++;
	}
	return NULL;
}

static inline void udma_copy_loop_start(struct udma_copy_loop *n,
					pthread_t *thread)
{
	udma_start_ring(n->dev, n->ring_iova);
	assert_int_equal(0, pthread_create(thread, NULL, udma_copy_loop, n));
}

static inline void udma_copy_loop_stop(struct udma_copy_loop *n,
				       pthread_t thread)
{
	__atomic_store_n(&n->stop, true, __ATOMIC_RELEASE);
	assert_int_equal(0, pthread_join(thread, NULL));
	assert_int_equal(0, n->failed);
	assert_true(n->done > 0);
	reg(n->dev, UDMA_REG_CONTROL, 0);
	uiommufd_close(n->dev);
}

#endif
