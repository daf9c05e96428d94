/* The rules.  Each reads the finished measurements and adds at most one
 * recommendation; docs/recommendations.md is the list a user reads, in
 * the same order. */
#include "config.h"

#include "recommend.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "full_report.h"

#define MB 1000000ull
#define GB 1000000000ull

struct ctx {
	struct ma_full_report *fr;
	const struct ma_process *p;
};

static const struct ma_metric *metric(const struct ctx *c, enum ma_metric_id id)
{
	return &c->fr->metrics[id];
}

static int band_at_least(const struct ctx *c, enum ma_metric_id id, enum ma_band b)
{
	const struct ma_metric *m = metric(c, id);

	return m->measured && m->band >= b;
}

static struct ma_recommendation *add(struct ctx *c, const char *id, const char *title,
				     enum ma_band band, const char *style)
{
	struct ma_full_report *fr = c->fr;
	struct ma_recommendation *v = realloc(fr->recs, (fr->nrecs + 1) * sizeof(*v));

	if (!v)
		return NULL;
	fr->recs = v;
	v = &fr->recs[fr->nrecs++];
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->title = title;
	v->band = band;
	v->style = style;
	return v;
}

#define SET(field, ...) snprintf(field, sizeof(field), __VA_ARGS__)

/* 20000000 -> "20_000_000", as the guide writes sizes. */
static char *underscored(uint64_t v, char *buf, size_t len)
{
	char digits[32];
	size_t n = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, v), o = 0;

	for (size_t i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = '_';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static uint64_t round_up(uint64_t v, uint64_t unit)
{
	return (v + unit - 1) / unit * unit;
}

static const struct ma_memory_setting *ws_setting(const struct ctx *c, const char *key)
{
	const struct ma_workspace *ws = c->fr->workspace;

	for (size_t i = 0; ws && i < ws->nmemory; i++)
		if (!strcmp(ws->memory[i].key, key))
			return &ws->memory[i];
	return NULL;
}

/* " (now 50_000_000 at src/config.rs:42)" or "". */
static const char *now_set(const struct ctx *c, const char *key, char *buf, size_t len)
{
	const struct ma_memory_setting *s = ws_setting(c, key);

	if (!s)
		return "";
	snprintf(buf, len, " (now %.40s at %.80s:%u)", s->value, s->file, s->line);
	return buf;
}

/* ---- model variant, by workspace size and RAM (guide: "Model Selection") ---- */

static const char *variant(uint64_t lines, int have_lines, uint64_t ram)
{
	enum ma_size_class r = ma_ram_class(ram);

	if (ram && r == MA_CLASS_SMALL)
		return "ModelVariant::Lightweight";
	if (have_lines && ma_workspace_size_class(lines) == MA_CLASS_LARGE && r == MA_CLASS_LARGE)
		return "ModelVariant::Large";
	return "ModelVariant::Standard";
}

static int rule_variant(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_MEMORY_USAGE_MB);
	uint64_t rss = c->p->totals.peak_rss_bytes, ram = c->fr->ram_bytes;
	const struct ma_workspace *ws = c->fr->workspace;
	struct ma_recommendation *r;
	char loc[96], now[160];

	if (!m->measured || (m->band < MA_BAND_WARNING && !(ram && rss > ram / 4)))
		return 0;
	if (!(r = add(c, "model-variant", "Pick the model variant for this workspace and machine",
		      m->band, "MemoryConfig")))
		return -1;
	if (ws)
		snprintf(loc, sizeof(loc), "workspace %" PRIu64 " lines (%s)", ws->total_lines,
			 ma_size_class_name(ma_workspace_size_class(ws->total_lines)));
	else
		snprintf(loc, sizeof(loc), "workspace not scanned");
	SET(r->setting, "MemoryConfig.model_variant");
	SET(r->value, "%s", variant(ws ? ws->total_lines : 0, ws != NULL, ram));
	SET(r->evidence, "peak RSS %.0f MB (%s) on a machine with %.1f GB RAM (%s); %s",
	    m->value, ma_band_name(m->band), (double)ram / GB,
	    ram ? ma_size_class_name(ma_ram_class(ram)) : "unknown", loc);
	SET(r->reason, "the guide picks the model by workspace size and RAM: up to 100K lines "
	    "and under 8 GB lightweight, over 1M lines and over 16 GB large, else standard%s",
	    now_set(c, "model_variant", now, sizeof(now)));
	SET(r->effect, "a variant sized for the machine: smaller weights to load, map and "
	    "cache, so peak RSS falls with the model size");
	SET(r->paste, "model_variant: %s,", r->value);
	return 0;
}

