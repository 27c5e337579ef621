/*
 * trec_eval.h - the TREC retrieval measures lede-eval reports: MAP, P@10,
 * nDCG@10 and recall@1000, with trec_eval's definitions (trec_eval 9.0,
 * measures map, P_10, ndcg_cut_10, recall_1000).
 *
 * Pure C, no lede dependency, so the same code scores lede, the Xapian
 * baseline and the SQLite FTS5 baseline from their TREC run files, and the
 * unit test (tests/unit/test_trec_eval.c) checks it against hand-computed
 * examples.
 *
 * Definitions, for one query with R relevant documents (judged grade >= 1,
 * trec_eval's default relevance level):
 *  - the run is ordered as trec_eval orders it: score descending, ties by
 *    document id descending (strcmp), whatever order the file had;
 *  - AP = (sum over relevant retrieved documents of precision at their
 *    rank) / R, over every retrieved document;
 *  - P@10 = relevant in the first 10 / 10 (also when fewer were retrieved);
 *  - nDCG@10 = DCG@10 / ideal DCG@10, DCG = sum of gain / log2(rank + 1),
 *    gain = the judged grade (grades <= 0 gain nothing); the ideal ranking
 *    is the qrels' positive grades sorted descending;
 *  - recall@1000 = relevant in the first 1000 / R.
 * A judged query with R = 0 (every judgment 0 or negative) scores 0 on
 * every measure, as in trec_eval 9 (m_map.c and the others leave the value
 * at 0 when there is nothing relevant).
 *
 * Which queries are averaged (trec_eval.c, meas_avg.c): trec_eval 9 knows a
 * query from the qrels when the qrels hold at least one line for it, of any
 * grade. By default it averages over the queries that are both in the qrels
 * and in the run (a query the run does not mention is skipped; one the
 * qrels do not mention too); with -c, over every query of the qrels, a
 * query missing from the run counting 0. te_qrels_query lists the qrels'
 * queries (so queries judged all non-relevant are included, unlike
 * trec_eval before 8.0); lede-eval `run` evaluates each of them (the run it
 * makes covers them all: -c), `score` does trec_eval's default and, with -c,
 * trec_eval -c.
 *
 * A (query, document) judged twice is an error, as trec_eval stops with
 * "duplicate docs" (form_res_rels.c): te_qrels_finish returns
 * TE_ERR_DUP_JUDGMENT and te_qrels_dup names the pair and both lines.
 */
#ifndef LEDE_TREC_EVAL_H
#define LEDE_TREC_EVAL_H

#include <stddef.h>
#include <stdio.h>

/* Cut-offs of the measures. */
#define TE_P_CUT 10
#define TE_NDCG_CUT 10
#define TE_RECALL_CUT 1000
/* The lowest relevant grade: trec_eval's default relevance level (-l 1). */
#define TE_RELEVANT_GRADE 1

typedef enum te_status {
	TE_OK = 0,
	TE_ERR_NOMEM = 1,
	TE_ERR_FORMAT = 2,   /* a malformed qrels or run line */
	TE_ERR_DUP = 3,      /* the same document twice in one query's run */
	TE_ERR_NOT_JUDGED = 4, /* the query has no judgment in the qrels */
	TE_ERR_STATE = 5,    /* te_qrels_finish not called */
	TE_ERR_DUP_JUDGMENT = 6 /* a (query, document) judged twice */
} te_status;

/* Relevance judgments: (query, document) -> grade. Opaque. */
typedef struct te_qrels te_qrels;

/* A new empty set. *out is the caller's, freed with te_qrels_free. */
te_status te_qrels_new(te_qrels **out);
void te_qrels_free(te_qrels *q);

/* Adds a judgment (strings are copied). grade >= 1 is relevant with gain
 * grade; 0 and negative grades (trec_eval: -1 "in the pool, unjudged") are
 * not relevant but make the query a judged one. line is where the judgment
 * was read (0 when it comes from no file), for te_qrels_dup. Call
 * te_qrels_finish after the last add. */
te_status te_qrels_add(te_qrels *q, const char *qid, const char *docid,
                       int grade, size_t line);

/* Sorts the judgments for lookups. TE_ERR_DUP_JUDGMENT when a (qid, docid)
 * was added twice (the set is then unusable: see te_qrels_dup). */
te_status te_qrels_finish(te_qrels *q);

/* After TE_ERR_DUP_JUDGMENT: the pair judged twice and the lines of its
 * first and second judgment. Borrowed until te_qrels_free. Returns 0, or
 * -1 when no duplicate was found. */
int te_qrels_dup(const te_qrels *q, const char **qid, const char **docid,
                 size_t *first_line, size_t *second_line);

/* Reads standard TREC qrels lines, "QID ITER DOCID GRADE", adding each.
 * Blank lines are skipped. TE_ERR_FORMAT names the line in *bad_line
 * (may be NULL); so does TE_ERR_DUP_JUDGMENT (the second judgment). */
te_status te_qrels_read(te_qrels *q, FILE *f, size_t *bad_line);

/* Writes every judgment as a TREC qrels line "QID 0 DOCID GRADE". */
void te_qrels_write(const te_qrels *q, FILE *f);

/* The judged queries (at least one judgment, of any grade), in qid order
 * (numeric ids numerically). Borrowed until te_qrels_free. */
size_t te_qrels_nqueries(const te_qrels *q);
const char *te_qrels_query(const te_qrels *q, size_t i);

/* The grade of docid for qid (0 when not judged). */
int te_qrels_grade(const te_qrels *q, const char *qid, const char *docid);

/* Number of relevant documents (grade >= 1) of qid. */
size_t te_qrels_nrel(const te_qrels *q, const char *qid);

/* One retrieved document. */
typedef struct te_doc {
	const char *docid;
	double score;
} te_doc;

typedef struct te_measures {
	double ap;          /* average precision */
	double p10;         /* precision at 10 */
	double ndcg10;      /* nDCG at 10 */
	double recall1000;  /* recall at 1000 */
	size_t nrel;        /* relevant documents in the qrels */
	size_t nret;        /* documents retrieved */
	size_t nrelret;     /* relevant documents retrieved */
} te_measures;

/*
 * Scores one query's run. run (n documents, n may be 0) is sorted in place
 * into trec_eval's order. Returns TE_OK (a judged query without relevant
 * documents scores all zeros); TE_ERR_NOT_JUDGED (the qrels have no line for
 * qid: trec_eval leaves such a query out); TE_ERR_DUP; TE_ERR_STATE;
 * TE_ERR_NOMEM.
 */
te_status te_eval_query(te_measures *out, const te_qrels *q, const char *qid,
                        te_doc *run, size_t n);

/* The mean of n per-query measures (counts are summed). n = 0: zeros. */
void te_mean(te_measures *out, const te_measures *per, size_t n);

/*
 * A whole TREC run file ("QID Q0 DOCID RANK SCORE TAG"), grouped by query.
 * Opaque; te_run_read fills it, te_run_free frees it.
 */
typedef struct te_run te_run;

te_status te_run_read(te_run **out, FILE *f, size_t *bad_line);
void te_run_free(te_run *r);
/* The documents retrieved for qid (NULL, *n = 0 when none). Borrowed; the
 * array may be reordered by te_eval_query. */
te_doc *te_run_docs(te_run *r, const char *qid, size_t *n);

/* A short static description of a status. */
const char *te_status_str(te_status s);

#endif /* LEDE_TREC_EVAL_H */
