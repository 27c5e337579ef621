/*
 * snippet.c - highlighted fragments of a stored article for a query
 * (DESIGN.md "Snippets").
 *
 * 1. The positive items of the query become "units": a bag-of-words word,
 *    a phrase, a NEAR group, a prefix. Their strings go into one small
 *    hash table: keys and prefixes.
 * 2. The stored text is re-tokenized with analyzer_run - the indexer's own
 *    code, so folding and stemming agree with what matched. Like the index
 *    (lib/index.c), a word is compared by its KEY: its stem, or the word
 *    itself when it has none (CJK, numbers). So `deploy` highlights
 *    "Deployed", `café` highlights "cafe", and a highlighted word is one
 *    the search matched. A prefix unit matches a word or a stem starting
 *    with the prefix (or with its stem), or one of the completion stems
 *    the parser added (negotiat* -> "negoti"). Only tokens that can take
 *    part in a match are recorded, each with its byte range in the
 *    ORIGINAL text.
 * 3. Phrases are resolved on the recorded tokens: a phrase is highlighted
 *    only where all its words sit at the right consecutive positions,
 *    and as one span from its first word to its last (FTS5 does the same);
 *    NEAR groups only where all their words fall within the window
 *    (a sliding window over positions, linear). Words under NOT never
 *    become units, so they are never highlighted.
 * 4. Fragments: each highlighted token is an anchor for a candidate
 *    window of about frag_chars characters that starts at the sentence
 *    holding it when that sentence starts close enough before, else a
 *    quarter window before it at a word start, and ends at a word break
 *    (or a sentence end in its last quarter). Windows are scored like
 *    FTS5's snippet(): first the summed IDF weight of the units not yet
 *    shown by an earlier fragment, then the weight of all units, then a
 *    sentence start, then the number of highlights, then text order.
 *    Up to nfrags non-overlapping windows are taken greedily; a window
 *    that overlaps one already taken is shifted past it (or stopped
 *    before it) and still competes when it shows a unit not yet shown,
 *    so a unit just beyond a chosen window is not lost with all the
 *    windows around it. They are returned in TEXT order, which reads
 *    naturally when joined with " … ", and windows that touch are
 *    merged into one (the ellipsis would claim a gap).
 * 5. Each window is cleaned for a terminal: C0/C1 controls, DEL and the
 *    line separators become spaces, bidi controls are dropped (they can
 *    reorder what a terminal shows), whitespace runs collapse to one
 *    space, invalid UTF-8 becomes U+FFFD; highlight ranges are computed on
 *    the cleaned text. Cuts fall on whitespace or between CJK characters,
 *    never inside a UTF-8 sequence; only a "word" longer than
 *    SNIPPET_LONG_WORD_CHARS is cut inside (a shorter one at a window's
 *    edge is taken whole).
 *
 * Field-restricted words: body snippets highlight words of the body query
 * only; title: words highlight in snippet_highlight_all() (meant for the
 * title) and by:/source: words nowhere - they matched the byline and the
 * outlet, and a name marked in the body would suggest otherwise.
 *
 * Cost is linear in the text: one analyzer pass (stopped after
 * SNIPPET_MAX_RECORDS matching tokens), phrase checks that scan forward
 * within the phrase span, and at most SNIPPET_MAX_CANDIDATES windows, each
 * built once and rescored per fragment.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* Matching tokens recorded per text: 10k matches is the pathological case
 * the brief names; past this the rest of the article only repeats. */
#define SNIPPET_MAX_RECORDS 100000
/* Candidate windows scored: each costs about a window of text to build.
 * Beyond it anchors are sampled, keeping the first occurrences of every
 * unit so rare words still get a window. */
#define SNIPPET_MAX_CANDIDATES 2048
#define SNIPPET_UNIT_ANCHORS 8
/* How far back (whitespace and closing quotes) a sentence start check
 * looks: a longer blank run is a paragraph break anyway. */
#define SENTENCE_LOOKBACK 64
/* IDF weights are clamped: a callback returning 0, NaN or huge numbers must
 * not make one word drown or vanish. */
#define IDF_MIN 0.01
#define IDF_MAX 1000.0

enum { NS_KEY, NS_PREFIX };
enum { U_WORD, U_PHRASE, U_NEAR, U_PREFIX };

typedef struct qterm {
	const char *s;
	size_t n;
	unsigned ns;
	int32_t links;	/* first link: units this string matches directly */
	int32_t starts; /* first link: phrases starting with this word */
} qterm;

typedef struct ulink {
	uint32_t unit;
	int32_t next;
} ulink;

typedef struct unit {
	int kind;
	double weight;
	uint32_t *tids; /* PHRASE/NEAR: term ids of the words */
	uint32_t *rel;	/* PHRASE: relative positions */
	size_t nw;
	uint32_t window; /* NEAR: span limit in positions */
} unit;

typedef struct rec {
	size_t start, end;
	uint32_t pos;
	int32_t tid; /* NS_KEY id of the token's key, or -1 */
	int hl;
	int join; /* continues a phrase: one span with the previous */
} rec;

typedef struct cover {
	uint32_t rec;
	uint32_t unit;
} cover;

typedef struct sctx {
	analyzer *a;
	const char *text;
	size_t len;
	lede_status st;
	/* query side */
	qterm *terms;
	size_t nterms, capterms;
	int32_t *table; /* open addressing: term ids, -1 empty */
	size_t tcap;	/* power of two */
	ulink *links;
	size_t nlinks, caplinks;
	unit *units;
	size_t nunits, capunits;
	unsigned char prefix_len[LEDE_MAX_WORD_BYTES + 1];
	int have_prefix;
	int borrowed; /* the query side is a snippet_cache's */
	/* text side */
	int lead; /* analyzer_only_lead set: drop tokens it does not want */
	rec *recs;
	size_t nrecs, caprecs;
	cover *cov;
	size_t ncov, capcov;
} sctx;

static uint64_t hash_str(unsigned ns, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ ns;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static int32_t lookup(const sctx *c, unsigned ns, const char *s, size_t n)
{
	if (c->tcap == 0)
		return -1;
	size_t m = c->tcap - 1, i = (size_t)hash_str(ns, s, n) & m;
	for (;; i = (i + 1) & m) {
		int32_t id = c->table[i];
		if (id < 0)
			return -1;
		const qterm *t = &c->terms[id];
		if (t->ns == ns && t->n == n && memcmp(t->s, s, n) == 0)
			return id;
	}
}

static int rehash(sctx *c, size_t cap)
{
	int32_t *t = malloc(cap * sizeof *t);

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < cap; i++)
		t[i] = -1;
	for (size_t id = 0; id < c->nterms; id++) {
		const qterm *q = &c->terms[id];
		size_t i = (size_t)hash_str(q->ns, q->s, q->n) & (cap - 1);
		while (t[i] >= 0)
			i = (i + 1) & (cap - 1);
		t[i] = (int32_t)id;
	}
	free(c->table);
	c->table = t;
	c->tcap = cap;
	return 0;
}

