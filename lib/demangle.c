/* Demangling of C++ (the Itanium ABI, through the C++ runtime's
 * __cxa_demangle) and of Rust, legacy and v0 (our own code). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demangle_int.h"
#include "symbols.h"

/* From the C++ runtime (libstdc++, linked in); declared in <cxxabi.h>
 * which C cannot include. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len,
			    int *status);

static char *demangle_cxx(const char *name)
{
	int status = 0;
	char *out = __cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *ma_demangle(const char *name)
{
	if (name == NULL)
		return NULL;
	if (strncmp(name, "_R", 2) == 0)
		return ma_demangle_rust_v0(name);
	if (strncmp(name, "_Z", 2) != 0)
		return NULL;
	/* A legacy Rust name is a valid Itanium name too; only the hash
	 * at its end tells them apart, so Rust is tried first. */
	char *rust = ma_demangle_rust_legacy(name);
	return rust ? rust : demangle_cxx(name);
}

static int reserve(struct ma_dm_out *o, size_t more)
{
	if (o->failed)
		return -1;
	if (o->len + more + 1 <= o->cap)
		return 0;
	size_t cap = o->cap ? o->cap : 64;
	while (cap < o->len + more + 1)
		cap *= 2;
	char *buf = realloc(o->buf, cap);
	if (buf == NULL) {
		o->failed = 1;
		return -1;
	}
	o->buf = buf;
	o->cap = cap;
	return 0;
}

void ma_dm_putn(struct ma_dm_out *o, const char *s, size_t n)
{
	if (reserve(o, n) < 0)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

void ma_dm_puts(struct ma_dm_out *o, const char *s)
{
	ma_dm_putn(o, s, strlen(s));
}

void ma_dm_putc(struct ma_dm_out *o, char c)
{
	ma_dm_putn(o, &c, 1);
}

void ma_dm_putu(struct ma_dm_out *o, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	ma_dm_putn(o, num, (size_t)n);
}

void ma_dm_put_utf8(struct ma_dm_out *o, uint32_t cp)
{
	char b[4];
	if (cp < 0x80) {
		b[0] = (char)cp;
		ma_dm_putn(o, b, 1);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		ma_dm_putn(o, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		ma_dm_putn(o, b, 3);
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		ma_dm_putn(o, b, 4);
	}
}

char *ma_dm_finish(struct ma_dm_out *o)
{
	if (o->failed || o->buf == NULL) {
		free(o->buf);
		return NULL;
	}
	return o->buf;
}
