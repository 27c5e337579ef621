/*
 * search.c - lede_search(): parse, build, run, then shape the hits (stored
 * fields, snippets, title highlights, explain, "did you mean").
 *
 * Ranking is Xapian's BM25 over the stems, with title matches scaled up in
 * the query (query_build.c). Two things Xapian cannot do in the match are
 * done here over the top RERANK_DEPTH candidates:
 *  - recency: score * 2^(-age / half-life). Re-ranking the top K in C keeps
 *    the ranking logic out of the binding (xapian.md 4.5, option d) and
 *    works over remote shards, which cannot run custom posting sources.
 *  - collapse: near-duplicate copies of a story share most of their running
 *    text, so the simhashes (Charikar 2002) of their 3-word shingles
 *    (SLOT_SHINGLE_SIMHASH, lib/index.c) differ in few bits; candidates
 *    within COLLAPSE_MAX_BITS of a better-ranked one fold into it, and the
 *    group is shown as its EARLIEST copy with a count of the others. Done
 *    at search time, groups never go stale as articles come and go.
 * Explain lists the parts of each hit's score, weighed by the binding on
 * the query as it ran (xc_explain, over the labels query_build gives its
 * parts), so they add up to the score whatever the query's shape; what
 * recency took off is one more part.
 * Remote shards (xapian-tcpsrv) serve no spelling table, so "did you mean"
 * draws only on local databases; when a suggestion was looked for and some
 * shards are remote, the results carry a notice saying so rather than
 * letting the suggestion go silently missing. Every other feature (sorts,
 * filters, collapse, recency, explain) works across remote shards.
 * A reader overtaken by a writer (STALE) is reopened and retried by the
 * binding; every field of a hit is copied out during the search, so the
 * results live on after the index handle changes or closes.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lede_private.h"
#include "query.h"
#include "xapian_c.h"

/* BM25 parameters when the caller gives none; chosen on the judged
 * collections (docs/RELEVANCE.md). */
#define LEDE_BM25_K1 2.0
/* Candidates re-ranked for recency and collapse: enough for several
 * pages, small enough to fetch and decode in a millisecond or two. */
#define RERANK_DEPTH 200
/* Pseudo-relevance feedback (lede_search_opts.expand): terms added when
 * expand_terms is 0, the most feedback documents and terms accepted (more
 * is no longer "the top of the ranking"), and the weight of the added
 * terms against the query's own (RM3's interpolation; the best added term
 * weighs this much, the others in proportion to their expansion weight). */
#define SEARCH_EXPAND_TERMS 20
#define SEARCH_EXPAND_MAX 100
#define SEARCH_EXPAND_WEIGHT 0.5
/* Bits of a fingerprint (SLOT_SHINGLE_SIMHASH). */
#define SIM_BITS (64 * SIMHASH_WORDS)
/* Fingerprint distance (bits of SIM_BITS) up to which two articles are
 * copies of one story. Unrelated articles differ in 64 bits, give or take
 * 6 (24 is 7 of those away); copies in a few bits an edit: the test
 * corpus's three copies of a 100-word story, with up to three words
 * changed or moved, in 14 to 21. Pairs of the 21,578 Reuters articles by
 * the share of their 3-word shingles they have in common (Jaccard):
 * within 24 bits come all 486 pairs over 90%, 105 of the 114 from 80 to
 * 90%, 88 of 132 from 70%, 63 of 178 from 60%, 31 of 437 from 50%, 28 of
 * the 233 million below (those of 30-50% are boilerplate reports with
 * other figures: dividends, bill tenders). 20 bits would miss 9 of the
 * pairs over 80% more; the word simhash before, at 10 of 64 bits, folded
 * 523,236 pairs below 50%. */
#define COLLAPSE_MAX_BITS 24
/* Collapse looks for a copy's group in the lists of the groups that
 * agree with it on some block of bits, but for one bit at most: two
 * fingerprints within COLLAPSE_MAX_BITS have such a block among
 * COLLAPSE_BLOCKS (if each block had two bits off, they would differ in
 * 2 * COLLAPSE_BLOCKS > COLLAPSE_MAX_BITS). A copy is then compared with
 * about a sixth of the groups rather than all of them. */
#define COLLAPSE_BLOCKS (COLLAPSE_MAX_BITS / 2 + 1)
#define COLLAPSE_BLOCK_BITS \
	((SIM_BITS + COLLAPSE_BLOCKS - 1) / COLLAPSE_BLOCKS)
/* Collapse groups the best RERANK_DEPTH matches, doubled until they hold
 * the page's groups (a page past the groups of the first 200 matches
 * still fills), and at most this many (200 doubled 7 times); an exact
 * count (--count, --exact-count) groups that many at once. Groups past
 * them are not reached, and the count of groups is an estimate when more
 * match. Grouping them all takes 0.2 s for the 15,465 Reuters articles
 * saying "said", 0.8 s for 25,600 articles none of which fold. */
#define COLLAPSE_MAX_CANDIDATES (RERANK_DEPTH << 7)
/* Most hits in one page: a bigger page is an export, use offset. */
#define SEARCH_MAX_LIMIT 10000
/* Times a search overtaken by a writer is rerun at the newest commit.
 * Glass keeps two revisions, so a search fails when a writer commits
 * twice while it runs; each retry starts at the newest commit, but a
 * search slowed by load (or a sanitizer) under a writer committing every
 * few milliseconds can need more than a few (api_concurrency). */
#define SEARCH_STALE_RETRIES 100
/* "Did you mean" is offered when fewer hits than this were found. */
#define SUGGEST_BELOW 3
/* Longest spelling edit distance tried for a suggestion. */
#define SUGGEST_MAX_EDITS 2
/* Most query words whose idf weighs the snippets' fragments. */
#define SEARCH_MAX_WORDS 64
/* --explain's names for the parts of a score that are not the query's
 * own: a word feedback added (its stem), and what recency took off (in
 * parentheses, which no query word holds). */
#define EXPLAIN_FEEDBACK "feedback:"
#define EXPLAIN_RECENCY "(recency)"

typedef struct hit_store {
	record rec;
	snippet_frag *frags;
	size_t nfrags;
	lede_fragment *lfrags;
	snippet_frag title;
	lede_fragment ltitle;
	lede_term_weight *explain;
	size_t nexplain;
	char *explain_mem;
} hit_store;

struct lede_results {
	size_t n;
	lede_hit *hits;
	hit_store *store;
	uint64_t total;
	char *suggestion;
	char *notice;
	char *query_desc;
};

