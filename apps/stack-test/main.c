/*
 * stack-test (a boot test, not a demo): recurses until the boot stack (or,
 * with CONFIG_STACK_TEST_IN_TASK, a task's stack) overflows into its
 * unmapped guard page. The trap entry must notice that
 * the stack has no room left, report the overflow from its emergency stack
 * and fail the run with the panic status (3), instead of faulting forever.
 */
#include <kit/kit.h>
#include <klib/printf.h>
#ifdef CONFIG_STACK_TEST_IN_TASK
#include <task/task.h>
#endif

static __attribute__((noinline)) unsigned long deep(unsigned long n)
{
	volatile char frame[256];

	frame[0] = (char)n;
	if (n == 0)
		return 0;
	return deep(n - 1) + (unsigned long)frame[0];
}

static int recurse(void)
{
	kprintf("stack-test: recursing until the stack overflows\n");
	kprintf("stack-test: FAILED: returned %lu\n", deep(1ul << 20));
	return 1;
}

#ifdef CONFIG_STACK_TEST_IN_TASK
static int overflow_task(void *arg)
{
	(void)arg;
	return recurse();
}

int app_main(void)
{
	struct task *t;
	int status = 1;

	kprintf("stack-test: in a task\n");
	if (task_create(&t, "deep", overflow_task, NULL, NULL) == 0)
		task_join(t, &status);
	return status;
}
#else
int app_main(void)
{
	return recurse();
}
#endif
