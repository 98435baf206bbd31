/*
 * The I/O port space, for devices that have their registers there rather
 * than in memory (a PC's COM ports, PIT, PIC, QEMU's isa-debug-exit).
 * Implemented by the architecture that has one (CONFIG_ARCH_HAS_PORT_IO:
 * arch/x86_64/include/arch/ioport.h, inline). Any context, never sleeps.
 *
 *   uint8_t  ioport_in8(uint16_t port)
 *   void     ioport_out8(uint16_t port, uint8_t v)
 *   uint16_t ioport_in16(uint16_t port)
 *   void     ioport_out16(uint16_t port, uint16_t v)
 *   uint32_t ioport_in32(uint16_t port)
 *   void     ioport_out32(uint16_t port, uint32_t v)
 */
#ifndef DRIVERS_IOPORT_H
#define DRIVERS_IOPORT_H

#include <arch/ioport.h>

#endif
