/*
 * Time from the time CSR (rdtime, counting at the device tree's
 * timebase-frequency) and the one-shot timer through SBI TIME. The wall
 * clock (hal_time_realtime_ns) is the board's RTC.
 */
#include <arch/board.h>
#include <arch/sbi.h>
#include <hal/platform.h>
#include <hal/time.h>
#include "riscv.h"

static uint64_t timebase_hz;
static hal_timer_handler_t timer_fn;
static void *timer_arg;

extern uint64_t riscv_entry_ticks; /* boot.c */

void riscv_time_init(uint64_t hz)
{
	timebase_hz = hz;
}

static uint64_t ticks_to_ns(uint64_t t)
{
	/* Split so neither product can overflow for any realistic uptime. */
	return t / timebase_hz * 1000000000ull + t % timebase_hz * 1000000000ull / timebase_hz;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	/* Round up: the timer must never fire before the deadline. */
	return ns / 1000000000ull * timebase_hz +
	       (ns % 1000000000ull * timebase_hz + 999999999ull) / 1000000000ull;
}

uint64_t hal_time_ns(void)
{
	return ticks_to_ns(rdtime());
}

uint64_t hal_time_freq_hz(void)
{
	return timebase_hz;
}

uint64_t hal_boot_entry_ns(void)
{
	return ticks_to_ns(riscv_entry_ticks);
}

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg)
{
	timer_fn = fn;
	timer_arg = arg;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	sbi_set_timer(ns_to_ticks(deadline_ns));
	csr_set(sie, SIE_STIE);
}

void hal_timer_cancel(void)
{
	csr_clear(sie, SIE_STIE);
	sbi_set_timer(UINT64_MAX);
}

void riscv_timer_interrupt(void)
{
	/* One-shot: quiet the comparator before the handler may re-arm it. */
	sbi_set_timer(UINT64_MAX);
	if (timer_fn)
		timer_fn(timer_arg);
}
