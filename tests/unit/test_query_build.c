/*
 * test_query_build.c - unit tests of searcher/query_build.c: the Xapian
 * description of built queries, and end to end on a temporary database
 * whose documents are built through the binding with the term layout of
 * lib/index.c (words with positions, title words again under S, stems
 * under Z and ZS, byline and outlet words under A and XO, boolean K/L/H,
 * the date value), so each query is checked against the hits it returns.
 */
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

#include "../../searcher/query.h"

#define NOW 1739404800 /* 2025-02-13 */

static analyzer *an;
static char dir[64];

/* ---- a small index in the schema of lib/index.c ------------------------ */

typedef struct art {
	const char *id, *title, *body, *byline, *source, *section, *lang, *host;
	int64_t date;
} art;

static const art arts[] = {
    {"d1", "NATO summit in Brussels",
     "Leaders deployed troops after the summit. Defense spending rose "
     "sharply across the alliance.",
     "Priya Raman", "Alpine Wire", "World", "en", "bbc.co.uk",
     1739404800 /* 2025-02-13 */},
    {"d2", "Budget talks stall",
     "The defense budget and spending on defense were debated; NATO was "
     "mentioned once.",
     "John Doe", "Coastal Times", "Business", "fr", "example.com",
     1717200000 /* 2024-06-01 */},
    {"d3", "Trade with China",
     "China increased spending on infrastructure; spending defense is "
     "not the phrase.",
     NULL, NULL, "World", "en", NULL, 1736035200 /* 2025-01-05 */},
    {"d4", "大学新闻", "北京大学的学生在北京学习。", NULL, NULL, NULL, "zh",
     NULL, 1678000000},
    {"d5", "Otan report", "alpha beta gamma delta epsilon", NULL, NULL, NULL,
     "en", NULL, 1600000000},
    {"d6", "Weekly report", "otan alpha beta gamma delta", NULL, NULL, NULL,
     "en", NULL, 1600000000},
};
#define NARTS (sizeof arts / sizeof arts[0])

typedef struct ictx {
	xc_doc *d;
	const char *pfx, *pfx2;
	int use_stem; /* body and title: the stem is the indexed key */
} ictx;

static void add_pfx(xc_doc *d, const char *pfx, const char *t, size_t n,
		    uint32_t pos, int with_pos)
{
	char term[300];
	int k = snprintf(term, sizeof term, "%s%.*s", pfx, (int)n, t);

	if (with_pos)
		assert_int_equal(xc_doc_add_posting(d, term, (size_t)k, pos, 1),
				 LEDE_OK);
	else
		assert_int_equal(xc_doc_add_term(d, term, (size_t)k, 1),
				 LEDE_OK);
}

static int index_token(void *ctx, const token *t)
{
	ictx *c = ctx;
	const char *key = c->use_stem && t->stem ? t->stem : t->term;
	size_t klen = c->use_stem && t->stem ? t->stem_len : t->term_len;

	/* the layout of lib/index.c (schema 3): stems with positions,
	 * stopwords included, S for titles */
	add_pfx(c->d, c->pfx, key, klen, t->pos, 1);
	if (c->pfx2)
		add_pfx(c->d, c->pfx2, key, klen, t->pos, 1);
	return 0;
}

static uint32_t run(ictx *c, const char *text, uint32_t pos)
{
	uint32_t next = pos;

	if (text != NULL)
		assert_int_equal(analyzer_run(an, text, strlen(text), pos,
					      index_token, c, &next),
				 LEDE_OK);
	return next;
}

static void add_bool(xc_doc *d, const char *pfx, const char *v, int strip)
{
	buf b = BUF_INIT;

	if (v == NULL)
		return;
	buf_append_str(&b, pfx);
	utf8_fold(&b, v, strlen(v), strip);
	assert_int_equal(xc_doc_add_boolean_term(d, b.data, b.len), LEDE_OK);
	buf_free(&b);
}

