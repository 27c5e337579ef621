/*
 * api_index.c - the public API from a caller's side: lifetimes, error
 * paths and misuse. Includes nothing but <lede.h> (and cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lede.h>

static char tmpdir[64];
static pid_t server_pid = -1; /* a xapian-tcpsrv a test started */

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lede-api-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	if (server_pid > 0) { /* a failed test left it running */
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *index_path(const char *name)
{
	static char p[128];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	return p;
}

static lede_index *create(const char *name, const char *lang)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *idx = NULL;

	oo.flags = LEDE_OPEN_CREATE;
	oo.lang = lang;
	assert_int_equal(lede_index_open(&idx, index_path(name), &oo), LEDE_OK);
	return idx;
}

static void add(lede_index *idx, const char *id, const char *title,
                const char *body, int64_t date)
{
	lede_article a = LEDE_ARTICLE_INIT;
	a.id = id;
	a.title = title;
	a.body = body;
	a.body_len = strlen(body);
	a.date = date;
	assert_int_equal(lede_index_add(idx, &a), LEDE_OK);
}

static void fill(lede_index *idx)
{
	add(idx, "a1", "NATO defense spending rises",
	    "Allies agreed to raise defense spending. Troops were deployed.",
	    1739404800);
	add(idx, "a2", "Central bank holds rates",
	    "The central bank kept interest rates unchanged.", 1700000000);
	add(idx, "a3", "Budget talks",
	    "Ministers discussed spending on schools and defense.", 1600000000);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
}

static void test_version_and_status(void **state)
{
	(void)state;
	assert_string_equal(lede_version(), LEDE_VERSION_STRING);
	for (int s = LEDE_OK; s <= LEDE_ERR_INTERNAL; s++)
		assert_string_not_equal(lede_status_str((lede_status)s),
		                        "unknown status");
	assert_string_equal(lede_status_str((lede_status)999),
	                    "unknown status");
}

static void test_open_missing(void **state)
{
	lede_index *idx = NULL;
	(void)state;
	assert_int_equal(lede_index_open(&idx, index_path("nope"), NULL),
	                 LEDE_ERR_NOT_FOUND);
	assert_non_null(idx);
	assert_non_null(strstr(lede_errmsg(idx), "no index"));
	lede_index_close(idx);
	assert_int_equal(lede_index_close(NULL), LEDE_OK);
}

