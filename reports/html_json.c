#include "config.h"

#include "html_json.h"

#include <inttypes.h>
#include <string.h>

static void quoted(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u%04x", c);
		else
			putc(c, f);
	}
	putc('"', f);
}

static void key(struct hj *w, const char *k)
{
	if (w->has[w->depth])
		putc(',', w->f);
	w->has[w->depth] = 1;
	if (k) {
		quoted(w->f, k);
		putc(':', w->f);
	}
}

void hj_open(struct hj *w, const char *k, char c)
{
	key(w, k);
	putc(c, w->f);
	if (w->depth < 31)
		w->depth++;
	w->has[w->depth] = 0;
}

void hj_close(struct hj *w, char c)
{
	w->depth--;
	putc(c, w->f);
}

void hj_u64(struct hj *w, const char *k, uint64_t v)
{
	key(w, k);
	fprintf(w->f, "%" PRIu64, v);
}

void hj_num(struct hj *w, const char *k, double v)
{
	key(w, k);
	fprintf(w->f, "%.6g", v);
}

void hj_bool(struct hj *w, const char *k, int v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->f);
}

void hj_str(struct hj *w, const char *k, const char *s)
{
	key(w, k);
	if (s)
		quoted(w->f, s);
	else
		fputs("null", w->f);
}
