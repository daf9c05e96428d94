/* Fragmentation and memory pressure of one process, from the events of
 * the analysis' first pass (ma_analysis_opts.observe): the allocator's
 * view (mallinfo2 in the samples) against the bytes the program asked
 * for, the internal waste of glibc's chunk sizes, RSS against heap, and
 * PSI.  docs/metrics.md defines every figure.
 *
 * Use: ma_frag_init(), feed every event of one trace to ma_frag_event(),
 * read the fields, ma_frag_release(). */
#ifndef MA_FRAGMENTATION_H
#define MA_FRAGMENTATION_H

#include <stddef.h>
#include <stdint.h>

struct ma_event;

/* Heap chunks of this many bytes and more are modelled as mmapped chunks
 * (the default M_MMAP_THRESHOLD; glibc raises it at run time, up to 32
 * MiB, when a mapped chunk is freed, so this is the model, not the
 * truth). */
#define MA_GLIBC_MMAP_THRESHOLD (128u * 1024u)

/* glibc refuses requests above PTRDIFF_MAX less its overhead; a trace
 * showing one (damaged, or from another allocator) gets no modelled
 * overhead: chunk and usable size are the request itself. */
#define MA_GLIBC_MAX_REQUEST ((uint64_t)INT64_MAX - 2 * 4096)

/* glibc maps a chunk on its own when the chunk (request plus 8, rounded
 * up to 16) reaches the threshold: requests of 131049 bytes and more. */
#define MA_GLIBC_MMAP_MIN_REQUEST (MA_GLIBC_MMAP_THRESHOLD - 23u)

/* glibc x86_64 (inline: the replay asks for every heap event). */
#define MA_GLIBC_SIZE_SZ 8u
#define MA_GLIBC_PAGE 4096u

/* The heap chunk of a request: request2size(). */
static inline uint64_t ma_glibc_heap_chunk(uint64_t req)
{
	uint64_t c = (req + MA_GLIBC_SIZE_SZ + 15) & ~(uint64_t)15;

	return c < 32 ? 32 : c;
}

/* 1 when the model maps the request's chunk on its own. */
static inline int ma_glibc_mmapped(uint64_t req)
{
	return req >= MA_GLIBC_MMAP_MIN_REQUEST && req <= MA_GLIBC_MAX_REQUEST;
}

/* The chunk a request of req bytes takes. */
static inline uint64_t ma_glibc_chunk(uint64_t req)
{
	if (req > MA_GLIBC_MAX_REQUEST)
		return req;
	/* An mmapped chunk carries its own header and is page-rounded. */
	if (ma_glibc_mmapped(req))
		return (ma_glibc_heap_chunk(req) + MA_GLIBC_SIZE_SZ + MA_GLIBC_PAGE - 1) &
		       ~(uint64_t)(MA_GLIBC_PAGE - 1);
	return ma_glibc_heap_chunk(req);
}

/* The bytes of it the program may use (malloc_usable_size); usable >= req
 * always. */
static inline uint64_t ma_glibc_usable(uint64_t req)
{
	if (req > MA_GLIBC_MAX_REQUEST)
		return req;
	/* In use, a heap chunk's next prev_size field belongs to it: only
	 * the size field is overhead.  A mapped chunk loses both. */
	return ma_glibc_chunk(req) -
	       (ma_glibc_mmapped(req) ? 2 * MA_GLIBC_SIZE_SZ : MA_GLIBC_SIZE_SZ);
}

/* Size classes for waste: heap chunks of 32..1024 bytes one class per 16
 * bytes, larger heap chunks by powers of two of the request up to the
 * mmap threshold, mmapped chunks by powers of two of the request. */
#define MA_FRAG_CLASSES 128

struct ma_waste_class {
	uint64_t lo, hi;            /* requested sizes in [lo, hi] */
	int mmapped;                /* modelled as mmapped chunks */
	uint64_t allocations;       /* through the class, whole run */
	uint64_t requested;         /* bytes requested through it */
	uint64_t waste;             /* usable - requested, summed */
};

