/*
 * The host's own Linux UAPI definitions (x86_64 and riscv64 share the
 * asm-generic 64-bit layout), in a file of their own because their names are
 * the ones ipc-shm/shm_abi.h reuses. test_ctl.c compares the two.
 */
#include <stddef.h>
#include <linux/ipc.h>
#include <linux/shm.h>
#include "linux_abi.h"

#define F(s, f) {#s "." #f, offsetof(struct s, f), sizeof(((struct s *)0)->f)}

const struct linux_abi_field linux_abi_fields[] = {
	F(ipc64_perm, key), F(ipc64_perm, uid), F(ipc64_perm, gid), F(ipc64_perm, cuid),
	F(ipc64_perm, cgid), F(ipc64_perm, mode), F(ipc64_perm, seq), F(ipc64_perm, __unused1),
	F(ipc64_perm, __unused2),
	F(shmid64_ds, shm_perm), F(shmid64_ds, shm_segsz), F(shmid64_ds, shm_atime),
	F(shmid64_ds, shm_dtime), F(shmid64_ds, shm_ctime), F(shmid64_ds, shm_cpid),
	F(shmid64_ds, shm_lpid), F(shmid64_ds, shm_nattch), F(shmid64_ds, __unused4),
	F(shmid64_ds, __unused5),
	F(shminfo64, shmmax), F(shminfo64, shmmin), F(shminfo64, shmmni), F(shminfo64, shmseg),
	F(shminfo64, shmall), F(shminfo64, __unused4),
	F(shm_info, used_ids), F(shm_info, shm_tot), F(shm_info, shm_rss), F(shm_info, shm_swp),
	F(shm_info, swap_attempts), F(shm_info, swap_successes),
	{"sizeof ipc64_perm", 0, sizeof(struct ipc64_perm)},
	{"sizeof shmid64_ds", 0, sizeof(struct shmid64_ds)},
	{"sizeof shminfo64", 0, sizeof(struct shminfo64)},
	{"sizeof shm_info", 0, sizeof(struct shm_info)},
	{NULL, 0, 0},
};

const long linux_abi_values[] = {
	IPC_PRIVATE, IPC_CREAT, IPC_EXCL, SHM_HUGETLB, SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC,
	IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, SHM_LOCK, SHM_UNLOCK, SHM_STAT, SHM_INFO,
	SHM_STAT_ANY, SHMMIN,
};
