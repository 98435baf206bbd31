/*
 * The host context switch on another host CPU than the one running the
 * tests: a standalone program (no cmocka, no sanitizers, no klib) built for
 * each of arch/host/context_<cpu>.S and run natively or under qemu-user.
 * It checks what the ABI promises across hal_context_switch: the order of
 * the switches, the entry's argument, a 16-byte aligned stack at entry, and
 * the callee-saved integer and floating-point registers (values live in
 * them across the switch, so a register the assembly forgets comes back
 * wrong). Prints "context-cross: ok" and exits 0, or says what failed.
 */
#include <hal/context.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define STACK_SIZE (64 * 1024)
#define ROUNDS     1000

static struct hal_context main_ctx, a_ctx, b_ctx;
static int failures;

/* context.c's only use of klib. */
void kpanic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "context-cross: PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void check(int ok, const char *what)
{
	if (!ok && failures++ < 10)
		fprintf(stderr, "context-cross: FAILED: %s\n", what);
}

/* Not inlined, and opaque to the optimiser: values must survive real calls. */
__attribute__((noinline)) static void switch_to(struct hal_context *from, struct hal_context *to)
{
	__asm__ __volatile__("" ::: "memory");
	hal_context_switch(from, to);
}

/* Read once (volatile): the values cannot be recomputed, only kept. */
static volatile uint64_t seed_i[3][10] = {
    {0}, {11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, {21, 22, 23, 24, 25, 26, 27, 28, 29, 30}};
static volatile double seed_d[3][8] = {
    {0}, {1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5}, {9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5}};

static volatile uint64_t rounds[3];

static void worker(void *arg)
{
	uint64_t k = (uintptr_t)arg;
	struct hal_context *self = k == 1 ? &a_ctx : &b_ctx, *other = k == 1 ? &b_ctx : &a_ctx;
	_Alignas(16) volatile char probe[16];
	/* Live across every switch: the compiler keeps them in callee-saved registers. */
	uint64_t i0 = seed_i[k][0], i1 = seed_i[k][1], i2 = seed_i[k][2], i3 = seed_i[k][3];
	uint64_t i4 = seed_i[k][4], i5 = seed_i[k][5], i6 = seed_i[k][6], i7 = seed_i[k][7];
	uint64_t i8 = seed_i[k][8], i9 = seed_i[k][9];
	double d0 = seed_d[k][0], d1 = seed_d[k][1], d2 = seed_d[k][2], d3 = seed_d[k][3];
	double d4 = seed_d[k][4], d5 = seed_d[k][5], d6 = seed_d[k][6], d7 = seed_d[k][7];

	check(((uintptr_t)probe & 15) == 0, "the stack is 16-byte aligned at entry");
	check(k == 1 || k == 2, "the entry gets its argument");
	/* The loop counts differ too (a stops first, b is left suspended),
	 * so no register holds the same value in both contexts: one that a
	 * switch forgets to restore cannot pass for the right one. */
	for (uint64_t r = 0; r < ROUNDS + 7 * k; r++) {
		switch_to(self, other);
		check(i0 == seed_i[k][0] && i1 == seed_i[k][1] && i2 == seed_i[k][2] &&
		          i3 == seed_i[k][3] && i4 == seed_i[k][4] && i5 == seed_i[k][5] &&
		          i6 == seed_i[k][6] && i7 == seed_i[k][7] && i8 == seed_i[k][8] &&
		          i9 == seed_i[k][9],
		      "callee-saved integer registers survive a switch");
		check(d0 == seed_d[k][0] && d1 == seed_d[k][1] && d2 == seed_d[k][2] &&
		          d3 == seed_d[k][3] && d4 == seed_d[k][4] && d5 == seed_d[k][5] &&
		          d6 == seed_d[k][6] && d7 == seed_d[k][7],
		      "callee-saved floating-point registers survive a switch");
		rounds[k]++;
	}
	check(rounds[k] == ROUNDS + 7 * k, "the loop ran its count (its counter survived)");
	hal_context_exit(self, &main_ctx);
}

int main(void)
{
	void *sa = aligned_alloc(16, STACK_SIZE), *sb = aligned_alloc(16, STACK_SIZE);
	volatile uint64_t keep = 0x5a5a5a5a5a5a5a5aull;

	if (!sa || !sb)
		return 2;
	hal_context_init(&a_ctx, sa, STACK_SIZE, worker, (void *)1);
	hal_context_init(&b_ctx, sb, STACK_SIZE, worker, (void *)2);
	/* a runs, hands to b, and so on; a ends first and exits to main, b stays suspended. */
	hal_context_switch(&main_ctx, &a_ctx);
	check(keep == 0x5a5a5a5a5a5a5a5aull, "the main flow's stack is intact");
	if (failures) {
		fprintf(stderr, "context-cross: %d checks failed\n", failures);
		return 1;
	}
	printf("context-cross: ok\n");
	return 0;
}
