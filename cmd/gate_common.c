/* The pieces check, baseline and diff share. */
#include "config.h"

#include "gate_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "baseline.h"
#include "cli_util.h"
#include "full_report.h"
#include "metrics.h"
#include "sitekey.h"
#include "suppress.h"

enum { OPT_SUPPRESSIONS = 512 };

static const struct argp_option options[] = {
	{ "suppressions", OPT_SUPPRESSIONS, "FILE", 0,
	  "ignore leaks matching the rules in FILE (docs/ci.md)", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct gate_analysis_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT: state->child_inputs[0] = &a->sym; break;
	case OPT_SUPPRESSIONS: a->suppressions = arg; break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* No header: --debug-dir, --sysroot and --no-local-files sort among the
 * options here. */
static const struct argp_child symbol_children[] = {
	{ &ma_symbol_argp, 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

const struct argp gate_analysis_argp = { options, parse_opt, NULL, NULL, symbol_children,
					 NULL, NULL };

const struct argp_child gate_argp_children[] = {
	{ &gate_analysis_argp, 0, "Analysis:", 0 },
	{ NULL, 0, NULL, 0 },
};

error_t gate_parse_common(int key, struct argp_state *state, struct gate_analysis_args *an,
			  char ***traces, size_t *ntraces)
{
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = an;
		return 0;
	case ARGP_KEY_ARGS:
		if (!traces)
			return ARGP_ERR_UNKNOWN;
		*traces = state->argv + state->next;
		*ntraces = (size_t)(state->argc - state->next);
		return 0;
	case ARGP_KEY_END:
		if (traces && !*ntraces)
			argp_error(state, "no trace given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

int gate_argp_parse(const struct argp *argp, int argc, char **argv, void *input)
{
	static char name[64];

	/* "Usage: memory-analyzer check ...", as record and dump say it */
	snprintf(name, sizeof(name), "%s %s", MA_PROGRAM, argv[0]);
	argv[0] = name;
	argp_err_exit_status = MA_EXIT_USAGE;
	return argp_parse(argp, argc, argv, 0, NULL, input) ? MA_EXIT_USAGE : MA_EXIT_OK;
}

void gate_measures_free(struct ma_measure *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		ma_measure_release(&m[i]);
	free(m);
}

static void label(struct ma_measure *m, const struct ma_process *p, size_t nprocs)
{
	if (nprocs > 1)
		snprintf(m->label, sizeof(m->label), "all %zu processes", nprocs);
	else
		snprintf(m->label, sizeof(m->label), "pid %llu (%s)",
			 (unsigned long long)p->pid, ma_path_base(p->exe));
	m->nprocs = nprocs;
	m->pid = nprocs == 1 ? p->pid : 0;
}

/* How many measures: the sum, or each process then the sum when there
 * are several. */
static size_t measure_count(const struct ma_analysis *an, int per_process)
{
	return per_process && an->nprocs > 1 ? an->nprocs + 1 : 1;
}

/* The trace of p among traces[0..n): its index, or n. */
static size_t input_of(const struct ma_process *p, char **traces, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p->trace_path == traces[i] || !strcmp(p->trace_path, traces[i]))
			return i;
	return n;
}

/* The rated metrics of one process of several, computed as the full
 * report computes them for a run (lib/metrics.c), from that process'
 * trace alone, its annotations included. */
static void rate_process(struct ma_metric *out, const struct ma_full_report *fr,
			 const struct ma_process *p, char **traces, size_t n)
{
	ma_full_process_metrics(fr, p, input_of(p, traces, n), out);
}

/* The measures of an analysis, in the order measure_count says; fr, the
 * full report of the run, or NULL when the rated metrics are not
 * wanted. */
static int measures_of(const struct ma_analysis *an, const struct ma_full_report *fr,
		       char **traces, size_t n, int per_process,
		       const struct ma_measure_opts *mo, struct ma_measure *out)
{
	struct ma_metric rated[MA_METRIC_COUNT];
	char err[512];
	size_t count = measure_count(an, per_process);

	for (size_t i = 0; i < count; i++) {
		int one_proc = i + 1 < count;
		const struct ma_process *p = one_proc ? &an->procs[i] : ma_analysis_main(an);
		const struct ma_metric *r = NULL;
		ma_measure_init(&out[i]);
		label(&out[i], p, one_proc ? 1 : an->nprocs);
		if (fr && one_proc) {
			rate_process(rated, fr, p, traces, n);
			r = rated;
		} else if (fr) {
			r = fr->metrics;  /* exactly the full report's */
		}
		if (ma_measure_from_process(&out[i], p, r, mo, err, sizeof(err)) < 0) {
			ma_error("%s", err);
			return -1;
		}
	}
	return 0;
}

int gate_measure_traces(const struct gate_analysis_args *a, char **traces, size_t n,
			int per_process, const struct ma_measure_opts *mo,
			struct ma_measure **out, size_t *nout, int *damaged)
{
	struct ma_analysis_opts ao;
	struct ma_analysis *an;
	struct ma_full_report *fr = NULL;
	char err[512];
	int rc;

	ma_analysis_opts_init(&ao);
	ao.sections = MA_SEC_SUMMARY | MA_SEC_LEAKS | MA_SEC_PEAK | MA_SEC_ALLOCATIONS |
		      MA_SEC_TEMPORARY;
	ao.top = 0;  /* every site: suppressions and sums need them all */
	ma_symbol_args_apply(&a->sym, &ao);
	/* The rated metrics come from the full report's observer, as for
	 * report --report-type full: one definition of each. */
	if (mo->rated) {
		if (!(fr = ma_full_new(NULL, NULL, n, err, sizeof(err)))) {
			ma_error("%s", err);
			return MA_EXIT_INTERNAL;
		}
		ao.observe = ma_full_observe;
		ao.observe_arg = fr;
	}
	rc = ma_analysis_run((const char *const *)traces, n, &ao, &an, err, sizeof(err));
	if (rc != MA_ANALYSIS_OK) {
		ma_error("%s", err);
		ma_full_free(fr);
		return rc == MA_ANALYSIS_INPUT ? MA_EXIT_INPUT : MA_EXIT_INTERNAL;
	}
	if (fr && ma_full_finish(fr, an, err, sizeof(err)) < 0) {
		ma_error("%s", err);
		ma_analysis_free(an);
		ma_full_free(fr);
		return MA_EXIT_INTERNAL;
	}
	*nout = measure_count(an, per_process);
	*damaged = an->damaged;
	ma_warn_damaged(an);
	*out = calloc(*nout, sizeof(**out));
	rc = !*out || measures_of(an, fr, traces, n, per_process, mo, *out) < 0;
	ma_analysis_free(an);
	ma_full_free(fr);
	if (rc) {
		gate_measures_free(*out, *nout);
		*out = NULL;
		return MA_EXIT_INTERNAL;
	}
	return MA_EXIT_OK;
}

int gate_read_baseline(const char *path, struct ma_measure *out)
{
	char err[512];
	int rc;

	ma_measure_init(out);
	rc = ma_baseline_read(path, out, err, sizeof(err));
	if (rc == MA_BASELINE_OK)
		return MA_EXIT_OK;
	ma_error("%s", err);
	return rc == MA_BASELINE_NOMEM ? MA_EXIT_INTERNAL : MA_EXIT_INPUT;
}

int gate_measure_input(const struct gate_analysis_args *a, const char *path,
		       const struct ma_measure_opts *mo, struct ma_measure *out)
{
	struct ma_measure *m;
	size_t n;
	int damaged, rc, kind = ma_baseline_sniff(path);

	if (kind < 0) {
		ma_error("cannot read '%s': %m", path);
		return MA_EXIT_INPUT;
	}
	if (kind)
		return gate_read_baseline(path, out);
	rc = gate_measure_traces(a, (char **)&path, 1, 0, mo, &m, &n, &damaged);
	if (rc != MA_EXIT_OK)
		return rc;
	*out = m[0];
	free(m);
	return MA_EXIT_OK;
}

int gate_load_suppressions(const char *path, struct ma_suppressions **s)
{
	char err[512];

	if (!(*s = ma_supp_new())) {
		ma_error("out of memory");
		return MA_EXIT_INTERNAL;
	}
	if (!path || ma_supp_load(*s, path, err, sizeof(err)) == 0)
		return MA_EXIT_OK;
	ma_error("%s", err);
	return strncmp(err, "cannot read", 11) ? MA_EXIT_USAGE : MA_EXIT_INPUT;
}
