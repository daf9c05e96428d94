#!/bin/sh
# The demo in two profiles: its summary is deterministic (logical clock,
# seeded generator), the same whether the model files were just made or
# already there, and the same bytes are seen through read and mmap.
set -eu
demo=${top_builddir:-.}/memory-analyzer-demo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ma-demo-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() { echo "test-demo: $*" >&2; exit 1; }

cat >"$tmp/healthy.want" <<'OUT'
memory-analyzer-demo: profile healthy, seed 1
models: 6 x 4 MiB, loaded with mmap, expand x1
cache: 4 models, ttl 60000 ms, peak 16 MiB
requests: 400, hits 382, misses 18, hit rate 95.5%
loads: 18, evictions: capacity 14, ttl 0, pressure 0
slow loads: none +0 ms
deliberate leaks: 0 blocks, 0 bytes
fragmenting table: 0 blocks kept
checksum: 54951af23127742c
OUT

cat >"$tmp/leaky.want" <<'OUT'
memory-analyzer-demo: profile leaky, seed 1
models: 6 x 4 MiB, loaded with mmap, expand x1
cache: 4 models, ttl 60000 ms, peak 16 MiB
requests: 400, hits 382, misses 18, hit rate 95.5%
loads: 18, evictions: capacity 14, ttl 0, pressure 0
slow loads: none +0 ms
deliberate leaks: 54 blocks, 164512 bytes
fragmenting table: 0 blocks kept
checksum: 54951af23127742c
OUT

run() { # name, args...
	name=$1; shift
	"$demo" --model-dir "$tmp/models" "$@" >"$tmp/$name.out" || fail "$name: exit $?"
}

run first --profile healthy       # creates the model files
run healthy --profile healthy     # finds them
run leaky --profile leaky
run read --profile healthy --load read
for p in first healthy leaky; do
	want=$tmp/$p.want
	[ "$p" = first ] && want=$tmp/healthy.want
	diff -u "$want" "$tmp/$p.out" || fail "$p: unexpected summary"
done
[ "$(grep checksum "$tmp/read.out")" = "$(grep checksum "$tmp/healthy.out")" ] ||
	fail "read and mmap loaded different bytes"
grep -q 'loaded with read' "$tmp/read.out" || fail "--load read ignored"

# Worker threads take the requests in turn: the same results.
run threaded --profile threaded
run workers3 --profile healthy --threads 3
for p in threaded workers3; do
	[ "$(grep -v '^inference' "$tmp/$p.out" | sed 1d)" = "$(sed 1d "$tmp/healthy.out")" ] ||
		fail "$p: results differ from healthy's"
done
grep -qx 'inference: 8 worker threads, 4096 KiB scratch per request' "$tmp/threaded.out" ||
	fail "threaded: $(grep inference "$tmp/threaded.out")"
grep -qx 'inference: 3 worker threads, 0 KiB scratch per request' "$tmp/workers3.out" ||
	fail "workers3: $(grep inference "$tmp/workers3.out")"

# Usage errors exit 2 and say why.
if "$demo" --profile nope >/dev/null 2>"$tmp/err"; then fail "bad profile accepted"; else rc=$?; fi
[ "$rc" = 2 ] || fail "bad profile: exit $rc, want 2"
grep -q "unknown profile 'nope'" "$tmp/err" || fail "bad profile: $(cat "$tmp/err")"
echo "test-demo: ok"
