/*
 * query_check.c - phrases and NEAR checked against the stored text, for
 * indexes that keep no word positions (index format 5's default).
 *
 * Such an index is half the size and built a third faster (the position
 * table was 44% of it), and the record of every article holds its text,
 * which is all a position list says. query_build gives Xapian each phrase
 * or NEAR as the AND of its words (the same weight Xapian gives a phrase;
 * under a NOT, as nothing, so the relaxed query matches a superset), and
 * the search's accept callback (xc_search_opts.accept) calls qcheck_doc
 * for the matches that could make the page: the best-ranked ones in rank
 * order until the page is full, or, for a page sorted otherwise, each
 * match Xapian finds that beats the page's weakest (xapian_c.cc
 * accept_ahead and AcceptDecider). A frequent phrase so costs about the
 * page, not every article holding its words; a rare phrase of common
 * words is mostly turned away by the article's pair filter
 * (PAIR_FILTER_BITS) before its text is read.
 *
 * qcheck_doc analyses the fields a phrase lives in with the indexer's own
 * analyzer and positions (title from 1, the body TITLE_POSITION_GAP after
 * it, byline and outlet from 1: lib/index.c build_doc), so a phrase
 * matches here exactly where Xapian would have matched it on positions:
 * PHRASE is its words in order within its window (their span: exactly
 * adjacent, unless a CJK run leaves a gap), NEAR all of them within its
 * window in any order.
 *
 * The whole query is then evaluated on the article. A part without phrases
 * that must hold for Xapian to have matched (a conjunct of the root AND)
 * is known true; one under OR or NOT is looked up in the posting lists
 * (xc_docview_has_term), as are the other branches of that OR. A query
 * expanded by pseudo-relevance feedback matches by the added words too:
 * only its exclusions are evaluated then (qcheck_exclusions_only).
 */
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Fields a phrase can live in: each is analysed at most once per
 * article. */
enum { G_TEXT, G_TITLE, G_BYLINE, G_SOURCE, G_COUNT };

/* One word of a phrase: where it was seen in the article. */
typedef struct qslot {
	const char *key; /* the indexed form (query_word_key) */
	size_t klen;
	int group;
	size_t ph;     /* its phrase (index in qcheck.ph) */
	int last;      /* the phrase's last word */
	int paired;    /* it and the next word make a pair the filter holds
			  (PAIR_FILTER_BITS): */
	uint64_t pair; /* ... this pair's hash */
	uint32_t *pos; /* ascending */
	size_t n, cap;
} qslot;

typedef struct qphrase {
	const qnode *n;
	size_t first;    /* its words: slots[first .. first + n->nkids) */
	uint32_t window; /* as query_build gives it to Xapian */
	int result;      /* this article: -1 not checked yet, 0, 1 */
	int found;       /* seen while analysing (the run stops once every
			    phrase of the field is) */
} qphrase;

struct qcheck {
	const qnode *root;
	analyzer *a;
	qslot *slots;
	size_t nslots;
	qphrase *ph;
	size_t nph;
	lead_set lead[G_COUNT]; /* how the keys of each group start */
	int analysed[G_COUNT];
	record rec;
	int have_rec;
	int cur_group; /* while analysing */
	xc_docview *doc;
	int exclusions_only; /* qcheck_exclusions_only */
	lede_status st;
	lede_err *err;
};

static int is_positional(const qnode *n)
{
	return (n->kind == QN_PHRASE || n->kind == QN_NEAR) && n->nkids > 1;
}

static int has_positional(const qnode *n, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return 0;
	if (is_positional(n))
		return 1;
	for (size_t i = 0; i < n->nkids; i++)
		if (has_positional(n->kids[i], depth + 1))
			return 1;
	return 0;
}

static int group_of(qfield f)
{
	switch (f) {
	case QF_TITLE:
		return G_TITLE;
	case QF_BYLINE:
		return G_BYLINE;
	case QF_SOURCE:
		return G_SOURCE;
	default:
		return G_TEXT;
	}
}

