/*
 * System V shared memory with Linux's semantics (shmget, shmat, shmdt,
 * shmctl), for a kernel that supplies address spaces (addr-space) and page
 * frames (page-alloc). Nothing else: who calls comes in as a struct
 * shm_caller, locks and the clock come in through struct shm_ops.
 *
 * A namespace (Linux's IPC namespace) holds segments. A segment's frames are
 * allocated on first touch. An attachment is an area of the caller's address
 * space whose backend belongs to ipc-shm: its open/close callbacks keep
 * shm_nattch exactly as Linux counts it (one per area, so split pieces, fork
 * copies and partial unmaps count the way they do on Linux), and there is no
 * table of attachments besides the address spaces themselves.
 *
 * Every call returns a value or a negative Linux errno, with Linux's order
 * of checks, so results compare directly with Linux's system calls.
 *
 * Lock order (outermost first; shm_ops creates each lock with its name, for
 * a lock-order checker):
 *
 *   1. the address space's lock (addr-space, taken inside as_*() calls; the
 *      backend callbacks below it run with it held)
 *   2. "shm_ns"  one per namespace: ids, keys, limits, every segment's
 *                permissions, key and creator
 *   3. "shm_seg" one per segment: nattch, atime, dtime, lpid, the frames
 *   4. page-alloc's own locks (frames and the heap are allocated under 2, 3)
 *
 * No function of this header is called with a shm lock held, and no shm lock
 * is held while calling into addr-space, so the order above is the only one.
 * Critical sections never sleep except inside page-alloc.
 *
 * Calling context, for every function below unless it says otherwise: a
 * task (never an interrupt handler), holding no shm lock and not the
 * caller's address-space lock (the functions take them, and hold none on
 * return). They may sleep wherever the integrator's locks or addr-space's
 * do (sync mutexes: ADDR_SPACE_MUTEX, linux-abi's shm_ops), so then they
 * must not be called with a spinlock held or preemption disabled; debug
 * builds report such a call at its first lock (sync's may-sleep check),
 * whether or not the lock was contended.
 */
#ifndef IPC_SHM_SHM_H
#define IPC_SHM_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <addr-space/addr_space.h>
#include <ipc-shm/shm_abi.h>
#include <klib/list.h>

struct shm_ns;

/* Run-time limits: Linux's /proc/sys/kernel/shm{max,all,mni,_rmid_forced}. */
struct shm_limits {
	unsigned long shmmax; /* bytes: largest segment */
	unsigned long shmall; /* pages: all segments together */
	unsigned long shmmni; /* segments; at most CONFIG_IPC_SHM_IDS */
	bool rmid_forced;     /* Linux's shm_rmid_forced */
};

/* What the integrator provides: locks, the clock, the current process. */
struct shm_ops {
	void *ctx; /* passed to every callback */
	/* A new lock named "shm_ns" or "shm_seg" (see the order above); NULL if out of memory. */
	void *(*lock_create)(void *ctx, const char *name);
	void (*lock_destroy)(void *ctx, void *lock);
	void (*lock)(void *ctx, void *lock);
	void (*unlock)(void *ctx, void *lock);
	/* Realtime clock in seconds (shm_atime, shm_dtime, shm_ctime). */
	int64_t (*now)(void *ctx);
	/*
	 * The pid (thread-group id) of the process running now. The backend
	 * callbacks use it for shm_lpid: as_fork() runs them in the parent,
	 * as_destroy() at exit in the exiting process, as Linux's 'current'.
	 */
	int32_t (*current_pid)(void *ctx);
	/*
	 * Optional (NULL: unchecked). Does the running task or thread hold
	 * 'lock'? Debug builds (CONFIG_DEBUG) check the lock rules with it and
	 * panic, naming the function and the lock, when one is broken: a call of
	 * this header made with the namespace's lock held (by a lock hook or a
	 * callback of the integrator's), or an internal step reached without the
	 * lock it needs.
	 */
	bool (*held)(void *ctx, void *lock);
};

/* Capabilities that bypass checks (Linux's CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_IPC_LOCK). */
#define SHM_CAP_IPC_OWNER 0x1u /* permission bits */
#define SHM_CAP_SYS_ADMIN 0x2u /* owner rule of IPC_SET and IPC_RMID */
#define SHM_CAP_IPC_LOCK  0x4u /* owner rule and memlock limit of SHM_LOCK/SHM_UNLOCK */

