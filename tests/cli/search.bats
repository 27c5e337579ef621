#!/usr/bin/env bats
# lede-search end to end on a small archive written here: output formats,
# ranking order, filters, highlighting, exit codes.

setup_file() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	export B
	export SDIR=$(mktemp -d)
	export IDX=$SDIR/idx
	cat >"$SDIR/news.jsonl" <<'JSONL'
{"id":"n1","title":"NATO allies raise defense spending","body":"NATO allies agreed to raise defense spending sharply. Officials said troops were deployed to the east.","date":"2025-02-13T10:00:00Z","author":"Jane Doe","source":"Agency News","section":"World","url":"https://www.agency.example/n1","lang":"en"}
{"id":"n2","title":"Central bank holds interest rates","body":"The central bank kept interest rates unchanged and signalled patience on inflation.","date":"2024-06-01","author":"John Roe","source":"Money Daily","section":"Business","lang":"en"}
{"id":"n3","title":"Budget debate","body":"Lawmakers debated the budget. Spending on defense and schools was the main issue, with the defense share growing.","date":"2023-03-10","source":"Agency News","section":"Politics","lang":"en"}
{"id":"n4","title":"Ferry sinks near the coast","body":"A passenger ferry sank near the northern coast on Monday after hitting rocks in heavy fog. All 212 passengers and crew were rescued by fishing boats and the coast guard, officials said. The ferry operator said an inquiry would begin.","date":"2024-09-02T08:00:00Z","source":"Coastal Wire"}
{"id":"n5","title":"Ferry sinks off the coast","body":"A passenger ferry sank near the northern coast on Monday after hitting rocks in heavy fog. All 212 passengers and crew were rescued by fishing boats and the coast guard, officials said. The operator said an inquiry would begin.","date":"2024-09-02T11:30:00Z","source":"Harbour Times"}
{"id":"n6","title":"Rescue at sea","body":"A passenger ferry sank near the northern coast on Monday after hitting rocks in heavy fog. All 212 passengers and crew were rescued by fishing boats and the coast guard, police said. The ferry operator said an inquiry would begin.","date":"2024-09-01T22:00:00Z","source":"Island Post"}
{"id":"n7","title":"Café culture in Zürich","body":"The cafés of Zürich are full again. \u001b[31mInjected\u001b[0m escape codes must never reach a terminal.","date":"2022-05-05","source":"Alpine Press","lang":"en"}
JSONL
	"$B/lede-index" -i "$IDX" --quiet "$SDIR/news.jsonl"
}

teardown_file() {
	rm -rf "$SDIR"
}

search() { run "$B/lede-search" -i "$IDX" --color never "$@"; }

# stories N COPIES: N made-up stories, as JSON Lines, each of 8 sentences
# of one pattern ("The X of the Y said that the Z was in the W and it is
# to be V.") with made-up words, so that they share every word but the
# made-up ones. With COPIES 2 each story comes twice: s<k>a, and s<k>b a
# day earlier with a word added at the start (a copy re-sent).
stories() {
	awk -v n="$1" -v copies="$2" '
	function w(  i, s) {
		s = ""
		for (i = 0; i < 3; i++) {
			x = (x * 16807) % 2147483647
			s = s substr("bcdfghklmnprstvz", x % 16 + 1, 1)
			x = (x * 16807) % 2147483647
			s = s substr("aeiou", x % 5 + 1, 1)
		}
		return s
	}
	BEGIN {
		x = 3
		f = "{\"id\":\"s%d%s\",\"title\":\"Story %d\"," \
		    "\"body\":\"%s%s\",\"date\":\"2020-01-0%d\"}\n"
		for (k = 0; k < n; k++) {
			b = ""
			for (i = 0; i < 8; i++)
				b = b (i ? " " : "") "The " w() " of the " w() \
				    " said that the " w() " was in the " w() \
				    " and it is to be " w() "."
			printf f, k, "a", k, "", b, 2
			if (copies == 2)
				printf f, k, "b", k, "Today ", b, 1
		}
	}'
}

