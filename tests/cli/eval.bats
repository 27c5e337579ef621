#!/usr/bin/env bats
# The relevance evaluation path end to end on a TREC collection: lede-eval
# discover, build-index, run, export, the two baselines, score, and
# `make eval`'s script, over tests/data/eval/tiny-news (8 hand-written
# documents in two SGML files, 3 topics, graded qrels; topic 403 is judged
# but has no relevant document). Needs nothing from ../shared.

setup() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TOP=${LEDE_TOP:-$BATS_TEST_DIRNAME/../..}
	DATA=$TOP/tests/data/eval
	C=$DATA/tiny-news
	TMP=$(mktemp -d)
	# lede-eval and the Xapian baseline are built on demand, as make eval
	# does (the build directory's name is the last part of $B).
	if [ ! -x "$B/lede-eval" ] || [ ! -x "$B/eval-xapian" ]; then
		make -C "$TOP" --no-print-directory B="${B#$TOP/}" \
			"${B#$TOP/}/lede-eval" "${B#$TOP/}/eval-xapian" >/dev/null
	fi
}

teardown() {
	rm -rf "$TMP"
}

@test "discover finds the TREC collection by content, not by name" {
	run "$B/lede-eval" discover "$DATA"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'tiny-news\ttrec\t2\t1\t1')" ]
	cp -r "$C" "$TMP/held-out"
	run "$B/lede-eval" discover "$TMP"
	[ "$output" = "$(printf 'held-out\ttrec\t2\t1\t1')" ]
	# Not a collection: exit 1, and -v says what is missing.
	mkdir "$TMP/empty" && rm -rf "$TMP/held-out"
	run "$B/lede-eval" discover -v "$TMP"
	[ "$status" -eq 1 ]
	[[ "$output" == *"empty: not a collection"*"TREC topics"* ]]
}

@test "a manifest names the files of a collection" {
	mkdir -p "$TMP/m/d"
	cp "$C/docs/wire-a.sgml" "$TMP/m/d/"
	cp "$C/topics.txt" "$TMP/m/q.txt"
	cp "$C/qrels.txt" "$TMP/m/rel"
	printf '# one file only\nformat trec\ndocs d\ntopics q.txt\nqrels rel\n' \
		>"$TMP/m/lede-eval.conf"
	run "$B/lede-eval" discover "$TMP"
	[ "$output" = "$(printf 'm\ttrec\t1\t1\t1')" ]
	printf 'format trec\nbogus x\n' >"$TMP/m/lede-eval.conf"
	run "$B/lede-eval" discover "$TMP"
	[[ "$output" == *"lede-eval.conf: line 2: unknown key 'bogus'"* ]]
}

@test "lede and both baselines on a TREC collection, graded qrels, -c" {
	run "$B/lede-eval" build-index --collection "$C" "$TMP/idx"
	[ "$status" -eq 0 ]
	[[ "$output" == *"indexed 8 documents"* ]]
	# Every judged query is evaluated, 403 (nothing relevant) scoring 0:
	# MAP = (1 + 1 + 0) / 3 when lede ranks 401 and 402 perfectly.
	run "$B/lede-eval" run -i "$TMP/idx" --collection "$C" --tsv \
		--per-query --run-out "$TMP/lede.run"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "tiny-news"*"	3" ]]
	[[ "$output" == *"#	tiny-news	403	0.0000	0.0000	0.0000	0.0000"* ]]
	# export: documents from the TREC files (DOCNO, headline, text).
	run "$B/lede-eval" export --collection "$C" "$TMP/x"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$TMP/x/docs.tsv")" -eq 8 ]
	grep -q "^TN-005	Ferry operator cancels crossings after storm damage	The ferry operator" "$TMP/x/docs.tsv"
	grep -q "^TN-002	.*interest rates & lenders" "$TMP/x/docs.tsv"
	grep -q "^401	interest rate rises$" "$TMP/x/topics.tsv"
	grep -q "^402 0 TN-004 2$" "$TMP/x/qrels.txt"
	"$B/eval-xapian" "$TMP/x/docs.tsv" "$TMP/x/topics.tsv" xapian >"$TMP/xapian.run"
	[ -s "$TMP/xapian.run" ]
	run "$B/lede-eval" score -c --collection "$C" --run "$TMP/xapian.run" --tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *"	3" ]]
	# lede's run file scored from the exported qrels: the same figures.
	run "$B/lede-eval" score -c --qrels "$TMP/x/qrels.txt" --run "$TMP/lede.run" --tsv
	[ "$status" -eq 0 ]
	[[ "$output" == *"	0.6667	0.2000	0.6667	0.6667	3" ]]
	if make -C "$TOP" --no-print-directory B="${B#$TOP/}" "${B#$TOP/}/eval-fts5" >/dev/null 2>&1; then
		"$B/eval-fts5" "$TMP/x/docs.tsv" "$TMP/x/topics.tsv" fts5 >"$TMP/fts5.run"
		run "$B/lede-eval" score -c --collection "$C" --run "$TMP/fts5.run" --tsv
		[ "$status" -eq 0 ]
		[[ "$output" == *"	3" ]]
	fi
}