/* A candidate from the match, before paging. */
typedef struct cand {
	size_t mi;        /* index in the xc_results */
	size_t pos;       /* place in the ranking (a group's: its best copy's) */
	double score;
	int64_t date;
	uint64_t sim[SIMHASH_WORDS]; /* SLOT_SHINGLE_SIMHASH */
	int has_sim;      /* 0: none (an empty body, an article indexed before
	                     the slot): never folds */
	unsigned dups;
	size_t show;      /* mi of the copy to show (earliest of the group) */
} cand;

typedef struct word_info {
	char *term;
	char *stem;
	size_t term_len, stem_len;
	qfield field;
	double idf;
} word_info;

typedef struct search_ctx {
	lede_index *idx;
	word_info words[SEARCH_MAX_WORDS];
	size_t nwords;
	uint32_t doccount;
	const xc_results *m;  /* the search's results: their term stats */
	lede_status st;
} search_ctx;

static uint64_t get_u64(const char *p, size_t len)
{
	uint64_t v = 0;

	if (len != 8)
		return 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static int on_word(void *ctx, const char *term, size_t len, const char *stem,
                   size_t stem_len, qfield field)
{
	search_ctx *c = ctx;
	word_info *w;
	uint32_t df = 0;

	if (c->nwords >= SEARCH_MAX_WORDS)
		return 1;
	for (size_t i = 0; i < c->nwords; i++)
		if (c->words[i].term_len == len &&
		    memcmp(c->words[i].term, term, len) == 0 &&
		    c->words[i].field == field)
			return 0;
	w = &c->words[c->nwords];
	memset(w, 0, sizeof *w);
	w->term = lede_strndup(term, len);
	w->stem = stem ? lede_strndup(stem, stem_len) : NULL;
	if (w->term == NULL || (stem && w->stem == NULL)) {
		free(w->term);
		free(w->stem);
		c->st = LEDE_ERR_NOMEM;
		return 1;
	}
	w->term_len = len;
	w->stem_len = stem ? stem_len : 0;
	w->field = field;
	/* the index holds stems of body words (lib/index.c); a query term
	 * the search weighted has its frequency in the results already */
	if (stem && (field == QF_TEXT || field == QF_TITLE)) {
		term = stem;
		len = stem_len;
	}
	if (c->m)
		df = xc_results_termfreq(c->m, term, len);
	if (df == 0)
		(void)xc_reader_termfreq(&df, c->idx->r, term, len);
	/* BM25's idf, floored so very common words still count a little. */
	w->idf = log(1.0 + ((double)c->doccount - df + 0.5) / (df + 0.5));
	if (w->idf < 0.01)
		w->idf = 0.01;
	c->nwords++;
	return 0;
}

static double idf_of(void *ctx, const char *term, size_t len)
{
	search_ctx *c = ctx;

	for (size_t i = 0; i < c->nwords; i++)
		if ((c->words[i].term_len == len &&
		     memcmp(c->words[i].term, term, len) == 0) ||
		    (c->words[i].stem && c->words[i].stem_len == len &&
		     memcmp(c->words[i].stem, term, len) == 0))
			return c->words[i].idf;
	return 1.0;
}

static void words_free(search_ctx *c)
{
	for (size_t i = 0; i < c->nwords; i++) {
		free(c->words[i].term);
		free(c->words[i].stem);
	}
	c->nwords = 0;
}

LEDE_API void lede_results_free(lede_results *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		hit_store *s = &r->store[i];
		record_free(&s->rec);
		snippet_free(s->frags, s->nfrags);
		free(s->lfrags);
		snippet_frag_clear(&s->title);
		free(s->explain);
		free(s->explain_mem);
	}
	free(r->store);
	free(r->hits);
	free(r->suggestion);
	free(r->notice);
	free(r->query_desc);
	free(r);
}

LEDE_API size_t lede_results_count(const lede_results *r)
{
	return r ? r->n : 0;
}

LEDE_API uint64_t lede_results_total(const lede_results *r)
{
	return r ? r->total : 0;
}

LEDE_API const lede_hit *lede_results_hit(const lede_results *r, size_t i)
{
	return (r && i < r->n) ? &r->hits[i] : NULL;
}

LEDE_API const char *lede_results_suggestion(const lede_results *r)
{
	return r ? r->suggestion : NULL;
}

LEDE_API const char *lede_results_notice(const lede_results *r)
{
	return r ? r->notice : NULL;
}

LEDE_API const char *lede_results_query(const lede_results *r)
{
	return r ? r->query_desc : NULL;
}

LEDE_API lede_status lede_parse_date(int64_t *lo, int64_t *hi, const char *s,
                                     int64_t now)
{
	lede_err err;

	if (s == NULL || lo == NULL || hi == NULL)
		return LEDE_ERR_INVALID;
	if (now == 0)
		now = (int64_t)time(NULL);
	if (query_parse_date(lo, hi, s, strlen(s), now, &err) != LEDE_OK)
		return LEDE_ERR_INVALID;
	return LEDE_OK;
}

/* ---- filters ----------------------------------------------------------- */

static lede_status add_filter(lede_index *idx, xc_query **q, const char *pfx,
                              const char *value, int fold)
{
	buf t = BUF_INIT;
	xc_query *f = NULL, *c = NULL;
	const xc_query *pair[2];
	lede_err err;
	lede_status st;

	buf_append_str(&t, pfx);
	if (fold)
		utf8_fold(&t, value, strlen(value), 1);
	else
		buf_append_str(&t, value);
	if (t.status != LEDE_OK) {
		buf_free(&t);
		return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
	}
	st = xc_query_term(&f, t.data, t.len, 1, 0, &err);
	buf_free(&t);
	if (st != LEDE_OK)
		return index_fail(idx, st, "filter '%s': %s", value, err.msg);
	pair[0] = *q;
	pair[1] = f;
	st = xc_query_combine(&c, XC_Q_FILTER, pair, 2, 0, &err);
	xc_query_free(f);
	if (st != LEDE_OK)
		return index_fail_err(idx, &err);
	xc_query_free(*q);
	*q = c;
	return LEDE_OK;
}

/* ---- hits -------------------------------------------------------------- */

/* Bits set in v (SWAR: the compiler's popcount is a library call unless
 * built for a CPU that has the instruction). */
static int popcount64(uint64_t v)
{
	v -= v >> 1 & 0x5555555555555555ull;
	v = (v & 0x3333333333333333ull) + (v >> 2 & 0x3333333333333333ull);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)(v * 0x0101010101010101ull >> 56);
}

