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
# COMPAT_ONLY="python3 git" runs only those rows.
only=${COMPAT_ONLY:-}
printf '%-8s %-5s %6s %7s %7s %7s %9s %7s  %s\n' program result traces plain_s cpu_s rec_s events threads note

# case NAME STDIN-FILE COMMAND...: one row of the table.  plain_s and
# rec_s are wall-clock seconds without and with the probe, cpu_s the CPU
# time (user + system) of the run without it; events are the
# calls recorded (allocation functions, mmap family) and threads the
# threads seen, summed over every trace of the run.
case_() {
	name=$1 input=$2
	shift 2
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) return ;; esac
	fi
	if ! command -v "$1" >/dev/null 2>&1; then
		printf '%-8s %-5s %6s %7s %7s %7s %9s %7s  %s\n' "$name" skip - - - - - - "$1 not installed"
		return
	fi
	mkdir -p "$work/$name/plain" "$work/$name/rec"
	times >"$work/times"
	c0=$(child_ms)
	t0=$(date +%s%N)
	prc=0
	(cd "$work/$name/plain" && "$@" <"$input" >../plain.out 2>/dev/null) || prc=$?
	t1=$(date +%s%N)
	times >"$work/times"
	c1=$(child_ms)
	rrc=0
	(cd "$work/$name/rec" && timeout 120 "$MA" record -o "$work/$name/t.%p.trace" -- "$@" \
		<"$input" >../rec.out 2>../rec.err) || rrc=$?
	t2=$(date +%s%N)
	note= ok=ok
	cmp -s "$work/$name/plain.out" "$work/$name/rec.out" || { ok=FAIL; note="stdout differs"; }
	[ "$prc" = "$rrc" ] || { ok=FAIL; note="$note status $prc vs $rrc"; }
	n=0 events=0 threads=0
	for t in "$work/$name"/t.*.trace; do
		[ -f "$t" ] || continue
		n=$((n + 1))
		if "$MA" dump --summary "$t" >"$work/$name/summary" 2>"$work/$name/dump.err"; then
			st=$(awk '/^[a-z]+:/ { sec = $1 }
				sec == "functions:" && /^  / { e += $NF }
				/^threads:/ { th = $2 }
				END { print e + 0, th + 0 }' "$work/$name/summary")
			events=$((events + ${st% *})) threads=$((threads + ${st#* }))
		else
			ok=FAIL; note="$note $(basename "$t") does not decode"
		fi
		rm -f "$t"
	done
	[ "$n" -gt 0 ] || { ok=FAIL; note="$note no trace"; }
	[ "$ok" = ok ] || failed=1
	printf '%-8s %-5s %6s %7s %7s %7s %9s %7s  %s\n' "$name" "$ok" "$n" \
		"$(secs $((t1 - t0)))" "$(secs $(((c1 - c0) * 1000000)))" \
		"$(secs $((t2 - t1)))" "$events" "$threads" \
		"${note:-status $prc}"
}
secs() { printf '%d.%02d' $(($1 / 1000000000)) $(($1 / 10000000 % 100)); }
# CPU milliseconds (user + system) of the children waited for, from the
# output of `times` in $work/times (run in this shell, not a subshell).
child_ms() {
	awk 'NR == 2 { n = 0
		for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); n += t[1] * 60 + t[2] }
		printf "%d\n", n * 1000 }' "$work/times"
}

null=/dev/null
# Inputs and workloads: each takes about a second without the probe on an
# idle machine (docs/reliability.md has the measures), long enough for
# the probe to see a program in its steady state: its threads, and
# allocations by the hundred thousand.
awk 'BEGIN { srand(7); for (i = 0; i < 900000; i++) printf "%d line %x\n", int(rand() * 1e6), i }' >lines.txt
head -n 450000 lines.txt >half.txt
head -n 250000 lines.txt >part.txt
# 100 functions that build and free lists: gcc -O2 works on it for a second.
awk 'BEGIN { print "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>"
	for (i = 0; i < 100; i++) {
		printf "struct s%d { int a[%d]; char n[16]; struct s%d *next; };\n", i, i % 7 + 1, i
		printf "int f%d(int x) { struct s%d *h = 0; for (int i = 0; i < x; i++) { struct s%d *n = calloc(1, sizeof *n); n->a[0] = i * %d; snprintf(n->n, sizeof n->n, \"%%d\", i); n->next = h; h = n; } int c = 0; while (h) { struct s%d *n = h->next; c += h->a[0] + (int)strlen(h->n); free(h); h = n; } return c; }\n", i, i, i, i, i
	}
	print "int main(void) { long t = 0;"
	for (i = 0; i < 100; i++) printf "t += f%d(%d);\n", i, i + 10
	print "printf(\"%ld\\n\", t); return 0; }" }' >prog.c
