/* A recursive-descent JSON parser with a depth limit.  Errors carry the
 * line and column of the first byte that could not be accepted. */
#include "config.h"

#include "json_parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const char *s, *end, *p;
	char *err;
	size_t errlen;
	int failed;
};

static void *jp_fail(struct jp *jp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void *jp_fail(struct jp *jp, const char *fmt, ...)
{
	unsigned line = 1, col = 1;
	char why[128];
	va_list ap;

	if (jp->failed)
		return NULL;
	jp->failed = 1;
	for (const char *c = jp->s; c < jp->p; c++, col++)
		if (*c == '\n') {
			line++;
			col = 0;
		}
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(jp->err, jp->errlen, "line %u column %u: %s", line, col, why);
	return NULL;
}

static void skip_blanks(struct jp *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
				   *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static struct ma_json *node(struct jp *jp, enum ma_json_type type)
{
	struct ma_json *j = calloc(1, sizeof(*j));

	if (!j)
		return jp_fail(jp, "out of memory");
	j->type = type;
	return j;
}

/* Appends one byte to a growing buffer; -1 when out of memory. */
static int put(char **buf, size_t *len, size_t *cap, char c)
{
	if (*len + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		char *n = realloc(*buf, ncap);
		if (!n)
			return -1;
		*buf = n;
		*cap = ncap;
	}
	(*buf)[(*len)++] = c;
	(*buf)[*len] = '\0';
	return 0;
}

static int put_utf8(char **buf, size_t *len, size_t *cap, unsigned long cp)
{
	char u[4];
	int n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (int i = 0; i < n; i++)
		if (put(buf, len, cap, u[i]) < 0)
			return -1;
	return 0;
}

static int hex4(struct jp *jp, unsigned long *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, jp->p++) {
		char c = jp->p < jp->end ? *jp->p : '\0';
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (v < 0) {
			jp_fail(jp, "invalid \\u escape");
			return -1;
		}
		*out = *out << 4 | (unsigned long)v;
	}
	return 0;
}

/* After "\u": one code point, joining a surrogate pair. */
static int unicode_escape(struct jp *jp, unsigned long *cp)
{
	unsigned long lo;

	if (hex4(jp, cp) < 0)
		return -1;
	if (*cp >= 0xdc00 && *cp <= 0xdfff) {
		jp_fail(jp, "unpaired low surrogate");
		return -1;
	}
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u') {
		jp_fail(jp, "unpaired high surrogate");
		return -1;
	}
	jp->p += 2;
	if (hex4(jp, &lo) < 0)
		return -1;
	if (lo < 0xdc00 || lo > 0xdfff) {
		jp_fail(jp, "unpaired high surrogate");
		return -1;
	}
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

static int escape(struct jp *jp, char **buf, size_t *len, size_t *cap)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned long cp;
	char c;

	if (jp->p >= jp->end) {
		jp_fail(jp, "unterminated string");
		return -1;
	}
	c = *jp->p++;
	if (c == 'u') {
		if (unicode_escape(jp, &cp) < 0)
			return -1;
		return put_utf8(buf, len, cap, cp);
	}
	if (!c || !(hit = strchr(from, c))) {
		jp->p--;
		jp_fail(jp, "invalid escape");
		return -1;
	}
	return put(buf, len, cap, to[hit - from]);
}

/* At the opening quote: the string's bytes, malloc'd. */
static char *string_body(struct jp *jp, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	jp->p++;
	if (put(&buf, &len, &cap, 'x') < 0)
		return jp_fail(jp, "out of memory");
	len = 0;
	buf[0] = '\0';
	for (;;) {
		if (jp->p >= jp->end) {
			free(buf);
			return jp_fail(jp, "unterminated string");
		}
		unsigned char c = (unsigned char)*jp->p++;
		int rc = 0;
		if (c == '"')
			break;
		if (c < 0x20) {
			jp->p--;
			free(buf);
			return jp_fail(jp, "control character in a string");
		}
		rc = c == '\\' ? escape(jp, &buf, &len, &cap) : put(&buf, &len, &cap, (char)c);
		if (rc < 0) {
			free(buf);
			return jp_fail(jp, "out of memory");
		}
	}
	*lenp = len;
	return buf;
}

static const char *digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* The end of a number in RFC 8259 grammar starting at p, or NULL. */
static const char *number_end(const char *p, const char *end)
{
	const char *q;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if ((q = digits(p, end)) == p)
		return NULL;
	else
		p = q;
	if (p < end && *p == '.') {
		if ((q = digits(p + 1, end)) == p + 1)
			return NULL;
		p = q;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((q = digits(p, end)) == p)
			return NULL;
		p = q;
	}
	return p;
}

