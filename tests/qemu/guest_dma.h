/* SPDX-License-Identifier: MIT */
/*
 * The guest side of `make qemu-check`: a static program that runs inside a
 * QEMU guest, drives a device assigned to the guest with vfio-pci (emulated
 * by uiommufd on the host) through its sysfs files, and checks the DMA it
 * makes into guest RAM. See docs/qemu-check.md.
 */
#ifndef GUEST_DMA_H
#define GUEST_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE     4096ul
#define HUGE_SIZE     (2ul << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A PCI function of the guest, found in /sys/bus/pci/devices */
struct guest_pci {
	char path[300];
	uint16_t vendor, device;
	volatile uint8_t *bar0;
	size_t bar0_len;
};

/* Guest memory locked in place, with the guest-physical address of each page */
struct dma_buf {
	uint8_t *va;
	size_t len;
	size_t page;  /* PAGE_SIZE or HUGE_SIZE */
	uint64_t *pa; /* one per PAGE_SIZE page */
};

int dma_buf_alloc(struct dma_buf *buf, size_t len, bool huge);
void dma_buf_free(struct dma_buf *buf);
bool dma_buf_unmoved(const struct dma_buf *buf);
uint64_t dma_buf_pa(const struct dma_buf *buf, size_t off);

uint32_t mmio_read32(const struct guest_pci *pci, uint64_t off);
void mmio_write32(const struct guest_pci *pci, uint64_t off, uint32_t val);
void mmio_write64(const struct guest_pci *pci, uint64_t off, uint64_t val);

double now_seconds(void);

/* Deterministic bytes: the same @seed gives the same contents */
void fill_random(uint8_t *p, size_t len, uint64_t seed);
/* Bytes of @got that differ from @want; the first one in *first */
size_t count_diff(const uint8_t *got, const uint8_t *want, size_t len,
		  size_t *first);

/* One result line; returns @ok */
bool report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A udma descriptor ring, polled (guest_udma.c) */
#define RING_ENTRIES 64
struct udma_desc;
struct udma_ring {
	struct guest_pci *pci;
	volatile struct udma_desc *desc;
	volatile uint32_t *wb; /* the tail write-back, after the ring */
	uint32_t head;
	uint64_t submitted, moved; /* for the engine's counters */
};

int udma_ring_start(struct udma_ring *r, struct guest_pci *pci, void *ring,
		    uint64_t iova);
/* Run @n descriptors; each one's status comes back in @d */
bool udma_run(struct udma_ring *r, struct udma_desc *d, size_t n);
/* Descriptors whose status is not @want; the first such status in *first */
size_t count_status(const struct udma_desc *d, size_t n, uint32_t want,
		    uint32_t *first);
/* What a FILL of @pattern writes */
void fill_expected(uint8_t *p, uint64_t pattern, size_t len);

/* The checks of each device model; each returns the checks that failed */
unsigned int udma_checks(struct guest_pci *pci);
unsigned int edu_checks(struct guest_pci *pci);
/* udma bound to the guest's vfio-pci, DMA through the guest's IOMMU */
unsigned int udma_vfio_checks(struct guest_pci *pci);

/* Guest-physical ranges QEMU never maps for DMA */
#define LEGACY_VGA_HOLE 0xa0000ull /* [0xa0000, 0xc0000): MMIO, not RAM */
#define FAR_IOVA	0x100000000000ull /* 16 TiB: far above guest RAM */

#endif
