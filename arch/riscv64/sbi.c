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
