/* Offsets, sizes and numbers from the host's <linux/shm.h> (see linux_abi.c). */
#ifndef IPC_SHM_TEST_LINUX_ABI_H
#define IPC_SHM_TEST_LINUX_ABI_H

#include <stddef.h>

struct linux_abi_field {
	const char *name;
	size_t offset, size;
};

/* The same order as LINUX_ABI_FIELDS in test_ctl.c, ending with a NULL name. */
extern const struct linux_abi_field linux_abi_fields[];
/* IPC_PRIVATE ... SHMMIN, in the order of LINUX_ABI_VALUES in test_ctl.c. */
extern const long linux_abi_values[];

#endif
