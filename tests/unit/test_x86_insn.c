// SPDX-License-Identifier: MIT
/*
 * The decoder of register-access instructions, on encodings written out
 * byte by byte from the Intel SDM: lengths with every addressing form
 * (SIB, disp8/32, RIP-relative, no base), the register numbers with REX
 * and the legacy high bytes, immediates, the results of loads into a
 * register, and what it must refuse (register operands, other opcodes,
 * bytes missing). The ALU forms (add ... cmp, test) decoded, and their
 * result and flags checked against the CPU's own, executing the same
 * instruction on ordinary memory, for random and edge operands of every
 * size.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/lib/x86_insn.h"

static struct x86_mem_insn decode_ok(const uint8_t *code, size_t len)
{
	struct x86_mem_insn insn;

	assert_true(x86_decode_mem_insn(code, len, &insn));
	assert_int_equal(len, insn.len);
	return insn;
}

#define DECODE(...)                                       \
	({                                                \
		static const uint8_t c[] = {__VA_ARGS__}; \
		decode_ok(c, sizeof(c));                  \
	})
#define REFUSED(...)                                                 \
	do {                                                         \
		static const uint8_t c[] = {__VA_ARGS__};            \
		struct x86_mem_insn i;                               \
		assert_false(x86_decode_mem_insn(c, sizeof(c), &i)); \
	} while (0)

static void test_loads(void **state)
{
	struct x86_mem_insn i;

	(void)state;
	/* mov (%rax), %eax */
	i = DECODE(0x8b, 0x00);
	assert_false(i.write);
	assert_int_equal(4, i.size);
	assert_int_equal(0, i.reg);
	/* mov 0x10(%rdi), %r9 : REX.W+R, disp8 */
	i = DECODE(0x4c, 0x8b, 0x4f, 0x10);
	assert_int_equal(8, i.size);
	assert_int_equal(9, i.reg);
	/* mov 0x12345678(%rsp), %dx : 66, SIB, disp32 */
	i = DECODE(0x66, 0x8b, 0x94, 0x24, 0x78, 0x56, 0x34, 0x12);
	assert_int_equal(2, i.size);
	assert_int_equal(2, i.reg);
	/* mov 0x0(%rip), %ecx */
	i = DECODE(0x8b, 0x0d, 0, 0, 0, 0);
	assert_int_equal(1, i.reg);
	/* mov 0x0(,%rax,4), %ebx : SIB without base, disp32 */
	i = DECODE(0x8b, 0x1c, 0x85, 0, 0, 0, 0);
	assert_int_equal(3, i.reg);
	/* mov (%rsi), %bh: the high byte of rbx */
	i = DECODE(0x8a, 0x3e);
	assert_true(i.reg_high_byte);
	assert_int_equal(3, i.reg);
	/* with a REX, 7 is dil */
	i = DECODE(0x40, 0x8a, 0x3e);
	assert_false(i.reg_high_byte);
	assert_int_equal(7, i.reg);
	/* movzbl, movswq, movsxd */
	i = DECODE(0x0f, 0xb6, 0x07);
	assert_int_equal(X86_EXT_ZERO, i.ext);
	assert_int_equal(1, i.size);
	assert_int_equal(4, i.reg_size);
	i = DECODE(0x48, 0x0f, 0xbf, 0x07);
	assert_int_equal(X86_EXT_SIGN, i.ext);
	assert_int_equal(2, i.size);
	assert_int_equal(8, i.reg_size);
	i = DECODE(0x48, 0x63, 0x07);
	assert_int_equal(4, i.size);
	assert_int_equal(8, i.reg_size);
	/* a segment prefix */
	i = DECODE(0x64, 0x8b, 0x00);
	assert_int_equal(4, i.size);
}

