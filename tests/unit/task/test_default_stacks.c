/*
 * The default stack allocator (TASK_STACK_PAGE_ALLOC: one block of 2^order
 * frames from page-alloc per stack), which the other task tests never run:
 * their harness installs the host's guarded stacks. Exactly as many frames
 * as the smallest power of two that holds the size, all of them back when
 * the task is gone, and no stack (task_create's -ENOMEM) when page-alloc
 * has none.
 */
#include "harness.h"
#include "kit_test.h"
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <sys/mman.h>
#include "host.h"

#ifndef CONFIG_TASK_STACK_PAGE_ALLOC
#error "tests/unit/defconfig has page-alloc, so its default stacks come from page-alloc"
#endif

#define PG    4096ul
#define RAM   (8ul << 20)
#define STACK ((size_t)CONFIG_TASK_STACK_SIZE)

static size_t free0;

/* 8 MiB of host memory, 2 MiB-aligned, for page-alloc. */
static int add_ram(void **state)
{
	char *p = mmap(NULL, RAM + (2ul << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);
	uintptr_t base;

	assert_true(p != MAP_FAILED);
	base = ((uintptr_t)p + (2ul << 20) - 1) & ~((2ul << 20) - 1);
	assert_int_equal(page_alloc_add_range(base, RAM), 0);
	free0 = page_free_count();
	(void)state;
	return free0 == 0;
}

/* Frames one block of 'size' takes, and that they all come back. */
static size_t frames_of(size_t size)
{
	void *b = task_default_stack_ops.alloc(size);
	size_t used = free0 - page_free_count();

	assert_non_null(b);
	assert_int_equal((uintptr_t)b % 16, 0);
	assert_true(page_is_managed(page_from_virt(b)));
	task_default_stack_ops.free(b, size);
	assert_int_equal(page_free_count(), free0);
	return used;
}

/* CONFIG_TASK_STACK_SIZE rounded up to a power-of-two number of pages. */
static size_t stack_pages(void)
{
	size_t pages = 1;

	while (pages * PG < STACK)
		pages *= 2;
	return pages;
}

static void test_blocks_take_the_smallest_power_of_two_pages(void **state)
{
	(void)state;
	assert_int_equal(frames_of(PG), 1);
	assert_int_equal(frames_of(2 * PG), 2);
	assert_int_equal(frames_of(3 * PG), 4);
	assert_int_equal(frames_of(4 * PG), 4);
	assert_int_equal(frames_of(5 * PG), 8);
	assert_int_equal(frames_of(64 * PG), 64);
	assert_int_equal(frames_of(STACK), stack_pages());
	assert_null(task_default_stack_ops.alloc(2 * RAM));
	assert_int_equal(page_free_count(), free0);
}

static volatile size_t free_while_running;

static int note_free_count(void *arg)
{
	(void)arg;
	free_while_running = page_free_count();
	return 7;
}

static void test_a_task_runs_on_a_default_stack_and_gives_it_back(void **state)
{
	void *blocks[RAM / STACK + 1];
	size_t n = 0;
	struct task *t;
	(void)state;

	assert_int_equal(task_set_stack_ops(NULL), 0); /* back to the default */
	t = harness_spawn("default", note_free_count, NULL, 0);
	assert_int_equal(harness_join(t), 7);
	assert_int_equal(free0 - free_while_running, stack_pages());
	assert_int_equal(page_free_count(), free0);
	/* No room for another stack: task_create says so. */
	while (n < RAM / STACK + 1 && (blocks[n] = task_default_stack_ops.alloc(STACK)))
		n++;
	assert_true(n < RAM / STACK + 1);
	assert_int_equal(task_create(&t, "none", note_free_count, NULL, NULL), -ENOMEM);
	while (n--)
		task_default_stack_ops.free(blocks[n], STACK);
	assert_int_equal(task_set_stack_ops(&host_task_stack_ops), 0);
	assert_int_equal(page_free_count(), free0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocks_take_the_smallest_power_of_two_pages),
	    cmocka_unit_test(test_a_task_runs_on_a_default_stack_and_gives_it_back),
	};
	harness_boot();
	return cmocka_run_group_tests(tests, add_ram, NULL);
}
