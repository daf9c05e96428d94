/* What check, baseline and diff share: the analysis options (an argp
 * child), turning traces into measures, and reading a measure from a
 * trace or a baseline. */
#ifndef MA_GATE_COMMON_H
#define MA_GATE_COMMON_H

#include <argp.h>
#include <stddef.h>

#include "gate.h"

#define GATE_MAX_DEBUG_DIRS 16

/* Filled by gate_analysis_argp: --debug-dir, --sysroot, --suppressions. */
struct gate_analysis_args {
	const char *debug_dirs[GATE_MAX_DEBUG_DIRS + 1];
	unsigned ndebug;
	const char *sysroot;
	const char *suppressions;
};

/* The argp child; its input is a struct gate_analysis_args (set
 * child_inputs[0] in the parent's ARGP_KEY_INIT). */
extern const struct argp gate_analysis_argp;

/* Measures of traces[0..n): the sum (the only process when there is one),
 * preceded by one measure per process when per_process and there are
 * several: the sum is always last.  *out is malloc'd; free
 * with gate_measures_free.  Returns an exit code (MA_EXIT_OK, or
 * MA_EXIT_INPUT / MA_EXIT_INTERNAL with the message printed); *damaged
 * says whether a trace was damaged or incomplete. */
int gate_measure_traces(const struct gate_analysis_args *a, char **traces, size_t n,
			int per_process, const struct ma_measure_opts *mo,
			struct ma_measure **out, size_t *nout, int *damaged);
void gate_measures_free(struct ma_measure *m, size_t n);

/* One measure from path, a baseline or a trace (told apart by content). */
int gate_measure_input(const struct gate_analysis_args *a, const char *path,
		       const struct ma_measure_opts *mo, struct ma_measure *out);

/* Reads a baseline, printing the error; an exit code. */
int gate_read_baseline(const char *path, struct ma_measure *out);

/* Loads the --suppressions file into *s (created); an exit code, usage
 * error for a bad file. */
int gate_load_suppressions(const char *path, struct ma_suppressions **s);

#endif