static void test_stores(void **state)
{
	struct x86_mem_insn i;

	(void)state;
	/* mov %r10d, (%r11) : REX.R+B */
	i = DECODE(0x45, 0x89, 0x13);
	assert_true(i.write);
	assert_int_equal(10, i.reg);
	assert_int_equal(4, i.size);
	/* movb $0x7f, 8(%rax) */
	i = DECODE(0xc6, 0x40, 0x08, 0x7f);
	assert_true(i.has_imm);
	assert_int_equal(0x7f, x86_store_value(&i, 0));
	/* movw $0x1234, (%rax) */
	i = DECODE(0x66, 0xc7, 0x00, 0x34, 0x12);
	assert_int_equal(2, i.size);
	assert_int_equal(0x1234, x86_store_value(&i, 0));
	/* movq $-2, (%rax): imm32 sign-extended */
	i = DECODE(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff);
	assert_int_equal(8, i.size);
	assert_int_equal(0xfffffffffffffffeULL, x86_store_value(&i, 0));
	/* mov %ah, (%rdi): the high byte is stored */
	i = DECODE(0x88, 0x27);
	assert_int_equal(0x12, x86_store_value(&i, 0x1234));
	/* movnti %rax, (%rdi) */
	i = DECODE(0x48, 0x0f, 0xc3, 0x07);
	assert_int_equal(8, i.size);
	assert_int_equal(0x0123456789abcdefULL,
			 x86_store_value(&i, 0x0123456789abcdefULL));
}

static void test_load_results(void **state)
{
	struct x86_mem_insn i;

	(void)state;
	/* 32-bit destination clears the upper half */
	i = DECODE(0x8b, 0x00);
	assert_int_equal(0x80000000, x86_load_result(&i, ~0ULL, 0x80000000));
	/* 16 and 8 bits keep the rest */
	i = DECODE(0x66, 0x8b, 0x00);
	assert_int_equal(0xffffffffffff1234ULL,
			 x86_load_result(&i, ~0ULL, 0x1234));
	i = DECODE(0x8a, 0x20); /* mov (%rax), %ah */
	assert_int_equal(0xffffffffffff56ffULL,
			 x86_load_result(&i, ~0ULL, 0x56));
	/* movsbl of 0x80, movzwq of 0xffff */
	i = DECODE(0x0f, 0xbe, 0x00);
	assert_int_equal(0xffffff80, x86_load_result(&i, ~0ULL, 0x80));
	i = DECODE(0x48, 0x0f, 0xb7, 0x00);
	assert_int_equal(0xffff, x86_load_result(&i, ~0ULL, 0xffff));
	/* movsxd of a negative */
	i = DECODE(0x48, 0x63, 0x00);
	assert_int_equal(0xfffffffffffffffeULL,
			 x86_load_result(&i, 0, 0xfffffffe));
}

static void test_refused(void **state)
{
	(void)state;
	REFUSED(0x89, 0xc0);		 /* mov %eax, %eax: no memory */
	REFUSED(0xd1, 0x27);		 /* shll (%rdi): a shift */
	REFUSED(0xf3, 0xa5);		 /* rep movsl */
	REFUSED(0x0f, 0x11, 0x00);	 /* movups */
	REFUSED(0xc7, 0x08, 0, 0, 0, 0); /* c7 /1 is not mov */
	REFUSED(0x8b, 0x80, 0, 0);	 /* disp32 cut short */
	REFUSED(0xc7, 0x00, 0, 0);	 /* imm32 cut short */
	REFUSED(0x66, 0x0f, 0xc3, 0x00); /* movnti has no 16-bit form */
	REFUSED(0x66, 0x66);		 /* prefixes only */
	REFUSED(0x0f);
}

