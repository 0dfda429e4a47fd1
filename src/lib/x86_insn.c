// SPDX-License-Identifier: MIT
/*
 * The instruction forms decoded, as the Intel SDM (volume 2) lists them:
 *   88 /r  mov r/m8, r8          8A /r  mov r8, r/m8
 *   89 /r  mov r/m, r            8B /r  mov r, r/m
 *   C6 /0  mov r/m8, imm8        C7 /0  mov r/m, imm16/32 (sign-extended)
 *   0F B6/B7 movzx r, r/m8/16    0F BE/BF movsx r, r/m8/16
 *   63 /r  movsxd r, r/m32       0F C3 /r movnti m32/64, r
 * and the ALU forms with a memory operand, op being add, or, adc, sbb,
 * and, sub, xor, cmp (opcode bits 5:3 or the ModRM reg field, 0-7):
 *   op*8+0 /r  op r/m8, r8       op*8+1 /r  op r/m, r
 *   op*8+2 /r  op r8, r/m8       op*8+3 /r  op r, r/m
 *   80 /op ib  op r/m8, imm8     81 /op iz  op r/m, imm16/32
 *   83 /op ib  op r/m, imm8 (sign-extended)
 *   84/85 /r   test r/m, r       F6/F7 /0   test r/m, imm8/16/32
 *   F6/F7 /2   not r/m           F6/F7 /3   neg r/m
 *   FE/FF /0   inc r/m           FE/FF /1   dec r/m
 * with the operand-size prefix (66), REX (40-4F) and the segment prefixes
 * (whose base the fault address already includes). The memory operand
 * must be memory (mod != 3); its address is not computed: the fault
 * reports it. A lock prefix is refused: the device cannot be held
 * between the read and the write.
 */
#include "x86_insn.h"

struct x86_prefixes {
	bool opsize;  /* 66 */
	uint8_t rex;  /* 0 or 40-4F */
	size_t count; /* bytes of prefixes and REX */
};

static bool x86_read_prefixes(const uint8_t *code, size_t avail,
			      struct x86_prefixes *p)
{
	*p = (struct x86_prefixes){};
	for (; p->count != avail; p->count++) {
		uint8_t b = code[p->count];

		if (b == 0x66)
			p->opsize = true;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
			 b == 0x64 || b == 0x65)
			continue;
		else
			break;
	}
	/* REX only counts right before the opcode */
	if (p->count != avail && (code[p->count] & 0xf0) == 0x40)
		p->rex = code[p->count++];
	return p->count < avail;
}

/*
 * Bytes of ModRM, SIB and displacement at code; 0 when the operand is a
 * register (mod == 3) or the bytes are not all there.
 */