static void test_add_search_close_order(void **state)
{
	lede_index *idx = create("basic", NULL);
	lede_results *res = NULL;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	uint64_t n = 0;
	const lede_hit *h;
	(void)state;

	fill(idx);
	assert_int_equal(lede_index_count(&n, idx), LEDE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(lede_index_lang(idx), "english");
	so.snippets = 1;
	assert_int_equal(lede_search(&res, idx, "defense spending", &so),
	                 LEDE_OK);
	/* results outlive the index handle */
	lede_index_close(idx);
	assert_int_equal(lede_results_count(res), 2);
	h = lede_results_hit(res, 0);
	assert_string_equal(h->article.id, "a1"); /* title match ranks first */
	assert_string_equal(h->article.title, "NATO defense spending rises");
	assert_int_equal(h->article.date, 1739404800);
	assert_int_equal(h->rank, 1);
	assert_true(h->nsnippets >= 1);
	assert_true(h->snippets[0].nhighlights >= 1);
	{
		const lede_fragment *f = &h->snippets[0];
		size_t s = f->highlights[0], e = f->highlights[1];
		assert_true(e <= f->len && s < e);
		assert_true((e - s == 7 && memcmp(f->text + s, "defense", 7) ==
		                               0) ||
		            (e - s == 8 && memcmp(f->text + s, "spending", 8) ==
		                               0));
	}
	assert_null(lede_results_hit(res, 2));
	lede_results_free(res);
	lede_results_free(NULL);
}

/* Options of version 2: stopwords kept in a ranked query, pseudo-relevance
 * feedback; and a version 1 struct still accepted. */
static void test_keep_stopwords_expand(void **state)
{
	lede_index *idx = create("prf", NULL);
	lede_results *res = NULL;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	(void)state;

	fill(idx);
	so.any = 1;
	/* "and" is a stopword: dropped, only "bank" is searched (a2) */
	assert_int_equal(lede_search(&res, idx, "and bank", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 1);
	lede_results_free(res);
	/* kept: a3 ("schools and defense") matches too, after a2 */
	so.keep_stopwords = 1;
	assert_int_equal(lede_search(&res, idx, "and bank", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 2);
	assert_string_equal(lede_results_hit(res, 0)->article.id, "a2");
	lede_results_free(res);
	so.keep_stopwords = 0;
	/* "troops" is only in a1; feedback from a1 adds its terms
	 * (defense, spending ...), which a3 shares */
	assert_int_equal(lede_search(&res, idx, "troops", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 1);
	lede_results_free(res);
	so.expand = 1;
	so.expand_terms = 10;
	assert_int_equal(lede_search(&res, idx, "troops", &so), LEDE_OK);
	assert_true(lede_results_count(res) >= 2);
	assert_string_equal(lede_results_hit(res, 0)->article.id, "a1");
	lede_results_free(res);
	/* expansion keeps the filters: a1 is from 2025, a3 from 2020 */
	so.since = 1700000000;
	assert_int_equal(lede_search(&res, idx, "troops", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 1);
	lede_results_free(res);
	so.since = LEDE_NO_DATE;
	/* and the query's own filters and exclusions, a phrase's too (this
	 * index keeps no positions: checked on the text): a3 joined each
	 * of these before, the added words ORed above the query's
	 * constraints; AND or OR alike */
	for (int any = 0; any <= 1; any++) {
		static const char *const qs[] = {
		    "troops date:2025", "troops -schools", "troops NOT ministers",
		    "troops -\"schools and defense\"",
		    "troops -(budget OR schools) date:2024..2026"};
		so.any = any;
		for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
			assert_int_equal(lede_search(&res, idx, qs[i], &so),
			                 LEDE_OK);
			if (lede_results_count(res) != 1)
				fail_msg("[%s] any=%d: %zu hits", qs[i], any,
				         lede_results_count(res));
			assert_string_equal(lede_results_hit(res, 0)->article.id,
			                    "a1");
			lede_results_free(res);
		}
	}
	/* a phrase that does not exclude a3 leaves it to the added words */
	assert_int_equal(
	    lede_search(&res, idx, "troops -\"defense schools\"", &so),
	    LEDE_OK);
	assert_int_equal(lede_results_count(res), 2);
	lede_results_free(res);
	/* a version 1 caller: the new fields are not read */
	so = (lede_search_opts)LEDE_SEARCH_OPTS_INIT;
	so.version = 1;
	so.any = 1;
	assert_int_equal(lede_search(&res, idx, "and bank", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 1);
	lede_results_free(res);
	so.version = 3;
	assert_int_equal(lede_search(&res, idx, "bank", &so), LEDE_ERR_INVALID);
	lede_index_close(idx);
}

static void test_sort_and_dates(void **state)
{
	lede_index *idx = create("dates", NULL);
	lede_results *res = NULL;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	(void)state;

	fill(idx);
	so.sort = LEDE_SORT_OLDEST;
	assert_int_equal(lede_search(&res, idx, "spending", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 2);
	assert_string_equal(lede_results_hit(res, 0)->article.id, "a3");
	lede_results_free(res);
	so.sort = LEDE_SORT_NEWEST;
	assert_int_equal(lede_search(&res, idx, "spending", &so), LEDE_OK);
	assert_string_equal(lede_results_hit(res, 0)->article.id, "a1");
	lede_results_free(res);
	so.since = 1650000000;
	assert_int_equal(lede_search(&res, idx, "defense OR rates", &so),
	                 LEDE_OK);
	assert_int_equal(lede_results_count(res), 2);
	lede_results_free(res);
	lede_index_close(idx);
}

static void test_bad_query(void **state)
{
	lede_index *idx = create("badq", NULL);
	lede_results *res = (lede_results *)1;
	(void)state;

	fill(idx);
	assert_int_equal(lede_search(&res, idx, "nato date:2025-13-45", NULL),
	                 LEDE_ERR_QUERY);
	assert_null(res);
	assert_non_null(strstr(lede_errmsg(idx), "column"));
	assert_int_equal(lede_search(&res, idx, "   ", NULL), LEDE_ERR_QUERY);
	lede_index_close(idx);
}

/* The numeric options: NaN, infinities and values past their LEDE_MAX_*
 * bound are LEDE_ERR_INVALID naming the option (k1 = INFINITY gave every
 * hit the score NaN, in no order; NaN ran as the default); the bounds
 * themselves give finite scores in order. */
static void test_numeric_options(void **state)
{
	lede_index *idx = create("numbers", NULL);
	lede_results *res = (lede_results *)1;
	lede_search_opts so;
	static const struct {
		const char *name;
		double v;
	} bad[] = {
	    {"k1", INFINITY},   {"k1", -INFINITY},  {"k1", NAN},
	    {"k1", 1e308},      {"k1", 1001},       {"b", NAN},
	    {"b", INFINITY},    {"b", 1.5},         {"title_weight", INFINITY},
	    {"title_weight", NAN}, {"title_weight", 1e308},
	    {"recency_days", NAN}, {"recency_days", INFINITY},
	    {"recency_days", 1e300},
	};
	(void)state;

	fill(idx);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		so = (lede_search_opts)LEDE_SEARCH_OPTS_INIT;
		if (!strcmp(bad[i].name, "k1"))
			so.k1 = bad[i].v;
		else if (!strcmp(bad[i].name, "b"))
			so.b = bad[i].v;
		else if (!strcmp(bad[i].name, "title_weight"))
			so.title_weight = bad[i].v;
		else
			so.recency_days = bad[i].v;
		res = (lede_results *)1;
		if (lede_search(&res, idx, "defense", &so) != LEDE_ERR_INVALID)
			fail_msg("%s=%g accepted", bad[i].name, bad[i].v);
		assert_null(res);
		assert_non_null(strstr(lede_errmsg(idx), bad[i].name));
	}
	so = (lede_search_opts)LEDE_SEARCH_OPTS_INIT;
	so.k1 = LEDE_MAX_K1;
	so.title_weight = LEDE_MAX_TITLE_WEIGHT;
	so.recency_days = LEDE_MAX_RECENCY_DAYS;
	assert_int_equal(lede_search(&res, idx, "defense", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 2);
	for (size_t i = 0; i < 2; i++)
		assert_true(isfinite(lede_results_hit(res, i)->score) &&
		            lede_results_hit(res, i)->score > 0);
	assert_true(lede_results_hit(res, 0)->score >=
	            lede_results_hit(res, 1)->score);
	lede_results_free(res);
	lede_index_close(idx);
}

/* "Did you mean" corrects the words of the text only: never a field name
 * (lang: must not become long:), never a filter value, and the field
 * syntax of the query comes back as typed. */
static void test_suggestion_keeps_fields(void **state)
{
	lede_index *idx = create("spellf", NULL);
	lede_results *res = NULL;
	static const struct {
		const char *q, *want; /* want NULL: no suggestion */
	} t[] = {
	    {"lang:en spening", "lang:en spending"},
	    {"title:spening", "title:spending"},
	    {"title:\"defense spening\"  -lang:de", "title:\"defense spending\"  -lang:de"},
	    {"section:world", NULL},
	    {"host:spening.example", NULL},
	    {"section:spening nato", NULL},
	    {"lang:fr", NULL},
	    {"by:raman spening", "by:raman spending"},
	    {"nato -spening", "nato -spending"},
	};
	(void)state;

	fill(idx);
	/* "long" and "time" in the spelling table: one edit from the field
	 * names lang: and title: */
	add(idx, "a4", "A long time", "It took a long time to agree.", 0);
	add(idx, "a5", "Long talks", "Talks ran a long time again.", 0);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(lede_search(&res, idx, t[i].q, NULL), LEDE_OK);
		const char *got = lede_results_suggestion(res);
		if (t[i].want == NULL && got != NULL)
			fail_msg("[%s]: suggestion [%s], want none", t[i].q,
			         got);
		if (t[i].want != NULL &&
		    (got == NULL || strcmp(got, t[i].want) != 0))
			fail_msg("[%s]: suggestion [%s], want [%s]", t[i].q,
			         got ? got : "(none)", t[i].want);
		lede_results_free(res);
	}
	lede_index_close(idx);
}

/* lede_results_total: exact when every match was seen, never below the
 * hits up to the end of the page, and an offset past the end still
 * knows how many matched. */
static void test_total_is_honest(void **state)
{
	lede_index *idx = create("total", NULL);
	lede_results *res = NULL;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	char id[16], title[64], body[128];
	(void)state;

	/* 7 matches among 40 articles, the word in title and body, the
	 * others holding it in the title only or in the body only: Xapian's
	 * estimate for the title-or-body query alone is off. */
	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "t%d", i);
		snprintf(title, sizeof title, "%s report %d",
		         i < 7 ? "Harbour" : "City", i);
		snprintf(body, sizeof body,
		         "%s story number %d about the weather and roads.",
		         i < 7 ? "The harbour" : "A city", i);
		add(idx, id, title, body, 1700000000 + i);
	}
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	/* a page exactly as long as the matches, and a longer one */
	for (unsigned limit = 7; limit <= 8; limit++) {
		so.limit = limit;
		assert_int_equal(lede_search(&res, idx, "harbour", &so),
		                 LEDE_OK);
		assert_int_equal(lede_results_count(res), 7);
		assert_int_equal(lede_results_total(res), 7);
		lede_results_free(res);
	}
	so.limit = 3;
	so.offset = 5;
	assert_int_equal(lede_search(&res, idx, "harbour OR weather", &so),
	                 LEDE_OK);
	assert_int_equal(lede_results_count(res), 3);
	assert_true(lede_results_total(res) >= 8);
	lede_results_free(res);
	so.limit = 10;
	so.offset = 7;
	assert_int_equal(lede_search(&res, idx, "harbour", &so), LEDE_OK);
	assert_int_equal(lede_results_count(res), 0);
	assert_int_equal(lede_results_total(res), 7);
	lede_results_free(res);
	/* far past the end, counted exactly or not: the empty page proves no
	 * match, the total is not the offset (it was 100) */
	so.offset = 100;
	for (int exact = 0; exact <= 1; exact++) {
		so.exact_count = exact;
		assert_int_equal(lede_search(&res, idx, "harbour", &so),
		                 LEDE_OK);
		assert_int_equal(lede_results_count(res), 0);
		assert_int_equal(lede_results_total(res), 7);
		lede_results_free(res);
	}
	so.exact_count = 0;
	so.offset = 0;
	so.recency_days = 30;
	assert_int_equal(lede_search(&res, idx, "harbour", &so), LEDE_OK);
	assert_int_equal(lede_results_total(res), 7);
	lede_results_free(res);
	lede_index_close(idx);
}

static void test_settings_mismatch(void **state)
{
	lede_index *idx = create("fr", "french");
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	(void)state;

	lede_index_close(idx);
	oo.lang = "german";
	assert_int_equal(lede_index_open(&idx, index_path("fr"), &oo),
	                 LEDE_ERR_SETTINGS);
	assert_non_null(strstr(lede_errmsg(idx), "french"));
	lede_index_close(idx);
	oo.lang = NULL;
	assert_int_equal(lede_index_open(&idx, index_path("fr"), &oo), LEDE_OK);
	assert_string_equal(lede_index_lang(idx), "french");
	lede_index_close(idx);
	oo.flags = LEDE_OPEN_CREATE;
	oo.lang = "klingon";
	assert_int_equal(lede_index_open(&idx, index_path("kl"), &oo),
	                 LEDE_ERR_INVALID);
	assert_non_null(strstr(lede_errmsg(idx), "english"));
	lede_index_close(idx);
}

/* A create refused for a bad setting writes nothing: no directory, and
 * an empty directory the caller made stays empty, so the next create with
 * good settings succeeds. Once, an unknown language was stored first and
 * refused after, leaving an index no open accepted. */
static void test_refused_create_writes_nothing(void **state)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *idx = NULL;
	struct stat sb;
	char cmd[192];
	(void)state;

	oo.flags = LEDE_OPEN_CREATE;
	for (int k = 0; k < 5; k++) {
		lede_open_opts bad = oo;
		switch (k) {
		case 0: bad.lang = "klingon"; break;
		case 1: bad.lang = "englishenglishenglishenglishenglish"; break;
		case 2: bad.shard_by = "week"; break;
		case 3: bad.b = 2; break;
		case 4: bad.positions = 2; break;
		}
		assert_int_equal(lede_index_open(&idx, index_path("new"), &bad),
		                 LEDE_ERR_INVALID);
		lede_index_close(idx);
		assert_int_not_equal(stat(index_path("new"), &sb), 0);
	}
	assert_int_equal(mkdir(index_path("empty"), 0755), 0);
	oo.lang = "klingon";
	assert_int_equal(lede_index_open(&idx, index_path("empty"), &oo),
	                 LEDE_ERR_INVALID);
	assert_non_null(strstr(lede_errmsg(idx), "unknown language 'klingon'"));
	lede_index_close(idx);
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"",
	         index_path("empty"));
	assert_int_equal(system(cmd), 0);
	oo.lang = "french";
	assert_int_equal(lede_index_open(&idx, index_path("empty"), &oo),
	                 LEDE_OK);
	assert_string_equal(lede_index_lang(idx), "french");
	lede_index_close(idx);
}

/* Index format 5: positions are kept only when asked for, on create;
 * phrases match alike either way (an embedding program's view). */
static uint64_t phrase_total(lede_index *idx, const char *q)
{
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	lede_results *res = NULL;
	uint64_t n;

	so.exact_count = 1;
	assert_int_equal(lede_search(&res, idx, q, &so), LEDE_OK);
	n = lede_results_total(res);
	lede_results_free(res);
	return n;
}

/* Opens name with oo, expecting status; closes it again. */
static void open_expect(const char *name, const lede_open_opts *oo,
                        lede_status want)
{
	lede_index *idx = NULL;

	assert_int_equal(lede_index_open(&idx, index_path(name), oo), want);
	if (want == LEDE_ERR_SETTINGS)
		assert_non_null(strstr(lede_errmsg(idx), "positions"));
	lede_index_close(idx);
}

static void test_positions(void **state)
{
	static const char *const qs[] = { "\"defense spending\"",
		                          "\"spending defense\"",
		                          "spending -\"defense spending\"",
		                          "defense NEAR/2 spending",
		                          "defense NEAR/5 spending",
		                          "\"interest rates\" OR budget" };
	static const uint64_t want[] = { 1, 0, 1, 1, 2, 2 };
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *np = create("np", NULL), *wp = NULL;
	(void)state;

	oo.flags = LEDE_OPEN_CREATE;
	oo.positions = 1;
	assert_int_equal(lede_index_open(&wp, index_path("wp"), &oo), LEDE_OK);
	fill(np);
	fill(wp);
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		assert_int_equal(phrase_total(np, qs[i]), want[i]);
		assert_int_equal(phrase_total(wp, qs[i]), want[i]);
	}
	lede_index_close(np);
	lede_index_close(wp);
	/* fixed on create */
	oo.flags = LEDE_OPEN_WRITE;
	assert_int_equal(lede_index_open(&np, index_path("np"), &oo),
	                 LEDE_ERR_SETTINGS);
	assert_non_null(strstr(lede_errmsg(np), "without positions"));
	lede_index_close(np);
	oo.positions = 2;
	open_expect("np", &oo, LEDE_ERR_INVALID);
	oo.positions = -1;
	open_expect("np", &oo, LEDE_OK);
	/* a caller built before version 3 (its struct ends before
	 * positions, which is then never read) gets the default */
	oo.version = 2;
	oo.positions = 99;
	oo.flags = LEDE_OPEN_CREATE;
	assert_int_equal(lede_index_open(&np, index_path("np2"), &oo),
	                 LEDE_OK);
	fill(np);
	assert_int_equal(phrase_total(np, "\"defense spending\""), 1);
	lede_index_close(np);
	oo.version = 3;
	oo.positions = 1;
	oo.flags = LEDE_OPEN_WRITE;
	open_expect("np2", &oo, LEDE_ERR_SETTINGS);
}