static void test_alu_decode(void **state)
{
	struct x86_mem_insn i;

	(void)state;
	/* testq $0x7, 0x88(%rax): REX.W F7 /0 id, imm32 sign-extended */
	i = DECODE(0x48, 0xf7, 0x80, 0x88, 0, 0, 0, 0xf9, 0xff, 0xff, 0xff);
	assert_int_equal(X86_OP_TEST, i.op);
	assert_int_equal(8, i.size);
	assert_false(i.write);
	assert_true(i.mem_dst);
	assert_int_equal(0xfffffffffffffff9ULL, i.imm);
	/* testb $0x10, 3(%rdi) */
	i = DECODE(0xf6, 0x47, 0x03, 0x10);
	assert_int_equal(1, i.size);
	assert_int_equal(0x10, i.imm);
	/* testw $0x8000, (%rdi): 66 F7 /0 iw */
	i = DECODE(0x66, 0xf7, 0x07, 0x00, 0x80);
	assert_int_equal(2, i.size);
	assert_int_equal(0x8000, i.imm);
	/* test %ecx, (%rdi) and test %ah, (%rdi) */
	i = DECODE(0x85, 0x0f);
	assert_int_equal(X86_OP_TEST, i.op);
	assert_int_equal(1, i.reg);
	assert_false(i.has_imm);
	i = DECODE(0x84, 0x27);
	assert_true(i.reg_high_byte);
	/* cmpl $-1, 8(%rdi): 83 /7 ib sign-extended to 32 bits */
	i = DECODE(0x83, 0x7f, 0x08, 0xff);
	assert_int_equal(X86_OP_CMP, i.op);
	assert_int_equal(0xffffffff, i.imm);
	assert_false(i.write);
	/* cmpb $0x41, 3(%rdi); cmpw $0x4000, 6(%rdi) */
	i = DECODE(0x80, 0x7f, 0x03, 0x41);
	assert_int_equal(1, i.size);
	i = DECODE(0x66, 0x81, 0x7f, 0x06, 0x00, 0x40);
	assert_int_equal(2, i.size);
	assert_int_equal(0x4000, i.imm);
	/* cmp %rsi, (%rdi) (39) and cmp (%rdi), %r8 (REX.WR 3B) */
	i = DECODE(0x48, 0x39, 0x37);
	assert_true(i.mem_dst);
	assert_int_equal(6, i.reg);
	i = DECODE(0x4c, 0x3b, 0x07);
	assert_false(i.mem_dst);
	assert_int_equal(8, i.reg);
	assert_int_equal(8, i.size);
	/* cmp 3(%rdi), %bh (3A): a byte register */
	i = DECODE(0x3a, 0x7f, 0x03);
	assert_int_equal(1, i.size);
	assert_true(i.reg_high_byte);
	/* orl $1, 0xc(%rdi) and addq $5, 0x18(%rdi): read-modify-write */
	i = DECODE(0x83, 0x4f, 0x0c, 0x01);
	assert_int_equal(X86_OP_OR, i.op);
	assert_true(i.write);
	i = DECODE(0x48, 0x83, 0x47, 0x18, 0x05);
	assert_int_equal(X86_OP_ADD, i.op);
	assert_int_equal(8, i.size);
	/* andl $0xfffffffe, 0xc(%rdi): 81 /4 id */
	i = DECODE(0x81, 0x67, 0x0c, 0xfe, 0xff, 0xff, 0xff);
	assert_int_equal(X86_OP_AND, i.op);
	assert_int_equal(0xfffffffe, i.imm);
	/* add 0xc(%rdi), %eax (03) and sbb %dl, (%rax) (18), xor (30) */
	i = DECODE(0x03, 0x47, 0x0c);
	assert_int_equal(X86_OP_ADD, i.op);
	assert_false(i.mem_dst);
	assert_false(i.write);
	i = DECODE(0x18, 0x10);
	assert_int_equal(X86_OP_SBB, i.op);
	assert_true(i.write);
	i = DECODE(0x66, 0x31, 0x10);
	assert_int_equal(X86_OP_XOR, i.op);
	assert_int_equal(2, i.size);
	/* notl, negq, incb, decw: read-modify-write, no other operand */
	i = DECODE(0xf7, 0x17);
	assert_int_equal(X86_OP_NOT, i.op);
	assert_true(i.write);
	i = DECODE(0x48, 0xf7, 0x1f);
	assert_int_equal(X86_OP_NEG, i.op);
	assert_int_equal(8, i.size);
	i = DECODE(0xfe, 0x07);
	assert_int_equal(X86_OP_INC, i.op);
	assert_int_equal(1, i.size);
	i = DECODE(0x66, 0xff, 0x4f, 0x0c);
	assert_int_equal(X86_OP_DEC, i.op);
	assert_int_equal(2, i.size);
	/* adc r, r/m and sub r, r/m with REX.W */
	i = DECODE(0x48, 0x13, 0x00);
	assert_int_equal(X86_OP_ADC, i.op);
	i = DECODE(0x48, 0x2b, 0x00);
	assert_int_equal(X86_OP_SUB, i.op);
	/* adcl $1 and sbbl $1 (83 /2, /3) are not not and neg (F7 /2, /3) */
	i = DECODE(0x83, 0x17, 0x01);
	assert_int_equal(X86_OP_ADC, i.op);
	i = DECODE(0x83, 0x1f, 0x01);
	assert_int_equal(X86_OP_SBB, i.op);
}