static size_t x86_modrm_len(const uint8_t *code, size_t avail)
{
	unsigned int mod, rm;
	size_t len = 1;

	if (!avail)
		return 0;
	mod = code[0] >> 6;
	rm = code[0] & 7;
	if (mod == 3)
		return 0;
	if (rm == 4) {
		if (avail < 2)
			return 0;
		len++;
		/* SIB with no base register: a disp32 follows */
		if (mod == 0 && (code[1] & 7) == 5)
			len += 4;
	} else if (mod == 0 && rm == 5) {
		len += 4; /* RIP-relative */
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len <= avail ? len : 0;
}

static uint64_t x86_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/*
 * The immediate of imm_size bytes after the ModRM bytes (insn->len so
 * far), sign-extended to the operand size; false if it is cut short
 */
static bool x86_take_imm(struct x86_mem_insn *insn, const uint8_t *code,
			 size_t avail, unsigned int imm_size)
{
	uint64_t v = 0;

	if (insn->len + imm_size > avail)
		return false;
	for (unsigned int i = 0; i != imm_size; i++)
		v |= (uint64_t)code[insn->len + i] << (8 * i);
	if (imm_size < insn->size && (v >> (8 * imm_size - 1)) & 1)
		v |= ~x86_mask(imm_size);
	insn->imm = v & x86_mask(insn->size);
	insn->has_imm = true;
	insn->len += imm_size;
	return true;
}

/* Bytes of the immediate of the iz forms (81, C7, F7): 2 or 4 */
static unsigned int x86_imm_z(unsigned int size)
{
	return size == 2 ? 2 : 4;
}

/* Operand size of the non-byte forms: 2, 4 or 8 */
static unsigned int x86_opsize(const struct x86_prefixes *p)
{
	if (p->rex & 0x08)
		return 8;
	return p->opsize ? 2 : 4;
}

/* The register of ModRM.reg, with REX.R; byte registers with no REX */
static void x86_set_reg(struct x86_mem_insn *insn, const struct x86_prefixes *p,
			uint8_t modrm, unsigned int reg_size)
{
	insn->reg = ((modrm >> 3) & 7) | (p->rex & 0x04 ? 8 : 0);
	insn->reg_size = reg_size;
	insn->reg_high_byte = reg_size == 1 && !p->rex && insn->reg >= 4;
	if (insn->reg_high_byte)
		insn->reg -= 4;
}

/*
 * The ALU forms 00-3F (op r/m, r and op r, r/m) and 84/85 (test r/m, r):
 * the register operand and which one is the destination
 */
static bool x86_decode_alu_reg(uint8_t opcode, const struct x86_prefixes *p,
			       uint8_t modrm, struct x86_mem_insn *insn)
{
	if (opcode == 0x84 || opcode == 0x85) {
		insn->op = X86_OP_TEST;
		insn->mem_dst = true;
	} else {
		insn->op = X86_OP_ADD + (opcode >> 3);
		insn->mem_dst = !(opcode & 2);
	}
	insn->size = opcode & 1 ? x86_opsize(p) : 1;
	insn->write = insn->mem_dst && insn->op != X86_OP_CMP &&
		      insn->op != X86_OP_TEST;
	x86_set_reg(insn, p, modrm, insn->size);
	return true;
}

/* 80, 81, 83 (op r/m, imm) and F6, F7 /0 (test r/m, imm) */
static bool x86_decode_alu_imm(const uint8_t *code, size_t avail,
			       uint8_t opcode, uint8_t modrm,
			       const struct x86_prefixes *p,
			       struct x86_mem_insn *insn)
{
	unsigned int field = (modrm >> 3) & 7;

	insn->size = opcode & 1 ? x86_opsize(p) : 1;
	insn->mem_dst = true;
	if (opcode == 0xf6 || opcode == 0xf7) {
		if (field) /* /1 is undocumented, /4-/7 mul and div */
			return false;
		insn->op = X86_OP_TEST;
	} else {
		insn->op = X86_OP_ADD + field;
		insn->write = insn->op != X86_OP_CMP;
	}
	if (opcode == 0x81 || opcode == 0xf7)
		return x86_take_imm(insn, code, avail, x86_imm_z(insn->size));
	return x86_take_imm(insn, code, avail, 1);
}

/* F6/F7 /2 /3 (not, neg) and FE/FF /0 /1 (inc, dec): memory only */
static bool x86_decode_unary(uint8_t opcode, uint8_t modrm,
			     const struct x86_prefixes *p,
			     struct x86_mem_insn *insn)
{
	static const enum x86_op grp3[8] = {[2] = X86_OP_NOT, [3] = X86_OP_NEG};
	static const enum x86_op grp45[8] = {X86_OP_INC, X86_OP_DEC};
	unsigned int field = (modrm >> 3) & 7;

	/* X86_OP_MOV (0) in the tables: another instruction of the group */
	insn->op = opcode >= 0xfe ? grp45[field] : grp3[field];
	insn->size = opcode & 1 ? x86_opsize(p) : 1;
	insn->mem_dst = true;
	insn->write = true;
	return insn->op != X86_OP_MOV;
}

/* One-byte opcodes; op points at the opcode, code at the instruction */
static bool x86_decode_op1(const uint8_t *code, size_t avail,
			   const struct x86_prefixes *p,
			   struct x86_mem_insn *insn)
{
	const uint8_t *op = code + p->count;
	size_t mlen = x86_modrm_len(op + 1, avail - p->count - 1);

	if (!mlen)
		return false;
	insn->len = (unsigned int)(p->count + 1 + mlen);
	if (op[0] < 0x40 && (op[0] & 7) < 4)
		return x86_decode_alu_reg(op[0], p, op[1], insn);
	switch (op[0]) {
	case 0x80:
	case 0x81:
	case 0x83:
		return x86_decode_alu_imm(code, avail, op[0], op[1], p, insn);
	case 0xf6:
	case 0xf7:
		if (((op[1] >> 3) & 7) == 2 || ((op[1] >> 3) & 7) == 3)
			return x86_decode_unary(op[0], op[1], p, insn);
		return x86_decode_alu_imm(code, avail, op[0], op[1], p, insn);
	case 0xfe:
	case 0xff:
		return x86_decode_unary(op[0], op[1], p, insn);
	case 0x84: /* test r/m8, r8 */
	case 0x85: /* test r/m, r */
		return x86_decode_alu_reg(op[0], p, op[1], insn);
	case 0x88: /* mov r/m8, r8 */
	case 0x8a: /* mov r8, r/m8 */
		insn->size = 1;
		insn->write = op[0] == 0x88;
		x86_set_reg(insn, p, op[1], 1);
		return true;
	case 0x89: /* mov r/m, r */
	case 0x8b: /* mov r, r/m */
		insn->size = x86_opsize(p);
		insn->write = op[0] == 0x89;
		x86_set_reg(insn, p, op[1], insn->size);
		return true;
	case 0x63: /* movsxd r, r/m32 (without REX.W: a 32-bit mov) */
		insn->size = p->rex & 0x08 ? 4 : x86_opsize(p);
		x86_set_reg(insn, p, op[1], x86_opsize(p));
		insn->ext = X86_EXT_SIGN;
		return true;
	case 0xc6: /* mov r/m8, imm8 */
	case 0xc7: /* mov r/m, imm16/32 */
		if ((op[1] >> 3) & 7)
			return false;
		insn->size = op[0] == 0xc6 ? 1 : x86_opsize(p);
		insn->write = true;
		/* imm32 of a 64-bit store is sign-extended */
		return x86_take_imm(insn, code, avail,
				    insn->size == 1 ? 1
						    : x86_imm_z(insn->size));
	default:
		return false;
	}
}

/* Two-byte opcodes 0F xx; op points at the 0F */
static bool x86_decode_op2(const uint8_t *op, size_t avail,
			   const struct x86_prefixes *p,
			   struct x86_mem_insn *insn)
{
	size_t mlen;

	if (avail < 3)
		return false;
	mlen = x86_modrm_len(op + 2, avail - 2);
	if (!mlen)
		return false;
	insn->len = (unsigned int)(p->count + 2 + mlen);
	switch (op[1]) {
	case 0xb6: /* movzx r, r/m8 */
	case 0xb7: /* movzx r, r/m16 */
	case 0xbe: /* movsx r, r/m8 */
	case 0xbf: /* movsx r, r/m16 */
		insn->size = op[1] & 1 ? 2 : 1;
		insn->ext = op[1] & 8 ? X86_EXT_SIGN : X86_EXT_ZERO;
		x86_set_reg(insn, p, op[2], x86_opsize(p));
		return true;
	case 0xc3: /* movnti m32/64, r */
		if (p->opsize)
			return false;
		insn->size = p->rex & 0x08 ? 8 : 4;
		insn->write = true;
		x86_set_reg(insn, p, op[2], insn->size);
		return true;
	default:
		return false;
	}
}

bool x86_decode_mem_insn(const uint8_t *code, size_t avail,
			 struct x86_mem_insn *insn)
{
	struct x86_prefixes p;
	const uint8_t *op;
	bool ok;

	*insn = (struct x86_mem_insn){};
	if (avail > 15)
		avail = 15; /* the longest x86 instruction */
	if (!x86_read_prefixes(code, avail, &p))
		return false;
	op = code + p.count;
	if (op[0] == 0x0f)
		ok = x86_decode_op2(op, avail - p.count, &p, insn);
	else
		ok = x86_decode_op1(code, avail, &p, insn);
	return ok && insn->len <= avail;
}

uint64_t x86_load_result(const struct x86_mem_insn *insn, uint64_t old,
			 uint64_t val)
{
	uint64_t mask = x86_mask(insn->reg_size);

	val &= x86_mask(insn->size);
	if (insn->ext == X86_EXT_SIGN && insn->size < 8 &&
	    (val >> (8 * insn->size - 1)) & 1)
		val |= ~x86_mask(insn->size);
	val &= mask;
	if (insn->reg_high_byte)
		return (old & ~0xff00ULL) | (val << 8);
	/* A 32-bit destination clears bits 63:32 */
	if (insn->reg_size == 4)
		return val;
	return (old & ~mask) | val;
}

uint64_t x86_store_value(const struct x86_mem_insn *insn, uint64_t reg_val)
{
	if (insn->has_imm)
		return insn->imm & x86_mask(insn->size);
	if (insn->reg_high_byte)
		return (reg_val >> 8) & 0xff;
	return reg_val & x86_mask(insn->size);
}

/* PF: set when the low byte of the result has an even number of ones */
static uint64_t x86_flags_of_result(uint64_t res, unsigned int size)
{
	uint64_t flags = 0;

	if (!__builtin_parity((unsigned int)(res & 0xff)))
		flags |= X86_FLAG_PF;
	if (!res)
		flags |= X86_FLAG_ZF;
	if ((res >> (8 * size - 1)) & 1)
		flags |= X86_FLAG_SF;
	return flags;
}

/*
 * The carries (or borrows) out of each bit make CF (out of the top bit)
 * and AF (out of bit 3); OF is a signed overflow: for an addition, the
 * operands agree in sign and the result does not; for a subtraction,
 * they differ and the result differs from dst.
 */
uint64_t x86_alu(enum x86_op op, unsigned int size, uint64_t dst, uint64_t src,
		 uint64_t *rflags)
{
	uint64_t mask = x86_mask(size), top = 1ULL << (8 * size - 1);
	uint64_t cin = *rflags & X86_FLAG_CF, res, carries = 0, flags = 0;
	bool ovf = false;

	dst &= mask;
	src &= mask;
	switch (op) {
	case X86_OP_NOT:
		return ~dst & mask;
	case X86_OP_NEG: /* 0 - dst: CF is dst != 0 */
		src = dst;
		dst = 0;
		op = X86_OP_SUB;
		break;
	case X86_OP_INC:
	case X86_OP_DEC: /* the flags of adding or subtracting 1 but CF */
		src = 1;
		break;
	default:
		break;
	}
	switch (op) {
	case X86_OP_ADD:
	case X86_OP_ADC:
	case X86_OP_INC:
		res = dst + src + (op == X86_OP_ADC ? cin : 0);
		carries = (dst & src) | ((dst | src) & ~res);
		ovf = (dst ^ res) & (src ^ res) & top;
		break;
	case X86_OP_SUB:
	case X86_OP_SBB:
	case X86_OP_CMP:
	case X86_OP_DEC:
		res = dst - src - (op == X86_OP_SBB ? cin : 0);
		carries = (~dst & src) | ((~dst | src) & res);
		ovf = (dst ^ src) & (dst ^ res) & top;
		break;
	case X86_OP_OR:
		res = dst | src;
		break;
	case X86_OP_XOR:
		res = dst ^ src;
		break;
	default: /* and, test */
		res = dst & src;
		break;
	}
	res &= mask;
	flags = x86_flags_of_result(res, size);
	if (op == X86_OP_INC || op == X86_OP_DEC)
		flags |= cin;
	else if (carries & top)
		flags |= X86_FLAG_CF;
	if (carries & 0x8)
		flags |= X86_FLAG_AF;
	if (ovf)
		flags |= X86_FLAG_OF;
	*rflags = (*rflags & ~(uint64_t)X86_FLAGS_STATUS) | flags;
	return res;
}
