/*
 * api_hostile.c - hostile input through the public API, where the command
 * line cannot carry it: a 10 MB query, 10,000 terms, 10,000 nested
 * parentheses, a prefix matching every word, queries of invalid UTF-8 and
 * control bytes; articles over the size limit, with invalid UTF-8 or with
 * terminal escapes; NULL handles, NULL list entries and unknown flags.
 * Each must give a status and a message (or a bounded answer), never a
 * crash, a hang or unbounded memory (the sanitizer run checks the last two
 * kinds of failure as well).
 *
 * Includes nothing but <lede.h> (and cmocka).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lede.h>

static char dir[64];
static lede_index *idx;

static int setup(void **state)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	char path[96], body[256], id[32];

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/lede-hostile-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/idx", dir);
	oo.flags = LEDE_OPEN_CREATE;
	if (lede_index_open(&idx, path, &oo) != LEDE_OK)
		return -1;
	/* 300 distinct words starting with "zed": a prefix over the cap */
	for (int i = 0; i < 300; i++) {
		lede_article a = LEDE_ARTICLE_INIT;
		snprintf(id, sizeof id, "a%d", i);
		snprintf(body, sizeof body,
			 "The harbour council met about zedword%d and item %d.",
			 i, i);
		a.id = id;
		a.body = body;
		a.body_len = strlen(body);
		if (lede_index_add(idx, &a) != LEDE_OK)
			return -1;
	}
	return lede_index_commit(idx) == LEDE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	lede_index_close(idx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs q; expects status want and, when want is not LEDE_OK, a message
 * containing msg. */
static void search_expect(const char *q, lede_status want, const char *msg)
{
	lede_results *res = NULL;
	lede_status st = lede_search(&res, idx, q, NULL);

	if (st != want)
		fail_msg("query of %zu bytes: got %s (%s), want %s", strlen(q),
			 lede_status_str(st), lede_errmsg(idx),
			 lede_status_str(want));
	if (want != LEDE_OK) {
		assert_null(res);
		assert_non_null(strstr(lede_errmsg(idx), msg));
	}
	lede_results_free(res);
}

/* Runs q; an answer or a clear QUERY error are both fine. */
static void search_bounded(const char *q)
{
	lede_results *res = NULL;
	lede_status st = lede_search(&res, idx, q, NULL);

	if (st != LEDE_OK && st != LEDE_ERR_QUERY)
		fail_msg("query of %zu bytes: %s: %s", strlen(q),
			 lede_status_str(st), lede_errmsg(idx));
	if (st != LEDE_OK)
		assert_true(lede_errmsg(idx)[0] != '\0');
	lede_results_free(res);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(ul * times + tl + 1);

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, tail, tl + 1);
	return s;
}

static void test_huge_query(void **state)
{
	char *q = repeat("harbour ", 10 * 1024 * 1024 / 8, "");

	(void)state;
	search_expect(q, LEDE_ERR_QUERY, "too long");
	free(q);
}

static void test_many_terms(void **state)
{
	char *q = malloc(10000 * 8 + 1), *p;

	(void)state;
	assert_non_null(q);
	p = q;
	for (int i = 0; i < 10000; i++)
		p += sprintf(p, "t%d ", i % 1000000);
	search_expect(q, LEDE_ERR_QUERY, "too long");
	free(q);
	/* under the byte limit, over the term limit */
	q = repeat("ab ", 1500, "");
	search_expect(q, LEDE_ERR_QUERY, "more than");
	free(q);
	q = repeat("harbour OR ", 900, "council");
	search_expect(q, LEDE_OK, NULL);
	free(q);
}

static void test_deep_nesting(void **state)
{
	char *open = repeat("(", 10000, "harbour");
	char *both = malloc(20000 + 8);

	(void)state;
	search_expect(open, LEDE_ERR_QUERY, "");
	assert_non_null(both);
	memset(both, '(', 5000);
	memcpy(both + 5000, "harbour", 7);
	memset(both + 5007, ')', 5000);
	both[10007] = '\0';
	search_expect(both, LEDE_ERR_QUERY, "nested too deeply");
	free(open);
	free(both);
	open = repeat("NOT ", 3000, "harbour");
	search_bounded(open);
	free(open);
	open = repeat("-", 10000, "harbour");
	search_bounded(open);
	free(open);
}

