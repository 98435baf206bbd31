/*
 * The OOM killer: a hog faults in pages until the test's 64 MiB of RAM
 * run out; a bystander faults in fresh pages all along and checks the
 * ones it keeps. The hog, the process with the most resident pages, dies
 * by SIGKILL; the bystander lives on with its memory intact, whichever of
 * the two hit the empty allocator; every frame comes back. In the second
 * round the hog stops short of the end and sleeps, so the bystander's
 * fault is the one that finds no frame: the sleeping hog still goes.
 * Then the copy of a read() into fresh memory is what finds none: the copy
 * runs under the file's locks, so the OOM killer runs after them and the
 * read is made again; the reader gets all its bytes.
 */
#include "abi_test.h"
#include <string.h>

#define NR_openat    56
#define NR_read      63
#define NR_nanosleep 101
#define AT_FDCWD     (-100)
#define O_RDONLY     0
#define HOG_SPAN     (128ul << 20) /* more than the RAM */
#define KEEP_PAGES   32
#define FRESH_SPAN   (8ul << 20)
#define READ_SPAN    (4ul << 20) /* more than the hog leaves */

static volatile int stop, hog_sleeps, hog_asleep;
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
		/* More than the RAM: promised only without reservation (vm.overcommit_memory 0). */
		return SYS(u, NR_mmap, 0, HOG_SPAN, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	case 1:
		u->v[4] = (uint64_t)fake_ret(u);
		u->v[5] = 0;
		return SYS(u, NR_sched_yield, 0);
	case 2:
		if (hog_sleeps && page_free_count() < 256) {
			uint64_t hour[2] = {3600, 0};
			hog_asleep = 1;
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

/* read() from /dev/zero into READ_SPAN of untouched memory, in as many calls as it takes. */
static enum hal_user_event reader(struct fake_user *u, struct hal_user_trap *t)
{
	uint8_t page[64];

	switch (u->step++) {
	case 0:
		fake_user_write(SCRATCH(u), "/dev/zero", 10);
		return SYS(u, NR_openat, AT_FDCWD, SCRATCH(u), O_RDONLY);
	case 1:
		u->v[3] = (uint64_t)fake_ret(u);
		return SYS(u, NR_mmap, 0, READ_SPAN, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 2:
		u->v[4] = (uint64_t)fake_ret(u);
		u->v[5] = 0;
		return SYS(u, NR_sched_yield, 0);
	case 3:
		if (!hog_asleep) /* until memory is nearly gone */
			AGAIN(u);
		return SYS(u, NR_sched_yield, 0);
	case 4:
		if (u->v[5] < READ_SPAN)
			return SYS(u, NR_read, u->v[3], u->v[4] + u->v[5], READ_SPAN - u->v[5]);
		if (fake_user_read(page, u->v[4] + READ_SPAN - sizeof(page), sizeof(page)) < 0 ||
		    page[0] || page[63])
			return SYS(u, NR_exit_group, 2);
		return SYS(u, NR_exit_group, 0);
	case 5:
		if (fake_ret(u) <= 0)
			return SYS(u, NR_exit_group, 1); /* EFAULT: the copy's OOM was not served */
		u->v[5] += (uint64_t)fake_ret(u);
		u->step = 4;
		return SYS(u, NR_sched_yield, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event read_parent(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);

	switch (u->step++) {
	case 0:
		hog_sleeps = 1;
		hog_asleep = 0;
		fake_user_write(s, "/reader", 8);
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
		return SYS(u, NR_wait4, u->v[1], s, 0);
	case 3: /* the reader could only finish once the hog was gone; if it failed, end the hog */
		oom.bystander[0] = abi_read_u32(s);
		return SYS(u, NR_kill, u->v[2], SIGKILL);
	case 4:
		return SYS(u, NR_wait4, u->v[2], s, 0);
	case 5:
		oom.hog[0] = abi_read_u32(s);
		return SYS(u, NR_exit_group, 0);
	case 100:
		return SYS(u, NR_exit_group, 99); /* exec failed */
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_oom_in_a_read(void **state)
{
	(void)state;
	proc_test_program("/parent", read_parent);
	proc_test_program("/hog", hog);
	proc_test_program("/reader", reader);
	kit_test_output_reset();
	abi_run("/parent", NULL); /* and every frame back */
	assert_int_equal(oom.hog[0], KILLED(SIGKILL));
	assert_int_equal(oom.bystander[0], EXITED(0));
	assert_true(kit_test_output_has("out of memory: killed process"));
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
	    cmocka_unit_test_setup(test_oom_in_a_read, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
