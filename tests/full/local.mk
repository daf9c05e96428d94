# tests/full/: the full report -- ratings in every band from real demo
# runs, recommendations, the workspace scan, configuration, the JSON
# schema, malloc arenas, check --per-process.  Each makes the small model
# files it needs in its own temporary folder, removed at exit.
full_e2e_tests = tests/full/01-guide-bands.sh tests/full/02-other-bands.sh \
	tests/full/03-recommendations.sh tests/full/04-workspace.sh \
	tests/full/05-config.sh tests/full/06-schema.sh \
	tests/full/07-arenas.sh tests/full/08-per-process.sh
TESTS += $(full_e2e_tests)
dist_check_SCRIPTS += $(full_e2e_tests)
EXTRA_DIST += tests/full/lib.sh
