/* The program's signal handlers, wrapped.  A handler that allocates while
 * its thread is inside the probe (recording, unwinding with libunwind,
 * the probe's own work) must be told apart from the probe's own calls:
 * libunwind's allocations are ours, the handler's are the program's.  So
 * every handler the program installs (sigaction, __sigaction, signal,
 * ssignal, bsd_signal, sysv_signal, __sysv_signal, sigset) reaches the
 * kernel as probe_signal_wrapper, with the program's own flags and mask,
 * and the program's handler is kept in a table of one word per signal.
 *
 * The wrapper reads the thread's guard.  NONE (the program was
 * interrupted, not the probe): it jumps to the program's handler, a tail
 * call that leaves no frame of ours.  Otherwise it runs the handler with
 * the guard at HANDLER, under which the C heap hooks record into the
 * thread's nested buffer (signals.h) and the other hooks count their
 * events as lost, and puts the guard back afterwards.  in_real (a C++
 * operator of libstdc++ running) is cleared for the handler too, so its
 * calls are recorded as usual.
 *
 * What the program sees does not change: sigaction's old action gives the
 * program's handler back, never the wrapper, with the flags and mask the
 * kernel has; SIG_DFL, SIG_IGN and SIG_HOLD pass through untouched, and
 * so does every call while the probe is off and in the child of a vfork
 * (which has its own dispositions but shares our table).  The handler is
 * called with the three arguments the kernel passed, whatever its kind:
 * on every Linux ABI a plain handler ignores the two it does not take, and
 * one that reads them anyway (x86-64 always passes them) still finds them.
 * SA_RESETHAND makes the kernel reset the disposition: the table keeps
 * the old handler, but it is only read when the kernel calls the wrapper.
 * The table is written before the kernel is told, with an atomic exchange
 * whose old value is what the old action returns, and is never cleared,
 * so a signal delivered while the handler is being replaced calls the
 * old or the new handler, never nothing.  A fork child inherits both the
 * kernel's dispositions and the table; exec resets the first and starts
 * the second empty.  Handlers installed before the probe's constructor
 * (another library's constructor) are wrapped there.
 *
 * Calls that reach libc's sigaction by another path (a library preloaded
 * after the probe that looks it up with dlsym(RTLD_NEXT), a raw
 * rt_sigaction system call) install the program's handler directly: it
 * works as before, and its runs inside the probe are recorded as before
 * the wrapper existed (nested while recording, not while unwinding). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "bootstrap.h"
#include "probe.h"
#include "signals.h"

#define EXPORT __attribute__((visibility("default")))

#ifndef SIG_HOLD
#define SIG_HOLD ((sighandler_t)2)
#endif

typedef int sigaction_fn(int, const struct sigaction *, struct sigaction *);
typedef sighandler_t signal_fn(int, sighandler_t);
typedef void handler_fn(int, siginfo_t *, void *);

/* The program's handler of each signal, as a word (0: none known). */
static uintptr_t handlers[_NSIG];

enum { R_SIGACTION, R_SIGACTION2, R_SIGNAL, R_SSIGNAL, R_BSD, R_SYSV, R_SYSV2, R_SIGSET, R_N };
static const char *const real_names[R_N] = {
	"sigaction", "__sigaction", "signal", "ssignal", "bsd_signal", "sysv_signal",
	"__sysv_signal", "sigset",
};
static void *reals[R_N];

static void *real(int which)
{
	void *p = ma_atomic_load_acquire(&reals[which]);

	if (!p) {
		int saved = errno;

		p = probe_next_symbol(real_names[which]);
		errno = saved;
		ma_atomic_store_release(&reals[which], p);
	}
	return p;
}

void probe_signal_wrapper(int sig, siginfo_t *info, void *uc);
#define WRAPPER ((sighandler_t)(void (*)(void))probe_signal_wrapper)

void probe_signal_wrapper(int sig, siginfo_t *info, void *uc)
{
	handler_fn *h = (handler_fn *)ma_atomic_load_relaxed(&handlers[sig]);
	struct probe_tls *t = &probe_tls;
	int guard, in_real;

	if (__builtin_expect(!h, 0))
		return;
	if (__builtin_expect(t->guard == PROBE_GUARD_NONE && !t->in_real, 1)) {
		h(sig, info, uc);
		return;
	}
	guard = t->guard;
	in_real = t->in_real;
	t->in_real = 0;
	t->guard = guard == PROBE_GUARD_NONE ? PROBE_GUARD_NONE : PROBE_GUARD_HANDLER;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	h(sig, info, uc);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->guard = guard;
	t->in_real = in_real;
}