/*
 * The segments a process created, for shm_rmid_forced (Linux keeps the same
 * list in task_struct). Embed one per process, initialise it with
 * shm_task_init(), and call shm_task_exit() before the process goes away or
 * moves to another namespace. A task belongs to one namespace at a time.
 */
struct shm_task {
	struct list_node created;
};

/* Who is calling. Only read during the call. */
struct shm_caller {
	int32_t pid; /* thread-group id: cpid, lpid */
	uint32_t euid, egid;
	const uint32_t *groups; /* supplementary groups, any order */
	size_t ngroups;
	unsigned caps; /* SHM_CAP_* */
	/*
	 * RLIMIT_MEMLOCK in bytes (~0ul: unlimited). Without SHM_CAP_IPC_LOCK,
	 * SHM_LOCK fails with EPERM at 0, and with ENOMEM when the pages locked
	 * by the caller's real uid would pass it (Linux's user_shm_lock).
	 */
	unsigned long memlock_limit;
	uint32_t uid;          /* real uid: whose locked pages SHM_LOCK counts */
	struct addr_space *as; /* where shm_at maps and shm_dt unmaps */
	struct shm_task *task; /* the creator record; NULL: never orphaned */
};

/* The Kconfig defaults (CONFIG_IPC_SHM_SHMMAX, _SHMALL, _SHMMNI, _RMID_FORCED). */
void shm_default_limits(struct shm_limits *out);

/*
 * A namespace with 'limits' (NULL: the defaults) and 'ops', which must
 * outlive it, holding one reference for the caller (Linux's create_ipc_ns:
 * a new IPC namespace starts with SHMMAX, SHMALL, SHMMNI, rmid_forced off
 * and no shm_next_id, whatever its parent's are; here the defaults are
 * CONFIG_IPC_SHM_*). -EINVAL for limits shm_ns_set_limits() would refuse or
 * missing ops, -ENOMEM.
 */
int shm_ns_create(struct shm_ns **out, const struct shm_limits *limits, const struct shm_ops *ops);

/*
 * One more reference (Linux's get_ipc_ns): a process that enters the
 * namespace (fork, a thread group's member) holds one. Only a holder of a
 * reference may take another. Any context; does not sleep.
 */
void shm_ns_get(struct shm_ns *ns);

/*
 * Drop a reference (Linux's put_ipc_ns). The last one removes every
 * segment as IPC_RMID would (free_ipc_ns): its id and key go at once, an
 * unattached segment and its frames with them, an attached one lives on,
 * SHM_DEST, until its last detach (shm_dt, munmap, exit, exec), and the
 * namespace's memory goes with its last segment. Before dropping its
 * reference, a process calls shm_task_exit(): no creator record may point
 * into a namespace without references. No other call into the namespace
 * may run or start once the last reference is gone.
 */
void shm_ns_put(struct shm_ns *ns);

/*
 * Frames held by the segments of every namespace, those being torn down
 * too (/proc/meminfo's Shmem). Any context; does not sleep.
 */
unsigned long shm_frames(void);

/*
 * Change the limits at run time, as writing /proc/sys/kernel/shm* does.
 * shmmni above CONFIG_IPC_SHM_IDS is -EINVAL (Linux: above IPCMNI). Lowering
 * a limit below the current usage only stops new segments. Turning
 * rmid_forced on destroys the unattached segments whose creator has exited.
 */
int shm_ns_set_limits(struct shm_ns *ns, const struct shm_limits *limits);
void shm_ns_get_limits(struct shm_ns *ns, struct shm_limits *out);

/*
 * shmget(): an id, or -EEXIST, -EINVAL, -EACCES, -ENOENT, -ENOSPC, -ENOMEM.
 * A new segment with SHM_HUGETLB is refused as by Linux with hugetlbfs and
 * no huge page reserved: -EINVAL (a page size other than the default 2 MiB
 * and 1 GiB), -EPERM (the caller has no SHM_CAP_IPC_LOCK and neither its
 * egid nor a supplementary group is vm.hugetlb_shm_group, 0), else -ENOMEM.
 * A new segment without SHM_NORESERVE is -ENOMEM when page-alloc's commit
 * policy (vm.overcommit_memory, page_commit_check) will not promise its
 * pages: under the default heuristic, more pages than RAM. No frame is
 * allocated until a page is touched.
 */
