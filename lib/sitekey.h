/* Keys of allocation sites that survive a rebuild.
 *
 * A site is named by its innermost frame (the probe's and the allocator's
 * frames are already gone from analysis stacks): the function, the base
 * name of its source file and the base name of its module.  Addresses and
 * line numbers change with every build, these do not.  A frame without a
 * symbol falls back to "?+0xOFFSET" in its module, which only matches the
 * same build. */
#ifndef MA_SITEKEY_H
#define MA_SITEKEY_H

#include "analysis.h"

struct ma_sitekey {
	const char *function;    /* never NULL */
	const char *file;        /* base name, "" when unknown */
	const char *module;      /* base name, "" when unknown */
	unsigned line;
	char buf[40];            /* holds the fallback function name */
};

/* Fills k from s; the strings point into s or into k->buf. */
void ma_sitekey_of(const struct ma_stack *s, struct ma_sitekey *k);
/* The part of path after the last '/', or "" for NULL. */
const char *ma_path_base(const char *path);

#endif
