#!/bin/sh
# The report command on a terminal (a pseudo-terminal from python3's pty
# module): colour unless NO_COLOR or --no-color, and a progress bar on
# stderr for traces above 32 MiB, only when stderr is the terminal.
set -u
: "${top_builddir:=.}"
ma=$top_builddir/memory-analyzer
mk=$top_builddir/tests/unit/make_analysis_trace
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99
"$mk" leaks leaks.trace && "$mk" churn 3200000 big.trace || exit 99
[ "$(wc -c <big.trace)" -gt $((32 << 20)) ] || { echo "FAIL: big.trace too small"; exit 1; }

cat >onterm.py <<'PY'
# onterm.py CASE: runs the case's command with stdin, stdout and stderr on
# a pseudo-terminal (stderr into a file for big_notty); prints what it saw.
import os, pty, re, sys
ma, case = sys.argv[1], sys.argv[2]
env = dict(os.environ, TERM="xterm")
env.pop("NO_COLOR", None)
args = {"colour": ["-t", "leaks", "leaks.trace"],
        "no_color_env": ["-t", "leaks", "leaks.trace"],
        "no_color_opt": ["-t", "leaks", "--no-color", "leaks.trace"],
        "big": ["-t", "summary", "big.trace"],
        "big_notty": ["-t", "summary", "big.trace"],
        "small": ["-t", "summary", "leaks.trace"]}[case]
if case == "no_color_env":
    env["NO_COLOR"] = "1"
pid, fd = pty.fork()
if pid == 0:
    if case == "big_notty":
        f = os.open("notty.err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(f, 2)
    os.execve(ma, [ma] + args, env)
out = b""
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
bars = re.findall(rb"\r\[(#*) *\] +(\d+)%", out)
print("exit=%d colour=%s bar=%s last=%s cleared=%s report=%s" % (
    code, b"\033[" in out.replace(b"\r\033[K", b""), bool(bars),
    bars[-1][1].decode() if bars else "-", b"\r\033[K" in out,
    b"Summary" in out))
PY

fails=0
# expect CASE LINE: what onterm.py says for CASE
expect() {
	got=$(python3 onterm.py "$ma" "$1") || { echo "FAIL: $1: onterm.py failed"; fails=$((fails + 1)); return; }
	if [ "$got" = "$2" ]; then
		echo "ok: $1: $got"
	else
		echo "FAIL: $1: expected '$2', got '$got'"
		fails=$((fails + 1))
	fi
}

expect colour "exit=0 colour=True bar=False last=- cleared=False report=True"
expect no_color_env "exit=0 colour=False bar=False last=- cleared=False report=True"
expect no_color_opt "exit=0 colour=False bar=False last=- cleared=False report=True"
expect small "exit=0 colour=True bar=False last=- cleared=False report=True"
expect big "exit=0 colour=True bar=True last=100 cleared=True report=True"
expect big_notty "exit=0 colour=True bar=False last=- cleared=False report=True"
[ ! -s notty.err ] || { echo "FAIL: big_notty: stderr in a file holds: $(cat notty.err)"; fails=$((fails + 1)); }
[ "$fails" = 0 ] || exit 1
echo "test_report_tty.sh: all passed"
