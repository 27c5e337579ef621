/*
 * fuzz_reader.h - what the reader fuzz targets share: run one reader over
 * the input with a forced format and check the readers' contract on every
 * article (reader.h): valid UTF-8 everywhere, no control characters except
 * newline and tab in the body, short fields trimmed and within
 * LEDE_MAX_FIELD_BYTES, body within LEDE_MAX_ARTICLE_BYTES, an id always.
 * A broken contract aborts, which libFuzzer and the replay driver report.
 */
#ifndef FUZZ_READER_H
#define FUZZ_READER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../indexer/reader.h"

static void fuzz_check_field(const char *s, size_t cap)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (n == 0 || n > cap || !utf8_valid(s, n) || s[0] == ' ' ||
	    s[n - 1] == ' ')
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static lede_status fuzz_on_article(void *ctx, const lede_article *a,
				   const char *where)
{
	(void)ctx;
	if (where == NULL || a->id == NULL || a->body == NULL)
		abort();
	fuzz_check_field(a->id, LEDE_MAX_FIELD_BYTES);
	fuzz_check_field(a->title, LEDE_MAX_FIELD_BYTES);
	fuzz_check_field(a->byline, LEDE_MAX_FIELD_BYTES);
	fuzz_check_field(a->source, LEDE_MAX_FIELD_BYTES);
	fuzz_check_field(a->url, LEDE_MAX_FIELD_BYTES);
	fuzz_check_field(a->lang, 3);
	fuzz_check_field(a->section, LEDE_MAX_FIELD_BYTES);
	if (a->ntags > READER_MAX_TAGS || (a->ntags > 0 && a->tags == NULL))
		abort();
	for (size_t i = 0; i < a->ntags; i++)
		fuzz_check_field(a->tags[i], LEDE_MAX_FIELD_BYTES);
	if (a->body_len == 0 || a->body_len > LEDE_MAX_ARTICLE_BYTES ||
	    !utf8_valid(a->body, a->body_len))
		abort();
	for (size_t i = 0; i < a->body_len; i++) {
		unsigned char c = (unsigned char)a->body[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			abort();
	}
	if (a->date != LEDE_NO_DATE &&
	    (a->date < -5364662400LL - 86400 || a->date > 7289654400LL + 86400))
		abort();
	return LEDE_OK;
}

static void fuzz_on_problem(void *ctx, const char *where, lede_status s,
			    const char *msg)
{
	(void)ctx;
	(void)s;
	if (where == NULL || msg == NULL)
		abort();
}

/* Runs format f over the input; the last byte's low bit turns on the
 * Latin-1 option, so both decoding paths are explored. */
static int fuzz_reader(const uint8_t *data, size_t size, lede_format f,
		       const char *name)
{
	reader_opts o = {f, NULL, 0, 0, 0};
	reader_sink sink = {fuzz_on_article, fuzz_on_problem, NULL};
	reader_stats st;
	lede_err err;
	lede_status s;

	memset(&st, 0, sizeof st);
	memset(&err, 0, sizeof err);
	o.latin1 = size > 0 && (data[size - 1] & 1);
	/* A small gunzip cap keeps inputs that happen to be gzip bombs fast. */
	o.max_gunzip_bytes = 16u * 1024 * 1024;
	s = reader_read_mem((const char *)data, size, name, name, 0, &o, &sink,
			    &st, &err);
	if (s != LEDE_OK && err.msg[0] == '\0')
		abort(); /* an error always says why */
	if (st.articles + st.skipped > size + 1)
		abort(); /* every record costs at least a byte */
	return 0;
}

#endif
