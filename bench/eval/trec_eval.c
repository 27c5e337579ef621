/*
 * trec_eval.c - MAP, P@10, nDCG@10 and recall@1000 as trec_eval computes
 * them (definitions in trec_eval.h), plus readers for TREC qrels and run
 * files.
 *
 * Judgments live in one array sorted by (qid, docid), so a grade is a
 * binary search and a query's judgments are a contiguous range; a second,
 * smaller table lists the judged queries in the order they are reported. Run files are
 * read whole and grouped by query the same way. Collections here are small
 * (thousands of judgments, a thousand documents per query): clarity over
 * hashing.
 *
 * Why re-sort the run: trec_eval ignores the rank column and orders by
 * score, breaking ties by document id descending. Doing the same makes the
 * figures match trec_eval's on the same run file, whatever order the
 * engine returned equal scores in.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trec_eval.h"

/* Longest qrels or run line we accept: real ones are under 100 bytes. */
#define TE_MAX_LINE 4096
/* Fields of a run line: QID Q0 DOCID RANK SCORE TAG. */
#define TE_RUN_FIELDS 6
/* Fields of a qrels line: QID ITER DOCID GRADE. */
#define TE_QRELS_FIELDS 4

typedef struct judgment {
	char *qid;
	char *docid;
	int grade;
	size_t seq;  /* insertion order: orders the two lines of a duplicate */
	size_t line; /* where it was read, 0 when from no file */
} judgment;

typedef struct query_range {
	const char *qid;
	size_t first, n;  /* judgments[first .. first + n) */
	size_t nrel;
} query_range;

struct te_qrels {
	judgment *j;
	size_t n, cap;
	query_range *qr;  /* every judged query, by strcmp(qid) */
	size_t nqr;
	const char **judged;/* every judged query, numeric order */
	size_t njudged;
	const judgment *dup[2]; /* first and second judgment of a duplicate */
	int finished;
};

typedef struct run_entry {
	char *qid;
	char *docid;
	double score;
} run_entry;

typedef struct run_group {
	const char *qid;
	size_t first, n;
} run_group;

struct te_run {
	run_entry *e;
	size_t n, cap;
	te_doc *docs;     /* e in qid order, as te_doc */
	run_group *g;
	size_t ng;
};

const char *te_status_str(te_status s)
{
	switch (s) {
	case TE_OK: return "ok";
	case TE_ERR_NOMEM: return "out of memory";
	case TE_ERR_FORMAT: return "malformed line";
	case TE_ERR_DUP: return "document retrieved twice for one query";
	case TE_ERR_NOT_JUDGED: return "query has no judgment in the qrels";
	case TE_ERR_STATE: return "qrels not finished";
	case TE_ERR_DUP_JUDGMENT: return "document judged twice for one query";
	}
	return "unknown status";
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* Numeric ids compare as numbers ("9" < "10"), others as strings: the
 * order queries are listed in, as people expect it. */
static int all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int cmp_qid_natural(const char *a, const char *b)
{
	if (all_digits(a) && all_digits(b)) {
		size_t la, lb;

		while (*a == '0' && a[1] != '\0')
			a++;
		while (*b == '0' && b[1] != '\0')
			b++;
		la = strlen(a);
		lb = strlen(b);
		if (la != lb)
			return la < lb ? -1 : 1;
	}
	return strcmp(a, b);
}

/* ---- qrels ------------------------------------------------------------- */

te_status te_qrels_new(te_qrels **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? TE_OK : TE_ERR_NOMEM;
}

void te_qrels_free(te_qrels *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->n; i++) {
		free(q->j[i].qid);
		free(q->j[i].docid);
	}
	free(q->j);
	free(q->qr);
	free(q->judged);
	free(q);
}

te_status te_qrels_add(te_qrels *q, const char *qid, const char *docid,
                       int grade, size_t line)
{
	judgment *j;

	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 256;
		judgment *nj = realloc(q->j, cap * sizeof *nj);

		if (nj == NULL)
			return TE_ERR_NOMEM;
		q->j = nj;
		q->cap = cap;
	}
	j = &q->j[q->n];
	j->qid = dup_str(qid);
	j->docid = dup_str(docid);
	if (j->qid == NULL || j->docid == NULL) {
		free(j->qid);
		free(j->docid);
		return TE_ERR_NOMEM;
	}
	j->grade = grade;
	j->seq = q->n;
	j->line = line;
	q->n++;
	q->finished = 0;
	return TE_OK;
}

