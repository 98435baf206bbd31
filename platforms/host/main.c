/*
 * The host platform: the kernel runs as a Linux process. main() plays the
 * boot code: it records the entry time, reads the command line and initrd
 * (boot.c), sets up "RAM" (an mmap'd region), the timer signal and the fault
 * handler, then calls kit_start().
 */
#include <kit/kit.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <stdio.h>
#include "host.h"
#ifdef CONFIG_TASK
#include <task/stack.h>
#endif

static uint64_t entry_ns;

const char *hal_platform_name(void)
{
	return "host";
}

uint64_t hal_boot_entry_ns(void)
{
	return entry_ns;
}

int main(int argc, char **argv)
{
	host_time_init();
	entry_ns = hal_time_ns();

	/* One way in, as on a board: arguments would be a second, silent one. */
	if (argc > 1) {
		fprintf(stderr,
		        "%s: takes no arguments; the kernel command line is KIT_CMDLINE, "
		        "the initrd the file named by KIT_INITRD\n",
		        argv[0]);
		return 2;
	}
	host_boot_init();
	setvbuf(stdout, NULL, _IONBF, 0);
	host_memmap_init();
	host_trap_init();
#ifdef CONFIG_TASK
	task_set_stack_ops(&host_task_stack_ops);
#endif
	kit_start();
}
