// SPDX-License-Identifier: MIT
/*
 * An Intel I/OAT (CBDMA) function with one channel, version 3.3 (the
 * register layout is in ioat_regs.h): what the kernel's VFIO selftest
 * driver (tools/testing/selftests/vfio/lib/drivers/ioat) and the kernel's
 * own ioatdma program, for copies.
 *
 * The channel walks a chain of 64-byte descriptors from CHAINADDR,
 * following each one's next pointer, until it has taken as many as
 * software wrote to DMACOUNT (a 16-bit running count; writing CHAINADDR
 * to a channel that is not active starts the count again). CHANSTS says
 * what the channel does (active, done, suspended, halted) and which
 * descriptor it completed last; a descriptor may ask for CHANSTS to be
 * written to CHANCMP and for an interrupt (MSI-X vector 0), which fires
 * only while CHANCTRL is re-armed and disarms it. A fault halts the
 * channel with a CHANERR bit: a descriptor fetch the IOMMU refuses is
 * NEXT_ADDR, a refused source read READ_DATA, a refused destination
 * write WRITE_DATA (what the kernel's ioatdma treats as recoverable).
 *
 * Only copies (and null descriptors) are done: DMACAP offers nothing
 * else, and any other operation halts with CONTROL. Registers live under
 * the engine's lock; the worker does each descriptor's DMA without it
 * (dma_engine.h).
 *
 * Accesses of any width reach the registers they cover, in address
 * order: a load or store wider than a register reaches its neighbours
 * too (a 32-bit store at CHANCMD also writes DMACOUNT), a narrower store
 * merges its bytes into the register's value, offsets that hold no
 * register read as 0 and drop stores, and stores to the read-only
 * registers (CHANCNT, XFERCAP, CBVER, DMACAP, CHANSTS, CDAR) are dropped.
 */
#include <stdio.h>
#include <string.h>

#include "dma_engine.h"
#include "emu_devices.h"
#include "ioat_regs.h"
#include "pci_dma.h"

struct ioat {
	struct pci_dev pdev;
	struct dma_engine eng;

	uint8_t genctrl, intrctrl;
	uint32_t attnstatus;
	uint16_t intrdelay;

	uint16_t chanctrl;
	uint16_t dmacount; /* what software wrote */
	uint16_t taken;	   /* descriptors the channel took, same count */
	uint32_t status;   /* IOAT_STS_* */
	bool suspending;   /* suspend when that descriptor is done */
	uint64_t chainaddr, cmpaddr;
	uint64_t next;	    /* where the next descriptor is fetched */
	uint64_t cdar;	    /* the descriptor taken last */
	uint64_t completed; /* the descriptor completed last */
	uint32_t chanerr, errmask, dcactrl;
};

static struct ioat *to_ioat(struct pci_dev *pdev)
{
	return container_of(pdev, struct ioat, pdev);
}

/* The registers by offset and width; a wider access spans several */
struct ioat_reg {
	uint16_t off;
	uint8_t size;
};

static const struct ioat_reg ioat_regs[] = {
	{IOAT_REG_CHANCNT, 1},
	{IOAT_REG_XFERCAP, 1},
	{IOAT_REG_GENCTRL, 1},
	{IOAT_REG_INTRCTRL, 1},
	{IOAT_REG_ATTNSTATUS, 4},
	{IOAT_REG_CBVER, 1},
	{IOAT_REG_INTRDELAY, 2},
	{IOAT_REG_CS_STATUS, 2},
	{IOAT_REG_DMACAP, 4},
	{IOAT_CHAN_BASE + IOAT_CHAN_CTRL, 2},
	{IOAT_CHAN_BASE + IOAT_CHAN_COMP, 2},
	{IOAT_CHAN_BASE + IOAT_CHAN_CMD, 1},
	{IOAT_CHAN_BASE + IOAT_CHAN_DMACOUNT, 2},
	{IOAT_CHAN_BASE + IOAT_CHAN_STS, 8},
	{IOAT_CHAN_BASE + IOAT_CHAN_CHAINADDR, 8},
	{IOAT_CHAN_BASE + IOAT_CHAN_CMPADDR, 8},
	{IOAT_CHAN_BASE + IOAT_CHAN_CDAR, 8},
	{IOAT_CHAN_BASE + IOAT_CHAN_ERR, 4},
	{IOAT_CHAN_BASE + IOAT_CHAN_ERRMASK, 4},
	{IOAT_CHAN_BASE + IOAT_CHAN_DCACTRL, 4},
};

/*
 * An interrupt of the channel: its ATTNSTATUS bit, and a message on its
 * vector when interrupts are on (the master enable, or the per-channel
 * MSI-X vectors). Lock held.
 */
