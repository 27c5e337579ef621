/*
 * test_xapian_c.c - unit tests of the C binding over libxapian
 * (lib/xapian_c.cc), on real glass databases in temporary directories.
 *
 * They pin the traps listed in shared/research/xapian.md 9: a bad term must
 * be refused before Xapian (one bad term there silently discards the whole
 * uncommitted batch), a second writer is LOCKED within its wait, a reader
 * overtaken by commits goes STALE and xc_search hides it, upserts never
 * duplicate, shards search like one database, phrase over a synonym is
 * UNSUPPORTED rather than a crash, a too-broad prefix is a QUERY error, and
 * a failed write reports BATCH_LOST while the writer stays usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lede_private.h"
#include "xapian_c.h"

/* Enough commits to make glass reuse the blocks of the revision a reader
 * holds: measured failures start after the writer's 2nd to 4th commit. */
#define STALE_COMMITS 6
/* Documents churned per commit in the stale test. The B-trees must be
 * deeper than the root a reader caches when it opens: at 150 tiny
 * documents nothing ever went stale, at 300 every read did (measured). */
#define STALE_DOCS 400

/* libxapian 1.4.22's Database::check() frees a table checker through a
 * base-class pointer of a smaller size (any check of any glass database;
 * reproduced with a three-line C++ program under -fsanitize=address). The
 * bug is inside the library, so this binary tells ASan to ignore that one
 * kind of report; leaks and every other error stay on. The hook is read
 * only when the binary is built with ASan, and must be visible to it
 * (LEDE_API: the build hides symbols by default). */
LEDE_API const char *__asan_default_options(void);
LEDE_API const char *__asan_default_options(void)
{
	return "new_delete_type_mismatch=0";
}

typedef struct fixture {
	char dir[64];
	char db[128];
} fixture;

/* ---- helpers ------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/lede-xc-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof f->db, "%s/db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static xc_writer *open_writer(const char *path)
{
	xc_writer *w = NULL;
	lede_err err;

	err_clear(&err);
	assert_int_equal(
	    xc_writer_open(&w, path, XC_OPEN_CREATE_OR_OPEN, 0, &err), LEDE_OK);
	assert_non_null(w);
	return w;
}

static xc_reader *open_reader(const char *path)
{
	xc_reader *r = NULL;
	lede_err err;

	err_clear(&err);
	assert_int_equal(xc_reader_open(&r, &path, 1, &err), LEDE_OK);
	return r;
}

/* Space-separated words become postings at positions 1, 2, ...; data is
 * the id; slot 0 holds the date, slot 3 a collapse key if given. */
static void fill_doc(xc_doc *d, const char *id, const char *text, double date,
		     const char *group)
{
	const char *p = text;
	uint32_t pos = 1;
	char v[XC_SORTABLE_MAX];
	size_t n;

	while (*p) {
		const char *s;
		while (*p == ' ')
			p++;
		s = p;
		while (*p && *p != ' ')
			p++;
		if (p > s)
			assert_int_equal(
			    xc_doc_add_posting(d, s, (size_t)(p - s), pos++, 1),
			    LEDE_OK);
	}
	assert_int_equal(xc_doc_set_data(d, id, strlen(id)), LEDE_OK);
	n = xc_sortable_serialise(v, date);
	assert_int_equal(xc_doc_set_value(d, 0, v, n), LEDE_OK);
	if (group)
		assert_int_equal(xc_doc_set_value(d, 3, group, strlen(group)),
				 LEDE_OK);
}

static void put_doc(xc_writer *w, const char *id, const char *text, double date,
		    const char *group)
{
	xc_doc *d = NULL;
	char uid[128];

	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	fill_doc(d, id, text, date, group);
	snprintf(uid, sizeof uid, "Q%s", id);
	assert_int_equal(xc_writer_upsert(NULL, w, uid, strlen(uid), d),
			 LEDE_OK);
	xc_doc_free(d);
}

static void put(xc_writer *w, const char *id, const char *text)
{
	put_doc(w, id, text, 0.0, NULL);
}

static xc_query *qterm(const char *t)
{
	xc_query *q = NULL;
	lede_err err;

	assert_int_equal(xc_query_term(&q, t, strlen(t), 1, 0, &err), LEDE_OK);
	return q;
}

static xc_query *qcombine(xc_qop op, xc_query **subs, size_t n, uint32_t param)
{
	xc_query *q = NULL;
	lede_err err;

	err_clear(&err);
	assert_int_equal(xc_query_combine(&q, op, (const xc_query *const *)subs,
					  n, param, &err),
			 LEDE_OK);
	return q;
}

static uint32_t writer_count(xc_writer *w)
{
	uint32_t n = 0;
	assert_int_equal(xc_writer_doccount(&n, w), LEDE_OK);
	return n;
}

static uint32_t reader_count(const char *path)
{
	xc_reader *r = open_reader(path);
	uint32_t n = 0;

	assert_int_equal(xc_reader_doccount(&n, r), LEDE_OK);
	xc_reader_free(r);
	return n;
}

/* Runs q and copies the data (ids) of the hits, in rank order, into ids as
 * one space-separated string. Returns the hit count. */
static size_t search_ids(char *ids, size_t cap, xc_reader *r, xc_query *q,
			 const xc_search_opts *o)
{
	xc_results *m = NULL;
	size_t n, i, used = 0;

	assert_int_equal(xc_search(&m, r, q, o), LEDE_OK);
	n = xc_results_count(m);
	ids[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *data;
		size_t len;
		assert_int_equal(xc_results_data(&data, &len, m, i), LEDE_OK);
		used += (size_t)snprintf(ids + used, cap - used, "%s%.*s",
					 i ? " " : "", (int)len, data);
		assert_true(used < cap);
	}
	xc_results_free(m);
	return n;
}

/* Appends term and a comma to the NUL-terminated list in seen (cap bytes). */
static void append_item(char *seen, size_t cap, const char *term, size_t len)
{
	size_t used = strlen(seen);

	assert_true(used + len + 2 <= cap);
	memcpy(seen + used, term, len);
	seen[used + len] = ',';
	seen[used + len + 1] = '\0';
}

#define LIST_MAX 256

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- document builder: bad terms ---------------------------------------- */

static void test_bad_terms_refused(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_doc *d = NULL;
	char long_term[XC_MAX_TERM_BYTES + 2];
	static const char nul_term[] = "ab\0cd";
	static const char bad_utf8[] = "caf\xc3";	/* truncated sequence */
	static const char overlong[] = "\xc0\xaf";	/* overlong '/' */
	static const char surrogate[] = "\xed\xa0\x80"; /* U+D800 */

	put(w, "a", "alpha one");
	put(w, "b", "beta two");
	put(w, "c", "gamma three");

	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	memset(long_term, 'x', sizeof long_term);
	assert_int_equal(
	    xc_doc_add_posting(d, long_term, XC_MAX_TERM_BYTES + 1, 1, 1),
	    LEDE_ERR_INVALID);
	assert_non_null(strstr(xc_doc_errmsg(d), "limit"));
	assert_int_equal(xc_doc_add_term(d, nul_term, sizeof nul_term - 1, 1),
			 LEDE_ERR_INVALID);
	assert_non_null(strstr(xc_doc_errmsg(d), "NUL"));
	assert_int_equal(xc_doc_add_boolean_term(d, "", 0), LEDE_ERR_INVALID);
	assert_non_null(strstr(xc_doc_errmsg(d), "empty"));
	assert_int_equal(xc_doc_add_term(d, bad_utf8, sizeof bad_utf8 - 1, 1),
			 LEDE_ERR_INVALID);
	assert_non_null(strstr(xc_doc_errmsg(d), "UTF-8"));
	assert_int_equal(xc_doc_add_term(d, overlong, 2, 1), LEDE_ERR_INVALID);
	assert_int_equal(xc_doc_add_term(d, surrogate, 3, 1), LEDE_ERR_INVALID);
	/* Exactly at the limit, and multi-byte UTF-8, are fine. */
	assert_int_equal(xc_doc_add_term(d, long_term, XC_MAX_TERM_BYTES, 1),
			 LEDE_OK);
	assert_int_equal(xc_doc_add_posting(d, "caf\xc3\xa9", 5, 1, 1),
			 LEDE_OK);
	/* A bad unique term is refused by the upsert, before Xapian. */
	assert_int_equal(
	    xc_writer_upsert(NULL, w, long_term, XC_MAX_TERM_BYTES + 1, d),
	    LEDE_ERR_INVALID);
	assert_int_equal(
	    xc_writer_upsert(NULL, w, nul_term, sizeof nul_term - 1, d),
	    LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_delete_term(w, "", 0), LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_upsert(NULL, w, "Qd", 2, d), LEDE_OK);
	xc_doc_free(d);

	/* The three earlier uncommitted documents survived all of that. */
	assert_int_equal(writer_count(w), 4);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(reader_count(f->db), 4);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
}