/* ---- models read into the heap (guide: "Zero-Copy Loading") ---- */

static int rule_mmap(struct ctx *c)
{
	const struct ma_models *mm = &c->fr->models;
	const struct ma_model_load *worst = NULL;
	uint64_t total = 0;
	size_t n = 0;
	struct ma_recommendation *r;

	for (size_t i = 0; i < mm->nloads; i++) {
		const struct ma_model_load *l = &mm->loads[i];
		if (l->heap_delta < (int64_t)(1u << 20) || l->heap_delta <= l->mmap_delta)
			continue;
		n++;
		total += (uint64_t)l->heap_delta;
		if (!worst || l->heap_delta > worst->heap_delta)
			worst = l;
	}
	if (!worst)
		return 0;
	if (!(r = add(c, "memory-mapping", "Map model files instead of reading them into the heap",
		      MA_BAND_WARNING, "MemoryConfig")))
		return -1;
	SET(r->setting, "MemoryConfig.memory_mapping");
	SET(r->value, "true");
	SET(r->evidence, "%zu model(s) grew the heap while loading, %.1f MB per load in all; "
	    "'%.40s' %.1f MB per load over %" PRIu64 " load(s)", n, (double)total / MB,
	    worst->model, (double)worst->heap_delta / MB, worst->loads);
	SET(r->reason, "a model copied into the heap is private memory; the guide maps model "
	    "files (zero-copy loading) so pages are shared and reclaimable");
	SET(r->effect, "about %.1f MB less heap per set of loaded models; only the pages "
	    "inference touches become resident", (double)total / MB);
	SET(r->paste, "memory_mapping: true,");
	return 0;
}

/* ---- the model cache: capacity from the working set, TTL from reuse ---- */

static uint64_t working_set(const struct ma_models *mm, uint64_t *reloads, uint64_t *loads,
			    uint64_t *max_gap)
{
	uint64_t ws = 0;

	*reloads = *loads = *max_gap = 0;
	for (size_t i = 0; i < mm->nloads; i++) {
		const struct ma_model_load *l = &mm->loads[i];
		int64_t b = l->heap_delta > l->mmap_delta ? l->heap_delta : l->mmap_delta;
		ws += b > 0 ? (uint64_t)b : 0;
		*reloads += l->reloads;
		*loads += l->loads;
		if (l->reload_gap_max_ns > *max_gap)
			*max_gap = l->reload_gap_max_ns;
	}
	return ws;
}

static int rule_lru(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_CACHE_HIT_RATE_PCT);
	const struct ma_models *mm = &c->fr->models;
	uint64_t reloads, loads, gap, ws = working_set(mm, &reloads, &loads, &gap), size;
	struct ma_recommendation *r;
	char num[40], now[160];

	if (!m->measured || m->band < MA_BAND_GOOD || !reloads || !ws)
		return 0;
	size = round_up(ws + ws / 4, MB);
	if (!(r = add(c, "lru-cache-size", "Size the model cache to the working set", m->band,
		      "MemoryConfig")))
		return -1;
	SET(r->setting, "MemoryConfig.lru_cache_size");
	SET(r->value, "%s", underscored(size, num, sizeof(num)));
	SET(r->evidence, "cache hit rate %.1f %% (%s); %zu models loaded %" PRIu64 " times, "
	    "%" PRIu64 " of them reloads; working set %.1f MB", m->value, ma_band_name(m->band),
	    mm->nloads, loads, reloads, (double)ws / MB);
	SET(r->reason, "models were evicted and loaded again: the cache is smaller than the "
	    "models in use; the guide sizes the LRU cache in bytes%s",
	    now_set(c, "lru_cache_size", now, sizeof(now)));
	SET(r->effect, "the working set (%.1f MB, plus a quarter of headroom) stays cached: "
	    "reloads stop and the hit rate rises toward the share of repeat requests",
	    (double)ws / MB);
	SET(r->paste, "lru_cache_size: %s, // %.0f MB", r->value, (double)size / MB);
	return 0;
}

