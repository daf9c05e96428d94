/* .memory-analyzer.conf: parsing, checking and lookup.  The schema below
 * is the reference for docs/configuration.md; keep them in step. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config_file.h"
#include "units.h"

enum value_type { T_SIZE, T_NUMBER, T_STRING, T_LIST, T_FAIL_ON };

struct key_def {
	const char *section;
	const char *key;
	enum value_type type;
};

static const struct key_def schema[] = {
	{ "workspace", "ram", T_SIZE },
	{ "workspace", "skip", T_LIST },
	{ "limits", "peak_rss", T_SIZE },
	{ "limits", "peak_heap", T_SIZE },
	{ "limits", "leaked", T_SIZE },
	{ "limits", "leaked_blocks", T_NUMBER },
	{ "limits", "temporary_pct", T_NUMBER },
	{ "limits", "fragmentation_pct", T_NUMBER },
	{ "limits", "allocations", T_NUMBER },
	{ "gate", "baseline", T_STRING },
	{ "gate", "max_regression_pct", T_NUMBER },
	{ "gate", "fail_on", T_FAIL_ON },
	{ "suppressions", "leak", T_LIST },
};

#define RATINGS_PREFIX "ratings."

struct entry {
	struct ma_config_entry pub;
	char *section, *key, *value;
};

struct ma_config {
	struct entry *v;
	size_t n, cap;
	char **files;
	size_t nfiles;
};

/* State of one parse, for messages. */
struct parse {
	struct ma_config *cfg;
	const char *name;      /* file name, NULL for a command-line setting */
	const char *spec;      /* the command-line setting */
	unsigned line;
	size_t first;          /* first entry added by this parse */
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int perr(struct parse *p, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (p->name)
		snprintf(p->err, p->errlen, "'%s' line %u: %s", p->name, p->line, why);
	else
		snprintf(p->err, p->errlen, "invalid setting '%s': %s", p->spec, why);
	return -1;
}

struct ma_config *ma_config_new(void)
{
	return calloc(1, sizeof(struct ma_config));
}

static void entry_release(struct entry *e)
{
	free(e->section);
	free(e->key);
	free(e->value);
}

void ma_config_free(struct ma_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++)
		entry_release(&cfg->v[i]);
	for (size_t i = 0; i < cfg->nfiles; i++)
		free(cfg->files[i]);
	free(cfg->v);
	free(cfg->files);
	free(cfg);
}

static const struct key_def *key_def(const char *section, const char *key)
{
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (!strcmp(schema[i].section, section) && !strcmp(schema[i].key, key))
			return &schema[i];
	return NULL;
}

static int section_known(const char *section)
{
	if (!strncmp(section, RATINGS_PREFIX, strlen(RATINGS_PREFIX)))
		return section[strlen(RATINGS_PREFIX)] != '\0';
	for (size_t i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (!strcmp(schema[i].section, section))
			return 1;
	return 0;
}

static int name_ok(const char *s, const char *extra)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_' && !strchr(extra, *s))
			return 0;
	return 1;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || v != v || v < 0 || v > 1e18)
		return -1;
	*out = v;
	return 0;
}

static int check_value(struct parse *p, const struct key_def *def, const char *value)
{
	char why[128];
	uint64_t size;
	double num;

	switch (def->type) {
	case T_SIZE:
		if (ma_parse_size(value, &size, why, sizeof(why)))
			return perr(p, "%s", why);
		return 0;
	case T_NUMBER:
		if (parse_number(value, &num))
			return perr(p, "'%s' wants a number, not '%s'", def->key, value);
		return 0;
	case T_FAIL_ON:
		if (strcmp(value, "never") && strcmp(value, "warning") && strcmp(value, "critical"))
			return perr(p, "fail_on is never, warning or critical, not '%s'", value);
		return 0;
	default:
		return 0;
	}
}

/* The entry this parse already added for section/key, for duplicates. */
static const struct entry *added_before(struct parse *p, const char *section, const char *key)
{
	for (size_t i = p->first; i < p->cfg->n; i++)
		if (!strcmp(p->cfg->v[i].section, section) && !strcmp(p->cfg->v[i].key, key))
			return &p->cfg->v[i];
	return NULL;
}