static void ioat_interrupt(struct ioat *io)
{
	lockdep_assert_held(&io->eng.lock);
	io->attnstatus |= 1;
	if (io->intrctrl &
	    (IOAT_INTRCTRL_MASTER_EN | IOAT_INTRCTRL_MSIX_VECCTL))
		pci_irq_notify(&io->pdev, 0);
}

static void ioat_halt(struct ioat *io, uint32_t err)
{
	io->status = IOAT_STS_HALTED;
	io->suspending = false;
	io->chanerr |= err;
	if (io->chanctrl & IOAT_CHANCTRL_ERR_INT_EN)
		ioat_interrupt(io);
}

/* The channel's reset (CHANCMD): CHANERR stays until software clears it */
static void ioat_chan_reset(struct ioat *io)
{
	dma_engine_drop(&io->eng);
	io->chanctrl &= IOAT_CHANCTRL_IN_USE;
	io->dmacount = 0;
	io->taken = 0;
	io->status = IOAT_STS_HALTED;
	io->suspending = false;
	io->chainaddr = 0;
	io->cmpaddr = 0;
	io->next = 0;
	io->cdar = 0;
	io->completed = 0;
	io->dcactrl = 0;
}

static uint64_t ioat_chansts(struct ioat *io)
{
	return (io->completed & IOAT_STS_ADDR_MASK) | io->status;
}

/* Work given and the channel free to take it: start. Lock held. */
static void ioat_try_start(struct ioat *io)
{
	if (io->status == IOAT_STS_ACTIVE || io->taken == io->dmacount)
		return;
	/* A halt by an error holds until software clears CHANERR */
	if (io->status == IOAT_STS_HALTED && io->chanerr)
		return;
	io->status = IOAT_STS_ACTIVE;
	dma_engine_kick(&io->eng);
}

static void ioat_chancmd(struct ioat *io, uint8_t cmd)
{
	if (cmd & IOAT_CMD_RESET) {
		ioat_chan_reset(io);
		return;
	}
	if (!cmd)
		return;
	/* One command at a time, and none of version 1's */
	if ((cmd & (cmd - 1)) || (cmd & (IOAT_CMD_START | IOAT_CMD_APPEND))) {
		dma_engine_drop(&io->eng);
		ioat_halt(io, IOAT_ERR_CHANCMD);
		return;
	}
	switch (cmd) {
	case IOAT_CMD_SUSPEND:
		if (io->status == IOAT_STS_ACTIVE && io->eng.busy)
			io->suspending = true; /* after this descriptor */
		else if (io->status != IOAT_STS_HALTED)
			io->status = IOAT_STS_SUSPENDED;
		break;
	case IOAT_CMD_RESUME:
		if (io->status != IOAT_STS_SUSPENDED)
			break;
		io->status = IOAT_STS_DONE;
		ioat_try_start(io);
		break;
	case IOAT_CMD_ABORT:
		/* What was given is dropped, the descriptor on the bus too */
		dma_engine_drop(&io->eng);
		io->taken = io->dmacount;
		io->status = IOAT_STS_HALTED;
		io->suspending = false;
		break;
	}
}

/* A register's value, without the side effects of reading it */
static uint64_t ioat_reg_value(struct ioat *io, unsigned int off)
{
	switch (off) {
	case IOAT_REG_CHANCNT:
		return 1;
	case IOAT_REG_XFERCAP:
		return IOAT_XFERCAP_LOG;
	case IOAT_REG_GENCTRL:
		return io->genctrl;
	case IOAT_REG_INTRCTRL:
		if (!io->attnstatus)
			return io->intrctrl;
		return io->intrctrl | IOAT_INTRCTRL_INT_STATUS |
		       (io->intrctrl & IOAT_INTRCTRL_MASTER_EN
				? IOAT_INTRCTRL_INT
				: 0);
	case IOAT_REG_ATTNSTATUS:
		return io->attnstatus;
	case IOAT_REG_CBVER:
		return IOAT_VERSION;
	case IOAT_REG_INTRDELAY:
		return io->intrdelay;
	case IOAT_CHAN_BASE + IOAT_CHAN_CTRL:
		return io->chanctrl;
	case IOAT_CHAN_BASE + IOAT_CHAN_COMP:
		return IOAT_COMP_V2;
	case IOAT_CHAN_BASE + IOAT_CHAN_DMACOUNT:
		return io->dmacount;
	case IOAT_CHAN_BASE + IOAT_CHAN_STS:
		return ioat_chansts(io);
	case IOAT_CHAN_BASE + IOAT_CHAN_CHAINADDR:
		return io->chainaddr;
	case IOAT_CHAN_BASE + IOAT_CHAN_CMPADDR:
		return io->cmpaddr;
	case IOAT_CHAN_BASE + IOAT_CHAN_CDAR:
		return io->cdar;
	case IOAT_CHAN_BASE + IOAT_CHAN_ERR:
		return io->chanerr;
	case IOAT_CHAN_BASE + IOAT_CHAN_ERRMASK:
		return io->errmask;
	case IOAT_CHAN_BASE + IOAT_CHAN_DCACTRL:
		return io->dcactrl;
	default:
		/* CS_STATUS, DMACAP (copies only), CHANCMD (done at once) */
		return 0;
	}
}

