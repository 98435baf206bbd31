/*
 * The file system conformance program's helpers and sections.
 *
 * It runs on Linux (natively or under qemu-riscv64) and inside the unikit
 * image, and the transcripts must match line for line. It works in a
 * scratch directory under /dev/shm, which is a tmpfs on both, so even
 * tmpfs's own answers (directory sizes, statfs) compare. Every line says
 * what was done and what came back (an errno NAME, a size, a yes/no fact),
 * never an inode number, a device, a pid, an address or a time.
 */
#ifndef FS_CONFORMANCE_H
#define FS_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "check_report.h"

/* A file in the scratch directory with these bytes (fatal if it cannot be made). */
void make_file(const char *name, const void *data, size_t size, mode_t mode);

/* The sections, in the order main runs them. */
void test_open(void);
void test_io(void);
void test_stat(void);
void test_fds(void);
void test_devices(void);
void test_dirs(void);
void test_links(void);
void test_rename(void);
void test_paths(void);
void test_perms(void);
void test_times(void);
void test_full(void);
void test_mmap(void);
void test_exec(void);

#endif
