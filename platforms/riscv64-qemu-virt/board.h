/* QEMU's riscv64 virt machine: the devices this board drives (board.c finds them). */
#ifndef RISCV64_QEMU_VIRT_BOARD_H
#define RISCV64_QEMU_VIRT_BOARD_H

#include <drivers/ns16550.h>

struct virt_board {
	struct ns16550 uart; /* base NULL: none, the console is SBI's */
	void *test;          /* sifive,test finisher: the exit status; NULL: none */
	void *rtc;           /* goldfish RTC: the wall clock; NULL: none */
};
extern struct virt_board virt_board;

/* Wait until every character written has left the UART (before power-off). */
void virt_console_flush(void);

#endif
