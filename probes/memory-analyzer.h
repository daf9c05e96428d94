/* memory-analyzer annotations: marks, spans and counters a program adds to
 * its own trace.
 *
 *   #include <memory-analyzer.h>     (pkg-config --cflags memory-analyzer)
 *
 *   ma_span_begin("model_load:codegen-small");
 *   load_model(...);
 *   ma_span_end("model_load:codegen-small");
 *   ma_counter_add(hit ? "cache.hit" : "cache.miss", 1);
 *
 * Nothing to link: each call tests a weak reference to the probe's entry
 * point and does nothing when the program runs without the probe (one
 * well-predicted branch, no call, no allocation).  Under the probe
 * (`memory-analyzer record -- program`) the dynamic linker binds the
 * reference and each call becomes one marker record, stamped with the
 * time of the call, in the calling thread's part of the trace.
 *
 * Names are copied by the probe when the call is made, so they may live on
 * the stack.  A span is matched by name on the same thread: begin and end
 * with the same string.  Conventions the report understands are listed in
 * docs/annotations.md:
 *
 *   span    model_load:<model>        model load time, per model
 *   counter cache.hit / cache.miss    cache hit rate
 *   counter cache.<name>.hit / .miss  hit rate of one named cache
 *
 * The weak reference needs dynamic linking (a PIE or a shared object, the
 * default on current toolchains); in a static executable the calls stay
 * no-ops.  This header is self-contained on purpose: it must not depend on
 * anything but the C compiler. */
#ifndef MEMORY_ANALYZER_H
#define MEMORY_ANALYZER_H

#ifdef __cplusplus
extern "C" {
#endif

/* Annotation kinds.  The values are those of enum ma_marker_kind in the
 * trace format (lib/trace_format.h) and never change. */
#define MEMORY_ANALYZER_MARK 0
#define MEMORY_ANALYZER_SPAN_BEGIN 1
#define MEMORY_ANALYZER_SPAN_END 2
#define MEMORY_ANALYZER_COUNTER 3

/* Exported by the probe; NULL when the probe is not loaded. */
extern void memory_analyzer_annotate(int kind, const char *name,
				     long long value) __attribute__((weak));

static inline void ma_annotate(int kind, const char *name, long long value)
{
	if (__builtin_expect(memory_analyzer_annotate != 0, 0))
		memory_analyzer_annotate(kind, name, value);
}

/* A point in time ("phase:warmup-done"). */
static inline void ma_mark(const char *name)
{
	ma_annotate(MEMORY_ANALYZER_MARK, name, 0);
}

/* Start and end of a timed region on the calling thread. */
static inline void ma_span_begin(const char *name)
{
	ma_annotate(MEMORY_ANALYZER_SPAN_BEGIN, name, 0);
}

static inline void ma_span_end(const char *name)
{
	ma_annotate(MEMORY_ANALYZER_SPAN_END, name, 0);
}

/* Adds delta (may be negative) to the counter called name; counters start
 * at zero and the report sums the deltas of all threads. */
static inline void ma_counter_add(const char *name, long long delta)
{
	ma_annotate(MEMORY_ANALYZER_COUNTER, name, delta);
}

#ifdef __cplusplus
}
#endif

#endif