static int setup(void **state)
{
	analyzer_settings s = {"english", 1};
	lede_err err;
	xc_writer *w = NULL;
	xc_doc *d = NULL;

	(void)state;
	if (analyzer_new(&an, &s, &err) != LEDE_OK)
		return -1;
	snprintf(dir, sizeof dir, "/tmp/lede-qb-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	if (xc_writer_open(&w, dir, XC_OPEN_CREATE_OR_OPEN | XC_OPEN_NO_SYNC, 0,
			   &err) != LEDE_OK ||
	    xc_doc_new(&d) != LEDE_OK)
		return -1;
	for (size_t i = 0; i < NARTS; i++) {
		const art *a = &arts[i];
		ictx c = {d, "", PFX_TITLE, 1};
		char uid[16], v[XC_SORTABLE_MAX];
		uint32_t docid, pos;

		xc_doc_clear(d);
		pos = run(&c, a->title, 0);
		c.pfx2 = NULL;
		run(&c, a->body, pos + TITLE_POSITION_GAP);
		c.use_stem = 0;
		c.pfx = PFX_BYLINE;
		run(&c, a->byline, 1);
		c.pfx = PFX_SOURCE;
		run(&c, a->source, 1);
		add_bool(d, PFX_SECTION, a->section, 1);
		add_bool(d, PFX_LANG, a->lang, 1);
		add_bool(d, PFX_HOST, a->host, 0);
		size_t n = xc_sortable_serialise(v, (double)a->date);
		xc_doc_set_value(d, SLOT_DATE, v, n);
		/* and the day, month and year terms, as lib/index.c */
		{
			time_t tt = (time_t)a->date;
			struct tm tm;
			char t[32];
			static const char *const fmt[] = {
			    PFX_DAY "%Y%m%d", PFX_MONTH "%Y%m", PFX_YEAR "%Y"};
			assert_non_null(gmtime_r(&tt, &tm));
			for (int k = 0; k < 3; k++) {
				size_t tl = strftime(t, sizeof t, fmt[k], &tm);
				assert_int_equal(
				    xc_doc_add_boolean_term(d, t, tl), LEDE_OK);
			}
		}
		xc_doc_set_data(d, a->id, strlen(a->id));
		n = (size_t)snprintf(uid, sizeof uid, "Q%s", a->id);
		if (xc_writer_upsert(&docid, w, uid, n, d) != LEDE_OK)
			return -1;
	}
	xc_doc_free(d);
	if (xc_writer_close(w) != LEDE_OK)
		return -1;
	xc_writer_free(w);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	analyzer_free(an);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------ */

static xc_query *build_q(const char *q, const query_build_opts *bo)
{
	query_opts o = {0, NOW};
	qnode *n = NULL;
	xc_query *x = NULL;
	lede_err err;

	if (query_parse(&n, an, q, strlen(q), &o, &err) != LEDE_OK)
		fail_msg("parse [%s]: %s", q, err.msg);
	if (query_build(&x, n, bo, &err) != LEDE_OK)
		fail_msg("build [%s]: %s", q, err.msg);
	qnode_free(n);
	return x;
}

static void expect_xdesc(const char *q, const query_build_opts *bo,
			 const char *want)
{
	xc_query *x = build_q(q, bo);
	char *d = NULL;
	size_t dl;

	assert_int_equal(xc_query_describe(&d, &dl, x), LEDE_OK);
	if (strcmp(d, want) != 0)
		fail_msg("query [%s]\n  got  %s\n  want %s", q, d, want);
	xc_free(d);
	xc_query_free(x);
}

/* Runs x on the database at p and writes the ids of the hits,
 * space-separated, in rank order. */
