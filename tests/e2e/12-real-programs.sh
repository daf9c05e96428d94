#!/bin/sh
# Real programs under record: the same stdout and exit status as without
# the probe, and every trace decodes.  Node has a test of its own
# (13-node.sh) because it may be missing.
. "$top_srcdir/tests/e2e/lib.sh"

# pyenv and similar put a shell script first in PATH: record the
# interpreter itself.
python=$(python3 -c 'import sys; print(sys.executable)')
same_under_record python3 "$python" -c '
d = {}
for i in range(400000):
    d.setdefault(i % 5000, []).append(str(i) * 3)
print(len(d), sum(len(v) for v in d.values()), len(str(sorted(d)[:10])))
'

same_under_record perl perl -e '
my %h; $h{$_ % 7000} .= "x$_" for 1 .. 1200000;
my @k = sort { $a <=> $b } keys %h; print scalar(@k), " ", length($h{42}), "\n";'

same_under_record sqlite3 sqlite3 :memory: "
create table t(a integer, b text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 200000)
insert into t select (x * 7919) % 200000, 'row' || x from c;
select count(*), sum(a) from t;
select b from t order by b desc limit 3;
create index i on t(b);
select count(distinct substr(b, 4, 2)) from t;"

same_under_record bash bash -c '
declare -A h; s=
for ((i = 1; i <= 6000; i++)); do s="$s$i"; h[k$((i % 300))]+=x; done
echo "${#s} ${#h[@]} ${h[k7]:0:5}"; exit 3'

# A repository of 1000 commits made with fast-import (quick), then git
# log with patches, git status and git repack on it.
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
git init -q repo
awk 'BEGIN { for (i = 1; i <= 1000; i++) {
	printf "commit refs/heads/main\ncommitter t <t@t> %d +0000\n", 1000000000 + i
	printf "data %d\ncommit %d\n", length("commit " i), i
	c = "line " i "\n"
	printf "M 644 inline f%d.txt\ndata %d\n%s\n", i % 40, length(c), c } }' |
	git -C repo fast-import --quiet
git -C repo checkout -q main
echo change >repo/f3.txt
same_under_record git-log git -C repo log -p --stat --format='%H %s'
same_under_record git-status git -C repo status --porcelain=v1
# Delta compression with a wide window, in one thread (repack runs
# pack-objects as a child): the part of git that allocates longest.
same_under_record git-repack git -c pack.threads=1 -C repo repack -adf --window=250 --depth=50 -q
expect "commits git log listed" 1000 "$(grep -c '^[0-9a-f]\{40\} commit [0-9]*$' git-log.plain)"
expect "what git status listed" " M f3.txt" "$(cat git-status.plain)"
