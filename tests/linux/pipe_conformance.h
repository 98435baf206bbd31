/* What pipe_conformance.c's parts share: its transcript and helpers. */
#ifndef TESTS_LINUX_PIPE_CONFORMANCE_H
#define TESTS_LINUX_PIPE_CONFORMANCE_H

#include <signal.h>
#include <stdbool.h>

/* One transcript line (printf format, no newline). */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The value, or the name of errno for r < 0. */
const char *rv(long r);
const char *yesno(bool b);

/* The last signal handle()'s handler caught, and its si_code. */
extern volatile sig_atomic_t got, got_code;
/* Catch sig (SA_SIGINFO | flags) into got and got_code. */
void handle(int sig, int flags);

/* pipe_sigpipe.c: EPIPE and SIGPIPE, whole and partial writes. */
void test_epipe(void);

#endif
