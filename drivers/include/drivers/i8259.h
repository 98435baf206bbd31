/*
 * The PC's pair of 8259A interrupt controllers, which a machine with local
 * APICs leaves unused: moved off the exception vectors and masked. Once,
 * at boot, interrupts off; never sleeps.
 */
#ifndef DRIVERS_I8259_H
#define DRIVERS_I8259_H

#include <stdint.h>

/*
 * Reinitialise both controllers to deliver at vectors base..base+15 (should
 * one still signal: the spurious IRQ 7 and 15 are not masked by the mask
 * register), then mask every line.
 */
void i8259_disable(uint8_t base);

#endif
