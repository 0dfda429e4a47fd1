// SPDX-License-Identifier: MIT
/*
 * Huge leaves of the software IOMMU's page table, mapped through both VFIO
 * ways (an IOAS of a device cdev, and the type1 container), with a udma
 * doing the DMA (issue 7):
 *  - defect 1, as QEMU's firmware met it: map 4 KiB at IOVA 0, unmap it,
 *    map 2 MiB there from a 2 MiB aligned buffer. The kernel accepts it;
 *    the table the 4 KiB leaf needed used to stay hooked and the map got
 *    EEXIST. The device then fills the 2 MiB through one 2 MiB leaf (the
 *    domain needs no table below it);
 *  - an unmap ending inside what one huge leaf would map: the type1 (v1)
 *    container may cut a mapping, and the device faults in the part
 *    unmapped and only there; an IOAS refuses to cut (ENOENT) and loses
 *    nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "udma_helpers.h"

#define SZ_2M	  (2UL << 20)
#define SZ_1M	  (1UL << 20)
#define IOVA_RING 0x10000000UL
#define PATTERN	  0x6c6c6c6c6c6c6c6cULL

static struct uiommufd_device_info udma;

/* What a test opened, closed by the teardown even when a check failed */
static struct {
	int ctx, ctr, grp, dev;
	void *ring, *mapping;
} f;

static int teardown(void **state)
{
	(void)state;
	if (f.dev > 0) {
		reg(f.dev, UDMA_REG_CONTROL, 0);
		uiommufd_close(f.dev);
	}
	if (f.grp > 0)
		uiommufd_close(f.grp);
	if (f.ctr > 0)
		uiommufd_close(f.ctr);
	if (f.ctx > 0)
		uiommufd_close(f.ctx);
	if (f.ring)
		munmap(f.ring, PAGE_SZ);
	if (f.mapping)
		munmap(f.mapping, 2 * SZ_2M);
	memset(&f, 0, sizeof(f));
	return 0;
}

/* A 2 MiB aligned, zeroed buffer of 2 MiB, and a page for the ring */
static char *buffers(struct udma_desc **ring)
{
	char *p = map_anon(2 * SZ_2M);
	char *b = (char *)(((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1));

	f.mapping = p;
	memset(b, 0, SZ_2M);
	*ring = f.ring = map_anon(PAGE_SZ);
	return b;
}

/* The device with its ring (one page, at IOVA_RING) and a descriptor */
struct engine {
	int dev;
	struct udma_desc *ring;
	uint32_t head;
};

static void engine_start(struct engine *e, int dev, struct udma_desc *ring)
{
	e->dev = dev;
	e->ring = ring;
	e->head = 0;
	udma_start_ring(dev, IOVA_RING);
}

/* Fill [iova, iova + len) through the device; the descriptor's status */
static uint32_t engine_fill(struct engine *e, uint64_t iova, uint32_t len)
{
	const struct udma_desc d = {
		.op = UDMA_OP_FILL, .src = PATTERN, .dst = iova, .len = len};

	return udma_run(e->dev, e->ring, &e->head, &d);
}

static bool filled(const char *p, size_t len, bool with_pattern)
{
	return bytes_all(p, with_pattern ? 0x6c : 0, len);
}

/* Tables hooked in the page table of the (only) HWPT of a context */
static unsigned long tables(int fd)
{
	char text[8192], *p;
	unsigned long live = 0, allocated = 0;
	int pfd[2];
	ssize_t n;

	assert_int_equal(0, pipe(pfd));
	assert_int_equal(0, uiommufd_dump(fd, pfd[1]));
	close(pfd[1]);
	n = read(pfd[0], text, sizeof(text) - 1);
	close(pfd[0]);
	assert_true(n > 0);
	text[n] = 0;
	p = strstr(text, " tables ");
	assert_non_null(p);
	assert_int_equal(2, sscanf(p, " tables %lu/%lu", &live, &allocated));
	return live;
}

/*
 * What the 2 MiB at IOVA 0 and the ring page need, with one 2 MiB leaf:
 * the root, the 512 GiB and the 1 GiB tables, and the ring's 2 MiB table.
 */
#define TABLES_WITH_HUGE_LEAF 4

static void test_iommufd(void **state)
{
	int ctx = f.ctx = uiommufd_open(0);
	int dev = uiommufd_vfio_cdev_open((unsigned int)udma.vfio_index, 0);
	struct udma_desc *ring;
	char *buf = buffers(&ring);
	uint64_t iova = IOVA_RING, unmapped;
	struct engine e;
	uint32_t ioas, pt;

	(void)state;
	assert_true(dev >= 0);
	f.dev = dev;
	assert_int_equal(0, bind(dev, ctx, NULL));
	ioas = ioas_alloc(ctx);
	pt = ioas;
	assert_int_equal(0, attach(dev, &pt));
	assert_int_equal(0, ioas_map(ctx, ioas, ring, PAGE_SZ, &iova, FIXED));

	iova = 0;
	assert_int_equal(0, ioas_map(ctx, ioas, buf, PAGE_SZ, &iova, FIXED));
	assert_int_equal(0, ioas_unmap(ctx, ioas, 0, PAGE_SZ, &unmapped));
	assert_int_equal(0, ioas_map(ctx, ioas, buf, SZ_2M, &iova, FIXED));
	assert_int_equal(TABLES_WITH_HUGE_LEAF, tables(ctx));

	engine_start(&e, dev, ring);
	assert_int_equal(UDMA_DESC_DONE, engine_fill(&e, 0, SZ_2M));
	assert_true(filled(buf, SZ_2M, true));

	/* An IOAS does not cut a mapping: nothing is lost */
	memset(buf, 0, SZ_2M);
	assert_int_equal(-ENOENT,
			 ioas_unmap(ctx, ioas, 0, SZ_1M + PAGE_SZ, &unmapped));
	assert_int_equal(UDMA_DESC_DONE, engine_fill(&e, 0, SZ_2M));
	assert_true(filled(buf, SZ_2M, true));
}

/* The group of the device in a new type1 container; its device file */
static int container_open(int type, int *ctr, int *grp)
{
	char name[16];
	int dev;

	snprintf(name, sizeof(name), "%u", udma.group);
	*grp = f.grp = uiommufd_vfio_group_open(name, 0);
	assert_true(*grp >= 0);
	*ctr = f.ctr = uiommufd_vfio_open(0);
	assert_true(*ctr >= 0);
	assert_int_equal(0, ioc(*grp, VFIO_GROUP_SET_CONTAINER, ctr));
	assert_int_equal(0, ioc(*ctr, VFIO_SET_IOMMU, (void *)(long)type));
	dev = f.dev = (int)ioc(*grp, VFIO_GROUP_GET_DEVICE_FD, udma.name);
	assert_true(dev >= 0);
	return dev;
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

static long unmap_dma(int ctr, uint64_t iova, uint64_t size, uint64_t *done)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = size,
	};
	long rc = ioc(ctr, VFIO_IOMMU_UNMAP_DMA, &u);

	*done = u.size;
	return rc;
}