static int cmp_judgment(const void *pa, const void *pb)
{
	const judgment *a = pa, *b = pb;
	int c = strcmp(a->qid, b->qid);

	if (c == 0)
		c = strcmp(a->docid, b->docid);
	if (c == 0)
		c = a->seq < b->seq ? -1 : a->seq > b->seq;
	return c;
}

static int cmp_judged(const void *pa, const void *pb)
{
	return cmp_qid_natural(*(const char *const *)pa,
	                       *(const char *const *)pb);
}

te_status te_qrels_finish(te_qrels *q)
{
	q->finished = 0;
	q->dup[0] = q->dup[1] = NULL;
	qsort(q->j, q->n, sizeof *q->j, cmp_judgment);
	/* trec_eval refuses a (qid, docid) judged twice ("duplicate docs"):
	 * which grade was meant is unknowable. Equal pairs sort together, in
	 * the order they were added. */
	for (size_t i = 1; i < q->n; i++) {
		if (!strcmp(q->j[i - 1].qid, q->j[i].qid) &&
		    !strcmp(q->j[i - 1].docid, q->j[i].docid)) {
			q->dup[0] = &q->j[i - 1];
			q->dup[1] = &q->j[i];
			return TE_ERR_DUP_JUDGMENT;
		}
	}

	free(q->qr);
	free(q->judged);
	q->qr = calloc(q->n ? q->n : 1, sizeof *q->qr);
	q->judged = calloc(q->n ? q->n : 1, sizeof *q->judged);
	if (q->qr == NULL || q->judged == NULL)
		return TE_ERR_NOMEM;
	q->nqr = q->njudged = 0;
	for (size_t i = 0; i < q->n; i++) {
		query_range *r;

		if (i == 0 || strcmp(q->j[i].qid, q->j[i - 1].qid) != 0) {
			r = &q->qr[q->nqr++];
			r->qid = q->j[i].qid;
			r->first = i;
			r->n = 0;
			r->nrel = 0;
		}
		r = &q->qr[q->nqr - 1];
		r->n++;
		if (q->j[i].grade >= TE_RELEVANT_GRADE)
			r->nrel++;
	}
	for (size_t i = 0; i < q->nqr; i++)
		q->judged[q->njudged++] = q->qr[i].qid;
	qsort(q->judged, q->njudged, sizeof *q->judged, cmp_judged);
	q->finished = 1;
	return TE_OK;
}

int te_qrels_dup(const te_qrels *q, const char **qid, const char **docid,
                 size_t *first_line, size_t *second_line)
{
	if (q->dup[0] == NULL)
		return -1;
	*qid = q->dup[0]->qid;
	*docid = q->dup[0]->docid;
	*first_line = q->dup[0]->line;
	*second_line = q->dup[1]->line;
	return 0;
}

/* Splits line into at most max whitespace-separated fields, in place.
 * Returns the number found (max + 1 when there are more). */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		if (n == max)
			return max + 1;
		f[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* Reads one line into buf; 0 at end of file, -1 when too long. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t len;

	if (fgets(buf, (int)size, f) == NULL)
		return 0;
	len = strlen(buf);
	if (len == size - 1 && buf[len - 1] != '\n' && !feof(f))
		return -1;
	return 1;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	/* Grades are small integers; "1.0" style grades are accepted too. */
	if (end == s)
		return -1;
	if (*end == '.') {
		double d = strtod(s, &end);
		if (*end != '\0')
			return -1;
		v = (long)d;
	} else if (*end != '\0') {
		return -1;
	}
	*out = (int)v;
	return 0;
}

te_status te_qrels_read(te_qrels *q, FILE *f, size_t *bad_line)
{
	char line[TE_MAX_LINE];
	size_t lineno = 0;
	te_status st;
	int r;

	while ((r = read_line(f, line, sizeof line)) != 0) {
		char *fld[TE_QRELS_FIELDS];
		size_t nf;
		int grade;

		lineno++;
		if (r < 0)
			goto bad;
		nf = split(line, fld, TE_QRELS_FIELDS);
		if (nf == 0)
			continue;
		if (nf != TE_QRELS_FIELDS || parse_int(fld[3], &grade) != 0)
			goto bad;
		st = te_qrels_add(q, fld[0], fld[2], grade, lineno);
		if (st != TE_OK)
			return st;
	}
	st = te_qrels_finish(q);
	if (st == TE_ERR_DUP_JUDGMENT && bad_line)
		*bad_line = q->dup[1]->line;
	return st;
bad:
	if (bad_line)
		*bad_line = lineno;
	return TE_ERR_FORMAT;
}

