#!/bin/sh
# bench/run.sh - `make bench`: lede against Xapian's scriptindex and omindex
# and SQLite FTS5 on Reuters-21578, in one run. See bench/README.md.
#
#   sh bench/run.sh [BUILD_DIR]          (make bench passes build/)
#
# Environment:
#   BENCH_SCALES="1 4"     corpus scales (x16: BENCH_SCALES="1 4 16")
#   BENCH_TOOLS="lede scriptindex omindex fts5"
#   BENCH_REPS=1           builds per tool at x1 (the median is reported)
#   BENCH_QUERY_RUNS=3     runs of each query driver, in turn with the
#                          other tools' (each figure, mean, p50, p99 and
#                          max alike: its median over the runs)
#   BENCH_COLD=20          queries run as one process each (0: none)
#   BENCH_PROFILE=1        profile lede-index (perf, else callgrind; 0: no)
#   BENCH_DATA=DIR         the directory holding reuters21578/
#                          (default: ../shared/data next to the project)
#   BENCH_OUT=DIR          results directory (default bench/results/DATE)
#   BENCH_KEEP=1           keep the indexes (default: removed per scale)
set -u

PROJ=$(cd "$(dirname "$0")/.." && pwd)
cd "$PROJ" || exit 2
B=${1:-build}
W=$B/bench
SCALES=${BENCH_SCALES:-1 4}
TOOLS=${BENCH_TOOLS:-lede scriptindex omindex fts5}
REPS=${BENCH_REPS:-1}
QRUNS=${BENCH_QUERY_RUNS:-3}
COLD=${BENCH_COLD:-20}
PROFILE=${BENCH_PROFILE:-1}
DATA=${BENCH_DATA:-$(dirname "$PROJ")/shared/data}
SGM=$DATA/reuters21578
DAY=$(date -u +%Y-%m-%d)
OUT=${BENCH_OUT:-bench/results/$DAY}
RAW=$OUT/raw
QUERIES=bench/queries.txt
CC=${CC:-cc}
CXX=${CXX:-c++}

say() { echo "bench: $*" >&2; }

# ---- preconditions ----------------------------------------------------
if ! ls "$SGM"/reut2-*.sgm >/dev/null 2>&1; then
	say "no Reuters-21578 collection at $SGM (set BENCH_DATA); skipping the benchmark"
	exit 0
fi
for f in "$B/lede-index" "$B/lede-search" "$B/liblede.a"; do
	[ -e "$f" ] || { say "$f missing: run make first"; exit 2; }
done
TIME=/usr/bin/time
if ! $TIME -f '%e' true >/dev/null 2>&1; then
	say "GNU time (/usr/bin/time) is needed: apt-get install time"; exit 2
fi
have() { command -v "$1" >/dev/null 2>&1; }
want_tool() { # drops a peer whose programs are missing
	case " $TOOLS " in *" $1 "*) ;; *) return 1 ;; esac
	shift
	for p in "$@"; do
		have "$p" && continue
		say "$p not found: skipping that peer (make bench installs it)"
		return 1
	done
	return 0
}
T=""
for t in $TOOLS; do
	case $t in
	lede) T="$T lede" ;;
	scriptindex) want_tool scriptindex scriptindex xapian-delve && T="$T scriptindex" ;;
	omindex) want_tool omindex omindex xapian-delve && T="$T omindex" ;;
	fts5) if pkg-config --exists sqlite3; then T="$T fts5"; else
		say "libsqlite3-dev missing: skipping FTS5"; fi ;;
	*) say "unknown tool $t" ;;
	esac
done
TOOLS=$T
case " $SCALES " in *" 1 "*) ;; *) SCALES="1 $SCALES" ;; esac

mkdir -p "$W" "$RAW" || exit 2

