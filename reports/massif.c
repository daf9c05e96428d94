#include "config.h"

#include "massif.h"

#include <inttypes.h>
#include <stdlib.h>

#include "stackfmt.h"
#include "strtab.h"

/* Children smaller than this share of the peak are summed into one "in N
 * places" line, as massif does with its own threshold (1% by default). */
#define THRESHOLD_PERMILLE 1

struct mw {
	FILE *f;
	const struct ma_strtab *names;
	const struct ma_stree *tree;
	uint64_t cut;           /* bytes below which a node is summed */
};

static void frame_text(const struct ma_frame *f, char *buf, size_t len)
{
	char name[512], where[512];

	ma_frame_name(f, name, sizeof(name));
	ma_frame_where(f, where, sizeof(where));
	if (*where)
		snprintf(buf, len, "0x%" PRIX64 ": %s (%s)", f->addr, name, where);
	else
		snprintf(buf, len, "0x%" PRIX64 ": %s (in %s)", f->addr, name,
			 f->module ? f->module : "???");
}

/* Massif's tree goes from the allocation point out to main. */
static int add_site(struct ma_strtab *names, struct ma_stree *tree, const struct ma_site *s)
{
	uint32_t ids[256];
	unsigned n = s->stack.nframes < 256 ? s->stack.nframes : 256;
	char buf[1100];

	for (unsigned i = 0; i < n; i++) {
		int64_t id;
		frame_text(&s->stack.frames[i], buf, sizeof(buf));
		if ((id = ma_strtab_intern(names, buf)) < 0)
			return -1;
		ids[i] = (uint32_t)id;
	}
	return ma_stree_add(tree, ids, n, s->bytes);
}

/* The sites --top left out, as one more place under the root. */
static int rest(struct ma_strtab *names, struct ma_stree *tree, const struct ma_site_list *l)
{
	uint64_t shown = 0;
	uint32_t id;
	int64_t k;
	char buf[96];

	for (size_t i = 0; i < l->n; i++)
		shown += l->v[i].bytes;
	snprintf(buf, sizeof(buf), "in %zu places, not shown (--top)", l->total_sites - l->n);
	if ((k = ma_strtab_intern(names, buf)) < 0)
		return -1;
	id = (uint32_t)k;
	return ma_stree_add(tree, &id, 1, l->bytes > shown ? l->bytes - shown : 0);
}

static int node(const struct mw *w, uint32_t at, unsigned depth, const char *text)
{
	uint32_t *kids;
	uint64_t small;
	size_t nsmall;
	int64_t n = ma_stree_children(w->tree, at, w->cut, &kids, &small, &nsmall);
	int rc = 0;

	if (n < 0)
		return -1;
	fprintf(w->f, "%*sn%zu: %" PRIu64 " %s\n", (int)depth, "", (size_t)n + (nsmall > 0),
		w->tree->v[at].weight, text);
	for (int64_t i = 0; i < n && !rc; i++)
		rc = node(w, kids[i], depth + 1, w->names->v[w->tree->v[kids[i]].name]);
	if (nsmall)
		fprintf(w->f, "%*sn0: %" PRIu64 " in %zu place%s, all below massif's "
			"threshold (%.2f%%)\n", (int)depth + 1, "", small, nsmall,
			nsmall == 1 ? "" : "s", THRESHOLD_PERMILLE / 10.0);
	free(kids);
	return rc;
}

static int heap_tree(FILE *out, const struct ma_process *p)
{
	const struct ma_site_list *l = &p->peak.sites;
	struct ma_strtab names = { 0 };
	struct ma_stree tree;
	struct mw w = { out, &names, &tree, 0 };
	int rc = ma_stree_init(&tree);

	for (size_t i = 0; i < l->n && !rc; i++)
		rc = add_site(&names, &tree, &l->v[i]);
	if (!rc && l->total_sites > l->n)
		rc = rest(&names, &tree, l);
	if (!rc) {
		w.cut = l->bytes * THRESHOLD_PERMILLE / 1000;
		rc = node(&w, 0, 0, "(heap allocation functions) malloc/new/new[], --alloc-fns, etc.");
	}
	ma_stree_release(&tree);
	ma_strtab_release(&names);
	return rc;
}

static void snapshot(FILE *out, unsigned *n, uint64_t ns, uint64_t heap, const char *tree)
{
	fprintf(out, "#-----------\nsnapshot=%u\n#-----------\n", (*n)++);
	fprintf(out, "time=%" PRIu64 "\nmem_heap_B=%" PRIu64 "\nmem_heap_extra_B=0\n"
		"mem_stacks_B=0\nheap_tree=%s\n", ns / 1000000, heap, tree);
}

static int peak(FILE *out, const struct ma_process *p, unsigned *n)
{
	snapshot(out, n, p->totals.peak_heap_ts, p->totals.peak_heap_bytes, "peak");
	return heap_tree(out, p);
}

int ma_render_massif(FILE *out, const struct ma_analysis *a, const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);
	unsigned n = 0;
	int done = 0, rc = 0;

	fprintf(out, "desc: memory-analyzer %s, requested bytes (no allocator overhead)\n",
		PACKAGE_VERSION);
	fprintf(out, "cmd: %s\ntime_unit: ms\n", p->cmdline && *p->cmdline ? p->cmdline :
		p->exe ? p->exe : "?");
	snapshot(out, &n, 0, 0, "empty");
	for (size_t i = 0; i < p->ntimeline && !rc; i++) {
		const struct ma_timeline_point *t = &p->timeline[i];
		if (!done && t->ts >= p->totals.peak_heap_ts) {
			rc = peak(out, p, &n);
			done = 1;
		}
		if (t->heap_bytes <= p->totals.peak_heap_bytes)
			snapshot(out, &n, t->ts, t->heap_bytes, "empty");
	}
	if (!done && !rc)
		rc = peak(out, p, &n);
	return rc < 0 || ferror(out) ? -1 : 0;
}
