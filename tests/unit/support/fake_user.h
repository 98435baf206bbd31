/*
 * A fake of hal/user.h for host tests of process and linux-abi: the host
 * has no user mode, so a "user program" is a C function. hal_user_run()
 * calls the program of the context once; the program decides the next trap
 * (a system call with its number and arguments in the context, a page
 * fault at an address, an illegal instruction, an interrupt, ...) and
 * returns it. The kernel handles the trap and calls hal_user_run() again:
 * the program is called again with the system call's result in a0.
 *
 * A program is a state machine over its context, which is all it keeps
 * between traps (as real user code keeps its registers and memory):
 *
 *	static enum hal_user_event prog(struct fake_user *u, struct hal_user_trap *t)
 *	{
 *		switch (u->step++) {
 *		case 0: return SYS(u, NR_clone, SIGCHLD);
 *		case 1: if (fake_ret(u) == 0) ...the child... else ...the parent...
 *		}
 *	}
 *
 * A signal handler is entered as on riscv64: the kernel sets the pc to
 * the handler, a0..a2 and ra (hal_user_set_reg); the program sees the pc
 * change and plays the handler until it makes rt_sigreturn, which brings
 * its registers back. A system call the kernel restarts
 * (hal_user_syscall_restart, or a frame that saved its pc on the ecall)
 * is made again without calling the program.
 *
 * fork copies the context, so the child resumes at the same step with a0 =
 * 0 and branches as real fork code does. exec resets the context
 * (hal_user_init): at its first run the fake chooses the program by the
 * path exec put in the auxiliary vector (AT_EXECFN), read from the new
 * initial stack like a C start-up reads argv; fake_user_program() names
 * the function for each path. User addresses are only numbers here: the
 * program reads and writes its memory with fake_user_read/_write, which go
 * through the active address space (the one the kernel switched to for the
 * process), as its loads and stores would.
 */
#ifndef FAKE_USER_H
#define FAKE_USER_H

#include <stddef.h>
#include <stdint.h>
#include <hal/user.h>

/* This fake's layout of struct hal_user_context (riscv64's names). */
struct fake_user {
	uint64_t pc, sp, tls;
	uint64_t nr;     /* a7: the system call's number */
	uint64_t a[6];   /* a0..a5: its arguments; a0 is also what it returns, as on riscv64 */
	uint64_t step;   /* where the program is in its script: 0 at the start of a program */
	uint64_t prog;   /* 1 + the program's index, chosen at its first run; 0: not yet */
	uint64_t sp0;    /* sp at the program's start: its argc, argv, envp and auxv */
	uint64_t v[8];   /* values the program keeps (more registers) */
	uint64_t ra;     /* the return address (a signal handler's way back) */
	uint64_t sys_pc; /* the pc past the last system call: back on it (pc + 4), the call runs
	                  * again; kept as register t0 (x5), so a signal frame saves it */
};

typedef enum hal_user_event (*fake_user_fn)(struct fake_user *u, struct hal_user_trap *t);

/* Forget every program. */
void fake_user_reset(void);
/* Run 'fn' for programs started from 'path' (at most 16 paths). */
void fake_user_program(const char *path, fake_user_fn fn);

/* A system call: the number and up to six arguments (the others 0). */
enum hal_user_event fake_syscall(struct fake_user *u, unsigned long nr, const unsigned long a[6]);
#define SYS(u, nr, ...) fake_syscall((u), (nr), (const unsigned long[6]){__VA_ARGS__})
/* The last system call's result. */
static inline long fake_ret(const struct fake_user *u)
{
	return (long)u->a[0];
}
/* A page fault at addr. */
enum hal_user_event fake_fault(struct fake_user *u, struct hal_user_trap *t, uintptr_t addr,
                               enum hal_access access);
/* Any other trap, taken at the program's pc. */
enum hal_user_event fake_trap(struct fake_user *u, struct hal_user_trap *t, enum hal_user_event ev);

/* The program's memory (the active space): 0 or -EFAULT. */
int fake_user_read(void *dst, uintptr_t va, size_t len);
int fake_user_write(uintptr_t va, const void *src, size_t len);
/* Start-up data from the initial stack: argc, and argv[i] into buf (0 or -EFAULT). */
long fake_user_argc(const struct fake_user *u);
int fake_user_argv(const struct fake_user *u, unsigned i, char *buf, size_t size);

#endif