static void test_alu_refused(void **state)
{
	(void)state;
	REFUSED(0xf0, 0x83, 0x07, 0x01); /* lock addl: no atomic MMIO */
	REFUSED(0xf7, 0x27);		 /* mull (%rdi) */
	REFUSED(0xff, 0x17);		 /* call *(%rdi) */
	REFUSED(0xff, 0x37);		 /* push (%rdi) */
	REFUSED(0x0f, 0xaf, 0x07);	 /* imul (%rdi), %eax */
	REFUSED(0xf7, 0x0f, 0, 0, 0, 0); /* F7 /1: not the SDM's test */
	REFUSED(0x85, 0xc0);		 /* test %eax, %eax */
	REFUSED(0x04, 0x01);		 /* add $1, %al: no ModRM */
	REFUSED(0x83, 0x07);		 /* imm8 cut short */
	REFUSED(0x81, 0x07, 0, 0, 0);	 /* imm32 cut short */
	REFUSED(0x66, 0xf7, 0x07, 0);	 /* imm16 cut short */
}

/*
 * The CPU's answer: the same instruction on ordinary memory, with the
 * flags given loaded by popf (CF for adc and sbb; what not, inc and dec
 * keep) and read back by pushf, below the red zone.
 */
#define CPU_ALU_FN(op, sfx, mod, type)                            \
	static uint64_t cpu_##op##sfx(uint64_t dst, uint64_t src, \
				      uint64_t *flags)            \
	{                                                         \
		static type mem;                                  \
		type reg = (type)src;                             \
		uint64_t fl = *flags;                             \
                                                                  \
		mem = (type)dst;                                  \
		asm volatile("lea -128(%%rsp), %%rsp\n\t"         \
			     "pushq %[fl]\n\t"                    \
			     "popfq\n\t" #op #sfx " %" mod        \
			     "[reg], (%[mem])\n\t"                \
			     "pushfq\n\t"                         \
			     "popq %[fl]\n\t"                     \
			     "lea 128(%%rsp), %%rsp"              \
			     : [fl] "+r"(fl)                      \
			     : [reg] "r"(reg), [mem] "r"(&mem)    \
			     : "cc", "memory");                   \
		*flags = fl;                                      \
		return mem;                                       \
	}
#define CPU_ALU(op)                                                          \
	CPU_ALU_FN(op, b, "b", uint8_t)                                      \
	CPU_ALU_FN(op, w, "w", uint16_t)                                     \
	CPU_ALU_FN(op, l, "k", uint32_t)                                     \
	CPU_ALU_FN(op, q, "q", uint64_t)                                     \
	static uint64_t (*const cpu_##op[4])(                                \
		uint64_t, uint64_t, uint64_t *) = {cpu_##op##b, cpu_##op##w, \
						   cpu_##op##l, cpu_##op##q};

/* not, neg, inc, dec: the memory operand only */
#define CPU_UNARY_FN(op, sfx, type)                               \
	static uint64_t cpu_##op##sfx(uint64_t dst, uint64_t src, \
				      uint64_t *flags)            \
	{                                                         \
		static type mem;                                  \
		uint64_t fl = *flags;                             \
                                                                  \
		(void)src;                                        \
		mem = (type)dst;                                  \
		asm volatile("lea -128(%%rsp), %%rsp\n\t"         \
			     "pushq %[fl]\n\t"                    \
			     "popfq\n\t" #op #sfx " (%[mem])\n\t" \
			     "pushfq\n\t"                         \
			     "popq %[fl]\n\t"                     \
			     "lea 128(%%rsp), %%rsp"              \
			     : [fl] "+r"(fl)                      \
			     : [mem] "r"(&mem)                    \
			     : "cc", "memory");                   \
		*flags = fl;                                      \
		return mem;                                       \
	}
