/*
 * The PC's CMOS real-time clock (MC146818 compatible, index port 0x70,
 * data port 0x71): the date and time in whole seconds. Boot time only,
 * interrupts off (the index register is shared); never sleeps.
 */
#ifndef DRIVERS_MC146818_H
#define DRIVERS_MC146818_H

#include <stdint.h>

/* Seconds since 1970-01-01 00:00 UTC, the clock taken as UTC; 0 if it reads as no valid date. */
uint64_t mc146818_read_s(void);

#endif
