#include "config.h"

#include "markdown.h"

#include <inttypes.h>
#include <string.h>

#include "report_util.h"
#include "stackfmt.h"

#define STACK_FRAMES 12

/* Table cells and inline code cannot hold a backtick or a bar. */
static void cell_code(FILE *out, const char *s)
{
	putc('`', out);
	for (; *s; s++)
		putc(*s == '`' ? '\'' : *s == '|' ? '/' : *s, out);
	putc('`', out);
}

static void row(FILE *out, const char *label, const char *value)
{
	fprintf(out, "| %s | %s |\n", label, value);
}

static void summary(FILE *out, const struct ma_process *p)
{
	const struct ma_totals *t = &p->totals;
	char a[32], b[32], line[160];

	fputs("| | |\n|---|---|\n", out);
	if (p->sum)
		snprintf(line, sizeof(line), "**%s** (the sum of each process's)",
			 ma_fmt_bytes(a, sizeof(a), t->peak_heap_bytes));
	else
		snprintf(line, sizeof(line), "**%s** at %s",
			 ma_fmt_bytes(a, sizeof(a), t->peak_heap_bytes),
			 ma_fmt_duration(b, sizeof(b), t->peak_heap_ts));
	row(out, "peak heap", line);
	if (t->peak_rss_bytes)
		row(out, "peak RSS", ma_fmt_peak_rss(line, sizeof(line), t->peak_rss_bytes,
						     t->peak_rss_sampled_bytes, t->peak_rss_ts,
						     p->sum));
	if (p->leaks_are_leaks)
		snprintf(line, sizeof(line), "%s%s in %s blocks%s", p->leaked_bytes ? "**" : "",
			 ma_fmt_bytes(a, sizeof(a), p->leaked_bytes),
			 ma_fmt_count(b, sizeof(b), p->leaked_blocks), p->leaked_bytes ? "**" : "");
	else
		snprintf(line, sizeof(line), "%s in %s blocks", ma_fmt_bytes(a, sizeof(a), t->live_bytes),
			 ma_fmt_count(b, sizeof(b), t->live_blocks));
	row(out, p->leaks_are_leaks ? "leaked" : "live at end", line);
	snprintf(line, sizeof(line), "%s (%s)", ma_fmt_count(a, sizeof(a), t->allocations),
		 ma_fmt_bytes(b, sizeof(b), t->bytes_allocated));
	row(out, "allocations", line);
	row(out, "frees", ma_fmt_count(a, sizeof(a), t->frees));
	row(out, "temporary", ma_fmt_count(a, sizeof(a), t->temporary));
	row(out, "duration", ma_fmt_duration(a, sizeof(a), t->duration_ns));
}

static void frame_line(FILE *out, const struct ma_frame *f, int first)
{
	char name[512], where[512];

	ma_frame_name(f, name, sizeof(name));
	ma_frame_where(f, where, sizeof(where));
	fprintf(out, "%s %s%s%s%s%s\n", first ? "at" : "  ", name, *where ? " (" : "", where,
		*where ? ")" : "", f->inlined ? " [inlined]" : "");
}

static void stack(FILE *out, const struct ma_stack *s)
{
	fputs("```\n", out);
	if (!s->nframes)
		fputs("(no stack recorded)\n", out);
	for (unsigned i = 0; i < s->nframes && i < STACK_FRAMES; i++)
		frame_line(out, &s->frames[i], !i);
	if (s->nframes > STACK_FRAMES)
		fprintf(out, "   ... %u more frames\n", s->nframes - STACK_FRAMES);
	fputs("```\n", out);
}

static void site_table(FILE *out, const struct ma_site_list *l)
{
	char a[32], b[32], name[512];

	fputs("| # | bytes | blocks | allocated at |\n|---:|---:|---:|---|\n", out);
	for (size_t i = 0; i < l->n; i++) {
		const struct ma_site *s = &l->v[i];
		if (s->stack.nframes)
			ma_frame_name(&s->stack.frames[0], name, sizeof(name));
		fprintf(out, "| %zu | %s | %s | ", i + 1, ma_fmt_bytes(a, sizeof(a), s->bytes),
			ma_fmt_count(b, sizeof(b), s->blocks));
		cell_code(out, s->stack.nframes ? name : "(no stack)");
		fputs(" |\n", out);
	}
}

static void sites(FILE *out, const char *title, const struct ma_site_list *l)
{
	char a[32];

	fprintf(out, "\n## %s\n\n", title);
	if (!l->n) {
		fputs("None.\n", out);
		return;
	}
	fprintf(out, "%s in %zu site%s", ma_fmt_bytes(a, sizeof(a), l->bytes), l->total_sites,
		l->total_sites == 1 ? "" : "s");
	if (l->total_sites > l->n)
		fprintf(out, ", the %zu biggest shown", l->n);
	fputs(".\n\n", out);
	site_table(out, l);
	for (size_t i = 0; i < l->n; i++) {
		fprintf(out, "\n**#%zu** %s\n\n", i + 1, ma_fmt_bytes(a, sizeof(a), l->v[i].bytes));
		stack(out, &l->v[i].stack);
	}
}

int ma_render_markdown(FILE *out, const struct ma_analysis *a,
		       const struct ma_render_opts *o)
{
	const struct ma_process *p = ma_analysis_main(a);

	fputs("# Memory report: ", out);
	cell_code(out, p->cmdline && *p->cmdline ? p->cmdline : p->exe ? p->exe : "?");
	fputs("\n\n", out);
	if (p->damage)
		fprintf(out, "> **Warning:** %s\n\n", p->damage);
	summary(out, p);
	if (o->sections & MA_SEC_LEAKS)
		sites(out, p->leaks_are_leaks ? "Top leaks" : "Live at the end", &p->leaks);
	if (o->sections & MA_SEC_PEAK)
		sites(out, "Peak heap by site", &p->peak.sites);
	if (a->nprocs > 1)
		fprintf(out, "\nThe sum over %zu processes.\n", a->nprocs);
	return ferror(out) ? -1 : 0;
}
