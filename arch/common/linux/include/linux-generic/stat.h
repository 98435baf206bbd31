/*
 * struct stat and struct statfs as asm-generic lays them out on 64-bit
 * (include/uapi/asm-generic/stat.h, statfs.h): riscv64's and arm64's,
 * not x86-64's. linux-abi fills them (sys_stat.c) through an
 * architecture's linux-arch/stat.h.
 */
#ifndef LINUX_GENERIC_STAT_H
#define LINUX_GENERIC_STAT_H

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
