# tests/: end-to-end tests and their programs

# Programs whose allocations the end-to-end tests know exactly.  Frame
# pointers and no inlining, so every call site stays a frame of its own.
progs_cflags = -std=gnu11 $(WARN_CFLAGS) -g -O1 -fno-omit-frame-pointer -fno-inline
progs_cxxflags = -std=gnu++17 -Wall -Wextra -g -O1 -fno-omit-frame-pointer -fno-inline

check_PROGRAMS += tests/progs/sites tests/progs/threads tests/progs/forks \
	tests/progs/plugin tests/progs/allocfns tests/progs/newdel \
	tests/progs/mmapfile tests/progs/killme tests/progs/static_hello \
	tests/progs/htcompare tests/progs/newops tests/progs/manysites \
	tests/progs/paced tests/progs/deepchain tests/progs/samename \
	tests/progs/realign tests/progs/jit
tests_progs_sites_SOURCES = tests/progs/sites.c tests/progs/progs.h
tests_progs_sites_CFLAGS = $(progs_cflags)
tests_progs_threads_SOURCES = tests/progs/threads.c tests/progs/progs.h
tests_progs_threads_CFLAGS = $(progs_cflags)
tests_progs_forks_SOURCES = tests/progs/forks.c tests/progs/progs.h
tests_progs_forks_CFLAGS = $(progs_cflags)
tests_progs_plugin_SOURCES = tests/progs/plugin.c tests/progs/progs.h
tests_progs_plugin_CFLAGS = $(progs_cflags)
tests_progs_allocfns_SOURCES = tests/progs/allocfns.c tests/progs/progs.h
tests_progs_allocfns_CFLAGS = $(progs_cflags)
tests_progs_newdel_SOURCES = tests/progs/newdel.cc tests/progs/progs.h
tests_progs_newdel_CXXFLAGS = $(progs_cxxflags)
tests_progs_newops_SOURCES = tests/progs/newops.cc tests/progs/progs.h
tests_progs_newops_CXXFLAGS = $(progs_cxxflags)
tests_progs_mmapfile_SOURCES = tests/progs/mmapfile.c tests/progs/progs.h
tests_progs_mmapfile_CFLAGS = $(progs_cflags)
tests_progs_killme_SOURCES = tests/progs/killme.c tests/progs/progs.h
tests_progs_killme_CFLAGS = $(progs_cflags)
tests_progs_htcompare_SOURCES = tests/progs/htcompare.c tests/progs/progs.h
tests_progs_htcompare_CFLAGS = $(progs_cflags)
tests_progs_manysites_SOURCES = tests/progs/manysites.c tests/progs/progs.h
tests_progs_manysites_CFLAGS = $(progs_cflags)
tests_progs_deepchain_SOURCES = tests/progs/deepchain.c tests/progs/progs.h
tests_progs_deepchain_CFLAGS = $(progs_cflags)
tests_progs_realign_SOURCES = tests/progs/realign.c tests/progs/progs.h
tests_progs_realign_CFLAGS = $(progs_cflags)
tests_progs_jit_SOURCES = tests/progs/jit.c tests/progs/progs.h
tests_progs_jit_CFLAGS = $(progs_cflags)
tests_progs_samename_SOURCES = tests/progs/samename.c tests/progs/samename_b.c \
	tests/progs/progs.h
tests_progs_samename_CFLAGS = $(progs_cflags)
tests_progs_paced_SOURCES = tests/progs/paced.c tests/progs/progs.h
tests_progs_paced_CFLAGS = $(progs_cflags)
tests_progs_static_hello_SOURCES = tests/progs/static_hello.c tests/progs/progs.h
tests_progs_static_hello_CFLAGS = $(progs_cflags)
tests_progs_static_hello_LDFLAGS = -all-static

# The plugin that tests/progs/plugin loads: tests/progs/.libs/plugin-mod.so
check_LTLIBRARIES += tests/progs/plugin-mod.la
tests_progs_plugin_mod_la_SOURCES = tests/progs/plugin_mod.c tests/progs/progs.h
tests_progs_plugin_mod_la_CFLAGS = $(progs_cflags)
tests_progs_plugin_mod_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

# The same in C++ (tests/progs/.libs/plugin-cxx.so): it brings libstdc++,
# which the C program loads without RTLD_GLOBAL.
check_LTLIBRARIES += tests/progs/plugin-cxx.la
tests_progs_plugin_cxx_la_SOURCES = tests/progs/plugin_cxx.cc tests/progs/progs.h
tests_progs_plugin_cxx_la_CXXFLAGS = $(progs_cxxflags)
tests_progs_plugin_cxx_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

# End-to-end tests: numbered shell scripts sharing tests/e2e/lib.sh.
e2e_tests = tests/e2e/01-record-cli.sh tests/e2e/02-no-preload.sh \
	tests/e2e/03-sites.sh tests/e2e/04-threads.sh tests/e2e/05-fork.sh \
	tests/e2e/06-fork-exec.sh tests/e2e/07-plugin.sh tests/e2e/08-allocfns.sh \
	tests/e2e/09-newdel.sh tests/e2e/10-mmap.sh tests/e2e/11-sigkill.sh \
	tests/e2e/12-real-programs.sh tests/e2e/13-node.sh \
	tests/e2e/14-report-exact.sh tests/e2e/15-heaptrack.sh \
	tests/e2e/16-samples.sh tests/e2e/17-newops.sh tests/e2e/18-probe-own.sh \
	tests/e2e/19-many-sites.sh tests/e2e/20-event-clock.sh \
	tests/e2e/21-exit-chunks.sh tests/e2e/22-second-core.sh tests/e2e/23-hugepages.sh \
	tests/e2e/24-many-processes.sh
TESTS += $(e2e_tests)
dist_check_SCRIPTS += $(e2e_tests)
EXTRA_DIST += tests/e2e/lib.sh