/* ---- writer: locking, open modes, lifetime ------------------------------- */

static void test_second_writer_locked(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db), *w2 = NULL;
	lede_err err;
	double t0, ms;

	err_clear(&err);
	assert_int_equal(xc_writer_open(&w2, f->db, XC_OPEN_EXISTING, 0, &err),
			 LEDE_ERR_LOCKED);
	assert_null(w2);
	assert_non_null(strstr(err.msg, "lock"));

	t0 = mono_ms();
	assert_int_equal(
	    xc_writer_open(&w2, f->db, XC_OPEN_EXISTING, 300, &err),
	    LEDE_ERR_LOCKED);
	ms = mono_ms() - t0;
	assert_true(ms >= 290.0);
	assert_true(ms < 2000.0);
	assert_null(w2);

	/* Once the first writer is gone, the lock is free. */
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	assert_int_equal(xc_writer_open(&w2, f->db, XC_OPEN_EXISTING, 0, &err),
			 LEDE_OK);
	xc_writer_free(w2);
}

static void test_open_modes(void **state)
{
	fixture *f = *state;
	xc_writer *w = NULL;
	lede_err err;

	err_clear(&err);
	assert_int_equal(xc_writer_open(&w, f->db, XC_OPEN_EXISTING, 0, &err),
			 LEDE_ERR_NOT_FOUND);
	assert_int_equal(xc_writer_open(&w, f->db, 0x7f, 0, &err),
			 LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_open(&w, f->db, XC_OPEN_CREATE, 0, &err),
			 LEDE_OK);
	put(w, "a", "alpha");
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	/* A closed writer refuses further work but must still be freed. */
	assert_int_equal(xc_writer_commit(w), LEDE_ERR_INVALID);
	xc_writer_free(w);
	assert_int_equal(xc_writer_open(&w, f->db, XC_OPEN_CREATE, 0, &err),
			 LEDE_ERR_EXISTS);
	assert_int_equal(xc_writer_open(&w, f->db, XC_OPEN_OVERWRITE, 0, &err),
			 LEDE_OK);
	assert_int_equal(writer_count(w), 0);
	xc_writer_free(w);
}

static void test_free_discards_close_commits(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);

	put(w, "a", "alpha");
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	put(w, "b", "beta");
	xc_writer_free(w); /* "b" was never committed */
	assert_int_equal(reader_count(f->db), 1);

	w = open_writer(f->db);
	put(w, "b", "beta");
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	assert_int_equal(reader_count(f->db), 2);
}

static void test_transactions(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);

	put(w, "a", "alpha");
	assert_int_equal(xc_writer_commit(w), LEDE_OK);

	assert_int_equal(xc_writer_txn_begin(w, 1), LEDE_OK);
	assert_int_equal(xc_writer_txn_begin(w, 1), LEDE_ERR_INVALID);
	put(w, "b", "beta");
	assert_int_equal(xc_writer_commit(w), LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_txn_cancel(w), LEDE_OK);
	assert_int_equal(writer_count(w), 1);

	assert_int_equal(xc_writer_txn_begin(w, 0), LEDE_OK);
	put(w, "b", "beta");
	put(w, "c", "gamma");
	assert_int_equal(xc_writer_txn_commit(w), LEDE_OK);
	assert_int_equal(xc_writer_txn_commit(w), LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(reader_count(f->db), 3);

	/* A failed write inside a transaction: glass cancels it, and the
	 * transaction commit must say so instead of reporting success. */
	assert_int_equal(xc_writer_txn_begin(w, 0), LEDE_OK);
	put(w, "d", "delta");
	xc_writer_test_fail_after(w, 1);
	{
		xc_doc *d = NULL;
		assert_int_equal(xc_doc_new(&d), LEDE_OK);
		fill_doc(d, "e", "epsilon", 0.0, NULL);
		assert_int_equal(xc_writer_upsert(NULL, w, "Qe", 2, d),
				 LEDE_ERR_BATCH_LOST);
		xc_doc_free(d);
	}
	assert_int_equal(xc_writer_txn_commit(w), LEDE_ERR_BATCH_LOST);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(reader_count(f->db), 3);
	xc_writer_free(w);
}

/* ---- writer: upsert, delete, lookups, metadata, spelling ---------------- */

static int count_cb(void *ctx, const char *term, size_t len, uint32_t freq)
{
	(void)term;
	(void)len;
	(void)freq;
	(*(int *)ctx)++;
	return 0;
}

static void test_upsert_twice_one_doc(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_doc *d = NULL;
	uint32_t id1 = 0, id2 = 0;
	int exists = 0, nq = 0;
	char *val = NULL;
	size_t vlen = 0;
	int found = 0;

	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	fill_doc(d, "x", "first version", 1.0, "g1");
	assert_int_equal(xc_writer_upsert(&id1, w, "Qx", 2, d), LEDE_OK);
	xc_doc_clear(d);
	fill_doc(d, "x", "second version", 2.0, "g2");
	assert_int_equal(xc_writer_upsert(&id2, w, "Qx", 2, d), LEDE_OK);
	xc_doc_free(d);
	assert_int_equal(id1, id2);
	assert_int_equal(writer_count(w), 1);

	/* The binding added the unique term itself. */
	assert_int_equal(xc_writer_term_exists(&exists, w, "Qx", 2), LEDE_OK);
	assert_int_equal(exists, 1);
	assert_int_equal(xc_writer_term_exists(&exists, w, "first", 5),
			 LEDE_OK);
	assert_int_equal(exists, 0);
	assert_int_equal(
	    xc_writer_get_value(&val, &vlen, &found, w, "Qx", 2, 3), LEDE_OK);
	assert_int_equal(found, 1);
	assert_int_equal(vlen, 2);
	assert_memory_equal(val, "g2", 2);
	xc_free(val);
	assert_int_equal(
	    xc_writer_get_value(&val, &vlen, &found, w, "Qnone", 5, 3),
	    LEDE_OK);
	assert_int_equal(found, 0);
	assert_int_equal(vlen, 0);
	xc_free(val);
	assert_int_equal(xc_writer_allterms(w, "Q", 1, count_cb, &nq), LEDE_OK);
	assert_int_equal(nq, 1);

	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(reader_count(f->db), 1);
	xc_writer_free(w);
}

static int key_cb(void *ctx, const char *key, size_t len, uint32_t freq)
{
	(void)freq;
	append_item(ctx, LIST_MAX, key, len);
	return 0;
}

static int delete_cb(void *ctx, const char *term, size_t len, uint32_t freq)
{
	(void)freq;
	assert_int_equal(xc_writer_delete_term(ctx, term, len), LEDE_OK);
	return 0;
}

