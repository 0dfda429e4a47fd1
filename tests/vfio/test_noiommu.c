// SPDX-License-Identifier: MIT
/*
 * The EXPERIMENTAL no-IOMMU mode of iommufd (after 7.2, off by default):
 * a VFIO no-IOMMU device bound to an iommufd through its cdev, attached to
 * an IOAS whose no-IOMMU page table only records where the pinned pages
 * are, and IOMMU_IOAS_NOIOMMU_GET_PA giving a driver the addresses its
 * device DMAs to.
 *
 *   test_noiommu on    run with UIOMMUFD_EXPERIMENTAL=noiommu
 *   test_noiommu off   without: everything as 7.2 (ENOTTY, no cdev)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "udma_helpers.h"
#include <uiommufd/experimental.h>

#define IOVA	 0x200000UL
#define NR_PAGES 8

/* Device 0: behind the software IOMMU; device 1: behind none */
static struct uiommufd_device_info sw_dev, noiommu_dev;

static long get_pa(int fd, uint32_t ioas, uint64_t iova, uint64_t *length,
		   uint64_t *phys)
{
	struct iommu_ioas_noiommu_get_pa cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = *length,
	};
	long rc = ioc(fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd);

	*length = cmd.length;
	*phys = cmd.out_phys;
	return rc;
}

struct fx {
	int fd, dev;
	uint32_t ioas, devid;
	char *buf;
	size_t size;
};

/* An IOAS with a buffer mapped at IOVA, and the no-IOMMU device bound */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint64_t iova = IOVA;

	f->size = NR_PAGES * PAGE_SZ;
	f->buf = map_anon(f->size);
	f->fd = uiommufd_open(O_CLOEXEC);
	f->dev = uiommufd_vfio_cdev_open((unsigned int)noiommu_dev.vfio_index,
					 O_CLOEXEC);
	if (f->fd < 0 || f->dev < 0 || bind(f->dev, f->fd, &f->devid))
		return -1;
	f->ioas = ioas_alloc(f->fd);
	if (ioas_map(f->fd, f->ioas, f->buf, f->size, &iova, FIXED))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	uiommufd_close(f->dev);
	uiommufd_close(f->fd);
	munmap(f->buf, f->size);
	free(f);
	return 0;
}

/*
 * Bound but not attached, nothing but the software IOMMU's table, or no
 * table at all holds the mapping: there is no physical address to give
 */
static void test_no_noiommu_table(void **state)
{
	struct fx *f = *state;
	uint64_t length = 0, phys;
	uint32_t pt;
	int sw;

	assert_int_equal(-EOPNOTSUPP,
			 get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	sw = uiommufd_vfio_cdev_open((unsigned int)sw_dev.vfio_index,
				     O_CLOEXEC);
	assert_int_equal(0, bind(sw, f->fd, NULL));
	pt = f->ioas;
	assert_int_equal(0, attach(sw, &pt));
	assert_int_equal(-EOPNOTSUPP,
			 get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(0, detach(sw));
	uiommufd_close(sw);
}

/* The physical address of an IOVA, and how far it stays contiguous */
static void test_get_pa(void **state)
{
	struct fx *f = *state;
	uint64_t length = 0, phys = 0;
	uint32_t pt = f->ioas;

	assert_int_equal(0, attach(f->dev, &pt));
	/* The engine's "physical" address is where the page is */
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_ptr_equal(f->buf, (void *)(uintptr_t)phys);
	assert_int_equal(f->size, length);
	/* Inside a page, to the end of the mapping */
	length = 0;
	assert_int_equal(0,
			 get_pa(f->fd, f->ioas, IOVA + 0x80, &length, &phys));
	assert_ptr_equal(f->buf + 0x80, (void *)(uintptr_t)phys);
	assert_int_equal(f->size - 0x80, length);
	/* Capped by the length asked for, below a page and above */
	length = 100;
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(100, length);
	length = PAGE_SZ + 1;
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(PAGE_SZ + 1, length);
	length = UINT64_MAX;
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(f->size, length);
	/* The last byte of the mapping */
	length = 0;
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA + f->size - 1, &length,
				   &phys));
	assert_int_equal(1, length);
	assert_int_equal(0, detach(f->dev));
}

