#!/bin/sh
# bench/spawn, which runs every command the bench measures: what it
# reports (status, CPU, peak RSS), that a command's peak RSS does not
# inherit the high-water mark of the process that started spawn, and that
# the preload reaches the command but not spawn itself.
set -u
: "${top_builddir:=.}"
spawn=$top_builddir/bench/spawn
probe=$top_builddir/probes/.libs/libmemory-analyzer-probe.so
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# field N of the report in out (1 wall ns, 2 CPU ns, 3 max RSS KiB, 4 status)
field() {
	awk -v n="$1" '{ print $n }' out
}

# The command's status, as wait(2) gives it; spawn itself exits 0.
"$spawn" out sh -c 'exit 3'
code=$?
[ "$code" = 0 ] || fail "spawn exited $code for a command that exits 3"
[ "$(wc -w <out)" = 4 ] || fail "report is not four fields: $(cat out)"
[ "$(field 4)" = $((3 << 8)) ] || fail "status $(field 4), expected $((3 << 8))"
[ "$(field 1)" -gt 0 ] || fail "wall time $(field 1) ns"

# A command that cannot run: status 127, as from a shell.
"$spawn" out ./no-such-program 2>err
[ "$(field 4)" = $((127 << 8)) ] || fail "missing program: status $(field 4)"
grep -q "cannot run ./no-such-program" err || fail "missing program: message '$(cat err)'"

# No command: usage, exit 127, no report.
rm -f out
"$spawn" out 2>err
code=$?
[ "$code" = 127 ] || fail "no command: exit $code, expected 127"
[ ! -e out ] || fail "no command: a report was written"

# CPU and peak RSS are the command's: dd touches a 64 MiB buffer; a
# busy loop of the shell takes CPU.
"$spawn" out dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
[ "$(field 3)" -ge 65536 ] || fail "dd with a 64 MiB buffer: max RSS $(field 3) KiB"
"$spawn" out sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done'
[ "$(field 2)" -ge 10000000 ] || fail "a busy loop took $(field 2) ns of CPU"

# Started from a shell that holds 64 MiB, a small command still reads
# small: the floor the bench's Python process used to put under every
# figure.
big=$(head -c 67108864 /dev/zero | tr '\0' x)
"$spawn" out true
[ "$(field 3)" -lt 16384 ] || fail "true started from a 64 MiB shell: max RSS $(field 3) KiB"
[ "${#big}" = 67108864 ] || fail "the shell did not hold the 64 MiB (${#big})"
unset big

# BENCH_LD_PRELOAD is the command's LD_PRELOAD, and spawn itself runs
# without it: one trace, the command's.
BENCH_LD_PRELOAD=$probe MEMORY_ANALYZER_OUTPUT=$tmp/t.%p.trace \
	"$spawn" out sh -c 'echo "$LD_PRELOAD|${BENCH_LD_PRELOAD-unset}" >env.txt'
[ "$(cat env.txt)" = "$probe|unset" ] || fail "command's environment: $(cat env.txt)"
n=$(ls "$tmp" | grep -c '^t\..*\.trace$')
[ "$n" = 1 ] || fail "$n traces, expected 1 (the command's)"

[ "$fails" = 0 ] || exit 1
echo "test_spawn: all passed"
