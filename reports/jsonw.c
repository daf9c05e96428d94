#include "config.h"

#include "jsonw.h"

#include <inttypes.h>
#include <string.h>

void jw_string(FILE *out, const char *s, size_t len, unsigned flags)
{
	int html = (flags & JW_HTML) != 0;

	putc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc(c, out);
		} else if (!html && (c == '\n' || c == '\r' || c == '\t')) {
			putc('\\', out);
			putc(c == '\n' ? 'n' : c == '\r' ? 'r' : 't', out);
		} else if (c < 0x20 || c == 0x7f || (html && (c == '<' || c == '>' || c == '&'))) {
			fprintf(out, "\\u%04x", c);
		} else {
			putc(c, out);
		}
	}
	putc('"', out);
}

void jw_init(struct jw *w, FILE *f, unsigned flags)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->flags = flags;
}

static void indent(struct jw *w)
{
	fprintf(w->f, "\n%*s", 2 * w->depth, "");
}

static void key(struct jw *w, const char *k)
{
	int pretty = (w->flags & JW_PRETTY) != 0;

	if (w->has[w->depth])
		putc(',', w->f);
	w->has[w->depth] = 1;
	if (pretty)
		indent(w);
	if (k) {
		jw_string(w->f, k, strlen(k), w->flags);
		fputs(pretty ? ": " : ":", w->f);
	}
}

void jw_open(struct jw *w, const char *k, char c)
{
	key(w, k);
	putc(c, w->f);
	if (w->depth < JW_MAX_DEPTH)
		w->depth++;
	w->has[w->depth] = 0;
}

void jw_close(struct jw *w, char c)
{
	int had = w->has[w->depth];

	w->depth--;
	if (had && (w->flags & JW_PRETTY))
		indent(w);
	putc(c, w->f);
}

void jw_u64(struct jw *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->f, "%" PRIu64, v);
}

void jw_i64(struct jw *w, const char *k, int64_t v)
{
	key(w, k);
	fprintf(w->f, "%" PRId64, v);
}

void jw_bool(struct jw *w, const char *k, int v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->f);
}

void jw_str(struct jw *w, const char *k, const char *s)
{
	key(w, k);
	if (s)
		jw_string(w->f, s, strlen(s), w->flags);
	else
		fputs("null", w->f);
}

void jw_num(struct jw *w, const char *k, double v)
{
	key(w, k);
	if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v)
		fprintf(w->f, "%" PRId64, (int64_t)v);
	else
		fprintf(w->f, "%.6g", v);
}

void jw_hex(struct jw *w, const char *k, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	jw_str(w, k, buf);
}

void jw_each(struct jw *w, const char *k, const void *v, size_t n, size_t size, char c,
	     void (*members)(struct jw *w, const void *elem))
{
	const char *e = v;

	jw_open(w, k, '[');
	for (size_t i = 0; i < n; i++, e += size) {
		jw_open(w, NULL, c);
		members(w, e);
		jw_close(w, c == '{' ? '}' : ']');
	}
	jw_close(w, ']');
}
