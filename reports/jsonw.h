/* The JSON writer of the reports: a streaming writer that remembers only
 * whether the open object or array has a member yet, so that commas land
 * right.  One writer serves the JSON report (indented, JW_PRETTY) and the
 * data the HTML report embeds in its page (compact, JW_HTML). */
#ifndef MA_REPORT_JSONW_H
#define MA_REPORT_JSONW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	/* A member a line, indented two blanks a level; ": " after keys. */
	JW_PRETTY = 1 << 0,
	/* Strings safe inside an HTML <script> element: '<', '>' and '&'
	 * written as \u escapes, so no "</script>" can end it, and every
	 * control character too. */
	JW_HTML = 1 << 1,
};

#define JW_MAX_DEPTH 63

struct jw {
	FILE *f;
	unsigned flags;
	int depth;
	unsigned char has[JW_MAX_DEPTH + 1];  /* the container at a depth has a member */
};

/* Starts writing to f; the first call is usually jw_open(w, NULL, '{'). */
void jw_init(struct jw *w, FILE *f, unsigned flags);

/* Every call takes a member's key, NULL inside arrays (and for the
 * outermost value).  c is '{' or '[', and its match at jw_close. */
void jw_open(struct jw *w, const char *key, char c);
void jw_close(struct jw *w, char c);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_i64(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, int v);
/* s may be NULL: null. */
void jw_str(struct jw *w, const char *key, const char *s);
/* A number that may have a fraction: integers as integers (up to 1e15),
 * others with six significant digits.  NaN and infinities never occur. */
void jw_num(struct jw *w, const char *key, double v);
/* "0x1f": addresses pass 2^53, and strings keep them exact in every
 * parser. */
void jw_hex(struct jw *w, const char *key, uint64_t v);

/* key: [...], n elements of size bytes each from v: each element an
 * object (c '{') or an array (c '['), its members written by members(). */
void jw_each(struct jw *w, const char *key, const void *v, size_t n, size_t size, char c,
	     void (*members)(struct jw *w, const void *elem));
#define JW_EACH(w, key, v, n, c, members) jw_each(w, key, v, n, sizeof(*(v)), c, members)

/* Writes s (len bytes, any byte) as a JSON string with its quotes: '"'
 * and '\' escaped, control characters as \n, \r, \t or \u00XX (all as
 * \u00XX with JW_HTML), bytes from 0x80 as they are: text the reports
 * take from a trace is not checked for UTF-8. */
void jw_string(FILE *out, const char *s, size_t len, unsigned flags);

#endif
