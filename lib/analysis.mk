# analysis: replay, aggregation, symbols; sources and unit tests
ma_analysis_sources += lib/analysis.h lib/analysis_int.h lib/analysis.c lib/result.c \
	lib/replay.h lib/replay.c lib/livemap.h lib/livemap.c lib/latest.h lib/latest.c \
	lib/lookahead.h lib/lookahead.c \
	lib/stackstats.h lib/stackstats.c lib/regions.h lib/regions.c \
	lib/snapshot.h lib/snapshot.c lib/sitelist.c lib/sitenode.h lib/sitenode.c \
	lib/timeline.h lib/timeline.c lib/histogram.h \
	lib/frames.h lib/frames.c lib/symbols_ahead.h lib/symbols_ahead.c lib/pool.h lib/pool.c

if HAVE_CMOCKA
analysis_unit_tests = tests/unit/test_replay tests/unit/test_livemap \
	tests/unit/test_lookahead tests/unit/test_peak tests/unit/test_sitenode \
	tests/unit/test_timeline
check_PROGRAMS += $(analysis_unit_tests)
TESTS += $(analysis_unit_tests)
UNIT_TESTS += $(analysis_unit_tests)

tests_unit_test_replay_SOURCES = tests/unit/test_replay.c tests/unit/analysis_tracegen.h
tests_unit_test_replay_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_replay_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_peak_SOURCES = tests/unit/test_peak.c tests/unit/analysis_tracegen.h
tests_unit_test_peak_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_peak_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_livemap_SOURCES = tests/unit/test_livemap.c
tests_unit_test_livemap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_livemap_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_sitenode_SOURCES = tests/unit/test_sitenode.c
tests_unit_test_sitenode_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sitenode_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_timeline_SOURCES = tests/unit/test_timeline.c
tests_unit_test_timeline_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_timeline_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_lookahead_SOURCES = tests/unit/test_lookahead.c tests/unit/trace_file.h
tests_unit_test_lookahead_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_lookahead_LDADD = lib/libma.la $(CMOCKA_LIBS)
endif

# The report command end to end on synthetic traces, on a terminal, and
# its memory use.
check_PROGRAMS += tests/unit/make_analysis_trace
tests_unit_make_analysis_trace_SOURCES = tests/unit/make_analysis_trace.c \
	tests/unit/analysis_tracegen.h
tests_unit_make_analysis_trace_LDADD = lib/libma.la
dist_check_SCRIPTS += tests/unit/test_report.sh tests/unit/test_analysis_memory.sh \
	tests/unit/test_report_tty.sh
TESTS += tests/unit/test_report.sh tests/unit/test_analysis_memory.sh \
	tests/unit/test_report_tty.sh
