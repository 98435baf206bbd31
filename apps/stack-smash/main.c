/*
 * stack-smash (a boot test, not a demo): a function writes a few bytes past
 * its local array, over the guard -fstack-protector keeps between the
 * locals and the saved registers. Its check before returning must call
 * __stack_chk_fail (klib), which panics, instead of returning.
 */
#include <stddef.h>
#include <kit/kit.h>
#include <klib/printf.h>

/*
 * The count comes through a volatile so the compiler can neither see the
 * overflow (and refuse it under -Werror) nor drop the stores. 16: x86-64's
 * clang leaves 8 bytes of padding between the 16-byte-aligned array and
 * the guard; elsewhere the guard follows the array at once.
 */
static volatile size_t past = 16;

static __attribute__((noinline)) int smash(size_t n)
{
	char buf[16];
	volatile char *p = buf;

	for (size_t i = 0; i < sizeof(buf) + n; i++)
		p[i] = (char)i;
	return p[0];
}

int app_main(void)
{
	size_t n = past;

	kprintf("stack-smash: writing %zu bytes past a local array of 16\n", n);
	kprintf("stack-smash: FAILED: the function returned %d\n", smash(n));
	return 1;
}
