#!/usr/bin/env bats
# Time shards: lede-index --shard-by year keeps one database per year,
# searches give what one database gives, a nightly run rewrites only the
# shards whose periods changed, --expire-before drops old shards.

setup() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TMP=$(mktemp -d)
	A=$TMP/a
	mkdir -p "$A"
	for y in 2019 2020 2021 2022; do
		for i in 1 2 3; do
			printf '{"id":"a%s-%s","title":"Council report %s","body":"The harbour council met in %s about ferry fares %s and port fees.","date":"%s-0%s-15"}\n' \
				"$y" "$i" "$i" "$y" "$i" "$y" "$i" >"$A/y$y-$i.jsonl"
		done
	done
}

teardown() {
	rm -rf "$TMP"
}

shards() { grep '^auto shard-' "$1/XAPIANDB" | sed 's/^auto //' | sort | tr '\n' ' '; }

@test "--shard-by year: one database per year, same results as one index" {
	run "$B/lede-index" -i "$TMP/s" --shard-by year "$A"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added 12,"* ]]
	[ "$(shards "$TMP/s")" = "shard-2019.2 shard-2020.2 shard-2021.2 shard-2022.2 " ]
	"$B/lede-index" -i "$TMP/u" -q "$A"
	for q in harbour 'ferry fares 2' '"port fees"' 'council date:2020' \
		'harb*' 'fer* port' 'coun* OR 2019'; do
		diff <("$B/lede-search" -i "$TMP/s" --trec 1 --limit 50 "$q" | awk '{print $3, $5}' | sort) \
			<("$B/lede-search" -i "$TMP/u" --trec 1 --limit 50 "$q" | awk '{print $3, $5}' | sort)
	done
	# prefixes are expanded over all shards together, and feedback
	# weighs its terms with their frequencies in the whole collection
	for q in 'ferry 2019' 'council 3' 'harb* 2021'; do
		diff <("$B/lede-search" -i "$TMP/s" --expand 2 --any --trec 1 --limit 50 "$q" | awk '{print $3, $5}' | sort) \
			<("$B/lede-search" -i "$TMP/u" --expand 2 --any --trec 1 --limit 50 "$q" | awk '{print $3, $5}' | sort)
	done
}

@test "a nightly run rewrites only the shards whose periods changed" {
	"$B/lede-index" -i "$TMP/s" -q --shard-by year "$A"
	before=$(shards "$TMP/s")
	printf '{"id":"a2021-1","title":"Council report 1","body":"The harbour council met in 2021 about ferry fares 1 and glaciers.","date":"2021-01-15"}\n' >"$A/y2021-1.jsonl"
	run "$B/lede-index" -i "$TMP/s" "$A"
	[[ "$output" == *"updated 1,"* ]]
	[ "$(shards "$TMP/s")" = "shard-2019.2 shard-2020.2 shard-2021.3 shard-2022.2 " ]
	[ "$("$B/lede-search" -i "$TMP/s" --count glaciers)" = 1 ]
	[ "$before" != "$(shards "$TMP/s")" ]
}

