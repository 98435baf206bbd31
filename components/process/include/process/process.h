/*
 * User processes: a pid, a parent and children, one address space, one
 * task that runs the user context, and what the parent's wait4() reads
 * when it ends. Built on addr-space (the space), task (the thread of
 * control, wait queues) and hal/user.h (user mode).
 *
 * What the programs may ask of the kernel is not decided here: a system-call
 * layer (linux-abi) registers struct process_abi, and keeps its own
 * per-process state (credentials, program break, signal actions, ...) in
 * process->abi.
 *
 * Each thread of a process (a thread group, see struct process) is one
 * task running process_run(): user mode until a trap,
 * then a system call, a page fault resolved by as_fault() (or, when no
 * frame is left, by the OOM killer), or a fatal signal. A process ends by
 * exit (its status) or by a signal (a user fault that cannot be served is
 * SIGSEGV; kill() and the OOM killer send others); either way its address
 * space goes at once (ipc-shm's nattch drops with it), and the parent's
 * wait4() collects the rest. Children of an exiting process go to the
 * first process (pid 1); a process whose parent no longer waits for
 * anything is reaped when it ends.
 *
 * A fatal signal raises TASK_INTR_FATAL on the process's task
 * (task/task.h): every wait a system call makes for an unbounded time is
 * killable (wait4, the OOM killer's wait, the layer's sleeps), returns
 * -EINTR, and the process ends on its way back to user mode.
 *
 * Locking: one lock, the tree lock, guards the process tree (pids,
 * parents, states), process groups and sessions, and pending signals;
 * process_lock()/process_unlock() give it to the syscall layer. It is a
 * spinlock taken with interrupts off: nothing under it may sleep. Lock
 * order: the tree lock, then task's CPU lock (task_interrupt, wakeups).
 */
#ifndef PROCESS_PROCESS_H
#define PROCESS_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <addr-space/addr_space.h>
#include <hal/user.h>
#include <klib/list.h>
#include <process/elf.h>
#include <task/wait.h>

struct task;
struct process_timer;

enum process_state {
	PROCESS_NEW, /* being made by fork or exec of the first process: not visible yet */
	PROCESS_RUNNING,
	PROCESS_ZOMBIE, /* ended; the parent's wait4() has not collected it */
};

/* Signal numbers (1..PROCESS_NSIG) as Linux's; the ones process itself needs. */
#define PROCESS_NSIG        64
#define PROCESS_SIGHUP      1
#define PROCESS_SIGILL      4
#define PROCESS_SIGTRAP     5
#define PROCESS_SIGBUS      7
#define PROCESS_SIGFPE      8
#define PROCESS_SIGKILL     9
#define PROCESS_SIGSEGV     11
#define PROCESS_SIGALRM     14
#define PROCESS_SIGCHLD     17
#define PROCESS_SIGCONT     18
#define PROCESS_SIGSTOP     19
#define PROCESS_SIGTSTP     20
#define PROCESS_SIGTTIN     21
#define PROCESS_SIGTTOU     22
#define PROCESS_SIGBIT(sig) (1ull << ((sig)-1))

/* Linux's sa_handler values and sa_flags (include/uapi/asm-generic/signal-defs.h). */
#define PROCESS_SIG_DFL      0
#define PROCESS_SIG_IGN      1
#define PROCESS_SA_NOCLDSTOP 0x00000001u
#define PROCESS_SA_NOCLDWAIT 0x00000002u
#define PROCESS_SA_SIGINFO   0x00000004u
#define PROCESS_SA_RESTORER  0x04000000u
#define PROCESS_SA_ONSTACK   0x08000000u
#define PROCESS_SA_RESTART   0x10000000u
#define PROCESS_SA_NODEFER   0x40000000u
#define PROCESS_SA_RESETHAND 0x80000000u

/* What a signal does (Linux's struct k_sigaction). */
struct process_sigaction {
	uintptr_t handler; /* PROCESS_SIG_DFL, PROCESS_SIG_IGN or the handler's address */
	unsigned long flags;
	uintptr_t restorer; /* with SA_RESTORER: where the handler returns to */
	uint64_t mask;      /* blocked while the handler runs */
};

