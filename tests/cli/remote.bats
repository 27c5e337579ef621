#!/usr/bin/env bats
# Search across machines: shards served by xapian-tcpsrv on loopback and
# listed as `remote` lines in a stub give the same hits and scores as one
# local index holding every article, snippets included.

setup_file() {
	command -v xapian-tcpsrv >/dev/null || return 0
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	export RDIR=$(mktemp -d)
	cd "$RDIR"
	for k in 1 2 3; do
		for i in $(seq 1 25); do
			# bodies of different lengths, so scores do not tie
			filler=$(printf 'word%s ' $(seq 1 $(((i * 7 + k * 3) % 40))))
			printf '{"id":"s%s-%s","title":"Harbour report %s-%s","body":"The harbour council met about ferry %s and port fees %s. Shard %s story %s mentions cranes %s. %s","date":"202%s-0%s-1%s"}\n' \
				"$k" "$i" "$k" "$i" "$((i % 5))" "$((i % 3))" "$k" "$i" "$((i % 7))" "$filler" "$k" "$((i % 9 + 1))" "$((i % 9))"
		done >part$k.jsonl
	done
	cat part1.jsonl part2.jsonl part3.jsonl >all.jsonl
	# One length for b to measure against (index format 4 builds it into
	# the postings): indexes built apart score as one only when they
	# share it.
	# The local index keeps no positions (its phrases are checked on the
	# text); the served ones keep them, as a server must for phrases.
	"$B/lede-index" -i all -q --avglen 40 all.jsonl
	for k in 1 2 3; do
		"$B/lede-index" -i idx$k -q --avglen 40 --positions part$k.jsonl
	done
	# a time-sharded index, served whole: the server follows its stub
	"$B/lede-index" -i years -q --avglen 40 --positions --shard-by year all.jsonl
	# ports from the pid, so parallel runs do not collide
	base=$((20000 + ($$ % 2000) * 3))
	mkdir R
	: >R/XAPIANDB
	for k in 1 2 3; do
		port=$((base + k))
		db=$(sed -n 's/^auto //p' idx$k/XAPIANDB)
		# own session: on SIGTERM xapian-tcpsrv signals its whole group
		setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 "idx$k/$db" \
			>srv$k.log 2>&1 3>&- &
		echo $! >srv$k.pid
		echo "remote 127.0.0.1:$port" >>R/XAPIANDB
	done
	setsid xapian-tcpsrv --port "$((base + 4))" --interface 127.0.0.1 years \
		>srv4.log 2>&1 3>&- &
	echo $! >srv4.pid
	mkdir RY
	echo "remote 127.0.0.1:$((base + 4))" >RY/XAPIANDB
	# an index without positions, served
	db=$(sed -n 's/^auto //p' all/XAPIANDB)
	setsid xapian-tcpsrv --port "$((base + 5))" --interface 127.0.0.1 "all/$db" \
		>srv5.log 2>&1 3>&- &
	echo $! >srv5.pid
	mkdir RN
	echo "remote 127.0.0.1:$((base + 5))" >RN/XAPIANDB
	for k in 1 2 3 4 5; do
		for t in $(seq 1 50); do
			grep -q "Listening" srv$k.log 2>/dev/null && break
			sleep 0.1
		done
	done
	echo "$base" >base
}

teardown_file() {
	[ -n "${RDIR:-}" ] || return 0
	for k in 1 2 3 4 5; do
		[ -f "$RDIR/srv$k.pid" ] && kill "$(cat "$RDIR/srv$k.pid")" 2>/dev/null
	done
	rm -rf "$RDIR"
}

setup() {
	command -v xapian-tcpsrv >/dev/null || skip "xapian-tcpsrv (xapian-tools) not installed"
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	cd "$RDIR"
}

@test "remote shards return the same top 20 ids and scores as one index" {
	command -v python3 >/dev/null || skip "python3 needed to compare JSON"
	for q in 'harbour ferry' 'ferry 3' '"port fees"' 'cranes OR council' 'harbour date:2022'; do
		"$B/lede-search" -i all --json --limit 20 "$q" >local.json
		"$B/lede-search" -i R --json --limit 20 "$q" >remote.json
		python3 - local.json remote.json <<'PY'
import json, sys
def load(p):
    hits = [json.loads(l) for l in open(p) if '"type":"hit"' in l]
    return {h["id"]: h for h in hits}
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
for k in a:
    assert abs(a[k]["score"] - b[k]["score"]) < 1e-9, (k, a[k]["score"], b[k]["score"])
    assert a[k]["snippet"] == b[k]["snippet"] and b[k]["snippet"]
PY
	done
}

