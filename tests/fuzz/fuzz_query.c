/*
 * fuzz_query.c - libFuzzer target for the query language: any bytes go
 * through query_parse, then (when they parse) query_describe, query_words,
 * query_wildcard_error and query_build; the same bytes are also read as a
 * --since value by query_parse_date. Crashes, leaks, sanitizer reports and
 * broken invariants (a describe output with control bytes, an error
 * without a message) are findings. One analyzer serves every input, as in
 * a searcher process.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../searcher/query.h"

static analyzer *an;

static int on_word(void *ctx, const char *term, size_t len, const char *stem,
		   size_t stem_len, qfield field)
{
	size_t *n = ctx;

	if (term == NULL || len == 0 || (stem == NULL && stem_len != 0) ||
	    field > QF_DATE)
		abort();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	analyzer_settings s = {"english", 1};
	query_opts o = {0, 1739404800};
	lede_err err;
	qnode *n = NULL;
	xc_query *x = NULL;
	buf b = BUF_INIT;
	int64_t lo, hi;
	size_t nwords = 0;

	if (an == NULL && analyzer_new(&an, &s, &err) != LEDE_OK)
		abort();
	/* The first byte picks --any, so both modes are explored. */
	o.default_or = size > 0 && (data[0] & 1);
	lede_status st =
	    query_parse(&n, an, (const char *)data, size, &o, &err);
	if (st != LEDE_OK) {
		if (n != NULL || err.msg[0] == '\0' || st != err.status)
			abort();
	} else {
		if (n == NULL)
			abort();
		if (query_describe(&b, n) != LEDE_OK)
			abort();
		for (size_t i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20)
				abort();
		query_words(n, on_word, &nwords);
		query_wildcard_error(&err, n);
		if (query_build(&x, n, NULL, &err) == LEDE_OK) {
			if (query_add_date_filter(&x, 0, 1739404800, &err) !=
			    LEDE_OK)
				abort();
		}
		xc_query_free(x);
	}
	buf_free(&b);
	qnode_free(n);
	if (size < 64 &&
	    query_parse_date(&lo, &hi, (const char *)data, size, 1739404800,
			     &err) == LEDE_OK &&
	    lo > hi)
		abort();
	return 0;
}
