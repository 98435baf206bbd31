/*
 * struct stat and struct statfs as x86-64 Linux lays them out
 * (arch/x86/include/uapi/asm/stat.h; statfs is asm-generic's 64-bit one,
 * include/uapi/asm-generic/statfs.h). x86-64's stat is its own: nlink is a
 * full word and comes before mode, blksize is 64-bit, 144 bytes in all.
 * linux-abi fills them by field name (sys_stat.c).
 */
#ifndef LINUX_ARCH_STAT_H
#define LINUX_ARCH_STAT_H

#include <stdint.h>

/* struct stat, 144 bytes. */
struct lx_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime;
	uint64_t atime_nsec;
	int64_t mtime;
	uint64_t mtime_nsec;
	int64_t ctime;
	uint64_t ctime_nsec;
	int64_t unused[3];
};

_Static_assert(sizeof(struct lx_stat) == 144, "struct stat is 144 bytes");

/* struct statfs, 120 bytes. */
struct lx_statfs {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags;
	int64_t spare[4];
};

_Static_assert(sizeof(struct lx_statfs) == 120, "struct statfs is 120 bytes");

#endif
