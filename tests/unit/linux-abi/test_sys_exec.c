/*
 * execve's arguments as Linux counts them: 40 000 pointers to one empty
 * string go through (argc 40 000, every string ""), strings exactly at
 * the limit go through and one byte more is E2BIG (2 MiB with the default
 * 8 MiB stack limit, less 8 bytes per pointer), a string of 32 pages with
 * its NUL is the longest, argv = NULL gives argv[0] = "", and the errors
 * come in Linux's order (a missing program before bad argument pointers).
 * The image runs the same against Linux 6.12 (tests/linux/attack/execbomb.c).
 */
#include "abi_test.h"
#include <process/ustack.h>
#include <string.h>

#define N_EMPTY 40000
#define PATH    "/second"

static struct {
	long seen_argc;
	char first[8];
} got;

static struct {
	long many, exact, over, long_ok, long_over, missing_bad, bad_argv, null_argv;
} ex;

static enum hal_user_event second(struct fake_user *u, struct hal_user_trap *t)
{
	(void)t;
	got.seen_argc = fake_user_argc(u);
	got.first[0] = 'x';
	fake_user_argv(u, 0, got.first, sizeof(got.first));
	return SYS(u, NR_exit_group, got.seen_argc & 0xff);
}

/*
 * User memory: a 4 MiB mapping at v[4]: the path at its start, a 2 MiB run
 * of 'x' at +1 MiB for the strings, the argv array from +3 MiB.
 */
#define STRINGS(u) ((u)->v[4] + (1ul << 20))
#define ARGV(u)    ((u)->v[4] + (3ul << 20))

static void fill_strings(struct fake_user *u)
{
	static char xs[4096];

	memset(xs, 'x', sizeof(xs));
	for (uint64_t off = 0; off < (2ul << 20) + 4096; off += sizeof(xs))
		fake_user_write(STRINGS(u) + off, xs, sizeof(xs));
}

/* argv = [the path, k strings of 'x' of lengths len[]]. */
static void put_argv(struct fake_user *u, const size_t *len, size_t k)
{
	uint64_t off = 0, ptr = u->v[4];

	fill_strings(u);
	fake_user_write(ARGV(u), &ptr, 8);
	for (size_t i = 0; i < k; i++) {
		ptr = STRINGS(u) + off;
		fake_user_write(ARGV(u) + 8 * (i + 1), &ptr, 8);
		fake_user_write(ptr + len[i], "", 1);
		off += len[i] + 1;
	}
	ptr = 0;
	fake_user_write(ARGV(u) + 8 * (k + 1), &ptr, 8);
}

/* k strings after the path and argv[0] = the path, so that all of it, pointers
 * included, totals 'bytes' as Linux counts it. */
static size_t lengths_for(uint64_t bytes, size_t *len)
{
	uint64_t room = bytes - 2 * sizeof(PATH) - 8;
	size_t k = 0;

	while (room > 0) {
		uint64_t take = room - 8 < USTACK_ARG_STRLEN_MAX ? room - 8 : USTACK_ARG_STRLEN_MAX;
		len[k++] = take - 1;
		room -= take + 8;
	}
	return k;
}

static enum hal_user_event first(struct fake_user *u, struct hal_user_trap *t)
{
	uintptr_t s = SCRATCH(u);
	long *out[] = {&ex.many,      &ex.exact,       &ex.over,     &ex.long_ok,
	               &ex.long_over, &ex.missing_bad, &ex.bad_argv, &ex.null_argv};
	static size_t len[64];
	size_t k;

	switch (u->step++) {
	case 0:
		return SYS(u, NR_mmap, 0, 4ul << 20, PROT_READ | PROT_WRITE,
		           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	case 1: /* each case forks; the child execs as v[1] says */
		u->v[4] = (uint64_t)fake_ret(u);
		return SYS(u, NR_clone, SIGCHLD);
	case 2:
		if (fake_ret(u) == 0) {
			u->step = 100;
			return SYS(u, NR_getpid, 0);
		}
		return SYS(u, NR_wait4, fake_ret(u), s, 0);
	case 3: /* what second() saw (argc), or the exec's errno */
		*out[u->v[1]] =
		    (abi_read_u32(s) & 0x7f) ? -1000 : (long)((abi_read_u32(s) >> 8) & 0xff);
		if (++u->v[1] < sizeof(out) / sizeof(out[0])) {
			u->step = 2;
			return SYS(u, NR_clone, SIGCHLD);
		}
		return SYS(u, NR_exit_group, 0);

	case 100: /* the child: exec, or exit with the errno */
		fake_user_write(u->v[4], PATH, sizeof(PATH));
		switch (u->v[1]) {
		case 0: { /* 40 000 pointers to one "" */
			uint64_t empty = STRINGS(u), zero = 0;
			fake_user_write(empty, "", 1);
			fake_user_write(ARGV(u), &u->v[4], 8);
			for (unsigned i = 1; i < N_EMPTY; i++)
				fake_user_write(ARGV(u) + 8 * i, &empty, 8);
			fake_user_write(ARGV(u) + 8 * N_EMPTY, &zero, 8);
			break;
		}
		case 1: /* exactly Linux's limit with the default 8 MiB stack: 2 MiB */
		case 2: /* a byte more */
			k = lengths_for((2ul << 20) + (u->v[1] == 2), len);
			put_argv(u, len, k);
			break;
		case 3: /* the longest string: 32 pages with its NUL */
		case 4: /* a byte more */
			len[0] = USTACK_ARG_STRLEN_MAX - 1 + (u->v[1] == 4);
			put_argv(u, len, 1);
			break;
		case 5:
			fake_user_write(s + 64, "/nothere", 9);
			return SYS(u, NR_execve, s + 64, 8, 8);
		case 6:
			return SYS(u, NR_execve, u->v[4], 8, 0);
		case 7:
			return SYS(u, NR_execve, u->v[4], 0, 0);
		}
		return SYS(u, NR_execve, u->v[4], ARGV(u), 0);
	case 101:
		return SYS(u, NR_exit_group, -fake_ret(u));
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_exec_arguments_as_linux_counts_them(void **state)
{
	(void)state;
	proc_test_program("/first", first);
	proc_test_program(PATH, second);
	abi_run("/first", NULL);
	assert_int_equal(ex.many, N_EMPTY & 0xff); /* second() exits with argc's low byte */
	assert_int_equal(ex.exact, (1 + 16) & 0xff);
	assert_int_equal(ex.over, E2BIG);
	assert_int_equal(ex.long_ok, 2);
	assert_int_equal(ex.long_over, E2BIG);
	assert_int_equal(ex.missing_bad, ENOENT);
	assert_int_equal(ex.bad_argv, EFAULT);
	assert_int_equal(ex.null_argv, 1);  /* argc 1 ... */
	assert_string_equal(got.first, ""); /* ... argv[0] = "" */
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
	    cmocka_unit_test_setup(test_exec_arguments_as_linux_counts_them, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
