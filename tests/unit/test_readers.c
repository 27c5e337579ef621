/*
 * test_readers.c - unit tests of the article readers (indexer/reader*.c)
 * and the date parser (indexer/date.c).
 *
 * Each format is read from a small fixture in tests/data/readers/ and its
 * fields compared exactly. The bad inputs of the brief (binary file,
 * invalid UTF-8, truncated and corrupt gzip, a gzip bomb, malformed JSON,
 * an unterminated <DOC>, an empty file, a 50 MB line, a record without
 * body) are generated here at run time, never committed. Every article any
 * test receives goes through check_invariants(): valid UTF-8, no control
 * characters, fields within their caps.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "../../indexer/reader.h"

/* ---- a sink that keeps copies ---------------------------------------------
 */

#define MAX_ARTS 64
#define MAX_PROBS 64

typedef struct art {
	char *id, *title, *byline, *source, *url, *lang, *section, *body;
	char tags[512]; /* "a|b|c" */
	int64_t date;
	char where[256];
} art;

typedef struct prob {
	char where[256];
	lede_status s;
	char msg[512];
} prob;

typedef struct got {
	art a[MAX_ARTS];
	size_t n;
	prob p[MAX_PROBS];
	size_t np;
	reader_stats st;
	lede_err err;
	lede_status stop_with; /* returned by the sink from article stop_at */
	size_t stop_at;
} got;

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int is_valid_utf8(const char *s, size_t len)
{
	return utf8_valid(s, len);
}

static void check_field(const char *s, size_t cap)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	assert_true(n > 0);
	assert_true(n <= cap);
	assert_true(is_valid_utf8(s, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		assert_true(c >= 0x20 && c != 0x7f);
	}
	assert_true(s[0] != ' ' && s[n - 1] != ' ');
}

/* What every delivered article must satisfy, whatever the input. */
static void check_invariants(const lede_article *a)
{
	assert_int_equal(a->version, LEDE_ARTICLE_VERSION);
	assert_non_null(a->id);
	check_field(a->id, LEDE_MAX_FIELD_BYTES);
	check_field(a->title, LEDE_MAX_FIELD_BYTES);
	check_field(a->byline, LEDE_MAX_FIELD_BYTES);
	check_field(a->source, LEDE_MAX_FIELD_BYTES);
	check_field(a->url, LEDE_MAX_FIELD_BYTES);
	check_field(a->lang, 3);
	check_field(a->section, LEDE_MAX_FIELD_BYTES);
	for (size_t i = 0; i < a->ntags; i++)
		check_field(a->tags[i], LEDE_MAX_FIELD_BYTES);
	assert_true(a->ntags <= READER_MAX_TAGS);
	assert_non_null(a->body);
	assert_true(a->body_len > 0 && a->body_len <= LEDE_MAX_ARTICLE_BYTES);
	assert_true(is_valid_utf8(a->body, a->body_len));
	for (size_t i = 0; i < a->body_len; i++) {
		unsigned char c = (unsigned char)a->body[i];

		assert_true(c >= 0x20 || c == '\n' || c == '\t');
		assert_true(c != 0x7f);
	}
}

static lede_status on_article(void *ctx, const lede_article *a,
			      const char *where)
{
	got *g = ctx;
	art *c;

	check_invariants(a);
	g->n++;
	if (g->stop_at > 0 && g->n == g->stop_at)
		return g->stop_with;
	if (g->n > MAX_ARTS)
		return LEDE_OK; /* counted, not kept */
	c = &g->a[g->n - 1];
	c->id = dup_or_null(a->id);
	c->title = dup_or_null(a->title);
	c->byline = dup_or_null(a->byline);
	c->source = dup_or_null(a->source);
	c->url = dup_or_null(a->url);
	c->lang = dup_or_null(a->lang);
	c->section = dup_or_null(a->section);
	c->body = strndup(a->body, a->body_len);
	c->date = a->date;
	c->tags[0] = '\0';
	for (size_t i = 0; i < a->ntags; i++) {
		if (i > 0)
			strncat(c->tags, "|",
				sizeof c->tags - strlen(c->tags) - 1);
		strncat(c->tags, a->tags[i],
			sizeof c->tags - strlen(c->tags) - 1);
	}
	snprintf(c->where, sizeof c->where, "%s", where);
	return LEDE_OK;
}

static void on_problem(void *ctx, const char *where, lede_status s,
		       const char *msg)
{
	got *g = ctx;
	prob *p;

	assert_non_null(where);
	assert_non_null(msg);
	if (g->np == MAX_PROBS)
		return;
	p = &g->p[g->np++];
	snprintf(p->where, sizeof p->where, "%s", where);
	p->s = s;
	snprintf(p->msg, sizeof p->msg, "%s", msg);
}

static void got_free(got *g)
{
	for (size_t i = 0; i < g->n && i < MAX_ARTS; i++) {
		art *c = &g->a[i];

		free(c->id);
		free(c->title);
		free(c->byline);
		free(c->source);
		free(c->url);
		free(c->lang);
		free(c->section);
		free(c->body);
	}
	free(g);
}

static got *got_new(void)
{
	got *g = calloc(1, sizeof *g);

	assert_non_null(g);
	return g;
}

static const reader_sink *sink_of(got *g)
{
	static reader_sink s;

	s.article = on_article;
	s.problem = on_problem;
	s.ctx = g;
	return &s;
}

/* Reads a fixture from tests/data/readers/ (path relative to LEDE_TOP). */
static lede_status read_fixture(got *g, const char *name, const reader_opts *o,
				int64_t mtime)
{
	char path[1024];
	const char *top = getenv("LEDE_TOP");

	snprintf(path, sizeof path, "%s/tests/data/readers/%s", top ? top : ".",
		 name);
	return reader_read_path(path, name, mtime, o, sink_of(g), &g->st,
				&g->err);
}

static lede_status read_mem(got *g, const char *data, size_t len,
			    const char *name, const reader_opts *o)
{
	return reader_read_mem(data, len, name, name, LEDE_NO_DATE, o,
			       sink_of(g), &g->st, &g->err);
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	return date_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + s;
}

static int has_problem(const got *g, const char *where, const char *needle)
{
	for (size_t i = 0; i < g->np; i++)
		if ((where == NULL || strstr(g->p[i].where, where) != NULL) &&
		    strstr(g->p[i].msg, needle) != NULL)
			return 1;
	return 0;
}

#define assert_str(a, b)                                                       \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (b_ == NULL)                                                \
			assert_null(a_);                                       \
		else {                                                         \
			assert_non_null(a_);                                   \
			assert_string_equal(a_, b_);                           \
		}                                                              \
	} while (0)

/* gzip-compresses data (a gzip member, as gzip -n writes). */
static unsigned char *gzip_mem(const char *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	memset(&z, 0, sizeof z);
	assert_int_equal(
	    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY),
	    Z_OK);
	z.next_in = (unsigned char *)data;
	z.avail_in = (unsigned)len;
	z.next_out = out;
	z.avail_out = (unsigned)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* ---- dates ------------------------------------------------------------------
 */