@test "hits exit 0, no hits exit 1, errors exit 2" {
	search defense
	[ "$status" -eq 0 ]
	search zanzibar
	[ "$status" -eq 1 ]
	search 'nato date:2025-13'
	[ "$status" -eq 2 ]
	[[ "$output" == *"column 6"* ]]
	run "$B/lede-search" -i "$SDIR/none" defense
	[ "$status" -eq 2 ]
	[[ "$output" == *"no index"* ]]
	run "$B/lede-search" defense
	[ "$status" -eq 2 ]
}

@test "ranking: the title match comes first; AND by default, --any ORs" {
	search --ids defense spending
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = n1 ]
	[ "${lines[1]}" = n3 ]
	[ "${#lines[@]}" -eq 2 ]
	search --ids --any defense rates
	[ "${#lines[@]}" -eq 3 ]
}

@test "a word only in a title matches; a word's total is exact past the page" {
	search --ids sea
	[ "$output" = n6 ]
	# coast is in n4, n5 and n6 (two titles, three bodies), defense in n1
	# and n3: the count after one hit is the true one, not the estimate
	# of body-or-title postings (4 and 3 before)
	search --json -n 1 coast
	[[ "$output" == *'"total":3'* ]]
	search --json -n 1 defense
	[[ "$output" == *'"total":2'* ]]
}

@test "phrases, NOT, prefixes and fields" {
	search --ids '"interest rates"'
	[ "$output" = n2 ]
	search --ids defense -nato
	[ "$output" = n3 ]
	search --ids 'deploy*'
	[ "$output" = n1 ]
	search --ids 'by:"jane doe"'
	[ "$output" = n1 ]
	search --ids 'source:money'
	[ "$output" = n2 ]
	search --ids 'section:business'
	[ "$output" = n2 ]
	search --ids 'host:agency.example'
	[ "$output" = n1 ]
	search --ids 'defense date:2023'
	[ "$output" = n3 ]
}

@test "stems and accents: deploy finds deployed, cafe finds Café" {
	search --ids deploy
	[ "$output" = n1 ]
	search --ids cafe zurich
	[ "$output" = n7 ]
}

@test "--sort date is newest first, -date oldest first" {
	search --ids --sort date --any defense rates
	[ "${lines[*]}" = "n1 n2 n3" ]
	search --ids --sort -date --any defense rates
	[ "${lines[*]}" = "n3 n2 n1" ]
}

@test "--since and --until filter by date" {
	search --ids --since 2024 --any defense rates
	[ "${lines[*]}" = "n1 n2" ] || [ "${lines[*]}" = "n2 n1" ]
	search --ids --until 2023-12 --any defense rates
	[ "$output" = n3 ]
	search --since 2025-99 defense
	[ "$status" -eq 2 ]
}

@test "--source and --section filters" {
	search --ids --source 'agency news' defense
	[ "${#lines[@]}" -eq 2 ]
	search --ids --section politics defense
	[ "$output" = n3 ]
}

@test "highlights: --mark wraps the matching words, stem-aware" {
	search --mark '<b>,</b>' --limit 1 deploy
	[[ "$output" == *"<b>deployed</b>"* ]]
	search --mark '[,]' --limit 1 '"defense spending"'
	[[ "$output" == *"[defense] [spending]"* ]] || [[ "$output" == *"[defense spending]"* ]]
}

@test "--color always uses escapes; never and NO_COLOR do not" {
	run "$B/lede-search" -i "$IDX" --color always nato
	[[ "$output" == *$'\033[1;31m'* ]]
	run env NO_COLOR=1 "$B/lede-search" -i "$IDX" nato
	[[ "$output" != *$'\033'* ]]
}

@test "control characters from articles never reach the terminal" {
	search zurich
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\033'* ]]
	[[ "$output" == *"Injected"* ]]
}

