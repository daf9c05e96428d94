/* The probe's only text output.  Runs inside the target, maybe inside
 * malloc, so it formats into a fixed buffer of its own (as mimalloc's
 * options.c does) and never touches stdio. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "msg.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_str(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put_char(o, *s++);
}

static void put_uint(struct out *o, uint64_t v, unsigned base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put_char(o, tmp[--n]);
}

static void put_int(struct out *o, int64_t v)
{
	if (v < 0) {
		put_char(o, '-');
		put_uint(o, (uint64_t)-(v + 1) + 1, 10);
	} else {
		put_uint(o, (uint64_t)v, 10);
	}
}

/* Handles one conversion after '%'; returns the next format position. */
static const char *put_conv(struct out *o, const char *f, va_list *ap)
{
	int lng = 0;

	while (*f == 'l' || *f == 'z') {
		lng = 1;
		f++;
	}
	switch (*f) {
	case 's': put_str(o, va_arg(*ap, const char *)); break;
	case 'd': put_int(o, lng ? va_arg(*ap, long) : va_arg(*ap, int)); break;
	case 'u': put_uint(o, lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned), 10); break;
	case 'x': put_uint(o, lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned), 16); break;
	case '%': put_char(o, '%'); break;
	case '\0': return f;
	default: put_char(o, '?'); break;
	}
	return f + 1;
}

size_t probe_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list cp;

	va_copy(cp, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = put_conv(&o, fmt + 1, &cp);
		else
			put_char(&o, *fmt++);
	}
	va_end(cp);
	if (size)
		buf[o.len] = '\0';
	return o.len;
}

size_t probe_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = probe_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void probe_msg(const char *fmt, ...)
{
	static const char prefix[] = "memory-analyzer: ";
	char line[512];
	size_t n = sizeof(prefix) - 1;
	int saved = errno;
	va_list ap;

	for (size_t i = 0; i < n; i++)
		line[i] = prefix[i];
	va_start(ap, fmt);
	n += probe_vformat(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0)
		errno = saved;
	errno = saved;
}
