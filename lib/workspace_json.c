/* A minimal JSON reader: enough for `cargo metadata`, strict enough to
 * reject what is not JSON.  Recursive descent with a depth limit. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workspace_int.h"

#define MAX_DEPTH 64

struct jp {
	const char *s, *end;
	int depth;
};

static int parse_value(struct jp *p, struct ws_json *out);

static void skip_ws(struct jp *p)
{
	while (p->s < p->end && strchr(" \t\r\n", *p->s))
		p->s++;
}

static int eat(struct jp *p, char c)
{
	skip_ws(p);
	if (p->s < p->end && *p->s == c) {
		p->s++;
		return 1;
	}
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		*out = *out << 4 | (unsigned)d;
	}
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* \uXXXX, with a following low surrogate when it is a high one. */
static int unicode_escape(struct jp *p, char **o)
{
	unsigned cp, lo;

	if (p->end - p->s < 4 || hex4(p->s, &cp))
		return -1;
	p->s += 4;
	if (cp >= 0xd800 && cp < 0xdc00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
	    p->s[1] == 'u' && !hex4(p->s + 2, &lo) && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p->s += 6;
	}
	*o = put_utf8(*o, cp);
	return 0;
}

static int escape(struct jp *p, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (p->s >= p->end)
		return -1;
	char c = *p->s++;
	if (c == 'u')
		return unicode_escape(p, o);
	if (!(hit = strchr(from, c)) || !c)
		return -1;
	*(*o)++ = to[hit - from];
	return 0;
}

/* Decoded text never exceeds the encoded length, so one buffer of that
 * size is enough. */
static char *parse_string(struct jp *p)
{
	if (!eat(p, '"'))
		return NULL;
	const char *close = p->s;
	while (close < p->end && *close != '"')
		close += *close == '\\' ? 2 : 1;
	if (close >= p->end)
		return NULL;
	char *buf = malloc((size_t)(close - p->s) + 1), *o = buf;
	while (buf && p->s < close) {
		unsigned char c = (unsigned char)*p->s++;
		if (c < 0x20 || (c == '\\' && escape(p, &o))) {
			free(buf);
			return NULL;
		}
		if (c != '\\')
			*o++ = (char)c;
	}
	if (buf)
		*o = '\0';
	p->s = close + 1;
	return buf;
}

static int parse_number(struct jp *p, struct ws_json *out)
{
	char *endp;
	const char *s = p->s;

	if (s < p->end && *s == '-')
		s++;
	if (s >= p->end || *s < '0' || *s > '9')
		return -1;
	/* The buffer cargo gives us is NUL-terminated by ws_json_parse. */
	out->number = strtod(p->s, &endp);
	out->type = WS_JSON_NUMBER;
	p->s = endp;
	return 0;
}

static int parse_word(struct jp *p, struct ws_json *out)
{
	static const struct { const char *w; enum ws_json_type t; double v; } words[] = {
		{ "true", WS_JSON_BOOL, 1 }, { "false", WS_JSON_BOOL, 0 },
		{ "null", WS_JSON_NULL, 0 },
	};

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].w);
		if ((size_t)(p->end - p->s) >= n && !memcmp(p->s, words[i].w, n)) {
			out->type = words[i].t;
			out->number = words[i].v;
			p->s += n;
			return 0;
		}
	}
	return -1;
}

static int grow(struct ws_json *v, size_t *cap, int with_keys)
{
	if (v->n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 4;
	struct ws_json *items = realloc(v->items, ncap * sizeof(*items));
	if (!items)
		return -1;
	v->items = items;
	if (with_keys) {
		char **keys = realloc(v->keys, ncap * sizeof(*keys));
		if (!keys)
			return -1;
		v->keys = keys;
	}
	*cap = ncap;
	return 0;
}

/* Arrays and objects: elements separated by commas up to close. */
static int parse_container(struct jp *p, struct ws_json *out, int object)
{
	size_t cap = 0;
	char close = object ? '}' : ']';

	out->type = object ? WS_JSON_OBJECT : WS_JSON_ARRAY;
	if (++p->depth > MAX_DEPTH)
		return -1;
	if (eat(p, close)) {
		p->depth--;
		return 0;
	}
	do {
		if (grow(out, &cap, object))
			return -1;
		struct ws_json *item = &out->items[out->n];
		memset(item, 0, sizeof(*item));
		if (object) {
			skip_ws(p);
			if (!(out->keys[out->n] = parse_string(p)))
				return -1;
		}
		out->n++;
		if ((object && !eat(p, ':')) || parse_value(p, item))
			return -1;
	} while (eat(p, ','));
	p->depth--;
	return eat(p, close) ? 0 : -1;
}

static int parse_value(struct jp *p, struct ws_json *out)
{
	skip_ws(p);
	if (p->s >= p->end)
		return -1;
	switch (*p->s) {
	case '{':
		p->s++;
		return parse_container(p, out, 1);
	case '[':
		p->s++;
		return parse_container(p, out, 0);
	case '"':
		out->type = WS_JSON_STRING;
		return (out->string = parse_string(p)) ? 0 : -1;
	case 't': case 'f': case 'n':
		return parse_word(p, out);
	default:
		return parse_number(p, out);
	}
}

static void release(struct ws_json *v)
{
	for (size_t i = 0; i < v->n; i++) {
		release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
}

struct ws_json *ws_json_parse(const char *text, size_t len)
{
	char *copy = malloc(len + 1);
	struct ws_json *v = calloc(1, sizeof(*v));
	struct jp p;

	if (copy && v) {
		memcpy(copy, text, len);
		copy[len] = '\0';
		p = (struct jp){ copy, copy + len, 0 };
		if (parse_value(&p, v) || (skip_ws(&p), p.s != p.end)) {
			ws_json_free(v);
			v = NULL;
		}
	} else {
		free(v);
		v = NULL;
	}
	free(copy);
	return v;
}

void ws_json_free(struct ws_json *v)
{
	if (!v)
		return;
	release(v);
	free(v);
}

const struct ws_json *ws_json_get(const struct ws_json *v, const char *key)
{
	if (!v || v->type != WS_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->items[i];
	return NULL;
}
