/* Signal handlers under the probe.
 *
 * rel_signals PAIRS [THREADS]: allocation inside signal handlers at a high
 * rate.  THREADS threads (1: the main thread alone) map and unmap a page
 * in a loop, PAIRS pairs in all (through the probe, but never through
 * malloc, whose locks a handler must not meet); another thread sends them
 * in turn, every few microseconds (one signal in flight per thread), SIGUSR1 (a plain handler set with
 * sigaction: malloc(77)), SIGRTMIN queued with a value (an SA_SIGINFO
 * handler: malloc(78)) and SIGUSR2 (a handler set with signal():
 * malloc(79)).  Prints the runs of each handler, the pairs, and how many
 * threads of the process block SIGUSR1 (the probe's writer thread does).
 *
 * rel_signals api: what the program sees of its handlers (sigaction's old
 * action, SIG_IGN and SIG_DFL, SA_SIGINFO, SA_RESETHAND, SA_NODEFER and
 * the mask, signal(), sysv_signal(), sigset(), a handler that leaves by
 * siglongjmp, errno, sigaction found with dlsym, a fork child); each
 * handler allocates a size of its own.  Exits non-zero at the first
 * difference, after saying it; prints the runs of each handler.
 *
 * rel_signals timer ROUNDS: the order of a handler's events around the
 * probe's.  An interval timer fires every 50 us while the main thread
 * maps and unmaps a page ROUNDS times; the handler keeps a malloc(80) and
 * frees a malloc(81), whose address the next run gets again.  Many runs
 * land while the probe records the thread's own event, or just after.
 * At the end the kept blocks are freed: every free matches an allocation,
 * nothing is live.  Prints the handler's runs.
 *
 * rel_signals exitsig MS: the main thread allocates and frees in a loop
 * until a timer's handler prints how many malloc(32) it completed and
 * calls _exit(3) after MS milliseconds, often
 * while the thread drains its own ring (docs/probe.md); a second thread
 * allocates now and then, so the process has threads, but never fills
 * its ring while the first one ends the process (a full ring's own
 * chunk can still be on its way then: docs/reliability.md, Limits).
 *
 * rel_signals exec: the handlers an exec'd image starts with (SIG_DFL,
 * SIG_IGN kept): sets a handler and an ignored signal, then execs itself
 * with "execed", which checks them. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

#define MAX_THREADS 16

static long handled_usr1, handled_rt, handled_usr2, bad_value;
/* Signals sent to each worker and handler runs on it: the sender keeps
 * one signal at most in flight per worker, so a loaded machine never
 * piles up queued signals faster than the workers can run them (and two
 * standard signals never merge into one). */
static long sent_to[MAX_THREADS], seen_by[MAX_THREADS];
static __thread int me;
static volatile int done;
static pthread_t workers[MAX_THREADS];
static int nworkers;

static void add(long *n)
{
	__atomic_fetch_add(n, 1, __ATOMIC_RELAXED);
}

static void on_usr1(int sig)
{
	(void)sig;
	free(touch(malloc(77), 77));
	add(&handled_usr1);
	add(&seen_by[me]);
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig != SIGRTMIN || si->si_value.sival_int != 4242)
		add(&bad_value);
	free(touch(malloc(78), 78));
	add(&handled_rt);
	add(&seen_by[me]);
}

static void on_usr2(int sig)
{
	(void)sig;
	free(touch(malloc(79), 79));
	add(&handled_usr2);
	add(&seen_by[me]);
}

