/* What check, baseline and diff share: the analysis options (an argp
 * child), turning traces into measures, and reading a measure from a
 * trace or a baseline. */
#ifndef MA_GATE_COMMON_H
#define MA_GATE_COMMON_H

#include <argp.h>
#include <stddef.h>

#include "cli_util.h"
#include "gate.h"

/* Filled by gate_analysis_argp: --suppressions, and --debug-dir,
 * --sysroot and --no-local-files of its own child, ma_symbol_argp. */
struct gate_analysis_args {
	struct ma_symbol_args sym;
	const char *suppressions;
};

/* The argp child; its input is a struct gate_analysis_args. */
extern const struct argp gate_analysis_argp;

/* The children of the argp of check, baseline and diff: the analysis
 * options under "Analysis:". */
extern const struct argp_child gate_argp_children[];

/* What the parsers of check, baseline and diff do alike, for the keys
 * they do not handle themselves: an as the child's input at
 * ARGP_KEY_INIT and, when traces is not NULL, the TRACE... arguments at
 * ARGP_KEY_ARGS and "no trace given" at ARGP_KEY_END.  ARGP_ERR_UNKNOWN
 * for other keys. */
error_t gate_parse_common(int key, struct argp_state *state, struct gate_analysis_args *an,
			  char ***traces, size_t *ntraces);

/* argp_parse of a gate command (argv[0] its name, "check"), usage errors
 * exiting with MA_EXIT_USAGE and naming "memory-analyzer check":
 * MA_EXIT_OK or MA_EXIT_USAGE. */
int gate_argp_parse(const struct argp *argp, int argc, char **argv, void *input);

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
