/* Shared by exec.c and exec_args.c: an execve in progress (Linux's linux_binprm). */
#ifndef PROCESS_EXEC_INTERNAL_H
#define PROCESS_EXEC_INTERNAL_H

#include <process/layout.h>
#include <process/ustack.h>
#include "process_internal.h"

/* The stack area, reserved and filled on demand (Linux's default RLIMIT_STACK is 8 MiB). */
#define EXEC_STACK_SIZE ((uintptr_t)CONFIG_PROCESS_STACK_MB << 20)

/*
 * Strings go onto the new stack from its top down, as Linux's copy_strings:
 * 8 zero bytes, the path, the environment (last first), the arguments
 * (last first). Nothing but this record and one page for copies is
 * kernel memory. Owned by the caller between process_exec_open and
 * process_exec_run/abort; never shared.
 */
struct process_exec {
	struct process *p;       /* who execs: its space holds the user strings */
	const char *path;        /* the caller's, until run or abort */
	void *file;              /* the program, opened with process_file_ops */
	uint64_t size;           /* its size when opened */
	struct addr_space *as;   /* the new space: the stack area, then the program */
	struct layout_params lp; /* the layout's inputs (the break is picked from them at run) */
	uint64_t top;            /* the stack's top, 16-byte aligned; 0 until process_exec_args */
	uint32_t stack_pad;      /* below the strings (Linux's arch_align_stack) */
	uint64_t pos;            /* the lowest string so far */
	uint64_t argmin;         /* pos may not go below it: -E2BIG (Linux's bprm->argmin) */
	uint64_t execfn;         /* where the path went */
	size_t argc, envc;       /* counted by process_exec_args */
	size_t pushed;           /* strings pushed after the path */
	uint8_t *bounce;         /* one page that every copy goes through */
};

/*
 * Pick the layout for this stack limit (process/layout.h), tell x's space
 * where mmap goes, and reserve the stack area under the (randomized) stack
 * top: 0, -ENOMEM, or as_set_layout's -EINVAL. Once, before any string.
 * Task context; may sleep.
 */
int exec_layout(struct process_exec *x, uint64_t stack_limit);

/*
 * as_copy_to_user into the new space; a page that finds no free frame goes
 * to the OOM killer and the copy is tried again. 0, -EFAULT, or -ENOMEM
 * (x's process is the one to die). Task context of x's process; may sleep.
 */
int exec_copy_out(struct process_exec *x, uintptr_t dst, const void *src, size_t n);

/*
 * The vectors and the random bytes below the strings (create_elf_tables);
 * where the stack (sp: argc) and the strings ended up, into *l.
 */
int exec_write_tables(struct process_exec *x, const struct ustack_args *a, struct ustack_layout *l);

#endif
