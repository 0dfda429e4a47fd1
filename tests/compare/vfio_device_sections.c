// SPDX-License-Identifier: MIT
/*
 * The sections of vfio_matrix (see vfio_matrix.c) on a device bound and
 * attached: regions and config space, BAR access, interrupts (INTx with
 * its masking, MSI), ioeventfds and the edu's DMA through the IOMMU. Each
 * section runs in a child of its own.
 */
#include "vfio_matrix.h"
/* Regions and config space of a device bound and attached */
void sec_regions(void)
{
	struct bound b;
	char cfg[4096];

	if (bind_attach(0, &b))
		fail("bind_attach");
	for (uint32_t i = 0; i <= 10; i++) {
		struct vfio_region_info ri = {.argsz = sizeof(ri), .index = i};

		CALLF(L("region%u", i),
		      ioctl(b.dev, VFIO_DEVICE_GET_REGION_INFO, &ri),
		      "flags=%#x size=%#llx offset=%#llx argsz=%u", ri.flags,
		      (unsigned long long)ri.size,
		      (unsigned long long)ri.offset, ri.argsz);
	}
	{
		struct vfio_region_info ri = {.argsz = 8, .index = 0};

		CALL("region-argsz-short",
		     ioctl(b.dev, VFIO_DEVICE_GET_REGION_INFO, &ri));
	}
	for (uint32_t i = 0; i <= 5; i++) {
		struct vfio_irq_info ii = {.argsz = sizeof(ii), .index = i};

		CALLF(L("irq%u", i),
		      ioctl(b.dev, VFIO_DEVICE_GET_IRQ_INFO, &ii),
		      "flags=%#x count=%u", ii.flags, ii.count);
	}
	CALL("cfg-read-all", pread(b.dev, cfg, 256, (off_t)PCI_OFF(7)));
	/*
	 * What firmware left is not VFIO's doing and is not compared: the
	 * address it gave the BAR, and the I/O and SERR enables it set.
	 */
	memset(cfg + PCI_BASE_ADDRESS_0, 0, 4);
	cfg[PCI_COMMAND] &= (char)~PCI_COMMAND_IO;
	cfg[PCI_COMMAND + 1] &= (char)~(PCI_COMMAND_SERR >> 8);
	for (int row = 0; row != 16; row++) {
		char line[64], *p = line;

		for (int k = 0; k != 16; k++)
			p += sprintf(p, "%02x",
				     (unsigned char)cfg[row * 16 + k]);
		NOTE("cfg.%02x %s", row * 16, line);
	}
	CALL("cfg-read-past-end",
	     pread(b.dev, cfg, 4, (off_t)PCI_OFF(7) + 256));
	CALL("cfg-read-across-end",
	     pread(b.dev, cfg, 8, (off_t)PCI_OFF(7) + 252));
	CALL("cfg-read-odd", pread(b.dev, cfg, 3, (off_t)PCI_OFF(7) + 1));
	{
		uint32_t v = 0xffffffff, bar;
		uint16_t cmd = 0, vid = 0xabcd;

		pread(b.dev, &bar, 4, (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_0);
		CALL("bar0-size-write",
		     pwrite(b.dev, &v, 4,
			    (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_0));
		pread(b.dev, &v, 4, (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_0);
		NOTE("bar0-size-mask %#x", v);
		pwrite(b.dev, &bar, 4, (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_0);
		v = 0xffffffff;
		pwrite(b.dev, &v, 4, (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_1);
		pread(b.dev, &v, 4, (off_t)PCI_OFF(7) + PCI_BASE_ADDRESS_1);
		NOTE("bar1-size-mask %#x", v);
		v = 0xffffffff;
		pwrite(b.dev, &v, 4, (off_t)PCI_OFF(7) + PCI_ROM_ADDRESS);
		pread(b.dev, &v, 4, (off_t)PCI_OFF(7) + PCI_ROM_ADDRESS);
		NOTE("rom-size-mask %#x", v);
		pwrite(b.dev, &vid, 2, (off_t)PCI_OFF(7) + PCI_VENDOR_ID);
		pread(b.dev, &vid, 2, (off_t)PCI_OFF(7) + PCI_VENDOR_ID);
		NOTE("vendor-after-write %#x", vid);
		pread(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
		NOTE("command %#x", cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_SERR));
		cmd = 0xffff;
		pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
		pread(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
		NOTE("command-all-ones %#x", cmd);
		v = 0xff;
		pwrite(b.dev, &v, 1, (off_t)PCI_OFF(7) + PCI_INTERRUPT_LINE);
		pread(b.dev, &v, 1, (off_t)PCI_OFF(7) + PCI_INTERRUPT_LINE);
		NOTE("intline %#x", v & 0xff);
	}
	{
		struct vfio_pci_hot_reset_info hi = {.argsz = sizeof(hi)};
		struct vfio_pci_hot_reset hr = {.argsz = sizeof(hr)};

		CALLF("hot-reset-info",
		      ioctl(b.dev, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hi),
		      "flags=%#x count=%u", hi.flags, hi.count);
		hi.argsz = 8;
		CALL("hot-reset-info-short",
		     ioctl(b.dev, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hi));
		CALL("hot-reset", ioctl(b.dev, VFIO_DEVICE_PCI_HOT_RESET, &hr));
		hr.flags = 1;
		CALL("hot-reset-flags",
		     ioctl(b.dev, VFIO_DEVICE_PCI_HOT_RESET, &hr));
		hr.flags = 0;
		hr.count = 1;
		CALL("hot-reset-count",
		     ioctl(b.dev, VFIO_DEVICE_PCI_HOT_RESET, &hr));
	}
	CALL("rom-read", pread(b.dev, cfg, 4, (off_t)PCI_OFF(6)));
	CALL("vga-read", pread(b.dev, cfg, 4, (off_t)PCI_OFF(8)));
	CALL("region9-read", pread(b.dev, cfg, 4, (off_t)PCI_OFF(9)));
	CALL("bar1-read", pread(b.dev, cfg, 4, (off_t)PCI_OFF(1)));
	CALL("read-0", pread(b.dev, cfg, 0, (off_t)PCI_OFF(7)));
}

/* BAR0 of edu: its registers through pread/pwrite */
void sec_bar(void)
{
	uint64_t v64 = 0;
	uint32_t v;
	uint16_t cmd;
	struct bound b;
	char buf[16];

	if (bind_attach(0, &b))
		fail("bind_attach");
	cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	NOTE("id %#x", rd32(b.dev, 0));
	wr32(b.dev, 4, 0x12345678);
	NOTE("liveness %#x", rd32(b.dev, 4));
	CALLF("read8-id", pread(b.dev, &v64, 8, 0), "v=%#llx",
	      (unsigned long long)v64);
	v = 0;
	CALLF("read2-id", pread(b.dev, &v, 2, 0), "v=%#x", v);
	v = 0;
	CALLF("read1-id", pread(b.dev, &v, 1, 1), "v=%#x", v);
	v64 = 0x1122334455667788ULL;
	CALL("write8-dma-src", pwrite(b.dev, &v64, 8, 0x80));
	v64 = 0;
	CALLF("read8-dma-src", pread(b.dev, &v64, 8, 0x80), "v=%#llx",
	      (unsigned long long)v64);
	CALLF("read-unaligned", pread(b.dev, buf, 6, 0x81), "%s", "");
	CALL("read-last", pread(b.dev, &v, 4, 0xffffc));
	CALL("read-across-end", pread(b.dev, buf, 8, 0xffffc));
	CALL("read-past-end", pread(b.dev, &v, 4, 0x100000));
	CALL("read-huge-offset",
	     pread(b.dev, &v, 4, (off_t)(PCI_OFF(0) + (1ULL << 39))));
	cmd = PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	CALL("read-mem-disabled", pread(b.dev, &v, 4, 0));
	CALL("write-mem-disabled", pwrite(b.dev, &v, 4, 4));
	cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	{
		void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, b.dev, 0);

		NOTE("mmap-private %s", p == MAP_FAILED ? ename(errno) : "ok");
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, b.dev,
			 (off_t)PCI_OFF(7));
		NOTE("mmap-config %s", p == MAP_FAILED ? ename(errno) : "ok");
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, b.dev,
			 (off_t)PCI_OFF(1));
		NOTE("mmap-bar1 %s", p == MAP_FAILED ? ename(errno) : "ok");
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, b.dev,
			 (off_t)PCI_OFF(9));
		NOTE("mmap-region9 %s", p == MAP_FAILED ? ename(errno) : "ok");
	}
	CALL("reset", ioctl(b.dev, VFIO_DEVICE_RESET));
	NOTE("liveness-after-reset %#x", rd32(b.dev, 4));
}

/* Interrupts: SET_IRQS rules, INTx masking, MSI */
void sec_irq(void)
{
	int32_t fds[2], bad = 1000, none = -1;
	uint8_t one = 1;
	uint16_t cmd;
	struct bound b;
	int efd, efd2;

	if (bind_attach(0, &b))
		fail("bind_attach");
	cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	efd2 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	fds[0] = efd;
	fds[1] = efd2;
	{
		struct vfio_irq_set s = {.argsz = 8};

		CALL("set-argsz-short", ioctl(b.dev, VFIO_DEVICE_SET_IRQS, &s));
	}
	CALL("set-bad-index",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 9,
		      0, 1, NULL, 0));
	CALL("set-bad-flags", set_irqs(b.dev, 1u << 9, 0, 0, 1, NULL, 0));
	CALL("set-two-data",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, NULL, 0));
	CALL("set-two-actions",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
			      VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, NULL, 0));
	CALL("set-start-out",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      1, 1, NULL, 0));
	CALL("set-count-out",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      1, 0, 2, fds, 8));
	CALL("set-data-short",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, fds, 0));
	CALL("intx-unmask-off",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0,
		      1, NULL, 0));
	CALL("intx-trigger-off",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      0, 1, NULL, 0));
	CALL("intx-eventfd-bad",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, &bad, 4));
	CALL("intx-eventfd-devfd",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, &b.dev, 4));
	CALL("intx-enable",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, &efd, 4));
	CALL("msi-while-intx",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      1, 0, 1, &efd, 4));
	CALL("intx-loopback",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      0, 1, NULL, 0));
	NOTE("intx-loopback-count %llu",
	     (unsigned long long)eventfd_count(efd, 1000));
	CALL("intx-loopback-bool",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      0, 1, &one, 1));
	NOTE("intx-loopback-bool-count %llu",
	     (unsigned long long)eventfd_count(efd, 1000));
	/* The device raises INTx: fires once, masked until unmasked */
	wr32(b.dev, 0x60, 1);
	NOTE("intx-raise %llu", (unsigned long long)eventfd_count(efd, 2000));
	wr32(b.dev, 0x60, 2);
	NOTE("intx-raise-masked %llu",
	     (unsigned long long)eventfd_count(efd, 200));
	CALL("intx-unmask",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0,
		      1, NULL, 0));
	NOTE("intx-unmask-still-asserted %llu",
	     (unsigned long long)eventfd_count(efd, 2000));
	wr32(b.dev, 0x64, 3);
	NOTE("irq-status-after-ack %#x", rd32(b.dev, 0x24));
	CALL("intx-unmask2",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0,
		      1, NULL, 0));
	NOTE("intx-unmask-deasserted %llu",
	     (unsigned long long)eventfd_count(efd, 200));
	CALL("intx-mask",
	     set_irqs(b.dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		      0, 0, 1, NULL, 0));
	wr32(b.dev, 0x60, 4);
	NOTE("intx-raise-after-mask %llu",
	     (unsigned long long)eventfd_count(efd, 200));
	CALL("intx-unmask3",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0,
		      1, NULL, 0));
	NOTE("intx-pending-fires %llu",
	     (unsigned long long)eventfd_count(efd, 2000));
	wr32(b.dev, 0x64, 4);
	/* An eventfd that unmasks: what KVM's resampler signals */
	{
		int32_t unmask = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		uint64_t signal = 1;

		CALL("intx-unmask-eventfd",
		     set_irqs(b.dev,
			      VFIO_IRQ_SET_DATA_EVENTFD |
				      VFIO_IRQ_SET_ACTION_UNMASK,
			      0, 0, 1, &unmask, 4));
		CALL("intx-unmask-eventfd-again",
		     set_irqs(b.dev,
			      VFIO_IRQ_SET_DATA_EVENTFD |
				      VFIO_IRQ_SET_ACTION_UNMASK,
			      0, 0, 1, &unmask, 4));
		wr32(b.dev, 0x60, 8);
		NOTE("intx-raise-for-resample %llu",
		     (unsigned long long)eventfd_count(efd, 2000));
		CALL("intx-resample", write(unmask, &signal, 8));
		NOTE("intx-resample-refires %llu",
		     (unsigned long long)eventfd_count(efd, 2000));
		wr32(b.dev, 0x64, 8);
		CALL("intx-resample2", write(unmask, &signal, 8));
		NOTE("intx-resample-deasserted %llu",
		     (unsigned long long)eventfd_count(efd, 300));
		CALL("intx-unmask-eventfd-off",
		     set_irqs(b.dev,
			      VFIO_IRQ_SET_DATA_EVENTFD |
				      VFIO_IRQ_SET_ACTION_UNMASK,
			      0, 0, 1, &none, 4));
		close(unmask);
	}
	CALL("intx-mask-eventfd",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK, 0,
		      0, 1, &efd2, 4));
	CALL("intx-replace-eventfd",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, &efd2, 4));
	CALL("intx-disable-count0",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      0, 0, NULL, 0));
	CALL("intx-unmask-disabled",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0,
		      1, NULL, 0));
	/* MSI */
	CALL("msi-enable",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      1, 0, 1, &efd, 4));
	CALL("intx-while-msi",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      0, 0, 1, &efd, 4));
	CALL("msix-while-msi",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      2, 0, 1, &efd, 4));
	CALL("msi-mask",
	     set_irqs(b.dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		      1, 0, 1, NULL, 0));
	wr32(b.dev, 0x60, 1);
	NOTE("msi-raise %llu", (unsigned long long)eventfd_count(efd, 2000));
	wr32(b.dev, 0x60, 2);
	NOTE("msi-raise-again %llu",
	     (unsigned long long)eventfd_count(efd, 2000));
	wr32(b.dev, 0x64, 3);
	CALL("msi-loopback",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 1,
		      0, 1, NULL, 0));
	NOTE("msi-loopback-count %llu",
	     (unsigned long long)eventfd_count(efd, 1000));
	CALL("msi-vector-off",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      1, 0, 1, &none, 4));
	CALL("msi-disable",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 1,
		      0, 0, NULL, 0));
	CALL("err-trigger",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      3, 0, 1, &efd, 4));
	CALL("req-off-none",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 4,
		      0, 1, NULL, 0));
	CALL("req-trigger",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      4, 0, 1, &efd, 4));
	CALL("req-loopback",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 4,
		      0, 1, NULL, 0));
	NOTE("req-loopback-count %llu",
	     (unsigned long long)eventfd_count(efd, 1000));
	CALL("req-mask",
	     set_irqs(b.dev, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		      4, 0, 1, NULL, 0));
	CALL("req-off",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		      4, 0, 1, &none, 4));
	CALL("req-off-count0",
	     set_irqs(b.dev,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 4,
		      0, 0, NULL, 0));
}

