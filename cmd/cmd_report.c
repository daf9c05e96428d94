/* memory-analyzer [OPTION...] [TRACE...]: the default command, analyse
 * traces and print a report.  docs/analysis.md says what is computed,
 * docs/report-schema.md what --format json writes. */
#include "config.h"

#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "cli_util.h"
#include "commands.h"
#include "config_file.h"
#include "full_report.h"
#include "hugepages.h"
#include "render.h"
#include "stackfmt.h"
#include "units.h"

#define MAX_SETTINGS 64

enum { OPT_TOP = 256, OPT_GROUP_BY, OPT_SNAPSHOT_AT, OPT_NO_COLOR, OPT_WEIGHT, OPT_CONFIG,
       OPT_SET, OPT_RAM, OPT_PEAK_BY_REPLAY };

struct report_args {
	const char *workspace;
	const char *type;
	const char *format;
	struct ma_analysis_opts ao;
	struct ma_symbol_args sym;
	int no_color;
	int top_set;
	const char *weight;
	char **traces;
	size_t ntraces;
	/* The full report's: configuration file, settings, machine RAM. */
	const char *config;
	const char *settings[MAX_SETTINGS];
	unsigned nsettings;
	uint64_t ram;
};

static const struct argp_option options[] = {
	{ "workspace-path", 'w', "DIR", 0,
	  "without TRACE, report the newest DIR/.memory-analyzer/traces/*.trace; with "
	  "--report-type full, also scan DIR (lines of code, Cargo features, memory "
	  "settings) and read DIR's " MA_CONFIG_NAME, 0 },
	{ "report-type", 't', "TYPE", 0,
	  "summary (default), leaks, peak, allocations, temporary, timeline or full", 0 },
	{ "format", 'f', "FMT", 0, "text (default), json, html, markdown, collapsed, speedscope "
	  "or massif", 0 },
	{ "weight", OPT_WEIGHT, "W", 0, "what --format collapsed weighs stacks by: leaked "
	  "(default), peak, allocated or calls", 0 },
	{ "top", OPT_TOP, "N", 0, "show the N biggest entries of each list (default 10, 0: all)", 0 },
	{ "group-by", OPT_GROUP_BY, "KEY", 0, "group lists by site (default), function or module", 0 },
	{ "snapshot-at", OPT_SNAPSHOT_AT, "WHEN", 0,
	  "also show the live set at WHEN: end, peak, a time (500ms, 2s) or a marker "
	  "name; twice for the difference between two", 0 },
	{ "no-color", OPT_NO_COLOR, NULL, 0, "no colour in the text report", 0 },
	{ "config", OPT_CONFIG, "FILE", 0, "full report: read limits from FILE instead of "
	  "the workspace's " MA_CONFIG_NAME, 0 },
	{ "set", OPT_SET, "KEY=VALUE", 0, "full report: a setting after the file's, e.g. "
	  "ratings.memory_usage_mb.good=800 or memory_usage_mb.good=800 (repeatable)", 0 },
	{ "ram", OPT_RAM, "SIZE", 0, "full report: plan for a machine with SIZE of RAM "
	  "(16GiB, 8GB) instead of this one", 0 },
	/* For tests: the same report the slower way (analysis.h). */
	{ "peak-by-replay", OPT_PEAK_BY_REPLAY, NULL, OPTION_HIDDEN, NULL, 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static const char doc[] =
	"Analyse memory-analyzer traces and print a report.  Several traces (a "
	"process and its children) are reported per process and summed."
	"\vExit status: 0 done, 2 usage error, 3 a trace cannot be read, 4 a "
	"trace is damaged or incomplete (the report covers what was read), 5 "
	"internal error; docs/exit-codes.md has the details.  On traces of 16 KiB "
	"or more it starts itself again once with glibc's heap on huge pages "
	"(MEMORY_ANALYZER_HUGEPAGES=0: not; docs/analysis.md).";

static const struct {
	const char *name;
	unsigned sections;
} report_types[] = {
	{ "summary", MA_SEC_SUMMARY },
	{ "leaks", MA_SEC_SUMMARY | MA_SEC_LEAKS },
	{ "peak", MA_SEC_SUMMARY | MA_SEC_PEAK },
	{ "allocations", MA_SEC_SUMMARY | MA_SEC_ALLOCATIONS },
	{ "temporary", MA_SEC_SUMMARY | MA_SEC_TEMPORARY },
	{ "timeline", MA_SEC_SUMMARY | MA_SEC_TIMELINE },
	{ "full", MA_SEC_ALL },
};

static unsigned type_sections(const char *type)
{
	for (size_t i = 0; i < sizeof(report_types) / sizeof(report_types[0]); i++)
		if (!strcmp(report_types[i].name, type))
			return report_types[i].sections;
	return 0;
}

/* "500ms", "2s", "1.5s", "300" (ms): 0 and *ns set, or -1 when not a time. */
static int parse_time(const char *s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !(s[0] >= '0' && s[0] <= '9'))
		return -1;
	if (!strcmp(end, "s"))
		v *= 1e9;
	else if (!*end || !strcmp(end, "ms"))
		v *= 1e6;
	else
		return -1;
	*ns = (uint64_t)v;
	return 0;
}

static void add_snapshot(struct argp_state *state, struct report_args *a, char *arg)
{
	struct ma_snap_spec *s;

	if (a->ao.nsnaps == MA_MAX_SNAPS)
		argp_error(state, "--snapshot-at may be given at most twice");
	s = &a->ao.snaps[a->ao.nsnaps++];
	if (!strcmp(arg, "end"))
		s->kind = MA_SNAP_END;
	else if (!strcmp(arg, "peak"))
		s->kind = MA_SNAP_PEAK;
	else if (parse_time(arg, &s->time_ns) == 0)
		s->kind = MA_SNAP_TIME;
	else if (*arg) {
		s->kind = MA_SNAP_MARKER;
		s->marker = arg;
	} else
		argp_error(state, "--snapshot-at needs end, peak, a time or a marker name");
}

static void parse_top(struct argp_state *state, struct report_args *a, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > 1000000)
		argp_error(state, "--top must be a number from 0 to 1000000, not '%s'", arg);
	a->ao.top = (unsigned)v;
}

