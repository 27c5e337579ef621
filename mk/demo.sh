#!/bin/sh
# mk/demo.sh - `make demo`: index the bundled corpus/ and run a few
# searches, showing what lede does. $1 is the build directory.
set -eu
B=${1:-build}
IDX=$B/demo.idx
rm -rf "$IDX"
echo "== lede-index -i $IDX corpus/"
"$B/lede-index" -i "$IDX" --no-progress --exclude README.md corpus/ || [ $? -eq 1 ]
echo
echo "== run again: nothing changed, every file is skipped after a stat"
"$B/lede-index" -i "$IDX" --no-progress --exclude README.md corpus/ || [ $? -eq 1 ]
run() {
	echo
	echo "== lede-search $*"
	"$B/lede-search" -i "$IDX" --color=always "$@" || true
}
run nato '"defense spending"'
run --sort date --limit 3 'interest rates'
run --collapse --limit 5 baltic storm
run cafe zurich
run 北京
run --json --limit 1 --snippets 1 deployed
run --explain --limit 2 'nato spending'
run 'defense spnding'
