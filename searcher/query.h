/*
 * query.h - the lede query language: parse (query_parse.c), build a Xapian
 * query from the tree (query_build.c), and make highlighted snippets from a
 * stored body (snippet.c). Internal to liblede; the CLI reaches it through
 * include/lede.h.
 *
 * The tree (qnode) is the contract between the three: the parser turns the
 * user's string into it with the SAME analyzer the indexer used, the builder
 * maps it onto the index schema of lede_private.h, and the highlighter walks
 * its positive words, phrases and prefixes to mark the stored text.
 *
 * Grammar and precedence (tightest first), as in web search engines rather
 * than Xapian's QueryParser (where OR takes whole runs of words):
 *
 *   atom     word | word* | "phrase" | field:atom | field:(group) | (group)
 *   near     atom NEAR[/n] atom ...      one NEAR over all the operands
 *   unary    NOT unary | -atom | near    NOT toggles; a run of '-' is one minus
 *   or       unary OR unary ...          OR binds tighter than AND:
 *   and      or AND or ...                 `nato spending OR budget`
 *   query    and and ...  (implicit)       = nato AND (spending OR budget)
 *
 * The implicit operator between items is AND, or OR with opts.default_or
 * (`--any`); negated items and filters (section:, lang:, host:, date:) are
 * always ANDed in, so `--any a b -c date:2025` = (a OR b) AND NOT c within
 * 2025. Keywords are uppercase only (`or` is a word).
 */
#ifndef LEDE_QUERY_H
#define LEDE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "lede_private.h"
#include "xapian_c.h"

/* ---------------------------------------------------------------------
 * Limits of the query language. Each bounds memory, time or stack against
 * hostile or accidental input; going past one is LEDE_ERR_QUERY with a
 * message naming the limit.
 * ------------------------------------------------------------------- */
/* Longest query string: far beyond any typed query, and it bounds the work
 * (and the lexeme array) before a single term is looked at. */
#define QUERY_MAX_BYTES 16384
/* Most terms (words, phrase words, prefixes, filters) in one query: Xapian
 * slows down linearly in the number of postlists, and nobody types 1000. */
#define QUERY_MAX_TERMS 1000
/* Deepest nesting of parentheses: the parser recurses per level, so this
 * bounds its stack (and that of every walk over the tree). */
#define QUERY_MAX_DEPTH 64
/* Largest NEAR/n distance; a bigger one (or 0) is an error. Past a few
 * hundred words NEAR is just AND with a costly position check. */
#define QUERY_MAX_NEAR 1000
/* Deepest tree the parser can build: per parenthesis level at most five
 * operator nodes (the implicit AND, the --any OR, explicit AND and OR, NOT)
 * plus a phrase and its words at the bottom. Every walk over a tree may
 * recurse this deep and no deeper. */
#define QUERY_MAX_TREE_DEPTH (6 * (QUERY_MAX_DEPTH + 1) + 4)
/* NEAR without /n, as in Xapian's QueryParser. */
#define QUERY_DEFAULT_NEAR 10
/* Shortest prefix for word*, in characters: one letter would expand to a
 * large part of the vocabulary. */
#define QUERY_MIN_PREFIX_CHARS 2
/* Terms one word* may expand to before the search fails (XC_WILD_ERROR):
 * 200 covers real stems ("negotiat*") and stops "th*". */
#define QUERY_MAX_PREFIX_EXPANSION 200
/* Weight of a title match relative to a body match (OP_SCALE_WEIGHT). */
#define QUERY_DEFAULT_TITLE_WEIGHT 0.5

/* ---------------------------------------------------------------------
 * The query tree.
 * ------------------------------------------------------------------- */
typedef enum qkind {
	QN_WORD,   /* one analyzed word: term (+ stem) */
	QN_PHRASE, /* kids: QN_WORD in order, with relative positions */
	QN_NEAR,   /* kids: QN_WORD; all within window words */
	QN_PREFIX, /* term = normalized prefix (word*), stem = its stem;
		      kids: QN_WORD stems of its completions (negotiat* ->
		      "negoti") that the index holds for such words */
	QN_FILTER, /* term = a whole boolean term, prefix included */
	QN_DATE,   /* lo..hi, inclusive Unix seconds */
	QN_AND,	   /* kids; QN_NOT kids are subtracted */
	QN_OR,	   /* kids */
	QN_NOT,	   /* one kid; alone it means "all documents but" */
	QN_ALL	   /* every document */
} qkind;

/* The field a word, phrase or prefix is restricted to. */
typedef enum qfield {
	QF_TEXT = 0, /* body and title (no prefix; Z stems) */
	QF_TITLE,    /* title: -> S words, ZS stems */
	QF_BYLINE,   /* by: -> A words */
	QF_SOURCE,   /* source: -> XO words */
	QF_SECTION,  /* section: -> K boolean term */
	QF_LANG,     /* lang: -> L boolean term */
	QF_HOST,     /* host: -> H boolean term */
	QF_DATE	     /* date: -> value range on SLOT_DATE */
} qfield;