/* VFIO_DEVICE_IOEVENTFD: a BAR write done when an eventfd fires */
static int ioeventfd(int dev, uint64_t offset, uint64_t data, uint32_t flags,
		     int32_t fd, uint32_t argsz)
{
	struct vfio_device_ioeventfd e = {.argsz = argsz,
					  .flags = flags,
					  .offset = offset,
					  .data = data,
					  .fd = fd};

	return ioctl(dev, VFIO_DEVICE_IOEVENTFD, &e);
}

void sec_ioeventfd(void)
{
	const uint32_t sz = sizeof(struct vfio_device_ioeventfd);
	int efd = eventfd(0, EFD_CLOEXEC), efd2 = eventfd(0, EFD_CLOEXEC);
	int other, g;
	uint64_t one = 1;
	uint16_t cmd;
	struct bound b;

	if (bind_attach(0, &b))
		fail("bind_attach");
	cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	CALL("argsz-short",
	     ioeventfd(b.dev, 4, 1, VFIO_DEVICE_IOEVENTFD_32, efd, 16));
	CALL("bad-flags", ioeventfd(b.dev, 4, 1, 1u << 4, efd, sz));
	CALL("two-sizes",
	     ioeventfd(b.dev, 4, 1,
		       VFIO_DEVICE_IOEVENTFD_32 | VFIO_DEVICE_IOEVENTFD_16, efd,
		       sz));
	CALL("no-size", ioeventfd(b.dev, 4, 1, 0, efd, sz));
	CALL("fd-minus-two",
	     ioeventfd(b.dev, 4, 1, VFIO_DEVICE_IOEVENTFD_32, -2, sz));
	CALL("config-region", ioeventfd(b.dev, PCI_OFF(7) + 4, 1,
					VFIO_DEVICE_IOEVENTFD_32, efd, sz));
	CALL("past-bar", ioeventfd(b.dev, 0x100000 - 2, 1,
				   VFIO_DEVICE_IOEVENTFD_32, efd, sz));
	CALL("empty-bar", ioeventfd(b.dev, PCI_OFF(1), 1,
				    VFIO_DEVICE_IOEVENTFD_32, efd, sz));
	CALL("size-64",
	     ioeventfd(b.dev, 0x80, 1, VFIO_DEVICE_IOEVENTFD_64, efd, sz));
	CALL("remove-none",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, -1, sz));
	CALL("fd-closed",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, 1000, sz));
	other = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	CALL("fd-not-eventfd",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, other, sz));
	CALL("add",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, efd, sz));
	CALL("add-again",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, efd, sz));
	CALL("add-other-data",
	     ioeventfd(b.dev, 4, 0x5678, VFIO_DEVICE_IOEVENTFD_32, efd2, sz));
	CALL("signal", write(efd, &one, 8));
	usleep(200000);
	NOTE("liveness-after-signal %#x", rd32(b.dev, 4));
	CALL("remove",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, -1, sz));
	CALL("remove-again",
	     ioeventfd(b.dev, 4, 0x1234, VFIO_DEVICE_IOEVENTFD_32, -1, sz));
	CALL("signal-other", write(efd2, &one, 8));
	usleep(200000);
	NOTE("liveness-after-other %#x", rd32(b.dev, 4));
	CALL("remove-other",
	     ioeventfd(b.dev, 4, 0x5678, VFIO_DEVICE_IOEVENTFD_32, -1, sz));
	/* Gone: a signal writes nothing any more */
	wr32(b.dev, 4, 0);
	CALL("signal-removed", write(efd, &one, 8));
	usleep(200000);
	NOTE("liveness-after-removed %#x", rd32(b.dev, 4));
	/* Through the group path the same */
	close(b.dev);
	g = open_group(0);
	(void)g;
}

