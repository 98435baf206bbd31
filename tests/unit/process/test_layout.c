/*
 * Linux's exec layout (process/layout.h) with a fake generator: exact
 * addresses with randomize_va_space 0, 1 and 2 for a generator that gives
 * all zeros, all ones or a known value; Linux's MIN_GAP and MAX_GAP
 * clamps; the legacy layout for an unlimited stack; a static-pie break at
 * ELF_ET_DYN_BASE; the entropy caps for a 2 GiB and a 256 GiB user range.
 */
#include "kit_test.h"
#include <process/layout.h>

#define PG  4096ull
#define MiB (1ull << 20)
#define GiB (1ull << 30)

static uint64_t ones(void *ctx)
{
	(void)ctx;
	return ~0ull;
}

static uint64_t zeros(void *ctx)
{
	(void)ctx;
	return 0;
}

static uint64_t fixed(void *ctx)
{
	return *(uint64_t *)ctx;
}

static struct layout_params params(int randomize, uint64_t (*rnd)(void *))
{
	return (struct layout_params){
	    .user_base = 0x10000,
	    .user_top = 2 * GiB,
	    .unmapped_base = 2 * GiB / 3 / PG * PG + PG,
	    .stack_rlimit = 8 * MiB,
	    .randomize = randomize,
	    .mmap_rnd_bits = 18,
	    .rnd = rnd,
	};
}

static void test_no_randomization(void **state)
{
	struct layout_params p = params(0, ones);
	struct layout l;

	(void)state;
	layout_pick(&p, &l);
	assert_int_equal(l.stack_top, 2 * GiB);
	assert_int_equal(l.stack_pad, 0);
	assert_false(l.bottom_up);
	/* 8 MiB + the 1 MiB guard gap is below MIN_GAP: 128 MiB under the stack top. */
	assert_int_equal(l.mmap_base, 2 * GiB - 128 * MiB);
	assert_int_equal(layout_brk(&p, 0x12345, false), 0x13000);
	/* A static-pie program's break: ELF_ET_DYN_BASE, two thirds of the user range. */
	assert_int_equal(layout_brk(&p, 0x7000123, true), (2 * GiB / 3 * 2 + PG - 1) & ~(PG - 1));
}

static void test_gap_clamps_and_legacy(void **state)
{
	struct layout_params p = params(0, ones);
	struct layout l;

	(void)state;
	p.stack_rlimit = 1536 * MiB; /* above MIN_GAP, below MAX_GAP (5/6 of 2 GiB) */
	layout_pick(&p, &l);
	assert_int_equal(l.mmap_base, 2 * GiB - 1536 * MiB - MiB);
	p.stack_rlimit = 1ull << 62; /* past MAX_GAP */
	layout_pick(&p, &l);
	assert_int_equal(l.mmap_base, (2 * GiB - 2 * GiB / 6 * 5 + PG - 1) & ~(PG - 1));
	p.stack_rlimit = LAYOUT_RLIM_INFINITY; /* Linux's legacy layout: bottom-up */
	layout_pick(&p, &l);
	assert_true(l.bottom_up);
	assert_int_equal(l.mmap_base, p.unmapped_base);
	p.randomize = 1;
	p.rnd = zeros;
	layout_pick(&p, &l);
	assert_int_equal(l.mmap_base, p.unmapped_base);
}

static void test_caps(void **state)
{
	struct layout_params p = params(2, ones);

	(void)state;
	/* 2 GiB: each range at most 256 MiB. */
	assert_int_equal(layout_stack_bits(&p), 16);
	assert_int_equal(layout_mmap_bits(&p), 16);
	assert_int_equal(layout_brk_range(&p), 256 * MiB);
	p.mmap_rnd_bits = 8;
	assert_int_equal(layout_mmap_bits(&p), 8);
	/* Linux riscv64's Sv39 user range (256 GiB): Linux's own values, uncapped. */
	p.user_top = 256 * GiB;
	p.mmap_rnd_bits = 18;
	assert_int_equal(layout_stack_bits(&p), 18);
	assert_int_equal(layout_mmap_bits(&p), 18);
	assert_int_equal(layout_brk_range(&p), GiB);
}

static void test_randomize_1_all_ones(void **state)
{
	struct layout_params p = params(1, ones);
	uint64_t srnd = (65536 - 1) * PG; /* 16 bits of pages */
	struct layout l;

	(void)state;
	layout_pick(&p, &l);
	assert_int_equal(l.stack_top, 2 * GiB - srnd);
	assert_int_equal(l.stack_pad, 4095);
	/* The gap makes room for the stack's whole random range, then the mmap offset. */
	assert_int_equal(l.mmap_base, 2 * GiB - (8 * MiB + MiB + 65536 * PG) - srnd);
	/* randomize 1 leaves the break alone. */
	assert_int_equal(layout_brk(&p, 0x20000, false), 0x20000);
}

static void test_randomize_2(void **state)
{
	struct layout_params p = params(2, zeros);
	uint64_t v = 12345;
	struct layout l;

	(void)state;
	/* A zero draw: nothing moves but the page Linux leaves after .bss. */
	layout_pick(&p, &l);
	assert_int_equal(l.stack_top, 2 * GiB);
	assert_int_equal(l.stack_pad, 0);
	assert_int_equal(l.mmap_base, 2 * GiB - (8 * MiB + MiB + 65536 * PG));
	assert_int_equal(layout_brk(&p, 0x20000, false), 0x21000);
	/* The break moves by the draw modulo its range in pages. */
	p.rnd = ones;
	assert_int_equal(layout_brk(&p, 0x20000, false), 0x21000 + 65535 * PG);
	p.rnd = fixed;
	p.ctx = &v;
	assert_int_equal(layout_brk(&p, 0x20000, false), 0x21000 + 12345 * PG);
	assert_int_equal(layout_brk(&p, 0x20000, true),
	                 (2 * GiB / 3 * 2 + PG - 1) / PG * PG + 12345 * PG);
	layout_pick(&p, &l);
	assert_int_equal(l.stack_top, 2 * GiB - 12345 * PG);
	assert_int_equal(l.stack_pad, 12345 % 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_randomization),
	    cmocka_unit_test(test_gap_clamps_and_legacy),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_randomize_1_all_ones),
	    cmocka_unit_test(test_randomize_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
