/*
 * printf-style formatting without a C library.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, with the flags '-' (left-align),
 * '0' (zero-pad), '+', ' ' and '#', a width and a precision (numbers or '*'),
 * and the lengths hh h l ll z t j. %p prints 0x followed by the hex address.
 * An unknown conversion is printed as it was written, so a typo shows.
 */
#ifndef KLIB_PRINTF_H
#define KLIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>
#include <klib/compiler.h>

/* Called with each run of formatted output. */
typedef void (*kformat_sink_t)(void *ctx, const char *s, size_t len);

/* Format to a sink; returns the number of characters produced. */
int kvformat(kformat_sink_t sink, void *ctx, const char *fmt, va_list ap);

/*
 * Format into buf, always NUL-terminated when size > 0. Returns the length the
 * full output would have had, as C's snprintf does.
 */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) KIT_PRINTF(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Format to the console (klib_port_write); returns the characters written. */
int kprintf(const char *fmt, ...) KIT_PRINTF(1, 2);
int kvprintf(const char *fmt, va_list ap);

#endif
