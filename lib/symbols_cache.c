/* The per-module cache of resolved addresses: offset -> frames. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "symbols_int.h"

/* A slot is free while its frames are NULL: every stored entry has at
 * least one frame. */
static size_t slot_of(const struct ma_sym_cache *c, uint64_t key)
{
	/* Offsets of nearby return addresses differ in their low bits; a
	 * multiplicative hash spreads them over the table. */
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 17) & (c->cap - 1);
}

struct ma_sym_entry *ma_sym_cache_find(struct ma_sym_cache *c, uint64_t offset)
{
	if (c->cap == 0)
		return NULL;
	for (size_t i = slot_of(c, offset);; i = (i + 1) & (c->cap - 1)) {
		struct ma_sym_entry *e = &c->slots[i];
		if (e->frames == NULL)
			return NULL;
		if (e->offset == offset)
			return e;
	}
}

static struct ma_sym_entry *put(struct ma_sym_cache *c,
				const struct ma_sym_entry *e)
{
	size_t i = slot_of(c, e->offset);
	while (c->slots[i].frames != NULL)
		i = (i + 1) & (c->cap - 1);
	c->slots[i] = *e;
	return &c->slots[i];
}

static int grow(struct ma_sym_cache *c)
{
	struct ma_sym_cache bigger = { .cap = c->cap ? c->cap * 2 : 64 };
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (bigger.slots == NULL)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].frames != NULL)
			put(&bigger, &c->slots[i]);
	bigger.count = c->count;
	free(c->slots);
	*c = bigger;
	return 0;
}

struct ma_sym_entry *ma_sym_cache_add(struct ma_sym_cache *c,
				      const struct ma_sym_entry *e)
{
	if ((c->count + 1) * 4 > c->cap * 3 && grow(c) < 0)
		return NULL;
	c->count++;
	return put(c, e);
}

void ma_sym_entry_release(struct ma_sym_entry *e)
{
	for (int i = 0; i < e->n; i++) {
		free((char *)e->frames[i].function);
		free((char *)e->frames[i].file);
	}
	free(e->frames);
	e->frames = NULL;
	e->n = 0;
}

void ma_sym_cache_release(struct ma_sym_cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].frames != NULL)
			ma_sym_entry_release(&c->slots[i]);
	free(c->slots);
	memset(c, 0, sizeof(*c));
}