static void *sender(void *arg)
{
	struct timespec ts = { 0, 5000 };
	union sigval v = { .sival_int = 4242 };
	unsigned i = 0;

	pthread_barrier_wait(arg);
	while (!done) {
		int w = (int)(i % (unsigned)nworkers);
		pthread_t to = workers[w];

		if (__atomic_load_n(&seen_by[w], __ATOMIC_RELAXED) != sent_to[w]) {
			i++; /* the last one is still in flight */
			continue;
		}
		sent_to[w]++;
		switch (i++ % 3) {
		case 0:
			pthread_kill(to, SIGUSR1);
			break;
		case 1:
			pthread_sigqueue(to, SIGRTMIN, v);
			break;
		default:
			pthread_kill(to, SIGUSR2);
			break;
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static long pairs_each;

static sigset_t sent;
static pthread_barrier_t started;

#define WARM_UP 16

static void *work(void *arg)
{
	me = (int)(intptr_t)arg;
	for (long i = 0; i < pairs_each; i++) {
		/* Every thread's first events (its ring, its first stacks) are
		 * in before the first signal: a thread's start-up may call
		 * libc's malloc, which a handler calling malloc must not
		 * interrupt. */
		if (i == WARM_UP)
			pthread_barrier_wait(&started);
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		munmap(p, 4096);
	}
	if (me) {
		/* A thread that ends: no handler runs from here on (signals
		 * still pending are dropped with it), and one more call
		 * through the probe, safe now, moves in what the last ones
		 * left waiting. */
		pthread_sigmask(SIG_BLOCK, &sent, NULL);
		free(touch(malloc(1), 1));
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

static int stress(long pairs, int threads)
{
	struct sigaction sa;
	sigset_t set;
	pthread_t t;
	char line[160];

	if (threads < 1 || threads > MAX_THREADS)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigaction(SIGRTMIN, &sa, NULL);
	signal(SIGUSR2, on_usr2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sent = set;
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the sender inherits it */
	workers[0] = pthread_self();
	nworkers = threads;
	pairs_each = pairs / threads;
	if (pairs_each <= WARM_UP)
		return 2;
	pthread_barrier_init(&started, NULL, (unsigned)threads + 1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	for (int i = 1; i < threads; i++)
		if (pthread_create(&workers[i], NULL, work, (void *)(intptr_t)i) != 0)
			return 1;
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&t, NULL, sender, &started) != 0)
		return 1;
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	work((void *)(intptr_t)0);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	for (int i = 1; i < threads; i++)
		pthread_join(workers[i], NULL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL); /* pending ones run now */
	int blocking = blocking_threads();

	snprintf(line, sizeof(line), "usr1=%ld rt=%ld usr2=%ld bad=%ld pairs=%ld blocking=%d",
		 handled_usr1, handled_rt, handled_usr2, bad_value, pairs_each * threads,
		 blocking);
	say(line);
	return 0;
}

/* ---- api ---- */

static int failed;

static void check(int ok, const char *what)
{
	char line[200];

	snprintf(line, sizeof(line), "%s: %s", ok ? "ok" : "FAILED", what);
	say(line);
	if (!ok)
		failed = 1;
}

static long runs_91, runs_92, runs_93, runs_94, runs_96;
static int seen_code, seen_value, seen_uc;
static sigjmp_buf jump;

static void h91(int sig)
{
	(void)sig;
	free(touch(malloc(91), 91));
	runs_91++;
}

static void h92(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	seen_code = si->si_code;
	seen_value = si->si_value.sival_int;
	seen_uc = uc != NULL;
	free(touch(malloc(92), 92));
	runs_92++;
}

static void h93(int sig)
{
	(void)sig;
	free(touch(malloc(93), 93));
	runs_93++;
}

static void h94(int sig)
{
	(void)sig;
	touch(malloc(94), 94); /* freed after the jump lands */
	runs_94++;
	siglongjmp(jump, 1);
}

static void h96(int sig)
{
	(void)sig;
	free(touch(malloc(96), 96));
	runs_96++;
}

static int flags_are(const struct sigaction *sa, int flags)
{
	/* libc adds SA_RESTORER on the way to the kernel and reports it. */
	return (sa->sa_flags & ~0x04000000) == flags;
}

static int api(void)
{
	typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);
	struct sigaction sa, old;
	char line[200];
	sigset_t cur;

	/* sigaction round trip: handler, flags and mask back as set. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h91;
	sa.sa_flags = SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	check(sigaction(SIGUSR1, &sa, &old) == 0 && old.sa_handler == SIG_DFL,
	      "first sigaction: old action SIG_DFL");
	memset(&old, 0, sizeof(old));
	check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == h91,
	      "sigaction reads back the program's handler");
	check(flags_are(&old, SA_RESTART | SA_NODEFER), "flags read back as set");
	check(sigismember(&old.sa_mask, SIGUSR2) == 1 && sigismember(&old.sa_mask, SIGINT) == 0,
	      "mask read back as set");
	errno = 1234;
	raise(SIGUSR1);
	check(errno == 1234, "errno unchanged across a handler run");
	check(runs_91 == 1, "plain handler ran once");
	/* SA_NODEFER: the handler can be entered again from itself; the mask
	 * blocks SIGUSR2 while it runs (checked by its absence of effect). */
	sa.sa_handler = SIG_IGN;
	check(sigaction(SIGUSR1, &sa, &old) == 0 && old.sa_handler == h91,
	      "SIG_IGN set: old action is the program's handler");
	raise(SIGUSR1);
	check(runs_91 == 1, "SIG_IGN ignores");
	check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_IGN,
	      "SIG_IGN reads back");
	sa.sa_handler = SIG_DFL;
	check(sigaction(SIGUSR1, &sa, &old) == 0 && old.sa_handler == SIG_IGN,
	      "SIG_DFL set: old action SIG_IGN");
	check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL,
	      "SIG_DFL reads back");
	check(sigaction(0, &sa, &old) == -1 && errno == EINVAL, "signal 0: EINVAL");
	sa.sa_handler = h91;
	check(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL, "SIGKILL: EINVAL");
	check(sigaction(SIGKILL, NULL, &old) == 0 && old.sa_handler == SIG_DFL,
	      "SIGKILL still SIG_DFL");

	/* SA_SIGINFO, a real-time signal queued with a value. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h92;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	check(sigaction(SIGRTMIN + 1, &sa, NULL) == 0, "SA_SIGINFO handler set");
	check(sigaction(SIGRTMIN + 1, NULL, &old) == 0 && old.sa_sigaction == h92 &&
		      flags_are(&old, SA_SIGINFO),
	      "SA_SIGINFO handler and flags read back");
	sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 4242 });
	check(runs_92 == 1 && seen_code == SI_QUEUE && seen_value == 4242 && seen_uc,
	      "SA_SIGINFO handler gets siginfo and context");

	/* SA_RESETHAND: one run, then SIG_DFL. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h93;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	check(runs_93 == 1, "SA_RESETHAND handler ran");
	check(sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == SIG_DFL,
	      "SA_RESETHAND: SIG_DFL after the run");

	/* A handler that leaves by siglongjmp, many times. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h94;
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < 100; i++) {
		static void *p;

		if (sigsetjmp(jump, 1) == 0) {
			raise(SIGUSR1);
			check(0, "siglongjmp: raise returned");
		}
		p = malloc(95);
		free(touch(p, 95));
	}
	check(runs_94 == 100, "siglongjmp handler ran 100 times");
	sigprocmask(SIG_SETMASK, NULL, &cur);
	check(!sigismember(&cur, SIGUSR1), "SIGUSR1 unblocked after siglongjmp");

	/* signal(): BSD semantics, the old handler back. */
	check(signal(SIGUSR2, h96) == SIG_DFL, "signal: old SIG_DFL");
	raise(SIGUSR2);
	raise(SIGUSR2);
	check(runs_96 == 2, "signal handler stays after a run");
	check(sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == h96 &&
		      flags_are(&old, SA_RESTART),
	      "signal: sigaction reads the handler and SA_RESTART back");
	check(signal(SIGUSR2, SIG_IGN) == h96, "signal: old handler back");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	check(sigset(SIGUSR2, h96) == SIG_IGN, "sigset: old SIG_IGN");
#pragma GCC diagnostic pop
	raise(SIGUSR2);
	check(runs_96 == 3, "sigset handler ran");
	check(sysv_signal(SIGUSR2, h96) == h96, "sysv_signal: old handler back");
	raise(SIGUSR2);
	check(runs_96 == 4, "sysv_signal handler ran");
	check(signal(SIGUSR2, SIG_DFL) == SIG_DFL, "sysv_signal: reset after the run");

	/* sigaction as a runtime finds it, with dlsym. */
	sigaction_fn *next = (sigaction_fn *)dlsym(RTLD_NEXT, "sigaction");
	sigaction_fn *deflt = (sigaction_fn *)dlsym(RTLD_DEFAULT, "sigaction");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h91;
	check(next && next(SIGUSR1, &sa, &old) == 0 && old.sa_handler == h94,
	      "dlsym(RTLD_NEXT) sigaction: old handler back");
	check(deflt && deflt(SIGUSR1, NULL, &old) == 0 && old.sa_handler == h91,
	      "dlsym(RTLD_DEFAULT) sigaction reads it back");
	raise(SIGUSR1);
	check(runs_91 == 2, "handler set through dlsym ran");

	/* A fork child has the same handlers. */
	pid_t pid = fork();

	if (pid == 0) {
		if (sigaction(SIGUSR1, NULL, &old) != 0 || old.sa_handler != h91)
			_exit(3);
		raise(SIGUSR1);
		_exit(runs_91 == 3 ? 0 : 4);
	}
	int st = -1;

	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork child: handler read back and ran");

	snprintf(line, sizeof(line), "runs 91=%ld 92=%ld 93=%ld 94=%ld 96=%ld pid=%d", runs_91,
		 runs_92, runs_93, runs_94, runs_96, (int)getpid());
	say(line);
	return failed;
}

static int exec_self(const char *self)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h91;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	execl(self, self, "execed", (char *)NULL);
	return 5;
}

static int execed(void)
{
	struct sigaction a, b;

	check(sigaction(SIGUSR1, NULL, &a) == 0 && a.sa_handler == SIG_DFL,
	      "exec: a handler is SIG_DFL in the new image");
	check(sigaction(SIGUSR2, NULL, &b) == 0 && b.sa_handler == SIG_IGN,
	      "exec: SIG_IGN is kept");
	return failed;
}

/* ---- exitsig ---- */

static void *volatile exit_sink;
static volatile long exit_count;

/* Says how many malloc(32) the main thread completed, then ends. */
static void on_exit_alarm(int sig)
{
	char buf[32];
	long n = exit_count;
	int at = (int)sizeof(buf);

	(void)sig;
	buf[--at] = '\n';
	do
		buf[--at] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	if (write(1, buf + at, sizeof(buf) - (size_t)at) < 0)
		_exit(4);
	_exit(3);
}

static void *exit_worker(void *arg)
{
	struct timespec pause = { 0, 200000 };

	for (;;) {
		free(exit_sink = malloc(48));
		nanosleep(&pause, NULL);
	}
	return arg;
}

static int exit_from_handler(long ms)
{
	struct itimerval at = { { 0, 0 }, { ms / 1000, ms % 1000 * 1000 } };
	struct sigaction sa;
	sigset_t alarm;
	pthread_t t;

	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm, NULL); /* the worker never takes it */
	if (pthread_create(&t, NULL, exit_worker, NULL) != 0)
		return 1;
	pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_exit_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &at, NULL);
	for (;;) {
		free(exit_sink = malloc(32));
		exit_count++;
	}
}

