/*
 * Freestanding memory and string functions.
 *
 * This file must not be compiled into calls to itself: the build disables the
 * compiler's loop-to-memcpy idiom recognition for it (-fno-builtin and, for
 * GCC, -fno-tree-loop-distribute-patterns).
 */
#include <klib/string.h>
#include <klib/errno.h>
#include <klib/compiler.h>
#include <stdint.h>

typedef uintptr_t word_t;
#define WSIZE sizeof(word_t)

void *klib_memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Word copies when both sides share alignment: page copies dominate. */
	if (((uintptr_t)d & (WSIZE - 1)) == ((uintptr_t)s & (WSIZE - 1))) {
		while (n && ((uintptr_t)d & (WSIZE - 1))) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *klib_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return klib_memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *klib_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t w = (unsigned char)c;

	while (n && ((uintptr_t)d & (WSIZE - 1))) {
		*d++ = (unsigned char)c;
		n--;
	}
	w |= w << 8;
	w |= w << 16;
	if (WSIZE > 4)
		w |= (w << 16) << 16;
	/* Eight words a turn: clearing a large table (page-alloc's frames at
	 * boot) is store-bound, and the loop's own instructions would
	 * otherwise be half of them. */
	for (; n >= 8 * WSIZE; n -= 8 * WSIZE, d += 8 * WSIZE) {
		word_t *q = (word_t *)(void *)d;

		q[0] = w;
		q[1] = w;
		q[2] = w;
		q[3] = w;
		q[4] = w;
		q[5] = w;
		q[6] = w;
		q[7] = w;
	}
	for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
		*(word_t *)(void *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int klib_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t klib_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t klib_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int klib_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int klib_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *klib_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *klib_strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t len = klib_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		klib_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void kmemzero_explicit(void *p, size_t n)
{
	klib_memset(p, 0, n);
	/* p escapes into an asm that may read memory: the stores must happen. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int kstrtou64(const char *s, int base, unsigned long long *out, const char **end)
{
	unsigned long long v = 0;
	const char *start;
	int overflow = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}
	if (base < 2 || base > 36)
		return -EINVAL;
	for (start = s; digit_value(*s) < base; s++) {
		unsigned d = (unsigned)digit_value(*s);
		if (v > (~0ULL - d) / (unsigned)base)
			overflow = 1;
		v = v * (unsigned)base + d;
	}
	if (end)
		*end = s;
	if (s == start || (!end && *s))
		return -EINVAL;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

#if !__STDC_HOSTED__
/* The standard names, for a freestanding image. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	return klib_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return klib_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return klib_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return klib_memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	return klib_strlen(s);
}

size_t strnlen(const char *s, size_t max)
{
	return klib_strnlen(s, max);
}

int strcmp(const char *a, const char *b)
{
	return klib_strcmp(a, b);
}

int strncmp(const char *a, const char *b, size_t n)
{
	return klib_strncmp(a, b, n);
}

char *strchr(const char *s, int c)
{
	return klib_strchr(s, c);
}

char *strrchr(const char *s, int c)
{
	return klib_strrchr(s, c);
}
#endif
