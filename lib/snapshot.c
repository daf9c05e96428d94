#include "config.h"

#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "replay.h"

void ma_rawlist_release(struct ma_rawlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int by_stack(const void *a, const void *b)
{
	const struct ma_rawsite *x = a, *y = b;

	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/* Collects the stacks with snap_blocks into out, sorted by stack id. */
static int collect(struct ma_stacktab *t, struct ma_rawlist *out)
{
	size_t n = 0;

	out->n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->v[i].snap_blocks != 0;
	out->v = calloc(n ? n : 1, sizeof(*out->v));
	if (!out->v)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct ma_stackstat *s = &t->v[i];
		if (!s->snap_blocks)
			continue;
		out->v[out->n++] = (struct ma_rawsite){ s->id, s->snap_bytes, s->snap_blocks,
							s->calls, s->bytes, 0, 0 };
	}
	qsort(out->v, out->n, sizeof(*out->v), by_stack);
	return 0;
}

int ma_snapshot_raw(struct ma_replay *r, enum ma_live_filter which, struct ma_rawlist *out)
{
	struct ma_livemap_iter i = { 0 };
	struct ma_block blk, *b = &blk;

	ma_stacktab_clear_snap(&r->stacks);
	while (ma_livemap_each(&r->live, &i, b)) {
		int inh = (b->flags & MA_BLOCK_F_INHERITED) != 0;
		struct ma_stackstat *s;
		if (!(which & (inh ? MA_LIVE_INHERITED : MA_LIVE_OWN)))
			continue;
		s = &r->stacks.v[b->stack];
		s->snap_blocks++;
		s->snap_bytes += b->size;
	}
	return collect(&r->stacks, out);
}

int ma_snapshot_peak(struct ma_replay *r, struct ma_rawlist *out)
{
	struct ma_stacktab *t = &r->stacks;

	for (size_t i = 0; i < t->n; i++) {
		struct ma_stackstat *s = &t->v[i];
		int saved = s->peak_epoch == r->peak_epoch;
		s->snap_blocks = saved ? s->peak_blocks : s->live_blocks;
		s->snap_bytes = saved ? s->peak_bytes : s->live_bytes;
	}
	return collect(t, out);
}

int ma_stats_raw(struct ma_replay *r, enum ma_stat stat, struct ma_rawlist *out)
{
	struct ma_stacktab *t = &r->stacks;

	for (size_t i = 0; i < t->n; i++) {
		struct ma_stackstat *s = &t->v[i];
		s->snap_blocks = stat == MA_STAT_CALLS ? s->calls : s->temp_calls;
		s->snap_bytes = stat == MA_STAT_CALLS ? s->bytes : s->temp_bytes;
	}
	return collect(t, out);
}

int ma_rawlist_diff(const struct ma_rawlist *a, const struct ma_rawlist *b,
		    struct ma_rawlist *out)
{
	size_t i = 0, j = 0;

	out->n = 0;
	out->v = calloc(a->n + b->n + 1, sizeof(*out->v));
	if (!out->v)
		return -1;
	while (i < a->n || j < b->n) {
		struct ma_rawsite d;
		if (j == b->n || (i < a->n && a->v[i].stack < b->v[j].stack)) {
			d = a->v[i++];
			d.dbytes = -(int64_t)d.bytes;
			d.dblocks = -(int64_t)d.blocks;
			d.bytes = d.blocks = 0;
		} else if (i == a->n || b->v[j].stack < a->v[i].stack) {
			d = b->v[j++];
			d.dbytes = (int64_t)d.bytes;
			d.dblocks = (int64_t)d.blocks;
		} else {
			d = b->v[j];
			d.dbytes = (int64_t)(b->v[j].bytes - a->v[i].bytes);
			d.dblocks = (int64_t)(b->v[j].blocks - a->v[i].blocks);
			i++;
			j++;
		}
		if (d.dbytes || d.dblocks)
			out->v[out->n++] = d;
	}
	return 0;
}
