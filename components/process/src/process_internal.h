/* Shared inside the process component. */
#ifndef PROCESS_INTERNAL_H
#define PROCESS_INTERNAL_H

#include <hal/spinlock.h>
#include <process/process.h>

extern const struct process_abi *process_abi_ops;
extern const struct process_files *process_file_ops;

/* A new process (NEW: pid assigned, in the tree under 'parent', group and
 * session inherited, not yet found by pid or signalled), or NULL. With
 * 'thread', a thread to join group 'parent' (a leader): in the table only. */
struct process *process_alloc(struct process *parent, bool thread);
/* Make a NEW process visible (RUNNING): kill, wait4 and the OOM killer see it now. */
void process_publish(struct process *p);
/* Undo process_alloc of a process that never ran. */
void process_discard(struct process *p);
/* Start p's task (detached, in p's space). 0 or -errno. */
int process_start_task(struct process *p);
/* The table itself (struct process.all), with the tree lock held. */
struct list_node *process_all_list(void);
/* Processes in the table (zombies included), with the tree lock held. */
size_t process_count_locked(void);
/* The tree lock itself, for wait queues. */
hal_spinlock_t *process_tree_lock(void);
/* Take a zombie (or a never-run process) out of the table, lock held. */
void process_reap_locked(struct process *p);
/*
 * p gives up space 'as' (exit, exec, a failed fork or start): it stops
 * being p->as, the /proc readers using it finish (process_as_get), and it
 * is destroyed. Task context, no lock held.
 */
void process_as_retire(struct process *p, struct addr_space *as);

/* exit.c: every thread of group g is to exit, the group with wstatus (once); tree lock held. */
void process_group_exit_locked(struct process *g, int wstatus);
/* signal.c: p is to die of 'sig' (Linux's group exit); tree lock held. */
void process_make_fatal_locked(struct process *p, int sig);
/*
 * thread.c, CLONE_VFORK: process_vfork_new gives 'child' the record its
 * parent then sleeps on with process_vfork_wait (killably) until the
 * child's exec or exit calls process_vfork_done. NULL: out of memory.
 * Task context, no lock held.
 */
struct process_vfork *process_vfork_new(struct process *child);
void process_vfork_wait(struct process_vfork *vf);
void process_vfork_done(struct process *p);
/*
 * thread.c: exec's de_thread: every other thread of p's group exits, and p
 * becomes the leader if it was not. 0, or -EINTR (p's group is dying).
 * Task context of p, no lock held; may sleep.
 */
int process_dethread(struct process *p);
/* futex.c: a thread's exit: its robust list walked, clear_child_tid cleared and woken. */
void process_futex_exit(struct process *p);
/* exit.c: a process nobody waits for (no parent, or a thread): freed by process_wait_all. */
void process_unwaited_locked(struct process *p);

/* Send info->signo to p's thread group (Linux's send_signal, PIDTYPE_TGID). */
void process_send_locked(struct process *p, const struct process_siginfo *info);
/* Send info->signo to the thread t alone (Linux's send_signal, PIDTYPE_PID: tkill, faults). */
void process_send_thread_locked(struct process *t, const struct process_siginfo *info);
/* The thread p exits: its own pending signals go, its group's go to a thread that takes them. */
void process_sig_thread_exit_locked(struct process *p);
/*
 * group.c: is process group pgid orphaned (no member's parent is in
 * another group of its session; Linux's will_become_orphaned_pgrp)? Then
 * SIGTSTP, SIGTTIN and SIGTTOU do not stop it. Tree lock held.
 */
bool process_pgrp_orphaned_locked(int32_t pgid);
/*
 * group.c: Linux's kill_orphaned_pgrp. g (a group leader) leaves: exits
 * (parent NULL: its own group, which its parent may have kept from being
 * orphaned), or is a child whose parent 'parent' exits. If that orphans
 * g's process group and a member is stopped, the group gets SIGHUP, then
 * SIGCONT (POSIX 3.2.2.2): nobody is left to continue it. Tree lock held.
 */
void process_orphan_check_locked(struct process *g, struct process *parent);
/* signal.c: the kernel's sig (SI_KERNEL) to every group of process group pgid. Tree lock held. */
void process_kill_pgrp_locked(int32_t pgid, int sig);
/* Does sig's default action stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)? */
bool process_sig_stops(int sig);
/* p took a stop signal: its group stops (every thread interrupted to park). Tree lock held. */
void process_stop_group_locked(struct process *p, int sig);
/*
 * The group g is stopping: once all its threads are parked (or gone) the
 * stop is done, the parent told (SIGCHLD, CLD_STOPPED; wait4 WUNTRACED).
 * Tree lock held.
 */
void process_stop_check_locked(struct process *g);
/* Is sig ignored by p's action (SIG_IGN, or a default that ignores)? */
bool process_sig_ignored_locked(const struct process *p, int sig);
/* Set p's mask: what it unblocks acts (fatal, dropped, or wakes p). */
void process_sig_setmask_locked(struct process *p, uint64_t mask);
/* Raise or clear p's TASK_INTR_SIGNAL by what it may act on now. */
void process_sig_recalc_locked(struct process *p);
/* p's real uid for si_uid (the layer's sig_uid). */
uint32_t process_sig_uid_locked(struct process *p);
/* exec: handlers back to the default, no alternate stack. */
void process_sig_exec_locked(struct process *p);
/* fork: what the child inherits (actions, mask, alternate stack). */
void process_sig_fork(struct process *child, const struct process *parent);
/* A new thread: what it inherits from the thread that made it (the mask). */
void process_sig_thread(struct process *child, const struct process *parent);
/*
 * The signal to act on next among 'pending' not 'blocked' (SIGKILL and
 * SIGSTOP never blocked): a fault's signal first, then the lowest, as
 * Linux's next_signal; 0 for none. Pure.
 */
uint64_t process_sig_next(uint64_t pending, uint64_t blocked);

/*
 * sigdeliver.c: on the way back to user mode (process_run). 'sys' is the
 * system call p just made (NULL after any other trap): its result may be a
 * restart code, which a handler turns into -EINTR or the call is made
 * again. Runs handlers (builds their frames) or ends p. Task context of p,
 * no lock held; may sleep (user memory).
 */
struct process_syscall {
	long ret;
	unsigned long arg0;
};
void process_signal_deliver(struct process *p, const struct process_syscall *sys);
/* itimer.c: p ends (every timer goes) or execs (POSIX timers go, ITIMER_REAL stays). */
void process_timers_exit(struct process *p);
void process_timers_exec(struct process *p);
/* thread.c: p takes g's place as the group's leader; the timers go with it (tree lock). */
void process_timers_lead_locked(struct process *p, struct process *g);
/* Every process is gone: wait for the timers' task to end (process_wait_all). */
void process_timers_stop(void);
/* oom.c: p's space is gone (exit); tree lock held. Wakes the OOM killer's waiters. */
void process_oom_released_locked(struct process *p);

#endif
