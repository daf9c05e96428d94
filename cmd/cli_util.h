/* What every subcommand shares: exit codes and the one-line messages.
 *
 * Messages follow one form: "memory-analyzer: cannot read 'x.trace':
 * truncated after chunk 12" -- lowercase, the subject quoted, no final
 * period, on stderr. */
#ifndef MA_CLI_UTIL_H
#define MA_CLI_UTIL_H

#include <argp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in docs/exit-codes.md and stable for scripts. */
enum ma_exit {
	MA_EXIT_OK = 0,        /* done; for check: every gate passed */
	MA_EXIT_GATE = 1,      /* check: a gate failed */
	MA_EXIT_USAGE = 2,     /* bad options or arguments, bad config file */
	MA_EXIT_INPUT = 3,     /* an input could not be read at all */
	MA_EXIT_DAMAGED = 4,   /* a report was made, but from a damaged or
				* truncated trace: part of the data is missing */
	MA_EXIT_INTERNAL = 5,  /* out of memory or another internal failure */
};

#define MA_PROGRAM "memory-analyzer"

/* Prints "memory-analyzer: <message>\n" on stderr. */
void ma_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ma_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ma_error, then exit(code). */
void ma_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Whether colour should be used on the stream with this fd: a terminal,
 * NO_COLOR unset, TERM not "dumb". */
int ma_use_colour(int fd);

#define MA_MAX_DEBUG_DIRS 16

/* Where symbols come from: --debug-dir (repeatable), --sysroot and
 * --no-local-files, the options of ma_symbol_argp, an argp child of the
 * commands that analyse traces.  Its input is a struct ma_symbol_args (the parent sets its
 * state->child_inputs[] in ARGP_KEY_INIT). */
struct ma_symbol_args {
	const char *debug_dirs[MA_MAX_DEBUG_DIRS + 1];  /* NULL-terminated */
	unsigned ndebug;
	const char *sysroot;
	int no_local_files;
};

extern const struct argp ma_symbol_argp;

struct ma_analysis;
struct ma_analysis_opts;
/* Sets the debug directories, the sysroot and no_local_files of ao. */
void ma_symbol_args_apply(const struct ma_symbol_args *s, struct ma_analysis_opts *ao);

/* The bytes of the regular files among traces[0..n) (not stdin, a FIFO
 * or what cannot be read). */
uint64_t ma_traces_bytes(char *const *traces, size_t n);

/* A warning for each damaged or incomplete trace of an analysis. */
void ma_warn_damaged(const struct ma_analysis *an);

#endif
