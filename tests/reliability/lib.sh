# Shared by the reliability tests, tests/reliability/NN-name.sh, on top of
# tests/e2e/lib.sh (same temporary directory, record, traces, count...):
#   . "$top_srcdir/tests/reliability/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

REL=$top_builddir/tests/reliability

# record_limited SECONDS ARGS...: record ARGS, failing if it takes longer
# (a hang is a failure, not a stuck test run).
record_limited() {
	limit=$1
	shift
	rc=0
	started=$(date +%s)
	timeout -k 5 "$limit" "$MA" record "$@" >out 2>err || rc=$?
	[ "$rc" != 124 ] && [ $(($(date +%s) - started)) -lt "$limit" ] ||
		{ cat err >&2; fail "record $* did not finish within $limit s"; }
}

# sized FN SIZE TRACE: allocation records of function FN with that size.
sized() {
	dump_ok_or_truncated "$3"
	awk -v fn="$1" -v size="$2" '
		($2 == "alloc" || $2 == "alloc-aligned") && $0 ~ " size=" size " " &&
		$0 ~ " fn=" fn "( |$)" { n++ }
		END { print n + 0 }' "$3.dump"
}

# trailer_of TRACE: "exit=KIND status=N lost=N" from the last trailer (a
# failed exec's is followed by the end's), or "none".
trailer_of() {
	dump_ok_or_truncated "$1"
	t=$(sed -n 's/.* trailer exit=\([^ ]*\) status=\([^ ]*\) .* lost=\([0-9]*\)$/exit=\1 status=\2 lost=\3/p' "$1.dump" | tail -n 1)
	echo "${t:-none}"
}

# lost_records TRACE: the sum of the counts of its lost records.
lost_records() {
	dump_ok_or_truncated "$1"
	awk '$2 == "lost" { sub(/.*count=/, ""); n += $1 } END { print n + 0 }' "$1.dump"
}

# dump_ok_or_truncated TRACE: dump into TRACE.dump; exit 0 or 4 (a trace
# without trailer), nothing else.
dump_ok_or_truncated() {
	drc=0
	"$MA" dump "$1" >"$1.dump" 2>"$1.dump-err" || drc=$?
	[ "$drc" = 0 ] || [ "$drc" = 4 ] ||
		{ cat "$1.dump-err" >&2; fail "dump '$1' exited $drc"; }
}

# decodes_to_end TRACE: every byte of the file belongs to a chunk dump
# decoded (nothing damaged, whether or not a trailer was written).
decodes_to_end() {
	dump_ok_or_truncated "$1"
	! grep -q "chunk [0-9]* at offset" "$1.dump-err" ||
		{ cat "$1.dump-err" >&2; fail "'$1' is damaged"; }
}