static lede_status run_x_at(buf *out, const char *p, const xc_query *x)
{
	xc_reader *r = NULL;
	xc_results *m = NULL;
	xc_search_opts so = XC_SEARCH_OPTS_INIT;
	lede_err err;
	lede_status st;

	so.max_items = 20;
	assert_int_equal(xc_reader_open(&r, &p, 1, &err), LEDE_OK);
	st = xc_search(&m, r, x, &so);
	for (size_t i = 0; st == LEDE_OK && i < xc_results_count(m); i++) {
		const char *d;
		size_t dl;
		assert_int_equal(xc_results_data(&d, &dl, m, i), LEDE_OK);
		buf_printf(out, "%s%.*s", i ? " " : "", (int)dl, d);
	}
	buf_append_str(out, "");
	xc_results_free(m);
	xc_reader_free(r);
	return st;
}

static lede_status run_x(buf *out, const xc_query *x)
{
	return run_x_at(out, dir, x);
}

static void expect_hits(const char *q, const char *want)
{
	xc_query *x = build_q(q, NULL);
	buf b = BUF_INIT;

	assert_int_equal(run_x(&b, x), LEDE_OK);
	if (strcmp(b.data, want) != 0)
		fail_msg("query [%s]\n  got  [%s]\n  want [%s]", q, b.data,
			 want);
	buf_free(&b);
	xc_query_free(x);
}

/* ---- tests -------------------------------------------------------------- */

static void test_describe(void **state)
{
	query_build_opts bo = {3.5, 0, 0};
	query_build_opts old = {0, 0, 1}; /* a schema-2 index */

	(void)state;
	expect_xdesc("deployed", NULL,
		     "Query((deploy AND_MAYBE 0.5 * Sdeploy))");
	expect_xdesc("deployed", &bo,
		     "Query((deploy AND_MAYBE 3.5 * Sdeploy))");
	/* stems-only index: a quoted word is stemmed too */
	expect_xdesc("\"deployed\"", NULL,
		     "Query((deploy AND_MAYBE 0.5 * Sdeploy))");
	expect_xdesc("2025", NULL, "Query((2025 AND_MAYBE 0.5 * S2025))");
	expect_xdesc("\"defense spending\"", NULL,
		     "Query((defens PHRASE 2 spend))");
	expect_xdesc("北京大学", NULL,
		     "Query((北京 PHRASE 3 京大 PHRASE 3 大学))");
	/* stopwords stay in phrases: exactly these words in a row */
	expect_xdesc("\"spending on defense\"", NULL,
		     "Query((spend PHRASE 3 on PHRASE 3 defens))");
	expect_xdesc("\"the summit\"", NULL, "Query((the PHRASE 2 summit))");
	expect_xdesc("\"to be or not\"", NULL,
		     "Query((to PHRASE 4 be PHRASE 4 or PHRASE 4 not))");
	/* a schema-2 index has no stopword positions: they are left out of
	 * phrases with their gap kept */
	expect_xdesc("\"spending on defense\"", &old,
		     "Query((spend PHRASE 3 defens))");
	expect_xdesc("\"the summit\"", &old, "Query(summit)");
	expect_xdesc("\"to be or not\"", &old,
		     "Query((to AND be AND or AND not))");
	expect_xdesc("apple NEAR/5 pie", NULL, "Query((appl NEAR 6 pie))");
	expect_xdesc("title:deployed", NULL, "Query(Sdeploy)");
	expect_xdesc("title:\"nato summit\"", NULL,
		     "Query((Snato PHRASE 2 Ssummit))");
	expect_xdesc("by:\"priya raman\"", NULL,
		     "Query((Apriya PHRASE 2 Araman))");
	expect_xdesc("source:alpine", NULL, "Query(XOalpine)");
	expect_xdesc("section:world", NULL, "Query(0 * Kworld)");
	expect_xdesc("-china", NULL,
		     "Query((<alldocuments> AND_NOT "
		     "(china AND_MAYBE 0.5 * Schina)))");
	expect_xdesc("nato section:world -china", NULL,
		     "Query((((nato AND_MAYBE 0.5 * Snato) FILTER Kworld) AND_NOT "
		     "(china AND_MAYBE 0.5 * Schina)))");
	expect_xdesc("nato OR section:world", NULL,
		     "Query(((nato AND_MAYBE 0.5 * Snato) OR 0 * Kworld))");
	expect_xdesc("section:world -china", NULL,
		     "Query((0 * Kworld AND_NOT "
		     "(china AND_MAYBE 0.5 * Schina)))");
	expect_xdesc("deplo*", NULL, "Query(WILDCARD SYNONYM deplo)");
	expect_xdesc("title:deplo*", NULL, "Query(WILDCARD SYNONYM Sdeplo)");
	expect_xdesc("deployment*", NULL, "Query(WILDCARD SYNONYM deploy)");
	expect_xdesc(
	    "happy*", NULL,
	    "Query((WILDCARD SYNONYM happy OR WILDCARD SYNONYM happi))");
	expect_xdesc("negotiat*", NULL,
		     "Query((WILDCARD SYNONYM negotiat OR negoti))");
	/* dates: whole years, months and days by their terms */
	expect_xdesc("date:2025-02", NULL, "Query(0 * M202502)");
	expect_xdesc("date:2024-11..2025-02-02", NULL,
		     "Query(0 * (M202411 OR M202412 OR M202501 OR D20250201 OR "
		     "D20250202))");
	/* Only filters: scaled by 0 once. */
	expect_xdesc("section:world lang:en", NULL,
		     "Query(0 * (Kworld AND Len))");
}

