/*
 * ARM PrimeCell PL031 real-time clock ("arm,pl031" in a device tree): a
 * counter of seconds that QEMU starts at the host's time (seconds since
 * 1970-01-01 UTC). Read-only use; any context, never sleeps.
 */
#ifndef DRIVERS_PL031_H
#define DRIVERS_PL031_H

#include <stdint.h>

/* The clock's value in seconds, from the registers at base. */
uint32_t pl031_read_s(void *base);

#endif
