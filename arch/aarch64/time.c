/*
 * Time from the generic timer (Arm ARM, chapter D11): the virtual counter
 * CNTVCT_EL0 (equal to the physical one: start.S zeroes CNTVOFF_EL2 when
 * it owns EL2, and firmware does otherwise), and the EL1 virtual timer as
 * the one-shot timer, a private interrupt of each CPU. The wall clock
 * (hal_time_realtime_ns) is the board's RTC.
 */
#include <arch/board.h>
#include <hal/platform.h>
#include <hal/time.h>
#include <klib/errno.h>
#include "../common/ticks.h"
#include "aarch64.h"

static uint64_t counter_hz;
static hal_timer_handler_t timer_fn;
static void *timer_arg;

extern uint64_t aarch64_entry_ticks; /* boot.c */

static void timer_interrupt(void);

int aarch64_time_init(uint64_t freq_hz, unsigned virt_timer_intid)
{
	counter_hz = freq_hz ? freq_hz : sysreg_read(cntfrq_el0);
	if (!counter_hz)
		return -EINVAL;
	sysreg_write(cntv_ctl_el0, 0);
	return aarch64_irq_attach(virt_timer_intid, timer_interrupt);
}

uint64_t hal_time_ns(void)
{
	return ticks_to_ns(cntvct(), counter_hz);
}

uint64_t hal_time_freq_hz(void)
{
	return counter_hz;
}

uint64_t hal_boot_entry_ns(void)
{
	return ticks_to_ns(aarch64_entry_ticks, counter_hz);
}

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg)
{
	timer_fn = fn;
	timer_arg = arg;
}

/* The timer's condition is CNTVCT >= CNTV_CVAL: a past deadline fires at once. */
void hal_timer_arm(uint64_t deadline_ns)
{
	sysreg_write(cntv_cval_el0, ns_to_ticks(deadline_ns, counter_hz));
	sysreg_write(cntv_ctl_el0, CNTV_ENABLE);
	isb();
}

void hal_timer_cancel(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

static void timer_interrupt(void)
{
	/* One-shot and level-triggered: disabled, its output drops before the
	 * handler may re-arm it. */
	sysreg_write(cntv_ctl_el0, 0);
	isb();
	if (timer_fn)
		timer_fn(timer_arg);
}
