/*
 * The default stack allocator without page-alloc: CONFIG_TASK_STACK_POOL_COUNT
 * blocks of CONFIG_TASK_STACK_SIZE bytes in .bss. No guard pages (they need
 * the kernel page table; see task/stack.h). A larger request fails.
 */
#include <hal/spinlock.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <task/stack.h>
#include <stdbool.h>
#include <stdint.h>

#define POOL_BLOCK ALIGN_UP((size_t)CONFIG_TASK_STACK_SIZE, 4096)
#define POOL_COUNT CONFIG_TASK_STACK_POOL_COUNT

static unsigned char pool[POOL_COUNT][POOL_BLOCK] KIT_ALIGNED(4096);
static bool pool_used[POOL_COUNT];
static hal_spinlock_t pool_lock = HAL_SPINLOCK_INIT;

static void *pool_alloc(size_t size)
{
	void *block = NULL;
	unsigned long flags;

	if (size > POOL_BLOCK)
		return NULL;
	flags = hal_spin_lock_irqsave(&pool_lock);
	for (int i = 0; i < POOL_COUNT && !block; i++) {
		if (!pool_used[i]) {
			pool_used[i] = true;
			block = pool[i];
		}
	}
	hal_spin_unlock_irqrestore(&pool_lock, flags);
	return block;
}

static void pool_free(void *base, size_t size)
{
	uintptr_t off = (uintptr_t)base - (uintptr_t)pool;
	size_t i = off / POOL_BLOCK;
	unsigned long flags;

	kverify(off % POOL_BLOCK == 0 && i < POOL_COUNT && size <= POOL_BLOCK);
	flags = hal_spin_lock_irqsave(&pool_lock);
	kassertf(pool_used[i], "task stack pool: block %p freed twice", base);
	pool_used[i] = false;
	hal_spin_unlock_irqrestore(&pool_lock, flags);
}

const struct task_stack_ops task_default_stack_ops = {
    .alloc = pool_alloc,
    .free = pool_free,
};
