/* One-line messages to stderr without stdio or malloc: a tiny formatter
 * into a stack buffer, then one write(2).  Every line starts with
 * "memory-analyzer: ".  Understands %s %d %u %ld %lu %zu %x and %%. */
#ifndef PROBE_MSG_H
#define PROBE_MSG_H

#include <stdarg.h>
#include <stddef.h>

void probe_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats into buf (always NUL-terminated when size > 0); returns the
 * length written, truncated to size - 1. */
size_t probe_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t probe_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
