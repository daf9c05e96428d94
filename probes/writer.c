/* The writer thread, and the drains on a producer's thread (writer.h).
 * The thread blocks every signal and holds the guard for good, so nothing
 * it calls is recorded or interrupted by the program's handlers.  A drain
 * on a producer's thread runs under the guard of the recording that
 * called it (RECORD), so a signal handler's events meanwhile wait in the
 * nested buffer (signals.h), whether the handler is wrapped or not; it
 * allocates nothing (its buffers are mapped with raw system calls).  No
 * one holds a ring's consumer lock across anything that can block: the
 * writer holds it for a copy, a producer draining its own ring for the
 * encoding, and mallinfo2 (which takes arena locks) runs with no
 * consumer lock held. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "chunk.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"
#include "ring.h"
#include "writer.h"

static pthread_t writer;
int probe_writer_thread;     /* the thread exists */
static int writer_created;   /* one was started in this process */
static int stop;             /* asked to stop */
static uint32_t stopped;     /* it has left its loop (futex) */
static uint32_t wake_word;   /* futex */
static uint32_t sleeping;
/* Held while the writer's state (open chunks, copy) is in use, by the
 * thread or by a producer draining here. */
static uint32_t work_lock;

/* A ring waits until it is an eighth full (due, below) or its oldest
 * record has waited DRAIN_AGE_NS; what a drain takes from a busy ring
 * goes on into an open chunk of that ring while nobody else
 * takes one of its seqs, up to OPEN_TARGET bytes.  A sqlite3 run's ring
 * fills in a few milliseconds, and a chunk of a few drains compresses
 * much better than each drain alone (zstd starts afresh every chunk).
 * A SIGKILL costs at most the events of the last DRAIN_AGE_NS and a
 * wake: an open chunk is written when its oldest record has waited that
 * long, when it holds a prompt record, and before its ring is handed on. */
#define DRAIN_AGE_NS 1000000000ull
#define OPEN_TARGET (1u << 18)
#define OPEN_SLOTS 4
#define BUSY_WAIT_NS 1000000u
/* The writer's wakes are this many sample intervals apart while a lone
 * producer samples itself (probe_writer_sample_here). */
#define LONE_WAKES 5

struct open_chunk {
	struct probe_chunkbuf *buf;  /* mapped when first needed */
	struct probe_ring *ring;     /* NULL: the slot is free */
	uint32_t thread, seq;
	uint64_t since;              /* when its oldest record was first seen */
	uint64_t used;               /* last wake it took records */
};

static struct open_chunk open[OPEN_SLOTS];
/* What a take holds, copied out of the ring before it is encoded: the
 * consumer lock is held for a copy, not for the encoding, so a writer
 * descheduled on a loaded machine does not leave a full ring whose
 * producer then writes every event as a chunk of its own. */
static uint64_t *copy;
static size_t copy_warm;  /* populated bytes of copy (chunk.c says why) */
#define COPY_BYTES (PROBE_RING_WORDS_DEFAULT * sizeof(uint64_t))

/* Maps copy on first use (by the start or by a producer's drain). */
static int copy_ready(void)
{
	uint64_t *m, *none = NULL;

	if (ma_atomic_load_acquire(&copy))
		return 1;
	if (!(m = probe_os_map(COPY_BYTES)))
		return 0;
	if (!ma_atomic_cas_acq_rel(&copy, &none, m))
		probe_os_unmap(m, COPY_BYTES);
	return 1;
}

enum { DUE_NOT, DUE_FULL, DUE_NOW };

/* Whether r's producer has died: asked of the kernel (a getpid and a
 * tgkill) at most once per ring and drain (*dead starts at -1), and,
 * unless the thread has run its end (thread.c), no sooner than
 * GONE_EVERY_NS after it last answered alive; never for ring 0 or the
 * caller's own ring (the writer's is ring 0).  Asking at every wake cost
 * 7 200 system calls on 32 threads that allocate in bursts for 2 s (the
 * writer wakes every millisecond while a ring is a quarter full), now
 * 800.  A thread that ends normally is asked about at the next wake, as
 * before, so its ring is soon free for the next thread; one that died
 * without its end (killed by a raw exit) is found 0.1 s later at most. */
