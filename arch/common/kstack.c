/*
 * Task stacks with guard pages (task/stack.h), built on the kernel page
 * table. RAM is in the direct map and a hole cannot be punched into that
 * mapping without losing the frame under it, so each stack gets a second
 * mapping in the architecture's region for stacks (arch/memory.h): its
 * frames, preceded by CONFIG_KSTACK_GUARD_PAGES unmapped pages. Running off
 * the bottom of a stack then faults on the guard, and the trap entry (which
 * knows the running stack's bottom, hal_stack_set_bottom) reports the
 * overflow from an emergency stack. The guard costs address space, not
 * memory.
 *
 * The region is handed out page by page from a bitmap, first fit; it is
 * small (CONFIG_KSTACK_REGION_MB), so a scan is cheap next to creating a
 * task.
 */
#include <hal/spinlock.h>
#include <klib/compiler.h>
#include <klib/panic.h>
#include <page-alloc/page_alloc.h>
#include <paging/paging.h>
#include <task/stack.h>
#include "kmap.h"

#define GUARD_PAGES  CONFIG_KSTACK_GUARD_PAGES
#define REGION_PAGES ((size_t)CONFIG_KSTACK_REGION_MB << (20 - PAGE_SHIFT))
#define WORD_BITS    64

static unsigned long used[REGION_PAGES / WORD_BITS]; /* 1: page taken (stack or guard) */
static hal_spinlock_t lock = HAL_SPINLOCK_INIT;
static uintptr_t region_base;

static bool page_used(size_t i)
{
	return used[i / WORD_BITS] >> (i % WORD_BITS) & 1;
}

static void mark(size_t first, size_t n, bool on)
{
	for (size_t i = first; i < first + n; i++) {
		if (on)
			used[i / WORD_BITS] |= 1ul << (i % WORD_BITS);
		else
			used[i / WORD_BITS] &= ~(1ul << (i % WORD_BITS));
	}
}

/* First run of n free pages; REGION_PAGES if none. */
static size_t find_free(size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < REGION_PAGES; i++) {
		run = page_used(i) ? 0 : run + 1;
		if (run == n)
			return i + 1 - n;
	}
	return REGION_PAGES;
}

static unsigned order_of(size_t pages)
{
	unsigned order = 0;

	while ((1ul << order) < pages)
		order++;
	return order;
}

static void *kstack_alloc(size_t size)
{
	size_t pages = size >> PAGE_SHIFT, first;
	unsigned order = order_of(pages);
	unsigned long flags;
	paddr_t pa;
	uintptr_t va;

	pa = page_alloc(order);
	if (pa == PADDR_NONE)
		return NULL;
	flags = hal_spin_lock_irqsave(&lock);
	first = find_free(GUARD_PAGES + pages);
	if (first < REGION_PAGES)
		mark(first, GUARD_PAGES + pages, true);
	hal_spin_unlock_irqrestore(&lock, flags);
	if (first == REGION_PAGES)
		goto no_room;

	va = region_base + ((first + GUARD_PAGES) << PAGE_SHIFT);
	if (pt_map(pt_kernel(), va, pa, size, PT_READ | PT_WRITE | PT_GLOBAL, 0) == 0)
		return (void *)va;

	flags = hal_spin_lock_irqsave(&lock);
	mark(first, GUARD_PAGES + pages, false);
	hal_spin_unlock_irqrestore(&lock, flags);
no_room:
	page_free(pa, order);
	return NULL;
}

static void kstack_free(void *base, size_t size)
{
	uintptr_t va = (uintptr_t)base;
	size_t pages = size >> PAGE_SHIFT, first = ((va - region_base) >> PAGE_SHIFT) - GUARD_PAGES;
	unsigned long flags;
	paddr_t pa;

	if (pt_query(pt_kernel(), va, &pa, NULL, NULL) != 0)
		panic("kstack: freeing %p, which is not a mapped stack", base);
	pt_unmap(pt_kernel(), va, size, NULL, NULL);
	page_free(pa, order_of(pages));
	flags = hal_spin_lock_irqsave(&lock);
	mark(first, GUARD_PAGES + pages, false);
	hal_spin_unlock_irqrestore(&lock, flags);
}

static const struct task_stack_ops kstack_ops = {
    .alloc = kstack_alloc,
    .free = kstack_free,
};

/* Called once the kernel page table is built, before task_init(). */
void kstack_init(uintptr_t base)
{
	region_base = base;
	task_set_stack_ops(&kstack_ops);
}