/* Counts the phrases and their words of the tree. */
static void count(const qnode *n, size_t *nph, size_t *nslots, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return;
	if (is_positional(n)) {
		(*nph)++;
		*nslots += n->nkids;
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		count(n->kids[i], nph, nslots, depth + 1);
}

static void collect(qcheck *c, const qnode *n, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return;
	if (!is_positional(n)) {
		for (size_t i = 0; i < n->nkids; i++)
			collect(c, n->kids[i], depth + 1);
		return;
	}
	qphrase *p = &c->ph[c->nph++];
	uint32_t first = n->kids[0]->pos, last = n->kids[n->nkids - 1]->pos;

	p->n = n;
	p->first = c->nslots;
	if (n->kind == QN_PHRASE) {
		p->window = last >= first ? last - first + 1 : 0;
		if (p->window < n->nkids)
			p->window = (uint32_t)n->nkids;
	} else {
		p->window = n->window + (uint32_t)n->nkids - 1;
	}
	for (size_t i = 0; i < n->nkids; i++) {
		qslot *s = &c->slots[c->nslots++];

		s->key = query_word_key(n->kids[i], &s->klen);
		s->group = group_of(n->kids[i]->field);
		s->ph = c->nph - 1;
		s->last = i + 1 == n->nkids;
		lead_set_add(&c->lead[s->group], s->key, s->klen);
	}
	/* the pairs an article's filter would hold, as lib/index.c
	 * note_pair makes them: adjacent words of body or title, ASCII
	 * keys, no stopword */
	for (size_t i = 0; n->kind == QN_PHRASE && i + 1 < n->nkids; i++) {
		qslot *s = &c->slots[p->first + i], *z = s + 1;
		const qnode *a = n->kids[i], *b = n->kids[i + 1];

		s->paired = (s->group == G_TEXT || s->group == G_TITLE) &&
			    b->pos == a->pos + 1 &&
			    pair_key_ascii(s->key, s->klen) &&
			    pair_key_ascii(z->key, z->klen) &&
			    !analyzer_is_stopword(c->a, a->term, a->term_len) &&
			    !analyzer_is_stopword(c->a, b->term, b->term_len);
		if (s->paired)
			s->pair = pair_hash(pair_key_hash(s->key, s->klen),
					    pair_key_hash(z->key, z->klen));
	}
}

lede_status qcheck_new(qcheck **out, const qnode *root, analyzer *a,
		       lede_err *err)
{
	qcheck *c;
	size_t nph = 0, nslots = 0;

	*out = NULL;
	if (root == NULL || !has_positional(root, 0))
		return LEDE_OK;
	count(root, &nph, &nslots, 0);
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return err_set(err, LEDE_ERR_NOMEM, "out of memory");
	c->slots = calloc(nslots, sizeof *c->slots);
	c->ph = calloc(nph, sizeof *c->ph);
	if (c->slots == NULL || c->ph == NULL) {
		qcheck_free(c);
		return err_set(err, LEDE_ERR_NOMEM, "out of memory");
	}
	c->root = root;
	c->a = a;
	c->err = err;
	collect(c, root, 0);
	*out = c;
	return LEDE_OK;
}

void qcheck_free(qcheck *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nslots; i++)
		free(c->slots[i].pos);
	free(c->slots);
	free(c->ph);
	if (c->have_rec)
		record_free(&c->rec);
	free(c);
}

/* ---- one article ------------------------------------------------------- */

static int ordered_within(qslot *s, size_t m, uint32_t window);
static int near_within(qslot *s, size_t m, uint32_t window);

/* 1 once every phrase of the group being analysed has been found. */
static int group_done(qcheck *c)
{
	for (size_t i = 0; i < c->nph; i++)
		if (!c->ph[i].found &&
		    c->slots[c->ph[i].first].group == c->cur_group)
			return 0;
	return 1;
}

/* Checks slot s's phrase after s got a position (its last word's, for a
 * PHRASE: what comes before cannot complete it). */
static int seen(qcheck *c, const qslot *s)
{
	qphrase *p = &c->ph[s->ph];
	qslot *first = &c->slots[p->first];

	if (p->found || (p->n->kind == QN_PHRASE && !s->last))
		return 0;
	p->found = p->n->kind == QN_PHRASE
		       ? ordered_within(first, p->n->nkids, p->window)
		       : near_within(first, p->n->nkids, p->window);
	return p->found && group_done(c);
}

