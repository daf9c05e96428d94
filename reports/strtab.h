/* Interned strings and a tree of weighted call paths, for the renderers
 * that name frames once and share them (HTML, speedscope, massif). */
#ifndef MA_STRTAB_H
#define MA_STRTAB_H

#include <stddef.h>
#include <stdint.h>

/* Strings by id, 0 upwards in the order first interned; the table owns
 * its copies. */
struct ma_strtab {
	char **v;
	size_t n, cap;
	uint32_t *index;        /* hash -> id + 1 */
	size_t mask;
};

/* The id of s, interning a copy the first time; -1 out of memory. */
int64_t ma_strtab_intern(struct ma_strtab *t, const char *s);
void ma_strtab_release(struct ma_strtab *t);

/* A call tree: node 0 is the root, every other node a name under its
 * parent, weighing the sum of the paths added through it. */
struct ma_stree_node {
	uint32_t name, parent;
	uint32_t child, next;   /* first child, next sibling; 0: none */
	uint64_t weight;
};

struct ma_stree {
	struct ma_stree_node *v;
	size_t n, cap;
	uint32_t *index;        /* hash of (parent, name) -> node + 1 */
	size_t mask;
};

/* An empty tree holding the root; -1 out of memory. */
int ma_stree_init(struct ma_stree *t);
/* Adds weight to the root and to each node along names[0..n), root side
 * first, making the nodes that are missing.  0 or -1. */
int ma_stree_add(struct ma_stree *t, const uint32_t *names, size_t n, uint64_t weight);
/* The children of node weighing at least min (and more than 0), heaviest
 * first, into a malloc'd *out the caller frees; their number.  Those
 * left out are summed into *small (count in *nsmall).  -1 out of memory. */
int64_t ma_stree_children(const struct ma_stree *t, uint32_t node, uint64_t min,
			  uint32_t **out, uint64_t *small, size_t *nsmall);
void ma_stree_release(struct ma_stree *t);

#endif
