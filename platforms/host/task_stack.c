/*
 * Task stacks with guard pages on the host: each block is mmap'd with
 * CONFIG_HOST_STACK_GUARD_KB of PROT_NONE below it, so running off the end
 * of a stack faults at once instead of scribbling over whatever lies below.
 * main.c registers these with task_set_stack_ops() when task is in the image.
 */
#include <klib/compiler.h>
#include <task/stack.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host.h"

/* Whole pages: mprotect() refuses a part of one (EINVAL), and no task could start. */
static size_t guard_size(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return ALIGN_UP((size_t)CONFIG_HOST_STACK_GUARD_KB << 10, page);
}

static void *guarded_alloc(size_t size)
{
	size_t guard = guard_size();
	char *p =
	    mmap(NULL, guard + size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + guard, size, PROT_READ | PROT_WRITE) != 0) {
		munmap(p, guard + size);
		return NULL;
	}
	return p + guard;
}

static void guarded_free(void *base, size_t size)
{
	size_t guard = guard_size();

	munmap((char *)base - guard, guard + size);
}

const struct task_stack_ops host_task_stack_ops = {
    .alloc = guarded_alloc,
    .free = guarded_free,
};
