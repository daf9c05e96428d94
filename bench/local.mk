# bench/: `make bench` measures capture and analysis against heaptrack.
noinst_PROGRAMS += bench/churn
bench_churn_SOURCES = bench/churn.c
bench_churn_CFLAGS = -O2 -g -pthread $(WARN_CFLAGS)
bench_churn_LDADD = -lpthread
noinst_PROGRAMS += bench/spawn
bench_spawn_SOURCES = bench/spawn.c
bench_spawn_CFLAGS = -O2 $(WARN_CFLAGS)
dist_check_SCRIPTS += tests/unit/test_spawn.sh
TESTS += tests/unit/test_spawn.sh
EXTRA_DIST += bench/run.py

BENCH_RUNS ?= 5
bench: all
	python3 $(srcdir)/bench/run.py --build $(abs_builddir) --runs $(BENCH_RUNS) $(BENCH_FLAGS)
.PHONY: bench
