/*
 * What every vfs test does: a fresh layer over the environment, the fake
 * file system as root, an fs struct; afterwards everything must be gone
 * (heap blocks, locks, inodes) and the lock order must have held.
 */
#ifndef VFS_TEST_H
#define VFS_TEST_H

#include "fake_fs.h"
#include "fake_heap.h"
#include "vfs_env.h"
#include <klib/errno.h>
#include <string.h>

extern struct vfs_fs *T_fs;
extern struct vfs_cred T_root;

int vfs_test_setup(void **state);
int vfs_test_teardown(void **state);

/* The calls with the test's fs and root credentials (cr NULL: root). */
int T_open(const char *path, unsigned flags, uint32_t mode, const struct vfs_cred *cr,
           struct vfs_file **out);
/* open + close: 0 or the open's error. */
int T_touch(const char *path, unsigned flags, uint32_t mode, const struct vfs_cred *cr);
int T_stat(const char *path, bool follow, struct vfs_stat *st);
long T_write(struct vfs_file *f, const char *s);
long T_read(struct vfs_file *f, char *buf, size_t n);
/* A path (followed) as the caller: the walk's result, 0 or -errno. */
int T_lookup(const char *path, unsigned flags, const struct vfs_cred *cr);

#define CR(...) (&(struct vfs_cred){__VA_ARGS__})

#endif
