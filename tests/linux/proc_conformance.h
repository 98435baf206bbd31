/*
 * The /proc conformance program's helpers and sections.
 *
 * It runs on Linux (natively or under qemu-riscv64) and inside the unikit
 * image, and the transcripts must match line for line. /proc's contents
 * differ from machine to machine (pids, memory, CPUs, times), so each line
 * states a format or a consistency: "the first field of /proc/self/stat is
 * getpid(): yes", "the segment's line has the widths Linux prints: yes",
 * "shmmni written 3 reads back 3", never a pid, an address or a size that
 * depends on the machine. It needs root and its own IPC namespace (it
 * writes kernel.shm*, which on Linux are per namespace).
 */
#ifndef PROC_CONFORMANCE_H
#define PROC_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "check_report.h"

/* The whole file into a malloc'd NUL-terminated buffer (*len bytes), or NULL (errno set). */
char *slurp(const char *path, size_t *len);
/* Write text to a file opened O_WRONLY: the write's result, or the open's (kernel style). */
long put(const char *path, const char *text);
/* The line of 'text' that starts with 'prefix', copied into line (NUL-terminated), or false. */
bool line_with(const char *text, const char *prefix, char *line, size_t size);

/* Drop to uid/gid (no groups), as a child does before a check as an ordinary user. */
void become_user(uid_t uid, gid_t gid);

/* The scratch directory (under /dev/shm), the program's argv[0]. */
extern char scratch[64];
extern const char *self_path;

/* The sections, in the order main runs them. */
void test_root(void);
void test_machine(void);
void test_self_stat(void);
void test_status(void);
void test_children(void);
void test_args_and_links(void);
void test_fds(void);
void test_maps(void);
void test_oom_and_comm(void);
void test_sysctl(void);
void test_sysvipc(void);

#endif
