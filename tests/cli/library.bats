#!/usr/bin/env bats
# The library as an embedder sees it: exported symbols, the header in C99
# and C++, and a program built against a staged install via pkg-config.

setup() {
	B=${LEDE_BIN:-$BATS_TEST_DIRNAME/../../build}
	TOP=${LEDE_TOP:-$BATS_TEST_DIRNAME/../..}
	TMP=$(mktemp -d)
}

teardown() {
	rm -rf "$TMP"
}

@test "liblede.so exports exactly the functions declared in lede.h" {
	nm -D --defined-only "$B/liblede.so" | awk '$2 == "T" {print $3}' |
		sort >"$TMP/exported"
	grep -v '^#' "$TOP/include/lede.h" | grep -o 'LEDE_API [^(]*(' |
		sed 's/.*[ *]\([a-z_0-9]*\)($/\1/' | sort >"$TMP/declared"
	[ -s "$TMP/declared" ]
	diff "$TMP/declared" "$TMP/exported"
}

@test "liblede.so has the soname liblede.so.0" {
	objdump -p "$B/liblede.so" | grep -q 'SONAME *liblede.so.0'
}

@test "lede.h compiles as strict C99" {
	printf '#include <lede.h>\nint main(void) { lede_search_opts o = LEDE_SEARCH_OPTS_INIT; lede_article a = LEDE_ARTICLE_INIT; (void)o; (void)a; return lede_status_str(LEDE_OK) == 0; }\n' >"$TMP/c99.c"
	${CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror -I"$TOP/include" -c "$TMP/c99.c" -o "$TMP/c99.o"
}

@test "lede.h compiles as C++" {
	printf '#include <lede.h>\nint main() { lede_open_opts o = LEDE_OPEN_OPTS_INIT; lede_update_opts u = LEDE_UPDATE_OPTS_INIT; (void)o; (void)u; return lede_status_str(LEDE_OK) == nullptr; }\n' >"$TMP/cxx.cc"
	${CXX:-c++} -std=c++11 -pedantic -Wall -Wextra -Werror -I"$TOP/include" -c "$TMP/cxx.cc" -o "$TMP/cxx.o"
}

@test "examples/search.c builds against a staged install with pkg-config" {
	[ -z "$SANITIZE" ] || skip "install is tested in the plain build"
	make -C "$TOP" --no-print-directory -s install DESTDIR="$TMP/stage" PREFIX=/usr >/dev/null
	[ -f "$TMP/stage/usr/include/lede.h" ]
	[ -x "$TMP/stage/usr/bin/lede-search" ]
	for m in lede-index lede-search; do
		[ -s "$TMP/stage/usr/share/man/man1/$m.1" ]
		! command -v man >/dev/null || man -l "$TMP/stage/usr/share/man/man1/$m.1" 2>/dev/null | grep -q "EXIT STATUS"
	done
	export PKG_CONFIG_SYSROOT_DIR="$TMP/stage"
	export PKG_CONFIG_LIBDIR="$TMP/stage/usr/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig:/usr/lib/pkgconfig"
	${CC:-cc} "$TOP/examples/search.c" -o "$TMP/search" $(pkg-config --cflags --libs liblede)
	run env LD_LIBRARY_PATH="$TMP/stage/usr/lib" "$TMP/search" "$TMP/example-index"
	[ "$status" -eq 0 ]
	[ -d "$TMP/example-index" ]
	[[ "${lines[0]}" == "1. art-"* ]]
	[[ "$output" == *"[defense]"* ]]
	make -C "$TOP" --no-print-directory -s uninstall DESTDIR="$TMP/stage" PREFIX=/usr >/dev/null
	[ ! -f "$TMP/stage/usr/include/lede.h" ]
	[ ! -f "$TMP/stage/usr/share/man/man1/lede-index.1" ]
}