cat >prog.cc <<'END'
#include <iostream>
#include <map>
#include <string>
#include <vector>
int main() { std::map<std::string, std::vector<int>> m; for (int i = 0; i < 20000; i++) m[std::to_string(i % 977)].push_back(i); size_t s = 0; for (auto &kv : m) s += kv.second.size(); std::cout << m.size() << " " << s << "\n"; }
END
# A HashMap filled by the main thread, then four threads building strings.
cat >Main.java <<'END'
public class Main {
	public static void main(String[] a) throws Exception {
		java.util.HashMap<Integer, String> m = new java.util.HashMap<>();
		for (int i = 0; i < 2000000; i++) m.put(i % 50000, "v" + i);
		Thread[] t = new Thread[4];
		long[] s = new long[4];
		for (int k = 0; k < 4; k++) {
			final int kk = k;
			t[k] = new Thread(() -> {
				StringBuilder b = new StringBuilder();
				for (int i = 0; i < 300000; i++) {
					b.append(i);
					if (b.length() > 1000) { s[kk] += b.length(); b = new StringBuilder(); }
				}
			});
			t[k].start();
		}
		for (Thread x : t) x.join();
		System.out.println(m.size() + " " + m.get(42) + " " + (s[0] + s[1] + s[2] + s[3]));
	}
}
END
# Compiled beforehand when javac is there: the row measures the program,
# not the source launcher's compiler.
java_main="$work/Main.java" java_cp=
if command -v javac >/dev/null 2>&1 && mkdir -p jclasses && javac -d jclasses Main.java 2>/dev/null; then
	java_main=Main java_cp="-cp $work/jclasses"
fi
# make's own functions over a list of 12000 words (quadratic), then eight
# targets, each a shell.
cat >Makefile.test <<'END'
N := $(shell seq 1 12000)
W := $(foreach i,$(N),w$(i)-$(words $(wordlist 1,$(i),$(N))))
S := $(sort $(W))
T := $(patsubst %,t%,$(wordlist 1,8,$(N)))
all: $(T)
	@echo done $(words $(S)) $(lastword $(S))
$(T):
	@echo making $@ $(words $(filter %-1 %-2,$(S)))
END
# clangd: initialize, open a C++ file that includes the standard library,
# ask for its symbols (waits for the parse), shut down.
lsp() {
	send() { printf 'Content-Length: %d\r\n\r\n%s' "${#1}" "$1"; }
	send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
	send '{"jsonrpc":"2.0","method":"initialized","params":{}}'
	src='#include <iostream>\n#include <map>\n#include <string>\n#include <vector>\n#include <algorithm>\nstruct S { std::map<std::string, std::vector<int>> m; int f(int x) { return (int)m[std::to_string(x)].size(); } };\nint main() { S s; std::cout << s.f(3) << std::endl; }\n'
	send '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///compat/main.cc","languageId":"cpp","version":1,"text":"'"$src"'"}}}'
	send '{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///compat/main.cc"}}}'
	send '{"jsonrpc":"2.0","id":3,"method":"shutdown"}'
	send '{"jsonrpc":"2.0","method":"exit"}'
}
lsp >lsp.in
# A repository of 2000 commits over 41 growing files, made with
# fast-import (quick).
if command -v git >/dev/null 2>&1; then
	git init -q repo
	awk 'BEGIN { for (i = 1; i <= 2000; i++) {
		printf "commit refs/heads/main\ncommitter t <t@t> %d +0000\n", 1000000000 + i
		printf "data %d\ncommit %d\n", length("commit " i), i
		f = i % 41; body[f] = body[f] "line " i "\n"
		printf "M 644 inline f%d.txt\ndata %d\n%s\n", f, length(body[f]), body[f] } }' |
		git -C repo fast-import --quiet
	git -C repo checkout -q main
