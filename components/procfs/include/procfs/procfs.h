/*
 * procfs: Linux's /proc (fs/proc/) as a file system type of the vfs,
 * "proc", and the few files of /sys that C libraries read, as a type
 * "sysfs". Files are made when read, in Linux 6.12's formats, from what the
 * integrator reports through struct procfs_ops (processes, memory, times,
 * the architecture's CPU description) and from ipc-shm's own header
 * (/proc/sysvipc/shm and the kernel.shm* sysctls, CONFIG_IPC_SHM).
 *
 * Nothing is cached: a lookup of /proc/<pid> asks whether the process
 * exists, a read of /proc/<pid>/stat takes a fresh snapshot, and a process
 * that is gone makes its files fail with ESRCH (its directory with
 * ENOENT), as on Linux. Reads of a generated file follow Linux's seq_file:
 * a read at offset 0 generates the text anew, reads that go on from where
 * the last one stopped continue it, record by record (so /proc/sysvipc/shm
 * with 32768 segments never needs one buffer for all of them), and any
 * other offset generates the text up to there again. lseek takes SEEK_SET
 * and SEEK_CUR.
 *
 * /proc/sys holds the sysctls registered with procfs_sysctl_register()
 * (and, with ipc-shm, kernel.shm{max,all,mni,_rmid_forced,_next_id}),
 * read and written with the rules of Linux's proc_dointvec_minmax,
 * proc_doulongvec_minmax and proc_dostring; only root's euid (or group 0)
 * gets the owner's (group's) bits of a sysctl's mode, whatever the
 * capabilities (sysctl_perm), and a write by a caller who no longer may is
 * -EPERM.
 *
 * Context: every call of this header and of the ops is made from a task
 * with no vfs lock held, and may sleep (the vfs's own rule, vfs/vfs.h).
 */
#ifndef PROCFS_PROCFS_H
#define PROCFS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vfs/fdtable.h>
#include <vfs/vfs.h>

#define PROCFS_SUPER_MAGIC 0x9fa0     /* statfs f_type of /proc (PROC_SUPER_MAGIC) */
#define PROCFS_SYSFS_MAGIC 0x62656572 /* and of /sys (SYSFS_MAGIC) */

/* /proc/meminfo's figures, in pages (what the integrator knows; 0 where nothing is kept). */
struct procfs_meminfo {
	uint64_t total, free, available; /* MemTotal, MemFree, MemAvailable */
	uint64_t buffers, cached;        /* Cached: file pages, shared memory included (Linux's) */
	uint64_t active_anon, inactive_anon, active_file, inactive_file, unevictable, mlocked;
	uint64_t swap_total, swap_free;
	uint64_t anon, mapped, shmem; /* AnonPages, Mapped, Shmem (tmpfs and System V) */
	uint64_t slab_reclaimable, slab_unreclaimable;
	uint64_t kernel_stack_kb; /* KernelStack is in kB in Linux too */
	uint64_t page_tables;
	uint64_t commit_limit, committed; /* CommitLimit, Committed_AS */
	uint64_t vmalloc_total_kb;
};

/* /proc/stat, /proc/uptime, /proc/loadavg: the machine's counters. */
struct procfs_kstat {
	unsigned ncpus; /* CPUs online (cpu0 .. cpuN-1 lines) */
	/* Nanoseconds, over all CPUs: user, nice, system, idle, iowait, irq, softirq, steal. */
	uint64_t user_ns, nice_ns, system_ns, idle_ns, iowait_ns, irq_ns, softirq_ns, steal_ns;
	uint64_t uptime_ns;  /* since boot (CLOCK_BOOTTIME) */
	uint64_t boot_time;  /* seconds since 1970 at boot (btime) */
	uint64_t interrupts; /* all interrupts taken since boot */
	uint64_t context_switches;
	uint64_t forks;      /* processes made since boot */
	unsigned running;    /* tasks running or ready (procs_running, and /proc/loadavg) */
	unsigned blocked;    /* tasks in uninterruptible sleep (procs_blocked) */
	unsigned threads;    /* tasks in all (/proc/loadavg's total) */
	int32_t last_pid;    /* the pid given out last */
	uint64_t loadavg[3]; /* 1, 5, 15 minutes, fixed point with 11 bits (Linux's FSHIFT) */
};

/* /proc/version: uname's strings and who built the kernel with what (linux_proc_banner). */
struct procfs_uname {
	const char *sysname, *release, *version;
	const char *compile_by, *compile_host, *compiler;
};

