/*
 * The PC's 8254 programmable interval timer, as a reference clock: its
 * channel 2 (the speaker's, gated by port 0x61) counts down at 1.193182 MHz
 * whatever the CPU does. For calibrating the CPU's own timers at boot,
 * with interrupts off: busy-waits, never sleeps, touches no interrupt.
 */
#ifndef DRIVERS_I8254_H
#define DRIVERS_I8254_H

/* Busy-wait us microseconds by channel 2 (ctx unused: the PIT is at fixed ports). */
void i8254_wait_us(void *ctx, unsigned us);

#endif
