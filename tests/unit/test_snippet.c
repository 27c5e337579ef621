/*
 * test_snippet.c - unit tests of searcher/snippet.c: exact highlight byte
 * ranges, stem- and accent-aware matching, phrase-only and NEAR-only
 * highlighting, NOT never highlighted, field rules, terminal safety (no
 * control characters, bidi controls or invalid UTF-8 in the output),
 * cuts on word and UTF-8 boundaries, fragment choice by IDF, sentence
 * starts and text order, the lead fallback, and pathological inputs
 * (10k matches, an 8 MB body) under a time budget.
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

/* Time budgets: generous, and five times more under the sanitizers. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 5.0
#else
#define SLOWDOWN 1.0
#endif
#define BUDGET_10K_S (1.0 * SLOWDOWN)
#define BUDGET_8MB_S (4.0 * SLOWDOWN)

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

static qnode *parse(const char *q)
{
	qnode *n = NULL;
	lede_err err;

	if (query_parse(&n, an, q, strlen(q), NULL, &err) != LEDE_OK)
		fail_msg("parse [%s]: %s", q, err.msg);
	return n;
}

/* Renders fragments as "…" + text with [highlights] + "…", joined by
 * " | ", and checks the invariants every fragment must keep. */
static void render(buf *out, const snippet_frag *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t at = 0;
		assert_true(utf8_valid(f[i].text, f[i].len));
		assert_int_equal(strlen(f[i].text), f[i].len);
		for (size_t k = 0; k < f[i].len; k++) {
			unsigned char c = (unsigned char)f[i].text[k];
			assert_true(c >= 0x20 && c != 0x7f);
			if (c == ' ')
				assert_true(k > 0 && k + 1 < f[i].len &&
					    f[i].text[k + 1] != ' ');
		}
		if (i > 0)
			buf_append_str(out, " | ");
		if (f[i].cut_before)
			buf_append_str(out, "…");
		for (size_t k = 0; k < f[i].nhl; k++) {
			size_t s = f[i].hl[2 * k], e = f[i].hl[2 * k + 1];
			assert_true(s >= at && s < e && e <= f[i].len);
			buf_append(out, f[i].text + at, s - at);
			buf_append_byte(out, '[');
			buf_append(out, f[i].text + s, e - s);
			buf_append_byte(out, ']');
			at = e;
		}
		buf_append_str(out, f[i].text + at);
		if (f[i].cut_after)
			buf_append_str(out, "…");
	}
	buf_append_str(out, "");
}

static void expect_snip(const char *q, const char *text, unsigned nfrags,
			unsigned chars, const char *want)
{
	qnode *n = q ? parse(q) : NULL;
	snippet_frag *f = NULL;
	size_t nf = 0;
	snippet_opts o = {nfrags, chars};
	buf b = BUF_INIT;

	assert_int_equal(
	    snippet_make(&f, &nf, an, text, strlen(text), n, NULL, NULL, &o),
	    LEDE_OK);
	render(&b, f, nf);
	if (strcmp(b.data, want) != 0)
		fail_msg("query [%s]\n  got  %s\n  want %s", q ? q : "(null)",
			 b.data, want);
	buf_free(&b);
	snippet_free(f, nf);
	qnode_free(n);
}

static void expect_title(const char *q, const char *text, const char *want)
{
	qnode *n = parse(q);
	snippet_frag f;
	buf b = BUF_INIT;

	assert_int_equal(snippet_highlight_all(&f, an, text, strlen(text), n),
			 LEDE_OK);
	assert_false(f.cut_before || f.cut_after);
	render(&b, &f, 1);
	if (strcmp(b.data, want) != 0)
		fail_msg("title query [%s]\n  got  %s\n  want %s", q, b.data,
			 want);
	buf_free(&b);
	snippet_frag_clear(&f);
	qnode_free(n);
}

/* A cache shared by the hits of one search (snippet_cache) changes
 * nothing: every article's fragments and title highlights are the ones
 * the uncached calls give, for phrases, prefixes and NEAR, with a title:
 * word, one cache per query. */
