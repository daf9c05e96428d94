/* Analysis of one or more traces: the public API and the result.
 *
 * ma_analysis_run() replays each trace (streaming: memory follows the live
 * set and the number of distinct stacks, never the trace's length) and
 * returns a result that renderers read and never change.  The result is
 * plain data: every string, stack and list in it is owned by the
 * struct ma_analysis and freed by ma_analysis_free().
 *
 * Extending: sections are bits of enum ma_section; a new kind of finding
 * (ratings, recommendations, fragmentation) gets a new bit, new fields at
 * the end of struct ma_process, and renderers that skip what they do not
 * know. */
#ifndef MA_ANALYSIS_H
#define MA_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

enum ma_section {
	MA_SEC_SUMMARY = 1u << 0,
	MA_SEC_LEAKS = 1u << 1,
	MA_SEC_PEAK = 1u << 2,
	MA_SEC_ALLOCATIONS = 1u << 3,  /* top sites, size histogram */
	MA_SEC_TEMPORARY = 1u << 4,
	MA_SEC_TIMELINE = 1u << 5,
	MA_SEC_SNAPSHOTS = 1u << 6,    /* the --snapshot-at ones */
	MA_SEC_ALL = (1u << 7) - 1,
};

enum ma_group_by {
	MA_GROUP_SITE = 0,      /* the whole call stack */
	MA_GROUP_FUNCTION = 1,  /* the innermost shown frame's function */
	MA_GROUP_MODULE = 2,    /* the innermost shown frame's module */
};

enum ma_snap_kind {
	MA_SNAP_END = 0,        /* after the last record */
	MA_SNAP_PEAK = 1,       /* at the moment of peak heap */
	MA_SNAP_TIME = 2,       /* time_ns after the start of the trace */
	MA_SNAP_MARKER = 3,     /* just after the first marker named `marker` */
};

struct ma_snap_spec {
	enum ma_snap_kind kind;
	uint64_t time_ns;
	const char *marker;     /* borrowed for the duration of the run */
};

#define MA_MAX_SNAPS 2

/* Watching the first pass of the replay, record by record: the full
 * report (lib/full_report.h) computes fragmentation and model metrics this
 * way without the analysis knowing about them. */
struct ma_record;
struct ma_full_report;

enum ma_event_kind {
	MA_EV_BEGIN,            /* before a trace's first record */
	MA_EV_ALLOC,            /* a heap block was acquired */
	MA_EV_FREE,             /* a heap block was released */
	MA_EV_SAMPLE,           /* MA_REC_SAMPLE */
	MA_EV_MARKER,           /* MA_REC_MARKER */
	MA_EV_INFO,             /* MA_REC_INFO */
	MA_EV_END,              /* after a trace's last record */
};

struct ma_event {
	enum ma_event_kind kind;
	size_t input;           /* index of the trace in ma_analysis_run's paths */
	uint64_t ts;            /* ns since the trace's start */
	uint64_t span_ns;       /* BEGIN: the trace's span as its header says */
	uint64_t size;          /* ALLOC, FREE: requested bytes of the block */
	uint64_t heap_live;     /* requested heap bytes live after the event */
	uint64_t mmap_live;     /* mapped bytes after the event */
	const struct ma_record *rec; /* SAMPLE, MARKER, INFO (trace_codec.h) */
	uint32_t thread;        /* producer (thread) of the record behind the
				 * event; 0 for BEGIN and END */
};

/* Returns 0, or -1 to stop the analysis (out of memory). */
typedef int (*ma_observe_fn)(void *arg, const struct ma_event *ev);

struct ma_analysis_opts {
	unsigned sections;      /* enum ma_section bits worth computing */
	unsigned top;           /* entries kept per list; 0 = all */
	enum ma_group_by group_by;
	struct ma_snap_spec snaps[MA_MAX_SNAPS];
	unsigned nsnaps;
	unsigned timeline_points;
	const char *const *debug_dirs; /* NULL-terminated or NULL */
	const char *sysroot;
	int no_local_files;     /* symbols: trace paths only under sysroot */
	int no_symbols;         /* show module+offset only */
	/* Called now and then with bytes replayed and bytes to replay. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
	/* Called for every event of the first pass; NULL: none.  Borrowed
	 * for the run only, like progress. */
	ma_observe_fn observe;
	void *observe_arg;
	/* Takes the peak snapshots by replaying each trace a second time up
	 * to the peak, as the analysis once did, instead of from counts kept
	 * in the first pass: slower, and the same result, which the tests
	 * check with it. */
	int peak_by_replay;
};