# ---- build the bench programs -------------------------------------------
DEP_MODS=$(sed -n 's/^DEP_MODS := //p' Makefile)
CFL="-O2 -g -Wall -Wextra -D_GNU_SOURCE"
build() { # build OUT SRC... (prints the command on failure)
	out=$1; shift
	"$@" || { say "building $out failed: $*"; exit 2; }
}
say "building the drivers in $W"
build corpus $CC -std=c11 $CFL -o "$W/corpus" bench/corpus.c
build query_lede $CC -std=c11 $CFL -Iinclude -c -o "$W/query_lede.o" bench/query_lede.c
# linked like the CLIs and tests/api: the static library, then its deps
build query_lede $CXX -o "$W/query_lede" "$W/query_lede.o" "$B/liblede.a" \
	$(pkg-config --libs $DEP_MODS)
case $TOOLS in *fts5*)
	SQL_CF=$(pkg-config --cflags sqlite3); SQL_LIBS=$(pkg-config --libs sqlite3)
	build fts5_load $CC -std=c11 $CFL $SQL_CF -o "$W/fts5_load" bench/fts5_load.c $SQL_LIBS
	build query_fts5 $CC -std=c11 $CFL $SQL_CF -o "$W/query_fts5" bench/query_fts5.c $SQL_LIBS ;;
esac
case $TOOLS in *scriptindex*)
	build query_xapian $CXX -std=c++17 $CFL $(pkg-config --cflags xapian-core) \
		-o "$W/query_xapian" bench/query_xapian.cc $(pkg-config --libs xapian-core) ;;
esac

# ---- corpora -----------------------------------------------------------
C1=$W/corpus-x1
if [ ! -f "$W/corpus-x1.ok" ]; then
	say "converting $SGM to $C1"
	rm -rf "$C1"
	"$W/corpus" reuters "$SGM" "$C1" || exit 2
	"$W/corpus" stats "$C1" > "$W/corpus-x1.ok"
fi
for s in $SCALES; do
	[ "$s" = 1 ] && continue
	C=$W/corpus-x$s
	[ -f "$C.ok" ] && continue
	say "making $C ($s copies of x1 in rNN/)"
	rm -rf "$C" && mkdir -p "$C" || exit 2
	i=0
	while [ $i -lt "$s" ]; do
		# cp -p keeps the mtimes, which carry the article dates
		cp -Rp "$C1" "$C/r$(printf %02d $i)" || exit 2
		i=$((i + 1))
	done
	"$W/corpus" stats "$C" > "$C.ok"
done
if [ ! -s "$QUERIES" ] || [ "${BENCH_REGEN_QUERIES:-0}" = 1 ]; then
	say "generating $QUERIES"
	"$W/corpus" queries "$C1" 42 > "$QUERIES" || exit 2
fi
"$W/corpus" queries "$C1" 42 > "$W/queries.check" &&
	cmp -s "$W/queries.check" "$QUERIES" ||
	say "warning: $QUERIES differs from what the x1 corpus generates now"

# ---- environment ----------------------------------------------------------
{
	echo "date_utc	$(date -u '+%Y-%m-%d %H:%M')"
	echo "host	$(uname -srm)"
	echo "cpu	$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
	echo "ram	$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "os	$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}")"
	echo "lede	$($B/lede-index --version 2>&1 | head -1) (git $(git rev-parse --short HEAD 2>/dev/null || echo ?)$(git status --porcelain -- lib indexer searcher include 2>/dev/null | grep -q . && echo ', working tree modified'))"
	echo "xapian	$(pkg-config --modversion xapian-core 2>/dev/null); $(scriptindex --version 2>/dev/null | head -1)"
	echo "sqlite	$(pkg-config --modversion sqlite3 2>/dev/null)"
	echo "cc	$($CC --version | head -1)"
	echo "fs	$(df -T "$W" | awk 'NR==2 {print $2}')"
	echo "scales	$SCALES"
	echo "tools	$TOOLS"
	echo "reps	$REPS"
	for s in $SCALES; do echo "corpus_x$s	$(cat "$W/corpus-x$s.ok")"; done
} > "$RAW/env.tsv"

# ---- indexing -------------------------------------------------------------
load1() { cut -d' ' -f1 /proc/loadavg; }
warm() { find "$1" -type f -name '*.txt' -exec cat {} + > /dev/null; }

