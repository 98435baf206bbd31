/*
 * Unit-test support shared by every component's tests: klib's port
 * (klib/port.h) is implemented here, capturing console output in a buffer
 * and turning panics into a longjmp a test can expect.
 */
#ifndef KIT_TEST_H
#define KIT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <klib/panic.h>

/*
 * cmocka_run_group_tests less the cases that KIT_TEST_SKIP names, as
 * "<program>:<case>" words (a test configuration that cannot make them
 * meaningful leaves them out: tests/unit/matrix.py lists which and why).
 * Each one left out is printed as skipped.
 */
int kit_test_run_group(const char *group, const struct CMUnitTest *tests, size_t n,
                       CMFixtureFunction setup, CMFixtureFunction teardown);
#undef cmocka_run_group_tests
#define cmocka_run_group_tests(t, setup, teardown)                                                 \
	kit_test_run_group(#t, t, sizeof(t) / sizeof((t)[0]), setup, teardown)

/* Everything written through klib_port_write since the last reset. */
extern char kit_test_output[1 << 16];
extern size_t kit_test_output_len;
void kit_test_output_reset(void);
/* Does the captured output contain 'needle'? */
int kit_test_output_has(const char *needle);

/* Where klib_port_panic() jumps when a test expects a panic. */
extern jmp_buf *kit_test_panic_jmp;

/*
 * Run 'stmt' and require that it panics. The panic message is in
 * kit_test_output afterwards.
 */
#define expect_panic(stmt)                                                                         \
	do {                                                                                       \
		jmp_buf jb_;                                                                       \
		kit_test_output_reset();                                                           \
		kit_test_panic_jmp = &jb_;                                                         \
		if (setjmp(jb_) == 0) {                                                            \
			stmt;                                                                      \
			kit_test_panic_jmp = NULL;                                                 \
			fail_msg("expected a panic from: %s", #stmt);                              \
		}                                                                                  \
		kit_test_panic_jmp = NULL;                                                         \
		kpanic_reset();                                                                    \
	} while (0)

/*
 * Waits that may never end. A test that waits for something another task or
 * thread has to bring (a join, a lock handed over, a wakeup) marks the wait;
 * if it has not ended after kit_test_wait_seconds(), a watchdog thread prints
 * what was waited for, where, and the console output so far, and fails the
 * test binary at once instead of leaving it hanging until CTest's timeout.
 *
 *	KIT_TEST_WAIT("the holder's unlock", rc = mutex_lock(&m));
 *
 * Marks nest and may come from any task or thread.
 */
#define KIT_TEST_WAIT(what, stmt)                                                                  \
	do {                                                                                       \
		int kit_wait_ = kit_test_wait_begin((what), __FILE__, __LINE__);                   \
		stmt;                                                                              \
		kit_test_wait_end(kit_wait_);                                                      \
	} while (0)
int kit_test_wait_begin(const char *what, const char *file, int line);
void kit_test_wait_end(int wait);
/* 60 (a loaded 2-core CI machine stalls a legitimate wait for tens of seconds), or the
 * environment's KIT_TEST_WAIT_S (a slow machine, a debugger). */
unsigned kit_test_wait_seconds(void);

#endif
