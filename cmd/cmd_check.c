/* memory-analyzer check [LIMIT...] TRACE...: gate traces against limits
 * and a baseline; exit 1 when a gate fails.  docs/ci.md is the guide. */
#include "config.h"

#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "gate_check.h"
#include "gate_common.h"
#include "hugepages.h"

enum { OPT_LIMIT = 256, OPT_BASELINE = OPT_LIMIT + MA_GM_COUNT, OPT_MAX_REGRESSION,
       OPT_REGRESSION_ON, OPT_FAIL_ON, OPT_RATING, OPT_PER_PROCESS, OPT_JUNIT,
       OPT_MARKDOWN, OPT_CONFIG };

#define LIMIT_OPT(g, arg, doc) { NULL, OPT_LIMIT + (g), arg, 0, doc, 0 }

/* Names come from the metric table (gate.c), filled in by init_options. */
static struct argp_option options[] = {
	LIMIT_OPT(MA_GM_PEAK_HEAP, "SIZE", "fail when peak heap exceeds SIZE (500MB, 2GiB)"),
	LIMIT_OPT(MA_GM_PEAK_RSS, "SIZE", "fail when peak RSS exceeds SIZE"),
	LIMIT_OPT(MA_GM_LEAKED_BYTES, "SIZE", "fail when more than SIZE leaks"),
	LIMIT_OPT(MA_GM_LEAKED_BLOCKS, "N", "fail when more than N blocks leak"),
	LIMIT_OPT(MA_GM_ALLOCATIONS, "N", "fail on more than N allocations"),
	LIMIT_OPT(MA_GM_TEMPORARY_PCT, "PCT", "fail when more than PCT % of allocations "
		  "are temporary"),
	LIMIT_OPT(MA_GM_FRAGMENTATION_PCT, "PCT", "fail when more than PCT % of the "
		  "allocator's heap is free space"),
	{ "fail-on", OPT_FAIL_ON, "LEVEL", 0, "fail on any rated metric rated LEVEL or "
	  "worse: warning, critical or never (default)", 0 },
	{ "rating", OPT_RATING, "METRIC.LIMIT=VALUE", 0, "change a rating limit, e.g. "
	  "memory_usage_mb.warning=800", 0 },
	{ "baseline", OPT_BASELINE, "FILE", 0, "compare with a baseline written by "
	  "'memory-analyzer baseline'", 0 },
	{ "max-regression", OPT_MAX_REGRESSION, "PCT", 0, "fail when a metric grew more "
	  "than PCT % over the baseline", 0 },
	{ "regression-on", OPT_REGRESSION_ON, "LIST", 0, "metrics compared with the "
	  "baseline, comma-separated (default: peak_heap_bytes, leaked_bytes, "
	  "leaked_blocks, allocations, temporary_pct)", 0 },
	{ "per-process", OPT_PER_PROCESS, NULL, 0, "gate each trace's process on its own "
	  "(default: their sum)", 0 },
	{ "junit", OPT_JUNIT, "FILE", 0, "also write the verdicts as JUnit XML", 0 },
	{ "markdown", OPT_MARKDOWN, "FILE", 0, "also write the verdicts as Markdown", 0 },
	{ "workspace-path", 'w', "DIR", 0, "read limits from the .memory-analyzer.conf of "
	  "DIR (or a parent)", 0 },
	{ "config", OPT_CONFIG, "FILE", 0, "read limits from this config file", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Gate memory-analyzer traces: every limit given becomes a gate with a "
	"one-line verdict (PASS or FAIL, value, limit, the sites responsible)."
	"\vExit status: 0 every gate passed, 1 a gate failed, 2 usage error (bad "
	"limit, bad config or suppressions file), 3 an input cannot be read "
	"(trace, baseline, baseline of another version), 4 a trace is damaged and "
	"no gate failed.  docs/ci.md has examples for CI systems.  Like the "
	"report, it starts itself again on huge pages for traces of 16 KiB or "
	"more (MEMORY_ANALYZER_HUGEPAGES=0: not).";

static void init_options(void)
{
	for (int g = 0; g < MA_GM_COUNT; g++)
		options[g].name = ma_gm_def((enum ma_gm)g)->option;
}

static void parse_regression_on(struct argp_state *state, struct check_args *a, char *arg)
{
	char *save = NULL, *tok;

	a->cli.regress = 0;
	a->regress_set = 1;
	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int g = ma_gm_find(tok);
		if (g < 0)
			argp_error(state, "--regression-on: unknown metric '%s'", tok);
		a->cli.regress |= 1u << g;
	}
}

static void parse_limit(struct argp_state *state, struct check_args *a, int key,
			const char *arg)
{
	char err[256];

	if (ma_gate_limits_parse(&a->cli, (enum ma_gm)(key - OPT_LIMIT), arg, err,
				 sizeof(err)) < 0)
		argp_error(state, "%s", err);
}

static void parse_pct(struct argp_state *state, struct check_args *a, const char *arg)
{
	char *end;

	a->cli.max_regression_pct = strtod(arg, &end);
	if (end == arg || *end || !(a->cli.max_regression_pct >= 0))
		argp_error(state, "invalid limit for --max-regression: '%s' is not a "
			   "percentage", arg);
	a->cli.regression_set = 1;
}

static void parse_rating(struct argp_state *state, struct check_args *a, const char *arg)
{
	char err[256];

	if (a->nratings == CHECK_MAX_RATINGS)
		argp_error(state, "at most %d --rating", CHECK_MAX_RATINGS);
	if (ma_ratings_override(&a->cli.ratings, arg, err, sizeof(err)) < 0)
		argp_error(state, "%s", err);
	a->ratings[a->nratings++] = arg;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct check_args *a = state->input;

	if (key >= OPT_LIMIT && key < OPT_LIMIT + MA_GM_COUNT) {
		parse_limit(state, a, key, arg);
		return 0;
	}
	switch (key) {
	case OPT_FAIL_ON:
		if (ma_gate_fail_on_parse(&a->cli, arg) < 0)
			argp_error(state, "--fail-on must be warning, critical or never, not '%s'",
				   arg);
		a->fail_on_set = 1;
		break;
	case OPT_RATING: parse_rating(state, a, arg); break;
	case OPT_BASELINE: a->baseline = arg; break;
	case OPT_MAX_REGRESSION: parse_pct(state, a, arg); break;
	case OPT_REGRESSION_ON: parse_regression_on(state, a, arg); break;
	case OPT_PER_PROCESS: a->per_process = 1; break;
	case OPT_JUNIT: a->junit = arg; break;
	case OPT_MARKDOWN: a->markdown = arg; break;
	case 'w': a->workspace = arg; break;
	case OPT_CONFIG: a->config = arg; break;
	case ARGP_KEY_END:
		gate_parse_common(key, state, &a->an, &a->traces, &a->ntraces);
		if (a->workspace && a->config)
			argp_error(state, "give --workspace-path or --config, not both");
		break;
	default:
		return gate_parse_common(key, state, &a->an, &a->traces, &a->ntraces);
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, "TRACE...", doc, gate_argp_children,
				  NULL, NULL };

int cmd_check(int argc, char **argv)
{
	struct check_args a;

	memset(&a, 0, sizeof(a));
	ma_gate_limits_init(&a.cli);
	init_options();
	if (gate_argp_parse(&argp, argc, argv, &a) != MA_EXIT_OK)
		return MA_EXIT_USAGE;
	ma_hugepages_for(a.traces, a.ntraces);
	return gate_check_run(&a);
}
