#!/bin/sh
# bench/profile_by_lede_fn.sh - reads `perf script -F ip,sym,dso` (call
# graphs) on stdin and charges each sample to the innermost function of
# lede-index itself on its stack: time spent in libxapian, zlib or libc
# lands on the lede function that called into it (xc_writer_upsert,
# xc_writer_commit, ...). Prints the share of samples per function.
awk '
function flush(   i, f) {
	if (n == 0) return
	tot++
	f = "(outside lede: loader, kernel only)"
	for (i = 1; i <= n; i++) if (dso[i] ~ /lede-index\)?$/) { f = sym[i]; break }
	c[f]++
	n = 0
}
/^[ \t]*$/ { flush(); next }
{
	line = $0
	d = line; sub(/^.*\(/, "", d); sub(/\)[ \t]*$/, "", d)
	s = line; sub(/^[ \t]*[0-9a-f]+ /, "", s); sub(/ \([^(]*\)[ \t]*$/, "", s)
	n++; sym[n] = s; dso[n] = d
}
END {
	flush()
	for (k in c) if (100 * c[k] / tot >= 0.2) printf "%7.2f%%  %s\n", 100 * c[k] / tot, k | "sort -rn"
	close("sort -rn")
	printf "(%d samples; functions under 0.2%% not shown)\n", tot
}'
