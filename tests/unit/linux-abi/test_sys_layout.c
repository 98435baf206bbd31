/*
 * Linux's address-space layout through the real exec path: the break grows
 * after the first mmap (mmap goes top-down below the stack's gap, the break
 * up from the program); with randomize_va_space 0 the addresses are Linux's
 * exact ones and equal from run to run; with 2, two runs of one program get
 * different stack, mmap and break addresses, each inside its range; an
 * unlimited stack limit gives the legacy bottom-up layout. The 16 AT_RANDOM
 * bytes differ from exec to exec whatever randomize_va_space says (they
 * are the generator's, as Linux's get_random_bytes).
 */
#include "abi_test.h"
#include <process/layout.h>
#include <process/process.h>

#define NR_setrlimit 164
#define RLIMIT_STACK 3
#define MiB          (1ul << 20)
#define RUNS         3

#define AT_NULL   0
#define AT_RANDOM 25

struct run {
	uint64_t brk0, grown, map, map2, sp0;
	uint8_t at_random[16];
};

static struct run runs[RUNS];
static int run_no;

/* The bytes AT_RANDOM points to, found past argv and envp on the initial stack. */
static void read_at_random(uint64_t sp, uint8_t out[16])
{
	uint64_t argc, w[2], va;

	assert_int_equal(fake_user_read(&argc, sp, 8), 0);
	va = sp + 8 * (argc + 2);
	do {
		assert_int_equal(fake_user_read(w, va, 8), 0);
		va += 8;
	} while (w[0]);
	for (;; va += 16) {
		assert_int_equal(fake_user_read(w, va, 16), 0);
		assert_true(w[0] != AT_NULL);
		if (w[0] == AT_RANDOM)
			break;
	}
	assert_int_equal(fake_user_read(out, w[1], 16), 0);
}

static enum hal_user_event prog(struct fake_user *u, struct hal_user_trap *t)
{
	struct run *r = &runs[run_no];

	switch (u->step++) {
	case 0:
		r->sp0 = u->sp0;
		read_at_random(u->sp0, r->at_random);
		return SYS(u, NR_mmap, 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		           -1, 0);
	case 1:
		r->map = (uint64_t)fake_ret(u);
		return SYS(u, NR_brk, 0);
	case 2:
		r->brk0 = (uint64_t)fake_ret(u);
		return SYS(u, NR_brk, r->brk0 + 16 * PG);
	case 3:
		r->grown = (uint64_t)fake_ret(u);
		return SYS(u, NR_mmap, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 4:
		r->map2 = (uint64_t)fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void run(int no)
{
	run_no = no;
	assert_int_equal(abi_run("/layout", NULL), 0);
}

/* The break grows after an mmap: what issue 9 found broken (mmap took the page at the break). */
static void test_brk_grows_after_mmap(void **state)
{
	(void)state;
	process_set_randomize_va_space(2);
	proc_test_program("/layout", prog);
	run(0);
	assert_int_equal(runs[0].grown, runs[0].brk0 + 16 * PG);
	assert_true(runs[0].map > runs[0].grown);
	assert_int_equal(runs[0].map2, runs[0].map - PG); /* top-down */
}

static void test_no_randomization_is_linux_exact_and_repeatable(void **state)
{
	uintptr_t top = as_user_top();

	(void)state;
	assert_int_equal(process_set_randomize_va_space(0), 0);
	proc_test_program("/layout", prog);
	run(0);
	run(1);
	/* 8 MiB stack limit: the mmap base is MIN_GAP (128 MiB) below the top. */
	assert_int_equal(runs[0].map, top - 128 * MiB - PG);
	assert_true(runs[0].sp0 < top && runs[0].sp0 > top - PG);
	assert_int_equal(runs[0].grown, runs[0].brk0 + 16 * PG);
	assert_int_equal(runs[1].map, runs[0].map);
	assert_int_equal(runs[1].sp0, runs[0].sp0);
	assert_int_equal(runs[1].brk0, runs[0].brk0);
	assert_memory_not_equal(runs[0].at_random, runs[1].at_random, 16);
}

static void test_randomization_moves_everything(void **state)
{
	uintptr_t top = as_user_top(), range = top / 8;

	(void)state;
	assert_int_equal(process_set_randomize_va_space(2), 0);
	assert_int_equal(process_set_randomize_va_space(3), -EINVAL);
	assert_int_equal(process_randomize_va_space(), 2);
	proc_test_program("/layout", prog);
	for (int i = 0; i < RUNS; i++) {
		run(i);
		assert_true(runs[i].sp0 > top - range - PG && runs[i].sp0 < top);
		/* The base sits the stack limit plus the guard gap under the lowest stack top. */
		assert_true(runs[i].map + 8 * MiB < runs[i].sp0);
		assert_true(runs[i].map > top - 2 * range - 128 * MiB);
		assert_int_equal(runs[i].grown, runs[i].brk0 + 16 * PG);
	}
	/* Three runs: at least two differ in each (each has 2^16 values or more). */
	assert_true(runs[0].sp0 != runs[1].sp0 || runs[1].sp0 != runs[2].sp0);
	assert_true(runs[0].map != runs[1].map || runs[1].map != runs[2].map);
	assert_true(runs[0].brk0 != runs[1].brk0 || runs[1].brk0 != runs[2].brk0);
	assert_memory_not_equal(runs[0].at_random, runs[1].at_random, 16);
	assert_memory_not_equal(runs[1].at_random, runs[2].at_random, 16);
}

/* setrlimit(RLIMIT_STACK, unlimited) then exec: Linux's legacy layout, bottom-up. */
static enum hal_user_event legacy(struct fake_user *u, struct hal_user_trap *t)
{
	static const uint64_t unlimited[2] = {~0ull, ~0ull};
	uint64_t argv[2] = {SCRATCH(u) + 64, 0};

	switch (u->step++) {
	case 0:
		fake_user_write(SCRATCH(u), unlimited, sizeof(unlimited));
		return SYS(u, NR_setrlimit, RLIMIT_STACK, SCRATCH(u));
	case 1:
		fake_user_write(SCRATCH(u) + 64, "/layout", 8);
		fake_user_write(SCRATCH(u) + 128, argv, sizeof(argv));
		return SYS(u, NR_execve, SCRATCH(u) + 64, SCRATCH(u) + 128, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_unlimited_stack_is_bottom_up(void **state)
{
	(void)state;
	assert_int_equal(process_set_randomize_va_space(0), 0);
	proc_test_program("/layout", prog);
	proc_test_program("/legacy", legacy);
	run_no = 0;
	assert_int_equal(abi_run("/legacy", NULL), 0);
	assert_int_equal(runs[0].map, as_unmapped_base());
	assert_int_equal(runs[0].map2, as_unmapped_base() + PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_brk_grows_after_mmap),
	    cmocka_unit_test(test_no_randomization_is_linux_exact_and_repeatable),
	    cmocka_unit_test(test_randomization_moves_everything),
	    cmocka_unit_test(test_unlimited_stack_is_bottom_up),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