@test "--json: one object per hit, then a summary; highlights index the text" {
	command -v python3 >/dev/null || skip "python3 needed to parse JSON"
	search --json defense
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
hits = [l for l in lines if l["type"] == "hit"]
assert lines[-1]["type"] == "summary" and lines[-1]["returned"] == len(hits) == 2
assert hits[0]["id"] == "n1" and hits[0]["rank"] == 1
assert hits[0]["date"] == "2025-02-13T10:00:00Z" and hits[0]["byline"] == "Jane Doe"
for h in hits:
    for s in h["snippets"]:
        t = s["text"].encode()
        for a, b in s["highlights"]:
            assert t[a:b].decode().lower().startswith("defen"), t[a:b]
'
}

@test "--trec prints six columns per hit" {
	search --trec 42 --run-tag test defense
	[ "${lines[0]}" = "42 Q0 n1 1 $(echo "${lines[0]}" | cut -d' ' -f5) test" ]
	[ "$(echo "${lines[1]}" | wc -w)" -eq 6 ]
}

@test "--trec and --run-tag: an empty value or one with spaces is refused" {
	for bad in 'q 1' '' "$(printf 'q\t1')"; do
		search --trec "$bad" defense
		[ "$status" -eq 2 ]
		[[ "$output" == "lede-search: --trec: expected one word with no spaces or control characters, got '"* ]]
		search --trec 42 --run-tag "$bad" defense
		[ "$status" -eq 2 ]
		[[ "$output" == "lede-search: --run-tag: expected one word"* ]]
	done
	search --trec=q-7 --run-tag=run.1 defense
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "q-7 Q0 n1 1 "*" run.1" ]]
}

@test "an option missing its value is an error, never the next option or --" {
	for o in --trec --run-tag --limit -n -i --index --sort; do
		search defense "$o"
		[ "$status" -eq 2 ]
		[ "$output" = "lede-search: option $o needs a value" ]
	done
	# an abbreviated option takes its value like the full name
	search --lim 1 --ids defense
	[ "$status" -eq 0 ]
	[ "$output" = n1 ]
	for o in --jobs --commit-every -i --lang; do
		run "$B/lede-index" -i "$SDIR/new" "$SDIR/news.jsonl" "$o"
		[ "$status" -eq 2 ]
		[ "$output" = "lede-index: option $o needs a value" ]
	done
	[ ! -e "$SDIR/new" ]
	run "$B/lede-index" -i "$SDIR/new" --co "$SDIR/news.jsonl"
	[ "$status" -eq 2 ]
	[ "$output" = "lede-index: ambiguous option --co (try --help)" ]
	run "$B/lede-index" -i "$SDIR/new" --nosuch "$SDIR/news.jsonl"
	[ "$output" = "lede-index: unknown option --nosuch (try --help)" ]
	run "$B/lede-index" -i "$SDIR/new" --full=1 "$SDIR/news.jsonl"
	[ "$output" = "lede-index: option --full takes no value" ]
	# a bad letter in a cluster after a long option is named as itself
	run "$B/lede-index" -i "$SDIR/new" --full -xq "$SDIR/news.jsonl"
	[ "$output" = "lede-index: unknown option -x (try --help)" ]
	# lede-search says the same, in one line, not getopt's and the usage
	search --nosuch defense
	[ "$status" -eq 2 ]
	[ "$output" = "lede-search: unknown option --nosuch (try --help)" ]
	search --s date defense
	[ "$output" = "lede-search: ambiguous option --s (try --help)" ]
	search --json=1 defense
	[ "$output" = "lede-search: option --json takes no value" ]
}

