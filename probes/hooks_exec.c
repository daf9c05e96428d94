/* exec: the old image's trace gets its trailer (MA_EXIT_EXEC) before the
 * call; if exec fails the probe records on, and the process's real end
 * writes a second trailer (exit.c, probe_finish_undo_exec).  When the new
 * image will be traced (our library in its LD_PRELOAD) its environment
 * gets MEMORY_ANALYZER_PARENT=<pid>, built on the stack, so that its
 * header carries MA_PROC_F_EXEC_CHILD; the new probe removes the variable
 * again before the program can see it.
 *
 * Every exec entry point is hooked: libc's execl* and fexecve reach the
 * system call without passing through our execve, and an image that ends
 * without a trailer looks killed.  posix_spawn only gets the marker: its
 * child never runs code of ours before the new image starts.  A vfork
 * child shares our memory, so an exec there must not touch the parent's
 * trace (probe_in_vfork_child). */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdarg.h>
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

enum how { BY_PATH, BY_SEARCH, BY_FD };

static int do_exec(const char *file, int fd, char *const argv[], char *const envp[],
		   enum how how)
{
	size_t n = env_count(envp);
	char *marked[n + 2], mark[64];
	char *const *env = env_marked(envp, n, marked, mark, sizeof(mark));
	int rc, saved;

	probe_bootstrap();
	/* A file that cannot be run (a shell trying each directory of PATH)
	 * fails without the end of the trace and its undoing; if it could be
	 * run after all (made so meanwhile), its trace ends without trailer. */
	if (how == BY_PATH && access(file, X_OK) != 0)
		return probe_real.execve(file, argv, env);
	if (!probe_in_vfork_child())
		probe_finish(MA_EXIT_EXEC, 0);
	if (how == BY_FD)
		rc = probe_real.fexecve(fd, argv, env);
	else if (how == BY_SEARCH)
		rc = probe_real.execvpe(file, argv, env);
	else
		rc = probe_real.execve(file, argv, env);
	/* Back here: the exec failed. */
	saved = errno;
	if (!probe_in_vfork_child())
		probe_finish_undo_exec(saved);
	errno = saved;
	return rc;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return do_exec(path, -1, argv, envp, BY_PATH);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return do_exec(path, -1, argv, environ, BY_PATH);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return do_exec(file, -1, argv, environ, BY_SEARCH);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return do_exec(file, -1, argv, envp, BY_SEARCH);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	return do_exec(NULL, fd, argv, envp, BY_FD);
}

/* The execl family: the argument list after arg0, up to its NULL, goes
 * into an argv on the stack (no malloc in here); execle's envp follows
 * the NULL. */
static int exec_list(const char *file, const char *arg0, va_list ap, enum how how,
		     int has_envp)
{
	size_t n = 1;
	va_list cp;

	va_copy(cp, ap);
	while (va_arg(cp, char *))
		n++;
	va_end(cp);

	char *argv[n + 1];

	argv[0] = (char *)arg0;
	for (size_t i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);  /* argv[n]: the NULL */
	return do_exec(file, -1, argv, has_envp ? va_arg(ap, char *const *) : environ, how);
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(path, arg, ap, BY_PATH, 0);
	va_end(ap);
	return rc;
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(file, arg, ap, BY_SEARCH, 0);
	va_end(ap);
	return rc;
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(path, arg, ap, BY_PATH, 1);
	va_end(ap);
	return rc;
}

static int do_spawn(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
		    const posix_spawnattr_t *attr, char *const argv[], char *const envp[],
		    int search)
{
	size_t n = env_count(envp);
	char *marked[n + 2], mark[64];
	char *const *env = env_marked(envp, n, marked, mark, sizeof(mark));

	probe_bootstrap();
	if (search)
		return probe_real.posix_spawnp(pid, file, fa, attr, argv, env);
	return probe_real.posix_spawn(pid, file, fa, attr, argv, env);
}

EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return do_spawn(pid, path, fa, attr, argv, envp, 0);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return do_spawn(pid, file, fa, attr, argv, envp, 1);
}
