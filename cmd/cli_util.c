#include "config.h"

#include "cli_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", MA_PROGRAM, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ma_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void ma_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

void ma_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	exit(code);
}

int ma_use_colour(int fd)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(fd);
}

enum { OPT_DEBUG_DIR = 0x300, OPT_SYSROOT, OPT_NO_LOCAL_FILES };

static const struct argp_option symbol_options[] = {
	{ "debug-dir", OPT_DEBUG_DIR, "DIR", 0,
	  "look for separate debug files in DIR too (repeatable)", 0 },
	{ "sysroot", OPT_SYSROOT, "DIR", 0, "find the recorded modules under DIR", 0 },
	{ "no-local-files", OPT_NO_LOCAL_FILES, NULL, 0, "open no file the trace names "
	  "outside --sysroot; debug files only from --debug-dir and the sysroot (for "
	  "traces from elsewhere)", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static error_t symbol_parse(int key, char *arg, struct argp_state *state)
{
	struct ma_symbol_args *s = state->input;

	switch (key) {
	case OPT_DEBUG_DIR:
		if (s->ndebug == MA_MAX_DEBUG_DIRS)
			argp_error(state, "at most %d --debug-dir", MA_MAX_DEBUG_DIRS);
		s->debug_dirs[s->ndebug++] = arg;
		return 0;
	case OPT_SYSROOT:
		s->sysroot = arg;
		return 0;
	case OPT_NO_LOCAL_FILES:
		s->no_local_files = 1;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp ma_symbol_argp = { symbol_options, symbol_parse, NULL, NULL, NULL, NULL,
				     NULL };

void ma_symbol_args_apply(const struct ma_symbol_args *s, struct ma_analysis_opts *ao)
{
	ao->debug_dirs = s->ndebug ? s->debug_dirs : NULL;
	ao->sysroot = s->sysroot;
	ao->no_local_files = s->no_local_files;
}

void ma_warn_damaged(const struct ma_analysis *an)
{
	for (size_t i = 0; i < an->nprocs; i++)
		if (an->procs[i].damage)
			ma_warning("'%s' is damaged or incomplete: %s", an->procs[i].trace_path,
				   an->procs[i].damage);
}

uint64_t ma_traces_bytes(char *const *traces, size_t n)
{
	uint64_t bytes = 0;

	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(traces[i], &st) == 0 && S_ISREG(st.st_mode))
			bytes += (uint64_t)st.st_size;
	}
	return bytes;
}