#define GONE_EVERY_NS 100000000ull

static int gone(struct probe_ring *r, uint64_t now, int *dead)
{
	if (r == probe_ring0 || r == probe_tls.ring)
		return 0;
	if (*dead < 0) {
		if (now - r->alive_at < GONE_EVERY_NS && !ma_atomic_load_acquire(&r->ended))
			*dead = 0;
		else if (!(*dead = !probe_os_thread_alive(r->tid)))
			r->alive_at = now;
	}
	return *dead;
}

/* Whether r is drained now: DUE_FULL from an eighth full (appended to an
 * open chunk, so drains this often cost no bytes, and the producer
 * rarely finds its ring full and writes it itself) -- but the writer
 * thread leaves a lone producer's ring (writer.h) to the producer until
 * it is half full; with threads, the producers' own drains at an eighth
 * come first, when they get the lock --, DUE_NOW when records have
 * waited DRAIN_AGE_NS since a drain first saw them, after a prompt
 * record, or when its producer has died (its ring is handed on sooner).  here: the caller
 * is a producer, not the writer thread. */
static int due(struct probe_ring *r, uint64_t now, int here, int *dead)
{
	uint64_t used = ma_atomic_load_acquire(&r->head) - ma_atomic_load_acquire(&r->tail);

	if (probe_ring_is_empty(r)) {
		r->pending_since = 0;
		return DUE_NOT;
	}
	if (!r->pending_since)
		r->pending_since = now;
	if (now - r->pending_since >= DRAIN_AGE_NS || ma_atomic_load_acquire(&r->prompt))
		return DUE_NOW;
	if (used >= r->cap / (here || !probe_threads_one() ? 8 : 2))
		return DUE_FULL;
	return gone(r, now, dead) ? DUE_NOW : DUE_NOT;
}

static void open_close(struct open_chunk *o)
{
	if (!o->ring)
		return;
	probe_chunk_write(o->buf, o->thread, o->seq, MA_CHUNK_RECORDS, 0);
	o->ring = NULL;
}

static struct open_chunk *open_find(const struct probe_ring *r)
{
	for (int i = 0; i < OPEN_SLOTS; i++)
		if (open[i].ring == r)
			return &open[i];
	return NULL;
}

/* Maps o's buffer when it has none: room for OPEN_TARGET and one more
 * whole ring.  The first one mapped has the payload, zstd's output and
 * its context; the others lay out and compress their chunks in that
 * one's memory (a chunk is written under work_lock, one at a time).
 * Each set is about 0.9 MiB once used: peak RSS of churn on 4 and 8
 * threads, whose rings keep the slots open, went down 3.8 and 2.5 MiB.
 * Returns it, or NULL. */
static struct probe_chunkbuf *open_buf(struct open_chunk *o)
{
	static struct probe_chunkbuf *first;
	size_t cap = OPEN_TARGET + probe_ring_payload_max(PROBE_RING_WORDS_DEFAULT);

	if (o->buf)
		return o->buf;
	if (!first)
		return o->buf = first = probe_chunkbuf_new(cap, 1);
	return o->buf = probe_chunkbuf_new_sharing(cap, first);
}

/* Set by the last round: no new buffer is mapped then (its encoder's
 * tables alone are 42 pages to fault in, at the end of the program); a
 * slot in use is written out and its buffer reused instead. */
static int ending;

/* A slot for a new chunk: a free one whose buffer is mapped, else (unless
 * ending) any free one, else the one idle the longest (written out
 * first). */
static struct open_chunk *open_slot(void)
{
	struct open_chunk *o = NULL, *idle = NULL;

	for (int i = 0; i < OPEN_SLOTS; i++) {
		struct open_chunk *s = &open[i];

		if (s->ring) {
			if (!idle || s->used < idle->used)
				idle = s;
		} else if (s->buf) {
			o = s;
			break;
		} else if (!o && !ending) {
			o = s;
		}
	}
	if (!o && !(o = idle))
		return NULL;
	open_close(o);
	return open_buf(o) ? o : NULL;
}

