/*
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=P,iosize=4):
 * a write of v to its port ends QEMU with exit status (v << 1) | 1. So a
 * run can end with any odd status from 3 up, but never 0 or 1 this way:
 * a board ends a successful run otherwise (ACPI, a reset with -no-reboot),
 * and whoever runs QEMU maps the status back (scripts/run.py).
 */
#ifndef DRIVERS_ISA_DEBUG_EXIT_H
#define DRIVERS_ISA_DEBUG_EXIT_H

#include <stdint.h>

/* End the run: QEMU exits with (v << 1) | 1. Returns only without the device. */
void isa_debug_exit(uint16_t port, uint32_t v);

#endif
