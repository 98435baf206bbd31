/* Shared inside linux-abi: the per-process state and the system calls by group. */
#ifndef LINUX_ABI_INTERNAL_H
#define LINUX_ABI_INTERNAL_H

#include <stdint.h>
#include <klib/compiler.h>
#include <linux-abi/cred.h>
#include <linux-abi/umem.h>
#include <process/process.h>
#include <vfs/fdtable.h>
#include <vfs/vfs.h>
#ifdef CONFIG_IPC_SHM
#include <ipc-shm/shm.h>
#endif

#define LX_NSIG           64
#define LX_RLIM_NLIMITS   16
#define LX_RLIM_INFINITY  (~0ull)
#define LX_RLIMIT_FSIZE   1
#define LX_RLIMIT_CORE    4
#define LX_RLIMIT_STACK   3
#define LX_RLIMIT_NPROC   6
#define LX_RLIMIT_NOFILE  7
#define LX_RLIMIT_MEMLOCK 8

/*
 * Open flags between the architecture's numbers (linux-arch/fcntl.h) and
 * the vfs's, which are asm-generic's: aarch64 permutes four bits. Pure.
 */
unsigned lx_open_flags_in(unsigned user);
unsigned lx_open_flags_out(unsigned vfs);

struct lx_rlimit {
	uint64_t cur, max;
};

/*
 * A process's state that Linux keeps and process does not (process->abi),
 * one for a whole thread group: its threads share it (CLONE_THREAD
 * requires CLONE_SIGHAND, CLONE_FILES and CLONE_FS here), so the
 * credentials, limits, signal actions and mask are per process, not per
 * thread (docs/linux-programs.md). 'refs' counts the threads holding it
 * (atomic).
 */
struct lx_proc {
	unsigned refs;
	struct cred cred;
	struct umem_brk brk;
	struct lx_rlimit rlim[LX_RLIM_NLIMITS];
	struct vfs_fdtable *files; /* fds (CLONE_FILES will share it) */
	struct vfs_fs *fs;         /* root, cwd, umask (CLONE_FS will share it) */
	/*
	 * Linux's signal->oom_score_adj and _min (-1000..1000): kept over fork
	 * and exec, read and set through /proc/<pid>/oom_score_adj. process's
	 * OOM killer does not weigh it yet (process/src/oom.c). Written by a
	 * /proc writer: atomic accesses.
	 */
	int oom_score_adj, oom_score_adj_min;
	/* Linux's mm dumpable flag: cleared when ids change, set again by exec (proc.c). */
	bool dumpable;
	/*
	 * The program it runs (/proc/<pid>/exe, Linux's mm->exe_file), and
	 * the one an exec in progress opened: references, exchanged under the
	 * tree lock, so /proc readers take their own under it (fs.c).
	 */
	struct vfs_path exe, exe_next;
#ifdef CONFIG_IPC_SHM
	struct shm_task shm;
	struct shm_ns *shm_ns; /* its IPC namespace: a reference, dropped at exit (sys_shm.c) */
#endif
};

static inline struct lx_proc *lx(struct process *p)
{
	return p->abi;
}

/*
 * User memory of p (errors: -EFAULT). A page that cannot be filled for
 * want of memory goes to the OOM killer and the copy is tried again, as a
 * fault in Linux's copy_to_user would.
 */
int lx_copy_in(struct process *p, void *dst, uintptr_t src, size_t len);
int lx_copy_out(struct process *p, uintptr_t dst, const void *src, size_t len);
/* Linux's access_ok(): [addr, addr + len) lies below the top of user space. */
bool lx_access_ok(uintptr_t addr, size_t len);
/* A NUL-terminated user string into a new kmalloc'd buffer: its length, or
 * -EFAULT, -ENAMETOOLONG (longer than max - 1), -ENOMEM. */
long lx_strdup_in(struct process *p, uintptr_t src, size_t max, char **out);

