/* Keys of sites grouped by whole stack, as interned nodes of a trie.
 *
 * A site is a stack's frames as (module path, offset) pairs, so that it
 * is the same in a fork child and an exec'd process whatever the load
 * addresses.  Its key used to be the text "path+offset;" over every
 * frame, interned: on a trace of 6 000 stacks 40 frames deep that was
 * 7 MB of text copied, hashed and kept, growing with stacks times depth.
 * Now a frame is a node whose parent is its caller's node, interned in
 * the analysis's pool (so the same site in two processes is the same
 * node): a key is the node of its innermost frame, compared by address,
 * and stacks that share callers share their nodes.  The text is only
 * made for tests and diagnosis (ma_sitenode_text). */
#ifndef MA_SITENODE_H
#define MA_SITENODE_H

#include <stdint.h>

#include "pool.h"

struct ma_sitenode {
	const struct ma_sitenode *up; /* the caller's node; NULL: the root */
	const char *path;             /* interned module path, "" when none */
	uint64_t off;                 /* offset in the module, or the address */
};

/* The node of the empty stack: every key's last ancestor. */
const struct ma_sitenode *ma_sitenode_root(struct ma_pool *p);
/* The node of frame (path, off) called from up (path interned in p).
 * NULL when out of memory. */
const struct ma_sitenode *ma_sitenode_get(struct ma_pool *p, const struct ma_sitenode *up,
					  const char *path, uint64_t off);
/* Frees what the pool's nodes need besides the pool's memory; called by
 * ma_pool_release. */
void ma_sitenode_release(struct ma_pool *p);
/* A key's text into buf (at most size bytes with the NUL); its length,
 * which may be size or more when it did not fit.  For tests and
 * diagnosis. */
size_t ma_sitenode_text(const struct ma_sitenode *n, char *buf, size_t size);

#endif