static void test_cache_same_output(void **state)
{
	static const char *const queries[] = {
	    "\"defense spending\" nato title:budget",
	    "negotiat* OR (troops NEAR/3 border) -china",
	};
	static const char *const texts[] = {
	    "NATO allies agreed to raise defense spending. The budget "
	    "talks went on while troops massed at the border.",
	    "Negotiators met again in negotiatory mood. Defense ministers "
	    "said spending on troops would rise; China was not at the table.",
	    "A budget with no match in the body at all.",
	    "",
	};
	snippet_opts o = {2, 60};

	(void)state;
	for (size_t qi = 0; qi < 2; qi++) {
		qnode *n = parse(queries[qi]);
		snippet_cache *sc = snippet_cache_new();

		assert_non_null(sc);
		for (size_t ti = 0; ti < 4; ti++) {
			const char *t = texts[ti];
			snippet_frag *f1 = NULL, *f2 = NULL, h1, h2;
			size_t n1 = 0, n2 = 0;
			buf b1 = BUF_INIT, b2 = BUF_INIT;

			assert_int_equal(snippet_make(&f1, &n1, an, t,
						      strlen(t), n, NULL, NULL,
						      &o),
					 LEDE_OK);
			assert_int_equal(snippet_make_cached(&f2, &n2, an, t,
							     strlen(t), n, NULL,
							     NULL, &o, sc),
					 LEDE_OK);
			render(&b1, f1, n1);
			render(&b2, f2, n2);
			assert_string_equal(b1.data, b2.data);
			buf_reset(&b1);
			buf_reset(&b2);
			assert_int_equal(snippet_highlight_all(&h1, an, t,
							       strlen(t), n),
					 LEDE_OK);
			assert_int_equal(snippet_highlight_all_cached(
					     &h2, an, t, strlen(t), n, sc),
					 LEDE_OK);
			render(&b1, &h1, 1);
			render(&b2, &h2, 1);
			assert_string_equal(b1.data, b2.data);
			buf_free(&b1);
			buf_free(&b2);
			snippet_free(f1, n1);
			snippet_free(f2, n2);
			snippet_frag_clear(&h1);
			snippet_frag_clear(&h2);
		}
		snippet_cache_free(sc);
		qnode_free(n);
	}
	snippet_cache_free(NULL);
}

static void test_exact_ranges(void **state)
{
	const char *text = "Leaders deployed troops.";
	qnode *n = parse("deploy");
	snippet_frag *f = NULL;
	size_t nf = 0;

	(void)state;
	assert_int_equal(
	    snippet_make(&f, &nf, an, text, strlen(text), n, NULL, NULL, NULL),
	    LEDE_OK);
	assert_int_equal(nf, 1);
	assert_string_equal(f[0].text, text);
	assert_int_equal(f[0].nhl, 1);
	assert_int_equal(f[0].hl[0], 8);
	assert_int_equal(f[0].hl[1], 16);
	assert_false(f[0].cut_before);
	assert_false(f[0].cut_after);
	snippet_free(f, nf);
	qnode_free(n);
}

static void test_stems_and_accents(void **state)
{
	(void)state;
	expect_snip("deploy", "They deployed; the deployment of deploys.", 0, 0,
		    "They [deployed]; the [deployment] of [deploys].");
	expect_snip("café", "Cafe, CAFÉ and café open.", 0, 0,
		    "[Cafe], [CAFÉ] and [café] open.");
	expect_snip("cafe", "The Café reopened.", 0, 0, "The [Café] reopened.");
	/* The index holds stems only: a quoted word matched by its stem,
	 * so it highlights that way too. */
	expect_snip("\"deploy\"", "They deployed, we deploy.", 0, 0,
		    "They [deployed], we [deploy].");
	/* Prefixes reach what the stems-only index matched. */
	expect_snip("negotiat*", "Negotiators negotiated; negotiations.", 0, 0,
		    "[Negotiators] [negotiated]; [negotiations].");
	expect_snip("happy*", "Happiness, happy, happen.", 0, 0,
		    "[Happiness], [happy], happen.");
	expect_snip("deployment*", "Deployments deployed.", 0, 0,
		    "[Deployments] [deployed].");
	expect_snip("deplo*", "Deployed troops, deplorable deployment, de.", 0,
		    0, "[Deployed] troops, [deplorable] [deployment], de.");
	expect_snip("europe", "Europe’s leaders met.", 0, 0,
		    "[Europe’s] leaders met.");
}

static void test_phrases(void **state)
{
	(void)state;
	expect_snip("\"defense spending\"",
		    "Defense budget and spending on defense. Defense\n\n"
		    "spending rose. The defense spending plan.",
		    1, 300,
		    "Defense budget and spending on defense. "
		    "[Defense spending] rose. The [defense spending] plan.");
	expect_snip("non-NATO", "A non-NATO member; non members of NATO.", 0, 0,
		    "A [non-NATO] member; non members of NATO.");
	expect_snip("北京大学", "这是北京大学的学生。北京很大。大学", 0, 0,
		    "这是[北京大学]的学生。北京很大。大学");
	expect_snip("北", "北京", 0, 0, "[北]京");
}

