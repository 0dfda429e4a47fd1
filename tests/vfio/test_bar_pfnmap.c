// SPDX-License-Identifier: MIT
/*
 * A BAR's mmap is VM_PFNMAP memory: iommufd cannot pin it, so a map of it
 * by address fails with EFAULT (pin_user_pages() refuses VM_IO|VM_PFNMAP
 * in check_vma_flags()), through IOMMU_IOAS_MAP and through the type1
 * compat ioctls on /dev/iommu alike; the /dev/vfio/vfio container takes it
 * as the legacy vfio_iommu_type1 does (it follows the PFNs). This is what
 * the kernel's vfio_dma_mapping_mmio_test checks in every IOMMU mode.
 * Once the BAR is unmapped, the same addresses hold ordinary memory again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "udma_helpers.h"

#define BAR2 ((off_t)VFIO_PCI_BAR2_REGION_INDEX << 40)

static struct uiommufd_device_info udma;

static struct {
	int ctx, ctr, grp, dev;
	void *bar;
} f;

static int teardown(void **state)
{
	(void)state;
	if (f.bar)
		munmap(f.bar, UDMA_BAR_MEM_LEN);
	if (f.dev > 0)
		uiommufd_close(f.dev);
	if (f.grp > 0)
		uiommufd_close(f.grp);
	if (f.ctr > 0)
		uiommufd_close(f.ctr);
	if (f.ctx > 0)
		uiommufd_close(f.ctx);
	memset(&f, 0, sizeof(f));
	return 0;
}

static void *bar_map(int dev)
{
	void *p = NULL;

	assert_int_equal(0, uiommufd_mmap(NULL, UDMA_BAR_MEM_LEN,
					  PROT_READ | PROT_WRITE, MAP_SHARED,
					  dev, BAR2, &p));
	return f.bar = p;
}

/* The device's cdev bound to a new iommufd; *ioas: an IOAS it is attached to */
static int cdev_open(uint32_t *ioas, bool attach_it)
{
	uint32_t pt;

	f.ctx = uiommufd_open(O_CLOEXEC);
	f.dev = uiommufd_vfio_cdev_open((unsigned int)udma.vfio_index,
					O_CLOEXEC);
	assert_true(f.ctx > 0 && f.dev > 0);
	assert_int_equal(0, bind(f.dev, f.ctx, NULL));
	*ioas = pt = ioas_alloc(f.ctx);
	if (attach_it)
		assert_int_equal(0, attach(f.dev, &pt));
	return f.dev;
}

static void test_ioas_map_refused(void **state)
{
	uint64_t iova = 0x100000;
	uint32_t ioas;
	char *bar;

	(void)state;
	bar = bar_map(cdev_open(&ioas, true));
	/* Reachable through the mapping: it is the device's memory */
	bar[0] = 0x5a;
	assert_int_equal(-EFAULT,
			 ioas_map(f.ctx, ioas, bar, UDMA_BAR_MEM_LEN, &iova,
				  IOMMU_IOAS_MAP_FIXED_IOVA |
					  IOMMU_IOAS_MAP_READABLE |
					  IOMMU_IOAS_MAP_WRITEABLE));
	/* One page of it, read-only: still no pin */
	assert_int_equal(-EFAULT, ioas_map(f.ctx, ioas, bar + PAGE_SZ, PAGE_SZ,
					   &iova, IOMMU_IOAS_MAP_READABLE));
	/* Nothing was left mapped */
	assert_int_equal(-ENOENT,
			 ioas_unmap(f.ctx, ioas, 0x100000, PAGE_SZ, NULL));
}

