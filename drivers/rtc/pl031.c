/* PL031 RTC (drivers/pl031.h). */
#include <drivers/pl031.h>

#define RTCDR 0 /* data register: the current count, in seconds */

uint32_t pl031_read_s(void *base)
{
	return ((volatile uint32_t *)base)[RTCDR];
}