/* 1 if two fingerprints differ in COLLAPSE_MAX_BITS bits or fewer; most
 * pairs are told apart by their first word. */
static int sim_close(const uint64_t a[SIMHASH_WORDS],
                     const uint64_t b[SIMHASH_WORDS])
{
	int n = 0;

	for (int w = 0; w < SIMHASH_WORDS && n <= COLLAPSE_MAX_BITS; w++)
		n += popcount64(a[w] ^ b[w]);
	return n <= COLLAPSE_MAX_BITS;
}

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->mi < y->mi ? -1 : x->mi > y->mi;
}

/* The parts of a hit's score (lede_hit.explain), as xc_explain reports
 * them: labels NUL-ended back to back, weights beside. */
typedef struct explain_acc {
	buf labels;
	double *w;
	size_t n, cap;
	lede_status st;
} explain_acc;

static int explain_part(void *ctx, const char *label, size_t len,
                        double weight)
{
	explain_acc *a = ctx;

	if (weight == 0)
		return 0; /* a part the hit does not match */
	if (lede_grow(&a->w, &a->cap, a->n, sizeof *a->w, 8) != 0) {
		a->st = LEDE_ERR_NOMEM;
		return 1;
	}
	buf_append(&a->labels, label, len);
	buf_append_byte(&a->labels, '\0');
	a->w[a->n++] = weight;
	return 0;
}

/* Fills s->explain with the parts of the score of the candidate c: the
 * query's weighed parts in the matched article, then what recency took
 * off, so that they add up to c->score. The article is the one whose
 * score c carries (with --collapse, the group's best-ranked copy). */
static lede_status explain_hit(hit_store *s, lede_index *idx,
                               const xc_results *m, const cand *c,
                               const xc_query *q, const xc_search_opts *so)
{
	explain_acc a = {BUF_INIT, NULL, 0, 0, LEDE_OK};
	const char *qt;
	size_t qlen, off = 0;
	xc_hit h;
	lede_status st;

	st = xc_results_value(&qt, &qlen, m, c->mi, SLOT_QTERM);
	if (st == LEDE_OK)
		st = xc_results_hit(&h, m, c->mi);
	if (st != LEDE_OK) {
		st = index_fail(idx, st, "cannot read a hit's id");
		goto out;
	}
	st = xc_explain(idx->r, q, so, qt, qlen, explain_part, &a);
	if (st != LEDE_OK) {
		st = index_fail(idx, st, "%s: %s", idx->path,
		                xc_reader_errmsg(idx->r));
		goto out;
	}
	if (c->score != h.weight)
		explain_part(&a, EXPLAIN_RECENCY, strlen(EXPLAIN_RECENCY),
		             c->score - h.weight);
	if (a.st == LEDE_OK)
		a.st = a.labels.status;
	if (a.st == LEDE_OK && a.n > 0) {
		s->explain = calloc(a.n, sizeof *s->explain);
		if (s->explain == NULL)
			a.st = LEDE_ERR_NOMEM;
	}
	if (a.st != LEDE_OK) {
		st = index_fail(idx, a.st, "out of memory");
		goto out;
	}
	s->explain_mem = buf_detach(&a.labels);
	for (size_t k = 0; k < a.n; k++) {
		s->explain[k].term = s->explain_mem + off;
		s->explain[k].weight = a.w[k];
		off += strlen(s->explain[k].term) + 1;
	}
	s->nexplain = a.n;
out:
	buf_free(&a.labels);
	free(a.w);
	return st;
}

static lede_status fill_hit(lede_results *res, size_t i, search_ctx *sc,
                            const xc_results *m, const cand *c,
                            const qnode *root, const xc_query *q,
                            const lede_search_opts *o,
                            const xc_search_opts *so, unsigned rank,
                            snippet_cache *scache)
{
	lede_index *idx = sc->idx;
	hit_store *s = &res->store[i];
	lede_hit *h = &res->hits[i];
	const char *data;
	size_t dlen;
	lede_err err;
	lede_status st;
	snippet_opts sopt;

	st = xc_results_data(&data, &dlen, m, c->show);
	if (st != LEDE_OK)
		return index_fail(idx, st, "cannot read a hit's data");
	st = record_decode(&s->rec, data, dlen, &err);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: index is corrupt: %s", idx->path,
		                  err.msg);
	h->article = s->rec.art;
	h->rank = rank;
	h->score = c->score;
	h->duplicates = c->dups;
	if (o->snippets > 0 && s->rec.art.body_len > 0) {
		sopt.nfrags = o->snippets;
		sopt.frag_chars = o->snippet_chars;
		st = snippet_make_cached(&s->frags, &s->nfrags, idx->an,
		                         s->rec.art.body, s->rec.art.body_len,
		                         root, idf_of, sc, &sopt, scache);
		if (st != LEDE_OK)
			return index_fail(idx, st, "out of memory");
		s->lfrags = calloc(s->nfrags ? s->nfrags : 1, sizeof *s->lfrags);
		if (s->lfrags == NULL)
			return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
		for (size_t k = 0; k < s->nfrags; k++) {
			s->lfrags[k].text = s->frags[k].text;
			s->lfrags[k].len = s->frags[k].len;
			s->lfrags[k].highlights = s->frags[k].hl;
			s->lfrags[k].nhighlights = s->frags[k].nhl;
			s->lfrags[k].cut_before = s->frags[k].cut_before;
			s->lfrags[k].cut_after = s->frags[k].cut_after;
		}
		h->snippets = s->lfrags;
		h->nsnippets = s->nfrags;
	}
	if (s->rec.art.title) {
		st = snippet_highlight_all_cached(&s->title, idx->an,
		                                  s->rec.art.title,
		                                  strlen(s->rec.art.title),
		                                  root, scache);
		if (st != LEDE_OK)
			return index_fail(idx, st, "out of memory");
		s->ltitle.text = s->title.text;
		s->ltitle.len = s->title.len;
		s->ltitle.highlights = s->title.hl;
		s->ltitle.nhighlights = s->title.nhl;
		h->title = &s->ltitle;
	}
	if (o->explain) {
		st = explain_hit(s, idx, m, c, q, so);
		if (st != LEDE_OK)
			return st;
		h->explain = s->explain;
		h->nexplain = s->nexplain;
	}
	return LEDE_OK;
}

/* ---- did you mean ------------------------------------------------------ */

/* Most words one suggestion replaces; more unknown words than this in one
 * query are left as typed (the query is likely not a typo). */
#define SUGGEST_MAX_FIXES 32