static void test_date_table(void **state)
{
	static const struct {
		const char *s;
		int ok;
		int y, mo, d, h, mi, sec;
	} cases[] = {
	    {"2025-02-13", 1, 2025, 2, 13, 0, 0, 0},
	    {"2025-02-13T10:00:00Z", 1, 2025, 2, 13, 10, 0, 0},
	    {"2025-02-13T10:00:00+01:00", 1, 2025, 2, 13, 9, 0, 0},
	    {"2025-02-13T10:00:00.123-0500", 1, 2025, 2, 13, 15, 0, 0},
	    {"2025-02-13 10:00", 1, 2025, 2, 13, 10, 0, 0},
	    {"20250213", 1, 2025, 2, 13, 0, 0, 0},
	    {"20250213T101500Z", 1, 2025, 2, 13, 10, 15, 0},
	    {"2025/02/13", 1, 2025, 2, 13, 0, 0, 0},
	    {"Thu, 13 Feb 2025 10:00:00 +0100", 1, 2025, 2, 13, 9, 0, 0},
	    {"Thu, 13 Feb 2025 10:00:00 GMT", 1, 2025, 2, 13, 10, 0, 0},
	    {"13 Feb 2025 10:00:00 +0100 (CET)", 1, 2025, 2, 13, 9, 0, 0},
	    {"26-FEB-1987 15:01:01.79", 1, 1987, 2, 26, 15, 1, 1},
	    {"FEBRUARY 13, 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"Feb. 13, 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"February 13, 2025 10:30 a.m. EST", 1, 2025, 2, 13, 15, 30, 0},
	    {"Feb 13 2025 12:00 AM", 1, 2025, 2, 13, 0, 0, 0},
	    {"Sept. 5, 2024", 1, 2024, 9, 5, 0, 0, 0},
	    {"Thursday, February 13, 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13 February 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13. Februar 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"2. Oktober 2024", 1, 2024, 10, 2, 0, 0, 0},
	    {"13 März 2025", 1, 2025, 3, 13, 0, 0, 0},
	    {"1er mai 2012", 1, 2012, 5, 1, 0, 0, 0},
	    {"jeudi 13 février 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13 FÉVRIER 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13 de fevereiro de 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13 de febrero de 2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"16 февраля 2024 года", 1, 2024, 2, 16, 0, 0, 0},
	    {"2025年3月5日", 1, 2025, 3, 5, 0, 0, 0},
	    {"13.02.2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"02/13/2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"13/02/2025", 1, 2025, 2, 13, 0, 0, 0},
	    {"04/11/87", 1, 1987, 4, 11, 0, 0, 0},
	    {"2024-02-29", 1, 2024, 2, 29, 0, 0, 0},
	    {"  2025-02-13  ", 1, 2025, 2, 13, 0, 0, 0},
	    {"2025-02-13T23:59:60Z", 1, 2025, 2, 13, 23, 59, 59},
	    /* rejected */
	    {"2023-02-29", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-13-01", 0, 0, 0, 0, 0, 0, 0},
	    {"1700-01-01", 0, 0, 0, 0, 0, 0, 0},
	    {"2201-01-01", 0, 0, 0, 0, 0, 0, 0},
	    {"Feb 13", 0, 0, 0, 0, 0, 0, 0},
	    {"13 February", 0, 0, 0, 0, 0, 0, 0},
	    {"2025", 0, 0, 0, 0, 0, 0, 0},
	    {"10:00", 0, 0, 0, 0, 0, 0, 0},
	    {"yesterday", 0, 0, 0, 0, 0, 0, 0},
	    {"", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13 garbage", 0, 0, 0, 0, 0, 0, 0},
	    {"31-MAR-1987 605:12:19.12", 0, 0, 0, 0, 0, 0, 0},
	    {"February 30, 2025", 0, 0, 0, 0, 0, 0, 0},
	    {"13 Smarch 2025", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13T25:00:00", 0, 0, 0, 0, 0, 0, 0},
	    /* impossible times and offsets: the date is malformed too */
	    {"2025-02-13T25:00:00Z", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13 10:60", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13T10:00:61Z", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13T24:30:00Z", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13T10:00:00+25:00", 0, 0, 0, 0, 0, 0, 0},
	    {"2025-02-13T10:00:00-0560", 0, 0, 0, 0, 0, 0, 0},
	    {"Thu, 13 Feb 2025 10:00:00 +2500", 0, 0, 0, 0, 0, 0, 0},
	    {"13 Feb 2025 10:00 GMT+15:00", 0, 0, 0, 0, 0, 0, 0},
	    {"February 13, 2025 13:00 PM", 0, 0, 0, 0, 0, 0, 0},
	    {"February 13, 2025 0:30 a.m.", 0, 0, 0, 0, 0, 0, 0},
	    {"20250213T250000Z", 0, 0, 0, 0, 0, 0, 0},
	    {"20250213T100000+2500", 0, 0, 0, 0, 0, 0, 0},
	    /* the edges that are possible */
	    {"2025-02-13T24:00:00Z", 1, 2025, 2, 14, 0, 0, 0},
	    {"2025-02-13T10:00:00+14:00", 1, 2025, 2, 12, 20, 0, 0},
	    {"2025-02-13T10:00:00-12:59", 1, 2025, 2, 13, 22, 59, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = 42;
		int ok = date_parse(&t, cases[i].s, strlen(cases[i].s));

		if (ok != cases[i].ok)
			fail_msg("date_parse(\"%s\") = %d, want %d", cases[i].s,
				 ok, cases[i].ok);
		if (ok) {
			int64_t want =
			    utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
				cases[i].mi, cases[i].sec);

			if (t != want)
				fail_msg("date_parse(\"%s\") = %lld, want %lld",
					 cases[i].s, (long long)t,
					 (long long)want);
		} else {
			assert_int_equal(t, 42); /* untouched */
		}
	}
}

static void test_date_scan(void **state)
{
	static const struct {
		const char *s;
		size_t consumed;
		int y, mo, d;
	} cases[] = {
	    {"FEBRUARY 13, 2025 – Stating that", 17, 2025, 2, 13},
	    {"Feb. 13, 2025 — The", 13, 2025, 2, 13},
	    {"22 mai 2012. - Prévu", 11, 2012, 5, 22},
	    {"31-MAR-1987 605:12:19.12", 11, 1987, 3, 31},
	    {"9-APR-1987 00:00:00.00    # date added", 22, 1987, 4, 9},
	    {"January 1, 1989, Sunday, Home Edition", 15, 1989, 1, 1},
	    {"2025-02-13: report", 10, 2025, 2, 13},
	    {"no date here", 0, 0, 0, 0},
	    {"Feb 13 (Reuters) -", 0, 0, 0, 0},
	    /* an impossible time: the date alone (a date field rejects it
	     * through date_note.bad_time, below) */
	    {"2025-02-13T25:00:00Z", 10, 2025, 2, 13},
	    {"FEBRUARY 13, 2025 10:75 – Stating", 17, 2025, 2, 13},
	    {"20250213T250000Z", 8, 2025, 2, 13},
	};
	/* an impossible offset after a good time: the time, the offset
	 * left unread */
	static const struct {
		const char *s;
		size_t consumed;
	} offsets[] = {
	    {"2025-02-13T10:00:00+25:00 report", 19},
	    {"March 3, 2020 10:00-16:00 - Delegates", 19},
	    {"March 3, 2020 10:00 +2000 readers", 19},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = 0;
		size_t n = date_scan(&t, cases[i].s, strlen(cases[i].s));

		if (n != cases[i].consumed)
			fail_msg("date_scan(\"%s\") consumed %zu, want %zu",
				 cases[i].s, n, cases[i].consumed);
		if (n > 0)
			assert_int_equal(t, utc(cases[i].y, cases[i].mo,
						cases[i].d, 0, 0, 0));
	}
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		int64_t t = 0;
		const char *o = offsets[i].s;

		assert_int_equal(date_scan(&t, o, strlen(o)),
				 offsets[i].consumed);
		assert_int_equal(t % 86400, 10 * 3600);
	}
	/* Which of them had an impossible time: date_note.bad_time. */
	{
		static const char *const bad[] = {
		    "2025-02-13T25:00:00Z", "March 3, 2020 10:00-16:00 - x",
		    "20250213T250000Z", "February 13, 2025 13:00 PM"};
		date_note note;
		int64_t t = 0;

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			assert_true(date_scan_note(&t, bad[i], strlen(bad[i]),
						   &note) > 0);
			assert_int_equal(note.bad_time, 1);
		}
		assert_true(date_scan_note(&t, "2025-02-13T10:00:00Z", 20,
					   &note) == 20);
		assert_int_equal(note.bad_time, 0);
	}
	/* A dateline with a time range keeps its date and time. */
	{
		static const char text[] = "Summit\n\nMARCH 3, 2020 10:00-16:00 - "
					   "Delegates met.\n";
		got *g = got_new();

		assert_int_equal(read_mem(g, text, sizeof text - 1, "d.txt",
					  NULL),
				 LEDE_OK);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->a[0].date, utc(2020, 3, 3, 10, 0, 0));
		got_free(g);
	}
	/* A bare "+25" after a time is text, not an offset. */
	{
		static const char text[] = "February 13, 2025 10:00 +25 points";
		int64_t t = 0;

		assert_int_equal(date_scan(&t, text, sizeof text - 1), 23);
		assert_int_equal(t, utc(2025, 2, 13, 10, 0, 0));
	}
	/* An impossible time in a JSONL date: reported and counted like any
	 * unreadable date; the article is kept, undated. */
	{
		static const char text[] =
		    "{\"body\":\"x\",\"date\":\"2025-02-13T25:00:00Z\"}\n"
		    "{\"body\":\"y\",\"date\":\"2025-02-13T10:00+25:00\"}\n";
		got *g = got_new();

		assert_int_equal(
		    read_mem(g, text, sizeof text - 1, "t.jsonl", NULL),
		    LEDE_OK);
		assert_int_equal(g->n, 2);
		assert_int_equal(g->a[0].date, LEDE_NO_DATE);
		assert_int_equal(g->a[1].date, LEDE_NO_DATE);
		assert_true(has_problem(g, "t.jsonl:1",
					"unparseable date \"2025-02-13T25:00:00Z\""));
		assert_true(has_problem(g, "t.jsonl:2", "unparseable date"));
		assert_int_equal(g->st.bad_date, 2);
		got_free(g);
	}
	/* Never reads past len. */
	assert_int_equal(date_scan(&(int64_t){0}, "2025-02-13", 7), 0);
	assert_int_equal(date_scan(&(int64_t){0}, NULL, 0), 0);
}

/* Zones: US generic names by the daylight-saving rule of the date; an
 * unresolvable zone keeps the date, drops the time and is reported. */
static void test_date_zones(void **state)
{
	static const struct {
		const char *s;
		int y, mo, d, h, mi;
		const char *unknown; /* the zone note, "" for none */
	} cases[] = {
	    /* February: standard time, ET = UTC-5 */
	    {"February 13, 2025 3:04 PM ET", 2025, 2, 13, 20, 4, ""},
	    /* July: daylight time, ET = UTC-4, PT = UTC-7 */
	    {"July 4, 2025 10:00 ET", 2025, 7, 4, 14, 0, ""},
	    {"July 4, 2025 10:00 PT", 2025, 7, 4, 17, 0, ""},
	    {"2025-01-10 08:00 CT", 2025, 1, 10, 14, 0, ""},
	    {"2025-06-10 08:00 MT", 2025, 6, 10, 14, 0, ""},
	    /* 2025: DST from Sunday March 9 02:00 to Sunday November 2 02:00 */
	    {"March 9, 2025 1:30 AM ET", 2025, 3, 9, 6, 30, ""},
	    {"March 9, 2025 3:30 AM ET", 2025, 3, 9, 7, 30, ""},
	    {"March 8, 2025 11:00 PM ET", 2025, 3, 9, 4, 0, ""},
	    {"November 2, 2025 1:30 AM ET", 2025, 11, 2, 5, 30, ""},
	    {"November 2, 2025 2:30 AM ET", 2025, 11, 2, 7, 30, ""},
	    /* 2006 (old rule): DST April 2 to October 29 */
	    {"March 20, 2006 12:00 ET", 2006, 3, 20, 17, 0, ""},
	    {"April 3, 2006 12:00 ET", 2006, 4, 3, 16, 0, ""},
	    {"October 30, 2006 12:00 ET", 2006, 10, 30, 17, 0, ""},
	    /* unambiguous names still win */
	    {"July 4, 2025 10:00 EST", 2025, 7, 4, 15, 0, ""},
	    /* unresolvable: date kept, time dropped */
	    {"February 13, 2025 3:04 PM IST", 2025, 2, 13, 0, 0, "IST"},
	    {"2025-02-13 10:00 XYZ", 2025, 2, 13, 0, 0, "XYZ"},
	    {"2025-02-13 10:00 Europe/Paris", 2025, 2, 13, 0, 0,
	     "Europe/Paris"},
	    {"13 Feb 2025 23:30 America/New_York", 2025, 2, 13, 0, 0,
	     "America/New_York"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		date_note note;
		int64_t t = 42;
		int64_t want = utc(cases[i].y, cases[i].mo, cases[i].d,
				   cases[i].h, cases[i].mi, 0);

		if (!date_parse_note(&t, cases[i].s, strlen(cases[i].s), &note))
			fail_msg("date_parse_note(\"%s\") failed", cases[i].s);
		if (t != want)
			fail_msg("date_parse(\"%s\") = %lld, want %lld",
				 cases[i].s, (long long)t, (long long)want);
		assert_string_equal(note.zone, cases[i].unknown);
		assert_int_equal(date_parse(&t, cases[i].s, strlen(cases[i].s)),
				 1);
	}
	/* An unknown zone in a JSONL date: kept, warned with file:line. */
	{
		static const char text[] =
		    "{\"body\":\"x\",\"date\":\"February 13, 2025 3:04 PM "
		    "IST\"}\n";
		got *g = got_new();

		assert_int_equal(
		    read_mem(g, text, sizeof text - 1, "z.jsonl", NULL),
		    LEDE_OK);
		assert_int_equal(g->n, 1);
		assert_int_equal(g->a[0].date, utc(2025, 2, 13, 0, 0, 0));
		assert_true(
		    has_problem(g, "z.jsonl:1", "unknown time zone \"IST\""));
		assert_int_equal(g->st.bad_date, 0);
		got_free(g);
	}
	/* And in a text dateline. */
	{
		static const char text[] =
		    "Title\n\nFebruary 13, 2025 10:00 Europe/Paris\n\nBody.\n";
		got *g = got_new();

		assert_int_equal(
		    read_mem(g, text, sizeof text - 1, "z.txt", NULL), LEDE_OK);
		assert_int_equal(g->a[0].date, utc(2025, 2, 13, 0, 0, 0));
		assert_true(has_problem(g, "z.txt", "Europe/Paris"));
		got_free(g);
	}
}

/* ---- formats
 * ------------------------------------------------------------------ */

static void test_format_names(void **state)
{
	lede_format f = LEDE_FORMAT_AUTO;
	static const char *const names[] = {"text", "jsonl", "trec", "reuters",
					    "html"};

	(void)state;
	for (int k = 1; k <= 5; k++) {
		assert_string_equal(reader_format_name((lede_format)k),
				    names[k - 1]);
		assert_int_equal(reader_format_parse(&f, names[k - 1]),
				 LEDE_OK);
		assert_int_equal(f, k);
	}
	assert_int_equal(reader_format_parse(&f, "MD"), LEDE_OK);
	assert_int_equal(f, LEDE_FORMAT_TEXT);
	assert_int_equal(reader_format_parse(&f, "ndjson"), LEDE_OK);
	assert_int_equal(f, LEDE_FORMAT_JSONL);
	f = LEDE_FORMAT_HTML;
	assert_int_equal(reader_format_parse(&f, "pdf"), LEDE_ERR_INVALID);
	assert_int_equal(f, LEDE_FORMAT_HTML);
	assert_int_equal(reader_format_parse(&f, NULL), LEDE_ERR_INVALID);
}

static void test_sniff(void **state)
{
	size_t gl;
	unsigned char *gz;
	const char *jl = "{\"title\":\"x\",\"body\":\"y\"}\n";

	(void)state;
	assert_int_equal(reader_sniff("a.md", "", 0), LEDE_FORMAT_TEXT);
	assert_int_equal(reader_sniff("a.TXT", "", 0), LEDE_FORMAT_TEXT);
	assert_int_equal(reader_sniff("a.jsonl.gz", "", 0), LEDE_FORMAT_JSONL);
	assert_int_equal(reader_sniff("a.html", "", 0), LEDE_FORMAT_HTML);
	assert_int_equal(reader_sniff("a.trec", "", 0), LEDE_FORMAT_TREC);
	assert_int_equal(reader_sniff("x.sgm",
				      "<!DOCTYPE lewis>\n<REUTERS NEWID=\"1\">",
				      36),
			 LEDE_FORMAT_REUTERS);
	assert_int_equal(reader_sniff("x.sgm", "<DOC>\n<DOCNO>1</DOCNO>", 22),
			 LEDE_FORMAT_TREC);
	assert_int_equal(reader_sniff("-", "  {\"a\":1}", 9),
			 LEDE_FORMAT_JSONL);
	assert_int_equal(reader_sniff("-", "\xef\xbb\xbf{\"a\":1}", 10),
			 LEDE_FORMAT_JSONL);
	assert_int_equal(reader_sniff("page", "<!DOCTYPE html><html>", 21),
			 LEDE_FORMAT_HTML);
	assert_int_equal(reader_sniff("story", "Hello world", 11),
			 LEDE_FORMAT_TEXT);
	assert_int_equal(reader_sniff(NULL, NULL, 0), LEDE_FORMAT_TEXT);
	/* Markup at the start overrides .txt/.md; later markup does not. */
	assert_int_equal(reader_sniff("p.txt", "\n<!DOCTYPE html>\n<html>", 23),
			 LEDE_FORMAT_HTML);
	assert_int_equal(reader_sniff("p.md", "<HTML lang=\"en\">", 16),
			 LEDE_FORMAT_HTML);
	assert_int_equal(reader_sniff("r.txt", "<REUTERS NEWID=\"1\">", 19),
			 LEDE_FORMAT_REUTERS);
	assert_int_equal(reader_sniff("t.txt", "<DOC>\n<DOCNO>", 13),
			 LEDE_FORMAT_TREC);
	assert_int_equal(reader_sniff("s.txt", "Use <html> tags", 15),
			 LEDE_FORMAT_TEXT);
	assert_int_equal(reader_sniff("s.txt", "<htmlish", 8),
			 LEDE_FORMAT_TEXT);
	assert_int_equal(reader_sniff("j.jsonl", "<html>", 6),
			 LEDE_FORMAT_JSONL);
	{
		static const char page[] =
		    "<!DOCTYPE html>\n<html><head><title>Saved page "
		    "title</title></head><body><article><p>The saved page "
		    "body.</p></article></body></html>\n";
		got *g = got_new();

		assert_int_equal(
		    read_mem(g, page, sizeof page - 1, "saved.txt", NULL),
		    LEDE_OK);
		assert_int_equal(g->n, 1);
		assert_str(g->a[0].title, "Saved page title");
		assert_str(g->a[0].body, "The saved page body.");
		got_free(g);
	}
	gz = gzip_mem(jl, strlen(jl), &gl);
	assert_int_equal(reader_sniff("data.gz", (const char *)gz, gl),
			 LEDE_FORMAT_JSONL);
	free(gz);
}

/* ---- plain text ------------------------------------------------------------
 */

static void test_text_wire(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "wire.md", NULL, 1000), LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_str(g->a[0].id, "wire.md");
	assert_str(g->a[0].title,
		   "Harbor authority approves new ferry terminal");
	assert_str(g->a[0].byline, "Jane Doe; John O'Neil");
	assert_str(g->a[0].source, "Coastal Wire");
	assert_str(g->a[0].url, "https://img.test.example/ferry.jpg");
	assert_int_equal(g->a[0].date, utc(2025, 2, 13, 0, 0, 0));
	assert_str(
	    g->a[0].body,
	    "KIEL, Feb. 13, 2025 — The harbor authority approved a new ferry "
	    "terminal on Thursday after two years of planning.\n\n"
	    "The terminal will handle four ships a day.\n"
	    "See the plans online.\n\nNext steps\n\n"
	    "Construction starts in May.");
	assert_null(g->a[0].lang);
	assert_int_equal(g->st.articles, 1);
	assert_int_equal(g->st.no_date, 0);
	assert_int_equal(g->np, 0);
	assert_true(strstr(g->a[0].where, "tests/data/readers/wire.md") !=
		    NULL);
	got_free(g);
}

static void test_text_dateline_agency(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "dateline.txt", NULL, 1234567890),
			 LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_str(g->a[0].title, "Council backs tram extension");
	assert_str(g->a[0].source, "Nordic Wire");
	assert_null(g->a[0].byline);
	/* No date anywhere: the mtime, counted as no_date. */
	assert_int_equal(g->a[0].date, 1234567890);
	assert_int_equal(g->st.no_date, 1);
	assert_str(
	    g->a[0].body,
	    "OSLO (Nordic Wire) - The city council voted on Tuesday to extend "
	    "the tram line to the airport.\n\nWork will start next year.");
	got_free(g);
}

static void test_text_derived_title(void **state)
{
	got *g = got_new();
	const char *shortline =
	    "Short first line\nfollowed directly by text.\n";

	(void)state;
	assert_int_equal(read_fixture(g, "derived.txt", NULL, LEDE_NO_DATE),
			 LEDE_OK);
	assert_int_equal(g->n, 1);
	/* First sentence, cut at a word boundary to 100 characters, "…". */
	assert_str(
	    g->a[0].title,
	    "The regional parliament in the northern province approved on "
	    "Wednesday a budget that raises spending…");
	assert_int_equal(g->a[0].date, LEDE_NO_DATE);
	assert_int_equal(g->st.no_date, 1);
	/* A short first line with no blank line after it: title, kept in the
	 * body. */
	assert_int_equal(
	    read_mem(g, shortline, strlen(shortline), "s.txt", NULL), LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_str(g->a[1].title, "Short first line");
	assert_str(g->a[1].body,
		   "Short first line\nfollowed directly by text.");
	got_free(g);
}

static void test_text_frontmatter(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "frontmatter.md", NULL, 5), LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_str(g->a[0].id, "porto-42");
	assert_str(g->a[0].title, "Front matter title");
	assert_int_equal(g->a[0].date, utc(2024, 3, 1, 8, 0, 0));
	assert_str(g->a[0].byline, "Ana Lima");
	assert_str(g->a[0].source, "Porto Daily");
	assert_str(g->a[0].url, "https://porto.example/a");
	assert_str(g->a[0].lang, "pt");
	assert_str(g->a[0].section, "Economia");
	assert_string_equal(g->a[0].tags, "juros|bancos");
	assert_str(g->a[0].body, "O banco central manteve os juros.");
	got_free(g);
}

static void test_text_datelines(void **state)
{
	static const struct {
		const char *text;
		int y, mo, d; /* 0: no date */
		const char *source;
		const char *title;
	} cases[] = {
	    {"T\n\nFEBRUARY 13, 2025 – Stating that the plan works, he left.\n",
	     2025, 2, 13, NULL, "T"},
	    {"T\n\nWASHINGTON (Reuters) - The Fed held.\n", 0, 0, 0, "Reuters",
	     "T"},
	    {"T\n\nMOSCOW, Feb 13 (Tass) - Talks went on.\n", 0, 0, 0, "Tass",
	     "T"},
	    {"T\n\nZÜRICH, 13 February 2025 – The bank met.\n", 2025, 2, 13,
	     NULL, "T"},
	    {"T\n\nPARIS, Feb. 13, 2025 (AFP) — Talks.\n", 2025, 2, 13, "AFP",
	     "T"},
	    {"T\n\n2025-02-13 – Markets fell.\n", 2025, 2, 13, NULL, "T"},
	    {"T\n\n13 February 2025\n\nMarkets fell.\n", 2025, 2, 13, NULL,
	     "T"},
	    {"T\n\nPublished: 2025-02-13\n\nMarkets fell.\n", 2025, 2, 13, NULL,
	     "T"},
	    {"T\n\nTwenty-three allies - a record - met.\n", 0, 0, 0, NULL,
	     "T"},
	    {"Date: 13.02.2025\nTitle: Hdr\n\nBody.\n", 2025, 2, 13, NULL,
	     "Hdr"},
	    /* No title line: the title skips the dateline. */
	    {"WASHINGTON (Reuters) - The Federal Reserve held interest rates "
	     "steady on Wednesday and signalled patience on future cuts.\n",
	     0, 0, 0, "Reuters",
	     "The Federal Reserve held interest rates steady on Wednesday and "
	     "signalled patience on future cuts."},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got *g = got_new();

		assert_int_equal(read_mem(g, cases[i].text,
					  strlen(cases[i].text), "t.txt", NULL),
				 LEDE_OK);
		assert_int_equal(g->n, 1);
		if (cases[i].y)
			assert_int_equal(
			    g->a[0].date,
			    utc(cases[i].y, cases[i].mo, cases[i].d, 0, 0, 0));
		else
			assert_int_equal(g->a[0].date, LEDE_NO_DATE);
		assert_str(g->a[0].source, cases[i].source);
		assert_str(g->a[0].title, cases[i].title);
		got_free(g);
	}
}

static void test_byline_parse(void **state)
{
	static const struct {
		const char *in, *names, *source;
	} cases[] = {
	    {"By Jane Doe, Agency News", "Jane Doe", "Agency News"},
	    {"By JANE DOE and JOHN ROE", "Jane Doe; John Roe", ""},
	    {"By JANE DOE and JOHN ROE, Agency News", "Jane Doe; John Roe",
	     "Agency News"},
	    {"by Janie Gabbett, Reuters", "Janie Gabbett", "Reuters"},
	    {"By Jane Doe | The Daily Planet", "Jane Doe", "The Daily Planet"},
	    {"By Jane Doe (Agency News)", "Jane Doe", "Agency News"},
	    {"By Jane Doe for Agency News", "Jane Doe", "Agency News"},
	    {"By Jane Doe, Staff Writer", "Jane Doe", ""},
	    {"By Jane Doe, John Roe and Ann Poe", "Jane Doe; John Roe; Ann Poe",
	     ""},
	    {"By Jane Doe, John Roe, Bay Times", "Jane Doe; John Roe",
	     "Bay Times"},
	    {"BY JOSÉ ÁLVAREZ", "José Álvarez", ""},
	    {"By ИВАН ПЕТРОВ", "Иван Петров", ""},
	    {"By MARY-ANN O'BRIEN & LI WEI", "Mary-Ann O'Brien; Li Wei", ""},
	    {"Von Eva Berger", "Eva Berger", ""},
	    /* Only an outlet: a source, no person. */
	    {"By the Associated Press", "", "Associated Press"},
	    {"By Associated Press", "", "Associated Press"},
	    {"By Jane Post", "Jane Post", ""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf names = BUF_INIT, source = BUF_INIT;

		byline_parse(cases[i].in, strlen(cases[i].in), &names, &source);
		if (strcmp(names.data ? names.data : "", cases[i].names) != 0 ||
		    strcmp(source.data ? source.data : "", cases[i].source) !=
			0)
			fail_msg("byline_parse(\"%s\") = \"%s\" / \"%s\", want "
				 "\"%s\" / \"%s\"",
				 cases[i].in, names.data ? names.data : "",
				 source.data ? source.data : "", cases[i].names,
				 cases[i].source);
		buf_free(&names);
		buf_free(&source);
	}
	assert_true(byline_is_line("By Jane Doe, Agency News", 24));
	assert_true(byline_is_line("BY JANE DOE", 11));
	assert_false(
	    byline_is_line("By the end of the year, prices rose.", 36));
	assert_false(byline_is_line("By Monday, officials had left.", 30));
	assert_false(byline_is_line("Bylines matter", 14));
	assert_true(byline_is_line("By the Associated Press", 23));
	assert_true(byline_is_line("By the Guardian", 15));
	assert_false(byline_is_line("By the time we left, it rained.", 31));
}

/* Byline blocks under a title: byline directly under the title line, an
 * outlet-only byline, the outlet alone on the line under the byline. */
static void test_text_byline_forms(void **state)
{
	static const struct {
		const char *text;
		const char *title, *byline, *source, *body;
		int y, mo, d; /* 0: no date (the mtime, 1000) */
	} cases[] = {
	    {"Headline here\nBY JANE DOE\n\n13 February 2025 – Body text.\n",
	     "Headline here", "Jane Doe", NULL, "13 February 2025 – Body text.",
	     2025, 2, 13},
	    {"Headline here\nBy Jane Doe, Agency News\n\nBody text.\n",
	     "Headline here", "Jane Doe", "Agency News", "Body text.", 0, 0, 0},
	    {"Headline here\nFebruary 13, 2025\n\nBody text.\n",
	     "Headline here", NULL, NULL, "Body text.", 2025, 2, 13},
	    {"Headline here\n\nBy the Associated Press\n\nBody text.\n",
	     "Headline here", NULL, "Associated Press", "Body text.", 0, 0, 0},
	    {"Headline here\nBy the Associated Press\n\nBody text.\n",
	     "Headline here", NULL, "Associated Press", "Body text.", 0, 0, 0},
	    {"Headline here\n\nBy Jane Doe\nAgency News\n\nBody text.\n",
	     "Headline here", "Jane Doe", "Agency News", "Body text.", 0, 0, 0},
	    {"Headline here\n\nBy Jane Doe\nThe Daily Planet\n"
	     "Feb. 13, 2025\n\nBody text.\n",
	     "Headline here", "Jane Doe", "The Daily Planet", "Body text.",
	     2025, 2, 13},
	    /* Alone (a blank line after it): any capitalised name. */
	    {"Headline here\n\nBy Jane Doe\nLe Monde\n\nBody text.\n",
	     "Headline here", "Jane Doe", "Le Monde", "Body text.", 0, 0, 0},
	    /* A job title is part of the byline, not a source. */
	    {"Headline here\nBy Jane Doe\nStaff Writer\n\nBody text.\n",
	     "Headline here", "Jane Doe", NULL, "Body text.", 0, 0, 0},
	    /* The story's first line under a byline stays body. */
	    {"Headline here\n\nBy Jane Doe\nThe council met on Monday and "
	     "voted.\n",
	     "Headline here", "Jane Doe", NULL,
	     "The council met on Monday and voted.", 0, 0, 0},
	    {"Headline here\n\nBy Jane Doe\nWASHINGTON (Reuters) - Body.\n",
	     "Headline here", "Jane Doe", "Reuters",
	     "WASHINGTON (Reuters) - Body.", 0, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got *g = got_new();

		assert_int_equal(reader_read_mem(cases[i].text,
						 strlen(cases[i].text), "t.txt",
						 "t.txt", 1000, NULL,
						 sink_of(g), &g->st, &g->err),
				 LEDE_OK);
		assert_int_equal(g->n, 1);
		assert_str(g->a[0].title, cases[i].title);
		assert_str(g->a[0].byline, cases[i].byline);
		assert_str(g->a[0].source, cases[i].source);
		assert_str(g->a[0].body, cases[i].body);
		assert_int_equal(g->a[0].date,
				 cases[i].y ? utc(cases[i].y, cases[i].mo,
						  cases[i].d, 0, 0, 0)
					    : 1000);
		got_free(g);
	}
}

/* ---- JSON Lines -------------------------------------------------------------
 */

static void test_jsonl_fields(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "small.jsonl", NULL, 777), LEDE_OK);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->st.articles, 4);
	assert_int_equal(g->st.skipped, 3); /* malformed, no body, not object */
	assert_int_equal(g->st.bad_date, 1);
	assert_int_equal(g->st.no_date, 0);

	assert_str(g->a[0].id, "a1");
	assert_str(g->a[0].title, "First");
	assert_str(g->a[0].body, "Body one.");
	assert_int_equal(g->a[0].date, utc(2025, 2, 13, 9, 0, 0));
	assert_str(g->a[0].byline, "Ann Lee; Bo Chen");
	assert_str(g->a[0].source, "Wire One");
	assert_str(g->a[0].url, "https://one.test/a1");
	assert_str(g->a[0].lang, "en");
	assert_str(g->a[0].section, "Politics");
	assert_string_equal(g->a[0].tags, "Europe|x|y");
	assert_true(strstr(g->a[0].where, "small.jsonl:1") != NULL);

	/* id from url; epoch seconds */
	assert_str(g->a[1].id, "https://two.test/b");
	assert_str(g->a[1].title, "Second");
	assert_str(g->a[1].source, "Wire Two");
	assert_int_equal(g->a[1].date, 1739440800);
	assert_true(strstr(g->a[1].where, "small.jsonl:3") != NULL);

	/* fallback id path#line; epoch milliseconds win over the bad "date"
	 * key? No: "date" comes first in the key list and is unparseable. */
	assert_str(g->a[2].id, "small.jsonl#7");
	assert_str(g->a[2].title, "Third");
	assert_int_equal(g->a[2].date, LEDE_NO_DATE);

	/* case-insensitive keys, "By" bylines, RFC 2822 */
	assert_str(g->a[3].id, "g-4");
	assert_str(g->a[3].title, "Fourth");
	assert_str(g->a[3].body, "Body four.");
	assert_str(g->a[3].byline, "Cara Diaz");
	assert_str(g->a[3].source, "Wire Four");
	assert_int_equal(g->a[3].date, utc(2025, 2, 13, 10, 0, 0));

	assert_true(has_problem(g, NULL, "malformed JSON"));
	assert_true(strstr(g->p[0].where, "small.jsonl:4") != NULL);
	assert_int_equal(g->p[0].s, LEDE_ERR_FORMAT);
	assert_true(has_problem(g, NULL, "no body"));
	assert_true(has_problem(g, NULL, "not a JSON object"));
	assert_true(has_problem(g, NULL, "unparseable date"));
	got_free(g);
}

