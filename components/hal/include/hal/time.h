/*
 * Time and the one-shot timer of the calling CPU.
 *
 * hal_time_ns() is monotonic nanoseconds since the machine started. The timer
 * fires once at an absolute deadline on that clock and calls the registered
 * handler in interrupt context (interrupts disabled); arming it again replaces
 * the previous deadline. The counter and the timer are the architecture's
 * (riscv64: the time CSR and SBI TIME); the wall clock is the board's RTC.
 */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

uint64_t hal_time_ns(void);

/* Frequency of the underlying counter, for callers that want ticks. */
uint64_t hal_time_freq_hz(void);

/* Wall-clock time: nanoseconds since 1970-01-01 UTC (0 if the board has no clock). Board. */
uint64_t hal_time_realtime_ns(void);

typedef void (*hal_timer_handler_t)(void *arg);

void hal_timer_set_handler(hal_timer_handler_t fn, void *arg);

/* Fire once at deadline_ns (on hal_time_ns()'s clock); a past deadline fires at once. */
void hal_timer_arm(uint64_t deadline_ns);
void hal_timer_cancel(void);

#endif
