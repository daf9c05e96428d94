/* Allocation inside a signal handler at a high rate.  The main thread
 * maps and unmaps a page in a loop (through the probe, but never through
 * malloc, whose locks a handler must not meet); a second thread sends it
 * SIGUSR1 every few microseconds; the handler does malloc(77) and frees
 * it.  Prints the number of handler runs and of mmap/munmap pairs, and
 * how many threads of the process block SIGUSR1 (the probe's writer
 * thread does). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

#include "progs.h"

static volatile sig_atomic_t handled;
static volatile int done;
static pthread_t main_thread;

static void on_usr1(int sig)
{
	(void)sig;
	free(touch(malloc(77), 77));
	handled++;
}

static void *sender(void *arg)
{
	struct timespec ts = { 0, 5000 };

	(void)arg;
	while (!done) {
		pthread_kill(main_thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* Threads whose SigBlk has SIGUSR1 set, from /proc/self/task. */
static int blocking_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[320], line[256];
		unsigned long long blk;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1 && (blk >> (SIGUSR1 - 1) & 1))
				n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 200000;
	struct sigaction sa;
	sigset_t set;
	pthread_t t;
	char line[128];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* the sender inherits it */
	if (pthread_create(&t, NULL, sender, NULL) != 0)
		return 1;
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	for (long i = 0; i < pairs; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		munmap(p, 4096);
	}
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	done = 1;
	pthread_join(t, NULL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	int blocking = blocking_threads();

	snprintf(line, sizeof(line), "handled=%d pairs=%ld blocking=%d",
		 (int)handled, pairs, blocking);
	say(line);
	return 0;
}
