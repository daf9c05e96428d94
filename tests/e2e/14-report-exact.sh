#!/bin/sh
# The JSON report on the known programs (tests/progs): every leak, the
# peak live set and the new/free mismatch named by function and
# file:line from the report's own symbolization, with exactly the known
# blocks and bytes.  Expected lines are found in the program sources at
# test time (the line of the allocating call), never written down here.
. "$top_srcdir/tests/e2e/lib.sh"

progsrc=$top_srcdir/tests/progs
export LC_ALL=C
# A version manager may put a slow shell script first in PATH: the
# interpreter itself, once.
py=$(python3 -c 'import sys; print(sys.executable)')

# line_of FILE TEXT: the number of the only line of tests/progs/FILE
# holding TEXT.
line_of() {
	n=$(grep -n -F -- "$2" "$progsrc/$1" | cut -d: -f1)
	[ "$(echo "$n" | wc -w)" = 1 ] || fail "'$2' is not on exactly one line of $1"
	echo "$1:$n"
}

# The report as lines: "summary KEY VALUE" for every summary count,
# "SECTION BYTES BLOCKS FRAME <- FRAME" for the sites of leaks, peak and
# inherited_live (first two frames), "mismatch ALLOC FREE COUNT BYTES
# FRAME <- FRAME", "total SECTION BYTES BLOCKS" for leaks_total and
# peak_total.  FRAME is "function file:line", the file shown as its name
# in tests/progs when it is that source file, as "other" otherwise.
cat >report.py <<'END'
import json, os, sys
src, doc = sys.argv[1], json.load(open(sys.argv[2]))
r = doc["processes"][int(sys.argv[3])] if len(sys.argv) > 3 else doc
def frame(f):
    p, name = f["file"], "other"
    if p and os.path.exists(p):
        mine = os.path.join(src, os.path.basename(p))
        if os.path.exists(mine) and os.path.samefile(p, mine):
            name = os.path.basename(p)
    return "%s %s:%d" % (f["function"], name, f["line"])
def stack(s):
    return " <- ".join(frame(f) for f in s[:2])
for k, v in r["summary"].items():
    if not isinstance(v, dict):
        print("summary", k, v)
for sec in ("leaks", "peak", "inherited_live"):
    for l in r.get(sec) or []:
        print(sec, l["bytes"], l["blocks"], stack(l["stack"]))
for sec in ("leaks_total", "peak_total"):
    if sec in r:
        print("total", sec, r[sec]["bytes"], r[sec]["blocks"])
s = r["summary"]
def add(sec):
    l = r.get(sec) or []
    return [sum(x["bytes"] for x in l), sum(x["blocks"] for x in l)]
def same(what, a, b):
    if a != b:
        print("inconsistent", what, a, b)
if "leaks_total" in r:
    t = r["leaks_total"]
    same("leaks/leaks_total", add("leaks"), [t["bytes"], t["blocks"]])
    same("leaks_total/summary", [t["bytes"], t["blocks"]], [s["leaked_bytes"], s["leaked_blocks"]])
if "peak_total" in r:
    t = r["peak_total"]
    same("peak/peak_total", add("peak"), [t["bytes"], t["blocks"]])
    same("peak_total/summary", t["bytes"], s["peak_heap_bytes"])
for m in r.get("mismatches") or []:
    print("mismatch", m["allocated_with"].replace(" ", "_"),
          m["released_with"].replace(" ", "_"), m["count"], m["bytes"], stack(m["stack"]))
END

# report NAME TYPE [PROCESS] TRACE...: the report of type TYPE as lines
# into NAME.txt (PROCESS: that entry of processes[] instead of the top).
# The same report taking the peak by a second replay (--peak-by-replay,
# a hidden option for tests) must be the same to the byte.
report() {
	name=$1 type=$2
	shift 2
	proc=
	case $1 in [0-9]) proc=$1; shift ;; esac
	"$MA" --report-type "$type" --top 0 --format json "$@" >"$name.json" ||
		fail "$name: report exited $?"
	"$MA" --peak-by-replay --report-type "$type" --top 0 --format json "$@" \
		>"$name.replayed.json" || fail "$name: report with --peak-by-replay exited $?"
	expect_file "$name: the same report with the peak replayed" "$name.json" \
		"$name.replayed.json"
	"$py" report.py "$progsrc" "$name.json" $proc >"$name.txt" ||
		fail "$name: cannot read the JSON report"
}

