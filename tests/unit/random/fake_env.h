/*
 * random's dependencies, faked (hal/cpu.h, hal/time.h, hal/boot.h): a clock
 * the test drives, boot entropy the test chooses, a CPU id the test sets.
 * Everything is deterministic, so two runs given the same inputs must
 * produce the same output, and any difference comes from the inputs.
 */
#ifndef RANDOM_FAKE_ENV_H
#define RANDOM_FAKE_ENV_H

#include <stddef.h>
#include <stdint.h>

enum fake_clock {
	FAKE_CLOCK_STOPPED,   /* never moves */
	FAKE_CLOCK_METRONOME, /* 100 ns per read, always */
	FAKE_CLOCK_JITTERY,   /* 1..400 ns per read, from a fixed pseudo-random sequence */
};

extern enum fake_clock fake_clock_mode;
extern uint64_t fake_clock_ns; /* the next reading (before this read's step) */
extern unsigned fake_cpu;      /* what hal_cpu_id() returns */
extern uint8_t fake_seed[64];  /* what hal_boot_entropy() hands out, once */
extern size_t fake_seed_len;

#endif