/* Defaults: every section, top 10, by site, 100 timeline points. */
void ma_analysis_opts_init(struct ma_analysis_opts *o);

/* ---- the result ---- */

struct ma_frame {
	const char *function;   /* NULL when unknown */
	const char *file;       /* NULL when unknown */
	unsigned line;          /* 0 when unknown */
	const char *module;     /* path as recorded; NULL outside every module */
	uint64_t addr;          /* return address as recorded */
	uint64_t offset;        /* addr - the module's load bias */
	int inlined;            /* inlined into the frame that follows */
};

struct ma_stack {
	struct ma_frame *frames; /* innermost first; probe, allocator and C
				  * start-up frames already removed */
	unsigned nframes;
};

/* One line of a list: a site (or function, or module) and its numbers. */
struct ma_site {
	uint64_t bytes, blocks; /* live bytes and blocks; or for top lists the
				 * number the list is ranked by, see below */
	uint64_t calls;         /* allocations through the site */
	uint64_t alloc_bytes;   /* bytes allocated through the site */
	int64_t dbytes, dblocks; /* in a snapshot difference: second - first */
	struct ma_stack stack;
};

struct ma_site_list {
	struct ma_site *v;      /* biggest first, at most opts.top */
	size_t n;
	size_t total_sites;     /* before cutting to top */
	uint64_t bytes, blocks; /* sums over all sites */
};

struct ma_snapshot {
	char label[80];         /* "end", "peak", "1.5 s", "marker 'load'" */
	int taken;              /* 0: the time or marker was never reached */
	uint64_t ts;            /* ns since the trace's start */
	struct ma_site_list sites;
};

/* Releases that do not match their allocation (new freed with free...). */
struct ma_mismatch {
	uint8_t alloc_fn, free_fn; /* enum ma_fn */
	uint64_t count, bytes;
	struct ma_stack stack;  /* of the allocation */
};

struct ma_timeline_point {
	uint64_t ts;            /* ns since start: the end of the interval */
	uint64_t heap_bytes;    /* highest live heap in the interval */
	uint64_t mmap_bytes;    /* highest mapped bytes in the interval */
	uint64_t rss_bytes;     /* highest RSS sample, 0 when none */
};

/* A point marker of the annotation API (MA_MARK_POINT). */
struct ma_marker {
	uint64_t ts;            /* ns since the trace's start */
	const char *name;
};

#define MA_MAX_MARKERS 1000     /* kept per process: the first ones */

#define MA_HIST_BUCKETS 64      /* bucket i: sizes in [2^i, 2^(i+1)), 0 in 0 */

struct ma_totals {
	uint64_t calls[MA_FN_COUNT]; /* calls per function (enum ma_fn) */
	uint64_t allocations;   /* heap blocks acquired (realloc's new block too) */
	uint64_t frees;         /* heap blocks released (realloc's old block too) */
	uint64_t bytes_allocated;
	uint64_t peak_heap_bytes, peak_heap_ts;  /* requested bytes live */
	/* Peak RSS: the higher of the highest sample and the kernel's
	 * high-water mark at the end (a peak between samples), set once the
	 * replay is over (lib/result.c); its time is the highest sample's,
	 * the kernel's mark has none. */
	uint64_t peak_rss_bytes, peak_rss_ts;
	uint64_t peak_rss_sampled_bytes;         /* the highest sample */
	uint64_t peak_rss_kernel_bytes;          /* VmHWM ("peak-rss"), 0: none */
	uint64_t live_blocks, live_bytes;        /* heap at the end */
	uint64_t mmap_calls, mmap_bytes;         /* mappings made and bytes */
	uint64_t munmap_calls;
	uint64_t peak_mmap_bytes, peak_mmap_ts;
	uint64_t live_mmap_bytes;                /* mapped at the end */
	uint64_t temporary;     /* allocations freed before their thread
				 * allocated again */
	uint64_t unknown_frees; /* releases of blocks never seen allocated */
	uint64_t inherited_frees; /* releases of blocks from before fork */
	uint64_t mismatched;    /* releases through the wrong function */
	uint64_t duration_ns;
	uint64_t lost_events;   /* the probe's own count (MA_REC_LOST) */
	uint64_t threads;
};

/* What the probe allocated for itself, from its info records
 * "probe-bootstrap" and "probe-internal" (docs/trace-format.md).  These
 * were never events: they are in no total and no list of the process. */
