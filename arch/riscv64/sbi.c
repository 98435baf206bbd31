/* SBI calls (arch/sbi.h) the kernel makes after boot. */
#include <arch/sbi.h>

void sbi_legacy_putchar(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0, 0);
}

bool sbi_probe(unsigned long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0);

	return r.error == 0 && r.value != 0;
}

void sbi_set_timer(uint64_t stime)
{
	static int have_time = -1;

	if (have_time < 0)
		have_time = sbi_probe(SBI_EXT_TIME);
	if (have_time)
		sbi_call(SBI_EXT_TIME, 0, stime, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_TIMER, 0, stime, 0, 0);
}

void sbi_shutdown(bool failure)
{
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN,
	         failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
}

#ifdef CONFIG_SMP
/* sbi_call() with the five arguments RFENCE needs. */
static struct sbiret sbi_call5(unsigned long ext, unsigned long fid, unsigned long a0,
                               unsigned long a1, unsigned long a2, unsigned long a3,
                               unsigned long a4)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a3 __asm__("a3") = a3;
	register unsigned long r_a4 __asm__("a4") = a4;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall"
	                     : "+r"(r_a0), "+r"(r_a1)
	                     : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a6), "r"(r_a7)
	                     : "memory");
	return (struct sbiret){(long)r_a0, (long)r_a1};
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_pa, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque);
}

struct sbiret sbi_hart_status(unsigned long hartid)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STATUS, hartid, 0, 0);
}

struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0);
}

struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                    unsigned long start, unsigned long size, unsigned long asid)
{
	if (asid == ~0ul)
		return sbi_call5(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, hart_mask, hart_mask_base,
		                 start, size, 0);
	return sbi_call5(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA_ASID, hart_mask, hart_mask_base,
	                 start, size, asid);
}
#endif
