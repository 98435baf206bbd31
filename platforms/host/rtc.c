/* The host's wall clock (hal/time.h): the host's own. */
#include <hal/time.h>
#include <time.h>

uint64_t hal_time_realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