/* The groups of system calls; each returns -ENOSYS for a number not its own. */
long lx_sys_proc(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_id(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_mem(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_file(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_fd(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_stat(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_time(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_signal(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_shm(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_thread(struct process *p, unsigned long nr, const unsigned long *a);
/* poll, ppoll, pselect6, select (sys_poll.c); pipe2, eventfd2 (sys_pipe.c). */
long lx_sys_poll(struct process *p, unsigned long nr, const unsigned long *a);
long lx_sys_pipe(struct process *p, unsigned long nr, const unsigned long *a);
/* The older calls an architecture kept, as the calls that replaced them (sys_legacy.c). */
long lx_sys_legacy(struct process *p, unsigned long nr, const unsigned long *a);

/*
 * locks.c: locks named by their lock-order class, with the signatures of
 * shm_ops and vfs_ops (ctx unused), which point at them directly: a lock
 * taken through the ops is one call.
 */
void *lx_lock_create(void *ctx, const char *name);
void lx_lock_destroy(void *ctx, void *lock);
void lx_lock(void *ctx, void *lock);
void lx_unlock(void *ctx, void *lock);
/* Does the running task hold it? (shm_ops.held: ipc-shm's debug checks) */
bool lx_lock_held(void *ctx, void *lock);
/* vfs_ops's waits on those locks: interruptible by signals (0, -ETIMEDOUT, -EINTR). */
void *lx_wait_create(void);
void lx_wait_destroy(void *wait);
int lx_wait(void *wait, void *lock, uint64_t deadline);
void lx_wake(void *wait);

/*
 * fs.c: the file system. lx_fs_setup mounts the tree (vfs, tmpfs, devfs);
 * a process's files and fs struct are made for the first process, copied
 * at fork, thinned at exec (close-on-exec), dropped at exit.
 */
int lx_fs_setup(void);
void lx_fs_shutdown(void);
int lx_files_first(struct lx_proc *s);
int lx_files_fork(struct lx_proc *child, const struct lx_proc *parent);
void lx_files_exec(struct lx_proc *s);
void lx_files_exit(struct lx_proc *s);
void lx_files_exec_done(struct lx_proc *s);
/* The caller's credentials for the vfs: fsuid, fsgid, groups, capabilities, RLIMIT_FSIZE. */
void lx_vfs_cred(struct process *p, struct vfs_cred *out);
/*
 * Linux's send_sig(SIGXFSZ, current): a write or truncate went past
 * RLIMIT_FSIZE (the vfs set *xfsz). What it does is p's action for it:
 * dropped when ignored, pending while blocked, else p ends (core). Not
 * under the vfs's locks (it takes process's tree lock); does not sleep.
 */
void lx_send_xfsz(struct process *p);
/* Linux's send_sig(sig, current, 0): sig to p's thread alone, SI_USER from p (SIGPIPE, SIGXFSZ). */
void lx_send_self(struct process *p, int sig);
/* The file at fd, with a reference, or NULL (-EBADF). */
struct vfs_file *lx_fget(struct process *p, int fd);
/* The kernel's random bytes for /dev/random and /dev/urandom (random_bytes). */
void lx_random_bytes(void *buf, size_t len);
/* The process's state, made the first time (the first process has no parent to copy). */
struct lx_proc *lx_state(struct process *p);

/* proc.c: /proc and /sys (procfs's ops, the layer's sysctls); the uts strings. */
#define LX_UTS_RELEASE "6.1.0-unikit"
#define LX_UTS_VERSION "#1 unikit"
#define LX_UTS_LEN     65
int lx_proc_setup(void);
void lx_uts(char nodename[LX_UTS_LEN], char domainname[LX_UTS_LEN]);
/*
 * sys_shm.c: IPC namespaces. Task context of p (or of clone's parent), no
 * lock held; they may sleep (ipc-shm's locks).
 *   lx_shm_ns        p's namespace (the initial one for NULL or a process
 *                    without state): valid while p does not exit or unshare
 *   lx_shm_ns_new    a new namespace with the defaults (0, -ENOMEM)
 *   lx_shm_enter     a clone child that has not run takes ns's reference
 *   lx_shm_unshare   p, single-threaded, leaves its namespace for ns
 *   lx_shm_pages     frames held by every namespace's segments (0 without)
 */
#ifdef CONFIG_IPC_SHM
struct shm_ns *lx_shm_ns(struct process *p);
int lx_shm_ns_new(struct shm_ns **out);
void lx_shm_ns_put(struct shm_ns *ns);
void lx_shm_enter(struct process *child, struct shm_ns *ns);
void lx_shm_unshare(struct process *p, struct shm_ns *ns);
#endif
uint64_t lx_shm_pages(void);
/* A state released without its process having exited (a failed fork): drop its namespace. */
void lx_shm_release(struct lx_proc *s);

void lx_shm_exit(struct process *p);
bool lx_may_signal(struct process *from, struct process *to);
/* sys_time.c: clock clk's time now in ns (clock_gettime's clocks), or -EINVAL. */
int lx_clock_now(struct process *p, int clk, uint64_t *ns);
uint32_t lx_sig_uid(struct process *p);
int lx_shm_setup(void);
void lx_shm_shutdown(void);
void lx_shm_init_task(struct process *p);

#endif
