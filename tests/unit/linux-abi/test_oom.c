/*
 * The OOM killer: a hog faults in pages until the test's 64 MiB of RAM
 * run out; a bystander faults in fresh pages all along and checks the
 * ones it keeps. The hog, the process with the most resident pages, dies
 * by SIGKILL; the bystander lives on with its memory intact, whichever of
 * the two hit the empty allocator; every frame comes back. In the second
 * round the hog stops short of the end and sleeps, so the bystander's
 * fault is the one that finds no frame: the sleeping hog still goes.
 */
#include "abi_test.h"
#include <string.h>

#define NR_nanosleep 101
#define HOG_SPAN     (128ul << 20) /* more than the RAM */
#define KEEP_PAGES   32
#define FRESH_SPAN   (8ul << 20)

static volatile int stop, hog_sleeps;
static struct {
	long hog[2], bystander[2];
} oom;

/* Fault page n of the area at base in, or again if the last fault was not served (OOM). */
static enum hal_user_event touch(struct fake_user *u, struct hal_user_trap *t, uint64_t base,
                                 uint64_t *n, uint64_t span)
{
	if (*n > 0 && as_query(as_active(), base + (*n - 1) * PG % span, NULL, NULL) != 0)
		(*n)--; /* not there: the access runs again, as after a real fault */
	return fake_fault(u, t, base + (*n)++ * PG % span, HAL_ACCESS_WRITE);
}

static enum hal_user_event hog(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		return SYS(u, NR_mmap, 0, HOG_SPAN, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 1:
		u->v[4] = (uint64_t)fake_ret(u);
		u->v[5] = 0;
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (hog_sleeps && page_free_count() < 256) {
			uint64_t hour[2] = {3600, 0};
			fake_user_write(SCRATCH(u), hour, sizeof(hour));
			return SYS(u, NR_nanosleep, SCRATCH(u), 0);
		}
		AGAIN(u);
		return touch(u, t, u->v[4], &u->v[5], HOG_SPAN);
	}
	return SYS(u, NR_exit_group, 3); /* woke up: wrong */
}

static enum hal_user_event bystander(struct fake_user *u, struct hal_user_trap *t)
{
	uint8_t page[64];

	switch (u->step++) {
	case 0:
		return SYS(u, NR_mmap, 0, KEEP_PAGES * PG, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 1:
		u->v[4] = (uint64_t)fake_ret(u);
		for (unsigned i = 0; i < KEEP_PAGES; i++) {
			memset(page, (int)i + 1, sizeof(page));
			fake_user_write(u->v[4] + i * PG, page, sizeof(page));
		}
		return SYS(u, NR_mmap, 0, FRESH_SPAN, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 2:
		u->v[5] = (uint64_t)fake_ret(u);
		u->v[6] = 0;
		return SYS(u, NR_sched_yield, 0);
	case 3: /* a fresh page, a yield, again until told to stop */
		if (!stop) {
			u->step = 10;
			return touch(u, t, u->v[5], &u->v[6], FRESH_SPAN);
		}
		for (unsigned i = 0; i < KEEP_PAGES; i++) {
			if (fake_user_read(page, u->v[4] + i * PG, sizeof(page)) < 0 ||
			    page[0] != i + 1 || page[63] != i + 1)
				return SYS(u, NR_exit_group, 1);
		}
		return SYS(u, NR_exit_group, 0);
	case 10:
		u->step = 3;
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event parent(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);
	uint64_t round = u->v[0];

	switch (u->step++) {
	case 0:
		stop = 0;
		hog_sleeps = round == 1;
		fake_user_write(s, "/bystander", 11);
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_execve, s, 0, 0);
		}
		u->v[1] = (uint64_t)fake_ret(u);
		fake_user_write(s, "/hog", 5);
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_execve, s, 0, 0);
		}
		u->v[2] = (uint64_t)fake_ret(u);
		return SYS(u, NR_wait4, u->v[2], s, 0);
	case 3:
		oom.hog[round] = abi_read_u32(s);
		stop = 1;
		return SYS(u, NR_wait4, u->v[1], s, 0);
	case 4:
		oom.bystander[round] = abi_read_u32(s);
		if (++u->v[0] < 2) {
			u->step = 0;
			return SYS(u, NR_sched_yield, 0);
		}
		return SYS(u, NR_exit_group, 0);
	case 100:
		return SYS(u, NR_exit_group, 99); /* exec failed */
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_oom_kills_the_biggest(void **state)
{
	(void)state;
	proc_test_program("/parent", parent);
	proc_test_program("/hog", hog);
	proc_test_program("/bystander", bystander);
	kit_test_output_reset();
	abi_run("/parent", NULL); /* and every frame back */
	assert_int_equal(oom.hog[0], KILLED(SIGKILL));
	assert_int_equal(oom.bystander[0], EXITED(0));
	assert_int_equal(oom.hog[1], KILLED(SIGKILL));
	assert_int_equal(oom.bystander[1], EXITED(0));
	assert_true(kit_test_output_has("out of memory: killed process"));
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_oom_kills_the_biggest, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