static void parse_group(struct argp_state *state, struct report_args *a, const char *arg)
{
	if (!strcmp(arg, "site"))
		a->ao.group_by = MA_GROUP_SITE;
	else if (!strcmp(arg, "function"))
		a->ao.group_by = MA_GROUP_FUNCTION;
	else if (!strcmp(arg, "module"))
		a->ao.group_by = MA_GROUP_MODULE;
	else
		argp_error(state, "--group-by must be site, function or module, not '%s'", arg);
}

static void check_end(struct argp_state *state, struct report_args *a)
{
	if (!type_sections(a->type))
		argp_error(state, "unknown report type '%s'", a->type);
	if (!ma_renderer_find(a->format))
		argp_error(state, "unknown format '%s'", a->format);
	if (!a->ntraces && !a->workspace)
		argp_error(state, "no trace given: name one, or --workspace-path");
	if (a->ntraces && a->workspace && strcmp(a->type, "full"))
		argp_error(state, "give traces or --workspace-path, not both (both only "
			   "with --report-type full, which scans the workspace)");
	if (strcmp(a->type, "full") && (a->config || a->nsettings || a->ram))
		argp_error(state, "--config, --set and --ram are for --report-type full");
}

static void parse_ram(struct argp_state *state, struct report_args *a, const char *arg)
{
	char err[200];

	if (ma_parse_size(arg, &a->ram, err, sizeof(err)) || !a->ram)
		argp_error(state, "--ram: %s", a->ram ? err : "must be more than 0");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct report_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT: state->child_inputs[0] = &a->sym; break;
	case 'w': a->workspace = arg; break;
	case 't': a->type = arg; break;
	case 'f': a->format = arg; break;
	case OPT_TOP: parse_top(state, a, arg); a->top_set = 1; break;
	case OPT_WEIGHT:
		if (ma_weight_find(arg) < 0)
			argp_error(state, "--weight must be leaked, peak, allocated or calls, "
				   "not '%s'", arg);
		a->weight = arg;
		break;
	case OPT_GROUP_BY: parse_group(state, a, arg); break;
	case OPT_SNAPSHOT_AT: add_snapshot(state, a, arg); break;
	case OPT_NO_COLOR: a->no_color = 1; break;
	case OPT_CONFIG: a->config = arg; break;
	case OPT_SET:
		if (a->nsettings == MAX_SETTINGS)
			argp_error(state, "at most %d --set", MAX_SETTINGS);
		a->settings[a->nsettings++] = arg;
		break;
	case OPT_RAM: parse_ram(state, a, arg); break;
	case OPT_PEAK_BY_REPLAY: a->ao.peak_by_replay = 1; break;
	case ARGP_KEY_ARGS:
		a->traces = state->argv + state->next;
		a->ntraces = (size_t)(state->argc - state->next);
		break;
	case ARGP_KEY_END:
		check_end(state, a);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* --help ends with the subcommands of main.c's table. */
static char *help_filter(int key, const char *text, void *input)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC || !(f = open_memstream(&out, &len)))
		return (char *)text;
	fprintf(f, "%s\n\nCommands (memory-analyzer COMMAND --help for theirs):\n",
		text ? text : "");
	for (const struct ma_command *c = ma_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fclose(f);
	return out;
}

