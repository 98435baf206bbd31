/*
 * The Linux ABI of System V shared memory: flag and command numbers, and the
 * structures shmctl() copies to and from user space, laid out exactly as
 * Linux's asm-generic shmid64_ds, ipc64_perm, shminfo64 and shm_info on a
 * 64-bit target (x86_64's are the same), so a syscall layer copies them
 * unchanged.
 * The names are Linux's on purpose: user programs and man pages use them.
 */
#ifndef IPC_SHM_SHM_ABI_H
#define IPC_SHM_SHM_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <page-alloc/page_alloc.h>

/* Keys and shmget() flags (the low 9 bits are the mode). */
#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define SHM_HUGETLB 04000 /* huge pages, of which there are none: see README.md */
/* No commit check (vm.overcommit_memory, page_commit_check), except in mode 2. */
#define SHM_NORESERVE 010000
/* SHM_HUGETLB's page size, as log2 of the bytes, in bits 26..31 (0: the default, 2 MiB). */
#define SHM_HUGE_SHIFT 26
#define SHM_HUGE_MASK  0x3f

/* shmat() flags. */
#define SHM_RDONLY 010000
#define SHM_RND    020000
#define SHM_REMAP  040000
#define SHM_EXEC   0100000

/* shmctl() commands. */
#define IPC_RMID     0
#define IPC_SET      1
#define IPC_STAT     2
#define IPC_INFO     3
#define SHM_LOCK     11
#define SHM_UNLOCK   12
#define SHM_STAT     13
#define SHM_INFO     14
#define SHM_STAT_ANY 15

/* Bits above the permission bits in shm_perm.mode. */
#define SHM_DEST   01000 /* removed; freed at the last detach */
#define SHM_LOCKED 02000 /* SHM_LOCK'ed */

/* Attach addresses are multiples of this (asm-generic: one page). */
#define SHMLBA PAGE_SIZE
/* Smallest segment (Linux's fixed SHMMIN). */
#define SHMMIN 1ul

/* An id is index + sequence * SHM_ID_SEQ_MULT (Linux's IPCMNI, 1 << 15). */
#define SHM_ID_SEQ_SHIFT 15
#define SHM_ID_SEQ_MULT  (1 << SHM_ID_SEQ_SHIFT)
/* Sequence numbers run from 0 to SHM_SEQ_MAX - 1 (INT_MAX >> 15). */
#define SHM_SEQ_MAX 65535

struct ipc64_perm {
	int32_t key;
	uint32_t uid;
	uint32_t gid;
	uint32_t cuid;
	uint32_t cgid;
	uint32_t mode;
	uint16_t seq;
	uint16_t __pad2;
	unsigned long __unused1;
	unsigned long __unused2;
};

struct shmid64_ds {
	struct ipc64_perm shm_perm;
	size_t shm_segsz;
	long shm_atime; /* realtime seconds */
	long shm_dtime;
	long shm_ctime;
	int32_t shm_cpid;
	int32_t shm_lpid;
	unsigned long shm_nattch;
	unsigned long __unused4;
	unsigned long __unused5;
};

struct shminfo64 {
	unsigned long shmmax;
	unsigned long shmmin;
	unsigned long shmmni;
	unsigned long shmseg;
	unsigned long shmall;
	unsigned long __unused1;
	unsigned long __unused2;
	unsigned long __unused3;
	unsigned long __unused4;
};

struct shm_info {
	int32_t used_ids;
	unsigned long shm_tot; /* pages */
	unsigned long shm_rss; /* pages */
	unsigned long shm_swp;
	unsigned long swap_attempts;
	unsigned long swap_successes;
};

#if __SIZEOF_LONG__ == 8
/* Offsets checked against the cross compilers' <linux/shm.h> (asm-generic's and x86_64's). */
_Static_assert(sizeof(struct ipc64_perm) == 48, "ipc64_perm layout");
_Static_assert(offsetof(struct ipc64_perm, seq) == 24, "ipc64_perm layout");
_Static_assert(offsetof(struct ipc64_perm, __unused1) == 32, "ipc64_perm layout");
_Static_assert(sizeof(struct shmid64_ds) == 112, "shmid64_ds layout");
_Static_assert(offsetof(struct shmid64_ds, shm_segsz) == 48, "shmid64_ds layout");
_Static_assert(offsetof(struct shmid64_ds, shm_cpid) == 80, "shmid64_ds layout");
_Static_assert(offsetof(struct shmid64_ds, shm_nattch) == 88, "shmid64_ds layout");
_Static_assert(sizeof(struct shminfo64) == 72, "shminfo64 layout");
_Static_assert(sizeof(struct shm_info) == 48, "shm_info layout");
_Static_assert(offsetof(struct shm_info, shm_tot) == 8, "shm_info layout");
#endif

#endif