struct ma_probe_own {
	int recorded;           /* the trace has the records (bit 0 bootstrap,
				 * bit 1 internal); old traces do not */
	uint64_t boot_blocks, boot_bytes;             /* the bootstrap arena's */
	uint64_t boot_freed_blocks, boot_freed_bytes; /* released by the program */
	uint64_t internal_calls, internal_bytes;      /* the probe's own work */
};

struct ma_process {
	const char *trace_path;
	uint64_t pid, ppid, flags; /* enum ma_proc_flag */
	const char *exe;
	const char *cmdline;    /* arguments joined by spaces */
	/* When the process's trace started: its CLOCK_MONOTONIC zero (the
	 * times of its events count from there) and the wall clock then (0
	 * when the trace does not say).  In the sum, the earliest. */
	uint64_t start_monotonic_ns, start_realtime_ns;
	int complete;           /* the trace has its trailer */
	int sum;                /* the sum over the processes (a->total): its
				 * peaks' times mean nothing */
	uint64_t exit_kind;     /* enum ma_exit_kind, when complete */
	int64_t exit_status;
	/* When the trace is damaged or incomplete, what was lost, one line;
	 * NULL for a clean trace. */
	const char *damage;
	int damaged;            /* bytes or chunks could not be read */

	struct ma_totals totals;
	/* Blocks live at the end.  When `complete`, these are leaks; when not,
	 * they are only "live when the trace ends" (the free may simply not
	 * have been recorded) and leaks_reason says so. */
	int leaks_are_leaks;
	const char *leaks_reason;
	/* What leaked: every block live at the end when leaks_are_leaks, else
	 * none.  In the sum, the leaks of the processes that exited: one that
	 * exec'd leaked nothing (its blocks went with its image), and the sum
	 * has leaks as long as every other process exited. */
	uint64_t leaked_bytes, leaked_blocks;
	struct ma_site_list leaks;  /* the sum's: of the processes that leaked */
	struct ma_site_list inherited_live; /* from the fork parent, still live */
	struct ma_mismatch *mismatches;
	size_t nmismatches;

	struct ma_snapshot peak;            /* live set at peak heap */
	struct ma_snapshot snaps[MA_MAX_SNAPS];
	unsigned nsnaps;
	struct ma_site_list snap_diff;      /* snaps[1] - snaps[0], when two */

	struct ma_site_list temporary;      /* ranked by temporary calls */
	struct ma_site_list top_calls;      /* ranked by calls */
	struct ma_site_list top_bytes;      /* ranked by bytes allocated */
	/* (By peak contribution: that is `peak`, ranked by bytes live then.) */
	uint64_t histogram[MA_HIST_BUCKETS];/* allocation sizes */

	struct ma_timeline_point *timeline;
	size_t ntimeline;

	struct ma_marker *markers;          /* in time order; none in the sum */
	size_t nmarkers;

	struct ma_probe_own probe_own;      /* the sum: per process, added */
};

struct ma_analysis {
	struct ma_analysis_opts opts;  /* as run; borrowed pointers cleared */
	struct ma_process *procs;      /* one per trace, parents first */
	size_t nprocs;
	/* The sum over every process when there are several, else NULL.
	 * Lists are merged by symbolized stack. */
	struct ma_process *total;
	int damaged;                   /* some trace damaged or incomplete */
	struct ma_analysis_private *priv;
	/* The full report's findings -- ratings, fragmentation, model
	 * metrics, workspace, recommendations (lib/full_report.h) -- when
	 * the command made them, else NULL.  Set by the caller after
	 * ma_analysis_run, owned by the caller, never freed here; renderers
	 * show it when it is not NULL. */
	const struct ma_full_report *full;
};

enum ma_analysis_err {
	MA_ANALYSIS_OK = 0,
	MA_ANALYSIS_INPUT = 1,  /* a trace could not be opened */
	MA_ANALYSIS_NOMEM = 2,
};

/* Analyses the traces at paths[0..n).  Returns MA_ANALYSIS_OK with *out
 * set, or an error with a one-line message in err ("cannot read 'x':
 * not a memory-analyzer trace").  A damaged trace is not an error: its
 * process has `damage` set. */
int ma_analysis_run(const char *const *paths, size_t n,
		    const struct ma_analysis_opts *opts,
		    struct ma_analysis **out, char *err, size_t errlen);
void ma_analysis_free(struct ma_analysis *a);

/* The main process: the only one, or the sum when several. */
const struct ma_process *ma_analysis_main(const struct ma_analysis *a);

/* "malloc", "operator new", ... for an enum ma_fn. */
const char *ma_fn_display(unsigned fn);
/* Whether fn allocates on the heap (malloc family, new), not mmap. */
int ma_fn_is_heap(unsigned fn);

#endif