@test "number options: the error states the range each accepts" {
	search --limit 0 defense
	[ "$status" -eq 2 ]
	[ "$output" = "lede-search: --limit: expected a number from 1 to 10000, got '0' (for the number of matches alone, use --count)" ]
	search --limit x defense
	[ "$output" = "lede-search: --limit: expected a number from 1 to 10000, got 'x'" ]
	search --limit 10001 defense
	[ "$status" -eq 2 ]
	search --limit 10000 --ids defense
	[ "$status" -eq 0 ]
	search --snippets 17 defense
	[ "$output" = "lede-search: --snippets: expected a number from 0 to 16, got '17'" ]
	search --expand 101 defense
	[ "$output" = "lede-search: --expand: expected a number from 0 to 100, got '101'" ]
	for r in "--jobs 0:1 to 16, got '0'" "--jobs 17:1 to 16, got '17'" \
		"--commit-every 0:1 to 10000000, got '0'" \
		"--wait -1:0 to 86400, got '-1'"; do
		set -- ${r%%:*}
		run "$B/lede-index" -i "$SDIR/new" "$1" "$2" "$SDIR/news.jsonl"
		[ "$status" -eq 2 ]
		[ "$output" = "lede-index: $1: expected a number from ${r#*:}" ]
	done
	# the help and the man page state the same ranges
	run "$B/lede-index" --help
	[[ "$output" == *"1 to 16: default the number of CPUs, at"*"most 8"* ]]
	[[ "$output" == *"(default 2000, 1 to 10000000)"* ]]
	grep -q 'is 1 to 16; the default is the' "$BATS_TEST_DIRNAME/../../docs/lede-index.1"
	run "$B/lede-index" -i "$SDIR/new" --jobs 16 "$SDIR/news.jsonl"
	[ "$status" -eq 0 ]
}

@test "--count counts, --limit and --offset page" {
	search --count --any defense rates ferry
	[ "$output" = 6 ]
	search --ids --limit 1 --offset 1 defense
	[ "$output" = n3 ]
}

@test "an --offset past the last match keeps the true total" {
	# defense is in n1 and n3: an empty page proves no third match (the
	# total was the offset, 100, before)
	for o in "" --exact-count --collapse "--recency 30"; do
		search --count $o --offset 100 defense
		[ "$output" = 2 ]
		search --json $o --offset 100 defense
		[ "$status" -eq 1 ]
		[[ "$output" == *'"total":2,"returned":0'* ]]
	done
	search --offset 100 defense
	[ "$status" -eq 1 ]
	[[ "$output" == *"no articles past --offset 100 (about 2 match)"* ]]
}

@test "--k1, --b, --recency: nan, inf and out-of-range numbers are errors; the bounds rank" {
	# --k1 inf printed "score":-nan (no JSON parser reads it), in no order
	for a in "--k1 inf" "--k1 1e308" "--k1 nan" "--k1 1001" "--k1 -1" \
	    "--b nan" "--b inf" "--b 1.5" "--recency nan" "--recency inf" \
	    "--recency 0" "--recency 1e7"; do
		search --json $a defense
		[ "$status" -eq 2 ]
		[[ "$output" == "lede-search: ${a%% *}: expected a number "* ]]
		[[ "$output" != *'"type"'* ]]
	done
	search --k1 nan defense
	[[ "$output" == *"--k1: expected a number from 0 to 1000, got 'nan'"* ]]
	search --recency inf defense
	[[ "$output" == *"--recency: expected a number over 0, at most 3652500, got 'inf'"* ]]
	command -v python3 >/dev/null || skip "python3 needed to parse JSON"
	search --json --explain --k1 1000 --recency 3652500 defense
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | python3 -c '
import json, sys
def no(c):
    raise ValueError(c)
lines = [json.loads(l, parse_constant=no) for l in sys.stdin]
s = [l["score"] for l in lines if l["type"] == "hit"]
assert len(s) == 2 and s == sorted(s, reverse=True) and s[-1] > 0, s
'
}

@test "--collapse folds the syndicated copies and shows the earliest" {
	search --ids ferry
	[ "${#lines[@]}" -eq 3 ]
	search --ids --collapse ferry
	[ "$output" = n6 ]
	search --collapse ferry
	[[ "$output" == *"(+2 similar)"* ]]
}

@test "--collapse keeps apart stories that share only their common words" {
	# Two 144-word stories of one sentence pattern: the simhash of their
	# words, "the", "of" and "said" above all, put them within 10 bits
	# and --collapse showed one (total 1)
	d=$BATS_TEST_TMPDIR/two
	mkdir -p "$d"
	stories 2 1 >"$d/a.jsonl"
	"$B/lede-index" -q -i "$d/idx" "$d/a.jsonl"
	run "$B/lede-search" -i "$d/idx" --ids --collapse said
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "s0a s1a" ]
	# nor do 150 of them (the word simhash folded them all into one)
	stories 150 1 >"$d/b.jsonl"
	"$B/lede-index" -q -i "$d/idx2" "$d/b.jsonl"
	run "$B/lede-search" -i "$d/idx2" --count --collapse said
	[ "$output" = 150 ]
}

