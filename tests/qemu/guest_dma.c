// SPDX-License-Identifier: MIT
/*
 * guest-dma: run inside the QEMU guest of `make qemu-check` (from the
 * initramfs, as root). Finds the assigned device by its IDs in
 * /sys/bus/pci/devices, turns on memory decoding and bus mastering in its
 * config space, maps its register BAR through resource0 and runs the
 * checks of its model. Guest-physical addresses of its buffers come from
 * /proc/self/pagemap: with no vIOMMU they are the IOVAs QEMU mapped guest
 * RAM at. With GUEST_DMA_MODE=vfio in its environment, it drives a udma
 * through the guest's own VFIO and IOMMU instead (guest_vfio.c). One line per
 * check, then "guest-dma: RESULT PASS" or "guest-dma: RESULT FAIL", which the
 * host script looks for.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest_dma.h"

#define PCI_COMMAND	   0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PAGEMAP_PRESENT	   (1ull << 63)
#define PAGEMAP_PFN_MASK   ((1ull << 55) - 1)

static const struct {
	uint16_t vendor, device;
	const char *name;
	unsigned int (*checks)(struct guest_pci *pci);
} models[] = {
	{0x5546, 0xd0a0, "udma", udma_checks},
	{0x1234, 0x11e8, "edu", edu_checks},
};

bool report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("guest-dma: %s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;

	for (size_t i = 0; i < len; i++) {
		/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 24);
	}
}

size_t count_diff(const uint8_t *got, const uint8_t *want, size_t len,
		  size_t *first)
{
	size_t n = 0;

	*first = len;
	for (size_t i = 0; i < len; i++) {
		if (got[i] == want[i])
			continue;
		if (!n)
			*first = i;
		n++;
	}
	return n;
}

uint32_t mmio_read32(const struct guest_pci *pci, uint64_t off)
{
	return *(volatile uint32_t *)(pci->bar0 + off);
}

void mmio_write32(const struct guest_pci *pci, uint64_t off, uint32_t val)
{
	*(volatile uint32_t *)(pci->bar0 + off) = val;
}

/* As two 32-bit halves, low first: what every register of both models takes */
void mmio_write64(const struct guest_pci *pci, uint64_t off, uint64_t val)
{
	mmio_write32(pci, off, (uint32_t)val);
	mmio_write32(pci, off + 4, (uint32_t)(val >> 32));
}

/* The guest-physical address of each page of @buf; false if one is absent */
static bool read_pagemap(const struct dma_buf *buf, uint64_t *pa)
{
	size_t pages = buf->len / PAGE_SIZE;
	uint64_t entry;
	bool ok = true;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return false;
	for (size_t i = 0; ok && i < pages; i++) {
		uintptr_t va = (uintptr_t)buf->va + i * PAGE_SIZE;
		off_t off = (off_t)(va / PAGE_SIZE * sizeof(entry));

		ok = pread(fd, &entry, sizeof(entry), off) == sizeof(entry) &&
		     (entry & PAGEMAP_PRESENT) && (entry & PAGEMAP_PFN_MASK);
		pa[i] = (entry & PAGEMAP_PFN_MASK) * PAGE_SIZE;
	}
	close(fd);
	return ok;
}

/*
 * Guest RAM that stays where it is: locked (no swap, and the init script
 * keeps compaction off locked pages), not merged into transparent huge
 * pages, or hugetlb pages (reserved on the kernel command line), which are
 * physically contiguous.
 */
int dma_buf_alloc(struct dma_buf *buf, size_t len, bool huge)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED;

	memset(buf, 0, sizeof(*buf));
	buf->page = huge ? HUGE_SIZE : PAGE_SIZE;
	buf->len = (len + buf->page - 1) / buf->page * buf->page;
	if (huge)
		flags |= MAP_HUGETLB;
	buf->va = mmap(NULL, buf->len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (buf->va == MAP_FAILED)
		return -errno;
	if (!huge)
		madvise(buf->va, buf->len, MADV_NOHUGEPAGE);
	if (mlock(buf->va, buf->len))
		goto err_unmap;
	memset(buf->va, 0, buf->len);
	buf->pa = calloc(buf->len / PAGE_SIZE, sizeof(*buf->pa));
	if (!buf->pa)
		goto err_unmap;
	if (!read_pagemap(buf, buf->pa))
		goto err_free;
	return 0;

err_free:
	free(buf->pa);
err_unmap:
	munmap(buf->va, buf->len);
	buf->va = NULL;
	return -EFAULT;
}