/* si_code values (include/uapi/asm-generic/siginfo.h). */
#define PROCESS_SI_USER       0
#define PROCESS_SI_KERNEL     0x80
#define PROCESS_SI_QUEUE      (-1)
#define PROCESS_SI_TIMER      (-2)
#define PROCESS_SI_TKILL      (-6)
#define PROCESS_SEGV_MAPERR   1
#define PROCESS_SEGV_ACCERR   2
#define PROCESS_BUS_ADRALN    1
#define PROCESS_BUS_ADRERR    2
#define PROCESS_ILL_ILLOPC    1
#define PROCESS_TRAP_BRKPT    1
#define PROCESS_CLD_EXITED    1
#define PROCESS_CLD_KILLED    2
#define PROCESS_CLD_DUMPED    3
#define PROCESS_CLD_STOPPED   5
#define PROCESS_CLD_CONTINUED 6

/*
 * What a pending signal carries (Linux's kernel_siginfo, the fields this
 * kernel fills): process_siginfo_encode() lays it out as user space's
 * 128-byte siginfo_t. Which fields mean something depends on signo and
 * code, as in Linux's union: pid and uid for kill and sigqueue (value
 * too) and SIGCHLD (status too), addr for faults, timerid, overrun and
 * value for a POSIX timer's (SI_TIMER).
 */
struct process_siginfo {
	int signo, err, code;
	int32_t pid;
	uint32_t uid;
	int status;
	int timerid, overrun; /* SI_TIMER */
	uintptr_t addr;
	uint64_t value;
};
#define PROCESS_SIGINFO_SIZE 128
void process_siginfo_encode(const struct process_siginfo *info, uint8_t out[PROCESS_SIGINFO_SIZE]);

/* An alternate signal stack (Linux's stack_t); flags PROCESS_SS_*. */
#define PROCESS_SS_ONSTACK    1
#define PROCESS_SS_DISABLE    2
#define PROCESS_SS_AUTODISARM (1u << 31)
#define PROCESS_MINSIGSTKSZ   2048 /* Linux's MINSIGSTKSZ (asm-generic) */
struct process_sigstack {
	uintptr_t sp;
	int flags;
	size_t size;
};

/*
 * Linux's restart_block: the rest of a call that a signal interrupted
 * with -ERESTART_RESTARTBLOCK (a relative sleep's deadline, a poll's time
 * left). The system-call layer fills it; when no handler runs, the signal
 * code sends the thread to restart_syscall(2), which runs fn once; when a
 * handler runs, the call is -EINTR and fn is forgotten.
 */
struct process;
struct process_restart {
	long (*fn)(struct process *p, const struct process_restart *r);
	uint64_t arg[4];
};

/*
 * Where exec put the program and its strings, as Linux's mm_struct keeps
 * them (start_code..env_end; start_stack is where argc is): /proc's stat,
 * cmdline, environ and the [stack] name. Set by exec at its point of no
 * return under the tree lock, copied by fork.
 */
struct process_layout {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_stack, arg_start, arg_end, env_start, env_end;
};

struct process_vfork;

struct process {
	int32_t pid; /* the thread's id (Linux's tid); the group's is leader->pid */

	/* The tree, under the tree lock (process_lock). */
	struct process *parent;
	struct list_node children; /* its children (struct process.sibling) */
	struct list_node sibling;
	struct list_node all; /* every process, by pid order of creation */
	enum process_state state;
	int wstatus; /* Linux wait status, once a zombie */

	/*
	 * Process group and session (tree lock), as Linux's PIDTYPE_PGID and
	 * PIDTYPE_SID: inherited over fork, kept over exec. The first process
	 * starts in group and session 0, as a program Linux's init starts.
	 */
	int32_t pgid, sid;
	bool session_leader; /* setsid() made its session (Linux: signal->leader) */
	bool execed;         /* exec'd since its fork (Linux clears PF_FORKNOEXEC) */