typedef struct fix {
	size_t start, end; /* bytes of the query replaced */
	char *with;        /* xc_free */
	size_t with_len;
} fix;

typedef struct suggest_ctx {
	search_ctx *sc;
	fix fixes[SUGGEST_MAX_FIXES];
	size_t nfixes;
	int local;        /* some database has a spelling table */
	unsigned looked;  /* words not in the index, looked up */
} suggest_ctx;

/* One word the user typed: if the index lacks it, ask the spelling
 * table. */
static void suggest_word(suggest_ctx *c, const qnode *w)
{
	lede_index *idx = c->sc->idx;
	uint32_t df = 1;
	char *sug = NULL;
	size_t slen = 0;

	if (w->src_len == 0 || (w->flags & QN_F_NOSPELL) || w->term_len < 3 ||
	    c->nfixes >= SUGGEST_MAX_FIXES)
		return;
	if (xc_reader_termfreq(&df, idx->r, w->stem ? w->stem : w->term,
	                       w->stem ? w->stem_len : w->term_len) != LEDE_OK ||
	    df > 0)
		return;
	c->looked++;
	if (!c->local)
		return;
	if (xc_reader_spelling(&sug, &slen, idx->r, w->term, w->term_len,
	                       SUGGEST_MAX_EDITS) == LEDE_OK &&
	    slen > 0) {
		fix *f = &c->fixes[c->nfixes++];
		f->start = w->src;
		f->end = w->src + w->src_len;
		f->with = sug;
		f->with_len = slen;
		return;
	}
	xc_free(sug);
}

/* Walks the tree for the words the spelling table can correct: free text
 * and title: words, as typed. Never a field name, an operator, a filter
 * value (section:, lang:, host:, date: are exact codes, not words of the
 * text) or a by:/source: name (the table holds title and body words);
 * prefixes are left alone, and the completion stems the parser added
 * under them were never typed. */
static void suggest_walk(suggest_ctx *c, const qnode *n, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH || n->kind == QN_PREFIX)
		return;
	if (n->kind == QN_WORD) {
		if (n->field == QF_TEXT || n->field == QF_TITLE)
			suggest_word(c, n);
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		suggest_walk(c, n->kids[i], depth + 1);
}