static void test_broad_prefixes(void **state)
{
	(void)state;
	search_expect("a*", LEDE_ERR_QUERY, "too short");
	search_expect("zed*", LEDE_ERR_QUERY, "too many words");
	search_expect("zedword1*", LEDE_OK, NULL);
	search_bounded("*");
	search_bounded("**");
}

static void test_bad_bytes_in_queries(void **state)
{
	static const char *const qs[] = {
	    "harb\xff\xfeour",
	    "\xc2",
	    "\xe2\x80",
	    "\xf4\x90\x80\x80",
	    "\xed\xa0\x80 harbour",
	    "harbour \x1b[2J",
	    "\x01\x02\x03",
	    "\"",
	    "(",
	    ")",
	    "\"\"\"",
	    "title:",
	    "date:",
	    "by:\"",
	    "NEAR/999999999 x",
	    "harbour NEAR/",
	    "date:9999-99-99",
	};

	(void)state;
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
		search_bounded(qs[i]);
}

static void test_hostile_articles(void **state)
{
	lede_article a = LEDE_ARTICLE_INIT;
	const char esc[] = "Harbour \x1b]0;pwned\x07 and \xc2\x9b"
			   "31m and "
			   "\xe2\x80\xae override.";
	size_t big = 9u * 1024 * 1024;
	char *body = malloc(big);

	(void)state;
	assert_non_null(body);
	memset(body, 'a', big);
	for (size_t i = 7; i < big; i += 8)
		body[i] = ' ';
	a.id = "big";
	a.body = body;
	a.body_len = big;
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_TOO_BIG);
	free(body);

	a.id = "bad-utf8";
	a.body = "harbour \xff\xfe";
	a.body_len = strlen(a.body);
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_INVALID);
	a.id = "bad\xffid";
	a.body = "harbour";
	a.body_len = 7;
	assert_int_equal(lede_index_add(idx, &a), LEDE_ERR_INVALID);

	/* controls are valid UTF-8: stored, and snippets carry none */
	a.id = "esc";
	a.title = "Escape \x1b[31mred";
	a.body = esc;
	a.body_len = strlen(esc);
	assert_int_equal(lede_index_add(idx, &a), LEDE_OK);
	assert_int_equal(lede_index_commit(idx), LEDE_OK);
	{
		lede_results *res = NULL;
		const lede_hit *h;

		assert_int_equal(lede_search(&res, idx, "pwned", NULL),
				 LEDE_OK);
		assert_int_equal(lede_results_count(res), 1);
		h = lede_results_hit(res, 0);
		for (size_t k = 0; k < h->nsnippets; k++)
			assert_null(memchr(h->snippets[k].text, 0x1b,
					   h->snippets[k].len));
		lede_results_free(res);
	}
}

