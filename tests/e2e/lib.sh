# Shared by the end-to-end tests, tests/e2e/NN-name.sh.  Each test sources
# it first:  . "$top_srcdir/tests/e2e/lib.sh"
# It runs in a fresh temporary directory, removed at exit; top_builddir and
# top_srcdir come from make check (AM_TESTS_ENVIRONMENT).
set -eu

: "${top_builddir:?run the end-to-end tests through make check}"
: "${top_srcdir:?run the end-to-end tests through make check}"

MA=$top_builddir/memory-analyzer
PROGS=$top_builddir/tests/progs
PLUGIN=$PROGS/.libs/plugin-mod.so
test_name=$(basename "$0" .sh)

# A user's own settings must not change what the tests see.
unset MEMORY_ANALYZER_PROBE MEMORY_ANALYZER_OUTPUT MEMORY_ANALYZER_DEPTH \
	MEMORY_ANALYZER_SAMPLE_MS MEMORY_ANALYZER_FOLLOW MEMORY_ANALYZER_OFF \
	MEMORY_ANALYZER_SESSION MEMORY_ANALYZER_HUGEPAGES LD_PRELOAD

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ma-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

fail() { echo "FAIL: $test_name: $*" >&2; exit 1; }
skip() { echo "SKIP: $test_name: $*" >&2; exit 77; }
pass() { echo "ok: $test_name: $*"; }

# expect WHAT EXPECTED ACTUAL
expect() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	pass "$1 = $2"
}

# expect_file WHAT EXPECTED_FILE ACTUAL_FILE: the two must be identical.
expect_file() {
	diff -u "$2" "$3" >&2 || fail "$1: differs from what was expected (diff above)"
	pass "$1"
}

# expect_grep WHAT PATTERN FILE
expect_grep() {
	grep -q -- "$2" "$3" || { cat "$3" >&2; fail "$1: no line matches '$2' in $3"; }
	pass "$1"
}

# record ARGS...: memory-analyzer record ARGS; stdout into out, stderr into
# err, the exit status into $rc.
record() {
	rc=0
	"$MA" record "$@" >out 2>err || rc=$?
}

# traces: the traces record named in err, one path a line, in its order.
traces() {
	sed -n 's/^memory-analyzer: trace written: \(.*\) (pid [0-9]*)$/\1/p' err
}

# trace_of_pid PID: the trace record named for that process.
trace_of_pid() {
	sed -n "s/^memory-analyzer: trace written: \\(.*\\) (pid $1)\$/\\1/p" err
}

# one_trace: the only trace record named; fails unless there is exactly one.
one_trace() {
	[ "$(traces | wc -l)" = 1 ] || { cat err >&2; fail "expected exactly one trace"; }
	traces
}

# dump_ok TRACE: dump TRACE into TRACE.dump; fails unless dump exits 0.
dump_ok() {
	drc=0
	"$MA" dump "$1" >"$1.dump" 2>"$1.dump-err" || drc=$?
	[ "$drc" = 0 ] || { cat "$1.dump-err" >&2; fail "dump '$1' exited $drc"; }
}

# count SECTION NAME TRACE: a count from `dump --summary`, SECTION being
# "records" (per record tag) or "functions" (per allocation function);
# 0 when the name is not listed.
count() {
	"$MA" dump --summary "$3" | awk -v sec="$1:" -v name="$2" '
		/^[a-z]+:/ { in_sec = ($1 == sec); next }
		in_sec && /^  / {
			n = $NF; $NF = ""; sub(/^ +/, ""); sub(/ +$/, "")
			if ($0 == name) found = n
		}
		END { print found == "" ? 0 : found }'
}

# The awk program of site_events: reads a dump twice (first for stack
# definitions and module paths, then for events) and prints one line per
# heap block event: "alloc FRAME SIZE FN" or "free FRAME SIZE FN" with
# FRAME the first frame of the allocating stack as module+0xoffset, FN the
# allocation function.  Blocks are matched to their release by producer
# and address; realloc counts as the release of the old block and the
# allocation of the new one.
site_events_awk='
function fnof(line) {
	sub(/.* fn=/, "", line); sub(/ (alignment|after)=.*/, "", line)
	return line
}
function field(line, key,   v) {
	v = line; if (!sub(".* " key "=", "", v)) return ""
	sub(/ .*/, "", v); return v
}
function take(k) { return prod ":" k }
function alloc(addr, size, stk, fn) {
	key = take(addr); site[key] = frame[stk]; bytes[key] = size; func[key] = fn
	print "alloc", frame[stk], size, fn
}
function release(addr) {
	key = take(addr)
	if (key in site) { print "free", site[key], bytes[key], func[key]; delete site[key] }
}
NR == FNR {
	if ($1 == "chunk") next
	if ($2 == "stack") { want = field($0, "id"); next }
	if (want != "" && $1 == "#0") { frame[want] = $3; want = ""; next }
	next
}
$1 == "chunk" { prod = field($0, "producer"); next }
$2 == "alloc" || $2 == "alloc-aligned" {
	alloc(field($0, "addr"), field($0, "size"), field($0, "stack"), fnof($0)); next
}
$2 == "free" { release(field($0, "addr")); next }
$2 == "realloc" {
	old = field($0, "old"); new = field($0, "new"); size = field($0, "size")
	if (new == "0x0" && size != 0) next
	if (old != "0x0") release(old)
	if (new != "0x0") alloc(new, size, field($0, "stack"), fnof($0))
	next
}'