static int rule_ttl(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_CACHE_HIT_RATE_PCT);
	uint64_t reloads, loads, gap, tti, ttl;
	struct ma_recommendation *r;

	working_set(&c->fr->models, &reloads, &loads, &gap);
	if (!m->measured || m->band < MA_BAND_GOOD || !reloads)
		return 0;
	/* Idle long enough to cover the longest gap between two uses seen,
	 * live twice that: whole seconds, at least one. */
	tti = (gap * 3 / 2 + 999999999ull) / 1000000000ull;
	tti = tti ? tti : 1;
	ttl = 2 * tti;
	if (!(r = add(c, "cache-ttl", "Keep cached models as long as they are reused", m->band,
		      "code")))
		return -1;
	SET(r->setting, "model cache time_to_live, time_to_idle");
	SET(r->value, "%" PRIu64 " s, %" PRIu64 " s", ttl, tti);
	SET(r->evidence, "%" PRIu64 " reloads; the longest time between two loads of one "
	    "model was %.3f s", reloads, (double)gap / 1e9);
	SET(r->reason, "a model needed again within its reuse interval should still be cached: "
	    "time to idle above the longest observed reuse gap, time to live twice that "
	    "(the guide's Moka cache: time_to_live, time_to_idle)");
	SET(r->effect, "no eviction by age between two uses of a model: fewer reloads, "
	    "higher hit rate");
	SET(r->paste, "// model cache (Moka builder):\n"
	    "//   .time_to_live(Duration::from_secs(%" PRIu64 "))\n"
	    "//   .time_to_idle(Duration::from_secs(%" PRIu64 "))", ttl, tti);
	return 0;
}

/* ---- soft and hard limits from peak RSS (guide: "Out of Memory Errors") ---- */

static int rule_limits(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_MEMORY_USAGE_MB);
	uint64_t rss = c->p->totals.peak_rss_bytes, ram = c->fr->ram_bytes, soft, hard;
	struct ma_recommendation *r;
	char a[40], b[40], now[160];
	int capped = 0;

	if (!m->measured || m->band < MA_BAND_GOOD)
		return 0;
	soft = round_up(rss + rss / 4, 100 * MB);
	hard = round_up(rss + rss / 2, 100 * MB);
	if (ram && hard > ram / 10 * 8) {
		hard = ram / 10 * 8;
		soft = ram / 100 * 65;
		capped = 1;
	}
	if (!(r = add(c, "memory-limits", "Set soft and hard memory limits above the measured peak",
		      m->band, "MemoryConfig")))
		return -1;
	SET(r->setting, "MemoryConfig.soft_limit, MemoryConfig.hard_limit");
	SET(r->value, "%s, %s", underscored(soft, a, sizeof(a)), underscored(hard, b, sizeof(b)));
	SET(r->evidence, "peak RSS %.0f MB (%s)%s", m->value, ma_band_name(m->band),
	    capped ? "; capped at 65 % and 80 % of the machine's RAM" : "");
	SET(r->reason, "the guide sets a soft limit (start unloading models) under a hard "
	    "one (OomAction::UnloadModels): 1.25x and 1.5x the measured peak%s",
	    now_set(c, "hard_limit", now, sizeof(now)));
	SET(r->effect, "the run as measured stays under both; growth beyond it unloads models "
	    "at %.0f MB instead of meeting the OOM killer", (double)soft / MB);
	SET(r->paste, "soft_limit: Some(%s),\n    hard_limit: Some(%s),", a, b);
	return 0;
}

/* ---- feature flags when usage is critical (guide: "Feature Flags") ---- */

static int has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

static void default_list(const struct ma_cargo_package *pk, const char *extra, char *buf,
			 size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "default = [");

	for (size_t i = 0; pk && i < pk->ndefaults && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "\"%s\", ", pk->defaults[i]);
	if (o < len)
		snprintf(buf + o, len - o, "\"%s\"]", extra);
}