/* Reading some registers changes them */
static void ioat_reg_read_effects(struct ioat *io, unsigned int off)
{
	switch (off) {
	case IOAT_REG_ATTNSTATUS:
		/* Read to clear; the INTx line follows it */
		if (io->attnstatus) {
			io->attnstatus = 0;
			pci_irq_deassert(&io->pdev);
		}
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_CTRL:
		/* The first read after a release claims the channel */
		io->chanctrl |= IOAT_CHANCTRL_IN_USE;
		break;
	}
}

/*
 * @val: the register's value with the written bytes (@mask, a byte mask
 * of ones) merged in.
 */
static void ioat_reg_write(struct ioat *io, unsigned int off, uint64_t val,
			   uint64_t mask)
{
	switch (off) {
	case IOAT_REG_GENCTRL:
		io->genctrl = val & 1;
		break;
	case IOAT_REG_INTRCTRL:
		io->intrctrl = val & (IOAT_INTRCTRL_MASTER_EN |
				      IOAT_INTRCTRL_MSIX_VECCTL);
		break;
	case IOAT_REG_INTRDELAY:
		io->intrdelay = val & IOAT_INTRDELAY_MASK;
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_CTRL:
		io->chanctrl = val & IOAT_CHANCTRL_WRITABLE;
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_CMD:
		ioat_chancmd(io, (uint8_t)val);
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_DMACOUNT:
		io->dmacount = (uint16_t)val;
		ioat_try_start(io);
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_CHAINADDR:
		io->chainaddr = val;
		/* A new chain for a channel that is not walking one */
		if (io->status != IOAT_STS_ACTIVE) {
			io->next = val;
			io->taken = 0;
		}
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_CMPADDR:
		io->cmpaddr = val & ~7ULL;
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_ERR:
		io->chanerr &= ~(uint32_t)(val & mask);
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_ERRMASK:
		io->errmask = (uint32_t)val & IOAT_ERR_ALL;
		break;
	case IOAT_CHAN_BASE + IOAT_CHAN_DCACTRL:
		io->dcactrl = (uint32_t)val;
		break;
	default:
		break; /* read-only */
	}
}

/* The bytes of register @r that [off, off + size) covers */
static void reg_span(const struct ioat_reg *r, uint64_t off, unsigned int size,
		     unsigned int *first, unsigned int *last)
{
	*first = (unsigned int)(max(off, (uint64_t)r->off) - r->off);
	*last = (unsigned int)(min(off + size, (uint64_t)r->off + r->size) -
			       r->off);
}

static bool reg_overlaps(const struct ioat_reg *r, uint64_t off,
			 unsigned int size)
{
	return r->off < off + size && off < (uint64_t)r->off + r->size;
}

static uint64_t ioat_bar_read(struct pci_dev *pdev, unsigned int bar,
			      uint64_t off, unsigned int size)
{
	struct ioat *io = to_ioat(pdev);
	uint64_t v = 0;

	(void)bar;
	mutex_lock(&io->eng.lock);
	for (unsigned int i = 0; i != ARRAY_SIZE(ioat_regs); i++) {
		const struct ioat_reg *r = &ioat_regs[i];
		unsigned int first, last;
		uint64_t rv;

		if (!reg_overlaps(r, off, size))
			continue;
		reg_span(r, off, size, &first, &last);
		rv = ioat_reg_value(io, r->off);
		ioat_reg_read_effects(io, r->off);
		for (unsigned int b = first; b != last; b++)
			v |= ((rv >> (8 * b)) & 0xff)
			     << (8 * (r->off + b - off));
	}
	mutex_unlock(&io->eng.lock);
	return v;
}

