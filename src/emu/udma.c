// SPDX-License-Identifier: MIT
/*
 * udma, the emulated DMA engine (its programming model is in
 * <uiommufd/udma.h>).
 *
 * Registers live under the engine's lock; the worker thread does each
 * descriptor's DMA without it (dma_engine.h).
 */
#include <stdio.h>
#include <string.h>

#include <uiommufd/udma.h>

#include "dma_engine.h"
#include "emu_devices.h"
#include "pci_dma.h"

struct udma {
	struct pci_dev pdev;
	struct dma_engine eng;

	uint32_t control;
	bool halted;
	uint32_t irq_status, irq_mask;
	uint64_t ring_base;
	uint32_t ring_size, head, tail;
	uint64_t wb_addr;
	uint64_t err_addr;
	uint32_t err_code;
	uint64_t completed, bytes;
};

static struct udma *to_udma(struct pci_dev *pdev)
{
	return container_of(pdev, struct udma, pdev);
}

/*
 * Interrupt condition: IRQ_STATUS & IRQ_MASK. Each newly raised cause is a
 * message on its vector (with INTx, the line asserts); none left pending
 * deasserts the line. Lock held.
 */
static void udma_update_irq(struct udma *u, uint32_t raised)
{
	lockdep_assert_held(&u->eng.lock);
	raised &= u->irq_mask;
	if (raised & UDMA_IRQ_DONE)
		pci_irq_notify(&u->pdev, 0);
	if (raised & UDMA_IRQ_ERROR)
		pci_irq_notify(&u->pdev, 1);
	if (!(u->irq_status & u->irq_mask))
		pci_irq_deassert(&u->pdev);
}

static void udma_raise(struct udma *u, uint32_t bits)
{
	u->irq_status |= bits;
	udma_update_irq(u, bits);
}

static void udma_reset_regs(struct udma *u)
{
	dma_engine_drop(&u->eng);
	u->control = 0;
	u->halted = false;
	u->irq_status = 0;
	u->irq_mask = 0;
	u->ring_base = 0;
	u->ring_size = 0;
	u->head = 0;
	u->tail = 0;
	u->wb_addr = 0;
	u->err_addr = 0;
	u->err_code = 0;
	u->completed = 0;
	u->bytes = 0;
}

static void udma_halt(struct udma *u, uint32_t code, uint64_t addr)
{
	u->halted = true;
	u->err_code = code;
	u->err_addr = addr;
	udma_raise(u, UDMA_IRQ_ERROR);
}

static uint32_t udma_status(struct udma *u)
{
	uint32_t status = 0;

	if ((u->control & UDMA_CTRL_ENABLE) && !u->halted)
		status |= UDMA_STATUS_RUNNING;
	if (u->halted)
		status |= UDMA_STATUS_HALTED;
	if (u->tail == u->head)
		status |= UDMA_STATUS_IDLE;
	return status;
}

static uint32_t udma_read32(struct udma *u, uint64_t off)
{
	switch (off) {
	case UDMA_REG_ID:
		return UDMA_ID;
	case UDMA_REG_VERSION:
		return UDMA_VERSION;
	case UDMA_REG_CAPS:
		return UDMA_CAP_COPY | UDMA_CAP_FILL |
		       16u << UDMA_CAP_RING_MAX_SHIFT;
	case UDMA_REG_CONTROL:
		return u->control;
	case UDMA_REG_STATUS:
		return udma_status(u);
	case UDMA_REG_IRQ_STATUS:
		return u->irq_status;
	case UDMA_REG_IRQ_MASK:
		return u->irq_mask;
	case UDMA_REG_RING_BASE:
		return (uint32_t)u->ring_base;
	case UDMA_REG_RING_BASE + 4:
		return (uint32_t)(u->ring_base >> 32);
	case UDMA_REG_RING_SIZE:
		return u->ring_size;
	case UDMA_REG_RING_HEAD:
		return u->head;
	case UDMA_REG_RING_TAIL:
		return u->tail;
	case UDMA_REG_WB_ADDR:
		return (uint32_t)u->wb_addr;
	case UDMA_REG_WB_ADDR + 4:
		return (uint32_t)(u->wb_addr >> 32);
	case UDMA_REG_ERR_ADDR:
		return (uint32_t)u->err_addr;
	case UDMA_REG_ERR_ADDR + 4:
		return (uint32_t)(u->err_addr >> 32);
	case UDMA_REG_ERR_CODE:
		return u->err_code;
	case UDMA_REG_COMPLETED:
		return (uint32_t)u->completed;
	case UDMA_REG_COMPLETED + 4:
		return (uint32_t)(u->completed >> 32);
	case UDMA_REG_BYTES:
		return (uint32_t)u->bytes;
	case UDMA_REG_BYTES + 4:
		return (uint32_t)(u->bytes >> 32);
	default:
		return 0; /* reserved, and the MSI-X pending bits: none */
	}
}

