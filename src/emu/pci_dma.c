// SPDX-License-Identifier: MIT
/*
 * DMA of an emulated PCI function (see pci_dma.h).
 */
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../iommu/drivers/sw_bus.h"
#include "../lib/trace.h"
#include "dma_inject.h"
#include "pci_dma.h"

/* Bounce size of the no-IOMMU path */
#define RAW_CHUNK (64 * 1024)

/*
 * No IOMMU: the bus address is the host address. A copy between our own
 * addresses through the kernel reports a bad one as EFAULT instead of
 * faulting the process.
 */
static bool raw_rw(uint64_t addr, void *buf, size_t len, bool write,
		   struct sw_dma_fault_info *fault)
{
	struct iovec local = {.iov_base = buf, .iov_len = len};
	struct iovec remote = {.iov_base = (void *)(uintptr_t)addr,
			       .iov_len = len};
	ssize_t n;

	if (!len)
		return true;
	n = write ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
		  : process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return true;
	return sw_dma_fault(fault, write ? SW_DMA_NO_WRITE : SW_DMA_NO_READ,
			    addr + (n > 0 ? (uint64_t)n : 0), write);
}

static bool do_pci_dma_read(struct pci_dev *pdev, uint64_t addr, void *buf,
			    size_t len, struct sw_dma_fault_info *fault)
{
	if (!pci_bus_master(pdev))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, addr, false);
	if (pdev->noiommu)
		return raw_rw(addr, buf, len, false, fault);
	return sw_dma_read(&pdev->sdev, IOMMU_NO_PASID, addr, buf, len, fault);
}

static bool do_pci_dma_write(struct pci_dev *pdev, uint64_t addr,
			     const void *buf, size_t len,
			     struct sw_dma_fault_info *fault)
{
	if (!pci_bus_master(pdev))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, addr, true);
	if (pdev->noiommu)
		return raw_rw(addr, (void *)buf, len, true, fault);
	return sw_dma_write(&pdev->sdev, IOMMU_NO_PASID, addr, buf, len, fault);
}

static bool raw_copy(uint64_t dst, uint64_t src, size_t len,
		     struct sw_dma_fault_info *fault)
{
	char buf[RAW_CHUNK];

	while (len) {
		size_t n = min(len, sizeof(buf));

		if (!raw_rw(src, buf, n, false, fault) ||
		    !raw_rw(dst, buf, n, true, fault))
			return false;
		src += n;
		dst += n;
		len -= n;
	}
	return true;
}

/* Bounce size of a transfer to or from a register BAR (peer to peer) */
#define BUS_CHUNK 256

/*
 * Copy up to *n bytes between host addresses, either of which may be a
 * device's register BAR; *n: how many were copied.
 */
static void bus_copy(void *d, const void *s, size_t *n)
{
	const struct sw_bus_window *ws, *wd;
	char buf[BUS_CHUNK];

	ws = sw_bus_window_find((uintptr_t)s, n);
	wd = sw_bus_window_find((uintptr_t)d, n);
	if (!ws && !wd) {
		memmove(d, s, *n);
		return;
	}
	*n = min(*n, sizeof(buf));
	if (ws)
		sw_bus_window_rw(ws, (uintptr_t)s, buf, *n, false);
	else
		memcpy(buf, s, *n);
	if (wd)
		sw_bus_window_rw(wd, (uintptr_t)d, buf, *n, true);
	else
		memcpy(d, buf, *n);
}

/*
 * Through the IOMMU, in one DMA section: both ranges checked first, then
 * copied piece by piece, each piece as long as both sides stay contiguous.
 */
static bool iommu_copy(struct sw_iommu_dev *sdev, uint32_t pasid, uint64_t dst,
		       uint64_t src, size_t len,
		       struct sw_dma_fault_info *fault)
{
	bool ok;

	sw_dma_begin(sdev);
	ok = sw_dma_check(sdev, pasid, src, len, false, fault) &&
	     sw_dma_check(sdev, pasid, dst, len, true, fault);
	while (ok && len) {
		size_t src_len, dst_len, n;
		void *s = sw_dma_translate(sdev, pasid, src, len, false,
					   &src_len, fault);
		void *d = s ? sw_dma_translate(sdev, pasid, dst, len, true,
					       &dst_len, fault)
			    : NULL;

		/* Only an unmap racing with the copy fails here */
		if (!d) {
			ok = false;
			break;
		}
		n = min(src_len, dst_len);
		bus_copy(d, s, &n);
		src += n;
		dst += n;
		len -= n;
	}
	sw_dma_end(sdev);
	return ok;
}

static bool do_pci_dma_copy(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
			    uint64_t src, size_t len,
			    struct sw_dma_fault_info *fault)
{
	if (!pci_bus_master(pdev))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, src, false);
	/* Without an IOMMU nothing knows PASIDs: they are not present */
	if (pdev->noiommu && pasid != IOMMU_NO_PASID)
		return sw_dma_fault(fault, SW_DMA_NO_PASID, src, false);
	if (pdev->noiommu)
		return raw_copy(dst, src, len, fault);
	return iommu_copy(&pdev->sdev, pasid, dst, src, len, fault);
}

static void fill_pattern(void *dst, uint64_t pattern, uint64_t phase,
			 size_t len)
{
	unsigned char pat[8];
	unsigned char *d = dst;

	for (unsigned int i = 0; i != 8; i++)
		pat[i] = (unsigned char)(pattern >> (8 * ((phase + i) % 8)));
	for (; len >= 8; len -= 8, d += 8)
		memcpy(d, pat, 8);
	memcpy(d, pat, len);
}

