/* SPDX-License-Identifier: MIT */
/*
 * Decoding of the x86-64 instructions a driver uses to touch device
 * registers through a mapping: the mov forms between a register or an
 * immediate and memory, with zero or sign extension, and movnti, of 1, 2,
 * 4 or 8 bytes. What KVM's emulator does for an MMIO exit, for the few
 * instructions compilers emit for readl()/writel() and volatile accesses.
 * Anything else (string and vector moves, read-modify-write instructions)
 * is not decoded: the caller lets the fault go on.
 */
#ifndef UIOMMUFD_LIB_X86_INSN_H
#define UIOMMUFD_LIB_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_ext {
	X86_EXT_NONE, /* the destination takes the bytes as they are */
	X86_EXT_ZERO, /* movzx */
	X86_EXT_SIGN, /* movsx, movsxd */
};

struct x86_mem_insn {
	unsigned int len;  /* bytes of the instruction */
	unsigned int size; /* bytes of memory accessed: 1, 2, 4 or 8 */
	bool write;	   /* a store to memory, else a load */
	/* Store: the source is the register reg, or imm when has_imm */
	bool has_imm;
	uint64_t imm;
	/* Register operand: 0-15 (rax ... r15), or a legacy high byte */
	unsigned int reg;
	bool reg_high_byte;    /* ah, ch, dh, bh: byte 1 of reg 0-3 */
	unsigned int reg_size; /* bytes of the register operand */
	enum x86_ext ext;
};

/*
 * Decode the instruction at code (at most avail bytes readable there).
 * Returns true when it is one of the memory moves above.
 */
bool x86_decode_mem_insn(const uint8_t *code, size_t avail,
			 struct x86_mem_insn *insn);

/*
 * The new value of a 64-bit register after a load of val (size bytes) into
 * it as insn says: zero or sign extension, and the bytes of the register
 * that the x86 rules keep (8- and 16-bit destinations keep the rest, a
 * 32-bit one clears the upper half).
 */
uint64_t x86_load_result(const struct x86_mem_insn *insn, uint64_t old,
			 uint64_t val);
/* The bytes a store writes, from the source register's value */
uint64_t x86_store_value(const struct x86_mem_insn *insn, uint64_t reg_val);

#endif
