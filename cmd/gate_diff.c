/* diff's output: per metric, then per site matched by symbols. */
#include "config.h"

#include "gate_diff.h"

#include <string.h>

#include "units.h"

enum status { ST_SAME, ST_CHANGED, ST_NEW, ST_GONE };

static const char *const status_names[] = { "same", "changed", "new", "gone" };

static enum status site_status(const struct ma_msite *o, const struct ma_msite *n)
{
	if (!o)
		return ST_NEW;
	if (!n)
		return ST_GONE;
	return memcmp(o->n, n->n, sizeof(o->n)) ? ST_CHANGED : ST_SAME;
}

static const struct ma_msite *peer(const struct ma_measure *m, const struct ma_msite *s)
{
	return ma_measure_site((struct ma_measure *)m, s->function, s->file, s->module, 0);
}

static int is_size(int sv)
{
	return sv == MA_SV_LEAKED_BYTES || sv == MA_SV_PEAK_BYTES || sv == MA_SV_ALLOC_BYTES;
}

static void sv_text(int sv, uint64_t v, char *buf, size_t len)
{
	if (is_size(sv))
		ma_format_size(v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* ---- text ---- */

static void metric_line(FILE *out, const struct ma_measure *o, const struct ma_measure *n,
			enum ma_gm g)
{
	char a[MA_SIZE_BUF] = "-", b[MA_SIZE_BUF] = "-", change[32] = "";
	int ho = ma_measure_has(o, g), hn = ma_measure_has(n, g);

	if (ho)
		ma_gm_format(g, o->v[g], a, sizeof(a));
	if (hn)
		ma_gm_format(g, n->v[g], b, sizeof(b));
	if (ho && hn && o->v[g] != 0)
		snprintf(change, sizeof(change), "%+.2f%%", (n->v[g] - o->v[g]) / o->v[g] * 100);
	else if (ho && hn)
		snprintf(change, sizeof(change), "%s", n->v[g] == 0 ? "+0.00%" : "new");
	fprintf(out, "  %-18s %12s %12s  %s\n", ma_gm_def(g)->name, a, b, change);
}

static void site_line(FILE *out, const struct ma_msite *s, const struct ma_msite *o,
		      const struct ma_msite *n, enum status st)
{
	const char *sep = "";
	char where[128];

	snprintf(where, sizeof(where), "%s:%u", s->file, s->line);
	fprintf(out, "  %-7s %s (%s, %s):", status_names[st], s->function,
		*s->file ? where : "?", *s->module ? s->module : "?");
	for (int k = 0; k < MA_SV_COUNT; k++) {
		uint64_t a = o ? o->n[k] : 0, b = n ? n->n[k] : 0;
		char x[MA_SIZE_BUF], y[MA_SIZE_BUF];
		if (a == b)
			continue;
		sv_text(k, a, x, sizeof(x));
		sv_text(k, b, y, sizeof(y));
		fprintf(out, "%s %s %s -> %s", sep, ma_sv_name((enum ma_sv)k), x, y);
		sep = ",";
	}
	fputc('\n', out);
}

/* Calls fn for every site of old then every site only in new. */
static void each_site(const struct ma_measure *o, const struct ma_measure *n,
		      void (*fn)(void *, const struct ma_msite *, const struct ma_msite *,
				 const struct ma_msite *), void *arg)
{
	for (size_t i = 0; i < o->nsites; i++)
		fn(arg, &o->sites[i], &o->sites[i], peer(n, &o->sites[i]));
	for (size_t i = 0; i < n->nsites; i++)
		if (!peer(o, &n->sites[i]))
			fn(arg, &n->sites[i], NULL, &n->sites[i]);
}

struct text_state {
	FILE *out;
	size_t count[4];
	int print;
};

static void text_site(void *arg, const struct ma_msite *s, const struct ma_msite *o,
		      const struct ma_msite *n)
{
	struct text_state *t = arg;
	enum status st = site_status(o, n);

	t->count[st]++;
	if (t->print && st != ST_SAME)
		site_line(t->out, s, o, n, st);
}

int gate_diff_text(FILE *out, const struct ma_measure *o, const struct ma_measure *n)
{
	struct text_state t = { out, { 0 }, 0 };

	fprintf(out, "old: %s\nnew: %s\n\n  %-18s %12s %12s  %s\n", o->label, n->label,
		"metric", "old", "new", "change");
	for (int g = 0; g < MA_GM_COUNT; g++)
		metric_line(out, o, n, (enum ma_gm)g);
	each_site(o, n, text_site, &t);
	fprintf(out, "\nsites, matched by function, file and module: %zu same, %zu changed, "
		"%zu new, %zu gone\n", t.count[ST_SAME], t.count[ST_CHANGED], t.count[ST_NEW],
		t.count[ST_GONE]);
	t.print = 1;
	each_site(o, n, text_site, &t);
	return ferror(out) ? -1 : 0;
}

/* ---- JSON ---- */

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_value(FILE *out, const struct ma_measure *m, enum ma_gm g)
{
	if (!ma_measure_has(m, g))
		fputs("null", out);
	else if (ma_gm_def(g)->unit == MA_GU_PCT)
		fprintf(out, "%.4f", m->v[g]);
	else
		fprintf(out, "%.0f", m->v[g]);
}

static void json_metrics(FILE *out, const struct ma_measure *o, const struct ma_measure *n)
{
	for (int g = 0; g < MA_GM_COUNT; g++) {
		fprintf(out, "%s\n    {\"name\": \"%s\", \"old\": ", g ? "," : "",
			ma_gm_def((enum ma_gm)g)->name);
		json_value(out, o, (enum ma_gm)g);
		fputs(", \"new\": ", out);
		json_value(out, n, (enum ma_gm)g);
		fputs(", \"change_pct\": ", out);
		if (ma_measure_has(o, (enum ma_gm)g) && ma_measure_has(n, (enum ma_gm)g) && o->v[g])
			fprintf(out, "%.4f", (n->v[g] - o->v[g]) / o->v[g] * 100);
		else
			fputs("null", out);
		fputc('}', out);
	}
}

static void json_numbers(FILE *out, const struct ma_msite *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"line\": %u", s->line);
	for (int k = 0; k < MA_SV_COUNT; k++)
		fprintf(out, ", \"%s\": %llu", ma_sv_name((enum ma_sv)k),
			(unsigned long long)s->n[k]);
	fputc('}', out);
}

struct json_state {
	FILE *out;
	int first;
};

static void json_site(void *arg, const struct ma_msite *s, const struct ma_msite *o,
		      const struct ma_msite *n)
{
	struct json_state *j = arg;

	fputs(j->first ? "\n    {\"function\": " : ",\n    {\"function\": ", j->out);
	j->first = 0;
	json_str(j->out, s->function);
	fputs(", \"file\": ", j->out);
	json_str(j->out, s->file);
	fputs(", \"module\": ", j->out);
	json_str(j->out, s->module);
	fprintf(j->out, ", \"status\": \"%s\", \"old\": ", status_names[site_status(o, n)]);
	json_numbers(j->out, o);
	fputs(", \"new\": ", j->out);
	json_numbers(j->out, n);
	fputc('}', j->out);
}

int gate_diff_json(FILE *out, const struct ma_measure *o, const struct ma_measure *n)
{
	struct json_state j = { out, 1 };

	fputs("{\n  \"old\": ", out);
	json_str(out, o->label);
	fputs(",\n  \"new\": ", out);
	json_str(out, n->label);
	fputs(",\n  \"metrics\": [", out);
	json_metrics(out, o, n);
	fputs("\n  ],\n  \"sites\": [", out);
	each_site(o, n, json_site, &j);
	fputs("\n  ]\n}\n", out);
	return ferror(out) ? -1 : 0;
}
