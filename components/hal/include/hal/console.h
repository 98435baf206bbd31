/* The boot console: where kprintf output goes. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

void hal_console_putc(char c);
/* Write len bytes; '\n' is sent as is (terminals here expect no '\r'). */
void hal_console_write(const char *s, size_t len);
/* A received character, or -1 if none is waiting. Never blocks. */
int hal_console_getc(void);

#endif
