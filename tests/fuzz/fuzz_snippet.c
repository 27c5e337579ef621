/*
 * fuzz_snippet.c - libFuzzer target for snippets: the first line of the
 * input is the query, the rest the article text. Runs snippet_make (with
 * sizes taken from the query line's length, so small windows and many
 * fragments are explored too) and snippet_highlight_all, and checks what
 * a terminal relies on: every fragment is valid UTF-8 without control
 * bytes, spaces are single, highlights are ordered byte ranges inside the
 * fragment, at most nfrags fragments come back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../searcher/query.h"

static analyzer *an;

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
	for (size_t i = 0; i < nf; i++)
		check(&f[i]);
	snippet_free(f, nf);
	if (snippet_highlight_all(&t, an, text, tlen < 4096 ? tlen : 4096, n) !=
	    LEDE_OK)
		abort();
	check(&t);
	snippet_frag_clear(&t);
	qnode_free(n);
	return 0;
}
