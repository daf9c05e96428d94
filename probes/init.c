/* Starting the probe: in the constructor, which runs before those of the
 * program and of the libraries loaded after the preload, or earlier, at
 * the first allocation of a library whose constructor the loader runs
 * before ours (a library preloaded after us, or one the program links).
 * That early start does everything but the writer thread, which the
 * constructor starts: the rings hold the events meanwhile, and a full
 * ring is written by its own thread.  Allocations made before either
 * (by the loader, by libc's own start) are counted as lost. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "clock.h"
#include "msg.h"
#include "probe.h"
#include "rawrec.h"
#include "signals.h"
#include "writer.h"

extern char **environ;
extern int probe_heap_off;
void *probe_hook_malloc(size_t);
void probe_hook_free(void *);

static int started; /* 0 no, 1 in progress, 2 done */

static void info(const char *key, const char *value)
{
	uint64_t w[4 + 2 * (PROBE_RAW_STR_MAX / 8 + 1)];
	uint32_t klen = (uint32_t)strlen(key), vlen = (uint32_t)strnlen(value, PROBE_RAW_STR_MAX);
	uint32_t n = 4;

	w[1] = 0;
	w[2] = klen;
	w[3] = vlen;
	n += probe_raw_put_bytes(w + n, key, klen);
	n += probe_raw_put_bytes(w + n, value, vlen);
	w[0] = PROBE_RAW_HDR(MA_REC_INFO, n);
	probe_record_raw_prompt(w, n);
}

/* Whether the global definition of name is another object's: not ours,
 * and not the canonical PLT entry of an executable that takes the
 * function's address (an undefined symbol with a value), which calls
 * ours. */
static int foreign(const char *name, void *ours, void **def)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info where;

	*def = dlsym(RTLD_DEFAULT, name);
	if (!*def || *def == ours)
		return 0;
	if (dladdr1(*def, &where, (void **)&sym, RTLD_DL_SYMENT) && sym &&
	    sym->st_shndx == SHN_UNDEF)
		return 0;
	return 1;
}

/* A malloc or free in the global scope that is not ours (the program's
 * own allocator, or one preloaded in front of us) takes every call: our
 * hooks would see only the rest, so they record nothing. */
static void check_own_malloc(void)
{
	void *m, *f;
	int fm = foreign("malloc", (void *)probe_hook_malloc, &m);
	int ff = foreign("free", (void *)probe_hook_free, &f);
	Dl_info where;
	const char *who;

	if (!fm && !ff)
		return;
	ma_atomic_store_relaxed(&probe_heap_off, 1);
	who = dladdr(fm ? m : f, &where) && where.dli_fname &&
	      where.dli_fname[0] ? where.dli_fname : "the program";
	probe_msg("'%s' has a malloc of its own: heap allocations are not recorded "
		  "(C++ new/delete and mmap are)", who);
	info("own-malloc", who);
}

static void start(void)
{
	uint64_t flags;

	probe_config_read();
	flags = probe_env_take_parent() ? MA_PROC_F_EXEC_CHILD : 0;
	if (probe_cfg.off) {
		probe_phase = PROBE_PHASE_OFF;
		return;
	}
	if (!probe_cfg.follow)
		probe_env_unpreload();
	probe_unwind_init();
	probe_clock_init();
	if (probe_threads_init() < 0 || probe_output_open(flags, 0) < 0) {
		probe_phase = PROBE_PHASE_OFF;
		return;
	}
	probe_sampler_open();
	probe_fork_install();
	probe_exit_install();
	probe_nested_start();
	probe_signal_wrap_existing();
	probe_modules_scan();
	check_own_malloc();
	ma_atomic_store_release(&probe_phase, PROBE_PHASE_ON);
}

/* Runs start() once; returns when it is done (or in progress on this
 * very thread: the loader is single-threaded while it runs
 * constructors). */
static void start_once(void)
{
	int expected = 0, g;

	if (!ma_atomic_cas_acq_rel(&started, &expected, 1))
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	probe_bootstrap();
	start();
	probe_guard_leave(g);
	ma_atomic_store_release(&started, 2);
}

void probe_start_early(void)
{
	/* Before libc has set up the environment there is no configuration
	 * to read: those calls stay counted as lost. */
	if (environ && ma_atomic_load_acquire(&started) == 0)
		start_once();
}

__attribute__((constructor)) static void probe_init(void)
{
	int g;

	start_once();
	if (ma_atomic_load_acquire(&probe_phase) != PROBE_PHASE_ON)
		return;
	g = probe_guard_enter(PROBE_GUARD_INTERNAL);
	if (probe_writer_start(1) < 0) {
		probe_unwind_prepare();
		probe_msg("cannot start the writer thread; rings are written by their threads");
	}
	probe_guard_leave(g);
}
