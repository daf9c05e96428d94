#!/bin/sh
# bench/spawn, which runs every command the bench measures: what it
# reports (status, CPU, peak RSS), that a command's peak RSS does not
# inherit the high-water mark of the process that started spawn, and that
# the preload reaches the command but not spawn itself.
. "$top_srcdir/tests/e2e/lib.sh"
spawn=$top_builddir/bench/spawn
probe=$top_builddir/probes/.libs/libmemory-analyzer-probe.so

# field N of the report in out (1 wall ns, 2 CPU ns, 3 max RSS KiB, 4 status)
field() {
	awk -v n="$1" '{ print $n }' out
}

# at_least WHAT MIN ACTUAL
at_least() {
	[ "$3" -ge "$2" ] || fail "$1: $3, expected at least $2"
	pass "$1: $3 >= $2"
}

# The command's status, as wait(2) gives it; spawn itself exits 0.
rc=0
"$spawn" out sh -c 'exit 3' || rc=$?
expect "spawn's exit for a command that exits 3" 0 "$rc"
expect "fields of the report" 4 "$(wc -w <out | tr -d ' ')"
expect "status" $((3 << 8)) "$(field 4)"
at_least "wall time (ns)" 1 "$(field 1)"

# A command that cannot run: status 127, as from a shell.
"$spawn" out ./no-such-program 2>err
expect "status of a missing program" $((127 << 8)) "$(field 4)"
expect_grep "message for a missing program" "cannot run ./no-such-program" err

# No command: usage, exit 127, no report.
rm -f out
rc=0
"$spawn" out 2>err || rc=$?
expect "exit without a command" 127 "$rc"
[ ! -e out ] || fail "a report was written without a command"

# CPU and peak RSS are the command's: dd touches a 64 MiB buffer; a busy
# loop of the shell takes CPU.
"$spawn" out dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
at_least "max RSS of dd with a 64 MiB buffer (KiB)" 65536 "$(field 3)"
"$spawn" out sh -c 'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done'
at_least "CPU of a busy loop (ns)" 10000000 "$(field 2)"

# Started from a shell that holds 64 MiB, a small command still reads
# small: the floor the bench's Python process used to put under every
# figure.
big=$(head -c 67108864 /dev/zero | tr '\0' x)
expect "bytes the shell holds" 67108864 "${#big}"
"$spawn" out true
rss=$(field 3)
[ "$rss" -lt 16384 ] || fail "true started from a 64 MiB shell: max RSS $rss KiB"
pass "true started from a 64 MiB shell: max RSS $rss KiB"
unset big

# BENCH_LD_PRELOAD is the command's LD_PRELOAD, and spawn itself runs
# without it: one trace, the command's.
BENCH_LD_PRELOAD=$probe MEMORY_ANALYZER_OUTPUT=$tmp/t.%p.trace \
	"$spawn" out sh -c 'echo "$LD_PRELOAD|${BENCH_LD_PRELOAD-unset}" >env.txt'
expect "the command's environment" "$probe|unset" "$(cat env.txt)"
expect "traces written" 1 "$(ls | grep -c '^t\..*\.trace$')"