IDXTSV=$RAW/index.tsv
printf 'tool\tscale\trun\trep\tdocs\traw_bytes\twall_s\tuser_s\tsys_s\trss_kb\tindex_bytes\tindex_kb\trc\tload_before\tload_after\n' > "$IDXTSV"

# timed TOOL SCALE RUN REP INDEXPATH CMD...: one timed run, a row in index.tsv
timed() {
	tool=$1 scale=$2 run=$3 rep=$4 ipath=$5; shift 5
	log=$RAW/index-$tool-x$scale-$run-$rep.log
	lb=$(load1)
	$TIME -f '%e %U %S %M' -o "$W/time.out" "$@" > "$log" 2>&1
	rc=$?
	la=$(load1)
	set -- $(tail -1 "$W/time.out")
	wall=$1 usr=$2 sys=$3 rss=$4
	ib=$(du -sb "$ipath" | cut -f1)
	ik=$(du -sk "$ipath" | cut -f1)
	docs=$(ndocs "$tool" "$ipath" "$log")
	set -- $(cat "$W/corpus-x$scale.ok")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
		"$tool" "$scale" "$run" "$rep" "$docs" "$2" "$wall" "$usr" "$sys" \
		"$rss" "$ib" "$ik" "$rc" "$lb" "$la" >> "$IDXTSV"
	say "  $tool x$scale $run: ${wall}s wall, $(echo "$usr $sys" | awk '{print $1+$2}')s CPU, rc $rc, $docs docs"
}
ndocs() {
	case $1 in
	lede) sed -n 's/.*added \([0-9]*\), updated \([0-9]*\).*unchanged \([0-9]*\).*/\1 \2 \3/p' "$3" |
		awk '{print $1+$2+$3}' ;;
	scriptindex|omindex) xapian-delve "$2" 2>/dev/null | sed -n 's/^number of documents = //p' ;;
	fts5) sed -n 's/^fts5_load: \([0-9]*\) articles.*/\1/p' "$3" ;;
	esac
}

index_tool() { # index_tool TOOL SCALE REP
	tool=$1 s=$2 rep=$3
	C=$W/corpus-x$s
	I=$W/idx-x$s
	mkdir -p "$I"
	case $tool in
	lede)
		rm -rf "$I/lede"
		timed lede "$s" build "$rep" "$I/lede" "$B/lede-index" -i "$I/lede" "$C"
		timed lede "$s" rerun "$rep" "$I/lede" "$B/lede-index" -i "$I/lede" "$C" ;;
	scriptindex)
		rm -rf "$I/scriptindex"
		timed scriptindex "$s" build "$rep" "$I/scriptindex" sh -c \
			"'$W/corpus' scriptindex '$C' | scriptindex --overwrite --stemmer=english '$I/scriptindex' bench/scriptindex.script" ;;
	omindex)
		rm -rf "$I/omindex"
		timed omindex "$s" build "$rep" "$I/omindex" omindex --overwrite \
			--stemmer=english --db "$I/omindex" --url / "$C" ;;
	fts5)
		rm -f "$I/fts5.db"
		timed fts5 "$s" build "$rep" "$I/fts5.db" "$W/fts5_load" "$I/fts5.db" "$C" ;;
	esac
}

# ---- queries --------------------------------------------------------------
QTSV=$RAW/query.tsv
QRTSV=$RAW/query-runs.tsv
QHEAD='tool\tscale\tscope\tn\tmean_ms\tp50_ms\tp99_ms\tmax_ms\thits\tzero'
printf "$QHEAD\n" > "$QTSV"
printf "run\t$QHEAD\n" > "$QRTSV"
query_tool() { # query_tool TOOL SCALE RUN
	tool=$1 s=$2 run=$3 I=$W/idx-x$2
	case $tool in
	lede) drv=query_lede db=$I/lede ;;
	scriptindex) drv=query_xapian db=$I/scriptindex ;;
	fts5) drv=query_fts5 db=$I/fts5.db ;;
	*) return 0 ;;
	esac
	out=$RAW/query-$tool-x$s-r$run
	# the index's files read once, as the corpus is before indexing: the
	# host may have let part of them go since the build, and the first
	# pass would time its disk
	find "$db" -type f -exec cat {} + > /dev/null
	"$W/$drv" "$db" "$QUERIES" "$out.tsv" > "$out.txt" 2> "$out.err" ||
		{ say "  $drv failed: $(tail -1 "$out.err")"; return 0; }
	# "all n= mean= ..." and "class=C n= ..." lines -> rows
	awk -v t="$tool" -v s="$s" -v r="$run" '
		$1 == "all" || $1 ~ /^class=/ || $1 ~ /^pass=/ {
			scope = $1; sub(/^class=/, "", scope)
			for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r, t, s, scope,
				v["n"], v["mean"], v["p50"], v["p99"], v["max"], v["hits"], v["zero"]
			delete v
		}' "$out.txt" >> "$QRTSV"
	say "  $tool x$s queries, run $run: $(grep '^all' "$out.txt")"
}

