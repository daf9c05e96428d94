/* Metric definitions, default limits and band arithmetic.  The first four
 * defaults are the memory guide's thresholds table; the others are ours
 * and docs/metrics.md says why each was chosen. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"
#include "ratings.h"
#include "units.h"

static const struct ma_metric_def defs[MA_METRIC_COUNT] = {
	[MA_METRIC_MEMORY_USAGE_MB] = {
		"memory_usage_mb", "Memory usage", "MB",
		"peak resident set size of the process, from the probe's RSS samples",
		0, 0, { 500, 1000, 2000 } },
	[MA_METRIC_MODEL_LOAD_TIME_MS] = {
		"model_load_time_ms", "Model load time", "ms",
		"the slowest single model_load:<model> span; each model's loads are listed "
		"beside it",
		0, 0, { 1000, 2000, 5000 } },
	[MA_METRIC_CACHE_HIT_RATE_PCT] = {
		"cache_hit_rate_pct", "Cache hit rate", "%",
		"cache.hit / (cache.hit + cache.miss) counters, over the whole run",
		1, 0, { 90, 80, 70 } },
	[MA_METRIC_FRAGMENTATION_PCT] = {
		"fragmentation_pct", "Memory fragmentation", "%",
		"free bytes inside the malloc heap below its top (holes: mallinfo2 "
		"fordblks - keepcost) against the heap (arena); the median of the "
		"samples taken while the heap held at least 1 MiB",
		0, 0, { 10, 20, 30 } },
	[MA_METRIC_LEAKED_BYTES] = {
		"leaked_bytes", "Leaked memory", "bytes",
		"bytes still allocated when the process exited",
		0, 1, { 1, 1 << 20, 16 << 20 } },
	[MA_METRIC_PEAK_HEAP_MB] = {
		"peak_heap_mb", "Peak heap", "MB",
		"largest sum of requested heap bytes live at one time (malloc family and new)",
		0, 0, { 500, 1000, 2000 } },
	[MA_METRIC_ALLOC_RATE_PER_S] = {
		"alloc_rate_per_s", "Allocation rate", "allocs/s",
		"allocations divided by the duration of the run",
		0, 0, { 10000, 100000, 1000000 } },
	[MA_METRIC_TEMPORARY_ALLOCS_PCT] = {
		"temporary_allocs_pct", "Temporary allocations", "%",
		"share of allocations freed by the same thread before it allocated again",
		0, 0, { 10, 25, 50 } },
	[MA_METRIC_HEAP_GROWTH_PCT] = {
		"heap_growth_pct", "Heap growth", "%",
		"highest live heap in the last quarter of the run against the highest "
		"in its second quarter (after warm-up)",
		0, 0, { 5, 20, 50 } },
};

static const char *const band_names[] = {
	"not measured", "target", "good", "warning", "critical",
};

static const char *const limit_names[MA_LIMIT_COUNT] = { "target", "good", "warning" };

const struct ma_metric_def *ma_metric_def(enum ma_metric_id id)
{
	return (unsigned)id < MA_METRIC_COUNT ? &defs[id] : NULL;
}

int ma_metric_find(const char *name)
{
	for (int i = 0; i < MA_METRIC_COUNT; i++)
		if (!strcmp(defs[i].name, name))
			return i;
	return -1;
}

const char *ma_band_name(enum ma_band band)
{
	return (unsigned)band <= MA_BAND_CRITICAL ? band_names[band] : "?";
}

const char *ma_limit_name(enum ma_limit limit)
{
	return (unsigned)limit < MA_LIMIT_COUNT ? limit_names[limit] : "?";
}

int ma_limit_find(const char *name)
{
	for (int i = 0; i < MA_LIMIT_COUNT; i++)
		if (!strcmp(limit_names[i], name))
			return i;
	return -1;
}

void ma_ratings_init(struct ma_ratings *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < MA_METRIC_COUNT; i++)
		for (int l = 0; l < MA_LIMIT_COUNT; l++) {
			r->limit[i][l] = defs[i].defaults[l];
			snprintf(r->origin[i][l], sizeof(r->origin[i][l]), "default");
		}
}

static int parse_limit(const struct ma_metric_def *def, const char *value, double *out,
		       char *err, size_t errlen)
{
	char *end;
	uint64_t size;

	errno = 0;
	double v = strtod(value, &end);
	if (end != value && !*end && !errno && v >= 0 && v <= 1e18) {
		*out = v;
		return 0;
	}
	if (def->is_size && !ma_parse_size(value, &size, err, errlen)) {
		*out = (double)size;
		return 0;
	}
	if (!def->is_size)
		snprintf(err, errlen, "%s limits are numbers, not '%s'", def->name, value);
	return -1;
}

int ma_ratings_set(struct ma_ratings *r, const char *metric, const char *limit,
		   const char *value, const char *origin, char *err, size_t errlen)
{
	int id = ma_metric_find(metric), l = ma_limit_find(limit);
	double v;

	if (id < 0) {
		snprintf(err, errlen, "unknown metric '%s'", metric);
		return -1;
	}
	if (l < 0) {
		snprintf(err, errlen, "unknown limit '%s' (use target, good or warning)", limit);
		return -1;
	}
	if (parse_limit(&defs[id], value, &v, err, errlen))
		return -1;
	r->limit[id][l] = v;
	r->seq[id][l] = ++r->nset;
	snprintf(r->origin[id][l], sizeof(r->origin[id][l]), "%s", origin);
	return 0;
}

/* The limit of a pair that was set last, to blame for a bad order. */
static enum ma_limit blamed(const struct ma_ratings *r, int id, int a, int b)
{
	return r->seq[id][a] > r->seq[id][b] ? a : b;
}

