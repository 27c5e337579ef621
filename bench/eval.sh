#!/bin/sh
# bench/eval.sh - `make eval`: relevance of lede on every judged collection
# found in the data folder (the classic CACM, CISI, Cranfield, Medline, and
# any TREC collection: `lede-eval discover`, rules in bench/eval/discover.h),
# against Xapian's stock pipeline and SQLite FTS5, with a BM25/title-weight
# grid and leave-one-collection-out selection of defaults.
# docs/RELEVANCE.md explains the method and holds the figures this prints.
#
# Usage: sh bench/eval.sh [BUILD_DIR]
#   LEDE_EVAL_DATA   where the collections are (default ../shared/data);
#                    absent: prints "skipped" and exits 0
#   LEDE_EVAL_OUT    work and report directory (default BUILD_DIR/eval)
#   EVAL_GRID_DEPTH  documents per query in the grid (default 100; the
#                    reported rows always use 1000)
#   EVAL_K1 EVAL_B EVAL_TW  the grid (comma lists)
#   EVAL_COLLS       only these collections (names as discover prints them)
#   EVAL_LANGS       analyzers of the grid (default "english none")
set -eu
B=${1:-build}
DATA=${LEDE_EVAL_DATA:-../shared/data}
OUT=${LEDE_EVAL_OUT:-$B/eval}
GRID_DEPTH=${EVAL_GRID_DEPTH:-100}
K1S=${EVAL_K1:-0.6,0.9,1.2,1.5,2.0}
BS=${EVAL_B:-0.3,0.5,0.75,0.9}
TWS=${EVAL_TW:-0.5,1,2,3}
# lede's library defaults, read from the source for the labels of the
# lede-default rows ("def" if they moved).
defval() { # defval FILE MACRO
	v=$(sed -n "s/^#define $2 \([0-9.]*\).*/\1/p" "$1" 2>/dev/null)
	echo "${v:-def}"
}
DEF_K1=$(defval searcher/search.c LEDE_BM25_K1)
DEF_B=$(defval lib/lede_private.h LEDE_BM25_B)
DEF_TW=$(defval searcher/query.h QUERY_DEFAULT_TITLE_WEIGHT)

if [ ! -d "$DATA" ]; then
	echo "eval: skipped: no collections at $DATA (set LEDE_EVAL_DATA)"
	exit 0
fi

LANGS=${EVAL_LANGS:-english none}

make --no-print-directory "$B/lede-eval" "$B/eval-xapian" >/dev/null
# Every subdirectory of $DATA that is a judged collection, whatever its
# name: the classic four by their files, a TREC collection by its content.
COLLS=""
for c in $("$B/lede-eval" discover "$DATA" | cut -f1); do
	if [ -n "${EVAL_COLLS:-}" ]; then
		case " $EVAL_COLLS " in *" $c "*) ;; *) continue ;; esac
	fi
	COLLS="$COLLS $c"
done
if [ -z "$COLLS" ]; then
	echo "eval: skipped: no judged collection under $DATA"
	exit 0
fi

FTS5=1
if ! pkg-config --exists sqlite3 2>/dev/null; then
	sh mk/deps.sh bench >/dev/null 2>&1 || true
fi
make --no-print-directory "$B/eval-fts5" >/dev/null 2>&1 || {
	FTS5=0
	echo "eval: no libsqlite3-dev: the FTS5 baseline is left out" >&2
}

EVAL=$B/lede-eval
mkdir -p "$OUT"
ROWS=$OUT/rows.tsv      # collection system lang k1 b tw op MAP P10 nDCG R nq
GRID=$OUT/grid.tsv      # collection lang k1 b tw op MAP P10 nDCG R nq
: >"$ROWS"
: >"$GRID"
STOPLIST=$DATA/cacm/common_words

# row SYSTEM LANG < lede-eval --tsv line: appends to $ROWS
row() {
	while IFS='	' read -r label k1 b tw op map p10 ndcg r nq; do
		[ "$k1" = def ] && k1=$DEF_K1
		[ "$b" = def ] && b=$DEF_B
		[ "$tw" = def ] && tw=$DEF_TW
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
			"$label" "$1" "$2" "$k1" "$b" "$tw" "$op" "$map" "$p10" \
			"$ndcg" "$r" "$nq" >>"$ROWS"
	done
}

