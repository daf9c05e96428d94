/* Markdown of gate verdicts: for a pull-request comment or a CI job
 * summary ($GITHUB_STEP_SUMMARY). */
#include "config.h"

#include "gate_report.h"

#include <string.h>

#include "units.h"

void ma_gate_verdict_values(const struct ma_gate_verdict *v, char *value, char *limit,
			    size_t len)
{
	int g = ma_gm_find(v->metric);
	const struct ma_metric_def *d;

	if (v->kind == MA_GATE_REGRESSION) {
		snprintf(value, len, "%+.2f%%", v->value);
		snprintf(limit, len, "%.2f%%", v->limit);
	} else if (v->kind == MA_GATE_LIMIT && g >= 0) {
		ma_gm_format((enum ma_gm)g, v->value, value, len);
		ma_gm_format((enum ma_gm)g, v->limit, limit, len);
	} else {
		d = ma_metric_def((enum ma_metric_id)ma_metric_find(v->metric));
		snprintf(value, len, "%.4g %s", v->value, d ? d->unit : "");
		snprintf(limit, len, "%.4g %s", v->limit, d ? d->unit : "");
	}
	if (v->skipped)
		snprintf(value, len, "not measured");
}

/* Text for a table cell: '|' escaped (GitHub's tables want it escaped in
 * code spans too), line breaks as blanks.  In text cells (code 0) every
 * character Markdown or HTML could take for markup is escaped too, so
 * that keep<int> (x.cc:3) shows as it is instead of losing an HTML
 * tag; in a code span (code 1) backslashes are literal. */
static void cell_as(FILE *out, const char *s, int code)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else if (*s == '|' || (!code && strchr("\\`*_[]<>~&", *s)))
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static void cell(FILE *out, const char *s)
{
	cell_as(out, s, 0);
}

static void code_cell(FILE *out, const char *s)
{
	cell_as(out, s, 1);
}

static void verdict_row(FILE *out, const struct ma_gate_verdict *v)
{
	char value[64], limit[64];

	ma_gate_verdict_values(v, value, limit, sizeof(value));
	fputs("| `", out);
	code_cell(out, v->name);
	fprintf(out, "` | %s | ", v->skipped ? "skipped" : v->failed ? "**FAIL**" : "pass");
	cell(out, value);
	fputs(" | ", out);
	cell(out, limit);
	fputs(" | ", out);
	cell(out, v->failed ? (*v->sites ? v->sites : v->detail) : v->detail);
	fputs(" |\n", out);
}

static void suppressions(FILE *out, const struct ma_suppressions *s)
{
	char size[MA_SIZE_BUF];

	if (!ma_supp_count(s))
		return;
	fputs("\n### Leak suppressions\n\n| Rule | Where | Suppressed |\n|---|---|---|\n", out);
	for (size_t i = 0; i < ma_supp_count(s); i++) {
		const struct ma_supp_rule *r = ma_supp_at(s, i);
		fprintf(out, "| `%s:", ma_supp_kind_name(r->kind));
		code_cell(out, r->pattern);
		fputs("` | ", out);
		cell(out, r->origin);
		if (r->sites)
			fprintf(out, " | %s in %llu block%s at %llu site%s |\n",
				ma_format_size(r->bytes, size, sizeof(size)),
				(unsigned long long)r->blocks, r->blocks == 1 ? "" : "s",
				(unsigned long long)r->sites, r->sites == 1 ? "" : "s");
		else
			fputs(" | unused |\n", out);
	}
}

int ma_gate_write_markdown(FILE *out, const struct ma_gate_result *r,
			   const struct ma_gate_report_info *info)
{
	fprintf(out, "## %s: %s\n\n", info->title, r->failed ? "FAIL" : "PASS");
	fprintf(out, "%zu of %zu gates failed", r->failed, r->n);
	if (r->skipped)
		fprintf(out, ", %zu not measured", r->skipped);
	fprintf(out, "; %zu trace%s", info->ntraces, info->ntraces == 1 ? "" : "s");
	if (info->baseline) {
		/* A code span outside a table: as it is. */
		fprintf(out, ", baseline `%s`", info->baseline);
	}
	fputs(".\n\n| Gate | Status | Value | Limit | Details |\n|---|---|---|---|---|\n", out);
	for (size_t i = 0; i < r->n; i++)
		verdict_row(out, &r->v[i]);
	if (info->supp)
		suppressions(out, info->supp);
	return ferror(out) ? -1 : 0;
}
