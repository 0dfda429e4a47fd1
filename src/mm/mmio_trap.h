/* SPDX-License-Identifier: MIT */
/*
 * Trapped MMIO mappings: what a page fault on a device's register BAR is
 * in the kernel (vm_ops->fault reaching the device), done in the process.
 * A trapped range is mapped PROT_NONE; a load or store there raises
 * SIGSEGV, whose handler decodes the instruction (lib/x86_insn.h), does
 * the access through the range's ops with the access's size, writes the
 * loaded value (or the ALU result and flags) into the context and steps
 * over the instruction; a read-modify-write is a read then a write. Every
 * access reaches the device, in program order, on the faulting thread.
 *
 * Faults that are not MMIO accesses go to the handler the program had
 * (or installs later through sigfault_sigaction()), or end the program as
 * they would have. An access the device refuses (memory decoding off)
 * raises SIGBUS, as a vfio-pci BAR mapping does.
 */
#ifndef UIOMMUFD_MM_MMIO_TRAP_H
#define UIOMMUFD_MM_MMIO_TRAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

struct mmio_trap_ops {
	/*
	 * An access of size 1, 2, 4 or 8 bytes at off (the range's offset
	 * plus the distance into it); false: the device does not answer
	 */
	bool (*read)(void *priv, uint64_t off, unsigned int size,
		     uint64_t *val);
	bool (*write)(void *priv, uint64_t off, unsigned int size,
		      uint64_t val);
	/* The range is removed (optional): what priv holds can go */
	void (*release)(void *priv);
};

/*
 * Trap accesses to [start, start + length), mapped PROT_NONE by the
 * caller; prot: what the mapping allows (PROT_READ, PROT_WRITE). Returns
 * 0, -ENOSPC (too many ranges) or -errno of installing the handler.
 */
int mmio_trap_add(uintptr_t start, size_t length, int prot, uint64_t offset,
		  const struct mmio_trap_ops *ops, void *priv);
/* Forget the ranges in [start, start + length) (munmap, mapped over) */
void mmio_trap_remove(uintptr_t start, size_t length);
bool mmio_trap_any(void);

/*
 * A SIGSEGV at si's address, on the faulting thread (sigfault.c): 0 when
 * it was a trapped access, now done (the context moved past it),
 * -EFAULT when it is not one, -EIO when the device refused it.
 */
int mmio_trap_fault(siginfo_t *si, ucontext_t *uc);

#endif