/* Id of (ns, s) in the table, added if new; -1 on NOMEM. s is borrowed
 * from the query tree, which outlives the context. */
static int32_t intern(sctx *c, unsigned ns, const char *s, size_t n)
{
	int32_t id = lookup(c, ns, s, n);

	if (id >= 0)
		return id;
	if ((c->nterms + 1) * 2 > c->tcap &&
	    rehash(c, c->tcap ? 2 * c->tcap : 64) != 0)
		return -1;
	if (lede_grow(&c->terms, &c->capterms, c->nterms,
	              sizeof *c->terms, 16) != 0)
		return -1;
	qterm *t = &c->terms[c->nterms];
	t->s = s;
	t->n = n;
	t->ns = ns;
	t->links = t->starts = -1;
	size_t i = (size_t)hash_str(ns, s, n) & (c->tcap - 1);
	while (c->table[i] >= 0)
		i = (i + 1) & (c->tcap - 1);
	c->table[i] = (int32_t)c->nterms;
	return (int32_t)c->nterms++;
}

static int add_link(sctx *c, int32_t *head, uint32_t u)
{
	if (lede_grow(&c->links, &c->caplinks, c->nlinks,
	              sizeof *c->links, 16) != 0)
		return -1;
	c->links[c->nlinks].unit = u;
	c->links[c->nlinks].next = *head;
	*head = (int32_t)c->nlinks++;
	return 0;
}

static double clamp_idf(double w)
{
	if (!(w == w) || isinf(w))
		return 1.0;
	return w < IDF_MIN ? IDF_MIN : w > IDF_MAX ? IDF_MAX : w;
}

static int new_unit(sctx *c, int kind, double w)
{
	if (lede_grow(&c->units, &c->capunits, c->nunits,
	              sizeof *c->units, 16) != 0)
		return -1;
	unit *u = &c->units[c->nunits];
	memset(u, 0, sizeof *u);
	u->kind = kind;
	u->weight = clamp_idf(w);
	return (int)c->nunits++;
}

static int field_ok(qfield f, int title)
{
	return f == QF_TEXT || (title && f == QF_TITLE);
}

/* Turns the positive items of n into units. Returns 0, -1 on NOMEM. */
static int collect_units(sctx *c, const qnode *n, int neg, int title,
			 snippet_idf_fn idf, void *ictx, unsigned depth)
{
	int u;

	if (depth > QUERY_MAX_TREE_DEPTH)
		return 0;
	switch (n->kind) {
	case QN_NOT:
		return n->nkids ? collect_units(c, n->kids[0], !neg, title, idf,
						ictx, depth + 1)
				: 0;
	case QN_AND:
	case QN_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (collect_units(c, n->kids[i], neg, title, idf, ictx,
					  depth + 1) != 0)
				return -1;
		return 0;
	case QN_WORD: {
		if (neg || !field_ok(n->field, title))
			return 0;
		double w = idf ? idf(ictx, n->term, n->term_len) : 1.0;
		int32_t t = n->stem ? intern(c, NS_KEY, n->stem, n->stem_len)
				    : intern(c, NS_KEY, n->term, n->term_len);
		u = new_unit(c, U_WORD, w);
		if (u < 0 || t < 0 ||
		    add_link(c, &c->terms[t].links, (uint32_t)u) != 0)
			return -1;
		return 0;
	}
	case QN_PREFIX: {
		if (neg || !field_ok(n->field, title))
			return 0;
		u = new_unit(c, U_PREFIX, 1.0);
		if (u < 0)
			return -1;
		const char *ps[2] = {n->term, n->stem};
		size_t pl[2] = {n->term_len, n->stem ? n->stem_len : 0};
		for (int k = 0; k < 2; k++) {
			if (ps[k] == NULL || pl[k] == 0 ||
			    pl[k] > LEDE_MAX_WORD_BYTES)
				continue;
			int32_t t = intern(c, NS_PREFIX, ps[k], pl[k]);
			if (t < 0 ||
			    add_link(c, &c->terms[t].links, (uint32_t)u) != 0)
				return -1;
			c->prefix_len[pl[k]] = 1;
			c->have_prefix = 1;
		}
		for (size_t i = 0; i < n->nkids; i++) {
			int32_t t = intern(c, NS_KEY, n->kids[i]->term,
					   n->kids[i]->term_len);
			if (t < 0 ||
			    add_link(c, &c->terms[t].links, (uint32_t)u) != 0)
				return -1;
		}
		return 0;
	}
	case QN_PHRASE:
	case QN_NEAR: {
		if (neg || n->nkids == 0)
			return 0;
		for (size_t i = 0; i < n->nkids; i++)
			if (!field_ok(n->kids[i]->field, title))
				return 0;
		double w = 0.0;
		for (size_t i = 0; i < n->nkids; i++) {
			double x = idf ? clamp_idf(idf(ictx, n->kids[i]->term,
						       n->kids[i]->term_len))
				       : 1.0;
			if (x > w)
				w = x;
		}
		u = new_unit(c, n->kind == QN_PHRASE ? U_PHRASE : U_NEAR, w);
		if (u < 0)
			return -1;
		unit *un = &c->units[u];
		un->tids = malloc(n->nkids * sizeof *un->tids);
		un->rel = malloc(n->nkids * sizeof *un->rel);
		if (un->tids == NULL || un->rel == NULL)
			return -1;
		un->nw = n->nkids;
		un->window = n->window + (uint32_t)n->nkids - 1;
		for (size_t i = 0; i < n->nkids; i++) {
			const qnode *k = n->kids[i];
			int32_t t =
			    k->stem ? intern(c, NS_KEY, k->stem, k->stem_len)
				    : intern(c, NS_KEY, k->term, k->term_len);
			if (t < 0)
				return -1;
			un = &c->units[u];
			un->tids[i] = (uint32_t)t;
			un->rel[i] = n->kids[i]->pos;
		}
		if (n->kind == QN_PHRASE &&
		    add_link(c, &c->terms[c->units[u].tids[0]].starts,
			     (uint32_t)u) != 0)
			return -1;
		return 0;
	}
	default:
		return 0;
	}
}

