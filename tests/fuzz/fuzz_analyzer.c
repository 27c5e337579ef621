/*
 * fuzz_analyzer.c - libFuzzer target for lib/analyzer.c and lib/utf8.c.
 *
 * Runs the analyzer over arbitrary bytes with two settings (English with
 * accent folding, plus one of French without folding, Turkish, "none",
 * Russian, Porter, Lovins, German or Dutch, chosen by the first byte) and
 * aborts on any broken invariant:
 *  - every byte range lies inside the text and is non-empty;
 *  - every term and stem is non-empty, at most LEDE_MAX_WORD_BYTES, valid
 *    UTF-8 without NUL;
 *  - positions and start offsets never decrease; each word or CJK unigram
 *    takes the next position, a bigram the position of its first unigram;
 *  - the range maps back: text[start:end] analyzed alone gives the same
 *    term first;
 *  - with a lead set (analyzer_only_lead) made of keys and key prefixes of
 *    the text's own tokens, every token whose key or term starts with one
 *    of them comes out exactly as without the set: same range, position,
 *    term and stem (the filter may only ever skip words nobody wants; its
 *    two-byte rule rests on what the stemmers do to a word's start);
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

/* Tokens of one run, for comparing a run under a lead set with one
 * without. */
typedef struct tok {
	size_t start, end;
	uint32_t pos;
	unsigned flags;
	size_t term_off, term_len, stem_off, stem_len; /* in toks.mem */
	int has_stem;
} tok;

typedef struct toks {
	tok *v;
	size_t n, cap;
	buf mem;
} toks;

static int collect(void *ctx, const token *t)
{
	toks *k = ctx;
	tok *x;

	CHECK(lede_grow(&k->v, &k->cap, k->n, sizeof *k->v, 64) == 0);
	x = &k->v[k->n++];
	x->start = t->start;
	x->end = t->end;
	x->pos = t->pos;
	x->flags = t->flags;
	x->term_off = k->mem.len;
	x->term_len = t->term_len;
	buf_append(&k->mem, t->term, t->term_len);
	x->has_stem = t->stem != NULL;
	x->stem_off = k->mem.len;
	x->stem_len = t->stem ? t->stem_len : 0;
	if (t->stem)
		buf_append(&k->mem, t->stem, t->stem_len);
	CHECK(k->mem.status == LEDE_OK);
	return 0;
}

static const char *tok_key(const toks *k, const tok *t, size_t *len)
{
	*len = t->has_stem ? t->stem_len : t->term_len;
	return k->mem.data + (t->has_stem ? t->stem_off : t->term_off);
}

static int starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return pn <= n && memcmp(s, p, pn) == 0;
}

/* Lead keys: every LEAD_KEY_EVERY-th token's key whole, and the next
 * one's first 1-3 bytes (a prefix query's lead); at most LEAD_MAX_KEYS. */
#define LEAD_KEY_EVERY 4
#define LEAD_MAX_KEYS 64

static void check_lead(analyzer *a, const char *text, size_t len)
{
	toks all, some;
	lead_set ls;
	const char *key[LEAD_MAX_KEYS];
	size_t klen[LEAD_MAX_KEYS], nkeys = 0, j = 0;

	memset(&all, 0, sizeof all);
	memset(&some, 0, sizeof some);
	all.mem = (buf)BUF_INIT;
	some.mem = (buf)BUF_INIT;
	CHECK(analyzer_run(a, text, len, 0, collect, &all, NULL) == LEDE_OK);
	memset(&ls, 0, sizeof ls);
	for (size_t i = 0; i < all.n && nkeys < LEAD_MAX_KEYS; i++) {
		size_t kl;
		const char *kk = tok_key(&all, &all.v[i], &kl);

		if (i % LEAD_KEY_EVERY == 1 && kl > 1)
			kl = 1 + i % 3 < kl ? 1 + i % 3 : kl;
		else if (i % LEAD_KEY_EVERY != 0)
			continue;
		key[nkeys] = kk;
		klen[nkeys++] = kl;
		lead_set_add(&ls, kk, kl);
	}
	if (analyzer_only_lead(a, &ls)) {
		CHECK(analyzer_run(a, text, len, 0, collect, &some, NULL) ==
		      LEDE_OK);
		analyzer_only_lead(a, NULL);
		for (size_t i = 0; i < all.n; i++) {
			const tok *t = &all.v[i];
			const char *term = all.mem.data + t->term_off;
			size_t kl;
			const char *kk = tok_key(&all, t, &kl);
			int wanted = 0;

			for (size_t q = 0; q < nkeys && !wanted; q++)
				wanted = starts_with(kk, kl, key[q], klen[q]) ||
					 starts_with(term, t->term_len, key[q],
						     klen[q]);
			while (j < some.n && some.v[j].start < t->start)
				j++;
			if (!wanted)
				continue;
			/* the same token among those starting here */
			size_t m = j;
			while (m < some.n && some.v[m].start == t->start &&
			       (some.v[m].end != t->end ||
				some.v[m].pos != t->pos ||
				some.v[m].flags != t->flags))
				m++;
			if (m >= some.n || some.v[m].start != t->start) {
				fprintf(stderr,
					"lead filter skipped '%.*s' at %zu\n",
					(int)t->term_len, term, t->start);
				abort();
			}
			const tok *u = &some.v[m];
			CHECK(u->term_len == t->term_len &&
			      memcmp(some.mem.data + u->term_off, term,
				     t->term_len) == 0);
			CHECK(u->has_stem == t->has_stem &&
			      u->stem_len == t->stem_len &&
			      memcmp(some.mem.data + u->stem_off,
				     all.mem.data + t->stem_off,
				     t->stem_len) == 0);
		}
	}
	free(all.v);
	free(some.v);
	buf_free(&all.mem);
	buf_free(&some.mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Created once: creating a stemmer per input would dominate. */
	static analyzer *en, *other[8];
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
		other[4] = make("porter", 1);
		other[5] = make("lovins", 1);
		other[6] = make("german", 1);
		other[7] = make("dutch", 1);
	}
	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	run_one(en, text, size, 0);
	run_one(other[size ? data[0] % 8 : 0], text, size, 1000);
	check_lead(en, text, size);
	check_lead(other[size ? data[0] % 8 : 0], text, size);

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