static void set_lo(uint64_t *reg, uint32_t v)
{
	*reg = (*reg & ~0xffffffffULL) | v;
}

static void set_hi(uint64_t *reg, uint32_t v)
{
	*reg = (*reg & 0xffffffffULL) | (uint64_t)v << 32;
}

static void udma_write_control(struct udma *u, uint32_t v)
{
	if (v & UDMA_CTRL_RESET) {
		udma_reset_regs(u);
		pci_irq_deassert(&u->pdev);
		return;
	}
	v &= UDMA_CTRL_ENABLE;
	/* Disabling drops work in flight; enabling again clears a halt */
	if (!(v & UDMA_CTRL_ENABLE)) {
		if (u->control & UDMA_CTRL_ENABLE)
			dma_engine_drop(&u->eng);
		u->halted = false;
	}
	u->control = v;
}

static void udma_write32(struct udma *u, uint64_t off, uint32_t v)
{
	switch (off) {
	case UDMA_REG_CONTROL:
		udma_write_control(u, v);
		break;
	case UDMA_REG_IRQ_STATUS:
		u->irq_status &= ~v;
		udma_update_irq(u, 0);
		break;
	case UDMA_REG_IRQ_MASK: {
		uint32_t was = u->irq_status & u->irq_mask;

		u->irq_mask = v & (UDMA_IRQ_DONE | UDMA_IRQ_ERROR);
		/* Unmasking a pending condition interrupts at once */
		udma_update_irq(u, (u->irq_status & u->irq_mask) & ~was);
		break;
	}
	case UDMA_REG_RING_BASE:
		set_lo(&u->ring_base,
		       v & ~(uint32_t)(sizeof(struct udma_desc) - 1));
		break;
	case UDMA_REG_RING_BASE + 4:
		set_hi(&u->ring_base, v);
		break;
	case UDMA_REG_RING_SIZE:
		/* A power of two up to the maximum, else the ring is off */
		u->ring_size = (v && v <= UDMA_RING_MAX && !(v & (v - 1))) ? v
									   : 0;
		u->head = 0;
		u->tail = 0;
		break;
	case UDMA_REG_RING_HEAD:
		if (u->ring_size)
			u->head = v & (u->ring_size - 1);
		break;
	case UDMA_REG_WB_ADDR:
		set_lo(&u->wb_addr, v & ~3u);
		break;
	case UDMA_REG_WB_ADDR + 4:
		set_hi(&u->wb_addr, v);
		break;
	default:
		break; /* read-only or reserved */
	}
	dma_engine_kick(&u->eng);
}

static uint64_t udma_bar_read(struct pci_dev *pdev, unsigned int bar,
			      uint64_t off, unsigned int size)
{
	struct udma *u = to_udma(pdev);
	uint64_t v;

	(void)bar;
	mutex_lock(&u->eng.lock);
	v = udma_read32(u, off & ~3ULL);
	if (size == 8)
		v |= (uint64_t)udma_read32(u, off + 4) << 32;
	mutex_unlock(&u->eng.lock);
	if (size < 4)
		v = (v >> (8 * (off & 3))) & ((1ULL << (8 * size)) - 1);
	return v;
}

static void udma_bar_write(struct pci_dev *pdev, unsigned int bar, uint64_t off,
			   uint64_t val, unsigned int size)
{
	struct udma *u = to_udma(pdev);

	(void)bar;
	mutex_lock(&u->eng.lock);
	if (size < 4) {
		/* Part of a register: merge into what it holds */
		unsigned int shift = 8 * (off & 3);
		uint32_t mask = (uint32_t)((1ULL << (8 * size)) - 1) << shift;
		uint32_t cur = udma_read32(u, off & ~3ULL);

		udma_write32(u, off & ~3ULL,
			     (cur & ~mask) | ((uint32_t)val << shift & mask));
	} else {
		udma_write32(u, off, (uint32_t)val);
		if (size == 8)
			udma_write32(u, off + 4, (uint32_t)(val >> 32));
	}
	mutex_unlock(&u->eng.lock);
}

static const struct pci_bar_ops udma_bar_ops = {
	.read = udma_bar_read,
	.write = udma_bar_write,
};

