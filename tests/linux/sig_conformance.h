/*
 * What the two files of the signal conformance program share
 * (sig_conformance.c, sig_jobs.c): the report line, the handler that
 * records what it saw, and the checks sig_jobs.c holds.
 */
#ifndef SIG_CONFORMANCE_H
#define SIG_CONFORMANCE_H

#include <signal.h>
#include <stdbool.h>

/* One write(2) per line, so fork never duplicates buffered text; checks counts them. */
extern unsigned checks;
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *yes_no(bool b);
const char *res(long r); /* "ok", or errno's name */
void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags);
void dfl(int sig);
sigset_t one(int sig);

/* record(): a handler that counts in hits and keeps what its siginfo said. */
extern volatile sig_atomic_t hits;
extern volatile int seen_signo, seen_code, seen_pid, seen_uid, seen_status, seen_value;
void record(int sig, siginfo_t *si, void *uc);

/* sig_jobs.c */
void test_sigchld(void);
void test_job_control(void);
void test_orphaned_stopped_group(void);
void test_restart_block(void);

#endif