@test "one file spanning several periods: a change rewrites only its own period's shard" {
	# the unchanged articles of a changed file are looked up in their
	# shards, which once marked every one of them written (and so
	# compacted again)
	cat "$A"/*.jsonl >"$TMP/all.jsonl"
	"$B/lede-index" -i "$TMP/s" -q --shard-by year "$TMP/all.jsonl"
	[ "$(shards "$TMP/s")" = "shard-2019.2 shard-2020.2 shard-2021.2 shard-2022.2 " ]
	sed -i 's/met in 2020 about ferry fares 2/met in 2020 about glaciers/' "$TMP/all.jsonl"
	run "$B/lede-index" -i "$TMP/s" "$TMP/all.jsonl"
	[[ "$output" == *"added 0, updated 1, removed 0, unchanged 11,"* ]]
	[ "$(shards "$TMP/s")" = "shard-2019.2 shard-2020.3 shard-2021.2 shard-2022.2 " ]
	[ "$("$B/lede-search" -i "$TMP/s" --ids glaciers)" = a2020-2 ]
}

@test "an article whose date moves changes shard without a duplicate" {
	"$B/lede-index" -i "$TMP/s" -q --shard-by year "$A"
	printf '{"id":"a2019-1","title":"Council report 1","body":"The harbour council met in 2019 about ferry fares 1 and port fees.","date":"2022-03-01"}\n' >"$A/y2019-1.jsonl"
	"$B/lede-index" -i "$TMP/s" -q "$A"
	[ "$("$B/lede-search" -i "$TMP/s" --count harbour)" = 12 ]
	[ "$("$B/lede-search" -i "$TMP/s" --count 'harbour date:2022')" = 4 ]
}

@test "--expire-before drops old shards; a rerun does not bring them back" {
	"$B/lede-index" -i "$TMP/s" -q --shard-by year "$A"
	run "$B/lede-index" -i "$TMP/s" --expire-before 2021
	[ "$status" -eq 0 ]
	[[ "$output" == *"dropped 2 time shards"* ]]
	[ "$(shards "$TMP/s")" = "shard-2021.2 shard-2022.2 " ]
	[ "$("$B/lede-search" -i "$TMP/s" --count harbour)" = 6 ]
	"$B/lede-index" -i "$TMP/s" -q "$A"
	[ "$("$B/lede-search" -i "$TMP/s" --count harbour)" = 6 ]
	[ ! -d "$TMP/s/shard-2019.2" ]
}

@test "shard settings are checked; --expire-before needs a sharded index" {
	"$B/lede-index" -i "$TMP/s" -q --shard-by year "$A"
	run "$B/lede-index" -i "$TMP/s" --shard-by month "$A"
	[ "$status" -eq 2 ]
	[[ "$output" == *"shard-by year"* ]]
	"$B/lede-index" -i "$TMP/u" -q "$A"
	run "$B/lede-index" -i "$TMP/u" --expire-before 2021
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a time-sharded index"* ]]
}

@test "duplicate ids in different shards: the copy latest in path order wins, is kept, and gives way when deleted" {
	mkdir -p "$TMP/d"
	echo '{"id":"x","date":"2024-05-01","body":"copy alpha"}' >"$TMP/d/a.jsonl"
	echo '{"id":"x","date":"2023-05-01","body":"copy beta"}' >"$TMP/d/b.jsonl"
	c() { "$B/lede-search" -i "$TMP/s" --count "$@"; }
	run "$B/lede-index" -i "$TMP/s" --no-progress --shard-by year "$TMP/d"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 duplicate article ids"* ]]
	[ "$(c beta)" = 1 ]
	# the losing file, edited: its copy still loses (and is not dropped)
	echo '{"id":"y","date":"2024-05-01","body":"other"}' >>"$TMP/d/a.jsonl"
	run "$B/lede-index" -i "$TMP/s" --no-progress "$TMP/d"
	[ "$status" -eq 0 ]
	[[ "$output" == *"that copy is kept"* ]]
	[ "$(c beta)" = 1 ]
	[ "$(c alpha)" = 0 ]
	rm "$TMP/d/a.jsonl"
	run "$B/lede-index" -i "$TMP/s" --no-progress "$TMP/d"
	[ "$status" -eq 0 ]
	[ "$(c beta)" = 1 ]
	# the winner deleted: the other shard's copy comes back in that run
	echo '{"id":"x","date":"2024-05-01","body":"copy alpha"}' >"$TMP/d/a.jsonl"
	run "$B/lede-index" -i "$TMP/s" --no-progress "$TMP/d"
	[ "$(c beta)" = 1 ]
	rm "$TMP/d/b.jsonl"
	run "$B/lede-index" -i "$TMP/s" --no-progress "$TMP/d"
	[ "$status" -eq 0 ]
	[ "$(c alpha)" = 1 ]
	[ "$(c beta)" = 0 ]
	[ "$(c 'alpha date:2024')" = 1 ]
}

@test "phrases and NEAR on shards show each hit's own article (records kept by the phrase check)" {
	# Ranks that differ from the order of the docids, and shards whose
	# own docids coincide: the text check kept each record under the
	# docid within its shard, and a hit was shown with another shard's
	# article of the same docid (n5 twice, n4 missing).
	mkdir -p "$TMP/p"
	for i in 0 1 2 3 4 5 6 7; do
		body="Officials discussed the budget."
		for k in $(seq 0 $((i % 3))); do body="$body Defense spending rose."; done
		for k in $(seq 1 "$i"); do body="$body filler words here"; done
		printf '{"id":"n%s","title":"Story %s","body":"%s","date":"%s-03-0%s"}\n' \
			"$i" "$i" "$body" $((2020 + i % 2)) $((i + 1))
	done >"$TMP/p/a.jsonl"
	"$B/lede-index" -q -i "$TMP/ps" --shard-by year "$TMP/p"
	"$B/lede-index" -q -i "$TMP/pu" "$TMP/p"
	for q in '"defense spending"' 'defense NEAR/2 spending' \
		'"defense spending" OR budget' '"officials discussed"'; do
		one=$("$B/lede-search" -i "$TMP/pu" --ids --limit 50 "$q")
		[ "$(printf '%s\n' "$one" | sort -u | wc -l)" -eq 8 ]
		[ "$("$B/lede-search" -i "$TMP/ps" --ids --limit 50 "$q")" = "$one" ]
	done
}