void dma_buf_free(struct dma_buf *buf)
{
	free(buf->pa);
	munmap(buf->va, buf->len);
}

uint64_t dma_buf_pa(const struct dma_buf *buf, size_t off)
{
	return buf->pa[off / PAGE_SIZE] + off % PAGE_SIZE;
}

/* The pages are where they were when the device was told their addresses */
bool dma_buf_unmoved(const struct dma_buf *buf)
{
	size_t pages = buf->len / PAGE_SIZE;
	uint64_t *now = calloc(pages, sizeof(*now));
	bool same;

	if (!now)
		return false;
	same = read_pagemap(buf, now) &&
	       !memcmp(now, buf->pa, pages * sizeof(*now));
	free(now);
	return same;
}

static unsigned int read_hex_file(const char *dir, const char *name)
{
	char path[512], text[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	return (unsigned int)strtoul(text, NULL, 16);
}

/* The first PCI function with the IDs of one of the models */
static int find_device(struct guest_pci *pci, unsigned int *model)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent *de;
	DIR *dir;

	dir = opendir(base);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(pci->path, sizeof(pci->path), "%s/%s", base,
			 de->d_name);
		pci->vendor = (uint16_t)read_hex_file(pci->path, "vendor");
		pci->device = (uint16_t)read_hex_file(pci->path, "device");
		for (*model = 0; *model < ARRAY_SIZE(models); (*model)++) {
			if (models[*model].vendor == pci->vendor &&
			    models[*model].device == pci->device) {
				closedir(dir);
				return 0;
			}
		}
	}
	closedir(dir);
	return -ENODEV;
}

/* Memory decoding and bus mastering on, as a driver's pci_enable_device() */
static int enable_device(const struct guest_pci *pci)
{
	char path[512];
	uint16_t cmd;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/config", pci->path);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (pread(fd, &cmd, sizeof(cmd), PCI_COMMAND) != sizeof(cmd)) {
		rc = -EIO;
		goto out;
	}
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, sizeof(cmd), PCI_COMMAND) != sizeof(cmd) ||
	    pread(fd, &cmd, sizeof(cmd), PCI_COMMAND) != sizeof(cmd) ||
	    (cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) !=
		    (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER))
		rc = -EIO;
out:
	close(fd);
	return rc;
}

static int map_bar0(struct guest_pci *pci)
{
	char path[512];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource0", pci->path);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -EIO;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	pci->bar0 = p;
	pci->bar0_len = (size_t)st.st_size;
	return 0;
}

int main(void)
{
	struct guest_pci pci = {};
	unsigned int model = 0, failed;
	double t0 = now_seconds();
	const char *mode;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = find_device(&pci, &model);
	if (!report(!rc, "device found in /sys/bus/pci/devices (%s)",
		    rc ? strerror(-rc) : pci.path))
		goto fail;
	printf("guest-dma: device %s %04x:%04x (%s)\n", pci.path, pci.vendor,
	       pci.device, models[model].name);
	/* GUEST_DMA_MODE=vfio on the kernel's command line: /init's env */
	mode = getenv("GUEST_DMA_MODE");
	if (mode && !strcmp(mode, "vfio")) {
		if (!report(models[model].checks == udma_checks,
			    "the device is a udma, for the vfio checks"))
			goto fail;
		failed = udma_vfio_checks(&pci);
		goto done;
	}
	rc = enable_device(&pci);
	if (!report(!rc, "memory space and bus mastering enabled in config"))
		goto fail;
	rc = map_bar0(&pci);
	if (!report(!rc, "BAR0 mapped through resource0 (%zu bytes)%s%s",
		    pci.bar0_len, rc ? ": " : "", rc ? strerror(-rc) : ""))
		goto fail;
	failed = models[model].checks(&pci);
done:
	if (failed)
		goto fail;
	printf("guest-dma: RESULT PASS %s (%.1f s)\n", models[model].name,
	       now_seconds() - t0);
	return 0;
fail:
	printf("guest-dma: RESULT FAIL\n");
	return 1;
}