/* Copies ring words [from, to) to dst: at most two pieces, the second
 * from the ring's start when the range wraps. */
static void copy_out(uint64_t *dst, const struct probe_ring *r, uint64_t from, uint64_t to)
{
	uint64_t mask = r->cap - 1, at = from & mask, n = to - from;
	uint64_t first = n < r->cap - at ? n : r->cap - at;

	probe_os_warm(dst, &copy_warm, n * sizeof(uint64_t), 16384, COPY_BYTES);
	memcpy(dst, r->words + at, first * sizeof(uint64_t));
	memcpy(dst + first, r->words, (n - first) * sizeof(uint64_t));
}

/* Takes r's new records into its open chunk, opening one when there is
 * none or when someone else took a seq of r since.  mine: r is the ring
 * of the calling thread, which is not pushing while it drains (a signal
 * handler's events wait in the nested buffer, probe_writer_drain_here),
 * so its records are encoded where they are, the consumer lock held
 * (the writer leaves a ring alone while that lock is taken).  Without
 * the copy of every event: churn -t 1 0.49 -> 0.46 s of added CPU,
 * sqlite3 0.126 -> 0.114 s (medians of 9 and 11 interleaved runs). */
static void take(struct probe_ring *r, uint64_t now, int mine)
{
	struct open_chunk *o = open_find(r);
	uint64_t from, to;
	uint32_t seq;
	int rc = -2;

	if (o)
		rc = probe_ring_take_more(r, o->seq, &from, &to);
	if (rc == -2) {
		if (o)
			open_close(o);
		if (!(o = open_slot()) || probe_ring_take(r, &from, &to, &seq) <= 0)
			return;
		probe_chunk_begin(o->buf);
		*o = (struct open_chunk){ o->buf, r, r->thread, seq, r->pending_since, now };
		rc = 1;
	}
	if (rc <= 0)
		return;
	/* Decided for every range after it is taken (chunk.c, coarsen): a
	 * chunk may turn exact midway, as two chunks would. */
	probe_ring_chunk_coarse(o->buf, r);
	if (mine) {
		probe_chunk_add_ring(o->buf, r->words, r->cap - 1, from, to);
		probe_ring_release(r, to);
	} else {
		copy_out(copy, r, from, to);
		probe_ring_release(r, to);
		probe_chunk_add_ring(o->buf, copy, UINT64_MAX, 0, to - from);
	}
	o->used = now;
	r->pending_since = 0;
}

/* One ring's drain when due, and its open chunk's write when full, old,
 * prompt, or its ring's producer is gone.  Caller holds work_lock; here:
 * the caller is a producer; r == mine: r is its own ring. */
static void drain_ring(struct probe_ring *r, uint64_t now, int here, const struct probe_ring *mine)
{
	struct open_chunk *o;
	int why, dead = -1, orphan;

	if (ma_atomic_load_acquire(&r->state) != PROBE_RING_ACTIVE)
		return;
	why = due(r, now, here, &dead);
	if (why != DUE_NOT) {
		ma_atomic_store_relaxed(&r->prompt, 0);
		take(r, now, r == mine);
	}
	/* a dead producer's ring, emptied: its chunk and the ring go */
	orphan = probe_ring_is_empty(r) && gone(r, now, &dead);
	o = open_find(r);
	if (o && (why == DUE_NOW || o->buf->len >= OPEN_TARGET || orphan))
		open_close(o);
	if (orphan)
		probe_thread_retire_dead(r);
}

/* The drains of every ring, and the write of each open chunk that is
 * old.  Caller holds work_lock; mine is its own ring when it is a
 * producer (probe_writer_drain_here), else NULL. */
static void drain_due(uint64_t now, const struct probe_ring *mine)
{
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next)
		drain_ring(r, now, mine != NULL, mine);
	for (int i = 0; i < OPEN_SLOTS; i++)
		if (open[i].ring && now - open[i].since >= DRAIN_AGE_NS)
			open_close(&open[i]);
}