static int add_cover(sctx *c, size_t r, uint32_t u)
{
	if (lede_grow(&c->cov, &c->capcov, c->ncov, sizeof *c->cov, 16) != 0)
		return -1;
	c->cov[c->ncov].rec = (uint32_t)r;
	c->cov[c->ncov].unit = u;
	c->ncov++;
	return 0;
}

/* Direct matches of a string: every unit linked to term id t. */
static int cover_links(sctx *c, int32_t t, size_t r, int *hit)
{
	for (int32_t l = c->terms[t].links; l >= 0; l = c->links[l].next) {
		if (add_cover(c, r, c->links[l].unit) != 0)
			return -1;
		*hit = 1;
	}
	return 0;
}

static int on_token(void *ctx, const token *t)
{
	sctx *c = ctx;
	size_t r = c->nrecs;
	int hit = 0;
	const char *key = t->stem ? t->stem : t->term;
	size_t klen = t->stem ? t->stem_len : t->term_len;
	int32_t tid, x;

	/* an ASCII-led word no query key or prefix starts like */
	if (c->lead && !analyzer_lead_wants(c->a, t->term, t->term_len))
		return 0;
	tid = lookup(c, NS_KEY, key, klen);
	if (tid >= 0 && cover_links(c, tid, r, &hit) != 0)
		goto nomem;
	for (int k = 0; c->have_prefix && k < 2; k++) {
		/* The word, then its stem when that differs. */
		const char *w = k ? t->stem : t->term;
		size_t wl = k ? t->stem_len : t->term_len;
		if (k && (w == NULL ||
			  (wl == t->term_len && memcmp(w, t->term, wl) == 0)))
			break;
		for (size_t l = 1; l <= wl && l <= LEDE_MAX_WORD_BYTES; l++) {
			if (!c->prefix_len[l])
				continue;
			x = lookup(c, NS_PREFIX, w, l);
			if (x >= 0 && cover_links(c, x, r, &hit) != 0)
				goto nomem;
		}
	}
	if (tid < 0 && !hit)
		return 0;
	if (lede_grow(&c->recs, &c->caprecs, c->nrecs,
	              sizeof *c->recs, 16) != 0)
		goto nomem;
	c->recs[r].start = t->start;
	c->recs[r].end = t->end;
	c->recs[r].pos = t->pos;
	c->recs[r].tid = tid;
	c->recs[r].hl = hit;
	c->recs[r].join = 0;
	c->nrecs++;
	return c->nrecs >= SNIPPET_MAX_RECORDS;
nomem:
	c->st = LEDE_ERR_NOMEM;
	return 1;
}

/* Phrases: from each record that is a phrase's first word, look forward
 * for the other words at base + rel[j]. Records are in position order, so
 * the scan for word j continues where word j-1 was found. */
static int resolve_phrases(sctx *c, size_t *scratch)
{
	for (size_t i = 0; i < c->nrecs; i++) {
		int32_t tid = c->recs[i].tid;
		if (tid < 0)
			continue;
		for (int32_t l = c->terms[tid].starts; l >= 0;
		     l = c->links[l].next) {
			const unit *u = &c->units[c->links[l].unit];
			uint32_t base = c->recs[i].pos;
			size_t k = i + 1, j;
			scratch[0] = i;
			for (j = 1; j < u->nw; j++) {
				uint32_t want = base + u->rel[j];
				size_t found = SIZE_MAX;
				while (k < c->nrecs && c->recs[k].pos <= want) {
					if (c->recs[k].pos == want &&
					    c->recs[k].tid ==
						(int32_t)u->tids[j]) {
						found = k;
						break;
					}
					k++;
				}
				if (found == SIZE_MAX)
					break;
				scratch[j] = found;
				k = found + 1;
			}
			if (j < u->nw)
				continue;
			for (j = 0; j < u->nw; j++) {
				c->recs[scratch[j]].hl = 1;
				c->recs[scratch[j]].join |= j > 0;
				if (add_cover(c, scratch[j], c->links[l].unit))
					return -1;
			}
		}
	}
	return 0;
}

/* NEAR: a sliding window over the records of the group's words; wherever
 * all its distinct words lie within `window` positions, they are marked. */
static int resolve_near(sctx *c, uint32_t ui, int32_t *slot_of, uint32_t *count)
{
	const unit *u = &c->units[ui];
	size_t nd = 0, have = 0, l = 0, marked = 0;

	for (size_t i = 0; i < u->nw; i++)
		if (slot_of[u->tids[i]] < 0)
			slot_of[u->tids[i]] = (int32_t)nd++;
	memset(count, 0, nd * sizeof *count);
	for (size_t r = 0; r < c->nrecs; r++) {
		int32_t s = c->recs[r].tid >= 0 ? slot_of[c->recs[r].tid] : -1;
		if (s < 0)
			continue;
		if (count[s]++ == 0)
			have++;
		while (c->recs[r].pos - c->recs[l].pos + 1 > u->window) {
			int32_t ls =
			    c->recs[l].tid >= 0 ? slot_of[c->recs[l].tid] : -1;
			if (ls >= 0 && --count[ls] == 0)
				have--;
			l++;
		}
		if (have < nd)
			continue;
		for (size_t k = l > marked ? l : marked; k <= r; k++) {
			int32_t ks =
			    c->recs[k].tid >= 0 ? slot_of[c->recs[k].tid] : -1;
			if (ks < 0)
				continue;
			c->recs[k].hl = 1;
			if (add_cover(c, k, ui) != 0)
				return -1;
		}
		marked = r + 1;
	}
	for (size_t i = 0; i < u->nw; i++)
		slot_of[u->tids[i]] = -1;
	return 0;
}

