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

/* may_alias: a word load or store may touch bytes of any type. */
typedef uintptr_t __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)
#define WMASK (WSIZE - 1)

/*
 * Shift-merging the aligned source words around a misaligned run: the
 * first bytes of a run sit in the high-order end of the word that holds
 * them on a little-endian machine, the low-order end on a big-endian one.
 * LO(w, b) moves the word's bytes b.. down to its first bytes, HI(w, b)
 * its first bytes up to byte b; b is 1..WSIZE-1, so no shift is by 0 or
 * by the width.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LO(w, b) ((w) >> (8 * (b)))
#define HI(w, b) ((w) << (8 * (b)))
#else
#define LO(w, b) ((w) << (8 * (b)))
#define HI(w, b) ((w) >> (8 * (b)))
#endif

/*
 * The bytes [from, to) of the aligned word at p, the others zero, read a
 * byte at a time: the words at the ends of a run are never loaded whole,
 * so nothing outside the buffers is read.
 */
static word_t partial_word(const unsigned char *p, size_t from, size_t to)
{
	union {
		word_t w;
		unsigned char b[WSIZE];
	} u = {0};

	for (size_t i = from; i < to; i++)
		u.b[i] = p[i];
	return u.w;
}

/*
 * Forward copy of n bytes, d word-aligned. Reads every source byte before
 * writing the destination bytes below it, so memmove may use it when d < s.
 * A source at another alignment is read in aligned words merged by shifts:
 * a misaligned word access traps or is emulated slowly on some machines.
 */
static void copy_fwd(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t k = (uintptr_t)s & WMASK;

	if (k == 0) {
		for (; n >= 4 * WSIZE; n -= 4 * WSIZE, d += 4 * WSIZE, s += 4 * WSIZE) {
			const word_t *q = (const word_t *)(const void *)s;
			word_t *o = (word_t *)(void *)d, a = q[0], b = q[1], c = q[2], e = q[3];

			o[0] = a;
			o[1] = b;
			o[2] = c;
			o[3] = e;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
	} else if (n >= 2 * WSIZE - k) {
		/* cur: the aligned word holding s, of which the bytes from s on are the run's. Each
		 * turn loads the next word whole, which the loop condition keeps inside the run. */
		const word_t *q = (const word_t *)(const void *)(s - k);
		word_t cur = partial_word((const unsigned char *)q, k, WSIZE), next;

		q++;
		for (; n >= 5 * WSIZE - k; n -= 4 * WSIZE, d += 4 * WSIZE, q += 4) {
			word_t *o = (word_t *)(void *)d, a = q[0], b = q[1], c = q[2], e = q[3];

			o[0] = LO(cur, k) | HI(a, WSIZE - k);
			o[1] = LO(a, k) | HI(b, WSIZE - k);
			o[2] = LO(b, k) | HI(c, WSIZE - k);
			o[3] = LO(c, k) | HI(e, WSIZE - k);
			cur = e;
		}
		for (; n >= 2 * WSIZE - k; n -= WSIZE, d += WSIZE, q++) {
			next = *q;
			*(word_t *)(void *)d = LO(cur, k) | HI(next, WSIZE - k);
			cur = next;
		}
		s = (const unsigned char *)q - (WSIZE - k);
	}
	while (n--)
		*d++ = *s++;
}

/*
 * Backward copy of the n bytes ending at d and s (exclusive), d word-
 * aligned: reads every source byte before writing the destination bytes
 * above it, for memmove when d > s.
 */
static void copy_bwd(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t k = (uintptr_t)s & WMASK;

	if (k == 0) {
		for (; n >= WSIZE; n -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
		}
	} else if (n >= WSIZE + k) {
		/* cur: the aligned word holding s's last bytes, the k below s being the run's. */
		const word_t *q = (const word_t *)(const void *)(s - k);
		word_t cur = partial_word((const unsigned char *)q, 0, k), prev;

		for (; n >= WSIZE + k; n -= WSIZE) {
			prev = *--q;
			d -= WSIZE;
			*(word_t *)(void *)d = HI(cur, WSIZE - k) | LO(prev, k);
			cur = prev;
		}
		s = (const unsigned char *)q + k;
	}
	while (n--)
		*--d = *--s;
}

void *klib_memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n && ((uintptr_t)d & WMASK); n--)
		*d++ = *s++;
	copy_fwd(d, s, n);
	return dst;
}

void *klib_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		for (; n && ((uintptr_t)d & WMASK); n--)
			*d++ = *s++;
		copy_fwd(d, s, n);
		return dst;
	}
	/* Overlap with dst above src: backwards, from the end, once dst's end is aligned. */
	d += n;
	s += n;
	for (; n && ((uintptr_t)d & WMASK); n--)
		*--d = *--s;
	copy_bwd(d, s, n);
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
	/* Whole pages (a page cleared for a fault, a table) 32 words a turn:
	 * the loop's own three instructions then cost a tenth of the stores,
	 * not a third as with eight. */
	for (; n >= 32 * WSIZE; n -= 32 * WSIZE, d += 32 * WSIZE) {
		word_t *q = (word_t *)(void *)d;

#pragma GCC unroll 32
		for (unsigned i = 0; i < 32; i++)
			q[i] = w;
	}
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
