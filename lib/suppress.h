/* Leak suppressions: patterns that excuse known leaks from a gate.
 *
 * A suppressions file has one rule a line (docs/ci.md has the reference):
 *
 *   # one-time caches, freed by the OS at exit
 *   function:cache_init          fnmatch(3) pattern on a frame's function
 *   file:*third_party*           ... on its source file
 *   module:libfontconfig.so*     ... on its module (shared object)
 *   leak:g_type_*                function, file or module, like LSan
 *
 * Blank lines and lines starting with '#' are ignored.  A pattern without
 * '/' is matched against base names of files and modules, one with '/'
 * against the whole path.  A leak is suppressed when any frame of its
 * stack matches any rule; the first rule that matches gets the credit,
 * so rules that matched nothing can be listed as unused. */
#ifndef MA_SUPPRESS_H
#define MA_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

enum ma_supp_kind { MA_SUPP_FUNCTION, MA_SUPP_FILE, MA_SUPP_MODULE, MA_SUPP_ANY };

struct ma_supp_rule {
	enum ma_supp_kind kind;
	char *pattern;
	char origin[160];        /* "'x.supp' line 3", for messages */
	uint64_t sites, bytes, blocks;  /* what it suppressed */
};

struct ma_suppressions;

/* NULL when out of memory. */
struct ma_suppressions *ma_supp_new(void);
void ma_supp_free(struct ma_suppressions *s);
/* Reads rules from a file.  0, or -1 with "'x.supp' line 3: unknown kind
 * 'fn' (function, file, module or leak)" or "cannot read ..." in err. */
int ma_supp_load(struct ma_suppressions *s, const char *path, char *err, size_t errlen);
/* Adds one rule "kind:pattern"; origin names it in messages. */
int ma_supp_add(struct ma_suppressions *s, const char *rule, const char *origin,
		char *err, size_t errlen);
/* Adds a rule of a known kind (config file [suppressions] leak = ...). */
int ma_supp_add_pattern(struct ma_suppressions *s, enum ma_supp_kind kind,
			const char *pattern, const char *origin);

/* The rule suppressing a leak with this stack, credited with bytes and
 * blocks; NULL when none matches. */
const struct ma_supp_rule *ma_supp_match(struct ma_suppressions *s, const struct ma_stack *st,
					 uint64_t bytes, uint64_t blocks);
size_t ma_supp_count(const struct ma_suppressions *s);
const struct ma_supp_rule *ma_supp_at(const struct ma_suppressions *s, size_t i);
/* "function", "file", "module", "leak". */
const char *ma_supp_kind_name(enum ma_supp_kind kind);

#endif