void te_qrels_write(const te_qrels *q, FILE *f)
{
	for (size_t i = 0; i < q->n; i++)
		fprintf(f, "%s 0 %s %d\n", q->j[i].qid, q->j[i].docid,
		        q->j[i].grade);
}

size_t te_qrels_nqueries(const te_qrels *q)
{
	return q->finished ? q->njudged : 0;
}

const char *te_qrels_query(const te_qrels *q, size_t i)
{
	return q->finished && i < q->njudged ? q->judged[i] : NULL;
}

static const query_range *find_query(const te_qrels *q, const char *qid)
{
	size_t lo = 0, hi = q->nqr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(qid, q->qr[mid].qid);

		if (c == 0)
			return &q->qr[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int te_qrels_grade(const te_qrels *q, const char *qid, const char *docid)
{
	const query_range *r = q->finished ? find_query(q, qid) : NULL;
	size_t lo, hi;

	if (r == NULL)
		return 0;
	lo = r->first;
	hi = r->first + r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(docid, q->j[mid].docid);

		if (c == 0)
			return q->j[mid].grade;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

size_t te_qrels_nrel(const te_qrels *q, const char *qid)
{
	const query_range *r = q->finished ? find_query(q, qid) : NULL;

	return r ? r->nrel : 0;
}

/* ---- measures ---------------------------------------------------------- */

/* trec_eval's order: score descending, then document id descending. */
static int cmp_trec_order(const void *pa, const void *pb)
{
	const te_doc *a = pa, *b = pb;

	if (a->score > b->score)
		return -1;
	if (a->score < b->score)
		return 1;
	return strcmp(b->docid, a->docid);
}

static int cmp_docid_ptr(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static int cmp_grade_desc(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;

	return (a < b) - (a > b);
}

/* Ideal DCG at TE_NDCG_CUT from the qrels' positive grades of r. */
static te_status ideal_dcg(double *out, const te_qrels *q,
                           const query_range *r)
{
	int *g = malloc((r->nrel ? r->nrel : 1) * sizeof *g);
	size_t n = 0;

	if (g == NULL)
		return TE_ERR_NOMEM;
	for (size_t i = r->first; i < r->first + r->n; i++)
		if (q->j[i].grade >= TE_RELEVANT_GRADE)
			g[n++] = q->j[i].grade;
	qsort(g, n, sizeof *g, cmp_grade_desc);
	*out = 0;
	for (size_t i = 0; i < n && i < TE_NDCG_CUT; i++)
		*out += g[i] / log2((double)i + 2.0);
	free(g);
	return TE_OK;
}

te_status te_eval_query(te_measures *out, const te_qrels *q, const char *qid,
                        te_doc *run, size_t n)
{
	const query_range *r;
	const char **ids = NULL;
	double sum_prec = 0, dcg = 0, idcg = 0;
	size_t relret = 0, rel_p = 0, rel_recall = 0;
	te_status st;

	memset(out, 0, sizeof *out);
	if (!q->finished)
		return TE_ERR_STATE;
	r = find_query(q, qid);
	if (r == NULL)
		return TE_ERR_NOT_JUDGED;

	/* trec_eval refuses a run with a document twice for one query. */
	if (n > 1) {
		ids = malloc(n * sizeof *ids);
		if (ids == NULL)
			return TE_ERR_NOMEM;
		for (size_t i = 0; i < n; i++)
			ids[i] = run[i].docid;
		qsort(ids, n, sizeof *ids, cmp_docid_ptr);
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(ids[i - 1], ids[i])) {
				free(ids);
				return TE_ERR_DUP;
			}
		}
		free(ids);
	}
	if (n > 0)
		qsort(run, n, sizeof *run, cmp_trec_order);

	for (size_t i = 0; i < n; i++) {
		size_t rank = i + 1;
		int g = te_qrels_grade(q, qid, run[i].docid);

		if (g < TE_RELEVANT_GRADE)
			continue;
		relret++;
		sum_prec += (double)relret / (double)rank;
		if (rank <= TE_P_CUT)
			rel_p++;
		if (rank <= TE_NDCG_CUT)
			dcg += g / log2((double)rank + 1.0);
		if (rank <= TE_RECALL_CUT)
			rel_recall++;
	}
	st = ideal_dcg(&idcg, q, r);
	if (st != TE_OK)
		return st;

	out->nrel = r->nrel;
	out->nret = n;
	out->nrelret = relret;
	/* Nothing relevant: every measure stays 0, as in trec_eval. */
	if (r->nrel == 0)
		return TE_OK;
	out->ap = sum_prec / (double)r->nrel;
	out->p10 = (double)rel_p / TE_P_CUT;
	out->ndcg10 = idcg > 0 ? dcg / idcg : 0;
	out->recall1000 = (double)rel_recall / (double)r->nrel;
	return TE_OK;
}

void te_mean(te_measures *out, const te_measures *per, size_t n)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		out->ap += per[i].ap;
		out->p10 += per[i].p10;
		out->ndcg10 += per[i].ndcg10;
		out->recall1000 += per[i].recall1000;
		out->nrel += per[i].nrel;
		out->nret += per[i].nret;
		out->nrelret += per[i].nrelret;
	}
	if (n > 0) {
		out->ap /= (double)n;
		out->p10 /= (double)n;
		out->ndcg10 /= (double)n;
		out->recall1000 /= (double)n;
	}
}

