// SPDX-License-Identifier: MIT
/*
 * The fixture of the x86 nested model tests: see x86_s1_helpers.h.
 */
#include <string.h>
#include <sys/mman.h>

#include "x86_s1_helpers.h"

struct x86_fixture f;

uint64_t *entry(uint64_t table, unsigned int idx)
{
	return (uint64_t *)(f.guest + table) + idx;
}

uint64_t gpa(uint64_t off)
{
	return GUEST_BASE + off;
}

void x86_build_tables(void)
{
	memset(f.guest + G_PML5, 0, G_SRC - G_PML5);
	*entry(G_PML5, 0) = gpa(G_PML4) | PTE_RWU;
	*entry(G_PML4, 0) = gpa(G_PDPT) | PTE_RWU;
	*entry(G_PDPT, 0) = gpa(G_PD) | PTE_RWU;
	*entry(G_PD, 0) = gpa(G_PT) | PTE_RWU;
	*entry(G_PD, 1) = gpa(G_LARGE) | PTE_RWU | PTE_PS;
	*entry(G_PT, IOVA_RING >> 12) = gpa(G_RING) | PTE_RWU;
	*entry(G_PT, IOVA_SRC >> 12) = gpa(G_SRC) | PTE_P | PTE_US;
	*entry(G_PT, IOVA_DST >> 12) = gpa(G_DST_A) | PTE_RWU;
}

void x86_setup(unsigned int vfio_index)
{
	uint64_t iova = GUEST_BASE;

	memset(&f, 0, sizeof(f));
	/* 2 MiB aligned, so that G_LARGE can be a large page's target */
	f.mapping = map_anon(GUEST_SIZE + SZ_2M);
	f.guest = (char *)(((uintptr_t)f.mapping + SZ_2M - 1) & ~(SZ_2M - 1));
	memset(f.guest, 0, GUEST_SIZE);
	f.ctx = uiommufd_open(0);
	assert_true(f.ctx >= 0);
	f.dev = uiommufd_vfio_cdev_open(vfio_index, 0);
	assert_true(f.dev >= 0);
	assert_int_equal(0, bind(f.dev, f.ctx, &f.devid));
	f.ioas = ioas_alloc(f.ctx);
	assert_int_equal(0, ioas_map(f.ctx, f.ioas, f.guest, GUEST_SIZE, &iova,
				     FIXED));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
					  IOMMU_HWPT_ALLOC_NEST_PARENT, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0,
					  &f.parent));
}

void x86_teardown(void)
{
	if (f.dev > 0) {
		reg(f.dev, UDMA_REG_CONTROL, 0);
		uiommufd_close(f.dev);
	}
	if (f.ctx > 0)
		uiommufd_close(f.ctx);
	munmap(f.mapping, GUEST_SIZE + SZ_2M);
	memset(&f, 0, sizeof(f));
}

uint32_t run(uint32_t op, uint64_t src, uint64_t dst, uint32_t len)
{
	const struct udma_desc d = {
		.op = op, .src = src, .dst = dst, .len = len};

	return udma_run(f.dev, (struct udma_desc *)(f.guest + G_RING), &f.head,
			&d);
}

uint32_t copy(uint64_t src, uint64_t dst, uint32_t len)
{
	return run(UDMA_OP_COPY, src, dst, len);
}

void fill(uint64_t off, int byte)
{
	memset(f.guest + off, byte, 4096);
}

bool all(uint64_t off, int byte, size_t len)
{
	return bytes_all(f.guest + off, byte, len);
}

void x86_check_large_leaf(void)
{
	assert_int_equal(UDMA_DESC_DONE,
			 run(UDMA_OP_FILL, 0x6b6b6b6b6b6b6b6bULL,
			     IOVA_LARGE + 4096 - 16, 64));
	assert_true(all(G_LARGE + 4096 - 16, 0x6b, 64));
	assert_int_equal(PTE_A | PTE_D, *entry(G_PD, 1) & (PTE_A | PTE_D));
}

void x86_check_leaf_faults(void)
{
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
	assert_int_equal(IOVA_HOLE, reg_read(f.dev, UDMA_REG_ERR_ADDR));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_DST, IOVA_SRC, 16));
	*entry(G_PT, IOVA_HOLE >> 12) = gpa(G_DST_B) | PTE_P | PTE_RW;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, IOVA_HOLE, 16));
}

void x86_check_table_outside_guest(void)
{
	*entry(G_PD, 2) = 0x7000000000ULL | PTE_RWU;
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
			 copy(IOVA_SRC, 2 * SZ_2M, 16));
}
