#include "config.h"

#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sitenode.h"

#define BLOCK_SIZE (64u << 10)

struct ma_pool_block {
	struct ma_pool_block *next;
	size_t used, size;
	max_align_t data[];
};

void ma_pool_init(struct ma_pool *p)
{
	memset(p, 0, sizeof(*p));
}

void ma_pool_release(struct ma_pool *p)
{
	ma_sitenode_release(p);
	while (p->blocks) {
		struct ma_pool_block *b = p->blocks;
		p->blocks = b->next;
		free(b);
	}
	free(p->strs);
	free(p->hashes);
	ma_pool_init(p);
}

/* Memory as it comes: ma_pool_alloc zeroes it, interning copies over it
 * (a deep stack's site key is kilobytes, clearing it first was 1 % of a
 * report). */
static void *alloc_raw(struct ma_pool *p, size_t size)
{
	struct ma_pool_block *b = p->blocks;
	size_t a = sizeof(max_align_t);
	void *r;

	size = (size + a - 1) / a * a;
	if (!b || b->size - b->used < size) {
		size_t n = size > BLOCK_SIZE ? size : BLOCK_SIZE;
		b = malloc(sizeof(*b) + n);
		if (!b)
			return NULL;
		b->size = n;
		b->used = 0;
		/* A block bigger than usual goes second so the current one
		 * keeps serving small requests. */
		if (p->blocks && size > BLOCK_SIZE) {
			b->next = p->blocks->next;
			p->blocks->next = b;
		} else {
			b->next = p->blocks;
			p->blocks = b;
		}
	}
	r = (char *)b->data + b->used;
	b->used += size;
	return r;
}

void *ma_pool_alloc(struct ma_pool *p, size_t size)
{
	void *r = alloc_raw(p, size);

	if (r)
		memset(r, 0, size);
	return r;
}

/* Eight bytes a step: the site keys of deep stacks are kilobytes long. */
static size_t hash_str(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 29));
}

static size_t find(const struct ma_pool *p, const char *s, size_t len, size_t h)
{
	size_t i = h & p->mask;

	while (p->strs[i] &&
	       (p->hashes[i] != h || strncmp(p->strs[i], s, len) || p->strs[i][len]))
		i = (i + 1) & p->mask;
	return i;
}

/* Doubles the set; the strings are not hashed again. */
static int grow(struct ma_pool *p)
{
	size_t cap = p->strs ? (p->mask + 1) * 2 : 1024;
	const char **old = p->strs, **strs = calloc(cap, sizeof(*strs));
	size_t *oldh = p->hashes, *hashes = malloc(cap * sizeof(*hashes));
	size_t omask = p->mask;

	if (!strs || !hashes) {
		free(strs);
		free(hashes);
		return -1;
	}
	p->strs = strs;
	p->hashes = hashes;
	p->mask = cap - 1;
	for (size_t i = 0; old && i <= omask; i++) {
		size_t k;

		if (!old[i])
			continue;
		k = oldh[i] & p->mask;
		while (strs[k])
			k = (k + 1) & p->mask;
		strs[k] = old[i];
		hashes[k] = oldh[i];
	}
	free(old);
	free(oldh);
	return 0;
}

const char *ma_pool_intern(struct ma_pool *p, const char *s, size_t len)
{
	size_t i, h = hash_str(s, len);
	char *copy;

	if ((!p->strs || (p->nstrs + 1) * 2 > p->mask + 1) && grow(p) < 0)
		return NULL;
	i = find(p, s, len, h);
	if (p->strs[i])
		return p->strs[i];
	copy = alloc_raw(p, len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	p->strs[i] = copy;
	p->hashes[i] = h;
	p->nstrs++;
	return copy;
}

const char *ma_pool_str(struct ma_pool *p, const char *s)
{
	return s ? ma_pool_intern(p, s, strlen(s)) : NULL;
}