/* The PASID a descriptor tags its transfer with, or false if it cannot */
static bool udma_desc_pasid(struct udma *u, const struct udma_desc *d,
			    uint32_t *pasid)
{
	*pasid = IOMMU_NO_PASID;
	if (!(d->pasid & UDMA_DESC_PASID_VALID))
		return true;
	*pasid = d->pasid & UDMA_DESC_PASID_MASK;
	return *pasid != IOMMU_NO_PASID && pci_pasid_enabled(&u->pdev);
}

/*
 * Execute one descriptor's transfer: UDMA_ERR_*. A fault the domain takes
 * a page request for waits for the answer, and a SUCCESS retries.
 */
static uint32_t udma_execute(struct udma *u, const struct udma_desc *d,
			     struct pci_pri_transfer *pri,
			     struct sw_dma_fault_info *fault)
{
	uint32_t op = d->op & UDMA_OP_MASK;
	bool ok;

	if (!d->len || (op != UDMA_OP_COPY && op != UDMA_OP_FILL) ||
	    !udma_desc_pasid(u, d, &pri->pasid))
		return UDMA_ERR_BAD_OP;
	do {
		if (op == UDMA_OP_COPY)
			ok = pci_dma_copy(&u->pdev, pri->pasid, d->dst, d->src,
					  d->len, fault);
		else
			ok = pci_dma_fill(&u->pdev, pri->pasid, d->dst, d->src,
					  d->len, fault);
	} while (!ok && pci_pri_retry(&u->pdev, pri, fault));
	if (ok)
		return UDMA_ERR_NONE;
	return fault->write ? UDMA_ERR_DST_FAULT : UDMA_ERR_SRC_FAULT;
}

struct udma_job {
	uint64_t gen;
	uint64_t desc_addr;
	uint64_t wb_addr;
	uint32_t next_tail;
	/* Its page requests, given up by a reset or disable */
	struct pci_pri_transfer pri;
};

/*
 * One descriptor, without the lock. Returns 0 with *raised set, or the
 * UDMA_ERR_* of a fault that halts the engine (*fault_addr filled).
 */
static uint32_t udma_run_job(struct udma *u, struct udma_job *job,
			     uint32_t *raised, uint64_t *moved,
			     uint32_t *desc_err, uint64_t *fault_addr)
{
	struct sw_dma_fault_info fault = {};
	struct udma_desc d;
	uint32_t err, status;

	if (!pci_dma_read(&u->pdev, job->desc_addr, &d, sizeof(d), &fault)) {
		*fault_addr = fault.iova;
		return UDMA_ERR_RING_FAULT;
	}
	err = udma_execute(u, &d, &job->pri, &fault);
	/* Reset or disabled while it waited: forgotten, no status goes out */
	if (job->pri.cancelled) {
		*raised = 0;
		*moved = 0;
		*desc_err = 0;
		return 0;
	}
	status = err ? UDMA_DESC_ERROR | err : UDMA_DESC_DONE;
	if (!pci_dma_write(&u->pdev,
			   job->desc_addr + offsetof(struct udma_desc, status),
			   &status, sizeof(status), &fault)) {
		*fault_addr = fault.iova;
		return UDMA_ERR_STATUS_FAULT;
	}
	if (job->wb_addr &&
	    !pci_dma_write(&u->pdev, job->wb_addr, &job->next_tail,
			   sizeof(job->next_tail), &fault)) {
		*fault_addr = fault.iova;
		return UDMA_ERR_WB_FAULT;
	}
	*raised = 0;
	*desc_err = err;
	if (err) {
		*raised |= UDMA_IRQ_ERROR;
		*fault_addr = fault.iova;
	}
	if (d.op & UDMA_OP_IRQ)
		*raised |= UDMA_IRQ_DONE;
	*moved = err ? 0 : d.len;
	return 0;
}

/* Work to do now? Lock held. */
static bool udma_runnable(struct udma *u)
{
	lockdep_assert_held(&u->eng.lock);
	return (u->control & UDMA_CTRL_ENABLE) && !u->halted && u->ring_size &&
	       u->tail != u->head && pci_bus_master(&u->pdev) &&
	       dma_engine_may_run(&u->eng);
}

