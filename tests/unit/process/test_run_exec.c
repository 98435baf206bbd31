/*
 * execve in the process core: a failed exec (no such file, not an ELF, a
 * cut ELF) returns its errno and leaves the process as it was (same pid,
 * same memory, same program going on); a good one replaces the program:
 * it starts at the ELF's entry with the new argv, in a fresh space, under
 * the same pid, and the parent's wait4 sees the new program's exit.
 */
#include "core_abi.h"
#include <klib/errno.h>
#include <string.h>

#define SCRATCH(u) ((u)->sp0 - 4096)
/* A stack address far below either program's initial stack: the marker's. */
#define MARK (as_user_top() - (1ul << 20))

static const char not_elf[] = "#!/bin/sh\necho not an ELF\n";

static struct {
	long pid, enoent, enoexec, truncated, marker_after, pid_after, v_after;
	long child, waited, status;
	uint64_t pc, argc, marker, pid_new, sp0;
	char argv0[32], argv1[32], args[32];
	struct process_layout layout;
} x;

static uint32_t read_u32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}

static enum hal_user_event second(struct fake_user *u, struct hal_user_trap *t)
{
	switch (u->step++) {
	case 0:
		x.pc = u->pc;
		x.argc = (uint64_t)fake_user_argc(u);
		fake_user_argv(u, 0, x.argv0, sizeof(x.argv0));
		fake_user_argv(u, 1, x.argv1, sizeof(x.argv1));
		x.marker = read_u32(MARK);
		x.sp0 = u->sp0;
		x.layout = process_current()->layout;
		fake_user_read(x.args, x.layout.arg_start, sizeof(x.args));
		return SYS(u, NR_getpid, 0);
	case 1:
		x.pid_new = (uint64_t)fake_ret(u);
		return SYS(u, NR_exit, 42);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static enum hal_user_event first(struct fake_user *u, struct hal_user_trap *t)
{
	static const char *const argv[] = {"second", "hello", NULL};
	uint32_t marker = 0xabcd;

	switch (u->step++) {
	case 0:
		return SYS(u, NR_clone, SIGCHLD);
	case 1:
		if (fake_ret(u) != 0) {
			x.child = fake_ret(u);
			u->step = 100;
			return SYS(u, NR_wait4, x.child, SCRATCH(u), 0);
		}
		fake_user_write(MARK, &marker, sizeof(marker));
		u->v[3] = 0x77;
		return SYS(u, NR_getpid, 0);
	case 2:
		x.pid = fake_ret(u);
		return SYS(u, NR_execve, (uintptr_t) "/nope", (uintptr_t)argv);
	case 3:
		x.enoent = fake_ret(u);
		return SYS(u, NR_execve, (uintptr_t) "/not_elf", (uintptr_t)argv);
	case 4:
		x.enoexec = fake_ret(u);
		return SYS(u, NR_execve, (uintptr_t) "/truncated", (uintptr_t)argv);
	case 5:
		x.truncated = fake_ret(u);
		x.marker_after = read_u32(MARK);
		x.v_after = (long)u->v[3];
		return SYS(u, NR_getpid, 0);
	case 6:
		x.pid_after = fake_ret(u);
		return SYS(u, NR_execve, (uintptr_t) "/second", (uintptr_t)argv);
	case 7:
		return SYS(u, NR_exit, 99); /* exec returned: failed */

	case 100:
		x.waited = fake_ret(u);
		x.status = read_u32(SCRATCH(u));
		return SYS(u, NR_exit, 0);
	}
	return fake_trap(u, t, HAL_USER_ILLEGAL);
}

static void test_exec(void **state)
{
	size_t size;
	const uint8_t *elf = proc_test_elf(&size);
	uint64_t entry;

	(void)state;
	memcpy(&entry, elf + 24, sizeof(entry)); /* e_entry: a static, not a PIE, program */
	process_set_randomize_va_space(0);       /* MARK is in both programs' stacks */
	proc_test_program("/first", first);
	proc_test_program("/second", second);
	proc_test_file("/not_elf", not_elf, sizeof(not_elf) - 1);
	proc_test_file("/truncated", elf, 100);
	kit_test_output_reset();
	core_run("/first");

	/* The failures changed nothing. */
	assert_int_equal(x.enoent, -ENOENT);
	assert_int_equal(x.enoexec, -ENOEXEC);
	assert_int_equal(x.truncated, -ENOEXEC);
	assert_true(kit_test_output_has("exec /not_elf: not a program this kernel runs"));
	assert_true(kit_test_output_has("exec /truncated: not a program this kernel runs"));
	assert_int_equal(x.marker_after, 0xabcd);
	assert_int_equal(x.v_after, 0x77);
	assert_int_equal(x.pid_after, x.pid);
	/* The good one: the new program at the entry, with its argv, fresh memory, same pid. */
	assert_int_equal(x.pc, entry);
	assert_int_equal(x.argc, 2);
	assert_string_equal(x.argv0, "second");
	assert_string_equal(x.argv1, "hello");
	assert_int_equal(x.marker, 0);
	/* Where exec put things, as /proc shows them: argc at start_stack, "second\0hello\0"
	 * between arg_start and arg_end, no environment, the code below the data. */
	assert_int_equal(x.layout.start_stack, x.sp0);
	assert_int_equal(x.layout.arg_end - x.layout.arg_start, sizeof("second") + sizeof("hello"));
	assert_memory_equal(x.args, "second\0hello", sizeof("second") + sizeof("hello"));
	assert_int_equal(x.layout.env_start, x.layout.arg_end);
	assert_int_equal(x.layout.env_end, x.layout.env_start);
	assert_true(x.layout.start_code < x.layout.end_code);
	assert_true(x.layout.end_code <= x.layout.end_data);
	assert_int_equal(x.pid_new, x.child);
	assert_int_equal(x.waited, x.child);
	assert_int_equal(x.status, EXITED(42));
	/* The layer heard of the two programs that started, not of the failures. */
	assert_int_equal(core_abi_counts.execs, 2);
}

/* The first process itself: its program must exist and be one. */
static void test_start_init_fails_cleanly(void **state)
{
	size_t free0 = page_free_count(), size;
	const void *elf = proc_test_elf(&size);
	const char *const argv[] = {"x", NULL}, *const envp[] = {NULL};
	int err = 0;

	(void)state;
	proc_test_file("/not_elf", not_elf, sizeof(not_elf) - 1);
	proc_test_file("/truncated", elf, size / 2);
	assert_null(process_start_init("/nope", argv, envp, &err));
	assert_int_equal(err, -ENOENT);
	assert_null(process_start_init("/not_elf", argv, envp, &err));
	assert_int_equal(err, -ENOEXEC);
	assert_null(process_start_init("/truncated", argv, envp, &err));
	assert_int_equal(err, -ENOEXEC);
	assert_int_equal(process_count(), 0);
	assert_int_equal(page_free_count(), free0);
	assert_int_equal(core_abi_counts.execs, 0);
}

static int setup(void **state)
{
	(void)state;
	proc_test_reset();
	core_abi_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_exec, setup),
	    cmocka_unit_test_setup(test_start_init_fails_cleanly, setup),
	};

	proc_test_boot();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