/* Pages of a phrase that one match in ten holds: without positions the
 * matches are checked ahead of the match, ranking more of them while too
 * few hold it (xapian_c.cc accept_ahead); every page, score and count
 * must be what positions give. */
static void page_ids(lede_index *idx, const char *q, unsigned offset,
                     char *out, size_t cap)
{
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	lede_results *res = NULL;
	size_t len = 0;

	so.offset = offset;
	so.limit = 10;
	so.snippets = 0;
	assert_int_equal(lede_search(&res, idx, q, &so), LEDE_OK);
	out[0] = '\0';
	for (size_t i = 0; i < lede_results_count(res); i++) {
		const lede_hit *h = lede_results_hit(res, i);
		len += (size_t)snprintf(out + len, cap - len, "%s:%.6f ",
		                        h->article.id, h->score);
	}
	lede_results_free(res);
}

static void test_phrase_pages(void **state)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *np = create("pp-np", NULL), *wp = NULL;
	char a[2048], b[2048], id[32], body[512];
	(void)state;

	oo.flags = LEDE_OPEN_CREATE;
	oo.positions = 1;
	assert_int_equal(lede_index_open(&wp, index_path("pp-wp"), &oo),
	                 LEDE_OK);
	for (int i = 0; i < 300; i++) {
		int n = 0;

		snprintf(id, sizeof id, "d%03d", i);
		/* both words everywhere, side by side in one article in ten;
		 * lengths vary so scores do not tie */
		n += snprintf(body + n, sizeof body - n, "%s",
		              i % 10 == 3 ? "harbour ferry"
		                          : "harbour old ferry");
		for (int k = 0; k < i % 17; k++)
			n += snprintf(body + n, sizeof body - n, " filler%d",
			              k);
		add(np, id, "", body, 1700000000);
		add(wp, id, "", body, 1700000000);
	}
	assert_int_equal(lede_index_commit(np), LEDE_OK);
	assert_int_equal(lede_index_commit(wp), LEDE_OK);
	for (unsigned off = 0; off <= 30; off += 10) {
		page_ids(np, "\"harbour ferry\"", off, a, sizeof a);
		page_ids(wp, "\"harbour ferry\"", off, b, sizeof b);
		assert_string_equal(a, b);
	}
	assert_int_equal(phrase_total(np, "\"harbour ferry\""), 30);
	assert_int_equal(phrase_total(wp, "\"harbour ferry\""), 30);
	assert_int_equal(phrase_total(np, "\"ferry harbour\""), 0);
	lede_index_close(np);
	lede_index_close(wp);
}

