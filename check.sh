#!/bin/sh
# Runs the whole test suite: build with -Werror, `make check`, then the unit
# tests again under AddressSanitizer+UndefinedBehaviorSanitizer and the
# concurrent ones under ThreadSanitizer.  Builds in build/, build-asan/ and
# build-tsan/ beside this script.  Needs the packages of
# scripts/install-deps.sh.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)

build() { # dir, configure args...
	dir=$top/$1; shift
	mkdir -p "$dir"
	[ -f "$dir/Makefile" ] || (cd "$dir" && "$top/configure" -q --enable-werror "$@")
	make -C "$dir" -s -j"$jobs"
}

build build
make -C "$top/build" -j"$jobs" check || { cat "$top"/build/test-suite.log 2>/dev/null | tail -80; exit 1; }

build build-asan --enable-sanitizer=address,undefined
unit=$(make -s -C "$top/build-asan" print-unit-tests)
[ -z "$unit" ] || ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	make -C "$top/build-asan" -j"$jobs" check TESTS="$unit" ||
	{ tail -80 "$top/build-asan/test-suite.log"; exit 1; }

build build-tsan --enable-sanitizer=thread
tsan=$(make -s -C "$top/build-tsan" print-tsan-tests)
[ -z "$tsan" ] || TSAN_OPTIONS=halt_on_error=1 \
	make -C "$top/build-tsan" -j"$jobs" check TESTS="$tsan" ||
	{ tail -80 "$top/build-tsan/test-suite.log"; exit 1; }
echo "check.sh: all test suites passed"
