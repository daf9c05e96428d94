/* Configuration from the environment (docs/probe.md lists the variables).
 * Read once in the constructor; getenv does not allocate. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define PROBE_SO_NAME "libmemory-analyzer-probe"

struct probe_config probe_cfg = {
	.output = "memory-analyzer.%p.trace",
	.depth = PROBE_DEPTH_DEFAULT,
	.sample_ms = PROBE_SAMPLE_MS_DEFAULT,
	.follow = 1,
};

/* A decimal number in [lo, hi], or dflt when unset or malformed. */
static unsigned env_uint(const char *name, unsigned dflt, unsigned lo, unsigned hi)
{
	const char *s = getenv(name);
	unsigned long v = 0;

	if (!s || !*s)
		return dflt;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > hi)
			return dflt;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < lo)
		return lo;
	return v > hi ? hi : (unsigned)v;
}

static void env_str(const char *name, char *out, size_t size)
{
	const char *s = getenv(name);

	if (s && *s && strlen(s) < size)
		strcpy(out, s);
}

void probe_config_read(void)
{
	probe_cfg.off = env_uint("MEMORY_ANALYZER_OFF", 0, 0, 1);
	probe_cfg.depth = env_uint("MEMORY_ANALYZER_DEPTH", PROBE_DEPTH_DEFAULT, 1, PROBE_DEPTH_MAX);
	probe_cfg.sample_ms = env_uint("MEMORY_ANALYZER_SAMPLE_MS", PROBE_SAMPLE_MS_DEFAULT, 1, 60000);
	probe_cfg.follow = env_uint("MEMORY_ANALYZER_FOLLOW", 1, 0, 1);
	env_str("MEMORY_ANALYZER_OUTPUT", probe_cfg.output, sizeof(probe_cfg.output));
	env_str("MEMORY_ANALYZER_SESSION", probe_cfg.session, sizeof(probe_cfg.session));
}

/* Whether the LD_PRELOAD entry [p, p + n) names this probe. */
static int is_probe_entry(const char *p, size_t n)
{
	size_t k = sizeof(PROBE_SO_NAME) - 1;

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, PROBE_SO_NAME, k) == 0)
			return 1;
	return 0;
}

/* Drops our entries from an LD_PRELOAD value (separated by ':' or ' ')
 * by moving the rest down inside the same string: no allocation. */
static void unpreload(char *v)
{
	char *out = v, *p = v;

	while (*p) {
		size_t n = strcspn(p, ": ");

		if (n && !is_probe_entry(p, n)) {
			if (out != v)
				*out++ = ':';
			memmove(out, p, n);
			out += n;
		}
		p += n;
		if (*p)
			p++;
	}
	*out = '\0';
}

void probe_env_unpreload(void)
{
	extern char **environ;

	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "LD_PRELOAD=", 11) == 0)
			unpreload(*e + 11);
}

int probe_env_take_parent(void)
{
	extern char **environ;
	size_t k = sizeof(PROBE_ENV_PARENT) - 1;
	int traced = 0;
	char **out = environ;

	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, PROBE_ENV_PARENT "=", k + 1) == 0) {
			long pid = strtol(*e + k + 1, NULL, 10);

			traced |= pid == (long)getpid() || pid == (long)getppid();
			continue; /* the program must not see it */
		}
		*out++ = *e;
	}
	if (out)
		*out = NULL;
	return traced;
}
