# examples/: the demo workload, and the annotation header it shows.
#
# Installed (bin, not noinst): the README's first command records it, and
# users without a model host of their own need something to point
# `memory-analyzer record` at.
bin_PROGRAMS += memory-analyzer-demo
memory_analyzer_demo_SOURCES = examples/model-manager.c examples/workload.c \
	examples/model_cache.c examples/model_store.c examples/demo.h
# Built as users build: only the public header, no lib/ ones.
memory_analyzer_demo_CPPFLAGS = -I$(top_srcdir)/probes
include_HEADERS += probes/memory-analyzer.h

dist_check_SCRIPTS += examples/test-demo.sh
TESTS += examples/test-demo.sh
