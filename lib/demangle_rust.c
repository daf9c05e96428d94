/* Rust legacy mangling: an Itanium-style nested name _ZN...E whose last
 * element is the hash "h" + 16 hex digits, which is dropped, and whose
 * elements escape the characters C++ names cannot hold ($LT$ for '<',
 * $u20$ for ' ', ".." for "::"). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "demangle_int.h"

static const struct {
	const char *code, *text;
} escapes[] = {
	{ "SP", "@" }, { "BP", "*" }, { "RF", "&" }, { "LT", "<" },
	{ "GT", ">" }, { "LP", "(" }, { "RP", ")" }, { "C", "," },
};

static int is_hash(const char *s, size_t n)
{
	if (n != 17 || s[0] != 'h')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Decodes one $...$ escape at s (whose length is n, both '$' included). */
static int put_escape(struct ma_dm_out *o, const char *s, size_t n)
{
	const char *code = s + 1;
	size_t len = n - 2;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		if (strlen(escapes[i].code) == len &&
		    memcmp(escapes[i].code, code, len) == 0) {
			ma_dm_puts(o, escapes[i].text);
			return 0;
		}
	if (len < 2 || len > 7 || code[0] != 'u')
		return -1;
	uint32_t cp = 0;
	for (size_t i = 1; i < len; i++) {
		if (!isxdigit((unsigned char)code[i]))
			return -1;
		cp = cp * 16 + (uint32_t)(isdigit((unsigned char)code[i])
			? code[i] - '0' : (tolower((unsigned char)code[i]) - 'a' + 10));
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return -1;
	ma_dm_put_utf8(o, cp);
	return 0;
}

static int put_element(struct ma_dm_out *o, const char *s, size_t n)
{
	if (n >= 2 && s[0] == '_' && s[1] == '$')
		s++, n--;
	for (size_t i = 0; i < n;) {
		if (s[i] == '$') {
			const char *end = memchr(s + i + 1, '$', n - i - 1);
			if (end == NULL || put_escape(o, s + i, (size_t)(end - s - i) + 1) < 0)
				return -1;
			i = (size_t)(end - s) + 1;
		} else if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') {
			ma_dm_puts(o, "::");
			i += 2;
		} else {
			ma_dm_putc(o, s[i++]);
		}
	}
	return 0;
}

/* Reads <decimal length><bytes>; returns the bytes or NULL. */
static const char *element(const char **p, size_t *n)
{
	const char *s = *p;
	size_t len = 0;
	if (!isdigit((unsigned char)*s) || *s == '0')
		return NULL;
	while (isdigit((unsigned char)*s)) {
		len = len * 10 + (size_t)(*s++ - '0');
		if (len > 4096)
			return NULL;
	}
	if (strnlen(s, len) < len)
		return NULL;
	*p = s + len;
	*n = len;
	return s;
}

static int demangle_path(struct ma_dm_out *o, const char *p)
{
	const char *prev = NULL;
	size_t prev_n = 0;
	int count = 0;
	while (*p != 'E') {
		size_t n;
		const char *el = element(&p, &n);
		if (el == NULL)
			return -1;
		if (prev != NULL) {
			if (count++ > 0)
				ma_dm_puts(o, "::");
			if (put_element(o, prev, prev_n) < 0)
				return -1;
		}
		prev = el;
		prev_n = n;
	}
	/* After the E, only a suffix such as ".llvm.1234" may follow. */
	if (p[1] != '\0' && p[1] != '.')
		return -1;
	return prev != NULL && is_hash(prev, prev_n) && count > 0 ? 0 : -1;
}

char *ma_demangle_rust_legacy(const char *name)
{
	if (strncmp(name, "_ZN", 3) != 0)
		return NULL;
	struct ma_dm_out o = { 0 };
	if (demangle_path(&o, name + 3) < 0) {
		free(o.buf);
		return NULL;
	}
	return ma_dm_finish(&o);
}
