#!/usr/bin/env bats
# lede-index on temporary copies of corpus/ (the sample archive of every
# input format): counts, reruns, edits, deletions, renames and job counts,
# as issue 6 asks. Each test copies corpus/ to its own temp dir; the copy's
# README.md is not an article (--exclude), which leaves the 49 articles in
# 34 files that corpus/README.md lists.

setup() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TOP=${LEDE_TOP:-$BATS_TEST_DIRNAME/../..}
	TMP=$(mktemp -d)
	IDX=$TMP/idx
	C=$TMP/corpus
	cp -r "$TOP/corpus" "$C"
	NART=49
	NFILES=34
}

teardown() {
	rm -rf "$TMP"
}

index() { run "$B/lede-index" -i "$IDX" --no-progress --exclude README.md "$@"; }
count() { "$B/lede-search" -i "$IDX" --count "$@"; }

# Every article, as "id<TAB>path" lines sorted: what an index holds.
all_articles() { # all_articles INDEX
	"$B/lede-search" -i "$1" --json --limit 1000 'date:1900..' 2>/dev/null |
		sed -n 's/.*"id":"\([^"]*\)".*"path":\("[^"]*"\|null\).*/\1	\2/p' | sort
}

QUERIES=(nato 'interest rates' '"defense spending"' election climate ferry
	'cafe zurich' deploy* 'source:"meridian news"' 'date:2024' nationalités)

@test "corpus copy: a fresh index holds every article of the corpus" {
	index "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added $NART, updated 0, removed 0, unchanged 0, skipped 0 ("* ]]
	# per format: 27 text/Markdown, 8 JSONL, 5 TREC, 3 HTML, 3 gzipped
	# JSONL, 3 Reuters
	index "$C/text"
	[[ "$output" == *"added 0, updated 0, removed 0, unchanged 27,"* ]]
	for d in jsonl:8 trec:5 html:3 gz:3 reuters:3; do
		index "$C/${d%%:*}"
		[[ "$output" == *"unchanged ${d##*:},"* ]] || { echo "$d: $output"; false; }
	done
	[ "$(all_articles "$IDX" | wc -l)" -eq "$NART" ]
	[ "$(count ferry)" = 3 ] # the syndicated story, three outlets
	[ "$(count 'cafe zurich')" -ge 1 ]
}

@test "corpus copy: a rerun reads nothing: added 0 ... unchanged N" {
	index "$C"
	index "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added 0, updated 0, removed 0, unchanged $NART, skipped 0"* ]]
}

@test "corpus copy: edit one article: exactly one updated, new words found, old ones gone" {
	index "$C"
	[ "$(count tears)" = 1 ]
	sed -i 's/close to tears/visibly exasperated/' "$C/text/2021-11-13-cop26-glasgow.md"
	index "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added 0, updated 1, removed 0, unchanged $((NART - 1)),"* ]]
	[ "$(count exasperated)" = 1 ]
	[ "$(count '"visibly exasperated"')" = 1 ]
	[ "$(count tears)" = 0 ]
	# one line of the JSON Lines file: one update, the other 7 unchanged
	sed -i 's/Bank of England keeps interest rates/Bank of England freezes interest rates/' "$C/jsonl/wire-2024.jsonl"
	index "$C"
	[[ "$output" == *"added 0, updated 1, removed 0, unchanged $((NART - 1)),"* ]]
	[ "$(count 'title:freezes')" = 1 ]
}

@test "corpus copy: delete a file: its articles are gone" {
	index "$C"
	[ "$(count 'source:"riverside daily"')" -ge 1 ]
	rm "$C/jsonl/wire-2024.jsonl"
	index "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added 0, updated 0, removed 8, unchanged $((NART - 8)),"* ]]
	[ "$(all_articles "$IDX" | grep -c 'wire-2024.jsonl')" -eq 0 ]
	[ "$(all_articles "$IDX" | wc -l)" -eq $((NART - 8)) ]
}

@test "corpus copy: rename files: no duplicates, same articles" {
	index "$C"
	all_articles "$IDX" | cut -f1 >"$TMP/before"
	# ids in the file (JSONL, TREC): the articles move, nothing else
	mv "$C/jsonl/wire-2024.jsonl" "$C/jsonl/wire-2024-renamed.jsonl"
	mv "$C/trec/archive-2020.trec" "$C/trec/archive-2020-b.trec"
	index "$C"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added 0, updated 0, removed 0, unchanged $NART,"* ]]
	[[ "$output" != *"duplicate"* ]]
	[[ "$output" != *"is also in"* ]]
	all_articles "$IDX" | cut -f1 >"$TMP/after"
	diff "$TMP/before" "$TMP/after"
	[ "$(all_articles "$IDX" | grep -c 'wire-2024-renamed.jsonl')" -eq 8 ]
	# ids from the path (text): one article out, one in, still no copies
	mv "$C/text/2020-11-18-chip-shortage.md" "$C/text/chips.md"
	index "$C"
	[[ "$output" == *"added 1, updated 0, removed 1, unchanged $((NART - 1)),"* ]]
	[ "$(all_articles "$IDX" | wc -l)" -eq "$NART" ]
}

@test "corpus copy: --jobs 1 and --jobs 2 give identical search results" {
	run "$B/lede-index" -i "$TMP/one" --no-progress --exclude README.md --jobs 1 "$C"
	[ "$status" -eq 0 ]
	s1=$(printf '%s\n' "$output" | sed -n 's/^lede-index: added/added/p' | sed 's/ (.*//')
	run "$B/lede-index" -i "$TMP/two" --no-progress --exclude README.md --jobs 2 "$C"
	[ "$status" -eq 0 ]
	s2=$(printf '%s\n' "$output" | sed -n 's/^lede-index: added/added/p' | sed 's/ (.*//')
	[ "$s1" = "$s2" ]
	for q in "${QUERIES[@]}"; do
		"$B/lede-search" -i "$TMP/one" --trec 1 --limit 100 "$q" >"$TMP/one.txt" || true
		"$B/lede-search" -i "$TMP/two" --trec 1 --limit 100 "$q" >"$TMP/two.txt" || true
		diff "$TMP/one.txt" "$TMP/two.txt" || { echo "query: $q"; false; }
	done
	diff <(all_articles "$TMP/one") <(all_articles "$TMP/two")
}
