/* A compact JSON writer for data embedded in an HTML page: strings are
 * escaped so that no "</script>" (nor any '<', '>' or '&') can end the
 * element that holds them. */
#ifndef MA_HTML_JSON_H
#define MA_HTML_JSON_H

#include <stdint.h>
#include <stdio.h>

struct hj {
	FILE *f;
	int depth;
	unsigned char has[32];  /* the open container has a member */
};

/* key is NULL inside arrays. */
void hj_open(struct hj *w, const char *key, char c);
void hj_close(struct hj *w, char c);
void hj_u64(struct hj *w, const char *key, uint64_t v);
void hj_num(struct hj *w, const char *key, double v);
void hj_bool(struct hj *w, const char *key, int v);
void hj_str(struct hj *w, const char *key, const char *s);   /* NULL: null */

#endif
