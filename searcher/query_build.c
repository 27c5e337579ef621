/*
 * query_build.c - qnode tree -> Xapian query, on the index schema of
 * lede_private.h (DESIGN.md "Index schema", "Ranking and results").
 *
 * The mapping, and why:
 *  - The index holds STEMS with positions, not words plus stems (see
 *    lib/index.c: 1.7x faster to build, 23% smaller), so every body or
 *    title word is looked up by its key: the stem, or the word itself when
 *    it has none (CJK, numbers, language "none"). A quoted single word is
 *    therefore stemmed too: exact-form matching is not kept.
 *  - A bag-of-words word: AND_MAYBE(key, SCALE(title_weight, S+key)).
 *    The unprefixed term carries the BM25 weight of the body (and title)
 *    occurrences; the scaled S term adds title_weight times its own BM25
 *    weight when the word is also in the title, so title matches rank
 *    higher. Every title word is indexed unprefixed too (index formats 2
 *    and 3, lib/index.c), so S+key never matches without key: AND_MAYBE
 *    matches and weighs exactly what OR did, but the match walks only
 *    key's postings and counts its total exactly (OR estimated the union:
 *    "said" 15,360 for 15,345).
 *  - title: words use S+key; by: and source: use A+word and XO+word, which
 *    have no stems.
 *  - Phrases and NEAR use the positional terms of their field (key for
 *    body and title, S+key, A+word, XO+word). NEAR/n
 *    is Xapian's window n + (terms - 1), as its QueryParser does: two words
 *    with at most n-1 others between them. No title boost for phrases: it
 *    would double the costliest part of the match.
 *  - word* is OP_WILDCARD over the terms of its field, combined as a
 *    SYNONYM (the expansions weigh as one term, as the user typed one);
 *    on body and title, whose terms are stems, over the typed prefix and
 *    over its stem (build_prefix),
 *    limited to max_prefix_expansion terms with XC_WILD_ERROR: too broad a
 *    prefix fails when the search runs, and the searcher names it through
 *    query_wildcard_error().
 *  - section:, lang:, host:, date: restrict without scoring: they enter an
 *    AND as OP_FILTER, an OR scaled by 0, and a query made only of them is
 *    scaled by 0 as a whole.
 *  - NOT x inside an AND becomes AND_NOT; elsewhere (a pure negative query,
 *    `a OR -b`) it is "all documents AND_NOT x".
 *  - Pseudo-relevance feedback (query_build_opts.feedback): the added words
 *    are ORed with the query's scored part, below the FILTER and AND_NOT
 *    of a root AND, so they find related articles without the query's
 *    words (what RELEVANCE.md measured: a plain word query is exactly
 *    "query OR added") but never one the query's filters or exclusions
 *    leave out.
 *  - --explain weighs the parts of a score apart (xc_explain): each word
 *    term, each title boost and each prefix is labelled with its name in
 *    the query (`defense`, `title:defense`, `spend*`), which it matches and
 *    weighs as without.
 * Recursion follows the tree, whose depth the parser bounds
 * (QUERY_MAX_TREE_DEPTH).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query.h"

typedef struct bctx {
	double title_weight;
	uint32_t max_expansion;
	int stop_positionless;	  /* query_build_opts.stopwords_positionless */
	int text_positions;	  /* query_build_opts.text_positions */
	int neg;		  /* under an odd number of NOTs */
	const xc_query *feedback; /* query_build_opts.feedback */
	int labels;		  /* query_build_opts.labels */
	lede_err *err;
} bctx;

/* The prefix of a field's word terms. */
const char *query_word_prefix(qfield f)
{
	switch (f) {
	case QF_TITLE:
		return PFX_TITLE;
	case QF_BYLINE:
		return PFX_BYLINE;
	case QF_SOURCE:
		return PFX_SOURCE;
	case QF_SECTION:
		return PFX_SECTION;
	case QF_LANG:
		return PFX_LANG;
	case QF_HOST:
		return PFX_HOST;
	default:
		return "";
	}
}