/* Caller mistakes: NULL handles and out-pointers, unknown flags. */
static void test_null_handles(void **state)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_article a = LEDE_ARTICLE_INIT;
	lede_results *res = (lede_results *)&res;
	lede_index *h = NULL;
	lede_format f;
	uint64_t n = 7;
	int64_t lo, hi;
	char path[96];

	(void)state;
	assert_int_equal(lede_index_open(NULL, "/tmp/x", NULL),
			 LEDE_ERR_INVALID);
	assert_int_equal(lede_search(NULL, idx, "harbour", NULL),
			 LEDE_ERR_INVALID);
	assert_int_equal(lede_search(&res, NULL, "harbour", NULL),
			 LEDE_ERR_INVALID);
	assert_null(res);
	assert_int_equal(lede_index_count(&n, NULL), LEDE_ERR_INVALID);
	assert_int_equal(n, 0);
	assert_int_equal(lede_index_count(NULL, idx), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_add(NULL, &a), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_delete(NULL, "x"), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_commit(NULL), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_compact(NULL), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_reopen(NULL), LEDE_ERR_INVALID);
	assert_int_equal(lede_index_update(NULL, NULL, 0, NULL, NULL),
			 LEDE_ERR_INVALID);
	assert_int_equal(lede_index_expire_before(NULL, 0, NULL),
			 LEDE_ERR_INVALID);
	assert_int_equal(lede_index_close(NULL), LEDE_OK);
	assert_null(lede_index_lang(NULL));
	assert_non_null(lede_errmsg(NULL));
	assert_int_equal(lede_format_parse(NULL, "text"), LEDE_ERR_INVALID);
	assert_int_equal(lede_format_parse(&f, NULL), LEDE_ERR_INVALID);
	assert_int_equal(lede_map_check(NULL), LEDE_ERR_INVALID);
	assert_int_equal(lede_map_check("a"), LEDE_ERR_INVALID);
	assert_int_equal(lede_map_check("=title"), LEDE_ERR_INVALID);
	assert_int_equal(lede_map_check("a=auhtor"), LEDE_ERR_INVALID);
	assert_int_equal(lede_map_check("a=author"), LEDE_OK);
	assert_int_equal(lede_map_check("meta.head=title"), LEDE_OK);
	{
		/* A bad mapping refuses the run before any file is read. */
		lede_update_opts uo = LEDE_UPDATE_OPTS_INIT;
		const char *map[] = {"a=title", "b=auhtor"};
		const char *paths[] = {"/nonexistent/lede-map-test"};
		lede_update_stats us;

		uo.map = map;
		uo.nmap = 2;
		assert_int_equal(lede_index_update(idx, paths, 1, &uo, &us),
				 LEDE_ERR_INVALID);
		assert_non_null(strstr(lede_errmsg(idx), "b=auhtor"));
		assert_int_equal(us.files_seen, 0);
	}
	{
		/* A NULL entry in paths (or include, exclude) is refused
		 * before anything is read or changed, naming the entry:
		 * it once crashed the walk after the good entries. */
		lede_update_opts uo = LEDE_UPDATE_OPTS_INIT;
		const char *inc[] = {"*.txt", NULL};
		const char *paths[] = {NULL, NULL};
		lede_update_stats us;
		uint64_t before = 0, after = 0;
		char sub[96], file[128];
		FILE *fp;

		snprintf(sub, sizeof sub, "%s/nullpaths", dir);
		snprintf(file, sizeof file, "%s/new.txt", sub);
		assert_int_equal(mkdir(sub, 0755), 0);
		fp = fopen(file, "w");
		assert_non_null(fp);
		fputs("Walrus news\n\nA walrus came ashore.\n", fp);
		fclose(fp);
		paths[0] = sub;
		assert_int_equal(lede_index_count(&before, idx), LEDE_OK);
		assert_int_equal(lede_index_update(idx, paths, 2, NULL, &us),
				 LEDE_ERR_INVALID);
		assert_non_null(strstr(lede_errmsg(idx), "paths[1]"));
		assert_int_equal(us.files_seen, 0);
		uo.include = inc;
		uo.ninclude = 2;
		assert_int_equal(lede_index_update(idx, paths, 1, &uo, &us),
				 LEDE_ERR_INVALID);
		assert_non_null(strstr(lede_errmsg(idx), "include[1]"));
		uo.ninclude = 0;
		uo.exclude = NULL;
		uo.nexclude = 1;
		assert_int_equal(lede_index_update(idx, paths, 1, &uo, &us),
				 LEDE_ERR_INVALID);
		assert_non_null(strstr(lede_errmsg(idx), "exclude[0]"));
		assert_int_equal(lede_index_count(&after, idx), LEDE_OK);
		assert_int_equal(after, before);
	}
	assert_int_equal(lede_parse_date(NULL, &hi, "2025", 0),
			 LEDE_ERR_INVALID);
	assert_int_equal(lede_parse_date(&lo, NULL, "2025", 0),
			 LEDE_ERR_INVALID);
	lede_results_free(NULL);
	assert_int_equal(lede_results_count(NULL), 0);
	assert_null(lede_results_hit(NULL, 0));

	/* flag bits lede does not know are refused, with a message */
	snprintf(path, sizeof path, "%s/flags", dir);
	oo.flags = 77;
	assert_int_equal(lede_index_open(&h, path, &oo), LEDE_ERR_INVALID);
	assert_non_null(strstr(lede_errmsg(h), "unknown lede_open_opts flags"));
	lede_index_close(h);
	assert_int_equal(access(path, F_OK), -1); /* nothing created */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_huge_query),
	    cmocka_unit_test(test_many_terms),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_broad_prefixes),
	    cmocka_unit_test(test_bad_bytes_in_queries),
	    cmocka_unit_test(test_hostile_articles),
	    cmocka_unit_test(test_null_handles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
