# the trace reader: sources and unit tests
ma_reader_sources += lib/trace_reader.h lib/trace_reader_int.h \
	lib/trace_reader.c lib/trace_reader_chunk.c lib/trace_reader_scan.c \
	lib/trace_reader_replay.c \
	lib/trace_build.h lib/trace_build.c

if HAVE_CMOCKA
reader_unit_tests = tests/unit/test_codec tests/unit/test_reader
check_PROGRAMS += $(reader_unit_tests)
TESTS += $(reader_unit_tests)
UNIT_TESTS += $(reader_unit_tests)

tests_unit_test_codec_SOURCES = tests/unit/test_codec.c
tests_unit_test_codec_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_codec_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_reader_SOURCES = tests/unit/test_reader.c tests/unit/trace_file.h
tests_unit_test_reader_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_reader_LDADD = lib/libma.la $(CMOCKA_LIBS)
endif

# dump, end to end: a helper writes small traces with trace_build
check_PROGRAMS += tests/unit/make_trace
tests_unit_make_trace_SOURCES = tests/unit/make_trace.c
tests_unit_make_trace_LDADD = lib/libma.la
dist_check_SCRIPTS += tests/unit/test_dump.sh
TESTS += tests/unit/test_dump.sh
