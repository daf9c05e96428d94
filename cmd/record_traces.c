/* Where the traces of a run go, and the token that marks them. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"
#include "record.h"

/* mkdir -p, new directories with mode 0700. */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			ma_error("cannot create directory '%s': %s", path, strerror(errno));
			*p = c;
			return -1;
		}
		*p = c;
		if (!c)
			return 0;
	}
}

/* The program's name as it goes into a file name: its last component,
 * without '%' (which the probe would expand). */
static char *program_name(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	char *name = strdup(slash ? slash + 1 : argv0);

	for (char *p = name; p && *p; p++)
		if (*p == '%')
			*p = '_';
	return name;
}

static char *absolute(char *path)
{
	char cwd[4096], *abs;

	if (path[0] == '/')
		return path;
	if (!getcwd(cwd, sizeof cwd)) {
		ma_error("cannot find the current directory: %s", strerror(errno));
		free(path);
		return NULL;
	}
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	free(path);
	return abs;
}

static char *default_template(const struct record_opts *o)
{
	char *name = program_name(o->argv[0]), *dir = NULL, *t = NULL;

	if (!name)
		return NULL;
	if (!o->workspace) {
		if (asprintf(&t, "memory-analyzer.%s.%%p.trace", name) < 0)
			t = NULL;
	} else if (asprintf(&dir, "%s/.memory-analyzer/traces", o->workspace) >= 0 &&
		   make_dirs(dir) == 0) {
		if (asprintf(&t, "%s/%s.%%p.trace", dir, name) < 0)
			t = NULL;
	}
	free(dir);
	free(name);
	return t;
}

char *record_template_dir(const char *t)
{
	const char *slash = strrchr(t, '/');

	return slash == t ? strdup("/") : strndup(t, (size_t)(slash - t));
}

static int check_dir(const char *t)
{
	char *dir = record_template_dir(t);
	int rc = 0;

	if (!dir)
		return -1;
	if (strstr(dir, "%p")) {
		ma_error("cannot use '%s' as output: '%%p' may only appear in the file name", t);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) < 0) {
		ma_error("cannot write traces to '%s': %s", dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

char *record_output_template(const struct record_opts *o)
{
	char *t = o->output ? strdup(o->output) : default_template(o);

	if (o->output && !*o->output) {
		ma_error("the output path is empty");
		free(t);
		return NULL;
	}
	if (t)
		t = absolute(t);
	if (t && check_dir(t) < 0) {
		free(t);
		return NULL;
	}
	return t;
}

int record_session_token(char buf[33])
{
	unsigned char raw[16];

	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		ma_error("cannot make a session token: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		sprintf(buf + 2 * i, "%02x", raw[i]);
	return 0;
}
