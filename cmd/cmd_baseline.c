/* memory-analyzer baseline --output FILE TRACE...: store the measures of
 * traces for a later check --baseline.  docs/baseline-format.md. */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "baseline.h"
#include "cli_util.h"
#include "commands.h"
#include "gate_common.h"
#include "hugepages.h"
#include "suppress.h"

struct baseline_args {
	struct gate_analysis_args an;
	const char *output;
	char **traces;
	size_t ntraces;
};

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "write the baseline to FILE ('-': standard output)", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Write a baseline: the metrics and per-site numbers of the traces (summed "
	"over their processes), keyed by symbols so that it compares with other "
	"builds.  Commit it and gate later runs with 'check --baseline FILE "
	"--max-regression PCT'."
	"\vExit status: 0 written, 2 usage error, 3 a trace cannot be read, 4 a "
	"trace is damaged (the baseline was written from what was read).  Like the "
	"report, it starts itself again on huge pages for traces of 16 KiB or "
	"more (MEMORY_ANALYZER_HUGEPAGES=0: not).";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct baseline_args *a = state->input;

	switch (key) {
	case 'o': a->output = arg; break;
	case ARGP_KEY_END:
		if (!a->output)
			argp_error(state, "--output FILE is required");
		/* fall through */
	default:
		return gate_parse_common(key, state, &a->an, &a->traces, &a->ntraces);
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, "TRACE...", doc, gate_argp_children,
				  NULL, NULL };

static int write_baseline(const char *path, const struct ma_measure *m)
{
	int to_stdout = !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	int bad;

	if (!f) {
		ma_error("cannot write '%s': %s", path, strerror(errno));
		return MA_EXIT_INTERNAL;
	}
	bad = ma_baseline_write(f, m) < 0;
	bad |= to_stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad) {
		ma_error("cannot write '%s': %s", path, strerror(errno));
		return MA_EXIT_INTERNAL;
	}
	return MA_EXIT_OK;
}

int cmd_baseline(int argc, char **argv)
{
	struct baseline_args a;
	struct ma_measure_opts mo = { NULL, 1 };
	struct ma_measure *m = NULL;
	size_t n = 0;
	int damaged = 0, rc;

	memset(&a, 0, sizeof(a));
	if (gate_argp_parse(&argp, argc, argv, &a) != MA_EXIT_OK)
		return MA_EXIT_USAGE;
	ma_hugepages_for(a.traces, a.ntraces);
	if ((rc = gate_load_suppressions(a.an.suppressions, &mo.supp)) == MA_EXIT_OK)
		rc = gate_measure_traces(&a.an, a.traces, a.ntraces, 0, &mo, &m, &n, &damaged);
	if (rc == MA_EXIT_OK)
		rc = write_baseline(a.output, &m[0]);
	gate_measures_free(m, n);
	ma_supp_free(mo.supp);
	return rc == MA_EXIT_OK && damaged ? MA_EXIT_DAMAGED : rc;
}
