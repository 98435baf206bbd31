/* Power off = exit with the status (0 success, else the failure code). */
#include <hal/power.h>
#include <stdlib.h>

void hal_power_off(int status)
{
	exit(status < 0 || status > 255 ? 1 : status);
}
