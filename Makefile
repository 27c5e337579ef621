# lede - one non-recursive GNU Makefile.
#
#   make            build liblede.a, liblede.so, lede-index, lede-search, liblede.pc
#   make test       install missing packages, build, run every test
#   make demo       install missing packages, build, index corpus/, search it
#   make bench      benchmarks against Xapian's tools and SQLite FTS5
#   make bench-shards  time shards, parallel builds, remote shards measured
#   make fuzz       libFuzzer targets (clang); FUZZ_SECONDS per target
#   make install    PREFIX=/usr/local DESTDIR=
#   make SANITIZE=address,undefined test
#
# Variables: CC CXX CFLAGS CXXFLAGS LDFLAGS PREFIX DESTDIR SANITIZE V=1

CC ?= cc
CXX ?= c++
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
SANITIZE ?=

SOVERSION := 0
VERSION := $(shell sed -n 's/^\#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)

ifeq ($(SANITIZE),)
B := build
SANFLAGS :=
else
B := build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Evaluated lazily, inside recipes, so `make deps` can run first.
DEP_MODS := xapian-core libutf8proc zlib jansson libxml-2.0
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DEP_MODS) 2>/dev/null)
DEP_LIBS = $(shell $(PKG_CONFIG) --libs $(DEP_MODS) 2>/dev/null)
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CPPFLAGS_ALL = -Iinclude -Ilib -D_GNU_SOURCE $(DEP_CFLAGS)
ALL_CFLAGS = -std=c11 $(WARN) -fPIC -fvisibility=hidden $(SANFLAGS) $(CFLAGS)
ALL_CXXFLAGS = -std=c++17 -Wall -Wextra -fPIC -fvisibility=hidden $(SANFLAGS) $(CXXFLAGS)

# Library: lib/, the readers and indexing core in indexer/, the query,
# search and snippet core in searcher/. The CLIs are main.c (+ cli_*.c).
CLI_INDEX_SRC := indexer/main.c $(wildcard indexer/cli_*.c) searcher/cli_opts.c \
	searcher/cli_text.c