static int fix_cmp(const void *a, const void *b)
{
	const fix *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* A corrected query: the user's text with each unknown word replaced by
 * the spelling table's suggestion, everything else (field names, filter
 * values, operators, quotes, spacing) kept byte for byte. NULL when there
 * is none. When some databases are remote and a word had to be looked
 * up, *notice (malloc'd, or left NULL) says that the remote ones could
 * not help. */
static char *suggest(search_ctx *sc, const qnode *root, const char *q,
                     char **notice)
{
	suggest_ctx c;
	unsigned nremote = sc->idx->reader_remote;
	unsigned nlocal = sc->idx->reader_local;
	buf out = BUF_INIT;
	size_t copied = 0;
	char *res = NULL;

	memset(&c, 0, sizeof c);
	c.sc = sc;
	c.local = nlocal > 0;
	suggest_walk(&c, root, 0);
	if (nremote > 0 && c.looked > 0) {
		buf nb = BUF_INIT;
		if (nlocal == 0)
			buf_printf(&nb, "\"did you mean\" is unavailable: remote "
			                "shards (xapian-tcpsrv) serve no spelling "
			                "table");
		else
			buf_printf(&nb, "\"did you mean\" used only the local "
			                "databases: %u remote shard%s "
			                "(xapian-tcpsrv) serve%s no spelling "
			                "table", nremote, nremote == 1 ? "" : "s",
			           nremote == 1 ? "s" : "");
		*notice = nb.status == LEDE_OK ? buf_detach(&nb) : NULL;
		buf_free(&nb);
	}
	/* The walk follows the tree, which puts --any's ORed words before
	 * the ANDed ones: back to the order of the text. */
	if (c.nfixes > 1) /* none: no array (qsort's pointer must not be NULL) */
		qsort(c.fixes, c.nfixes, sizeof *c.fixes, fix_cmp);
	for (size_t i = 0; i < c.nfixes; i++) {
		const fix *f = &c.fixes[i];
		if (f->start < copied)
			continue; /* cannot happen: typed words do not overlap */
		buf_append(&out, q + copied, f->start - copied);
		buf_append(&out, f->with, f->with_len);
		copied = f->end;
	}
	if (c.nfixes > 0) {
		buf_append_str(&out, q + copied);
		if (out.status == LEDE_OK)
			res = buf_detach(&out);
	}
	buf_free(&out);
	for (size_t i = 0; i < c.nfixes; i++)
		xc_free(c.fixes[i].with);
	return res;
}

/* ---- the search -------------------------------------------------------- */

/* The number of matches to report, from Xapian's bounds lo <= est <= hi:
 * exact when they agree (the matcher saw every match), and never fewer
 * than the hits up to the end of this page (shown: 0 for an empty page,
 * whose offset is past the matches and proves none). Collapsed (window:
 * the candidates asked for, 0 when not collapsed), the number of groups:
 * the nshow the ncand candidates make when they are every match, else the
 * matches times the share of candidates that started a group. */
static uint64_t reported_total(uint32_t lo, uint32_t est, uint32_t hi,
                               size_t ncand, size_t nshow, uint32_t window,
                               uint64_t shown)
{
	uint64_t total = lo == hi ? lo : est;

	if (window > 0) {
		if (ncand < window || (lo == hi && ncand >= lo))
			total = nshow;
		else if (ncand > 0)
			total = (uint64_t)((double)total * nshow / ncand + 0.5);
		if (total < nshow)
			total = nshow;
	}
	return total < shown ? shown : total;
}

/* Adds the caller's filters (dates, source, section, language) to *q.
 * Returns LEDE_OK or the failure, with the message on idx. */
static lede_status add_filters(lede_index *idx, xc_query **q,
                               const lede_search_opts *o)
{
	lede_status st;
	lede_err err;

	if (o->since != LEDE_NO_DATE || o->until != LEDE_NO_DATE) {
		st = query_add_date_filter(q,
		                           o->since == LEDE_NO_DATE ? INT64_MIN
		                                                    : o->since,
		                           o->until == LEDE_NO_DATE ? INT64_MAX
		                                                    : o->until,
		                           &err);
		if (st != LEDE_OK)
			return index_fail_err(idx, &err);
	}
	if (o->source &&
	    (st = add_filter(idx, q, PFX_SOURCE_EXACT, o->source, 1)) != LEDE_OK)
		return st;
	if (o->section &&
	    (st = add_filter(idx, q, PFX_SECTION, o->section, 1)) != LEDE_OK)
		return st;
	if (o->lang && (st = add_filter(idx, q, PFX_LANG, o->lang, 1)) != LEDE_OK)
		return st;
	return LEDE_OK;
}

/* The terms pseudo-relevance feedback adds, best first. */
typedef struct expansion {
	lede_index *idx;
	xc_query **terms;
	double *w;
	size_t n, max;
	int labels; /* query_build_opts.labels: name each term for explain */
	lede_status st;
	lede_err err;
} expansion;

static int expansion_term(void *ctx, const char *term, size_t len,
                          double weight)
{
	expansion *e = ctx;
	xc_query *t = NULL;
	buf label = BUF_INIT;

	/* Stopwords are indexed too; they are never worth adding. */
	if (analyzer_is_stopword(e->idx->an, term, len) || weight <= 0)
		return 0;
	e->st = xc_query_term(&t, term, len, 1, 0, &e->err);
	if (e->st == LEDE_OK && !e->labels) {
		e->terms[e->n] = t;
		t = NULL;
	} else if (e->st == LEDE_OK) {
		buf_append_str(&label, EXPLAIN_FEEDBACK);
		buf_append(&label, term, len);
		if (label.status != LEDE_OK)
			e->st = err_set(&e->err, label.status, "out of memory");
		else
			e->st = xc_query_label(&e->terms[e->n], t, label.data,
			                       label.len, &e->err);
	}
	xc_query_free(t);
	buf_free(&label);
	if (e->st != LEDE_OK)
		return 1;
	e->w[e->n++] = weight;
	return e->n == e->max;
}

/*
 * Pseudo-relevance feedback (Rocchio/RM3 style, with Xapian's expansion
 * weights): runs *q for its top o->expand hits, takes the best terms of
 * those documents (xc_reader_expand), and replaces *q with root built
 * again (bo, with the added terms as its feedback: ORed with the query's
 * words, under its filters and exclusions, see query_build), each term
 * scaled by SEARCH_EXPAND_WEIGHT times its weight relative to the best
 * one, the caller's filters applied again, and sets *expanded. Nothing
 * found: *q is left as it was, *expanded 0.
 */
static lede_status expand_query(lede_index *idx, xc_query **q,
                                int *expanded, const qnode *root,
                                const query_build_opts *bo,
                                const lede_search_opts *o,
                                const xc_search_opts *so0)
{
	xc_search_opts so = *so0;
	xc_results *m = NULL;
	uint32_t docids[SEARCH_EXPAND_MAX];
	unsigned want = o->expand_terms ? o->expand_terms : SEARCH_EXPAND_TERMS;
	expansion e;
	query_build_opts fbo = *bo;
	xc_query *added = NULL, *nq = NULL;
	size_t nd;
	lede_status st;

	*expanded = 0;
	memset(&e, 0, sizeof e);
	e.idx = idx;
	e.labels = bo->labels;
	if (want > SEARCH_EXPAND_MAX)
		want = SEARCH_EXPAND_MAX;
	so.first = 0;
	so.max_items = o->expand > SEARCH_EXPAND_MAX ? SEARCH_EXPAND_MAX
	                                             : o->expand;
	so.check_at_least = 0;
	so.no_values = 1;          /* docids only */
	so.pick = xc_pick_none;
	so.pick_ctx = NULL;
	st = xc_search(&m, idx->r, *q, &so);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s", idx->path,
		                  xc_reader_errmsg(idx->r));
	nd = xc_results_count(m);
	for (size_t i = 0; i < nd; i++) {
		xc_hit h;

		xc_results_hit(&h, m, i);
		docids[i] = h.docid;
	}
	xc_results_free(m);
	if (nd == 0)
		return LEDE_OK;

	/* Twice the terms asked for: stopwords are dropped afterwards. */
	e.max = want;
	e.terms = calloc(want, sizeof *e.terms);
	e.w = calloc(want, sizeof *e.w);
	if (e.terms == NULL || e.w == NULL) {
		st = index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = xc_reader_expand(idx->r, docids, nd, 2 * want, expansion_term,
	                      &e);
	if (st != LEDE_OK) {
		st = index_fail(idx, st, "%s: %s", idx->path,
		                xc_reader_errmsg(idx->r));
		goto out;
	}
	if (e.st != LEDE_OK) {
		st = index_fail_err(idx, &e.err);
		goto out;
	}
	if (e.n == 0)
		goto out;
	for (size_t i = 0; i < e.n; i++) {
		xc_query *s = NULL;

		st = xc_query_scale(&s, SEARCH_EXPAND_WEIGHT * e.w[i] / e.w[0],
		                    e.terms[i], &e.err);
		if (st != LEDE_OK) {
			st = index_fail_err(idx, &e.err);
			goto out;
		}
		xc_query_free(e.terms[i]);
		e.terms[i] = s;
	}
	st = xc_query_combine(&added, XC_Q_OR, (const xc_query *const *)e.terms,
	                      e.n, 0, &e.err);
	if (st == LEDE_OK) {
		fbo.feedback = added;
		st = query_build(&nq, root, &fbo, &e.err);
	}
	if (st != LEDE_OK) {
		st = index_fail_err(idx, &e.err);
		goto out;
	}
	st = add_filters(idx, &nq, o);
	if (st != LEDE_OK)
		goto out;
	xc_query_free(*q);
	*q = nq;
	nq = NULL;
	*expanded = 1;
out:
	for (size_t i = 0; e.terms && i < e.n; i++)
		xc_query_free(e.terms[i]);
	free(e.terms);
	free(e.w);
	xc_query_free(added);
	xc_query_free(nq);
	return st;
}

/* The candidates a collapsed page is grouped from when it needs want of
 * them: RERANK_DEPTH doubled until it holds want, at most
 * COLLAPSE_MAX_CANDIDATES. */
static uint32_t collapse_window(uint64_t want)
{
	uint32_t w = RERANK_DEPTH;

	while (w < want && w < COLLAPSE_MAX_CANDIDATES)
		w *= 2;
	return w;
}

/* Lists of the groups by the value of each block of their fingerprint
 * (see COLLAPSE_BLOCKS): head[b][v] is 1 + the last group listed with v
 * in block b, next[b * cap + g] 1 + the one listed before g; sim[g] is
 * g's fingerprint (apart from the candidates, to be read fast). */
typedef struct collapse_lists {
	uint32_t (*head)[1u << COLLAPSE_BLOCK_BITS];
	uint32_t *next;
	uint64_t (*sim)[SIMHASH_WORDS];
	size_t cap;
} collapse_lists;

static uint32_t block_of(const uint64_t sim[SIMHASH_WORDS], int b,
                         unsigned *width)
{
	unsigned lo = SIM_BITS * b / COLLAPSE_BLOCKS;
	unsigned hi = SIM_BITS * (b + 1) / COLLAPSE_BLOCKS;
	uint32_t v = 0;

	for (unsigned i = lo; i < hi; i++)
		v = v << 1 | (uint32_t)(sim[i / 64] >> (i % 64) & 1);
	*width = hi - lo;
	return v;
}

/* The first group (lowest index) whose fingerprint is within
 * COLLAPSE_MAX_BITS of sim, or SIZE_MAX: only those listed under a block
 * of sim, or under one a bit off it, can be. */
static size_t collapse_find(const collapse_lists *l,
                            const uint64_t sim[SIMHASH_WORDS])
{
	size_t best = SIZE_MAX;

	for (int b = 0; b < COLLAPSE_BLOCKS; b++) {
		const uint32_t *next = l->next + b * l->cap;
		unsigned width;
		uint32_t v = block_of(sim, b, &width);

		for (int f = -1; f < (int)width; f++) {
			uint32_t u = f < 0 ? v : v ^ 1u << f;

			for (uint32_t g = l->head[b][u]; g != 0; g = next[g - 1])
				if (g - 1 < best &&
				    sim_close(l->sim[g - 1], sim))
					best = g - 1;
		}
	}
	return best;
}

/*
 * Folds the ncand candidates, taken in rank order, into groups, which end
 * in cands[0 .. *nshow) in their order: a candidate joins the first group
 * whose first copy's fingerprint is within COLLAPSE_MAX_BITS of its own,
 * else starts one (pos: its place). The groups and their order are thus
 * the same for any number of candidates that holds them, and a page can
 * be cut from any window that holds it. A copy counts among its group's
 * duplicates, and may be the copy shown (the earliest), when it ranks
 * within collapse_window(pos + 1), the first window that holds the group
 * at all: so a group shows the same copy and count whatever the page.
 * Copies ranked lower are folded without being counted. Returns LEDE_OK
 * or LEDE_ERR_NOMEM.
 */
static lede_status collapse(cand *cands, size_t ncand, size_t *nshow)
{
	collapse_lists l;
	size_t k = 0;
	lede_status st = LEDE_ERR_NOMEM;

	*nshow = ncand;
	assert(ncand <= COLLAPSE_MAX_CANDIDATES);
	l.cap = ncand ? ncand : 1;
	l.head = calloc(COLLAPSE_BLOCKS, sizeof *l.head);
	l.next = malloc(COLLAPSE_BLOCKS * l.cap * sizeof *l.next);
	l.sim = malloc(l.cap * sizeof *l.sim);
	if (l.head == NULL || l.next == NULL || l.sim == NULL)
		goto out;
	for (size_t i = 0; i < ncand; i++) {
		cand c = cands[i];
		size_t g = c.has_sim ? collapse_find(&l, c.sim) : SIZE_MAX;

		if (g != SIZE_MAX) {
			cand *r = &cands[g];

			if (i >= collapse_window(r->pos + 1))
				continue; /* folded, not counted */
			r->dups++;
			if (c.date != LEDE_NO_DATE &&
			    (r->date == LEDE_NO_DATE || c.date < r->date)) {
				r->date = c.date;
				r->show = c.mi;
			}
			continue;
		}
		c.pos = i;
		cands[k] = c;
		memcpy(l.sim[k], c.sim, sizeof c.sim);
		for (int b = 0; c.has_sim && b < COLLAPSE_BLOCKS; b++) {
			unsigned width;
			uint32_t v = block_of(c.sim, b, &width);

			l.next[b * l.cap + k] = l.head[b][v];
			l.head[b][v] = (uint32_t)k + 1;
		}
		k++;
	}
	*nshow = k;
	st = LEDE_OK;
out:
	free(l.head);
	free(l.next);
	free(l.sim);
	return st;
}

/* What lede_search's pick callback works with and leaves behind. */
typedef struct pick_ctx {
	const lede_search_opts *o;
	int rerank;
	int64_t now;
	cand *cands;      /* the candidates, re-ranked and collapsed */
	size_t ncand, nshow;
	size_t first, n;  /* the page: cands[first .. first + n) */
	lede_status st;
} pick_ctx;

/* xc_search's pick callback: ranks the candidates from their hits and
 * values (re-ranked and collapsed when asked), then wants the data of the
 * page's hits only. Called again when the search is rerun. */
static lede_status pick_hits(const xc_results *m, unsigned char *want,
                             void *vctx)
{
	pick_ctx *pk = vctx;
	const lede_search_opts *o = pk->o;
	int64_t now = pk->now;
	int rerank = pk->rerank;
	size_t ncand, nshow;
	cand *cands;

	free(pk->cands);
	pk->cands = NULL;
	pk->ncand = pk->nshow = pk->first = pk->n = 0;
	/* Candidates, re-ranked and collapsed when asked. */
	ncand = xc_results_count(m);
	cands = calloc(ncand ? ncand : 1, sizeof *cands);
	if (cands == NULL)
		return pk->st = LEDE_ERR_NOMEM;
	pk->cands = cands;
	for (size_t i = 0; i < ncand; i++) {
		xc_hit h;
		const char *v;
		size_t vl;

		xc_results_hit(&h, m, i);
		cands[i].mi = i;
		cands[i].show = i;
		cands[i].score = h.weight;
		cands[i].date = LEDE_NO_DATE;
		if (!rerank)
			continue;
		if (xc_results_value(&v, &vl, m, i, SLOT_DATE) == LEDE_OK && vl)
			cands[i].date = (int64_t)xc_sortable_unserialise(v, vl);
		if (o->collapse &&
		    xc_results_value(&v, &vl, m, i, SLOT_SHINGLE_SIMHASH) ==
		        LEDE_OK &&
		    vl == 8 * SIMHASH_WORDS) {
			for (int w = 0; w < SIMHASH_WORDS; w++)
				cands[i].sim[w] = get_u64(v + 8 * w, 8);
			cands[i].has_sim = 1;
		}
	}
	if (rerank && o->recency_days > 0 && o->sort == LEDE_SORT_RELEVANCE) {
		for (size_t i = 0; i < ncand; i++) {
			double age = cands[i].date == LEDE_NO_DATE
			                 ? o->recency_days * 86400.0
			                 : (double)(now - cands[i].date);
			if (age < 0)
				age = 0;
			cands[i].score *= exp2(-age / (o->recency_days * 86400.0));
		}
		qsort(cands, ncand, sizeof *cands, cand_cmp);
	}
	nshow = ncand;
	if (o->collapse && collapse(cands, ncand, &nshow) != LEDE_OK)
		return pk->st = LEDE_ERR_NOMEM;

	pk->ncand = ncand;
	pk->nshow = nshow;
	pk->first = rerank ? o->offset : 0;
	pk->n = pk->first < nshow ? nshow - pk->first : 0;
	if (pk->n > o->limit)
		pk->n = o->limit;
	for (size_t i = 0; i < pk->n; i++)
		want[cands[pk->first + i].show] = 1;
	return LEDE_OK;
}

/* LEDE_OK if the option name's value v is a number (not NaN, not
 * infinite) up to max, else LEDE_ERR_INVALID naming it. Such values made
 * scores NaN (k1 = 1e308) or meant nothing (NaN ran as the default). */
static lede_status check_number(lede_index *idx, const char *name, double v,
                                double max)
{
	if (isfinite(v) && v <= max)
		return LEDE_OK;
	return index_fail(idx, LEDE_ERR_INVALID,
	                  "%s=%g: expected a number up to %.15g", name, v,
	                  max);
}

/* BM25's parameters for the index searched. A format-4 index holds
 * impacts (lib/index.c): its postings carry b already, so the match runs
 * with b = 0 (no document lengths read) and k1 in impact units, and the
 * weights are scaled back to what BM25 on the plain frequencies gives. */
static lede_status set_bm25(lede_index *idx, xc_search_opts *so,
                            const lede_search_opts *o)
{
	double k1 = o->k1 >= 0 ? o->k1 : LEDE_BM25_K1;
	double built = idx->settings.bm25_b;

	if (!SCHEMA_IMPACTS(idx->settings.schema)) {
		so->k1 = k1;
		so->b = o->b >= 0 ? o->b : LEDE_BM25_B;
		return LEDE_OK;
	}
	if (o->b >= 0 && fabs(o->b - built) > 5e-5)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "b=%.4g: this index was built with b=%.4g, "
		                  "which its postings hold (index format 4); "
		                  "build another with lede-index --b %.4g",
		                  o->b, built, o->b);
	so->k1 = k1 * IMPACT_SCALE;
	so->b = 0;
	so->weight_scale = (k1 + 1) / (k1 * IMPACT_SCALE + 1);
	return LEDE_OK;
}

