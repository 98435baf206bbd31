/*
 * The default stack allocator when page-alloc is in the image: one block of
 * 2^order frames per stack (a stack size that is a power-of-two number of
 * pages wastes nothing). No guard pages: see task/stack.h.
 */
#include <page-alloc/page_alloc.h>
#include <task/stack.h>

static unsigned stack_order(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *frames_alloc(size_t size)
{
	paddr_t pa = page_alloc(stack_order(size));

	return pa == PADDR_NONE ? NULL : page_to_virt(pa);
}

static void frames_free(void *base, size_t size)
{
	page_free(page_from_virt(base), stack_order(size));
}

const struct task_stack_ops task_default_stack_ops = {
    .alloc = frames_alloc,
    .free = frames_free,
};
