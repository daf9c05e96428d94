#include "config.h"

#include <stdlib.h>

#include "html_data.h"
#include "stackfmt.h"
#include "strtab.h"

static const char *const titles[MA_WEIGHT_COUNT] = {
	"Leaked", "Live at peak", "Allocated", "Allocations",
};

struct flame {
	struct ma_stree tree;
	size_t kept, pruned;
	uint64_t min;
};

/* Outermost caller at the root, as flame graphs draw it. */
static int add_stack(struct ma_strtab *names, struct ma_stree *t, const struct ma_stack *s,
		     uint64_t weight)
{
	uint32_t ids[256];
	unsigned n = s->nframes < 256 ? s->nframes : 256;
	char buf[512];

	for (unsigned i = 0; i < n; i++) {
		int64_t id;
		ma_frame_name(&s->frames[s->nframes - 1 - i], buf, sizeof(buf));
		if ((id = ma_strtab_intern(names, buf)) < 0)
			return -1;
		ids[i] = (uint32_t)id;
	}
	return ma_stree_add(t, ids, n, weight);
}

static int build(struct ma_strtab *names, struct flame *fl, const struct ma_process *p,
		 enum ma_weight w)
{
	const struct ma_site_list *l = ma_weight_list(p, w);
	uint64_t rest = ma_weight_rest(p, w);
	struct ma_frame other = { .function = MA_REST_FRAME };
	struct ma_stack rs = { &other, 1 };
	int rc = 0;

	for (size_t i = 0; i < l->n && !rc; i++)
		if (ma_weight_of(&l->v[i], w))
			rc = add_stack(names, &fl->tree, &l->v[i].stack, ma_weight_of(&l->v[i], w));
	if (!rc && rest)
		rc = add_stack(names, &fl->tree, &rs, rest);
	return rc;
}

/* Nodes as flat triples (name, parent's index, weight), parents first. */
static int nodes(struct jw *w, struct flame *fl, uint32_t at, size_t parent)
{
	uint32_t *kids;
	uint64_t small;
	size_t nsmall, self = fl->kept++;
	int64_t n = ma_stree_children(&fl->tree, at, fl->min, &kids, &small, &nsmall);
	int rc = 0;

	if (n < 0)
		return -1;
	fl->pruned += nsmall;
	jw_u64(w, NULL, at ? fl->tree.v[at].name : 0);
	jw_u64(w, NULL, at ? parent : 0);
	jw_u64(w, NULL, fl->tree.v[at].weight);
	for (int64_t i = 0; i < n && !rc; i++)
		rc = nodes(w, fl, kids[i], self);
	free(kids);
	return rc;
}

static int flame(struct jw *w, struct ma_strtab *names, const struct ma_process *p,
		 enum ma_weight k)
{
	struct flame fl = { .kept = 0 };
	int rc;

	if (ma_stree_init(&fl.tree) < 0)
		return -1;
	rc = build(names, &fl, p, k);
	fl.min = fl.tree.v[0].weight / MA_HTML_PRUNE_SHARE;
	jw_open(w, NULL, '{');
	jw_str(w, "key", ma_weight_name(k));
	jw_str(w, "title", titles[k]);
	jw_str(w, "unit", ma_weight_is_bytes(k) ? "bytes" : "allocations");
	jw_u64(w, "total", fl.tree.v[0].weight);
	jw_open(w, "nodes", '[');
	if (!rc)
		rc = nodes(w, &fl, 0, 0);
	jw_close(w, ']');
	jw_u64(w, "pruned", fl.pruned);
	jw_close(w, '}');
	ma_stree_release(&fl.tree);
	return rc;
}

int ma_html_flames(struct jw *w, const struct ma_process *p)
{
	static const enum ma_weight order[] = { MA_WEIGHT_PEAK, MA_WEIGHT_LEAKED,
						MA_WEIGHT_ALLOCATED, MA_WEIGHT_CALLS };
	struct ma_strtab names = { 0 };
	int rc = 0;

	jw_num(w, "prune_share", 1.0 / MA_HTML_PRUNE_SHARE);
	jw_open(w, "flames", '[');
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && !rc; i++)
		rc = flame(w, &names, p, order[i]);
	jw_close(w, ']');
	jw_open(w, "names", '[');
	for (size_t i = 0; i < names.n; i++)
		jw_str(w, NULL, names.v[i]);
	jw_close(w, ']');
	ma_strtab_release(&names);
	return rc;
}
