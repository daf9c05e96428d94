/* The symbolizer, made ready on a thread of its own while the replay runs.
 *
 * The first address resolved in a module loads it: its file, symbol
 * table and DWARF.  For glibc's debug file that is inflating 4 MB of
 * compressed sections, about a tenth of a full-size python3 report, all
 * of it after the replay.  The replay records the trace's module map as
 * it goes (frames.c); once it sees the first allocation, the modules
 * known then are registered in a new symbolizer and a thread loads them
 * all, on the second core, while the replay goes on.  When the report
 * first needs a symbol, the symbolizer is taken over if the thread has
 * finished; if not, the thread is told to stop and left to clean up
 * after itself, and the report loads what it needs itself, as before.
 * Nobody ever waits for the thread.
 *
 * The symbolizer sees the same module events in the same order either
 * way (the rest are registered when it is taken over), and a module's
 * problem is said on stderr only when a report uses it, so the report
 * and its messages are the same with or without the thread. */
#ifndef MA_SYMBOLS_AHEAD_H
#define MA_SYMBOLS_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "symbols.h"

struct ma_module;

/* A module map event, in replay order. */
struct ma_modev {
	uint64_t ts;
	uint64_t id;       /* gone: the module id */
	size_t mod;        /* loaded: index of the module (struct ma_module) */
	int gone;
};

/* Registers events log[from..to) of modules mods in s; 0, or -1 when out
 * of memory. */
int ma_symbols_feed(struct ma_symbols *s, const struct ma_module *mods,
		    const struct ma_modev *log, size_t from, size_t to);

struct ma_symbols_ahead;

/* A symbolizer with events log[0..n) registered, loading on a thread of
 * its own; NULL when this process may run on one CPU only, when another
 * is loading already, or when no thread starts (the caller then does
 * without). */
struct ma_symbols_ahead *ma_symbols_ahead_start(const struct ma_symbols_opts *opts,
						const struct ma_module *mods,
						const struct ma_modev *log, size_t n);
/* Whether the thread has finished: ma_symbols_ahead_take() would return
 * the symbolizer. */
int ma_symbols_ahead_ready(struct ma_symbols_ahead *p);
/* The symbolizer, with every module of it loaded, and the number of
 * events registered in it, when the thread has finished; the caller owns
 * it.  NULL when it has not: the thread then stops after the module it is
 * loading and frees everything.  Either way p is gone.  NULL p: NULL. */
struct ma_symbols *ma_symbols_ahead_take(struct ma_symbols_ahead *p, size_t *fed);

#endif
