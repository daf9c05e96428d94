/* The symbolizer, made ready on a thread of its own while the replay runs.
 *
 * The first address resolved in a module loads it: its file, symbol
 * table and DWARF.  For glibc's debug file that is inflating 4 MB of
 * compressed sections, about a tenth of a full-size python3 report, all
 * of it after the replay.  So, on a trace long enough for it to pay
 * (frames.c):
 *
 * - the replay records the trace's module map as it goes; at the first
 *   allocation it replays, the modules known then are registered in a
 *   new symbolizer, and a thread is started for it;
 * - each module a stack's frames fall in is then wanted, as the stack is
 *   defined; the thread loads the modules wanted, in that order, on the
 *   second core while the replay goes on (a module no stack uses is
 *   never loaded, as before);
 * - when the report first needs a symbol, the thread is told to stop,
 *   finishes the module it is on, and the symbolizer is taken over; the
 *   module events recorded since are registered in it.
 *
 * The symbolizer sees the same module events in the same order either
 * way, and a module's problem is said on stderr only when a report uses
 * it, so the report and its messages are the same with or without the
 * thread. */
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

/* A symbolizer with events log[0..n) registered and a thread waiting to
 * load its modules; NULL when this process may run on one CPU only, when
 * another such thread is running, or when no thread starts (the caller
 * then does without). */
struct ma_symbols_ahead *ma_symbols_ahead_start(const struct ma_symbols_opts *opts,
						const struct ma_module *mods,
						const struct ma_modev *log, size_t n);
/* Module mod (the index of its load event among the load events
 * registered, as in mods) is wanted: the thread loads it after those
 * wanted before.  Returns 0 when p is NULL or mod is not registered in
 * it, else 1. */
int ma_symbols_ahead_want(struct ma_symbols_ahead *p, size_t mod);
/* Whether module mod has been loaded (for tests). */
int ma_symbols_ahead_loaded(struct ma_symbols_ahead *p, size_t mod);
/* Stops the thread once the module it is loading is loaded, and returns
 * the symbolizer (the caller owns it) and the number of events registered
 * in it.  p is gone.  NULL p: NULL. */
struct ma_symbols *ma_symbols_ahead_take(struct ma_symbols_ahead *p, size_t *fed);

#endif
