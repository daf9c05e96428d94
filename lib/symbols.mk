# symbols: symbolization with libdwfl, demangling; sources, unit tests
# and the fixtures they load.
ma_analysis_sources += lib/symbols.h lib/symbols_int.h lib/symbols.c \
	lib/symbols_dwfl.c lib/symbols_open.c lib/symbols_frames.c lib/symbols_scopes.c \
	lib/symbols_cache.c lib/symbols_units.c \
	lib/demangle_int.h lib/demangle.c lib/demangle_rust.c \
	lib/demangle_rust_v0.c lib/demangle_punycode.c
# __cxa_demangle comes from the C++ runtime.
ma_lib_libadd += -lstdc++

# Fixture plugins the symbolizer tests load: built with debug info and
# optimisation, without the sanitizers, as shared objects.
ma_fx_ldflags = -module -avoid-version -shared -rpath '$(abs_builddir)' \
	-Wl,--build-id
check_LTLIBRARIES += tests/symbols/sym_inline.la tests/symbols/sym_cxx.la \
	tests/symbols/sym_plugin_a.la tests/symbols/sym_plugin_b.la \
	tests/symbols/sym_rust.la
tests_symbols_sym_inline_la_SOURCES = tests/symbols/inline.c tests/symbols/fixture.h
tests_symbols_sym_inline_la_CFLAGS = -g -O2
tests_symbols_sym_inline_la_LDFLAGS = $(ma_fx_ldflags)
tests_symbols_sym_cxx_la_SOURCES = tests/symbols/cxx_plugin.cc tests/symbols/fixture.h
tests_symbols_sym_cxx_la_CXXFLAGS = -g -O2
tests_symbols_sym_cxx_la_LDFLAGS = $(ma_fx_ldflags)
tests_symbols_sym_rust_la_SOURCES = tests/symbols/rust_names.c tests/symbols/fixture.h
tests_symbols_sym_rust_la_CFLAGS = -g -O2
tests_symbols_sym_rust_la_LDFLAGS = $(ma_fx_ldflags)
tests_symbols_sym_plugin_a_la_SOURCES = tests/symbols/plugin.c tests/symbols/fixture.h
tests_symbols_sym_plugin_a_la_CPPFLAGS = $(AM_CPPFLAGS) -DPLUGIN=a
tests_symbols_sym_plugin_a_la_CFLAGS = -g -O2
tests_symbols_sym_plugin_a_la_LDFLAGS = $(ma_fx_ldflags)
tests_symbols_sym_plugin_b_la_SOURCES = tests/symbols/plugin.c tests/symbols/fixture.h
tests_symbols_sym_plugin_b_la_CPPFLAGS = $(AM_CPPFLAGS) -DPLUGIN=b
tests_symbols_sym_plugin_b_la_CFLAGS = -g -O2
tests_symbols_sym_plugin_b_la_LDFLAGS = $(ma_fx_ldflags)
EXTRA_DIST += tests/symbols/rust_fixture.rs tests/symbols/README.md

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_symbols tests/unit/test_demangle
TESTS += tests/unit/test_symbols tests/unit/test_demangle
UNIT_TESTS += tests/unit/test_symbols tests/unit/test_demangle
# it loads a symbolizer on a thread (symbols_ahead.c)
TSAN_TESTS += tests/unit/test_symbols
tests_unit_test_symbols_SOURCES = tests/unit/test_symbols.c \
	tests/symbols/fixture_util.c tests/symbols/fixture_util.h
tests_unit_test_symbols_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_symbols_LDADD = lib/libma.la $(CMOCKA_LIBS)
tests_unit_test_demangle_SOURCES = tests/unit/test_demangle.c
tests_unit_test_demangle_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_demangle_LDADD = lib/libma.la $(CMOCKA_LIBS)
endif

# A program whose blocks are allocated inside libstdc++, and the shell
# test that resolves those frames (module names with "+").
check_PROGRAMS += tests/symbols/cxx_string
tests_symbols_cxx_string_SOURCES = tests/symbols/cxx_string.cc
tests_symbols_cxx_string_CXXFLAGS = -std=gnu++17 -Wall -Wextra -g -O1 -fno-omit-frame-pointer
TESTS += tests/symbols/libstdcxx-frames.sh
dist_check_SCRIPTS += tests/symbols/libstdcxx-frames.sh

# Traces whose module maps name what they should not (a FIFO, a device,
# a directory, a file with another build-id...): the symbolizer must
# neither hang nor read them.
check_PROGRAMS += tests/symbols/crafted_trace
tests_symbols_crafted_trace_SOURCES = tests/symbols/crafted_trace.c
tests_symbols_crafted_trace_LDADD = lib/libma.la
TESTS += tests/symbols/untrusted-paths.sh
dist_check_SCRIPTS += tests/symbols/untrusted-paths.sh

# The symbolizer's one walk for an address's scopes against libdw's two,
# on the line-table addresses of binaries with their own debug
# information (tests/symbols/scopes.sh).
check_PROGRAMS += tests/symbols/scopes_check
tests_symbols_scopes_check_SOURCES = tests/symbols/scopes_check.c
tests_symbols_scopes_check_LDADD = lib/libma.la
TESTS += tests/symbols/scopes.sh
dist_check_SCRIPTS += tests/symbols/scopes.sh
