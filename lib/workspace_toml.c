/* A TOML walker for Cargo.toml and [memory] tables: tables, keys, raw
 * values (arrays and multi-line strings may span lines).  Inline tables
 * and dotted keys are passed through as written; nothing is validated,
 * since cargo itself rejects broken manifests. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workspace_int.h"

struct walk {
	char table[256];
	char *value;           /* the value being collected */
	size_t vlen, vcap;
	int depth;             /* open brackets in the value */
	char multi[4];         /* closing """ or ''' while in a multi-line string */
	char key[256];
	unsigned key_line;
};

/* Length of the line up to a comment, ignoring '#' inside strings. */
static size_t code_len(const char *s)
{
	char quote = 0;

	for (size_t i = 0; s[i]; i++) {
		if (quote && s[i] == '\\' && quote == '"' && s[i + 1])
			i++;
		else if (quote && s[i] == quote)
			quote = 0;
		else if (!quote && (s[i] == '"' || s[i] == '\''))
			quote = s[i];
		else if (!quote && s[i] == '#')
			return i;
	}
	return strlen(s);
}

static int bracket_delta(const char *s, size_t n)
{
	char quote = 0;
	int d = 0;

	for (size_t i = 0; i < n; i++) {
		if (quote && s[i] == '\\' && quote == '"' && i + 1 < n)
			i++;
		else if (quote && s[i] == quote)
			quote = 0;
		else if (!quote && (s[i] == '"' || s[i] == '\''))
			quote = s[i];
		else if (!quote)
			d += (s[i] == '[' || s[i] == '{') - (s[i] == ']' || s[i] == '}');
	}
	return d;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int append(struct walk *w, const char *s, size_t n)
{
	if (w->vlen + n + 2 > w->vcap) {
		size_t cap = (w->vlen + n + 2) * 2;
		char *v = realloc(w->value, cap);
		if (!v)
			return -1;
		w->value = v;
		w->vcap = cap;
	}
	if (w->vlen)
		w->value[w->vlen++] = ' ';
	memcpy(w->value + w->vlen, s, n);
	w->vlen += n;
	w->value[w->vlen] = '\0';
	return 0;
}

/* Removes spaces and quotes: [ "a" . 'b' ] names table a.b. */
static void table_name(struct walk *w, char *s)
{
	size_t o = 0;

	for (; *s && o + 1 < sizeof(w->table); s++)
		if (!isspace((unsigned char)*s) && *s != '"' && *s != '\'')
			w->table[o++] = *s;
	w->table[o] = '\0';
}

static void set_table(struct walk *w, char *line)
{
	int arr = line[1] == '[';
	char *end = strrchr(line, ']');

	if (end)
		*(arr && end[-1] == ']' ? end - 1 : end) = '\0';
	table_name(w, line + 1 + arr);
}

static int finish(struct walk *w, ws_toml_fn *fn, void *ctx)
{
	int rc = fn(ctx, w->table, w->key, w->value ? w->value : "", w->key_line);

	w->vlen = 0;
	if (w->value)
		w->value[0] = '\0';
	return rc;
}

/* A multi-line string opens when the value starts with """ or ''' and
 * does not close on the same line. */
static void open_multi(struct walk *w, const char *v)
{
	char delim[4] = { v[0], v[0], v[0], '\0' };
	size_t n = strlen(v);

	if (n < 3 || (v[0] != '"' && v[0] != '\'') || memcmp(v, delim, 3) ||
	    memmem(v + 3, n - 3, delim, 3))
		return;
	memcpy(w->multi, delim, sizeof(delim));
}

static int start_key(struct walk *w, char *line, unsigned lineno)
{
	char *eq = line + 1;
	char quote = line[0] == '"' || line[0] == '\'' ? line[0] : 0;

	if (quote && (eq = strchr(line + 1, quote)))
		eq++;
	if (!eq || !(eq = strchr(eq, '=')))
		return 0;   /* not a key: ignore, cargo would have complained */
	*eq = '\0';
	char *key = trim(line), *value = trim(eq + 1);
	size_t klen = strlen(key);
	if (quote && klen >= 2 && key[klen - 1] == quote) {
		key[klen - 1] = '\0';
		key++;
	}
	snprintf(w->key, sizeof(w->key), "%s", key);
	w->key_line = lineno;
	w->depth = bracket_delta(value, strlen(value));
	open_multi(w, value);
	return append(w, value, strlen(value));
}

static int continue_value(struct walk *w, char *line)
{
	if (w->multi[0]) {
		if (strstr(line, w->multi))
			w->multi[0] = '\0';
		return append(w, line, strlen(line));
	}
	line[code_len(line)] = '\0';
	line = trim(line);
	w->depth += bracket_delta(line, strlen(line));
	return append(w, line, strlen(line));
}

static int walk_line(struct walk *w, char *line, unsigned lineno, ws_toml_fn *fn, void *ctx)
{
	int pending = w->multi[0] || w->depth > 0;

	if (pending) {
		if (continue_value(w, line))
			return -1;
	} else {
		line[code_len(line)] = '\0';
		line = trim(line);
		if (!*line)
			return 0;
		if (*line == '[') {
			set_table(w, line);
			return 0;
		}
		w->key[0] = '\0';
		if (start_key(w, line, lineno))
			return -1;
		if (!w->key[0])
			return 0;
	}
	if (w->multi[0] || w->depth > 0)
		return 0;
	return finish(w, fn, ctx);
}

int ws_toml_walk(const char *text, ws_toml_fn *fn, void *ctx)
{
	struct walk w = { .table = "" };
	char *copy = strdup(text), *line, *next;
	unsigned lineno = 0;
	int rc = copy ? 0 : -1;

	for (line = copy; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		rc = walk_line(&w, line, ++lineno, fn, ctx);
	}
	if (!rc && w.key[0] && (w.depth > 0 || w.multi[0]))
		rc = finish(&w, fn, ctx);   /* unterminated: hand over what we have */
	free(w.value);
	free(copy);
	return rc;
}

void ws_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The string starting at s (a quote), without quotes; *end after it. */
static char *one_string(const char *s, const char **end)
{
	char q = *s++;
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s && *s != q; s++) {
		if (q == '"' && *s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	*o = '\0';
	*end = *s ? s + 1 : s;
	return out;
}

char **ws_toml_strings(const char *value, size_t *n)
{
	char **v = calloc(strlen(value) / 2 + 2, sizeof(*v));
	const char *s = value;

	*n = 0;
	while (v && *s) {
		if (*s != '"' && *s != '\'') {
			s++;
			continue;
		}
		if (!(v[*n] = one_string(s, &s))) {
			ws_strv_free(v, *n);
			return NULL;
		}
		(*n)++;
	}
	return v;
}

char *ws_toml_string(const char *value)
{
	const char *end;

	if (*value == '"' || *value == '\'')
		return one_string(value, &end);
	return strdup(value);
}