/* Query for the term pfx + s[0..n). */
static lede_status term_q(xc_query **out, const char *pfx, const char *s,
			  size_t n, lede_err *err)
{
	buf b = BUF_INIT;
	lede_status st;

	buf_append_str(&b, pfx);
	buf_append(&b, s, n);
	if (b.status != LEDE_OK) {
		st = b.status;
		buf_free(&b);
		return err_set(err, st, "out of memory");
	}
	st = xc_query_term(out, b.data, b.len, 1, 0, err);
	buf_free(&b);
	return st;
}

/* q under the explain label `[field:]word[*]` (xc_query_label), the part
 * of the query it names in --explain, when c->labels (else q as it is);
 * consumes q (NULL: an earlier step failed, its status is returned). */
static lede_status labelled(xc_query **out, lede_status st, xc_query *q,
			    qfield f, const char *s, size_t n, int star,
			    const bctx *c)
{
	lede_err *err = c->err;
	buf b = BUF_INIT;

	*out = NULL;
	if (!c->labels) {
		if (st == LEDE_OK)
			*out = q;
		else
			xc_query_free(q);
		return st;
	}
	if (st == LEDE_OK) {
		if (f != QF_TEXT) {
			buf_append_str(&b, query_field_name(f));
			buf_append_byte(&b, ':');
		}
		buf_append(&b, s, n);
		if (star)
			buf_append_byte(&b, '*');
		st = b.status;
		if (st != LEDE_OK)
			err_set(err, st, "out of memory");
	}
	if (st == LEDE_OK)
		st = xc_query_label(out, q, b.data, b.len, err);
	buf_free(&b);
	xc_query_free(q);
	return st;
}

/* OR(a, SCALE(w, b)); consumes a and b. */
static lede_status boosted(xc_query **out, xc_query *a, xc_query *b, double w,
			   lede_err *err)
{
	xc_query *s = NULL;
	lede_status st = xc_query_scale(&s, w, b, err);

	if (st == LEDE_OK) {
		const xc_query *v[2] = {a, s};
		st = xc_query_combine(out, XC_Q_AND_MAYBE, v, 2, 0, err);
	}
	xc_query_free(a);
	xc_query_free(b);
	xc_query_free(s);
	return st;
}

/* The indexed form of a body or title word: its stem, or the word. */
const char *query_word_key(const qnode *n, size_t *len)
{
	if ((n->field == QF_TEXT || n->field == QF_TITLE) && n->stem) {
		*len = n->stem_len;
		return n->stem;
	}
	*len = n->term_len;
	return n->term;
}

/* A word's term in its field, labelled with the word (`title:word` for
 * the title boost of a body and title word, which is the S term). */
static lede_status word_term(xc_query **out, const qnode *n, qfield f,
			     const bctx *c)
{
	xc_query *t = NULL;
	size_t klen;
	const char *key = query_word_key(n, &klen);
	lede_status st = term_q(&t, query_word_prefix(f), key, klen, c->err);

	return labelled(out, st, t, f, n->term, n->term_len, 0, c);
}

static lede_status build_word(xc_query **out, const qnode *n, const bctx *c)
{
	xc_query *a = NULL, *b = NULL;
	lede_status st;

	if (n->field != QF_TEXT)
		return word_term(out, n, n->field, c);
	st = word_term(&a, n, QF_TEXT, c);
	if (st == LEDE_OK)
		st = word_term(&b, n, QF_TITLE, c);
	if (st != LEDE_OK) {
		xc_query_free(a);
		return st;
	}
	return boosted(out, a, b, c->title_weight, c->err);
}

/* 1 if w is a stopword of body or title text in an index that holds
 * stopwords without positions (schema 2; schema 3 has them). */
static int positionless(const qnode *w, const bctx *c)
{
	return c->stop_positionless && (w->flags & QN_F_STOP) &&
	       (w->field == QF_TEXT || w->field == QF_TITLE);
}

/* PHRASE or NEAR over the positional terms of the kids: "bank of england"
 * is exactly those three words in a row. In a schema-2 index stopwords
 * have no positions: they are left out and the phrase's window spans
 * their gaps (bank, then england within 3 positions). When fewer than two
 * words are left, the phrase needs no positions: one word is that word;
 * all stopwords ("to be or not to be") is the AND of them. */
