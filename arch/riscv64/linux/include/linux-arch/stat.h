/*
 * struct stat and struct statfs as riscv64 Linux lays them out: asm-generic's
 * (include/uapi/asm-generic/stat.h, statfs.h on 64-bit), which arm64 shares
 * and x86-64 does not. linux-abi fills them (sys_stat.c).
 */
#ifndef LINUX_ARCH_STAT_H
#define LINUX_ARCH_STAT_H

#include <stdint.h>

/* struct stat, 128 bytes. */
struct lx_stat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev, pad1;
	int64_t size;
	int32_t blksize, pad2;
	int64_t blocks;
	int64_t atime;
	uint64_t atime_nsec;
	int64_t mtime;
	uint64_t mtime_nsec;
	int64_t ctime;
	uint64_t ctime_nsec;
	uint32_t unused[2];
};

_Static_assert(sizeof(struct lx_stat) == 128, "struct stat is 128 bytes");

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
