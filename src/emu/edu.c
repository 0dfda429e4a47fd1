// SPDX-License-Identifier: MIT
/*
 * edu: QEMU's educational PCI device (docs/specs/edu.rst of QEMU), so that
 * a program driving edu through VFIO can run on the real kernel (with QEMU
 * giving the device) and under uiommufd alike, and the two compared.
 *
 * A conventional PCI function 1234:11e8 with one 1 MiB register BAR, one
 * MSI vector and INTA. Registers (32-bit accesses below 0x80, 32- or
 * 64-bit from 0x80; anything smaller reads 0 and writes nothing, as the
 * bus refuses it):
 *   0x00 RO  identification 0x010000ed
 *   0x04 RW  liveness: reads the complement of what was written
 *   0x08 RW  factorial: a write computes the factorial of the value
 *   0x20 RW  status: 0x01 computing (RO), 0x80 interrupt after factorial
 *   0x24 RO  interrupt status
 *   0x60 WO  raise interrupt: OR into the status, interrupt
 *   0x64 WO  acknowledge: clear from the status
 *   0x80 RW  DMA source, 0x88 DMA destination, 0x90 DMA count
 *   0x98 RW  DMA command: 0x1 start, 0x2 to RAM (else from RAM), 0x4 raise
 *            interrupt 0x100 when done
 * DMA moves between RAM and a 4 KiB buffer of the device at 0x40000; the
 * RAM address goes through the IOMMU and, as on the device, keeps only
 * its low 28 bits. A transfer outside the buffer is not done.
 */
#include <string.h>

#include "emu_devices.h"
#include "pci_dma.h"

#define EDU_BAR_LEN	     (1u << 20)
#define EDU_ID		     0x010000edu
#define EDU_STATUS_COMPUTING 0x01
#define EDU_STATUS_IRQFACT   0x80
#define EDU_FACT_IRQ	     0x00000001
#define EDU_DMA_IRQ	     0x00000100
#define EDU_DMA_RUN	     0x1
#define EDU_DMA_TO_RAM	     0x2
#define EDU_DMA_IRQ_FLAG     0x4
#define EDU_DMA_START	     0x40000
#define EDU_DMA_SIZE	     4096
#define EDU_DMA_MASK	     ((1ULL << 28) - 1)

struct edu {
	struct pci_dev pdev;
	struct mutex lock;
	uint32_t addr4, fact, status, irq_status;
	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	char dma_buf[EDU_DMA_SIZE];
};

static struct edu *to_edu(struct pci_dev *pdev)
{
	return container_of(pdev, struct edu, pdev);
}

static void edu_raise(struct edu *e, uint32_t bits)
{
	e->irq_status |= bits;
	if (e->irq_status)
		pci_irq_notify(&e->pdev, 0);
}

static void edu_lower(struct edu *e, uint32_t bits)
{
	e->irq_status &= ~bits;
	if (!e->irq_status)
		pci_irq_deassert(&e->pdev);
}

static bool edu_in_buffer(uint64_t addr, uint64_t len)
{
	return addr >= EDU_DMA_START && len <= EDU_DMA_SIZE &&
	       addr - EDU_DMA_START <= EDU_DMA_SIZE - len;
}

/* The transfer the command asks for; lock held */
static void edu_dma_run(struct edu *e)
{
	struct sw_dma_fault_info fault;

	lockdep_assert_held(&e->lock);
	if (e->dma_cmd & EDU_DMA_TO_RAM) {
		if (edu_in_buffer(e->dma_src, e->dma_cnt))
			pci_dma_write(&e->pdev, e->dma_dst & EDU_DMA_MASK,
				      e->dma_buf + (e->dma_src - EDU_DMA_START),
				      e->dma_cnt, &fault);
	} else if (edu_in_buffer(e->dma_dst, e->dma_cnt)) {
		pci_dma_read(&e->pdev, e->dma_src & EDU_DMA_MASK,
			     e->dma_buf + (e->dma_dst - EDU_DMA_START),
			     e->dma_cnt, &fault);
	}
	/* Like the device, it reports no DMA error: the IOMMU saw it */
	e->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
	if (e->dma_cmd & EDU_DMA_IRQ_FLAG)
		edu_raise(e, EDU_DMA_IRQ);
}

static uint64_t *edu_dma_reg(struct edu *e, uint64_t off)
{
	switch (off) {
	case 0x80:
		return &e->dma_src;
	case 0x88:
		return &e->dma_dst;
	case 0x90:
		return &e->dma_cnt;
	case 0x98:
		return &e->dma_cmd;
	default:
		return NULL;
	}
}

