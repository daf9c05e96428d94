/* Evaluating gates: one verdict per limit, regression and rating, each
 * naming the sites most responsible when it fails. */
#include "config.h"

#include "gate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

void ma_gate_result_release(struct ma_gate_result *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct ma_gate_verdict *new_verdict(struct ma_gate_result *r, enum ma_gate_kind kind,
					   const char *prefix, const char *metric,
					   const struct ma_measure *m, const char *suffix)
{
	struct ma_gate_verdict *v;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct ma_gate_verdict *nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->v = nv;
		r->cap = cap;
	}
	v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	snprintf(v->name, sizeof(v->name), "%s%s%s", prefix, metric, suffix ? suffix : "");
	snprintf(v->metric, sizeof(v->metric), "%s", metric);
	snprintf(v->scope, sizeof(v->scope), "%s", m->label);
	return v;
}

static void settle(struct ma_gate_result *r, struct ma_gate_verdict *v, int failed)
{
	v->failed = failed;
	r->failed += failed != 0;
}

/* "site_a (sites.c:17)", or the module when there is no file. */
static void site_name(const struct ma_msite *s, char *buf, size_t len)
{
	if (*s->file && s->line)
		snprintf(buf, len, "%s (%s:%u)", s->function, s->file, s->line);
	else if (*s->file)
		snprintf(buf, len, "%s (%s)", s->function, s->file);
	else
		snprintf(buf, len, "%s (%s)", s->function, *s->module ? s->module : "?");
}

/* What a site contributes to sv, or its growth over base. */
static double site_amount(const struct ma_msite *s, const struct ma_measure *base, int sv)
{
	double v = (double)s->n[sv];
	const struct ma_msite *b;

	if (base && (b = ma_measure_site((struct ma_measure *)base, s->function, s->file,
					 s->module, 0)))
		v -= (double)b->n[sv];
	return v;
}

static void amount_text(const struct ma_msite *s, int sv, double amount, int delta,
			char *buf, size_t len)
{
	char size[MA_SIZE_BUF];
	const char *sign = delta ? "+" : "";

	switch (sv) {
	case MA_SV_LEAKED_BYTES:
	case MA_SV_PEAK_BYTES:
		ma_format_size((uint64_t)amount, size, sizeof(size));
		if (delta)
			snprintf(buf, len, "+%s", size);
		else
			snprintf(buf, len, "%s in %llu block%s", size,
				 (unsigned long long)s->n[sv + 1], s->n[sv + 1] == 1 ? "" : "s");
		break;
	case MA_SV_ALLOCATIONS:
		snprintf(buf, len, "%s%.0f allocation%s", sign, amount, amount == 1 ? "" : "s");
		break;
	default:
		snprintf(buf, len, "%s%.0f %s", sign, amount, ma_sv_name((enum ma_sv)sv));
	}
}

/* The index of the biggest site not yet taken, or -1. */
static long next_top(const struct ma_measure *m, const struct ma_measure *base, int sv,
		     const unsigned char *taken)
{
	double best = 0;
	long at = -1;

	for (size_t i = 0; i < m->nsites; i++) {
		double a = taken[i] ? 0 : site_amount(&m->sites[i], base, sv);
		if (a > best) {
			best = a;
			at = (long)i;
		}
	}
	return at;
}

/* "top sites: a (x.c:1) 4.0 KiB in 4 blocks, ..." into v->sites. */
static void top_sites(struct ma_gate_verdict *v, const struct ma_measure *m,
		      const struct ma_measure *base, int sv, unsigned top)
{
	unsigned char *taken = calloc(m->nsites ? m->nsites : 1, 1);
	size_t used = 0;

	if (!taken || sv < 0)
		goto out;
	for (unsigned k = 0; k < top; k++) {
		char name[256], amount[64];
		long i = next_top(m, base, sv, taken);
		if (i < 0)
			break;
		taken[i] = 1;
		site_name(&m->sites[i], name, sizeof(name));
		amount_text(&m->sites[i], sv, site_amount(&m->sites[i], base, sv), base != NULL,
			    amount, sizeof(amount));
		used += (size_t)snprintf(v->sites + used, used < sizeof(v->sites) ?
					 sizeof(v->sites) - used : 0, "%s%s %s",
					 k ? ", " : "top sites: ", name, amount);
		if (used >= sizeof(v->sites))
			break;
	}
out:
	free(taken);
}

