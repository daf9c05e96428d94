# lib/: the analysis library, linked into the command and the tests.
# Each part lists its sources in a fragment of its own.
ma_codec_sources = lib/trace_format.h lib/trace_codec.h lib/trace_codec_int.h lib/trace_codec.c
ma_reader_sources =
ma_analysis_sources =
ma_lib_libadd =

include lib/reader.mk
include lib/analysis.mk
include lib/symbols.mk
include lib/full.mk
include lib/gate.mk

noinst_LTLIBRARIES += lib/libma.la
lib_libma_la_SOURCES = $(ma_codec_sources) $(ma_reader_sources) $(ma_analysis_sources)
lib_libma_la_CFLAGS = $(AM_CFLAGS) $(ZSTD_CFLAGS) $(LIBDW_CFLAGS)
lib_libma_la_LIBADD = $(ma_lib_libadd) $(ZSTD_LIBS) $(LIBDW_LIBS) -lm