int shm_get(struct shm_ns *ns, const struct shm_caller *c, int32_t key, size_t size, int flags);

/*
 * shmat() in c->as: the attach address, or -EINVAL, -EACCES, -ENOMEM (no
 * room, or beyond as_user_top()), -EPERM (below as_user_base()).
 */
intptr_t shm_at(struct shm_ns *ns, const struct shm_caller *c, int id, uintptr_t addr, int flags);

/*
 * shmdt() in c->as: 0 or -EINVAL. Like Linux it finds attachments by their
 * backend, so it detaches segments of any namespace ('ns' is not consulted).
 */
int shm_dt(struct shm_ns *ns, const struct shm_caller *c, uintptr_t addr);

/*
 * shmctl() with a kernel buffer: struct shmid64_ds for IPC_STAT, SHM_STAT,
 * SHM_STAT_ANY (out) and IPC_SET (in), struct shminfo64 for IPC_INFO, struct
 * shm_info for SHM_INFO, unused otherwise. A NULL buffer fails with -EFAULT
 * where Linux's copy to or from user space would.
 */
int shm_ctl(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd, void *buf);

/*
 * The system call: shmctl() with a user address in c->as, copied with
 * as_copy_to_user/as_copy_from_user; an address the caller cannot write (read
 * for IPC_SET) gives -EFAULT at the point Linux's copy would fail.
 */
int shm_ctl_user(struct shm_ns *ns, const struct shm_caller *c, int id, int cmd, uintptr_t ubuf);

void shm_task_init(struct shm_task *task);

/* ---- What /proc shows (ipc/shm.c, ipc/util.c, ipc/ipc_sysctl.c) ---- */

/* One segment, as a line of /proc/sysvipc/shm shows it (sysvipc_shm_proc_show). */
struct shm_seg_info {
	int32_t key;
	int id;
	uint16_t mode; /* the 0777 bits, SHM_DEST, SHM_LOCKED */
	size_t segsz;
	int32_t cpid, lpid;
	unsigned long nattch;
	uint32_t uid, gid, cuid, cgid;
	int64_t atime, dtime, ctime;
	unsigned long rss; /* frames the segment holds (touched pages) */
};

/*
 * The segment at the lowest index >= *idx (Linux's sysvipc_find_ipc; a
 * negative *idx is 0): 0,
 * *idx its index and *out its fields, or -ENOENT past the last one. Every
 * segment is seen, whatever the caller's permissions, as on Linux. Takes
 * the namespace lock, then the segment's; may sleep.
 */
int shm_ns_next_seg(struct shm_ns *ns, int *idx, struct shm_seg_info *out);

/*
 * kernel.shm_next_id (ipc_idr_alloc with CONFIG_CHECKPOINT_RESTORE): the
 * id the next segment created gets, -1 for none. The next creation that
 * reaches the id allocation (past the size, SHMALL and SHMMNI checks)
 * takes it and resets it to -1 whether or not it succeeds: the index
 * (id % 32768) if free, else the first free index above it (-ENOSPC if
 * none), with the sequence number id / 32768, and without moving the
 * cyclic cursor of ordinary ids. Setting takes 0..INT32_MAX or -1
 * (anything else: -EINVAL); the sysctl itself refuses -1 (its range is
 * 0..INT_MAX). Take the namespace lock; may sleep.
 */
int shm_ns_get_next_id(struct shm_ns *ns);
int shm_ns_set_next_id(struct shm_ns *ns, int id);

/*
 * The attachment behind an area of an address space (maps: Linux names it
 * "/SYSV<key as %08x> (deleted)", inode the id): true, with the key the
 * segment was created with and its id, if 'area' is one of ipc-shm's.
 * Called with the area's space locked (as_visit); takes the namespace
 * lock, which the documented order allows.
 */
bool shm_area_seg(const struct as_area *area, int32_t *key, int *id);

/*
 * The process behind 'task' exits (Linux's exit_shm). Its attachments go
 * with its address space (as_destroy: exit and exec need nothing else from
 * ipc-shm); the segments it created become orphans, and with rmid_forced the
 * unattached ones are destroyed.
 */
void shm_task_exit(struct shm_ns *ns, struct shm_task *task);

#endif
