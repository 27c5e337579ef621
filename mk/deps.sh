#!/bin/sh
# mk/deps.sh - installs the Debian packages lede needs to build and test.
# Checks with pkg-config and command -v; installs only what is missing,
# with apt-get (through sudo when not root). Elsewhere prints the command.
# Usage: sh mk/deps.sh [build|test|bench|fuzz]...
set -u
need_pkgs=""
want() { # want PKGCONFIG-MODULE-OR-CMD DEBIAN-PACKAGE [cmd]
	if [ "${3:-}" = cmd ]; then
		command -v "$1" >/dev/null 2>&1 && return 0
	else
		pkg-config --exists "$1" 2>/dev/null && return 0
	fi
	need_pkgs="$need_pkgs $2"
}
if ! command -v pkg-config >/dev/null 2>&1; then need_pkgs=" pkg-config"; fi
if ! command -v g++ >/dev/null 2>&1; then need_pkgs="$need_pkgs g++"; fi
for what in "${@:-build}"; do
	case "$what" in
	build)
		want xapian-core libxapian-dev
		want libutf8proc libutf8proc-dev
		want zlib zlib1g-dev
		want jansson libjansson-dev
		want libxml-2.0 libxml2-dev ;;
	test)
		want cmocka libcmocka-dev
		want bats bats cmd
		want xapian-check xapian-tools cmd
		want python3 python3 cmd        # JSON checks in the CLI tests
		want /usr/bin/time time cmd ;;  # peak-memory checks
	bench)
		want sqlite3 sqlite3 cmd
		want sqlite3 libsqlite3-dev
		want scriptindex xapian-omega cmd
		want gnuplot gnuplot-nox cmd
		want hyperfine hyperfine cmd
		want /usr/bin/time time cmd ;;
	fuzz)
		want clang clang cmd ;;
	esac
done
[ -z "$need_pkgs" ] && exit 0
echo "lede: installing missing Debian packages:$need_pkgs" >&2
if ! command -v apt-get >/dev/null 2>&1; then
	echo "lede: no apt-get here; install the equivalents of:$need_pkgs" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "lede: run as root: apt-get update && apt-get install -y$need_pkgs" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q $need_pkgs >/dev/null 2>&1 || {
	$SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $need_pkgs >/dev/null
} || { echo "lede: apt-get install$need_pkgs failed" >&2; exit 1; }
