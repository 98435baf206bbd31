/*
 * System-call names for messages: the table is the architecture's
 * (linux_arch_syscall_names, arch/<arch>/linux/), the once-per-number
 * reporting is here.
 */
#include <process/linux_arch.h>
#include <process/sysno.h>
#include <klib/log.h>

/* One bit per number seen, and the last bit for every number past the table. */
static unsigned long reported[(SYSNO_COUNT + 1 + 63) / 64];

const char *sysno_name(unsigned long nr)
{
	return nr < SYSNO_COUNT ? linux_arch_syscall_names[nr] : NULL;
}

bool sysno_report_unknown(unsigned long nr)
{
	unsigned long bit = nr < SYSNO_COUNT ? nr : SYSNO_COUNT;
	unsigned long mask = 1ul << (bit % 64);
	const char *name = sysno_name(nr);

	if (__atomic_fetch_or(&reported[bit / 64], mask, __ATOMIC_RELAXED) & mask)
		return false;
	klog_warn("process", "unknown syscall %lu (%s)", nr,
	          name ? name : "not a " LINUX_ARCH_NAME " Linux call");
	return true;
}
