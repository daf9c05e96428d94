/* When the writer may call mallinfo2 (sampler.c), by its expected cost.
 *
 * mallinfo2 walks every free chunk of every arena, each arena locked
 * meanwhile: a few milliseconds on a heap of a few hundred thousand free
 * chunks, a tenth of a second on perl freeing a 300 000-entry hash.  So a
 * call is due only MALLINFO_SPACING times its expected CPU time after the
 * last one: about 2 % of a core, and of the time an arena is locked, at
 * most; on a small heap that is every sample.
 *
 * The expected time is the last call's, plus one chunk's walk for each
 * release beyond allocations encoded since (probe_chunk_net_frees): the
 * free lists can have grown by that much, and a rule that waited for a
 * slow call to space the next ones would let the first slow one through
 * -- perl's, as it frees its hash at exit.  A chunk's walk is measured on
 * calls that walked MALLINFO_CALIBRATE chunks or more, and taken to be a
 * cache miss until then.  Time spent waiting for an arena's lock costs
 * no CPU and does not count.
 *
 * The analyzer counts a sample taken without mallinfo2 for the last one
 * that had it, so the spacing does not pull its figures towards the cheap
 * moments (docs/metrics.md). */
#ifndef PROBE_MALLINFO_COST_H
#define PROBE_MALLINFO_COST_H

#include <stdint.h>

#define MALLINFO_SPACING 50u
#define MALLINFO_CHUNK_NS 100u
#define MALLINFO_CALIBRATE 4096u
/* Releases counted at most, so that the expected time times
 * MALLINFO_SPACING stays far from overflowing. */
#define MALLINFO_GROWN_MAX (1ll << 32)

struct mallinfo_cost {
	int called;
	uint64_t at;        /* probe_now() of the last call */
	uint64_t took;      /* its CPU time, ns */
	uint64_t chunk_ns;  /* one chunk's walk */
	int64_t net_frees;  /* probe_chunk_net_frees when it began */
};

#define MALLINFO_COST_INIT { .chunk_ns = MALLINFO_CHUNK_NS }

/* The CPU time the next call is expected to take, net_frees being
 * probe_chunk_net_frees now. */
static inline uint64_t probe_mallinfo_expected(const struct mallinfo_cost *c,
					       int64_t net_frees)
{
	int64_t grown = net_frees - c->net_frees;

	if (grown <= 0)
		return c->took;
	if (grown > MALLINFO_GROWN_MAX)
		grown = MALLINFO_GROWN_MAX;
	return c->took + (uint64_t)grown * c->chunk_ns;
}

/* Whether a call is due at now. */
static inline int probe_mallinfo_due(const struct mallinfo_cost *c, uint64_t now,
				     int64_t net_frees)
{
	if (!c->called)
		return 1;
	return now >= c->at &&
	       now - c->at >= probe_mallinfo_expected(c, net_frees) * MALLINFO_SPACING;
}

/* A call began at now with net_frees, took that much CPU time and walked
 * that many free chunks (ordblks + smblks). */
static inline void probe_mallinfo_called(struct mallinfo_cost *c, uint64_t now,
					 int64_t net_frees, uint64_t took, uint64_t walked)
{
	c->called = 1;
	c->at = now;
	c->took = took;
	c->net_frees = net_frees;
	if (walked >= MALLINFO_CALIBRATE)
		c->chunk_ns = took / walked;
}

#endif