static void test_delete_term(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_reader *r;
	char *data = NULL;
	size_t len = 0;

	put(w, "a", "shared alpha");
	put(w, "b", "shared beta");
	put(w, "c", "gamma");
	assert_int_equal(xc_writer_delete_term(w, "Qa", 2), LEDE_OK);
	assert_int_equal(writer_count(w), 2);
	assert_int_equal(xc_writer_delete_term(w, "shared", 6), LEDE_OK);
	assert_int_equal(writer_count(w), 1);
	assert_int_equal(xc_writer_delete_term(w, "absent", 6), LEDE_OK);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);

	r = open_reader(f->db);
	assert_int_equal(xc_reader_get_data_by_term(&data, &len, r, "Qc", 2),
			 LEDE_OK);
	assert_int_equal(len, 1);
	assert_memory_equal(data, "c", 1);
	xc_free(data);
	assert_int_equal(xc_reader_get_data_by_term(&data, &len, r, "Qa", 2),
			 LEDE_ERR_NOT_FOUND);
	assert_null(data);
	xc_reader_free(r);

	/* Values of the documents holding a term; the callback may delete
	 * them as it goes. */
	put_doc(w, "e", "shared epsilon", 0.0, "ge");
	put_doc(w, "f", "shared phi", 0.0, "gf");
	{
		char seen[LIST_MAX] = "";
		assert_int_equal(
		    xc_writer_term_docs(w, "shared", 6, 3, key_cb, seen),
		    LEDE_OK);
		assert_string_equal(seen, "ge,gf,");
		assert_int_equal(xc_writer_term_docs(w, "", 0, 3, key_cb, seen),
				 LEDE_ERR_INVALID);
	}
	assert_int_equal(xc_writer_delete_term(w, "shared", 6), LEDE_OK);

	/* The callback may delete the very terms it is shown. */
	put(w, "d", "delta");
	assert_int_equal(xc_writer_allterms(w, "Q", 1, delete_cb, w), LEDE_OK);
	assert_int_equal(writer_count(w), 0);
	xc_writer_free(w);
}

/* The wdf a term has in a writer holding one document. */
static uint64_t wdf_of(xc_writer *w, const char *term)
{
	uint32_t docs = 0;
	uint64_t total = 0;

	assert_int_equal(xc_writer_term_stats(&docs, &total, w, term,
					      strlen(term)),
			 LEDE_OK);
	return total;
}

/* Puts a document of one positionless word, wdf times, with its impacts
 * against avglen, under the id term q. */
static void put_positionless(xc_writer *w, xc_doc *d, const char *word,
			     uint32_t wdf, const char *q, double avglen,
			     xc_impact_opts *o)
{
	uint32_t len;

	xc_doc_clear(d);
	assert_int_equal(xc_doc_add_term(d, word, strlen(word), wdf), LEDE_OK);
	assert_int_equal(xc_doc_add_boolean_term(d, q, strlen(q)), LEDE_OK);
	o->avglen = avglen;
	assert_int_equal(xc_doc_set_impacts(&len, d, o), LEDE_OK);
	assert_int_equal(xc_writer_upsert(NULL, w, q, strlen(q), d), LEDE_OK);
}

/* Impacts (index format 4): round(32 wdf / norm), norm = 0.5 + 0.5
 * max(len / avglen, 0.5); measured again from positions, or in a
 * document without any, from the impacts; one whose frequencies cannot
 * be found again is left as it is. */
static void test_impacts(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_doc *d = NULL;
	xc_impact_opts o = { 0.5, 3.0, 0.5, 32, "XL", 0 };
	uint32_t len = 0, done = 0, inexact = 0, next = 0;

	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	assert_int_equal(xc_doc_add_posting(d, "a", 1, 1, 1), LEDE_OK);
	assert_int_equal(xc_doc_add_posting(d, "a", 1, 2, 1), LEDE_OK);
	assert_int_equal(xc_doc_add_posting(d, "b", 1, 3, 1), LEDE_OK);
	assert_int_equal(xc_doc_add_boolean_term(d, "Qone", 4), LEDE_OK);
	/* len 3 = avglen: norm 1 */
	assert_int_equal(xc_doc_set_impacts(&len, d, &o), LEDE_OK);
	assert_int_equal(len, 3);
	assert_int_equal(xc_writer_upsert(NULL, w, "Qone", 4, d), LEDE_OK);
	assert_int_equal(wdf_of(w, "a"), 64);
	assert_int_equal(wdf_of(w, "b"), 32);
	assert_int_equal(wdf_of(w, "XL"), 3);
	/* against 6: len / avglen 0.5, norm 0.75 */
	o.avglen = 6;
	o.max_docs = 10;
	assert_int_equal(xc_writer_reimpact(&done, &inexact, &next, w, 1, &o),
			 LEDE_OK);
	assert_int_equal(done, 1);
	assert_int_equal(inexact, 0);
	assert_int_equal(next, 0);
	assert_int_equal(wdf_of(w, "a"), 85);
	assert_int_equal(wdf_of(w, "b"), 43);
	/* against 1: norm 2, impacts below the wdf they had (lowered by
	 * putting the term back, positions kept) */
	o.avglen = 1;
	assert_int_equal(xc_writer_reimpact(&done, &inexact, &next, w, 1, &o),
			 LEDE_OK);
	assert_int_equal(wdf_of(w, "a"), 32);
	assert_int_equal(wdf_of(w, "b"), 16);
	/* a word without positions (index format 5): its plain frequency
	 * comes back from the impacts, 64 at norm 1: 2 */
	put_positionless(w, d, "c", 2, "Qtwo", 2, &o);
	assert_int_equal(wdf_of(w, "c"), 64);
	o.avglen = 4;
	o.max_docs = 1;
	assert_int_equal(xc_writer_reimpact(&done, &inexact, &next, w, 1, &o),
			 LEDE_OK);
	assert_int_equal(done, 1);
	assert_int_equal(next, 2); /* one at a time: go on from docid 2 */
	assert_int_equal(xc_writer_reimpact(&done, &inexact, &next, w, next,
					    &o),
			 LEDE_OK);
	assert_int_equal(inexact, 0);
	assert_int_equal(next, 0);
	/* against 4: norm 0.5 + 0.5 * max(2/4, 0.5) = 0.75, 32 * 2 / 0.75 */
	assert_int_equal(wdf_of(w, "c"), 85);
	/* ... unless the norm reaches the scale, where impacts no longer
	 * round back to one frequency: 100 words against an average of 1
	 * (norm 50.5) */
	put_positionless(w, d, "e", 100, "Qthree", 1, &o);
	assert_int_equal(wdf_of(w, "e"), 63);
	o.avglen = 50;
	o.max_docs = 100;
	assert_int_equal(xc_writer_reimpact(&done, &inexact, &next, w, 3, &o),
			 LEDE_OK);
	assert_int_equal(done, 1);
	assert_int_equal(inexact, 1);
	assert_int_equal(wdf_of(w, "e"), 63);
	o.scale = 0;
	assert_int_equal(xc_doc_set_impacts(NULL, d, &o), LEDE_ERR_INVALID);
	xc_doc_free(d);
	xc_writer_free(w);
}

static void test_metadata(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_reader *r;
	char key[XC_MAX_META_KEY_BYTES + 1];
	char seen[LIST_MAX] = "";
	char *v = NULL;
	size_t vlen = 0;

	assert_int_equal(xc_writer_set_meta(w, "lede:schema", 11, "v1", 2),
			 LEDE_OK);
	assert_int_equal(xc_writer_set_meta(w, "lede:cursor", 11, "42", 2),
			 LEDE_OK);
	assert_int_equal(xc_writer_set_meta(w, "other", 5, "x", 1), LEDE_OK);
	assert_int_equal(xc_writer_get_meta(&v, &vlen, w, "lede:cursor", 11),
			 LEDE_OK);
	assert_int_equal(vlen, 2);
	assert_memory_equal(v, "42", 2);
	xc_free(v);

	memset(key, 'k', sizeof key);
	assert_int_equal(
	    xc_writer_set_meta(w, key, XC_MAX_META_KEY_BYTES + 1, "x", 1),
	    LEDE_ERR_INVALID);
	assert_non_null(strstr(xc_writer_errmsg(w), "limit"));
	assert_int_equal(xc_writer_set_meta(w, "", 0, "x", 1),
			 LEDE_ERR_INVALID);
	assert_int_equal(
	    xc_writer_set_meta(w, key, XC_MAX_META_KEY_BYTES, "x", 1), LEDE_OK);
	assert_int_equal(xc_writer_set_meta(w, "other", 5, NULL, 0), LEDE_OK);
	assert_int_equal(xc_writer_meta_keys(w, "lede:", 5, key_cb, seen),
			 LEDE_OK);
	assert_string_equal(seen, "lede:cursor,lede:schema,");
	assert_int_equal(xc_writer_commit(w), LEDE_OK);

	r = open_reader(f->db);
	assert_int_equal(xc_reader_get_meta(&v, &vlen, r, "lede:schema", 11),
			 LEDE_OK);
	assert_string_equal(v, "v1");
	xc_free(v);
	assert_int_equal(xc_reader_get_meta(&v, &vlen, r, "other", 5), LEDE_OK);
	assert_int_equal(vlen, 0);
	xc_free(v);
	assert_int_equal(
	    xc_reader_get_meta(&v, &vlen, r, key, XC_MAX_META_KEY_BYTES),
	    LEDE_OK);
	assert_int_equal(vlen, 1);
	xc_free(v);
	xc_reader_free(r);
	xc_writer_free(w);
}