/* xc_search's accept callback: phrases checked on the text. */
static lede_status accept_match(xc_docview *d, int *ok, void *ctx)
{
	return qcheck_doc(ctx, d, ok);
}

LEDE_API lede_status lede_search(lede_results **out, lede_index *idx,
                                 const char *query,
                                 const lede_search_opts *opts)
{
	lede_search_opts def = LEDE_SEARCH_OPTS_INIT;
	const lede_search_opts *o = opts ? opts : &def;
	search_ctx sc;
	query_opts qo;
	query_build_opts bo;
	xc_search_opts so = XC_SEARCH_OPTS_INIT;
	qnode *root = NULL;
	xc_query *q = NULL;
	xc_results *m = NULL;
	lede_results *res = NULL;
	qcheck *qc = NULL;
	pick_ctx pk;
	lede_err err;
	lede_status st;
	int64_t now;
	int rerank;
	buf desc = BUF_INIT;
	uint32_t lo = 0, est = 0, hi = 0;
	snippet_cache *scache = NULL;

	API_REFUSE_NULL(out);
	*out = NULL;
	API_REFUSE_NULL(idx);
	memset(&pk, 0, sizeof pk);
	memset(&sc, 0, sizeof sc);
	sc.idx = idx;
	err_clear(&err);
	if (query == NULL)
		return index_fail(idx, LEDE_ERR_INVALID, "NULL query");
	if (o->version == 1) {
		/* A version 1 struct ends before keep_stopwords: copy what it
		 * has, the rest keeps its defaults. */
		lede_search_opts v2 = LEDE_SEARCH_OPTS_INIT;

		memcpy(&v2, o, offsetof(lede_search_opts, keep_stopwords));
		v2.version = LEDE_SEARCH_OPTS_VERSION;
		return lede_search(out, idx, query, &v2);
	}
	if (o->version != LEDE_SEARCH_OPTS_VERSION)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "lede_search_opts version %u not supported",
		                  o->version);
	if (o->limit > SEARCH_MAX_LIMIT)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "limit %u is over %u; page with offset",
		                  o->limit, SEARCH_MAX_LIMIT);
	/* negative values keep their meaning: the default, recency off */
	st = check_number(idx, "k1", o->k1, LEDE_MAX_K1);
	if (st == LEDE_OK)
		st = check_number(idx, "b", o->b, 1.0);
	if (st == LEDE_OK)
		st = check_number(idx, "title_weight", o->title_weight,
		                  LEDE_MAX_TITLE_WEIGHT);
	if (st == LEDE_OK)
		st = check_number(idx, "recency_days", o->recency_days,
		                  LEDE_MAX_RECENCY_DAYS);
	if (st != LEDE_OK)
		return st;
	st = index_reader(idx);
	if (st != LEDE_OK)
		return st;
	now = o->now ? o->now : (int64_t)time(NULL);

	memset(&qo, 0, sizeof qo);
	qo.default_or = o->any;
	qo.keep_stopwords = o->keep_stopwords;
	qo.now = now;
	st = query_parse(&root, idx->an, query, strlen(query), &qo, &err);
	if (st != LEDE_OK) {
		index_fail_err(idx, &err);
		goto out;
	}
	memset(&bo, 0, sizeof bo);
	bo.title_weight = o->title_weight > 0 ? o->title_weight : 0;
	bo.stopwords_positionless =
	    SCHEMA_STOPWORDS_POSITIONLESS(idx->settings.schema);
	bo.text_positions = !idx->settings.positions;
	bo.labels = o->explain != 0;
	st = query_build(&q, root, &bo, &err);
	if (st == LEDE_OK && bo.text_positions)
		st = qcheck_new(&qc, root, idx->an, &err);
	if (st != LEDE_OK) {
		index_fail_err(idx, &err);
		goto out;
	}
	if (qc != NULL) {
		if (idx->reader_remote > 0) {
			st = index_fail(idx, LEDE_ERR_UNSUPPORTED,
			                "%s: phrases and NEAR over remote "
			                "shards need their indexes built with "
			                "word positions (lede-index "
			                "--positions)",
			                idx->path);
			goto out;
		}
		so.accept = accept_match;
		so.accept_ctx = qc;
	}
	st = add_filters(idx, &q, o);
	if (st != LEDE_OK)
		goto out;

	so.stale_retries = SEARCH_STALE_RETRIES;
	st = set_bm25(idx, &so, o);
	if (st != LEDE_OK)
		goto out;
	if (o->sort == LEDE_SORT_NEWEST || o->sort == LEDE_SORT_OLDEST) {
		so.sort = XC_SORT_VALUE_THEN_RELEVANCE;
		so.sort_slot = SLOT_DATE;
		so.sort_reverse = o->sort == LEDE_SORT_NEWEST;
	}
	rerank = o->collapse || (o->recency_days > 0 &&
	                         o->sort == LEDE_SORT_RELEVANCE);
	so.first = rerank ? 0 : o->offset;
	so.max_items = o->limit;
	if (rerank) {
		uint64_t want = (uint64_t)o->offset + o->limit;
		so.max_items = want > RERANK_DEPTH ? (uint32_t)want : RERANK_DEPTH;
		/* fewer groups than candidates: more are fetched below when
		 * too few; an exact count groups them all */
		if (o->collapse)
			so.max_items = o->exact_count ? COLLAPSE_MAX_CANDIDATES
			                              : collapse_window(want);
	}
	(void)xc_reader_doccount(&sc.doccount, idx->r);
	/* One match past the page: the matcher then counts exactly whenever
	 * the matches end within it (the usual case for a narrow query) and
	 * knows there are more otherwise; Xapian's estimate alone said
	 * "about 16" for 10. One document more costs next to nothing. */
	{
		uint64_t cal = (uint64_t)so.first + so.max_items + 1;
		so.check_at_least = o->exact_count ? sc.doccount
		                    : cal > UINT32_MAX ? UINT32_MAX
		                                       : (uint32_t)cal;
	}
	if (o->expand > 0 && o->sort == LEDE_SORT_RELEVANCE) {
		int expanded;

		st = expand_query(idx, &q, &expanded, root, &bo, o, &so);
		if (st != LEDE_OK)
			goto out;
		/* The expanded query matches by the added words too, and its
		 * phrases rank as their words together, as the words added
		 * do: only the exclusions' phrases are checked. */
		if (expanded && qc != NULL && !qcheck_exclusions_only(qc))
			so.accept = NULL;
	}

	pk.o = o;
	pk.rerank = rerank;
	pk.now = now;
	so.pick = pick_hits;
	so.pick_ctx = &pk;
	/* A page without reranking needs no values (the record holds the
	 * date); reranking reads the date of every candidate, collapse its
	 * fingerprint. */
	so.values_mask = (rerank ? 1u << SLOT_DATE : 0) |
	                 (o->collapse ? 1u << SLOT_SHINGLE_SIMHASH : 0) |
	                 (o->explain ? 1u << SLOT_QTERM : 0);
	so.no_values = so.values_mask == 0;
	for (;;) {
		err_clear(&err);
		st = xc_search(&m, idx->r, q, &so);
		/* Collapsed, the candidates held too few groups for the page
		 * and there may be more: twice as many (the groups found stay
		 * the same, see collapse()). */
		if (st != LEDE_OK || !o->collapse || pk.ncand < so.max_items ||
		    pk.nshow >= (uint64_t)o->offset + o->limit ||
		    so.max_items >= COLLAPSE_MAX_CANDIDATES)
			break;
		xc_results_free(m);
		m = NULL;
		so.max_items *= 2;
		if (!o->exact_count)
			so.check_at_least = so.max_items + 1;
	}
	if (st != LEDE_OK && err.status != LEDE_OK) {
		/* the text check of a match failed: its message */
		index_fail_err(idx, &err);
		goto out;
	}
	if (st == LEDE_ERR_QUERY) {
		query_wildcard_error(&err, root);
		index_fail_err(idx, &err);
		goto out;
	}
	if (st == LEDE_ERR_NOMEM && pk.st == LEDE_ERR_NOMEM) {
		index_fail(idx, st, "out of memory");
		goto out;
	}
	if (st != LEDE_OK) {
		index_fail(idx, st, "%s: %s", idx->path, xc_reader_errmsg(idx->r));
		goto out;
	}
	xc_results_estimate(&lo, &est, &hi, m);

	res = calloc(1, sizeof *res);
	if (res == NULL) {
		st = index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
		goto out;
	}
	{
		size_t first = pk.first, n = pk.n;
		cand *cands = pk.cands;
		size_t ncand = pk.ncand, nshow = pk.nshow;

		res->total = reported_total(lo, est, hi, ncand, nshow,
		                            o->collapse ? so.max_items : 0,
		                            n ? (uint64_t)o->offset + n : 0);
		res->hits = calloc(n ? n : 1, sizeof *res->hits);
		res->store = calloc(n ? n : 1, sizeof *res->store);
		if (res->hits == NULL || res->store == NULL) {
			st = index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
			goto out;
		}
		sc.m = m;
		query_words(root, on_word, &sc);
		if (sc.st != LEDE_OK) {
			st = index_fail(idx, sc.st, "out of memory");
			goto out;
		}
		/* The snippets' query side is built once for the page. */
		if (n > 0) {
			scache = snippet_cache_new();
			if (scache == NULL) {
				st = index_fail(idx, LEDE_ERR_NOMEM,
				                "out of memory");
				goto out;
			}
		}
		for (size_t i = 0; i < n; i++) {
			res->n = i + 1;
			st = fill_hit(res, i, &sc, m, &cands[first + i], root, q,
			              o, &so, (unsigned)(o->offset + i + 1),
			              scache);
			if (st != LEDE_OK)
				goto out;
		}
	}
	if (res->total < SUGGEST_BELOW)
		res->suggestion = suggest(&sc, root, query, &res->notice);
	query_describe(&desc, root);
	if (desc.status == LEDE_OK)
		res->query_desc = buf_detach(&desc);
	st = LEDE_OK;
	*out = res;
	res = NULL;
out:
	snippet_cache_free(scache);
	buf_free(&desc);
	lede_results_free(res);
	words_free(&sc);
	free(pk.cands);
	xc_results_free(m);
	xc_query_free(q);
	qcheck_free(qc);
	qnode_free(root);
	return st;
}