/* fill_pattern() of up to *n bytes at a host address, maybe a BAR */
static void bus_fill(void *d, uint64_t pattern, uint64_t phase, size_t *n)
{
	const struct sw_bus_window *w = sw_bus_window_find((uintptr_t)d, n);
	char buf[BUS_CHUNK];

	if (!w) {
		fill_pattern(d, pattern, phase, *n);
		return;
	}
	*n = min(*n, sizeof(buf));
	fill_pattern(buf, pattern, phase, *n);
	sw_bus_window_rw(w, (uintptr_t)d, buf, *n, true);
}

static bool do_pci_dma_fill(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
			    uint64_t pattern, size_t len,
			    struct sw_dma_fault_info *fault)
{
	struct sw_iommu_dev *sdev = &pdev->sdev;
	uint64_t start = dst;
	char buf[RAW_CHUNK];
	bool ok;

	if (!pci_bus_master(pdev))
		return sw_dma_fault(fault, SW_DMA_NOT_MAPPED, dst, true);
	if (pdev->noiommu && pasid != IOMMU_NO_PASID)
		return sw_dma_fault(fault, SW_DMA_NO_PASID, dst, true);
	if (pdev->noiommu) {
		for (ok = true; ok && len;) {
			size_t n = min(len, sizeof(buf));

			fill_pattern(buf, pattern, dst - start, n);
			ok = raw_rw(dst, buf, n, true, fault);
			dst += n;
			len -= n;
		}
		return ok;
	}
	sw_dma_begin(sdev);
	ok = sw_dma_check(sdev, pasid, dst, len, true, fault);
	while (ok && len) {
		size_t n;
		void *d = sw_dma_translate(sdev, pasid, dst, len, true, &n,
					   fault);

		if (!d) {
			ok = false;
			break;
		}
		bus_fill(d, pattern, dst - start, &n);
		dst += n;
		len -= n;
	}
	sw_dma_end(sdev);
	return ok;
}

static const char *const dma_fault_reason[] = {
	[SW_DMA_OK] = "ok",
	[SW_DMA_NOT_MAPPED] = "not_mapped",
	[SW_DMA_NO_READ] = "no_read",
	[SW_DMA_NO_WRITE] = "no_write",
	[SW_DMA_BAD_ENTRY] = "bad_entry",
	[SW_DMA_NO_PASID] = "no_pasid",
};

/*
 * What every transfer goes through: the faults a user injected
 * (UIOMMUFD_FAIL_DMA) come first, as the IOMMU would report an unmapped
 * IOVA; a fault, injected or not, is a trace event.
 */
static bool dma_injected(struct pci_dev *pdev, uint64_t addr, size_t len,
			 bool write, struct sw_dma_fault_info *fault)
{
	uint64_t at;

	if (!dma_inject_hits(addr, len, write, &at))
		return false;
	sw_dma_fault(fault, SW_DMA_NOT_MAPPED, at, write);
	ufd_trace_event("dma_fault",
			"dev=%s iova=%#llx write=%d reason=injected",
			pdev->sdev.dev.name, (unsigned long long)at, write);
	return true;
}

static bool dma_done(struct pci_dev *pdev, bool ok,
		     const struct sw_dma_fault_info *fault)
{
	if (!ok && ufd_trace_on())
		ufd_trace_event("dma_fault",
				"dev=%s iova=%#llx write=%d reason=%s",
				pdev->sdev.dev.name,
				(unsigned long long)fault->iova, fault->write,
				dma_fault_reason[fault->reason]);
	return ok;
}

bool pci_dma_read(struct pci_dev *pdev, uint64_t addr, void *buf, size_t len,
		  struct sw_dma_fault_info *fault)
{
	struct sw_dma_fault_info local;
	struct pci_dev *prev;
	bool ok;

	fault = fault ? fault : &local;
	if (dma_injected(pdev, addr, len, false, fault))
		return false;
	prev = pci_p2p_dma_enter(pdev);
	ok = do_pci_dma_read(pdev, addr, buf, len, fault);
	pci_p2p_dma_leave(prev);
	return dma_done(pdev, ok, fault);
}

bool pci_dma_write(struct pci_dev *pdev, uint64_t addr, const void *buf,
		   size_t len, struct sw_dma_fault_info *fault)
{
	struct sw_dma_fault_info local;
	struct pci_dev *prev;
	bool ok;

	fault = fault ? fault : &local;
	if (dma_injected(pdev, addr, len, true, fault))
		return false;
	prev = pci_p2p_dma_enter(pdev);
	ok = do_pci_dma_write(pdev, addr, buf, len, fault);
	pci_p2p_dma_leave(prev);
	return dma_done(pdev, ok, fault);
}

bool pci_dma_copy(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
		  uint64_t src, size_t len, struct sw_dma_fault_info *fault)
{
	struct sw_dma_fault_info local;
	struct pci_dev *prev;
	bool ok;

	fault = fault ? fault : &local;
	if (dma_injected(pdev, src, len, false, fault) ||
	    dma_injected(pdev, dst, len, true, fault))
		return false;
	prev = pci_p2p_dma_enter(pdev);
	ok = do_pci_dma_copy(pdev, pasid, dst, src, len, fault);
	pci_p2p_dma_leave(prev);
	return dma_done(pdev, ok, fault);
}

bool pci_dma_fill(struct pci_dev *pdev, uint32_t pasid, uint64_t dst,
		  uint64_t pattern, size_t len, struct sw_dma_fault_info *fault)
{
	struct sw_dma_fault_info local;
	struct pci_dev *prev;
	bool ok;

	fault = fault ? fault : &local;
	if (dma_injected(pdev, dst, len, true, fault))
		return false;
	prev = pci_p2p_dma_enter(pdev);
	ok = do_pci_dma_fill(pdev, pasid, dst, pattern, len, fault);
	pci_p2p_dma_leave(prev);
	return dma_done(pdev, ok, fault);
}