/* The spelling suggestion a fresh reader of db gives for word (at most 2
 * edits), or NULL when there is none; the caller frees it. */
static char *suggestion(const char *db, const char *word)
{
	xc_reader *r = open_reader(db);
	char *s = NULL, *out = NULL;
	size_t len = 0;

	assert_int_equal(
	    xc_reader_spelling(&s, &len, r, word, strlen(word), 2), LEDE_OK);
	if (len > 0) {
		out = strdup(s);
		assert_non_null(out);
	}
	xc_free(s);
	xc_reader_free(r);
	return out;
}

/* suggestion() is want (NULL: no suggestion). */
static void expect_suggestion(const char *db, const char *word,
			      const char *want)
{
	char *got = suggestion(db, word);

	if (want)
		assert_string_equal(got ? got : "", want);
	else
		assert_null(got);
	free(got);
}

static void test_spelling(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);

	assert_int_equal(xc_writer_add_spelling(w, "parliament", 10, 3),
			 LEDE_OK);
	assert_int_equal(xc_writer_add_spelling(w, "", 0, 1), LEDE_ERR_INVALID);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	xc_writer_free(w);
	expect_suggestion(f->db, "parliment", "parliament");
	expect_suggestion(f->db, "zzzzzz", NULL);
}

/* A word new to the table enters it once seen in two documents, even
 * across commits; one seen once is forgotten at close; one the table
 * already has counts from its first sighting. */
static void test_spelling_once(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);

	assert_int_equal(xc_writer_add_spelling(w, "referendum", 10, 1),
			 LEDE_OK);
	assert_int_equal(xc_writer_add_spelling(w, "zanzibar", 8, 1), LEDE_OK);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(xc_writer_add_spelling(w, "referendum", 10, 1),
			 LEDE_OK);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	expect_suggestion(f->db, "referendun", "referendum");
	expect_suggestion(f->db, "zanzibat", NULL);
	/* a later run: one more sighting of a known word is kept */
	w = open_writer(f->db);
	assert_int_equal(xc_writer_add_spelling(w, "zanzibar", 8, 2), LEDE_OK);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	w = open_writer(f->db);
	assert_int_equal(xc_writer_add_spelling(w, "zanzibar", 8, 1), LEDE_OK);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	expect_suggestion(f->db, "zanzibat", "zanzibar");
}

/* Batch commits hand the spelling words over only every few commits; a
 * plain commit always does. */
static void test_spelling_batch(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	char *got = NULL;

	assert_int_equal(xc_writer_add_spelling(w, "parliament", 10, 2),
			 LEDE_OK);
	assert_int_equal(xc_writer_commit_batch(w), LEDE_OK);
	/* committed articles, words still held */
	expect_suggestion(f->db, "parliment", NULL);
	for (int i = 0; i < 16 && got == NULL; i++) {
		assert_int_equal(xc_writer_commit_batch(w), LEDE_OK);
		got = suggestion(f->db, "parliment");
	}
	assert_non_null(got);
	free(got);
	assert_int_equal(xc_writer_add_spelling(w, "referendum", 10, 2),
			 LEDE_OK);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	expect_suggestion(f->db, "referendun", "referendum");
	xc_writer_free(w);
}

/* ---- fault injection ----------------------------------------------------- */

static void test_fault_injection(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_doc *d = NULL;
	char *v = NULL;
	size_t vlen = 0;

	put(w, "a", "alpha");
	assert_int_equal(xc_writer_set_meta(w, "cursor", 6, "1", 1), LEDE_OK);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);

	put(w, "b", "beta");
	assert_int_equal(xc_writer_set_meta(w, "cursor", 6, "2", 1), LEDE_OK);
	xc_writer_test_fail_after(w, 2);
	put(w, "c", "gamma"); /* the 1st upsert after arming succeeds */
	assert_int_equal(xc_doc_new(&d), LEDE_OK);
	fill_doc(d, "d", "delta", 0.0, NULL);
	assert_int_equal(xc_writer_upsert(NULL, w, "Qd", 2, d),
			 LEDE_ERR_BATCH_LOST);
	assert_non_null(strstr(xc_writer_errmsg(w), "InvalidArgumentError"));
	assert_non_null(strstr(xc_writer_errmsg(w), "discarded"));

	/* The batch (b, c and the cursor) is gone; the commit stands. */
	assert_int_equal(writer_count(w), 1);
	assert_int_equal(xc_writer_get_meta(&v, &vlen, w, "cursor", 6),
			 LEDE_OK);
	assert_string_equal(v, "1");
	xc_free(v);

	/* The writer stays usable, and the caller's doc is unchanged: the
	 * same doc upserts fine now. */
	assert_int_equal(xc_writer_upsert(NULL, w, "Qd", 2, d), LEDE_OK);
	xc_doc_free(d);
	assert_int_equal(xc_writer_commit(w), LEDE_OK);
	assert_int_equal(reader_count(f->db), 2);
	xc_writer_free(w);
}

/* ---- reader overtaken by a writer ---------------------------------------- */

static void churn(xc_writer *w, int round)
{
	char id[32], text[128];
	int i, c;

	for (c = 0; c < STALE_COMMITS; c++) {
		for (i = 0; i < STALE_DOCS; i++) {
			snprintf(id, sizeof id, "d%d", i);
			snprintf(text, sizeof text,
				 "common word%d round%d commit%d filler%d", i,
				 round, c, (i * 7 + c) % 50);
			put(w, id, text);
		}
		snprintf(id, sizeof id, "new%d-%d", round, c);
		put(w, id, "fresh");
		assert_int_equal(xc_writer_commit(w), LEDE_OK);
	}
}

static void test_stale_reader(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_reader *r;
	xc_query *q;
	xc_results *m = NULL;
	xc_search_opts o = XC_SEARCH_OPTS_INIT;
	char ids[4096], *data = NULL;
	size_t len = 0;
	uint32_t n = 0;
	int changed = 0;

	churn(w, 0);
	r = open_reader(f->db);
	assert_int_equal(xc_reader_doccount(&n, r), LEDE_OK);
	assert_int_equal(n, STALE_DOCS + STALE_COMMITS);

	churn(w, 1);
	/* A raw read on the old revision fails... */
	assert_int_equal(xc_reader_get_data_by_term(&data, &len, r, "Qd7", 3),
			 LEDE_ERR_STALE);
	assert_non_null(strstr(xc_reader_errmsg(r), "reopen"));
	/* ...a search without retries too... */
	q = qterm("fresh");
	o.stale_retries = 0;
	o.max_items = 100;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_ERR_STALE);
	assert_null(m);
	/* ...and xc_search with retries reopens and sees the new documents. */
	o.stale_retries = 3;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o),
			 2 * STALE_COMMITS);
	assert_non_null(strstr(ids, "new1-5"));

	churn(w, 2);
	assert_int_equal(
	    xc_reader_get_data_by_term(&data, &len, r, "Qnew2-5", 7),
	    LEDE_ERR_STALE);
	assert_int_equal(xc_reader_reopen(&changed, r), LEDE_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(
	    xc_reader_get_data_by_term(&data, &len, r, "Qnew2-5", 7), LEDE_OK);
	assert_string_equal(data, "new2-5");
	xc_free(data);
	assert_int_equal(xc_reader_doccount(&n, r), LEDE_OK);
	assert_int_equal(n, STALE_DOCS + 3 * STALE_COMMITS);
	assert_int_equal(xc_reader_reopen(&changed, r), LEDE_OK);
	assert_int_equal(changed, 0);

	xc_query_free(q);
	xc_reader_free(r);
	xc_writer_free(w);
}