void probe_writer_kick(void)
{
	if (ma_atomic_load_relaxed(&sleeping)) {
		ma_atomic_add_relaxed(&wake_word, 1);
		probe_os_futex_wake(&wake_word);
	}
}

/* Whether a ring is a quarter full as the writer goes to sleep: its
 * producer's kick at half full may have come while the writer was busy
 * compressing and found it awake, so the writer looks again in a
 * millisecond rather than at the next sample. */
static int busy(void)
{
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next)
		if (ma_atomic_load_acquire(&r->state) == PROBE_RING_ACTIVE &&
		    ma_atomic_load_acquire(&r->head) - ma_atomic_load_acquire(&r->tail) >= r->cap / 4)
			return 1;
	return 0;
}

static void open_close_all(void)
{
	for (int i = 0; i < OPEN_SLOTS; i++)
		open_close(&open[i]);
}

/* The writer's last round took every record it saw, so the buffer is
 * usually not needed: its encoder's tables alone are 42 pages to fault
 * in, a millisecond or two of a short program. */
void probe_writer_drain_all(void)
{
	struct probe_chunkbuf *buf = NULL;

	for (struct probe_ring *r = probe_ring_first(); r; r = r->next) {
		if (ma_atomic_load_acquire(&r->state) != PROBE_RING_ACTIVE)
			continue;
		if (!probe_ring_is_empty(r) &&
		    (buf || (buf = probe_chunkbuf_new(probe_ring_payload_max(PROBE_RING_WORDS_DEFAULT),
						      0))))
			probe_ring_drain(r, buf, 0);
		probe_thread_retire_dead(r);
	}
	if (buf)
		probe_chunkbuf_free(buf);
}

static uint64_t interval_ns(void)
{
	return (uint64_t)probe_cfg.sample_ms * 1000000u;
}

/* Samples taken by a lone producer (probe_writer_sample_here) so far. */
static uint64_t lone_samples;

/* A sample waits in producer 0's ring like any event; what the sampler
 * pushes before it (an info record) makes the ring prompt.  Caller holds
 * work_lock: the writer thread, or the thread taking the last round
 * (probe_writer_stop), one producer of that ring at a time. */
static void sample(int full)
{
	uint64_t w[13], head = ma_atomic_load_relaxed(&probe_ring0->head);

	probe_sampler_take(w, full);
	if (ma_atomic_load_relaxed(&probe_ring0->head) != head)
		probe_ring_mark_prompt(probe_ring0);
	probe_ring_push(probe_ring0, w, 13);
	ma_atomic_store_relaxed(&probe_ring0->events, probe_ring0->events + 1);
}

static int work_trylock(void)
{
	uint32_t free_ = 0;

	return ma_atomic_cas_acq_rel(&work_lock, &free_, 1);
}

/* The writer thread's and the exit's way in: waits for a producer's
 * drain to end, at most about a second (a drain interrupted by a signal
 * handler of its own thread that ends the process never ends).  Returns
 * 1 with the lock held. */
static int work_lock_wait(void)
{
	uint64_t deadline = probe_now() + 1000000000u;

	while (!work_trylock()) {
		if (probe_now() >= deadline)
			return 0;
		probe_os_futex_wait(&work_lock, 1, 50000);
	}
	return 1;
}

static void work_unlock(void)
{
	ma_atomic_store_release(&work_lock, 0);
}

/* While one thread records, it samples the process itself when a sample
 * is due (probe_writer_sample_if_due), into its own ring: on this
 * machine every wake of the writer thread cost git log -p about 0.3 ms
 * of its own time (eleven wakes, 3 ms), where such a sample costs the
 * thread 20 us, and its record joins the thread's chunk instead of
 * keeping a chunk of producer 0 open.  It reads RSS and memory pressure
 * only: mallinfo2 takes the arenas' locks, which a signal handler's hook
 * could find held by the code it interrupted, and the file-backed
 * mappings are a page-table walk.  Those come with the writer thread's
 * samples, which it then takes LONE_WAKES times less often; when the
 * thread stops sampling (it stopped allocating), the writer's next wake
 * finds no sample of it and samples every interval again.  Never after
 * the writer has stopped (probe_sample_at is UINT64_MAX from then), never
 * in a vfork child (whose hooks would push its numbers into the parent's
 * ring).  Caller: a heap event's record, guard at RECORD. */