static void ioat_bar_write(struct pci_dev *pdev, unsigned int bar, uint64_t off,
			   uint64_t val, unsigned int size)
{
	struct ioat *io = to_ioat(pdev);

	(void)bar;
	mutex_lock(&io->eng.lock);
	for (unsigned int i = 0; i != ARRAY_SIZE(ioat_regs); i++) {
		const struct ioat_reg *r = &ioat_regs[i];
		unsigned int first, last;
		uint64_t mask = 0, rv;

		if (!reg_overlaps(r, off, size))
			continue;
		reg_span(r, off, size, &first, &last);
		rv = ioat_reg_value(io, r->off);
		for (unsigned int b = first; b != last; b++) {
			uint64_t byte = (val >> (8 * (r->off + b - off))) &
					0xff;

			mask |= 0xffULL << (8 * b);
			rv = (rv & ~(0xffULL << (8 * b))) | byte << (8 * b);
		}
		ioat_reg_write(io, r->off, rv, mask);
	}
	mutex_unlock(&io->eng.lock);
}

static const struct pci_bar_ops ioat_bar_ops = {
	.read = ioat_bar_read,
	.write = ioat_bar_write,
};

/* One descriptor, as the worker took it */
struct ioat_job {
	uint64_t gen;
	uint64_t desc_addr;
	bool first; /* the chain's first descriptor */
	bool last;  /* the last one given so far */
	uint64_t completed, cmpaddr;
	uint16_t chanctrl;
	/* What it did */
	uint32_t err;
	uint64_t next;
	bool int_en;
};

/* The descriptor's transfer: 0 or an IOAT_ERR_* */
static uint32_t ioat_execute(struct ioat *io, const struct ioat_desc *d)
{
	struct sw_dma_fault_info fault = {};

	if (d->ctl & IOAT_DESC_NULL)
		return 0;
	if (d->ctl >> IOAT_DESC_OP_SHIFT != IOAT_OP_COPY)
		return IOAT_ERR_CONTROL;
	if (d->size > 1u << IOAT_XFERCAP_LOG)
		return IOAT_ERR_LENGTH;
	if (pci_dma_copy(&io->pdev, IOMMU_NO_PASID, d->dst, d->src, d->size,
			 &fault))
		return 0;
	return fault.write ? IOAT_ERR_WRITE_DATA : IOAT_ERR_READ_DATA;
}

/* CHANSTS into the completion address; false if that faults */
static bool ioat_write_completion(struct ioat *io, uint64_t cmpaddr,
				  uint64_t chansts)
{
	return pci_dma_write(&io->pdev, cmpaddr, &chansts, sizeof(chansts),
			     NULL);
}

/* Fetch and do one descriptor, without the lock */
static void ioat_run_job(struct ioat *io, struct ioat_job *job)
{
	struct ioat_desc d;

	if (job->desc_addr & (sizeof(d) - 1)) {
		job->err = job->first ? IOAT_ERR_CHAIN_ADDR
				      : IOAT_ERR_NEXT_ALIGN;
		goto err;
	}
	if (!pci_dma_read(&io->pdev, job->desc_addr, &d, sizeof(d), NULL)) {
		job->err = IOAT_ERR_NEXT_ADDR;
		goto err;
	}
	job->err = ioat_execute(io, &d);
	if (job->err)
		goto err;
	job->next = d.next;
	job->int_en = d.ctl & IOAT_DESC_INT_EN;
	if ((d.ctl & IOAT_DESC_COMPL_WRITE) &&
	    !ioat_write_completion(io, job->cmpaddr,
				   (job->desc_addr & IOAT_STS_ADDR_MASK) |
					   (job->last ? IOAT_STS_DONE
						      : IOAT_STS_ACTIVE)))
		job->err = IOAT_ERR_COMPLETION_ADDR;
	return;

err:
	if (job->chanctrl & IOAT_CHANCTRL_ERR_CMP_EN)
		ioat_write_completion(io, job->cmpaddr,
				      (job->completed & IOAT_STS_ADDR_MASK) |
					      IOAT_STS_HALTED);
}

/* Lock held */
static bool ioat_runnable(struct ioat *io)
{
	return io->status == IOAT_STS_ACTIVE && !io->suspending &&
	       io->taken != io->dmacount && pci_bus_master(&io->pdev) &&
	       dma_engine_may_run(&io->eng);
}

static void ioat_take(struct ioat *io, struct ioat_job *job)
{
	*job = (struct ioat_job){
		.gen = io->eng.gen,
		.desc_addr = io->next,
		.first = !io->taken && io->next == io->chainaddr,
		.last = (uint16_t)(io->taken + 1) == io->dmacount,
		.completed = io->completed,
		.cmpaddr = io->cmpaddr,
		.chanctrl = io->chanctrl,
	};
	io->cdar = job->desc_addr;
	dma_engine_begin(&io->eng);
}

