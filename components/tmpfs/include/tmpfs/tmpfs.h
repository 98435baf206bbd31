/*
 * tmpfs: files in page frames, after Linux's mm/shmem.c. Regular files
 * are sparse (a page is allocated when first written or mapped; holes read
 * as zeros), with directories, symbolic links, hard links, device files,
 * permissions, owners and Linux's timestamps. Everything a file system
 * holds is given back when its files go: the pages of a file when its last
 * name and last user (open file, mapping) are gone, all of it when the
 * vfs shuts down.
 *
 * Mount options (comma-separated, Linux's syntax):
 *   size=N[k|m|g|%]   the most bytes of file pages (rounded up to pages, % of
 *                     RAM); 0: no limit. Default: CONFIG_TMPFS_SIZE_PERCENT % of RAM.
 *                     A write or fault that needs a page past it: -ENOSPC.
 *   nr_inodes=N[k|m|g] the most inodes; 0: no limit. Default: half of RAM's pages.
 *   mode=OCTAL        the root directory's permissions (default 1777)
 *   uid=N, gid=N      the root directory's owner (default 0)
 * Anything else is -EINVAL, as Linux's parser says.
 *
 * Locking: the vfs's inode locks (vfs/vfs.h), plus one lock per regular
 * file, "tmpfs_pages" (rank 6 in vfs/vfs.h), for its page tree.
 */
#ifndef TMPFS_TMPFS_H
#define TMPFS_TMPFS_H

#include <stdint.h>

#define TMPFS_MAGIC 0x01021994u

/* Register "tmpfs" with the vfs (after vfs_init). 0 or -EEXIST. */
int tmpfs_register(void);

/*
 * Pages charged to every tmpfs together (file pages, long link targets):
 * the tmpfs part of what Linux's /proc/meminfo calls Shmem. Any context.
 */
uint64_t tmpfs_pages_used(void);

#endif
