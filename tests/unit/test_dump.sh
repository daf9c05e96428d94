#!/bin/sh
# memory-analyzer dump on traces written by tests/unit/make_trace: the
# line formats, and the exit codes and messages for good, truncated,
# corrupt and unreadable traces.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
ma=$top_builddir/memory-analyzer
mk=$top_builddir/tests/unit/make_trace
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run_dump EXPECTED-CODE ARGS...: output in out, errors in err
run_dump() {
	want=$1
	shift
	"$ma" dump "$@" >out 2>err
	code=$?
	[ "$code" = "$want" ] || fail "dump $*: exit $code, expected $want ($(cat err))"
}

has_line() { # FILE LINE
	grep -qxF -- "$2" "$1" || fail "$1 lacks the line: $2"
}

lacks() { # FILE PATTERN
	! grep -qF -- "$2" "$1" || fail "$1 has: $2"
}

"$mk" good.trace && "$mk" -n killed.trace && "$mk" -z -b big.trace || exit 99

run_dump 0 good.trace
has_line out "trace 'good.trace' format=3 size=480"
has_line out "chunk 0 offset=16 producer=0 seq=0 kind=header codec=none stored=50 raw=50 records=1 ts_first=-"
has_line out '  0.000 process pid=1234 ppid=1 start_realtime=42 start_monotonic=1000000000 flags=0x0 parent_fork_ts=0 stack_depth=64 sample_interval_ms=10 exe="/usr/bin/prog" cmdline="prog\x00-v" probe_version="0.1.0" session=""'
has_line out '  0.000 module id=1 bias=0x555555554000 lo=0x555555554000 hi=0x555555564000 path="/usr/bin/prog" build_id=1234'
has_line out "chunk 2 offset=250 producer=1 seq=0 kind=records codec=none stored=70 raw=70 records=5 ts_first=0.001"
has_line out "  0.001 stack id=1 depth=4"
has_line out "    #0 0x5555555551e4 prog+0x11e4"
has_line out "    #1 0x555555555200 prog+0x1200"
has_line out "    #2 0x7f0000029d90 libc.so.6+0x29d90"
has_line out "    #3 0x1234 ?"
has_line out '  0.001 thread tid=4321 name="main"'
has_line out "  0.002 alloc addr=0x5000 size=100 stack=1 fn=malloc"
has_line out "  0.004 realloc old=0x5000 new=0x6000 size=200 stack=1 fn=realloc after=0.004"
has_line out "  1.234 free addr=0x6000 fn=free"
has_line out '  0.003 mmap addr=0x7f1000000000 length=8192 prot=0x3 flags=0x22 fd=-1 offset=0 stack=1 fn=mmap path=""'
has_line out "  2.000 trailer exit=exit status=0 events=4 stacks=1 chunks=4 lost=0"
[ -s err ] && fail "good trace: unexpected stderr: $(cat err)"

run_dump 0 --no-frames good.trace
lacks out "#0 "

run_dump 0 --summary good.trace
has_line out "stacks: 1"
has_line out "threads: 1"
has_line out "producers: 3"
has_line out "modules: 2"
has_line out "complete: yes (exit=exit status=0)"
lacks out "alloc addr="

run_dump 0 big.trace
grep -q "^chunk 4 offset=[0-9]* producer=3 seq=0 kind=records codec=zstd .* raw=6014 records=1000 " out ||
	fail "big trace: no compressed chunk of 1000 records"
[ "$(grep -c ' alloc addr=.* fn=calloc$' out)" = 1000 ] || fail "big trace: not 1000 callocs"

# a trace of format version 2, as the probe wrote it before version 3:
# read the same way (tests/fuzz/corpus keeps it as a seed too)
run_dump 0 "$top_srcdir/tests/fuzz/corpus/v2-newdel.trace"
grep -q "^trace '.*v2-newdel.trace' format=2 size=1706$" out || fail "v2 trace: no format=2 line"
has_line out "  0.906 stack id=24386 depth=6"
has_line out "    #1 0x55b9a60ae0d9 newdel+0x10d9"
[ "$(grep -c ' alloc addr=.* fn=operator new$' out)" = 12 ] || fail "v2 trace: not 12 operator new"
run_dump 0 --summary "$top_srcdir/tests/fuzz/corpus/v2-newdel.trace"
has_line out "  alloc-aligned  3"
has_line out "  operator delete[]  6"
has_line out "stacks: 7"
has_line out "complete: yes (exit=exit status=0)"

# killed before the trailer
run_dump 4 killed.trace
has_line err "memory-analyzer: 'killed.trace': trace is truncated: no trailer (the process was killed or is still running)"
has_line out "  1.234 free addr=0x6000 fn=free"

# a bit flipped in the payload of chunk 2
cp good.trace flip.trace
printf '\377' | dd of=flip.trace bs=1 seek=$((250 + 40 + 5)) conv=notrunc 2>/dev/null
run_dump 4 flip.trace
has_line err "memory-analyzer: 'flip.trace': chunk 2 at offset 250: checksum mismatch; 230 bytes after it were not read"
has_line out '  0.000 module id=2 bias=0x7f0000000000 lo=0x7f0000001000 hi=0x7f0000200000 path="/lib/x86_64-linux-gnu/libc.so.6" build_id=-'
lacks out "chunk 2 "

# cut inside chunk 2's payload, then exactly after it
head -c 312 good.trace >cut.trace
run_dump 4 cut.trace
has_line err "memory-analyzer: 'cut.trace': chunk 2 at offset 250: truncated, 22 of 70 payload bytes present; 62 bytes after it were not read"
head -c 262 good.trace >cut.trace
run_dump 4 cut.trace
has_line err "memory-analyzer: 'cut.trace': chunk 2 at offset 250: truncated, 12 of 40 header bytes present; 12 bytes after it were not read"
head -c 360 good.trace >cut.trace
run_dump 4 cut.trace
has_line err "memory-analyzer: 'cut.trace': trace is truncated: no trailer (the process was killed or is still running)"
has_line out "  1.234 free addr=0x6000 fn=free"

# not readable at all: exit 3
head -c 16 good.trace >prefix.trace
run_dump 3 prefix.trace
has_line err "memory-analyzer: cannot read 'prefix.trace': no header chunk (the file ends after its prefix)"
printf 'hello world, not a trace\n' >text.trace
run_dump 3 text.trace
has_line err "memory-analyzer: cannot read 'text.trace': not a memory-analyzer trace (bad magic)"
{ printf '\211MATRACE\007\000\000\000\000\000\000\000'; tail -c +17 good.trace; } >v7.trace
run_dump 3 v7.trace
has_line err "memory-analyzer: cannot read 'v7.trace': trace format version 7 is not supported (this build reads versions 2 to 3)"
run_dump 3 missing.trace
has_line err "memory-analyzer: cannot read 'missing.trace': No such file or directory"
mkdir dir.trace
run_dump 3 dir.trace
has_line err "memory-analyzer: cannot read 'dir.trace': is a directory"
cp good.trace head.trace
printf '\377' | dd of=head.trace bs=1 seek=$((16 + 40)) conv=notrunc 2>/dev/null
run_dump 3 head.trace
has_line err "memory-analyzer: cannot read 'head.trace': no readable header chunk: chunk 0 at offset 16: checksum mismatch"

# usage
run_dump 0 --help
run_dump 2
run_dump 2 --no-such-option good.trace
run_dump 2 good.trace good.trace

[ "$fails" = 0 ] || exit 1
exit 0
