#!/bin/sh
# Compatibility: real programs from Debian packages, each with a workload
# of about a second, run plain and under `memory-analyzer record`.  Checks
# the same stdout and exit status, and that every trace of the run
# decodes (dump --summary exits 0).  Prints a table; exits 1 if any
# program differs, 0 otherwise (programs not installed are "skip").
#   tests/compat/run.sh [BUILD-DIR]      (default: build/ beside the source)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
MA=$build/memory-analyzer
[ -x "$MA" ] || { echo "compat: no $MA (build first)" >&2; exit 2; }
unset LD_PRELOAD MEMORY_ANALYZER_OUTPUT MEMORY_ANALYZER_OFF MEMORY_ANALYZER_SESSION
work=$(mktemp -d "${TMPDIR:-/tmp}/ma-compat.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export HOME=$work GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t LC_ALL=C
failed=0
printf '%-12s %-6s %7s %7s  %s\n' program result traces plain_s note

# case NAME STDIN-FILE COMMAND...: one row of the table.
case_() {
	name=$1 input=$2
	shift 2
	if ! command -v "$1" >/dev/null 2>&1; then
		printf '%-12s %-6s %7s %7s  %s\n' "$name" skip - - "$1 not installed"
		return
	fi
	mkdir -p "$work/$name/plain" "$work/$name/rec"
	t0=$(date +%s%N)
	prc=0
	(cd "$work/$name/plain" && "$@" <"$input" >../plain.out 2>/dev/null) || prc=$?
	secs=$(( ($(date +%s%N) - t0) / 10000000 ))
	rrc=0
	(cd "$work/$name/rec" && timeout 120 "$MA" record -o "$work/$name/t.%p.trace" -- "$@" \
		<"$input" >../rec.out 2>../rec.err) || rrc=$?
	note= ok=ok
	cmp -s "$work/$name/plain.out" "$work/$name/rec.out" || { ok=FAIL; note="stdout differs"; }
	[ "$prc" = "$rrc" ] || { ok=FAIL; note="$note status $prc vs $rrc"; }
	n=0
	for t in "$work/$name"/t.*.trace; do
		[ -f "$t" ] || continue
		n=$((n + 1))
		"$MA" dump --summary "$t" >/dev/null 2>"$work/$name/dump.err" ||
			{ ok=FAIL; note="$note $(basename "$t") does not decode"; }
	done
	[ "$n" -gt 0 ] || { ok=FAIL; note="$note no trace"; }
	[ "$ok" = ok ] || failed=1
	printf '%-12s %-6s %7s %7s  %s\n' "$name" "$ok" "$n" \
		"$((secs / 100)).$(printf %02d $((secs % 100)))" "${note:-status $prc}"
}

null=/dev/null
# Inputs and workloads.
awk 'BEGIN { srand(7); for (i = 0; i < 300000; i++) printf "%d line %x\n", int(rand() * 1e6), i }' >lines.txt
cat >prog.c <<'END'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node { struct node *next; char name[32]; };
int main(void) { struct node *h = 0; for (int i = 0; i < 1000; i++) { struct node *n = malloc(sizeof *n); snprintf(n->name, sizeof n->name, "n%d", i); n->next = h; h = n; } int c = 0; while (h) { struct node *n = h->next; c += (int)strlen(h->name); free(h); h = n; } printf("%d\n", c); return 0; }
END
cat >prog.cc <<'END'
#include <iostream>
#include <map>
#include <string>
#include <vector>
int main() { std::map<std::string, std::vector<int>> m; for (int i = 0; i < 20000; i++) m[std::to_string(i % 977)].push_back(i); size_t s = 0; for (auto &kv : m) s += kv.second.size(); std::cout << m.size() << " " << s << "\n"; }
END
cat >Main.java <<'END'
public class Main { public static void main(String[] a) { java.util.HashMap<Integer, String> m = new java.util.HashMap<>(); for (int i = 0; i < 300000; i++) m.put(i % 5000, "v" + i); System.out.println(m.size() + " " + m.get(42)); } }
END
printf 'all: a b c\n\t@echo done $^\na b c:\n\t@echo making $@\n' >Makefile.test
lsp() { # an LSP initialize request, then exit
	body='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
	printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "$body"
	body='{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
	printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "$body"
	body='{"jsonrpc":"2.0","method":"exit"}'
	printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "$body"
}
lsp >lsp.in
git init -q repo && (cd repo && for i in $(seq 30); do echo "$i" >>f; git add f; git commit -qm "c$i"; done)
python=$(command -v python3)
[ -n "$python" ] && python=$("$python" -c 'import sys; print(sys.executable)')

case_ python3 $null "${python:-python3}" -c 'd = {}
for i in range(300000): d.setdefault(i % 5000, []).append(str(i) * 3)
print(len(d), sum(len(v) for v in d.values()))'
case_ perl $null perl -e 'my %h; $h{$_ % 7000} .= "x$_" for 1 .. 300000; print scalar(keys %h), "\n";'
case_ node $null node -e 'const m = new Map(); for (let i = 0; i < 300000; i++) m.set(i % 5000, "v" + i); console.log(m.size)'
case_ gcc $null gcc -O1 -o "$work/prog" "$work/prog.c"
case_ g++ $null g++ -O1 -o "$work/progxx" "$work/prog.cc"
case_ java $null java -Xshare:auto "$work/Main.java"
case_ git $null git -C "$work/repo" log --stat --oneline
case_ sqlite3 $null sqlite3 :memory: 'create table t(a, b); with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000) insert into t select x % 977, x from c; select a, count(*) from t group by a order by 2 desc limit 3;'
case_ make $null make -f "$work/Makefile.test"
case_ bash $null bash -c 'declare -A h; for ((i = 0; i < 20000; i++)); do h[k$((i % 300))]+=x; done; echo ${#h[@]}; exit 3'
case_ dash $null dash -c 'i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; echo $i; ls / >/dev/null; exit 4'
case_ clangd "$work/lsp.in" sh -c 'clangd --log=error 2>/dev/null | tr -d "\r" | grep -o "\"id\":[0-9]*" | sort'
case_ tar $null tar -C "$work" -czf - lines.txt Main.java --mtime=@0 --owner=0 --group=0 --numeric-owner
case_ gzip "$work/lines.txt" gzip -6 -n
case_ sort "$work/lines.txt" sort -n
case_ awk "$work/lines.txt" awk '{ s[$1 % 100] += $1 } END { for (k in s) n++; print n }'
case_ sed "$work/lines.txt" sed -n 's/line \([0-9a-f]*\)$/\1/p'
case_ xz "$work/lines.txt" xz -1 -c
exit $failed