	/*
	 * Signals (tree lock), Linux's kernel/signal.c state. Per thread (each
	 * struct process, as Linux's task_struct): sig_blocked, sig_saved,
	 * sig_restore_saved, sig_waiting, sig_altstack, sig_fatal and the
	 * private pending set (thread_pending with thread_info: tkill, tgkill
	 * and a thread's own faults). Per thread group, the leader's
	 * (p->leader->..., Linux's signal_struct): sig_pending with sig_info
	 * (shared_pending: kill, timers, children), the job control and timer
	 * fields below; shared by CLONE_SIGHAND (sighand_struct), the
	 * leader's too: sig_action and sig_trampoline.
	 */
	uint64_t sig_pending; /* leader: PROCESS_SIGBIT(n): signal n sent to the group, pending */
	struct process_siginfo sig_info[PROCESS_NSIG]; /* what each pending one carries */
	uint64_t thread_pending;                       /* this thread's own pending signals */
	struct process_siginfo thread_info[PROCESS_NSIG];
	uint64_t sig_blocked;   /* this thread's mask */
	uint64_t sig_saved;     /* the mask sigsuspend replaced; restored after its handler */
	bool sig_restore_saved; /* sig_saved is to be restored */
	uint64_t sig_waiting;   /* rt_sigtimedwait's set: wakes it though blocked */
	struct process_sigstack sig_altstack;
	struct process_restart restart; /* this thread's, no lock */
	struct process_sigaction sig_action[PROCESS_NSIG];
	uintptr_t sig_trampoline; /* the page with the return code, mapped at the first handler */
	/*
	 * Job control, the leader's for the group (Linux's group stop:
	 * SIGNAL_STOP_STOPPED, SIGNAL_STOP_CONTINUED, group_stop_count).
	 * 'stopped' from the moment a thread takes a stop signal (stop_sig)
	 * until SIGCONT; every thread then sleeps on stop_wq on its way back
	 * to user mode (stop_parked of them), and once all do the stop is
	 * done: the parent is told, and stop_report / cont_report are what
	 * its wait4 WUNTRACED / WCONTINUED has not seen yet.
	 */
	bool stopped, stop_done, stop_report, cont_report;
	int stop_sig;
	unsigned stop_parked;
	struct wait_queue stop_wq;
	struct process_timer *itimer; /* ITIMER_REAL, made at its first setitimer */
	struct list_node timers;      /* timer_create's (struct process_timer.node) */
	int timer_next_id;            /* the next timer_create id (Linux: per thread group) */
	int sig_fatal;   /* the signal the process ends by, once one was fatal; 0: none.
	                  * Its own task reads it without the lock (atomic). */
	bool oom_victim; /* the OOM killer chose it */
	bool releasing;  /* exiting, its space being destroyed (tree lock) */

	struct addr_space *as;        /* changed under the tree lock (the OOM killer reads it) */
	unsigned as_users;            /* /proc readers of 'as' (process_as_get), tree lock */
	struct wait_queue as_idle;    /* the process waits here for them to finish */
	struct addr_space *exec_as;   /* the space an exec in progress builds (tree lock) */
	struct task *task;            /* set under the tree lock before it first runs */
	struct wait_queue child_exit; /* the process waits here for its children */
	struct hal_user_context uc;
	char comm[16];                /* the program's name, as Linux's comm */
	struct process_layout layout; /* tree lock */
	void *abi; /* the system-call layer's state, shared by a group's threads */

	/*
	 * Threads (tree lock). A thread group is one process of the tree: its
	 * leader (the first thread; its pid is the group's, Linux's tgid) is
	 * what the parent sees, waits for and signals, and holds the group's
	 * state (children, process group, pending signals, the exit status).
	 * Each other thread is a struct process of its own (pid = its tid) in
	 * the table, for tid lookups, but nowhere in the tree; it shares the
	 * leader's space and 'abi' (process_clone with PROCESS_CLONE_THREAD).
	 * A single-threaded process is its own leader. Only an exec from a
	 * thread changes 'leader' (the execing thread takes the leader's
	 * place), once every other thread has gone.
	 */
	struct process *leader;
	struct list_node thread;     /* in leader->threads until the thread exits */
	struct list_node threads;    /* leader: the group's threads that have not exited */
	unsigned nr_threads;         /* leader: how many */
	bool thread_exited;          /* a leader whose task ended while others still run */
	bool group_exit;             /* leader: exit_group or a fatal signal ends every thread */
	int group_wstatus;           /* leader: the group's wait status, once group_exit */
	struct process *exec_thread; /* leader: a thread execs; the others exit quietly */
	struct wait_queue group_wq;  /* leader: that exec waits here for them */
	struct process_vfork
	    *vfork; /* CLONE_VFORK: the parent waits until this child execs or exits */
	/* Per thread, read by the thread's own task only: Linux's set_tid_address, set_robust_list.
	 */
	uintptr_t clear_child_tid;
	uintptr_t robust_list;
	size_t robust_len;
};

