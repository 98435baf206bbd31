/*
 * Linux system call numbers by name, for messages: a kernel that meets a
 * call it does not implement returns -ENOSYS and says once which one it was
 * ("unknown syscall 236 (get_mempolicy)"). The names are the
 * architecture's (process/linux_arch.h).
 */
#ifndef PROCESS_SYSNO_H
#define PROCESS_SYSNO_H

#include <stdbool.h>
#include <linux-arch/abi.h>

/* One past the highest number named. */
#define SYSNO_COUNT LINUX_ARCH_NR_SYSCALLS

/* "write" for the number of write; NULL for a number the architecture's Linux does not define. */
const char *sysno_name(unsigned long nr);

/*
 * Log "unknown syscall <nr> (<name>)" the first time 'nr' is reported and
 * return true; later reports of the same number return false silently.
 * Numbers past the table share one "first time". Safe to call concurrently.
 */
bool sysno_report_unknown(unsigned long nr);

#endif