/* DMA by the device through its IOMMU domain */
static void edu_dma(int dev, uint64_t src, uint64_t dst, uint32_t cnt,
		    uint32_t cmd)
{
	uint64_t v;

	v = src;
	pwrite(dev, &v, 8, 0x80);
	v = dst;
	pwrite(dev, &v, 8, 0x88);
	v = cnt;
	pwrite(dev, &v, 8, 0x90);
	v = cmd;
	pwrite(dev, &v, 8, 0x98);
}

static int edu_dma_wait(int dev)
{
	uint64_t v = 1;

	for (int i = 0; i != 5000 && (v & 1); i++) {
		usleep(1000);
		pread(dev, &v, 8, 0x98);
	}
	return (v & 1) ? -1 : 0;
}

void sec_dma(void)
{
	unsigned char *ram = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct iommu_ioas_unmap um = {.size = sizeof(um)};
	uint16_t cmd;
	struct bound b;
	int efd;

	if (bind_attach(0, &b))
		fail("bind_attach");
	cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pwrite(b.dev, &cmd, 2, (off_t)PCI_OFF(7) + PCI_COMMAND);
	for (int i = 0; i != 4096; i++) {
		ram[i] = (unsigned char)(i * 7 + 3);
		ram[4096 + i] = 0;
		ram[8192 + i] = 0xee;
	}
	CALL("map-src",
	     ioas_map(&b, ram, 0x100000, 4096, IOMMU_IOAS_MAP_READABLE));
	CALL("map-dst",
	     ioas_map(&b, ram + 4096, 0x200000, 4096,
		      IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE));
	CALL("map-ro",
	     ioas_map(&b, ram + 8192, 0x300000, 4096, IOMMU_IOAS_MAP_READABLE));
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	set_irqs(b.dev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		 1, 0, 1, &efd, 4);
	/* RAM -> device buffer -> RAM, interrupt on the second */
	/*
	 * 2 KiB: the edu of QEMU 7.2 takes a transfer that ends at the end
	 * of its buffer for out of bounds, and stops the machine.
	 */
	edu_dma(b.dev, 0x100000, 0x40000, 2048, 1);
	CALL("dma-to-device", edu_dma_wait(b.dev));
	edu_dma(b.dev, 0x40000, 0x200000, 2048, 1 | 2 | 4);
	CALL("dma-from-device", edu_dma_wait(b.dev));
	NOTE("dma-irq %llu", (unsigned long long)eventfd_count(efd, 2000));
	NOTE("dma-irq-status %#x", rd32(b.dev, 0x24));
	wr32(b.dev, 0x64, 0x100);
	NOTE("dma-data-equal %d", !memcmp(ram, ram + 4096, 2048));
	/* To a read-only and to an unmapped IOVA: nothing is written */
	memset(ram + 4096, 0, 4096);
	edu_dma(b.dev, 0x40000, 0x300000, 2048, 1 | 2);
	CALL("dma-to-read-only", edu_dma_wait(b.dev));
	NOTE("dma-read-only-untouched %d",
	     ram[8192] == 0xee && ram[10239] == 0xee);
	edu_dma(b.dev, 0x40000, 0x400000, 2048, 1 | 2);
	CALL("dma-to-unmapped", edu_dma_wait(b.dev));
	/* After unmap the old IOVA reaches nothing */
	um.ioas_id = b.ioas;
	um.iova = 0x200000;
	um.length = 4096;
	CALL("unmap-dst", ioctl(b.iommufd, IOMMU_IOAS_UNMAP, &um));
	edu_dma(b.dev, 0x40000, 0x200000, 2048, 1 | 2);
	CALL("dma-after-unmap", edu_dma_wait(b.dev));
	NOTE("dma-after-unmap-untouched %d", ram[4096] == 0 && ram[6143] == 0);
	/* Detached: blocked */
	{
		struct vfio_device_detach_iommufd_pt de = {.argsz = sizeof(de)};

		ioctl(b.dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
	}
	ram[0] = 0x55;
	edu_dma(b.dev, 0x100000, 0x40000, 2048, 1);
	CALL("dma-detached", edu_dma_wait(b.dev));
	edu_dma(b.dev, 0x40000, 0x100000, 2048, 1 | 2);
	edu_dma_wait(b.dev);
	NOTE("dma-detached-untouched %d", ram[0] == 0x55);
}
