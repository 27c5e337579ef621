/*
 * fuzz_snippet.c - libFuzzer target for snippets: the first line of the
 * input is the query, the rest the article text. Runs snippet_make (with
 * sizes taken from the query line's length, so small windows and many
 * fragments are explored too) and snippet_highlight_all, and checks what
 * a terminal relies on: every fragment is valid UTF-8 without control
 * bytes, spaces are single, highlights are ordered byte ranges inside the
 * fragment, at most nfrags fragments come back. And no word is cut: each
 * fragment starts and ends at a word break of the original text (or its
 * edges), unless the word there is longer than SNIPPET_LONG_WORD_CHARS,
 * and each highlight starts and ends at a word boundary of the fragment
 * (no letter, digit or mark of the same word on the other side).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../searcher/query.h"

static analyzer *an;

/* Characters of the word around byte i of t (a maximal run without a
 * snippet break), counted as decoding from t[0] sees them. */
static size_t word_chars_around(const char *t, size_t len, size_t i)
{
	size_t at = 0, start_chars = 0, chars = 0, seen_i = 0;
	int32_t cp;

	while (at < len) {
		if (snippet_is_break(t, len, at)) {
			if (seen_i)
				return chars - start_chars;
			start_chars = chars;
		}
		if (at == i)
			seen_i = 1;
		size_t k = utf8_decode(t + at, len - at, &cp);
		at += k ? k : 1;
		chars++;
	}
	return chars - start_chars;
}

/* The fragment's cuts on the original text fall at word breaks. */
static void check_cuts(const snippet_frag *f, const char *t, size_t len)
{
	size_t cut[2] = {f->src_start, f->src_end};

	if (f->src_start > f->src_end || f->src_end > len)
		abort();
	for (int k = 0; k < 2; k++)
		if (!snippet_is_break(t, len, cut[k]) &&
		    word_chars_around(t, len, cut[k]) <=
			SNIPPET_LONG_WORD_CHARS)
			abort();
}

/* 1 if the character of text that ends at byte i (before) or starts at
 * it (after) is part of a word: a letter, digit or mark, not CJK (whose
 * words have no spaces). */
static int wordish_at(const char *s, size_t len, size_t i, int before)
{
	int32_t cp;
	size_t j = i;

	if (before) {
		if (i == 0)
			return 0;
		j = i - 1;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
	} else if (i >= len) {
		return 0;
	}
	utf8_decode(s + j, len - j, &cp);
	int c = utf8_class(cp);
	/* A mark belongs to the character before it: after a CJK one it is
	 * part of that character's unit (the analyzer's scan_cjk), not of a
	 * word that follows ("大\u06dbp" is 大 with its mark, then p). */
	while (before && c == UTF8_MARK && j > 0) {
		j--;
		while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		utf8_decode(s + j, len - j, &cp);
		c = utf8_class(cp);
		if (c == UTF8_CJK)
			return 0;
		if (c != UTF8_MARK)
			return 1;
	}
	return c == UTF8_LETTER || c == UTF8_DIGIT || c == UTF8_MARK;
}

static void check(const snippet_frag *f)
{
	size_t at = 0;

	if (f->text == NULL || strlen(f->text) != f->len ||
	    !utf8_valid(f->text, f->len))
		abort();
	for (size_t i = 0; i < f->len; i++) {
		unsigned char c = (unsigned char)f->text[i];
		if (c < 0x20 || c == 0x7f)
			abort();
		if (c == 0xc2 && i + 1 < f->len &&
		    (unsigned char)f->text[i + 1] < 0xa0)
			abort(); /* C1 control */
		if (c == ' ' &&
		    (i == 0 || i + 1 == f->len || f->text[i + 1] == ' '))
			abort();
	}
	for (size_t k = 0; k < f->nhl; k++) {
		size_t s = f->hl[2 * k], e = f->hl[2 * k + 1];
		if (s < at || s >= e || e > f->len)
			abort();
		/* a highlight never takes half a word: the word goes on
		 * neither before its start nor after its end */
		if ((wordish_at(f->text, f->len, s, 1) &&
		     wordish_at(f->text, f->len, s, 0)) ||
		    (wordish_at(f->text, f->len, e, 1) &&
		     wordish_at(f->text, f->len, e, 0)))
			abort();
		at = e;
	}
}

static double idf(void *ctx, const char *term, size_t len)
{
	(void)ctx;
	(void)term;
	return (double)(len % 7) - 1.0; /* includes 0 and negatives */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	analyzer_settings s = {"english", 1};
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size);
	size_t qlen = nl ? (size_t)(nl - p) : size;
	const char *text = nl ? nl + 1 : p + size;
	size_t tlen = size - qlen - (nl != NULL);
	snippet_opts o = {(unsigned)(qlen % 5), (unsigned)(qlen * 3 % 200)};
	qnode *n = NULL;
	snippet_frag *f = NULL, t;
	size_t nf = 0;
	lede_err err;

	if (an == NULL && analyzer_new(&an, &s, &err) != LEDE_OK)
		abort();
	if (query_parse(&n, an, p, qlen, NULL, &err) != LEDE_OK)
		n = NULL;
	if (snippet_make(&f, &nf, an, text, tlen, n, qlen & 1 ? idf : NULL,
			 NULL, &o) != LEDE_OK)
		abort();
	if (nf > SNIPPET_MAX_FRAGS || (nf > 0 && f == NULL))
		abort();
	for (size_t i = 0; i < nf; i++) {
		check(&f[i]);
		check_cuts(&f[i], text, tlen);
	}
	snippet_free(f, nf);
	if (snippet_highlight_all(&t, an, text, tlen < 4096 ? tlen : 4096, n) !=
	    LEDE_OK)
		abort();
	check(&t);
	snippet_frag_clear(&t);
	qnode_free(n);
	return 0;
}
