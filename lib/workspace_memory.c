/* Memory settings a workspace already has, so a recommendation can say
 * "lru_cache_size is 50_000_000 at src/config.rs:42; try ...".  Two
 * places are looked at (docs/configuration.md):
 *
 *   - Rust struct literals `MemoryConfig { field: value, ... }`, the
 *     configuration type of the memory guide;
 *   - TOML tables [memory], [memory.*], [memory_optimization] and
 *     [package.metadata.memory] in any .toml file of the workspace. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workspace_int.h"

static int setting_add(struct ma_workspace *ws, const char *key, const char *value,
		       size_t vlen, const char *file, unsigned line)
{
	struct ma_memory_setting *v = realloc(ws->memory, (ws->nmemory + 1) * sizeof(*v));

	if (!v)
		return -1;
	ws->memory = v;
	struct ma_memory_setting *m = &v[ws->nmemory];
	m->key = strdup(key);
	m->value = strndup(value, vlen);
	m->file = strdup(file);
	m->line = line;
	if (!m->key || !m->value || !m->file) {
		free(m->key);
		free(m->value);
		free(m->file);
		return -1;
	}
	ws->nmemory++;
	return 0;
}

void ws_memory_free(struct ma_workspace *ws)
{
	for (size_t i = 0; i < ws->nmemory; i++) {
		free(ws->memory[i].key);
		free(ws->memory[i].value);
		free(ws->memory[i].file);
	}
	free(ws->memory);
	ws->memory = NULL;
	ws->nmemory = 0;
}

/* ---- Rust ---- */

/* Whether the word before p (on the same line) makes "MemoryConfig {"
 * a declaration or a return type rather than a literal. */
static int declares(const char *line, const char *p)
{
	static const char *const words[] = { "struct", "enum", "union", "impl", "for",
					     "trait", "->" };

	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(p - line) >= n && !strncmp(p - n, words[i], n))
			return 1;
	}
	return 0;
}

/* Where a `MemoryConfig {` literal opens on this line (after the '{'), or
 * NULL. */
static const char *literal_start(const char *line, const char *eol)
{
	static const char name[] = "MemoryConfig";
	const char *p = line;

	while ((p = memmem(p, (size_t)(eol - p), name, sizeof(name) - 1))) {
		const char *q = p + sizeof(name) - 1;
		int word = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (word && q < eol && *q == '{' && !declares(line, p))
			return q + 1;
		p += sizeof(name) - 1;
	}
	return NULL;
}

static int blank_or_comma(char c)
{
	return isspace((unsigned char)c) || c == ',';
}

/* One line inside the literal, at depth 1: "field: value,". */
static int rust_field(struct ma_workspace *ws, const char *rel, const char *s,
		      size_t n, unsigned line)
{
	char key[64];
	size_t i = 0, k = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_') && k + 1 < sizeof(key))
		key[k++] = s[i++];
	key[k] = '\0';
	if (!k || i >= n || s[i] != ':' || (i + 1 < n && s[i + 1] == ':'))
		return 0;
	for (i++; i < n && isspace((unsigned char)s[i]); i++)
		;
	const char *comment = memmem(s + i, n - i, "//", 2);
	size_t end = comment ? (size_t)(comment - s) : n;
	while (end > i && blank_or_comma(s[end - 1]))
		end--;
	return setting_add(ws, key, s + i, end - i, rel, line);
}

static int brace_delta(const char *s, const char *eol)
{
	int d = 0;

	for (; s < eol; s++)
		d += (*s == '{') - (*s == '}');
	return d;
}

int ws_memory_rust(struct ma_workspace *ws, const char *rel, const char *text)
{
	unsigned line = 1;
	int depth = 0;   /* inside a literal: its brace depth */

	for (const char *s = text; *s; line++) {
		const char *eol = strchr(s, '\n');
		if (!eol)
			eol = s + strlen(s);
		const char *body;
		if (depth > 0) {
			if (depth == 1 && rust_field(ws, rel, s, (size_t)(eol - s), line))
				return -1;
			depth += brace_delta(s, eol);
		} else if ((body = literal_start(s, eol))) {
			depth = 1 + brace_delta(body, eol);
		}
		s = *eol ? eol + 1 : eol;
	}
	return 0;
}

/* ---- TOML ---- */

struct toml_ctx {
	struct ma_workspace *ws;
	const char *rel;
};

/* The part of a table name below a memory table ("" for the table
 * itself), or NULL when it is not one. */
static const char *memory_table(const char *table)
{
	static const char *const names[] = {
		"memory", "memory_optimization", "package.metadata.memory",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (!strncmp(table, names[i], n) && (!table[n] || table[n] == '.'))
			return table[n] ? table + n + 1 : table + n;
	}
	return NULL;
}

static int toml_key(void *ctx, const char *table, const char *key, const char *value,
		    unsigned line)
{
	struct toml_ctx *c = ctx;
	const char *sub = memory_table(table);
	char full[256];

	if (!sub)
		return 0;
	snprintf(full, sizeof(full), "%s%s%s", sub, *sub ? "." : "", key);
	return setting_add(c->ws, full, value, strlen(value), c->rel, line);
}

int ws_memory_toml(struct ma_workspace *ws, const char *rel, const char *text)
{
	struct toml_ctx c = { ws, rel };

	return ws_toml_walk(text, toml_key, &c) ? -1 : 0;
}