/* The descriptor done: its effects on the registers. Lock held. */
static void ioat_publish(struct ioat *io, const struct ioat_job *job)
{
	if (job->err) {
		ioat_halt(io, job->err);
		return;
	}
	io->completed = job->desc_addr;
	io->taken++;
	io->next = job->next;
	if (io->suspending) {
		io->status = IOAT_STS_SUSPENDED;
		io->suspending = false;
	} else if (io->taken == io->dmacount) {
		io->status = IOAT_STS_DONE;
	}
	if (job->int_en && (io->chanctrl & IOAT_CHANCTRL_INT_REARM)) {
		io->chanctrl &= ~IOAT_CHANCTRL_INT_REARM;
		ioat_interrupt(io);
	}
}

static void *ioat_worker(void *arg)
{
	struct ioat *io = arg;
	struct dma_engine *e = &io->eng;

	mutex_lock(&e->lock);
	while (!e->stop) {
		struct ioat_job job;

		if (!ioat_runnable(io)) {
			dma_engine_wait(e);
			continue;
		}
		ioat_take(io, &job);
		mutex_unlock(&e->lock);

		ioat_run_job(io, &job);

		mutex_lock(&e->lock);
		dma_engine_end(e);
		/* Unless a reset or an abort forgot it meanwhile */
		if (job.gen == e->gen)
			ioat_publish(io, &job);
	}
	mutex_unlock(&e->lock);
	return NULL;
}

/* Function level reset: every register to its power-on value */
static void ioat_reset(struct pci_dev *pdev)
{
	struct ioat *io = to_ioat(pdev);

	mutex_lock(&io->eng.lock);
	dma_engine_quiesce(&io->eng);
	ioat_chan_reset(io);
	io->chanctrl = 0;
	io->chanerr = 0;
	io->errmask = 0;
	io->genctrl = 0;
	io->intrctrl = 0;
	io->attnstatus = 0;
	io->intrdelay = 0;
	mutex_unlock(&io->eng.lock);
}

static void ioat_enable(struct pci_dev *pdev)
{
	struct ioat *io = to_ioat(pdev);

	dma_engine_start(&io->eng, ioat_worker, io);
}

static void ioat_disable(struct pci_dev *pdev)
{
	dma_engine_stop(&to_ioat(pdev)->eng);
}

/* Bus mastering turned on: a waiting channel can go */
static void ioat_command_changed(struct pci_dev *pdev, uint16_t old_cmd)
{
	struct ioat *io = to_ioat(pdev);

	(void)old_cmd;
	mutex_lock(&io->eng.lock);
	dma_engine_kick(&io->eng);
	mutex_unlock(&io->eng.lock);
}

static void ioat_release(struct pci_dev *pdev)
{
	struct ioat *io = to_ioat(pdev);

	dma_engine_destroy(&io->eng);
	pci_dev_deinit(pdev);
	ufd_free(io);
}

static const struct pci_dev_ops ioat_ops = {
	.reset = ioat_reset,
	.enable = ioat_enable,
	.disable = ioat_disable,
	.command_changed = ioat_command_changed,
	.release = ioat_release,
};

static const struct pci_dev_id ioat_id = {
	.vendor = IOAT_VENDOR_INTEL,
	.device = IOAT_DEVICE_SKX,
	.subsystem_vendor = IOAT_VENDOR_INTEL,
	.subsystem_device = 0x0000,
	.class_code = IOAT_CLASS,
	.revision = 4,
};

struct pci_dev *ioat_create(const char *name)
{
	struct ioat *io = ufd_new(struct ioat);
	int rc;

	if (!io)
		return ERR_PTR(-ENOMEM);
	dma_engine_init(&io->eng);
	rc = pci_dev_init(&io->pdev, name, &ioat_id, &ioat_ops, 1);
	if (rc)
		goto err_free;
	pci_dev_add_bar_regs(&io->pdev, 0, IOAT_BAR_LEN,
			     PCI_BASE_ADDRESS_MEM_TYPE_64, &ioat_bar_ops);
	rc = pci_dev_add_express(&io->pdev, true);
	if (!rc)
		rc = pci_dev_add_msix(&io->pdev, IOAT_MSIX_VECTORS, 0,
				      IOAT_MSIX_TABLE, IOAT_MSIX_PBA);
	if (rc)
		goto err_deinit;
	io->status = IOAT_STS_HALTED;
	return &io->pdev;

err_deinit:
	pci_dev_deinit(&io->pdev);
err_free:
	dma_engine_destroy(&io->eng);
	ufd_free(io);
	return ERR_PTR(rc);
}
