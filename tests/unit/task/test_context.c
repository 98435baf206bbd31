/*
 * hal/context.h on the host: real stack switches between contexts, with the
 * callee-saved registers, arguments and stack alignment the ABI promises.
 */
#include "kit_test.h"
#include <hal/context.h>
#include <hal/cpu.h>
#include <stdint.h>
#include <stdlib.h>

#define STACK_SIZE (256 * 1024)

static struct hal_context main_ctx, a_ctx, b_ctx;
static int trace[64], ntrace;

static void record(int v)
{
	trace[ntrace++] = v;
}

static void ping(void *arg)
{
	for (int i = 0; i < 3; i++) {
		record(100 + i * 10 + (int)(intptr_t)arg);
		hal_context_switch(&a_ctx, &b_ctx);
	}
	hal_context_switch(&a_ctx, &main_ctx);
	fail_msg("a resumed after the end");
}

static void pong(void *arg)
{
	for (int i = 0; i < 3; i++) {
		record(200 + i * 10 + (int)(intptr_t)arg);
		hal_context_switch(&b_ctx, &a_ctx);
	}
	fail_msg("b resumed after the end");
}

static void *new_stack(void)
{
	void *p = aligned_alloc(16, STACK_SIZE);

	assert_non_null(p);
	return p;
}

static void test_ping_pong_alternates(void **state)
{
	void *sa = new_stack(), *sb = new_stack();
	static const int want[] = {101, 202, 111, 212, 121, 222};
	(void)state;

	ntrace = 0;
	hal_irq_disable();
	hal_context_init(&a_ctx, sa, STACK_SIZE, ping, (void *)1);
	hal_context_init(&b_ctx, sb, STACK_SIZE, pong, (void *)2);
	hal_context_switch(&main_ctx, &a_ctx);
	assert_int_equal(ntrace, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(trace[i], want[i]);
	free(sa);
	free(sb);
}

/* Many values live across the switch: the compiler keeps them in
 * callee-saved registers, which the switch must preserve. */
static volatile uint64_t clobber_seed = 0x9e3779b97f4a7c15ull;

static void clobber(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t x = clobber_seed;
		uint64_t r0 = x * 3, r1 = x * 5, r2 = x * 7, r3 = x * 11, r4 = x * 13, r5 = x * 17;
		hal_context_switch(&a_ctx, &main_ctx);
		clobber_seed = r0 ^ r1 ^ r2 ^ r3 ^ r4 ^ r5;
	}
}

static void test_callee_saved_registers_survive(void **state)
{
	void *sa = new_stack();
	uint64_t v0 = 0x1111, v1 = 0x2222, v2 = 0x3333, v3 = 0x4444, v4 = 0x5555, v5 = 0x6666;
	(void)state;

	hal_context_init(&a_ctx, sa, STACK_SIZE, clobber, NULL);
	for (int i = 0; i < 100; i++) {
		v0 += i, v1 ^= (uint64_t)i << 3, v2 *= 3, v3 -= i, v4 += v0, v5 ^= v1;
		hal_context_switch(&main_ctx, &a_ctx);
	}
	/* Recompute without switches: the same arithmetic must give the same values. */
	uint64_t w0 = 0x1111, w1 = 0x2222, w2 = 0x3333, w3 = 0x4444, w4 = 0x5555, w5 = 0x6666;
	for (int i = 0; i < 100; i++)
		w0 += i, w1 ^= (uint64_t)i << 3, w2 *= 3, w3 -= i, w4 += w0, w5 ^= w1;
	assert_true(v0 == w0 && v1 == w1 && v2 == w2 && v3 == w3 && v4 == w4 && v5 == w5);
	free(sa);
}

static uintptr_t seen_sp;

static void check_alignment(void *arg)
{
	/* A 16-byte aligned local proves the entry frame is ABI-aligned
	 * (the compiler assumes it and does not realign). */
	_Alignas(16) volatile char probe[16];

	seen_sp = (uintptr_t)probe;
	(void)arg;
	hal_context_switch(&a_ctx, &main_ctx);
}

static void test_new_context_runs_on_its_stack_aligned(void **state)
{
	char *sa = new_stack();
	(void)state;

	/* An odd size: the platform must align the top itself. */
	hal_context_init(&a_ctx, sa, STACK_SIZE - 24, check_alignment, NULL);
	hal_context_switch(&main_ctx, &a_ctx);
	assert_true(seen_sp >= (uintptr_t)sa && seen_sp < (uintptr_t)sa + STACK_SIZE);
	assert_int_equal(seen_sp % 16, 0);
	free(sa);
}

/*
 * A chain of contexts, each made just before the one before it exits into
 * it (hal_context_exit), as a CPU's idle task is entered. Under TSan each
 * has a new fiber whose shadow call stack is the newest mapping: a fiber
 * switch that popped a frame off the new fiber's stack (one made in a
 * function that then returned) had its first function entry write below
 * that mapping, a fault.
 */
#define CHAIN 64

static struct hal_context chain_ctx[CHAIN];
static void *chain_stack[CHAIN];
static int chain_ran;

static void chain_link(void *arg)
{
	int i = (int)(intptr_t)arg;

	chain_ran++;
	if (i + 1 == CHAIN)
		hal_context_exit(&chain_ctx[i], &main_ctx);
	chain_stack[i + 1] = new_stack();
	hal_context_init(&chain_ctx[i + 1], chain_stack[i + 1], STACK_SIZE, chain_link,
	                 (void *)(intptr_t)(i + 1));
	hal_context_exit(&chain_ctx[i], &chain_ctx[i + 1]);
}

static void test_exit_into_a_context_never_run(void **state)
{
	(void)state;

	chain_ran = 0;
	chain_stack[0] = new_stack();
	hal_context_init(&chain_ctx[0], chain_stack[0], STACK_SIZE, chain_link, (void *)0);
	hal_context_switch(&main_ctx, &chain_ctx[0]);
	assert_int_equal(chain_ran, CHAIN);
	for (int i = 0; i < CHAIN; i++)
		free(chain_stack[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ping_pong_alternates),
	    cmocka_unit_test(test_callee_saved_registers_survive),
	    cmocka_unit_test(test_new_context_runs_on_its_stack_aligned),
	    cmocka_unit_test(test_exit_into_a_context_never_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
