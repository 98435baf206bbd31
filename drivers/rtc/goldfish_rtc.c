/* Goldfish RTC (drivers/goldfish_rtc.h). */
#include <drivers/goldfish_rtc.h>

#define TIME_LOW  0 /* reading it latches TIME_HIGH */
#define TIME_HIGH 1

uint64_t goldfish_rtc_read_ns(void *base)
{
	volatile uint32_t *rtc = base;
	uint32_t lo = rtc[TIME_LOW], hi = rtc[TIME_HIGH];

	return (uint64_t)hi << 32 | lo;
}
