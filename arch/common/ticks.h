/*
 * A counter's ticks and nanoseconds, both ways, for the architectures'
 * hal_time_ns() and one-shot timers (arch/<arch>/time.c). Private to
 * arch/.
 */
#ifndef ARCH_COMMON_TICKS_H
#define ARCH_COMMON_TICKS_H

#include <stdint.h>

static inline uint64_t ticks_to_ns(uint64_t t, uint64_t hz)
{
	/* Split so neither product can overflow for any realistic uptime. */
	return t / hz * 1000000000ull + t % hz * 1000000000ull / hz;
}

static inline uint64_t ns_to_ticks(uint64_t ns, uint64_t hz)
{
	/* Round up: the timer must never fire before the deadline. */
	return ns / 1000000000ull * hz + (ns % 1000000000ull * hz + 999999999ull) / 1000000000ull;
}

#endif