static void test_search_words_and_phrases(void **state)
{
	(void)state;
	expect_hits("nato", "d1 d2");
	expect_hits("deploy", "d1");
	expect_hits("DEPLOYMENTS", "d1");
	expect_hits("\"deploy\"", "d1"); /* stems-only: no exact forms */
	expect_hits("\"defense spending\"", "d1");
	expect_hits("\"spending defense\"", "d3");
	/* stopwords count: "spending defense" (d3) is not this phrase */
	expect_hits("\"spending on defense\"", "d2");
	expect_hits("\"is not the phrase\"", "d3");
	expect_hits("\"the defense budget\"", "d2");
	expect_hits("spending -china", "d2 d1");
	expect_hits("nato OR china", "d3 d1 d2");
	expect_hits("leaders NEAR/2 troops", "d1");
	expect_hits("leaders NEAR/1 troops", "");
	expect_hits("troops NEAR/2 leaders", "d1");
	expect_hits("deplo*", "d1");
	expect_hits("deployment*", "d1");
	expect_hits("debat*", "d2");
	expect_hits("infrastructur*", "d3");
	expect_hits("北京", "d4");
	expect_hits("北京大学", "d4");
	expect_hits("京新", "");
	expect_hits("学", "d4");
}

/* A schema-2 index (stopwords without positions) is still searched right:
 * its phrases skip stopwords and keep their gap. */
