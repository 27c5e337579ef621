#!/usr/bin/env bats
# Index formats: since format 4 an index holds BM25's length normalisation
# in its postings (b fixed when it is built); since format 5 it keeps no
# word positions unless built with --positions, and phrases are checked on
# the stored text. An index of format 3, built by an earlier lede, is still
# searched and updated as it is, and a rebuild brings it to the newest
# format, keeping its positions. Articles indexed before the fingerprint
# of --collapse (value slot 6) fold with nothing until a rebuild.

setup() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TOP=${LEDE_TOP:-$BATS_TEST_DIRNAME/../..}
	T=$(mktemp -d)
	cd "$T"
}

teardown() {
	rm -rf "$T"
}

# The format-3 fixture and its sources, as tests/data/format3/README.md
# says it was built.
old_index() {
	mkdir f3 f3src
	tar -xzf "$TOP/tests/data/format3/index.tar.gz" -C f3
	cp $(ls "$TOP"/corpus/text/* | head -n 10) f3src/
}

@test "a format-3 index ranks as the lede that built it did, any b" {
	old_index
	run "$B/lede-search" -i f3 --b 0.75 'nato OR rates OR election' --trec q
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "q Q0 f3src/2022-07-21-ecb-raises-rates.md 1 3.358538 lede" ]
	[ "${lines[3]}" = "q Q0 f3src/2022-03-01-nato-deployed-troops.md 4 1.661144 lede" ]
	[ "${lines[6]}" = "q Q0 f3src/2022-10-30-brazil-runoff.md 7 1.329146 lede" ]
	run "$B/lede-search" -i f3 'nato OR rates OR election' --trec q
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "q Q0 f3src/2022-03-01-nato-deployed-troops.md 4 1.690593 lede" ]
}

@test "a format-3 index is updated as it is; --full makes it the newest format" {
	old_index
	cp "$TOP"/corpus/text/2024-09-18-brazil-selic-sao-paulo.md f3src/
	run "$B/lede-index" -q -i f3 f3src
	[ "$status" -eq 0 ]
	# still format 3: any b, and the new article is there
	run "$B/lede-search" -i f3 --b 0.75 --ids selic
	[ "$status" -eq 0 ]
	[ "$output" = "f3src/2024-09-18-brazil-selic-sao-paulo.md" ]
	run "$B/lede-index" -q -i f3 --full f3src
	[ "$status" -eq 0 ]
	run "$B/lede-search" -i f3 --b 0.75 --ids selic
	[ "$status" -eq 2 ]
	[[ "$output" == *"built with b=0.5"* ]]
	run "$B/lede-search" -i f3 --ids 'rates'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "f3src/2022-07-21-ecb-raises-rates.md" ]
	[ "${#lines[@]}" -eq 3 ]
	# it had positions, and keeps them
	[ -s "f3/$(sed -n 's/^auto //p' f3/XAPIANDB)/position.glass" ]
}

@test "articles indexed before the shingle fingerprint fold with nothing until --full" {
	# tests/data/word-simhash/README.md: three copies of a ferry story,
	# indexed before slot 6; slot 1's word simhash folded unrelated
	# stories, so it is no longer compared
	mkdir idx src
	tar -xzf "$TOP/tests/data/word-simhash/index.tar.gz" -C idx
	cp "$TOP/tests/data/word-simhash/news.jsonl" src/
	run "$B/lede-search" -i idx --ids --collapse ferry
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "n4 n5 n6 " ]
	run "$B/lede-index" -q -i idx --full src
	[ "$status" -eq 0 ]
	run "$B/lede-search" -i idx --ids --collapse ferry
	[ "$status" -eq 0 ]
	[ "$output" = n6 ]
}

# Phrases, NEAR, and both under OR and NOT, in every field that has them.
PHRASES=('"interest rates"' '"central bank"' 'bank -"central bank"'
	'"prime minister" OR election' 'rates NEAR/5 inflation'
	'"bank of england"' 'title:"interest rates"' 'title:"defense spending"'
	'"chip shortage" -carmakers' '(nato OR "defense spending") -"steady rise"'
	'spending NEAR/2 defense' '"steady rise in defense"' 'NOT "interest rates"'
	'by:"tom becker"' 'source:"meridian news"' 'by:(tom NEAR/1 becker)'
	'"le" OR "de la"')

@test "without positions (the default), phrases and NEAR match exactly what positions match" {
	run "$B/lede-index" -q -i np "$TOP/corpus"
	[ "$status" -eq 0 ]
	run "$B/lede-index" -q -i wp --positions "$TOP/corpus"
	[ "$status" -eq 0 ]
	[ ! -e "np/$(sed -n 's/^auto //p' np/XAPIANDB)/position.glass" ]
	[ -s "wp/$(sed -n 's/^auto //p' wp/XAPIANDB)/position.glass" ]
	total=0
	for q in "${PHRASES[@]}"; do
		# same articles, ranks and scores; counted exactly
		diff <("$B/lede-search" -i np --exact-count --trec q -n 50 -- "$q") \
			<("$B/lede-search" -i wp --exact-count --trec q -n 50 -- "$q")
		diff <("$B/lede-search" -i np --exact-count --count -- "$q") \
			<("$B/lede-search" -i wp --exact-count --count -- "$q")
		total=$((total + $("$B/lede-search" -i np --exact-count --count -- "$q")))
	done
	# the queries do match: 13 articles say "interest rates", 37 do not
	[ "$("$B/lede-search" -i np --exact-count --count '"interest rates"')" = 13 ]
	[ "$("$B/lede-search" -i np --exact-count --count 'NOT "interest rates"')" = 37 ]
	[ "$total" -gt 100 ]
	# words in another order are no phrase
	[ "$("$B/lede-search" -i np --exact-count --count 'rates interest')" = 13 ]
	[ "$("$B/lede-search" -i np --exact-count --count '"rates interest"')" = 0 ]
	# the choice is fixed at creation
	run "$B/lede-index" -q -i np --positions "$TOP/corpus"
	[ "$status" -eq 2 ]
	[[ "$output" == *"created without positions"* ]]
	# snippets and updates work as before
	run "$B/lede-search" -i np --color=never '"central bank"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"central bank"* || "$output" == *"Central Bank"* ]]
	run "$B/lede-index" -q -i np --full "$TOP/corpus"
	[ "$status" -eq 0 ]
	[ "$("$B/lede-search" -i np --exact-count --count '"interest rates"')" = 13 ]
}

@test "lede-index --b and --avglen are fixed when an index is created" {
	mkdir src
	cp "$TOP"/corpus/text/* src/
	run "$B/lede-index" -q -i idx --b 0.3 src
	[ "$status" -eq 0 ]
	run "$B/lede-search" -i idx --b 0.3 --ids rates
	[ "$status" -eq 0 ]
	run "$B/lede-search" -i idx --b 0.75 --ids rates
	[ "$status" -eq 2 ]
	[[ "$output" == *"built with b=0.3"* ]]
	[[ "$output" == *"lede-index --b 0.75"* ]]
	run "$B/lede-index" -q -i idx --b 0.75 src
	[ "$status" -eq 2 ]
	[[ "$output" == *"b=0.3"* ]]
	run "$B/lede-index" -q -i idx --b 2 src
	[ "$status" -eq 2 ]
	[[ "$output" == *"--b: expected a number from 0 to 1"* ]]
	# the length b measures against: fixed too (the API tests check
	# that two indexes given the same score an article alike)
	mkdir a
	cp src/2022-07-21-ecb-raises-rates.md a/
	run "$B/lede-index" -q -i ia --avglen 200 a
	[ "$status" -eq 0 ]
	run "$B/lede-index" -q -i ia --avglen 200 a
	[ "$status" -eq 0 ]
	run "$B/lede-index" -q -i ia --avglen 300 a
	[ "$status" -eq 2 ]
	[[ "$output" == *"avglen=200"* ]]
	# a rebuild keeps what was fixed, in place and in parallel
	run "$B/lede-index" -q -i ia --full a
	[ "$status" -eq 0 ]
	run "$B/lede-index" -q -i ia --avglen 300 a
	[[ "$output" == *"avglen=200"* ]]
	"$B/lede-index" -q -i is --avglen 250 src
	run "$B/lede-index" -q -i is --full --jobs 2 src
	[ "$status" -eq 0 ]
	run "$B/lede-index" -q -i is --avglen 300 src
	[ "$status" -eq 2 ]
	[[ "$output" == *"avglen=250"* ]]
}
