/*
 * The formatter behind kprintf and ksnprintf. One pass over the format; each
 * conversion is rendered into a small stack buffer and handed to the sink
 * with its padding, so the sink never sees more than a run at a time.
 */
#include <klib/printf.h>
#include <klib/port.h>
#include <klib/string.h>
#include <stdint.h>
#include <stdbool.h>

struct spec {
	bool left, zero, plus, space, alt;
	bool ptr;      /* %p: always 0x, even for NULL */
	int width;     /* -1: none */
	int precision; /* -1: none */
	char length;   /* 'H' hh, 'h', 'l', 'L' ll, 'z', 't', 'j', or 0 */
};

struct out {
	kformat_sink_t sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n) {
		o->sink(o->ctx, s, n);
		o->count += (int)n;
	}
}

static void pad(struct out *o, char c, int n)
{
	char buf[16];

	klib_memset(buf, c, sizeof(buf));
	while (n > 0) {
		int k = n > (int)sizeof(buf) ? (int)sizeof(buf) : n;
		emit(o, buf, (size_t)k);
		n -= k;
	}
}

/* Emit prefix + zeros + body with the field width applied. */
static void emit_field(struct out *o, const struct spec *sp, const char *prefix, size_t plen,
                       int zeros, const char *body, size_t blen)
{
	int len = (int)(plen + blen) + zeros;
	int fill = sp->width > len ? sp->width - len : 0;

	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	emit(o, prefix, plen);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	emit(o, body, blen);
	if (sp->left)
		pad(o, ' ', fill);
}

static void format_int(struct out *o, struct spec *sp, uintmax_t v, bool negative, unsigned base,
                       bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], prefix[3];
	size_t n = 0, plen = 0;
	int zeros;

	while (v) {
		buf[sizeof(buf) - 1 - n++] = digits[v % base];
		v /= base;
	}
	/* "%.0d" of 0 prints nothing; otherwise 0 is one digit. */
	if (n == 0 && sp->precision != 0)
		buf[sizeof(buf) - 1 - n++] = '0';

	if (negative)
		prefix[plen++] = '-';
	else if (sp->plus)
		prefix[plen++] = '+';
	else if (sp->space)
		prefix[plen++] = ' ';
	if (sp->ptr || (sp->alt && base == 16 && !(n == 1 && buf[sizeof(buf) - 1] == '0') && n)) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && buf[sizeof(buf) - n] != '0') {
		prefix[plen++] = '0';
	}

	zeros = sp->precision > (int)n ? sp->precision - (int)n : 0;
	if (sp->precision >= 0)
		sp->zero = false; /* C: a precision turns off the 0 flag */
	emit_field(o, sp, prefix, plen, zeros, buf + sizeof(buf) - n, n);
}

static uintmax_t get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 't':
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static intmax_t get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return (intmax_t)va_arg(*ap, size_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){.width = -1, .precision = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	} else {
		for (sp->width = 0; *f >= '0' && *f <= '9'; f++)
			sp->width = sp->width * 10 + (*f - '0');
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			if (sp->precision < 0)
				sp->precision = -1;
			f++;
		} else {
			for (sp->precision = 0; *f >= '0' && *f <= '9'; f++)
				sp->precision = sp->precision * 10 + (*f - '0');
		}
	}
	if (*f == 'h') {
		sp->length = f[1] == 'h' ? 'H' : 'h';
		f += f[1] == 'h' ? 2 : 1;
	} else if (*f == 'l') {
		sp->length = f[1] == 'l' ? 'L' : 'l';
		f += f[1] == 'l' ? 2 : 1;
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		sp->length = *f++;
	}
	if (sp->left)
		sp->zero = false;
	return f;
}

int kvformat(kformat_sink_t sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = {sink, ctx, 0};
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		const char *start = fmt, *conv;
		struct spec sp;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		conv = parse_spec(fmt + 1, &sp, &ap);
		switch (*conv) {
		case 'd':
		case 'i': {
			intmax_t v = get_signed(&sp, &ap);
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			format_int(&o, &sp, mag, v < 0, 10, false);
			break;
		}
		case 'u':
			format_int(&o, &sp, get_unsigned(&sp, &ap), false, 10, false);
			break;
		case 'x':
		case 'X':
			format_int(&o, &sp, get_unsigned(&sp, &ap), false, 16, *conv == 'X');
			break;
		case 'o':
			format_int(&o, &sp, get_unsigned(&sp, &ap), false, 8, false);
			break;
		case 'p':
			sp.ptr = true;
			sp.length = 0;
			format_int(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			sp.zero = false;
			emit_field(&o, &sp, "", 0, 0, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;
			if (!s)
				s = "(null)";
			n = sp.precision >= 0 ? klib_strnlen(s, (size_t)sp.precision)
			                      : klib_strlen(s);
			sp.zero = false;
			emit_field(&o, &sp, "", 0, 0, s, n);
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		default:
			/* Unknown or truncated conversion: show it verbatim. */
			if (!*conv) {
				emit(&o, fmt, (size_t)(conv - fmt));
				fmt = conv;
				continue;
			}
			emit(&o, fmt, (size_t)(conv - fmt + 1));
			break;
		}
		fmt = conv + 1;
	}
	va_end(ap);
	return o.count;
}

struct strbuf {
	char *buf;
	size_t size, used;
};

static void strbuf_sink(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;

	if (b->used + 1 < b->size) {
		size_t room = b->size - 1 - b->used;
		klib_memcpy(b->buf + b->used, s, n < room ? n : room);
	}
	b->used += n;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf b = {buf, size, 0};
	int n = kvformat(strbuf_sink, &b, fmt, ap);

	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Console output is collected in a line-sized buffer so a message usually
 * reaches the console in one write and lines from different CPUs do not mix
 * character by character.
 */
struct linebuf {
	char buf[160];
	size_t used;
};

static void line_sink(void *ctx, const char *s, size_t n)
{
	struct linebuf *l = ctx;

	while (n) {
		size_t k = sizeof(l->buf) - l->used;
		if (k > n)
			k = n;
		klib_memcpy(l->buf + l->used, s, k);
		l->used += k;
		s += k;
		n -= k;
		if (l->used == sizeof(l->buf)) {
			klib_port_write(l->buf, l->used);
			l->used = 0;
		}
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct linebuf l;
	int n;

	l.used = 0;
	n = kvformat(line_sink, &l, fmt, ap);
	if (l.used)
		klib_port_write(l.buf, l.used);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
