#include "config.h"

#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct group {
	const void *key;            /* interned: compared by address */
	struct ma_site sum;
	struct ma_replay *rep;      /* the biggest member, whose stack is shown */
	uint64_t rep_stack, rep_rank;
	struct ma_stack shown;      /* for function and module groups */
	uint64_t first;             /* of site groups: the earliest member, see by_rank */
};

struct grouping {
	struct group *v;
	size_t n, alloc;
	uint32_t *index;            /* key hash -> position + 1 */
	size_t mask;
	enum ma_rank rank;
	enum ma_group_by by;
};

static uint64_t rank_of(const struct ma_site *s, enum ma_rank rank)
{
	switch (rank) {
	case MA_RANK_BLOCKS:
		return s->blocks;
	case MA_RANK_CALLS:
		return s->calls;
	case MA_RANK_ALLOC_BYTES:
		return s->alloc_bytes;
	case MA_RANK_DELTA:
		return (uint64_t)(s->dbytes < 0 ? -s->dbytes : s->dbytes);
	default:
		return s->bytes;
	}
}

static size_t slot(const struct grouping *g, const void *key)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 20) & g->mask;

	while (g->index[i] && g->v[g->index[i] - 1].key != key)
		i = (i + 1) & g->mask;
	return i;
}

static int grow(struct grouping *g)
{
	size_t cap = g->index ? (g->mask + 1) * 2 : 256;
	uint32_t *index = calloc(cap, sizeof(*index));
	struct group *v = realloc(g->v, cap / 2 * sizeof(*v));

	if (!index || !v) {
		free(index);
		if (v)
			g->v = v;
		return -1;
	}
	free(g->index);
	g->index = index;
	g->v = v;
	g->alloc = cap / 2;
	g->mask = cap - 1;
	for (size_t k = 0; k < g->n; k++)
		g->index[slot(g, g->v[k].key)] = (uint32_t)(k + 1);
	return 0;
}

static struct group *group_of(struct grouping *g, const void *key)
{
	size_t i;

	if (g->n == g->alloc && grow(g) < 0)
		return NULL;
	i = slot(g, key);
	if (!g->index[i]) {
		memset(&g->v[g->n], 0, sizeof(g->v[0]));
		g->v[g->n].key = key;
		g->index[i] = (uint32_t)++g->n;
	}
	return &g->v[g->index[i] - 1];
}

/* Where a stack first came: its input, then its place in that input's
 * stack table (in order of first sight); stacks never defined after
 * every defined one, by id. */
static uint64_t first_seen(size_t input, const struct ma_replay *r,
			   const struct ma_stackstat *st, uint64_t id)
{
	uint64_t at = st ? (uint64_t)(st - r->stacks.v) : (1ull << 39) | (id & ((1ull << 39) - 1));

	return (uint64_t)input << 40 | at;
}

/* Whether every module of r's map is still loaded at the end and no
 * two share a path: then distinct return addresses are distinct (path,
 * offset) pairs at any time. */
static int modules_distinct(const struct ma_symctx *c)
{
	for (size_t i = 0; i < c->nmods; i++) {
		if (c->mods[i].ts_gone != UINT64_MAX)
			return 0;
		for (size_t k = 0; k < i; k++)
			if (c->mods[k].path == c->mods[i].path)
				return 0;
	}
	return 1;
}

