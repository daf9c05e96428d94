#!/bin/sh
# Runs the whole test suite: build with -Werror, `make check`, then the unit
# tests again under AddressSanitizer+UndefinedBehaviorSanitizer and the
# concurrent ones under ThreadSanitizer, a bounded libFuzzer run on the
# trace reader (FUZZ_SECONDS, default 60) and the compatibility run over
# real programs (tests/compat/run.sh).  Builds in build/, build-asan/,
# build-tsan/ and build-fuzz/ beside this script.  Needs the packages of
# scripts/install-deps.sh.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

suite() { # build dir, list of tests ("" = all), environment...
	dir=$top/$1 tests=$2
	shift 2
	if [ -n "$tests" ]; then
		env "$@" make -C "$dir" -j"$jobs" check TESTS="$tests"
	else
		env "$@" make -C "$dir" -j"$jobs" check
	fi || { tail -n 100 "$dir/test-suite.log" 2>/dev/null; exit 1; }
}

sh "$top/scripts/build.sh" build
suite build ""

sh "$top/scripts/build.sh" build-asan --enable-sanitizer=address,undefined
unit=$(make -s -C "$top/build-asan" print-unit-tests)
[ -z "$unit" ] || suite build-asan "$unit" ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

sh "$top/scripts/build.sh" build-tsan --enable-sanitizer=thread
tsan=$(make -s -C "$top/build-tsan" print-tsan-tests)
[ -z "$tsan" ] || suite build-tsan "$tsan" TSAN_OPTIONS=halt_on_error=1

sh "$top/tests/fuzz/run.sh" "${FUZZ_SECONDS:-60}"
sh "$top/tests/compat/run.sh" "$top/build"
echo "check.sh: all test suites passed"
