# Shared by tests/gate/NN-name.sh: tests/e2e/lib.sh, plus the three builds
# of tests/gate/leaky.c copied under one name, as two builds of one
# program would be: a/leaky (the reference), more/leaky (leaks more,
# peaks higher), o0/leaky (other code layout, same behaviour).
. "$top_srcdir/tests/e2e/lib.sh"

for build in a:leaky more:leaky_more o0:leaky_o0; do
	mkdir -p "${build%%:*}"
	cp "$top_builddir/tests/gate/${build#*:}" "${build%%:*}/leaky"
done

# rec NAME DIR: records DIR/leaky into NAME.trace.
rec() {
	"$MA" record -o "$1.trace" -- "$2/leaky" >/dev/null 2>rec.err ||
		{ cat rec.err >&2; fail "record $2/leaky exited $?"; }
}

# run_ma ARGS...: memory-analyzer ARGS, stdout into out, stderr into err,
# the exit status into $rc.
run_ma() {
	rc=0
	"$MA" "$@" >out 2>err || rc=$?
}

# expect_line WHAT LINE: out holds exactly this line.
expect_line() {
	grep -qxF -- "$2" out || { cat out err >&2; fail "$1: no line '$2'"; }
	pass "$1"
}

# expect_err WHAT LINE: err holds exactly this line.
expect_err() {
	grep -qxF -- "$2" err || { cat err >&2; fail "$1: no line '$2' on stderr"; }
	pass "$1"
}
