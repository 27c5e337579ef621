#!/bin/sh
# tests/run.sh - runs every lede test and prints one closing line,
# "N passed, N failed", that CI reads. Called by `make check` / `make test`
# with B set to the build directory.
#
# Unit and API tests are cmocka binaries (TAP output), CLI tests are bats
# files (TAP), fuzz replays run each target over its saved inputs.
set -u
B=${B:-build}
TOP=$(pwd)
export LEDE_BIN="$TOP/$B"
export LEDE_TOP="$TOP"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export NO_COLOR=1
unset LEDE_INDEX
pass=0
fail=0
skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_tap() { # run_tap NAME CMD...: runs CMD, counts its TAP lines
	name=$1; shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -v '# [Ss][Kk][Ii][Pp]' "$log" | grep -c '^ok')
	s=$(grep '^ok' "$log" | grep -c '# [Ss][Kk][Ii][Pp]')
	f=$(grep -c '^not ok' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL [$name] exited $rc without a failing test:"
		tail -n 20 "$log"
	elif [ "$f" -ne 0 ]; then
		echo "FAIL [$name]:"
		grep -v '^ok' "$log" | head -n 60
	fi
	if [ "$s" -ne 0 ]; then
		grep '^ok' "$log" | grep '# [Ss][Kk][Ii][Pp]' | sed "s/^/SKIP [$name] /"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	if [ "$s" -ne 0 ]; then
		printf '%-28s %4d passed, %d failed, %d skipped\n' "$name" "$p" "$f" "$s"
	else
		printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
	fi
}

for t in "$B"/tests/test_* "$B"/tests/api_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.d) continue ;; esac
	# The stress test races one writer against four searchers (paced
	# commits; docs/RELIABILITY.md): 3 s here, so every `make test` sees
	# readers overtaken by commits; `make stress` runs it long, and
	# under ThreadSanitizer.
	case "$t" in
	*/api_concurrency)
		run_tap "$(basename "$t")" \
			env LEDE_STRESS_SECONDS="${LEDE_STRESS_SECONDS:-3}" "$t"
		continue ;;
	esac
	run_tap "$(basename "$t")" "$t"
done

for r in "$B"/tests/replay_fuzz_*; do
	[ -x "$r" ] || continue
	case "$r" in *.o|*.d) continue ;; esac
	n=${r##*/replay_}
	dirs=""
	for d in tests/fuzz/corpus/"$n" tests/fuzz/seeds/"$n"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	crashes=$(ls tests/fuzz/crashes/"$n"-* 2>/dev/null)
	if "$r" $dirs $crashes >"$log" 2>&1; then
		echo "ok - $n $(tail -n 1 "$log")" >"$log.tap"
	else
		echo "not ok - $n" >"$log.tap"
		tail -n 30 "$log"
	fi
	run_tap "replay $n" cat "$log.tap"
	rm -f "$log.tap"
done

if command -v bats >/dev/null 2>&1; then
	for b in tests/cli/*.bats; do
		[ -f "$b" ] || continue
		run_tap "$(basename "$b")" bats --tap "$b"
	done
else
	echo "FAIL bats not installed (make deps)"
	fail=$((fail + 1))
fi

[ "$skip" -eq 0 ] || echo "$skip skipped (not counted as passed; see SKIP lines above)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