static uint64_t frames_hash(const struct ma_stackstat *st)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ st->depth;

	for (uint32_t i = 0; i < st->depth; i++) {
		h = (h ^ st->frames[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h | 1;
}

/* Whether two of r's defined stacks have the same frames (a trace from
 * elsewhere may say so; the probe gives a stack one id); -1 when out of
 * memory. */
static int frames_repeat(const struct ma_stacktab *t)
{
	size_t cap = 64, mask;
	struct { uint64_t h; const struct ma_stackstat *st; } *set;
	int rep = 0;

	while (cap < 2 * t->defined)
		cap *= 2;
	mask = cap - 1;
	if (!(set = calloc(cap, sizeof(*set))))
		return -1;
	for (size_t i = 0; i < t->n && !rep; i++) {
		const struct ma_stackstat *st = &t->v[i];
		uint64_t h;
		size_t k;

		if (!st->frames)
			continue;
		h = frames_hash(st);
		for (k = h & mask; set[k].h; k = (k + 1) & mask)
			if (set[k].h == h && set[k].st->depth == st->depth &&
			    !memcmp(set[k].st->frames, st->frames, st->depth * sizeof(*st->frames))) {
				rep = 1;
				break;
			}
		set[k].h = h;
		set[k].st = st;
	}
	free(set);
	return rep;
}

/* Whether each of r's stacks can stand for its own site when its sites
 * are grouped alone (not summed with another trace's): distinct stacks
 * are then distinct sites, and the keys of the trie (frames.c, site_key:
 * one lookup a frame, most of them cache misses, 5 % of a python3
 * report) are not needed.  So when the module map maps distinct return
 * addresses to distinct (path, offset) pairs and no two stacks have the
 * same frames; kept until more stacks or module events come. */
static int stacks_are_sites(struct ma_replay *r)
{
	if (r->sas_defined != r->stacks.defined || r->sas_modev != r->sym.nlog ||
	    !r->sas_defined) {
		r->stacks_are_sites = modules_distinct(&r->sym) && frames_repeat(&r->stacks) == 0;
		r->sas_defined = r->stacks.defined;
		r->sas_modev = r->sym.nlog;
	}
	return r->stacks_are_sites;
}

static int add_site(struct grouping *g, size_t input, struct ma_replay *r,
		    const struct ma_rawsite *raw, enum ma_group_by by, int own)
{
	struct ma_stackstat *st = ma_stacktab_find(&r->stacks, raw->stack);
	struct ma_site s = { raw->bytes, raw->blocks, raw->calls, raw->alloc_bytes,
			     raw->dbytes, raw->dblocks, { NULL, 0 } };
	struct ma_stack shown;
	const void *key;
	struct group *grp;
	uint64_t first;

	if (by == MA_GROUP_SITE && own && st && st->frames) {
		key = st;
		memset(&shown, 0, sizeof(shown));
	} else if (by == MA_GROUP_SITE && st && st->site_key) {
		key = st->site_key;
		memset(&shown, 0, sizeof(shown));
	} else {
		key = ma_symctx_key(&r->sym, st ? st->frames : NULL, st ? st->depth : 0,
				    st ? st->first_ts : 0, by, &shown);
		if (by == MA_GROUP_SITE && st && st->frames)
			st->site_key = key;
	}
	if (!key || !(grp = group_of(g, key)))
		return -1;
	first = first_seen(input, r, st, raw->stack);
	if (!grp->rep || first < grp->first)
		grp->first = first;
	grp->sum.bytes += s.bytes;
	grp->sum.blocks += s.blocks;
	grp->sum.calls += s.calls;
	grp->sum.alloc_bytes += s.alloc_bytes;
	grp->sum.dbytes += s.dbytes;
	grp->sum.dblocks += s.dblocks;
	if (!grp->rep || rank_of(&s, g->rank) > grp->rep_rank) {
		grp->rep = r;
		grp->rep_stack = raw->stack;
		grp->rep_rank = rank_of(&s, g->rank);
		grp->shown = shown;
	}
	return 0;
}

/* Biggest first; ties by blocks, then bytes live and bytes allocated,
 * then sites in the order their first stack came, functions and modules
 * by name: never by addresses.  (Sites were ordered by the text of their
 * frames until it stopped being made, sitenode.h; comparing nodes frame
 * by frame was slow when thousands of deep stacks tie.) */
static int by_rank(const void *a, const void *b, void *arg)
{
	const struct group *x = a, *y = b;
	const struct grouping *g = arg;
	uint64_t rx = rank_of(&x->sum, g->rank), ry = rank_of(&y->sum, g->rank);

	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->sum.blocks != y->sum.blocks)
		return x->sum.blocks > y->sum.blocks ? -1 : 1;
	if (x->sum.bytes != y->sum.bytes)
		return x->sum.bytes > y->sum.bytes ? -1 : 1;
	if (x->sum.alloc_bytes != y->sum.alloc_bytes)
		return x->sum.alloc_bytes > y->sum.alloc_bytes ? -1 : 1;
	if (g->by == MA_GROUP_SITE)
		return x->first < y->first ? -1 : x->first > y->first;
	return strcmp(x->key, y->key);
}

/* Puts the `top` biggest groups, in order, first in g->v (top < g->n):
 * a bounded heap whose root is the smallest kept, then a sort of those.
 * by_rank is a total order, so these are the first `top` a sort of all
 * would give, in the same order.  Sorting every group was most of
 * building a list: the python3 bench trace's 14 621 sites, ten lists,
 * for the ten sites each shows. */
static int select_top(struct grouping *g, size_t top)
{
	size_t *h = malloc(top * sizeof(*h)), k = 0;
	struct group *best = malloc(top * sizeof(*best));

	if (!h || !best) {
		free(h);
		free(best);
		return -1;
	}
	for (size_t i = 0; i < g->n; i++) {
		size_t at;
		if (k < top) {
			/* sift up: a parent ranks after its children */
			for (at = k++; at && by_rank(&g->v[h[(at - 1) / 2]], &g->v[i], g) < 0;
			     at = (at - 1) / 2)
				h[at] = h[(at - 1) / 2];
			h[at] = i;
			continue;
		}
		if (by_rank(&g->v[i], &g->v[h[0]], g) >= 0)
			continue;
		for (at = 0;;) {
			size_t c = 2 * at + 1;
			if (c >= k)
				break;
			if (c + 1 < k && by_rank(&g->v[h[c + 1]], &g->v[h[c]], g) > 0)
				c++;
			if (by_rank(&g->v[h[c]], &g->v[i], g) <= 0)
				break;
			h[at] = h[c];
			at = c;
		}
		h[at] = i;
	}
	for (size_t j = 0; j < k; j++)
		best[j] = g->v[h[j]];
	qsort_r(best, k, sizeof(*best), by_rank, g);
	memcpy(g->v, best, k * sizeof(*best));
	free(h);
	free(best);
	return 0;
}

static int materialize(struct ma_pool *pool, struct grouping *g, enum ma_group_by by,
		       unsigned top, struct ma_site_list *out)
{
	size_t n = top && top < g->n ? top : g->n;

	out->v = n ? ma_pool_alloc(pool, n * sizeof(*out->v)) : NULL;
	if (n && !out->v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct group *grp = &g->v[i];
		const struct ma_stackstat *st;

		out->v[i] = grp->sum;
		if (by != MA_GROUP_SITE) {
			out->v[i].stack = grp->shown;
			continue;
		}
		st = ma_stacktab_find(&grp->rep->stacks, grp->rep_stack);
		if (st && ma_symctx_stack(&grp->rep->sym, st->frames, st->depth, st->first_ts,
					  &out->v[i].stack) < 0)
			return -1;
	}
	out->n = n;
	return 0;
}

int ma_sitelist_build(struct ma_pool *pool, const struct ma_sitesrc *src, size_t nsrc,
		      enum ma_group_by by, enum ma_rank rank, unsigned top,
		      struct ma_site_list *out)
{
	struct grouping g = { .rank = rank, .by = by };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < nsrc && !rc; k++) {
		int own = by == MA_GROUP_SITE && nsrc == 1 && stacks_are_sites(src[k].r);

		for (size_t i = 0; i < src[k].list->n && !rc; i++) {
			const struct ma_rawsite *raw = &src[k].list->v[i];
			out->bytes += raw->bytes;
			out->blocks += raw->blocks;
			rc = add_site(&g, k, src[k].r, raw, by, own);
		}
	}
	if (!rc) {
		if (top && top < g.n)
			rc = select_top(&g, top);
		else if (g.n)
			qsort_r(g.v, g.n, sizeof(*g.v), by_rank, &g);
	}
	if (!rc) {
		out->total_sites = g.n;
		rc = materialize(pool, &g, by, top, out);
	}
	free(g.v);
	free(g.index);
	return rc;
}
