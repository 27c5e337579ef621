/*
 * fuzz_analyzer.c - libFuzzer target for lib/analyzer.c and lib/utf8.c.
 *
 * Runs the analyzer over arbitrary bytes with two settings (English with
 * accent folding, plus one of French without folding, Turkish, "none" or
 * Russian, chosen by the first byte) and aborts on any broken invariant:
 *  - every byte range lies inside the text and is non-empty;
 *  - every term and stem is non-empty, at most LEDE_MAX_WORD_BYTES, valid
 *    UTF-8 without NUL;
 *  - positions and start offsets never decrease; each word or CJK unigram
 *    takes the next position, a bigram the position of its first unigram;
 *  - the range maps back: text[start:end] analyzed alone gives the same
 *    term first;
 *  - analyzer_normalize, utf8_fold and utf8_sanitize give valid UTF-8, and
 *    utf8_valid agrees with utf8_sanitize's count of bad bytes.
 * Built by `make fuzz` (clang, libFuzzer) and replayed over its saved
 * inputs by tests/fuzz/replay_main.c in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lede_private.h"

/* Inputs above this are cut: the analyzer is linear, longer inputs only
 * slow the fuzzer down. */
#define FUZZ_MAX_INPUT (256u * 1024)
/* analyzer_normalize sees at most this much (a query word). */
#define FUZZ_MAX_WORD 200

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_analyzer: %s:%d: %s\n",          \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* A token kept for the range check, done after the run: the analyzer is
 * not re-entrant (its callback must not run it again). */
typedef struct kept {
	size_t start, end, term_off, term_len;
} kept;

typedef struct state {
	const char *text;
	size_t len;
	size_t n; /* words and unigrams seen */
	uint32_t base;
	uint32_t last_pos; /* position of the last unigram or word */
	size_t last_start;
	kept *k;
	size_t nk, capk;
	buf terms;
} state;

static int first_term(void *ctx, const token *t)
{
	buf *b = ctx;
	buf_append(b, t->term, t->term_len);
	return 1; /* only the first */
}

static int on_token(void *ctx, const token *t)
{
	state *s = ctx;

	CHECK(t->start < t->end && t->end <= s->len);
	CHECK(t->term != NULL && t->term_len > 0);
	CHECK(t->term_len <= LEDE_MAX_WORD_BYTES);
	CHECK(utf8_valid(t->term, t->term_len));
	CHECK(memchr(t->term, '\0', t->term_len) == NULL);
	if (t->stem) {
		CHECK(t->stem_len > 0 && t->stem_len <= LEDE_MAX_WORD_BYTES);
		CHECK(utf8_valid(t->stem, t->stem_len));
		CHECK(memchr(t->stem, '\0', t->stem_len) == NULL);
		CHECK(!(t->flags & (TOKEN_CJK | TOKEN_NUMBER)));
	}
	if (s->n > 0)
		CHECK(t->start >= s->last_start);
	if (t->flags & TOKEN_BIGRAM) {
		CHECK(s->n > 0 && t->pos == s->last_pos);
		CHECK(t->flags & TOKEN_CJK);
	} else {
		CHECK(t->pos == (s->n == 0 ? s->base : s->last_pos + 1));
		s->last_pos = t->pos;
		s->n++;
		if (s->nk == s->capk) {
			s->capk = s->capk ? 2 * s->capk : 64;
			s->k = realloc(s->k, s->capk * sizeof *s->k);
			CHECK(s->k != NULL);
		}
		s->k[s->nk].start = t->start;
		s->k[s->nk].end = t->end;
		s->k[s->nk].term_off = s->terms.len;
		s->k[s->nk].term_len = t->term_len;
		s->nk++;
		buf_append(&s->terms, t->term, t->term_len);
		CHECK(s->terms.status == LEDE_OK);
	}
	s->last_start = t->start;
	return 0;
}

static analyzer *make(const char *lang, int fold)
{
	analyzer_settings s;
	analyzer *a = NULL;

	memset(&s, 0, sizeof s);
	snprintf(s.lang, sizeof s.lang, "%s", lang);
	s.fold_accents = fold;
	CHECK(analyzer_new(&a, &s, NULL) == LEDE_OK);
	return a;
}

static void run_one(analyzer *a, const char *text, size_t len, uint32_t base)
{
	state s;
	uint32_t next = 0;
	lede_status st;
	buf b = BUF_INIT;

	memset(&s, 0, sizeof s);
	s.text = text;
	s.len = len;
	s.base = base;
	s.terms = (buf)BUF_INIT;
	st = analyzer_run(a, text, len, base, on_token, &s, &next);
	CHECK(st == LEDE_OK);
	CHECK(next == (s.n ? s.last_pos + 1 : base));
	/* Each range, analyzed alone, gives the same term first. */
	for (size_t i = 0; i < s.nk; i++) {
		const kept *k = &s.k[i];
		const char *term = s.terms.data + k->term_off;
		buf_reset(&b);
		(void)analyzer_run(a, text + k->start, k->end - k->start, 0,
				   first_term, &b, NULL);
		CHECK(b.status == LEDE_OK);
		if (b.len != k->term_len ||
		    memcmp(b.data, term, k->term_len) != 0) {
			fprintf(stderr,
				"range [%zu,%zu) gives '%.*s' alone, "
				"'%.*s' in context\n",
				k->start, k->end, (int)b.len,
				b.data ? b.data : "", (int)k->term_len, term);
			abort();
		}
	}
	buf_free(&b);
	buf_free(&s.terms);
	free(s.k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Created once: creating a stemmer per input would dominate. */
	static analyzer *en, *other[4];
	const char *text = (const char *)data;
	buf b = BUF_INIT;
	size_t nbad = 0, n;
	lede_status st;

	if (en == NULL) {
		en = make("english", 1);
		other[0] = make("french", 0);
		other[1] = make("turkish", 1);
		other[2] = make("none", 1);
		other[3] = make("russian", 0);
	}
	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	run_one(en, text, size, 0);
	run_one(other[size ? data[0] % 4 : 0], text, size, 1000);

	n = size < FUZZ_MAX_WORD ? size : FUZZ_MAX_WORD;
	st = analyzer_normalize(en, &b, text, n);
	CHECK(st == LEDE_OK || st == LEDE_ERR_TOO_BIG);
	CHECK(b.len <= LEDE_MAX_WORD_BYTES);
	CHECK(utf8_valid(b.data ? b.data : "", b.len));
	buf_reset(&b);

	n = size < LEDE_MAX_FIELD_BYTES ? size : LEDE_MAX_FIELD_BYTES;
	CHECK(utf8_fold(&b, text, n, size & 1) == LEDE_OK);
	CHECK(utf8_valid(b.data ? b.data : "", b.len));
	CHECK(b.len == 0 || (b.data[0] != ' ' && b.data[b.len - 1] != ' '));
	buf_reset(&b);

	CHECK(utf8_sanitize(&b, text, size, &nbad) == LEDE_OK);
	CHECK(utf8_valid(b.data ? b.data : "", b.len));
	CHECK((nbad == 0) == utf8_valid(text, size));
	CHECK(b.len == size + 2 * nbad);
	buf_free(&b);
	return 0;
}
