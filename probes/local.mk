# probes/: the preload library libmemory-analyzer-probe.so.
#
# The core (rings, stack table, unwinding, writer, modules, lifecycle) is a
# convenience library that the shared object and the unit tests both link;
# the hooks and the constructor live only in the shared object.  The probe
# is never built with the sanitizers (it is preloaded into arbitrary
# programs), so the tests link a second copy of the core built with
# AM_CFLAGS.

PROBE_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -Werror -fvisibility=hidden \
	-ftls-model=initial-exec -fexceptions -fno-omit-frame-pointer \
	$(LIBUNWIND_CFLAGS) $(ZSTD_CFLAGS)

probe_core_sources = \
	probes/atomic.h probes/guard.h probes/os.h probes/os.c \
	probes/msg.h probes/msg.c probes/probe.h \
	probes/rawrec.h probes/rawrec.c probes/chunk.h probes/chunk.c probes/chunk_ring.c \
	probes/ring.h probes/ring.c probes/stacktab.h probes/stacktab.c \
	probes/cfi.h probes/cfi.c probes/fastunwind.h probes/fastunwind.c \
	probes/unwind.c probes/record.c probes/thread.c probes/clock.h probes/clock.c \
	probes/writer.h probes/writer.c probes/mallinfo_cost.h probes/sampler.c probes/modules.c \
	probes/config.c probes/output.c probes/fork.c probes/exit.c \
	probes/signals.h probes/signals.c \
	lib/trace_format.h lib/trace_codec.h lib/trace_codec_int.h lib/trace_codec.c
probe_core_libs = $(LIBUNWIND_LIBS) $(ZSTD_LIBS) -lpthread

noinst_LTLIBRARIES += probes/libprobecore.la
probes_libprobecore_la_SOURCES = $(probe_core_sources)
probes_libprobecore_la_CFLAGS = $(PROBE_CFLAGS)
probes_libprobecore_la_LIBADD = $(probe_core_libs)

pkglib_LTLIBRARIES += probes/libmemory-analyzer-probe.la
probes_libmemory_analyzer_probe_la_SOURCES = \
	probes/bootstrap.h probes/bootstrap.c probes/init.c \
	probes/hooks.c probes/hooks_cxx.c probes/hooks_mmap.c probes/hooks_proc.c probes/annotate.c \
	probes/hooks_exec.c probes/hooks_fd.c probes/hooks_signal.c \
	probes/deepbind.c
probes_libmemory_analyzer_probe_la_CFLAGS = $(PROBE_CFLAGS)
probes_libmemory_analyzer_probe_la_LDFLAGS = -module -avoid-version -shared \
	-Wl,--version-script=$(srcdir)/probes/probe.map -Wl,-z,nodelete
probes_libmemory_analyzer_probe_la_LIBADD = probes/libprobecore.la $(probe_core_libs) -ldl
EXTRA_probes_libmemory_analyzer_probe_la_DEPENDENCIES = probes/probe.map
EXTRA_DIST += probes/probe.map docs/probe.md

if HAVE_CMOCKA
check_LTLIBRARIES += probes/libprobecore-check.la
probes_libprobecore_check_la_SOURCES = $(probe_core_sources)
probes_libprobecore_check_la_CFLAGS = $(AM_CFLAGS) -ftls-model=initial-exec \
	$(LIBUNWIND_CFLAGS) $(ZSTD_CFLAGS)
probes_libprobecore_check_la_LIBADD = $(probe_core_libs)

probe_unit_tests = tests/unit/test_ring tests/unit/test_stacktab
check_PROGRAMS += $(probe_unit_tests)
TESTS += $(probe_unit_tests)
UNIT_TESTS += $(probe_unit_tests)
TSAN_TESTS += $(probe_unit_tests)

tests_unit_test_ring_SOURCES = tests/unit/test_ring.c
tests_unit_test_ring_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_ring_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(ZSTD_CFLAGS)
tests_unit_test_ring_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

