/*
 * Semihosting (arch/semihost.h): SYS_WRITE0, SYS_WRITEC and SYS_EXIT with
 * AArch64's parameter block. Whether it is there is learnt by trying: the
 * first call that traps (trap.c, start.S's early vectors) sets
 * aarch64_semihost_absent, and nothing is tried again.
 */
#include <arch/semihost.h>
#include <stdint.h>
#include "aarch64.h"

/* clang-format off */
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_EXIT   0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
/* clang-format on */

long aarch64_semihost_call(unsigned long op, const void *arg);
extern char aarch64_semihost_insn[];

/* Written by the trap entries; a byte, so start.S's early entry can set it with translation off. */
volatile uint8_t aarch64_semihost_absent;

bool aarch64_semihost_fixup(uint64_t pc)
{
	if (pc != (uintptr_t)aarch64_semihost_insn)
		return false;
	aarch64_semihost_absent = 1;
	return true;
}

bool aarch64_semihost_present(void)
{
	return !aarch64_semihost_absent;
}

bool aarch64_semihost_write(const char *s)
{
	if (aarch64_semihost_absent)
		return false;
	aarch64_semihost_call(SYS_WRITE0, s);
	return !aarch64_semihost_absent;
}

bool aarch64_semihost_putc(char c)
{
	if (aarch64_semihost_absent)
		return false;
	aarch64_semihost_call(SYS_WRITEC, &c);
	return !aarch64_semihost_absent;
}

void aarch64_semihost_exit(int status)
{
	/* AArch64's SYS_EXIT takes a block: the reason, then the status for an application exit. */
	uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status};

	if (!aarch64_semihost_absent)
		aarch64_semihost_call(SYS_EXIT, block);
}
