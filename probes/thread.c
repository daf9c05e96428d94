/* Threads and their rings: attach on a thread's first event, the
 * registry the writer walks, the pthread key whose destructor writes
 * MA_REC_THREAD_END, and the reuse of a dead thread's ring. */
#include <limits.h>
#include <pthread.h>
#include <unistd.h>

#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"

__thread struct probe_tls probe_tls __attribute__((tls_model("initial-exec")));

struct probe_ring *probe_ring0;

static struct probe_ring *rings;   /* registry head; rings are never unmapped */
uint32_t probe_next_serial = 1;   /* 0 is the process */
static uint64_t events_retired;    /* events of rings handed to new threads */
static pthread_key_t thread_key;
static int have_key;

struct probe_ring *probe_ring_first(void)
{
	return ma_atomic_load_acquire(&rings);
}

static void registry_push(struct probe_ring *r)
{
	struct probe_ring *head = ma_atomic_load_acquire(&rings);

	do {
		r->next = head;
	} while (!ma_atomic_cas_acq_rel(&rings, &head, r));
}

/* A free ring of a dead thread, or a new one. */
static struct probe_ring *ring_get(void)
{
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next) {
		uint32_t st = PROBE_RING_FREE;

		if (ma_atomic_load_relaxed(&r->state) == PROBE_RING_FREE &&
		    ma_atomic_cas_acq_rel(&r->state, &st, PROBE_RING_CLAIMED))
			return r;
	}
	struct probe_ring *r = probe_ring_new(PROBE_RING_WORDS_DEFAULT);

	if (!r)
		return NULL;
	r->state = PROBE_RING_CLAIMED;
	registry_push(r);
	return r;
}

static void thread_end(void *arg)
{
	int g;

	/* Re-armed so that destructors of other keys running after ours
	 * still find the thread recording; the last round writes the end. */
	if (++probe_tls.dtor_rounds < PTHREAD_DESTRUCTOR_ITERATIONS) {
		pthread_setspecific(thread_key, arg);
		return;
	}
	if (probe_os_gettid() == getpid())
		ma_atomic_store_relaxed(&probe_main_ended, 1);
	if (probe_tls.ended || !probe_tls.ring || probe_tls.guard)
		return;
	g = probe_guard_enter(PROBE_GUARD_RECORD);
	uint64_t w[2] = { PROBE_RAW_HDR(MA_REC_THREAD_END, 2), probe_now() };

	probe_record_raw(w, 2);
	probe_tls.ended = 1;
	ma_atomic_store_release(&probe_tls.ring->ended, 1);
	probe_guard_leave(g);
}

struct probe_ring *probe_thread_attach(void)
{
	struct probe_ring *r = ring_get();

	if (!r)
		return NULL;
	probe_ring_reset(r, ma_atomic_add_relaxed(&probe_next_serial, 1), probe_os_gettid());
	ma_atomic_store_release(&r->state, PROBE_RING_ACTIVE);
	probe_tls.ring = r;
	if (have_key) {
		int g = probe_guard_enter(PROBE_GUARD_INTERNAL);

		pthread_setspecific(thread_key, r);
		probe_guard_leave(g);
	}
	return r;
}

int probe_threads_init(void)
{
	if (!have_key && pthread_key_create(&thread_key, thread_end) == 0)
		have_key = 1;
	if (!probe_ring0) {
		probe_ring0 = probe_ring_new(PROBE_RING_WORDS_DEFAULT);
		if (!probe_ring0)
			return -1;
		registry_push(probe_ring0);
	}
	probe_ring_reset(probe_ring0, 0, 0);
	probe_ring_take_seq(probe_ring0); /* seq 0 is the header chunk */
	ma_atomic_store_release(&probe_ring0->state, PROBE_RING_ACTIVE);
	return 0;
}

int probe_main_ended;

void probe_threads_after_fork(void)
{
	struct probe_ring *mine = probe_tls.ring;

	probe_main_ended = 0; /* the child's main thread is the one that forked */
	probe_next_serial = 1;
	events_retired = 0;
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next) {
		if (r == probe_ring0)
			continue;
		probe_ring_reset(r, 0, 0);
		r->state = r == mine ? PROBE_RING_ACTIVE : PROBE_RING_FREE;
	}
	if (mine)
		probe_ring_reset(mine, probe_next_serial++, probe_os_gettid());
}

void probe_thread_retire_dead(struct probe_ring *r)
{
	if (r == probe_ring0 || ma_atomic_load_acquire(&r->state) != PROBE_RING_ACTIVE)
		return;
	if (!probe_ring_is_empty(r) || probe_os_thread_alive(r->tid))
		return;
	ma_atomic_add_relaxed(&events_retired, ma_atomic_load_relaxed(&r->events));
	ma_atomic_store_relaxed(&r->events, 0);
	ma_atomic_store_release(&r->state, PROBE_RING_FREE);
}

uint64_t probe_threads_events(void)
{
	uint64_t n = ma_atomic_load_relaxed(&events_retired);

	for (struct probe_ring *r = probe_ring_first(); r; r = r->next)
		n += ma_atomic_load_relaxed(&r->events);
	return n;
}
