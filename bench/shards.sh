#!/bin/sh
# bench/shards.sh - what time shards, parallel builds and remote shards
# cost and save, measured in ONE run on one corpus. See bench/README.md.
#
#   sh bench/shards.sh [BUILD_DIR]        (make bench-shards passes build/)
#
# Environment:
#   SHARDS_SCALE=4     copies of Reuters-21578 x1, one per year, the last
#                      in the current year (x4: 76,172 articles)
#   SHARDS_NEW_PCT=1   new articles per simulated night, % of the corpus
#   SHARDS_MODIFIED=40 older files corrected on the second night
#   SHARDS_REPS=2      passes of each query measurement (interleaved)
#   BENCH_DATA=DIR     the directory holding reuters21578/
#                      (default: ../shared/data next to the project)
#   BENCH_OUT=DIR      results directory (default bench/results/DATE);
#                      writes shards.md and raw-shards/ there
#   BENCH_LEDE_REV=TXT what the programs were built from, for the report
#                      (default: the project's git HEAD, marked when
#                      lib/ indexer/ searcher/ include/ are modified)
#
# Steps: (a) build an unsharded index (--jobs 1 and --jobs 2), a
# --shard-by year and a --shard-by month index from scratch; (b) two
# simulated nights: 1% new articles dated in the current period, then 1%
# more plus corrected older files, each rerun incrementally on every index;
# (c) in-process search latency (bench/query_lede.c, bench/queries.txt),
# and one lede-search process per query; (d) the corpus split into 3
# indexes served by 3 loopback xapian-tcpsrv against one local index and
# the same 3 parts opened locally. Corpora and indexes live in
# BUILD_DIR/bench-shards/ (not committed).
set -u

PROJ=$(cd "$(dirname "$0")/.." && pwd)
cd "$PROJ" || exit 2
B=${1:-build}
W=${SHARDS_WORK:-$B/bench-shards}
SCALE=${SHARDS_SCALE:-4}
NEW_PCT=${SHARDS_NEW_PCT:-1}
NMOD=${SHARDS_MODIFIED:-40}
REPS=${SHARDS_REPS:-2}
DATA=${BENCH_DATA:-$(dirname "$PROJ")/shared/data}
SGM=$DATA/reuters21578
DAY=$(date -u +%Y-%m-%d)
OUT=${BENCH_OUT:-bench/results/$DAY}
RAW=$OUT/raw-shards
REPORT=$OUT/shards.md
CC=${CC:-cc}
CXX=${CXX:-c++}
TIME=/usr/bin/time

say() { echo "shards: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- preconditions ------------------------------------------------------
if ! ls "$SGM"/reut2-*.sgm >/dev/null 2>&1; then
	say "no Reuters-21578 collection at $SGM (set BENCH_DATA); skipping"
	exit 0
fi
for f in "$B/lede-index" "$B/lede-search" "$B/liblede.a"; do
	[ -e "$f" ] || { say "$f missing: run make first"; exit 2; }
done
if ! $TIME -f '%e' true >/dev/null 2>&1; then
	say "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 2
fi
REMOTE=1
have xapian-tcpsrv || { REMOTE=0; say "xapian-tcpsrv missing (xapian-tools): no remote step"; }
case $SCALE in ''|*[!0-9]*|0) say "SHARDS_SCALE must be a positive number"; exit 2 ;; esac