/* A handler of the program's own, not a disposition. */
static int is_function(sighandler_t h)
{
	return h != SIG_DFL && h != SIG_IGN && h != SIG_HOLD && h != SIG_ERR;
}

/* Whether to install the wrapper for the program's handler h of sig. */
static int wrap(int sig, sighandler_t h)
{
	return sig > 0 && sig < _NSIG && is_function(h) &&
	       h != WRAPPER &&
	       ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_OFF && !probe_in_vfork_child();
}

/* The handler the program installed in place of w as the kernel had it
 * (the wrapper: the table's; anything else as it is). */
static sighandler_t program_handler(int sig, sighandler_t w, uintptr_t before)
{
	if (w == WRAPPER && sig > 0 && sig < _NSIG)
		return (sighandler_t)before;
	return w;
}

static int do_sigaction(int which, int sig, const struct sigaction *act, struct sigaction *old)
{
	sigaction_fn *f = (sigaction_fn *)real(which);
	struct sigaction k;
	uintptr_t before = 0, wrapped = 0;
	int rc;

	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	if (act && wrap(sig, act->sa_handler)) {
		k = *act;
		wrapped = (uintptr_t)k.sa_handler;
		k.sa_sigaction = probe_signal_wrapper;
		before = ma_atomic_exchange_acq_rel(&handlers[sig], wrapped);
		rc = f(sig, &k, old);
	} else {
		if (sig > 0 && sig < _NSIG)
			before = ma_atomic_load_relaxed(&handlers[sig]);
		rc = f(sig, act, old);
	}
	if (rc != 0 && wrapped)
		ma_atomic_cas_acq_rel(&handlers[sig], &wrapped, before);
	if (rc == 0 && old)
		old->sa_handler = program_handler(sig, old->sa_handler, before);
	return rc;
}

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return do_sigaction(R_SIGACTION, sig, act, old);
}

EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);
EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return do_sigaction(R_SIGACTION2, sig, act, old);
}

/* signal and its kin: libc's own, handed the wrapper, so each keeps its
 * semantics (BSD or System V, siginterrupt's flags, sigset's mask). */
static sighandler_t do_signal(int which, int sig, sighandler_t h)
{
	signal_fn *f = (signal_fn *)real(which);
	uintptr_t before = 0;
	sighandler_t r;

	if (!f) {
		errno = ENOSYS;
		return SIG_ERR;
	}
	if (!wrap(sig, h)) {
		if (sig > 0 && sig < _NSIG)
			before = ma_atomic_load_relaxed(&handlers[sig]);
		return program_handler(sig, f(sig, h), before);
	}
	before = ma_atomic_exchange_acq_rel(&handlers[sig], (uintptr_t)h);
	r = f(sig, WRAPPER);
	if (r == SIG_ERR) {
		uintptr_t mine = (uintptr_t)h;

		ma_atomic_cas_acq_rel(&handlers[sig], &mine, before);
		return r;
	}
	return program_handler(sig, r, before);
}

EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	return do_signal(R_SIGNAL, sig, h);
}

EXPORT sighandler_t ssignal(int sig, sighandler_t h)
{
	return do_signal(R_SSIGNAL, sig, h);
}

EXPORT sighandler_t bsd_signal(int sig, sighandler_t h);
EXPORT sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return do_signal(R_BSD, sig, h);
}

EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	return do_signal(R_SYSV, sig, h);
}

EXPORT sighandler_t __sysv_signal(int sig, sighandler_t h)
{
	return do_signal(R_SYSV2, sig, h);
}

EXPORT sighandler_t sigset(int sig, sighandler_t h)
{
	return do_signal(R_SIGSET, sig, h);
}

/* At the start: the real functions looked up, and the handlers another
 * library's constructor installed before ours wrapped in place, flags
 * and mask as they are. */
void probe_signal_wrap_existing(void)
{
	sigaction_fn *f = (sigaction_fn *)real(R_SIGACTION);
	int saved = errno;

	/* Looked up now, so that the hooks never call dlsym later: a handler
	 * may call them (sigaction is async-signal-safe). */
	for (int i = 0; i < R_N; i++)
		real(i);
	if (!f || ma_atomic_load_relaxed(&probe_phase) == PROBE_PHASE_OFF)
		return;
	for (int sig = 1; sig < _NSIG; sig++) {
		struct sigaction cur, k;

		if (f(sig, NULL, &cur) != 0 || !wrap(sig, cur.sa_handler))
			continue;
		k = cur;
		k.sa_sigaction = probe_signal_wrapper;
		ma_atomic_store_release(&handlers[sig], (uintptr_t)cur.sa_handler);
		f(sig, &k, NULL);
	}
	errno = saved;
}