/* Records without a title get the text reader's derived title. */
static void test_jsonl_derived_title(void **state)
{
	static const char text[] =
	    "{\"body\":\"WASHINGTON (Reuters) - The Fed held rates on "
	    "Wednesday. Markets rose.\"}\n"
	    "{\"text\":\"Short lead line\\nThe rest of the story.\"}\n"
	    "{\"title\":\"Given\",\"body\":\"Body text here.\"}\n"
	    "{\"body\":\"The regional parliament in the northern province "
	    "approved on Wednesday a budget that raises spending on schools, "
	    "hospitals and rural roads.\"}\n";
	got *g = got_new();

	(void)state;
	assert_int_equal(read_mem(g, text, sizeof text - 1, "d.jsonl", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 4);
	assert_str(g->a[0].title, "The Fed held rates on Wednesday.");
	assert_str(g->a[1].title, "Short lead line");
	assert_str(g->a[2].title, "Given");
	assert_str(g->a[3].title,
		   "The regional parliament in the northern province approved "
		   "on Wednesday a budget that raises spending…");
	got_free(g);
}

static void test_jsonl_epochs_and_map(void **state)
{
	got *g = got_new();
	reader_opts o = {LEDE_FORMAT_AUTO, NULL, 0, 0, 0};
	const char *map[] = {"meta.headline=title", "story=body", "when=date",
			     "kw=tags"};
	const char *data =
	    "{\"meta\":{\"headline\":\"Mapped\"},\"story\":\"Mapped body.\","
	    "\"title\":\"Ignored\",\"when\":1739440800123,\"kw\":\"a, b\"}\n"
	    "{\"title\":\"T\",\"body\":\"B\",\"date\":\"1739440800\"}\n"
	    "{\"title\":\"T\",\"body\":\"B\",\"date\":{\"$date\":\"2025-02-"
	    "13T10:00:00Z\"}}\n"
	    "{\"title\":\"T\",\"body\":\"B\",\"date\":99999999999999999}\n";
	const char *bad[] = {"nonsense"};

	(void)state;
	o.map = map;
	o.nmap = 4;
	assert_int_equal(read_mem(g, data, strlen(data), "m.jsonl", &o),
			 LEDE_OK);
	assert_int_equal(g->n, 4);
	assert_str(g->a[0].title, "Mapped");
	assert_str(g->a[0].body, "Mapped body.");
	assert_int_equal(g->a[0].date, 1739440800);
	assert_string_equal(g->a[0].tags, "a|b");
	assert_int_equal(g->a[1].date, 1739440800);
	assert_int_equal(g->a[2].date, utc(2025, 2, 13, 10, 0, 0));
	assert_int_equal(g->a[3].date, LEDE_NO_DATE);
	assert_int_equal(g->st.bad_date, 1);

	o.map = bad;
	o.nmap = 1;
	assert_int_equal(read_mem(g, data, strlen(data), "m.jsonl", &o),
			 LEDE_ERR_INVALID);
	assert_true(strstr(g->err.msg, "nonsense") != NULL);
	got_free(g);
}

static void test_jsonl_long_line(void **state)
{
	/* A 50 MB line is skipped; the lines around it are read. */
	size_t big = 50u * 1024 * 1024;
	const char *head =
	    "{\"title\":\"before\",\"body\":\"x\"}\n{\"title\":\"";
	const char *tail =
	    "\",\"body\":\"y\"}\n{\"title\":\"after\",\"body\":\"z\"}\n";
	size_t hl = strlen(head), tl = strlen(tail);
	char *data = malloc(hl + big + tl);
	got *g = got_new();

	(void)state;
	assert_non_null(data);
	memcpy(data, head, hl);
	memset(data + hl, 'a', big);
	memcpy(data + hl + big, tail, tl);
	assert_int_equal(read_mem(g, data, hl + big + tl, "big.jsonl", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_str(g->a[0].title, "before");
	assert_str(g->a[1].title, "after");
	assert_true(strstr(g->a[1].where, "big.jsonl:3") != NULL);
	assert_int_equal(g->st.skipped, 1);
	assert_true(has_problem(g, "big.jsonl:2", "line over"));
	assert_int_equal(g->p[0].s, LEDE_ERR_TOO_BIG);
	free(data);
	got_free(g);
}

/* ---- TREC and Reuters
 * -------------------------------------------------------- */

static void test_trec(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "small.trec", NULL, 5), LEDE_OK);
	assert_int_equal(g->n, 3);
	assert_str(g->a[0].id, "T-1");
	assert_str(g->a[0].title, "Headline & one");
	assert_str(g->a[0].byline, "Ana Lima");
	assert_int_equal(g->a[0].date, utc(1988, 2, 1, 0, 0, 0));
	assert_str(g->a[0].body, "First paragraph.\n\nSecond <paragraph>.");
	assert_true(strstr(g->a[0].where, "small.trec:1") != NULL);
	/* T-2 has no </DOC>: reported at its line, skipped, T-3 still read. */
	assert_true(has_problem(g, "small.trec:11", "has no </DOC>"));
	assert_str(g->a[1].id, "T-3");
	assert_str(g->a[1].title, "Third");
	assert_int_equal(g->a[1].date, utc(1989, 1, 5, 0, 0, 0));
	assert_str(g->a[1].body, "Lead text.\n\nMore text.");
	/* T-4 has no text: skipped; T-5 is on one line. */
	assert_true(has_problem(g, "small.trec:22", "no body"));
	assert_str(g->a[2].id, "T-5");
	/* No title element: derived from the body (its first sentence). */
	assert_str(g->a[2].title, "One line doc.");
	assert_str(g->a[2].body, "One line doc.");
	assert_int_equal(g->a[2].date, LEDE_NO_DATE);
	assert_int_equal(g->st.skipped, 2);
	assert_int_equal(g->st.no_date, 1);
	got_free(g);
}

static void test_trec_unterminated_at_end(void **state)
{
	got *g = got_new();
	const char *data = "<DOC><DOCNO>A</DOCNO><TEXT>a</TEXT></DOC>\n"
			   "<DOC><DOCNO>B</DOCNO><TEXT>b\n";

	(void)state;
	assert_int_equal(read_mem(g, data, strlen(data), "u.trec", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_true(has_problem(g, "u.trec:2", "before the end of the file"));
	assert_int_equal(g->st.skipped, 1);
	got_free(g);
}

static void test_reuters(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "small.sgm", NULL, 5), LEDE_OK);
	assert_int_equal(g->n, 3);
	assert_str(g->a[0].id, "1");
	assert_str(g->a[0].title, "BAHIA COCOA REVIEW");
	assert_int_equal(g->a[0].date, utc(1987, 2, 26, 15, 1, 1));
	assert_str(g->a[0].section, "cocoa");
	assert_string_equal(g->a[0].tags, "coffee|el-salvador|usa");
	assert_str(g->a[0].byline, "Janie Gabbett");
	assert_str(g->a[0].source, "Reuters");
	assert_str(g->a[0].lang, "en");
	assert_str(g->a[0].body,
		   "Showers continued in\nthe Bahia zone, <Comissaria "
		   "Smith> said.\nSales of <COCOA CO> rose & fell.");
	/* BRIEF: the title is the body; trailing codes after the date. */
	assert_str(g->a[1].id, "2");
	assert_str(g->a[1].title, "ASSETS OF MONEY FUNDS ROSE");
	assert_str(g->a[1].body, "ASSETS OF MONEY FUNDS ROSE");
	assert_int_equal(g->a[1].date, utc(1987, 3, 27, 0, 2, 59));
	assert_null(g->a[1].section);
	assert_string_equal(g->a[1].tags, "usa");
	/* UNPROC: the text is the body, its first line the title; a broken
	 * time keeps the day. */
	assert_str(g->a[2].id, "3");
	assert_str(g->a[2].title, "FEDERAL RESERVE WEEKLY REPORT - FEB 26");
	assert_int_equal(g->a[2].date, utc(1987, 3, 31, 0, 0, 0));
	assert_true(strstr(g->a[2].body, "Net free reserves") != NULL);
	/* Record 4: nothing at all. */
	assert_int_equal(g->st.skipped, 1);
	assert_true(
	    has_problem(g, "small.sgm:40", "neither <BODY> nor <TITLE>"));
	got_free(g);
}

/* ---- HTML -------------------------------------------------------------------
 */

static void test_html(void **state)
{
	got *g = got_new();

	(void)state;
	assert_int_equal(read_fixture(g, "page.html", NULL, 5), LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_str(g->a[0].id, "page.html");
	assert_str(g->a[0].title, "Alpine pass reopens");
	assert_str(g->a[0].source, "Tyrol Times");
	assert_str(g->a[0].url, "https://tyrol.example/pass");
	assert_str(g->a[0].byline, "Eva Berger");
	assert_str(g->a[0].lang, "de");
	assert_str(g->a[0].section, "Verkehr");
	assert_string_equal(g->a[0].tags, "pass|roads");
	assert_int_equal(g->a[0].date, utc(2024, 5, 2, 5, 30, 0));
	assert_str(
	    g->a[0].body,
	    "The pass road reopened on Thursday\xc2\xa0morning.\n\n"
	    "Snow ploughs worked\nall night & day.\n\nItem one\n\nItem two");
	got_free(g);
}

static void test_html_minimal(void **state)
{
	got *g = got_new();
	const char *page =
	    "<p>22 mai 2012, Espagne. - Le texte.</p><p>Suite.</p>";
	const char *latin =
	    "<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title>"
	    "</head><body><p>Caf\xe9 cr\xe8me</p></body></html>";

	(void)state;
	assert_int_equal(read_mem(g, page, strlen(page), "p.html", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_null(g->a[0].title);
	assert_int_equal(g->a[0].date, utc(2012, 5, 22, 0, 0, 0));
	assert_str(g->a[0].body, "22 mai 2012, Espagne. - Le texte.\n\nSuite.");
	/* A declared charset is converted by libxml2. */
	assert_int_equal(read_mem(g, latin, strlen(latin), "l.html", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_str(g->a[1].title, "Caf\xc3\xa9");
	assert_str(g->a[1].body, "Caf\xc3\xa9 cr\xc3\xa8me");
	assert_int_equal(g->st.bad_utf8, 0);
	got_free(g);
}

/* ---- encodings and cleaning
 * -------------------------------------------------- */

static void test_bad_utf8_and_latin1(void **state)
{
	got *g = got_new();
	reader_opts o = {LEDE_FORMAT_AUTO, NULL, 0, 1, 0};

	(void)state;
	assert_int_equal(read_fixture(g, "latin1.txt", NULL, 5), LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->st.bad_utf8, 1);
	assert_str(g->a[0].title,
		   "Caf\xef\xbf\xbd owners in Z\xef\xbf\xbdrich");
	assert_true(has_problem(g, "latin1.txt", "invalid UTF-8"));
	assert_int_equal(g->p[0].s, LEDE_OK); /* a warning: still delivered */

	assert_int_equal(read_fixture(g, "latin1.txt", &o, 5), LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->st.bad_utf8, 1);
	assert_str(g->a[1].title, "Caf\xc3\xa9 owners in Z\xc3\xbcrich");
	assert_str(g->a[1].body,
		   "The caf\xc3\xa9 r\xc3\xa9opened on 2 March 2024.");

	/* Invalid UTF-8 inside a JSON line is replaced, not a parse error. */
	{
		const char *jl = "{\"title\":\"a\xff\",\"body\":\"b\xc3\"}\n";

		assert_int_equal(read_mem(g, jl, strlen(jl), "u.jsonl", NULL),
				 LEDE_OK);
		assert_int_equal(g->n, 3);
		assert_str(g->a[2].title, "a\xef\xbf\xbd");
		assert_int_equal(g->st.bad_utf8, 2);
	}
	got_free(g);
}

static void test_cleaning(void **state)
{
	got *g = got_new();
	buf b = BUF_INIT;
	size_t i;

	(void)state;
	/* Control characters dropped, blanks collapsed in short fields, body
	 * keeps newlines and tabs, CR LF becomes LF. */
	buf_append_str(
	    &b, "{\"title\":\"  a\\u0001b \\t\\n c\\u007f "
		"\",\"byline\":\"x\\u0000y\","
		"\"body\":\"line\\u0007 "
		"one\\r\\nline\\ttwo\\r\\n\\r\\n\\r\\n\\r\\nend  \","
		"\"lang\":\"Français\",\"tags\":[\"  t  \",\"\",\"t\"]}\n");
	assert_int_equal(read_mem(g, b.data, b.len, "c.jsonl", NULL), LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_str(g->a[0].title, "ab c");
	assert_str(g->a[0].byline, "xy");
	assert_str(g->a[0].body, "line one\nline\ttwo\n\nend");
	assert_str(g->a[0].lang, "fr");
	assert_string_equal(g->a[0].tags, "t");

	/* Blanks between kept characters stay as they are, runs of plain
	 * ASCII and the rest alike; blanks ending a line go. */
	buf_reset(&b);
	buf_append_str(&b, "{\"body\":\"x y  z\\t\\tw \xc3\xa9 \xc3\xa8x "
			   " \\n  a,b. c\\t\\n\"}\n");
	assert_int_equal(read_mem(g, b.data, b.len, "c.jsonl", NULL), LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_str(g->a[1].body, "x y  z\t\tw \xc3\xa9 \xc3\xa8x\na,b. c");

	/* A body over LEDE_MAX_ARTICLE_BYTES is cut before the character
	 * that would pass it, never inside a run copied at once. */
	buf_reset(&b);
	buf_append_str(&b, "{\"body\":\"");
	for (i = 0; b.len < LEDE_MAX_ARTICLE_BYTES + 100; i++)
		buf_append_str(&b, "harbour cargo ");
	buf_append_str(&b, "\"}\n");
	assert_int_equal(read_mem(g, b.data, b.len, "c.jsonl", NULL), LEDE_OK);
	assert_int_equal(g->n, 3);
	assert_int_equal(strlen(g->a[2].body), LEDE_MAX_ARTICLE_BYTES);
	assert_true(has_problem(g, "c.jsonl", "body cut at"));

	/* Fields are cut at LEDE_MAX_FIELD_BYTES on a character boundary. */
	buf_reset(&b);
	buf_append_str(&b, "{\"body\":\"b\",\"title\":\"x");
	for (i = 0; i < LEDE_MAX_FIELD_BYTES; i++)
		buf_append_str(&b, "\xc3\xa9");
	buf_append_str(&b, "\"}\n");
	assert_int_equal(read_mem(g, b.data, b.len, "c.jsonl", NULL), LEDE_OK);
	assert_int_equal(g->n, 4);
	assert_int_equal(strlen(g->a[3].title), LEDE_MAX_FIELD_BYTES - 1);
	buf_free(&b);
	got_free(g);
}

/* ---- bad files
 * ---------------------------------------------------------------- */

static void test_binary_and_empty(void **state)
{
	got *g = got_new();
	char bin[64] = "PK\x03\x04 some zip";

	(void)state;
	assert_int_equal(read_mem(g, bin, sizeof bin, "x.txt", NULL), LEDE_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(g->st.skipped, 1);
	assert_true(has_problem(g, "x.txt", "binary file"));

	/* An empty file is reported (a warning), not an error, not a skip. */
	assert_int_equal(read_mem(g, "", 0, "e.jsonl", NULL), LEDE_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(g->st.skipped, 1);
	assert_true(has_problem(g, "e.jsonl", "empty file"));
	assert_int_equal(g->p[g->np - 1].s, LEDE_OK);

	/* Blank text file: read, but no body. */
	assert_int_equal(read_mem(g, " \n\n\t\n", 5, "b.txt", NULL), LEDE_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(g->st.skipped, 2);
	got_free(g);
}

static void test_too_big_text(void **state)
{
	size_t n = LEDE_MAX_ARTICLE_BYTES + 10;
	char *data = malloc(n);
	got *g = got_new();

	(void)state;
	assert_non_null(data);
	memset(data, 'w', n);
	assert_int_equal(read_mem(g, data, n, "huge.txt", NULL), LEDE_OK);
	assert_int_equal(g->n, 0);
	assert_int_equal(g->st.skipped, 1);
	assert_true(has_problem(g, "huge.txt", "not an article"));
	assert_int_equal(g->p[0].s, LEDE_ERR_TOO_BIG);
	free(data);
	got_free(g);
}

static char *jsonl_lines(size_t n, size_t *len)
{
	buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++)
		buf_printf(&b,
			   "{\"id\":\"n%zu\",\"title\":\"Line "
			   "%zu\",\"body\":\"Some body text %zu.\"}\n",
			   i, i, i);
	assert_int_equal(b.status, LEDE_OK);
	*len = b.len;
	return buf_detach(&b);
}

static void test_gzip(void **state)
{
	size_t jl, gl;
	char *j = jsonl_lines(100, &jl);
	unsigned char *gz = gzip_mem(j, jl, &gl);
	unsigned char *two;
	got *g = got_new();

	(void)state;
	assert_int_equal(read_mem(g, (const char *)gz, gl, "w.jsonl.gz", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 100);
	assert_str(g->a[63].id, "n63");
	/* Two members back to back (cat a.gz b.gz). */
	two = malloc(2 * gl);
	assert_non_null(two);
	memcpy(two, gz, gl);
	memcpy(two + gl, gz, gl);
	assert_int_equal(read_mem(g, (const char *)two, 2 * gl, "w2.gz", NULL),
			 LEDE_OK);
	assert_int_equal(g->st.articles, 300);
	free(two);
	free(gz);
	free(j);
	got_free(g);
}

static void test_gzip_truncated_and_corrupt(void **state)
{
	size_t jl, gl;
	char *j = jsonl_lines(5000, &jl);
	unsigned char *gz = gzip_mem(j, jl, &gl);
	got *g = got_new();
	lede_status s;

	(void)state;
	/* Truncated: the articles before the cut are delivered, then an
	 * error naming the file. */
	s = read_mem(g, (const char *)gz, gl / 2, "t.jsonl.gz", NULL);
	assert_int_equal(s, LEDE_ERR_FORMAT);
	assert_true(strstr(g->err.msg, "t.jsonl.gz") != NULL);
	assert_true(strstr(g->err.msg, "truncated") != NULL);
	assert_true(g->st.articles > 100 && g->st.articles < 5000);
	assert_str(g->a[0].id, "n0");
	got_free(g);

	/* Corrupt: bytes overwritten in the middle of the deflate data. */
	g = got_new();
	memset(gz + gl / 2, 0xa5, 64);
	s = read_mem(g, (const char *)gz, gl, "c.jsonl.gz", NULL);
	assert_true(s == LEDE_ERR_FORMAT);
	assert_true(strstr(g->err.msg, "c.jsonl.gz") != NULL);
	assert_true(g->st.articles > 0 && g->st.articles < 5000);
	got_free(g);

	/* A gzip header and nothing else. */
	g = got_new();
	assert_int_equal(read_mem(g, "\x1f\x8b\x08\x00", 4, "h.gz", NULL),
			 LEDE_ERR_FORMAT);
	got_free(g);
	free(gz);
	free(j);
}

static void test_gzip_bomb(void **state)
{
	/* 64 MB of JSON lines compress to well under 1 MB; with the cap
	 * lowered to 8 MB the read stops with TOO_BIG naming the file, and
	 * what came before stays delivered. */
	size_t n = 64u * 1024 * 1024, gl, line_len;
	const char *line =
	    "{\"title\":\"bomb\",\"body\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n";
	char *data = malloc(n);
	unsigned char *gz;
	reader_opts o = {LEDE_FORMAT_AUTO, NULL, 0, 0, 8u * 1024 * 1024};
	got *g = got_new();
	lede_status s;

	(void)state;
	assert_non_null(data);
	line_len = strlen(line);
	for (size_t i = 0; i + line_len <= n; i += line_len)
		memcpy(data + i, line, line_len);
	gz = gzip_mem(data, n - n % line_len, &gl);
	free(data);
	assert_true(gl < n / 50);
	s = read_mem(g, (const char *)gz, gl, "bomb.jsonl.gz", &o);
	assert_int_equal(s, LEDE_ERR_TOO_BIG);
	assert_true(strstr(g->err.msg, "bomb.jsonl.gz") != NULL);
	assert_true(g->st.articles > 1000);
	assert_true(g->st.articles * line_len <= 8u * 1024 * 1024);
	free(gz);
	got_free(g);
}

/* A .gz of newlines expands 1000x: stopped by the ratio cap soon after
 * the floor (lowered here from LEDE_GUNZIP_RATIO_FLOOR to 4 MiB), long
 * before the 4 GiB size cap; under the floor it is read whole. */
static void test_gzip_ratio(void **state)
{
	size_t n = 12u << 20, gl;
	char *data = malloc(n);
	unsigned char *gz;
	got *g = got_new();
	reader_opts o = {LEDE_FORMAT_AUTO, NULL, 0, 0, 0, 4u << 20};

	(void)state;
	assert_non_null(data);
	memset(data, '\n', n);
	memcpy(data, "{\"body\":\"first\"}", 16);
	gz = gzip_mem(data, n, &gl);
	free(data);
	assert_true(gl * LEDE_MAX_GUNZIP_RATIO < n);
	assert_int_equal(read_mem(g, (const char *)gz, gl, "nl.jsonl.gz", &o),
			 LEDE_ERR_TOO_BIG);
	assert_non_null(strstr(g->err.msg, "nl.jsonl.gz"));
	assert_non_null(strstr(g->err.msg, "times its compressed size"));
	assert_int_equal(g->st.articles, 1);
	o.gunzip_ratio_floor = n;
	assert_int_equal(read_mem(g, (const char *)gz, gl, "nl.jsonl.gz", &o),
			 LEDE_OK);
	assert_int_equal(g->st.articles, 2);
	free(gz);
	got_free(g);
}

/* Blank lines are skipped in bulk and still counted: the next record's
 * line number is right. */
static void test_jsonl_blank_lines(void **state)
{
	static const char text[] = "\n\n{\"body\":\"a\"}\n\n\n\r\n  \n"
				   "{\"body\":\"b\"}\n\n{bad\n\n";
	got *g = got_new();

	(void)state;
	assert_int_equal(read_mem(g, text, sizeof text - 1, "b.jsonl", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->a[0].where, "b.jsonl:3");
	assert_string_equal(g->a[1].where, "b.jsonl:8");
	assert_true(has_problem(g, "b.jsonl:10", "malformed JSON"));
	assert_int_equal(g->st.skipped, 1);
	got_free(g);
}

/* sink->stop is polled while a file yields nothing: a run of blank lines
 * is interrupted, not read to its end. */
typedef struct stopper {
	unsigned polls, stop_at;
} stopper;

static int stop_after(void *ctx)
{
	stopper *s = ctx;

	return ++s->polls >= s->stop_at;
}

static lede_status count_article(void *ctx, const lede_article *a,
				 const char *where)
{
	(void)ctx;
	(void)a;
	(void)where;
	return LEDE_OK;
}

static void test_stop_poll(void **state)
{
	size_t n = 8u << 20;
	char *data = malloc(n);
	stopper sp = {0, 3};
	reader_sink sink = {count_article, NULL, &sp, stop_after};
	reader_stats st;
	lede_err err;
	lede_format fmts[] = {LEDE_FORMAT_JSONL, LEDE_FORMAT_TREC,
			      LEDE_FORMAT_TEXT};

	(void)state;
	assert_non_null(data);
	memset(data, '\n', n);
	for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
		reader_opts o = {fmts[k], NULL, 0, 0, 0};

		memset(&st, 0, sizeof st);
		err_clear(&err);
		sp.polls = 0;
		assert_int_equal(reader_read_mem(data, n, "nl", "nl",
						 LEDE_NO_DATE, &o, &sink, &st,
						 &err),
				 LEDE_ERR_INTERRUPTED);
		assert_int_equal(sp.polls, 3);
		assert_non_null(strstr(err.msg, "stopped"));
	}
	free(data);
}

/* ---- files, stdin, stopping
 * ----------------------------------------------------- */

static void test_paths(void **state)
{
	got *g = got_new();
	char dir[] = "/tmp/lede-test-readers-XXXXXX";
	char path[256];
	FILE *f;
	size_t jl, gl;
	char *j = jsonl_lines(3, &jl);
	unsigned char *gz = gzip_mem(j, jl, &gl);

	(void)state;
	assert_int_equal(reader_read_path("/nonexistent/x.txt", NULL, 0, NULL,
					  sink_of(g), &g->st, &g->err),
			 LEDE_ERR_NOT_FOUND);
	assert_true(strstr(g->err.msg, "/nonexistent/x.txt") != NULL);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(
	    reader_read_path(dir, NULL, 0, NULL, sink_of(g), &g->st, &g->err),
	    LEDE_ERR_INVALID);

	/* A .gz file on disk, read through the fd path. */
	snprintf(path, sizeof path, "%s/w.jsonl.gz", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(gz, 1, gl, f), gl);
	fclose(f);
	assert_int_equal(
	    reader_read_path(path, "w", 0, NULL, sink_of(g), &g->st, &g->err),
	    LEDE_OK);
	assert_int_equal(g->n, 3);

	/* stdin ("-"): the same data through fd 0, sniffed. */
	{
		int saved = dup(0), fd = open(path, O_RDONLY);

		assert_true(saved >= 0 && fd >= 0);
		assert_int_equal(dup2(fd, 0), 0);
		close(fd);
		assert_int_equal(reader_read_path("-", "stdin", 0, NULL,
						  sink_of(g), &g->st, &g->err),
				 LEDE_OK);
		assert_int_equal(dup2(saved, 0), 0);
		close(saved);
		assert_int_equal(g->n, 6);
		assert_true(strstr(g->a[3].where, "-:1") != NULL);
	}
	unlink(path);
	rmdir(dir);
	free(gz);
	free(j);
	got_free(g);
}

/* Reads data as stdin ("-") into g. */
static void read_as_stdin(got *g, const char *data)
{
	char path[] = "/tmp/lede-test-stdin-XXXXXX";
	int fd = mkstemp(path), saved = dup(0);

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	unlink(path);
	assert_int_equal(reader_read_path("-", "stdin", LEDE_NO_DATE, NULL,
					  sink_of(g), &g->st, &g->err),
			 LEDE_OK);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

/* An article from stdin without an id of its own gets "stdin:" and a hash
 * of its title, URL, date and body: the same article (whatever its keys'
 * order, spacing and escapes) the same id, different ones different ids;
 * a url or id still wins, and a file's records keep path#LINE. */
static void test_stdin_ids(void **state)
{
	const char *jl =
	    "{\"title\":\"Monday\",\"body\":\"gecko monday\"}\n"
	    "{\"title\":\"Tuesday\",\"body\":\"gecko tuesday\"}\n"
	    "{ \"body\": \"gecko monday\", \"title\": \"Mon\\u0064ay\" }\n"
	    "{\"title\":\"Monday\",\"body\":\"gecko monday\","
	    "\"date\":\"2025-02-13\"}\n"
	    "{\"title\":\"Monday\",\"body\":\"gecko monday\","
	    "\"author\":\"Ann Lee\"}\n"
	    "{\"body\":\"gecko\",\"url\":\"https://example.com/g\"}\n"
	    "{\"body\":\"gecko\",\"id\":\"own\"}\n";
	got *g = got_new();

	(void)state;
	read_as_stdin(g, jl);
	assert_int_equal(g->n, 7);
	assert_int_equal(strncmp(g->a[0].id, "stdin:", 6), 0);
	assert_int_equal(strlen(g->a[0].id), 6 + 16);
	assert_string_not_equal(g->a[0].id, g->a[1].id);
	assert_string_equal(g->a[0].id, g->a[2].id); /* keys, spaces, escapes */
	assert_string_not_equal(g->a[0].id, g->a[3].id); /* dated */
	assert_string_equal(g->a[0].id, g->a[4].id); /* byline: in place */
	assert_string_equal(g->a[5].id, "https://example.com/g");
	assert_string_equal(g->a[6].id, "own");
	got_free(g);

	/* text on stdin: no longer the one id "stdin" */
	g = got_new();
	read_as_stdin(g, "Text title\n\nA gecko in the text.\n");
	assert_int_equal(g->n, 1);
	assert_int_equal(strncmp(g->a[0].id, "stdin:", 6), 0);
	got_free(g);

	/* the same records from memory (a file): path#LINE as before */
	g = got_new();
	assert_int_equal(reader_read_mem(jl, strlen(jl), "f.jsonl", "f.jsonl",
					 LEDE_NO_DATE, NULL, sink_of(g), &g->st,
					 &g->err),
			 LEDE_OK);
	assert_int_equal(g->n, 7);
	assert_string_equal(g->a[0].id, "f.jsonl#1");
	assert_string_equal(g->a[2].id, "f.jsonl#3");
	got_free(g);
}

static void test_sink_stops(void **state)
{
	size_t jl;
	char *j = jsonl_lines(10, &jl);
	got *g = got_new();

	(void)state;
	g->stop_at = 3;
	g->stop_with = LEDE_ERR_INTERRUPTED;
	assert_int_equal(read_mem(g, j, jl, "s.jsonl", NULL),
			 LEDE_ERR_INTERRUPTED);
	assert_int_equal(g->n, 3);
	/* No sink at all, no stats: still reads. */
	assert_int_equal(
	    reader_read_mem(j, jl, "s.jsonl", NULL, 0, NULL, NULL, NULL, NULL),
	    LEDE_OK);
	free(j);
	got_free(g);
}

static void test_forced_formats_on_garbage(void **state)
{
	/* Every reader on every fixture: whatever comes out is clean. */
	static const char *const files[] = {"wire.md",	  "small.jsonl",
					    "small.trec", "small.sgm",
					    "page.html",  "latin1.txt"};

	(void)state;
	for (int f = 1; f <= 5; f++) {
		reader_opts o = {(lede_format)f, NULL, 0, 0, 0};

		for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
			got *g = got_new();

			assert_int_equal(read_fixture(g, files[k], &o, 5),
					 LEDE_OK);
			got_free(g);
		}
	}
}

/* ---- pathological inputs, under a time limit
 * ---------------------------------- */

/* Each input is a few MB built to trigger quadratic behaviour: must finish
 * well within PATHOLOGICAL_SECONDS (seconds of CPU, sanitizers included). */
#define PATHOLOGICAL_SECONDS 10.0
#define PATHOLOGICAL_BYTES (4u * 1024 * 1024)

static char *repeat(const char *head, const char *unit, const char *tail,
		    size_t total, size_t *len)
{
	buf b = BUF_INIT;
	size_t ul = strlen(unit);

	buf_append_str(&b, head);
	while (b.len + ul < total)
		buf_append(&b, unit, ul);
	buf_append_str(&b, tail);
	assert_int_equal(b.status, LEDE_OK);
	*len = b.len;
	return buf_detach(&b);
}

static void test_pathological(void **state)
{
	static const struct {
		const char *head, *unit, *tail, *name;
		lede_format f;
	} cases[] = {
	    {"T\n\n", "[", "\n", "links.txt", LEDE_FORMAT_TEXT},
	    {"T\n\n", "[a](", "\n", "parens.txt", LEDE_FORMAT_TEXT},
	    {"", "a.", "\n", "periods.txt", LEDE_FORMAT_TEXT},
	    {"", "\xc2\xa0", "x", "nbsp.txt", LEDE_FORMAT_TEXT},
	    {"<DOC><TEXT>", "<TEXT", "</DOC>", "text.trec", LEDE_FORMAT_TREC},
	    {"<DOC><TEXT>", "<a", "</TEXT></DOC>", "lt.trec", LEDE_FORMAT_TREC},
	    {"<DOC><TEXT>", "&#", "</TEXT></DOC>", "amp.trec",
	     LEDE_FORMAT_TREC},
	    {"", "<DOC>", "", "docs.trec", LEDE_FORMAT_TREC},
	    {"<REUTERS NEWID=\"1\"><BODY>", "<BODY", "</REUTERS>", "b.sgm",
	     LEDE_FORMAT_REUTERS},
	    {"{\"body\":\"b\",\"author\":\"By ", ",a", "\"}\n", "by.jsonl",
	     LEDE_FORMAT_JSONL},
	    {"{\"body\":\"b\",\"date\":\"", "\xc2\xa0", "\"}\n", "d.jsonl",
	     LEDE_FORMAT_JSONL},
	    {"{\"body\":\"b\",\"tags\":[", "\"t\",", "\"t\"]}\n", "t.jsonl",
	     LEDE_FORMAT_JSONL},
	    {"", "[", "", "nest.jsonl", LEDE_FORMAT_JSONL},
	    {"<html><body>", "<div>", "x", "nest.html", LEDE_FORMAT_HTML},
	    {"<html><body><p>", "<a", "</p>", "lt.html", LEDE_FORMAT_HTML},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		reader_opts o = {cases[i].f, NULL, 0, 0, 0};
		size_t len;
		char *data = repeat(cases[i].head, cases[i].unit, cases[i].tail,
				    PATHOLOGICAL_BYTES, &len);
		got *g = got_new();
		clock_t t0 = clock();
		double secs;

		assert_int_equal(read_mem(g, data, len, cases[i].name, &o),
				 LEDE_OK);
		secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
		if (secs > PATHOLOGICAL_SECONDS)
			fail_msg("%s took %.1f s", cases[i].name, secs);
		free(data);
		got_free(g);
	}
}

/* Past libxml2's 256 levels of nesting (HTML_PARSER_MAX_DEPTH), a page
 * of up to 20,000 tags (HTML_DEEP_MAX_TAGS) is read whole: once, its text
 * was dropped from the depth on, and the article lost as "no body". A
 * bigger page keeps the limit (libxml2's recovery from stray end tags is
 * depth x tags) and is reported; the worst page under the budget still
 * parses in time. */
static void test_html_deep(void **state)
{
	got *g = got_new();
	buf b = BUF_INIT;
	size_t len;
	char *data;
	clock_t t0;
	double secs;

	(void)state;
	buf_append_str(&b, "<html><head><title>Deep page</title></head><body>");
	for (int i = 0; i < 300; i++)
		buf_append_str(&b, "<div>");
	buf_append_str(&b, "<p>heron text</p>");
	for (int i = 0; i < 300; i++)
		buf_append_str(&b, "</div>");
	buf_append_str(&b, "<p>after</p></body></html>");
	assert_int_equal(b.status, LEDE_OK);
	assert_int_equal(read_mem(g, b.data, b.len, "deep.html", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 1);
	assert_int_equal(g->np, 0);
	assert_str(g->a[0].title, "Deep page");
	assert_str(g->a[0].body, "heron text\n\nafter");

	/* over the budget: what precedes the limit is kept, and reported */
	buf_reset(&b);
	buf_append_str(&b, "<html><body><p>egret first</p>");
	for (int i = 0; i < 300; i++)
		buf_append_str(&b, "<div>");
	buf_append_str(&b, "<p>ibis text</p>");
	for (int i = 0; i < 20000; i++)
		buf_append_str(&b, "<br>");
	buf_append_str(&b, "</body></html>");
	assert_int_equal(b.status, LEDE_OK);
	assert_int_equal(read_mem(g, b.data, b.len, "big.html", NULL),
			 LEDE_OK);
	assert_int_equal(g->n, 2);
	assert_true(has_problem(g, "big.html",
				"HTML nested over 256 levels in a page of over "
				"20000 tags: the rest of the page is not read"));
	assert_int_equal(g->p[0].s, LEDE_OK); /* a warning, not a skip */
	assert_str(g->a[1].body, "egret first");
	buf_free(&b);

	/* the worst page of 20,000 tags: each stray end tag scans every
	 * element still open */
	data = repeat("<html><body>", "<div></x>", "", 9 * 9999 + 12, &len);
	t0 = clock();
	assert_int_equal(read_mem(g, data, len, "stray.html", NULL),
			 LEDE_OK);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	if (secs > PATHOLOGICAL_SECONDS)
		fail_msg("stray.html took %.1f s", secs);
	free(data);
	got_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_date_table),
	    cmocka_unit_test(test_date_scan),
	    cmocka_unit_test(test_date_zones),
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_text_wire),
	    cmocka_unit_test(test_text_dateline_agency),
	    cmocka_unit_test(test_text_derived_title),
	    cmocka_unit_test(test_text_frontmatter),
	    cmocka_unit_test(test_text_datelines),
	    cmocka_unit_test(test_byline_parse),
	    cmocka_unit_test(test_text_byline_forms),
	    cmocka_unit_test(test_jsonl_fields),
	    cmocka_unit_test(test_jsonl_epochs_and_map),
	    cmocka_unit_test(test_jsonl_derived_title),
	    cmocka_unit_test(test_jsonl_long_line),
	    cmocka_unit_test(test_trec),
	    cmocka_unit_test(test_trec_unterminated_at_end),
	    cmocka_unit_test(test_reuters),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_html_minimal),
	    cmocka_unit_test(test_html_deep),
	    cmocka_unit_test(test_bad_utf8_and_latin1),
	    cmocka_unit_test(test_cleaning),
	    cmocka_unit_test(test_binary_and_empty),
	    cmocka_unit_test(test_too_big_text),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_gzip_truncated_and_corrupt),
	    cmocka_unit_test(test_gzip_bomb),
	    cmocka_unit_test(test_gzip_ratio),
	    cmocka_unit_test(test_jsonl_blank_lines),
	    cmocka_unit_test(test_stop_poll),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_stdin_ids),
	    cmocka_unit_test(test_sink_stops),
	    cmocka_unit_test(test_forced_formats_on_garbage),
	    cmocka_unit_test(test_pathological),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