/* ---- shards ---------------------------------------------------------------
 */

static const char *const shard_texts[] = {
    "nato defence spending rises",
    "defence budget talks stall at nato summit nato",
    "spending review cuts defence",
    "nato leaders meet",
    "budget spending spending spending",
    "the summit ends with a defence pact",
    "nato nato nato expansion debate",
    "local news about a fair",
    "defence minister resigns over spending",
    "spending on schools",
    "nato summit spending defence budget pact",
    "weather report",
    "defence defence spending",
    "sports roundup",
};
#define N_SHARD_TEXTS (sizeof shard_texts / sizeof shard_texts[0])

static void test_stub_equals_single(void **state)
{
	fixture *f = *state;
	char a[160], b[160], all[160], stub[160];
	char ids_stub[512], ids_all[512], ids_two[512];
	const char *two[2];
	xc_writer *wa, *wb, *wall;
	xc_reader *r;
	xc_query *subs[3], *q;
	FILE *fp;
	size_t i;
	uint32_t n;

	snprintf(a, sizeof a, "%s/a", f->dir);
	snprintf(b, sizeof b, "%s/b", f->dir);
	snprintf(all, sizeof all, "%s/all", f->dir);
	snprintf(stub, sizeof stub, "%s/shards.stub", f->dir);
	wa = open_writer(a);
	wb = open_writer(b);
	wall = open_writer(all);
	/* Document i goes to shard i % 2: the stub's interleaved docids then
	 * equal the single database's, so even ties rank the same. */
	for (i = 0; i < N_SHARD_TEXTS; i++) {
		char id[16];
		snprintf(id, sizeof id, "doc%zu", i);
		put(i % 2 ? wb : wa, id, shard_texts[i]);
		put(wall, id, shard_texts[i]);
	}
	assert_int_equal(xc_writer_close(wa), LEDE_OK);
	assert_int_equal(xc_writer_close(wb), LEDE_OK);
	assert_int_equal(xc_writer_close(wall), LEDE_OK);
	xc_writer_free(wa);
	xc_writer_free(wb);
	xc_writer_free(wall);

	fp = fopen(stub, "w");
	assert_non_null(fp);
	fputs("# two shards, relative to this file\nauto a\nauto b\n", fp);
	fclose(fp);

	subs[0] = qterm("nato");
	subs[1] = qterm("defence");
	subs[2] = qterm("spending");
	q = qcombine(XC_Q_OR, subs, 3, 0);

	r = open_reader(stub);
	assert_int_equal(xc_reader_doccount(&n, r), LEDE_OK);
	assert_int_equal(n, N_SHARD_TEXTS);
	assert_int_equal(search_ids(ids_stub, sizeof ids_stub, r, q, NULL), 10);
	xc_reader_free(r);

	r = open_reader(all);
	assert_int_equal(search_ids(ids_all, sizeof ids_all, r, q, NULL), 10);
	xc_reader_free(r);

	two[0] = a;
	two[1] = b;
	{
		lede_err err;
		assert_int_equal(xc_reader_open(&r, two, 2, &err), LEDE_OK);
	}
	assert_int_equal(search_ids(ids_two, sizeof ids_two, r, q, NULL), 10);
	xc_reader_free(r);

	assert_string_equal(ids_stub, ids_all);
	assert_string_equal(ids_two, ids_all);

	for (i = 0; i < 3; i++)
		xc_query_free(subs[i]);
	xc_query_free(q);
}

/* ---- queries ---------------------------------------------------------------
 */

static void make_news(const char *path)
{
	xc_writer *w = open_writer(path);

	put_doc(w, "p1", "the quick brown fox jumps", 100.0, "g1");
	put_doc(w, "p2", "brown quick the fox", 300.0, "g1");
	put_doc(w, "p3", "a quick red fox and a brown dog", 200.0, "g2");
	put_doc(w, "p4", "apple apricot april apex", 400.0, "g3");
	put_doc(w, "p5", "apple pie", 50.0, "g3");
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
}

static void test_phrase_and_near(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_query *subs[2], *q, *or_q, *alt[2];
	char ids[256];

	make_news(f->db);
	r = open_reader(f->db);

	subs[0] = qterm("quick");
	subs[1] = qterm("brown");
	q = qcombine(XC_Q_PHRASE, subs, 2, 0);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 1);
	assert_string_equal(ids, "p1");
	xc_query_free(q);

	/* Both orders, within a window of 3 positions. */
	q = qcombine(XC_Q_NEAR, subs, 2, 3);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	assert_non_null(strstr(ids, "p1"));
	assert_non_null(strstr(ids, "p2"));
	xc_query_free(q);
	/* A wide window reaches p3 ("quick ... brown" 5 apart). */
	q = qcombine(XC_Q_NEAR, subs, 2, 6);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 3);
	xc_query_free(q);

	/* Phrase over an OR of variants works. */
	alt[0] = qterm("brown");
	alt[1] = qterm("red");
	or_q = qcombine(XC_Q_OR, alt, 2, 0);
	xc_query_free(subs[1]);
	subs[1] = or_q;
	q = qcombine(XC_Q_PHRASE, subs, 2, 0);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	assert_non_null(strstr(ids, "p1"));
	assert_non_null(strstr(ids, "p3"));
	xc_query_free(q);

	xc_query_free(alt[0]);
	xc_query_free(alt[1]);
	xc_query_free(subs[0]);
	xc_query_free(subs[1]);
	xc_reader_free(r);
}

static void test_phrase_over_synonym_unsupported(void **state)
{
	xc_query *alt[2], *syn, *subs[2], *q = NULL, *all;
	lede_err err;

	(void)state;
	alt[0] = qterm("brown");
	alt[1] = qterm("red");
	syn = qcombine(XC_Q_SYNONYM, alt, 2, 0);
	subs[0] = qterm("quick");
	subs[1] = syn;
	err_clear(&err);
	assert_int_equal(xc_query_combine(&q, XC_Q_PHRASE,
					  (const xc_query *const *)subs, 2, 0,
					  &err),
			 LEDE_ERR_UNSUPPORTED);
	assert_null(q);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(xc_query_combine(&q, XC_Q_NEAR,
					  (const xc_query *const *)subs, 2, 4,
					  &err),
			 LEDE_ERR_UNSUPPORTED);
	assert_int_equal(xc_query_match_all(&all, &err), LEDE_OK);
	subs[1] = all;
	assert_int_equal(xc_query_combine(&q, XC_Q_PHRASE,
					  (const xc_query *const *)subs, 2, 0,
					  &err),
			 LEDE_ERR_UNSUPPORTED);
	assert_int_equal(xc_query_combine(&q, (xc_qop)99,
					  (const xc_query *const *)subs, 2, 0,
					  &err),
			 LEDE_ERR_INVALID);
	xc_query_free(all);
	xc_query_free(syn);
	xc_query_free(subs[0]);
	xc_query_free(alt[0]);
	xc_query_free(alt[1]);
}