static void *udma_worker(void *arg)
{
	struct udma *u = arg;

	mutex_lock(&u->eng.lock);
	while (!u->eng.stop) {
		struct udma_job job;
		uint32_t raised = 0, desc_err = 0, halt;
		uint64_t moved = 0, fault_addr = 0;

		if (!udma_runnable(u)) {
			dma_engine_wait(&u->eng);
			continue;
		}
		job.gen = u->eng.gen;
		job.desc_addr = u->ring_base +
				(uint64_t)u->tail * sizeof(struct udma_desc);
		job.wb_addr = u->wb_addr;
		job.next_tail = (u->tail + 1) & (u->ring_size - 1);
		pci_pri_transfer_init(&u->pdev, &job.pri);
		dma_engine_begin(&u->eng);
		mutex_unlock(&u->eng.lock);

		halt = udma_run_job(u, &job, &raised, &moved, &desc_err,
				    &fault_addr);

		mutex_lock(&u->eng.lock);
		dma_engine_end(&u->eng);
		if (job.gen != u->eng.gen)
			continue; /* reset or disabled meanwhile */
		if (halt) {
			udma_halt(u, halt, fault_addr);
			continue;
		}
		u->tail = job.next_tail;
		u->completed++;
		u->bytes += moved;
		if (desc_err) {
			u->err_code = desc_err;
			u->err_addr = fault_addr;
		}
		if (raised)
			udma_raise(u, raised);
	}
	mutex_unlock(&u->eng.lock);
	return NULL;
}

static void udma_reset(struct pci_dev *pdev)
{
	struct udma *u = to_udma(pdev);

	mutex_lock(&u->eng.lock);
	dma_engine_quiesce(&u->eng);
	udma_reset_regs(u);
	memset(u->pdev.bar[UDMA_BAR_MEM].mem, 0, UDMA_BAR_MEM_LEN);
	mutex_unlock(&u->eng.lock);
}

static void udma_enable(struct pci_dev *pdev)
{
	struct udma *u = to_udma(pdev);

	dma_engine_start(&u->eng, udma_worker, u);
}

static void udma_disable(struct pci_dev *pdev)
{
	dma_engine_stop(&to_udma(pdev)->eng);
}

/* Bus mastering turned on: pending work can go */
static void udma_command_changed(struct pci_dev *pdev, uint16_t old_cmd)
{
	struct udma *u = to_udma(pdev);

	(void)old_cmd;
	mutex_lock(&u->eng.lock);
	dma_engine_kick(&u->eng);
	mutex_unlock(&u->eng.lock);
}

static void udma_release(struct pci_dev *pdev)
{
	struct udma *u = to_udma(pdev);

	dma_engine_destroy(&u->eng);
	pci_dev_deinit(pdev);
	ufd_free(u);
}

static const struct pci_dev_ops udma_ops = {
	.reset = udma_reset,
	.enable = udma_enable,
	.disable = udma_disable,
	.command_changed = udma_command_changed,
	.release = udma_release,
};

static const struct pci_dev_id udma_id = {
	.vendor = UDMA_VENDOR_ID,
	.device = UDMA_DEVICE_ID,
	.subsystem_vendor = UDMA_VENDOR_ID,
	.subsystem_device = 0x0001,
	.class_code = UDMA_CLASS,
	.revision = 1,
};

struct pci_dev *udma_create(const char *name)
{
	struct udma *u = ufd_new(struct udma);
	int rc;

	if (!u)
		return ERR_PTR(-ENOMEM);
	dma_engine_init(&u->eng);
	rc = pci_dev_init(&u->pdev, name, &udma_id, &udma_ops, 1);
	if (rc)
		goto err_free;
	u->eng.pri = &u->pdev.pri;
	pci_dev_add_bar_regs(&u->pdev, UDMA_BAR_REGS, UDMA_BAR_REGS_LEN, 0,
			     &udma_bar_ops);
	rc = pci_dev_add_bar_mem(&u->pdev, UDMA_BAR_MEM, UDMA_BAR_MEM_LEN,
				 PCI_BASE_ADDRESS_MEM_TYPE_64 |
					 PCI_BASE_ADDRESS_MEM_PREFETCH);
	if (rc)
		goto err_deinit;
	rc = pci_dev_add_express(&u->pdev, true);
	if (!rc)
		rc = pci_dev_add_pasid(&u->pdev, UDMA_PASID_WIDTH);
	/* Where the data sheet says it is: the first extended capability */
	if (!rc && WARN_ON(u->pdev.pasid_cap != UDMA_CFG_PASID_CAP))
		rc = -EINVAL;
	/* One worker: one request outstanding at a time */
	if (!rc)
		rc = pci_dev_add_pri(&u->pdev, 1);
	if (!rc)
		rc = pci_dev_add_msi(&u->pdev, 2);
	if (!rc)
		rc = pci_dev_add_msix(&u->pdev, UDMA_MSIX_VECTORS,
				      UDMA_BAR_REGS, UDMA_MSIX_TABLE,
				      UDMA_MSIX_PBA);
	if (rc)
		goto err_deinit;
	return &u->pdev;

err_deinit:
	pci_dev_deinit(&u->pdev);
err_free:
	dma_engine_destroy(&u->eng);
	ufd_free(u);
	return ERR_PTR(rc);
}
