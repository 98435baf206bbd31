/*
 * Memory and string functions. The standard names are what every component
 * calls (and what compilers emit calls to); on a freestanding target klib
 * defines them, on the host the C library does. The klib_ versions are the
 * implementations, callable on both so the host unit tests exercise them.
 */
#ifndef KLIB_STRING_H
#define KLIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

void *klib_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *klib_memmove(void *dst, const void *src, size_t n);
void *klib_memset(void *dst, int c, size_t n);
int klib_memcmp(const void *a, const void *b, size_t n);
size_t klib_strlen(const char *s);
size_t klib_strnlen(const char *s, size_t max);
int klib_strcmp(const char *a, const char *b);
int klib_strncmp(const char *a, const char *b, size_t n);
char *klib_strchr(const char *s, int c);
char *klib_strrchr(const char *s, int c);

/*
 * Copy at most size-1 bytes and always terminate (when size > 0).
 * Returns strlen(src), so a result >= size means the copy was truncated.
 */
size_t kstrlcpy(char *dst, const char *src, size_t size);

/*
 * memset to zero that the compiler may not drop as a dead store: for keys
 * and random state about to go out of scope (Linux's memzero_explicit).
 */
void kmemzero_explicit(void *p, size_t n);

/*
 * Parse an unsigned number in 'base' (0: 0x.. hex, 0.. octal, else decimal).
 * Returns 0 and stores the value, or -EINVAL for no digits / trailing junk
 * (when end is NULL) and -ERANGE on overflow. With 'end', parsing stops at the
 * first non-digit and *end points there.
 */
int kstrtou64(const char *s, int base, unsigned long long *out, const char **end);

#endif