static int rule_features(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_MEMORY_USAGE_MB);
	const struct ma_workspace *ws = c->fr->workspace;
	const struct ma_cargo_package *pk = ws && ws->npackages ? &ws->packages[0] : NULL;
	const char *feature = "memory-optimized";
	struct ma_recommendation *r;

	if (!band_at_least(c, MA_METRIC_MEMORY_USAGE_MB, MA_BAND_CRITICAL))
		return 0;
	if (pk && has(pk->defaults, pk->ndefaults, "memory-optimized"))
		feature = "minimal";
	if (!(r = add(c, "feature-flags", "Build with the memory-saving features", m->band,
		      "Cargo")))
		return -1;
	SET(r->setting, "[features] default%s%s", pk ? " of " : "", pk ? pk->name : "");
	default_list(pk, feature, r->value, sizeof(r->value));
	SET(r->evidence, "peak RSS %.0f MB (critical)%s%s", m->value,
	    pk && !has(pk->features, pk->nfeatures, feature) ? "; the feature is not defined "
	    "yet: define it as in the guide" : "",
	    !pk ? "; no Cargo package found" : "");
	SET(r->reason, "the guide's memory-constrained builds: memory-optimized (memory "
	    "mapping and the LRU cache, -30 %% usage), minimal (no optional features, -90 %%)");
	SET(r->effect, "%s", !strcmp(feature, "minimal") ? "about 90 % less memory, without "
	    "the optional AI features" : "about 30 % less memory");
	SET(r->paste, "[features]\n%s", r->value);
	return 0;
}

/* ---- leaks, biggest site first ---- */

static const struct ma_frame *named_frame(const struct ma_stack *s)
{
	for (unsigned i = 0; i < s->nframes; i++)
		if (s->frames[i].function)
			return &s->frames[i];
	return s->nframes ? &s->frames[0] : NULL;
}

static int rule_leaks(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_LEAKED_BYTES);
	const struct ma_site_list *l = &c->p->leaks;
	const struct ma_frame *f;
	struct ma_recommendation *r;

	if (!m->measured || m->band < MA_BAND_GOOD || !l->n)
		return 0;
	f = named_frame(&l->v[0].stack);
	if (!(r = add(c, "fix-leaks", "Free what is still allocated at exit, biggest site first",
		      m->band, "code")))
		return -1;
	SET(r->setting, "leak site");
	if (f && f->function && f->file) {
		/* A long path keeps its end, where the file's name is. */
		size_t n = strlen(f->file);
		SET(r->value, "%.60s (%s%s:%u)", f->function, n > 40 ? "..." : "",
		    n > 40 ? f->file + n - 37 : f->file, f->line);
	}
	else if (f && f->function)
		SET(r->value, "%.100s", f->function);
	else
		SET(r->value, "0x%" PRIx64, f ? f->addr : 0);
	SET(r->evidence, "%.0f bytes in %" PRIu64 " blocks still allocated at exit (%s); the "
	    "biggest site holds %" PRIu64 " bytes in %" PRIu64 " blocks of %zu sites", m->value,
	    l->blocks, ma_band_name(m->band), l->v[0].bytes, l->v[0].blocks, l->total_sites);
	SET(r->reason, "memory never freed grows with every request in a long-running IDE; "
	    "the guide's leak detection lists sites to fix");
	SET(r->effect, "%" PRIu64 " bytes less held at exit, and no growth from this site",
	    l->v[0].bytes);
	SET(r->paste, "// fix-leaks: free the blocks allocated at\n//   %s", r->value);
	return 0;
}

/* ---- allocator settings for fragmentation ---- */

static int frag_evidence(struct ctx *c, struct ma_recommendation *r)
{
	const struct ma_frag *f = c->fr->frag;
	const struct ma_metric *m = metric(c, MA_METRIC_FRAGMENTATION_PCT);

	SET(r->evidence, "fragmentation %.1f %% (%s): median share of the heap in free holes; "
	    "worst %.1f %% at %.2f s, %.1f MB held by malloc at most", m->value,
	    ma_band_name(m->band), f->frag_worst_pct, (double)f->frag_worst_ts / 1e9,
	    (double)f->at_peak_held.held / MB);
	return 0;
}

static int rule_trim(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_FRAGMENTATION_PCT);
	struct ma_recommendation *r;

	if (!band_at_least(c, MA_METRIC_FRAGMENTATION_PCT, MA_BAND_WARNING))
		return 0;
	if (!(r = add(c, "malloc-trim", "Give freed heap pages back after unloading", m->band,
		      "code")))
		return -1;
	SET(r->setting, "malloc_trim(0)");
	SET(r->value, "call after a model is unloaded and when idle");
	frag_evidence(c, r);
	SET(r->reason, "holes below the top of the heap are not returned by free(); "
	    "malloc_trim(0) releases their whole pages (madvise) since glibc 2.8");
	SET(r->effect, "RSS falls by the free pages inside the holes; the heap's address "
	    "range stays, so the fragmentation figure itself remains");
	SET(r->paste, "// after unloading a model: malloc_trim(0);  /* <malloc.h> */");
	return 0;
}