static int on_token(void *ctx, const token *t)
{
	qcheck *c = ctx;
	const char *key = t->term;
	size_t klen = t->term_len;

	if ((c->cur_group == G_TEXT || c->cur_group == G_TITLE) && t->stem) {
		key = t->stem;
		klen = t->stem_len;
	}
	for (size_t i = 0; i < c->nslots; i++) {
		qslot *s = &c->slots[i];

		if (s->group != c->cur_group || s->klen != klen ||
		    memcmp(s->key, key, klen) != 0)
			continue;
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 16;
			uint32_t *p = realloc(s->pos, cap * sizeof *p);
			if (p == NULL) {
				c->st = LEDE_ERR_NOMEM;
				return 1;
			}
			s->pos = p;
			s->cap = cap;
		}
		s->pos[s->n++] = t->pos;
		if (seen(c, s))
			return 1; /* nothing more to learn from this field */
	}
	return 0;
}

static uint32_t run(qcheck *c, const char *text, size_t len, uint32_t base)
{
	uint32_t next = base;
	lede_status st;

	if (text == NULL || len == 0 || c->st != LEDE_OK)
		return base;
	st = analyzer_run(c->a, text, len, base, on_token, c, &next);
	if (st == LEDE_ERR_INTERRUPTED && c->st == LEDE_OK)
		c->st = st; /* every phrase found: the rest is not needed */
	else if (st != LEDE_OK && c->st == LEDE_OK)
		c->st = st;
	return next;
}

static lede_status get_record(qcheck *c)
{
	const char *data;
	size_t len;
	lede_status st;

	if (c->have_rec)
		return LEDE_OK;
	st = xc_docview_data(&data, &len, c->doc);
	if (st != LEDE_OK)
		return st; /* xc_search reports it, or reopens and retries */
	c->have_rec = 1;
	return record_decode(&c->rec, data, len, c->err);
}

/* Positions of the group's phrase words in this article, as the indexer
 * numbered them. */
static lede_status analyse(qcheck *c, int g)
{
	const lede_article *a = &c->rec.art;
	lede_status st;
	uint32_t pos;

	if (c->analysed[g])
		return LEDE_OK;
	st = get_record(c);
	if (st != LEDE_OK)
		return st;
	c->analysed[g] = 1;
	c->cur_group = g;
	c->st = LEDE_OK;
	(void)analyzer_only_lead(c->a, &c->lead[g]);
	switch (g) {
	case G_TEXT:
	case G_TITLE:
		pos = run(c, a->title, a->title ? strlen(a->title) : 0, 1);
		if (g == G_TEXT)
			run(c, a->body, a->body_len, pos + TITLE_POSITION_GAP);
		break;
	case G_BYLINE:
		run(c, a->byline, a->byline ? strlen(a->byline) : 0, 1);
		break;
	default:
		run(c, a->source, a->source ? strlen(a->source) : 0, 1);
		break;
	}
	analyzer_only_lead(c->a, NULL);
	if (c->st != LEDE_OK && c->st != LEDE_ERR_INTERRUPTED)
		return err_set(c->err, c->st, "out of memory");
	return LEDE_OK;
}

/* Words s[0..m) in order, each after the one before, the last within
 * window of the first. The earliest next position is always the best
 * choice, so one pointer per word only moves forward. */
static int ordered_within(qslot *s, size_t m, uint32_t window)
{
	size_t at[QUERY_MAX_TERMS];

	if (m > QUERY_MAX_TERMS)
		return 0;
	memset(at, 0, m * sizeof *at);
	for (size_t k = 0; k < s[0].n; k++) {
		uint32_t p0 = s[0].pos[k], cur = p0;
		size_t i;

		for (i = 1; i < m; i++) {
			while (at[i] < s[i].n && s[i].pos[at[i]] <= cur)
				at[i]++;
			if (at[i] == s[i].n)
				return 0; /* no later start can do better */
			cur = s[i].pos[at[i]];
			if (cur - p0 >= window)
				break;
		}
		if (i == m)
			return 1;
	}
	return 0;
}

/* One position of each word, all within window, in any order: the
 * smallest span holding one of each, found by always advancing the word
 * whose current position is lowest. */