static void test_near(void **state)
{
	(void)state;
	expect_snip("owner NEAR/3 business",
		    "Business is slow. Far away, many words later, the owner "
		    "said that business was good, as they all said. Owner.",
		    1, 300,
		    "Business is slow. Far away, many words later, the [owner] "
		    "said that [business] was good, as they all said. Owner.");
}

static void test_not_and_fields(void **state)
{
	(void)state;
	expect_snip("nato -china", "NATO and China talk.", 0, 0,
		    "[NATO] and China talk.");
	expect_snip("nato NOT (china OR russia)", "NATO, China, Russia.", 0, 0,
		    "[NATO], China, Russia.");
	expect_snip("nato -\"nato summit\"", "The NATO summit.", 0, 0,
		    "The [NATO] summit.");
	/* by:/source:/title: words do not mark the body. */
	expect_snip("by:raman source:alpine title:summit nato",
		    "Raman of Alpine at the summit with NATO.", 0, 0,
		    "Raman of Alpine at the summit with [NATO].");
	/* The title: words do mark the title; NOT words never. */
	expect_title("nato title:summit cafe -talks by:raman",
		     "NATO Summit: Café talks with Raman",
		     "[NATO] [Summit]: [Café] talks with Raman");
	expect_title("zebra", "  Plain\ttitle\n", "Plain title");
}

static void test_terminal_safety(void **state)
{
	static const char text[] =
	    "\x1b[31mRed\x1b[0m alert:\a nato\r\n\tsaid \xc2\x9b"
	    "2J hi "
	    "\xe2\x80\xae"
	    "evil\xe2\x80\xac \xff\xfe bad \x7f end nato.";
	qnode *n = parse("nato");
	snippet_frag *f = NULL;
	size_t nf = 0;
	buf b = BUF_INIT;

	(void)state;
	assert_int_equal(snippet_make(&f, &nf, an, text, sizeof text - 1, n,
				      NULL, NULL, NULL),
			 LEDE_OK);
	assert_int_equal(nf, 1);
	render(&b, f, nf); /* checks: no controls, single spaces, UTF-8 */
	assert_null(strstr(f[0].text, "\xc2\x9b"));
	assert_null(strstr(f[0].text, "\xe2\x80\xae"));
	assert_string_equal(b.data, "[31mRed [0m alert: [nato] said 2J hi evil "
				    "\xef\xbf\xbd\xef\xbf\xbd bad end [nato].");
	buf_free(&b);
	snippet_free(f, nf);
	qnode_free(n);
}

/* Words of the form wNNNé, so every cut must fall between them. */
static void test_boundaries(void **state)
{
	buf t = BUF_INIT, b = BUF_INIT, padded = BUF_INIT;
	qnode *n = parse("target");
	snippet_frag *f = NULL;
	size_t nf = 0;
	snippet_opts o = {3, 40};

	(void)state;
	for (int i = 0; i < 400; i++) {
		buf_printf(&t, "w%dé ", i);
		if (i % 97 == 50)
			buf_append_str(&t, "target ");
	}
	buf_append_byte(&padded, ' ');
	buf_append(&padded, t.data, t.len);
	assert_int_equal(
	    snippet_make(&f, &nf, an, t.data, t.len, n, NULL, NULL, &o),
	    LEDE_OK);
	assert_int_equal(nf, 3);
	render(&b, f, nf);
	for (size_t i = 0; i < nf; i++) {
		/* Every space-separated piece is a whole word of the text. */
		const char *w = f[i].text;
		while (*w) {
			size_t k = strcspn(w, " ");
			buf needle = BUF_INIT;
			buf_append_byte(&needle, ' ');
			buf_append(&needle, w, k);
			buf_append_byte(&needle, ' ');
			if (strstr(padded.data, needle.data) == NULL)
				fail_msg("cut word [%s] in [%s]", needle.data,
					 f[i].text);
			buf_free(&needle);
			w += k + (w[k] == ' ');
		}
		assert_int_equal(f[i].nhl, 1);
		assert_true(f[i].cut_before && f[i].cut_after);
		if (i > 0)
			assert_true(strcmp(f[i - 1].text, f[i].text) != 0);
	}
	buf_free(&b);
	buf_free(&t);
	buf_free(&padded);
	snippet_free(f, nf);
	qnode_free(n);
}