@test "score: trec_eval's queries (run and qrels both), -c all of the qrels" {
	printf '401 Q0 TN-006 1 3 t\n401 Q0 TN-001 2 2 t\n401 Q0 TN-002 3 1 t\n' >"$TMP/r"
	run "$B/lede-eval" score --collection "$C" --run "$TMP/r" --tsv --per-query
	[ "$status" -eq 0 ]
	# One query. AP 1 (all three relevant first). nDCG@10: grades 1 2 1
	# against ideal 2 1 1: (1 + 2/log2 3 + 1/2) / (2 + 1/log2 3 + 1/2)
	# = 2.7619 / 3.1309 = 0.8821.
	[[ "${lines[0]}" == *"	1.0000	0.3000	0.8821	1.0000	1" ]]
	run "$B/lede-eval" score -c --collection "$C" --run "$TMP/r" --tsv
	[[ "${lines[0]}" == *"	0.3333	0.1000	0.2940	0.3333	3" ]]
	# A (query, document) judged twice: an error naming file and lines.
	cp "$C/qrels.txt" "$TMP/q" && echo "401 0 TN-001 0" >>"$TMP/q"
	run "$B/lede-eval" score --qrels "$TMP/q" --run "$TMP/r"
	[ "$status" -eq 2 ]
	[[ "$output" == *"$TMP/q: line 11: query 401, document TN-001 judged twice (first at line 1)"* ]]
}

@test "make eval's script runs lede and both baselines on a discovered TREC collection" {
	cd "$TOP"
	LEDE_EVAL_DATA=$DATA LEDE_EVAL_OUT=$TMP/out EVAL_K1=2 EVAL_B=0.5 \
		EVAL_TW=0.5 EVAL_LANGS=english run sh bench/eval.sh "${B#$TOP/}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"## tiny-news"* ]]
	[[ "$output" == *"| xapian | english |"* ]]
	[[ "$output" == *"| lede-default | english |"* ]]
	[[ "$output" == *"| lede-tuned | english |"* ]]
	if [ -x "$B/eval-fts5" ]; then
		[[ "$output" == *"| fts5 | english |"* ]]
	fi
	# Three judged queries in every row (403 counts, as trec_eval -c).
	! grep -v '	3$' "$TMP/out/rows.tsv"
}

@test "gzipped topics and qrels are found and read like plain ones" {
	cp -r "$C" "$TMP/gz"
	gzip "$TMP/gz/topics.txt" "$TMP/gz/qrels.txt"
	run "$B/lede-eval" discover "$TMP"
	[ "$output" = "$(printf 'gz\ttrec\t2\t1\t1')" ]
	run "$B/lede-eval" build-index --collection "$C" "$TMP/idx"
	[ "$status" -eq 0 ]
	run "$B/lede-eval" run -i "$TMP/idx" --collection "$C" --tsv
	[ "$status" -eq 0 ]
	plain=$output
	run "$B/lede-eval" run -i "$TMP/idx" --collection "$TMP/gz" --tsv
	[ "$status" -eq 0 ]
	[ "${output#gz}" = "${plain#tiny-news}" ]
}