enum {
	QN_F_EXACT = 1u << 0,  /* a quoted single word. Kept from stopword
				  removal; matched by its stem all the same:
				  the index holds stems only (lib/index.c) */
	QN_F_STOP = 1u << 1,   /* a stopword of the analyzer's language: dropped
				  from bag-of-words parts; in a PHRASE or NEAR
				  skipped with its gap kept (the index holds
				  stopwords without positions) */
	QN_F_NOSPELL = 1u << 2 /* a CJK or number token: the spelling table
				  holds neither, so "did you mean" skips it */
};

typedef struct qnode {
	qkind kind;
	qfield field;
	unsigned flags; /* QN_F_* */
	char *term;	/* WORD: normalized term; PREFIX: normalized
			   prefix; FILTER: the boolean term; NUL-ended */
	size_t term_len;
	char *stem; /* WORD: stem, or NULL (CJK, numbers, lang none);
		       PREFIX: stem of the prefix when it differs */
	size_t stem_len;
	uint32_t pos;	     /* WORD in a PHRASE: position relative to the
				first word (gaps are possible in CJK runs) */
	uint32_t window;     /* NEAR: the n of NEAR/n (1..QUERY_MAX_NEAR) */
	int64_t lo, hi;	     /* DATE: INT64_MIN / INT64_MAX when open */
	size_t col;	     /* 1-based column (characters) in the query */
	size_t src, src_len; /* WORD typed by the user: its bytes in the
				query string (a split word such as non-NATO
				gives each token its own range), so "did you
				mean" can replace just that word; src_len 0
				for words the parser made up (prefix stems) */
	struct qnode **kids;
	size_t nkids;
} qnode;

typedef struct query_opts {
	int default_or; /* 1: words are ORed (--any) */
	int64_t now;	/* Unix seconds for relative dates; 0 = time(NULL) */
	int keep_stopwords; /* 1: stopwords stay in bag-of-words parts (last:
			       positional initializers name the two above) */
} query_opts;

/* Parses q[0..len) into a tree. *out is the caller's, freed with
 * qnode_free(). a analyzes every word exactly as the indexer did. o may be
 * NULL (AND, now = current time).
 * Errors (message in err, columns 1-based in characters):
 *  LEDE_ERR_QUERY  "column 1: empty query: ..."; "query too long ...";
 *                  "query has more than 1000 terms"; "column N:
 *                  parentheses nested too deeply"; "column N: bad date 'X'
 *                  (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)"; "column N:
 *                  prefix 'a*' is too short ..."; "column N: bad NEAR
 *                  distance 'NEAR/x' ..." (not 1..QUERY_MAX_NEAR);
 *                  "column N: NEAR joins words and phrases, not ..." (a
 *                  group, prefix, filter, exclusion or another operator
 *                  beside NEAR); "column N: title: has no value ..." (a
 *                  field name followed by nothing, a space or ')')
 *  LEDE_ERR_NOMEM  out of memory
 * Bad syntax is otherwise repaired: unbalanced quotes and parentheses are
 * closed, stray operators (a leading or trailing AND, OR, NOT, NEAR)
 * dropped, a run of AND and OR read as its first. */
lede_status query_parse(qnode **out, analyzer *a, const char *q, size_t len,
			const query_opts *o, lede_err *err);
void qnode_free(qnode *n); /* NULL-safe */

/* Appends a canonical S-expression of n to out, for tests and --explain:
 *   word `nato`; word with another stem `spending~spend`; quoted word
 *   `=deploy`; field `title:word`, `title:(phrase a b)`; prefix `deplo*`
 *   (with its stem and completion stems: `happy*~happi`,
 *   `negotiat*+negoti`);
 *   `(phrase non nato)`, `(near/5 a b)`, `(filter Ksports)`,
 *   `(date 2025-02-13T00:00:00Z..2025-02-13T23:59:59Z)` (open side empty),
 *   `(and ..)`, `(or ..)`, `(not x)`, `(all)`.
 * Atoms holding spaces, parentheses, quotes or control bytes are quoted
 * with "" and \ escapes. Returns out->status. */
lede_status query_describe(buf *out, const qnode *n);

/* The name of field f as a query writes it ("title" for title:, ...; ""
 * for body and title words); static. */
const char *query_field_name(qfield f);

/* 1 if n only restricts (section:, lang:, host:, date:, or AND/OR of
 * them): such parts are filters, never scored. */
int qnode_is_filter(const qnode *n);