static int limit_gate(struct ma_gate_result *r, const struct ma_measure *m,
		      const struct ma_gate_limits *l, enum ma_gm g, const char *suffix)
{
	const struct ma_gm_def *d = ma_gm_def(g);
	struct ma_gate_verdict *v = new_verdict(r, MA_GATE_LIMIT, "", d->name, m, suffix);
	char a[MA_SIZE_BUF], b[MA_SIZE_BUF];

	if (!v)
		return -1;
	v->limit = l->max[g];
	if (!ma_measure_has(m, g)) {
		v->skipped = 1;
		r->skipped++;
		snprintf(v->detail, sizeof(v->detail), "not measured in %s", m->label);
		return 0;
	}
	v->value = m->v[g];
	settle(r, v, v->value > v->limit);
	snprintf(v->detail, sizeof(v->detail), "%s %s %s", ma_gm_format(g, v->value, a, sizeof(a)),
		 v->failed ? ">" : "<=", ma_gm_format(g, v->limit, b, sizeof(b)));
	if (v->failed)
		top_sites(v, m, NULL, d->site_value, l->top_sites);
	return 0;
}

/* Growth in percent; +inf from zero to anything. */
static double growth_pct(double old, double now)
{
	if (old == 0)
		return now > 0 ? INFINITY : 0;
	return (now - old) / old * 100.0;
}

static int regression_gate(struct ma_gate_result *r, const struct ma_measure *m,
			   const struct ma_measure *base, const struct ma_gate_limits *l,
			   enum ma_gm g, const char *suffix)
{
	const struct ma_gm_def *d = ma_gm_def(g);
	struct ma_gate_verdict *v;
	char a[MA_SIZE_BUF], b[MA_SIZE_BUF];
	int now = ma_measure_has(m, g), then = ma_measure_has(base, g);

	if (!now && !then)
		return 0;
	if (!(v = new_verdict(r, MA_GATE_REGRESSION, "regression:", d->name, m, suffix)))
		return -1;
	if (!now || !then) {
		/* leaks of a process that exec'd or was killed, an RSS never
		 * sampled: said, not dropped */
		v->skipped = 1;
		r->skipped++;
		snprintf(v->detail, sizeof(v->detail), "not measured in %s",
			 now ? "the baseline" : m->label);
		return 0;
	}
	v->value = growth_pct(base->v[g], m->v[g]);
	v->limit = l->max_regression_pct;
	settle(r, v, v->value > v->limit);
	snprintf(v->detail, sizeof(v->detail), "%+.2f%% %s %.2f%% (baseline %s, now %s)",
		 v->value, v->failed ? ">" : "<=", v->limit,
		 ma_gm_format(g, base->v[g], a, sizeof(a)), ma_gm_format(g, m->v[g], b, sizeof(b)));
	if (v->failed)
		top_sites(v, m, base, d->site_value, l->top_sites);
	return 0;
}

static int rating_gate(struct ma_gate_result *r, const struct ma_measure *m,
		       const struct ma_gate_limits *l, const struct ma_metric *mt,
		       const char *suffix)
{
	const struct ma_metric_def *d = ma_metric_def(mt->id);
	struct ma_gate_verdict *v;
	char val[64];

	if (!mt->measured)
		return 0;
	if (!(v = new_verdict(r, MA_GATE_RATING, "rating:", d->name, m, suffix)))
		return -1;
	v->value = mt->value;
	v->limit = l->ratings.limit[mt->id][MA_LIMIT_GOOD];
	settle(r, v, mt->band >= l->fail_on);
	snprintf(v->detail, sizeof(v->detail), "%s rated %s, %s at %s or worse",
		 ma_metric_format(mt, val, sizeof(val)), ma_band_name(mt->band),
		 v->failed ? "failing" : "fails", ma_band_name(l->fail_on));
	if (v->failed)
		top_sites(v, m, NULL, ma_gate_rated_sv(mt->id), l->top_sites);
	return 0;
}

int ma_gate_evaluate(struct ma_gate_result *r, const struct ma_measure *m,
		     const struct ma_measure *base, const struct ma_gate_limits *l,
		     const char *suffix)
{
	struct ma_metric rated[MA_METRIC_COUNT];

	for (int g = 0; g < MA_GM_COUNT; g++)
		if (((l->set >> g) & 1) && limit_gate(r, m, l, (enum ma_gm)g, suffix) < 0)
			return -1;
	for (int g = 0; base && l->regression_set && g < MA_GM_COUNT; g++)
		if (((l->regress >> g) & 1) &&
		    regression_gate(r, m, base, l, (enum ma_gm)g, suffix) < 0)
			return -1;
	if (l->fail_on == MA_BAND_NONE)
		return 0;
	ma_gate_rate(m, &l->ratings, rated);
	for (int id = 0; id < MA_METRIC_COUNT; id++)
		if (rating_gate(r, m, l, &rated[id], suffix) < 0)
			return -1;
	return 0;
}

char *ma_gate_verdict_line(const struct ma_gate_verdict *v, char *buf, size_t len)
{
	const char *status = v->skipped ? "SKIP" : v->failed ? "FAIL" : "PASS";

	snprintf(buf, len, "%s %s %s%s%s", status, v->name, v->detail, *v->sites ? ": " : "",
		 v->sites);
	return buf;
}
