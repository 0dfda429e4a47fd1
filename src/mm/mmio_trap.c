// SPDX-License-Identifier: MIT
/*
 * The ranges live in a fixed table the signal handler reads without a
 * lock: each slot has a sequence count, odd while the slot changes, and
 * the handler takes a copy only when the count was even and unchanged
 * around it. Changes are serialised by trap_lock.
 *
 * The handler (sigfault.c) runs on the faulting thread with SIGSEGV
 * blocked; what it
 * calls (the device's register ops) may take the device's locks: the
 * faulting instruction is the program's own load or store, never inside
 * the engine, so no engine lock is held there.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "../lib/lock.h"
#include "../lib/util.h"
#include "../lib/x86_insn.h"
#include "mmio_trap.h"
#include "sigfault.h"

#define MMIO_TRAP_SLOTS 64

struct mmio_trap_range {
	unsigned int seq;     /* odd while the slot changes */
	uintptr_t start, end; /* end 0: a free slot */
	int prot;
	uint64_t offset;
	const struct mmio_trap_ops *ops;
	void *priv;
};

static struct mmio_trap_range ranges[MMIO_TRAP_SLOTS];
static struct mutex trap_lock = MUTEX_INITIALIZER(trap_lock);
/* A range was ever trapped: munmap() must tell mmio_trap_remove() */
static bool trap_used;

static void slot_write(struct mmio_trap_range *r,
		       const struct mmio_trap_range *val)
{
	__atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&r->start, val->start, __ATOMIC_RELAXED);
	__atomic_store_n(&r->end, val->end, __ATOMIC_RELAXED);
	__atomic_store_n(&r->prot, val->prot, __ATOMIC_RELAXED);
	__atomic_store_n(&r->offset, val->offset, __ATOMIC_RELAXED);
	__atomic_store_n(&r->ops, val->ops, __ATOMIC_RELAXED);
	__atomic_store_n(&r->priv, val->priv, __ATOMIC_RELAXED);
	__atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_RELEASE);
}

/* A consistent copy of the range holding addr */
static bool trap_find(uintptr_t addr, struct mmio_trap_range *out)
{
	for (unsigned int i = 0; i != MMIO_TRAP_SLOTS; i++) {
		struct mmio_trap_range *r = &ranges[i];
		unsigned int seq = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);

		if (seq & 1)
			continue;
		out->start = __atomic_load_n(&r->start, __ATOMIC_RELAXED);
		out->end = __atomic_load_n(&r->end, __ATOMIC_RELAXED);
		out->prot = __atomic_load_n(&r->prot, __ATOMIC_RELAXED);
		out->offset = __atomic_load_n(&r->offset, __ATOMIC_RELAXED);
		out->ops = __atomic_load_n(&r->ops, __ATOMIC_RELAXED);
		out->priv = __atomic_load_n(&r->priv, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&r->seq, __ATOMIC_RELAXED) != seq)
			continue;
		if (addr >= out->start && addr < out->end)
			return true;
	}
	return false;
}