static int check_setting(struct parse *p, const char *section, const char *key,
			 const char *value)
{
	const struct key_def *def = key_def(section, key);
	int is_rating = !strncmp(section, RATINGS_PREFIX, strlen(RATINGS_PREFIX));
	const struct entry *dup;

	if (!name_ok(key, "-"))
		return perr(p, "invalid key name '%s'", key);
	if (!def && !is_rating)
		return perr(p, "unknown key '%s' in [%s]", key, section);
	if (!*value)
		return perr(p, "missing value for '%s'", key);
	if (def && check_value(p, def, value))
		return -1;
	if (p->name && (!def || def->type != T_LIST) && (dup = added_before(p, section, key)))
		return perr(p, "duplicate key '%s' (first on line %u)", key, dup->pub.line);
	return 0;
}

static int add_entry(struct parse *p, const char *section, const char *key,
		     const char *value)
{
	struct ma_config *cfg = p->cfg;

	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 16;
		struct entry *v = realloc(cfg->v, cap * sizeof(*v));
		if (!v)
			return perr(p, "out of memory");
		cfg->v = v;
		cfg->cap = cap;
	}
	struct entry *e = &cfg->v[cfg->n];
	e->section = strdup(section);
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->section || !e->key || !e->value) {
		entry_release(e);
		return perr(p, "out of memory");
	}
	e->pub = (struct ma_config_entry){ e->section, e->key, e->value,
					   p->name ? cfg->files[cfg->nfiles - 1] : NULL,
					   p->line };
	cfg->n++;
	return 0;
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

/* Cuts a comment after a value: '#' or ';' preceded by a blank. */
static void cut_comment(char *s)
{
	for (char *c = s + 1; *s && *c; c++)
		if ((*c == '#' || *c == ';') && isspace((unsigned char)c[-1])) {
			*c = '\0';
			return;
		}
}

static int unquote(struct parse *p, char **value)
{
	char *v = *value;

	if (*v != '"') {
		cut_comment(v);
		*value = trim(v);
		return 0;
	}
	char *close = strchr(v + 1, '"');
	if (!close)
		return perr(p, "missing closing quote");
	char *rest = trim(close + 1);
	if (*rest && *rest != '#' && *rest != ';')
		return perr(p, "unexpected text after the closing quote");
	*close = '\0';
	*value = v + 1;
	return 0;
}

static int parse_section(struct parse *p, char *line, char *section, size_t len)
{
	size_t n;

	if (line[1] == '[')
		return perr(p, "arrays of tables ([[...]]) are not supported");
	cut_comment(line);
	line = trim(line);
	n = strlen(line);
	if (line[n - 1] != ']')
		return perr(p, "expected ']' at the end of the section name");
	line[n - 1] = '\0';
	char *name = trim(line + 1);
	if (!name_ok(name, ".-"))
		return perr(p, "invalid section name '%s'", name);
	if (!section_known(name))
		return perr(p, "unknown section [%s]", name);
	snprintf(section, len, "%s", name);
	return 0;
}

static int parse_key_value(struct parse *p, char *line, const char *section)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return perr(p, "expected key = value");
	*eq = '\0';
	char *key = trim(line), *value = trim(eq + 1);
	if (!*section)
		return perr(p, "'%s' is outside any section", key);
	if (unquote(p, &value) || check_setting(p, section, key, value))
		return -1;
	return add_entry(p, section, key, value);
}