/* What the system-call layer provides (process_set_abi). */
struct process_abi {
	/* A system call: the value for user mode (may not return: exit, execve). */
	long (*syscall)(struct process *p, unsigned long nr, const unsigned long args[6]);
	/* fork(): make child->abi from parent->abi. 0 or -errno (fork fails). */
	int (*fork)(struct process *parent, struct process *child);
	/* exec succeeded: the new program's break starts at brk_start. */
	void (*exec)(struct process *p, uintptr_t brk_start);
	/* The group's last thread ends, its space already gone (as Linux: exit_mm, then exit_shm).
	 */
	void (*exit)(struct process *p);
	/* The process (or a thread) is reaped: drop its hold on p->abi. */
	void (*release)(struct process *p);
	/*
	 * A new thread of parent's group (process_clone, PROCESS_CLONE_THREAD):
	 * make child->abi share parent->abi. 0 or -errno (the clone fails).
	 * NULL: threads are refused (-EINVAL).
	 */
	int (*clone_thread)(struct process *parent, struct process *child);
	/*
	 * The ids exec puts in the auxiliary vector (AT_UID, AT_EUID, AT_GID,
	 * AT_EGID); the first exec of a process without a parent is where the
	 * layer makes its state. 0, or -errno (the exec fails, nothing changed).
	 */
	int (*ids)(struct process *p, uint32_t ids[4]);
	/*
	 * p's real uid, for the si_uid of the signals p sends. With the tree
	 * lock held; must not sleep. NULL: 0.
	 */
	uint32_t (*sig_uid)(struct process *p);
	/*
	 * May 'from' signal 'to' by its credentials? Linux's kill_ok_by_cred:
	 * the sender's real or effective uid is the target's real or saved
	 * uid, or the sender has CAP_KILL. With the tree lock held; must not
	 * sleep. NULL: always.
	 */
	bool (*may_signal)(struct process *from, struct process *to);
};

/* Where programs come from: the file at 'path' (an initrd). 0 or -ENOENT, ... */
typedef int (*process_file_fn)(const char *path, const void **data, size_t *size);

/*
 * Where programs come from, as files (linux-abi: the vfs). exec opens the
 * file as the process p (its credentials, its working directory), reads
 * the headers, and maps the segments with map() (private: read-only pages
 * shared with the file until written) or, without map, reads them into
 * anonymous memory.
 */
struct process_files {
	/* Open 'path' for p's execve: 0, *file and *size, or -ENOENT, -EACCES, ... */
	int (*open)(struct process *p, const char *path, void **file, uint64_t *size);
	/* Bytes read at 'off' (fewer only at the end of the file), or -errno. */
	long (*read)(void *file, uint64_t off, void *buf, size_t len);
	/* Map [va, va + len) of 'as' from file offset 'off' (both page-aligned), private, 'prot'
	 * (AS_PROT_*). */
	int (*map)(void *file, struct addr_space *as, uintptr_t va, size_t len, uint64_t off,
	           unsigned prot);
	void (*close)(void *file);
};

void process_set_abi(const struct process_abi *abi);
/* Programs from whole files in memory (a table, an initrd read in place). */
void process_set_files(process_file_fn find);
/* Programs from files (replaces process_set_files). */
void process_set_file_ops(const struct process_files *ops);

/*
 * Start the first process (pid 1) running 'path' with argv/envp
 * (NULL-terminated). Returns it, running, or NULL and a message saying why
 * (*err: the negative errno).
 */
struct process *process_start_init(const char *path, const char *const *argv,
                                   const char *const *envp, int *err);

/*
 * Wait until every process has ended and been reaped (pid 1's status is
 * returned through *init_status as a wait status). Called by the kernel's
 * main task, which also frees the processes nobody waits for (pid 1, and
 * orphans once pid 1 is gone): call it whenever processes run.
 */
void process_wait_all(int *init_status);

/* The process the calling task runs, or NULL for a kernel task. */
struct process *process_current(void);

/* The task body of every process (user mode and traps). */
int process_run(void *arg);

/*
 * fork(): a copy of 'parent' whose system call returns 0. prepare(child,
 * arg), if given, runs before the child can run (clone's TID writes, a new
 * stack pointer). The child's pid, or -errno.
 */
long process_fork(struct process *parent, void (*prepare)(struct process *child, void *arg),
                  void *arg);

/*
 * clone() as process sees it. PROCESS_CLONE_THREAD: a new thread of the
 * caller's group (Linux's CLONE_VM|CLONE_SIGHAND|CLONE_THREAD with
 * CLONE_FILES|CLONE_FS: the layer shares its state, struct
 * process_abi.clone_thread): the same space, its own registers (a copy of
 * the caller's, returning 0) and tid. Otherwise a fork. PROCESS_CLONE_VFORK:
 * the caller then sleeps (killably) until the child has exec'd or exited,
 * as Linux's CLONE_VFORK. Returns the new pid/tid, -EAGAIN (out of pids),
 * -ENOMEM, -EINTR (the caller's group is dying or another thread execs), or
 * the layer's error. Task context of 'parent'; may sleep.
 */
