/*
 * The host platform: the kernel runs as a Linux process. main() plays the
 * boot code: it records the entry time, sets up "RAM" (an mmap'd region),
 * the timer signal and the fault handler, then calls kit_start().
 */
#include <kit/kit.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#ifdef CONFIG_TASK
#include <task/stack.h>
#endif

static uint64_t entry_ns;
static char cmdline[1024];

const char *hal_platform_name(void)
{
	return "host";
}

const char *hal_boot_cmdline(void)
{
	return cmdline;
}

uint64_t hal_boot_entry_ns(void)
{
	return entry_ns;
}

int main(int argc, char **argv)
{
	size_t used = 0;

	host_time_init();
	entry_ns = hal_time_ns();

	/* The kernel command line is the arguments, space-separated. */
	for (int i = 1; i < argc; i++) {
		int n = snprintf(cmdline + used, sizeof(cmdline) - used, "%s%s", i > 1 ? " " : "",
				 argv[i]);
		if (n < 0 || (size_t)n >= sizeof(cmdline) - used) {
			fprintf(stderr, "host: command line longer than %zu bytes\n", sizeof(cmdline) - 1);
			return 2;
		}
		used += (size_t)n;
	}

	setvbuf(stdout, NULL, _IONBF, 0);
	host_memmap_init();
	host_trap_init();
#ifdef CONFIG_TASK
	task_set_stack_ops(&host_task_stack_ops);
#endif
	kit_start();
}
