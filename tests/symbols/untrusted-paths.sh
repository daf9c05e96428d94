#!/bin/sh
# A trace is untrusted input, and its module map may name anything: a
# FIFO (open would block forever), a device, a directory, /proc, a file
# that is not ELF or has another build-id.  The report must come at once,
# show each such frame as module+offset, and say once on stderr why; a
# genuine module next to them is still named.  Then --no-local-files
# (report and check).
. "$top_srcdir/tests/e2e/lib.sh"

prog=$top_builddir/tests/symbols/cxx_string
mk=$top_builddir/tests/symbols/crafted_trace
build_id() { ${READELF:-readelf} -n "$1" | sed -n 's/.*Build ID: //p'; }
bid=$(build_id "$prog")
[ -n "$bid" ] || skip "no build-id in $prog"
main=$(${NM:-nm} "$prog" | awk '$3 == "main" { print "0x" $1; exit }')
[ -n "$main" ] || skip "no symbol main in $prog"
ret=$(printf '0x%x' $((main + 4))) # a return address inside main

mkfifo fifo
mkdir dir
yes 'not an ELF file' | head -n 300 >notelf.txt
head -c 200 "$prog" >truncated
cp "$prog" other # same file, but the trace says another build-id
ln -s /dev/zero zlink

"$mk" crafted.trace \
	"$prog=$bid" "$ret" \
	"$tmp/fifo=$bid" 0x1234 \
	"/dev/zero=$bid" 0x1234 \
	"/dev/tty=$bid" 0x1234 \
	"$tmp/dir=$bid" 0x1234 \
	"$tmp/notelf.txt=$bid" 0x10 \
	"$tmp/truncated=$bid" 0x10 \
	"$tmp/other=00112233445566778899aabbccddeeff00112233" "$ret" \
	"/proc/self/status=$bid" 0x10 \
	"$tmp/zlink=$bid" 0x20 ||
	fail "crafted_trace exited $?"

report() { # ARGS...: the allocation list of crafted.trace, bounded in time
	rrc=0
	timeout 60 "$MA" -t allocations --top 0 "$@" crafted.trace \
		>report.txt 2>report.err </dev/null || rrc=$?
	[ "$rrc" != 124 ] || fail "the report hung (killed after 60 s)"
	expect "report status ($*)" 0 "$rrc"
}

report
# module+offset for each, and the reason on stderr, once.
reason() { # MODULE-PATH REASON-START
	expect_grep "frame of $1 as module+offset" "at ${1##*/}+0x" report.txt
	n=$(grep -c "^memory-analyzer: module $1: $2" report.err || true)
	[ "$n" = 1 ] || { cat report.err >&2; fail "$1: '$2' said $n times"; }
	pass "$1: $2"
}
regular='not a regular file'
reason "$tmp/fifo" "$regular"
reason /dev/zero "$regular"
reason /dev/tty "$regular"
reason "$tmp/dir" "$regular"
reason "$tmp/zlink" "$regular"
reason "$tmp/notelf.txt" 'not a readable ELF file'
reason "$tmp/truncated" 'not a readable ELF file'
reason "$tmp/other" 'build-id mismatch'
reason /proc/self/status 'on a kernel pseudo-filesystem'
expect_grep "the genuine module is named" '^      at main (.*cxx_string.cc:[0-9]*)' report.txt
expect "lines on stderr" 9 "$(wc -l <report.err)"

# The FIFO was never opened: a writer would see no reader.
exec 3<>fifo # (read-write: does not block)
exec 3>&-
pass "nothing held the FIFO"

# --no-local-files: nothing the trace names is opened, not even the
# genuine module, and nothing is said about it.
report --no-local-files
expect_grep "no-local-files: module+offset" "at cxx_string+$ret" report.txt
expect "no-local-files: nothing on stderr" "" "$(cat report.err)"

# check takes it too: without it the genuine module's frame is named,
# with it not, nothing is said about the module, and the gate still
# fails on the leak.
"$mk" genuine.trace "$prog=$bid" "$ret" || fail "crafted_trace exited $?"
gate() { # ARGS...: check --max-leaked 0 on genuine.trace, which fails
	crc=0
	timeout 60 "$MA" check --max-leaked 0 "$@" genuine.trace \
		>check.txt 2>check.err </dev/null || crc=$?
	expect "check $*: status (the gate failed)" 1 "$crc"
}
gate
expect_grep "check: main named" "main (cxx_string.cc:[0-9]*)" check.txt
gate --no-local-files
expect_grep "check --no-local-files: module+offset" "?+$ret (cxx_string)" check.txt
! grep -q 'main (' check.txt || { cat check.txt >&2; fail "check --no-local-files: main named"; }
expect "check --no-local-files: nothing on stderr" "" "$(cat check.err)"

# ... but a debug file of the recorded build-id in --debug-dir names it.
sub=debug/.build-id/$(echo "$bid" | cut -c1-2)
mkdir -p "$sub"
${OBJCOPY:-objcopy} --only-keep-debug "$prog" "$sub/$(echo "$bid" | cut -c3-).debug"
report --no-local-files --debug-dir "$tmp/debug"
expect_grep "no-local-files, --debug-dir: named from the debug file" \
	'^      at main (.*cxx_string.cc:[0-9]*)' report.txt

# A sysroot confines every path to it: ../ and absolute symlinks stay in.
mkdir -p root/lib
ln -s "$prog" root/lib/abs-link
mkfifo root/lib/fifo
report --sysroot "$tmp/root" --no-local-files
for p in "$prog" /dev/zero "$tmp/fifo"; do
	expect_grep "sysroot: $p not read" "at ${p##*/}+0x" report.txt
done
"$mk" escape.trace "/../../../../..$prog=$bid" "$ret" "/lib/abs-link=$bid" "$ret" \
	"/lib/fifo=$bid" 0x10 ||
	fail "crafted_trace exited $?"
rrc=0
timeout 60 "$MA" -t allocations --top 0 --sysroot "$tmp/root" escape.trace \
	>escape.txt 2>escape.err </dev/null || rrc=$?
[ "$rrc" != 124 ] || fail "the report hung on a FIFO in the sysroot"
expect "sysroot escape: report status" 0 "$rrc"
expect_grep "sysroot: a FIFO in it is not read" \
	"^memory-analyzer: module /lib/fifo: not a regular file" escape.err
! grep -q '^      at main' escape.txt || { cat escape.txt >&2; fail "a path left the sysroot"; }
pass "sysroot: ../ and an absolute symlink do not leave it"

# Two traces naming the same refused module (a process and its child):
# said once.
cp crafted.trace crafted2.trace
rrc=0
timeout 60 "$MA" --top 0 crafted.trace crafted2.trace >two.txt 2>two.err </dev/null || rrc=$?
expect "two traces: report status" 0 "$rrc"
expect "two traces: /dev/zero said once" 1 "$(grep -c '^memory-analyzer: module /dev/zero:' two.err)"
