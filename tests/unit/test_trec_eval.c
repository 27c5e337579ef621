/*
 * test_trec_eval.c - unit tests of bench/eval/trec_eval.c (the measures
 * lede-eval reports) against examples computed by hand, and of the
 * collection readers in bench/eval/collection.c (classic .I files, the
 * qrels layout of each collection, TREC topics, the bag-of-words query).
 *
 * The hand computations are written next to each assertion so a reader
 * can check them with a pencil.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "collection.h"
#include "trec_eval.h"

#define EPS 1e-4

static te_qrels *qrels_of(const char *text)
{
	te_qrels *q = NULL;
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	size_t bad = 0;

	assert_non_null(f);
	assert_int_equal(te_qrels_new(&q), TE_OK);
	assert_int_equal(te_qrels_read(q, f, &bad), TE_OK);
	fclose(f);
	return q;
}

/* ---- measures ----------------------------------------------------------- */

/* q1: relevant d1 d3 d5 (d5 never retrieved), d2 judged not relevant. */
static const char *QRELS1 = "q1 0 d1 1\n"
                            "q1 0 d2 0\n"
                            "q1 0 d3 1\n"
                            "q1 0 d5 1\n";

static void test_basic(void **state)
{
	te_qrels *q = qrels_of(QRELS1);
	te_doc run[] = { { "d1", 4 }, { "d2", 3 }, { "d3", 2 }, { "d4", 1 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q1", run, 4), TE_OK);
	/* AP = (1/1 + 2/3) / 3 = 0.5556 */
	assert_float_equal(m.ap, (1.0 + 2.0 / 3.0) / 3.0, EPS);
	/* P@10 = 2 relevant / 10 */
	assert_float_equal(m.p10, 0.2, EPS);
	/* DCG = 1/log2(2) + 1/log2(4) = 1.5;
	 * IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309; nDCG = 0.7039 */
	assert_float_equal(m.ndcg10, 1.5 / (1.0 + 1.0 / log2(3.0) + 0.5),
	                   EPS);
	assert_float_equal(m.ndcg10, 0.7039, EPS);
	/* recall@1000 = 2 / 3 */
	assert_float_equal(m.recall1000, 2.0 / 3.0, EPS);
	assert_int_equal(m.nrel, 3);
	assert_int_equal(m.nret, 4);
	assert_int_equal(m.nrelret, 2);
	te_qrels_free(q);
}

/* The run file order does not matter: trec_eval sorts by score. */
static void test_sorted_by_score(void **state)
{
	te_qrels *q = qrels_of(QRELS1);
	te_doc run[] = { { "d4", 1 }, { "d3", 2 }, { "d2", 3 }, { "d1", 4 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q1", run, 4), TE_OK);
	assert_float_equal(m.ap, (1.0 + 2.0 / 3.0) / 3.0, EPS);
	assert_string_equal(run[0].docid, "d1");
	te_qrels_free(q);
}

/* Equal scores: trec_eval puts the larger document id first. */
static void test_ties_by_docid_descending(void **state)
{
	te_qrels *q = qrels_of("q 0 a 1\n");
	te_doc run[] = { { "a", 1 }, { "b", 1 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q", run, 2), TE_OK);
	/* order b, a: the relevant a is at rank 2: AP = 1/2 */
	assert_string_equal(run[0].docid, "b");
	assert_float_equal(m.ap, 0.5, EPS);
	/* nDCG = (1/log2(3)) / 1 = 0.6309 */
	assert_float_equal(m.ndcg10, 1.0 / log2(3.0), EPS);
	te_qrels_free(q);
}

/* Graded judgments: gain = grade; the ideal ranking sorts grades. */
static void test_graded_ndcg(void **state)
{
	te_qrels *q = qrels_of("q 0 a 1\nq 0 b 2\nq 0 c 0\n");
	te_doc run[] = { { "a", 3 }, { "c", 2 }, { "b", 1 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q", run, 3), TE_OK);
	/* DCG = 1/log2(2) + 0 + 2/log2(4) = 2;
	 * IDCG = 2/log2(2) + 1/log2(3) = 2.6309; nDCG = 0.7602 */
	assert_float_equal(m.ndcg10, 2.0 / (2.0 + 1.0 / log2(3.0)), EPS);
	/* AP ignores grades: (1/1 + 2/3) / 2 = 0.8333 */
	assert_float_equal(m.ap, (1.0 + 2.0 / 3.0) / 2.0, EPS);
	te_qrels_free(q);
}

/* Nothing relevant retrieved, and nothing retrieved at all. */
static void test_zeros(void **state)
{
	te_qrels *q = qrels_of(QRELS1);
	te_doc run[] = { { "d2", 1 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q1", run, 1), TE_OK);
	assert_float_equal(m.ap, 0, EPS);
	assert_float_equal(m.p10, 0, EPS);
	assert_float_equal(m.ndcg10, 0, EPS);
	assert_float_equal(m.recall1000, 0, EPS);
	assert_int_equal(te_eval_query(&m, q, "q1", NULL, 0), TE_OK);
	assert_float_equal(m.ap, 0, EPS);
	assert_int_equal(m.nrel, 3);
	te_qrels_free(q);
}

/* A query whose judgments are all "not relevant" (0, or -1: in the pool,
 * unjudged) is a judged query: trec_eval 9 evaluates it (when the run has
 * it, or always with -c) and it scores 0, pulling the mean down. A query
 * the qrels never mention is not judged. */
static void test_no_relevant(void **state)
{
	te_qrels *q = qrels_of("q1 0 a 1\nq2 0 b 0\nq2 0 c -1\n");
	te_doc r1[] = { { "a", 1 } };
	te_doc r2[] = { { "b", 2 }, { "c", 1 } };
	te_measures per[2], all;

	(void)state;
	assert_int_equal(te_qrels_nqueries(q), 2);
	assert_string_equal(te_qrels_query(q, 0), "q1");
	assert_string_equal(te_qrels_query(q, 1), "q2");
	assert_int_equal(te_qrels_nrel(q, "q2"), 0);
	assert_int_equal(te_eval_query(&per[0], q, "q1", r1, 1), TE_OK);
	assert_int_equal(te_eval_query(&per[1], q, "q2", r2, 2), TE_OK);
	assert_float_equal(per[1].ap, 0, EPS);
	assert_float_equal(per[1].p10, 0, EPS);
	assert_float_equal(per[1].ndcg10, 0, EPS);
	assert_float_equal(per[1].recall1000, 0, EPS);
	assert_int_equal(per[1].nret, 2);
	/* MAP over both: (1 + 0) / 2, as trec_eval prints it */
	te_mean(&all, per, 2);
	assert_float_equal(all.ap, 0.5, EPS);
	assert_int_equal(te_eval_query(&all, q, "q3", r1, 1),
	                 TE_ERR_NOT_JUDGED);
	te_qrels_free(q);
}

/* trec_eval stops on a (query, document) judged twice ("duplicate docs"):
 * so do we, naming both lines, instead of silently keeping one grade. */
static void test_duplicate_judgment(void **state)
{
	static const char text[] = "q 0 a 1\nq 0 b 0\n\nq 0 a 0\n";
	te_qrels *q = NULL;
	const char *qid, *docid;
	size_t bad = 0, first = 0, second = 0;
	char err[256] = "";
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	(void)state;
	assert_int_equal(te_qrels_new(&q), TE_OK);
	assert_int_equal(te_qrels_read(q, f, &bad), TE_ERR_DUP_JUDGMENT);
	fclose(f);
	assert_int_equal(bad, 4);
	assert_int_equal(te_qrels_dup(q, &qid, &docid, &first, &second), 0);
	assert_string_equal(qid, "q");
	assert_string_equal(docid, "a");
	assert_int_equal(first, 1);
	assert_int_equal(second, 4);
	te_qrels_free(q);

	/* The collection reader (lede-eval run / score) says where. */
	f = fmemopen((void *)text, strlen(text), "r");
	assert_int_equal(te_qrels_new(&q), TE_OK);
	assert_int_equal(coll_read_qrels(q, f, COLL_TREC, err, sizeof err), -1);
	fclose(f);
	assert_non_null(strstr(err, "line 4:"));
	assert_non_null(strstr(err, "document a judged twice"));
	assert_non_null(strstr(err, "first at line 1"));
	te_qrels_free(q);
}

/* P@10 and nDCG@10 cut at 10; AP counts every rank, recall cuts at 1000. */
static void test_cutoffs(void **state)
{
	te_qrels *q = qrels_of("q 0 r11 1\nq 0 r1001 1\n");
	te_doc *run = calloc(1001, sizeof *run);
	char (*ids)[16] = calloc(1001, sizeof *ids);
	te_measures m;

	(void)state;
	assert_non_null(run);
	assert_non_null(ids);
	for (int i = 0; i < 1001; i++) {
		snprintf(ids[i], sizeof ids[i], "n%d", i + 1);
		run[i].docid = ids[i];
		run[i].score = 2000 - i;
	}
	snprintf(ids[10], sizeof ids[10], "r11");
	snprintf(ids[1000], sizeof ids[1000], "r1001");
	assert_int_equal(te_eval_query(&m, q, "q", run, 1001), TE_OK);
	/* relevant at ranks 11 and 1001: AP = (1/11 + 2/1001) / 2 */
	assert_float_equal(m.ap, (1.0 / 11 + 2.0 / 1001) / 2, 1e-6);
	assert_float_equal(m.p10, 0, EPS);
	assert_float_equal(m.ndcg10, 0, EPS);
	/* only rank 11 is within 1000: recall = 1/2 */
	assert_float_equal(m.recall1000, 0.5, EPS);
	free(run);
	free(ids);
	te_qrels_free(q);
}

/* Fewer than 10 retrieved: P@10 still divides by 10. */
static void test_p10_short_run(void **state)
{
	te_qrels *q = qrels_of("q 0 a 1\n");
	te_doc run[] = { { "a", 1 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q", run, 1), TE_OK);
	assert_float_equal(m.p10, 0.1, EPS);
	assert_float_equal(m.ap, 1, EPS);
	assert_float_equal(m.ndcg10, 1, EPS);
	te_qrels_free(q);
}

static void test_duplicate_doc(void **state)
{
	te_qrels *q = qrels_of("q 0 a 1\n");
	te_doc run[] = { { "a", 2 }, { "b", 1 }, { "a", 0.5 } };
	te_measures m;

	(void)state;
	assert_int_equal(te_eval_query(&m, q, "q", run, 3), TE_ERR_DUP);
	te_qrels_free(q);
}

/* Mean over queries: two queries, AP 1 and 0.5. Numeric ids sort as
 * numbers. */
static void test_mean_and_order(void **state)
{
	te_qrels *q = qrels_of("10 0 x 1\n9 0 w 0\n9 0 y 1\n");
	te_doc r9[] = { { "y", 1 } };
	te_doc r10[] = { { "z", 2 }, { "x", 1 } };
	te_measures per[2], all;

	(void)state;
	assert_int_equal(te_qrels_nqueries(q), 2);
	assert_string_equal(te_qrels_query(q, 0), "9");
	assert_string_equal(te_qrels_query(q, 1), "10");
	assert_int_equal(te_qrels_grade(q, "9", "y"), 1);
	assert_int_equal(te_eval_query(&per[0], q, "9", r9, 1), TE_OK);
	assert_int_equal(te_eval_query(&per[1], q, "10", r10, 2), TE_OK);
	te_mean(&all, per, 2);
	assert_float_equal(all.ap, 0.75, EPS);
	/* P@10: (0.1 + 0.1) / 2 */
	assert_float_equal(all.p10, 0.1, EPS);
	/* nDCG: (1 + 1/log2(3)) / 2 = 0.8155 */
	assert_float_equal(all.ndcg10, (1 + 1 / log2(3.0)) / 2, EPS);
	assert_int_equal(all.nrelret, 2);
	te_mean(&all, per, 0);
	assert_float_equal(all.ap, 0, EPS);
	te_qrels_free(q);
}

static void test_read_errors(void **state)
{
	static const char bad_qrels[] = "q 0 a 1\nq 0 b\n";
	static const char bad_run[] = "q Q0 a 1 x tag\n";
	te_qrels *q = NULL;
	te_run *r = NULL;
	size_t bad = 0;
	FILE *f;

	(void)state;
	f = fmemopen((void *)bad_qrels, strlen(bad_qrels), "r");
	assert_int_equal(te_qrels_new(&q), TE_OK);
	assert_int_equal(te_qrels_read(q, f, &bad), TE_ERR_FORMAT);
	assert_int_equal(bad, 2);
	fclose(f);
	te_qrels_free(q);
	f = fmemopen((void *)bad_run, strlen(bad_run), "r");
	assert_int_equal(te_run_read(&r, f, &bad), TE_ERR_FORMAT);
	assert_null(r);
	assert_int_equal(bad, 1);
	fclose(f);
}

/* A run file, grouped by query and scored. */
static void test_run_file(void **state)
{
	static const char run_text[] = "q1 Q0 d3 2 2.0 t\n"
	                               "q2 Q0 zz 1 9.0 t\n"
	                               "q1 Q0 d1 1 4.0 t\n"
	                               "\n"
	                               "q1 Q0 d2 3 3.0 t\n";
	te_qrels *q = qrels_of(QRELS1);
	te_run *r = NULL;
	te_doc *d;
	te_measures m;
	size_t n = 0, bad = 0;
	FILE *f = fmemopen((void *)run_text, strlen(run_text), "r");

	(void)state;
	assert_int_equal(te_run_read(&r, f, &bad), TE_OK);
	fclose(f);
	d = te_run_docs(r, "q1", &n);
	assert_int_equal(n, 3);
	assert_int_equal(te_eval_query(&m, q, "q1", d, n), TE_OK);
	/* order d1 d2 d3: AP = (1 + 2/3) / 3 */
	assert_float_equal(m.ap, (1.0 + 2.0 / 3.0) / 3.0, EPS);
	assert_null(te_run_docs(r, "q9", &n));
	assert_int_equal(n, 0);
	te_run_free(r);
	te_qrels_free(q);
}

/* ---- collection readers ---------------------------------------------------- */

typedef struct seen {
	char id[8][16];
	char title[8][64];
	char text[8][128];
	char authors[8][64];
	int n;
} seen;

static int collect(void *ctx, const coll_record *r)
{
	seen *s = ctx;

	if (s->n == 8)
		return 1;
	snprintf(s->id[s->n], sizeof s->id[0], "%s", r->id);
	snprintf(s->title[s->n], sizeof s->title[0], "%s", r->title);
	snprintf(s->text[s->n], sizeof s->text[0], "%s", r->text);
	snprintf(s->authors[s->n], sizeof s->authors[0], "%s", r->authors);
	s->n++;
	return 0;
}

static void test_classic_records(void **state)
{
	static const char doc[] = ".I 007\n"
	                          ".T\n"
	                          "Two-line\n"
	                          "title\n"
	                          ".A\n"
	                          "Doe, J.\n"
	                          "Roe, R.\n"
	                          ".W\n"
	                          "  body one   \n"
	                          ".Not a marker\n"
	                          ".K \n"
	                          "keyword\n"
	                          ".X\n"
	                          "1\t5\t1\n"
	                          ".I 8\n"
	                          ".W\n"
	                          "only text\n";
	seen s;
	char err[128] = "";
	FILE *f = fmemopen((void *)doc, strlen(doc), "r");

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(coll_read_classic(f, collect, &s, err, sizeof err), 0);
	fclose(f);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.id[0], "7");
	assert_string_equal(s.title[0], "Two-line title");
	assert_string_equal(s.authors[0], "Doe, J.; Roe, R.");
	assert_string_equal(s.text[0], "body one\n.Not a marker\nkeyword");
	assert_string_equal(s.id[1], "8");
	assert_string_equal(s.title[1], "");
	assert_string_equal(s.text[1], "only text");
}

static te_qrels *classic_qrels(const char *text, coll_format fmt)
{
	te_qrels *q = NULL;
	char err[128] = "";
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_int_equal(te_qrels_new(&q), TE_OK);
	assert_int_equal(coll_read_qrels(q, f, fmt, err, sizeof err), 0);
	fclose(f);
	return q;
}

static void test_qrels_layouts(void **state)
{
	te_qrels *q;

	(void)state;
	/* CACM: "01 1410  0 0", ids lose their leading zeros. */
	q = classic_qrels("01 1410  0 0\n01 1572  0 0\n", COLL_CACM);
	assert_int_equal(te_qrels_nrel(q, "1"), 2);
	assert_int_equal(te_qrels_grade(q, "1", "1410"), 1);
	te_qrels_free(q);
	/* CISI: "     1     28\t0\t0.000000" */
	q = classic_qrels("     1     28\t0\t0.000000\n", COLL_CISI);
	assert_int_equal(te_qrels_grade(q, "1", "28"), 1);
	te_qrels_free(q);
	/* Cranfield: codes 1..4 relevant, -1 judged not. */
	q = classic_qrels("1 184 2 \n1 486 -1\n2 12 4\n", COLL_CRAN);
	assert_int_equal(te_qrels_grade(q, "1", "184"), 1);
	assert_int_equal(te_qrels_grade(q, "1", "486"), 0);
	assert_int_equal(te_qrels_nrel(q, "1"), 1);
	assert_int_equal(te_qrels_nrel(q, "2"), 1);
	te_qrels_free(q);
	/* Medline: TREC layout "1 0 13 1". */
	q = classic_qrels("1 0 13 1\n", COLL_MED);
	assert_int_equal(te_qrels_grade(q, "1", "13"), 1);
	te_qrels_free(q);
	/* TREC: grades are kept (2 is not 1), ids as written, -1 not
	 * relevant. */
	q = classic_qrels("301 0 FT-01 2\n301 0 FT-02 1\n301 0 FT-03 0\n"
	                  "301 0 FT-04 -1\n302 0 007 1\n", COLL_TREC);
	assert_int_equal(te_qrels_grade(q, "301", "FT-01"), 2);
	assert_int_equal(te_qrels_grade(q, "301", "FT-02"), 1);
	assert_int_equal(te_qrels_grade(q, "301", "FT-04"), -1);
	assert_int_equal(te_qrels_nrel(q, "301"), 2);
	assert_int_equal(te_qrels_grade(q, "302", "007"), 1);
	te_qrels_free(q);
}

/* The audit's reproducer: graded TREC qrels read by the collection reader
 * (what `lede-eval score` and `run --format trec` use) and a run file.
 * Run order b (grade 1), a (grade 2), c (grade 0):
 * DCG = 1/log2(2) + 2/log2(3) = 2.2619; ideal a, b:
 * IDCG = 2/log2(2) + 1/log2(3) = 2.6309; nDCG@10 = 0.8597, as
 * trec_eval -m ndcg_cut.10 prints it. Read as binary it would be 1. */
static void test_graded_trec_qrels(void **state)
{
	static const char run_text[] = "1 Q0 b 1 3 t\n1 Q0 a 2 2 t\n"
	                               "1 Q0 c 3 1 t\n";
	te_qrels *q = classic_qrels("1 0 a 2\n1 0 b 1\n1 0 c 0\n", COLL_TREC);
	te_run *r = NULL;
	te_doc *d;
	te_measures m;
	size_t n = 0, bad = 0;
	FILE *f = fmemopen((void *)run_text, strlen(run_text), "r");

	(void)state;
	assert_int_equal(te_run_read(&r, f, &bad), TE_OK);
	fclose(f);
	d = te_run_docs(r, "1", &n);
	assert_int_equal(n, 3);
	assert_int_equal(te_eval_query(&m, q, "1", d, n), TE_OK);
	assert_float_equal(m.ndcg10,
	                   (1.0 + 2.0 / log2(3.0)) / (2.0 + 1.0 / log2(3.0)),
	                   EPS);
	assert_float_equal(m.ndcg10, 0.8597, EPS);
	/* AP is binary: relevant at ranks 1 and 2: (1/1 + 2/2) / 2 = 1 */
	assert_float_equal(m.ap, 1.0, EPS);
	assert_int_equal(m.nrel, 2);
	te_run_free(r);
	te_qrels_free(q);
}

static void test_topics(void **state)
{
	static const char cran[] = ".I 001\n.W\nfirst query .\n"
	                           ".I 004\n.W\nsecond\nquery\n";
	static const char trec[] = "<top>\n<num> Number: 301\n"
	                           "<title> Topic: International Crime\n\n"
	                           "<desc> Description:\nstuff\n</top>\n";
	coll_topics t = { 0 };
	char err[128] = "";
	FILE *f;

	(void)state;
	/* Cranfield queries are numbered by position, not by .I. */
	f = fmemopen((void *)cran, strlen(cran), "r");
	assert_int_equal(coll_read_topics(&t, f, COLL_CRAN, err, sizeof err),
	                 0);
	fclose(f);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.t[1].qid, "2");
	assert_string_equal(t.t[1].text, "second\nquery");
	coll_topics_free(&t);
	/* Other classic formats keep the .I number. */
	f = fmemopen((void *)cran, strlen(cran), "r");
	assert_int_equal(coll_read_topics(&t, f, COLL_MED, err, sizeof err),
	                 0);
	fclose(f);
	assert_string_equal(t.t[1].qid, "4");
	coll_topics_free(&t);
	f = fmemopen((void *)trec, strlen(trec), "r");
	assert_int_equal(coll_read_topics(&t, f, COLL_TREC, err, sizeof err),
	                 0);
	fclose(f);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.t[0].qid, "301");
	assert_string_equal(t.t[0].text, "International Crime");
	coll_topics_free(&t);
}

static void test_bag_of_words(void **state)
{
	static const char stop_words[] = "the\nOf\n";
	coll_stoplist *stop = NULL;
	char *s;
	FILE *f;

	(void)state;
	s = coll_bag_of_words("Systems NOT using \"TSS\" (time-sharing) "
	                      "OR title:x* caf\xc3\xa9", NULL);
	assert_non_null(s);
	assert_string_equal(s, "systems not using tss time sharing or "
	                       "title x caf\xc3\xa9");
	free(s);
	f = fmemopen((void *)stop_words, strlen(stop_words), "r");
	assert_int_equal(coll_stoplist_read(&stop, f), 0);
	fclose(f);
	s = coll_bag_of_words("The theory OF the thermal", stop);
	assert_string_equal(s, "theory thermal");
	free(s);
	s = coll_bag_of_words("  ...  ", stop);
	assert_string_equal(s, "");
	free(s);
	coll_stoplist_free(stop);
}

static void test_biblio_date(void **state)
{
	(void)state;
	/* 1958-12-01 00:00 UTC = -349833600 */
	assert_true(coll_biblio_date("CACM December, 1958") == -349833600);
	/* 1958-01-01 = -378691200 */
	assert_true(coll_biblio_date("j. ae. scs. 25, 1958, 324.") ==
	            -378691200);
	assert_true(coll_biblio_date("no year 12345 here") == LEDE_NO_DATE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_sorted_by_score),
		cmocka_unit_test(test_ties_by_docid_descending),
		cmocka_unit_test(test_graded_ndcg),
		cmocka_unit_test(test_zeros),
		cmocka_unit_test(test_no_relevant),
		cmocka_unit_test(test_cutoffs),
		cmocka_unit_test(test_p10_short_run),
		cmocka_unit_test(test_duplicate_doc),
		cmocka_unit_test(test_duplicate_judgment),
		cmocka_unit_test(test_graded_trec_qrels),
		cmocka_unit_test(test_mean_and_order),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_run_file),
		cmocka_unit_test(test_classic_records),
		cmocka_unit_test(test_qrels_layouts),
		cmocka_unit_test(test_topics),
		cmocka_unit_test(test_bag_of_words),
		cmocka_unit_test(test_biblio_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
