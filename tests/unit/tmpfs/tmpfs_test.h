/*
 * tmpfs tests: fresh RAM (page-alloc over host memory), the vfs over the
 * tests' pthread locks with their lock-order check, tmpfs mounted as the
 * root with the options a test gives. Teardown shuts the vfs down and
 * requires every frame, every lock and the lock order back.
 */
#ifndef TMPFS_TEST_H
#define TMPFS_TEST_H

#include "mem_test.h"
#include "vfs_env.h"
#include <klib/errno.h>
#include <string.h>
#include <tmpfs/tmpfs.h>

extern struct vfs_fs *T_fs;
extern struct vfs_cred T_root;

/* Mount tmpfs at / with 'options' (relatime, as Linux mounts it). */
void tmpfs_test_mount(const char *options);
int tmpfs_test_setup(void **state);      /* mounts with no options */
int tmpfs_test_setup_bare(void **state); /* the test mounts (tmpfs_test_mount) */
int tmpfs_test_teardown(void **state);

int T_open(const char *path, unsigned flags, uint32_t mode, struct vfs_file **out);
int T_stat(const char *path, struct vfs_stat *st);
long T_pwrite(struct vfs_file *f, const void *buf, size_t n, int64_t pos);
long T_pread(struct vfs_file *f, void *buf, size_t n, int64_t pos);
/* Frames free now, and at setup. */
size_t T_free(void);
extern size_t T_free0;

#endif
