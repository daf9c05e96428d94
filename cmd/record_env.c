/* The probe record preloads, and the environment that tells it what to do. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "record.h"

#define PROBE_NAME "libmemory-analyzer-probe.so"

/* The probe of the build tree this executable was built in, or NULL. */
static char *probe_in_build_tree(void)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (asprintf(&path, "%s/probes/.libs/" PROBE_NAME, exe) < 0)
		return NULL;
	return path;
}

static char *probe_from_env(const char *given)
{
	char *path = realpath(given, NULL);

	if (!path)
		ma_error("cannot use the probe '%s' named by MEMORY_ANALYZER_PROBE: %s",
			 given, strerror(errno));
	return path;
}

char *record_find_probe(void)
{
	const char *given = getenv("MEMORY_ANALYZER_PROBE");
	char *built;

	if (given && *given)
		return probe_from_env(given);
	built = probe_in_build_tree();
	if (built && access(built, R_OK) == 0)
		return built;
	free(built);
	if (access(PKGLIBDIR "/" PROBE_NAME, R_OK) == 0)
		return strdup(PKGLIBDIR "/" PROBE_NAME);
	ma_error("cannot find the probe '%s' in '%s' or in the build tree; "
		 "set MEMORY_ANALYZER_PROBE to its path", PROBE_NAME, PKGLIBDIR);
	return NULL;
}

static int set(const char *name, const char *value)
{
	if (setenv(name, value, 1) == 0)
		return 0;
	ma_error("cannot set %s: %s", name, strerror(errno));
	return -1;
}

/* LD_PRELOAD = probe, then whatever the user preloads already. */
static int prepend_preload(const char *probe)
{
	const char *old = getenv("LD_PRELOAD");
	char *value;
	int rc;

	/* The loader splits LD_PRELOAD at spaces and colons. */
	if (strpbrk(probe, " :")) {
		ma_error("cannot preload '%s': the path holds a space or a colon", probe);
		return -1;
	}
	if (!old || !*old)
		return set("LD_PRELOAD", probe);
	if (asprintf(&value, "%s:%s", probe, old) < 0) {
		ma_error("out of memory");
		return -1;
	}
	rc = set("LD_PRELOAD", value);
	free(value);
	return rc;
}

int record_setup_env(const struct record_opts *o, const char *probe,
		     const char *output, const char *session)
{
	if (!probe)
		return 0;
	/* Asked to record: a leftover switch in the environment must not
	 * silence the probe. */
	unsetenv("MEMORY_ANALYZER_OFF");
	if (set("MEMORY_ANALYZER_OUTPUT", output) < 0 ||
	    set("MEMORY_ANALYZER_SESSION", session) < 0 ||
	    set("MEMORY_ANALYZER_FOLLOW", o->no_follow ? "0" : "1") < 0)
		return -1;
	if (o->depth && set("MEMORY_ANALYZER_DEPTH", o->depth) < 0)
		return -1;
	if (o->sample_ms && set("MEMORY_ANALYZER_SAMPLE_MS", o->sample_ms) < 0)
		return -1;
	return prepend_preload(probe);
}