# query.tsv: per tool, scale and scope, the median over the runs of each
# figure (a host that slows down for a minute moves one run, not the
# result); hits and zero-hit runs are the same in every run.
query_medians() {
	awk -F'\t' 'NR > 1 { k = $2 FS $3 FS $4
			if (!(k in n)) { keys[++nk] = k; h[k] = $10; z[k] = $11; c[k] = $5 }
			n[k]++; for (f = 6; f <= 9; f++) v[k, f, n[k]] = $f }
		function med(k, f,    m, i, j, t, a) {
			m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, f, i]
			for (i = 2; i <= m; i++) { t = a[i]
				for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]
				a[j + 1] = t }
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
		NR > 1 && ($10 != h[k] || $11 != z[k]) {
			printf "bench: %s run %s: %s hits, %s zero-hit, not %s and %s as in run 1\n",
				k, $1, $10, $11, h[k], z[k] > "/dev/stderr" }
		END { for (i = 1; i <= nk; i++) { k = keys[i]
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, c[k],
				med(k, 6), med(k, 7), med(k, 8), med(k, 9), h[k], z[k] } }' \
		"$QRTSV" >> "$QTSV"
}

# One process per query: lede-search, and the peers' CLIs for reference.
CTSV=$RAW/cold.tsv
printf 'tool\tscale\tclass\tmean_ms\tmedian_ms\tmin_ms\tuser_ms\tsys_ms\tquery\n' > "$CTSV"
cold_tool() { # cold_tool TOOL SCALE
	tool=$1 s=$2 I=$W/idx-x$2
	[ "$COLD" -gt 0 ] 2>/dev/null || return 0
	case $tool in lede|scriptindex|fts5) ;; *) return 0 ;; esac
	step=$(( $(grep -vc '^#' "$QUERIES") / COLD ))
	[ "$step" -ge 1 ] || step=1
	[ "$tool" = fts5 ] && "$W/query_fts5" --print-sql "$QUERIES" > "$W/queries.sql"
	k=0 n=0
	grep -v '^#' "$QUERIES" > "$W/queries.plain"
	while IFS='	' read -r cls q; do
		k=$((k + 1))
		[ $(( (k - 1) % step )) -eq 0 ] && [ $n -lt "$COLD" ] || continue
		n=$((n + 1))
		case $tool in
		lede) cmd="$B/lede-search -i $I/lede --limit 10 --color never '$q'" ;;
		scriptindex) cmd="quest -d $I/scriptindex -s english -o and -m 10 -b date:XM '$q'" ;;
		fts5) sql=$(sed -n "${k}p" "$W/queries.sql" | sed 's/"/\\"/g')
			cmd="sqlite3 $I/fts5.db \"$sql\"" ;;
		esac
		if have hyperfine; then
			hyperfine -N -i --style none --warmup 3 --runs 10 \
				--export-csv "$W/hf.csv" "$cmd" > /dev/null 2>&1 ||
				{ say "  hyperfine failed on: $cmd"; continue; }
			# command,mean,stddev,median,user,system,min,max (seconds)
			awk -F, -v t="$tool" -v s="$s" -v c="$cls" -v q="$q" 'NR == 2 {
				printf "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\n", t, s, c,
					$(NF-6)*1000, $(NF-4)*1000, $(NF-1)*1000, $(NF-3)*1000,
					$(NF-2)*1000, q }' "$W/hf.csv" >> "$CTSV"
		else
			r=0; : > "$W/cold.ms"
			while [ $r -lt 13 ]; do
				t0=$(date +%s%N)
				eval "$cmd" > /dev/null 2>&1
				t1=$(date +%s%N)
				[ $r -ge 3 ] && echo $(( (t1 - t0) / 1000 )) >> "$W/cold.ms"
				r=$((r + 1))
			done
			sort -n "$W/cold.ms" | awk -v t="$tool" -v s="$s" -v c="$cls" -v q="$q" '
				{ v[NR] = $1 / 1000; sum += $1 / 1000 }
				END { printf "%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t\t\t%s\n", t, s, c,
					sum / NR, v[int((NR + 1) / 2)], v[1], q }' >> "$CTSV"
		fi
	done < "$W/queries.plain"
}