@test "sorts, filters, collapse, recency and explain work across remote shards" {
	command -v python3 >/dev/null || skip "python3 needed to compare JSON"
	for opts in '--sort date' '--sort -date' '--collapse' '--recency 200' \
		'--explain' '--since 2022 --until 2022-06' '--exact-count' \
		'--offset 5 --collapse'; do
		run "$B/lede-search" -i R --json --limit 20 $opts harbour
		[ "$status" -eq 0 ]
		echo "$output" >remote.json
		"$B/lede-search" -i all --json --limit 20 $opts harbour >local.json
		python3 - local.json remote.json "$opts" <<'PY'
import json, sys
def load(p):
    return [json.loads(l) for l in open(p)]
a, b = load(sys.argv[1]), load(sys.argv[2])
assert len(a) == len(b) and len(a) > 1, (sys.argv[3], len(a), len(b))
sa, sb = a.pop(), b.pop()
assert sa["type"] == sb["type"] == "summary" and sb["notice"] is None
assert (sa["total"], sa["returned"]) == (sb["total"], sb["returned"]), (sys.argv[3], sa, sb)
# Hits that tie (same score, or same date in a date sort) may come in
# another docid order across shards: compare the sequence of the sort
# key, and the hits as sets of (date, score, duplicates, explain) and ids.
def key(h):
    w = tuple(round(e["weight"], 9) for e in h.get("explain", []))
    return (h["date"], round(h["score"], 9), h["duplicates"], w)
first = 0 if "--sort" in sys.argv[3] else 1
assert [key(h)[first] for h in a] == [key(h)[first] for h in b], sys.argv[3]
assert sorted(map(key, a)) == sorted(map(key, b)), sys.argv[3]
if "--collapse" not in sys.argv[3]:  # a group may show another copy
    assert sorted((key(h), h["id"]) for h in a) == \
           sorted((key(h), h["id"]) for h in b), sys.argv[3]
PY
	done
}

@test "did you mean over remote shards: a notice on stderr, not silence" {
	# local index: a suggestion and no notice
	run "$B/lede-search" -i all harbr
	[ "$status" -eq 1 ]
	[[ "$output" == *"Did you mean: harbour"* ]]
	[[ "$output" != *"note:"* ]]
	# remote shards serve no spelling table: said, with the usual exit 1
	run "$B/lede-search" -i R harbr
	[ "$status" -eq 1 ]
	[[ "$output" != *"Did you mean"* ]]
	[[ "$output" == *'lede-search: note: "did you mean" is unavailable: remote shards (xapian-tcpsrv) serve no spelling table'* ]]
	"$B/lede-search" -i R harbr 2>err.txt >out.txt || true
	grep -q "note:" err.txt
	! grep -q "note:" out.txt
	# a query of known words looks nothing up: no notice
	run "$B/lede-search" -i R 'harbour ferry'
	[ "$status" -eq 0 ]
	[[ "$output" != *"note:"* ]]
	# TREC output is unchanged; the note goes to stderr only
	"$B/lede-search" -i R --trec q1 'harbr OR word39' 2>err.txt >out.txt
	grep -q "note:" err.txt
	! grep -q "note:" out.txt
	grep -q '^q1 Q0 ' out.txt
}

@test "did you mean over remote shards: JSON summary carries the notice" {
	command -v python3 >/dev/null || skip "python3 needed to read JSON"
	"$B/lede-search" -i R --json harbr >remote.json 2>/dev/null || true
	"$B/lede-search" -i all --json harbr >local.json || true
	python3 - local.json remote.json <<'PY'
import json, sys
l = json.loads(open(sys.argv[1]).read().splitlines()[-1])
r = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert l["type"] == r["type"] == "summary"
assert l["suggestion"] == "harbour" and l["notice"] is None, l
assert r["suggestion"] is None, r
assert "did you mean" in r["notice"] and "remote" in r["notice"], r
PY
}

@test "did you mean with local and remote databases: local suggestions, and a notice" {
	command -v python3 >/dev/null || skip "python3 needed to read JSON"
	# all/ holds every article; the stub adds it before the remote shards
	mkdir -p M
	{ echo "auto ../all/$(sed -n 's/^auto //p' all/XAPIANDB)"; cat R/XAPIANDB; } >M/XAPIANDB
	"$B/lede-search" -i M --json cranez >mixed.json 2>/dev/null || true
	python3 - mixed.json <<'PY'
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert s["suggestion"] == "cranes", s
assert "only the local databases: 3 remote shards" in s["notice"], s
PY
}

@test "a time-sharded index served whole by one xapian-tcpsrv gives one index's results" {
	for q in 'harbour ferry' '"port fees"' 'harbour date:2022'; do
		"$B/lede-search" -i all --ids --limit 75 "$q" | sort >local.ids
		"$B/lede-search" -i RY --ids --limit 75 "$q" | sort >remote.ids
		[ -s local.ids ]
		cmp local.ids remote.ids
		[ "$("$B/lede-search" -i all --count "$q")" = "$("$B/lede-search" -i RY --count "$q")" ]
	done
}

@test "a remote shard that is down gives a clear error naming it" {
	base=$(cat base)
	kill "$(cat srv2.pid)" 2>/dev/null
	sleep 0.3
	run "$B/lede-search" -i R harbour
	[ "$status" -eq 2 ]
	[[ "$output" == *"remote shard 127.0.0.1:$((base + 2)) (R/XAPIANDB line 2) is unreachable"* ]]
}

@test "an index without positions served remotely: words work, a phrase says what it needs" {
	run "$B/lede-search" -i RN --count 'harbour ferry'
	[ "$status" -eq 0 ]
	[ "$output" = "$("$B/lede-search" -i all --count 'harbour ferry')" ]
	run "$B/lede-search" -i RN '"port fees"'
	[ "$status" -eq 2 ]
	[[ "$output" == *"phrases and NEAR over remote shards need their indexes built with word positions (lede-index --positions)"* ]]
	run "$B/lede-search" -i RN 'harbour NEAR/3 council'
	[ "$status" -eq 2 ]
}
