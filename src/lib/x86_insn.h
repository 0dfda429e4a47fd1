/* SPDX-License-Identifier: MIT */
/*
 * Decoding of the x86-64 instructions a driver uses to touch device
 * registers through a mapping: the mov forms between a register or an
 * immediate and memory, with zero or sign extension, and movnti; and the
 * integer ALU forms with a memory operand (add, or, adc, sbb, and, sub,
 * xor, cmp, test, not, neg, inc, dec), which compilers fold volatile
 * loads and read-modify-write sequences into; of 1, 2, 4 or 8 bytes. What KVM's
 * emulator does for an MMIO exit, for the instructions compilers emit for
 * readl()/ writel() and volatile accesses. Anything else (string and vector
 * moves, lock-prefixed, shifts and rotates, multiplications, bit tests) is not
 * decoded: the caller lets the fault go on.
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

/* The operation, in the order of the ALU opcodes' reg field plus one */
enum x86_op {
	X86_OP_MOV,
	X86_OP_ADD,
	X86_OP_OR,
	X86_OP_ADC,
	X86_OP_SBB,
	X86_OP_AND,
	X86_OP_SUB,
	X86_OP_XOR,
	X86_OP_CMP,
	X86_OP_TEST,
	/* One operand, the memory: F6/F7 /2 /3, FE/FF /0 /1 */
	X86_OP_NOT,
	X86_OP_NEG,
	X86_OP_INC,
	X86_OP_DEC,
};

/* The status flags of RFLAGS that the ALU operations set */
#define X86_FLAG_CF 0x0001
#define X86_FLAG_PF 0x0004
#define X86_FLAG_AF 0x0010
#define X86_FLAG_ZF 0x0040
#define X86_FLAG_SF 0x0080
#define X86_FLAG_OF 0x0800
#define X86_FLAGS_STATUS                                                       \
	(X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | X86_FLAG_ZF | X86_FLAG_SF | \
	 X86_FLAG_OF)

struct x86_mem_insn {
	unsigned int len;  /* bytes of the instruction */
	unsigned int size; /* bytes of memory accessed: 1, 2, 4 or 8 */
	enum x86_op op;
	/*
	 * mov: a store when write, else a load. ALU: memory is always read
	 * first; write: the result is then stored there (a read-modify-
	 * write); mem_dst: memory is the first operand (else the register
	 * is, and takes the result unless op is cmp or test).
	 */
	bool write;
	bool mem_dst;
	/* Store or ALU: the other operand is register reg, or imm if has_imm */
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

/*
 * The ALU operation op on size-byte operands dst and src (dst op src;
 * cmp and test: the result is not kept; not, neg, inc and dec ignore
 * src), as the CPU does it: returns the result and sets the status flags
 * of *rflags (CF, PF, AF, ZF, SF, OF), reading CF for adc and sbb. The
 * logical operations clear CF, OF and AF (AF is undefined in the SDM;
 * the CPUs clear it), inc and dec keep CF, not changes no flag.
 */
uint64_t x86_alu(enum x86_op op, unsigned int size, uint64_t dst, uint64_t src,
		 uint64_t *rflags);

#endif
