/* Measures: the metrics and the sites of one process, keyed by symbols. */
#include "config.h"

#include "gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "sitekey.h"
#include "suppress.h"

void ma_measure_init(struct ma_measure *m)
{
	memset(m, 0, sizeof(*m));
}

void ma_measure_release(struct ma_measure *m)
{
	for (size_t i = 0; i < m->nsites; i++) {
		free(m->sites[i].function);
		free(m->sites[i].file);
		free(m->sites[i].module);
	}
	free(m->sites);
	free(m->index);
	ma_measure_init(m);
}

void ma_measure_set(struct ma_measure *m, enum ma_gm g, double v)
{
	m->v[g] = v;
	m->measured |= 1u << g;
}

int ma_measure_has(const struct ma_measure *m, enum ma_gm g)
{
	return (m->measured >> g) & 1;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;
}

static size_t slot(const struct ma_measure *m, const char *fn, const char *file,
		   const char *mod)
{
	uint64_t h = hash_str(hash_str(hash_str(0xcbf29ce484222325ull, fn), file), mod);
	size_t i = (size_t)h & m->mask;

	for (; m->index[i]; i = (i + 1) & m->mask) {
		const struct ma_msite *s = &m->sites[m->index[i] - 1];
		if (!strcmp(s->function, fn) && !strcmp(s->file, file) && !strcmp(s->module, mod))
			break;
	}
	return i;
}

/* Keeps the index at most half full. */
static int grow(struct ma_measure *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct ma_msite *v = realloc(m->sites, cap * sizeof(*v));
	uint32_t *index;

	if (!v)
		return -1;
	m->sites = v;
	if (!(index = calloc(cap * 2, sizeof(*index))))
		return -1;
	free(m->index);
	m->index = index;
	m->mask = cap * 2 - 1;
	m->cap = cap;
	for (size_t k = 0; k < m->nsites; k++) {
		const struct ma_msite *s = &m->sites[k];
		m->index[slot(m, s->function, s->file, s->module)] = (uint32_t)(k + 1);
	}
	return 0;
}

struct ma_msite *ma_measure_site(struct ma_measure *m, const char *function,
				 const char *file, const char *module, int add)
{
	struct ma_msite *s;
	size_t i;

	if (m->index) {
		i = slot(m, function, file, module);
		if (m->index[i])
			return &m->sites[m->index[i] - 1];
	}
	if (!add || (m->nsites == m->cap && grow(m) < 0))
		return NULL;
	s = &m->sites[m->nsites];
	memset(s, 0, sizeof(*s));
	s->function = strdup(function);
	s->file = strdup(file);
	s->module = strdup(module);
	if (!s->function || !s->file || !s->module) {
		free(s->function);
		free(s->file);
		free(s->module);
		return NULL;
	}
	m->index[slot(m, function, file, module)] = (uint32_t)++m->nsites;
	return s;
}

/* Which numbers of a list's sites count: live bytes and blocks, calls
 * and bytes allocated, or temporary calls (in `blocks`). */
enum pick { PICK_LIVE, PICK_CALLS, PICK_TEMP };

/* Adds a list's numbers to the sites: a and b are the enum ma_sv slots
 * taking the first and second number of `pick`, b -1 for none. */
static int add_list(struct ma_measure *m, const struct ma_site_list *l, int a, int b,
		    enum pick pick)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct ma_site *site = &l->v[i];
		struct ma_sitekey k;
		struct ma_msite *s;

		ma_sitekey_of(&site->stack, &k);
		if (!(s = ma_measure_site(m, k.function, k.file, k.module, 1)))
			return -1;
		if (!s->line)
			s->line = k.line;
		s->n[a] += pick == PICK_CALLS ? site->calls :
			   pick == PICK_TEMP ? site->blocks : site->bytes;
		if (b >= 0)
			s->n[b] += pick == PICK_CALLS ? site->alloc_bytes : site->blocks;
	}
	return 0;
}

/* The leaks, less what the suppressions excuse (*excused).  Blocks live
 * when the trace ends are leaks only when the process exited (the report
 * says why not, lib/result.c): otherwise leaked bytes and blocks are not
 * measured, as in the report, and their gates are skipped. */
static int add_leaks(struct ma_measure *m, const struct ma_process *p,
		     struct ma_suppressions *supp, uint64_t *excused)
{
	const struct ma_site_list *l = &p->leaks;
	uint64_t bytes = 0, blocks = 0;

	*excused = 0;
	if (!p->leaks_are_leaks)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct ma_site *site = &l->v[i];
		struct ma_site_list one = { (struct ma_site *)site, 1, 1, 0, 0 };
		if (supp && ma_supp_match(supp, &site->stack, site->bytes, site->blocks)) {
			*excused += site->bytes;
			continue;
		}
		if (add_list(m, &one, MA_SV_LEAKED_BYTES, MA_SV_LEAKED_BLOCKS, PICK_LIVE) < 0)
			return -1;
		bytes += site->bytes;
		blocks += site->blocks;
	}
	ma_measure_set(m, MA_GM_LEAKED_BYTES, (double)bytes);
	ma_measure_set(m, MA_GM_LEAKED_BLOCKS, (double)blocks);
	return 0;
}

static void add_totals(struct ma_measure *m, const struct ma_totals *t)
{
	ma_measure_set(m, MA_GM_PEAK_HEAP, (double)t->peak_heap_bytes);
	if (t->peak_rss_bytes)
		ma_measure_set(m, MA_GM_PEAK_RSS, (double)t->peak_rss_bytes);
	ma_measure_set(m, MA_GM_ALLOCATIONS, (double)t->allocations);
	if (t->allocations)
		ma_measure_set(m, MA_GM_TEMPORARY_PCT,
			       100.0 * (double)t->temporary / (double)t->allocations);
	m->duration_ns = t->duration_ns;
}

/* The full report's values; fragmentation_pct is its rated figure. */
static void add_rated(struct ma_measure *m, const struct ma_metric *rated, uint64_t excused)
{
	struct ma_metric *leaked = &m->rated[MA_METRIC_LEAKED_BYTES];
	const struct ma_metric *frag = &rated[MA_METRIC_FRAGMENTATION_PCT];

	memcpy(m->rated, rated, sizeof(m->rated));
	m->have_rated = 1;
	if (leaked->measured)
		leaked->value = leaked->value > (double)excused ? leaked->value - (double)excused : 0;
	if (frag->measured)
		ma_measure_set(m, MA_GM_FRAGMENTATION_PCT, frag->value);
}

int ma_measure_from_process(struct ma_measure *m, const struct ma_process *p,
			    const struct ma_metric *rated,
			    const struct ma_measure_opts *opts, char *err, size_t errlen)
{
	uint64_t excused;

	add_totals(m, &p->totals);
	if (add_leaks(m, p, opts->supp, &excused) < 0 ||
	    add_list(m, &p->peak.sites, MA_SV_PEAK_BYTES, MA_SV_PEAK_BLOCKS, PICK_LIVE) < 0 ||
	    add_list(m, &p->top_calls, MA_SV_ALLOCATIONS, MA_SV_ALLOC_BYTES, PICK_CALLS) < 0 ||
	    add_list(m, &p->temporary, MA_SV_TEMPORARY, -1, PICK_TEMP) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rated)
		add_rated(m, rated, excused);
	return 0;
}