static void test_type1v2(void **state)
{
	int ctr, grp, dev = container_open(VFIO_TYPE1v2_IOMMU, &ctr, &grp);
	struct udma_desc *ring;
	char *buf = buffers(&ring);
	struct engine e;
	uint64_t done;

	(void)state;
	assert_int_equal(0, map_dma(ctr, ring, IOVA_RING, PAGE_SZ));
	assert_int_equal(0, map_dma(ctr, buf, 0, PAGE_SZ));
	assert_int_equal(0, unmap_dma(ctr, 0, PAGE_SZ, &done));
	assert_int_equal(PAGE_SZ, done);
	assert_int_equal(0, map_dma(ctr, buf, 0, SZ_2M));
	assert_int_equal(TABLES_WITH_HUGE_LEAF, tables(ctr));

	engine_start(&e, dev, ring);
	assert_int_equal(UDMA_DESC_DONE, engine_fill(&e, 0, SZ_2M));
	assert_true(filled(buf, SZ_2M, true));
}

/* Type1 (v1) cuts a mapping: what was cut away must fault, at once */
static void test_type1_cut(void **state)
{
	int ctr, grp, dev = container_open(VFIO_TYPE1_IOMMU, &ctr, &grp);
	struct udma_desc *ring;
	char *buf = buffers(&ring);
	const uint64_t cut = SZ_1M + PAGE_SZ;
	struct engine e;
	uint64_t done;

	(void)state;
	assert_int_equal(0, map_dma(ctr, ring, IOVA_RING, PAGE_SZ));
	assert_int_equal(0, map_dma(ctr, buf, 0, SZ_2M));
	engine_start(&e, dev, ring);
	assert_int_equal(UDMA_DESC_DONE, engine_fill(&e, 0, SZ_2M));
	memset(buf, 0, SZ_2M);

	assert_int_equal(0, unmap_dma(ctr, 0, cut, &done));
	assert_int_equal(cut, done);
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 engine_fill(&e, 0, 64));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 engine_fill(&e, cut - PAGE_SZ, PAGE_SZ));
	assert_int_equal(UDMA_DESC_DONE,
			 engine_fill(&e, cut, (uint32_t)(SZ_2M - cut)));
	assert_true(filled(buf, cut, false));
	assert_true(filled(buf + cut, SZ_2M - cut, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_iommufd, teardown),
		cmocka_unit_test_teardown(test_type1v2, teardown),
		cmocka_unit_test_teardown(test_type1_cut, teardown),
	};

	if (uiommufd_devices_add("udma") || uiommufd_device_info(0, &udma))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
