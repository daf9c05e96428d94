# the trace reader: sources and unit tests
ma_reader_sources += lib/trace_reader.h lib/trace_reader_int.h \
	lib/trace_reader.c lib/trace_reader_chunk.c lib/trace_reader_replay.c \
	lib/trace_build.h lib/trace_build.c

# dump, end to end: a helper writes small traces with trace_build
check_PROGRAMS += tests/unit/make_trace
tests_unit_make_trace_SOURCES = tests/unit/make_trace.c
tests_unit_make_trace_LDADD = lib/libma.la
dist_check_SCRIPTS += tests/unit/test_dump.sh
TESTS += tests/unit/test_dump.sh