static void test_lead_fallback(void **state)
{
	(void)state;
	/* No match: the lead, cut at a word, about nfrags * chars long. */
	expect_snip("zebra",
		    "  The alliance met in Brussels on Thursday to discuss the "
		    "war. Leaders deployed troops to the eastern flank.",
		    1, 40, "The alliance met in Brussels on Thursday…");
	expect_snip(NULL, "Short text.", 0, 0, "Short text.");
	expect_snip("-nato", "Only nato here.", 0, 0, "Only nato here.");
	/* Empty and blank texts give no fragment. */
	expect_snip("nato", "", 0, 0, "");
	expect_snip("nato", " \n\t ", 0, 0, "");
}

static double idf_rare(void *ctx, const char *term, size_t len)
{
	(void)ctx;
	return len == 5 && memcmp(term, "zebra", 5) == 0 ? 8.0 : 0.5;
}

static void test_idf_and_order(void **state)
{
	const char *text =
	    "Tigers roam. The tiger and tigers again, tigers everywhere. "
	    "Many words follow here to separate the two parts of this "
	    "text from each other quite clearly indeed, and more words. "
	    "A zebra appeared once.";
	qnode *n = parse("tiger OR zebra");
	snippet_frag *f = NULL;
	size_t nf = 0;
	snippet_opts o = {1, 40};
	buf b = BUF_INIT;

	(void)state;
	/* Equal weights: the window with more distinct words, then more
	 * hits, wins (tigers). */
	assert_int_equal(
	    snippet_make(&f, &nf, an, text, strlen(text), n, NULL, NULL, &o),
	    LEDE_OK);
	render(&b, f, nf);
	assert_non_null(strstr(b.data, "[tiger]"));
	snippet_free(f, nf);
	buf_reset(&b);
	/* The rare word weighs more. */
	assert_int_equal(snippet_make(&f, &nf, an, text, strlen(text), n,
				      idf_rare, NULL, &o),
			 LEDE_OK);
	render(&b, f, nf);
	assert_string_equal(b.data, "…A [zebra] appeared once.");
	snippet_free(f, nf);
	buf_reset(&b);
	/* Two fragments: both, in text order, not overlapping. */
	o.nfrags = 2;
	assert_int_equal(snippet_make(&f, &nf, an, text, strlen(text), n,
				      idf_rare, NULL, &o),
			 LEDE_OK);
	assert_int_equal(nf, 2);
	render(&b, f, nf);
	assert_string_equal(b.data, "[Tigers] roam. The [tiger] and [tigers] "
				    "again,… | …A [zebra] appeared once.");
	snippet_free(f, nf);
	buf_free(&b);
	qnode_free(n);
}

static void test_sentence_start(void **state)
{
	(void)state;
	/* The window starts at the sentence holding the match. */
	expect_snip("spending",
		    "Alpha beta gamma delta epsilon zeta eta theta iota kappa "
		    "lambda mu. Officials said spending rose in the quarter.",
		    1, 60, "…Officials said [spending] rose in the quarter.");
}

/* The fragments together cover as many distinct query units as they
 * can: a unit just past the first window (same long sentence) is shown by
 * a window shifted past it, and touching windows read as one passage. */
static void test_cover_distinct_units(void **state)
{
	const char *text =
	    "BRUSSELS, June 11, 2020 (Nordwire) - NATO defense ministers, "
	    "meeting by video link for the first time, agreed on Thursday "
	    "that the coronavirus crisis must not reverse the increase in "
	    "defense spending that allies have delivered over the past five "
	    "years.\n\nSeveral ministers warned that their finance "
	    "ministries were already looking for savings as economies "
	    "shrink.";

	(void)state;
	for (unsigned nf = 2; nf <= 3; nf++)
		expect_snip("nato \"defense spending\"", text, nf, 160,
			    "BRUSSELS, June 11, 2020 (Nordwire) - [NATO] "
			    "defense ministers, meeting by video link for the "
			    "first time, agreed on Thursday that the "
			    "coronavirus crisis must not reverse the increase "
			    "in [defense spending] that allies have delivered "
			    "over the past five years. Several ministers "
			    "warned that their finance ministries were…");
	/* One fragment cannot hold both: the first window still wins. */
	expect_snip("nato \"defense spending\"", text, 1, 160,
		    "BRUSSELS, June 11, 2020 (Nordwire) - [NATO] defense "
		    "ministers, meeting by video link for the first time, "
		    "agreed on Thursday that the coronavirus crisis must "
		    "not…");
	/* A unit far away gets its own window, not a shifted one. */
	expect_snip("nato savings", text, 2, 60,
		    "BRUSSELS, June 11, 2020 (Nordwire) - [NATO] defense "
		    "ministers,… | …were already looking for [savings] as "
		    "economies shrink.");
}