static int cmp_cover(const void *a, const void *b)
{
	const cover *x = a, *y = b;

	if (x->rec != y->rec)
		return x->rec < y->rec ? -1 : 1;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

static void free_query_side(sctx *c)
{
	for (size_t i = 0; i < c->nunits; i++) {
		free(c->units[i].tids);
		free(c->units[i].rel);
	}
	free(c->units);
	free(c->terms);
	free(c->table);
	free(c->links);
}

/* What stays the same from one hit of a search to the next: the query
 * side of a context, for the body (0) and for titles (1), with its lead
 * set, and the text side's buffers (their memory, not their contents). */
struct snippet_cache {
	sctx side[2];
	int built[2];
	lead_set lead[2];
	rec *recs;
	size_t caprecs;
	cover *cov;
	size_t capcov;
};

snippet_cache *snippet_cache_new(void)
{
	return calloc(1, sizeof(snippet_cache));
}

void snippet_cache_free(snippet_cache *sc)
{
	if (sc == NULL)
		return;
	for (int k = 0; k < 2; k++)
		free_query_side(&sc->side[k]);
	free(sc->recs);
	free(sc->cov);
	free(sc);
}

/* Frees c, or gives its buffers back to the cache it borrowed them from
 * (which holds none meanwhile). */
static void sctx_free(sctx *c, snippet_cache *sc)
{
	if (c->borrowed) {
		sc->recs = c->recs;
		sc->caprecs = c->caprecs;
		sc->cov = c->cov;
		sc->capcov = c->capcov;
		return;
	}
	free_query_side(c);
	free(c->recs);
	free(c->cov);
}

/* The lead set of c's keys and prefixes. */
static void make_lead(const sctx *c, lead_set *lead)
{
	memset(lead, 0, sizeof *lead);
	for (size_t i = 0; i < c->nterms; i++)
		lead_set_add(lead, c->terms[i].s, c->terms[i].n);
}

/* Step 1 into c: built here, or borrowed from the cache (built there on
 * its first use), with the cache's buffers for the text side. */
static lede_status query_side(sctx *c, const qnode *q, int title,
			      snippet_idf_fn idf, void *ictx,
			      snippet_cache *sc, lead_set *lead,
			      const lead_set **use)
{
	sctx *qs;

	if (sc == NULL) {
		if (collect_units(c, q, 0, title, idf, ictx, 0) != 0)
			return LEDE_ERR_NOMEM;
		make_lead(c, lead);
		*use = lead;
		return LEDE_OK;
	}
	qs = &sc->side[title];
	if (!sc->built[title]) {
		/* a failed build starts again from nothing */
		free_query_side(qs);
		memset(qs, 0, sizeof *qs);
		if (collect_units(qs, q, 0, title, idf, ictx, 0) != 0)
			return LEDE_ERR_NOMEM;
		make_lead(qs, &sc->lead[title]);
		sc->built[title] = 1;
	}
	c->terms = qs->terms;
	c->nterms = qs->nterms;
	c->table = qs->table;
	c->tcap = qs->tcap;
	c->links = qs->links;
	c->nlinks = qs->nlinks;
	c->units = qs->units;
	c->nunits = qs->nunits;
	memcpy(c->prefix_len, qs->prefix_len, sizeof c->prefix_len);
	c->have_prefix = qs->have_prefix;
	c->borrowed = 1;
	c->recs = sc->recs;
	c->caprecs = sc->caprecs;
	c->cov = sc->cov;
	c->capcov = sc->capcov;
	sc->recs = NULL;
	sc->cov = NULL;
	*use = &sc->lead[title];
	return LEDE_OK;
}

/* Steps 1-3: units, tokens, phrase and NEAR resolution; coverage sorted by
 * record. Returns LEDE_OK or NOMEM (or an analyzer failure). */
static lede_status match(sctx *c, const qnode *q, int title, snippet_idf_fn idf,
			 void *ictx, snippet_cache *sc)
{
	size_t maxnw = 0;
	size_t *scratch = NULL;
	int32_t *slot_of = NULL;
	uint32_t *count = NULL;
	lede_status st;
	lead_set own;
	const lead_set *lead = NULL;

	if (q == NULL)
		return LEDE_OK;
	st = query_side(c, q, title, idf, ictx, sc, &own, &lead);
	if (st != LEDE_OK)
		return st;
	if (c->nunits == 0)
		return LEDE_OK;
	/* Most words of a body start unlike every query word: those skip
	 * stemming and the lookups (a fifth of a search's time). */
	c->lead = analyzer_only_lead(c->a, lead);
	st = analyzer_run(c->a, c->text, c->len, 0, on_token, c, NULL);
	analyzer_only_lead(c->a, NULL);
	c->lead = 0;
	if (c->st != LEDE_OK)
		return c->st;
	if (st != LEDE_OK && st != LEDE_ERR_INTERRUPTED)
		return st;
	for (size_t i = 0; i < c->nunits; i++)
		if (c->units[i].nw > maxnw)
			maxnw = c->units[i].nw;
	if (maxnw > 0) {
		scratch = malloc(maxnw * sizeof *scratch);
		slot_of = malloc(c->nterms * sizeof *slot_of);
		count = malloc(maxnw * sizeof *count);
		if (scratch == NULL || slot_of == NULL || count == NULL) {
			st = LEDE_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < c->nterms; i++)
			slot_of[i] = -1;
		if (resolve_phrases(c, scratch) != 0) {
			st = LEDE_ERR_NOMEM;
			goto out;
		}
		for (size_t i = 0; i < c->nunits; i++)
			if (c->units[i].kind == U_NEAR &&
			    resolve_near(c, (uint32_t)i, slot_of, count) != 0) {
				st = LEDE_ERR_NOMEM;
				goto out;
			}
	}
	if (c->ncov > 1)
		qsort(c->cov, c->ncov, sizeof *c->cov, cmp_cover);
	st = LEDE_OK;
out:
	free(scratch);
	free(slot_of);
	free(count);
	return st;
}

/* ---------------------------------------------------------------------
 * Text geometry on the original bytes: characters, breaks, sentences.
 * ------------------------------------------------------------------- */

static int is_space_byte(unsigned char b)
{
	return b <= 0x20 || b == 0x7f;
}

/* Start of the character before i (i > 0, i a character boundary), as
 * forward decoding from the text start sees it: the lead byte up to three
 * bytes back if it starts one valid character ending exactly at i, else
 * i - 1 (a stray byte is a character of its own, as utf8_decode counts
 * it). Stepping back naively over continuation bytes could land inside a
 * sequence and let a cut split it. */
static inline size_t prev_char(const char *t, size_t i)
{
	size_t j = i - 1, k = 0;
	int32_t cp;

	if ((unsigned char)t[j] < 0x80) /* the common case: ASCII */
		return j;

	while (j > 0 && k < 3 && ((unsigned char)t[j] & 0xc0) == 0x80) {
		j--;
		k++;
	}
	if (j < i - 1 && (utf8_decode(t + j, i - j, &cp) != i - j || cp < 0))
		return i - 1;
	return j;
}

static inline int32_t cp_at(const char *t, size_t len, size_t i)
{
	int32_t cp;

	if ((unsigned char)t[i] < 0x80)
		return (unsigned char)t[i];

	utf8_decode(t + i, len - i, &cp);
	return cp;
}

static inline size_t char_len(const char *t, size_t len, size_t i)
{
	int32_t cp;

	if ((unsigned char)t[i] < 0x80)
		return 1;
	return utf8_decode(t + i, len - i, &cp);
}

/* Scripts written without spaces: a cut between two of their characters
 * does not split a word. */
static int is_cjk(int32_t cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) ||
	       (cp >= 0xac00 && cp <= 0xd7af) ||
	       (cp >= 0xf900 && cp <= 0xfaff) ||
	       (cp >= 0xff00 && cp <= 0xffef) ||
	       (cp >= 0x20000 && cp <= 0x3ffff);
}

