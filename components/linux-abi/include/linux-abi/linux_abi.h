/*
 * The Linux system-call layer for user processes (the architecture's
 * numbers, linux-arch/unistd.h): it
 * registers itself with process (process_set_abi) and answers the calls
 * static glibc programs make. docs/linux-programs.md lists them.
 *
 * Every process starts as root with every capability; credentials follow
 * Linux's set*id rules (cred.h). System V shared memory goes to one ipc-shm
 * namespace when CONFIG_IPC_SHM is set.
 */
#ifndef LINUX_ABI_LINUX_ABI_H
#define LINUX_ABI_LINUX_ABI_H

#include <stddef.h>

/* Register the layer (and create the shm namespace). 0 or -ENOMEM. */
int linux_abi_init(void);

/* Segments left in the shm namespace (for the shutdown report); 0 without ipc-shm. */
size_t linux_abi_shm_segments(void);

/*
 * Once every process has ended: remove what is left in the shm namespace
 * and free it, its id tables included, so that every frame the layer took
 * since linux_abi_init() is back.
 */
void linux_abi_shutdown(void);

#endif