#define PROCESS_CLONE_THREAD 0x1u
#define PROCESS_CLONE_VFORK  0x2u
long process_clone(struct process *parent, unsigned flags,
                   void (*prepare)(struct process *child, void *arg), void *arg);

/* The thread group's id (getpid): the leader's pid. Task context of one of p's threads. */
int32_t process_tgid(struct process *p);

/*
 * Linux's kernel.randomize_va_space for the execs that follow: 0, 1 or 2
 * (process/layout.h says what each randomizes). Starts at
 * CONFIG_PROCESS_RANDOMIZE_VA_SPACE; the kernel command line's
 * "norandmaps" sets 0 (struct cmdline). -EINVAL outside 0..2. Any context.
 */
int process_set_randomize_va_space(int level);
int process_randomize_va_space(void);

/*
 * execve(): replace p's program, in Linux's steps and with its errnos in
 * its order (fs/exec.c). Everything is built in a new space on the side;
 * the old one goes only at the end, so a failure leaves p as it was.
 *
 *   process_exec_open(p, path, &x)   open the program through the files'
 *                                    interface (process_set_file_ops): its
 *                                    errors (-ENOENT, -EACCES, -ELOOP, ...),
 *                                    -ENOMEM. 'path' must stay until run or
 *                                    abort.
 *   process_exec_args(x, argc, envc, stack_limit)
 *                                    Linux's limit for the strings
 *                                    (ustack_arg_limit: the stack rlimit,
 *                                    the counts): -E2BIG; also picks the
 *                                    layout for that stack limit
 *                                    (process/layout.h), reserves the stack
 *                                    area under its top (-ENOMEM) and
 *                                    pushes the path. Once (-EINVAL).
 *   process_exec_push_user(x, ustr)  one string from p's memory, the
 *   process_exec_push(x, s)          environment last to first, then the
 *                                    arguments last to first: -EFAULT,
 *                                    -E2BIG (past the limit, or a string
 *                                    of 32 pages with its NUL), -EINTR (p
 *                                    is to die), -ENOMEM.
 *   process_exec_run(x)              read the file's headers, map its
 *                                    segments (the file's pages, private,
 *                                    with the files' map(); else copied)
 *                                    and switch to it: 0 (the caller
 *                                    returns to the new program) or
 *                                    -ENOEXEC (a message says why), -EIO,
 *                                    -ENOMEM, -EINVAL (no
 *                                    process_exec_args, or fewer strings
 *                                    pushed than counted). Frees x.
 *   process_exec_abort(x)            give up (after any step but run).
 *
 * Strings go straight onto the new program's stack: the kernel memory an
 * exec holds is one page and this record, whatever its arguments. A
 * program given no arguments gets an empty argv[0], as in Linux. Task
 * context of p; may sleep.
 */
struct process_exec;
int process_exec_open(struct process *p, const char *path, struct process_exec **out);
int process_exec_args(struct process_exec *x, size_t argc, size_t envc, uint64_t stack_limit);
int process_exec_push_user(struct process_exec *x, uintptr_t ustr);
int process_exec_push(struct process_exec *x, const char *s);
int process_exec_run(struct process_exec *x);
void process_exec_abort(struct process_exec *x);

/* All the steps, with kernel strings (NULL-terminated) and an 8 MiB stack limit. */
int process_exec(struct process *p, const char *path, const char *const *argv,
                 const char *const *envp);

/*
 * exit_group(): end p's whole thread group with a wait status (exit code
 * << 8, or the signal): every other thread is made to exit (as by
 * SIGKILL), then p. The parent sees the group end when its last thread
 * has. Never returns. Task context of p.
 */
__attribute__((noreturn)) void process_exit(struct process *p, int wstatus);

/*
 * exit(): end the calling thread only (Linux's do_exit). Its
 * clear_child_tid is cleared and woken (futex) and its robust list walked
 * first. The last thread of a group to exit ends the group with 'wstatus'
 * (unless a group exit chose another). Never returns.
 */
__attribute__((noreturn)) void process_thread_exit(struct process *p, int wstatus);

