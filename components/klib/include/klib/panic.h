/*
 * panic() and kassert(). Both print where they fired (file:line) and a
 * message, then stop through klib_port_panic(), which fails the run.
 * kassert() is compiled only with CONFIG_ASSERT (on by default in debug
 * builds, and settable on its own); panic() and kverify() always.
 */
#ifndef KLIB_PANIC_H
#define KLIB_PANIC_H

#include <klib/compiler.h>

KIT_NORETURN void kpanic_at(const char *file, int line, const char *fmt, ...) KIT_PRINTF(3, 4);

#define panic(...) kpanic_at(__FILE__, __LINE__, __VA_ARGS__)

/* Tests that catch a panic (by longjmp out of klib_port_panic) re-arm it with this. */
void kpanic_reset(void);

#ifdef CONFIG_ASSERT
#define kassert(cond)                                                                              \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			kpanic_at(__FILE__, __LINE__, "assertion failed: %s", #cond);              \
	} while (0)
/* kassertf(cond, fmt, ...): an assertion with its own message. */
#define kassertf(cond, ...)                                                                        \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			kpanic_at(__FILE__, __LINE__, __VA_ARGS__);                                \
	} while (0)
#else
#define kassert(cond)       ((void)sizeof(!(cond)))
#define kassertf(cond, ...) ((void)sizeof(!(cond)))
#endif

/* Checked in every build, for conditions that must never be ignored. */
#define kverify(cond)                                                                              \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			kpanic_at(__FILE__, __LINE__, "check failed: %s", #cond);                  \
	} while (0)

#define static_assert_msg(cond, msg) _Static_assert(cond, msg)

#endif