/* One point of the time series (the last sample of its interval). */
struct ma_frag_point {
	uint64_t ts;                /* ns since start */
	uint64_t rss;
	uint64_t held;              /* arena + hblkhd */
	uint64_t requested;         /* live heap bytes asked for */
	uint64_t waste;             /* modelled internal waste of those */
	uint64_t free_bytes;        /* fordblks */
	uint64_t top;               /* keepcost */
	double frag_pct;            /* (fordblks - keepcost) / arena */
};

#define MA_FRAG_POINTS 64
#define MA_FRAG_MAX_THREADS (1u << 16)
#define MA_FRAG_MIN_ARENA (1u << 20)

struct ma_frag {
	/* samples */
	uint64_t samples;           /* MA_REC_SAMPLE records */
	uint64_t mallinfo_samples;  /* of them with mallinfo2 fields */
	uint64_t rated_samples;     /* of those with arena >= MA_FRAG_MIN_ARENA */
	uint64_t max_arena;
	double frag_median_pct;     /* the rated figure; valid when rated_samples */
	double frag_worst_pct;
	uint64_t frag_worst_ts;

	/* the sample where the allocator held the most (arena + hblkhd) */
	struct ma_frag_point at_peak_held;
	uint64_t peak_held_hblkhd, peak_held_arena;

	/* the sample with the highest RSS */
	uint64_t peak_rss, peak_rss_ts, heap_at_peak_rss, mmap_at_peak_rss;
	/* the kernel's high-water mark at the end ("peak-rss"), 0: none */
	uint64_t peak_rss_kernel;

	/* live internal waste (modelled), now and at its highest */
	uint64_t live_usable, live_requested;
	uint64_t peak_waste, peak_waste_ts;

	struct ma_waste_class classes[MA_FRAG_CLASSES];
	unsigned nclasses;

	struct ma_frag_point points[MA_FRAG_POINTS];
	unsigned npoints;
	uint64_t span_ns;

	/* memory pressure: PSI totals of /proc/pressure/memory */
	int psi;                    /* the samples carried PSI */
	uint64_t psi_first_some, psi_first_full, psi_some_us, psi_full_us;
	uint64_t psi_events;        /* samples during which "some" stall grew */

	/* heap growth: highest live heap in the second and the last quarter */
	uint64_t q2_max, q4_max;
	int q4_seen;

	/* Threads that allocated, each active from its first allocation to
	 * its last heap event (threads as the probe's producers, whose
	 * buffers a thread started after another ended may take over).  glibc
	 * gives each thread allocating at the same time as others an arena of
	 * its own, up to 8 per core: peak_alloc_threads is the number of
	 * arenas the process needed, at most. */
	uint64_t alloc_threads;
	uint64_t peak_alloc_threads, peak_alloc_threads_ts;

	/* private */
	struct ma_frag_thread *thr; /* by producer, up to MA_FRAG_MAX_THREADS */
	size_t nthr;
	struct ma_frag_rated *fr;   /* each rated sample */
	size_t nfr, afr;
	int fr_open;                /* samples without mallinfo2 count for the last */
	uint64_t last_some;
};

/* A rated sample and the samples it stands for: itself and those taken
 * without mallinfo2 until the next (the probe spaces mallinfo2 out when it
 * is dear). */
struct ma_frag_rated {
	double pct;
	uint64_t weight;
};

void ma_frag_init(struct ma_frag *f);
void ma_frag_release(struct ma_frag *f);
/* The peak RSS: the higher of the highest sample and the kernel's mark
 * (as the report's summary has it, docs/metrics.md). */
uint64_t ma_frag_peak_rss(const struct ma_frag *f);
/* 0, or -1 when out of memory. */
int ma_frag_event(struct ma_frag *f, const struct ma_event *ev);
/* After the last event: medians and sorting.  Classes are sorted by
 * waste, most first, empty ones dropped. */
void ma_frag_finish(struct ma_frag *f);

#endif