/*
 * wait4(): collect a child: pid > 0 that child, -1 any, 0 one of the
 * caller's process group, < -1 one of group -pid. 'options' as Linux's
 * wait4: PROCESS_WNOHANG (0 when none has changed), PROCESS_WUNTRACED (a
 * child that stopped is reported once, status (sig << 8) | 0x7f, and not
 * collected), PROCESS_WCONTINUED (a stopped child continued: 0xffff).
 * Sleeps interruptibly. Returns the pid and *wstatus, -ECHILD (no such
 * child), or -EINTR (a signal ends the wait).
 */
#define PROCESS_WNOHANG    1u
#define PROCESS_WUNTRACED  2u
#define PROCESS_WCONTINUED 8u
long process_wait(struct process *p, int32_t pid, unsigned options, int *wstatus);

/*
 * kill(pid, sig) from 'from' (NULL: the kernel, which may signal anyone),
 * as Linux's kill_something_info: pid > 0 that process (a zombie too), 0
 * the sender's process group, -1 every process but pid 1 and the sender,
 * < -1 process group -pid. sig 0 only checks. Each target is checked as
 * Linux's check_kill_permission: sig in 0..64 (-EINVAL), then the sender
 * is the target, or the layer's may_signal() allows it, or it is SIGCONT
 * to a process of the sender's session (-EPERM). Returns 0 if some target
 * was signalled; -ESRCH if there was none (INT32_MIN too); for a group,
 * the last target's error; for -1, the last error other than -EPERM (so 0
 * when every target refused: Linux's rule). What a signal then does is
 * the target's action (Linux's prepare_signal): ignored (SIG_IGN, or a
 * default that ignores) it is dropped; blocked it stays pending; with a
 * handler, or the default of a stop signal, it is pending and wakes the
 * target from an interruptible wait (it stops on its way back to user
 * mode; SIGCONT continues it); with the default that ends a process the
 * target is to die (pid 1 excepted: Linux's init has no default actions),
 * which wakes it from any killable wait, a stopped one too. The siginfo is
 * SI_USER from 'from' (SI_KERNEL from NULL). From NULL, the kernel itself
 * (Linux's SEND_SIG_PRIV), SIGKILL ends pid 1 too: how an embedding ends a
 * program that will not end. Task context; takes the tree lock.
 */
int process_kill(struct process *from, int32_t pid, int sig);
/*
 * The same with the caller's siginfo (tkill's SI_TKILL, sigqueue's
 * value): info->signo is the signal. As Linux's do_rt_sigqueueinfo, a
 * sender other than the kernel that is not the target may not claim
 * si_code >= 0 or SI_TKILL (-EPERM), checked by the layer.
 */
int process_kill_info(struct process *from, int32_t pid, const struct process_siginfo *info);

/*
 * tkill/tgkill (Linux's do_tkill): info->signo to the thread 'tid' alone,
 * which must be alive and, for tgid > 0, in thread group tgid (else
 * -ESRCH); tid <= 0 or tgid < 0: -EINVAL. Permission as process_kill's
 * (-EPERM); signal 0 only checks. The thread acts on it (its own pending
 * set: another thread of its group never takes it); if it blocks it, it
 * stays pending for that thread. Task context; takes the tree lock.
 */
int process_kill_thread(struct process *from, int32_t tgid, int32_t tid,
                        const struct process_siginfo *info);

/*
 * The signals the kernel sends of itself (Linux's send_signal with
 * SEND_SIG_PRIV, force_sig_fault): to p, with 'info'. process_force_fault
 * is a fault of p's own: if p blocks or ignores it, the action becomes the
 * default and the mask lets it through, so a fault never goes unseen (it
 * ends p). Task or timer context; take the tree lock.
 */
void process_send_info(struct process *p, const struct process_siginfo *info);
void process_force_fault(struct process *p, const struct process_siginfo *info);

/*
 * The caller's actions and mask (rt_sigaction, rt_sigprocmask, Linux's
 * do_sigaction and sigprocmask). process_sigaction: sig 1..64, not SIGKILL
 * or SIGSTOP with a new action (-EINVAL); 'act' NULL only reads. A pending
 * signal whose action becomes ignored is dropped. process_sigmask: how is
 * 0 SIG_BLOCK, 1 SIG_UNBLOCK, 2 SIG_SETMASK (-EINVAL otherwise); SIGKILL
 * and SIGSTOP cannot be blocked; 'set' NULL only reads. A signal unblocked
 * acts at the next return to user mode. Task context of p; take the tree
 * lock.
 */
int process_sigaction(struct process *p, int sig, const struct process_sigaction *act,
                      struct process_sigaction *old);
