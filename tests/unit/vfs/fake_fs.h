/*
 * "fakefs": the smallest file system that lets the vfs be tested on its
 * own: directories as lists, files of up to FAKEFS_MAX bytes, symbolic
 * links, device files. It counts the operations the vfs calls (so a test
 * can see that a refused call never reached the file system) and can be
 * told to fail the next one.
 */
#ifndef FAKE_FS_H
#define FAKE_FS_H

#include <stdbool.h>
#include <vfs/fs.h>

#define FAKEFS_MAX   8192
#define FAKEFS_MAGIC 0xfa4e

struct fakefs_stats {
	unsigned lookups, creates, links, unlinks, renames, setsizes;
	unsigned inodes; /* alive */
	int fail_next;   /* the next directory operation returns this, if non-zero */
	/*
	 * Files created while 'guard' is set have a permission op (it counts
	 * its calls, records the mask, and returns guard_rc) and a revalidate
	 * op (true unless 'stale').
	 */
	bool guard;
	int guard_rc;
	unsigned guard_calls, guard_mask;
	bool stale; /* their revalidate op says a live name is no longer good */
};
extern struct fakefs_stats fakefs;

/* Register "fakefs" (after vfs_init). Its mounts show ",fake" in /proc/mounts. */
void fakefs_register(void);

#endif