# value NAME KEY: a summary count from NAME.txt
value() { sed -n "s/^summary $2 //p" "$1.txt"; }

# mine NAME SECTION: that section's sites whose first frame is in a test
# program's source, sorted.
mine() { grep "^$2 " "$1.txt" | awk -F ' <- ' '$1 !~ / other:[0-9]+$/' | sort; }

# consistent NAME: the sites add up to the section totals, which agree
# with the summary (report.py's "inconsistent" lines).
consistent() {
	expect "$1: leaks and peak add up to their totals and the summary" "" \
		"$(grep '^inconsistent' "$1.txt" || :)"
}

# ---- sites: three call sites, all of their blocks at the peak
record -- "$PROGS/sites"
t=$(one_trace)
report sites full "$t"
consistent sites
sa=$(line_of sites.c 'malloc(48)') sb=$(line_of sites.c 'malloc(1024)')
sc=$(line_of sites.c 'malloc(200)')
ma=$(line_of sites.c 'site_a();') mb=$(line_of sites.c 'site_b();')
mc=$(line_of sites.c 'site_c();')
cat >expected <<END
leaks 1400 7 site_c $sc <- main $mc
leaks 2880 60 site_a $sa <- main $ma
peak 1400 7 site_c $sc <- main $mc
peak 30720 30 site_b $sb <- main $mb
peak 4800 100 site_a $sa <- main $ma
total leaks_total 4280 67
total peak_total 36920 137
END
grep -E '^(leaks|peak|total|inherited_live|mismatch) ' sites.txt | sort >got
expect_file "sites: leaks and peak" expected got
expect "sites: peak_heap_bytes" 36920 "$(value sites peak_heap_bytes)"
expect "sites: mismatched frees" 0 "$(value sites mismatched_frees)"
# The leaks and peak report types list the same as the full one.
report sites-leaks leaks "$t"
report sites-peak peak "$t"
grep '^leaks ' sites.txt >want-leaks
grep '^leaks ' sites-leaks.txt >got-leaks
expect_file "sites: --report-type leaks lists the same leaks" want-leaks got-leaks
grep '^peak ' sites.txt >want-peak
grep '^peak ' sites-peak.txt >got-peak
expect_file "sites: --report-type peak lists the same peak" want-peak got-peak

# ---- threads: 8 blocks of 7 bytes leaked from the threads; the peak
# depends on the threads' interleaving, only its consistency is known.
record -- "$PROGS/threads"
t=$(one_trace)
report threads full "$t"
consistent threads
echo "leaks 56 8 thread_leak $(line_of threads.c 'malloc(7)') <- run $(line_of threads.c '= thread_leak();')" >expected
mine threads leaks >got
expect_file "threads: the leak of the threads" expected got
peak=$(value threads peak_heap_bytes)
[ "$peak" -ge 128000 ] && [ "$peak" -le "$(value threads bytes_allocated)" ] ||
	fail "threads: peak_heap_bytes $peak is outside what the program can make"
pass "threads: peak_heap_bytes $peak between one thread's blocks and all"

# ---- forks: the parent, the forked child, and the two together (the
# child inherits the parent's 5 live blocks)
record -- "$PROGS/forks" "$PROGS/sites"
parent=$(traces | head -1)
child=$(traces | sed -n 2p)
pa=$(line_of forks.c 'malloc(100)') pm=$(line_of forks.c 'parent_work();')
ca=$(line_of forks.c 'malloc(200)') cm=$(line_of forks.c 'child_work();')
report parent full "$parent"
consistent parent
cat >expected <<END
leaks 500 5 parent_work $pa <- main $pm
peak 1000 10 parent_work $pa <- main $pm
total leaks_total 500 5
total peak_total 1000 10
END
grep -E '^(leaks|peak|total|inherited_live) ' parent.txt | sort >got
expect_file "forks: the parent's leaks and peak" expected got
report child full "$child"
consistent child
cat >expected <<END
leaks 4000 20 child_work $ca <- main $cm
peak 4000 20 child_work $ca <- main $cm
total leaks_total 4000 20
total peak_total 4000 20
END
grep -E '^(leaks|peak|total|inherited_live) ' child.txt | sort >got
expect_file "forks: the child's leaks and peak" expected got
report both full 1 "$parent" "$child"
cat >expected <<END
inherited_live 500 5 parent_work $pa <- main $pm
leaks 4000 20 child_work $ca <- main $cm
peak 4000 20 child_work $ca <- main $cm
peak 500 5 parent_work $pa <- main $pm
total leaks_total 4000 20
total peak_total 4500 25
END
grep -E '^(leaks|peak|total|inherited_live) ' both.txt | sort >got
expect_file "forks: the child given with its parent, inherited blocks named" expected got