/* Contiguity ends where the mapping of the IOVA ends */
static void test_two_mappings(void **state)
{
	struct fx *f = *state;
	char *other = map_anon(f->size);
	uint64_t length = 0, phys, iova = IOVA + f->size;
	uint32_t pt = f->ioas;

	assert_int_equal(0, attach(f->dev, &pt));
	assert_int_equal(0, ioas_map(f->fd, f->ioas, other, f->size, &iova,
				     FIXED));
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA + f->size - PAGE_SZ,
				   &length, &phys));
	assert_int_equal(PAGE_SZ, length);
	length = 0;
	assert_int_equal(0, get_pa(f->fd, f->ioas, iova, &length, &phys));
	assert_ptr_equal(other, (void *)(uintptr_t)phys);
	assert_int_equal(f->size, length);
	assert_int_equal(0, ioas_unmap(f->fd, f->ioas, iova, f->size, NULL));
	assert_int_equal(0, detach(f->dev));
	munmap(other, f->size);
}

/* The errors of the call, in the kernel's order */
static void test_errors(void **state)
{
	struct fx *f = *state;
	struct iommu_ioas_noiommu_get_pa cmd = {
		.size = sizeof(cmd), .ioas_id = f->ioas, .iova = IOVA};
	uint64_t length = 0, phys;
	uint32_t pt = f->ioas;

	assert_int_equal(0, attach(f->dev, &pt));
	assert_int_equal(-ENOENT, get_pa(f->fd, f->ioas, IOVA - PAGE_SZ,
					 &length, &phys));
	assert_int_equal(-ENOENT,
			 get_pa(f->fd, f->ioas + 100, IOVA, &length, &phys));
	assert_int_equal(-EOVERFLOW,
			 get_pa(f->fd, f->ioas, UINT64_MAX, &length, &phys));
	cmd.flags = 1;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd));
	cmd.__reserved = 0;
	cmd.size = offsetof(struct iommu_ioas_noiommu_get_pa, out_phys);
	assert_int_equal(-EINVAL, ioc(f->fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd));
	/* The object must be an IOAS */
	cmd.size = sizeof(cmd);
	cmd.ioas_id = pt;
	assert_true(pt != f->ioas);
	assert_int_equal(-ENOENT, ioc(f->fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd));
	assert_int_equal(0, detach(f->dev));
}

/* A second bind of the same file, and a HWPT the table cannot be */
static void test_bind_rules(void **state)
{
	struct fx *f = *state;
	uint32_t devid = 0;
	struct iommu_hwpt_alloc alloc = {
		.size = sizeof(alloc),
		.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		.dev_id = f->devid,
		.pt_id = f->ioas,
	};
	struct vfio_device_info info = {.argsz = sizeof(info)};

	assert_int_equal(-EINVAL, bind(f->dev, f->fd, &devid));
	assert_int_equal(0, ioc(f->dev, VFIO_DEVICE_GET_INFO, &info));
	assert_true(info.flags & VFIO_DEVICE_FLAGS_PCI);
	assert_int_equal(-EOPNOTSUPP, ioc(f->fd, IOMMU_HWPT_ALLOC, &alloc));
	/* A plain HWPT is a no-IOMMU table the device attaches to */
	alloc.flags = 0;
	assert_int_equal(0, ioc(f->fd, IOMMU_HWPT_ALLOC, &alloc));
	assert_int_equal(0, attach(f->dev, &alloc.out_hwpt_id));
	assert_int_equal(0, detach(f->dev));
	assert_int_equal(0, ioc(f->fd, IOMMU_DESTROY,
				&(struct iommu_destroy){
					.size = sizeof(struct iommu_destroy),
					.id = alloc.out_hwpt_id}));
}