static lede_status build_positional(xc_query **out, const qnode *n,
				    const bctx *c)
{
	xc_query **v = calloc(n->nkids ? n->nkids : 1, sizeof *v);
	lede_status st = LEDE_OK;
	uint32_t window, first = 0, last = 0;
	size_t m = 0, nstop = 0;

	if (c->text_positions && c->neg) {
		/* checked on the text (query_check.c): the NOT around it
		 * must not take out the articles holding its words apart */
		free(v);
		return xc_query_match_nothing(out, c->err);
	}
	if (v == NULL)
		return err_set(c->err, LEDE_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n->nkids; i++)
		nstop += positionless(n->kids[i], c);
	for (size_t i = 0; i < n->nkids && st == LEDE_OK; i++) {
		const qnode *w = n->kids[i];
		if (positionless(w, c) && nstop < n->nkids)
			continue;
		if (m == 0)
			first = w->pos;
		last = w->pos;
		st = word_term(&v[m++], w, w->field, c);
	}
	if (st == LEDE_OK && m == 1) {
		*out = v[0];
		v[0] = NULL;
	} else if (st == LEDE_OK &&
		   (nstop == n->nkids || c->text_positions)) {
		/* all stopwords of a schema-2 index; or an index without
		 * positions, whose phrases are checked on the text of the
		 * matches (query_check.c): the AND weighs as the phrase */
		st = xc_query_combine(out, XC_Q_AND,
				      (const xc_query *const *)v, m, 0,
				      c->err);
	} else if (st == LEDE_OK) {
		if (n->kind == QN_PHRASE) {
			/* The span of the words: stopwords and CJK runs can
			 * leave gaps. */
			window = last - first + 1;
			if (window < m)
				window = (uint32_t)m;
		} else {
			window = n->window + (uint32_t)m - 1;
		}
		st = xc_query_combine(
		    out, n->kind == QN_PHRASE ? XC_Q_PHRASE : XC_Q_NEAR,
		    (const xc_query *const *)v, m, window, c->err);
	}
	for (size_t i = 0; i < m; i++)
		xc_query_free(v[i]);
	free(v);
	return st;
}

/* A growable list of built subqueries, freed together. */
typedef struct qlist {
	xc_query **v;
	size_t n, cap;
} qlist;

