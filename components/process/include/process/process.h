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
 * Each process is one task running process_run(): user mode until a trap,
 * then a system call, a page fault resolved by as_fault(), or a fatal
 * signal. A process ends by exit (its status) or by a signal (a user fault
 * that cannot be served is SIGSEGV; kill() sends others); either way its
 * address space goes at once (ipc-shm's nattch drops with it), and the
 * parent's wait4() collects the rest. Children of an exiting process go to
 * the first process (pid 1); a process whose parent no longer waits for
 * anything is reaped when it ends.
 *
 * Locking: one lock guards the process tree (pids, parents, states);
 * process_lock()/process_unlock() give it to the syscall layer.
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

enum process_state {
	PROCESS_RUNNING,
	PROCESS_ZOMBIE, /* ended; the parent's wait4() has not collected it */
};

struct process {
	int32_t pid;
	struct process *parent;
	struct list_node children; /* its children (struct process.sibling) */
	struct list_node sibling;
	struct list_node all;      /* every process, by pid order of creation */
	enum process_state state;
	int wstatus;               /* Linux wait status, once a zombie */
	int kill_signal;           /* a fatal signal to act on at the next trap; 0: none */
	struct addr_space *as;
	unsigned as_users;            /* /proc readers of 'as' (process_as_get), tree lock */
	struct wait_queue as_idle;    /* the process waits here for them to finish */
	struct task *task;
	struct wait_queue child_exit; /* the process waits here for its children */
	struct hal_user_context uc;
	char comm[16];                /* the program's name, as Linux's comm */
	void *abi;                    /* the system-call layer's per-process state */
};

/* What the system-call layer provides (process_set_abi). */
struct process_abi {
	/* A system call: the value for user mode (may not return: exit, execve). */
	long (*syscall)(struct process *p, unsigned long nr, const unsigned long args[6]);
	/* fork(): make child->abi from parent->abi. 0 or -errno (fork fails). */
	int (*fork)(struct process *parent, struct process *child);
	/* exec succeeded: the new program's break starts at brk_start. */
	void (*exec)(struct process *p, uintptr_t brk_start);
	/* The process ends, its space already gone (as Linux: exit_mm, then exit_shm). */
	void (*exit)(struct process *p);
	/* The process is reaped: free p->abi. */
	void (*release)(struct process *p);
	/*
	 * The ids exec puts in the auxiliary vector (AT_UID, AT_EUID, AT_GID,
	 * AT_EGID); the first exec of a process without a parent is where the
	 * layer makes its state. 0, or -errno (the exec fails, nothing changed).
	 */
	int (*ids)(struct process *p, uint32_t ids[4]);
	/*
	 * Does 'sig' from kill() end p (its action: default, ignored, a
	 * handler)? Called with the tree lock held. NULL: every signal does.
	 * Faults are fatal whatever this says.
	 */
	bool (*signal_kills)(struct process *p, int sig);
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
	/* Map [va, va + len) of 'as' from file offset 'off' (both page-aligned), private, 'prot' (AS_PROT_*). */
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

/* 64 bits from a splitmix64 stream stirred by the clock (AT_RANDOM,
 * getrandom): unpredictable enough for a test kernel, not cryptographic. */
uint64_t process_random(void);

/*
 * execve(): replace p's program. Opens the file (process_set_file_ops),
 * builds a new space and stack; only then drops the old space (so a
 * failure leaves p as it was). 0 (the caller returns to the new program),
 * or the open's errors (-ENOENT, -EACCES, ...), -ENOEXEC (message says
 * why), -E2BIG, -ENOMEM, -EFAULT.
 */
int process_exec(struct process *p, const char *path, const char *const *argv,
		 const char *const *envp);

/* exit_group(): end p with a wait status (exit code << 8, or the signal). Never returns. */
__attribute__((noreturn)) void process_exit(struct process *p, int wstatus);

/*
 * wait4(): collect a child. pid > 0 that child, -1 any (0 and < -1: the
 * caller's process group, which is everyone here). 'nohang': 0 when none
 * has ended. Returns the pid and *wstatus, or -ECHILD.
 */
long process_wait(struct process *p, int32_t pid, bool nohang, int *wstatus);

/*
 * kill(): 'sig' (1..64) ends process 'pid' at its next trap, unless the
 * layer's signal_kills() says p ignores it; 0 just checks. -ESRCH.
 */
int process_kill(int32_t pid, int sig);

/* kill(-1, sig): every process but pid 1 and 'except' (the caller). 0, or -ESRCH if none. */
int process_kill_all(int sig, int32_t except);

struct process *process_find(int32_t pid); /* with process_lock held */
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