/* Nothing pins without a domain: the kernel's map then succeeds too */
static void test_ioas_map_unpinned(void **state)
{
	uint64_t iova = 0;
	uint32_t ioas, pt;
	char *bar;

	(void)state;
	bar = bar_map(cdev_open(&ioas, false));
	assert_int_equal(0, ioas_map(f.ctx, ioas, bar, UDMA_BAR_MEM_LEN, &iova,
				     IOMMU_IOAS_MAP_READABLE));
	/* Attaching now pins: refused, the device stays detached */
	pt = ioas;
	assert_int_equal(-EFAULT, attach(f.dev, &pt));
	assert_int_equal(0,
			 ioas_unmap(f.ctx, ioas, iova, UDMA_BAR_MEM_LEN, NULL));
	pt = ioas;
	assert_int_equal(0, attach(f.dev, &pt));
}

/* The same addresses holding ordinary memory after the BAR's munmap */
static void test_remapped_memory(void **state)
{
	uint64_t iova = 0;
	uint32_t ioas;
	void *bar, *p;

	(void)state;
	bar = bar_map(cdev_open(&ioas, true));
	p = mmap(bar, UDMA_BAR_MEM_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	assert_ptr_equal(bar, p);
	assert_int_equal(0, ioas_map(f.ctx, ioas, p, UDMA_BAR_MEM_LEN, &iova,
				     IOMMU_IOAS_MAP_READABLE |
					     IOMMU_IOAS_MAP_WRITEABLE));
	assert_int_equal(0,
			 ioas_unmap(f.ctx, ioas, iova, UDMA_BAR_MEM_LEN, NULL));
}

static long map_dma(int ctr, void *va, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return ioc(ctr, VFIO_IOMMU_MAP_DMA, &m);
}

static long unmap_dma(int ctr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = size};

	return ioc(ctr, VFIO_IOMMU_UNMAP_DMA, &u);
}

/* The type1 ioctls on /dev/iommu are iommufd's: refused */
static void test_iommufd_compat_refused(void **state)
{
	struct iommu_vfio_ioas vi = {.size = sizeof(vi),
				     .op = IOMMU_VFIO_IOAS_SET};
	uint32_t ioas;
	void *bar;

	(void)state;
	bar = bar_map(cdev_open(&ioas, true));
	vi.ioas_id = ioas;
	assert_int_equal(0, ioc(f.ctx, IOMMU_VFIO_IOAS, &vi));
	assert_int_equal(0, ioc(f.ctx, VFIO_SET_IOMMU,
				(void *)(long)VFIO_TYPE1v2_IOMMU));
	assert_int_equal(-EFAULT,
			 map_dma(f.ctx, bar, 0x200000, UDMA_BAR_MEM_LEN));
}

/* The /dev/vfio/vfio container maps it, as the legacy type1 does */
static void test_container_accepts(void **state)
{
	static const long types[] = {VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU};
	char name[16];
	void *bar;

	(void)state;
	for (unsigned int i = 0; i != 2; i++) {
		snprintf(name, sizeof(name), "%u", udma.group);
		f.grp = uiommufd_vfio_group_open(name, 0);
		f.ctr = uiommufd_vfio_open(0);
		assert_true(f.grp > 0 && f.ctr > 0);
		assert_int_equal(0,
				 ioc(f.grp, VFIO_GROUP_SET_CONTAINER, &f.ctr));
		assert_int_equal(0,
				 ioc(f.ctr, VFIO_SET_IOMMU, (void *)types[i]));
		f.dev = (int)ioc(f.grp, VFIO_GROUP_GET_DEVICE_FD, udma.name);
		assert_true(f.dev > 0);
		bar = bar_map(f.dev);
		assert_int_equal(0, map_dma(f.ctr, bar, 0x200000,
					    UDMA_BAR_MEM_LEN));
		assert_int_equal(0,
				 unmap_dma(f.ctr, 0x200000, UDMA_BAR_MEM_LEN));
		teardown(NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ioas_map_refused, teardown),
		cmocka_unit_test_teardown(test_ioas_map_unpinned, teardown),
		cmocka_unit_test_teardown(test_remapped_memory, teardown),
		cmocka_unit_test_teardown(test_iommufd_compat_refused,
					  teardown),
		cmocka_unit_test_teardown(test_container_accepts, teardown),
	};

	if (uiommufd_devices_add("udma") || uiommufd_device_info(0, &udma))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