static lede_status qlist_push(qlist *l, xc_query *q, lede_err *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		xc_query **v = realloc(l->v, cap * sizeof *v);
		if (v == NULL) {
			xc_query_free(q);
			return err_set(err, LEDE_ERR_NOMEM, "out of memory");
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = q;
	return LEDE_OK;
}

static void qlist_free(qlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		xc_query_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* OP_WILDCARD over pfx + s[0..n). */
static lede_status wildcard_q(xc_query **out, const char *pfx, const char *s,
			      size_t n, const bctx *c)
{
	buf b = BUF_INIT;
	lede_status st;

	buf_append_str(&b, pfx);
	buf_append(&b, s, n);
	if (b.status != LEDE_OK) {
		st = b.status;
		buf_free(&b);
		return err_set(c->err, st, "out of memory");
	}
	st = xc_query_prefix(out, b.data, b.len, c->max_expansion,
			     XC_WILD_ERROR, XC_Q_SYNONYM, c->err);
	buf_free(&b);
	return st;
}

static int starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return pn <= n && memcmp(s, p, pn) == 0;
}

/* word*: the index holds stems for body and title, so the prefix of the
 * typed word and the prefix of its stem both count (`deployment*` reaches
 * "deploy", `happy*` "happi"), and so do the stems of its completions
 * that the parser found (`negotiat*` -> "negoti", an exact term). When one
 * prefix starts with the other, the shorter covers both. */
static lede_status build_prefix(xc_query **out, const qnode *n, const bctx *c)
{
	const char *pfx = query_word_prefix(n->field);
	qlist l = {0};
	xc_query *x = NULL, *all = NULL;
	lede_status st;
	int both = n->stem != NULL &&
		   !starts_with(n->stem, n->stem_len, n->term, n->term_len);

	if (both && starts_with(n->term, n->term_len, n->stem, n->stem_len))
		st = wildcard_q(&x, pfx, n->stem, n->stem_len, c);
	else
		st = wildcard_q(&x, pfx, n->term, n->term_len, c);
	if (st == LEDE_OK)
		st = qlist_push(&l, x, c->err);
	if (st == LEDE_OK && both &&
	    !starts_with(n->term, n->term_len, n->stem, n->stem_len)) {
		st = wildcard_q(&x, pfx, n->stem, n->stem_len, c);
		if (st == LEDE_OK)
			st = qlist_push(&l, x, c->err);
	}
	for (size_t i = 0; i < n->nkids && st == LEDE_OK; i++) {
		st = term_q(&x, pfx, n->kids[i]->term, n->kids[i]->term_len,
			    c->err);
		if (st == LEDE_OK)
			st = qlist_push(&l, x, c->err);
	}
	if (st == LEDE_OK && l.n == 1) {
		all = l.v[0];
		l.n = 0;
	} else if (st == LEDE_OK) {
		st = xc_query_combine(&all, XC_Q_OR,
				      (const xc_query *const *)l.v, l.n, 0,
				      c->err);
	}
	qlist_free(&l);
	/* the expansions weigh as one word: one part in --explain */
	return labelled(out, st, all, n->field, n->term, n->term_len, 1, c);
}

/* A closed date range is matched by the boolean year, month and day terms
 * every dated article carries (Y2025, M202502, D20250213) for the whole
 * periods it covers, and by a value range on SLOT_DATE only for the
 * hours at its ends that are not whole days: a few posting lists instead
 * of reading every candidate's date (date queries ran at twice the cost
 * of the others). More terms than this and the value range does it all. */
#define DATE_MAX_TERMS 256
#define DAY_SECONDS 86400

static lede_status value_range(xc_query **out, int64_t lo, int64_t hi,
			       lede_err *err)
{
	char l[XC_SORTABLE_MAX], h[XC_SORTABLE_MAX];
	size_t ln = 0, hn = 0;

	if (lo != INT64_MIN)
		ln = xc_sortable_serialise(l, (double)lo);
	if (hi != INT64_MAX)
		hn = xc_sortable_serialise(h, (double)hi);
	return xc_query_value_range(out, SLOT_DATE, lo == INT64_MIN ? NULL : l,
				    ln, hi == INT64_MAX ? NULL : h, hn, err);
}

/* The first second of the UTC day, month or year after t's; unit 'D',
 * 'M' or 'Y'. */
static int64_t next_period(int64_t t, char unit)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return INT64_MAX;
	tm.tm_sec = tm.tm_min = tm.tm_hour = 0;
	if (unit == 'D') {
		tm.tm_mday++;
	} else {
		tm.tm_mday = 1;
		if (unit == 'M') {
			tm.tm_mon++;
		} else {
			tm.tm_mon = 0;
			tm.tm_year++;
		}
	}
	return (int64_t)timegm(&tm);
}

/* 1 if t is the first second of its UTC day, month ('M') or year ('Y'). */
static int period_start(int64_t t, char unit)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_sec || tm.tm_min ||
	    tm.tm_hour)
		return 0;
	return unit == 'D' || (tm.tm_mday == 1 && (unit == 'M' || tm.tm_mon == 0));
}

/* The boolean term of t's period (as lib/index.c writes it) into l. */
static lede_status push_period(qlist *l, int64_t t, char unit, lede_err *err)
{
	char tmp[32];
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;
	xc_query *x = NULL;
	lede_status st;

	if (gmtime_r(&tt, &tm) != NULL)
		n = strftime(tmp, sizeof tmp,
			     unit == 'Y'   ? PFX_YEAR "%Y"
			     : unit == 'M' ? PFX_MONTH "%Y%m"
					   : PFX_DAY "%Y%m%d",
			     &tm);
	if (n == 0)
		return err_set(err, LEDE_ERR_QUERY, "date out of range");
	st = xc_query_term(&x, tmp, n, 1, 0, err);
	if (st == LEDE_OK)
		st = qlist_push(l, x, err);
	return st;
}

