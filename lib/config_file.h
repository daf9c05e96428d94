/* The workspace configuration file, .memory-analyzer.conf.
 *
 * An INI-like text file (docs/configuration.md is the reference):
 *
 *   # comment                     (also "; comment"; " # ..." after a value)
 *   [ratings.memory_usage_mb]     section, names like [a-z0-9_.-]
 *   good = 800                    key = value, value trimmed, may be "quoted"
 *
 * Sections and keys this module knows are checked when the file is
 * parsed (unknown names, bad numbers and sizes, duplicates); the
 * [ratings.<metric>] sections belong to ratings.c, which checks them
 * when it applies them (ma_ratings_apply_config).  Every error names the
 * file and the line:
 *
 *   '.memory-analyzer.conf' line 7: expected key = value
 *
 * Settings from the command line go into the same store with
 * ma_config_set_spec(), after the file, so they win: the last setting of
 * a key is the one that counts. */
#ifndef MA_CONFIG_FILE_H
#define MA_CONFIG_FILE_H

#include <stddef.h>
#include <stdint.h>

#define MA_CONFIG_NAME ".memory-analyzer.conf"

/* Where a setting came from, for messages: file is NULL for settings
 * given on the command line. */
struct ma_config_entry {
	const char *section;
	const char *key;
	const char *value;
	const char *file;
	unsigned line;
};

struct ma_config;

/* An empty configuration (every default applies).  NULL when out of
 * memory.  Free with ma_config_free(). */
struct ma_config *ma_config_new(void);
void ma_config_free(struct ma_config *cfg);

/* Reads and checks the file at path and adds its settings.  Returns 0, or
 * -1 with "'<path>' line N: <reason>" (or "cannot read '<path>': ...") in
 * err; on error cfg is left as it was. */
int ma_config_load(struct ma_config *cfg, const char *path, char *err, size_t errlen);

/* As ma_config_load, on text already in memory; name is used in messages. */
int ma_config_parse(struct ma_config *cfg, const char *name, const char *text,
		    char *err, size_t errlen);

/* Adds one command-line setting "section.key=value", e.g.
 * "ratings.memory_usage_mb.good=800" or "gate.fail_on=warning": the key
 * is the part after the last dot before '='.  Checked like a file line;
 * errors read "invalid setting 'x': ...". */
int ma_config_set_spec(struct ma_config *cfg, const char *spec, char *err, size_t errlen);

/* Looks for .memory-analyzer.conf in dir, then in its parents up to the
 * first directory holding .git, .hg or .svn, or up to /.  Returns 1 with
 * the path in buf, 0 when there is none. */
int ma_config_find(const char *dir, char *buf, size_t len);

/* The setting that counts for section/key (the last one given), or NULL. */
const struct ma_config_entry *ma_config_lookup(const struct ma_config *cfg,
					       const char *section, const char *key);
/* Typed access to keys whose type the schema knows: 1 with *out set, 0
 * when the key is not set (out unchanged).  Values were checked when
 * they were added. */
int ma_config_number(const struct ma_config *cfg, const char *section,
		     const char *key, double *out);
int ma_config_size(const struct ma_config *cfg, const char *section,
		   const char *key, uint64_t *out);

/* All settings in the order they were added (lists such as
 * [suppressions] leak = ... have one entry per line). */
size_t ma_config_count(const struct ma_config *cfg);
const struct ma_config_entry *ma_config_at(const struct ma_config *cfg, size_t i);

/* "'<file>' line N" or "command line setting": the prefix of a message
 * about an entry.  Returns buf. */
const char *ma_config_where(const struct ma_config_entry *e, char *buf, size_t len);

#endif
