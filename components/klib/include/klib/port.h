/*
 * What klib needs from the program it is linked into. A platform implements
 * these with its console and power-off; a unit test implements them with a
 * capture buffer and longjmp. klib itself depends on nothing else.
 */
#ifndef KLIB_PORT_H
#define KLIB_PORT_H

#include <stddef.h>

/* Write 'len' bytes of already formatted text to the console. */
void klib_port_write(const char *s, size_t len);

/* Stop after a panic message has been printed; the run counts as failed. */
__attribute__((noreturn)) void klib_port_panic(void);

#endif
