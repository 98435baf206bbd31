/*
 * Where task stacks come from. Each task takes one block: its kernel stack,
 * with the task's own record at the top (so a task costs one allocation).
 * The block comes from a pluggable allocator, so the layer that owns the
 * kernel page table can hand out blocks with an unmapped guard page under
 * them without task depending on it:
 *
 *   - the default, chosen in Kconfig: frames from page-alloc
 *     (TASK_STACK_PAGE_ALLOC) or a static pool (TASK_STACK_POOL), no guard;
 *   - the host platform registers blocks from mmap with a PROT_NONE guard;
 *   - an architecture with an MMU registers an allocator built on the
 *     kernel page table (arch/common/kstack.c: map the block, leave the
 *     page(s) below it unmapped).
 */
#ifndef TASK_STACK_H
#define TASK_STACK_H

#include <stddef.h>

struct task_stack_ops {
	/*
	 * A block of 'size' bytes (a multiple of 4096), 16-byte aligned;
	 * its lowest address, or NULL when out of memory. Anything below it
	 * (a guard) is the allocator's business. Called from task context,
	 * interrupts enabled.
	 */
	void *(*alloc)(size_t size);
	/* Give back a block from alloc(), with the same size. May be called
	 * with interrupts disabled (from the task switch that follows a
	 * detached task's exit). */
	void (*free)(void *base, size_t size);
};

/*
 * Use 'ops' for every stack allocated from now on (NULL: back to the
 * default). Blocks already handed out are freed through the allocator that
 * made them. Returns 0, or -EINVAL if ops lacks a function.
 */
int task_set_stack_ops(const struct task_stack_ops *ops);

/* The Kconfig-chosen allocator (page-alloc frames or the static pool). */
extern const struct task_stack_ops task_default_stack_ops;

#endif
