/* devfs's drivers, shared by its files. */
#ifndef DEVFS_INTERNAL_H
#define DEVFS_INTERNAL_H

#include <devfs/devfs.h>
#include <vfs/fs.h>

extern void (*devfs_random)(void *buf, size_t len);
extern const struct vfs_file_ops devfs_null_fops, devfs_zero_fops, devfs_full_fops,
    devfs_random_fops, devfs_console_fops;

/* tty.c: the console's lock and settings (termios, window size). */
int devfs_tty_init(void);
void devfs_tty_fini(void);

#endif