/* Parses a date or period for date: and the CLI's --since/--until:
 * YYYY, YYYY-MM, YYYY-MM-DD (UTC) give the whole period: *lo = its first
 * second, *hi = its last second. Relative 7d, 2w, 3m, 1y (days, weeks,
 * calendar months, calendar years before now) give *lo = that instant and
 * *hi = INT64_MAX. Month and day are validated (days per month, leap
 * years). Errors: LEDE_ERR_QUERY "bad date 'X' (use ...)". */
lede_status query_parse_date(int64_t *lo, int64_t *hi, const char *s,
			     size_t len, int64_t now, lede_err *err);

/* ---------------------------------------------------------------------
 * query_build.c: tree -> Xapian query, on the schema in lede_private.h.
 * ------------------------------------------------------------------- */
typedef struct query_build_opts {
	double title_weight;	       /* <= 0: QUERY_DEFAULT_TITLE_WEIGHT */
	uint32_t max_prefix_expansion; /* 0: QUERY_MAX_PREFIX_EXPANSION */
	int stopwords_positionless;    /* the index (schema 2) holds no
					  positions for stopwords: phrases
					  skip them, keeping their gap */
	int text_positions;	       /* the index holds no positions: a
					  phrase or NEAR is the AND of its
					  words (nothing under a NOT), to be
					  checked by query_check.c */
	const xc_query *feedback;      /* or NULL: the words pseudo-
					  relevance feedback adds, weighted
					  (borrowed). ORed with the query's
					  scored part (its words, phrases,
					  NEAR, prefixes, ORs) as
					  alternatives; the filters and
					  exclusions of the whole query (of
					  a root AND) still apply. A query
					  without a scored part only ranks
					  by them (AND_MAYBE). */
	int labels;                    /* 1: name the parts of the query
					  for --explain (xc_query_label);
					  they match and weigh the same
					  either way */
} query_build_opts;

/* Builds the Xapian query for root. *out is the caller's (xc_query_free).
 * o may be NULL (defaults). A prefix expanding past max_prefix_expansion
 * fails later, in xc_search, with LEDE_ERR_QUERY: the searcher then calls
 * query_wildcard_error() for the message. Errors: LEDE_ERR_NOMEM,
 * LEDE_ERR_INVALID (NULL root), anything the binding reports. */
lede_status query_build(xc_query **out, const qnode *root,
			const query_build_opts *o, lede_err *err);

/* Replaces *inout by *inout FILTER (lo <= date <= hi), for --since/--until.
 * lo == INT64_MIN / hi == INT64_MAX leave that side open; both open leaves
 * *inout unchanged. On failure *inout is unchanged. */
lede_status query_add_date_filter(xc_query **inout, int64_t lo, int64_t hi,
				  lede_err *err);

/* The prefix of a field's word terms ("" for body and title words, "S"
 * for title:, ...), and the indexed form of a word: its stem for body and
 * title, or the word. */
const char *query_word_prefix(qfield f);
const char *query_word_key(const qnode *n, size_t *len);

/* ---------------------------------------------------------------------
 * query_check.c: phrases and NEAR checked against the stored text (an
 * index without positions; see the file's comment).
 * ------------------------------------------------------------------- */
typedef struct qcheck qcheck;
/* *out is NULL when root has no phrase or NEAR to check. root and a are
 * borrowed and must outlive the checker; err receives the messages of
 * qcheck_doc's failures. */
lede_status qcheck_new(qcheck **out, const qnode *root, analyzer *a,
		       lede_err *err);
/* For the query built with query_build_opts.feedback, whose scored part
 * an article may now match by the feedback words alone: from now on
 * qcheck_doc checks only the exclusions of the whole query (the NOT
 * parts of a root AND, or a NOT root). Returns 1 if one of them holds a
 * phrase or NEAR to check, else 0 (the search needs no checker). */
int qcheck_exclusions_only(qcheck *c);
/* *ok = 1 if the match d satisfies the whole query: its phrases and NEAR
 * on its text, the rest as Xapian would. Errors: NOMEM, CORRUPT or
 * INVALID (a record that does not decode), a read failure. */
lede_status qcheck_doc(qcheck *c, xc_docview *d, int *ok);
void qcheck_free(qcheck *c); /* NULL-safe */

/* Sets err to LEDE_ERR_QUERY "prefix 'th*' matches too many words; make it
 * longer", naming the shortest prefix of the tree (the likely culprit) —
 * for the searcher when xc_search fails with LEDE_ERR_QUERY. Returns
 * LEDE_ERR_QUERY. */
lede_status query_wildcard_error(lede_err *err, const qnode *root);

/* Called per positive word (not under NOT) of a bag of words, phrase or
 * NEAR, in query order. stem is NULL when the word has none.
 * Return nonzero to stop. term and stem are borrowed for the call. */