fi
python=$(command -v python3)
[ -n "$python" ] && python=$("$python" -c 'import sys; print(sys.executable)')

case_ python3 $null "${python:-python3}" -c '
import threading
def work(k):
    d, l = {}, []
    for i in range(250000):
        d[i % 5000] = str(i * k) * 90
        l.append(str(i))
    return d, l
out = [None] * 4
def run(k): out[k] = work(k + 1)
ts = [threading.Thread(target=run, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print([len(d) for d, l in out], sum(len(v) for d, l in out for v in d.values()), sum(len(l) for d, l in out))'
case_ perl $null perl -e 'my %h; $h{$_ % 7000} .= "x$_" for 1 .. 4000000; print scalar(keys %h), " ", length($h{42}), "\n";'
case_ node $null node -e 'const m = new Map(); for (let i = 0; i < 1200000; i++) m.set(i % 50000, "v" + i + [i, i * 2].join(",")); console.log(m.size, m.get(42))'
case_ gcc $null gcc -O2 -o "$work/prog" "$work/prog.c"
case_ g++ $null g++ -O1 -o "$work/progxx" "$work/prog.cc"
# binutils' ar, nm and ranlib load the LLVM linker plugin (C++, with
# libstdc++) by dlopen without RTLD_GLOBAL into a C program.
case_ ar $null sh -c 'gcc -O1 -c -o prog.o "$1/prog.c" && ar rcs lib.a prog.o && ar t lib.a &&
	nm -g lib.a | grep -c " T " && ranlib lib.a && echo done' sh "$work"
case_ java $null java -Xshare:auto $java_cp "$java_main"
case_ git $null sh -c 'git -C "$1" log -p --stat -M -C; git -C "$1" log --oneline -S"line 1234"
	git -C "$1" log -p -G"line 1[0-9]*7$" --format=%s
	git -C "$1" rev-list --objects --all | git -C "$1" cat-file --batch-check | sort | md5sum
	git -C "$1" fsck --no-progress
	for f in f1 f7 f19 f33; do git -C "$1" blame -s $f.txt; done' sh "$work/repo"
case_ sqlite3 $null sqlite3 :memory: 'create table t(a, b); with recursive c(x) as (select 1 union all select x + 1 from c where x < 700000) insert into t select x % 977, printf("row %d", x) from c; create index i on t(b); select a, count(*) from t group by a order by 2 desc limit 3; select b from t order by b desc limit 2;'
case_ make $null make -f "$work/Makefile.test"
case_ bash $null bash -c 'declare -A h; for ((i = 0; i < 250000; i++)); do h[k$((i % 3000))]+=x; done; echo ${#h[@]} ${#h[k7]}; exit 3'
case_ dash $null dash -c 'i=0; s=; while [ $i -lt 500000 ]; do i=$((i + 1)); s="$s."; [ ${#s} -gt 100 ] && s=; done; echo $i; ls / >/dev/null; exit 4'
case_ clangd "$work/lsp.in" sh -c 'clangd --log=error 2>/dev/null | tr -d "\r" | grep -o "\"id\":[0-9]*\|\"name\":\"[A-Za-z]*\"" | sort'
case_ tar $null tar -C "$work" -czf - lines.txt Main.java --mtime=@0 --owner=0 --group=0 --numeric-owner
case_ gzip "$work/lines.txt" gzip -6 -n
case_ sort "$work/lines.txt" sort -n
case_ awk "$work/half.txt" awk '{ s[$1 % 1000] += $1; w[$3] = length($0); n += split($0, f, "e") } END { for (k in s) c++; print c, n, length(w) }'
case_ sed "$work/lines.txt" sed -n 's/line \([0-9a-f]*\)$/\1/p'
case_ xz "$work/part.txt" xz -1 -T2 -c
exit $failed