static int parse_line(struct parse *p, char *line, char *section, size_t len)
{
	line = trim(line);
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[')
		return parse_section(p, line, section, len);
	return parse_key_value(p, line, section);
}

static void rollback(struct ma_config *cfg, size_t n)
{
	while (cfg->n > n)
		entry_release(&cfg->v[--cfg->n]);
}

static int remember_file(struct parse *p)
{
	struct ma_config *cfg = p->cfg;
	char **files = realloc(cfg->files, (cfg->nfiles + 1) * sizeof(*files));

	if (!files)
		return perr(p, "out of memory");
	cfg->files = files;
	if (!(files[cfg->nfiles] = strdup(p->name)))
		return perr(p, "out of memory");
	cfg->nfiles++;
	return 0;
}

int ma_config_parse(struct ma_config *cfg, const char *name, const char *text,
		    char *err, size_t errlen)
{
	struct parse p = { cfg, name, NULL, 0, cfg->n, err, errlen };
	char section[128] = "";
	char *copy = strdup(text), *line, *next;
	int rc = 0;

	if (!copy)
		return perr(&p, "out of memory");
	if (remember_file(&p)) {
		free(copy);
		return -1;
	}
	for (line = copy; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		rc = parse_line(&p, line, section, sizeof(section));
	}
	free(copy);
	if (rc)
		rollback(cfg, p.first);
	return rc;
}

static char *read_text(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	/* A config file is small; anything past 1 MiB is not one. */
	text = calloc(1, (1 << 20) + 1);
	if (text)
		len = fread(text, 1, 1 << 20, f);
	if (text && (ferror(f) || len == 1 << 20)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
			 ferror(f) ? strerror(errno) : "larger than 1 MiB");
		free(text);
		text = NULL;
	} else if (!text) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
	} else if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "cannot read '%s': not a text file", path);
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

int ma_config_load(struct ma_config *cfg, const char *path, char *err, size_t errlen)
{
	char *text = read_text(path, err, errlen);

	if (!text)
		return -1;
	int rc = ma_config_parse(cfg, path, text, err, errlen);
	free(text);
	return rc;
}

int ma_config_set_spec(struct ma_config *cfg, const char *spec, char *err, size_t errlen)
{
	struct parse p = { cfg, NULL, spec, 0, cfg->n, err, errlen };
	char buf[512];

	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return perr(&p, "too long");
	char *eq = strchr(buf, '=');
	if (!eq)
		return perr(&p, "expected section.key=value");
	*eq = '\0';
	char *dot = strrchr(buf, '.');
	if (!dot)
		return perr(&p, "expected section.key=value");
	*dot = '\0';
	char *section = trim(buf), *key = trim(dot + 1), *value = trim(eq + 1);
	if (!name_ok(section, ".-") || !section_known(section))
		return perr(&p, "unknown section [%s]", section);
	if (check_setting(&p, section, key, value))
		return -1;
	return add_entry(&p, section, key, value);
}

static int has_vcs(const char *dir)
{
	static const char *const names[] = { ".git", ".hg", ".svn" };
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path) &&
		    !stat(path, &st))
			return 1;
	}
	return 0;
}

int ma_config_find(const char *dir, char *buf, size_t len)
{
	char cur[PATH_MAX];
	struct stat st;

	if (!realpath(dir, cur))
		return 0;
	for (;;) {
		snprintf(buf, len, "%s/%s", strcmp(cur, "/") ? cur : "", MA_CONFIG_NAME);
		if (!stat(buf, &st) && S_ISREG(st.st_mode))
			return 1;
		char *slash = strrchr(cur, '/');
		if (has_vcs(cur) || !slash || !strcmp(cur, "/"))
			return 0;
		slash[slash == cur] = '\0';
	}
}

const struct ma_config_entry *ma_config_lookup(const struct ma_config *cfg,
					       const char *section, const char *key)
{
	for (size_t i = cfg->n; i-- > 0;)
		if (!strcmp(cfg->v[i].section, section) && !strcmp(cfg->v[i].key, key))
			return &cfg->v[i].pub;
	return NULL;
}

int ma_config_number(const struct ma_config *cfg, const char *section,
		     const char *key, double *out)
{
	const struct ma_config_entry *e = ma_config_lookup(cfg, section, key);

	return e && !parse_number(e->value, out);
}

int ma_config_size(const struct ma_config *cfg, const char *section,
		   const char *key, uint64_t *out)
{
	const struct ma_config_entry *e = ma_config_lookup(cfg, section, key);
	char err[128];

	return e && !ma_parse_size(e->value, out, err, sizeof(err));
}

size_t ma_config_count(const struct ma_config *cfg)
{
	return cfg->n;
}

const struct ma_config_entry *ma_config_at(const struct ma_config *cfg, size_t i)
{
	return i < cfg->n ? &cfg->v[i].pub : NULL;
}

const char *ma_config_where(const struct ma_config_entry *e, char *buf, size_t len)
{
	if (e->file)
		snprintf(buf, len, "'%s' line %u", e->file, e->line);
	else
		snprintf(buf, len, "command line setting %s.%s", e->section, e->key);
	return buf;
}