#define CPU_UNARY(op)                                                        \
	CPU_UNARY_FN(op, b, uint8_t)                                         \
	CPU_UNARY_FN(op, w, uint16_t)                                        \
	CPU_UNARY_FN(op, l, uint32_t)                                        \
	CPU_UNARY_FN(op, q, uint64_t)                                        \
	static uint64_t (*const cpu_##op[4])(                                \
		uint64_t, uint64_t, uint64_t *) = {cpu_##op##b, cpu_##op##w, \
						   cpu_##op##l, cpu_##op##q};

CPU_UNARY(not )
CPU_UNARY(neg)
CPU_UNARY(inc)
CPU_UNARY(dec)
CPU_ALU(add)
CPU_ALU(or)
CPU_ALU(adc)
CPU_ALU(sbb)
CPU_ALU(and)
CPU_ALU(sub)
CPU_ALU(xor)
CPU_ALU(cmp)
CPU_ALU(test)

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random, or an edge of some size: 0, 1, the sign bits, all ones */
static uint64_t operand(void)
{
	static const uint64_t edges[] = {
		0,
		1,
		0x7f,
		0x80,
		0xff,
		0x7fff,
		0x8000,
		0xffff,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x7fffffffffffffffULL,
		0x8000000000000000ULL,
		~0ULL,
		0xf,
		0x10,
	};
	uint64_t r = rnd();

	if (r & 1)
		return edges[(r >> 1) % (sizeof(edges) / sizeof(edges[0]))];
	return rnd();
}

static void test_alu_flags_vs_cpu(void **state)
{
	static const struct {
		enum x86_op op;
		uint64_t (*const *cpu)(uint64_t, uint64_t, uint64_t *);
	} ops[] = {
		{X86_OP_ADD, cpu_add},	 {X86_OP_OR, cpu_or},
		{X86_OP_ADC, cpu_adc},	 {X86_OP_SBB, cpu_sbb},
		{X86_OP_AND, cpu_and},	 {X86_OP_SUB, cpu_sub},
		{X86_OP_XOR, cpu_xor},	 {X86_OP_CMP, cpu_cmp},
		{X86_OP_TEST, cpu_test}, {X86_OP_NOT, cpu_not},
		{X86_OP_NEG, cpu_neg},	 {X86_OP_INC, cpu_inc},
		{X86_OP_DEC, cpu_dec},
	};
	static const unsigned int sizes[] = {1, 2, 4, 8};

	(void)state;
	for (unsigned int n = 0; n != 20000; n++) {
		for (unsigned int o = 0; o != sizeof(ops) / sizeof(ops[0]);
		     o++) {
			for (unsigned int s = 0; s != 4; s++) {
				uint64_t a = operand(), b = operand();
				uint64_t flags_in = rnd() & X86_FLAGS_STATUS;
				uint64_t mask =
					sizes[s] == 8
						? ~0ULL
						: (1ULL << (8 * sizes[s])) - 1;
				/* IF, DF and the flags kept come through */
				uint64_t emu = 0x602 | flags_in,
					 cpu = 0x202 | flags_in;
				uint64_t res_cpu = ops[o].cpu[s](a, b, &cpu);
				uint64_t res = x86_alu(ops[o].op, sizes[s], a,
						       b, &emu);

				if (ops[o].op != X86_OP_CMP &&
				    ops[o].op != X86_OP_TEST)
					assert_int_equal(res_cpu, res);
				assert_true(res <= mask);
				assert_int_equal(cpu & X86_FLAGS_STATUS,
						 emu & X86_FLAGS_STATUS);
				assert_int_equal(
					0x602,
					emu & ~(uint64_t)X86_FLAGS_STATUS);
				assert_int_equal(
					0x202,
					cpu & ~(uint64_t)X86_FLAGS_STATUS);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_load_results),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_alu_decode),
		cmocka_unit_test(test_alu_refused),
		cmocka_unit_test(test_alu_flags_vs_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