static void test_schema2_phrases(void **state)
{
	static const char *const bodies[] = {"spending on defense rose",
					     "spending rose on defense"};
	query_build_opts old = {0, 0, 1};
	char path[96];
	xc_writer *w = NULL;
	xc_doc *d = NULL;
	lede_err err;
	buf b = BUF_INIT;

	(void)state;
	snprintf(path, sizeof path, "%s/v2", dir);
	assert_int_equal(xc_writer_open(&w, path, XC_OPEN_CREATE_OR_OPEN, 0,
					&err),
			 LEDE_OK);
	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	for (int i = 0; i < 2; i++) {
		uint32_t pos = 1, docid;
		char uid[8], id[8];
		const char *s = bodies[i];
		xc_doc_clear(d);
		while (*s) { /* words of ASCII text; "on" without positions */
			size_t n = strcspn(s, " ");
			const char *stem = strncmp(s, "spending", n) == 0
					       ? "spend"
					   : strncmp(s, "defense", n) == 0
					       ? "defens"
					       : NULL;
			if (n == 2 && strncmp(s, "on", 2) == 0)
				add_pfx(d, "", s, n, pos, 0);
			else
				add_pfx(d, "", stem ? stem : s,
					stem ? strlen(stem) : n, pos, 1);
			pos++;
			s += n + (s[n] == ' ');
		}
		snprintf(id, sizeof id, "v%d", i + 1);
		xc_doc_set_data(d, id, strlen(id));
		snprintf(uid, sizeof uid, "Q%s", id);
		assert_int_equal(xc_writer_upsert(&docid, w, uid, strlen(uid), d),
				 LEDE_OK);
	}
	xc_doc_free(d);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);

	xc_query *x = build_q("\"spending on defense\"", &old);
	assert_int_equal(run_x_at(&b, path, x), LEDE_OK);
	assert_string_equal(b.data, "v1");
	xc_query_free(x);
	/* the schema-3 query would ask for positions of "on": no hit */
	buf_reset(&b);
	x = build_q("\"spending on defense\"", NULL);
	assert_int_equal(run_x_at(&b, path, x), LEDE_OK);
	assert_string_equal(b.data, "");
	xc_query_free(x);
	buf_free(&b);
}

static void test_search_title_boost(void **state)
{
	(void)state;
	/* Same lengths, same body statistics: the title match wins. */
	expect_hits("otan", "d5 d6");
	expect_hits("title:otan", "d5");
	expect_hits("title:summit", "d1");
	expect_hits("title:spending", "");
	expect_hits("title:\"nato summit\"", "d1");
}

static void test_search_fields_and_filters(void **state)
{
	(void)state;
	expect_hits("by:raman", "d1");
	expect_hits("by:\"priya raman\"", "d1");
	expect_hits("by:\"raman priya\"", "");
	expect_hits("source:\"alpine wire\"", "d1");
	expect_hits("source:times", "d2");
	expect_hits("spending section:world", "d3 d1");
	expect_hits("spending section:World -china", "d1");
	expect_hits("host:https://www.bbc.co.uk/x", "d1");
	expect_hits("spending lang:fr", "d2");
	expect_hits("spending date:2025", "d3 d1");
	expect_hits("spending date:2024-06", "d2");
	expect_hits("spending date:2025-01-01..2025-01-31", "d3");
	expect_hits("spending date:..2024-12", "d2");
	expect_hits("spending date:30d..", "d1");
	/* whole periods by their terms, partial days by the value */
	expect_hits("spending date:2024-05-31..2025-01-05", "d3 d2");
	expect_hits("spending date:2024..2025-01", "d3 d2");
	expect_hits("date:1970..2030 otan", "d5 d6");
	expect_hits("-china", "d1 d2 d4 d5 d6");
	expect_hits("otan OR section:business", "d5 d6 d2");
}

static void test_date_filter_api(void **state)
{
	xc_query *x = build_q("spending", NULL);
	buf b = BUF_INIT;
	lede_err err;

	(void)state;
	assert_int_equal(query_add_date_filter(&x, 1735689600, INT64_MAX, &err),
			 LEDE_OK);
	assert_int_equal(run_x(&b, x), LEDE_OK);
	assert_string_equal(b.data, "d3 d1");
	buf_reset(&b);
	assert_int_equal(query_add_date_filter(&x, INT64_MIN, 1736121600, &err),
			 LEDE_OK);
	assert_int_equal(run_x(&b, x), LEDE_OK);
	assert_string_equal(b.data, "d3");
	assert_int_equal(query_add_date_filter(&x, INT64_MIN, INT64_MAX, &err),
			 LEDE_OK);
	assert_int_equal(query_add_date_filter(&x, 10, 5, &err),
			 LEDE_ERR_QUERY);
	xc_query_free(x);
	x = NULL;
	assert_int_equal(query_add_date_filter(&x, 1735689600, INT64_MAX, &err),
			 LEDE_OK);
	buf_reset(&b);
	assert_int_equal(run_x(&b, x), LEDE_OK);
	assert_string_equal(b.data, "d1 d3");
	xc_query_free(x);
	buf_free(&b);
}