static int is_space_cp(int32_t cp)
{
	return (cp >= 0 && cp <= 0x20) || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0xa0) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x3000;
}

/* 1 if a fragment may start or end at byte i without splitting a word. */
static int is_break(const char *t, size_t len, size_t i)
{
	if (i == 0 || i >= len)
		return 1;
	unsigned char x = (unsigned char)t[i - 1], y = (unsigned char)t[i];
	if (x < 0x80 && y < 0x80) /* ASCII: only spaces and controls break */
		return x <= 0x20 || x == 0x7f || y <= 0x20 || y == 0x7f;
	int32_t a = cp_at(t, len, prev_char(t, i)), b = cp_at(t, len, i);
	return is_space_cp(a) || is_space_cp(b) || is_cjk(a) || is_cjk(b);
}

int snippet_is_break(const char *t, size_t len, size_t i)
{
	return is_break(t, len, i);
}

/* Byte offset n characters after i (or len). A run of ASCII goes at once,
 * a byte a character (windows are built for every anchor). */
static size_t advance_chars(const char *t, size_t len, size_t i, size_t n)
{
	while (i < len && n > 0) {
		size_t a = utf8_ascii_prefix(t + i, len - i < n ? len - i : n);

		i += a;
		n -= a;
		if (i < len && n > 0) {
			i += char_len(t, len, i);
			n--;
		}
	}
	return i;
}

/* Byte offset n characters before i (or 0). */
static size_t back_chars(const char *t, size_t i, size_t n)
{
	while (i > 0 && n-- > 0)
		i = prev_char(t, i);
	return i;
}

static inline int ends_sentence(int32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 ||
	       cp == 0x3002 || cp == 0xff01 || cp == 0xff1f;
}

static inline int is_closer(int32_t cp)
{
	return cp == '"' || cp == '\'' || cp == ')' || cp == ']' ||
	       cp == 0x2019 || cp == 0x201d || cp == 0xbb;
}

/* 1 if a sentence starts at i (a non-space character): the text start,
 * after a line break, or after ., !, ? (and closing quotes) and a space;
 * after a CJK full stop no space is needed. */
static int sentence_start_at(const char *t, size_t len, size_t i)
{
	size_t j = i, steps = 0;
	int space = 0, nl = 0;

	while (j > 0 && steps < SENTENCE_LOOKBACK &&
	       is_space_byte((unsigned char)t[j - 1])) {
		space = 1;
		nl |= t[j - 1] == '\n';
		j--;
		steps++;
	}
	if (j == 0 || nl)
		return 1;
	size_t p = prev_char(t, j);
	int32_t cp = cp_at(t, len, p);
	for (int k = 0; k < 3 && is_closer(cp) && p > 0; k++) {
		p = prev_char(t, p);
		cp = cp_at(t, len, p);
	}
	if (cp == 0x3002 || cp == 0xff01 || cp == 0xff1f)
		return 1;
	return space && ends_sentence(cp);
}

/* The nearest sentence start at or before `from`, at most `limit`
 * characters back; SIZE_MAX if none. */
static size_t sentence_start_before(const char *t, size_t len, size_t from,
				    size_t limit)
{
	size_t i = from;

	for (size_t n = 0; n <= limit; n++) {
		if (!is_space_byte((unsigned char)t[i]) &&
		    (i == 0 || is_space_byte((unsigned char)t[i - 1]) ||
		     ends_sentence(cp_at(t, len, prev_char(t, i)))) &&
		    sentence_start_at(t, len, i))
			return i;
		if (i == 0)
			break;
		i = prev_char(t, i);
	}
	return SIZE_MAX;
}

/* A good end at or before emax and after min_e: a sentence end in the
 * last quarter of the window, else the last break; emax if none (a word
 * longer than the window). */
static size_t window_end(const char *t, size_t len, size_t s, size_t emax,
			 size_t min_e, size_t frag_chars)
{
	size_t e = emax, quarter = frag_chars / 4, n = 0;

	if (emax >= len)
		return len;
	for (size_t i = emax; i > min_e && i > s && n <= quarter; n++) {
		size_t p = prev_char(t, i);
		if (ends_sentence(cp_at(t, len, p)) && is_break(t, len, i))
			return i;
		i = p;
	}
	while (e > min_e && e > s && !is_break(t, len, e))
		e = prev_char(t, e);
	if (e > s && e >= min_e && is_break(t, len, e))
		return e;
	/* No break in reach: finish the word at emax if it ends soon. */
	e = emax;
	for (n = 0; n < SNIPPET_LONG_WORD_CHARS && e < len; n++) {
		if (is_break(t, len, e))
			return e;
		e += char_len(t, len, e);
	}
	return is_break(t, len, e) ? e : emax;
}

/* ---------------------------------------------------------------------
 * Candidate windows and their scores.
 * ------------------------------------------------------------------- */
typedef struct cand {
	size_t s, e;
	int sentence;
	size_t r0; /* first record with start >= s */
} cand;

typedef struct score {
	double fresh, all;
	int sentence;
	size_t hits;
} score;

/* Characters in t[s..e). */
static size_t count_chars(const char *t, size_t s, size_t e)
{
	size_t n = 0, i = s;

	while (i < e) {
		size_t a = utf8_ascii_prefix(t + i, e - i);

		n += a;
		i += a;
		if (i < e) /* a byte >= 0x80: a character if it leads one */
			n += ((unsigned char)t[i++] & 0xc0) != 0x80;
	}
	return n;
}

/* A window that reached the end of the text has room left: it moves its
 * start back by that much, to the first sentence start in the room (a
 * start that was not at a sentence may also move to a word start), so a
 * short article shows its earlier context too. */
static void fill_back(const sctx *c, cand *x, size_t frag_chars)
{
	const char *t = c->text;
	size_t used = count_chars(t, x->s, x->e), s0, i, first_break;

	if (used >= frag_chars || x->s == 0)
		return;
	s0 = back_chars(t, x->s, frag_chars - used);
	first_break = SIZE_MAX;
	for (i = s0; i < x->s; i += char_len(t, c->len, i)) {
		if (is_space_byte((unsigned char)t[i]) ||
		    !is_break(t, c->len, i))
			continue;
		if (sentence_start_at(t, c->len, i)) {
			x->s = i;
			x->sentence = 1;
			return;
		}
		if (first_break == SIZE_MAX)
			first_break = i;
	}
	if (first_break != SIZE_MAX && !x->sentence) {
		x->s = first_break;
		x->sentence = 0;
	}
}

