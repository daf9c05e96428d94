# reports/: renderers of an analysis result.
ma_report_sources =
noinst_LTLIBRARIES += reports/libmareports.la
include reports/renderers.mk
reports_libmareports_la_SOURCES = reports/report_util.c $(ma_report_sources)
reports_libmareports_la_CFLAGS = $(AM_CFLAGS) $(LIBDW_CFLAGS)