/* Index format 4: BM25's length normalisation lives in the postings. */
static double score_of(lede_index *idx, const char *query, const char *id,
                       double b)
{
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	lede_results *res = NULL;
	double s = -1;

	so.limit = 500;
	so.snippets = 0;
	so.b = b;
	assert_int_equal(lede_search(&res, idx, query, &so), LEDE_OK);
	for (size_t i = 0; i < lede_results_count(res); i++)
		if (strcmp(lede_results_hit(res, i)->article.id, id) == 0)
			s = lede_results_hit(res, i)->score;
	lede_results_free(res);
	assert_true(s > 0);
	return s;
}

/* A body of n words: word once, then filler. */
static void add_len(lede_index *idx, const char *id, const char *word, int n)
{
	char body[8192];
	size_t len = 0;

	len += (size_t)snprintf(body, sizeof body, "%s", word);
	for (int i = 1; i < n && len + 16 < sizeof body; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		                        " filler%d", i % 50);
	add(idx, id, "", body, 1700000000);
}

static void test_impacts(void **state)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	lede_results *res = NULL;
	lede_index *idx = NULL;
	char id[16];
	double first, last, s_short, s_long;
	(void)state;

	/* Fewer articles than a sample, and more: either way the first
	 * article put is measured against the same average as the last,
	 * not against the running average it saw. */
	for (int n = 0; n < 2; n++) {
		int count = n ? 300 : 20;
		const char *name = n ? "imp300" : "imp20";

		idx = create(name, NULL);
		/* of about the average length: a short one would fall under
		 * BM25's floor (half the average) either way */
		add_len(idx, "first", "harbour", 150);
		for (int i = 0; i < count; i++) {
			snprintf(id, sizeof id, "f%d", i);
			add_len(idx, id, i % 3 ? "quay" : "harbour",
			        60 + (i % 7) * 40);
		}
		add_len(idx, "last", "harbour", 150);
		assert_int_equal(lede_index_commit(idx), LEDE_OK);
		first = score_of(idx, "harbour", "first", -1);
		last = score_of(idx, "harbour", "last", -1);
		assert_true(first == last);
		/* length normalisation: shorter scores higher */
		s_short = score_of(idx, "harbour", "first", -1);
		s_long = score_of(idx, "harbour", "f6", -1);
		assert_true(s_short > 1.1 * s_long);
		/* b is the index's: the same one is accepted, another is not */
		assert_true(score_of(idx, "harbour", "first", 0.5) == first);
		so.b = 0.75;
		assert_int_equal(lede_search(&res, idx, "harbour", &so),
		                 LEDE_ERR_INVALID);
		assert_null(res);
		assert_non_null(strstr(lede_errmsg(idx), "b=0.5"));
		lede_index_close(idx);
	}

	/* The average moves as the index grows: a commit that finds it
	 * more than 10% away measures every article again. Scores then
	 * follow BM25's formula with the index's true average (k1 = 2,
	 * b = 0.5, lengths under half the average count as half). */
	idx = create("drift", NULL);
	for (int i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "s%d", i);
		add_len(idx, id, "quay", 20);
	}
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	for (int i = 0; i < 600; i++) {
		snprintf(id, sizeof id, "l%d", i);
		add_len(idx, id, "quay", 300);
	}
	add_len(idx, "h1", "harbour", 150);
	add_len(idx, "h2", "harbour", 400);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	{
		double avg = (300.0 * 20 + 600.0 * 300 + 150 + 400) / 902;
		double n1 = 0.5 + 0.5 * (150 / avg), n2 = 0.5 + 0.5 * (400 / avg);
		double want = (2 * n2 + 1) / (2 * n1 + 1);
		double got = score_of(idx, "harbour", "h1", -1) /
		             score_of(idx, "harbour", "h2", -1);
		assert_true(got > 0.98 * want && got < 1.02 * want);
	}
	lede_index_close(idx);

	/* b = 0 built in: length does not count */
	oo.flags = LEDE_OPEN_CREATE;
	oo.b = 0;
	assert_int_equal(lede_index_open(&idx, index_path("b0"), &oo), LEDE_OK);
	add_len(idx, "short", "harbour", 10);
	add_len(idx, "long", "harbour", 400);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	assert_true(score_of(idx, "harbour", "short", -1) ==
	            score_of(idx, "harbour", "long", -1));
	lede_index_close(idx);
	/* reopened with another b or avglen: refused, like another lang */
	oo.flags = LEDE_OPEN_WRITE;
	oo.b = 0.5;
	assert_int_equal(lede_index_open(&idx, index_path("b0"), &oo),
	                 LEDE_ERR_SETTINGS);
	assert_non_null(strstr(lede_errmsg(idx), "b=0"));
	lede_index_close(idx);
	oo.b = -1;
	oo.avglen = 50;
	assert_int_equal(lede_index_open(&idx, index_path("b0"), &oo),
	                 LEDE_ERR_SETTINGS);
	lede_index_close(idx);
	oo.avglen = -3;
	assert_int_equal(lede_index_open(&idx, index_path("b0"), &oo),
	                 LEDE_ERR_INVALID);
	lede_index_close(idx);

	/* Two indexes given the same average length score an article
	 * alike whatever else they hold. */
	oo.flags = LEDE_OPEN_CREATE;
	oo.avglen = 100;
	assert_int_equal(lede_index_open(&idx, index_path("al1"), &oo),
	                 LEDE_OK);
	add_len(idx, "x", "harbour", 80);
	add_len(idx, "y", "harbour", 10);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	first = score_of(idx, "harbour", "x", -1);
	lede_index_close(idx);
	assert_int_equal(lede_index_open(&idx, index_path("al2"), &oo),
	                 LEDE_OK);
	add_len(idx, "x", "harbour", 80);
	add_len(idx, "z", "harbour", 900);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	assert_true(score_of(idx, "harbour", "x", -1) == first);
	lede_index_close(idx);
}

