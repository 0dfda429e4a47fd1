// SPDX-License-Identifier: MIT
/*
 * The decoder of register-access instructions, on encodings written out
 * byte by byte from the Intel SDM: lengths with every addressing form
 * (SIB, disp8/32, RIP-relative, no base), the register numbers with REX
 * and the legacy high bytes, immediates, the results of loads into a
 * register, and what it must refuse (register operands, other opcodes,
 * bytes missing).
 */
#include <setjmp.h>
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
	REFUSED(0x01, 0x00);		 /* add: read-modify-write */
	REFUSED(0xf3, 0xa5);		 /* rep movsl */
	REFUSED(0x0f, 0x11, 0x00);	 /* movups */
	REFUSED(0xc7, 0x08, 0, 0, 0, 0); /* c7 /1 is not mov */
	REFUSED(0x8b, 0x80, 0, 0);	 /* disp32 cut short */
	REFUSED(0xc7, 0x00, 0, 0);	 /* imm32 cut short */
	REFUSED(0x66, 0x0f, 0xc3, 0x00); /* movnti has no 16-bit form */
	REFUSED(0x66, 0x66);		 /* prefixes only */
	REFUSED(0x0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_load_results),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