static lede_status build_date(xc_query **out, int64_t lo, int64_t hi,
			      lede_err *err)
{
	qlist l = {0};
	lede_status st = LEDE_OK;
	int64_t t = lo;

	if (lo == INT64_MIN && hi == INT64_MAX)
		return xc_query_match_all(out, err);
	if (lo == INT64_MIN || hi == INT64_MAX || lo > hi)
		return value_range(out, lo, hi, err);
	/* hours before the first whole day */
	if (!period_start(t, 'D')) {
		int64_t e = next_period(t, 'D') - 1;
		xc_query *x = NULL;
		if (e > hi)
			e = hi;
		st = value_range(&x, t, e, err);
		if (st == LEDE_OK)
			st = qlist_push(&l, x, err);
		t = e + 1;
	}
	while (st == LEDE_OK && t <= hi) {
		int64_t e;
		char unit = 0;
		if (l.n >= DATE_MAX_TERMS) {
			qlist_free(&l);
			return value_range(out, lo, hi, err);
		}
		if (period_start(t, 'Y') && (e = next_period(t, 'Y')) - 1 <= hi)
			unit = 'Y';
		else if (period_start(t, 'M') &&
			 (e = next_period(t, 'M')) - 1 <= hi)
			unit = 'M';
		else if ((e = next_period(t, 'D')) - 1 <= hi)
			unit = 'D';
		if (unit) {
			st = push_period(&l, t, unit, err);
			t = e;
			continue;
		}
		/* hours after the last whole day */
		xc_query *x = NULL;
		st = value_range(&x, t, hi, err);
		if (st == LEDE_OK)
			st = qlist_push(&l, x, err);
		break;
	}
	if (st == LEDE_OK && l.n == 1) {
		*out = l.v[0];
		l.n = 0;
	} else if (st == LEDE_OK) {
		st = xc_query_combine(out, XC_Q_OR, (const xc_query *const *)l.v,
				      l.n, 0, err);
	}
	qlist_free(&l);
	return st;
}

/* Combines the list with op into *out (one item: a copy of it). */
static lede_status qlist_combine(xc_query **out, xc_qop op, const qlist *l,
				 lede_err *err)
{
	return xc_query_combine(out, op, (const xc_query *const *)l->v, l->n, 0,
				err);
}

/* *q = op(*q, r), consuming both (even on failure). */
static lede_status apply2(xc_query **q, xc_qop op, xc_query *r, lede_err *err)
{
	const xc_query *v[2] = {*q, r};
	xc_query *o = NULL;
	lede_status st = xc_query_combine(&o, op, v, 2, 0, err);

	xc_query_free(*q);
	xc_query_free(r);
	*q = o;
	return st;
}

static lede_status build(xc_query **out, const qnode *n, const bctx *c,
			 unsigned depth);

/* 1 if the kid k of an AND scores (words, phrases, groups of them), 0 if
 * it only restricts: a NOT, a filter. */
static int scores(const qnode *k)
{
	return k->kind != QN_NOT && !qnode_is_filter(k);
}

/* 1 if the query root scores: an AND when one of its kids does. */
static int root_scores(const qnode *root)
{
	if (root->kind != QN_AND)
		return scores(root);
	for (size_t i = 0; i < root->nkids; i++)
		if (scores(root->kids[i]))
			return 1;
	return 0;
}

/* *q = op(*q, fb): consumes *q (even on failure), borrows fb. */
static lede_status join_feedback(xc_query **q, xc_qop op, const xc_query *fb,
				 lede_err *err)
{
	const xc_query *v[2] = {*q, fb};
	xc_query *o = NULL;
	lede_status st = xc_query_combine(&o, op, v, 2, 0, err);

	xc_query_free(*q);
	*q = o;
	return st;
}

/* AND: scoring kids ANDed (at the root, ORed with the feedback words),
 * then FILTERed by the filter kids, then the NOT kids subtracted. No
 * scoring kid: the filters (or every document) with zero weight. */