/* ---- timer ---- */

#define TIMER_KEEP 100000
static void *timer_kept[TIMER_KEEP];
static volatile sig_atomic_t timer_runs;

static void on_alarm(int sig)
{
	(void)sig;
	if (timer_runs < TIMER_KEEP) {
		void *p = touch(malloc(80), 80);

		free(touch(malloc(81), 81));
		timer_kept[timer_runs++] = p;
	}
}

static int timer_order(long rounds)
{
	struct itimerval every = { { 0, 50 }, { 0, 50 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa;
	char line[80];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	for (long i = 0; i < rounds; i++) {
		void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (m == MAP_FAILED)
			_exit(1);
		munmap(m, 4096);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	for (long i = 0; i < timer_runs; i++)
		free(timer_kept[i]);
	snprintf(line, sizeof(line), "timer=%ld", (long)timer_runs);
	say(line);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "api") == 0)
		return api();
	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return exec_self(argv[0]);
	if (argc > 1 && strcmp(argv[1], "execed") == 0)
		return execed();
	if (argc > 2 && strcmp(argv[1], "timer") == 0)
		return timer_order(atol(argv[2]));
	if (argc > 2 && strcmp(argv[1], "exitsig") == 0)
		return exit_from_handler(atol(argv[2]));
	return stress(argc > 1 ? atol(argv[1]) : 200000, argc > 2 ? atoi(argv[2]) : 1);
}