@test "--collapse pages through each group once, past 200 matches; its total counts groups" {
	# 150 stories twice: 300 matches, 150 groups, each shown as its
	# earlier copy s<k>b. Pages from offset 100 on were empty (the groups
	# of the first 200 matches only), the total 200 (300 less the
	# copies folded among those 200)
	d=$BATS_TEST_TMPDIR/pairs
	mkdir -p "$d"
	stories 150 2 >"$d/a.jsonl"
	"$B/lede-index" -q -i "$d/idx" "$d/a.jsonl"
	s() { run "$B/lede-search" -i "$d/idx" --collapse "$@" said; }
	s --count
	[ "$output" = 150 ]
	s --json -n 1
	[[ "$output" == *'"total":150,"returned":1'* ]]
	s --ids -n 1000
	[ "${#lines[@]}" -eq 150 ]
	all=$output
	[ "$(printf '%s\n' "$all" | grep -c 'b$')" -eq 150 ]
	[ "$(printf '%s\n' "$all" | sort -u | wc -l)" -eq 150 ]
	paged=
	for o in 0 20 40 60 80 100 120 140; do
		s --ids -n 20 --offset $o
		[ "$status" -eq 0 ]
		paged=$paged$output$'\n'
	done
	[ "$paged" = "$all"$'\n' ]
	s --json -n 20 --offset 150
	[ "$status" -eq 1 ]
	[[ "$output" == *'"total":150,"returned":0'* ]]
}

@test "--collapse shows a group the same whatever the page size" {
	# s0's copy ranks last (its title lacks "zebra", its body is a word
	# longer): with -n 1000 it joined the group and was shown (earlier)
	# with 1 duplicate, with -n 1 the group was s0 with none
	d=$BATS_TEST_TMPDIR/far
	mkdir -p "$d"
	stories 250 2 >"$d/all.jsonl"
	# the a copies, "zebra" in s0a's title, then s0b
	{ awk 'NR % 2' "$d/all.jsonl"; sed -n 2p "$d/all.jsonl"; } |
		sed '1s/"Story 0"/"Story 0 zebra"/' >"$d/a.jsonl"
	"$B/lede-index" -q -i "$d/idx" "$d/a.jsonl"
	run "$B/lede-search" -i "$d/idx" --count --any said zebra
	[ "$output" = 251 ]
	first() {
		run "$B/lede-search" -i "$d/idx" --json --collapse "$@" --any \
			said zebra
		printf '%s\n' "$output" | head -n 1 | sed \
			's/.*"id":"\([^"]*\)".*"duplicates":\([0-9]*\).*/\1 \2/'
	}
	[ "$(first -n 1)" = "s0a 0" ]
	[ "$(first -n 1000)" = "s0a 0" ]
	[ "$(first -n 1 --exact-count)" = "s0a 0" ]
}

@test "did you mean: a misspelt word gets a suggestion" {
	search 'defense spnding'
	[[ "$output" == *"Did you mean: defense spending"* ]]
}

@test "--explain shows the parsed query and per-term weights" {
	search --explain --limit 1 nato spending
	[[ "$output" == *"query: "* ]]
	[[ "$output" == *"nato="* ]]
	[[ "$output" == *"spending="* ]]
}