for c in $COLLS; do
	C=$DATA/$c
	echo "eval: $c: indexing ($LANGS), baselines, grid" >&2
	# An index holds its BM25 b (index format 4): one per b of the grid,
	# and the library's default as $c.LANG.
	for lang in english none; do
		rm -rf "$OUT/$c.$lang"
		$EVAL build-index --collection "$C" --lang $lang \
			"$OUT/$c.$lang" 2>/dev/null
	done
	for lang in english none; do
		for b in $(echo "$BS,0.75" | tr , ' ' | sort -u); do
			rm -rf "$OUT/$c.$lang.b$b"
			$EVAL build-index --collection "$C" --lang $lang \
				--b "$b" "$OUT/$c.$lang.b$b" 2>/dev/null
		done
	done
	$EVAL export --collection "$C" "$OUT/$c.export"
	X=$OUT/$c.export
	# -c: every judged query counts, also one a baseline finds nothing
	# for (lede-eval run does the same for lede).
	"$B/eval-xapian" "$X/docs.tsv" "$X/topics.tsv" xapian >"$OUT/$c.xapian.run"
	$EVAL score -c --qrels "$X/qrels.txt" --run "$OUT/$c.xapian.run" \
		--label $c --tsv | row xapian english
	if [ $FTS5 = 1 ]; then
		"$B/eval-fts5" "$X/docs.tsv" "$X/topics.tsv" fts5 >"$OUT/$c.fts5.run"
		$EVAL score -c --qrels "$X/qrels.txt" --run "$OUT/$c.fts5.run" \
			--label $c --tsv | row fts5 english
	fi
	run="$EVAL run --collection $C --label $c --tsv"
	# lede as shipped (library defaults), OR and AND.
	$run -i "$OUT/$c.english" --run-out "$OUT/$c.lede.run" | row lede-default english
	$run -i "$OUT/$c.english" --all | row lede-default-and english
	$run -i "$OUT/$c.none" | row lede-default-nostem none
	# lede-eval's default adds pseudo-relevance feedback (--expand 10,20,
	# chosen by cross-validation); without it, and with stopwords kept.
	$run -i "$OUT/$c.english" --expand 0 | row lede-noexpand english
	$run -i "$OUT/$c.english" --expand 0 --keep-stopwords | row lede-noexpand-keepstop english
	for e in 5,10 5,20 10,10; do
		$run -i "$OUT/$c.english" --expand $e | row lede-expand-$e english
	done
	# The defaults lede shipped with before this evaluation.
	$run -i "$OUT/$c.english.b0.75" --k1 1.2 --b 0.75 --title-weight 2 --expand 0 | row lede-0.1-default english
	# The grid.
	for lang in $LANGS; do
		for b in $(echo "$BS" | tr , ' '); do
			$run -i "$OUT/$c.$lang.b$b" --expand 0 --depth "$GRID_DEPTH" \
				--k1 "$K1S" --b "$b" --title-weight "$TWS" |
				awk -v l=$lang 'BEGIN{FS=OFS="\t"} {$1=$1 OFS l; print}' >>"$GRID"
		done
	done
done

# Leave-one-collection-out: for each collection, the grid point (lang, k1,
# b, tw) with the best mean MAP over the OTHER collections; and the point
# with the best mean over all of them, the recommended default.
CV=$OUT/cv.tsv          # heldout lang k1 b tw (heldout "ALL": recommended)
awk 'BEGIN { FS = OFS = "\t" }
{
	key = $2 OFS $3 OFS $4 OFS $5
	map[$1, key] = $7; keys[key] = 1; colls[$1] = 1
}
END {
	for (h in colls) best(h)
	best("ALL")
}
function best(h,    k, c, s, n, bk, bs) {
	bs = -1
	for (k in keys) {
		s = 0; n = 0
		for (c in colls) if (c != h) { s += map[c, k]; n++ }
		if (n && s / n > bs + 1e-12) { bs = s / n; bk = k }
	}
	print h, bk, sprintf("%.4f", bs)
}' "$GRID" | sort >"$CV"