# A ring's records encoded in place and one by one give the same bytes.
check_PROGRAMS += tests/unit/test_chunk_ring
TESTS += tests/unit/test_chunk_ring
UNIT_TESTS += tests/unit/test_chunk_ring
tests_unit_test_chunk_ring_SOURCES = tests/unit/test_chunk_ring.c
tests_unit_test_chunk_ring_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_chunk_ring_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_chunk_ring_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

# When the writer may call mallinfo2, by its expected cost.
check_PROGRAMS += tests/unit/test_mallinfo_cost
TESTS += tests/unit/test_mallinfo_cost
UNIT_TESTS += tests/unit/test_mallinfo_cost
tests_unit_test_mallinfo_cost_SOURCES = tests/unit/test_mallinfo_cost.c
tests_unit_test_mallinfo_cost_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_mallinfo_cost_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mallinfo_cost_LDADD = $(CMOCKA_LIBS)

# The CFI reader on hand-built CIE and FDE bytes.
check_PROGRAMS += tests/unit/test_cfi
TESTS += tests/unit/test_cfi
UNIT_TESTS += tests/unit/test_cfi
tests_unit_test_cfi_SOURCES = tests/unit/test_cfi.c
tests_unit_test_cfi_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_cfi_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_cfi_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

# A thread's memo of walks on a stack built by hand.
check_PROGRAMS += tests/unit/test_memo
TESTS += tests/unit/test_memo
UNIT_TESTS += tests/unit/test_memo
tests_unit_test_memo_SOURCES = tests/unit/test_memo.c
tests_unit_test_memo_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_memo_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_memo_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

# The buffer of signal handlers' events: probes/signals.c compiled into
# the test, its sink replaced.
check_PROGRAMS += tests/unit/test_nested
TESTS += tests/unit/test_nested
UNIT_TESTS += tests/unit/test_nested
tests_unit_test_nested_SOURCES = tests/unit/test_nested.c
EXTRA_tests_unit_test_nested_DEPENDENCIES = probes/signals.c
tests_unit_test_nested_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_nested_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_nested_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

tests_unit_test_stacktab_SOURCES = tests/unit/test_stacktab.c
tests_unit_test_stacktab_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_stacktab_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_stacktab_LDADD = probes/libprobecore-check.la $(CMOCKA_LIBS) $(probe_core_libs)

# The ring and the stack table once more under ThreadSanitizer, each with
# its own copy of the core, so that make check itself shows them free of
# races (check.sh also runs every concurrent test in a ThreadSanitizer
# tree of its own).
if HAVE_TSAN
probe_tsan_tests = tests/unit/test_ring_tsan tests/unit/test_stacktab_tsan
check_PROGRAMS += $(probe_tsan_tests)
TESTS += $(probe_tsan_tests)
probe_tsan_cflags = -std=gnu11 $(WARN_CFLAGS) -g -O1 -fsanitize=thread \
	-fno-omit-frame-pointer -ftls-model=initial-exec \
	$(CMOCKA_CFLAGS) $(LIBUNWIND_CFLAGS) $(ZSTD_CFLAGS)
tests_unit_test_ring_tsan_SOURCES = tests/unit/test_ring.c $(probe_core_sources)
tests_unit_test_ring_tsan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_ring_tsan_CFLAGS = $(probe_tsan_cflags)
tests_unit_test_ring_tsan_LDFLAGS = -fsanitize=thread
tests_unit_test_ring_tsan_LDADD = $(CMOCKA_LIBS) $(probe_core_libs)
tests_unit_test_stacktab_tsan_SOURCES = tests/unit/test_stacktab.c $(probe_core_sources)
tests_unit_test_stacktab_tsan_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probes
tests_unit_test_stacktab_tsan_CFLAGS = $(probe_tsan_cflags)
tests_unit_test_stacktab_tsan_LDFLAGS = -fsanitize=thread
tests_unit_test_stacktab_tsan_LDADD = $(CMOCKA_LIBS) $(probe_core_libs)
endif
endif