@test "--explain: the parts listed add up to the score, prefixes, title and feedback words included" {
	command -v python3 >/dev/null || skip "python3 needed to parse JSON"
	"$B/lede-index" -i "$BATS_TEST_TMPDIR/pos" --quiet --positions "$SDIR/news.jsonl"
	# explain.py EXPECTED...: every hit's parts sum to its score, and
	# each EXPECTED label is a part of the first hit
	cat >"$BATS_TEST_TMPDIR/explain.py" <<'PY'
import json, sys
hits = [h for h in map(json.loads, sys.stdin) if h["type"] == "hit"]
assert hits
for h in hits:
    total = sum(e["weight"] for e in h["explain"])
    # each weight is printed to 6 decimals
    assert abs(total - h["score"]) <= 1e-6 * (1 + len(h["explain"])), \
        (h["id"], h["score"], h["explain"])
    assert all(e["weight"] != 0 for e in h["explain"]), h["explain"]
labels = [e["term"] for e in hits[0]["explain"]]
for want in sys.argv[1:]:
    assert any(l == want or (want.endswith(":") and l.startswith(want))
               for l in labels), (want, labels)
PY
	for idx in "$IDX" "$BATS_TEST_TMPDIR/pos"; do
		x() { # x OPTIONS... -- EXPECTED...: one query's check
			local o=()
			while [ "$1" != -- ]; do o+=("$1"); shift; done
			shift
			"$B/lede-search" -i "$idx" --json --explain "${o[@]}" |
				python3 "$BATS_TEST_TMPDIR/explain.py" "$@"
		}
		# a phrase in the title: its words weigh without title boost
		x '"defense spending"' -- defense spending
		x 'nato "defense spending"' -- nato title:nato defense spending
		x 'defense NEAR/3 spending' -- defense spending
		x 'spend*' -- 'spend*'
		x 'defen* nato' -- 'defen*' nato title:nato
		x 'title:nato spending' -- title:nato spending title:spending
		x --any 'nato OR "interest rates"' -- interest rates
		x --expand 2 --any defense -- defense feedback:
		x --recency 30 defense -- defense '(recency)'
	done
}

@test "LEDE_INDEX is used when -i is absent" {
	run env LEDE_INDEX="$IDX" "$B/lede-search" --count nato
	[ "$output" = 1 ]
}

@test "lenient syntax: unbalanced quotes and parentheses still search" {
	search --ids '"interest rates'
	[ "$output" = n2 ]
	search --ids '(defense OR rates'
	[ "${#lines[@]}" -eq 3 ]
}

@test "NOT terms are never highlighted" {
	search --mark '[,]' 'defense -nato'
	[[ "$output" == *"[defense]"* ]]
	[[ "$output" != *"[NATO]"* && "$output" != *"[nato]"* ]]
}

@test "--json follows the documented schema for every hit" {
	command -v python3 >/dev/null || skip "python3 needed to parse JSON"
	for q in defense 'ferry coast' cafe '"interest rates"' 'zanzibar'; do
		run "$B/lede-search" -i "$IDX" --json --explain "$q"
		printf '%s\n' "$output" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
assert lines and lines[-1]["type"] == "summary"
s = lines[-1]
for k, t in (("total", int), ("returned", int), ("elapsed_ms", (int, float))):
    assert isinstance(s[k], t), k
assert s["suggestion"] is None or isinstance(s["suggestion"], str)
assert isinstance(s["query"], str)
hits = lines[:-1]
assert len(hits) == s["returned"]
for h in hits:
    assert h["type"] == "hit"
    for k in ("rank", "duplicates"):
        assert isinstance(h[k], int)
    assert isinstance(h["score"], float)
    for k in ("id", "snippet"):
        assert isinstance(h[k], str)
    for k in ("title", "date", "byline", "source", "url", "lang", "section", "path"):
        assert h[k] is None or isinstance(h[k], str), k
    assert isinstance(h["tags"], list)
    b = h["snippet"].encode()
    for a, e in h["highlights"]:
        assert 0 <= a < e <= len(b)
        b[a:e].decode()  # ranges fall on UTF-8 boundaries
    for f in h["snippets"]:
        t = f["text"].encode()
        for a, e in f["highlights"]:
            assert 0 <= a < e <= len(t)
    assert all(isinstance(x["weight"], float) for x in h["explain"])
'
	done
}

