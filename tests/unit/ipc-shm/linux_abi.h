/* Offsets, sizes and numbers from the host's <linux/shm.h> (see linux_abi.c). */
#ifndef IPC_SHM_TEST_LINUX_ABI_H
#define IPC_SHM_TEST_LINUX_ABI_H

#include <stddef.h>

struct linux_abi_field {
	const char *name;
	size_t offset, size;
};

/*
 * The fields and numbers compared, for F(struct, field) and V(name): the
 * same list expands against Linux's definitions in linux_abi.c and against
 * ipc-shm's in test_ctl.c. clang-format stays off them: it re-wraps a
 * list of macro calls differently at every run and never settles.
 */
/* clang-format off */
#define LINUX_ABI_FIELDS(F)                                                                    \
	F(ipc64_perm, key) F(ipc64_perm, uid) F(ipc64_perm, gid) F(ipc64_perm, cuid)           \
	F(ipc64_perm, cgid) F(ipc64_perm, mode) F(ipc64_perm, seq) F(ipc64_perm, __unused1)    \
	F(ipc64_perm, __unused2) F(shmid64_ds, shm_perm) F(shmid64_ds, shm_segsz)              \
	F(shmid64_ds, shm_atime) F(shmid64_ds, shm_dtime) F(shmid64_ds, shm_ctime)             \
	F(shmid64_ds, shm_cpid) F(shmid64_ds, shm_lpid) F(shmid64_ds, shm_nattch)              \
	F(shmid64_ds, __unused4) F(shmid64_ds, __unused5) F(shminfo64, shmmax)                 \
	F(shminfo64, shmmin) F(shminfo64, shmmni) F(shminfo64, shmseg) F(shminfo64, shmall)    \
	F(shminfo64, __unused4) F(shm_info, used_ids) F(shm_info, shm_tot)                     \
	F(shm_info, shm_rss) F(shm_info, shm_swp) F(shm_info, swap_attempts)                   \
	F(shm_info, swap_successes)
#define LINUX_ABI_STRUCTS(S) S(ipc64_perm) S(shmid64_ds) S(shminfo64) S(shm_info)
#define LINUX_ABI_VALUES(V)                                                                    \
	V(IPC_PRIVATE) V(IPC_CREAT) V(IPC_EXCL) V(SHM_HUGETLB) V(SHM_RDONLY) V(SHM_RND)        \
	V(SHM_REMAP) V(SHM_EXEC) V(IPC_RMID) V(IPC_SET) V(IPC_STAT) V(IPC_INFO) V(SHM_LOCK)    \
	V(SHM_UNLOCK) V(SHM_STAT) V(SHM_INFO) V(SHM_STAT_ANY) V(SHMMIN)
/* clang-format on */

#define LINUX_ABI_FIELD(s, f) {#s "." #f, offsetof(struct s, f), sizeof(((struct s *)0)->f)},
#define LINUX_ABI_SIZE(s)     {"sizeof " #s, 0, sizeof(struct s)},
#define LINUX_ABI_VALUE(v)    (long)(v),

/* Linux's, in the order of the lists above (fields, then sizes). */
extern const struct linux_abi_field linux_abi_fields[];
extern const long linux_abi_values[];

#endif
