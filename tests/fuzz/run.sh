#!/bin/sh
# Fuzzes the trace reader with libFuzzer for SECONDS (default 60), from
# the seed corpus, in build-fuzz/ beside this source tree.  Needs clang
# with its runtime (Debian: clang-14, libclang-rt-14-dev).  Exits non-zero
# when a crash was found (saved as build-fuzz/crash-*).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
dir=$top/build-fuzz
cc=$(command -v clang-14 || command -v clang || true)
[ -n "$cc" ] || { echo "fuzz: no clang, skipped" >&2; exit 0; }

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$dir"
if [ ! -f "$dir/Makefile" ]; then
	(cd "$dir" && "$top/configure" -q CC="$cc" \
		CFLAGS="-g -O1 $san -fsanitize=fuzzer-no-link" LDFLAGS="$san")
fi
make -C "$dir" -s -j"$(nproc 2>/dev/null || echo 2)" lib/libma.la
"$cc" -g -O1 $san -fsanitize=fuzzer -I"$dir" -I"$top/lib" \
	"$top/tests/fuzz/fuzz_trace.c" "$dir/lib/.libs/libma.a" \
	$(pkg-config --libs libzstd libdw) -lm -o "$dir/fuzz_trace"
mkdir -p "$dir/corpus"
cp "$top"/tests/fuzz/corpus/* "$dir/corpus/"
cd "$dir"
./fuzz_trace -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 corpus "$top/tests/fuzz/regressions"
