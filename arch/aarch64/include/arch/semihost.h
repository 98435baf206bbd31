/*
 * Arm semihosting ("Semihosting for AArch32 and AArch64", Arm): services of
 * the debugger or emulator the CPU runs under, through hlt #0xf000. QEMU
 * provides them with -semihosting-config enable=on. Here they carry what
 * the hardware cannot: the image's exit status, and a console before the
 * UART is found. Without semihosting the instruction is undefined: the
 * trap entry (and start.S's early one) skip it, and these calls say so.
 * Any context; they work with translation off too.
 */
#ifndef ARCH_SEMIHOST_H
#define ARCH_SEMIHOST_H

#include <stdbool.h>

/* Is semihosting there? (Unknown until the first call: true until one fails.) */
bool aarch64_semihost_present(void);

/* Write a string, or one character, on the host's console. false: no semihosting. */
bool aarch64_semihost_write(const char *s);
bool aarch64_semihost_putc(char c);

/* End the run with this status (SYS_EXIT's application exit). Returns only without semihosting. */
void aarch64_semihost_exit(int status);

#endif