/* Makes the window for the record at r. */
static cand make_cand(const sctx *c, size_t r, size_t frag_chars)
{
	const char *t = c->text;
	size_t len = c->len, rs = c->recs[r].start, re = c->recs[r].end;
	cand x;

	x.s = sentence_start_before(t, len, rs, frag_chars * 2 / 3);
	if (x.s == SIZE_MAX) {
		size_t s0 = back_chars(t, rs, frag_chars / 4);
		while (s0 < rs && !is_break(t, len, s0))
			s0 += char_len(t, len, s0);
		/* The anchor is inside a word (NATO of non-NATO) that starts
		 * before s0: back to that word's start, unless it is long. */
		for (size_t i = s0, n = 0;
		     !is_break(t, len, s0) && n <= SNIPPET_LONG_WORD_CHARS;
		     n++) {
			i = prev_char(t, i);
			if (is_break(t, len, i))
				s0 = i;
		}
		x.s = s0;
	}
	while (x.s < rs && is_space_byte((unsigned char)t[x.s]))
		x.s++;
	x.sentence = sentence_start_at(t, len, x.s);
	size_t emax = advance_chars(t, len, x.s, frag_chars);
	if (emax < re)
		emax = re;
	x.e = window_end(t, len, x.s, emax, re, frag_chars);
	while (x.e > re && is_space_byte((unsigned char)t[x.e - 1]))
		x.e--;
	if (x.e == len)
		fill_back(c, &x, frag_chars);
	x.r0 = 0;
	return x;
}

