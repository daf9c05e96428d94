/* check, once the options are parsed: limits from the config file and
 * the options, the measures, the verdicts and their outputs. */
#include "config.h"

#include "gate_check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "config_file.h"
#include "gate_report.h"
#include "suppress.h"

struct check_run {
	struct check_args *a;
	struct ma_config *cfg;
	char cfg_path[PATH_MAX];
	char baseline_buf[PATH_MAX];
	struct ma_gate_limits limits;
	struct ma_suppressions *supp;
	struct ma_measure base;
	int have_base;
	struct ma_measure *m;
	size_t nm;
	int damaged;
	struct ma_gate_result result;
};

/* The config file of --config, or found from --workspace-path; an exit code. */
static int load_config(struct check_run *c)
{
	char err[512];

	if (!c->a->config && !c->a->workspace)
		return MA_EXIT_OK;
	if (c->a->config)
		snprintf(c->cfg_path, sizeof(c->cfg_path), "%s", c->a->config);
	else if (!ma_config_find(c->a->workspace, c->cfg_path, sizeof(c->cfg_path)))
		return MA_EXIT_OK;  /* no config: only the options count */
	if (!(c->cfg = ma_config_new()))
		return MA_EXIT_INTERNAL;
	if (ma_config_load(c->cfg, c->cfg_path, err, sizeof(err)) == 0 &&
	    ma_gate_limits_from_config(&c->limits, c->cfg, err, sizeof(err)) == 0)
		return MA_EXIT_OK;
	ma_error("%s", err);
	return MA_EXIT_USAGE;
}

/* Options win over the config file. */
static int overlay_options(struct check_run *c)
{
	const struct ma_gate_limits *cli = &c->a->cli;
	char err[256];

	for (int g = 0; g < MA_GM_COUNT; g++)
		if ((cli->set >> g) & 1) {
			c->limits.max[g] = cli->max[g];
			c->limits.set |= 1u << g;
		}
	if (cli->regression_set) {
		c->limits.max_regression_pct = cli->max_regression_pct;
		c->limits.regression_set = 1;
	}
	if (c->a->regress_set)
		c->limits.regress = cli->regress;
	if (c->a->fail_on_set)
		c->limits.fail_on = cli->fail_on;
	for (unsigned i = 0; i < c->a->nratings; i++)
		if (ma_ratings_override(&c->limits.ratings, c->a->ratings[i], err, sizeof(err)) < 0) {
			ma_error("%s", err);
			return MA_EXIT_USAGE;
		}
	return MA_EXIT_OK;
}

/* [gate] baseline of the config, relative to the config file's folder. */
static const char *config_baseline(struct check_run *c)
{
	const struct ma_config_entry *e = c->cfg ? ma_config_lookup(c->cfg, "gate", "baseline") : NULL;
	const char *slash = strrchr(c->cfg_path, '/');

	if (!e)
		return NULL;
	if (e->value[0] == '/' || !slash)
		return e->value;
	snprintf(c->baseline_buf, sizeof(c->baseline_buf), "%.*s/%s",
		 (int)(slash - c->cfg_path), c->cfg_path, e->value);
	return c->baseline_buf;
}

static int check_gates(struct check_run *c)
{
	const struct ma_gate_limits *l = &c->limits;

	if (!c->a->baseline)
		c->a->baseline = config_baseline(c);
	if (l->regression_set && !c->a->baseline) {
		ma_error("--max-regression needs a baseline: --baseline FILE");
		return MA_EXIT_USAGE;
	}
	if (c->a->baseline && !l->regression_set) {
		ma_error("--baseline needs --max-regression PCT");
		return MA_EXIT_USAGE;
	}
	if (!l->set && !c->a->baseline && l->fail_on == MA_BAND_NONE) {
		ma_error("nothing to check: give a limit (--max-peak-heap...), --baseline "
			 "with --max-regression, or --fail-on");
		return MA_EXIT_USAGE;
	}
	return MA_EXIT_OK;
}

/* --suppressions, and the config's [suppressions] leak = PATTERN: a glob on
 * function names (docs/configuration.md). */
static int load_suppressions(struct check_run *c)
{
	int rc = gate_load_suppressions(c->a->an.suppressions, &c->supp);
	char where[256];

	for (size_t i = 0; rc == MA_EXIT_OK && c->cfg && i < ma_config_count(c->cfg); i++) {
		const struct ma_config_entry *e = ma_config_at(c->cfg, i);
		if (strcmp(e->section, "suppressions") || strcmp(e->key, "leak"))
			continue;
		ma_config_where(e, where, sizeof(where));
		if (ma_supp_add_pattern(c->supp, MA_SUPP_FUNCTION, e->value, where) < 0)
			rc = MA_EXIT_INTERNAL;
	}
	return rc;
}

