#include "config.h"

#include "strtab.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static size_t str_slot(const struct ma_strtab *t, const char *s, uint64_t h)
{
	size_t i = (size_t)h & t->mask;

	while (t->index[i] && strcmp(t->v[t->index[i] - 1], s))
		i = (i + 1) & t->mask;
	return i;
}

static int str_grow(struct ma_strtab *t)
{
	size_t cap = t->index ? (t->mask + 1) * 2 : 1024;
	uint32_t *index = calloc(cap, sizeof(*index));
	char **v = realloc(t->v, cap / 2 * sizeof(*v));

	if (v)
		t->v = v;
	if (!index || !v) {
		free(index);
		return -1;
	}
	free(t->index);
	t->index = index;
	t->cap = cap / 2;
	t->mask = cap - 1;
	for (size_t k = 0; k < t->n; k++)
		t->index[str_slot(t, t->v[k], hash_str(t->v[k]))] = (uint32_t)(k + 1);
	return 0;
}

int64_t ma_strtab_intern(struct ma_strtab *t, const char *s)
{
	uint64_t h = hash_str(s);
	size_t i;

	if (t->n == t->cap && str_grow(t) < 0)
		return -1;
	i = str_slot(t, s, h);
	if (t->index[i])
		return t->index[i] - 1;
	if (!(t->v[t->n] = strdup(s)))
		return -1;
	t->index[i] = (uint32_t)++t->n;
	return (int64_t)t->n - 1;
}

void ma_strtab_release(struct ma_strtab *t)
{
	for (size_t k = 0; k < t->n; k++)
		free(t->v[k]);
	free(t->v);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

/* ---- the call tree ---- */

static uint64_t hash_edge(uint32_t parent, uint32_t name)
{
	return (((uint64_t)parent << 32) | name) * 0x9e3779b97f4a7c15ull;
}

static size_t edge_slot(const struct ma_stree *t, uint32_t parent, uint32_t name)
{
	size_t i = (size_t)(hash_edge(parent, name) >> 24) & t->mask;

	while (t->index[i]) {
		const struct ma_stree_node *n = &t->v[t->index[i] - 1];
		if (n->parent == parent && n->name == name)
			break;
		i = (i + 1) & t->mask;
	}
	return i;
}

static int tree_grow(struct ma_stree *t)
{
	size_t cap = (t->mask + 1) * 2;
	uint32_t *index = calloc(cap, sizeof(*index));
	struct ma_stree_node *v = realloc(t->v, cap / 2 * sizeof(*v));

	if (v)
		t->v = v;
	if (!index || !v) {
		free(index);
		return -1;
	}
	free(t->index);
	t->index = index;
	t->cap = cap / 2;
	t->mask = cap - 1;
	for (size_t k = 1; k < t->n; k++)
		t->index[edge_slot(t, t->v[k].parent, t->v[k].name)] = (uint32_t)(k + 1);
	return 0;
}

int ma_stree_init(struct ma_stree *t)
{
	memset(t, 0, sizeof(*t));
	t->mask = 255;
	if (tree_grow(t) < 0)
		return -1;
	memset(&t->v[0], 0, sizeof(t->v[0]));
	t->n = 1;
	return 0;
}

static int64_t child_of(struct ma_stree *t, uint32_t parent, uint32_t name)
{
	size_t i;
	struct ma_stree_node *n;

	if (t->n == t->cap && tree_grow(t) < 0)
		return -1;
	i = edge_slot(t, parent, name);
	if (t->index[i])
		return t->index[i] - 1;
	n = &t->v[t->n];
	*n = (struct ma_stree_node){ name, parent, 0, t->v[parent].child, 0 };
	t->v[parent].child = (uint32_t)t->n;
	t->index[i] = (uint32_t)++t->n;
	return (int64_t)t->n - 1;
}

int ma_stree_add(struct ma_stree *t, const uint32_t *names, size_t n, uint64_t weight)
{
	uint32_t at = 0;

	t->v[0].weight += weight;
	for (size_t k = 0; k < n; k++) {
		int64_t c = child_of(t, at, names[k]);
		if (c < 0)
			return -1;
		at = (uint32_t)c;
		t->v[at].weight += weight;
	}
	return 0;
}

static int by_weight(const void *a, const void *b, void *arg)
{
	const struct ma_stree *t = arg;
	uint64_t x = t->v[*(const uint32_t *)a].weight, y = t->v[*(const uint32_t *)b].weight;

	return x > y ? -1 : x < y;
}

int64_t ma_stree_children(const struct ma_stree *t, uint32_t node, uint64_t min,
			  uint32_t **out, uint64_t *small, size_t *nsmall)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	*small = 0;
	*nsmall = 0;
	for (uint32_t c = t->v[node].child; c; c = t->v[c].next) {
		if (t->v[c].weight < min || !t->v[c].weight) {
			*small += t->v[c].weight;
			++*nsmall;
			continue;
		}
		if (n == cap) {
			uint32_t *v = realloc(*out, (cap = cap ? cap * 2 : 8) * sizeof(*v));
			if (!v) {
				free(*out);
				*out = NULL;
				return -1;
			}
			*out = v;
		}
		(*out)[n++] = c;
	}
	if (n)
		qsort_r(*out, n, sizeof(**out), by_weight, (void *)t);
	return (int64_t)n;
}

void ma_stree_release(struct ma_stree *t)
{
	free(t->v);
	free(t->index);
	memset(t, 0, sizeof(*t));
}