static int check_metric(const struct ma_ratings *r, int id, char *err, size_t errlen)
{
	const struct ma_metric_def *def = &defs[id];

	for (int l = 0; l + 1 < MA_LIMIT_COUNT; l++) {
		double a = r->limit[id][l], b = r->limit[id][l + 1];
		if (def->higher_is_better ? a >= b : a <= b)
			continue;
		int who = blamed(r, id, l, l + 1);
		snprintf(err, errlen, "%s: %s: %s (%g) must be %s %s (%g)", r->origin[id][who],
			 def->name, limit_names[l + 1], b,
			 def->higher_is_better ? "at most" : "at least", limit_names[l], a);
		return -1;
	}
	return 0;
}

int ma_ratings_check(const struct ma_ratings *r, char *err, size_t errlen)
{
	for (int id = 0; id < MA_METRIC_COUNT; id++)
		if (check_metric(r, id, err, errlen))
			return -1;
	return 0;
}

int ma_ratings_override(struct ma_ratings *r, const char *spec, char *err, size_t errlen)
{
	char buf[256], why[160], origin[96];

	snprintf(buf, sizeof(buf), "%s", spec);
	char *eq = strchr(buf, '='), *dot = strchr(buf, '.');
	if (!eq || !dot || dot > eq) {
		snprintf(err, errlen, "invalid rating '%s': expected metric.limit=value", spec);
		return -1;
	}
	*eq = *dot = '\0';
	snprintf(origin, sizeof(origin), "command line %.80s", spec);
	if (ma_ratings_set(r, buf, dot + 1, eq + 1, origin, why, sizeof(why))) {
		snprintf(err, errlen, "invalid rating '%s': %s", spec, why);
		return -1;
	}
	return ma_ratings_check(r, err, errlen);
}

int ma_ratings_apply_config(struct ma_ratings *r, const struct ma_config *cfg,
			    char *err, size_t errlen)
{
	static const char prefix[] = "ratings.";
	char where[96], why[160];

	for (size_t i = 0; i < ma_config_count(cfg); i++) {
		const struct ma_config_entry *e = ma_config_at(cfg, i);
		if (strncmp(e->section, prefix, sizeof(prefix) - 1))
			continue;
		ma_config_where(e, where, sizeof(where));
		if (ma_ratings_set(r, e->section + sizeof(prefix) - 1, e->key, e->value,
				   where, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s", where, why);
			return -1;
		}
	}
	return ma_ratings_check(r, err, errlen);
}

enum ma_band ma_ratings_band(const struct ma_ratings *r, enum ma_metric_id id, double value)
{
	const double *lim = r->limit[id];

	for (int l = 0; l < MA_LIMIT_COUNT; l++)
		if (defs[id].higher_is_better ? value > lim[l] : value < lim[l])
			return MA_BAND_TARGET + l;
	return MA_BAND_CRITICAL;
}

void ma_metric_measured(struct ma_metric *m, const struct ma_ratings *r,
			enum ma_metric_id id, double value)
{
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->measured = 1;
	m->value = value;
	m->band = ma_ratings_band(r, id, value);
}

void ma_metric_unmeasured(struct ma_metric *m, enum ma_metric_id id, const char *fmt, ...)
{
	va_list ap;

	memset(m, 0, sizeof(*m));
	m->id = id;
	m->band = MA_BAND_NONE;
	va_start(ap, fmt);
	vsnprintf(m->reason, sizeof(m->reason), fmt, ap);
	va_end(ap);
}

char *ma_metric_format(const struct ma_metric *m, char *buf, size_t len)
{
	const struct ma_metric_def *def = &defs[m->id];

	if (!m->measured)
		snprintf(buf, len, "not measured: %s", m->reason);
	else if (def->is_size)
		ma_format_size((uint64_t)m->value, buf, len);
	else if (m->value >= 100 || m->value == (long long)m->value)
		snprintf(buf, len, "%.0f %s", m->value, def->unit);
	else
		snprintf(buf, len, "%.1f %s", m->value, def->unit);
	return buf;
}
