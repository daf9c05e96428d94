/* Helpers that write small synthetic traces with lib/trace_build.h for the
 * analysis tests: one call per event, times in microseconds after START. */
#ifndef MA_ANALYSIS_TRACEGEN_H
#define MA_ANALYSIS_TRACEGEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_build.h"

#define TG_START 1000000000ull      /* start_monotonic_ns of every trace */
#define TG_BIAS 0x555555554000ull   /* load bias of the module "prog" */
#define TG_US(us) (TG_START + (uint64_t)(us) * 1000u)

/* Removes a test's folder of traces and what it holds; 0 or -1 (the body
 * of a group teardown). */
static inline int tg_remove_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline struct ma_bytes tg_str(const char *s)
{
	return (struct ma_bytes){ (const uint8_t *)s, (uint32_t)strlen(s) };
}

/* A trace of pid with a module "prog" and stacks 1..nstacks of two frames
 * each, (prog+0x1000*id, prog+0x10); NULL on failure. */
static inline struct ma_trace_build *tg_open(const char *path, uint64_t pid, uint64_t ppid,
					     uint64_t flags, unsigned nstacks)
{
	struct ma_rec_process proc = { .pid = pid, .ppid = ppid, .start_monotonic_ns = TG_START,
				       .flags = flags, .stack_depth = 64, .sample_interval_ms = 10 };
	struct ma_record r = { .tag = MA_REC_MODULE, .ts = TG_START };
	struct ma_trace_build *b;

	proc.exe = tg_str("/usr/bin/prog");
	proc.cmdline = tg_str("prog");
	proc.probe_version = tg_str("test");
	b = ma_trace_build_open(path, &proc, 0);
	if (!b)
		return NULL;
	r.u.module = (struct ma_rec_module){ 1, TG_BIAS, TG_BIAS, TG_BIAS + 0x100000,
					     tg_str("/usr/bin/prog"), tg_str("") };
	if (ma_trace_build_add(b, 0, &r, NULL) < 0)
		return NULL;
	for (unsigned id = 1; id <= nstacks; id++) {
		uint64_t frames[2] = { TG_BIAS + 0x1000 * id, TG_BIAS + 0x10 };
		struct ma_record s = { .tag = MA_REC_STACK, .ts = TG_START };
		s.u.stack.id = id;
		s.u.stack.depth = 2;
		if (ma_trace_build_add(b, 0, &s, frames) < 0)
			return NULL;
	}
	return ma_trace_build_flush(b, 0) < 0 ? NULL : b;
}

static inline int tg_alloc(struct ma_trace_build *b, uint32_t thread, uint64_t us,
			   uint64_t addr, uint64_t size, uint64_t stack, uint64_t fn)
{
	struct ma_record r = { .tag = MA_REC_ALLOC, .ts = TG_US(us) };

	r.u.alloc = (struct ma_rec_alloc){ addr, size, stack, fn, 0 };
	return ma_trace_build_add(b, thread, &r, NULL);
}

static inline int tg_free(struct ma_trace_build *b, uint32_t thread, uint64_t us,
			  uint64_t addr, uint64_t fn)
{
	struct ma_record r = { .tag = MA_REC_FREE, .ts = TG_US(us) };

	r.u.free = (struct ma_rec_free){ addr, fn };
	return ma_trace_build_add(b, thread, &r, NULL);
}

static inline int tg_realloc(struct ma_trace_build *b, uint32_t thread, uint64_t us,
			     uint64_t old, uint64_t new_addr, uint64_t size, uint64_t stack)
{
	struct ma_record r = { .tag = MA_REC_REALLOC, .ts = TG_US(us) };

	r.u.realloc = (struct ma_rec_realloc){ TG_US(us) + 100, old, new_addr, size, stack,
					       MA_FN_REALLOC };
	return ma_trace_build_add(b, thread, &r, NULL);
}

static inline int tg_marker(struct ma_trace_build *b, uint32_t thread, uint64_t us,
			    const char *name)
{
	struct ma_record r = { .tag = MA_REC_MARKER, .ts = TG_US(us) };

	r.u.marker.kind = MA_MARK_POINT;
	r.u.marker.name = tg_str(name);
	return ma_trace_build_add(b, thread, &r, NULL);
}

static inline int tg_fork(struct ma_trace_build *b, uint64_t us, uint64_t child)
{
	struct ma_record r = { .tag = MA_REC_FORK, .ts = TG_US(us) };

	r.u.fork.child_pid = child;
	return ma_trace_build_add(b, 0, &r, NULL);
}

static inline int tg_sample(struct ma_trace_build *b, uint64_t us, uint64_t rss)
{
	struct ma_record r = { .tag = MA_REC_SAMPLE, .ts = TG_US(us) };

	r.u.sample.rss = rss;
	return ma_trace_build_add(b, 0, &r, NULL);
}

static inline int tg_info(struct ma_trace_build *b, const char *key, const char *value)
{
	struct ma_record r = { .tag = MA_REC_INFO };

	r.u.info.key = tg_str(key);
	r.u.info.value = tg_str(value);
	return ma_trace_build_add(b, 0, &r, NULL);
}

/* Ends the trace at us; with a trailer (a normal exit) when complete. */
static inline int tg_close(struct ma_trace_build *b, uint64_t us, int complete)
{
	struct ma_rec_trailer t = { .exit_kind = MA_EXIT_NORMAL };

	return ma_trace_build_close(b, complete ? &t : NULL, TG_US(us));
}

#endif