static struct ma_json *number(struct jp *jp)
{
	const char *e = number_end(jp->p, jp->end);
	struct ma_json *j;

	if (!e)
		return jp_fail(jp, "invalid number");
	if (!(j = node(jp, MA_JSON_NUMBER)))
		return NULL;
	j->len = (size_t)(e - jp->p);
	if (!(j->str = strndup(jp->p, j->len))) {
		free(j);
		return jp_fail(jp, "out of memory");
	}
	j->number = strtod(j->str, NULL);
	jp->p = e;
	return j;
}

static struct ma_json *word(struct jp *jp, const char *w, enum ma_json_type type, int b)
{
	size_t n = strlen(w);
	struct ma_json *j;

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, w, n))
		return jp_fail(jp, "unexpected character");
	if (!(j = node(jp, type)))
		return NULL;
	j->boolean = b;
	jp->p += n;
	return j;
}

static struct ma_json *value(struct jp *jp, unsigned depth);

/* Adds v after *last in parent. */
static void append(struct ma_json *parent, struct ma_json **last, struct ma_json *v)
{
	if (*last)
		(*last)->next = v;
	else
		parent->child = v;
	*last = v;
	parent->count++;
}

static struct ma_json *member(struct jp *jp, unsigned depth)
{
	struct ma_json *v;
	size_t len;
	char *key;

	skip_blanks(jp);
	if (jp->p >= jp->end || *jp->p != '"')
		return jp_fail(jp, "expected a member name");
	if (!(key = string_body(jp, &len)))
		return NULL;
	skip_blanks(jp);
	if (jp->p >= jp->end || *jp->p != ':') {
		free(key);
		return jp_fail(jp, "expected ':'");
	}
	jp->p++;
	if (!(v = value(jp, depth))) {
		free(key);
		return NULL;
	}
	v->key = key;
	return v;
}

/* An array or object, at its opening bracket. */
static struct ma_json *container(struct jp *jp, unsigned depth, int is_object)
{
	struct ma_json *c = node(jp, is_object ? MA_JSON_OBJECT : MA_JSON_ARRAY), *last = NULL;
	char close = is_object ? '}' : ']';

	if (!c)
		return NULL;
	jp->p++;
	skip_blanks(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return c;
	}
	for (;;) {
		struct ma_json *v = is_object ? member(jp, depth + 1) : value(jp, depth + 1);
		if (!v)
			break;
		append(c, &last, v);
		skip_blanks(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return c;
		}
		jp_fail(jp, "expected ',' or '%c'", close);
		break;
	}
	ma_json_free(c);
	return NULL;
}

static struct ma_json *value(struct jp *jp, unsigned depth)
{
	struct ma_json *j;

	if (depth > MA_JSON_MAX_DEPTH)
		return jp_fail(jp, "nested deeper than %d", MA_JSON_MAX_DEPTH);
	skip_blanks(jp);
	if (jp->p >= jp->end)
		return jp_fail(jp, "unexpected end of input");
	switch (*jp->p) {
	case '{': return container(jp, depth, 1);
	case '[': return container(jp, depth, 0);
	case 't': return word(jp, "true", MA_JSON_BOOL, 1);
	case 'f': return word(jp, "false", MA_JSON_BOOL, 0);
	case 'n': return word(jp, "null", MA_JSON_NULL, 0);
	case '"':
		if (!(j = node(jp, MA_JSON_STRING)))
			return NULL;
		if (!(j->str = string_body(jp, &j->len))) {
			free(j);
			return NULL;
		}
		return j;
	default:
		return number(jp);
	}
}

struct ma_json *ma_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp jp = { text, text + len, text, err, errlen, 0 };
	struct ma_json *root = value(&jp, 0);

	if (!root)
		return NULL;
	skip_blanks(&jp);
	if (jp.p != jp.end) {
		jp_fail(&jp, "unexpected text after the value");
		ma_json_free(root);
		return NULL;
	}
	return root;
}

void ma_json_free(struct ma_json *j)
{
	while (j) {
		struct ma_json *next = j->next;
		ma_json_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct ma_json *ma_json_get(const struct ma_json *obj, const char *key)
{
	if (!obj || obj->type != MA_JSON_OBJECT)
		return NULL;
	for (const struct ma_json *m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

const char *ma_json_str(const struct ma_json *j)
{
	return j && j->type == MA_JSON_STRING ? j->str : NULL;
}

int ma_json_u64(const struct ma_json *j, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!j || j->type != MA_JSON_NUMBER || j->str[0] == '-' ||
	    strpbrk(j->str, ".eE"))
		return 0;
	errno = 0;
	v = strtoull(j->str, &end, 10);
	if (errno || *end)
		return 0;
	*out = v;
	return 1;
}