for c in $COLLS; do
	C=$DATA/$c
	run="$EVAL run --collection $C --label $c --tsv"
	# The leave-one-out choice for this collection (tuned on the others;
	# none when it is the only collection).
	set -- $(awk -v c=$c '$1 == c && NF >= 5 { print $2, $3, $4, $5 }' "$CV")
	if [ $# -eq 4 ]; then
		$run -i "$OUT/$c.$1.b$3" --k1 $2 --b $3 --title-weight $4 | row lede-loco "$1"
	fi
	# The recommended default (all four collections).
	set -- $(awk '$1 == "ALL" { print $2, $3, $4, $5 }' "$CV")
	$run -i "$OUT/$c.$1.b$3" --k1 $2 --b $3 --title-weight $4 \
		--run-out "$OUT/$c.tuned.run" | row lede-tuned "$1"
	other=english; [ "$1" = english ] && other=none
	$run -i "$OUT/$c.$other.b$3" --k1 $2 --b $3 --title-weight $4 | row lede-tuned-lang-$other "$other"
	$run -i "$OUT/$c.$1.b$3" --k1 $2 --b $3 --title-weight $4 --all | row lede-tuned-and "$1"
	if [ -f "$STOPLIST" ]; then
		$run -i "$OUT/$c.$1.b$3" --k1 $2 --b $3 --title-weight $4 \
			--stoplist "$STOPLIST" | row lede-tuned-stoplist "$1"
	fi
	# The best grid point for this collection alone (an upper bound,
	# fitted on its own queries: not a fair figure).
	set -- $(awk -v c=$c 'BEGIN{FS="\t"} $1 == c && $7 > m { m = $7; k = $2 " " $3 " " $4 " " $5 } END { print k }' "$GRID")
	$run -i "$OUT/$c.$1.b$3" --k1 $2 --b $3 --title-weight $4 | row lede-oracle "$1"
done

# ---- report ------------------------------------------------------------
REPORT=$OUT/report.md
{
	echo "# lede relevance evaluation"
	echo
	echo "Generated by \`make eval\` (bench/eval.sh) from $DATA."
	echo "lede defaults: k1=$DEF_K1 b=$DEF_B title_weight=$DEF_TW, lang english"
	echo "(lede-0.1-default: the defaults before this evaluation, k1=1.2 b=0.75 title_weight=2)."
	echo "Grid ($GRID_DEPTH documents per query): k1 in {$K1S}, b in {$BS},"
	echo "title weight in {$TWS}, lang in {english, none}, OR."
	echo
	echo "Leave-one-collection-out choices (held-out collection: lang k1 b tw, mean MAP@$GRID_DEPTH on the others):"
	echo
	awk 'BEGIN{FS="\t"} { printf "- %s: %s k1=%s b=%s tw=%s (%s)\n", $1, $2, $3, $4, $5, $6 }' "$CV"
	for c in $COLLS; do
		echo
		echo "## $c"
		echo
		echo "| system | lang | k1 | b | tw | op | MAP | P@10 | nDCG@10 | R@1000 | queries |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
		awk -v c=$c 'BEGIN{FS="\t"} $1 == c {
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$ROWS"
	done
	echo
	echo "## Mean over the collections"
	echo
	echo "| system | MAP | P@10 | nDCG@10 |"
	echo "|---|---|---|---|"
	awk 'BEGIN{FS="\t"} { m[$2] += $8; p[$2] += $9; n[$2] += $10; k[$2]++
		if (!($2 in seen)) { seen[$2] = 1; order[++no] = $2 } }
	END { for (i = 1; i <= no; i++) { s = order[i]
		printf "| %s | %.4f | %.4f | %.4f |\n", s, m[s]/k[s], p[s]/k[s], n[s]/k[s] } }' "$ROWS"
} >"$REPORT"
cat "$REPORT"
echo
echo "eval: report in $REPORT; runs, grid and rows in $OUT" >&2
