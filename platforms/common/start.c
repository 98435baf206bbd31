/*
 * Start-up shared by every platform. The platform's own entry code brings up
 * the hal and calls kit_start(); from here on nothing is platform specific.
 * Components are initialised explicitly, in dependency order, guarded by
 * their CONFIG_ symbols, so a disabled component is not referenced at all.
 */
#include <kit/kit.h>
#include <hal/power.h>
#include <klib/errno.h>
#include <klib/panic.h>
#ifdef CONFIG_RANDOM
#include <random/random.h>
#endif
#ifdef CONFIG_PAGE_ALLOC
#include <page-alloc/page_alloc.h>
#endif
#ifdef CONFIG_PAGING
#include <hal/mmu.h>
#endif
#ifdef CONFIG_ADDR_SPACE
#include <addr-space/addr_space.h>
#endif
#ifdef CONFIG_SMP
#include <hal/smp.h>
#include <klib/compiler.h>
#include <klib/printf.h>
#endif
#ifdef CONFIG_TASK
#include <task/task.h>
#endif

#if defined(CONFIG_SMP) && !defined(CONFIG_TASK)
/*
 * What the other CPUs do once up when the image has no tasks: take
 * interrupts (IPIs: cross-CPU calls, kicks) and sleep in between. With
 * tasks, each becomes its CPU's idle task and runs tasks
 * (task_secondary_main).
 */
KIT_NORETURN static void secondary_idle(void)
{
	hal_irq_enable();
	for (;;)
		hal_cpu_wait();
}
#define SECONDARY_MAIN secondary_idle
#elif defined(CONFIG_SMP)
#define SECONDARY_MAIN task_secondary_main
#endif

void kit_start(void)
{
	int rc = 0;

	(void)rc;
#ifdef CONFIG_RANDOM
	/* First: it needs only the hal, and the boot loader's seed should not wait. */
	random_init();
#endif
#ifdef CONFIG_PAGE_ALLOC
	if ((rc = page_alloc_init()) < 0)
		panic("page-alloc: no usable RAM in the memory map (%d)", rc);
#endif
#ifdef CONFIG_PAGING
	/* The kernel's own page table, where the platform has one (not the host). */
	if ((rc = hal_mmu_init()) < 0 && rc != -ENOSYS)
		panic("paging: building the kernel page table failed (%d)", rc);
#ifdef CONFIG_PAGE_ALLOC
	/* RAM the boot tables could not reach, which the kernel's table maps. */
	if (rc == 0)
		page_alloc_init_late();
#endif
#endif
#ifdef CONFIG_SMP
	/* After the kernel's final page table: the other CPUs start on it. */
	if ((rc = hal_smp_start(SECONDARY_MAIN)) < 0)
		panic("smp: starting the other cpus failed: %s", kstrerror(rc));
	kprintf("smp: %d cpus online\n", rc);
#endif
#ifdef CONFIG_ADDR_SPACE
	as_init();
#endif
#ifdef CONFIG_TASK
	/* From here the boot flow is the task "main": app_main runs in it,
	 * with interrupts on and the scheduler going. sync needs no set-up. */
	if ((rc = task_init()) < 0)
		panic("task_init failed: %s", kstrerror(rc));
#endif
	hal_power_off(app_main());
}
