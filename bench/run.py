#!/usr/bin/env python3
"""make bench: capture and analysis cost of memory-analyzer, side by side
with heaptrack, measured in the same run.

Every workload runs uninstrumented, under our probe, under heaptrack's
capture alone (its preload library writing the raw stream) and under the
full `heaptrack` command, RUNS times each, interleaved, and the table shows
medians.  Ratios are to the uninstrumented median of the same run.  The
analysis of the probe's trace and heaptrack's interpret + print of its raw
capture run RUNS times each too, taking turns, and show medians.

    bench/run.py --build DIR [--runs N] [--quick] [--only NAME,...]
                 [--markdown FILE]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HT_PRELOAD = "/usr/lib/heaptrack/libheaptrack_preload.so"
HT_INTERPRET = "/usr/lib/heaptrack/libexec/heaptrack_interpret"


# bench/spawn (set by main) runs every measured command and reports its
# wall time, CPU and peak RSS to SPAWN_OUT: forked from this Python
# process, a command's peak RSS could not read below Python's own (see
# bench/spawn.c).
SPAWN = None
SPAWN_OUT = None


def run(cmd, env=None, cwd=None, stdin=None, stdout=None, timeout=None):
    """Runs cmd under bench/spawn, returns (wall seconds, CPU seconds of
    the process tree (user + sys), max RSS bytes, exit status); status
    None when it was killed after timeout seconds."""
    if os.path.exists(SPAWN_OUT):
        os.unlink(SPAWN_OUT)
    if env and "LD_PRELOAD" in env:   # for cmd, not for spawn itself
        env = dict(env)
        env["BENCH_LD_PRELOAD"] = env.pop("LD_PRELOAD")
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen([SPAWN, SPAWN_OUT] + list(cmd), env=env, cwd=cwd,
                                stdout=stdout or devnull, stderr=devnull, stdin=stdin,
                                start_new_session=True)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout and time.perf_counter() - t0 > timeout and not killed:
                os.killpg(proc.pid, 9)
                killed = True
            time.sleep(0.005)
    if killed or os.waitstatus_to_exitcode(status) != 0 or not os.path.exists(SPAWN_OUT):
        return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, 0, None
    with open(SPAWN_OUT) as f:
        wall_ns, cpu_ns, rss_kib, st = (int(x) for x in f.read().split())
    return wall_ns / 1e9, cpu_ns / 1e9, rss_kib * 1024, os.waitstatus_to_exitcode(st)


class Workload:
    def __init__(self, name, cmd, env=None, cwd=None, pairs=None, threads=1):
        self.name, self.cmd, self.env, self.cwd = name, cmd, env or {}, cwd
        self.pairs, self.threads = pairs, threads


def churn_workloads(build, quick):
    churn = os.path.join(build, "bench", "churn")
    total = 400000 if quick else 2000000
    out = []
    for t in (1, 2, 4, 8):
        n = total // t
        out.append(Workload("churn %dT" % t, [churn, "-t", str(t), "-n", str(n)],
                            pairs=n, threads=t))
    # 32 threads that allocate now and then: 50 steps, then 5 ms asleep,
    # 64 blocks live each.  What it measures is the memory added per
    # thread; time is mostly sleep.
    n = 5000 if quick else 20000
    out.append(Workload("bursts 32T", [churn, "-t", "32", "-n", str(n), "-w", "64",
                                       "-b", "50", "-p", "5000"], pairs=n, threads=32))
    return out


def program(name):
    """The program itself, not a wrapper script in front of it (pyenv's
    shims are bash scripts that start a few processes, which would be
    measured instead): the first ELF file among /usr/bin/NAME and NAME on
    PATH, or None."""
    for path in ("/usr/bin/" + name, shutil.which(name)):
        try:
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    return os.path.realpath(path)
        except (OSError, TypeError):
            pass
    return None


def real_workloads(build, tmp, quick):
    out = []
    git, sqlite3, perl, python3 = (program(n) for n in ("git", "sqlite3", "perl", "python3"))
    demo = os.path.join(build, "memory-analyzer-demo")
    if os.access(demo, os.X_OK):
        out.append(Workload("demo", [demo, "--model-dir", os.path.join(tmp, "models")]))
    if git:
        repo = os.path.join(tmp, "repo")
        make_git_repo(repo, 60 if quick else 300)
        out.append(Workload("git log -p", [git, "log", "-p", "--stat"], cwd=repo))
    if sqlite3:
        sql = os.path.join(tmp, "load.sql")
        rows = 20000 if quick else 200000
        with open(sql, "w") as f:
            f.write("create table t(a integer, b text);\n"
                    "with recursive c(x) as (select 1 union all select x+1 from c "
                    "where x < %d) insert into t select x, hex(randomblob(16)) from c;\n"
                    "select count(*), max(b) from (select b from t order by b);\n" % rows)
        out.append(Workload("sqlite3", [sqlite3, ":memory:", ".read " + sql]))
    if perl:
        n = 30000 if quick else 300000
        out.append(Workload("perl", [perl, "-e",
                   "my %%h; $h{$_} = [$_ x 3] for 1..%d; my $s = 0; "
                   "$s += scalar @{$h{$_}} for keys %%h; print $s" % n]))
    if python3:
        n = 30000 if quick else 300000
        out.append(Workload("python3", [python3, "-c",
                   "d = {str(i): [i] * 3 for i in range(%d)}; print(sum(map(len, d.values())))" % n],
                   env={"PYTHONMALLOC": "malloc"}))
    return out


def make_git_repo(repo, commits):
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.invalid",
               GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.invalid",
               GIT_AUTHOR_DATE="2000-01-01T00:00:00Z", GIT_COMMITTER_DATE="2000-01-01T00:00:00Z")
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q", repo], check=True, env=env)
    for i in range(commits):
        with open(os.path.join(repo, "f%d.txt" % (i % 20)), "a") as f:
            f.write(("line %d\n" % i) * 20)
        subprocess.run(["git", "-C", repo, "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", repo, "commit", "-q", "-m", "c%d" % i], check=True, env=env)


class Modes:
    """How to run a workload in each mode; the trace paths it leaves."""

    def __init__(self, build, tmp):
        self.build, self.tmp = build, tmp
        self.probe = os.path.join(build, "probes", ".libs", "libmemory-analyzer-probe.so")
        self.heaptrack = shutil.which("heaptrack") and os.path.exists(HT_PRELOAD)

    def names(self):
        names = ["none", "probe"]
        if self.heaptrack:
            names += ["ht-capture", "heaptrack"]
        return names

    def command(self, mode, w, tag):
        env = dict(os.environ, **w.env)
        cmd = list(w.cmd)
        out = os.path.join(self.tmp, "%s.%s" % (mode, tag))
        if mode == "probe":
            env["LD_PRELOAD"] = self.probe
            env["MEMORY_ANALYZER_OUTPUT"] = out + ".%p.trace"
        elif mode == "ht-capture":
            env["LD_PRELOAD"] = HT_PRELOAD
            env["DUMP_HEAPTRACK_OUTPUT"] = out + ".raw"
        elif mode == "heaptrack":
            cmd = ["heaptrack", "-o", out] + cmd
        return cmd, env, out


def files_with_prefix(prefix):
    d, base = os.path.split(prefix)
    return [os.path.join(d, f) for f in os.listdir(d) if f.startswith(base)]


def trace_stats(ma, path):
    """(allocation calls, events) from the record counts of `memory-analyzer
    dump --summary` (not its function counts, which follow them and would
    count each realloc twice as a call and each free twice as an event)."""
    res = subprocess.run([ma, "dump", "--summary", path], capture_output=True, text=True)
    calls = events = 0
    for line in res.stdout.splitlines():
        if line.startswith("functions:"):
            break
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("alloc", "alloc-aligned", "realloc", "mmap"):
            calls += int(parts[1])
        if len(parts) >= 2 and parts[0] in ("alloc", "alloc-aligned", "realloc", "mmap",
                                             "free", "munmap", "mremap"):
            events += int(parts[1])
    return calls, events


def measure(w, modes, runs, ht_timeout):
    """Runs every mode `runs` times, interleaved; (wall, cpu, rss, round)
    per run.
    The full heaptrack command gets a time limit: its interpret step can
    take minutes (and gigabytes) on long traces; a run over the limit is
    left out and counted."""
    res = {m: [] for m in modes.names()}
    last, killed = {}, {}
    for r in range(runs):
        for m in modes.names():
            if killed.get(m):
                continue  # one run over the limit: the others would be too
            cmd, env, out = modes.command(m, w, "%s.%d" % (w.name.replace(" ", "_"), r))
            for f in files_with_prefix(out):
                os.unlink(f)
            wall, cpu, rss, status = run(cmd, env=env, cwd=w.cwd,
                                         timeout=ht_timeout if m == "heaptrack" else None)
            if status is None:
                killed[m] = killed.get(m, 0) + 1
                continue
            res[m].append((wall, cpu, rss, r))
            last[m] = out
    return res, last, killed


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def size_of(paths):
    return sum(os.path.getsize(p) for p in paths)


def analysis_once(name, ma, trace, ht_raw, timeout):
    """(wall, cpu, peak RSS) of one analysis, None when it failed or timed
    out."""
    if name == "memory-analyzer":
        wall, cpu, rss, rc = run([ma, "--report-type", "full", "--format", "json", trace],
                                 timeout=timeout)
        return (wall, cpu, rss) if rc in (0, 1, 4) else None
    interp = ht_raw + ".interpreted"
    with open(ht_raw, "rb") as src, open(interp, "wb") as dst:
        w1, c1, r1, rc1 = run([HT_INTERPRET], stdin=src, stdout=dst, timeout=timeout)
    if rc1 != 0:
        return None
    w2, c2, r2, rc2 = run(["heaptrack_print", interp], timeout=timeout)
    return (w1 + w2, c1 + c2, max(r1, r2)) if rc2 == 0 else None


def analysis_cost(ma, trace, ht_raw, runs, timeout):
    """Medians of (wall, cpu, peak RSS) over `runs` runs of our analysis
    and of heaptrack's interpret + print on the same run's raw capture,
    taking turns at going first; None when a run failed or timed out
    (then that analyzer runs no more)."""
    names = []
    if trace:
        names.append("memory-analyzer")
    if ht_raw and os.path.exists(ht_raw) and os.path.exists(HT_INTERPRET):
        names.append("heaptrack interpret+print")
    samples = {n: [] for n in names}
    for i in range(runs):
        for n in (names if i % 2 == 0 else names[::-1]):
            if samples[n] is None:
                continue
            row = analysis_once(n, ma, trace, ht_raw, timeout)
            if row is None:
                samples[n] = None
            else:
                samples[n].append(row)
    return {n: None if v is None else tuple(median([x[k] for x in v]) for k in range(3))
            for n, v in samples.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="small workloads, for a smoke run")
    ap.add_argument("--only", default="", help="comma-separated workload name prefixes")
    ap.add_argument("--markdown", help="also write the tables to this file")
    # heaptrack's full command and its interpret step never finish on churn
    # (they grow to gigabytes): each churn workload spends the limit twice
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds allowed to the full heaptrack command and to each analysis")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    ma = os.path.join(build, "memory-analyzer")
    tmp = tempfile.mkdtemp(prefix="ma-bench.")
    global SPAWN, SPAWN_OUT
    SPAWN = os.path.join(build, "bench", "spawn")
    SPAWN_OUT = os.path.join(tmp, "spawn.out")
    modes = Modes(build, tmp)
    if not os.path.exists(modes.probe):
        sys.exit("bench: no probe at %s: build first" % modes.probe)
    if not os.path.exists(SPAWN):
        sys.exit("bench: no %s: build first" % SPAWN)
    workloads = churn_workloads(build, a.quick) + real_workloads(build, tmp, a.quick)
    if a.only:
        keep = a.only.split(",")
        workloads = [w for w in workloads if any(w.name.startswith(k) for k in keep)]
    lines = capture_table(workloads, modes, ma, a.runs, a.timeout)
    print("\n".join(lines))
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("\n".join(lines) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)


def capture_table(workloads, modes, ma, runs, timeout):
    lines = ["| workload | mode | wall s | CPU s | CPU ratio | ns added / alloc call (CPU) | "
             "ns added / alloc call (wall) | events/s/thread | events/s of added CPU | "
             "trace B / alloc call | peak RSS MiB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    analysis = ["", "| workload | analyzer | wall s | CPU s | peak RSS MiB |",
                "|---|---|---:|---:|---:|"]
    notes = []
    for w in workloads:
        res, last, killed = measure(w, modes, runs, timeout)
        # Each mode's run is compared with the `none` run of its round,
        # seconds away: the host's drift between rounds (this VM's is
        # large) cancels out of the medians of those differences, where a
        # difference of two medians kept it.
        base = {x[3]: x for x in res["none"]}
        traces = files_with_prefix(last["probe"]) if "probe" in last else []
        main_trace = min(traces, key=len) if traces else None
        calls, events = trace_stats(ma, main_trace) if main_trace else (0, 0)
        if w.pairs:
            calls = max(calls, w.pairs * w.threads)
        per_thread = calls / w.threads if calls else 0
        for m in modes.names():
            if killed.get(m):
                notes.append("%s, %s: a run went over the %g s limit (then no more runs)" %
                             (w.name, m, timeout))
            if not res[m]:
                lines.append("| %s | %s | - | - | - | - | - | - | - | - | - |" % (w.name, m))
                continue
            wall = median([x[0] for x in res[m]])
            cpu = median([x[1] for x in res[m]])
            rss = median([x[2] for x in res[m]]) / 2 ** 20
            paired = [(x, base[x[3]]) for x in res[m] if x[3] in base]
            d_wall = median([x[0] - b[0] for x, b in paired])
            d_cpu = median([x[1] - b[1] for x, b in paired])
            ratio = median([x[1] / b[1] for x, b in paired])
            # CPU time added is spread over the program's threads (and the
            # writer); per call it is the total over all calls.
            added_cpu = d_cpu * 1e9 / calls if calls else float("nan")
            added_wall = d_wall * 1e9 / per_thread if per_thread else float("nan")
            evs = events / wall / w.threads if m == "probe" and events else float("nan")
            # the probe's own rate: events recorded per second of the CPU
            # time it adds (its cost, whatever the program does besides)
            cap = events / d_cpu if m == "probe" and events and d_cpu > 0 else float("nan")
            size = float("nan")
            if m == "probe" and traces:
                size = size_of(traces) / calls if calls else float("nan")
            elif m == "heaptrack":
                zs = files_with_prefix(last[m])
                size = size_of(zs) / calls if zs and calls else float("nan")
            lines.append("| %s | %s | %.3f | %.3f | %.2f | %s | %s | %s | %s | %s | %.1f |" % (
                w.name, m, wall, cpu, ratio, fmt(added_cpu, "%.0f"),
                fmt(added_wall, "%.0f"), fmt(evs, "%.2e"), fmt(cap, "%.2e"),
                fmt(size, "%.2f"), rss))
        ht_raw = last.get("ht-capture")
        ht_raw = ht_raw + ".raw" if ht_raw else None
        for name, row in analysis_cost(ma, main_trace, ht_raw, runs, timeout).items():
            if row is None:
                analysis.append("| %s | %s | failed | - | - |" % (w.name, name))
            else:
                analysis.append("| %s | %s | %.3f | %.3f | %.1f |" % (
                    w.name, name, row[0], row[1], row[2] / 2 ** 20))
        sys.stderr.write("bench: %s done\n" % w.name)
    return lines + analysis + [""] + ["- " + n for n in notes]


def fmt(v, f):
    return "-" if v != v else f % v


if __name__ == "__main__":
    main()
