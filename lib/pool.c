#include "config.h"

#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	while (p->blocks) {
		struct ma_pool_block *b = p->blocks;
		p->blocks = b->next;
		free(b);
	}
	free(p->strs);
	ma_pool_init(p);
}

void *ma_pool_alloc(struct ma_pool *p, size_t size)
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
	memset(r, 0, size);
	return r;
}

static size_t hash_str(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)h;
}

static size_t find(const struct ma_pool *p, const char *s, size_t len)
{
	size_t i = hash_str(s, len) & p->mask;

	while (p->strs[i] && (strncmp(p->strs[i], s, len) || p->strs[i][len]))
		i = (i + 1) & p->mask;
	return i;
}

static int grow(struct ma_pool *p)
{
	size_t cap = p->strs ? (p->mask + 1) * 2 : 1024;
	const char **old = p->strs;
	size_t omask = p->mask;

	p->strs = calloc(cap, sizeof(*p->strs));
	if (!p->strs) {
		p->strs = old;
		return -1;
	}
	p->mask = cap - 1;
	for (size_t i = 0; old && i <= omask; i++)
		if (old[i])
			p->strs[find(p, old[i], strlen(old[i]))] = old[i];
	free(old);
	return 0;
}

const char *ma_pool_intern(struct ma_pool *p, const char *s, size_t len)
{
	size_t i;
	char *copy;

	if ((!p->strs || (p->nstrs + 1) * 2 > p->mask + 1) && grow(p) < 0)
		return NULL;
	i = find(p, s, len);
	if (p->strs[i])
		return p->strs[i];
	copy = ma_pool_alloc(p, len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	p->strs[i] = copy;
	p->nstrs++;
	return copy;
}

const char *ma_pool_str(struct ma_pool *p, const char *s)
{
	return s ? ma_pool_intern(p, s, strlen(s)) : NULL;
}
