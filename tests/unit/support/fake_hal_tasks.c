/*
 * Tasks on the fake hal, for kernels whose address spaces lock with a
 * sleeping mutex (ADDR_SPACE_MUTEX): then every addr-space call needs a
 * task, so every unit test linking the fake hal runs as the task "main",
 * booted before main() runs. Cooperative: the timer is never armed (no
 * tick, and a sleep with a deadline would never end), which is all the
 * tests of the memory components need; the context switch is the host
 * platform's; stacks come from malloc (page-alloc's frames are reset by
 * the tests).
 */
#include <hal/time.h>
#include <klib/panic.h>
#include <stdlib.h>
#include <task/stack.h>
#include <task/task.h>
#include <time.h>

uint64_t hal_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hal_time_freq_hz(void)
{
	return 1000000000ull;
}

uint64_t hal_time_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg)
{
	(void)fn, (void)arg;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	(void)deadline_ns;
}

void hal_timer_cancel(void)
{
}

static void *stack_alloc(size_t size)
{
	return aligned_alloc(4096, size);
}

static void stack_free(void *base, size_t size)
{
	(void)size;
	free(base);
}

static const struct task_stack_ops malloc_stacks = {stack_alloc, stack_free};

__attribute__((constructor)) static void fake_hal_boot_tasks(void)
{
	if (task_set_stack_ops(&malloc_stacks) != 0 || task_init() != 0)
		panic("fake hal: cannot start tasks");
}
