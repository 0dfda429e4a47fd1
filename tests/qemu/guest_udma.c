// SPDX-License-Identifier: MIT
/*
 * The udma checks of guest-dma: a ring of descriptors in guest RAM, copies
 * and fills between guest pages (one descriptor per scattered 4 KiB page,
 * and descriptors spanning a 2 MiB hugetlb page at odd offsets), every
 * byte compared; then transfers from and to addresses QEMU did not map,
 * each of which must fail in its descriptor without a byte moved, and the
 * engine must go on. The data sheet is include/uiommufd/udma.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/udma.h>

#include "guest_dma.h"

#define RING_WB_OFFSET	(RING_ENTRIES * sizeof(struct udma_desc))
#define SCATTER_PAGES	256
#define BATCH_TIMEOUT_S 30.0
#define FILL_PATTERN	0x0123456789abcdefull

/*
 * Reset the engine and start it on the ring at @ring (a page of the
 * program's memory) that the device reaches at @iova
 */
int udma_ring_start(struct udma_ring *r, struct guest_pci *pci, void *ring,
		    uint64_t iova)
{
	memset(r, 0, sizeof(*r));
	r->pci = pci;
	if (mmio_read32(pci, UDMA_REG_ID) != UDMA_ID)
		return -1;
	r->desc = ring;
	r->wb = (volatile uint32_t *)((uint8_t *)ring + RING_WB_OFFSET);
	mmio_write32(pci, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
	mmio_write64(pci, UDMA_REG_RING_BASE, iova);
	mmio_write32(pci, UDMA_REG_RING_SIZE, RING_ENTRIES);
	mmio_write64(pci, UDMA_REG_WB_ADDR, iova + RING_WB_OFFSET);
	mmio_write32(pci, UDMA_REG_IRQ_MASK, 0); /* polled */
	mmio_write32(pci, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	if (!(mmio_read32(pci, UDMA_REG_STATUS) & UDMA_STATUS_RUNNING))
		return -1;
	return 0;
}

/* The ring in a page of guest RAM, at its guest-physical address */
static int udma_start(struct udma_ring *r, struct guest_pci *pci,
		      struct dma_buf *mem)
{
	int rc;

	rc = dma_buf_alloc(mem, PAGE_SIZE, false);
	if (rc)
		return rc;
	rc = udma_ring_start(r, pci, mem->va, dma_buf_pa(mem, 0));
	if (rc)
		dma_buf_free(mem);
	return rc;
}

static void udma_stop(struct udma_ring *r, struct dma_buf *mem)
{
	mmio_write32(r->pci, UDMA_REG_CONTROL, UDMA_CTRL_RESET);
	dma_buf_free(mem);
}

/* Until the engine's tail reaches the head; false on a halt or timeout */
static bool udma_wait(struct udma_ring *r)
{
	double deadline = now_seconds() + BATCH_TIMEOUT_S;

	while (mmio_read32(r->pci, UDMA_REG_RING_TAIL) != r->head) {
		if (mmio_read32(r->pci, UDMA_REG_STATUS) & UDMA_STATUS_HALTED)
			return false;
		if (now_seconds() > deadline)
			return false;
	}
	return *r->wb == r->head;
}

/*
 * Run @n descriptors, in batches that fit the ring; each one's status is
 * written back into @d. False if the engine halted or did not finish.
 */
bool udma_run(struct udma_ring *r, struct udma_desc *d, size_t n)
{
	while (n) {
		size_t batch = n < RING_ENTRIES - 1 ? n : RING_ENTRIES - 1;
		uint32_t first = r->head;

		for (size_t i = 0; i < batch; i++) {
			volatile struct udma_desc *slot = &r->desc[r->head];

			slot->op = d[i].op;
			slot->status = UDMA_DESC_PENDING;
			slot->src = d[i].src;
			slot->dst = d[i].dst;
			slot->len = d[i].len;
			r->head = (r->head + 1) % RING_ENTRIES;
		}
		__sync_synchronize();
		mmio_write32(r->pci, UDMA_REG_RING_HEAD, r->head);
		if (!udma_wait(r))
			return false;
		for (size_t i = 0; i < batch; i++) {
			d[i].status =
				r->desc[(first + i) % RING_ENTRIES].status;
			if (d[i].status == UDMA_DESC_DONE)
				r->moved += d[i].len;
		}
		r->submitted += batch;
		d += batch;
		n -= batch;
	}
	return true;
}

/* Descriptors whose status is not @want; the first such status in *first */
size_t count_status(const struct udma_desc *d, size_t n, uint32_t want,
		    uint32_t *first)
{
	size_t bad = 0;

	*first = want;
	for (size_t i = 0; i < n; i++) {
		if (d[i].status == want)
			continue;
		if (!bad)
			*first = d[i].status;
		bad++;
	}
	return bad;
}

void fill_expected(uint8_t *p, uint64_t pattern, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(pattern >> (8 * (i % 8)));
}

/* Every byte of @got against @want, one line */
static bool check_bytes(const char *what, const uint8_t *got,
			const uint8_t *want, size_t len, size_t ndesc,
			uint32_t bad_status, size_t bad_desc)
{
	size_t first, diff = count_diff(got, want, len, &first);

	if (bad_desc)
		return report(false,
			      "%s: %zu of %zu descriptors failed "
			      "(status %#x)",
			      what, bad_desc, ndesc, bad_status);
	if (diff)
		return report(false,
			      "%s: %zu of %zu bytes wrong, the first "
			      "at %zu (%#x, not %#x)",
			      what, diff, len, first, got[first], want[first]);
	return report(true, "%s: %zu descriptors, %zu bytes checked", what,
		      ndesc, len);
}

/* One FILL per scattered 4 KiB page, each with its own pattern */
static bool check_fill_pages(struct udma_ring *r, struct dma_buf *dst,
			     uint8_t *want)
{
	struct udma_desc d[SCATTER_PAGES] = {};
	uint32_t bad_status;
	size_t bad;

	for (size_t i = 0; i < SCATTER_PAGES; i++) {
		uint64_t pattern = FILL_PATTERN ^ (i * 0x0101010101010101ull);

		d[i] = (struct udma_desc){.op = UDMA_OP_FILL,
					  .src = pattern,
					  .dst = dma_buf_pa(dst, i * PAGE_SIZE),
					  .len = PAGE_SIZE};
		fill_expected(want + i * PAGE_SIZE, pattern, PAGE_SIZE);
	}
	if (!udma_run(r, d, SCATTER_PAGES))
		return report(false, "fill 4 KiB pages: the engine stopped");
	bad = count_status(d, SCATTER_PAGES, UDMA_DESC_DONE, &bad_status);
	return check_bytes("fill, one descriptor per 4 KiB page", dst->va, want,
			   dst->len, SCATTER_PAGES, bad_status, bad);
}

/* One COPY per page, page i of @src to page 7i mod n of @dst */
static bool check_copy_pages(struct udma_ring *r, struct dma_buf *src,
			     struct dma_buf *dst, uint8_t *want)
{
	struct udma_desc d[SCATTER_PAGES] = {};
	uint32_t bad_status;
	size_t bad;

	fill_random(src->va, src->len, 1);
	for (size_t i = 0; i < SCATTER_PAGES; i++) {
		size_t to = (i * 7) % SCATTER_PAGES;

		d[i] = (struct udma_desc){.op = UDMA_OP_COPY,
					  .src = dma_buf_pa(src, i * PAGE_SIZE),
					  .dst = dma_buf_pa(dst,
							    to * PAGE_SIZE),
					  .len = PAGE_SIZE};
		memcpy(want + to * PAGE_SIZE, src->va + i * PAGE_SIZE,
		       PAGE_SIZE);
	}
	if (!udma_run(r, d, SCATTER_PAGES))
		return report(false, "copy 4 KiB pages: the engine stopped");
	bad = count_status(d, SCATTER_PAGES, UDMA_DESC_DONE, &bad_status);
	return check_bytes("copy, one descriptor per 4 KiB page", dst->va, want,
			   dst->len, SCATTER_PAGES, bad_status, bad);
}

/*
 * Within a physically contiguous 2 MiB page: a copy of nearly all of it
 * and a fill, both at odd offsets and lengths across 4 KiB boundaries;
 * the bytes around them must stay as they were.
 */
static bool check_huge(struct udma_ring *r, struct dma_buf *src,
		       struct dma_buf *dst, uint8_t *want)
{
	const size_t copy_off = 5, copy_len = HUGE_SIZE - 4096 - 11;
	const size_t fill_off = 3 * PAGE_SIZE - 3, fill_len = 5 * PAGE_SIZE + 7;
	struct udma_desc d[2] = {
		{.op = UDMA_OP_COPY,
		 .src = dma_buf_pa(src, 3),
		 .dst = dma_buf_pa(dst, copy_off),
		 .len = copy_len},
		{.op = UDMA_OP_FILL,
		 .src = FILL_PATTERN,
		 .dst = dma_buf_pa(dst, fill_off),
		 .len = fill_len},
	};
	uint32_t bad_status;
	size_t bad;

	fill_random(src->va, HUGE_SIZE, 2);
	fill_random(dst->va, HUGE_SIZE, 3);
	memcpy(want, dst->va, HUGE_SIZE);
	memcpy(want + copy_off, src->va + 3, copy_len);
	fill_expected(want + fill_off, FILL_PATTERN, fill_len);
	if (!udma_run(r, d, ARRAY_SIZE(d)))
		return report(false, "copy and fill in 2 MiB: the engine "
				     "stopped");
	bad = count_status(d, ARRAY_SIZE(d), UDMA_DESC_DONE, &bad_status);
	return check_bytes("copy and fill at odd offsets in a 2 MiB page",
			   dst->va, want, HUGE_SIZE, ARRAY_SIZE(d), bad_status,
			   bad);
}

/* One descriptor that must fail with @err, @dst (if any) left as it was */
static bool check_fault(struct udma_ring *r, const char *what,
			struct udma_desc d, uint32_t err, uint64_t err_addr,
			const struct dma_buf *dst, const uint8_t *before)
{
	uint32_t want = UDMA_DESC_ERROR | err;
	size_t first;
	uint64_t addr;

	if (!udma_run(r, &d, 1))
		return report(false, "%s: the engine stopped", what);
	if (d.status != want)
		return report(false, "%s: descriptor status %#x, not %#x", what,
			      d.status, want);
	if (mmio_read32(r->pci, UDMA_REG_ERR_CODE) != err)
		return report(false, "%s: ERR_CODE %#x, not %#x", what,
			      mmio_read32(r->pci, UDMA_REG_ERR_CODE), err);
	addr = mmio_read32(r->pci, UDMA_REG_ERR_ADDR) |
	       (uint64_t)mmio_read32(r->pci, UDMA_REG_ERR_ADDR + 4) << 32;
	if (err_addr && addr != err_addr)
		return report(false, "%s: ERR_ADDR %#llx, not %#llx", what,
			      (unsigned long long)addr,
			      (unsigned long long)err_addr);
	if (dst && count_diff(dst->va, before, dst->len, &first))
		return report(false,
			      "%s: bytes written at %zu although the "
			      "transfer faulted",
			      what, first);
	return report(true, "%s: status %#x, nothing written", what, d.status);
}

static unsigned int check_faults(struct udma_ring *r, struct dma_buf *buf,
				 struct dma_buf *huge, uint8_t *before)
{
	unsigned int failed = 0;

	failed += !check_fault(r, "fill to an unmapped IOVA faults",
			       (struct udma_desc){.op = UDMA_OP_FILL,
						  .src = FILL_PATTERN,
						  .dst = FAR_IOVA,
						  .len = PAGE_SIZE},
			       UDMA_ERR_DST_FAULT, FAR_IOVA, NULL, NULL);
	memcpy(before, buf->va, buf->len);
	failed += !check_fault(r, "copy from an unmapped IOVA faults",
			       (struct udma_desc){.op = UDMA_OP_COPY,
						  .src = FAR_IOVA,
						  .dst = dma_buf_pa(buf, 0),
						  .len = PAGE_SIZE},
			       UDMA_ERR_SRC_FAULT, FAR_IOVA, buf, before);
	/* RAM below 0xa0000 is mapped, the legacy VGA window above is not */
	memcpy(before, huge->va, huge->len);
	failed += !check_fault(
		r, "copy across the end of low RAM faults whole",
		(struct udma_desc){.op = UDMA_OP_COPY,
				   .src = LEGACY_VGA_HOLE - PAGE_SIZE,
				   .dst = dma_buf_pa(huge, 0),
				   .len = 2 * PAGE_SIZE},
		UDMA_ERR_SRC_FAULT, 0, huge, before);
	return failed;
}

/* After faults the engine goes on, and its counters add up */
static bool check_goes_on(struct udma_ring *r, struct dma_buf *buf,
			  uint8_t *want)
{
	struct udma_desc d = {.op = UDMA_OP_FILL,
			      .src = ~FILL_PATTERN,
			      .dst = dma_buf_pa(buf, 0),
			      .len = PAGE_SIZE};
	uint64_t completed, bytes;

	memcpy(want, buf->va, buf->len);
	fill_expected(want, d.src, PAGE_SIZE);
	if (!udma_run(r, &d, 1) || d.status != UDMA_DESC_DONE ||
	    memcmp(buf->va, want, buf->len))
		return report(false, "a fill after the faults: status %#x",
			      d.status);
	completed = mmio_read32(r->pci, UDMA_REG_COMPLETED) |
		    (uint64_t)mmio_read32(r->pci, UDMA_REG_COMPLETED + 4) << 32;
	bytes = mmio_read32(r->pci, UDMA_REG_BYTES) |
		(uint64_t)mmio_read32(r->pci, UDMA_REG_BYTES + 4) << 32;
	return report(completed == r->submitted && bytes == r->moved,
		      "the engine goes on after faults; COMPLETED %llu (want "
		      "%llu), BYTES %llu (want %llu)",
		      (unsigned long long)completed,
		      (unsigned long long)r->submitted,
		      (unsigned long long)bytes, (unsigned long long)r->moved);
}

/* The guest-physical start of BAR @bar, from the function's "resource" */
static uint64_t bar_gpa(const struct guest_pci *pci, unsigned int bar)
{
	unsigned long long start = 0, end, flags;
	char path[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/resource", pci->path);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (unsigned int i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			start = 0;
	fclose(f);
	return start;
}

/* The device's memory BAR, as the guest's CPU sees it */
static volatile uint8_t *map_bar_mem(const struct guest_pci *pci)
{
	char path[320];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%u", pci->path, UDMA_BAR_MEM);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, UDMA_BAR_MEM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Peer-to-peer: a COPY from guest RAM to the guest-physical address of
 * the device's own memory BAR, and back to RAM. QEMU maps the BAR for DMA
 * (a VFIO dma-buf with iommufd, its mmap with the container), so the
 * bytes must land in the BAR, where the CPU reads them.
 */
static bool check_p2p(struct udma_ring *r, struct dma_buf *src,
		      struct dma_buf *dst)
{
	/* Within one page of RAM, across a page boundary of the BAR */
	const uint64_t off = 3 * PAGE_SIZE + 2048, len = PAGE_SIZE - 16;
	uint64_t gpa = bar_gpa(r->pci, UDMA_BAR_MEM);
	volatile uint8_t *bar = map_bar_mem(r->pci);
	struct udma_desc d[2] = {
		{.op = UDMA_OP_COPY,
		 .src = dma_buf_pa(src, 0),
		 .dst = gpa + off,
		 .len = len},
		{.op = UDMA_OP_COPY,
		 .src = gpa + off,
		 .dst = dma_buf_pa(dst, 0),
		 .len = len},
	};
	uint8_t got[PAGE_SIZE];
	size_t first, in_bar, back;

	if (!gpa || !bar)
		return report(false, "P2P: BAR%u not found or not mapped",
			      UDMA_BAR_MEM);
	fill_random(src->va, len, 5);
	memset(dst->va, 0, len);
	if (!udma_run(r, d, ARRAY_SIZE(d)))
		return report(false, "P2P: the engine stopped");
	for (size_t i = 0; i < len; i++)
		got[i] = bar[off + i];
	munmap((void *)bar, UDMA_BAR_MEM_LEN);
	in_bar = count_diff(got, src->va, len, &first);
	back = count_diff(dst->va, src->va, len, &first);
	return report(d[0].status == UDMA_DESC_DONE &&
			      d[1].status == UDMA_DESC_DONE && !in_bar && !back,
		      "P2P: a COPY into BAR%u at %#llx and back (status %#x "
		      "%#x; bytes differing in the BAR %zu, back in RAM %zu)",
		      UDMA_BAR_MEM, (unsigned long long)gpa, d[0].status,
		      d[1].status, in_bar, back);
}

enum { SRC, DST, HUGE_SRC, HUGE_DST, NR_BUFS };

/* The buffers of the checks, all or none */
static int alloc_bufs(struct dma_buf *bufs)
{
	int rc, i;

	for (i = 0; i < NR_BUFS; i++) {
		bool huge = i == HUGE_SRC || i == HUGE_DST;

		rc = dma_buf_alloc(&bufs[i],
				   huge ? HUGE_SIZE : SCATTER_PAGES * PAGE_SIZE,
				   huge);
		if (rc)
			goto err_free;
	}
	return 0;

err_free:
	while (i--)
		dma_buf_free(&bufs[i]);
	return rc;
}

static unsigned int udma_run_checks(struct udma_ring *r, struct dma_buf *ring,
				    struct dma_buf *bufs, uint8_t *want)
{
	unsigned int failed = 0;
	bool unmoved;

	failed += !check_fill_pages(r, &bufs[DST], want);
	failed += !check_copy_pages(r, &bufs[SRC], &bufs[DST], want);
	failed += !check_huge(r, &bufs[HUGE_SRC], &bufs[HUGE_DST], want);
	failed += !check_p2p(r, &bufs[SRC], &bufs[DST]);
	failed += check_faults(r, &bufs[DST], &bufs[HUGE_DST], want);
	failed += !check_goes_on(r, &bufs[DST], want);
	unmoved = dma_buf_unmoved(ring);
	for (int i = 0; i < NR_BUFS; i++)
		unmoved = unmoved && dma_buf_unmoved(&bufs[i]);
	failed += !report(unmoved,
			  "buffers stayed at their guest-physical addresses");
	return failed;
}

unsigned int udma_checks(struct guest_pci *pci)
{
	struct dma_buf bufs[NR_BUFS], ring;
	unsigned int failed = 1;
	struct udma_ring r;
	uint8_t *want;
	int rc;

	if (!report(!udma_start(&r, pci, &ring), "udma identified and enabled"))
		return 1;
	want = malloc(HUGE_SIZE);
	if (!want)
		goto out_ring;
	rc = alloc_bufs(bufs);
	if (!report(!rc,
		    "4 KiB and 2 MiB hugetlb pages locked, addresses "
		    "from pagemap%s%s",
		    rc ? ": " : "", rc ? strerror(-rc) : ""))
		goto out_want;
	failed = udma_run_checks(&r, &ring, bufs, want);
	for (int i = NR_BUFS - 1; i >= 0; i--)
		dma_buf_free(&bufs[i]);
out_want:
	free(want);
out_ring:
	udma_stop(&r, &ring);
	return failed;
}