static int evaluate(struct check_run *c)
{
	const struct ma_measure *base = c->have_base ? &c->base : NULL;
	struct ma_gate_limits only_regression = c->limits;
	char suffix[48];
	int rc = 0;

	if (!c->a->per_process || c->nm == 1)
		return ma_gate_evaluate(&c->result, &c->m[0], base, &c->limits, NULL);
	/* Per process: limits and ratings on each, the baseline (a sum) on
	 * the sum, which comes last. */
	for (size_t i = 0; rc == 0 && i + 1 < c->nm; i++) {
		snprintf(suffix, sizeof(suffix), "[pid %llu]", (unsigned long long)c->m[i].pid);
		rc = ma_gate_evaluate(&c->result, &c->m[i], NULL, &c->limits, suffix);
	}
	only_regression.set = 0;
	only_regression.fail_on = MA_BAND_NONE;
	if (rc == 0 && base)
		rc = ma_gate_evaluate(&c->result, &c->m[c->nm - 1], base, &only_regression, NULL);
	return rc;
}

static void print_verdicts(const struct check_run *c)
{
	char line[1024];

	for (size_t i = 0; i < c->result.n; i++)
		puts(ma_gate_verdict_line(&c->result.v[i], line, sizeof(line)));
	for (size_t i = 0; i < ma_supp_count(c->supp); i++) {
		const struct ma_supp_rule *r = ma_supp_at(c->supp, i);
		if (!r->sites)
			ma_warning("unused suppression '%s:%s' (%s)", ma_supp_kind_name(r->kind),
				   r->pattern, r->origin);
	}
	if (c->result.failed)
		printf("FAIL %zu of %zu gates failed\n", c->result.failed, c->result.n);
	else
		printf("PASS %zu gates passed\n", c->result.n - c->result.skipped);
}

typedef int (*writer_fn)(FILE *, const struct ma_gate_result *,
			 const struct ma_gate_report_info *);

static int write_file(const char *path, writer_fn fn, const struct check_run *c,
		      const struct ma_gate_report_info *info)
{
	FILE *f = fopen(path, "w");

	if (!f || fn(f, &c->result, info) < 0 || fclose(f) != 0) {
		ma_error("cannot write '%s': %s", path, strerror(errno));
		return MA_EXIT_INTERNAL;
	}
	return MA_EXIT_OK;
}

static int outputs(const struct check_run *c)
{
	struct ma_gate_report_info info = { "memory-analyzer check", c->a->baseline, c->supp,
					    c->a->ntraces };
	const char *gh = getenv("GITHUB_ACTIONS");
	int rc = MA_EXIT_OK;

	print_verdicts(c);
	if (gh && !strcmp(gh, "true"))
		ma_gate_write_gh_annotations(stdout, &c->result, &info);
	if (c->a->junit)
		rc = write_file(c->a->junit, ma_gate_write_junit, c, &info);
	if (rc == MA_EXIT_OK && c->a->markdown)
		rc = write_file(c->a->markdown, ma_gate_write_markdown, c, &info);
	if (fflush(stdout) != 0)
		rc = MA_EXIT_INTERNAL;
	return rc;
}

static int run(struct check_run *c)
{
	struct ma_measure_opts mo = { NULL, 0 };
	int rc;

	if ((rc = load_config(c)) || (rc = overlay_options(c)) || (rc = check_gates(c)) ||
	    (rc = load_suppressions(c)))
		return rc;
	if (c->a->baseline) {
		if ((rc = gate_read_baseline(c->a->baseline, &c->base)))
			return rc;
		c->have_base = 1;
	}
	mo.supp = c->supp;
	/* Fragmentation and the ratings are the full report's figures. */
	mo.rated = ((c->limits.set >> MA_GM_FRAGMENTATION_PCT) & 1) ||
		   c->limits.fail_on != MA_BAND_NONE;
	rc = gate_measure_traces(&c->a->an, c->a->traces, c->a->ntraces, c->a->per_process,
				 &mo, &c->m, &c->nm, &c->damaged);
	if (rc)
		return rc;
	if (evaluate(c) < 0) {
		ma_error("out of memory");
		return MA_EXIT_INTERNAL;
	}
	if ((rc = outputs(c)))
		return rc;
	return c->result.failed ? MA_EXIT_GATE : c->damaged ? MA_EXIT_DAMAGED : MA_EXIT_OK;
}

int gate_check_run(struct check_args *a)
{
	struct check_run c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.a = a;
	ma_gate_limits_init(&c.limits);
	rc = run(&c);
	ma_gate_result_release(&c.result);
	gate_measures_free(c.m, c.nm);
	if (c.have_base)
		ma_measure_release(&c.base);
	ma_supp_free(c.supp);
	ma_config_free(c.cfg);
	return rc;
}