static int rule_trim_threshold(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_FRAGMENTATION_PCT);
	struct ma_recommendation *r;

	if (!band_at_least(c, MA_METRIC_FRAGMENTATION_PCT, MA_BAND_WARNING))
		return 0;
	if (!(r = add(c, "malloc-trim-threshold", "Fix malloc's trim and mmap thresholds",
		      m->band, "env")))
		return -1;
	SET(r->setting, "MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_");
	SET(r->value, "131072, 131072");
	frag_evidence(c, r);
	SET(r->reason, "glibc raises both thresholds each time a big block is freed, so "
	    "later big blocks land in the heap and leave holes; fixed values stop that "
	    "(M_TRIM_THRESHOLD, M_MMAP_THRESHOLD in mallopt)");
	SET(r->effect, "blocks of 128 KiB and more are mapped and unmapped on their own, and "
	    "the top of the heap is returned once 128 KiB are free");
	SET(r->paste, "MALLOC_TRIM_THRESHOLD_=131072\nMALLOC_MMAP_THRESHOLD_=131072");
	return 0;
}

/* More arenas than the value to try, and the heap full of free memory:
 * the arenas' reserves add up.  The arenas are counted from the threads
 * that allocated at the same time (each gets its own, up to 8 per core);
 * the memory from the mallinfo2 sample where malloc held the most, which
 * sums every arena. */
#define ARENA_MAX 2

static int rule_arena_max(struct ctx *c)
{
	const struct ma_metric *m = metric(c, MA_METRIC_FRAGMENTATION_PCT);
	const struct ma_frag *f = c->fr->frag;
	const struct ma_frag_point *h;
	struct ma_recommendation *r;
	uint64_t arenas, spare;

	if (!f || !band_at_least(c, MA_METRIC_FRAGMENTATION_PCT, MA_BAND_WARNING) ||
	    f->peak_alloc_threads <= ARENA_MAX)
		return 0;
	arenas = f->peak_alloc_threads;
	h = &f->at_peak_held;
	/* What fewer arenas may save: the free memory beyond the share of
	 * ARENA_MAX arenas of it. */
	spare = h->free_bytes - h->free_bytes / arenas * ARENA_MAX;
	if (!(r = add(c, "malloc-arena-max", "Limit malloc to two arenas", m->band, "env")))
		return -1;
	SET(r->setting, "MALLOC_ARENA_MAX");
	SET(r->value, "%d", ARENA_MAX);
	SET(r->evidence, "fragmentation %.1f %% (%s); %" PRIu64 " threads allocated at the same "
	    "time (%" PRIu64 " in all), so up to %" PRIu64 " arenas; when malloc held the most "
	    "(%.2f s) it held %.1f MB (arenas %.1f MB, mmapped %.1f MB) for %.1f MB requested: "
	    "%.1f MB free in its arenas, %.1f MB of it the main heap's top", m->value,
	    ma_band_name(m->band), arenas, f->alloc_threads, arenas, (double)h->ts / 1e9,
	    (double)h->held / MB, (double)f->peak_held_arena / MB,
	    (double)f->peak_held_hblkhd / MB, (double)h->requested / MB,
	    (double)h->free_bytes / MB, (double)h->top / MB);
	SET(r->reason, "glibc gives each thread that allocates while others do an arena of its "
	    "own (up to 8 per core); memory freed in one arena serves only the threads using "
	    "it, so every arena keeps its own holes and free top: %" PRIu64 " arenas, %" PRIu64
	    " reserves.  MALLOC_ARENA_MAX (M_ARENA_MAX in mallopt) makes the threads share %d",
	    arenas, arenas, ARENA_MAX);
	SET(r->effect, "up to %.1f MB less held by malloc (the free memory beyond %d arenas' "
	    "share of it), at some cost in lock contention when many threads allocate at once",
	    (double)spare / MB, ARENA_MAX);
	SET(r->paste, "MALLOC_ARENA_MAX=%d", ARENA_MAX);
	return 0;
}

int ma_recommend(struct ma_full_report *fr, const struct ma_process *p)
{
	struct ctx c = { fr, p };
	int (*const rules[])(struct ctx *) = {
		rule_variant, rule_mmap, rule_lru, rule_ttl, rule_limits, rule_features,
		rule_leaks, rule_trim, rule_trim_threshold, rule_arena_max,
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i](&c) < 0)
			return -1;
	return 0;
}