static void test_bad_articles(void **state)
{
	lede_index *idx = create("bad", NULL);
	lede_article a = LEDE_ARTICLE_INIT;
	static char big[9 * 1024 * 1024];
	(void)state;

	a.body = "text";
	a.body_len = 4;
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_INVALID); /* no id */
	a.id = "x";
	a.title = "bad \xff utf8";
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_INVALID);
	a.title = NULL;
	memset(big, 'a', sizeof big);
	a.body = big;
	a.body_len = sizeof big;
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_TOO_BIG);
	assert_int_equal(lede_index_add(idx, NULL), LEDE_ERR_INVALID);
	/* the handle still works */
	add(idx, "ok", "fine", "a fine article", LEDE_NO_DATE);
	assert_int_equal(lede_index_delete(idx, "missing"), LEDE_ERR_NOT_FOUND);
	assert_int_equal(lede_index_delete(idx, "ok"), LEDE_OK);
	assert_int_equal(lede_index_close(idx), LEDE_OK);
}

static void test_read_only_and_lock(void **state)
{
	lede_index *w = create("lock", NULL), *w2 = NULL, *r = NULL;
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_article a = LEDE_ARTICLE_INIT;
	(void)state;

	fill(w);
	oo.flags = LEDE_OPEN_WRITE;
	assert_int_equal(lede_index_open(&w2, index_path("lock"), &oo),
	                 LEDE_ERR_LOCKED);
	assert_non_null(strstr(lede_errmsg(w2), "locked by another indexer"));
	lede_index_close(w2);
	assert_int_equal(lede_index_open(&r, index_path("lock"), NULL), LEDE_OK);
	a.id = "z";
	a.body = "z";
	a.body_len = 1;
	assert_int_equal(lede_index_add(r, &a), LEDE_ERR_READ_ONLY);
	assert_int_equal(lede_index_commit(r), LEDE_ERR_READ_ONLY);
	lede_index_close(r);
	lede_index_close(w);
	/* released: a new writer gets it */
	assert_int_equal(lede_index_open(&w2, index_path("lock"), &oo), LEDE_OK);
	lede_index_close(w2);
}

