/*
 * What -fstack-protector calls on (CONFIG_STACK_PROTECTOR): the guard the
 * compiler copies into each protected frame, and the function it calls
 * when the copy changed before the return.
 *
 * Freestanding, GCC and Clang read one global guard, __stack_chk_guard,
 * on the boards built so far (a port whose compiler reads a per-thread
 * guard by default must give the option that selects the global one, or
 * the guard itself, in its arch.cmake). It is fixed: nothing at boot gives
 * entropy to draw it from, so it catches an overflow by mistake rather
 * than an attacker. Its low byte is zero, as glibc's, so that an overflow
 * by a string copy stops at it. Hosted, the C library keeps the guard (a
 * thread-local one on some machines) and we only replace its
 * __stack_chk_fail, so that the run fails as every other panic does.
 */
#include <stdint.h>
#include <klib/compiler.h>
#include <klib/panic.h>

#if !__STDC_HOSTED__
extern uintptr_t __stack_chk_guard;
uintptr_t __stack_chk_guard = (uintptr_t)0x5a17c0de2b9e4f00ull;
#endif

KIT_NORETURN void __stack_chk_fail(void);

/*
 * Called, in place of returning, by a function whose guard copy changed:
 * its return address is no longer to be trusted, so stop here. The call is
 * the function's last instruction (this one does not return), so our return
 * address may already be the next function's: one byte before it is still
 * in the caller (what addr2line -f -e image.elf needs).
 */
KIT_NORETURN void __stack_chk_fail(void)
{
	panic(
	    "stack smashing detected: the guard in the frame of the function at %p was overwritten",
	    (void *)((char *)__builtin_return_address(0) - 1));
}