#ifdef __x86_64__
static const int gregs_of_reg[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8,	 REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* The access rights insn needs: an ALU write reads first */
static int mmio_insn_prot(const struct x86_mem_insn *insn)
{
	if (insn->op == X86_OP_MOV)
		return insn->write ? PROT_WRITE : PROT_READ;
	return insn->write ? PROT_READ | PROT_WRITE : PROT_READ;
}

/*
 * An ALU instruction on a register: read it (one access of its size),
 * compute as the CPU would with the context's flags, then store the
 * result (a second access) or put it in the register. A read-modify-write
 * is a read then a write on the bus with hardware too (no lock prefix).
 */
static int mmio_emulate_alu(const struct x86_mem_insn *insn,
			    const struct mmio_trap_range *r, uint64_t off,
			    greg_t *gregs, greg_t *reg)
{
	uint64_t mem, other, res, rflags = (uint64_t)gregs[REG_EFL];

	if (!r->ops->read(r->priv, off, insn->size, &mem))
		return -EIO;
	other = insn->has_imm ? insn->imm : x86_store_value(insn, *reg);
	if (insn->mem_dst)
		res = x86_alu(insn->op, insn->size, mem, other, &rflags);
	else
		res = x86_alu(insn->op, insn->size, other, mem, &rflags);
	if (insn->write && !r->ops->write(r->priv, off, insn->size, res))
		return -EIO;
	if (!insn->mem_dst && insn->op != X86_OP_CMP)
		*reg = (greg_t)x86_load_result(insn, (uint64_t)*reg, res);
	gregs[REG_EFL] = (greg_t)rflags;
	return 0;
}

int mmio_trap_fault(siginfo_t *si, ucontext_t *uc)
{
	greg_t *gregs = uc->uc_mcontext.gregs;
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct x86_mem_insn insn;
	struct mmio_trap_range r;
	greg_t *reg;
	uint64_t off, val;
	int prot;

	if (si->si_code != SEGV_ACCERR || !trap_find(addr, &r))
		return -EFAULT;
	if (!x86_decode_mem_insn((const uint8_t *)gregs[REG_RIP], 15, &insn))
		return -EFAULT;
	prot = mmio_insn_prot(&insn);
	if (addr + insn.size > r.end || (r.prot & prot) != prot)
		return -EFAULT;
	off = r.offset + (addr - r.start);
	reg = &gregs[gregs_of_reg[insn.reg]];
	if (insn.op != X86_OP_MOV) {
		int rc = mmio_emulate_alu(&insn, &r, off, gregs, reg);

		if (rc)
			return rc;
	} else if (insn.write) {
		val = x86_store_value(&insn, (uint64_t)*reg);
		if (!r.ops->write(r.priv, off, insn.size, val))
			return -EIO;
	} else {
		if (!r.ops->read(r.priv, off, insn.size, &val))
			return -EIO;
		*reg = (greg_t)x86_load_result(&insn, (uint64_t)*reg, val);
	}
	gregs[REG_RIP] += insn.len;
	return 0;
}
#else
int mmio_trap_fault(siginfo_t *si, ucontext_t *uc)
{
	(void)si;
	(void)uc;
	return -EFAULT;
}
#endif

int mmio_trap_add(uintptr_t start, size_t length, int prot, uint64_t offset,
		  const struct mmio_trap_ops *ops, void *priv)
{
	struct mmio_trap_range val = {
		.start = start,
		.end = start + length,
		.prot = prot,
		.offset = offset,
		.ops = ops,
		.priv = priv,
	};
	int rc = -ENOSPC;

	mutex_lock(&trap_lock);
	for (unsigned int i = 0; i != MMIO_TRAP_SLOTS; i++) {
		if (ranges[i].end)
			continue;
		rc = sigfault_install(false);
		if (!rc) {
			__atomic_store_n(&trap_used, true, __ATOMIC_RELEASE);
			slot_write(&ranges[i], &val);
		}
		break;
	}
	mutex_unlock(&trap_lock);
	return rc;
}

/* Has a register BAR ever been trapped (munmap() must then be told)? */
bool mmio_trap_any(void)
{
	return __atomic_load_n(&trap_used, __ATOMIC_ACQUIRE);
}

void mmio_trap_remove(uintptr_t start, size_t length)
{
	static const struct mmio_trap_range free_slot;
	struct mmio_trap_range gone[MMIO_TRAP_SLOTS];
	unsigned int ngone = 0;

	/* Every munmap() of the program comes here: most before any trap */
	if (!__atomic_load_n(&trap_used, __ATOMIC_ACQUIRE))
		return;
	mutex_lock(&trap_lock);
	for (unsigned int i = 0; i != MMIO_TRAP_SLOTS; i++) {
		struct mmio_trap_range *r = &ranges[i];

		if (r->end && r->start < start + length && r->end > start) {
			gone[ngone++] = *r;
			slot_write(r, &free_slot);
		}
	}
	mutex_unlock(&trap_lock);
	/* Released unlocked: a release may close files */
	for (unsigned int i = 0; i != ngone; i++)
		if (gone[i].ops->release)
			gone[i].ops->release(gone[i].priv);
}
