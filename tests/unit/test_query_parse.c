/*
 * test_query_parse.c - unit tests of searcher/query_parse.c: the canonical
 * description of many queries (operators, precedence, phrases, prefixes,
 * fields, dates, stopwords, CJK, lenient repairs), the error messages with
 * their columns, query_parse_date, and the limits under hostile input
 * (100k terms, 10k nested parentheses) within a time budget.
 *
 * Runs with the real English analyzer: what the parser does with a word is
 * exactly what the indexer did with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../searcher/query.h"

/* 2025-02-13T00:00:00Z: "now" for every relative date below. */
#define NOW 1739404800
/* Pathological inputs must be answered well within this. */
#define TIME_BUDGET_S 1.0

static analyzer *an;

static int setup(void **state)
{
	analyzer_settings s = {"english", 1};
	lede_err err;

	(void)state;
	return analyzer_new(&an, &s, &err) == LEDE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	analyzer_free(an);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parses q (with --any when any) and checks its description. */
static void expect_desc(const char *q, int any, const char *want)
{
	query_opts o = {any, NOW};
	qnode *n = NULL;
	lede_err err;
	buf b = BUF_INIT;
	lede_status st = query_parse(&n, an, q, strlen(q), &o, &err);

	if (st != LEDE_OK)
		fail_msg("query [%s]: status %d: %s", q, st, err.msg);
	assert_int_equal(query_describe(&b, n), LEDE_OK);
	if (strcmp(b.data, want) != 0)
		fail_msg("query [%s]\n  got  %s\n  want %s", q, b.data, want);
	buf_free(&b);
	qnode_free(n);
}

static void expect_err(const char *q, size_t len, const char *want)
{
	query_opts o = {0, NOW};
	qnode *n = NULL;
	lede_err err;
	lede_status st = query_parse(&n, an, q, len, &o, &err);

	if (st != LEDE_ERR_QUERY)
		fail_msg("query [%.60s]: status %d, want QUERY", q, st);
	assert_null(n);
	if (strstr(err.msg, want) == NULL)
		fail_msg("query [%.60s]\n  got  %s\n  want %s", q, err.msg,
			 want);
}

struct dcase {
	const char *q;
	const char *want;
};

static void run_table(const struct dcase *t, size_t n, int any)
{
	for (size_t i = 0; i < n; i++)
		expect_desc(t[i].q, any, t[i].want);
}

static void test_words_and_implicit_and(void **state)
{
	static const struct dcase t[] = {
	    {"nato", "nato"},
	    {"NATO", "nato"},
	    {"nato summit", "(and nato summit)"},
	    {"deployed troops", "(and deployed~deploy troops~troop)"},
	    {"café", "cafe"},
	    {"Europe’s", "europe's~europ"},
	    {"don't", "don't"},
	    {"1,000 dollars", "(and 1000 dollars~dollar)"},
	    {"war or peace", "(and war peace~peac)"},
	    {"or and", "(and or and)"},
	    {"😀 nato ,,,", "nato"},
	    {"nato    \t\n summit", "(and nato summit)"},
	    {"+nato +summit", "(and nato summit)"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
}

static void test_any_mode(void **state)
{
	static const struct dcase t[] = {
	    {"nato summit", "(or nato summit)"},
	    {"nato summit -china", "(and (or nato summit) (not china))"},
	    {"nato summit lang:en", "(and (or nato summit) (filter Len))"},
	    {"nato summit AND brussels",
	     "(or nato (and summit brussels~brussel))"},
	    {"-china", "(not china)"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 1);
}

static void test_phrases_and_split_words(void **state)
{
	static const struct dcase t[] = {
	    {"\"defense spending\"", "(phrase defense spending)"},
	    {"\"the fall of rome\"", "(phrase the fall of rome)"},
	    {"\"deploy\"", "=deploy"},
	    {"“curly quotes”", "(phrase curly quotes)"},
	    {"non-NATO", "(phrase non nato)"},
	    {"U.S.-led coalition", "(and (phrase us led) coalition~coalit)"},
	    {"北京大学", "(phrase 北京 京大 大学)"},
	    {"北", "北"},
	    {"\"\"", NULL},
	};
	(void)state;
	for (size_t i = 0; i + 1 < sizeof t / sizeof t[0]; i++)
		expect_desc(t[i].q, 0, t[i].want);
	expect_err("\"\"", 2, "empty query");
}

static void test_prefix(void **state)
{
	(void)state;
	expect_desc("deplo*", 0, "deplo*");
	expect_desc("Déplo**", 0, "deplo*");
	expect_desc("title:summ*", 0, "title:summ*+sum");
	expect_desc("nato *", 0, "nato");
	/* The index holds stems: the prefix's stem and the stems of its
	 * completions go along. */
	expect_desc("happy*", 0, "happy*~happi");
	expect_desc("negotiat*", 0, "negotiat*+negoti");
	expect_desc("title:organizat*", 0, "title:organizat*+organiz,organ");
	expect_desc("by:ram*", 0, "by:ram*");
	expect_err("a*", 2, "column 1: prefix 'a*' is too short");
	expect_err("nato é*", 8, "column 6: prefix");
}

static void test_not(void **state)
{
	static const struct dcase t[] = {
	    {"nato -china", "(and nato (not china))"},
	    {"nato -\"north atlantic\"",
	     "(and nato (not (phrase north atlantic)))"},
	    {"nato NOT china", "(and nato (not china))"},
	    {"nato AND NOT china", "(and nato (not china))"},
	    {"NOT NOT china", "china"},
	    {"NOT -china", "china"},
	    {"--china", "(not china)"},
	    {"nato - china", "(and nato china)"},
	    {"nato --", "nato"},
	    {"nato NOT", "nato"},
	    {"-(nato summit)", "(not (and nato summit))"},
	    {"-china", "(not china)"},
	    {"nato OR -china", "(or nato (not china))"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
}

/* Precedence: OR binds tighter than AND (explicit or implicit), as web
 * search engines do: `nato spending OR budget` = nato AND (spending OR
 * budget). NEAR binds tightest. */
static void test_precedence(void **state)
{
	static const struct dcase t[] = {
	    {"nato spending OR budget",
	     "(and nato (or spending~spend budget))"},
	    {"nato OR otan summit", "(and (or nato otan) summit)"},
	    {"nato AND summit OR brussels",
	     "(and nato (or summit brussels~brussel))"},
	    {"nato OR summit AND brussels",
	     "(and (or nato summit) brussels~brussel)"},
	    {"(nato summit) OR brussels",
	     "(or (and nato summit) brussels~brussel)"},
	    {"nato OR summit OR brussels", "(or nato summit brussels~brussel)"},
	    {"x NEAR/3 y OR z", "(or (near/3 x y) z)"},
	    {"nato AND (summit OR (brussels AND paris))",
	     "(and nato (or summit (and brussels~brussel paris~pari)))"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
}

static void test_lenient_syntax(void **state)
{
	static const struct dcase t[] = {
	    {"OR nato OR", "nato"},
	    {"AND nato AND", "nato"},
	    {"nato OR OR summit", "(or nato summit)"},
	    {"nato AND OR summit", "(and nato summit)"},
	    {"(nato summit", "(and nato summit)"},
	    {"nato summit)", "(and nato summit)"},
	    {"((nato) summit))) (", "(and nato summit)"},
	    {"\"nato summit", "(phrase nato summit)"},
	    {"nato \"summit", "(and nato =summit)"},
	    {"nato NEAR", "nato"},
	    {"NEAR nato", "nato"},
	    {"unknown:field", "(phrase unknown field)"},
	    {"nato NEARBY", "(and nato nearby~nearbi)"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
	expect_err("()", 2, "empty query");
	expect_err("AND OR NOT", 10, "empty query");
	expect_err("", 0, "empty query");
	expect_err("\"", 1, "empty query");
	expect_err("- -- +", 6, "empty query");
	/* Empty says so, at column 1, and says what to do when blank. */
	expect_err("", 0, "column 1: empty query: give at least one word");
	expect_err("   ", 3, "column 1: empty query: give at least one word");
	expect_err("( )", 3, "column 1: empty query: it holds no word");
	/* A field name with nothing after it is not the word "title". */
	expect_err("title: nato", 11, "column 1: title: has no value");
	expect_err("nato title:", 11, "column 6: title: has no value");
	expect_err("(nato date:)", 12, "column 7: date: has no value");
	expect_err("nato LANG:", 10, "column 6: lang: has no value");
}

static void test_near(void **state)
{
	static const struct dcase t[] = {
	    {"apple NEAR/5 pie", "(near/5 apple pie)"},
	    {"apple NEAR pie", "(near/10 apple pie)"},
	    {"apple NEAR/2 pie NEAR/4 tart", "(near/4 apple pie tart)"},
	    {"\"apple pie\" NEAR/3 cream", "(near/3 apple pie cream)"},
	    {"the NEAR/2 end", "(near/2 the end)"},
	    {"apple NEAR/1 pie", "(near/1 apple pie)"},
	    {"apple NEAR/1000 pie", "(near/1000 apple pie)"},
	    {"(apple) NEAR/3 pie", "(near/3 apple pie)"},
	    {"apple NEAR/0012 pie", "(near/12 apple pie)"},
	    {"apple NEAR/0000000000001000 pie", "(near/1000 apple pie)"},
	    {"title:apple NEAR/2 pie", "(near/2 title:apple pie)"},
	    {"apple NEAR", "apple~appl"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
	/* Malformed NEAR: an error naming the column, never the words
	 * "near x" or a silent AND. */
	expect_err("nato NEAR/x spending", 20,
		   "column 6: bad NEAR distance 'NEAR/x'");
	expect_err("nato NEAR/ spending", 19, "column 6: bad NEAR distance");
	expect_err("nato NEAR/3x spending", 21, "column 6: bad NEAR distance");
	expect_err("nato NEAR/-3 spending", 21, "column 6: bad NEAR distance");
	/* Out of range: the same error, never a distance clamped into it
	 * (NEAR/0 ran as NEAR/1, NEAR/99999999999 as NEAR/1000). */
	static const char *const range[] = {
	    "nato NEAR/0 spending",
	    "nato NEAR/000 spending",
	    "nato NEAR/1001 spending",
	    "nato NEAR/999999 spending",
	    "nato NEAR/99999999999 spending",
	    "nato NEAR/12345678901234567890 spending"};
	for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
		expect_err(range[i], strlen(range[i]),
			   "column 6: bad NEAR distance 'NEAR/");
	expect_err("nato NEAR/0 spending", 20,
		   "(use NEAR/n, n a number of words from 1 to 1000)");
	/* NEAR beside another operator: an error at the NEAR, not an AND or
	 * OR without it (nato NEAR NEAR spending ran as nato AND spending) */
	expect_err("nato NEAR NEAR spending", 23,
		   "column 6: NEAR joins words and phrases, not another "
		   "operator");
	expect_err("nato NEAR/3 OR spending", 23,
		   "column 6: NEAR joins words and phrases, not another");
	expect_err("nato NEAR AND spending", 22,
		   "column 6: NEAR joins words and phrases, not another");
	expect_err("nato OR NEAR spending", 21,
		   "column 9: NEAR joins words and phrases, not another");
	expect_err("nato AND OR NEAR/2 spending", 27,
		   "column 13: NEAR joins words and phrases, not another");
	expect_err("nato NOT NEAR spending", 22,
		   "column 10: NEAR joins words and phrases, not another");
	expect_err("(a b) NEAR/3 c", 14,
		   "column 7: NEAR joins words and phrases, not a group");
	expect_err("(apple pie) NEAR/3 cream", 24,
		   "column 13: NEAR joins words and phrases, not a group");
	expect_err("cream NEAR (apple pie)", 22,
		   "column 7: NEAR joins words and phrases, not a group");
	expect_err("deplo* NEAR/3 troops", 20, "not a prefix");
	expect_err("troops NEAR/3 date:2025", 23, "not a filter");
	expect_err("troops NEAR/3 section:world", 27, "not a filter");
	expect_err("troops NEAR/3 -china", 20,
		   "column 8: NEAR joins words and phrases, not an excluded");
}

/* Each typed word carries its bytes in the query, for "did you mean";
 * field names, operators and filter values are not words at all. */
static void test_word_spans(void **state)
{
	const char *q = "lang:fr title:Ministers NEAR/3 \"non-NATO budgets\" "
			"-host:x.example 2025 deplo*";
	query_opts o = {0, NOW};
	qnode *n = NULL;
	lede_err err;
	buf b = BUF_INIT;
	const qnode *stack[64];
	size_t sp = 0;

	(void)state;
	assert_int_equal(query_parse(&n, an, q, strlen(q), &o, &err), LEDE_OK);
	/* depth first, in query order: "word|" per word with a span, "#"
	 * when the spelling table cannot help */
	stack[sp++] = n;
	while (sp > 0) {
		const qnode *x = stack[--sp];
		if (x->kind == QN_WORD && x->src_len > 0)
			buf_printf(&b, "%.*s%s|", (int)x->src_len, q + x->src,
				   (x->flags & QN_F_NOSPELL) ? "#" : "");
		if (x->kind == QN_PREFIX)
			continue;
		for (size_t i = x->nkids; i > 0 && sp < 64; i--)
			stack[sp++] = x->kids[i - 1];
	}
	assert_string_equal(b.data, "Ministers|non|NATO|budgets|2025#|");
	buf_free(&b);
	qnode_free(n);
}

static void test_fields(void **state)
{
	static const struct dcase t[] = {
	    {"title:deploy", "title:deploy"},
	    {"title:deployed", "title:deployed~deploy"},
	    {"TITLE:nato", "title:nato"},
	    {"title:\"nato summit\"", "title:(phrase nato summit)"},
	    {"title:(nato summit)", "(and title:nato title:summit)"},
	    {"title:(nato OR otan) brussels",
	     "(and (or title:nato title:otan) brussels~brussel)"},
	    {"by:raman", "by:raman"},
	    {"by:\"Priya Raman\"", "by:(phrase priya raman)"},
	    {"by:Ramanathan", "by:ramanathan"},
	    {"source:alpine", "source:alpine"},
	    {"source:\"Alpine Wire\"", "source:(phrase alpine wire)"},
	    {"section:World", "(filter Kworld)"},
	    {"section:\" Économie  Politique \"",
	     "(filter \"Keconomie politique\")"},
	    {"section:(world OR business)",
	     "(or (filter Kworld) (filter Kbusiness))"},
	    {"section:spo*", "section:spo*"},
	    {"lang:EN", "(filter Len)"},
	    {"host:www.BBC.co.uk", "(filter Hbbc.co.uk)"},
	    {"host:https://www.bbc.co.uk/news/world", "(filter Hbbc.co.uk)"},
	    {"host:http://user@WWW.Example.COM:8080/x?y#z",
	     "(filter Hexample.com)"},
	    {"host:www.", "(filter Hwww)"},
	    {"nato -section:sport", "(and nato (not (filter Ksport)))"},
	    {"by:the", "by:the"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
	/* "title:the nato": title:the is a stopword and dropped, nato
	 * stays; by: names keep their stopwords. */
	expect_desc("title:the nato", 0, "nato");
}

static void test_dates(void **state)
{
	static const struct dcase t[] = {
	    {"date:2025-02-13",
	     "(date 2025-02-13T00:00:00Z..2025-02-13T23:59:59Z)"},
	    {"date:2025-02",
	     "(date 2025-02-01T00:00:00Z..2025-02-28T23:59:59Z)"},
	    {"date:2024-02",
	     "(date 2024-02-01T00:00:00Z..2024-02-29T23:59:59Z)"},
	    {"date:2025", "(date 2025-01-01T00:00:00Z..2025-12-31T23:59:59Z)"},
	    {"date:2025-12",
	     "(date 2025-12-01T00:00:00Z..2025-12-31T23:59:59Z)"},
	    {"date:2025-01-01..2025-03-31",
	     "(date 2025-01-01T00:00:00Z..2025-03-31T23:59:59Z)"},
	    {"date:2025..", "(date 2025-01-01T00:00:00Z..)"},
	    {"date:..2024-06", "(date ..2024-06-30T23:59:59Z)"},
	    {"date:2024-02-29",
	     "(date 2024-02-29T00:00:00Z..2024-02-29T23:59:59Z)"},
	    {"date:2000-02-29",
	     "(date 2000-02-29T00:00:00Z..2000-02-29T23:59:59Z)"},
	    {"date:7d", "(date 2025-02-06T00:00:00Z..)"},
	    {"date:\"2025\"",
	     "(date 2025-01-01T00:00:00Z..2025-12-31T23:59:59Z)"},
	    {"nato date:2025",
	     "(and nato (date 2025-01-01T00:00:00Z..2025-12-31T23:59:59Z))"},
	    {"date:(2024 OR 2025)",
	     "(or (date 2024-01-01T00:00:00Z..2024-12-31T23:59:59Z) "
	     "(date 2025-01-01T00:00:00Z..2025-12-31T23:59:59Z))"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
}

static void test_date_errors(void **state)
{
	(void)state;
	expect_err("china date:yesterday", 20,
		   "column 7: bad date 'yesterday' (use YYYY, YYYY-MM, "
		   "YYYY-MM-DD or A..B)");
	expect_err("date:2025-13-45", 15, "column 1: bad date '2025-13-45'");
	expect_err("date:2025-02-30", 15, "bad date");
	expect_err("date:2023-02-29", 15, "bad date");
	expect_err("date:1900-02-29", 15, "bad date");
	expect_err("date:2025-1-5", 13, "bad date");
	expect_err("date:0000", 9, "bad date");
	expect_err("date:..", 7, "bad date");
	expect_err("date:2025-00", 12, "bad date");
	expect_err("date:20250", 10, "bad date");
	expect_err("date:2025..x", 12, "bad date '2025..x'");
	expect_err("date:2025..2024", 15,
		   "column 1: date range '2025..2024' ends before it starts");
	/* Columns count characters, not bytes. */
	expect_err("café date:x", 12, "column 6: bad date 'x'");
	/* Control characters of the query never reach the message. */
	expect_err("date:x\xc2\x9b"
		   "31m",
		   11, "bad date 'x?31m'");
}

static void test_stopwords(void **state)
{
	static const struct dcase t[] = {
	    {"the nato summit", "(and nato summit)"},
	    {"the", "the"},
	    {"to be or not to be", "(and to be or not to be)"},
	    {"the who", "(and the who)"},
	    {"\"the who\" tour", "(and (phrase the who) tour)"},
	    {"nato -the", "nato"},
	    {"the -china", "(and the (not china))"},
	    {"the OR nato", "nato"},
	    {"\"the\" nato", "(and =the nato)"},
	    {"of lang:en", "(filter Len)"},
	};
	(void)state;
	run_table(t, sizeof t / sizeof t[0], 0);
}

/* query_opts.keep_stopwords (lede_search_opts.keep_stopwords): the
 * stopwords of bag-of-words parts stay, ORed like the other words. */
static void test_keep_stopwords(void **state)
{
	query_opts o = {1, NOW, 1};
	qnode *n = NULL;
	lede_err err;
	buf b = BUF_INIT;

	(void)state;
	assert_int_equal(query_parse(&n, an, "the nato summit", 15, &o, &err),
			 LEDE_OK);
	assert_int_equal(query_describe(&b, n), LEDE_OK);
	assert_string_equal(b.data, "(or the nato summit)");
	buf_free(&b);
	qnode_free(n);
	expect_desc("the nato summit", 1, "(or nato summit)");
}

static void test_parse_date_api(void **state)
{
	int64_t lo, hi;
	lede_err err;

	(void)state;
	assert_int_equal(
	    query_parse_date(&lo, &hi, "2025-02-13", 10, NOW, &err), LEDE_OK);
	assert_int_equal(lo, 1739404800);
	assert_int_equal(hi, 1739404800 + 86399);
	assert_int_equal(query_parse_date(&lo, &hi, "1970", 4, NOW, &err),
			 LEDE_OK);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 365 * 86400 - 1);
	assert_int_equal(query_parse_date(&lo, &hi, "7d", 2, NOW, &err),
			 LEDE_OK);
	assert_int_equal(lo, NOW - 7 * 86400);
	assert_true(hi == INT64_MAX);
	assert_int_equal(query_parse_date(&lo, &hi, "2w", 2, NOW, &err),
			 LEDE_OK);
	assert_int_equal(lo, NOW - 14 * 86400);
	/* Calendar months and years, the day clamped. */
	assert_int_equal(query_parse_date(&lo, &hi, "1m", 2, NOW, &err),
			 LEDE_OK);
	assert_int_equal(lo, 1736726400); /* 2025-01-13 */
	assert_int_equal(query_parse_date(&lo, &hi, "3m", 2,
					  1748649600 /* 2025-05-31 */, &err),
			 LEDE_OK);
	assert_int_equal(lo, 1740700800); /* 2025-02-28 */
	assert_int_equal(query_parse_date(&lo, &hi, "1y", 2,
					  1709164800 /* 2024-02-29 */, &err),
			 LEDE_OK);
	assert_int_equal(lo, 1677542400); /* 2023-02-28 */
	assert_int_equal(query_parse_date(&lo, &hi, "yesterday", 9, NOW, &err),
			 LEDE_ERR_QUERY);
	assert_non_null(strstr(err.msg, "bad date 'yesterday'"));
	assert_int_equal(query_parse_date(&lo, &hi, "7x", 2, NOW, &err),
			 LEDE_ERR_QUERY);
	assert_int_equal(query_parse_date(&lo, &hi, "d", 1, NOW, &err),
			 LEDE_ERR_QUERY);
	assert_int_equal(query_parse_date(&lo, &hi, "", 0, NOW, &err),
			 LEDE_ERR_QUERY);
	assert_int_equal(query_parse_date(&lo, &hi, "1234567d", 8, NOW, &err),
			 LEDE_ERR_QUERY);
}

static void test_limits(void **state)
{
	buf b = BUF_INIT;
	double t0;

	(void)state;
	/* 100k terms: far over the length limit, refused at once. */
	for (int i = 0; i < 100000; i++)
		buf_printf(&b, "w%d ", i);
	t0 = now_s();
	expect_err(b.data, b.len, "query too long");
	assert_true(now_s() - t0 < TIME_BUDGET_S);
	/* Just over the term limit, within the length limit. */
	buf_reset(&b);
	for (int i = 0; i <= QUERY_MAX_TERMS; i++)
		buf_printf(&b, "w%d ", i);
	assert_true(b.len <= QUERY_MAX_BYTES);
	expect_err(b.data, b.len, "more than 1000 terms");
	/* A phrase of 1001 words counts too. */
	buf_reset(&b);
	buf_append_byte(&b, '"');
	for (int i = 0; i <= QUERY_MAX_TERMS; i++)
		buf_printf(&b, "w%d ", i);
	expect_err(b.data, b.len, "more than 1000 terms");
	/* A CJK run of 3000 characters: 3000 bigrams. */
	buf_reset(&b);
	for (int i = 0; i < 3000; i++)
		buf_append_str(&b, "北");
	expect_err(b.data, b.len, "more than 1000 terms");
	/* 10k nested parentheses: an error, not a stack overflow. */
	buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		buf_append_byte(&b, '(');
	buf_append_str(&b, "nato");
	t0 = now_s();
	expect_err(b.data, b.len, "column 65: parentheses nested too deeply");
	assert_true(now_s() - t0 < TIME_BUDGET_S);
	/* The limit itself is fine. */
	buf_reset(&b);
	for (int i = 0; i < QUERY_MAX_DEPTH; i++)
		buf_append_byte(&b, '(');
	buf_append_str(&b, "nato");
	expect_desc(b.data, 0, "nato");
	/* 5000 NOTs and minus runs: loops, not recursion. */
	buf_reset(&b);
	for (int i = 0; i < 3000; i++)
		buf_append_str(&b, "NOT ");
	buf_append_str(&b, "nato");
	expect_desc(b.data, 0, "nato");
	buf_reset(&b);
	for (int i = 0; i < 16000; i++)
		buf_append_byte(&b, '-');
	buf_append_str(&b, "nato");
	expect_desc(b.data, 0, "(not nato)");
	/* Exactly QUERY_MAX_BYTES is accepted. */
	buf_reset(&b);
	while (b.len < QUERY_MAX_BYTES)
		buf_append_byte(&b, ' ');
	memcpy(b.data, "nato", 4);
	expect_desc(b.data, 0, "nato");
	buf_append_byte(&b, ' ');
	expect_err(b.data, b.len, "query too long");
	buf_free(&b);
}

static void test_binary_input(void **state)
{
	static const char q[] = "na\0to \xff\xfe summit \x80\"\x1b";
	qnode *n = NULL;
	lede_err err;
	buf b = BUF_INIT;

	(void)state;
	/* Any bytes: no crash, a tree or a clean error. */
	lede_status st = query_parse(&n, an, q, sizeof q - 1, NULL, &err);
	assert_true(st == LEDE_OK || st == LEDE_ERR_QUERY);
	if (st == LEDE_OK) {
		assert_int_equal(query_describe(&b, n), LEDE_OK);
		for (size_t i = 0; i < b.len; i++)
			assert_true((unsigned char)b.data[i] >= 0x20);
	}
	buf_free(&b);
	qnode_free(n);
}

static int count_word(void *ctx, const char *term, size_t len, const char *stem,
		      size_t stem_len, qfield field)
{
	buf *b = ctx;

	buf_printf(b, "%.*s/%.*s/%d ", (int)len, term, (int)stem_len,
		   stem ? stem : "", (int)field);
	return 0;
}

static void test_wildcard_message(void **state)
{
	qnode *n = NULL;
	lede_err err;

	(void)state;
	assert_int_equal(
	    query_parse(&n, an, "nato th* title:summi*", 21, NULL, &err),
	    LEDE_OK);
	assert_int_equal(query_wildcard_error(&err, n), LEDE_ERR_QUERY);
	assert_string_equal(err.msg,
			    "prefix 'th*' matches too many words; make it "
			    "longer");
	qnode_free(n);
}

static void test_query_words(void **state)
{
	qnode *n = NULL;
	lede_err err;
	buf b = BUF_INIT;
	const char *q = "deployed \"nato summit\" -china title:troops "
			"(x NEAR/2 y) \"exact\" lang:en";

	(void)state;
	assert_int_equal(query_parse(&n, an, q, strlen(q), NULL, &err),
			 LEDE_OK);
	assert_int_equal(query_words(n, count_word, &b), LEDE_OK);
	assert_string_equal(b.data,
			    "deployed/deploy/0 nato/nato/0 "
			    "summit/summit/0 troops/troop/1 x/x/0 "
			    "y/y/0 exact/exact/0 "); /* stems-only: exact words
							have stems too */
	buf_free(&b);
	qnode_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_and_implicit_and),
	    cmocka_unit_test(test_any_mode),
	    cmocka_unit_test(test_phrases_and_split_words),
	    cmocka_unit_test(test_prefix),
	    cmocka_unit_test(test_not),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_lenient_syntax),
	    cmocka_unit_test(test_near),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_date_errors),
	    cmocka_unit_test(test_stopwords),
	    cmocka_unit_test(test_keep_stopwords),
	    cmocka_unit_test(test_parse_date_api),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_binary_input),
	    cmocka_unit_test(test_wildcard_message),
	    cmocka_unit_test(test_query_words),
	    cmocka_unit_test(test_word_spans),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
