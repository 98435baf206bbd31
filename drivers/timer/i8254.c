/*
 * PIT channel 2 as a stopwatch (drivers/i8254.h; Intel 8254 data sheet).
 * Mode 0 (interrupt on terminal count): OUT2 goes low when the count is
 * written and high when it reaches zero; port 0x61 bit 5 reads OUT2, bit 0
 * is channel 2's gate, bit 1 the speaker (kept off). The count is 16 bits:
 * a long wait is done in pieces.
 */
#include <drivers/i8254.h>
#include <drivers/ioport.h>

/* clang-format off */
#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_COMMAND 0x43
#define PORT_B      0x61
#define CH2_LOHI_MODE0 0xb0 /* channel 2, low then high byte, mode 0, binary */
#define B_GATE2     0x01
#define B_SPEAKER   0x02
#define B_OUT2      0x20
#define PIECE_US    50000u /* 59659 counts: under 65536 */
/* clang-format on */

void i8254_wait_us(void *ctx, unsigned us)
{
	(void)ctx;
	while (us) {
		unsigned piece = us < PIECE_US ? us : PIECE_US;
		unsigned count = (unsigned)((unsigned long long)piece * PIT_HZ / 1000000u);

		ioport_out8(PORT_B, (uint8_t)((ioport_in8(PORT_B) & ~B_SPEAKER) | B_GATE2));
		ioport_out8(PIT_COMMAND, CH2_LOHI_MODE0);
		ioport_out8(PIT_CH2, count & 0xff);
		ioport_out8(PIT_CH2, (uint8_t)(count >> 8));
		while (!(ioport_in8(PORT_B) & B_OUT2))
			;
		us -= piece;
	}
}
