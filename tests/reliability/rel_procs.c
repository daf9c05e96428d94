/* Processes, with exactly known allocations in each:
 *   forkthreads  4 threads allocate in a loop (malloc(64)/free) while the
 *                main thread forks 20 children; each child does
 *                10 x malloc(555) (leaked) and exits
 *   daemon       forks a child that detaches (setsid), does 3 x
 *                malloc(666), sleeps 2 s, does 2 more and exits; the
 *                parent does 4 x malloc(444) and returns at once
 *   vfork        vfork + exec of argv[2] (the sites program)
 *   spawn        posix_spawn of argv[2]
 *   system       system("argv[2]")
 * In every mode the parent first does 6 x malloc(123), 1 freed. */
#include <pthread.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

extern char **environ;

NOINLINE static void parent_work(void)
{
	void *p[6];

	for (int i = 0; i < 6; i++)
		p[i] = touch(malloc(123), 123);
	free(p[0]);
}

NOINLINE static void child_work(int n, size_t size)
{
	for (int i = 0; i < n; i++)
		touch(malloc(size), size);
}

static volatile int stop;

NOINLINE static void *churn(void *arg)
{
	(void)arg;
	while (!stop)
		free(touch(malloc(64), 64));
	return NULL;
}

static int wait_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int forkthreads(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			child_work(10, 555);
			exit(0);
		}
		if (!wait_ok(pid))
			return 1;
	}
	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int daemon_child(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		setsid();
		child_work(3, 666);
		sleep(2);
		child_work(2, 666);
		exit(0);
	}
	child_work(4, 444);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char *args[] = { argc > 2 ? argv[2] : NULL, NULL };
	int rc = 2;

	parent_work();
	if (strcmp(mode, "forkthreads") == 0) {
		rc = forkthreads();
	} else if (strcmp(mode, "daemon") == 0) {
		rc = daemon_child();
	} else if (strcmp(mode, "vfork") == 0 && args[0]) {
		pid_t pid = vfork();

		if (pid == 0) {
			execve(args[0], args, environ);
			_exit(127);
		}
		rc = !wait_ok(pid);
	} else if (strcmp(mode, "spawn") == 0 && args[0]) {
		pid_t pid;

		rc = posix_spawn(&pid, args[0], NULL, NULL, args, environ) != 0 || !wait_ok(pid);
	} else if (strcmp(mode, "system") == 0 && args[0]) {
		rc = system(args[0]) != 0;
	}
	say(rc == 0 ? "procs: done" : "procs: failed");
	return rc;
}
