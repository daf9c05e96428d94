/* memory-analyzer diff OLD NEW: compare two traces or baselines per
 * metric and per allocation site, sites matched by symbols so that two
 * builds of a program compare. */
#include "config.h"

#include <argp.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "gate_common.h"
#include "gate_diff.h"
#include "suppress.h"

struct diff_args {
	struct gate_analysis_args an;
	const char *format;
	const char *paths[2];
	unsigned npaths;
};

static const struct argp_option options[] = {
	{ "format", 'f', "FMT", 0, "text (default) or json", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Compare two runs: OLD and NEW are each a trace or a baseline.  Metrics "
	"side by side, then allocation sites matched by function, file and "
	"module, so builds with different addresses compare."
	"\vExit status: 0 compared, 2 usage error, 3 an input cannot be read.";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct diff_args *a = state->input;

	switch (key) {
	case 'f':
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			argp_error(state, "--format must be text or json, not '%s'", arg);
		a->format = arg;
		break;
	case ARGP_KEY_ARG:
		if (a->npaths == 2)
			argp_error(state, "give two inputs, OLD and NEW");
		a->paths[a->npaths++] = arg;
		break;
	case ARGP_KEY_END:
		if (a->npaths != 2)
			argp_error(state, "give two inputs, OLD and NEW");
		break;
	default:
		return gate_parse_common(key, state, &a->an, NULL, NULL);
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, "OLD NEW", doc, gate_argp_children,
				  NULL, NULL };

static int compare(struct diff_args *a, struct ma_measure_opts *mo)
{
	struct ma_measure m[2];
	int rc, wrc;

	if ((rc = gate_measure_input(&a->an, a->paths[0], mo, &m[0])))
		return rc;
	if ((rc = gate_measure_input(&a->an, a->paths[1], mo, &m[1]))) {
		ma_measure_release(&m[0]);
		return rc;
	}
	wrc = !strcmp(a->format, "json") ? gate_diff_json(stdout, &m[0], &m[1]) :
		gate_diff_text(stdout, &m[0], &m[1]);
	if (wrc < 0 || fflush(stdout) != 0) {
		ma_error("cannot write the comparison");
		rc = MA_EXIT_INTERNAL;
	}
	ma_measure_release(&m[0]);
	ma_measure_release(&m[1]);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a;
	struct ma_measure_opts mo = { NULL, 1 };
	int rc;

	memset(&a, 0, sizeof(a));
	a.format = "text";
	if (gate_argp_parse(&argp, argc, argv, &a) != MA_EXIT_OK)
		return MA_EXIT_USAGE;
	if ((rc = gate_load_suppressions(a.an.suppressions, &mo.supp)) == MA_EXIT_OK)
		rc = compare(&a, &mo);
	ma_supp_free(mo.supp);
	return rc;
}