/* One process, as /proc/<pid>/stat, statm and status show it. */
struct procfs_proc {
	int32_t pid, ppid, pgid, sid, tracer;
	char state;              /* Linux's letter: R, S, D, T, t, X, Z */
	char comm[16];           /* NUL-terminated */
	uint32_t uid[4], gid[4]; /* real, effective, saved, file system */
	bool dumpable;           /* else its files belong to root (task_dump_owner) */
	uint32_t umask;          /* (uint32_t)-1: none (a zombie) */
	uint32_t fd_size;        /* slots of its fd table (FDSize) */
	unsigned threads;
	unsigned flags;     /* Linux's PF_* */
	int nice, priority; /* -20..19; 20 + nice for ordinary tasks */
	unsigned cpu;       /* where it last ran */
	int exit_signal;    /* what its parent gets when it ends (SIGCHLD) */
	int exit_code;      /* a zombie's wait status; 0 otherwise */
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns; /* own and waited-for children's */
	uint64_t start_ns;                                 /* since boot */
	uint64_t min_flt, maj_flt, cmin_flt, cmaj_flt;
	uint64_t nvcsw, nivcsw;
	uint64_t sig_pending, sig_shared, sig_blocked, sig_ignored,
	    sig_caught; /* bit n-1: signal n */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint64_t sigq, sigq_limit; /* queued signals and RLIMIT_SIGPENDING */
	uint64_t tty_nr;           /* its terminal's device (Linux's encoding), 0: none */
	int32_t tty_pgrp;          /* the terminal's foreground group, -1: none */
	uint64_t rsslim;           /* RLIMIT_RSS's soft limit */
	/* Memory (has_mm false for a zombie: the rest are 0). Sizes in pages. */
	bool has_mm;
	uint64_t vm_pages, vm_peak, rss_anon, rss_file, rss_shmem, rss_peak;
	uint64_t vm_data, vm_stack, vm_exec, vm_locked, pte_bytes;
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
};

/* One area of a process, as a line of /proc/<pid>/maps shows it. */
struct procfs_map {
	uint64_t start, end;
	bool read, write, exec, shared;
	uint64_t offset; /* bytes into the file */
	uint64_t dev;    /* VFS_MKDEV encoding; 0 for anonymous memory */
	uint64_t ino;
	/* The name: a path, "[heap]", "[stack]", "/SYSV%08x (deleted)", or empty. */
	char *name;
	size_t name_size; /* the buffer procfs gives (VFS_PATH_MAX + 16 bytes) */
};

/* One resource limit (RLIM_INFINITY: ~0). */
struct procfs_rlimit {
	uint64_t cur, max;
};
#define PROCFS_RLIM_NLIMITS 16

struct shm_ns;

/*
 * What the integrator provides. Every pid is a thread-group id. Calls
 * about a process return -ESRCH when it does not exist (any more); a
 * zombie exists until it is reaped. "The caller" is the process running
 * now (Linux's current).
 */
struct procfs_ops {
	void *ctx; /* passed to every callback */

	/* ---- The machine ---- */
	void (*meminfo)(void *ctx, struct procfs_meminfo *out);
	void (*kstat)(void *ctx, struct procfs_kstat *out);
	void (*uname)(void *ctx, struct procfs_uname *out);
	/* The kernel's command line (/proc/cmdline), without the newline. */
	const char *(*cmdline)(void *ctx);
	/*
	 * The architecture's /proc/cpuinfo paragraph of CPU 'cpu' (0, 1, ...)
	 * into buf, NUL-terminated, its blank line included: its length
	 * (more than size - 1: procfs calls again with a larger buffer), or
	 * 0 past the last CPU.
	 */
	size_t (*cpuinfo)(void *ctx, unsigned cpu, char *buf, size_t size);
	/* CPUs the kernel could run (possible) and runs (online): /sys/devices/system/cpu. */
	unsigned (*cpus)(void *ctx, bool online);
	/* The caller's IPC namespace (CONFIG_IPC_SHM): /proc/sysvipc/shm and kernel.shm*. */
	struct shm_ns *(*shm_ns)(void *ctx);

