/* Three processes with exactly known allocations:
 *   parent: parent_work() 10 blocks of 100 bytes, 5 freed
 *   child 1 (fork, no exec): child_work() 20 blocks of 200 bytes, none
 *     freed, then exit(0)
 *   child 2 (fork, then exec of the program named by argv[1], the sites
 *     program in the tests): whatever that program allocates
 * The parent waits for both children before it exits. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static void *p[10], *q[20];

NOINLINE static void parent_work(void)
{
	for (int i = 0; i < 10; i++)
		p[i] = touch(malloc(100), 100);
	for (int i = 0; i < 5; i++)
		free(p[i]);
}

NOINLINE static void child_work(void)
{
	for (int i = 0; i < 20; i++)
		q[i] = touch(malloc(200), 200);
}

static int wait_ok(pid_t pid)
{
	int status;

	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	pid_t plain, execd;

	if (argc != 2) {
		say("usage: forks PROGRAM");
		return 2;
	}
	parent_work();
	plain = fork();
	if (plain == 0) {
		child_work();
		exit(0);
	}
	if (!wait_ok(plain))
		return 1;
	execd = fork();
	if (execd == 0) {
		execl(argv[1], argv[1], (char *)NULL);
		_exit(127);
	}
	if (!wait_ok(execd))
		return 1;
	say("forks: done");
	return 0;
}
