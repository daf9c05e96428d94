/* A program hard on file descriptors, after 8 x malloc(99) (2 freed):
 *   closeall   closes every descriptor above 2 (one by one, as daemons
 *              do), then 8 x malloc(99) more
 *   closerange the same with close_range(3, ~0U, 0)
 *   dup2       dup2()s /dev/null over every descriptor from 3 to 1023,
 *              then 8 x malloc(99) more
 *   emfile     lowers RLIMIT_NOFILE to 64, opens /dev/null until EMFILE,
 *              forks a child that does 5 x malloc(55), then 8 more
 *   dup2race   a second thread does 200000 x (malloc(77), free) while
 *              the main thread dup2()s /dev/null over 3..1023 twenty
 *              times (the trace moves under writes in flight)
 *   firstfd    prints "fds: first N", N the descriptor its first open()
 *              gets (under a low RLIMIT_NOFILE, the probe's are out of
 *              its way), then exits 0
 *   loop N     N rounds of 1000 x (malloc(128), free) with 10 ms sleeps
 *              (for faults made from outside while it runs)
 * Prints "fds: done" and exits 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

NOINLINE static void work(void)
{
	void *p[8];

	for (int i = 0; i < 8; i++)
		p[i] = touch(malloc(99), 99);
	free(p[0]);
	free(p[1]);
}

NOINLINE static void child_work(void)
{
	for (int i = 0; i < 5; i++)
		touch(malloc(55), 55);
}

NOINLINE static void loop_work(void)
{
	for (int i = 0; i < 1000; i++)
		free(touch(malloc(128), 128));
}

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200000; i++)
		free(touch(malloc(77), 77));
	return NULL;
}

static void dup2_all(void)
{
	int null = open("/dev/null", O_WRONLY);

	for (int fd = 3; fd < 1024; fd++)
		if (fd != null)
			dup2(null, fd);
}

static int dup2race(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, churn, NULL) != 0)
		return 1;
	for (int round = 0; round < 20; round++)
		dup2_all();
	return pthread_join(t, NULL) != 0;
}

static int emfile(void)
{
	struct rlimit rl = { 64, 64 };
	pid_t pid;
	int st;

	setrlimit(RLIMIT_NOFILE, &rl);
	while (open("/dev/null", O_RDONLY) >= 0)
		;
	pid = fork();
	if (pid == 0) {
		child_work();
		_exit(0);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int rc = 0;

	work();
	if (strcmp(mode, "closeall") == 0) {
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	} else if (strcmp(mode, "closerange") == 0) {
		close_range(3, ~0U, 0);
	} else if (strcmp(mode, "dup2") == 0) {
		dup2_all();
	} else if (strcmp(mode, "dup2race") == 0) {
		rc = dup2race();
	} else if (strcmp(mode, "firstfd") == 0) {
		char line[32];
		int fd = open("/dev/null", O_RDONLY);

		line[0] = '\0';
		snprintf(line, sizeof(line), "fds: first %d", fd);
		say(line);
		return 0;
	} else if (strcmp(mode, "emfile") == 0) {
		rc = emfile();
	} else if (strcmp(mode, "loop") == 0 && argc > 2) {
		for (int i = 0; i < atoi(argv[2]); i++) {
			loop_work();
			usleep(10000);
		}
	}
	if (strcmp(mode, "loop") != 0)
		work();
	say(rc ? "fds: failed" : "fds: done");
	return rc;
}