static int near_within(qslot *s, size_t m, uint32_t window)
{
	size_t at[QUERY_MAX_TERMS];

	if (m > QUERY_MAX_TERMS)
		return 0;
	for (size_t i = 0; i < m; i++) {
		if (s[i].n == 0)
			return 0;
		at[i] = 0;
	}
	for (;;) {
		size_t lo = 0;
		uint32_t min = s[0].pos[at[0]], max = min;

		for (size_t i = 1; i < m; i++) {
			uint32_t p = s[i].pos[at[i]];
			if (p < min) {
				min = p;
				lo = i;
			}
			if (p > max)
				max = p;
		}
		if (max - min < window)
			return 1;
		if (++at[lo] == s[lo].n)
			return 0;
	}
}

/* 0 if the article's pair filter lacks a pair of adjacent words of the
 * phrase (it then cannot hold it); 1 if it may, or has no filter. */
static lede_status pairs_may_hold(qcheck *c, const qphrase *p, int *out)
{
	const qslot *s = &c->slots[p->first];
	size_t m = p->n->nkids, i;
	const unsigned char *f;
	const char *v;
	size_t len;
	lede_status st;

	*out = 1;
	for (i = 0; i + 1 < m && !s[i].paired; i++)
		;
	if (i + 1 >= m)
		return LEDE_OK; /* no pair to look for: no read */
	st = xc_docview_value(&v, &len, c->doc, SLOT_PAIRS);
	if (st != LEDE_OK || len == 0 || len > UINT32_MAX / 8)
		return st;
	f = (const unsigned char *)v;
	for (; i + 1 < m; i++) {
		if (!s[i].paired)
			continue;
		for (unsigned k = 0; k < PAIR_FILTER_HASHES; k++) {
			uint32_t bit = pair_bit(s[i].pair, k,
						(uint32_t)len * 8);
			if (!(f[bit >> 3] & (1u << (bit & 7)))) {
				*out = 0;
				return LEDE_OK;
			}
		}
	}
	return LEDE_OK;
}

static lede_status phrase_holds(qcheck *c, qphrase *p, int *out)
{
	qslot *s = &c->slots[p->first];
	size_t m = p->n->nkids;

	if (p->result < 0) {
		int may;
		lede_status st = pairs_may_hold(c, p, &may);

		if (st != LEDE_OK)
			return st; /* as in get_record */
		if (!may) {
			p->result = 0;
			*out = 0;
			return LEDE_OK;
		}
		for (size_t i = 0; i < m && st == LEDE_OK; i++)
			st = analyse(c, s[i].group);
		if (st != LEDE_OK)
			return st;
		p->result = p->found ||
			    (p->n->kind == QN_PHRASE
				 ? ordered_within(s, m, p->window)
				 : near_within(s, m, p->window));
	}
	*out = p->result;
	return LEDE_OK;
}

static int has_term(qcheck *c, const char *pfx, const char *s, size_t n,
		    int prefix)
{
	char tmp[LEDE_MAX_WORD_BYTES + 16];
	size_t pl = strlen(pfx);

	if (pl + n > sizeof tmp)
		return 0; /* never indexed */
	memcpy(tmp, pfx, pl);
	memcpy(tmp + pl, s, n);
	return xc_docview_has_term(c->doc, tmp, pl + n, prefix);
}

static lede_status eval(qcheck *c, const qnode *n, int known, int *out,
			unsigned depth);

/* A part of the query without phrases, looked up in the posting lists,
 * as query_build matches it. */