mkdir -p "$W" "$RAW" || exit 2
W=$(cd "$W" && pwd)
rm -f "$RAW"/*

# ---- tools ----------------------------------------------------------------
# Private copies of the programs: a rebuild in the tree during the run
# (make, another engineer) must not change what is measured.
mkdir -p "$W/bin" && cp "$B/lede-index" "$B/lede-search" "$W/bin/" || exit 2
LI=$W/bin/lede-index
LS=$W/bin/lede-search
REV=${BENCH_LEDE_REV:-}
if [ -z "$REV" ]; then
	REV="git $(git rev-parse --short HEAD 2>/dev/null || echo ?)"
	git status --porcelain -- lib indexer searcher include 2>/dev/null | grep -q . &&
		REV="$REV, working tree modified"
fi
DEP_MODS=$(sed -n 's/^DEP_MODS := //p' Makefile)
CFL="-O2 -g -Wall -Wextra -D_GNU_SOURCE"
$CC -std=c11 $CFL -o "$W/corpus" bench/corpus.c || exit 2
$CC -std=c11 $CFL -Iinclude -c -o "$W/query_lede.o" bench/query_lede.c || exit 2
$CXX -o "$W/query_lede" "$W/query_lede.o" "$B/liblede.a" \
	$(pkg-config --libs $DEP_MODS) || exit 2

# ---- corpus: SCALE copies of x1, copy k dated YEAR-(SCALE-1)+k -------------
# Reuters-21578 is dated Feb-Oct 1987 (the date is the file's mtime, see
# bench/corpus.c); the last copy lands in the current year, so that a
# night's new articles go to the current (open) period as in production.
YEAR=$(date -u +%Y)
C1=$W/corpus-x1
SRC="$SGM $(ls "$SGM"/reut2-*.sgm | wc -l)"
if [ ! -f "$W/corpus-x1.ok" ] || [ "$(cat "$W/corpus-x1.src" 2>/dev/null)" != "$SRC" ]; then
	say "converting $SGM to $C1"
	rm -rf "$C1"
	"$W/corpus" reuters "$SGM" "$C1" || exit 2
	"$W/corpus" stats "$C1" > "$W/corpus-x1.ok"
	echo "$SRC" > "$W/corpus-x1.src"
fi
C=$W/archive
rm -rf "$C" && mkdir -p "$C" || exit 2
k=0
while [ $k -lt "$SCALE" ]; do
	y=$((YEAR - SCALE + 1 + k))
	cp -Rp "$C1" "$C/y$y" || exit 2
	"$W/corpus" shift-years "$C/y$y" $((y - 1987)) || exit 2
	k=$((k + 1))
done
set -- $(cat "$W/corpus-x1.ok")
ARTICLES=$(($1 * SCALE))
TEXT_MB=$(awk -v b="$2" -v s="$SCALE" 'BEGIN { printf "%.1f", b * s / 1e6 }')
FIRST_YEAR=$((YEAR - SCALE + 1))
# Date queries ask for a month of the latest year (bench/queries.txt has
# 1987): where a news archive's searches mostly go.
sed "s/date:1987-/date:$YEAR-/" bench/queries.txt > "$W/queries.txt"
grep -v '^#' "$W/queries.txt" | awk -F'\t' 'NR % 10 == 1 { print $2 }' > "$W/queries.cold"
# the page cache holds the corpus for every build alike
find "$C" -type f -name '*.txt' -exec cat {} + > /dev/null

{
	echo "date_utc	$(date -u '+%Y-%m-%d %H:%M')"
	echo "cpu	$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
	echo "ram	$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "os	$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}"), $(uname -sr)"
	echo "lede	$("$LI" --version 2>&1 | head -1) ($REV)"
	echo "xapian	$(pkg-config --modversion xapian-core 2>/dev/null)"
	echo "fs	$(df -T "$W" | awk 'NR==2 {print $2}')"
	echo "corpus	$ARTICLES articles, $TEXT_MB MB of text, $SCALE copies of Reuters-21578 dated $FIRST_YEAR-$YEAR"
	echo "months	$(find "$C1" -name '*.txt' -printf '%TY-%Tm\n' | sort | uniq -c | awk '{ printf "%s%s: %s", (NR > 1 ? ", " : ""), substr($2, 6), $1 }') (per year)"
} > "$RAW/env.tsv"

# ---- helpers --------------------------------------------------------------
TSV=$RAW/index.tsv
printf 'index\tstep\twall_s\tuser_s\tsys_s\trss_kb\tindex_bytes\tlive_bytes\tdatabases\tnew_dirs\trc\tload_before\tload_after\tsummary\n' > "$TSV"
# live_bytes INDEX: bytes of the databases the stub lists (old generations
# left for the next writer to remove are not counted)
live_bytes() {
	sed -n 's/^auto //p' "$1/XAPIANDB" | while read -r d; do
		case $d in /*) du -sb "$d" ;; *) du -sb "$1/$d" ;; esac
	done | awk '{ s += $1 } END { print s + 0 }'
}
ndb() { # databases behind an index: stub lines (the meta database counted)
	grep -c '^auto \|^remote ' "$1/XAPIANDB" 2>/dev/null || echo 1
}
# timed INDEX STEP CMD...: one timed run of lede-index, a row in index.tsv
timed() {
	name=$1 step=$2; shift 2
	log=$RAW/$name-$step.log
	ls "$W/$name" 2>/dev/null | sort > "$W/dirs.before"
	lb=$(load1)
	$TIME -f '%e %U %S %M' -o "$W/time.out" "$@" > "$log" 2>&1
	rc=$?
	la=$(load1)
	set -- $(tail -1 "$W/time.out")
	sum=$(grep -o 'added.*' "$log" | tail -1)
	# database directories this run made: new shards, compacted shards
	ls "$W/$name" | sort | comm -13 "$W/dirs.before" - | grep -v 'lede.lock\|XAPIANDB' > "$W/dirs.new"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$step" \
		"$1" "$2" "$3" "$4" "$(du -sb "$W/$name" | cut -f1)" "$(live_bytes "$W/$name")" \
		"$(ndb "$W/$name")" "$(wc -l < "$W/dirs.new" | tr -d ' ')" "$rc" "$lb" "$la" "$sum" >> "$TSV"
	{ echo "new database directories:"; cat "$W/dirs.new"; } >> "$log"
	say "  $name $step: $1 s wall, $(echo "$2 $3" | awk '{print $1 + $2}') s CPU, rc $rc: $sum"
	[ $rc -le 1 ] || { say "lede-index failed, see $log"; exit 2; }
}

QTSV=$RAW/query.tsv
printf 'index\tphase\tscope\tn\tmean_ms\tp50_ms\tp99_ms\tcpu_ms_per_query\tload\n' > "$QTSV"
# pct FILE P: nearest-rank percentile of the numbers in FILE
pct() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END {
	k = int(p / 100 * NR + 0.999999999); if (k < 1) k = 1; print v[k] }'; }
# query INDEXDIR NAME PHASE REP [EXTRA_CPU_CMD]: one pass of query_lede
# (200 queries x 3), its raw per-query log kept for the percentiles
query() {
	dir=$1 name=$2 phase=$3 rep=$4
	$TIME -f '%U %S' -o "$W/qtime.out" "$W/query_lede" "$dir" "$W/queries.txt" \
		"$RAW/q-$name-$phase-$rep.tsv" > "$RAW/q-$name-$phase-$rep.txt" \
		2> "$RAW/q-$name-$phase-$rep.err" ||
		{ say "query_lede failed on $dir: $(tail -1 "$RAW/q-$name-$phase-$rep.err")"; exit 2; }
	tail -1 "$W/qtime.out" | awk '{ print $1 + $2 }' >> "$W/cpu-$name-$phase"
	load1 >> "$W/load-$name-$phase"
}
# summarize NAME PHASE: rows for all queries, the date class and the rest
summarize() {
	name=$1 phase=$2
	runs=$(cat "$RAW"/q-"$name"-"$phase"-*.tsv | grep -vc '^pass')
	cpu=$(awk -v n="$runs" '{ s += $1 } END { printf "%.3f", s * 1000 / n }' "$W/cpu-$name-$phase")
	load=$(sort -n "$W/load-$name-$phase" | sed -n '1p;$p' | paste -sd- -)
	for scope in all date other; do
		cat "$RAW"/q-"$name"-"$phase"-*.tsv | grep -v '^pass' |
			awk -F'\t' -v s="$scope" 's == "all" || (s == "date") == ($2 == "date") { print $3 }' > "$W/ms"
		n=$(wc -l < "$W/ms")
		mean=$(awk '{ s += $1 } END { printf "%.3f", s / NR }' "$W/ms")
		printf '%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%s\t%s\n' "$name" "$phase" "$scope" \
			"$n" "$mean" "$(pct "$W/ms" 50)" "$(pct "$W/ms" 99)" \
			"$([ "$scope" = all ] && echo "$cpu")" "$load" >> "$QTSV"
	done
	rm -f "$W/cpu-$name-$phase" "$W/load-$name-$phase"
	say "  $name $phase: $(grep "^$name	$phase	all" "$QTSV" | cut -f5-8 | tr '\t' ' ') (mean p50 p99 ms, CPU ms/query)"
}
# query_all PHASE NAME...: REPS interleaved passes over the indexes
query_all() {
	phase=$1; shift
	r=1
	while [ $r -le "$REPS" ]; do
		for n in "$@"; do query "$W/$n" "$n" "$phase" "$r"; done
		r=$((r + 1))
	done
	for n in "$@"; do summarize "$n" "$phase"; done
}

# One lede-search process per query: 20 queries (every 10th), 3 times,
# under one GNU time (it counts the children): mean wall and CPU per run.
CTSV=$RAW/cold.tsv
printf 'index\truns\twall_ms_per_run\tcpu_ms_per_run\tload\n' > "$CTSV"
cold() {
	name=$1
	$TIME -f '%e %U %S' -o "$W/ctime.out" sh -c '
		for r in 1 2 3; do
			while IFS= read -r q; do
				"$1" -i "$2" --limit 10 --color never "$q" > /dev/null 2>&1
			done < "$3"
		done' sh "$LS" "$W/$name" "$W/queries.cold"
	runs=$(( $(wc -l < "$W/queries.cold") * 3 ))
	set -- $(tail -1 "$W/ctime.out")
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$runs" \
		"$(awk -v w="$1" -v n="$runs" 'BEGIN { printf "%.2f", w * 1000 / n }')" \
		"$(awk -v u="$2" -v s="$3" -v n="$runs" 'BEGIN { printf "%.2f", (u + s) * 1000 / n }')" \
		"$(load1)" >> "$CTSV"
}

# ---- (a) builds from scratch ------------------------------------------------
say "corpus: $ARTICLES articles, $TEXT_MB MB, dated $FIRST_YEAR-$YEAR; load now $(load1)"
IDXS="flat-j1 flat-j2 year month"
rm -rf "$W/flat-j1" "$W/flat-j2" "$W/year" "$W/month"
say "(a) builds from scratch"
timed flat-j1 build "$LI" -i "$W/flat-j1" --jobs 1 "$C"
timed flat-j2 build "$LI" -i "$W/flat-j2" --jobs 2 "$C"
timed year build "$LI" -i "$W/year" --shard-by year "$C"
timed month build "$LI" -i "$W/month" --shard-by month "$C"
say "    no-change reruns"
for n in $IDXS; do timed "$n" rerun "$LI" -i "$W/$n" "$C"; done

# ---- (c) search on the fresh indexes ------------------------------------------
say "(c) search latency, fresh indexes ($REPS interleaved passes of 600 queries)"
query_all fresh $IDXS
say "    one process per query"
for n in $IDXS; do cold "$n"; done

# ---- (d) remote: 3 parts on 3 loopback xapian-tcpsrv vs one index -------------
SRV_PIDS=""
stop_servers() {
	for p in $SRV_PIDS; do
		# a --one-shot server runs under GNU time: stop the server too
		for c in $(pgrep -P "$p" 2>/dev/null); do kill "$c" 2>/dev/null; done
		kill "$p" 2>/dev/null
	done
	SRV_PIDS=""
}
trap stop_servers EXIT
trap 'stop_servers; exit 2' INT TERM
# start_servers [--one-shot]: one xapian-tcpsrv per part on 127.0.0.1, in
# its own session (on SIGTERM it signals its whole group). --one-shot
# serves one connection in the process itself, under GNU time, so that
# its CPU can be counted (a forking server's children are not).
start_servers() {
	for p in 1 2 3; do
		db=$(sed -n 's/^auto //p' "$W/part$p/XAPIANDB")
		rm -f "$W/srv$p.log" "$W/srv$p.time"
		if [ "${1:-}" = --one-shot ]; then
			setsid $TIME -f '%U %S' -o "$W/srv$p.time" xapian-tcpsrv --one-shot \
				--port $((base + p)) --interface 127.0.0.1 "$W/part$p/$db" \
				> "$W/srv$p.log" 2>&1 &
		else
			setsid xapian-tcpsrv --port $((base + p)) --interface 127.0.0.1 \
				"$W/part$p/$db" > "$W/srv$p.log" 2>&1 &
		fi
		SRV_PIDS="$SRV_PIDS $!"
	done
	for p in 1 2 3; do
		t=0
		until grep -q Listening "$W/srv$p.log" 2>/dev/null || [ $t -ge 100 ]; do
			sleep 0.1; t=$((t + 1))
		done
	done
}
if [ "$REMOTE" = 1 ]; then
	say "(d) remote: the corpus in 3 parts, each served by xapian-tcpsrv on loopback"
	# leaf directories dealt round-robin to 3 parts; copies keep the
	# paths (hence the article ids) of the one-index corpus
	rm -rf "$W/parts" "$W/part1" "$W/part2" "$W/part3" "$W/local3" "$W/remote3"
	i=0
	for d in $(cd "$W" && find archive -mindepth 2 -maxdepth 2 -type d | sort); do
		p=$((i % 3 + 1))
		mkdir -p "$W/parts/p$p/$(dirname "$d")"
		cp -Rp "$W/$d" "$W/parts/p$p/$d" || exit 2
		i=$((i + 1))
	done
	for p in 1 2 3; do
		timed part$p build "$LI" -i "$W/part$p" --jobs 2 "$W/parts/p$p/archive"
	done
	base=$((30000 + ($$ % 1000) * 3))
	mkdir -p "$W/local3" "$W/remote3"
	: > "$W/local3/XAPIANDB"
	: > "$W/remote3/XAPIANDB"
	for p in 1 2 3; do
		echo "auto $W/part$p/$(sed -n 's/^auto //p' "$W/part$p/XAPIANDB")" >> "$W/local3/XAPIANDB"
		echo "remote 127.0.0.1:$((base + p))" >> "$W/remote3/XAPIANDB"
	done
	rcpu=0
	r=1
	while [ $r -le "$REPS" ]; do
		query "$W/flat-j2" flat-j2 remote "$r"
		query "$W/local3" local3 remote "$r"
		start_servers --one-shot
		query "$W/remote3" remote3 remote "$r"
		for p in $SRV_PIDS; do wait "$p"; done
		SRV_PIDS=""
		for p in 1 2 3; do
			rcpu=$(tail -1 "$W/srv$p.time" | awk -v a="$rcpu" '{ print a + $1 + $2 }')
		done
		r=$((r + 1))
	done
	for n in flat-j2 local3 remote3; do summarize "$n" remote; done
	printf 'remote3\tservers_cpu_s\t%s\n' "$rcpu" > "$RAW/remote-servers.tsv"
	say "    the 3 servers used $rcpu CPU s in $REPS passes"
	start_servers
	for n in local3 remote3; do cold "$n"; done
	stop_servers
	for p in 1 2 3; do live_bytes "$W/part$p"; done > "$RAW/parts-size.tsv"
fi

# ---- (b) two simulated nights ------------------------------------------------
NNEW=$(( (ARTICLES * NEW_PCT + 99) / 100 ))
# new_articles DIR MTIME: NNEW files, copies of spread-out x1 articles with
# an edited title, dated MTIME (the current period)
new_articles() {
	dir=$1 when=$2
	mkdir -p "$dir"
	step=$(( $(cat "$W/corpus-x1.ok" | cut -d' ' -f1) / NNEW ))
	[ "$step" -ge 1 ] || step=1
	(cd "$C1" && find . -name '*.txt' | sort) | awk -v s="$step" -v n="$NNEW" \
		'NR % s == 0 && c < n { print; c++ }' | {
		i=0
		while read -r f; do
			i=$((i + 1))
			{ printf 'Update %s: ' "$i"; cat "$C1/$f"; } > "$dir/$i.txt"
		done
	}
	touch -d "$when" "$dir"/*.txt
}
# correct_older N: appends a correction to N files of the older years,
# keeping their mtime (their date); spread over years and months
correct_older() {
	find "$C" -name '*.txt' -path "$C/y*" ! -path "$C/y$YEAR/*" | sort > "$W/older"
	step=$(( $(wc -l < "$W/older") / $1 ))
	[ "$step" -ge 1 ] || step=1
	awk -v s="$step" -v n="$1" 'NR % s == 0 && c < n { print; c++ }' "$W/older" |
		while read -r f; do
			t=$(stat -c %Y "$f")
			printf '\nCorrection: an earlier version of this story misstated a figure.\n' >> "$f"
			touch -d "@$t" "$f"
		done
}
NIGHTS=$IDXS
say "(b) night 1: $NNEW new articles dated yesterday"
new_articles "$C/new/night1" "$(date -u -d 'yesterday 12:00' '+%Y-%m-%d %H:%M:%S UTC')"
for n in $NIGHTS; do timed "$n" night1 "$LI" -i "$W/$n" "$C"; done
say "(b) night 2: $NNEW new articles dated today, $NMOD corrected older files"
new_articles "$C/new/night2" "$(date -u '+%Y-%m-%d 06:00:00 UTC')"
correct_older "$NMOD"
for n in $NIGHTS; do timed "$n" night2 "$LI" -i "$W/$n" "$C"; done
say "(c) search latency after the nights"
query_all nightly $NIGHTS
say "    expire: drop the oldest year"
timed year expire "$LI" -i "$W/year" --expire-before "$((FIRST_YEAR + 1))" "$C"
timed month expire "$LI" -i "$W/month" --expire-before "$((FIRST_YEAR + 1))" "$C"

# ---- report --------------------------------------------------------------------
find "$RAW" -name '*.err' -size 0 -delete
sh bench/shards_report.sh "$OUT" || exit 2
say "done: $REPORT"
