/*
 * Output and children for the conformance programs that report one line
 * per check (fs_conformance, proc_conformance): every line is one
 * write(2), never buffered, so lines from a parent and its children keep
 * the order fork and wait4 give them, on Linux and in the image alike.
 */
#ifndef CHECK_REPORT_H
#define CHECK_REPORT_H

#include <stdbool.h>

/* One checked line on stdout; counted. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "FATAL: ..." and exit status 1: the program cannot go on. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The lines report() wrote in this process (children count their own). */
unsigned report_count(void);
/* "ok" for r >= 0, else the name of errno -r ("ENOENT"), or "E#n". */
const char *res(long r);
/* A libc call's result as the system call gave it: -errno on failure. */
long sys(long r);
const char *yes_no(bool b);
/* fn(arg) in a child that then exits 0: how it ended ("exited 0", "killed by SIGSEGV"). */
const char *child_run(void (*fn)(void *), void *arg);

#endif
