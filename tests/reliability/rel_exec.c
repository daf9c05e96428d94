/* The execl family, each with an argument list of several words:
 *   execl   execl(argv[0], "rel_exec", "show", ...)   environment inherited
 *   execlp  execlp("rel_exec", "rel_exec", "show", ...) found on PATH
 *   execle  execle(argv[0], "rel_exec", "show", ..., envp) with envp
 *           FOO=from-execle and BAR=2, plus the probe's own variables
 *           (LD_PRELOAD, MEMORY_ANALYZER_*) when they are set, so that
 *           the new image is traced too
 *   fail    execv of a file that does not exist, then of a directory
 *           (EACCES), then 4 x malloc(456) (leaked) and exit status 3:
 *           the execs fail, the process goes on
 *   failkill  the same, then SIGKILL instead of the exit
 *   show    prints its arguments and its environment but for the probe's
 *           variables, one a line, and does 3 x malloc(321) (leaked)
 * Before an exec the program does 2 x malloc(123) (leaked).  The output
 * is the same with and without the probe. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progs.h"

extern char **environ;

static int probe_var(const char *v)
{
	return strncmp(v, "LD_PRELOAD=", 11) == 0 || strncmp(v, "MEMORY_ANALYZER_", 16) == 0;
}

NOINLINE static void work(int n, size_t size)
{
	for (int i = 0; i < n; i++)
		touch(malloc(size), size);
}

static int show(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (write(1, "arg: ", 5) != 5)
			return 1;
		say(argv[i]);
	}
	for (char **e = environ; *e; e++) {
		if (probe_var(*e))
			continue;
		if (write(1, "env: ", 5) != 5)
			return 1;
		say(*e);
	}
	work(3, 321);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *envp[64];
	size_t n = 0;

	if (strcmp(mode, "show") == 0)
		return show(argc, argv);
	work(2, 123);
	if (strcmp(mode, "execl") == 0) {
		execl(argv[0], "rel_exec", "show", "one", "two words", "", "four", (char *)NULL);
	} else if (strcmp(mode, "execlp") == 0) {
		execlp("rel_exec", "rel_exec", "show", "alpha", "beta gamma", "delta", (char *)NULL);
	} else if (strcmp(mode, "execle") == 0) {
		envp[n++] = "FOO=from-execle";
		envp[n++] = "BAR=2";
		for (char **e = environ; *e && n < 63; e++)
			if (probe_var(*e))
				envp[n++] = *e;
		envp[n] = NULL;
		execle(argv[0], "rel_exec", "show", "x", "y z", (char *)NULL, envp);
	} else if (strcmp(mode, "fail") == 0 || strcmp(mode, "failkill") == 0) {
		char *args[] = { "rel_exec", "show", NULL };

		execv("/nonexistent/rel_exec", args);
		execv("/", args);
		say("exec: failed, going on");
		work(4, 456);
		if (strcmp(mode, "failkill") == 0)
			raise(SIGKILL);
		return 3;
	} else {
		say("exec: unknown mode");
		return 2;
	}
	say("exec: failed");
	return 1;
}
