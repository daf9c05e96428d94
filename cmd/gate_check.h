/* The check command's arguments and its run, apart from option parsing. */
#ifndef MA_GATE_CHECK_H
#define MA_GATE_CHECK_H

#include <stddef.h>

#include "gate.h"
#include "gate_common.h"

#define CHECK_MAX_RATINGS 32

struct check_args {
	struct gate_analysis_args an;
	struct ma_gate_limits cli;   /* limits from options; they win over the config */
	int regress_set, fail_on_set;
	const char *ratings[CHECK_MAX_RATINGS];
	unsigned nratings;
	const char *baseline;
	int per_process;
	const char *junit, *markdown;
	const char *workspace, *config;
	char **traces;
	size_t ntraces;
};

/* Runs the gates; returns the exit code. */
int gate_check_run(struct check_args *a);

#endif
