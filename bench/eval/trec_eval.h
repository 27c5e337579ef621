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
 * Definitions, for one query with R relevant documents (judged rel > 0):
 *  - the run is ordered as trec_eval orders it: score descending, ties by
 *    document id descending (strcmp), whatever order the file had;
 *  - AP = (sum over relevant retrieved documents of precision at their
 *    rank) / R, over every retrieved document;
 *  - P@10 = relevant in the first 10 / 10 (also when fewer were retrieved);
 *  - nDCG@10 = DCG@10 / ideal DCG@10, DCG = sum of gain / log2(rank + 1),
 *    gain = the judged grade; the ideal ranking is the qrels' grades sorted
 *    descending;
 *  - recall@1000 = relevant in the first 1000 / R.
 * The mean is over the queries that have at least one relevant document in
 * the qrels, counting a query with no retrieved document as all zeros
 * (trec_eval -c). Queries without relevant documents are left out.
 */
#ifndef LEDE_TREC_EVAL_H
#define LEDE_TREC_EVAL_H

#include <stddef.h>
#include <stdio.h>

/* Cut-offs of the measures. */
#define TE_P_CUT 10
#define TE_NDCG_CUT 10
#define TE_RECALL_CUT 1000

typedef enum te_status {
	TE_OK = 0,
	TE_ERR_NOMEM = 1,
	TE_ERR_FORMAT = 2,   /* a malformed qrels or run line */
	TE_ERR_DUP = 3,      /* the same document twice in one query's run */
	TE_ERR_NO_REL = 4,   /* the query has no relevant document */
	TE_ERR_STATE = 5     /* te_qrels_finish not called */
} te_status;

/* Relevance judgments: (query, document) -> grade. Opaque. */
typedef struct te_qrels te_qrels;

/* A new empty set. *out is the caller's, freed with te_qrels_free. */
te_status te_qrels_new(te_qrels **out);
void te_qrels_free(te_qrels *q);

/* Adds a judgment (strings are copied). A repeated (qid, docid) keeps the
 * last grade, as trec_eval's qrels reader does. grade <= 0 is judged not
 * relevant. Call te_qrels_finish after the last add. */
te_status te_qrels_add(te_qrels *q, const char *qid, const char *docid,
                       int grade);

/* Sorts the judgments for lookups. */
te_status te_qrels_finish(te_qrels *q);

/* Reads standard TREC qrels lines, "QID ITER DOCID GRADE", adding each.
 * Blank lines are skipped. TE_ERR_FORMAT names the line in *bad_line
 * (may be NULL). */
te_status te_qrels_read(te_qrels *q, FILE *f, size_t *bad_line);

/* Writes every judgment as a TREC qrels line "QID 0 DOCID GRADE". */
void te_qrels_write(const te_qrels *q, FILE *f);

/* Queries with at least one relevant document, in qid order (numeric ids
 * numerically). Borrowed until te_qrels_free. */
size_t te_qrels_nqueries(const te_qrels *q);
const char *te_qrels_query(const te_qrels *q, size_t i);

/* The grade of docid for qid (0 when not judged). */
int te_qrels_grade(const te_qrels *q, const char *qid, const char *docid);

/* Number of relevant documents of qid. */
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
 * into trec_eval's order. Returns TE_OK; TE_ERR_NO_REL (the qrels have no
 * relevant document for qid: leave the query out); TE_ERR_DUP; TE_ERR_STATE;
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