# ---- the run ---------------------------------------------------------------
say "tools:$TOOLS; scales: $SCALES; results in $OUT (machine load now: $(load1))"
for s in $SCALES; do
	say "scale x$s: $(cat "$W/corpus-x$s.ok" | awk '{printf "%d articles, %.1f MB", $1, $2/1e6}')"
	warm "$W/corpus-x$s"
	nreps=1
	[ "$s" = 1 ] && nreps=$REPS
	rep=1
	while [ $rep -le "$nreps" ]; do
		for t in $TOOLS; do index_tool "$t" "$s" "$rep"; done
		rep=$((rep + 1))
	done
	run=1
	while [ $run -le "$QRUNS" ]; do
		for t in $TOOLS; do query_tool "$t" "$s" "$run"; done
		run=$((run + 1))
	done
	for t in $TOOLS; do cold_tool "$t" "$s"; done
	if [ "${BENCH_KEEP:-0}" != 1 ] && [ "$s" != 1 ]; then rm -rf "$W/idx-x$s"; fi
done

query_medians

# ---- profile of lede-index ------------------------------------------------------
PROF=$OUT/profile-index.txt
if [ "$PROFILE" = 1 ]; then
	PC=$W/corpus-prof
	if [ ! -d "$PC" ]; then
		# the first 3000 articles of x1 (sorted paths), dates kept
		mkdir -p "$PC"
		(cd "$C1" && find . -name '*.txt' | sort | head -3000) |
			while read -r f; do
				mkdir -p "$PC/$(dirname "$f")" && cp -p "$C1/$f" "$PC/$f"
			done
	fi
	rm -rf "$W/prof.idx"
	if have perf && perf stat -e cpu-clock true > /dev/null 2>&1; then
		say "profiling lede-index with perf on x1 (flat) and 3000 articles (call graph)"
		perf record -q -e cpu-clock -F 999 -o "$W/perf.data" -- \
			"$B/lede-index" -i "$W/prof.idx" "$C1" > "$RAW/profile.log" 2>&1
		rm -rf "$W/prof.idx"
		perf record -q -e cpu-clock -F 999 --call-graph dwarf,16384 \
			-o "$W/perf-cg.data" -- "$B/lede-index" -i "$W/prof.idx" "$PC" \
			>> "$RAW/profile.log" 2>&1
		{
			echo "# lede-index profile ($(date -u '+%Y-%m-%d %H:%M') UTC)"
			echo "# perf record -e cpu-clock -F 999 (hardware counters: $(perf stat -e instructions true 2>&1 | grep -q 'not supported' && echo 'not available in this VM' || echo available))"
			echo "# 1) whole x1 corpus, flat: by module (dso), then top symbols"
			echo
			perf report -i "$W/perf.data" --stdio --no-children --sort dso 2>/dev/null |
				grep -v '^$' | head -25
			echo
			perf report -i "$W/perf.data" --stdio --no-children --sort dso,sym 2>/dev/null |
				grep -v '^$' | grep -v '^# *$' | head -70
			echo
			echo "# 2) first 3000 articles, call graph (dwarf): inclusive time (children) per symbol"
			echo
			perf report -i "$W/perf-cg.data" --stdio --children --sort sym \
				-g none --percent-limit 1.5 2>/dev/null | grep -v '^$' | head -90
			echo
			echo "# 3) same samples, each charged to the innermost lede function on its stack"
			echo "#    (xc_* = lede's calls into libxapian, with everything under them)"
			echo
			perf script -i "$W/perf-cg.data" -F ip,sym,dso 2>/dev/null | sh bench/profile_by_lede_fn.sh
		} | sed -e 's/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/std::string/g' \
			-e 's/, std::allocator<[^<>]*\(<[^<>]*>\)*[^<>]*>//g' -e 's/[[:space:]]*$//' \
			-e '/^# Overhead\|^# Children\|^# \.\.\.\|^#$\|^# To display\|^# (Tip/d' > "$PROF"
	elif have valgrind; then
		say "profiling lede-index with callgrind on 3000 articles (perf unavailable)"
		valgrind --tool=callgrind --callgrind-out-file="$W/callgrind.out" \
			"$B/lede-index" -i "$W/prof.idx" "$PC" > "$RAW/profile.log" 2>&1
		{
			echo "# lede-index profile: valgrind --tool=callgrind, 3000 articles (instructions)"
			callgrind_annotate --inclusive=no "$W/callgrind.out" 2>/dev/null | head -60
			echo
			callgrind_annotate --inclusive=yes "$W/callgrind.out" 2>/dev/null | head -60
		} > "$PROF"
	else
		say "neither perf nor valgrind: no profile"
	fi
	rm -rf "$W/prof.idx"
