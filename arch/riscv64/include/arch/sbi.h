/*
 * Calls into the SBI firmware (the RISC-V Supervisor Binary Interface,
 * OpenSBI here). Debian's OpenSBI 1.1 implements the legacy console, TIME
 * and SRST extensions but not the debug console, so the console is the
 * legacy call until the board's UART is up.
 */
#ifndef ARCH_SBI_H
#define ARCH_SBI_H

#include <stdbool.h>
#include <stdint.h>

/* clang-format off */
#define SBI_EXT_LEGACY_TIMER    0x00
#define SBI_EXT_LEGACY_PUTCHAR  0x01
#define SBI_EXT_BASE            0x10
#define SBI_EXT_TIME            0x54494D45 /* "TIME" */
#define SBI_EXT_SRST            0x53525354 /* "SRST" */
#define SBI_EXT_IPI             0x735049   /* "sPI" */
#define SBI_EXT_RFENCE          0x52464E43 /* "RFNC" */
#define SBI_EXT_HSM             0x48534D   /* "HSM" */

#define SBI_BASE_PROBE_EXT      3
#define SBI_SRST_SHUTDOWN       0
#define SBI_SRST_REASON_NONE    0
#define SBI_SRST_REASON_FAILURE 1
#define SBI_HSM_HART_START      0
#define SBI_HSM_HART_STATUS     2
#define SBI_HSM_STARTED         0
#define SBI_RFENCE_SFENCE_VMA      1
#define SBI_RFENCE_SFENCE_VMA_ASID 2
/* clang-format on */

struct sbiret {
	long error;
	long value;
};

/* Inline: the boot code calls it before translation is on (early.c). */
static inline struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
                                     unsigned long a1, unsigned long a2)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall"
	                     : "+r"(r_a0), "+r"(r_a1)
	                     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
	                     : "memory");
	return (struct sbiret){(long)r_a0, (long)r_a1};
}

void sbi_legacy_putchar(char c);
void sbi_set_timer(uint64_t stime);
bool sbi_probe(unsigned long ext);
/* Power off through SRST; failure is the reason given (OpenSBI 1.1 reports either as success to
 * QEMU). */
void sbi_shutdown(bool failure);

#ifdef CONFIG_SMP
/*
 * Harts are named by a window of 64: bit i of hart_mask is hart
 * hart_mask_base + i (the SBI specification's calling convention).
 */
/* Start a stopped hart at start_pa (S-mode, translation off, a0 = hartid, a1 = opaque). */
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque);
struct sbiret sbi_hart_status(unsigned long hartid);
/* Raise the supervisor software interrupt (sip.SSIP) on the harts. */
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
/* sfence.vma of [start, start + size) on the harts (of 'asid' unless it is ~0ul); size ~0ul: all.
 */
struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                    unsigned long start, unsigned long size, unsigned long asid);
#endif

#endif
