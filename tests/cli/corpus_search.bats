#!/usr/bin/env bats
# lede-search end to end on the bundled corpus (corpus/, indexed from a
# temporary copy): ranking order, the syndicated Baltic story folded by
# --collapse, fields, NEAR, prefixes, --recency, --lang, snippets,
# stopwords, totals, "did you mean" around field syntax, and the errors
# for malformed queries. Output, order and exit codes are asserted.

setup_file() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TOP=${LEDE_TOP:-$BATS_TEST_DIRNAME/../..}
	export B
	export CDIR=$(mktemp -d)
	export IDX=$CDIR/idx
	cp -R "$TOP/corpus" "$CDIR/corpus"
	(cd "$CDIR" && "$B/lede-index" -i "$IDX" --quiet --exclude README.md corpus)
}

teardown_file() {
	rm -rf "$CDIR"
}

search() { run "$B/lede-search" -i "$IDX" --color never "$@"; }

# The n-th line of $output.
line() { printf '%s\n' "$output" | sed -n "$1p"; }

@test "corpus: ranking order of bag-of-words and phrase queries" {
	search --ids nato spending
	[ "$status" -eq 0 ]
	[ "$(line 1)" = lede-90002 ]
	[ "$(line 2)" = RVD-2020-1022-007 ]
	[ "$(line 3)" = alpine-2024-07-10-nato-washington ]
	search --ids '"defense spending"'
	[ "$status" -eq 0 ]
	[ "$(line 1)" = RVD-2020-1022-007 ]
	[ "$(line 2)" = lede-90002 ]
	[ "$(line 3)" = corpus/text/2019-12-04-nato-summit-spending.md ]
	# the phrase is stricter than the two words
	n_phrase=$("$B/lede-search" -i "$IDX" --count '"defense spending"')
	n_words=$("$B/lede-search" -i "$IDX" --count defense spending)
	[ "$n_phrase" -le "$n_words" ]
}

@test "corpus: --collapse folds the syndicated Baltic story into its earliest copy" {
	search --ids baltic
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *syndicated-alpine* ]]
	[[ "$output" == *syndicated-meridian* ]]
	[[ "$output" == *syndicated-nordwire* ]]
	search --collapse baltic
	[ "$status" -eq 0 ]
	[[ "$(line 1)" == "About 1 article ("* ]]
	[[ "$output" == *"2024-01-09-syndicated-alpine.md"*"(+2 similar)"* ]]
	search --json --collapse baltic
	[[ "$output" == *'"duplicates":2'* ]]
	[[ "$output" == *'"total":1,"returned":1'* ]]
}

@test "corpus: fields title:, lang:, host:, section: and --lang" {
	search --ids title:ministers
	[ "$status" -eq 0 ]
	[ "$output" = "corpus/text/2025-02-13-nato-defence-ministers.md
corpus/text/2020-06-11-nato-ministers-video.txt" ]
	search --ids lang:fr
	[ "$status" -eq 0 ]
	[ "$output" = "corpus/html/2023-09-02-paris-cafes.html
corpus/text/2022-04-24-presidentielle-france.md" ]
	search --ids --lang fr taux
	[ "$status" -eq 0 ]
	[ "$output" = "corpus/html/2023-09-02-paris-cafes.html" ]
	search --ids host:alpine-press.example
	[ "$status" -eq 0 ]
	[ "$output" = alpine-2024-07-10-nato-washington ]
	search --ids section:world
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "corpus: NEAR, prefixes and their errors" {
	search --ids 'nato NEAR/3 spending'
	[ "$status" -eq 0 ]
	[ "$output" = corpus/text/2020-06-11-nato-ministers-video.txt ]
	search --ids 'deploy*'
	[ "$status" -eq 0 ]
	[ "$output" = corpus/text/2022-03-01-nato-deployed-troops.md ]
	search 'a*'
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 1: prefix 'a*' is too short"* ]]
	search nato 'NEAR/x' spending
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 6: bad NEAR distance 'NEAR/x'"* ]]
	search '(nato defense) NEAR/3 spending'
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 16: NEAR joins words and phrases, not a group"* ]]
}

@test "corpus: --sort date and --recency change the order" {
	search --ids nato
	[ "$(line 1)" = lede-90002 ]
	search --ids --sort date nato
	[ "$(line 1)" = corpus/html/2026-02-18-drone-defence.html ]
	[ "$(line 2)" = corpus/text/2025-06-25-nato-hague-five-percent.md ]
	search --ids --recency 30 nato
	[ "$(line 1)" = corpus/html/2026-02-18-drone-defence.html ]
}

@test "corpus: snippets cover the distinct query units (--snippets, --snippet-length)" {
	search --mark '[,]' --snippets 3 nato '"defense spending"' date:2020-06-11
	[ "$status" -eq 0 ]
	[[ "$(line 4)" == *"[NATO] defense ministers"*"[defense spending] that allies"* ]]
	search --mark '[,]' --snippets 1 --snippet-length 40 --limit 1 nato
	[ "$status" -eq 0 ]
	[ "$(line 4)" = "   [NATO] allies discussed on Friday how far …" ]
	search --json --snippets 0 --limit 1 nato
	[[ "$output" == *'"snippets":[]'* ]]
}

@test "corpus: stopwords are dropped unless the query is all stopwords" {
	search --explain 'the of nato'
	[ "$(line 1)" = "query: nato" ]
	run "$B/lede-search" -i "$IDX" --ids 'the of nato'
	with=$output
	run "$B/lede-search" -i "$IDX" --ids nato
	[ "$with" = "$output" ]
	search --json --limit 1 'the of to'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"query":"(and the of to)"'* ]]
}

@test "corpus: the total is exact when every match was seen, singular for one" {
	search nato
	[[ "$(line 1)" == "About 10 articles ("* ]]
	search --count nato
	[ "$output" = 10 ]
	search --offset 10 nato
	[ "$status" -eq 1 ]
	[[ "$output" == *"no articles past --offset 10 (about 10 match)"* ]]
	search --json nato
	[[ "$output" == *'"total":10,"returned":10'* ]]
	search host:alpine-press.example
	[[ "$(line 1)" == "About 1 article ("* ]]
	search --limit 0 nato
	[ "$status" -eq 2 ]
	[[ "$output" == *"--limit: expected a number from 1"*"--count"* ]]
}

@test "corpus: did you mean never touches field names or filter values" {
	for q in lang:fr host:alpine-press.example section:world \
		'"defense spending" title:ministers keep'; do
		search --json "$q"
		[[ "$output" == *'"suggestion":null'* ]]
		search "$q"
		[[ "$output" != *"Did you mean"* ]]
	done
	search nato spening lang:en
	[ "$status" -eq 1 ]
	[[ "$output" == *"Did you mean: nato spending lang:en"* ]]
	search --json 'title:"defense spendng"' -section:world
	[[ "$output" == *'"suggestion":"title:\"defense spending\" -section:world"'* ]]
}

@test "corpus: empty and field-only queries are errors that say so" {
	search ''
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 1: empty query: give at least one word"* ]]
	search title:
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 1: title: has no value"* ]]
	search nato 'date:'
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 6: date: has no value"* ]]
}
