/*
 * Start-up shared by every platform. The platform's own entry code brings up
 * the hal and calls kit_start(); from here on nothing is platform specific.
 * Components are initialised explicitly, in dependency order, guarded by
 * their CONFIG_ symbols, so a disabled component is not referenced at all.
 */
#include <kit/kit.h>
#include <hal/power.h>
#ifdef CONFIG_TASK
#include <klib/errno.h>
#include <klib/panic.h>
#include <task/task.h>
#endif

void kit_start(void)
{
#ifdef CONFIG_TASK
	/* From here the boot flow is the task "main": app_main runs in it,
	 * with interrupts on and the scheduler going. sync needs no set-up. */
	int rc = task_init();

	if (rc < 0)
		panic("task_init failed: %s", kstrerror(rc));
#endif
	hal_power_off(app_main());
}
