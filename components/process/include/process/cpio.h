/*
 * A reader of cpio "newc" archives (what Linux's initramfs and
 * `cpio -H newc` use), straight from memory: the initrd QEMU loads.
 *
 * Each entry is a 110-byte ASCII header ("070701", or "070702" with a
 * checksum, then 13 fields of 8 hex digits), the NUL-terminated name, padding
 * to 4 bytes, the data, padding to 4 bytes. "TRAILER!!!" ends the archive.
 * Every offset is checked against the archive's size; a corrupt archive gives
 * -EINVAL and a reason, never a read outside it. Nothing is copied: names and
 * data point into the archive.
 */
#ifndef PROCESS_CPIO_H
#define PROCESS_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* File types in 'mode' (the st_mode bits). */
#define CPIO_S_IFMT   0170000
#define CPIO_S_IFDIR  0040000
#define CPIO_S_IFREG  0100000
#define CPIO_S_IFLNK  0120000
#define CPIO_S_IFCHR  0020000
#define CPIO_S_IFBLK  0060000
#define CPIO_S_IFIFO  0010000
#define CPIO_S_IFSOCK 0140000

struct cpio_entry {
	const char *name; /* as stored: "bin/prog", "./bin/prog" */
	const void *data; /* file contents, or a symlink's target */
	size_t size;
	uint32_t mode, uid, gid, nlink, mtime, ino;
	uint32_t rdev_major, rdev_minor; /* device files */
};

struct cpio_iter {
	const uint8_t *base;
	size_t size, off;
	bool done;       /* the trailer was read */
	const char *why; /* after an error: what is wrong */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);

/* The next entry: 1 and *e filled, 0 at (and after) the trailer, or -EINVAL
 * (then it->why, and every later call, says so). */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

/*
 * The entry named 'path'. Leading "/" and "./" are ignored on both sides, so
 * "/init", "./init" and "init" match each other. Returns 0, -ENOENT, or
 * -EINVAL for a corrupt archive (*why, if not NULL, says what is wrong).
 */
int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e,
              const char **why);

#endif
