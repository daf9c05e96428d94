/* memory-analyzer record: run a program with the probe preloaded, then say
 * which traces it and its children wrote.  docs/record.md is the manual. */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "record.h"

enum { OPT_SAMPLE_MS = 256, OPT_NO_FOLLOW };

static const struct argp_option options[] = {
	{ "output", 'o', "PATH", 0,
	  "write traces to PATH, %p standing for the process id "
	  "(default: memory-analyzer.PROGRAM.%p.trace)", 0 },
	{ "workspace-path", 'w', "DIR", 0,
	  "write traces to DIR/.memory-analyzer/traces/PROGRAM.%p.trace", 0 },
	{ "depth", 'd', "N", 0, "record at most N frames of every stack", 0 },
	{ "sample-ms", OPT_SAMPLE_MS, "N", 0,
	  "sample RSS every N milliseconds, allocator statistics as "
	  "often when they are cheap", 0 },
	{ "no-follow-fork", OPT_NO_FOLLOW, NULL, 0,
	  "record only PROGRAM itself, not the processes it forks", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Run PROGRAM with the memory-analyzer probe and write its traces."
	"\vThe exit status is PROGRAM's: 128+N when a signal N killed it, 127 "
	"when it cannot be found, 126 when it cannot be run.  One line on "
	"stderr names each trace written.";

/* A number within [lo, hi], kept as the string the probe will parse. */
static const char *number_arg(struct argp_state *state, const char *opt,
			      const char *arg, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < lo || v > hi)
		argp_error(state, "%s must be a number from %lu to %lu, not '%s'",
			   opt, lo, hi, arg);
	return arg;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct record_opts *o = state->input;

	switch (key) {
	case 'o':
		o->output = arg;
		break;
	case 'w':
		o->workspace = arg;
		break;
	case 'd':
		o->depth = number_arg(state, "--depth", arg, 1, 256);
		break;
	case OPT_SAMPLE_MS:
		o->sample_ms = number_arg(state, "--sample-ms", arg, 1, 60000);
		break;
	case OPT_NO_FOLLOW:
		o->no_follow = 1;
		break;
	case ARGP_KEY_ARG:
		/* PROGRAM and everything after it belong to PROGRAM, options
		 * included: stop parsing here. */
		o->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (!o->argv)
			argp_error(state, "no program to run");
		if (o->output && o->workspace)
			argp_error(state, "--output and --workspace-path exclude each other");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	options, parse_opt, "[--] PROGRAM [ARGS...]", doc, NULL, NULL, NULL,
};

/* Runs the program with the probe, or without it when probe is NULL. */
static int record(const struct record_opts *o, const char *path, const char *probe)
{
	char session[33], *template = NULL;
	int status;

	if (probe) {
		if (!(template = record_output_template(o)))
			return MA_EXIT_USAGE;
		if (record_session_token(session) < 0 ||
		    record_setup_env(o, probe, template, session) < 0) {
			free(template);
			return MA_EXIT_INTERNAL;
		}
	}
	status = record_run(path, o->argv);
	if (probe && record_report_traces(template, session) == 0)
		ma_warning("no trace was written for '%s'", o->argv[0]);
	free(template);
	return status;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { 0 };
	char *path, *probe = NULL;
	const char *obstacle;
	int status;

	argv[0] = (char *)MA_PROGRAM " record";
	argp_err_exit_status = MA_EXIT_USAGE;
	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &o);

	path = record_find_program(o.argv[0]);
	if (!path) {
		int err = errno;

		ma_error("cannot run '%s': %s", o.argv[0], strerror(err));
		return err == EACCES ? 126 : 127;
	}
	obstacle = record_preload_obstacle(path);
	if (obstacle)
		ma_warning("'%s' is %s and cannot take the probe: running it unprofiled",
			   o.argv[0], obstacle);
	else if (!(probe = record_find_probe())) {
		free(path);
		return MA_EXIT_INPUT;
	}
	status = record(&o, path, probe);
	free(probe);
	free(path);
	return status;
}
