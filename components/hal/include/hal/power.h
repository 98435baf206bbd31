/* Ending the run. */
#ifndef HAL_POWER_H
#define HAL_POWER_H

/*
 * Power off. status 0 is success; anything else is a failure, and the value
 * (1..255) is what the host sees: QEMU's exit status, or the host process's.
 */
__attribute__((noreturn)) void hal_power_off(int status);

#endif
