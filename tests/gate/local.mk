# tests/gate/: the check, baseline and diff commands and the gate library.

# One program, three builds: the reference, one that leaks more and
# peaks higher, and one with other code layout (-O0, an extra function)
# so that every address differs.
check_PROGRAMS += tests/gate/leaky tests/gate/leaky_more tests/gate/leaky_o0 \
	tests/gate/leaky_tpl
tests_gate_leaky_SOURCES = tests/gate/leaky.c
tests_gate_leaky_CPPFLAGS = -I$(top_srcdir)/tests/progs
tests_gate_leaky_CFLAGS = $(progs_cflags)
tests_gate_leaky_more_SOURCES = tests/gate/leaky.c
tests_gate_leaky_more_CPPFLAGS = -I$(top_srcdir)/tests/progs -DLEAKS=5 -DPEAK_BLOCKS=22
tests_gate_leaky_more_CFLAGS = $(progs_cflags)
tests_gate_leaky_o0_SOURCES = tests/gate/leaky.c
tests_gate_leaky_o0_CPPFLAGS = -I$(top_srcdir)/tests/progs -DEXTRA
tests_gate_leaky_o0_CFLAGS = $(progs_cflags) -O0
# A leak in a template instance (<, >, * in its name), for the Markdown.
tests_gate_leaky_tpl_SOURCES = tests/gate/leaky_tpl.cc
tests_gate_leaky_tpl_CPPFLAGS = -I$(top_srcdir)/tests/progs
tests_gate_leaky_tpl_CXXFLAGS = $(progs_cxxflags)

gate_e2e_tests = tests/gate/01-limits.sh tests/gate/02-baseline.sh \
	tests/gate/03-junit-markdown.sh tests/gate/04-suppressions.sh \
	tests/gate/05-diff.sh tests/gate/06-usage.sh \
	tests/gate/07-rated-metrics.sh
TESTS += $(gate_e2e_tests)
dist_check_SCRIPTS += $(gate_e2e_tests)
EXTRA_DIST += tests/gate/fixtures tests/gate/lib.sh

if HAVE_CMOCKA
gate_unit_tests = tests/gate/test_gate tests/gate/test_json_parse
check_PROGRAMS += $(gate_unit_tests)
TESTS += $(gate_unit_tests)
UNIT_TESTS += $(gate_unit_tests)
tests_gate_test_gate_SOURCES = tests/gate/test_gate.c
tests_gate_test_gate_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_gate_test_gate_LDADD = lib/libma.la $(CMOCKA_LIBS)
tests_gate_test_json_parse_SOURCES = tests/gate/test_json_parse.c
tests_gate_test_json_parse_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_gate_test_json_parse_LDADD = lib/libma.la $(CMOCKA_LIBS)
endif