CLI_SEARCH_SRC := searcher/main.c $(wildcard searcher/cli_*.c)
LIB_C_SRC := $(sort $(wildcard lib/*.c) \
	$(filter-out $(CLI_INDEX_SRC),$(wildcard indexer/*.c)) \
	$(filter-out $(CLI_SEARCH_SRC),$(wildcard searcher/*.c)))
LIB_CXX_SRC := lib/xapian_c.cc
LIB_OBJ := $(LIB_C_SRC:%.c=$(B)/%.o) $(LIB_CXX_SRC:%.cc=$(B)/%.o)

STATIC := $(B)/liblede.a
SHARED := $(B)/liblede.so.$(VERSION)
SONAME := liblede.so.$(SOVERSION)
LEDE_INDEX := $(B)/lede-index
LEDE_SEARCH := $(B)/lede-search
PCFILE := $(B)/liblede.pc

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
API_SRC := $(wildcard tests/api/api_*.c)
API_BIN := $(API_SRC:tests/api/%.c=$(B)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/replay_%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all deps test check demo bench fuzz install uninstall clean format lint eval stress
all: $(STATIC) $(B)/liblede.so $(LEDE_INDEX) $(LEDE_SEARCH) $(PCFILE)

deps:
	$(Q)sh mk/deps.sh build test

# Objects depend on the sanitizer flags they were built with: switching
# SANITIZE in one build directory (thread after address,undefined, both
# in build/san) rebuilds them instead of linking a mix of runtimes.
SANSTAMP := $(B)/.sanitize
$(SANSTAMP): FORCE
	@mkdir -p $(B)
	@echo '$(SANFLAGS)' | cmp -s - $@ 2>/dev/null || echo '$(SANFLAGS)' >$@
.PHONY: FORCE
FORCE:

$(B)/%.o: %.c $(SANSTAMP)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_ALL) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/%.o: %.cc $(SANSTAMP)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CXX     $<"
	$(Q)$(CXX) $(CPPFLAGS_ALL) $(ALL_CXXFLAGS) -MMD -MP -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(SHARED): $(LIB_OBJ) lib/lede.sym
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CXX) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/lede.sym \
		$(SANFLAGS) $(LDFLAGS) -o $@ $(LIB_OBJ) $(DEP_LIBS)

$(B)/liblede.so: $(SHARED)
	$(Q)ln -sf liblede.so.$(VERSION) $(B)/$(SONAME) && ln -sf liblede.so.$(VERSION) $@

# The CLIs link the static library: no rpath games, and they still see only
# the public API (they include nothing but lede.h).
$(LEDE_INDEX): $(CLI_INDEX_SRC:%.c=$(B)/%.o) $(STATIC)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(LEDE_SEARCH): $(CLI_SEARCH_SRC:%.c=$(B)/%.o) $(STATIC)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(PCFILE): liblede.pc.in include/lede.h
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

# ---- tests ---------------------------------------------------------------
$(B)/tests/%.o: tests/unit/%.c $(SANSTAMP)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS_ALL) $(TEST_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tests/test_%: $(B)/tests/test_%.o $(STATIC)
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS) $(TEST_LIBS)

$(B)/tests/api_%.o: tests/api/api_%.c $(SANSTAMP)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) -Iinclude -D_GNU_SOURCE $(TEST_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tests/api_%: $(B)/tests/api_%.o $(STATIC)
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS) $(TEST_LIBS)

$(B)/tests/replay_%.o: tests/fuzz/%.c $(SANSTAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tests/replay_main.o: tests/fuzz/replay_main.c $(SANSTAMP)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS_ALL) $(ALL_CFLAGS) -c $< -o $@

$(B)/tests/replay_%: $(B)/tests/replay_%.o $(B)/tests/replay_main.o $(STATIC)
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

# Test-only LD_PRELOAD hook that slows Xapian commits (crash tests).
$(B)/tests/slow_commit.so: tests/hooks/slow_commit.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -shared -fPIC -O2 -Wall -Wextra -o $@ $< -ldl

TEST_BINS := $(UNIT_BIN) $(API_BIN) $(FUZZ_REPLAY) $(B)/tests/slow_commit.so

# Analyzer throughput (internal API): make build/bench_analyzer
$(B)/bench_analyzer: $(B)/bench/bench_analyzer.o $(STATIC)
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

# Relevance evaluation (bench/eval, `make eval`): lede-eval is a client of
# lede.h plus the metric code, which test_trec_eval links directly.
EVAL_OBJ := $(B)/bench/eval/trec_eval.o $(B)/bench/eval/collection.o \
	$(B)/bench/eval/discover.o
$(B)/lede-eval: $(B)/bench/eval/lede_eval.o $(EVAL_OBJ) $(STATIC)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)
$(B)/tests/test_trec_eval.o: CPPFLAGS_ALL += -Ibench/eval
$(B)/tests/test_trec_eval: $(B)/tests/test_trec_eval.o $(EVAL_OBJ) $(STATIC)
	$(Q)$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS) $(TEST_LIBS)
# Baselines: Xapian's stock pipeline and SQLite FTS5 (libsqlite3).
$(B)/eval-xapian: bench/eval/eval_xapian.cc
	@mkdir -p $(dir $@)
	$(Q)$(CXX) -std=c++17 -Wall -Wextra $(CXXFLAGS) $(DEP_CFLAGS) -o $@ $< $(DEP_LIBS)
$(B)/eval-fts5: bench/eval/eval_fts5.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 $(WARN) -D_GNU_SOURCE $(CFLAGS) -o $@ $< $(shell $(PKG_CONFIG) --libs sqlite3 2>/dev/null || echo -lsqlite3)

# `make test` installs what is missing, then builds and runs in a sub-make
# (so pkg-config answers after the install).
test: deps
	$(Q)$(MAKE) --no-print-directory check

check: all $(TEST_BINS)
	$(Q)B=$(B) SANITIZE="$(SANITIZE)" CC="$(CC)" sh tests/run.sh

# The concurrency stress test (one writer, four searchers), plain and
# under ThreadSanitizer; not part of `make test` (see docs/RELIABILITY.md).
stress: deps
	$(Q)$(MAKE) --no-print-directory $(B)/tests/api_concurrency
	$(Q)$(B)/tests/api_concurrency
	$(Q)$(MAKE) --no-print-directory SANITIZE=thread B=build/tsan build/tsan/tests/api_concurrency
	$(Q)TSAN_OPTIONS="halt_on_error=1 $${TSAN_OPTIONS:-}" build/tsan/tests/api_concurrency

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh mk/demo.sh $(B)

bench: deps
	$(Q)sh mk/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/run.sh $(B)

eval: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/eval.sh $(B)

# Time shards, parallel builds and remote shards, measured in one run
# (bench/shards.sh, results in bench/results/DATE/shards.md).
.PHONY: bench-shards
bench-shards: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/shards.sh $(B)

# ---- fuzzing (clang + libFuzzer) -------------------------------------------
FUZZ_SECONDS ?= 60
fuzz:
	$(Q)sh mk/deps.sh build fuzz
	$(Q)$(MAKE) --no-print-directory CC=clang CXX=clang++ B=build/fuzz-lib \
		SANITIZE=address,undefined,fuzzer-no-link build/fuzz-lib/liblede.a
	$(Q)mkdir -p build/fuzz tests/fuzz/crashes
	$(Q)set -e; for src in $(FUZZ_SRC); do \
		n=$$(basename $$src .c); \
		clang -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS_ALL) \
			-c $$src -o build/fuzz/$$n.o; \
		clang++ -fsanitize=fuzzer,address,undefined build/fuzz/$$n.o \
			build/fuzz-lib/liblede.a -o build/fuzz/$$n $(DEP_LIBS); \
		mkdir -p tests/fuzz/corpus/$$n; \
		echo "  FUZZ    $$n ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=tests/fuzz/crashes/$$n- tests/fuzz/corpus/$$n \
			tests/fuzz/seeds/$$n 2>build/fuzz/$$n.log || exit 1; \
	done

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(LEDE_INDEX) $(LEDE_SEARCH) $(DESTDIR)$(BINDIR)/
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf liblede.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf liblede.so.$(VERSION) $(DESTDIR)$(LIBDIR)/liblede.so
	@# a real install (not staged) refreshes the linker cache, so programs
	@# linked with -llede find liblede.so.0 in $(LIBDIR)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi
	install -m 644 include/lede.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		liblede.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/liblede.pc
	install -m 644 docs/lede-index.1 docs/lede-search.1 $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lede-index $(DESTDIR)$(BINDIR)/lede-search
	rm -f $(DESTDIR)$(LIBDIR)/liblede.a $(DESTDIR)$(LIBDIR)/liblede.so*
	rm -f $(DESTDIR)$(INCLUDEDIR)/lede.h $(DESTDIR)$(LIBDIR)/pkgconfig/liblede.pc
	rm -f $(DESTDIR)$(MANDIR)/man1/lede-index.1 $(DESTDIR)$(MANDIR)/man1/lede-search.1

clean:
	rm -rf build

format:
	clang-format -i include/*.h lib/*.[ch] lib/*.cc indexer/*.[ch] searcher/*.[ch] tests/*/*.c

lint:
	cppcheck --quiet --enable=warning,performance,portability -Iinclude -Ilib lib indexer searcher

-include $(shell find $(B) -name '*.d' 2>/dev/null)
