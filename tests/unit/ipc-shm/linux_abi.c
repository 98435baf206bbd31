/*
 * The host's own Linux UAPI definitions (x86_64 and riscv64 share the
 * asm-generic 64-bit layout), in a file of their own because their names are
 * the ones ipc-shm/shm_abi.h reuses. test_ctl.c compares the two.
 */
#include <stddef.h>
#include <linux/ipc.h>
#include <linux/shm.h>
#include "linux_abi.h"

const struct linux_abi_field linux_abi_fields[] = {LINUX_ABI_FIELDS(LINUX_ABI_FIELD)
                                                       LINUX_ABI_STRUCTS(LINUX_ABI_SIZE)};

const long linux_abi_values[] = {LINUX_ABI_VALUES(LINUX_ABI_VALUE)};
