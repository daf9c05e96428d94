# tests/formats/: the report formats read by the tools they are made for
# (headless Chromium and Firefox, ms_print, speedscope's schema,
# flamegraph's folded stacks).  fmt_trace writes the traces they read.
check_PROGRAMS += tests/formats/fmt_trace
tests_formats_fmt_trace_SOURCES = tests/formats/fmt_trace.c tests/unit/analysis_tracegen.h
# Frames are this program's own functions: keep them, and their symbols.
tests_formats_fmt_trace_CFLAGS = $(AM_CFLAGS) -g -O0 -fno-inline
tests_formats_fmt_trace_LDADD = lib/libma.la

formats_tests = tests/formats/01-collapsed.sh tests/formats/02-massif.sh \
	tests/formats/03-speedscope.sh tests/formats/04-html.sh tests/formats/05-markdown.sh \
	tests/formats/06-html-firefox.sh
TESTS += $(formats_tests)
dist_check_SCRIPTS += $(formats_tests)
EXTRA_DIST += tests/formats/lib.sh tests/formats/html_check.py \
	tests/formats/fixtures/speedscope-file-format-schema.json tests/formats/fixtures/README.md
CLEANFILES += tests/formats/html-report.png tests/formats/html-report.html \
	tests/formats/html-report-full.png tests/formats/html-report-full.html \
	tests/formats/html-report-firefox.png
