/*
 * Task stacks with guard pages on the host: each block is mmap'd with
 * CONFIG_HOST_STACK_GUARD_KB of PROT_NONE below it, so running off the end
 * of a stack faults at once instead of scribbling over whatever lies below.
 * main.c registers these with task_set_stack_ops() when task is in the image.
 */
#include <task/stack.h>
#include <stdint.h>
#include <sys/mman.h>
#include "host.h"

#define GUARD ((size_t)CONFIG_HOST_STACK_GUARD_KB << 10)

static void *guarded_alloc(size_t size)
{
	char *p = mmap(NULL, GUARD + size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + GUARD, size, PROT_READ | PROT_WRITE) != 0) {
		munmap(p, GUARD + size);
		return NULL;
	}
	return p + GUARD;
}

static void guarded_free(void *base, size_t size)
{
	munmap((char *)base - GUARD, GUARD + size);
}

const struct task_stack_ops host_task_stack_ops = {
	.alloc = guarded_alloc,
	.free = guarded_free,
};
