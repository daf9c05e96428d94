#include "config.h"

#include "sitenode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The set of nodes: an open-addressing table of pointers, doubled when
 * half full, malloc'd (ma_sitenode_release frees it with the pool); the
 * set itself and the nodes are in the pool's memory. */
struct ma_sitenode_set {
	const struct ma_sitenode **slot;
	size_t mask, n;
	struct ma_sitenode root;
};

static struct ma_sitenode_set *set_of(struct ma_pool *p)
{
	if (!p->sites)
		p->sites = ma_pool_alloc(p, sizeof(struct ma_sitenode_set));
	return p->sites;
}

const struct ma_sitenode *ma_sitenode_root(struct ma_pool *p)
{
	struct ma_sitenode_set *s = set_of(p);

	return s ? &s->root : NULL;
}

static size_t hash(const struct ma_sitenode *up, const char *path, uint64_t off)
{
	uint64_t h = (uint64_t)(uintptr_t)up * 0x9e3779b97f4a7c15ull;

	h = (h ^ (uint64_t)(uintptr_t)path) * 0xff51afd7ed558ccdull;
	h = (h ^ off) * 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 31));
}

static size_t find(const struct ma_sitenode_set *s, const struct ma_sitenode *up,
		   const char *path, uint64_t off)
{
	size_t i = hash(up, path, off) & s->mask;

	while (s->slot[i] &&
	       (s->slot[i]->up != up || s->slot[i]->path != path || s->slot[i]->off != off))
		i = (i + 1) & s->mask;
	return i;
}

static int grow(struct ma_sitenode_set *s)
{
	size_t cap = s->slot ? (s->mask + 1) * 2 : 1024;
	const struct ma_sitenode **old = s->slot;
	size_t omask = s->mask;

	if (!(s->slot = calloc(cap, sizeof(*s->slot)))) {
		s->slot = old;
		return -1;
	}
	s->mask = cap - 1;
	for (size_t i = 0; old && i <= omask; i++)
		if (old[i])
			s->slot[find(s, old[i]->up, old[i]->path, old[i]->off)] = old[i];
	free(old);
	return 0;
}

void ma_sitenode_release(struct ma_pool *p)
{
	struct ma_sitenode_set *s = p->sites;

	if (s)
		free(s->slot);
	p->sites = NULL;
}

const struct ma_sitenode *ma_sitenode_get(struct ma_pool *p, const struct ma_sitenode *up,
					  const char *path, uint64_t off)
{
	struct ma_sitenode_set *s = set_of(p);
	struct ma_sitenode *n;
	size_t i;

	if (!s || ((!s->slot || (s->n + 1) * 2 > s->mask + 1) && grow(s) < 0))
		return NULL;
	i = find(s, up, path, off);
	if (s->slot[i])
		return s->slot[i];
	if (!(n = ma_pool_alloc(p, sizeof(*n))))
		return NULL;
	*n = (struct ma_sitenode){ up, path, off };
	s->slot[i] = n;
	s->n++;
	return n;
}

/* ---- the text, for tests and diagnosis ---- */

/* Writes s[0..n) at buf + at as far as size allows; returns n. */
static size_t put(char *buf, size_t size, size_t at, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (at + i + 1 < size)
			buf[at + i] = s[i];
	return n;
}

size_t ma_sitenode_text(const struct ma_sitenode *n, char *buf, size_t size)
{
	size_t len = 0;

	for (; n && n->up; n = n->up) {
		char frag[24];
		int k = snprintf(frag, sizeof(frag), "+%" PRIx64 ";", n->off);

		len += put(buf, size, len, n->path, strlen(n->path));
		len += put(buf, size, len, frag, (size_t)k);
	}
	if (size)
		buf[len < size ? len : size - 1] = '\0';
	return len;
}