int process_sigmask(struct process *p, int how, const uint64_t *set, uint64_t *old);
/* rt_sigpending: the pending signals p blocks. */
uint64_t process_sigpending(struct process *p);

/*
 * sigaltstack (Linux's do_sigaltstack): 'old' gets the stack with
 * SS_ONSTACK while p runs on it (sp is p's stack pointer now); a new one
 * ('ss' not NULL): -EPERM while on it, -EINVAL for flags other than 0,
 * SS_ONSTACK, SS_DISABLE with SS_AUTODISARM, -ENOMEM under
 * PROCESS_MINSIGSTKSZ. Task context of p.
 */
int process_sigaltstack(struct process *p, uintptr_t sp, const struct process_sigstack *ss,
                        struct process_sigstack *old);

/*
 * rt_sigsuspend: p's mask becomes 'mask' until a handler runs, then the
 * old one is back (after the handler). Sleeps interruptibly; returns
 * -ERESTARTNOHAND for the delivery to turn into -EINTR. Task context of p.
 */
long process_sigsuspend(struct process *p, uint64_t mask);
/*
 * ppoll with no descriptors: sleep until 'deadline' (hal_time_ns(),
 * TASK_FOREVER: none) or a signal, with 'mask' (NULL: p's own) while
 * asleep, as sigsuspend. 0 at the deadline, -ERESTARTNOHAND for a signal.
 */
long process_sigpause(struct process *p, const uint64_t *mask, uint64_t deadline);
/*
 * ppoll's and pselect6's mask (Linux's set_user_sigmask and
 * restore_saved_sigmask_unless): process_sigmask_swap makes 'mask' p's
 * mask (SIGKILL and SIGSTOP stay unblocked) and keeps the old one;
 * process_sigmask_restore puts it back now, unless 'interrupted' (the
 * call ends with -ERESTARTNOHAND): then the signal's delivery puts it
 * back once the handler's frame holds it, so the handler runs with the
 * call's mask, as Linux's. Task context of p; take the tree lock.
 */
void process_sigmask_swap(struct process *p, uint64_t mask);
void process_sigmask_restore(struct process *p, bool interrupted);
/*
 * rt_sigtimedwait (Linux's do_sigtimedwait): take a pending signal of
 * 'set' (the lowest; SIGKILL and SIGSTOP are never taken) into *info and
 * return its number; wait interruptibly until one comes or 'deadline'
 * (-EAGAIN; 0: do not wait). -EINTR: another signal, to be handled, came.
 * Task context of p.
 */
int process_sigtimedwait(struct process *p, uint64_t set, uint64_t deadline,
                         struct process_siginfo *info);
/*
 * rt_sigreturn: restore p's registers, mask and alternate stack from the
 * signal frame at p's stack pointer. Returns the value for the result
 * register (what it held before the signal: hal_user_return()); a frame
 * that cannot be read or is malformed ends p by SIGSEGV, as Linux's. Task
 * context of p.
 */
long process_sigreturn(struct process *p);

/*
 * setitimer/getitimer(ITIMER_REAL), alarm: the timer fires SIGALRM
 * (SI_KERNEL) at hal_time_ns() 'value' from now, then every 'interval'
 * (0: once); value 0 disarms. The old setting (time left, interval) in
 * old_value and old_interval if not NULL. Kept over exec, not inherited
 * over fork, as Linux's. Task context; take the tree lock; may start the
 * kernel task that fires every process's timers. -ENOMEM (its record or
 * that task could not be made; nothing changed then).
 */
int process_setitimer(struct process *p, uint64_t value, uint64_t interval, uint64_t *old_value,
                      uint64_t *old_interval);
void process_getitimer(struct process *p, uint64_t *value, uint64_t *interval);

