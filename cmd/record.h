/* Private to the record command (cmd/cmd_record.c and cmd/record_*.c). */
#ifndef MA_RECORD_H
#define MA_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct record_opts {
	const char *output;          /* --output, or NULL */
	const char *workspace;       /* --workspace-path, or NULL */
	const char *depth;           /* --depth, checked, as given */
	const char *sample_ms;       /* --sample-ms, checked, as given */
	int no_follow;               /* --no-follow-fork */
	char **argv;                 /* PROGRAM ARGS..., NULL-terminated */
};

/* ---- record_target.c: the program to run ---- */

/* Resolves argv0 like execvp(3): as given when it holds a '/', else
 * through PATH.  Returns a malloc'd path, or NULL with errno set
 * (ENOENT when nothing was found). */
char *record_find_program(const char *argv0);

/* Why the probe cannot be preloaded into path: "statically linked",
 * "setuid", "setgid"; NULL when it can (or when path is no ELF file,
 * such as a script: its interpreter takes the preload). */
const char *record_preload_obstacle(const char *path);

/* ---- record_env.c: the probe and the environment the program gets ---- */

/* The probe to preload: $MEMORY_ANALYZER_PROBE, else the one in the build
 * tree next to this executable, else the installed one.  Returns a
 * malloc'd path, or NULL after printing why. */
char *record_find_probe(void);

/* Sets what the probe reads (MEMORY_ANALYZER_*) and prepends probe to
 * LD_PRELOAD, in this process's environment, which the program inherits.
 * With probe NULL nothing is set: the program runs unprofiled.
 * Returns 0, or -1 after printing why. */
int record_setup_env(const struct record_opts *o, const char *probe,
		     const char *output, const char *session);

/* ---- record_traces.c: naming and finding traces ---- */

/* The absolute output path template (%p = pid) for o; creates the
 * workspace directories.  Returns a malloc'd string, or NULL after
 * printing why. */
char *record_output_template(const struct record_opts *o);

/* The directory part of an absolute template, malloc'd. */
char *record_template_dir(const char *template);

/* A fresh random session token, 32 hex digits, into buf (33 bytes). */
int record_session_token(char buf[33]);

/* ---- record_scan.c: finding the traces of a run ---- */

/* Prints "trace written: PATH (pid N)" on stderr for every trace that
 * matches template in its directory and carries session in its header,
 * oldest process first.  Returns how many were found. */
int record_report_traces(const char *template, const char *session);

/* ---- record_run.c: running the program ---- */

/* Runs path with argv, forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT to
 * it, and waits for it (only for it: not for its own children).  Returns
 * its exit status as a shell reports it: the status, 128 + N when killed
 * by signal N, 126/127 when it could not be executed. */
int record_run(const char *path, char **argv);

#endif
