// SPDX-License-Identifier: MIT
/*
 * The edu checks of guest-dma: QEMU's educational device (docs/specs/
 * edu.rst of QEMU, src/emu/edu.c here) moves up to 4 KiB between guest RAM
 * and its own buffer per command. Pages go through the buffer and back to
 * other pages, every byte compared; then reads from guest-physical
 * addresses QEMU did not map must leave the buffer as it was (edu reports
 * no DMA error, so what it then writes back shows it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_dma.h"

#define EDU_ID	       0x010000edu
#define EDU_REG_ID     0x00
#define EDU_REG_LIVE   0x04
#define EDU_REG_FACT   0x08
#define EDU_REG_SRC    0x80
#define EDU_REG_DST    0x88
#define EDU_REG_COUNT  0x90
#define EDU_REG_CMD    0x98
#define EDU_CMD_RUN    0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUF	       0x40000ull
#define EDU_BUF_SIZE   4096
/* The device keeps 28 bits of a RAM address: only pages below reach it */
#define EDU_DMA_LIMIT  (1ull << 28)
#define EDU_PAGES      64
#define EDU_POOL_PAGES (2 * 4096)
#define EDU_TIMEOUT_S  10.0

/* One transfer; false if the device did not finish it */
static bool edu_dma(struct guest_pci *pci, uint64_t src, uint64_t dst,
		    uint32_t count, bool to_ram)
{
	double deadline = now_seconds() + EDU_TIMEOUT_S;

	mmio_write64(pci, EDU_REG_SRC, src);
	mmio_write64(pci, EDU_REG_DST, dst);
	mmio_write64(pci, EDU_REG_COUNT, count);
	mmio_write32(pci, EDU_REG_CMD,
		     EDU_CMD_RUN | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (mmio_read32(pci, EDU_REG_CMD) & EDU_CMD_RUN) {
		if (now_seconds() > deadline)
			return false;
	}
	return true;
}

static bool check_registers(struct guest_pci *pci)
{
	uint32_t id = mmio_read32(pci, EDU_REG_ID), live, fact;

	mmio_write32(pci, EDU_REG_LIVE, 0x12345678);
	live = mmio_read32(pci, EDU_REG_LIVE);
	mmio_write32(pci, EDU_REG_FACT, 10);
	fact = mmio_read32(pci, EDU_REG_FACT);
	return report(id == EDU_ID && live == ~0x12345678u && fact == 3628800,
		      "edu registers: id %#x, liveness %#x, 10! = %u", id, live,
		      fact);
}

/* Pages of @pool that edu can reach, into @pages (offsets in @pool) */
static size_t reachable_pages(const struct dma_buf *pool, size_t *pages,
			      size_t want)
{
	size_t n = 0;

	for (size_t off = 0; off < pool->len && n < want; off += PAGE_SIZE) {
		if (dma_buf_pa(pool, off) + PAGE_SIZE <= EDU_DMA_LIMIT)
			pages[n++] = off;
	}
	return n;
}

/* Each page into the buffer and out again into another page */
static bool check_round_trips(struct guest_pci *pci, struct dma_buf *pool,
			      const size_t *pages)
{
	size_t bytes = 0;

	for (size_t i = 0; i < EDU_PAGES; i++) {
		uint8_t *src = pool->va + pages[i];
		uint8_t *dst = pool->va + pages[EDU_PAGES + i];
		size_t first, diff;

		fill_random(src, PAGE_SIZE, 10 + i);
		memset(dst, 0, PAGE_SIZE);
		if (!edu_dma(pci, dma_buf_pa(pool, pages[i]), EDU_BUF,
			     PAGE_SIZE, false) ||
		    !edu_dma(pci, EDU_BUF,
			     dma_buf_pa(pool, pages[EDU_PAGES + i]), PAGE_SIZE,
			     true))
			return report(false, "edu DMA: page %zu not done", i);
		diff = count_diff(dst, src, PAGE_SIZE, &first);
		if (diff)
			return report(false,
				      "edu DMA: page %zu: %zu bytes "
				      "wrong, the first at %zu",
				      i, diff, first);
		bytes += PAGE_SIZE;
	}
	return report(true, "edu DMA from and to %d pages: %zu bytes checked",
		      EDU_PAGES, bytes);
}

/* A piece at odd offsets: only its bytes change */
static bool check_piece(struct guest_pci *pci, struct dma_buf *pool,
			const size_t *pages)
{
	uint8_t *src = pool->va + pages[0], *dst = pool->va + pages[1];
	uint8_t want[PAGE_SIZE];
	size_t first, diff;

	fill_random(src, PAGE_SIZE, 20);
	fill_random(dst, PAGE_SIZE, 21);
	memcpy(want, dst, PAGE_SIZE);
	memcpy(want + 33, src, 1000);
	if (!edu_dma(pci, dma_buf_pa(pool, pages[0]), EDU_BUF + 17, 1000,
		     false) ||
	    !edu_dma(pci, EDU_BUF + 17, dma_buf_pa(pool, pages[1]) + 33, 1000,
		     true))
		return report(false, "edu DMA of 1000 bytes: not done");
	diff = count_diff(dst, want, PAGE_SIZE, &first);
	return report(!diff,
		      "edu DMA of 1000 bytes at odd offsets: %zu of "
		      "%lu bytes wrong",
		      diff, PAGE_SIZE);
}

/*
 * Reads from an unmapped address, and from one crossing into it, fault in
 * the IOMMU: the buffer keeps what a good read put there before.
 */
static bool check_unmapped(struct guest_pci *pci, struct dma_buf *pool,
			   const size_t *pages)
{
	static const uint64_t from[] = {LEGACY_VGA_HOLE,
					LEGACY_VGA_HOLE - PAGE_SIZE / 2};
	uint8_t *known = pool->va + pages[0], *out = pool->va + pages[1];
	size_t first;

	fill_random(known, PAGE_SIZE, 30);
	for (size_t i = 0; i < ARRAY_SIZE(from); i++) {
		memset(out, 0, PAGE_SIZE);
		if (!edu_dma(pci, dma_buf_pa(pool, pages[0]), EDU_BUF,
			     PAGE_SIZE, false) ||
		    !edu_dma(pci, from[i], EDU_BUF, PAGE_SIZE, false) ||
		    !edu_dma(pci, EDU_BUF, dma_buf_pa(pool, pages[1]),
			     PAGE_SIZE, true))
			return report(false, "edu DMA from %#llx: not done",
				      (unsigned long long)from[i]);
		if (count_diff(out, known, PAGE_SIZE, &first))
			return report(false,
				      "edu DMA from unmapped %#llx "
				      "changed the buffer at %zu",
				      (unsigned long long)from[i], first);
	}
	return report(true,
		      "edu DMA from unmapped %#llx and across %#llx "
		      "faults: buffer unchanged",
		      (unsigned long long)from[0], (unsigned long long)from[0]);
}

unsigned int edu_checks(struct guest_pci *pci)
{
	size_t pages[2 * EDU_PAGES], n;
	unsigned int failed = 0;
	struct dma_buf pool;

	if (!check_registers(pci))
		return 1;
	if (!report(!dma_buf_alloc(&pool, EDU_POOL_PAGES * PAGE_SIZE, false),
		    "4 KiB pages locked, addresses from pagemap"))
		return 1;
	n = reachable_pages(&pool, pages, ARRAY_SIZE(pages));
	if (!report(n == ARRAY_SIZE(pages),
		    "%zu pages below 256 MiB, %zu "
		    "needed",
		    n, ARRAY_SIZE(pages))) {
		dma_buf_free(&pool);
		return 1;
	}
	failed += !check_round_trips(pci, &pool, pages);
	failed += !check_piece(pci, &pool, pages);
	failed += !check_unmapped(pci, &pool, pages);
	failed += !report(dma_buf_unmoved(&pool),
			  "buffers stayed at their guest-physical addresses");
	dma_buf_free(&pool);
	return failed;
}
