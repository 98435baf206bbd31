/*
 * random's dependencies, faked (hal/time.h, hal/boot.h, the host's inline
 * interrupt flag): a clock the test drives, boot entropy the test chooses,
 * and a CPU id the test sets (test_crng.c builds crng.c with RANDOM_CPU_ID
 * calling fake_cpu_id; the random library test_random.c links asks
 * hal_cpu_id, inline on the host and always 0).
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
extern unsigned fake_cpu;      /* the CPU random thinks it runs on */
extern uint8_t fake_seed[64];  /* what hal_boot_entropy() hands out, once */
extern size_t fake_seed_len;

unsigned fake_cpu_id(void);

#endif
