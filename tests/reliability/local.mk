# tests/reliability/: the probe in hard places (startup, threads, signals,
# processes, every way to end, faults, untrusted traces).  Shell tests
# share tests/reliability/lib.sh (on top of tests/e2e/lib.sh); the small
# programs they run are built here.

rel_cppflags = -I$(top_srcdir)/tests/progs

check_PROGRAMS += tests/reliability/rel_threads tests/reliability/rel_tls \
	tests/reliability/rel_throw tests/reliability/rel_exit \
	tests/reliability/rel_signals tests/reliability/rel_procs \
	tests/reliability/rel_fds tests/reliability/rel_ownmalloc \
	tests/reliability/rel_deepbind tests/reliability/rel_exec
tests_reliability_rel_threads_SOURCES = tests/reliability/rel_threads.c
tests_reliability_rel_threads_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_threads_CFLAGS = $(progs_cflags)
tests_reliability_rel_threads_LDADD = -lpthread
tests_reliability_rel_tls_SOURCES = tests/reliability/rel_tls.cc
tests_reliability_rel_tls_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_tls_CXXFLAGS = $(progs_cxxflags)
tests_reliability_rel_tls_LDADD = -lpthread
tests_reliability_rel_throw_SOURCES = tests/reliability/rel_throw.cc
tests_reliability_rel_throw_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_throw_CXXFLAGS = $(progs_cxxflags)
tests_reliability_rel_exit_SOURCES = tests/reliability/rel_exit.c
tests_reliability_rel_exit_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_exit_CFLAGS = $(progs_cflags)
tests_reliability_rel_signals_SOURCES = tests/reliability/rel_signals.c
tests_reliability_rel_signals_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_signals_CFLAGS = $(progs_cflags)
tests_reliability_rel_signals_LDADD = -lpthread -ldl
tests_reliability_rel_procs_SOURCES = tests/reliability/rel_procs.c
tests_reliability_rel_procs_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_procs_CFLAGS = $(progs_cflags)
tests_reliability_rel_procs_LDADD = -lpthread
tests_reliability_rel_exec_SOURCES = tests/reliability/rel_exec.c
tests_reliability_rel_exec_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_exec_CFLAGS = $(progs_cflags)
tests_reliability_rel_fds_SOURCES = tests/reliability/rel_fds.c
tests_reliability_rel_fds_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_fds_CFLAGS = $(progs_cflags)
tests_reliability_rel_fds_LDADD = -lpthread
# Its malloc calls memset: without -fno-builtin the compiler may fold the
# pair into a call of calloc, which is its own.
tests_reliability_rel_ownmalloc_SOURCES = tests/reliability/rel_ownmalloc.c
tests_reliability_rel_ownmalloc_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_ownmalloc_CFLAGS = $(progs_cflags) -fno-builtin
tests_reliability_rel_deepbind_SOURCES = tests/reliability/rel_deepbind.c
tests_reliability_rel_deepbind_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_deepbind_CFLAGS = $(progs_cflags)
tests_reliability_rel_deepbind_LDADD = -ldl

# Shared objects: .libs/rel-early.so (preloaded after the probe) and
# .libs/rel-deep-mod.so (the RTLD_DEEPBIND plugin).
check_LTLIBRARIES += tests/reliability/rel-early.la tests/reliability/rel-deep-mod.la
tests_reliability_rel_early_la_SOURCES = tests/reliability/rel_early.c
tests_reliability_rel_early_la_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_early_la_CFLAGS = $(progs_cflags)
tests_reliability_rel_early_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_reliability_rel_deep_mod_la_SOURCES = tests/reliability/rel_deep_mod.c
tests_reliability_rel_deep_mod_la_CPPFLAGS = $(rel_cppflags)
tests_reliability_rel_deep_mod_la_CFLAGS = $(progs_cflags)
tests_reliability_rel_deep_mod_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

reliability_tests = tests/reliability/01-startup.sh tests/reliability/02-threads.sh \
	tests/reliability/03-signals.sh tests/reliability/04-processes.sh \
	tests/reliability/05-exit.sh tests/reliability/06-no-preload.sh \
	tests/reliability/07-faults.sh tests/reliability/08-security.sh \
	tests/reliability/09-damaged-traces.sh
TESTS += $(reliability_tests)
dist_check_SCRIPTS += $(reliability_tests)
EXTRA_DIST += tests/reliability/lib.sh

# The fuzz target of the trace reader with its plain driver, run over the
# seed corpus and the regression inputs (tests/fuzz/README.md).
check_PROGRAMS += tests/fuzz/fuzz_trace
tests_fuzz_fuzz_trace_SOURCES = tests/fuzz/fuzz_trace.c tests/fuzz/driver.c
tests_fuzz_fuzz_trace_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib
tests_fuzz_fuzz_trace_LDADD = lib/libma.la
TESTS += tests/fuzz/corpus.sh
UNIT_TESTS += tests/fuzz/corpus.sh
dist_check_SCRIPTS += tests/fuzz/corpus.sh tests/fuzz/run.sh
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/corpus tests/fuzz/regressions

# The generator of tests/reliability/big-trace.sh (a benchmark, run by
# hand: docs/reliability.md).
check_PROGRAMS += tests/reliability/big_trace
tests_reliability_big_trace_SOURCES = tests/reliability/big_trace.c
tests_reliability_big_trace_LDADD = lib/libma.la
EXTRA_DIST += tests/reliability/big-trace.sh
