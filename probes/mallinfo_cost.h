/* When the writer may call mallinfo2 (sampler.c), by its expected cost.
 *
 * mallinfo2 walks every free chunk of every arena, each arena locked
 * meanwhile: a few milliseconds on a heap of a few hundred thousand free
 * chunks, a tenth of a second on perl freeing a 300 000-entry hash.  So a
 * call is due only MALLINFO_SPACING times its expected CPU time after the
 * last one: about 2 % of a core, and of the time an arena is locked, at
 * most; on a small heap that is every sample.
 *
 * The expected time is the last call's, plus -- once a call has walked
 * MALLINFO_CALIBRATE free chunks or more -- one chunk's walk for each
 * release beyond allocations encoded since (probe_chunk_net_frees) that
 * is expected to stay a free chunk: a rule that waited for a slow call
 * to space the next ones let the first slow one through, perl's, as it
 * frees its hash at exit and the fast bins fill.  The share of releases
 * that stayed chunks is measured between two calls with enough releases
 * between them (releases that coalesce, or stay in the thread caches,
 * add none), and a chunk's walk on the calls that walked that many.  And
 * a call comes at least once a second, as when the spacing went by the
 * last call alone.
 *
 * Why only past MALLINFO_CALIBRATE chunks: the analyzer counts a sample
 * taken without mallinfo2 for the last one that had it (docs/metrics.md),
 * which is right when the gap comes from a heap already full of holes,
 * and wrong when a guess from releases alone keeps mallinfo2 away from a
 * heap about to fill with them: the demo's fragmented profile, guessed
 * from releases of a small heap, was rated on the heap before its holes
 * (tests/full/01-guide-bands.sh under load).  Time spent waiting for an
 * arena's lock costs no CPU and does not count. */
#ifndef PROBE_MALLINFO_COST_H
#define PROBE_MALLINFO_COST_H

#include <stdint.h>

#define MALLINFO_SPACING 50u
#define MALLINFO_MAX_GAP_NS 1000000000ull
#define MALLINFO_CALIBRATE 4096u
/* Releases between two calls for the share that stayed chunks to count. */
#define MALLINFO_SHARE_MIN 1024
/* Releases counted at most, so that the expected time times
 * MALLINFO_SPACING stays far from overflowing. */
#define MALLINFO_GROWN_MAX (1ll << 32)

struct mallinfo_cost {
	int called;
	uint64_t at;        /* probe_now() of the last call */
	uint64_t took;      /* its CPU time, ns */
	uint64_t walked;    /* the free chunks it walked */
	uint64_t chunk_ns;  /* one chunk's walk */
	uint32_t share;     /* of releases that stayed chunks, in 1/1024 */
	int64_t net_frees;  /* probe_chunk_net_frees when it began */
};

#define MALLINFO_COST_INIT { .called = 0 }

/* The CPU time the next call is expected to take, net_frees being
 * probe_chunk_net_frees now. */
static inline uint64_t probe_mallinfo_expected(const struct mallinfo_cost *c,
					       int64_t net_frees)
{
	int64_t grown = net_frees - c->net_frees;

	if (grown <= 0 || c->walked < MALLINFO_CALIBRATE)
		return c->took;
	if (grown > MALLINFO_GROWN_MAX)
		grown = MALLINFO_GROWN_MAX;
	return c->took + ((uint64_t)grown * c->share >> 10) * c->chunk_ns;
}

/* Whether a call is due at now. */
static inline int probe_mallinfo_due(const struct mallinfo_cost *c, uint64_t now,
				     int64_t net_frees)
{
	if (!c->called)
		return 1;
	uint64_t e = probe_mallinfo_expected(c, net_frees);
	uint64_t gap = e >= MALLINFO_MAX_GAP_NS / MALLINFO_SPACING ? MALLINFO_MAX_GAP_NS :
		       e * MALLINFO_SPACING;

	return now >= c->at && now - c->at >= gap;
}

/* A call began at now with net_frees, took that much CPU time and walked
 * that many free chunks (ordblks + smblks). */
static inline void probe_mallinfo_called(struct mallinfo_cost *c, uint64_t now,
					 int64_t net_frees, uint64_t took, uint64_t walked)
{
	int64_t grown = net_frees - c->net_frees;

	if (c->called && grown >= MALLINFO_SHARE_MIN) {
		uint64_t more = walked > c->walked ? walked - c->walked : 0;

		c->share = more >= (uint64_t)grown ? 1024u : (uint32_t)((more << 10) / (uint64_t)grown);
	}
	c->called = 1;
	c->at = now;
	c->took = took;
	c->walked = walked;
	c->net_frees = net_frees;
	if (walked >= MALLINFO_CALIBRATE)
		c->chunk_ns = took / walked;
}

#endif
