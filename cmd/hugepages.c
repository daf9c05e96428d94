#include "config.h"

#include "hugepages.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cli_util.h"

extern char **environ;

#define TUNABLES "GLIBC_TUNABLES"
#define TUNABLE "glibc.malloc.hugetlb=1"
/* Blocks up to 32 MiB (glibc's most) from the heap too, not each from a
 * mapping of its own that faults in page by page and goes at its free:
 * a chunk's decompression buffers come and go for every chunk.  The
 * python3 report: 0.500 -> 0.480 s (25 interleaved runs), 605 -> 581 ms
 * of CPU (20), the same peak RSS.  Not when the user's tunables set a
 * threshold. */
#define THRESHOLD "glibc.malloc.mmap_threshold=33554432"
/* Set for the second start: "=" and the tunables it was started with, or
 * "-" when there were none. */
#define MARK "MEMORY_ANALYZER_TUNED"

/* Whether the kernel gives huge pages to memory that asks for them. */
static int thp_offered(void)
{
	char buf[128];
	ssize_t n;
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

/* Whether running the executable again runs this program as it was
 * started: not when it was started by naming the dynamic loader (the
 * kernel then loaded no interpreter: AT_BASE is 0), nor under valgrind,
 * whose tool would be left behind. */
static int started_as_itself(void)
{
	const char *pre = getenv("LD_PRELOAD");

	return getauxval(AT_BASE) != 0 && !(pre && strstr(pre, "vgpreload"));
}

static int named(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

/* environ without GLIBC_TUNABLES, plus it with the tunable and the mark;
 * NULL when out of memory. */
static char **tuned_env(const char *old)
{
	const char *thr = old && strstr(old, "glibc.malloc.mmap_threshold") ? "" : ":" THRESHOLD;
	size_t n = 0, k = 0;
	char **env, *tun, *mark;

	while (environ[n])
		n++;
	env = malloc((n + 3) * sizeof(*env));
	tun = malloc(strlen(TUNABLES) + strlen(TUNABLE) + strlen(thr) +
		     (old ? strlen(old) : 0) + 3);
	mark = malloc(strlen(MARK) + (old ? strlen(old) : 0) + 3);
	if (!env || !tun || !mark) {
		free(env);
		free(tun);
		free(mark);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!named(environ[i], TUNABLES) && !named(environ[i], MARK))
			env[k++] = environ[i];
	sprintf(tun, "%s=%s%s%s%s", TUNABLES, old && *old ? old : "", old && *old ? ":" : "",
		TUNABLE, thr);
	sprintf(mark, "%s=%s%s", MARK, old ? "=" : "-", old ? old : "");
	env[k++] = tun;
	env[k++] = mark;
	env[k] = NULL;
	return env;
}

/* main's arguments as they came: the commands' parsers reorder argv and
 * rename argv[0].  NULL: no second start. */
static char **main_argv;

void ma_hugepages_init(char **argv)
{
	const char *mark = getenv(MARK);
	size_t n = 0;

	if (!mark) {
		while (argv[n])
			n++;
		if ((main_argv = malloc((n + 1) * sizeof(*argv))))
			memcpy(main_argv, argv, (n + 1) * sizeof(*argv));
		return;
	}
	/* the second start: the environment as the first one had it */
	if (mark[0] == '=')
		setenv(TUNABLES, mark + 1, 1);
	else
		unsetenv(TUNABLES);
	unsetenv(MARK);
}

void ma_hugepages_for(char *const *traces, size_t n)
{
	const char *old = getenv(TUNABLES), *opt = getenv("MEMORY_ANALYZER_HUGEPAGES");
	char self[PATH_MAX], **env;
	ssize_t len;

	if (!main_argv || (opt && !strcmp(opt, "0")) ||
	    (old && strstr(old, "glibc.malloc.hugetlb")) ||
	    ma_traces_bytes(traces, n) < MA_HUGEPAGES_MIN || !thp_offered() || !started_as_itself())
		return;
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0 || (size_t)len >= sizeof(self) - 1)
		return;
	self[len] = '\0';
	if (!(env = tuned_env(old)))
		return;
	fflush(NULL);
	execve(self, main_argv, env);
	/* It could not be run again (gone, or no /proc): on as it is. */
	for (size_t i = 0; env[i]; i++)
		if (named(env[i], TUNABLES) || named(env[i], MARK))
			free(env[i]);
	free(env);
}
