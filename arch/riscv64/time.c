/*
 * Time from the rdtime counter (timebase-frequency from the device tree),
 * the one-shot timer through SBI TIME, and wall-clock time from QEMU's
 * goldfish RTC.
 */
#include <hal/time.h>
#include "riscv.h"

static hal_timer_handler_t timer_fn;
static void *timer_arg;

static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t hz = riscv_board.timebase_hz;

	/* Split so neither product can overflow for any realistic uptime. */
	return t / hz * 1000000000ull + t % hz * 1000000000ull / hz;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t hz = riscv_board.timebase_hz;

	/* Round up: the timer must never fire before the deadline. */
	return ns / 1000000000ull * hz + (ns % 1000000000ull * hz + 999999999ull) / 1000000000ull;
}

uint64_t hal_time_ns(void)
{
	return ticks_to_ns(rdtime());
}

uint64_t hal_time_freq_hz(void)
{
	return riscv_board.timebase_hz;
}

uint64_t hal_time_realtime_ns(void)
{
	volatile uint32_t *rtc = (volatile uint32_t *)riscv_board.rtc_base;
	uint32_t lo, hi;

	if (!rtc)
		return 0;
	lo = rtc[0]; /* reading TIME_LOW latches TIME_HIGH */
	hi = rtc[1];
	return (uint64_t)hi << 32 | lo;
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