	/* ---- Processes ---- */
	/* The caller's pid; 0 for a kernel task (then /proc/self is -ENOENT). */
	int32_t (*current_pid)(void *ctx);
	/* The lowest pid above 'after' in use, or 0: getdents of /proc. */
	int32_t (*next_pid)(void *ctx, int32_t after);
	int (*proc)(void *ctx, int32_t pid, struct procfs_proc *out);
	/* Supplementary groups: the count; up to max of them into out. -ESRCH. */
	long (*groups)(void *ctx, int32_t pid, uint32_t *out, size_t max);
	/*
	 * May the caller see pid's private parts (its memory, files, maps):
	 * Linux's ptrace_may_access(PTRACE_MODE_READ_FSCREDS). 0, -EACCES,
	 * -ESRCH.
	 */
	int (*may_inspect)(void *ctx, int32_t pid);
	/* Bytes of pid's memory at addr (cmdline, environ): the count, or -EFAULT, -ESRCH. */
	long (*read_mem)(void *ctx, int32_t pid, uint64_t addr, void *buf, size_t len);
	/*
	 * The area of pid that ends above 'addr' (the lowest such): 0 and
	 * *out (its name into out->name), -ENOENT past the last, -ESRCH.
	 */
	int (*map)(void *ctx, int32_t pid, uint64_t addr, struct procfs_map *out);
	/* pid's fd table and fs struct, each with a new reference (vfs_fdt_share, vfs_fs_share). */
	struct vfs_fdtable *(*files)(void *ctx, int32_t pid);
	struct vfs_fs *(*fs)(void *ctx, int32_t pid);
	/* The program pid runs (/proc/<pid>/exe), with a reference: 0, -ENOENT (none), -ESRCH. */
	int (*exe)(void *ctx, int32_t pid, struct vfs_path *out);
	int (*rlimits)(void *ctx, int32_t pid, struct procfs_rlimit out[PROCFS_RLIM_NLIMITS]);
	/*
	 * oom_score_adj (-1000..1000, checked by procfs): get; set with
	 * Linux's rule: lowering it below the process's oom_score_adj_min
	 * needs the caller's CAP_SYS_RESOURCE (-EACCES), and a caller with it
	 * moves the minimum too. 0, -EACCES, -ESRCH.
	 */
	int (*oom_score_adj)(void *ctx, int32_t pid, int *out);
	int (*set_oom_score_adj)(void *ctx, int32_t pid, int adj);
	/* comm (16 bytes with the NUL, cut as Linux cuts it): -EINVAL unless pid is the caller. */
	int (*set_comm)(void *ctx, int32_t pid, const char *comm);
};

/*
 * Register "proc" and "sysfs" with the vfs (after vfs_init): 'ops' must
 * outlive them, every op set (CONFIG_IPC_SHM: shm_ns too). 0, -EINVAL,
 * -EEXIST (registered), -ENOMEM. The integrator mounts them
 * (vfs_mount(fs, "proc", "/proc", "proc", NULL, nosuid|nodev|noexec, ...)).
 */
int procfs_init(const struct procfs_ops *ops);

/*
 * Forget the sysctls and free what procfs_init made: before vfs_shutdown
 * (which takes the mounts down), with no process left to read /proc.
 */
void procfs_fini(void);

/* ---- /proc/sys ---- */

enum procfs_sysctl_kind {
	PROCFS_SYSCTL_INT,    /* an int: proc_dointvec, or proc_dointvec_minmax with 'range' */
	PROCFS_SYSCTL_ULONG,  /* an unsigned long: proc_doulongvec_minmax */
	PROCFS_SYSCTL_STRING, /* a string of maxlen bytes with its NUL: proc_dostring */
};

/*
 * One sysctl. The value lives with its owner: get() reads it (a long for
 * INT, an unsigned long for ULONG, a maxlen-byte buffer for STRING), set()
 * stores a value procfs has parsed and range-checked; either may fail
 * with -errno. Both run in the caller's context, so a value per namespace
 * is the owner's to pick.
 */
struct procfs_sysctl {
	const char *path; /* below /proc/sys: "kernel/hostname" */
	uint32_t mode;    /* 0644, 0444, ... */
	enum procfs_sysctl_kind kind;
	bool range;    /* INT and ULONG: min and max apply (Linux's extra1, extra2) */
	long min, max; /* ULONG: read as unsigned long */
	size_t maxlen; /* STRING */
	/*
	 * Writable (0666) by callers with VFS_CAP_SYS_ADMIN whatever the
	 * mode: shm_next_id's rule (ipc_permissions: checkpoint_restore_ns_capable).
	 */
	bool admin_writable;
	int (*get)(void *ctx, void *value);
	int (*set)(void *ctx, const void *value);
	void *ctx;
};

/*
 * Add sysctls (an array the caller keeps, n entries) to /proc/sys. 0,
 * -EEXIST (a path already there), -EINVAL (a path that is not
 * "dir/.../name"), -ENOMEM. After procfs_init; entries stay until
 * procfs_fini.
 */
int procfs_sysctl_register(const struct procfs_sysctl *table, size_t n);

#endif
