/*
 * The vfs's environment in host tests: vfs_ops over pthread mutexes, each
 * named with its class, every acquisition checked against the lock order
 * of vfs/vfs.h (no lock may be taken while a lock later in the order is
 * held; vfs_env.c), and a clock the test sets.
 */
#ifndef VFS_ENV_H
#define VFS_ENV_H

#include "kit_test.h"
#include <vfs/fdtable.h>
#include <vfs/fs.h>

/* The clock (wall time) the vfs reads; tests move it. */
extern struct vfs_timespec vfs_env_time;
/* Locks created and not yet destroyed. */
extern long vfs_env_locks;
/* Acquisitions that broke the order (the first one is printed). */
extern long vfs_env_order_errors;

/*
 * Waits: set vfs_env_signal and every wait returns -EINTR (within a
 * millisecond), as for a signal with a handler. vfs_env_waits counts wait
 * objects alive, vfs_env_sleeps the tasks asleep in one now.
 */
extern volatile bool vfs_env_signal;
extern long vfs_env_waits, vfs_env_sleeps;
/* The monotonic clock deadlines are on. */
uint64_t vfs_env_now_ns(void);

/* The locks and clock (for other components under test that take the same kind of ops). */
extern const struct vfs_ops vfs_env_ops;
/* vfs_init with the environment. */
void vfs_env_init(void);

/* Credentials: root (every capability), or a user without any. */
struct vfs_cred vfs_env_root(void);
struct vfs_cred vfs_env_user(uint32_t uid, uint32_t gid);

#endif
