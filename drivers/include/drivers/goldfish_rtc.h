/*
 * Google's goldfish RTC ("google,goldfish-rtc"), as QEMU's virt machines
 * have it: nanoseconds since 1970 in two 32-bit registers. Any context;
 * never sleeps.
 */
#ifndef DRIVERS_GOLDFISH_RTC_H
#define DRIVERS_GOLDFISH_RTC_H

#include <stdint.h>

uint64_t goldfish_rtc_read_ns(void *base);

#endif