static size_t first_rec_from(const sctx *c, size_t s)
{
	size_t lo = 0, hi = c->nrecs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->recs[mid].start < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t first_cov_from(const sctx *c, size_t r)
{
	size_t lo = 0, hi = c->ncov;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->cov[mid].rec < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static score score_cand(const sctx *c, const cand *x, const int *shown,
			uint32_t *stamp, uint32_t id)
{
	score sc = {0, 0, x->sentence, 0};
	size_t last = SIZE_MAX;

	for (size_t k = first_cov_from(c, x->r0); k < c->ncov; k++) {
		const rec *r = &c->recs[c->cov[k].rec];
		if (r->start >= x->e)
			break;
		if (r->end > x->e || r->start < x->s)
			continue;
		if (c->cov[k].rec != last) {
			sc.hits++;
			last = c->cov[k].rec;
		}
		uint32_t u = c->cov[k].unit;
		if (stamp[u] == id)
			continue;
		stamp[u] = id;
		sc.all += c->units[u].weight;
		if (!shown[u])
			sc.fresh += c->units[u].weight;
	}
	return sc;
}

static int better(const score *a, const cand *ca, const score *b,
		  const cand *cb)
{
	if (a->fresh != b->fresh)
		return a->fresh > b->fresh;
	if (a->all != b->all)
		return a->all > b->all;
	if (a->sentence != b->sentence)
		return a->sentence > b->sentence;
	if (a->hits != b->hits)
		return a->hits > b->hits;
	return ca->s < cb->s;
}

/* ---------------------------------------------------------------------
 * Output: cleaned text with highlight ranges.
 * ------------------------------------------------------------------- */

/* Merged highlight ranges [start, end) of the original text, sorted. */
typedef struct range {
	size_t s, e;
} range;

static lede_status merge_ranges(range **out, size_t *n, const sctx *c)
{
	range *v = NULL;
	size_t m = 0, cap = 0;

	for (size_t i = 0; i < c->nrecs; i++) {
		const rec *r = &c->recs[i];
		if (!r->hl || r->end <= r->start)
			continue;
		if (m > 0 && (r->start <= v[m - 1].e || r->join)) {
			if (r->end > v[m - 1].e)
				v[m - 1].e = r->end;
			continue;
		}
		if (lede_grow(&v, &cap, m, sizeof *v, 16) != 0) {
			free(v);
			return LEDE_ERR_NOMEM;
		}
		v[m].s = r->start;
		v[m].e = r->end;
		m++;
	}
	*out = v;
	*n = m;
	return LEDE_OK;
}

/* Characters that could steer a terminal's display order; dropped. */
static int is_bidi_control(int32_t cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int is_print_ascii(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* End of the run of printable ASCII from t[j] (before lim), taking in each
 * single space that has a printable character on both sides. */
static size_t ascii_run_end(const char *t, size_t j, size_t lim)
{
	while (j < lim) {
		if (is_print_ascii((unsigned char)t[j]))
			j++;
		else if (t[j] == ' ' && j + 1 < lim &&
			 is_print_ascii((unsigned char)t[j + 1]))
			j += 2;
		else
			break;
	}
	return j;
}

/* Fills f with the cleaned text of t[s..e) and the highlights among
 * hr[0..nhr) (sorted, merged) mapped onto it. */
static lede_status clean_fragment(snippet_frag *f, const char *t, size_t len,
				  size_t s, size_t e, const range *hr,
				  size_t nhr)
{
	buf b = BUF_INIT;
	size_t *hl = NULL, nhl = 0, caphl = 0, k = 0, ostart = 0;
	int pending = 0, open = 0;
	static const char fffd[3] = {(char)0xef, (char)0xbf, (char)0xbd};

	memset(f, 0, sizeof *f);
	/* the usual size: one byte out per byte in (a bad byte grows to 3) */
	if (buf_reserve(&b, e - s + 1) != LEDE_OK)
		goto nomem;
	while (k < nhr && hr[k].e <= s)
		k++;
	for (size_t i = s; i < e;) {
		int32_t cp = (unsigned char)t[i];
		size_t l = cp < 0x80 ? 1 : utf8_decode(t + i, len - i, &cp);
		if (i + l > e)
			break; /* never half a character */
		if (open && i >= hr[k].e) {
			if (lede_grow(&hl, &caphl, nhl + 1,
			              sizeof *hl, 16) != 0)
				goto nomem;
			hl[nhl++] = ostart;
			hl[nhl++] = b.len;
			open = 0;
			k++;
		}
		while (!open && k < nhr && hr[k].e <= i)
			k++;
		if (is_space_cp(cp)) {
			pending = b.len > 0;
		} else if (!is_bidi_control(cp)) {
			if (pending)
				buf_append_byte(&b, ' ');
			pending = 0;
			if (!open && k < nhr && i >= hr[k].s) {
				open = 1;
				ostart = b.len;
			}
			if (cp < 0) {
				buf_append(&b, fffd, 3);
			} else {
				/* a run of printable ASCII up to the next
				 * highlight edge goes in one copy, with the
				 * single spaces between its words (a space
				 * between two printable characters is kept
				 * as it is either way) */
				size_t j = i + l, lim = e;
				if (l == 1 && cp > 0x20 && cp < 0x7f) {
					if (open && hr[k].e < lim)
						lim = hr[k].e;
					else if (!open && k < nhr &&
						 hr[k].s < lim)
						lim = hr[k].s;
					j = ascii_run_end(t, j, lim);
				}
				buf_append(&b, t + i, j - i);
				l = j - i;
			}
		}
		i += l;
	}
	if (open) {
		if (lede_grow(&hl, &caphl, nhl + 1, sizeof *hl, 16) != 0)
			goto nomem;
		hl[nhl++] = ostart;
		hl[nhl++] = b.len;
	}
	if (b.status != LEDE_OK)
		goto nomem;
	if (buf_append(&b, "", 0) != LEDE_OK) /* terminated, even if empty */
		goto nomem;
	f->len = b.len;
	f->text = buf_detach(&b);
	f->hl = hl;
	f->nhl = nhl / 2;
	return LEDE_OK;
nomem:
	buf_free(&b);
	free(hl);
	return LEDE_ERR_NOMEM;
}

static int has_text(const char *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!is_space_byte((unsigned char)t[i]))
			return 1;
	return 0;
}

/* The lead: from the first non-space byte, `chars` characters cut at a
 * break. */
static cand lead_cand(const sctx *c, size_t chars)
{
	cand x = {0, 0, 1, 0};

	while (x.s < c->len && is_space_byte((unsigned char)c->text[x.s]))
		x.s++;
	size_t emax = advance_chars(c->text, c->len, x.s, chars);
	x.e = window_end(c->text, c->len, x.s, emax, x.s, chars);
	while (x.e > x.s && is_space_byte((unsigned char)c->text[x.e - 1]))
		x.e--;
	return x;
}

static int cmp_cand_start(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* Trailing whitespace off x's end (not before min_e). */
static void trim_end(const sctx *c, cand *x, size_t min_e)
{
	while (x->e > min_e && x->e > x->s &&
	       is_space_byte((unsigned char)c->text[x->e - 1]))
		x->e--;
}

/* x moved off the chosen windows it overlaps, into *out: a window that
 * starts inside a chosen one restarts right after it (at full length
 * again), one that runs into a chosen one stops before it. Without this
 * a passage next to a chosen fragment could never be shown: its windows
 * all overlap, and the units it alone holds would be lost (a 230-character
 * sentence with NATO at its start and "defense spending" at its end gave
 * one fragment). Returns 0, or -1 when no room is left between them. */
static int shift_clear(const sctx *c, const cand *x, const cand *chosen,
		       size_t nchosen, size_t frag_chars, cand *out)
{
	const char *t = c->text;
	size_t len = c->len;
	cand y = *x;

	/* Each start move passes one chosen window for good, and each end
	 * trim follows a move or the start: 2n + 1 rounds settle it. */
	for (size_t round = 0; round <= 2 * nchosen; round++) {
		int moved = 0;
		for (size_t j = 0; j < nchosen; j++) {
			const cand *w = &chosen[j];
			if (!(y.s < w->e && w->s < y.e))
				continue;
			moved = 1;
			if (w->s <= y.s) {
				y.s = w->e;
				while (y.s < len &&
				       is_space_byte((unsigned char)t[y.s]))
					y.s++;
				if (y.s >= len)
					return -1;
				size_t emax =
				    advance_chars(t, len, y.s, frag_chars);
				y.e = window_end(t, len, y.s, emax, y.s,
						 frag_chars);
				trim_end(c, &y, y.s);
				y.sentence = sentence_start_at(t, len, y.s);
			} else {
				y.e = w->s;
				trim_end(c, &y, y.s);
			}
			if (y.e <= y.s)
				return -1;
		}
		if (!moved) {
			y.r0 = first_rec_from(c, y.s);
			*out = y;
			return 0;
		}
	}
	return -1;
}

/* Chooses the windows (step 4) into chosen[0..*nchosen), text order. */
static lede_status choose(const sctx *c, unsigned nfrags, size_t frag_chars,
			  cand *chosen, size_t *nchosen)
{
	cand *cands = NULL;
	size_t ncand = 0, nhl = 0, stride;
	uint32_t *stamp = NULL, *seen = NULL;
	int *shown = NULL;
	unsigned char *anchor = NULL;
	lede_status st = LEDE_ERR_NOMEM;

	*nchosen = 0;
	for (size_t i = 0; i < c->nrecs; i++)
		nhl += c->recs[i].hl != 0;
	if (nhl == 0)
		return LEDE_OK;
	stamp = calloc(c->nunits, sizeof *stamp);
	seen = calloc(c->nunits, sizeof *seen);
	shown = calloc(c->nunits, sizeof *shown);
	anchor = calloc(c->nrecs, 1);
	if (!stamp || !seen || !shown || !anchor)
		goto out;
	/* Anchors: every highlighted record, or when there are too many,
	 * every stride-th plus the first few of each unit. */
	stride = (nhl + SNIPPET_MAX_CANDIDATES - 1) / SNIPPET_MAX_CANDIDATES;
	for (size_t k = 0; k < c->ncov; k++) {
		uint32_t u = c->cov[k].unit;
		if (seen[u]++ < SNIPPET_UNIT_ANCHORS)
			anchor[c->cov[k].rec] = 1;
	}
	for (size_t i = 0, h = 0; i < c->nrecs; i++) {
		if (!c->recs[i].hl)
			continue;
		if (h++ % stride == 0)
			anchor[i] = 1;
	}
	/* As many windows as anchors: at most SNIPPET_MAX_CANDIDATES plus
	 * SNIPPET_UNIT_ANCHORS per unit, and mostly a handful (an array for
	 * the bound would be 64 KB a snippet). */
	size_t nanchor = 0;
	for (size_t i = 0; i < c->nrecs; i++)
		nanchor += anchor[i];
	cands = malloc(nanchor * sizeof *cands);
	if (cands == NULL)
		goto out;
	for (size_t i = 0; i < c->nrecs; i++) {
		if (!anchor[i])
			continue;
		cand x = make_cand(c, i, frag_chars);
		if (ncand > 0 && cands[ncand - 1].s == x.s &&
		    cands[ncand - 1].e == x.e)
			continue;
		x.r0 = first_rec_from(c, x.s);
		cands[ncand++] = x;
	}
	uint32_t id = 0;
	for (unsigned f = 0; f < nfrags; f++) {
		int have = 0;
		cand bc = {0, 0, 0, 0}, moved, last = {0, 0, 0, 0};
		score bs = {0, 0, 0, 0};
		for (size_t i = 0; i < ncand; i++) {
			const cand *x = &cands[i];
			int overlap = 0;
			for (size_t j = 0; j < *nchosen && !overlap; j++)
				overlap =
				    x->s < chosen[j].e && chosen[j].s < x->e;
			if (overlap) {
				if (shift_clear(c, x, chosen, *nchosen,
						frag_chars, &moved) != 0)
					continue;
				/* neighbours often shift to the same place */
				if (moved.s == last.s && moved.e == last.e)
					continue;
				last = moved;
				x = &moved;
			}
			score sc = score_cand(c, x, shown, stamp, ++id);
			if (sc.hits == 0)
				continue;
			/* a shifted window earns its place only by units not
			 * shown yet; for more of the same, a passage of its
			 * own reads better than a continuation */
			if (x == &moved && sc.fresh == 0)
				continue;
			if (!have || better(&sc, x, &bs, &bc)) {
				have = 1;
				bc = *x;
				bs = sc;
			}
		}
		if (!have)
			break;
		chosen[(*nchosen)++] = bc;
		/* Mark the units it shows. */
		const cand *x = &chosen[*nchosen - 1];
		for (size_t k = first_cov_from(c, x->r0); k < c->ncov; k++) {
			const rec *r = &c->recs[c->cov[k].rec];
			if (r->start >= x->e)
				break;
			if (r->end <= x->e && r->start >= x->s)
				shown[c->cov[k].unit] = 1;
		}
	}
	qsort(chosen, *nchosen, sizeof *chosen, cmp_cand_start);
	/* Windows that touch (a shifted one starts where the other ends)
	 * read as one passage: joined with " … " they would claim a gap. */
	size_t m = 0;
	for (size_t i = 0; i < *nchosen; i++) {
		if (m > 0 && !has_text(c->text, chosen[m - 1].e, chosen[i].s)) {
			chosen[m - 1].e = chosen[i].e;
			continue;
		}
		chosen[m++] = chosen[i];
	}
	*nchosen = m;
	st = LEDE_OK;
out:
	free(cands);
	free(stamp);
	free(seen);
	free(shown);
	free(anchor);
	return st;
}

void snippet_frag_clear(snippet_frag *f)
{
	if (f == NULL)
		return;
	free(f->text);
	free(f->hl);
	memset(f, 0, sizeof *f);
}

void snippet_free(snippet_frag *f, size_t n)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		snippet_frag_clear(&f[i]);
	free(f);
}

lede_status snippet_make(snippet_frag **out, size_t *out_n, analyzer *a,
			 const char *text, size_t len, const qnode *q,
			 snippet_idf_fn idf, void *idf_ctx,
			 const snippet_opts *o)
{
	return snippet_make_cached(out, out_n, a, text, len, q, idf, idf_ctx,
				   o, NULL);
}

lede_status snippet_make_cached(snippet_frag **out, size_t *out_n,
				analyzer *a, const char *text, size_t len,
				const qnode *q, snippet_idf_fn idf,
				void *idf_ctx, const snippet_opts *o,
				snippet_cache *sc)
{
	sctx c;
	unsigned nfrags = o && o->nfrags ? o->nfrags : SNIPPET_DEFAULT_FRAGS;
	size_t chars =
	    o && o->frag_chars ? o->frag_chars : SNIPPET_DEFAULT_CHARS;
	cand chosen[SNIPPET_MAX_FRAGS];
	size_t nchosen = 0, nhr = 0;
	range *hr = NULL;
	snippet_frag *v = NULL;
	lede_status st;

	*out = NULL;
	*out_n = 0;
	if (text == NULL || len == 0 || !has_text(text, 0, len))
		return LEDE_OK;
	if (nfrags > SNIPPET_MAX_FRAGS)
		nfrags = SNIPPET_MAX_FRAGS;
	if (chars < SNIPPET_MIN_CHARS)
		chars = SNIPPET_MIN_CHARS;
	if (chars > SNIPPET_MAX_CHARS)
		chars = SNIPPET_MAX_CHARS;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.text = text;
	c.len = len;
	st = match(&c, q, 0, idf, idf_ctx, sc);
	if (st == LEDE_OK)
		st = choose(&c, nfrags, chars, chosen, &nchosen);
	if (st == LEDE_OK)
		st = merge_ranges(&hr, &nhr, &c);
	if (st != LEDE_OK)
		goto out;
	if (nchosen == 0) {
		chosen[0] = lead_cand(&c, chars * nfrags);
		nchosen = 1;
		nhr = 0;
	}
	v = calloc(nchosen, sizeof *v);
	if (v == NULL) {
		st = LEDE_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < nchosen; i++) {
		st = clean_fragment(&v[i], text, len, chosen[i].s, chosen[i].e,
				    hr, nhr);
		if (st != LEDE_OK) {
			snippet_free(v, nchosen);
			v = NULL;
			goto out;
		}
		v[i].cut_before = has_text(text, 0, chosen[i].s);
		v[i].cut_after = has_text(text, chosen[i].e, len);
		v[i].src_start = chosen[i].s;
		v[i].src_end = chosen[i].e;
	}
	*out = v;
	*out_n = nchosen;
out:
	free(hr);
	sctx_free(&c, sc);
	return st;
}

lede_status snippet_highlight_all(snippet_frag *out, analyzer *a,
				  const char *text, size_t len, const qnode *q)
{
	return snippet_highlight_all_cached(out, a, text, len, q, NULL);
}

lede_status snippet_highlight_all_cached(snippet_frag *out, analyzer *a,
					 const char *text, size_t len,
					 const qnode *q, snippet_cache *sc)
{
	sctx c;
	range *hr = NULL;
	size_t nhr = 0;
	lede_status st;

	memset(out, 0, sizeof *out);
	if (text == NULL)
		len = 0;
	memset(&c, 0, sizeof c);
	c.a = a;
	c.text = text ? text : "";
	c.len = len;
	st = len ? match(&c, q, 1, NULL, NULL, sc) : LEDE_OK;
	if (st == LEDE_OK)
		st = merge_ranges(&hr, &nhr, &c);
	if (st == LEDE_OK)
		st = clean_fragment(out, c.text, len, 0, len, hr, nhr);
	if (st == LEDE_OK)
		out->src_end = len;
	free(hr);
	sctx_free(&c, sc);
	return st;
}
