/*
 * Start-up shared by every platform. The platform's own entry code brings up
 * the hal and calls kit_start(); from here on nothing is platform specific.
 * Components are initialised explicitly, in dependency order, guarded by
 * their CONFIG_ symbols, so a disabled component is not referenced at all.
 */
#include <kit/kit.h>
#include <hal/power.h>

void kit_start(void)
{
	hal_power_off(app_main());
}