static void test_wildcard_too_broad(void **state)
{
	query_build_opts bo = {0, 2};
	query_opts o = {0, NOW};
	qnode *n = NULL;
	xc_query *x = NULL;
	lede_err err;
	buf b = BUF_INIT;

	(void)state;
	/* de*: defense, deployed, debated, delta... more than 2. */
	assert_int_equal(query_parse(&n, an, "de*", 3, &o, &err), LEDE_OK);
	assert_int_equal(query_build(&x, n, &bo, &err), LEDE_OK);
	assert_int_equal(run_x(&b, x), LEDE_ERR_QUERY);
	assert_int_equal(query_wildcard_error(&err, n), LEDE_ERR_QUERY);
	assert_string_equal(err.msg, "prefix 'de*' matches too many words; "
				     "make it longer");
	xc_query_free(x);
	qnode_free(n);
	buf_free(&b);
	/* Within the limit it runs. */
	x = build_q("deb*", &bo);
	b = (buf)BUF_INIT;
	assert_int_equal(run_x(&b, x), LEDE_OK);
	assert_string_equal(b.data, "d2");
	xc_query_free(x);
	buf_free(&b);
}

/* Pseudo-relevance feedback's words join the query's scored part as
 * alternatives, under the filters and exclusions of the whole query; a
 * query that does not score gets them as ranking only. */
static void test_feedback(void **state)
{
	query_build_opts bo = {0};
	xc_query *fb = NULL;
	lede_err err;

	(void)state;
	assert_int_equal(xc_query_term(&fb, "fog", 3, 1, 0, &err), LEDE_OK);
	bo.feedback = fb;
	/* a plain word query: exactly "query OR added", as measured */
	expect_xdesc("sank", &bo,
		     "Query(((sank AND_MAYBE 0.5 * Ssank) OR fog))");
	expect_xdesc("sank -rocks", &bo,
		     "Query((((sank AND_MAYBE 0.5 * Ssank) OR fog) AND_NOT "
		     "(rock AND_MAYBE 0.5 * Srock)))");
	expect_xdesc("sank coast section:world", &bo,
		     "Query(((((sank AND_MAYBE 0.5 * Ssank) AND (coast "
		     "AND_MAYBE 0.5 * Scoast)) OR fog) FILTER Kworld))");
	/* nothing scores: the added words only rank */
	expect_xdesc("-rocks", &bo,
		     "Query(((<alldocuments> AND_NOT (rock AND_MAYBE 0.5 * "
		     "Srock)) AND_MAYBE fog))");
	expect_xdesc("section:world", &bo, "Query((0 * Kworld AND_MAYBE fog))");
	/* a group's own exclusion stays with it */
	expect_xdesc("(sank -rocks) OR ferry", &bo,
		     "Query(((((sank AND_MAYBE 0.5 * Ssank) AND_NOT (rock "
		     "AND_MAYBE 0.5 * Srock)) OR (ferri AND_MAYBE 0.5 * "
		     "Sferri)) OR fog))");
	xc_query_free(fb);
}

static void test_build_errors(void **state)
{
	xc_query *x = NULL;
	lede_err err;

	(void)state;
	assert_int_equal(query_build(&x, NULL, NULL, &err), LEDE_ERR_INVALID);
	assert_null(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_search_words_and_phrases),
	    cmocka_unit_test(test_schema2_phrases),
	    cmocka_unit_test(test_search_title_boost),
	    cmocka_unit_test(test_search_fields_and_filters),
	    cmocka_unit_test(test_date_filter_api),
	    cmocka_unit_test(test_wildcard_too_broad),
	    cmocka_unit_test(test_feedback),
	    cmocka_unit_test(test_build_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
