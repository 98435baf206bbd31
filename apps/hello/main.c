/*
 * hello: the smallest app that shows the kit working. It prints a banner
 * (platform, RAM, components, time from image entry to here), then proves
 * interrupts work by taking three one-shot timer interrupts 1 ms apart, and
 * shuts down with success.
 */
#include <kit/kit.h>
#include <hal/cpu.h>
#include <hal/memmap.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <klib/printf.h>
#ifdef CONFIG_PAGE_ALLOC
#include <page-alloc/page_alloc.h>
#endif
#ifdef CONFIG_PAGING
#include <paging/paging.h>
#endif

#define TICKS      3
#define PERIOD_NS  1000000ull
#define GIVE_UP_NS 1000000000ull /* a lost interrupt fails the run, it does not hang it */

struct ticker {
	volatile int fired;
	uint64_t deadline[TICKS];
	uint64_t at[TICKS];
};

static void on_tick(void *arg)
{
	struct ticker *t = arg;
	int i = t->fired;

	t->at[i] = hal_time_ns();
	t->fired = i + 1;
	if (i + 1 < TICKS) {
		t->deadline[i + 1] = t->deadline[i] + PERIOD_NS;
		hal_timer_arm(t->deadline[i + 1]);
	}
}

static int take_timer_interrupts(void)
{
	struct ticker t = {0};
	uint64_t start = hal_time_ns();

	/* Interrupts off first: a scheduler tick armed before (CONFIG_TASK) must not reach
	 * on_tick before its first deadline is set. */
	hal_irq_disable();
	hal_timer_set_handler(on_tick, &t);
	t.deadline[0] = start + PERIOD_NS;
	hal_timer_arm(t.deadline[0]);
	/* Check-then-wait with interrupts off, so a tick cannot slip in between. */
	while (t.fired < TICKS && hal_time_ns() - start < GIVE_UP_NS) {
		hal_cpu_wait();
		hal_irq_enable();
		hal_irq_disable();
	}
	hal_timer_cancel();
	hal_timer_set_handler(NULL, NULL);

	for (int i = 0; i < t.fired; i++) {
		kprintf("timer: interrupt %d at +%llu us (%s)\n", i + 1,
		        (unsigned long long)(t.at[i] - start) / 1000,
		        t.at[i] >= t.deadline[i] ? "on time" : "EARLY");
		if (t.at[i] < t.deadline[i])
			return 1;
	}
	if (t.fired < TICKS) {
		kprintf("timer: only %d of %d interrupts arrived within 1 s\n", t.fired, TICKS);
		return 1;
	}
	return 0;
}

int app_main(void)
{
	uint64_t main_ns = hal_time_ns();

	kprintf("hello from unikit\n");
	kprintf("platform: %s, boot cpu %lu\n", hal_platform_name(), hal_cpu_hwid());
	kprintf("ram: %llu MiB\n", (unsigned long long)(hal_mem_ram_size() >> 20));
	kprintf("components: %s\n", kit_components);
	kprintf("entry to main: %llu us\n",
	        (unsigned long long)(main_ns - hal_boot_entry_ns()) / 1000);
#ifdef CONFIG_PAGING
	if (pt_kernel())
		kprintf("paging: kernel runs in its own %s page table (W^X), root 0x%llx\n",
		        pt_format_name(pt_format(pt_kernel())),
		        (unsigned long long)pt_root(pt_kernel()));
	else
		kprintf("paging: no kernel page table on this platform\n");
#endif
#ifdef CONFIG_PAGE_ALLOC
	kprintf("frames: %zu free of %zu (4 KiB)\n", page_free_count(), page_total_count());
#endif

	if (take_timer_interrupts() != 0) {
		kprintf("hello: timer interrupts FAILED\n");
		return 1;
	}
	kprintf("hello: done\n");
	return 0;
}