static lede_status build_and(xc_query **out, const qnode *n, const bctx *c,
			     unsigned depth)
{
	qlist pos = {0}, filt = {0}, neg = {0};
	xc_query *q = NULL, *r = NULL;
	lede_status st = LEDE_OK;

	for (size_t i = 0; i < n->nkids && st == LEDE_OK; i++) {
		const qnode *k = n->kids[i];
		xc_query *x = NULL;
		if (k->kind == QN_NOT) {
			bctx nc = *c;

			nc.neg = !c->neg;
			st = build(&x, k->kids[0], &nc, depth + 1);
			if (st == LEDE_OK)
				st = qlist_push(&neg, x, c->err);
		} else {
			st = build(&x, k, c, depth + 1);
			if (st == LEDE_OK)
				st = qlist_push(scores(k) ? &pos : &filt, x,
						c->err);
		}
	}
	if (st != LEDE_OK)
		goto out;
	if (pos.n > 0) {
		st = qlist_combine(&q, XC_Q_AND, &pos, c->err);
		if (st == LEDE_OK && depth == 0 && c->feedback)
			st = join_feedback(&q, XC_Q_OR, c->feedback, c->err);
		if (st == LEDE_OK && filt.n > 0) {
			st = qlist_combine(&r, XC_Q_AND, &filt, c->err);
			if (st == LEDE_OK)
				st = apply2(&q, XC_Q_FILTER, r, c->err);
			r = NULL;
		}
	} else if (filt.n > 0 && neg.n == 0) {
		/* Only filters: the caller (an OR, or query_build at the root)
		 * scales this pure filter by 0. */
		st = qlist_combine(&q, XC_Q_AND, &filt, c->err);
	} else if (filt.n > 0) {
		st = qlist_combine(&r, XC_Q_AND, &filt, c->err);
		if (st == LEDE_OK)
			st = xc_query_scale(&q, 0.0, r, c->err);
		xc_query_free(r);
		r = NULL;
	} else {
		st = xc_query_match_all(&q, c->err);
	}
	if (st == LEDE_OK && neg.n > 0) {
		st = qlist_combine(&r, XC_Q_OR, &neg, c->err);
		if (st == LEDE_OK)
			st = apply2(&q, XC_Q_AND_NOT, r, c->err);
		r = NULL;
	}
out:
	if (st == LEDE_OK) {
		*out = q;
		q = NULL;
	}
	xc_query_free(q);
	xc_query_free(r);
	qlist_free(&pos);
	qlist_free(&filt);
	qlist_free(&neg);
	return st;
}

/* OR: filters inside an OR must not score, so they are scaled by 0. */
static lede_status build_or(xc_query **out, const qnode *n, const bctx *c,
			    unsigned depth)
{
	qlist l = {0};
	lede_status st = LEDE_OK;

	for (size_t i = 0; i < n->nkids && st == LEDE_OK; i++) {
		xc_query *x = NULL, *s = NULL;
		st = build(&x, n->kids[i], c, depth + 1);
		if (st == LEDE_OK && qnode_is_filter(n->kids[i])) {
			st = xc_query_scale(&s, 0.0, x, c->err);
			xc_query_free(x);
			x = s;
		}
		if (st == LEDE_OK)
			st = qlist_push(&l, x, c->err);
	}
	if (st == LEDE_OK)
		st = qlist_combine(out, XC_Q_OR, &l, c->err);
	qlist_free(&l);
	return st;
}

static lede_status build(xc_query **out, const qnode *n, const bctx *c,
			 unsigned depth)
{
	xc_query *a = NULL, *x = NULL;
	lede_status st;

	*out = NULL;
	if (depth > QUERY_MAX_TREE_DEPTH)
		return err_set(c->err, LEDE_ERR_QUERY,
			       "query nested too deeply");
	switch (n->kind) {
	case QN_WORD:
		return build_word(out, n, c);
	case QN_PHRASE:
	case QN_NEAR:
		if (n->nkids == 1)
			return build_word(out, n->kids[0], c);
		return build_positional(out, n, c);
	case QN_PREFIX:
		return build_prefix(out, n, c);
	case QN_FILTER:
		return xc_query_term(out, n->term, n->term_len, 1, 0, c->err);
	case QN_DATE:
		return build_date(out, n->lo, n->hi, c->err);
	case QN_ALL:
		return xc_query_match_all(out, c->err);
	case QN_AND:
		return build_and(out, n, c, depth);
	case QN_OR:
		return build_or(out, n, c, depth);
	case QN_NOT: {
		bctx nc = *c;

		nc.neg = !c->neg;
		st = xc_query_match_all(&a, c->err);
		if (st == LEDE_OK)
			st = build(&x, n->kids[0], &nc, depth + 1);
		if (st == LEDE_OK) {
			st = apply2(&a, XC_Q_AND_NOT, x, c->err);
			x = NULL;
		}
		if (st == LEDE_OK) {
			*out = a;
			a = NULL;
		}
		xc_query_free(a);
		xc_query_free(x);
		return st;
	}
	}
	return err_set(c->err, LEDE_ERR_INTERNAL, "unknown query node %d",
		       (int)n->kind);
}