uint64_t probe_sample_at = UINT64_MAX;

/* A sample into r, the calling thread's own ring; returns its time. */
static uint64_t sample_own(struct probe_ring *r, int full)
{
	uint64_t w[13];

	probe_sampler_take(w, full);
	probe_ring_push(r, w, 13);
	ma_atomic_store_relaxed(&r->events, r->events + 1);
	return w[1];
}

void probe_writer_sample_here(void)
{
	struct probe_ring *r = probe_tls.ring;
	int saved = errno;

	if (!r || !probe_threads_one() || probe_in_vfork_child()) {
		ma_atomic_store_relaxed(&probe_sample_at, UINT64_MAX);
	} else {
		ma_atomic_store_relaxed(&probe_sample_at, sample_own(r, 0) + interval_ns());
		ma_atomic_store_relaxed(&lone_samples, lone_samples + 1);
	}
	errno = saved;
}

/* A drain on a producer's thread: every ring that is due (all), or its
 * own ring alone.  The thread's signals are blocked while it holds
 * work_lock (two system calls a drain, a drain every few thousand
 * events): a handler that ended the process from inside the drain would
 * find the lock held below it and wait for it in vain, a second, and
 * lose the open chunks (a multi-threaded program's _exit from a SIGALRM
 * handler did, in 4 runs of 14); one that left it by siglongjmp, or
 * forked, would leave the lock held for good.  A signal that comes then
 * is delivered when the drain ends, as if the thread had been
 * descheduled that long. */