fi

# ---- analyzer throughput ---------------------------------------------------------
# lib/analyzer.c alone, one thread, thread CPU time, best of 8 rounds (the
# first round, with a cold stem cache, is reported too): English Reuters
# (SGML tags stripped), and where ../shared/data has them, German news
# (10kGNAD) and Chinese (SIGHAN 2005 msr + pku test sets, no stemmer).
ATSV=$RAW/analyzer.tsv
printf 'corpus\tlang\tmb\tfirst_mb_s\tbest_mb_s\tmtokens_s\n' > "$ATSV"
if make --no-print-directory -s B="$B" "$B/bench_analyzer" >/dev/null; then
	analyze() { # analyze NAME LANG ARGS...: a row in analyzer.tsv
		name=$1 lang=$2; shift 2
		"$B/bench_analyzer" -n 8 -l "$lang" "$@" > "$W/analyzer.out" 2>&1 || {
			say "bench_analyzer failed on $name: $(cat "$W/analyzer.out")"; return; }
		awk -v n="$name" -v l="$lang" '
			/ MB, lang / { for (i = 1; i <= NF; i++) if ($i == "MB,") mb = $(i - 1) }
			/^first round/ { f = $3; b = $8; t = $10 }
			END { printf "%s\t%s\t%s\t%s\t%s\t%s\n", n, l, mb, f, b, t }' \
			"$W/analyzer.out" >> "$ATSV"
		say "  analyzer $name: $(tail -1 "$W/analyzer.out")"
	}
	say "analyzer throughput (one thread)"
	analyze "Reuters-21578 (English)" english -t "$SGM"/reut2-*.sgm
	G=$DATA/10kGNAD/test.csv
	[ -f "$G" ] && analyze "10kGNAD (German)" german "$G"
	Z=$DATA/icwb2-sighan2005/testing
	[ -f "$Z/msr_test.utf8" ] && [ -f "$Z/pku_test.utf8" ] &&
		analyze "SIGHAN 2005 msr+pku (Chinese)" none "$Z/msr_test.utf8" "$Z/pku_test.utf8"
else
	say "could not build $B/bench_analyzer: no analyzer figures"
fi

# ---- report ---------------------------------------------------------------------
sh bench/report.sh "$OUT" || exit 2
if [ -z "${BENCH_OUT:-}" ]; then
	cp "$OUT/results.md" bench/results/latest.md
	say "done: $OUT/results.md (also bench/results/latest.md)"
else
	say "done: $OUT/results.md"
fi