@test "phrases with stopwords are exact: \"bank of england\" is not \"bank to england\"" {
	d=$BATS_TEST_TMPDIR/sw
	mkdir -p "$d/a"
	printf 'One\n\nThe bank to england deal.\n' >"$d/a/a.txt"
	printf 'Two\n\nThe bank of england said.\n' >"$d/a/b.txt"
	printf 'Three\n\nThe bank england x.\n' >"$d/a/c.txt"
	printf 'Four\n\nTo be or not to be, said the bank.\n' >"$d/a/d.txt"
	"$B/lede-index" -q -i "$d/idx" "$d/a"
	run "$B/lede-search" -i "$d/idx" --ids '"bank of england"'
	[ "$status" -eq 0 ]
	[ "$output" = "a/b.txt" ]
	run "$B/lede-search" -i "$d/idx" --ids '"to be or not to be"'
	[ "$status" -eq 0 ]
	[ "$output" = "a/d.txt" ]
	run "$B/lede-search" -i "$d/idx" --ids '"be to"'
	[ "$status" -eq 1 ]
	# bag of words: stopwords dropped, all three bank+england articles
	run "$B/lede-search" -i "$d/idx" --ids --count bank of england
	[ "$output" = "3" ]
}

@test "--expand N adds the best words of the top N hits: related articles without the query word join, unrelated ones do not" {
	d=$BATS_TEST_TMPDIR/ex
	mkdir -p "$d"
	cat >"$d/a.jsonl" <<'JSONL'
{"id":"a1","title":"Ferry sank","body":"A passenger ferry sank on the rocks in fog near the coast; passengers rescued."}
{"id":"a2","title":"Ferry sank at dawn","body":"The ferry sank in thick fog off the coast and the passengers were rescued."}
{"id":"a3","title":"Ferry capsized","body":"A passenger ferry capsized in fog off the coast; all passengers rescued."}
{"id":"a4","title":"Rates on hold","body":"The central bank kept interest rates on hold on Thursday."}
JSONL
	"$B/lede-index" -q -i "$d/idx" "$d/a.jsonl"
	run "$B/lede-search" -i "$d/idx" --ids sank
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "a1 a2 " ]
	run "$B/lede-search" -i "$d/idx" --ids --expand 2 sank
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = a1 ] || [ "${lines[0]}" = a2 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "a1 a2 a3 " ]
	run "$B/lede-search" -i "$d/idx" --ids --expand x sank
	[ "$status" -eq 2 ]
}

@test "--expand keeps the query's filters and exclusions (a phrase's too); the added words still find articles without the query's" {
	ids() { search --ids --expand 1 "$@"; echo "$output" | sort | tr '\n' ' '; }
	# troops is only in n1; its words bring the budget debate (n3) and
	# the ferry stories (n4-n6)
	[ "$(ids troops)" = "n1 n3 n4 n5 n6 " ]
	# which used to come back past each of these
	for m in "" --any; do
		[ "$(ids $m 'troops section:world')" = "n1 " ]
		[ "$(ids $m 'troops date:2025')" = "n1 " ]
		[ "$(ids $m 'troops -schools')" = "n1 n4 n5 n6 " ]
		[ "$(ids $m 'troops NOT ferry date:2023..2025')" = "n1 n3 " ]
		[ "$(ids $m 'troops -"the budget"')" = "n1 n4 n5 n6 " ]
		[ "$(ids $m 'ferry -"police said"')" = "n1 n4 n5 " ]
	done
}

@test "--sort: newest and oldest name date and -date; undated articles last newest first, first oldest first" {
	local d="$SDIR/sortidx"
	printf '%s\n' '{"id":"d1","title":"A","body":"walrus one","date":"2020-01-01"}' \
		'{"id":"u1","title":"B","body":"walrus two"}' \
		'{"id":"d2","title":"C","body":"walrus three","date":"2021-01-01"}' >"$SDIR/sort.jsonl"
	"$B/lede-index" -q -i "$d" "$SDIR/sort.jsonl"
	for s in date newest; do
		[ "$("$B/lede-search" -i "$d" --ids --sort "$s" walrus | tr '\n' ' ')" = "d2 d1 u1 " ]
	done
	for s in -date oldest; do
		[ "$("$B/lede-search" -i "$d" --ids --sort "$s" walrus | tr '\n' ' ')" = "u1 d1 d2 " ]
	done
	run "$B/lede-search" -i "$d" --sort foo walrus
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected relevance, date (or newest) or -date (or oldest)"* ]]
}
