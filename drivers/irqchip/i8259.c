/*
 * 8259A PIC pair (drivers/i8259.h; Intel 8259A data sheet): the
 * initialization command words ICW1-ICW4 on each, the primary with the
 * secondary cascaded on its line 2, then every line masked (OCW1). The
 * BIOS leaves them at vectors 8-15, the CPU's exceptions: a spurious IRQ 7
 * would look like a #NP otherwise.
 */
#include <drivers/i8259.h>
#include <drivers/ioport.h>

/* clang-format off */
#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x11 /* edge-triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01
/* clang-format on */

void i8259_disable(uint8_t base)
{
	ioport_out8(PIC1_CMD, ICW1_INIT);
	ioport_out8(PIC2_CMD, ICW1_INIT);
	ioport_out8(PIC1_DATA, base); /* ICW2: vector base */
	ioport_out8(PIC2_DATA, (uint8_t)(base + 8));
	ioport_out8(PIC1_DATA, 1u << 2); /* ICW3: a secondary on line 2 */
	ioport_out8(PIC2_DATA, 2);       /* ICW3: its line number */
	ioport_out8(PIC1_DATA, ICW4_8086);
	ioport_out8(PIC2_DATA, ICW4_8086);
	ioport_out8(PIC1_DATA, 0xff);
	ioport_out8(PIC2_DATA, 0xff);
}