/*
 * POSIX timers (timer_create and the rest, Linux's posix-timers.c) on
 * hal_time_ns(): 'sigev' says what expiry does: PROCESS_SIGEV_SIGNAL
 * sends 'signo' with SI_TIMER, the timer's id, its overrun and 'value' to
 * the thread group; PROCESS_SIGEV_THREAD_ID the same to the thread 'tid'
 * alone, which must be a live thread of p's group when the timer is made
 * (-EINVAL; once it has gone the signal is dropped, as Linux does: glibc's
 * SIGEV_THREAD timers are built on it); PROCESS_SIGEV_NONE nothing
 * (timer_gettime still counts down). An expiry
 * whose signal is still pending counts an overrun instead. Ids count from
 * 0 per process. Deleted at exec and exit, not inherited by fork. Task
 * context of p; take the tree lock.
 *   process_timer_create: the id, or -EAGAIN (no memory, as Linux's);
 *     'clock' is the layer's, kept for process_timer_clock (-EINVAL: no
 *     such id); value_is_id: the signal's value is the id (Linux's rule
 *     when no sigevent is given).
 *   process_timer_set: arm at 'value' ns from now (0 disarms), reload
 *     'interval'; the old setting as process_setitimer. -EINVAL: no such id.
 *   process_timer_get: time left and interval; -EINVAL.
 *   process_timer_overrun: the overrun count of the last expiry; -EINVAL.
 *   process_timer_delete: 0 or -EINVAL.
 */
#define PROCESS_SIGEV_SIGNAL    0
#define PROCESS_SIGEV_NONE      1
#define PROCESS_SIGEV_THREAD_ID 4 /* Linux's numbers (SIGEV_SIGNAL | SIGEV_THREAD_ID) */
int process_timer_create(struct process *p, int clock, int sigev, int signo, int32_t tid,
                         uint64_t value, bool value_is_id);
int process_timer_clock(struct process *p, int id);
int process_timer_set(struct process *p, int id, uint64_t value, uint64_t interval,
                      uint64_t *old_value, uint64_t *old_interval);
int process_timer_get(struct process *p, int id, uint64_t *value, uint64_t *interval);
int process_timer_overrun(struct process *p, int id);
int process_timer_delete(struct process *p, int id);

/*
 * Process groups and sessions, Linux's calls with their errnos in Linux's
 * order (kernel/sys.c). getpgid/getsid: pid 0 is p; the id, or -ESRCH.
 * setpgid(pid, pgid): pid 0 is p, pgid 0 is pid; -EINVAL (pgid < 0),
 * -ESRCH (pid is neither p nor a child of p), -EPERM (a child in another
 * session, the target leads a session, or no group pgid in p's session),
 * -EACCES (a child that has exec'd). setsid: p's pid, or -EPERM (p leads a
 * group already: a process group with p's pid exists).
 */
int32_t process_getpgid(struct process *p, int32_t pid);
int32_t process_getsid(struct process *p, int32_t pid);
int process_setpgid(struct process *p, int32_t pid, int32_t pgid);
int32_t process_setsid(struct process *p);

/*
 * Visit every process in the table (zombies and processes being made
 * included) with the tree lock held; fn must not sleep. For counts a layer
 * keeps by its own state (RLIMIT_NPROC by real uid).
 */
void process_for_each(void (*fn)(struct process *p, void *ctx), void *ctx);

/*
 * The OOM killer (Linux's out_of_memory, mm/oom_kill.c): p found no free
 * frame for a page it needs. If a process is already dying with its
 * memory, wait (killable) until it has let go of it; otherwise choose the
 * process with the most resident pages (its pages plus its page tables,
 * Linux's oom_badness; no oom_score_adj here), never pid 1, send it
 * SIGKILL and wait for it likewise. Ties go to the later process, as in
 * Linux's scan. If nothing else can be killed, p itself is. Returns 0: try
 * the allocation again; -EINTR: p is to die. Task context, no locks held;
 * may sleep.
 */
int process_oom(struct process *p);

/* With process_lock held; NULL for a process being made. */
struct process *process_find(int32_t pid);
unsigned long process_lock(void);
void process_unlock(unsigned long flags);

/* Processes in the table, zombies included (tests wait for 0). */
size_t process_count(void);

/*
 * For /proc: the lowest pid above 'after' in the table (zombies
 * included), or 0; the pid given out last (0 before the first). Task
 * context; takes the tree lock.
 */
int32_t process_next_pid(int32_t after);
int32_t process_last_pid(void);

/*
 * Another process's address space, for /proc (maps, memory figures),
 * Linux's get_task_mm/mmput: process_as_get gives pid's space and keeps
 * the process from destroying it (exit, exec, a fork that failed wait for
 * every user) until process_as_put; NULL for no such process, a zombie,
 * or a space on its way out. Between the two, use the space only through
 * addr-space's calls, which take its lock. Task context; takes the tree
 * lock; process_as_put may wake the process.
 */
struct process_as_ref {
	struct process *p;
	struct addr_space *as;
};
struct addr_space *process_as_get(int32_t pid, struct process_as_ref *ref);
void process_as_put(struct process_as_ref *ref);

#endif
