/* The writer thread (writer.h).  It blocks every signal and holds the
 * guard for good, so nothing it calls is recorded or interrupted by the
 * program's handlers.  It never holds a ring's consumer lock across
 * anything that can block: the lock covers only the encoding, and
 * mallinfo2 (which takes arena locks) runs with no lock held. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "chunk.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "writer.h"

static pthread_t writer;
static int running;          /* the thread exists */
static int stop;             /* asked to stop */
static uint32_t stopped;     /* it has left its loop (futex) */
static uint32_t wake_word;   /* futex */
static uint32_t sleeping;
static struct probe_chunkbuf *wbuf;

void probe_writer_kick(void)
{
	if (ma_atomic_load_relaxed(&sleeping)) {
		ma_atomic_add_relaxed(&wake_word, 1);
		probe_os_futex_wake(&wake_word);
	}
}

void probe_writer_drain_all(struct probe_chunkbuf *buf, uint16_t flags)
{
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next) {
		if (ma_atomic_load_acquire(&r->state) != PROBE_RING_ACTIVE)
			continue;
		probe_ring_drain(r, buf, flags);
		probe_thread_retire_dead(r);
	}
}

static void sample(void)
{
	uint64_t w[13];

	probe_sampler_take(w);
	probe_ring_push(probe_ring0, w, 13);
	ma_atomic_store_relaxed(&probe_ring0->events, probe_ring0->events + 1);
}

static void *writer_main(void *arg)
{
	uint64_t interval = (uint64_t)probe_cfg.sample_ms * 1000000u;
	uint64_t next = probe_now();

	(void)arg;
	probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_tls.ring = probe_ring0;
	while (!ma_atomic_load_acquire(&stop)) {
		uint64_t now = probe_now();

		if (now >= next) {
			sample();
			next = now + interval;
		}
		probe_writer_drain_all(wbuf, 0);
		ma_atomic_store_relaxed(&sleeping, 1);
		uint32_t v = ma_atomic_load_acquire(&wake_word);

		if (!ma_atomic_load_acquire(&stop))
			probe_os_futex_wait(&wake_word, v, next > now ? next - now : 1);
		ma_atomic_store_relaxed(&sleeping, 0);
	}
	sample();
	ma_atomic_store_release(&stopped, 1);
	probe_os_futex_wake(&stopped);
	return NULL;
}

int probe_writer_start(void)
{
	sigset_t all, old;
	int rc;

	if (!wbuf)
		wbuf = probe_chunkbuf_new(probe_ring_payload_max(PROBE_RING_WORDS_DEFAULT), 1);
	if (!wbuf)
		return -1;
	stop = 0;
	stopped = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&writer, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	running = 1;
	return 0;
}

int probe_writer_stop(void)
{
	uint64_t deadline = probe_now() + 1000000000u;

	if (!running)
		return 0;
	ma_atomic_store_release(&stop, 1);
	ma_atomic_add_relaxed(&wake_word, 1);
	probe_os_futex_wake(&wake_word);
	while (!ma_atomic_load_acquire(&stopped)) {
		uint64_t now = probe_now();

		if (now >= deadline)
			return -1;
		probe_os_futex_wait(&stopped, 0, deadline - now);
	}
	pthread_detach(writer);
	running = 0;
	return 0;
}

void probe_writer_forget(void)
{
	running = 0;
	stop = 0;
	stopped = 0;
	sleeping = 0;
}