/* ---- run files --------------------------------------------------------- */

void te_run_free(te_run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->e[i].qid);
		free(r->e[i].docid);
	}
	free(r->e);
	free(r->docs);
	free(r->g);
	free(r);
}

static int cmp_run_entry(const void *pa, const void *pb)
{
	const run_entry *a = pa, *b = pb;

	return strcmp(a->qid, b->qid);
}

static te_status run_add(te_run *r, const char *qid, const char *docid,
                         double score)
{
	run_entry *e;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		run_entry *ne = realloc(r->e, cap * sizeof *ne);

		if (ne == NULL)
			return TE_ERR_NOMEM;
		r->e = ne;
		r->cap = cap;
	}
	e = &r->e[r->n];
	e->qid = dup_str(qid);
	e->docid = dup_str(docid);
	if (e->qid == NULL || e->docid == NULL) {
		free(e->qid);
		free(e->docid);
		return TE_ERR_NOMEM;
	}
	e->score = score;
	r->n++;
	return TE_OK;
}

te_status te_run_read(te_run **out, FILE *f, size_t *bad_line)
{
	char line[TE_MAX_LINE];
	size_t lineno = 0;
	te_run *r = calloc(1, sizeof *r);
	te_status st = TE_OK;
	int rl;

	*out = NULL;
	if (r == NULL)
		return TE_ERR_NOMEM;
	while ((rl = read_line(f, line, sizeof line)) != 0) {
		char *fld[TE_RUN_FIELDS];
		char *end;
		size_t nf;
		double score;

		lineno++;
		if (rl < 0) {
			st = TE_ERR_FORMAT;
			break;
		}
		nf = split(line, fld, TE_RUN_FIELDS);
		if (nf == 0)
			continue;
		if (nf != TE_RUN_FIELDS) {
			st = TE_ERR_FORMAT;
			break;
		}
		score = strtod(fld[4], &end);
		if (end == fld[4] || *end != '\0') {
			st = TE_ERR_FORMAT;
			break;
		}
		st = run_add(r, fld[0], fld[2], score);
		if (st != TE_OK)
			break;
	}
	if (st == TE_ERR_FORMAT && bad_line)
		*bad_line = lineno;
	if (st == TE_OK) {
		qsort(r->e, r->n, sizeof *r->e, cmp_run_entry);
		r->docs = calloc(r->n ? r->n : 1, sizeof *r->docs);
		r->g = calloc(r->n ? r->n : 1, sizeof *r->g);
		if (r->docs == NULL || r->g == NULL)
			st = TE_ERR_NOMEM;
	}
	if (st != TE_OK) {
		te_run_free(r);
		return st;
	}
	for (size_t i = 0; i < r->n; i++) {
		r->docs[i].docid = r->e[i].docid;
		r->docs[i].score = r->e[i].score;
		if (i == 0 || strcmp(r->e[i].qid, r->e[i - 1].qid) != 0) {
			r->g[r->ng].qid = r->e[i].qid;
			r->g[r->ng].first = i;
			r->g[r->ng].n = 0;
			r->ng++;
		}
		r->g[r->ng - 1].n++;
	}
	*out = r;
	return TE_OK;
}

te_doc *te_run_docs(te_run *r, const char *qid, size_t *n)
{
	size_t lo = 0, hi = r->ng;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(qid, r->g[mid].qid);

		if (c == 0) {
			*n = r->g[mid].n;
			return &r->docs[r->g[mid].first];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*n = 0;
	return NULL;
}
