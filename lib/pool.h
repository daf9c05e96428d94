/* Memory that lives as long as an analysis result: a bump arena for
 * stacks and lists, and interned strings (equal strings share one copy,
 * so a string's address can serve as its key).  Everything is freed at
 * once by ma_pool_release(). */
#ifndef MA_POOL_H
#define MA_POOL_H

#include <stddef.h>

struct ma_pool_block;

struct ma_pool {
	struct ma_pool_block *blocks;
	const char **strs;      /* open-addressing set of interned strings */
	size_t *hashes;         /* and their hashes, slot for slot */
	size_t mask, nstrs;
	void *sites;            /* interned site nodes (sitenode.c), or NULL */
};

void ma_pool_init(struct ma_pool *p);
void ma_pool_release(struct ma_pool *p);
/* Zeroed memory, aligned for any type; NULL when out of memory. */
void *ma_pool_alloc(struct ma_pool *p, size_t size);
/* The pool's copy of s[0..len) (NUL-terminated); NULL when out of memory. */
const char *ma_pool_intern(struct ma_pool *p, const char *s, size_t len);
const char *ma_pool_str(struct ma_pool *p, const char *s);

#endif
