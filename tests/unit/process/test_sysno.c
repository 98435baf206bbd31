/*
 * Syscall names: the numbers a riscv64 static glibc program uses, the gaps
 * riscv64 leaves, and the once-per-number message for unknown calls.
 */
#include "kit_test.h"
#include <process/sysno.h>
#include <string.h>

static void test_names(void **state)
{
	static const struct {
		unsigned long nr;
		const char *name;
	} known[] = {
	    {0, "io_setup"},
	    {56, "openat"},
	    {63, "read"},
	    {64, "write"},
	    {78, "readlinkat"},
	    {93, "exit"},
	    {94, "exit_group"},
	    {96, "set_tid_address"},
	    {99, "set_robust_list"},
	    {113, "clock_gettime"},
	    {115, "clock_nanosleep"},
	    {122, "sched_setaffinity"},
	    {124, "sched_yield"},
	    {129, "kill"},
	    {134, "rt_sigaction"},
	    {135, "rt_sigprocmask"},
	    {160, "uname"},
	    {172, "getpid"},
	    {194, "shmget"},
	    {195, "shmctl"},
	    {196, "shmat"},
	    {197, "shmdt"},
	    {214, "brk"},
	    {215, "munmap"},
	    {220, "clone"},
	    {221, "execve"},
	    {222, "mmap"},
	    {226, "mprotect"},
	    {258, "riscv_hwprobe"},
	    {259, "riscv_flush_icache"},
	    {260, "wait4"},
	    {261, "prlimit64"},
	    {278, "getrandom"},
	    {293, "rseq"},
	    {435, "clone3"},
	    {462, "mseal"},
	    {470, "listns"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const char *n = sysno_name(known[i].nr);
		if (!n || strcmp(n, known[i].name) != 0)
			fail_msg("%lu: '%s', want '%s'", known[i].nr, n ? n : "(null)",
			         known[i].name);
	}
	/* Not riscv64 calls: renameat (38), the 32-bit time64 ones, past the end. */
	assert_null(sysno_name(38));
	assert_null(sysno_name(244));
	assert_null(sysno_name(403));
	assert_null(sysno_name(SYSNO_COUNT));
	assert_null(sysno_name(~0ul));
}

static void test_report_once(void **state)
{
	(void)state;
	kit_test_output_reset();
	assert_true(sysno_report_unknown(122));
	assert_true(kit_test_output_has("unknown syscall 122 (sched_setaffinity)"));
	kit_test_output_reset();
	assert_false(sysno_report_unknown(122));
	assert_int_equal(kit_test_output_len, 0);
	assert_true(sysno_report_unknown(38));
	assert_true(
	    kit_test_output_has("unknown syscall 38 (not a " LINUX_ARCH_NAME " Linux call)"));
	assert_true(sysno_report_unknown(100000));
	assert_false(sysno_report_unknown(200000)); /* past the table: one report */
	assert_true(sysno_report_unknown(SYSNO_COUNT - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_report_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