static void drain_on_producer(int all)
{
	struct probe_ring *mine = probe_tls.ring;
	sigset_t every, old;
	int g, saved;

	if (ma_atomic_load_relaxed(&probe_phase) != PROBE_PHASE_ON || (!all && !mine) ||
	    ma_atomic_load_relaxed(&work_lock))
		return;
	saved = errno;
	sigfillset(&every);
	pthread_sigmask(SIG_SETMASK, &every, &old);
	if (work_trylock()) {
		/* Checked with the lock held: the writer's last round, which
		 * closes the open chunks, sets stop first. */
		if (!ma_atomic_load_acquire(&stop) && copy_ready()) {
			g = probe_guard_enter(probe_tls.guard == PROBE_GUARD_NONE ?
						      PROBE_GUARD_RECORD : probe_tls.guard);
			if (all)
				drain_due(probe_now(), mine);
			else
				drain_ring(mine, probe_now(), 1, mine);
			probe_guard_leave(g);
		}
		work_unlock();
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
}

void probe_writer_drain_here(void)
{
	drain_on_producer(1);
}

void probe_writer_drain_own(void)
{
	drain_on_producer(0);
}

/* The end: a last sample (LAST_FULL: a full one; LAST_PROC: without
 * mallinfo2, for a caller that may hold an arena's lock, see
 * probe_writer_stop), then every ring taken into its open chunk and
 * every open chunk written, compressed (the exit's own drain, which
 * follows for whatever comes meanwhile, writes without zstd: mapping its
 * context then would cost a few milliseconds of page faults).  mine: the
 * caller's ring, encoded where it is (take).  Caller holds work_lock. */
enum { LAST_NO_SAMPLE, LAST_PROC, LAST_FULL };

static void last_round(int sampling, const struct probe_ring *mine)
{
	uint64_t now = probe_now();

	if (sampling != LAST_NO_SAMPLE)
		sample(sampling == LAST_FULL);
	ending = 1;
	for (struct probe_ring *r = probe_ring_first(); r; r = r->next)
		if (ma_atomic_load_acquire(&r->state) == PROBE_RING_ACTIVE &&
		    !probe_ring_is_empty(r))
			take(r, now, r == mine);
	open_close_all();
	ending = 0;
}

/* Set by probe_writer_stop: the thread leaves the last round to it. */
static int stop_here;
/* The signal mask of the thread that started the writer (the thread
 * blocks every signal). */
static sigset_t start_mask;

/* Whether the writer thread is the last thread of the process: the main
 * thread ended with pthread_exit and every other thread is gone.  Without
 * the writer, glibc would end the process as its last thread ends; with
 * it, the process would wait for the writer for good.  Read from the
 * kernel (one pread) only once the main thread has ended; the kernel
 * counts the main thread until the process ends (a zombie), so two
 * threads are the main thread and the writer. */
static int writer_alone(void)
{
	int n;

	if (!ma_atomic_load_relaxed(&probe_main_ended))
		return 0;
	n = probe_sampler_threads();
	return n >= 1 && n <= 2;
}

/* The writer, the last thread, ends as the program's last thread would:
 * it becomes a thread of the program (its hooks record, on a ring of
 * its own, with the mask the program's thread that started the probe
 * had), and returns, and glibc calls exit(0) as its last thread ends,
 * which runs the program's exit handlers and the probe's end. */
static void become_last_thread(void)
{
	ma_atomic_store_release(&probe_writer_thread, 0);
	probe_tls.ring = NULL;
	probe_guard_leave(PROBE_GUARD_NONE);
	pthread_sigmask(SIG_SETMASK, &start_mask, NULL);
}

static void *writer_main(void *arg)
{
	uint64_t interval = interval_ns(), next = probe_now(), seen = 0;
	int alone = 0;

	/* The start took the first sample.  A lone producer samples itself
	 * from there, until a wake finds it did not; the thread's first wake
	 * comes LONE_WAKES intervals later, not at once: its first round
	 * (the first chunk's buffer and zstd context faulted in) then ran
	 * beside the program's own start, whose page faults it slowed. */
	next += interval * (probe_threads_one() ? LONE_WAKES : 1);

	(void)arg;
	probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_tls.ring = probe_ring0;
	while (!ma_atomic_load_acquire(&stop)) {
		uint64_t now = probe_now();

		if (ma_atomic_load_relaxed(&probe_unwind_wanted))
			probe_unwind_prepare();
		if (!work_lock_wait())
			continue;
		if (ma_atomic_load_acquire(&stop)) {
			/* Stopped meanwhile: the stopping thread may be about
			 * to take the last round itself (probe_writer_stop). */
			work_unlock();
			break;
		}
		if (writer_alone()) {
			work_unlock();
			alone = 1;
			break;
		}

		if (now >= next) {
			int lone = probe_threads_one();
			uint64_t by_lone = ma_atomic_load_relaxed(&lone_samples);

			sample(1);
			/* A lone producer that sampled since the last wake goes
			 * on sampling; the thread wakes LONE_WAKES times less
			 * often, for the samples with mallinfo2 and what waits. */
			next = now + interval * (lone && by_lone != seen ? LONE_WAKES : 1);
			seen = by_lone;
			ma_atomic_store_relaxed(&probe_sample_at, lone ? now + interval : UINT64_MAX);
		}
		drain_due(now, NULL);
		work_unlock();
		ma_atomic_store_relaxed(&sleeping, 1);
		uint32_t v = ma_atomic_load_acquire(&wake_word);
		uint64_t wait = next > now ? next - now : 1;

		if (wait > BUSY_WAIT_NS && busy())
			wait = BUSY_WAIT_NS;
		if (!ma_atomic_load_acquire(&stop))
			probe_os_futex_wait(&wake_word, v, wait);
		ma_atomic_store_relaxed(&sleeping, 0);
	}
	if (!ma_atomic_load_acquire(&stop_here) && work_lock_wait()) {
		last_round(LAST_FULL, NULL);
		work_unlock();
	}
	ma_atomic_store_release(&stopped, 1);
	probe_os_futex_wake(&stopped);
	if (alone)
		become_last_thread();
	return NULL;
}

int probe_writer_start(int heap_safe)
{
	sigset_t all, old;
	int rc;

	/* The buffer of the open chunks is mapped when a drain first needs
	 * it, as in a fork child: not on the program's thread at start. */
	if (!copy_ready())
		return -1;
	stop = 0;
	stopped = 0;
	stop_here = 0;
	if (work_lock_wait()) {
		sample(heap_safe);
		work_unlock();
	}
	ma_atomic_store_relaxed(&probe_sample_at, probe_threads_one() ? probe_now() + interval_ns() :
									UINT64_MAX);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	start_mask = old;
	rc = pthread_create(&writer, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	writer_created = 1;
	ma_atomic_store_release(&probe_writer_thread, 1);
	return 0;
}

/* Waits for the writer thread to leave its loop, until deadline (the
 * clock's ns); 0 when it has, -1 when the time ran out. */
static int wait_stopped(uint64_t deadline)
{
	while (!ma_atomic_load_acquire(&stopped)) {
		uint64_t now = probe_now();

		if (now >= deadline)
			return -1;
		probe_os_futex_wait(&stopped, 0, deadline - now);
	}
	return 0;
}

int probe_writer_resume_without_thread(void)
{
	/* The thread of the stop may not have left its loop yet: it would
	 * go on with stop cleared, beside the producers. */
	if (writer_created && wait_stopped(probe_now() + 100000000u) < 0)
		return -1;
	ma_atomic_store_relaxed(&probe_writer_thread, 0);
	ma_atomic_store_relaxed(&stop_here, 0);
	ma_atomic_store_release(&stop, 0);
	return 0;
}

/* While one thread records, the caller (that thread, as a rule) does the
 * last round itself, without waiting for the writer thread to end: that
 * wait put the program's thread to sleep until the other vCPU woke, ran
 * the round and woke it back (git log -p: about 1 ms of its 20 added),
 * and the round's records and open chunk are in the caller's cache.
 * Once stop is set the thread does no more work under work_lock (it
 * looks at stop as soon as it holds it), so the lock is all the caller
 * needs.  Its last sample has mallinfo2 only when heap_safe (exit or a
 * return from main): _exit, an exec or abort's SIGABRT may come from a
 * signal handler, or from inside malloc, with an arena's lock held. */
int probe_writer_stop(int heap_safe)
{
	uint64_t deadline = probe_now() + 1000000000u;
	int here = probe_threads_one();

	ma_atomic_store_release(&stop_here, here);
	ma_atomic_store_release(&stop, 1);
	ma_atomic_store_relaxed(&probe_sample_at, UINT64_MAX);
	if (!probe_writer_running()) {
		/* No thread: what the producers' drains left open. */
		if (copy_ready() && work_lock_wait()) {
			last_round(LAST_NO_SAMPLE, probe_tls.ring);
			work_unlock();
		}
		return 0;
	}
	ma_atomic_add_relaxed(&wake_word, 1);
	probe_os_futex_wake(&wake_word);
	if (here) {
		if (!work_lock_wait())
			return -1;
		if (probe_tls.ring) {
			/* like its samples, into its own ring (producer 0's
			 * would need a chunk of its own) */
			sample_own(probe_tls.ring, heap_safe);
			last_round(LAST_NO_SAMPLE, probe_tls.ring);
		} else {
			last_round(heap_safe ? LAST_FULL : LAST_PROC, NULL);
		}
		work_unlock();
	} else if (wait_stopped(deadline) < 0) {
		return -1;
	}
	pthread_detach(writer);
	ma_atomic_store_release(&probe_writer_thread, 0);
	return 0;
}

void probe_writer_forget(void)
{
	writer_created = 0;
	/* a fork child: the open chunks hold the parent's records */
	for (int i = 0; i < OPEN_SLOTS; i++)
		open[i].ring = NULL;
	probe_writer_thread = 0;
	probe_sample_at = UINT64_MAX; /* until the child's writer samples */
	work_lock = 0; /* the thread that held it is not in the child */
	stop = 0;
	stopped = 0;
	sleeping = 0;
}