/* Word cuts, on the original text: a fragment edge is a break (or the
 * word there is longer than SNIPPET_LONG_WORD_CHARS). */
static void check_cuts(const snippet_frag *f, const char *t, size_t len,
		       const char *q)
{
	size_t cut[2] = {f->src_start, f->src_end};

	assert_true(f->src_start < f->src_end && f->src_end <= len);
	for (int k = 0; k < 2; k++) {
		size_t a = cut[k], b = cut[k], chars = 0;
		if (snippet_is_break(t, len, cut[k]))
			continue;
		while (a > 0 && !snippet_is_break(t, len, a))
			a--;
		while (b < len && !snippet_is_break(t, len, b))
			b++;
		for (size_t i = a; i < b; i++)
			chars += ((unsigned char)t[i] & 0xc0) != 0x80;
		if (chars <= SNIPPET_LONG_WORD_CHARS)
			fail_msg("query [%s]: fragment [%s] cuts a word at "
				 "byte %zu",
				 q, f->text, cut[k]);
	}
}

/* A highlight edge has no letter or digit of the same word beside it. */
static int alnum_at(const char *s, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	return (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static void check_highlights(const snippet_frag *f, const char *q)
{
	for (size_t k = 0; k < f->nhl; k++) {
		size_t s = f->hl[2 * k], e = f->hl[2 * k + 1];
		if ((s > 0 && alnum_at(f->text, s - 1) &&
		     alnum_at(f->text, s)) ||
		    (e < f->len && alnum_at(f->text, e - 1) &&
		     alnum_at(f->text, e)))
			fail_msg("query [%s]: highlight %zu..%zu of [%s] "
				 "splits a word",
				 q, s, e, f->text);
	}
}

/* Many queries over generated texts with compounds (non-NATO, long
 * hyphenated runs), a URL, accents, newlines and sentence ends, at many
 * window sizes: no fragment edge and no highlight edge cuts a word. */
static void test_word_boundaries_many_queries(void **state)
{
	static const char *const words[] = {
	    "nato",
	    "defense",
	    "spending",
	    "non-NATO",
	    "deployed",
	    "troops",
	    "café",
	    "the",
	    "allies",
	    "budget.",
	    "Minister",
	    "summit,",
	    "north-atlantic-treaty-organisation-led",
	    "https://example.com/a/very/long/path/that/goes/on/and/on",
	    "2025",
	    "rates",
	    "U.S.",
	    "say:",
	    "\n\n"};
	static const char *const queries[] = {"nato",
					      "nato \"defense spending\"",
					      "deploy troops",
					      "cafe",
					      "nato OR budget",
					      "minist*",
					      "allies NEAR/3 troops",
					      "us rates",
					      "organisation",
					      "example",
					      "summit -café",
					      "led",
					      "spend*"};
	const size_t nw = sizeof words / sizeof words[0];
	const size_t nq = sizeof queries / sizeof queries[0];
	uint32_t seed = 12345;
	size_t checked = 0;

	(void)state;
	for (int doc = 0; doc < 40; doc++) {
		buf t = BUF_INIT;
		int nwords = 20 + doc * 15;
		for (int i = 0; i < nwords; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_append_str(&t, words[(seed >> 16) % nw]);
			buf_append_byte(&t, ' ');
		}
		for (size_t qi = 0; qi < nq; qi++) {
			qnode *n = parse(queries[qi]);
			seed = seed * 1103515245u + 12345u;
			snippet_opts o = {1 + (seed >> 16) % 5,
					  20 + (seed >> 8) % 280};
			snippet_frag *f = NULL;
			size_t nf = 0;
			assert_int_equal(snippet_make(&f, &nf, an, t.data,
						      t.len, n, NULL, NULL, &o),
					 LEDE_OK);
			for (size_t i = 0; i < nf; i++) {
				check_cuts(&f[i], t.data, t.len, queries[qi]);
				check_highlights(&f[i], queries[qi]);
				checked++;
			}
			snippet_free(f, nf);
			qnode_free(n);
		}
		buf_free(&t);
	}
	assert_true(checked > 500);
	/* The case that cut before: an anchor inside a compound that starts
	 * more than a quarter window back. */
	expect_snip(
	    "nato",
	    "One two three four five six seven eight nine ten eleven "
	    "twelve thirteen fourteen fifteen "
	    "north-atlantic-treaty-organisation-and-non-NATO forces met.",
	    1, 80,
	    "…fourteen fifteen "
	    "north-atlantic-treaty-organisation-and-non-[NATO] forces "
	    "met.");
}

static void test_10k_matches(void **state)
{
	buf t = BUF_INIT;
	qnode *n = parse("nato \"defense spending\" deplo*");
	snippet_frag *f = NULL;
	size_t nf = 0;
	double t0;

	(void)state;
	for (int i = 0; i < 10000; i++)
		buf_append_str(&t, "NATO defense spending deployed. ");
	t0 = now_s();
	assert_int_equal(
	    snippet_make(&f, &nf, an, t.data, t.len, n, NULL, NULL, NULL),
	    LEDE_OK);
	assert_true(now_s() - t0 < BUDGET_10K_S);
	/* two windows, merged when they touch (nothing left out between) */
	assert_true(nf == 1 || nf == 2);
	assert_true(f[0].nhl >= 3);
	assert_true(nf == 2 || f[0].len > SNIPPET_DEFAULT_CHARS);
	snippet_free(f, nf);
	buf_free(&t);
	qnode_free(n);
}

static void test_8mb_body(void **state)
{
	buf t = BUF_INIT, b = BUF_INIT;
	qnode *n = parse("needle haystack");
	snippet_frag *f = NULL;
	size_t nf = 0;
	double t0;

	(void)state;
	while (t.len < LEDE_MAX_ARTICLE_BYTES - 100) {
		buf_append_str(&t, "Lorem ipsum dolor sit amet, haystack "
				   "consectetur adipiscing elit sed do. ");
		if (t.len > 6000000 && t.len < 6000100)
			buf_append_str(&t, "The needle is here. ");
	}
	t0 = now_s();
	assert_int_equal(
	    snippet_make(&f, &nf, an, t.data, t.len, n, NULL, NULL, NULL),
	    LEDE_OK);
	assert_true(now_s() - t0 < BUDGET_8MB_S);
	render(&b, f, nf);
	assert_true(nf >= 1);
	assert_non_null(strstr(b.data, "The [needle] is here."));
	buf_free(&b);
	snippet_free(f, nf);
	/* One 1 MB "word" and no spaces at all: still cut, still UTF-8. */
	buf_reset(&t);
	for (int i = 0; i < 300000; i++)
		buf_append_str(&t, "é");
	buf_append_str(&t, " needle");
	assert_int_equal(
	    snippet_make(&f, &nf, an, t.data, t.len, n, NULL, NULL, NULL),
	    LEDE_OK);
	assert_int_equal(nf, 1);
	buf_reset(&b);
	render(&b, f, nf);
	assert_true(f[0].len < 4 * 2 * SNIPPET_DEFAULT_CHARS);
	snippet_free(f, nf);
	buf_free(&b);
	buf_free(&t);
	qnode_free(n);
}

static void test_options_clamped(void **state)
{
	const char *text = "nato one. nato two. nato three.";
	qnode *n = parse("nato");
	snippet_frag *f = NULL;
	size_t nf = 0;
	snippet_opts o = {1000, 1};

	(void)state;
	assert_int_equal(
	    snippet_make(&f, &nf, an, text, strlen(text), n, NULL, NULL, &o),
	    LEDE_OK);
	assert_true(nf >= 1 && nf <= SNIPPET_MAX_FRAGS);
	snippet_free(f, nf);
	snippet_free(NULL, 0);
	snippet_frag_clear(NULL);
	qnode_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exact_ranges),
	    cmocka_unit_test(test_stems_and_accents),
	    cmocka_unit_test(test_phrases),
	    cmocka_unit_test(test_near),
	    cmocka_unit_test(test_not_and_fields),
	    cmocka_unit_test(test_terminal_safety),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_lead_fallback),
	    cmocka_unit_test(test_idf_and_order),
	    cmocka_unit_test(test_sentence_start),
	    cmocka_unit_test(test_cover_distinct_units),
	    cmocka_unit_test(test_word_boundaries_many_queries),
	    cmocka_unit_test(test_10k_matches),
	    cmocka_unit_test(test_8mb_body),
	    cmocka_unit_test(test_options_clamped),
	    cmocka_unit_test(test_cache_same_output),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