static void test_reader_survives_commits(void **state)
{
	lede_index *w = create("live", NULL), *r = NULL;
	lede_results *res = NULL;
	char id[32], body[128];
	(void)state;

	fill(w);
	assert_int_equal(lede_index_open(&r, index_path("live"), NULL), LEDE_OK);
	for (int round = 0; round < 12; round++) {
		for (int i = 0; i < 30; i++) {
			snprintf(id, sizeof id, "r%d-%d", round, i);
			snprintf(body, sizeof body,
			         "round %d article %d about defense", round, i);
			add(w, id, "filler", body, LEDE_NO_DATE);
		}
		assert_int_equal(lede_index_commit(w), LEDE_OK);
		assert_int_equal(lede_search(&res, r, "defense", NULL), LEDE_OK);
		assert_true(lede_results_count(res) > 0);
		lede_results_free(res);
	}
	assert_int_equal(lede_index_reopen(r), LEDE_OK);
	{
		uint64_t n = 0;
		assert_int_equal(lede_index_count(&n, r), LEDE_OK);
		assert_int_equal(n, 3 + 12 * 30);
	}
	lede_index_close(r);
	lede_index_close(w);
}

static void test_compact(void **state)
{
	lede_index *w = create("compact", NULL), *r = NULL;
	lede_results *res = NULL;
	uint64_t n = 0;
	(void)state;

	fill(w);
	assert_int_equal(lede_index_compact(w), LEDE_OK);
	add(w, "a4", "after compaction", "defense news after", LEDE_NO_DATE);
	assert_int_equal(lede_index_close(w), LEDE_OK);
	assert_int_equal(lede_index_open(&r, index_path("compact"), NULL),
	                 LEDE_OK);
	assert_int_equal(lede_index_count(&n, r), LEDE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(lede_search(&res, r, "defense", NULL), LEDE_OK);
	assert_int_equal(lede_results_count(res), 3);
	lede_results_free(res);
	lede_index_close(r);
}

/* Starts xapian-tcpsrv on 127.0.0.1:port serving db, in its own session
 * (on SIGTERM it signals its whole group). Returns its pid once it
 * listens, or -1 when it is not installed or does not start. */
static pid_t serve(const char *db, int port)
{
	char log[160], ps[16], line[128];
	pid_t pid;

	snprintf(log, sizeof log, "%s/tcpsrv.log", tmpdir);
	snprintf(ps, sizeof ps, "%d", port);
	pid = fork();
	if (pid == 0) {
		setsid();
		if (freopen(log, "w", stdout) == NULL)
			_exit(127);
		execlp("xapian-tcpsrv", "xapian-tcpsrv", "--port", ps,
		       "--interface", "127.0.0.1", db, (char *)NULL);
		_exit(127);
	}
	for (int t = 0; pid > 0 && t < 100; t++) {
		struct timespec ts = { 0, 50 * 1000000L };
		FILE *f = fopen(log, "r");
		int up = 0;
		while (f && fgets(line, sizeof line, f))
			if (strstr(line, "Listening"))
				up = 1;
		if (f)
			fclose(f);
		if (up)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		nanosleep(&ts, NULL);
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	return -1;
}

static void test_notice_remote_spelling(void **state)
{
	lede_index *idx = create("spell", NULL), *r = NULL;
	lede_results *res = NULL;
	char stub[256], db[64] = "", rdir[160], line[128];
	FILE *f;
	int port = 27000 + (int)(getpid() % 3000);
	(void)state;

	fill(idx);
	lede_index_close(idx);
	assert_null(lede_results_notice(NULL));

	/* local: a suggestion, no notice */
	assert_int_equal(lede_index_open(&r, index_path("spell"), NULL),
	                 LEDE_OK);
	assert_int_equal(lede_search(&res, r, "spening", NULL), LEDE_OK);
	assert_int_equal(lede_results_count(res), 0);
	assert_string_equal(lede_results_suggestion(res), "spending");
	assert_null(lede_results_notice(res));
	lede_results_free(res);
	lede_index_close(r);

	/* the same database served by xapian-tcpsrv */
	snprintf(stub, sizeof stub, "%s/XAPIANDB", index_path("spell"));
	f = fopen(stub, "r");
	assert_non_null(f);
	while (db[0] == '\0' && fgets(line, sizeof line, f))
		if (sscanf(line, "auto %63s", db) != 1)
			db[0] = '\0';
	fclose(f);
	assert_true(db[0] != '\0');
	snprintf(stub, sizeof stub, "%s/%s", index_path("spell"), db);
	server_pid = serve(stub, port);
	if (server_pid < 0)
		skip(); /* xapian-tcpsrv (xapian-tools) not installed */
	snprintf(rdir, sizeof rdir, "%s", index_path("remote"));
	assert_int_equal(mkdir(rdir, 0777), 0);
	snprintf(stub, sizeof stub, "%s/XAPIANDB", rdir);
	f = fopen(stub, "w");
	assert_non_null(f);
	fprintf(f, "remote 127.0.0.1:%d\n", port);
	fclose(f);
	assert_int_equal(lede_index_open(&r, rdir, NULL), LEDE_OK);
	/* a word the index knows needs no spelling: no notice */
	assert_int_equal(lede_search(&res, r, "budget", NULL), LEDE_OK);
	assert_int_equal(lede_results_count(res), 1);
	assert_null(lede_results_notice(res));
	lede_results_free(res);
	/* an unknown word: no suggestion, and a notice that says why */
	assert_int_equal(lede_search(&res, r, "spening", NULL), LEDE_OK);
	assert_int_equal(lede_results_count(res), 0);
	assert_null(lede_results_suggestion(res));
	assert_non_null(lede_results_notice(res));
	assert_non_null(strstr(lede_results_notice(res), "did you mean"));
	assert_non_null(strstr(lede_results_notice(res), "remote"));
	lede_index_close(r);
	/* the notice lives as long as the results, not the handle */
	assert_non_null(strstr(lede_results_notice(res), "spelling"));
	lede_results_free(res);
	kill(server_pid, SIGTERM);
	waitpid(server_pid, NULL, 0);
	server_pid = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_status),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_add_search_close_order),
		cmocka_unit_test(test_sort_and_dates),
		cmocka_unit_test(test_keep_stopwords_expand),
		cmocka_unit_test(test_bad_query),
		cmocka_unit_test(test_numeric_options),
		cmocka_unit_test(test_suggestion_keeps_fields),
		cmocka_unit_test(test_total_is_honest),
		cmocka_unit_test(test_settings_mismatch),
		cmocka_unit_test(test_refused_create_writes_nothing),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_phrase_pages),
		cmocka_unit_test(test_impacts),
		cmocka_unit_test(test_bad_articles),
		cmocka_unit_test(test_read_only_and_lock),
		cmocka_unit_test(test_reader_survives_commits),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_notice_remote_spelling),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