static lede_status lookup(qcheck *c, const qnode *n, int *out)
{
	const char *pfx = query_word_prefix(n->field);
	const char *key;
	size_t klen;
	lede_status st;

	switch (n->kind) {
	case QN_WORD:
		key = query_word_key(n, &klen);
		*out = has_term(c, pfx, key, klen, 0);
		return LEDE_OK;
	case QN_PHRASE:
	case QN_NEAR: /* one word */
		return lookup(c, n->kids[0], out);
	case QN_PREFIX:
		*out = has_term(c, pfx, n->term, n->term_len, 1) ||
		       (n->stem && has_term(c, pfx, n->stem, n->stem_len, 1));
		for (size_t i = 0; i < n->nkids && !*out; i++)
			*out = has_term(c, pfx, n->kids[i]->term,
					n->kids[i]->term_len, 0);
		return LEDE_OK;
	case QN_FILTER:
		*out = xc_docview_has_term(c->doc, n->term, n->term_len, 0);
		return LEDE_OK;
	case QN_DATE:
		st = get_record(c);
		if (st != LEDE_OK)
			return st;
		*out = c->rec.art.date != LEDE_NO_DATE &&
		       c->rec.art.date >= n->lo && c->rec.art.date <= n->hi;
		return LEDE_OK;
	case QN_ALL:
		*out = 1;
		return LEDE_OK;
	default:
		return LEDE_ERR_INTERNAL; /* AND, OR, NOT: eval's */
	}
}

static lede_status eval(qcheck *c, const qnode *n, int known, int *out,
			unsigned depth)
{
	lede_status st = LEDE_OK;

	if (depth > QUERY_MAX_TREE_DEPTH)
		return err_set(c->err, LEDE_ERR_QUERY,
			       "query nested too deeply");
	if (is_positional(n)) {
		for (size_t i = 0; i < c->nph; i++)
			if (c->ph[i].n == n)
				return phrase_holds(c, &c->ph[i], out);
		return LEDE_ERR_INTERNAL;
	}
	if (known && !has_positional(n, depth)) {
		*out = 1; /* Xapian matched it */
		return LEDE_OK;
	}
	switch (n->kind) {
	case QN_AND:
		*out = 1;
		for (size_t i = 0; i < n->nkids && *out && st == LEDE_OK; i++)
			st = eval(c, n->kids[i], known, out, depth + 1);
		return st;
	case QN_OR:
		*out = 0;
		for (size_t i = 0; i < n->nkids && !*out && st == LEDE_OK; i++)
			st = eval(c, n->kids[i], 0, out, depth + 1);
		return st;
	case QN_NOT:
		st = eval(c, n->kids[0], 0, out, depth + 1);
		*out = !*out;
		return st;
	default:
		return lookup(c, n, out);
	}
}

/* 1 if n is an exclusion of the whole query: the query is NOT n, or n
 * is a NOT kid of the root AND. */
static int whole_exclusion(const qcheck *c, const qnode *n)
{
	return n->kind == QN_NOT && (n == c->root || c->root->kind == QN_AND);
}

int qcheck_exclusions_only(qcheck *c)
{
	const qnode *r = c->root;

	c->exclusions_only = 1;
	if (whole_exclusion(c, r))
		return has_positional(r, 0);
	for (size_t i = 0; r->kind == QN_AND && i < r->nkids; i++)
		if (whole_exclusion(c, r->kids[i]) &&
		    has_positional(r->kids[i], 1))
			return 1;
	return 0;
}

/* The exclusions of the whole query on the article (filters hold: Xapian
 * applied them). */
static lede_status eval_exclusions(qcheck *c, int *out)
{
	const qnode *r = c->root;
	lede_status st = LEDE_OK;

	*out = 1;
	if (whole_exclusion(c, r))
		return eval(c, r, 0, out, 0);
	for (size_t i = 0;
	     r->kind == QN_AND && i < r->nkids && *out && st == LEDE_OK; i++)
		if (whole_exclusion(c, r->kids[i]))
			st = eval(c, r->kids[i], 0, out, 1);
	return st;
}

lede_status qcheck_doc(qcheck *c, xc_docview *d, int *ok)
{
	lede_status st;

	c->doc = d;
	for (size_t i = 0; i < c->nslots; i++)
		c->slots[i].n = 0;
	for (size_t i = 0; i < c->nph; i++) {
		c->ph[i].result = -1;
		c->ph[i].found = 0;
	}
	memset(c->analysed, 0, sizeof c->analysed);
	if (c->have_rec) {
		record_free(&c->rec);
		c->have_rec = 0;
	}
	memset(&c->rec, 0, sizeof c->rec);
	st = c->exclusions_only ? eval_exclusions(c, ok)
				: eval(c, c->root, 1, ok, 0);
	c->doc = NULL;
	return st;
}
