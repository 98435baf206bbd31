/*
 * The Linux system-call layer for user processes (the architecture's
 * numbers, linux-arch/unistd.h): it
 * registers itself with process (process_set_abi) and answers the calls
 * static glibc programs make. docs/linux-programs.md lists them.
 *
 * Every process starts as root with every capability; credentials follow
 * Linux's set*id rules (cred.h). Files are the vfs's: a tmpfs at /, /dev
 * (a tmpfs with devfs's nodes), /dev/shm and /tmp (tmpfs, 1777); the first
 * process has /dev/console on fds 0, 1 and 2, and programs are read (and
 * mapped) from the tree. System V shared memory goes to one ipc-shm
 * namespace when CONFIG_IPC_SHM is set.
 *
 * From the kernel's main task, before any process and after every one.
 */
#ifndef LINUX_ABI_LINUX_ABI_H
#define LINUX_ABI_LINUX_ABI_H

#include <stddef.h>

/* Register the layer, mount the file system, create the shm namespace. 0 or -errno. */
int linux_abi_init(void);

/*
 * Unpack an initrd (a cpio newc archive, Linux's initramfs format) into
 * the tree: directories, files, symbolic links, hard links, device nodes,
 * with their modes, owners and times. 0, or -EINVAL for a corrupt archive
 * (a message says where); a file that cannot be made is reported and
 * skipped, as Linux's unpacker does.
 */
int linux_abi_load_initrd(const void *archive, size_t size);

/* Segments left in the shm namespace (for the shutdown report); 0 without ipc-shm. */
size_t linux_abi_shm_segments(void);

/*
 * Once every process has ended: remove what is left in the shm namespace
 * and free it, its id tables included, and unmount every file system, so
 * that every frame the layer took since linux_abi_init() is back.
 */
void linux_abi_shutdown(void);

#endif
