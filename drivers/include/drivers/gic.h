/* What GICv2 and GICv3 (drivers/gicv2.h, drivers/gicv3.h) share. */
#ifndef DRIVERS_GIC_H
#define DRIVERS_GIC_H

/* Interrupt ids 1020-1023 are special; an acknowledge returns 1023 when nothing is pending. */
#define GIC_SPURIOUS      1023
#define GIC_FIRST_SPECIAL 1020

#endif