# module_path TRACE.dump NAME: the path of the module called NAME.
module_path() {
	sed -n 's/.* module id=[0-9]* .* path="\([^"]*\)".*/\1/p' "$1" |
		awk -v n="$2" '{ b = $0; sub(/.*\//, "", b); if (b == n) { print; exit } }'
}

# resolve TRACE.dump MODULE+0xOFF: the function holding the call before
# that return address, by eu-addr2line on the module's file.  The offset
# is what follows the last "+": a module name may hold "+" itself
# (libstdc++.so.6+0x9a2c0).
resolve() {
	res_off=${2##*+}
	path=$(module_path "$1" "${2%+*}")
	case $res_off in
	0x*) ;;
	*) echo "?"; return ;;
	esac
	[ -n "$path" ] || { echo "?"; return; }
	eu-addr2line -f -e "$path" "$(printf '0x%x' $((res_off - 1)))" | head -1
}

# sites TRACE: per call site and size, "FUNCTION FN SIZE allocs=A frees=F"
# sorted, FUNCTION resolved with eu-addr2line, FN with "_" for spaces.
sites() {
	dump_ok "$1"
	awk "$site_events_awk" "$1.dump" "$1.dump" >"$1.events"
	# FN may hold a space ("operator new"): joined with "_" here.
	awk '{ fn = $4; for (i = 5; i <= NF; i++) fn = fn "_" $i
	       k = $2 " " fn " " $3; if ($1 == "alloc") a[k]++; else f[k]++ }
	     END { for (k in a) print k, a[k], f[k] + 0 }' "$1.events" |
	while read -r frame fn size allocs frees; do
		printf '%s %s %s allocs=%s frees=%s\n' \
			"$(resolve "$1.dump" "$frame")" "$fn" "$size" "$allocs" "$frees"
	done | sort
}

# mappings TRACE: one line per mmap, mremap and munmap record, in file
# order: "mmap FUNCTION LENGTH anon|file", "mremap FUNCTION OLD NEW",
# "munmap LENGTH".
mappings() {
	dump_ok "$1"
	awk 'NR == FNR {
		if ($2 == "stack") { want = $3; sub(/id=/, "", want); next }
		if (want != "" && $1 == "#0") { frame[want] = $3; want = "" }
		next
	}
	function field(key,   v) { v = $0; sub(".* " key "=", "", v); sub(/ .*/, "", v); return v }
	function hex(s,   v, i) { v = 0; sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) v = v * 16 + index("123456789abcdef", substr(s, i, 1))
		return v }
	function anon(f) { return int(hex(f) / 32) % 2 == 1 }   # MAP_ANONYMOUS, 0x20
	$2 == "mmap" { print "mmap", frame[field("stack")], field("length"), anon(field("flags")) ? "anon" : "file" }
	$2 == "mremap" { print "mremap", frame[field("stack")], field("old_length"), field("new_length") }
	$2 == "munmap" { print "munmap", field("length") }' "$1.dump" "$1.dump" |
	while read -r kind a b c; do
		case $kind in
		munmap) echo "munmap $a" ;;
		*) echo "$kind $(resolve "$1.dump" "$a") $b $c" ;;
		esac
	done
}

# same_under_record NAME PROGRAM ARGS...: runs the program without and
# with record (stdin from /dev/null both times) and fails unless stdout
# and the exit status are identical and every trace of the run decodes
# completely: dump --summary exits 0 and nothing mentions a checksum.
same_under_record() {
	name=$1
	shift
	prc=0
	"$@" </dev/null >"$name.plain" 2>/dev/null || prc=$?
	record -- "$@" </dev/null
	cp out "$name.recorded"
	cp err "$name.err"
	cmp -s "$name.plain" "$name.recorded" ||
		{ diff "$name.plain" "$name.recorded" | head -20 >&2; fail "$name: stdout differs under record"; }
	expect "$name: exit status under record" "$prc" "$rc"
	ntraces=$(traces | wc -l)
	[ "$ntraces" -ge 1 ] || { cat err >&2; fail "$name: no trace written"; }
	for t in $(traces); do
		drc=0
		"$MA" dump --summary "$t" >"$t.summary" 2>"$t.summary-err" || drc=$?
		[ "$drc" = 0 ] || { cat "$t.summary-err" >&2; fail "$name: dump --summary '$t' exited $drc"; }
		! grep -qi checksum "$t.summary" "$t.summary-err" || fail "$name: checksum error in '$t'"
		grep -q '^complete: yes' "$t.summary" || fail "$name: '$t' is not complete"
		rm -f "$t"
	done
	pass "$name: same stdout and status, $ntraces trace(s) decoded"
}