typedef int (*query_word_cb)(void *ctx, const char *term, size_t len,
			     const char *stem, size_t stem_len, qfield field);
/* Returns LEDE_OK, or LEDE_ERR_INTERRUPTED when cb stopped the walk. */
lede_status query_words(const qnode *root, query_word_cb cb, void *ctx);

/* ---------------------------------------------------------------------
 * snippet.c: highlighted fragments of a stored text.
 * ------------------------------------------------------------------- */
/* Most fragments per snippet, and their size bounds (characters). */
#define SNIPPET_MAX_FRAGS 16
#define SNIPPET_DEFAULT_FRAGS 2
#define SNIPPET_DEFAULT_CHARS 160
#define SNIPPET_MIN_CHARS 20
#define SNIPPET_MAX_CHARS 4096
/* A fragment is cut inside a word only when the word is longer than this
 * (a URL, a base64 blob, a hyphenated run): a shorter word at a window's
 * edge is taken whole, the window growing by at most this much. */
#define SNIPPET_LONG_WORD_CHARS 40

typedef struct snippet_frag {
	char *text; /* cleaned UTF-8: no control characters, single spaces,
		       invalid bytes as U+FFFD; NUL-terminated */
	size_t len;
	size_t *hl; /* nhl pairs start,end: byte ranges in text */
	size_t nhl;
	int cut_before; /* 1: the article has text before this fragment */
	int cut_after;	/* 1: ... after it */
	size_t src_start, src_end; /* the bytes of the original text it
				      shows (for tests: cuts are checked
				      on the original) */
} snippet_frag;

typedef struct snippet_opts {
	unsigned nfrags; /* 0: SNIPPET_DEFAULT_FRAGS; max SNIPPET_MAX_FRAGS */
	unsigned frag_chars; /* 0: SNIPPET_DEFAULT_CHARS; clamped to
				SNIPPET_MIN_CHARS..SNIPPET_MAX_CHARS */
} snippet_opts;

typedef double (*snippet_idf_fn)(void *ctx, const char *term, size_t len);

/* Chooses up to nfrags fragments of text[0..len) covering the most distinct
 * positive query items, weighted by idf(term) (NULL: all 1.0), and returns
 * them in text order. With no match: one fragment, the lead of the text
 * (about nfrags * frag_chars characters, cut at a word). Empty text: *out_n
 * = 0. *out is the caller's: snippet_free(*out, *out_n). o may be NULL.
 * q may be NULL (lead only). Errors: LEDE_ERR_NOMEM. */
lede_status snippet_make(snippet_frag **out, size_t *out_n, analyzer *a,
			 const char *text, size_t len, const qnode *q,
			 snippet_idf_fn idf, void *idf_ctx,
			 const snippet_opts *o);
/* Frees n fragments and the array. NULL-safe. */
void snippet_free(snippet_frag *f, size_t n);

/* Highlights the whole of a short field (the title) without cutting it:
 * fills *out (text, hl; cut flags 0). Body words and title: words are
 * highlighted. Free the contents with snippet_frag_clear(out). */
lede_status snippet_highlight_all(snippet_frag *out, analyzer *a,
				  const char *text, size_t len, const qnode *q);
/* Frees what *f holds and zeroes it. NULL-safe. */
void snippet_frag_clear(snippet_frag *f);

/* What snippet_make and snippet_highlight_all can keep from one hit of a
 * search to the next: the query's units, for the body and for titles, and
 * the memory of an article's matches. A cache serves one query: pass the
 * same q, idf and idf_ctx to every _cached call with it, and free it
 * before q. snippet_cache_new returns NULL on NOMEM; snippet_cache_free is
 * NULL-safe. */
typedef struct snippet_cache snippet_cache;
snippet_cache *snippet_cache_new(void);
void snippet_cache_free(snippet_cache *sc);
/* snippet_make and snippet_highlight_all with a cache (NULL: none). */
lede_status snippet_make_cached(snippet_frag **out, size_t *out_n,
				analyzer *a, const char *text, size_t len,
				const qnode *q, snippet_idf_fn idf,
				void *idf_ctx, const snippet_opts *o,
				snippet_cache *sc);
lede_status snippet_highlight_all_cached(snippet_frag *out, analyzer *a,
					 const char *text, size_t len,
					 const qnode *q, snippet_cache *sc);

/* 1 if a fragment may start or end at byte i of t[0..len) without
 * splitting a word: the text's edges, next to a space, or between CJK
 * characters (scripts written without spaces). i must be a character
 * boundary as decoding from t[0] sees it. The fuzz target and the tests
 * hold snippet_make to it. */
int snippet_is_break(const char *t, size_t len, size_t i);

#endif /* LEDE_QUERY_H */
