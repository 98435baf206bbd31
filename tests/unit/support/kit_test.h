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
#define expect_panic(stmt)                                           \
	do {                                                         \
		jmp_buf jb_;                                         \
		kit_test_output_reset();                             \
		kit_test_panic_jmp = &jb_;                           \
		if (setjmp(jb_) == 0) {                              \
			stmt;                                        \
			kit_test_panic_jmp = NULL;                   \
			fail_msg("expected a panic from: %s", #stmt); \
		}                                                    \
		kit_test_panic_jmp = NULL;                           \
		kpanic_reset();                                      \
	} while (0)

#endif
