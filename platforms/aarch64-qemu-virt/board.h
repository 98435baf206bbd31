/* QEMU's aarch64 virt machine: the devices this board drives (board.c finds them). */
#ifndef AARCH64_QEMU_VIRT_BOARD_H
#define AARCH64_QEMU_VIRT_BOARD_H

#include <drivers/pl011.h>

struct virt_board {
	struct pl011 uart; /* base NULL: none (yet), the console is semihosting's */
};
extern struct virt_board virt_board;

/* Wait until every character written has left the UART (before power-off). */
void virt_console_flush(void);

#endif
