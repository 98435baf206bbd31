/*
 * Linux riscv64 system call numbers by name, for messages: a kernel that
 * meets a call it does not implement returns -ENOSYS and says once which one
 * it was ("unknown syscall 122 (sched_setaffinity)").
 */
#ifndef PROCESS_SYSNO_H
#define PROCESS_SYSNO_H

#include <stdbool.h>

/* One past the highest number named (listns, 470, Linux 6.18). */
#define SYSNO_COUNT 471

/* "write" for 64; NULL for a number riscv64 Linux does not define. */
const char *sysno_name(unsigned long nr);

/*
 * Log "unknown syscall <nr> (<name>)" the first time 'nr' is reported and
 * return true; later reports of the same number return false silently.
 * Numbers past the table share one "first time". Safe to call concurrently.
 */
bool sysno_report_unknown(unsigned long nr);

#endif