/* What the call is for: the device copies between addresses it gave */
static void test_dma_by_phys(void **state)
{
	struct fx *f = *state;
	char *ring = map_anon(PAGE_SZ);
	uint64_t length, src, dst;
	uint32_t pt = f->ioas;

	assert_int_equal(0, attach(f->dev, &pt));
	memset(f->buf, 0x5a, PAGE_SZ);
	memset(f->buf + PAGE_SZ, 0, PAGE_SZ);
	length = PAGE_SZ;
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &src));
	length = PAGE_SZ;
	assert_int_equal(0,
			 get_pa(f->fd, f->ioas, IOVA + PAGE_SZ, &length, &dst));
	((struct udma_desc *)ring)[0] =
		(struct udma_desc){.op = UDMA_OP_COPY,
				   .src = src,
				   .dst = dst,
				   .len = (uint32_t)PAGE_SZ};
	bus_master(f->dev);
	reg(f->dev, UDMA_REG_RING_BASE, (uint32_t)(uintptr_t)ring);
	reg(f->dev, UDMA_REG_RING_BASE + 4, (uint32_t)((uintptr_t)ring >> 32));
	reg(f->dev, UDMA_REG_RING_SIZE, 4);
	reg(f->dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	reg(f->dev, UDMA_REG_RING_HEAD, 1);
	for (int i = 0; i != 1000 && reg_read(f->dev, UDMA_REG_RING_TAIL) != 1;
	     i++)
		poll(NULL, 0, 1);
	assert_int_equal(UDMA_DESC_DONE, ((struct udma_desc *)ring)[0].status);
	assert_memory_equal(f->buf, f->buf + PAGE_SZ, PAGE_SZ);
	reg(f->dev, UDMA_REG_CONTROL, 0);
	assert_int_equal(0, detach(f->dev));
	munmap(ring, PAGE_SZ);
}

/* The effective CAP_SYS_RAWIO of the thread: was it set (-1: error)? */
static int set_rawio(bool on)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};
	uint32_t bit = 1u << (CAP_SYS_RAWIO % 32);
	int was;

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	was = !!(data[CAP_SYS_RAWIO / 32].effective & bit);
	if (on)
		data[CAP_SYS_RAWIO / 32].effective |= bit;
	else
		data[CAP_SYS_RAWIO / 32].effective &= ~bit;
	return syscall(SYS_capset, &hdr, data) ? -1 : was;
}

/* Unsafe DMA needs CAP_SYS_RAWIO: to open the cdev, to learn addresses */
static void test_rawio(void **state)
{
	struct fx *f = *state;
	uint64_t length = 0, phys;
	uint32_t pt = f->ioas;

	assert_int_equal(0, attach(f->dev, &pt));
	if (set_rawio(false) != 1)
		skip();
	assert_int_equal(-EPERM, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(-EPERM,
			 uiommufd_vfio_cdev_open(
				 (unsigned int)noiommu_dev.vfio_index, 0));
	assert_int_equal(0, set_rawio(true)); /* was cleared above */
	assert_int_equal(0, get_pa(f->fd, f->ioas, IOVA, &length, &phys));
	assert_int_equal(0, detach(f->dev));
}

/* Off: the number is unknown and the device has no cdev, as on 7.2 */
static void test_off(void **state)
{
	struct iommu_ioas_noiommu_get_pa cmd = {.size = sizeof(cmd)};
	int fd = uiommufd_open(O_CLOEXEC);

	(void)state;
	cmd.ioas_id = ioas_alloc(fd);
	assert_int_equal(-ENOTTY, ioc(fd, IOMMU_IOAS_NOIOMMU_GET_PA, &cmd));
	assert_int_equal(-1, noiommu_dev.vfio_index);
	uiommufd_close(fd);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest on[] = {
		cmocka_unit_test_setup_teardown(test_no_noiommu_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_pa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_mappings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_by_phys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rawio, setup, teardown),
	};
	const struct CMUnitTest off[] = {
		cmocka_unit_test(test_off),
	};

	if (argc != 2 || uiommufd_devices_add("udma;udma,noiommu") ||
	    uiommufd_device_info(0, &sw_dev) ||
	    uiommufd_device_info(1, &noiommu_dev))
		return 1;
	if (!strcmp(argv[1], "off"))
		return cmocka_run_group_tests(off, NULL, NULL);
	return cmocka_run_group_tests(on, NULL, NULL);
}