# ---- plugin: the block leaked inside the plugin, dlclosed before exit
record -- "$PROGS/plugin" "$PLUGIN"
t=$(one_trace)
report plugin full "$t"
consistent plugin
pl=$(line_of plugin_mod.c 'malloc(333)') pw=$(line_of plugin_mod.c '	plugin_alloc();')
echo "leaks 333 1 plugin_alloc $pl <- plugin_work $pw" >expected
mine plugin leaks >got
expect_file "plugin: the leak inside the unloaded plugin" expected got
echo "peak 1665 5 plugin_alloc $pl <- plugin_work $pw" >expected
mine plugin peak >got
expect_file "plugin: the plugin's blocks at the peak" expected got
expect "plugin: module of the leaking frame" "$PLUGIN" "$("$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(*[l["stack"][0]["module"] for l in r["leaks"] if l["bytes"] == 333])' plugin.json)"

# ---- allocfns: the memalign leak; the peak is the valloc block with it
record -- "$PROGS/allocfns"
t=$(one_trace)
report allocfns full "$t"
consistent allocfns
am=$(line_of allocfns.c 'memalign(128, 300)') mm=$(line_of allocfns.c 'use_memalign();')
av=$(line_of allocfns.c '(valloc(1000)') mv=$(line_of allocfns.c 'use_valloc();')
cat >expected <<END
leaks 300 1 use_memalign $am <- main $mm
peak 1000 1 use_valloc $av <- main $mv
peak 300 1 use_memalign $am <- main $mm
total leaks_total 300 1
total peak_total 1300 2
END
grep -E '^(leaks|peak|total|inherited_live|mismatch) ' allocfns.txt | sort >got
expect_file "allocfns: leaks and peak" expected got
# 16..1024 (realloc chain) + 240 + 200 + 400 + 100 + 512 + 300 + 1000 + 1000
expect "allocfns: allocations frees bytes_allocated" "15 14 5784" \
	"$(value allocfns allocations) $(value allocfns frees) $(value allocfns bytes_allocated)"

# ---- newdel: the leaked new, the new released by free; libstdc++'s own
# start-up pool is a leak of its own, from its frames, not counted here.
record -- "$PROGS/newdel"
t=$(one_trace)
report newdel full "$t"
consistent newdel
echo "leaks 24 1 leak_new $(line_of newdel.cc 'leaked = new Obj()') <- main $(line_of newdel.cc '	leak_new();')" >expected
mine newdel leaks >got
expect_file "newdel: the leaked new" expected got
echo "mismatch operator_new free 1 24 mismatch $(line_of newdel.cc 'Obj *o = new Obj();') <- main $(line_of newdel.cc '	mismatch();')" >expected
grep '^mismatch ' newdel.txt >got
expect_file "newdel: the new released by free" expected got
expect "newdel: mismatched frees" 1 "$(value newdel mismatched_frees)"
# At the peak: the 4 arrays of array_new (400 bytes) and libstdc++'s pool.
echo "peak 400 4 array_new $(line_of newdel.cc '= new int[25]') <- main $(line_of newdel.cc '	array_new();')" >expected
mine newdel peak >got
expect_file "newdel: the program's blocks at the peak" expected got
expect "newdel: sites at the peak that are not the program's" 1 \
	"$(grep '^peak ' newdel.txt | awk -F ' <- ' '$1 ~ / other:[0-9]+$/' | wc -l)"

# ---- mmapfile: no heap; mappings 12288 and 1 MiB (files), 1 MiB grown
# to 2 MiB, 64 KiB kept
[ "$(getconf PAGESIZE)" = 4096 ] || skip "mmapfile assumes pages of 4096 bytes"
record -- "$PROGS/mmapfile" "$tmp"
t=$(one_trace)
report mmap full "$t"
for kv in allocations=0 peak_heap_bytes=0 leaked_bytes=0 mmap_calls=4 \
	mmap_bytes=$((12288 + 1048576 + 1048576 + 65536)) munmap_calls=3 \
	peak_mmap_bytes=2097152 live_mmap_bytes_end=65536; do
	expect "mmapfile: ${kv%=*}" "${kv#*=}" "$(value mmap "${kv%=*}")"
done
