#include "config.h"

#include "stackstats.h"

#include <stdlib.h>
#include <string.h>

static size_t hash_id(uint64_t id, size_t mask)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 31)) & mask;
}

void ma_stacktab_init(struct ma_stacktab *t)
{
	memset(t, 0, sizeof(*t));
}

void ma_stacktab_release(struct ma_stacktab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].frames);
	free(t->v);
	free(t->index);
	ma_stacktab_init(t);
}

static size_t probe(const struct ma_stacktab *t, uint64_t id)
{
	size_t i = hash_id(id, t->mask);

	while (t->index[i] && t->v[t->index[i] - 1].id != id)
		i = (i + 1) & t->mask;
	return i;
}

static int rehash(struct ma_stacktab *t)
{
	size_t cap = t->index ? (t->mask + 1) * 2 : 256;
	uint32_t *index = calloc(cap, sizeof(*index));

	if (!index)
		return -1;
	free(t->index);
	t->index = index;
	t->mask = cap - 1;
	for (size_t k = 0; k < t->n; k++)
		t->index[probe(t, t->v[k].id)] = (uint32_t)(k + 1);
	return 0;
}

struct ma_stackstat *ma_stacktab_find(const struct ma_stacktab *t, uint64_t id)
{
	size_t i;

	if (!t->index)
		return NULL;
	i = probe(t, id);
	return t->index[i] ? &t->v[t->index[i] - 1] : NULL;
}

static struct ma_stackstat *append(struct ma_stacktab *t, uint64_t id)
{
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 256;
		struct ma_stackstat *v = realloc(t->v, na * sizeof(*v));
		if (!v)
			return NULL;
		t->v = v;
		t->alloc = na;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	t->v[t->n].id = id;
	return &t->v[t->n++];
}

struct ma_stackstat *ma_stacktab_get(struct ma_stacktab *t, uint64_t id)
{
	struct ma_stackstat *s = ma_stacktab_find(t, id);

	if (s)
		return s;
	if ((!t->index || (t->n + 1) * 2 > t->mask + 1) && rehash(t) < 0)
		return NULL;
	s = append(t, id);
	if (s)
		t->index[probe(t, id)] = (uint32_t)t->n;
	return s;
}

int ma_stacktab_define(struct ma_stacktab *t, uint64_t id, const uint64_t *frames,
		       uint32_t depth)
{
	struct ma_stackstat *s = ma_stacktab_get(t, id);

	if (!s)
		return -1;
	if (s->frames || !depth)
		return 0;
	s->frames = malloc(depth * sizeof(*frames));
	if (!s->frames)
		return -1;
	memcpy(s->frames, frames, depth * sizeof(*frames));
	s->depth = depth;
	t->defined++;
	return 0;
}

void ma_stacktab_clear_snap(struct ma_stacktab *t)
{
	for (size_t i = 0; i < t->n; i++)
		t->v[i].snap_blocks = t->v[i].snap_bytes = 0;
}