static void test_prefix_limits(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_query *q = NULL;
	xc_results *m = NULL;
	lede_err err;
	char ids[256];

	make_news(f->db);
	r = open_reader(f->db);
	err_clear(&err);

	/* "ap" expands to apex, apple, apricot, april: over the limit of 2. */
	assert_int_equal(
	    xc_query_prefix(&q, "ap", 2, 2, XC_WILD_ERROR, XC_Q_SYNONYM, &err),
	    LEDE_OK);
	assert_int_equal(xc_search(&m, r, q, NULL), LEDE_ERR_QUERY);
	assert_null(m);
	assert_true(xc_reader_errmsg(r)[0] != '\0');
	xc_query_free(q);

	/* MOST_FREQUENT keeps apple (in p4 and p5) first. Under OR this is
	 * the case where libxapian 1.4.22 leaks; the binding expands it. */
	assert_int_equal(xc_query_prefix(&q, "ap", 2, 2, XC_WILD_MOST_FREQUENT,
					 XC_Q_OR, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	xc_query_free(q);
	assert_int_equal(xc_query_prefix(&q, "ap", 2, 1, XC_WILD_MOST_FREQUENT,
					 XC_Q_MAX, &err),
			 LEDE_OK);
	{
		/* Deferred expansion also works below combinators. */
		xc_query *subs[2], *both, *scaled;
		subs[0] = q;
		subs[1] = qterm("pie");
		both = qcombine(XC_Q_AND, subs, 2, 0);
		assert_int_equal(xc_query_scale(&scaled, 2.0, both, &err),
				 LEDE_OK);
		assert_int_equal(search_ids(ids, sizeof ids, r, scaled, NULL),
				 1);
		assert_string_equal(ids, "p5");
		xc_query_free(scaled);
		xc_query_free(both);
		xc_query_free(subs[1]);
	}
	xc_query_free(q);
	assert_int_equal(xc_query_prefix(&q, "ap", 2, 1, XC_WILD_MOST_FREQUENT,
					 XC_Q_SYNONYM, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	assert_non_null(strstr(ids, "p5"));
	xc_query_free(q);
	assert_int_equal(xc_query_prefix(&q, "zz", 2, 1, XC_WILD_MOST_FREQUENT,
					 XC_Q_SYNONYM, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 0);
	xc_query_free(q);
	/* FIRST keeps the first in byte order: apex, only in p4. */
	assert_int_equal(
	    xc_query_prefix(&q, "ap", 2, 1, XC_WILD_FIRST, XC_Q_OR, &err),
	    LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 1);
	assert_string_equal(ids, "p4");
	xc_query_free(q);
	assert_int_equal(
	    xc_query_prefix(&q, "apr", 3, 10, XC_WILD_ERROR, XC_Q_MAX, &err),
	    LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 1);
	assert_string_equal(ids, "p4");
	xc_query_free(q);

	assert_int_equal(
	    xc_query_prefix(&q, "", 0, 2, XC_WILD_ERROR, XC_Q_OR, &err),
	    LEDE_ERR_INVALID);
	assert_int_equal(
	    xc_query_prefix(&q, "ap", 2, 2, XC_WILD_ERROR, XC_Q_AND, &err),
	    LEDE_ERR_INVALID);
	assert_int_equal(xc_query_prefix(&q, "ap", 2, 2, 42, XC_Q_OR, &err),
			 LEDE_ERR_INVALID);
	xc_reader_free(r);
}

/* What xc_explain reports, in order. */
typedef struct explained {
	char labels[8][32];
	double w[8];
	size_t n;
} explained;

static int on_part(void *ctx, const char *label, size_t len, double weight)
{
	explained *e = ctx;

	assert_true(e->n < 8 && len < sizeof e->labels[0]);
	memcpy(e->labels[e->n], label, len);
	e->labels[e->n][len] = '\0';
	e->w[e->n++] = weight;
	return 0;
}

/* The parts add up to the score: an OR's branch counts only when it
 * matches as a whole (p1 holds quick, not red), a scaled part is weighed
 * scaled, a prefix and a label are one part each, AND_NOT's right side is
 * no part. */
static void test_explain(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_query *and_kids[2], *or_kids[3], *brown, *q, *or_q, *not_kids[2];
	xc_results *m = NULL;
	xc_hit h;
	explained e;
	lede_err err;

	make_news(f->db);
	r = open_reader(f->db);
	and_kids[0] = qterm("quick");
	and_kids[1] = qterm("red");
	or_kids[0] = qcombine(XC_Q_AND, and_kids, 2, 0);
	brown = qterm("brown");
	assert_int_equal(xc_query_label(&q, brown, "Brown", 5, &err), LEDE_OK);
	assert_int_equal(xc_query_scale(&or_kids[1], 0.5, q, &err), LEDE_OK);
	xc_query_free(q);
	assert_int_equal(xc_query_prefix(&or_kids[2], "ju", 2, 10,
					 XC_WILD_ERROR, XC_Q_SYNONYM, &err),
			 LEDE_OK);
	or_q = qcombine(XC_Q_OR, or_kids, 3, 0);
	not_kids[0] = or_q;
	not_kids[1] = qterm("dog");
	q = qcombine(XC_Q_AND_NOT, not_kids, 2, 0);

	assert_int_equal(xc_search(&m, r, q, NULL), LEDE_OK);
	assert_int_equal(xc_results_count(m), 2); /* p1, p2 */
	for (size_t i = 0; i < 2; i++) {
		const char *data;
		size_t len;
		char uid[8];

		assert_int_equal(xc_results_hit(&h, m, i), LEDE_OK);
		assert_int_equal(xc_results_data(&data, &len, m, i), LEDE_OK);
		snprintf(uid, sizeof uid, "Q%.*s", (int)len, data);
		memset(&e, 0, sizeof e);
		assert_int_equal(
		    xc_explain(r, q, NULL, uid, strlen(uid), on_part, &e),
		    LEDE_OK);
		assert_int_equal(e.n, 4);
		assert_string_equal(e.labels[0], "quick");
		assert_string_equal(e.labels[1], "red");
		assert_string_equal(e.labels[2], "Brown");
		assert_string_equal(e.labels[3], "ju*");
		assert_true(e.w[0] == 0.0 && e.w[1] == 0.0 && e.w[2] > 0.0);
		assert_true(strcmp(uid, "Qp1") == 0 ? e.w[3] > 0.0
						   : e.w[3] == 0.0);
		assert_true(fabs(e.w[0] + e.w[1] + e.w[2] + e.w[3] -
				 h.weight) < 1e-12);
	}
	assert_int_equal(xc_explain(r, q, NULL, "", 0, on_part, &e),
			 LEDE_ERR_INVALID);
	assert_int_equal(xc_query_label(&or_q, brown, "", 0, &err),
			 LEDE_ERR_INVALID);
	xc_results_free(m);
	for (size_t i = 0; i < 2; i++)
		xc_query_free(and_kids[i]);
	for (size_t i = 0; i < 3; i++)
		xc_query_free(or_kids[i]);
	xc_query_free(not_kids[0]);
	xc_query_free(not_kids[1]);
	xc_query_free(brown);
	xc_query_free(q);
	xc_reader_free(r);
}

static void test_value_ranges_and_misc_queries(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_query *q = NULL, *fox, *sub[2], *scaled, *none;
	lede_err err;
	char lo[XC_SORTABLE_MAX], hi[XC_SORTABLE_MAX], ids[256];
	size_t lo_n = xc_sortable_serialise(lo, 100.0);
	size_t hi_n = xc_sortable_serialise(hi, 300.0);
	char *desc = NULL;
	size_t dlen = 0;

	make_news(f->db);
	r = open_reader(f->db);
	err_clear(&err);

	assert_int_equal(xc_query_value_range(&q, 0, lo, lo_n, hi, hi_n, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 3);
	xc_query_free(q);
	assert_int_equal(xc_query_value_range(&q, 0, lo, lo_n, NULL, 0, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 4);
	xc_query_free(q);
	assert_int_equal(xc_query_value_range(&q, 0, NULL, 0, lo, lo_n, &err),
			 LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	xc_query_free(q);
	assert_int_equal(xc_query_value_range(&q, 0, NULL, 0, NULL, 0, &err),
			 LEDE_ERR_INVALID);

	/* fox FILTER date range; fox AND_NOT brown; match all/nothing. */
	fox = qterm("fox");
	assert_int_equal(
	    xc_query_value_range(&sub[1], 0, lo, lo_n, hi, hi_n, &err),
	    LEDE_OK);
	sub[0] = fox;
	q = qcombine(XC_Q_FILTER, sub, 2, 0);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 3);
	xc_query_free(q);
	xc_query_free(sub[1]);
	sub[1] = qterm("jumps");
	q = qcombine(XC_Q_AND_NOT, sub, 2, 0);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 2);
	assert_null(strstr(ids, "p1"));
	assert_int_equal(xc_query_describe(&desc, &dlen, q), LEDE_OK);
	assert_non_null(strstr(desc, "AND_NOT"));
	xc_free(desc);
	xc_query_free(q);
	xc_query_free(sub[1]);

	assert_int_equal(xc_query_scale(&scaled, 2.5, fox, &err), LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, scaled, NULL), 3);
	xc_query_free(scaled);
	assert_int_equal(xc_query_scale(&scaled, -1.0, fox, &err),
			 LEDE_ERR_INVALID);

	assert_int_equal(xc_query_match_all(&q, &err), LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 5);
	xc_query_free(q);
	assert_int_equal(xc_query_match_nothing(&none, &err), LEDE_OK);
	assert_int_equal(search_ids(ids, sizeof ids, r, none, NULL), 0);
	xc_query_free(none);
	assert_int_equal(xc_query_term(&q, "", 0, 1, 0, &err),
			 LEDE_ERR_INVALID);

	xc_query_free(fox);
	xc_reader_free(r);
}

/* ---- search options and results -------------------------------------------
 */

static int terms_cb(void *ctx, const char *term, size_t len, uint32_t freq)
{
	assert_true(freq > 0);
	append_item(ctx, LIST_MAX, term, len);
	return 0;
}

/* Pick callbacks: the second row's data; a failure. */
static lede_status pick_second(const xc_results *m, unsigned char *want,
                               void *ctx)
{
	*(size_t *)ctx = xc_results_count(m);
	want[1] = 1;
	return LEDE_OK;
}

static lede_status pick_fail(const xc_results *m, unsigned char *want,
                             void *ctx)
{
	(void)m;
	(void)want;
	(void)ctx;
	return LEDE_ERR_NOMEM;
}

/* Adds n documents with term and len bytes of data each. */
static void add_bulk(xc_writer *w, const char *term, int n, size_t len)
{
	char *data = malloc(len);
	uint32_t id;

	assert_non_null(data);
	memset(data, 'x', len);
	for (int i = 0; i < n; i++) {
		xc_doc *d = NULL;
		assert_int_equal(xc_doc_new(&d), LEDE_OK);
		assert_int_equal(xc_doc_add_term(d, term, strlen(term), 1),
		                 LEDE_OK);
		assert_int_equal(xc_doc_set_data(d, data, len), LEDE_OK);
		assert_int_equal(xc_writer_add(&id, w, d), LEDE_OK);
		xc_doc_free(d);
	}
	free(data);
}

/* A pick callback that, on its first call, deletes the hits in a writer
 * of its own and commits enough new data over three commits that the
 * reader's blocks are reused: fetching the hits' data fails, and the
 * search is rerun on a newer revision where nothing matches. */
typedef struct racing_pick {
	const char *db;
	int calls;
	size_t last_rows;
} racing_pick;

static lede_status pick_racing(const xc_results *m, unsigned char *want,
                               void *ctx)
{
	racing_pick *p = ctx;
	size_t n = xc_results_count(m);

	p->calls++;
	p->last_rows = n;
	for (size_t i = 0; i < n; i++)
		want[i] = 1;
	if (p->calls == 1) {
		xc_writer *w = open_writer(p->db);
		assert_int_equal(xc_writer_delete_term(w, "foo", 3), LEDE_OK);
		for (int round = 0; round < 3; round++) {
			add_bulk(w, "bar", 50, 4096);
			assert_int_equal(xc_writer_commit(w), LEDE_OK);
		}
		assert_int_equal(xc_writer_close(w), LEDE_OK);
		xc_writer_free(w);
	}
	return LEDE_OK;
}

/* A rerun that finds nothing still calls pick, so the caller never keeps
 * the pick of an attempt whose results were thrown away. */
static void test_pick_rerun_empty(void **state)
{
	fixture *f = *state;
	xc_writer *w = open_writer(f->db);
	xc_reader *r;
	xc_query *q;
	xc_results *m = NULL;
	xc_search_opts o = XC_SEARCH_OPTS_INIT;
	racing_pick p = { f->db, 0, 0 };

	add_bulk(w, "foo", 3, 2000);
	add_bulk(w, "other", 3000, 2000);
	assert_int_equal(xc_writer_close(w), LEDE_OK);
	xc_writer_free(w);
	r = open_reader(f->db);
	q = qterm("foo");
	o.no_values = 1;
	o.pick = pick_racing;
	o.pick_ctx = &p;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_OK);
	assert_int_equal(xc_results_count(m), 0);
	assert_int_equal(p.calls, 2);
	assert_int_equal(p.last_rows, 0);
	xc_results_free(m);
	xc_query_free(q);
	xc_reader_free(r);
}

static void test_search_options(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_query *subs[2], *q;
	xc_search_opts o = XC_SEARCH_OPTS_INIT;
	xc_results *m = NULL;
	xc_hit hit;
	char ids[256], seen[LIST_MAX] = "";
	const char *val, *data;
	size_t len;
	uint32_t lower, est, upper, tf;
	size_t picked = 0;

	make_news(f->db);
	r = open_reader(f->db);
	subs[0] = qterm("fox");
	subs[1] = qterm("jumps");
	q = qcombine(XC_Q_OR, subs, 2, 0);

	o.sort = XC_SORT_VALUE;
	o.sort_slot = 0;
	o.sort_reverse = 1; /* newest first */
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 3);
	assert_string_equal(ids, "p2 p3 p1");
	o.sort_reverse = 0;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 3);
	assert_string_equal(ids, "p1 p3 p2");
	o.sort = XC_SORT_VALUE_THEN_RELEVANCE;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 3);
	assert_string_equal(ids, "p1 p3 p2");
	o.sort = XC_SORT_RELEVANCE_THEN_VALUE;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 3);
	o.sort = XC_SORT_DOCID;
	o.docid_descending = 1;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 3);
	assert_string_equal(ids, "p3 p2 p1");
	o.sort = XC_SORT_VALUE;
	o.sort_slot = XC_NO_SLOT;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_ERR_INVALID);

	/* Collapse on slot 3: p1 and p2 share g1. */
	o = (xc_search_opts)XC_SEARCH_OPTS_INIT;
	o.collapse_slot = 3;
	o.check_at_least = 100;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 2);

	/* Paging and bool weight. */
	o = (xc_search_opts)XC_SEARCH_OPTS_INIT;
	o.first = 1;
	o.max_items = 1;
	o.bool_weight = 1;
	assert_int_equal(search_ids(ids, sizeof ids, r, q, &o), 1);

	/* A pick callback: data of the chosen rows only; no values. */
	o = (xc_search_opts)XC_SEARCH_OPTS_INIT;
	o.check_at_least = 100;
	o.no_values = 1;
	o.pick = pick_second;
	o.pick_ctx = &picked;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_OK);
	assert_int_equal(picked, 3); /* saw every row */
	assert_int_equal(xc_results_count(m), 3);
	assert_int_equal(xc_results_data(&data, &len, m, 0), LEDE_ERR_INVALID);
	assert_int_equal(xc_results_data(&data, &len, m, 1), LEDE_OK);
	assert_true(len == 2 && data[0] == 'p');
	assert_int_equal(xc_results_data(&data, &len, m, 2), LEDE_ERR_INVALID);
	assert_int_equal(xc_results_value(&val, &len, m, 1, 3), LEDE_OK);
	assert_int_equal(len, 0);
	xc_results_free(m);
	o.pick = pick_fail;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_ERR_NOMEM);
	assert_null(m);
	o.pick = xc_pick_none;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_OK);
	assert_int_equal(xc_results_data(&data, &len, m, 0), LEDE_ERR_INVALID);
	xc_results_free(m);

	/* Everything about a hit is readable after the reader is gone. */
	o = (xc_search_opts)XC_SEARCH_OPTS_INIT;
	o.matching_terms = 1;
	o.k1 = 1.0;
	o.b = 0.5;
	o.check_at_least = 100;
	assert_int_equal(xc_search(&m, r, q, &o), LEDE_OK);
	xc_reader_free(r);
	assert_int_equal(xc_results_count(m), 3);
	xc_results_estimate(&lower, &est, &upper, m);
	assert_int_equal(lower, 3);
	assert_int_equal(est, 3);
	assert_int_equal(upper, 3);
	assert_int_equal(xc_results_hit(&hit, m, 0), LEDE_OK);
	assert_int_equal(hit.rank, 0);
	assert_true(hit.weight > 0.0);
	assert_true(hit.percent > 0);
	assert_int_equal(xc_results_data(&data, &len, m, 0), LEDE_OK);
	assert_memory_equal(data, "p1", 2); /* the only hit with both terms */
	assert_int_equal(xc_results_value(&val, &len, m, 0, 3), LEDE_OK);
	assert_int_equal(len, 2);
	assert_memory_equal(val, "g1", 2);
	assert_int_equal(xc_results_value(&val, &len, m, 0, 0), LEDE_OK);
	assert_true(xc_sortable_unserialise(val, len) == 100.0);
	assert_int_equal(xc_results_value(&val, &len, m, 0, 7), LEDE_OK);
	assert_int_equal(len, 0);
	assert_int_equal(xc_results_matching_terms(m, 0, terms_cb, seen),
			 LEDE_OK);
	assert_string_equal(seen, "fox,jumps,");
	tf = xc_results_termfreq(m, "fox", 3);
	assert_int_equal(tf, 3);
	assert_int_equal(xc_results_termfreq(m, "jumps", 5), 1);
	assert_int_equal(xc_results_termfreq(m, "absent", 6), 0);
	assert_true(xc_results_termweight(m, "jumps", 5) >
		    xc_results_termweight(m, "fox", 3));
	assert_int_equal(xc_results_hit(&hit, m, 3), LEDE_ERR_INVALID);
	xc_results_free(m);

	xc_query_free(q);
	xc_query_free(subs[0]);
	xc_query_free(subs[1]);
}

