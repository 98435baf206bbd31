/*
 * getrandom(2) as Linux answers it (drivers/char/random.c): the flags and
 * their order of checks, -EAGAIN with GRND_NONBLOCK before the generator is
 * ready (nothing seeded it in this test program: no random_init), output
 * with GRND_INSECURE all the same, a blocking call that waits for timer
 * jitter, -EFAULT for a range beyond the user top and for an unmapped
 * buffer, and a count exact to the byte when the buffer ends in an
 * unmapped page.
 */
#include "abi_test.h"
#include <random/random.h>
#include <string.h>

#define NR_getrandom  278
#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

static struct {
	long nonblock, insecure, blocking, after, zero, badflag, both, beyond, unmapped, partial;
	bool ready_before;
	uint8_t a[16], b[16];
} gr;

static enum hal_user_event prog(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t buf = SCRATCH(u);

	switch (u->step++) {
	case 0:
		gr.ready_before = random_ready();
		return SYS(u, NR_getrandom, buf, 16, GRND_NONBLOCK);
	case 1:
		gr.nonblock = fake_ret(u);
		return SYS(u, NR_getrandom, buf, 16, GRND_INSECURE | GRND_NONBLOCK);
	case 2:
		gr.insecure = fake_ret(u);
		return SYS(u, NR_getrandom, buf, 16, 0);
	case 3:
		gr.blocking = fake_ret(u);
		fake_user_read(gr.a, buf, 16);
		return SYS(u, NR_getrandom, buf, 16, GRND_NONBLOCK | GRND_RANDOM);
	case 4:
		gr.after = fake_ret(u);
		fake_user_read(gr.b, buf, 16);
		return SYS(u, NR_getrandom, buf, 0, 0);
	case 5:
		gr.zero = fake_ret(u);
		return SYS(u, NR_getrandom, buf, 16, 8);
	case 6:
		gr.badflag = fake_ret(u);
		return SYS(u, NR_getrandom, buf, 16, GRND_RANDOM | GRND_INSECURE);
	case 7:
		gr.both = fake_ret(u);
		return SYS(u, NR_getrandom, as_user_top() - 8, 16, 0);
	case 8:
		gr.beyond = fake_ret(u);
		return SYS(u, NR_mmap, 0, 2 * PG, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 9:
		u->v[0] = (uint64_t)fake_ret(u);
		return SYS(u, NR_munmap, u->v[0] + PG, PG);
	case 10:
		return SYS(u, NR_getrandom, u->v[0] + PG, 10, 0);
	case 11:
		gr.unmapped = fake_ret(u);
		return SYS(u, NR_getrandom, u->v[0] + PG - 100, 300, 0);
	case 12:
		gr.partial = fake_ret(u);
		return SYS(u, NR_exit_group, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_getrandom(void **state)
{
	static const uint8_t zero[16];

	(void)state;
	proc_test_program("/getrandom", prog);
	assert_int_equal(abi_run("/getrandom", NULL), 0);
	assert_false(gr.ready_before);
	assert_int_equal(gr.nonblock, -EAGAIN);
	assert_int_equal(gr.insecure, 16);
	assert_int_equal(gr.blocking, 16);
	assert_true(random_ready());
	assert_int_equal(gr.after, 16);
	assert_memory_not_equal(gr.a, gr.b, 16);
	assert_memory_not_equal(gr.a, zero, 16);
	assert_int_equal(gr.zero, 0);
	assert_int_equal(gr.badflag, -EINVAL);
	assert_int_equal(gr.both, -EINVAL);
	assert_int_equal(gr.beyond, -EFAULT);
	assert_int_equal(gr.unmapped, -EFAULT);
	assert_int_equal(gr.partial, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_getrandom),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
