/* exec: the old image's trace gets its trailer (MA_EXIT_EXEC) before the
 * call; if exec fails the process goes on in direct mode.  When the new
 * image will be traced (our library in its LD_PRELOAD) its environment
 * gets MEMORY_ANALYZER_PARENT=<pid>, built on the stack, so that its
 * header carries MA_PROC_F_EXEC_CHILD; the new probe removes the variable
 * again before the program can see it.  execl* are not hooked: their
 * trace simply ends without a trailer. */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include "bootstrap.h"
#include "msg.h"
#include "probe.h"

#define EXPORT __attribute__((visibility("default")))

extern char **environ;

static size_t env_count(char *const envp[])
{
	size_t n = 0;

	while (envp && envp[n])
		n++;
	return n;
}

/* Whether envp preloads this probe. */
static int env_traced(char *const envp[])
{
	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], "LD_PRELOAD=", 11) == 0 &&
		    strstr(envp[i], "libmemory-analyzer-probe"))
			return 1;
	return 0;
}

/* out: n + 2 slots; mark: a buffer for the variable. */
static char *const *env_marked(char *const envp[], size_t n, char **out, char *mark, size_t size)
{
	if (!probe_cfg.follow || !env_traced(envp) ||
	    ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_OFF)
		return envp;
	probe_format(mark, size, "%s=%d", PROBE_ENV_PARENT, (int)getpid());
	for (size_t i = 0; i < n; i++)
		out[i] = envp[i];
	out[n] = mark;
	out[n + 1] = NULL;
	return out;
}

static int do_exec(const char *file, char *const argv[], char *const envp[], int search)
{
	size_t n = env_count(envp);
	char *marked[n + 2], mark[64];
	char *const *env = env_marked(envp, n, marked, mark, sizeof(mark));

	probe_bootstrap();
	probe_finish(MA_EXIT_EXEC, 0);
	if (search)
		return probe_real.execvpe(file, argv, env);
	return probe_real.execve(file, argv, env);
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return do_exec(path, argv, envp, 0);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return do_exec(path, argv, environ, 0);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return do_exec(file, argv, environ, 1);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return do_exec(file, argv, envp, 1);
}