static void test_reader_lookups(void **state)
{
	fixture *f = *state;
	xc_reader *r;
	xc_reader *bad = NULL;
	const char *missing;
	char path[160];
	lede_err err;
	uint32_t n = 0;
	int nterms = 0;

	make_news(f->db);
	r = open_reader(f->db);
	assert_int_equal(xc_reader_termfreq(&n, r, "fox", 3), LEDE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(xc_reader_termfreq(&n, r, "nothing", 7), LEDE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(xc_reader_allterms(r, "ap", 2, count_cb, &nterms),
			 LEDE_OK);
	assert_int_equal(nterms, 4);
	xc_reader_free(r);

	snprintf(path, sizeof path, "%s/missing", f->dir);
	missing = path;
	err_clear(&err);
	assert_int_equal(xc_reader_open(&bad, &missing, 1, &err),
			 LEDE_ERR_NOT_FOUND);
	assert_null(bad);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(xc_reader_open(&bad, &missing, 0, &err),
			 LEDE_ERR_INVALID);
}

/* ---- maintenance ------------------------------------------------------------
 */

static void test_compact_and_check(void **state)
{
	fixture *f = *state;
	char out[160], single[160];
	const char *src[1];
	lede_err err;
	size_t errors = 99;
	xc_reader *r;
	char ids[256];
	xc_query *q;

	make_news(f->db);
	snprintf(out, sizeof out, "%s/compact", f->dir);
	snprintf(single, sizeof single, "%s/single.glass", f->dir);
	src[0] = f->db;
	err_clear(&err);

	assert_int_equal(xc_check(&errors, f->db, &err), LEDE_OK);
	assert_int_equal(errors, 0);

	assert_int_equal(xc_compact(src, 1, out, 0, &err), LEDE_OK);
	assert_int_equal(reader_count(out), 5);
	assert_int_equal(xc_check(&errors, out, &err), LEDE_OK);
	assert_int_equal(errors, 0);

	assert_int_equal(
	    xc_compact(src, 1, single, XC_COMPACT_SINGLE_FILE, &err), LEDE_OK);
	assert_int_equal(reader_count(single), 5);
	r = open_reader(single);
	q = qterm("fox");
	assert_int_equal(search_ids(ids, sizeof ids, r, q, NULL), 3);
	xc_query_free(q);
	xc_reader_free(r);

	assert_int_equal(xc_compact(src, 1, out, 1u << 12, &err),
			 LEDE_ERR_INVALID);
	assert_int_equal(xc_compact(src, 0, out, 0, &err), LEDE_ERR_INVALID);
}

/* ---- values, statuses, stemming ------------------------------------------ */

static void test_sortable_roundtrip(void **state)
{
	/* 1970-01-01 to 2100-12-31, one step a bit over a day, plus the
	 * ends: exact round trip, and byte order follows numeric order. */
	const double end = 4133980799.0;
	char prev[XC_SORTABLE_MAX], cur[XC_SORTABLE_MAX];
	size_t prev_n = 0, n;
	unsigned i;

	(void)state;
	for (i = 0;; i++) {
		double t = (double)i * 90001.0;
		if (t > end)
			t = end;
		n = xc_sortable_serialise(cur, t);
		assert_true(n >= 1 && n <= XC_SORTABLE_MAX);
		assert_true(xc_sortable_unserialise(cur, n) == t);
		if (prev_n) {
			size_t k = n < prev_n ? n : prev_n;
			int c = memcmp(prev, cur, k);
			assert_true(c < 0 || (c == 0 && prev_n < n));
		}
		memcpy(prev, cur, n);
		prev_n = n;
		if (t == end)
			break;
	}
	assert_true(i > 45000);
}

static void test_status_strings(void **state)
{
	int s;

	(void)state;
	for (s = LEDE_OK; s <= LEDE_ERR_INTERNAL; s++) {
		const char *str = lede_status_str((lede_status)s);
		assert_non_null(str);
		assert_string_not_equal(str, "unknown status");
	}
}

static void test_stemmer(void **state)
{
	xc_stemmer *s = NULL;
	lede_err err;
	char out[64];
	size_t len = 0;
	char *live = NULL;

	(void)state;
	err_clear(&err);
	assert_int_equal(xc_stemmer_new(&s, "english", &err), LEDE_OK);
	assert_int_equal(xc_stem(out, sizeof out, &len, s, "running", 7),
			 LEDE_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "run", 3);
	assert_int_equal(xc_stem(out, 2, &len, s, "running", 7),
			 LEDE_ERR_TOO_BIG);
	assert_int_equal(len, 3);
	xc_stemmer_free(s);

	assert_int_equal(xc_stemmer_new(&s, "klingon", &err), LEDE_ERR_INVALID);
	assert_null(s);
	assert_non_null(strstr(err.msg, "klingon"));
	assert_non_null(strstr(err.msg, "english"));
	assert_non_null(strstr(err.msg, "french"));

	assert_int_equal(xc_stem_languages_live(&live, &len), LEDE_OK);
	assert_string_equal(xc_stem_languages(), live);
	xc_free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_terms_refused, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_second_writer_locked, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_open_modes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_discards_close_commits,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_upsert_twice_one_doc, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_delete_term, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_impacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_metadata, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spelling, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_spelling_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_spelling_batch, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_fault_injection, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_stale_reader, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stub_equals_single, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_phrase_and_near, setup,
					    teardown),
	    cmocka_unit_test(test_phrase_over_synonym_unsupported),
	    cmocka_unit_test_setup_teardown(test_prefix_limits, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_explain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_value_ranges_and_misc_queries,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search_options, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_reader_lookups, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_compact_and_check, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pick_rerun_empty, setup,
	                                    teardown),
	    cmocka_unit_test(test_sortable_roundtrip),
	    cmocka_unit_test(test_status_strings),
	    cmocka_unit_test(test_stemmer),
	};

	if (getenv("XC_TEST_FILTER"))
		cmocka_set_test_filter(getenv("XC_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