lede_status query_build(xc_query **out, const qnode *root,
			const query_build_opts *o, lede_err *err)
{
	bctx c;
	xc_query *q = NULL;
	lede_status st;

	*out = NULL;
	if (root == NULL)
		return err_set(err, LEDE_ERR_INVALID, "no query");
	c.title_weight = o && o->title_weight > 0 ? o->title_weight
						  : QUERY_DEFAULT_TITLE_WEIGHT;
	c.max_expansion = o && o->max_prefix_expansion
			      ? o->max_prefix_expansion
			      : QUERY_MAX_PREFIX_EXPANSION;
	c.stop_positionless = o && o->stopwords_positionless;
	c.text_positions = o && o->text_positions;
	c.neg = 0;
	c.feedback = o ? o->feedback : NULL;
	c.labels = o && o->labels;
	c.err = err;
	st = build(&q, root, &c, 0);
	if (st == LEDE_OK && qnode_is_filter(root)) {
		/* Only filters: match them, rank nothing. */
		xc_query *s = NULL;

		st = xc_query_scale(&s, 0.0, q, err);
		xc_query_free(q);
		q = s;
	}
	/* A root AND that scores took the feedback in (build_and). A
	 * query that does not score (a NOT, filters) has nothing the
	 * feedback words could be alternatives to: they only rank. */
	if (st == LEDE_OK && c.feedback && !root_scores(root))
		st = join_feedback(&q, XC_Q_AND_MAYBE, c.feedback, err);
	else if (st == LEDE_OK && c.feedback && root->kind != QN_AND)
		st = join_feedback(&q, XC_Q_OR, c.feedback, err);
	if (st == LEDE_OK)
		*out = q;
	else
		xc_query_free(q);
	return st;
}

lede_status query_add_date_filter(xc_query **inout, int64_t lo, int64_t hi,
				  lede_err *err)
{
	xc_query *r = NULL, *base = NULL, *o = NULL;
	lede_status st;

	if (lo == INT64_MIN && hi == INT64_MAX)
		return LEDE_OK;
	if (lo > hi)
		return err_set(err, LEDE_ERR_QUERY,
			       "the date range ends before it starts");
	st = build_date(&r, lo, hi, err);
	if (st == LEDE_OK && *inout == NULL)
		st = xc_query_match_all(&base, err);
	if (st == LEDE_OK) {
		const xc_query *v[2] = {*inout ? *inout : base, r};
		st = xc_query_combine(&o, XC_Q_FILTER, v, 2, 0, err);
	}
	xc_query_free(r);
	xc_query_free(base);
	if (st == LEDE_OK) {
		xc_query_free(*inout);
		*inout = o;
	}
	return st;
}

/* ---------------------------------------------------------------------
 * Positive words, for spelling suggestions and --explain.
 * ------------------------------------------------------------------- */
static int walk_words(const qnode *n, int neg, query_word_cb cb, void *ctx,
		      unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return 0;
	switch (n->kind) {
	case QN_WORD:
		if (neg)
			return 0;
		if (n->stem != NULL)
			return cb(ctx, n->term, n->term_len, n->stem,
				  n->stem_len, n->field);
		return cb(ctx, n->term, n->term_len, NULL, 0, n->field);
	case QN_NOT:
		return walk_words(n->kids[0], !neg, cb, ctx, depth + 1);
	case QN_PHRASE:
	case QN_NEAR:
	case QN_AND:
	case QN_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (walk_words(n->kids[i], neg, cb, ctx, depth + 1))
				return 1;
		return 0;
	default:
		return 0;
	}
}

lede_status query_words(const qnode *root, query_word_cb cb, void *ctx)
{
	if (root == NULL || cb == NULL)
		return LEDE_OK;
	return walk_words(root, 0, cb, ctx, 0) ? LEDE_ERR_INTERRUPTED : LEDE_OK;
}
