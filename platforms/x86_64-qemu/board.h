/* QEMU's PC: the devices this board drives (board.c starts them). */
#ifndef X86_64_QEMU_BOARD_H
#define X86_64_QEMU_BOARD_H

#include <stdbool.h>
#include <drivers/ns16550.h>

/* clang-format off */
#define PC_COM1       0x3f8
#define PC_DEBUG_EXIT 0xf4  /* -device isa-debug-exit,iobase=0xf4,iosize=0x04 (run.json) */
#define PC_RESET      0xcf9 /* the chipset's reset control register (ICH9, PIIX3) */
#define PC_PIC_VECTOR 0x20  /* where the masked PICs would deliver */
/* clang-format on */

struct pc_board {
	struct ns16550 uart;
};
extern struct pc_board pc_board;

/* Find ACPI's soft-off (acpi.c): once, in board_start(), before kit_start(). */
void acpi_init(void);
bool acpi_s5_found(void);
/* Enter S5 if acpi_init() found how; returns otherwise (or if the machine does not stop). */
void acpi_power_off(void);

/* Wait until every character written has left the UART (before power-off). */
void pc_console_flush(void);

#endif
