/* Internals of the workspace scanner shared by its files: a minimal JSON
 * reader (for cargo metadata), a minimal TOML walker (for Cargo.toml and
 * [memory] tables) and the Cargo part of the scan. */
#ifndef MA_WORKSPACE_INT_H
#define MA_WORKSPACE_INT_H

#include <stddef.h>

#include "workspace.h"

/* JSON: a tree of values, strings decoded to UTF-8. */
enum ws_json_type { WS_JSON_NULL, WS_JSON_BOOL, WS_JSON_NUMBER, WS_JSON_STRING,
		    WS_JSON_ARRAY, WS_JSON_OBJECT };

struct ws_json {
	enum ws_json_type type;
	double number;              /* also 0/1 for booleans */
	char *string;
	struct ws_json *items;      /* array elements or object values */
	char **keys;                /* object keys, parallel to items */
	size_t n;
};

/* Parses text (len bytes, no NUL needed); NULL on a syntax error, on
 * nesting deeper than 64 or when out of memory. */
struct ws_json *ws_json_parse(const char *text, size_t len);
void ws_json_free(struct ws_json *v);
/* The member called key of an object, or NULL (also when v is not an
 * object). */
const struct ws_json *ws_json_get(const struct ws_json *v, const char *key);

/* TOML, as much as Cargo.toml and a [memory] table need: tables
 * ("[a.b]"), "key = value" lines whose value may be an array spanning
 * lines, comments.  Calls fn for each key with the dotted table name
 * ("" before any table, "[[bin]]" tables as "bin"), the key (quotes
 * removed), the raw value text and the line of the key.  A non-zero
 * return from fn stops the walk and is returned. */
typedef int ws_toml_fn(void *ctx, const char *table, const char *key,
		       const char *value, unsigned line);
int ws_toml_walk(const char *text, ws_toml_fn *fn, void *ctx);
/* The strings of a TOML array value ("[\"a\", 'b']"), or of a single
 * string value; a NULL-terminated vector (free with ws_strv_free), NULL
 * when out of memory. */
char **ws_toml_strings(const char *value, size_t *n);
/* The text of a string value without its quotes, newly allocated. */
char *ws_toml_string(const char *value);

void ws_strv_free(char **v, size_t n);

/* Reads a whole small file (at most max bytes) into a NUL-terminated
 * buffer; NULL when it cannot or it is larger. */
char *ws_read_file(const char *path, size_t max, size_t *len);

/* Fills ws->packages and ws->cargo_source from root (see workspace.h). */
int ws_cargo_scan(struct ma_workspace *ws, const char *root, const char *cargo);
void ws_cargo_free(struct ma_workspace *ws);

/* Memory settings of one file (rel is its path from the root): fields of
 * `MemoryConfig { ... }` literals in Rust, keys of [memory] tables in
 * TOML.  Return -1 only when out of memory. */
int ws_memory_rust(struct ma_workspace *ws, const char *rel, const char *text);
int ws_memory_toml(struct ma_workspace *ws, const char *rel, const char *text);
void ws_memory_free(struct ma_workspace *ws);

#endif
