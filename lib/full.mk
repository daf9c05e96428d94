# The parts of the full report: workspace scan, config file, ratings,
# sizes, fragmentation, model metrics, metrics, recommendations; their
# sources and unit tests.
ma_analysis_sources += lib/units.h lib/units.c \
	lib/config_file.h lib/config_file.c \
	lib/ratings.h lib/ratings.c \
	lib/workspace.h lib/workspace.c lib/workspace_cargo.c \
	lib/workspace_int.h lib/workspace_json.c \
	lib/workspace_toml.c lib/workspace_memory.c \
	lib/fragmentation.h lib/fragmentation.c \
	lib/model_metrics.h lib/model_metrics.c \
	lib/metrics.h lib/metrics.c \
	lib/recommend.h lib/recommend.c \
	lib/full_report.h lib/full_report.c

if HAVE_CMOCKA
full_unit_tests = tests/unit/test_units tests/unit/test_config \
	tests/unit/test_ratings tests/unit/test_workspace \
	tests/unit/test_annotations tests/unit/test_fragmentation \
	tests/unit/test_model_metrics
check_PROGRAMS += $(full_unit_tests)
TESTS += $(full_unit_tests)
UNIT_TESTS += $(full_unit_tests)

tests_unit_test_units_SOURCES = tests/unit/test_units.c
tests_unit_test_units_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_units_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_config_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_ratings_SOURCES = tests/unit/test_ratings.c
tests_unit_test_ratings_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_ratings_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_workspace_SOURCES = tests/unit/test_workspace.c
tests_unit_test_workspace_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_workspace_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_fragmentation_SOURCES = tests/unit/test_fragmentation.c
tests_unit_test_fragmentation_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_fragmentation_LDADD = lib/libma.la $(CMOCKA_LIBS)

tests_unit_test_model_metrics_SOURCES = tests/unit/test_model_metrics.c
tests_unit_test_model_metrics_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_model_metrics_LDADD = lib/libma.la $(CMOCKA_LIBS)

# The annotation header as users compile it; the test also checks its
# constants against lib/trace_format.h.
tests_unit_test_annotations_SOURCES = tests/unit/test_annotations.c
tests_unit_test_annotations_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_annotations_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_annotations_LDADD = $(CMOCKA_LIBS)
endif
