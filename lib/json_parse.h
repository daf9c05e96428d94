/* A small JSON parser for the files memory-analyzer reads back (baselines).
 *
 * ma_json_parse() reads a whole document into a tree of struct ma_json
 * nodes.  It follows RFC 8259: one value, objects, arrays, strings with
 * every escape (\uXXXX and surrogate pairs become UTF-8), numbers, true,
 * false, null; nothing after the value but blanks.  Nesting is limited to
 * MA_JSON_MAX_DEPTH so hostile input cannot exhaust the stack.  Numbers
 * keep their text as well as a double, so 64-bit counters survive
 * (ma_json_u64).
 *
 * The tree is owned by the caller and freed with ma_json_free(); strings
 * in it may hold NUL bytes (see `len`). */
#ifndef MA_JSON_PARSE_H
#define MA_JSON_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define MA_JSON_MAX_DEPTH 64

enum ma_json_type {
	MA_JSON_NULL,
	MA_JSON_BOOL,
	MA_JSON_NUMBER,
	MA_JSON_STRING,
	MA_JSON_ARRAY,
	MA_JSON_OBJECT,
};

struct ma_json {
	enum ma_json_type type;
	int boolean;
	double number;
	char *str;               /* NUMBER: its text; STRING: the value, NUL-terminated */
	size_t len;              /* bytes in str */
	char *key;               /* member name when inside an object, else NULL */
	struct ma_json *child;   /* first element or member */
	struct ma_json *next;    /* next sibling */
	size_t count;            /* elements or members */
};

/* Parses text[0..len).  Returns the root, or NULL with "line 3 column 7:
 * expected ':'" (or "out of memory") in err. */
struct ma_json *ma_json_parse(const char *text, size_t len, char *err, size_t errlen);
void ma_json_free(struct ma_json *j);

/* The member called key of an object (the first one), or NULL. */
const struct ma_json *ma_json_get(const struct ma_json *obj, const char *key);
/* The value of a STRING node, or NULL when j is NULL or not a string. */
const char *ma_json_str(const struct ma_json *j);
/* 1 with *out set when j is a number that is a non-negative integer
 * below 2^64, written without fraction or exponent; else 0. */
int ma_json_u64(const struct ma_json *j, uint64_t *out);

#endif