/* No header: the options of the child sort among the others. */
static const struct argp_child children[] = {
	{ &ma_symbol_argp, 0, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static const struct argp argp = { options, parse_opt, "[TRACE...]", doc, children,
				  help_filter, NULL };

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* The newest *.trace under DIR/.memory-analyzer/traces, malloc'd; NULL
 * with the reason printed. */
static char *newest_trace(const char *workspace)
{
	char dir[4096], path[4096 + 256];
	char *best = NULL;
	struct timespec best_t = { 0, 0 };
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/.memory-analyzer/traces", workspace);
	if (!(d = opendir(dir))) {
		ma_error("cannot read '%s': %s", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (!ends_with(e->d_name, ".trace"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!best || st.st_mtim.tv_sec > best_t.tv_sec ||
		    (st.st_mtim.tv_sec == best_t.tv_sec && st.st_mtim.tv_nsec > best_t.tv_nsec)) {
			free(best);
			best = strdup(path);
			best_t = st.st_mtim;
		}
	}
	closedir(d);
	if (!best)
		ma_error("no trace in '%s'", dir);
	return best;
}

/* A bar on stderr, redrawn at most every percent. */
static void progress(void *arg, uint64_t done, uint64_t total)
{
	int *last = arg;
	int pct = total ? (int)(done * 100 / total) : 100;

	if (pct > 100)
		pct = 100;
	if (pct == *last)
		return;
	*last = pct;
	fprintf(stderr, "\r[%-40.*s] %3d%%", pct * 40 / 100,
		"########################################", pct);
	if (pct == 100)
		fputs("\r\033[K", stderr);
}

/* Worth a progress bar: stderr a terminal and the traces above 32 MiB. */
static int large(char **traces, size_t n)
{
	return isatty(STDERR_FILENO) && ma_traces_bytes(traces, n) > (32u << 20);
}

/* "ratings.x.good=1" goes to the configuration as it is; the short
 * form "x.good=1" of a rating limit is given its section. */
static int add_setting(struct ma_config *cfg, const char *spec, char *err, size_t errlen)
{
	char buf[512];
	unsigned dots = 0;

	for (const char *p = spec; *p && *p != '='; p++)
		dots += *p == '.';
	if (dots != 1)
		return ma_config_set_spec(cfg, spec, err, errlen);
	snprintf(buf, sizeof(buf), "ratings.%s", spec);
	return ma_config_set_spec(cfg, buf, err, errlen);
}

/* The configuration of a full report: --config, or the workspace's file
 * (or the current folder's), then --set.  NULL after printing why. */
static struct ma_config *load_config(const struct report_args *a)
{
	struct ma_config *cfg = ma_config_new();
	char path[4096], err[600];

	if (!cfg) {
		ma_error("out of memory");
		return NULL;
	}
	if (a->config && ma_config_load(cfg, a->config, err, sizeof(err)))
		goto fail;
	if (!a->config && ma_config_find(a->workspace ? a->workspace : ".", path, sizeof(path)) &&
	    ma_config_load(cfg, path, err, sizeof(err)))
		goto fail;
	for (unsigned i = 0; i < a->nsettings; i++)
		if (add_setting(cfg, a->settings[i], err, sizeof(err)))
			goto fail;
	return cfg;
fail:
	ma_error("%s", err);
	ma_config_free(cfg);
	return NULL;
}

static struct ma_full_report *full_begin(struct report_args *a, struct ma_config **cfg,
					 size_t n, int *rc)
{
	struct ma_full_opts fo = { a->workspace, a->ram, NULL, NULL };
	struct ma_full_report *fr;
	char err[600];

	*rc = MA_EXIT_USAGE;
	if (!(*cfg = load_config(a)))
		return NULL;
	if (!(fr = ma_full_new(*cfg, &fo, n, err, sizeof(err)))) {
		ma_error("%s", err);
		ma_config_free(*cfg);
		*cfg = NULL;
		return NULL;
	}
	a->ao.observe = ma_full_observe;
	a->ao.observe_arg = fr;
	return fr;
}

static int report(struct report_args *a, char **traces, size_t n)
{
	struct ma_render_opts ro = { type_sections(a->type), a->type, 0, 80, NULL };
	struct ma_format_needs needs;
	struct ma_analysis *an;
	struct ma_full_report *fr = NULL;
	struct ma_config *cfg = NULL;
	char err[512];
	int last = -1, rc;

	/* Flame graphs and the like draw every stack unless --top says. */
	ma_format_needs(a->format, &needs);
	ro.sections |= needs.sections;
	if (needs.all_stacks && !a->top_set)
		a->ao.top = 0;
	ro.weight = a->weight;
	if (a->ao.nsnaps)
		ro.sections |= MA_SEC_SNAPSHOTS;
	a->ao.sections = ro.sections;
	ma_symbol_args_apply(&a->sym, &a->ao);
	if (!strcmp(a->type, "full") && !(fr = full_begin(a, &cfg, n, &rc)))
		return rc;
	if (large(traces, n)) {
		a->ao.progress = progress;
		a->ao.progress_arg = &last;
	}
	rc = ma_analysis_run((const char *const *)traces, n, &a->ao, &an, err, sizeof(err));
	if (last >= 0 && last < 100)
		fputs("\r\033[K", stderr);
	if (rc == MA_ANALYSIS_OK && fr && ma_full_finish(fr, an, err, sizeof(err)) < 0) {
		ma_analysis_free(an);
		rc = MA_ANALYSIS_NOMEM;
	}
	ma_config_free(cfg);
	if (rc != MA_ANALYSIS_OK) {
		ma_error("%s", err);
		ma_full_free(fr);
		return rc == MA_ANALYSIS_INPUT ? MA_EXIT_INPUT : MA_EXIT_INTERNAL;
	}
	an->full = fr;
	if (fr && fr->workspace_error[0])
		ma_warning("%s", fr->workspace_error);
	ro.colour = !a->no_color && !strcmp(a->format, "text") && ma_use_colour(STDOUT_FILENO);
	/* Only this thread writes to stdout, and the renderers write the
	 * report a character at a time: without the lock each putc takes,
	 * the full report of the python3 bench trace (2.1 MB of JSON) took
	 * 756 ms of CPU instead of 773 (medians of 30 interleaved runs). */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	rc = ma_renderer_find(a->format)->render(stdout, an, &ro);
	if (fflush(stdout) != 0 || rc < 0) {
		ma_error("cannot write the report: %s", strerror(errno));
		ma_analysis_free(an);
		ma_full_free(fr);
		return MA_EXIT_INTERNAL;
	}
	ma_warn_damaged(an);
	rc = an->damaged ? MA_EXIT_DAMAGED : MA_EXIT_OK;
	ma_analysis_free(an);
	ma_full_free(fr);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { .type = "summary", .format = "text" };
	char *found = NULL;
	int rc;

	ma_analysis_opts_init(&a.ao);
	argp_err_exit_status = MA_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &a) != 0)
		return MA_EXIT_USAGE;
	if (!a.ntraces) {
		found = newest_trace(a.workspace);
		if (!found)
			return MA_EXIT_INPUT;
		a.traces = &found;
		a.ntraces = 1;
	}
	ma_hugepages_for(a.traces, a.ntraces);
	rc = report(&a, a.traces, a.ntraces);
	free(found);
	return rc;
}
