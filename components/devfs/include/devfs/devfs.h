/*
 * The device files of /dev: drivers registered as character devices with
 * the vfs, and their nodes made in a directory, as Linux's devtmpfs does
 * (/dev is a tmpfs holding them).
 *
 *   null     1,3  reads end of file, writes vanish
 *   zero     1,5  reads zeros, writes vanish
 *   full     1,7  reads zeros, writes fail with ENOSPC
 *   random   1,8  reads the kernel's random bytes, writes are accepted
 *   urandom  1,9  the same (one source: there is no entropy to wait for)
 *   tty      5,0  the controlling terminal: here always the console
 *   console  5,1  hal's console: writes print, reads return what has
 *                 arrived (end of file when nothing has); TCGETS, TCSETS*,
 *                 TIOCGWINSZ, TIOCSWINSZ answer as a terminal's do
 *
 * Linux's semantics, after drivers/char/mem.c, random.c and tty_io.c.
 */
#ifndef DEVFS_DEVFS_H
#define DEVFS_DEVFS_H

#include <stddef.h>
#include <vfs/vfs.h>

/* The terminal ioctls the console answers (Linux's numbers, the same on every architecture but a
 * few). */
#define DEVFS_TCGETS       0x5401 /* struct termios, 36 bytes (asm-generic) */
#define DEVFS_TCSETS       0x5402
#define DEVFS_TCSETSW      0x5403
#define DEVFS_TCSETSF      0x5404
#define DEVFS_TIOCGWINSZ   0x5413 /* struct winsize, 8 bytes */
#define DEVFS_TIOCSWINSZ   0x5414
#define DEVFS_TERMIOS_SIZE 36
#define DEVFS_WINSIZE_SIZE 8

/*
 * Register the drivers with the vfs (after vfs_init). 'random' fills a
 * buffer from the kernel's random source (the integrator's one function
 * for it). 0, -EBUSY (numbers taken), -ENOMEM.
 */
int devfs_init(void (*random)(void *buf, size_t len));

/*
 * Make the device nodes in directory 'dir' (resolved from fs), owned by
 * root: console 0600, the others 0666. An existing node is left alone.
 * 0 or the first error.
 */
int devfs_populate(struct vfs_fs *fs, const char *dir, const struct vfs_cred *cr);

/* Free what devfs_init made (before vfs_shutdown; the drivers go with the vfs). */
void devfs_fini(void);

#endif