static bool edu_size_ok(uint64_t off, unsigned int size)
{
	return off < 0x80 ? size == 4 : size == 4 || size == 8;
}

static uint64_t edu_read(struct pci_dev *pdev, unsigned int bar, uint64_t off,
			 unsigned int size)
{
	struct edu *e = to_edu(pdev);
	uint64_t val = ~0ULL, *reg;

	(void)bar;
	/* The bus takes nothing smaller than 4 bytes: it reads as 0 */
	if (size < 4)
		return 0;
	if (!edu_size_ok(off, size))
		return val;
	mutex_lock(&e->lock);
	switch (off) {
	case 0x00:
		val = EDU_ID;
		break;
	case 0x04:
		val = e->addr4;
		break;
	case 0x08:
		val = e->fact;
		break;
	case 0x20:
		val = e->status;
		break;
	case 0x24:
		val = e->irq_status;
		break;
	default:
		reg = edu_dma_reg(e, off);
		if (reg)
			val = *reg;
		break;
	}
	mutex_unlock(&e->lock);
	return size == 4 ? val & 0xffffffffu : val;
}

static uint32_t factorial(uint32_t n)
{
	uint32_t r = 1;

	while (n > 0)
		r *= n--;
	return r;
}

static void edu_write(struct pci_dev *pdev, unsigned int bar, uint64_t off,
		      uint64_t val, unsigned int size)
{
	struct edu *e = to_edu(pdev);
	uint64_t *reg;

	(void)bar;
	if (size < 4 || !edu_size_ok(off, size))
		return;
	mutex_lock(&e->lock);
	switch (off) {
	case 0x04:
		e->addr4 = ~(uint32_t)val;
		break;
	case 0x08:
		/* Computed at once: the computing bit never shows */
		e->fact = factorial((uint32_t)val);
		if (e->status & EDU_STATUS_IRQFACT)
			edu_raise(e, EDU_FACT_IRQ);
		break;
	case 0x20:
		if (val & EDU_STATUS_IRQFACT)
			e->status |= EDU_STATUS_IRQFACT;
		else
			e->status &= ~(uint32_t)EDU_STATUS_IRQFACT;
		break;
	case 0x60:
		edu_raise(e, (uint32_t)val);
		break;
	case 0x64:
		edu_lower(e, (uint32_t)val);
		break;
	default:
		reg = edu_dma_reg(e, off);
		/* The DMA registers hold still while a transfer runs */
		if (!reg || (e->dma_cmd & EDU_DMA_RUN))
			break;
		if (reg == &e->dma_cmd && !(val & EDU_DMA_RUN))
			break;
		*reg = val;
		if (reg == &e->dma_cmd)
			edu_dma_run(e);
		break;
	}
	mutex_unlock(&e->lock);
}

static const struct pci_bar_ops edu_bar_ops = {
	.read = edu_read,
	.write = edu_write,
};

static void edu_reset(struct pci_dev *pdev)
{
	struct edu *e = to_edu(pdev);

	mutex_lock(&e->lock);
	e->status = 0;
	e->irq_status = 0;
	e->dma_cmd = 0;
	mutex_unlock(&e->lock);
}

static void edu_release(struct pci_dev *pdev)
{
	struct edu *e = to_edu(pdev);

	mutex_destroy(&e->lock);
	pci_dev_deinit(pdev);
	ufd_free(e);
}

static const struct pci_dev_ops edu_ops = {
	.reset = edu_reset,
	.release = edu_release,
};

static const struct pci_dev_id edu_id = {
	.vendor = 0x1234,
	.device = 0x11e8,
	.subsystem_vendor = 0x1af4, /* as QEMU gives its devices */
	.subsystem_device = 0x1100,
	.class_code = 0x00ff00,
	.revision = 0x10,
};

struct pci_dev *edu_create(const char *name)
{
	struct edu *e = ufd_new(struct edu);
	int rc;

	if (!e)
		return ERR_PTR(-ENOMEM);
	mutex_init(&e->lock);
	rc = pci_dev_init(&e->pdev, name, &edu_id, &edu_ops, 1);
	if (rc)
		goto err_free;
	pci_dev_add_bar_regs(&e->pdev, 0, EDU_BAR_LEN, 0, &edu_bar_ops);
	/* One 64-bit capable MSI vector, no PCI Express, no reset */
	rc = pci_dev_add_msi(&e->pdev, 1);
	if (rc)
		goto err_deinit;
	return &e->pdev;

err_deinit:
	pci_dev_deinit(&e->pdev);
err_free:
	mutex_destroy(&e->lock);
	ufd_free(e);
	return ERR_PTR(rc);
}
