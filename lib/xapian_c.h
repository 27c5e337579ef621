/*
 * xapian_c.h - the only C view of libxapian (implemented in xapian_c.cc, the
 * project's only C++). A thin, general binding shaped around lede's verbs.
 *
 * Nothing here throws: every Xapian error becomes a lede_status plus a
 * message on the handle (or in a caller's lede_err where no handle exists).
 * Mapping: DatabaseLockError -> LOCKED, DatabaseModifiedError -> STALE,
 * DatabaseCorruptError -> CORRUPT, DatabaseVersionError -> VERSION,
 * DatabaseNotFoundError/DocNotFoundError -> NOT_FOUND, bad_alloc -> NOMEM,
 * WildcardError/QueryParserError -> QUERY, Network* -> NETWORK,
 * UnimplementedError/FeatureUnavailableError -> UNSUPPORTED,
 * InvalidArgumentError -> INVALID, other DatabaseError -> IO, rest INTERNAL.
 * Any failure of a write (upsert, delete, commit) is BATCH_LOST: glass has
 * already discarded every uncommitted change (xapian.md 6.1).
 *
 * Conventions: out-params first; text is (ptr, len); every handle is used by
 * one thread at a time; *_free(NULL) is a no-op; borrowed pointers say until
 * when they are valid.
 */
#ifndef LEDE_XAPIAN_C_H
#define LEDE_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Inside the C linkage block: lede_private.h has no guards of its own, and
 * the binding calls its C functions (err_set). */
#include "lede_private.h"

#define XC_MAX_TERM_BYTES LEDE_MAX_TERM_BYTES
/* Xapian recommends metadata keys of at most 200 bytes; longer ones are
 * accepted by set_metadata and then fail at commit (xapian.md 4.2). */
#define XC_MAX_META_KEY_BYTES 200u
#define XC_SORTABLE_MAX 9u          /* sortable_serialise_() buffer size */
#define XC_NO_SLOT 0xffffffffu      /* Xapian::BAD_VALUENO */

typedef struct xc_writer xc_writer;   /* Xapian::WritableDatabase + state */
typedef struct xc_reader xc_reader;   /* Xapian::Database over 1..n shards */
typedef struct xc_doc xc_doc;         /* a Xapian::Document being built */
typedef struct xc_query xc_query;     /* an immutable Xapian::Query */
typedef struct xc_results xc_results; /* a Xapian::MSet + fetched rows */
typedef struct xc_docview xc_docview; /* a match, for an accept callback */
typedef struct xc_stemmer xc_stemmer; /* a Xapian::Stem */

/* Term list callback; return nonzero to stop. term is borrowed for the call. */
typedef int (*xc_term_cb)(void *ctx, const char *term, size_t len,
                          uint32_t freq);

/* ---- writer ---------------------------------------------------------- */
/* Values differ from Xapian's DB_* on purpose (Xapian's 1 is OVERWRITE);
 * one switch in xapian_c.cc translates them. 0 never creates. */
enum {
	XC_OPEN_EXISTING = 0,
	XC_OPEN_CREATE_OR_OPEN = 1,
	XC_OPEN_CREATE = 2,
	XC_OPEN_OVERWRITE = 3,
	XC_OPEN_ACTION_MASK = 0xff,
	XC_OPEN_NO_SYNC = 1u << 8,
	XC_OPEN_RETRY_LOCK = 1u << 9   /* waits indefinitely: use lock_wait */
};

/* Opens the writable database at path. lock_wait_ms > 0 retries a lock
 * failure with backoff for that long; then LOCKED. */
lede_status xc_writer_open(xc_writer **out, const char *path, unsigned flags,
                           unsigned lock_wait_ms, lede_err *err);
/* Adds or replaces the document carrying the unique term uid. The binding
 * adds the uid term to doc itself (Xapian does not). doc stays the
 * caller's. */
lede_status xc_writer_upsert(uint32_t *out_docid, xc_writer *w,
                             const char *uid, size_t uid_len, xc_doc *doc);
/* Adds doc as a new document (no unique term). */
lede_status xc_writer_add(uint32_t *out_docid, xc_writer *w, xc_doc *doc);
/* Deletes every document carrying term (unique or not). */
lede_status xc_writer_delete_term(xc_writer *w, const char *term, size_t len);
/* Deletes one document by its docid (of this database: never a docid
 * seen through a multi-database reader). NOT_FOUND if there is none. */
lede_status xc_writer_delete_docid(xc_writer *w, uint32_t docid);
/* 1 in *out if some document carries term (uncommitted changes seen). */
lede_status xc_writer_term_exists(int *out, xc_writer *w, const char *term,
                                  size_t len);
/* Value of slot in the document carrying unique term uid ("" / 0 if none);
 * *out malloc'd, caller frees with xc_free. *out_found 0 if no document. */
lede_status xc_writer_get_value(char **out, size_t *out_len, int *out_found,
                                xc_writer *w, const char *uid, size_t uid_len,
                                uint32_t slot);
/* Data (the stored record) of the document carrying unique term uid, as
 * xc_writer_get_value. */
lede_status xc_writer_get_data(char **out, size_t *out_len, int *out_found,
                               xc_writer *w, const char *uid, size_t uid_len);
/* Calls cb for each term starting with prefix in the writer's view. */
lede_status xc_writer_allterms(xc_writer *w, const char *prefix, size_t len,
                               xc_term_cb cb, void *ctx);
lede_status xc_writer_doccount(uint32_t *out, xc_writer *w);
/* Calls cb(ctx, value, value_len, docid) with the value in slot of every
 * document carrying term (the writer's view, uncommitted changes seen).
 * Collected first, so cb may modify the database. */
lede_status xc_writer_term_docs(xc_writer *w, const char *term, size_t len,
                                uint32_t slot, xc_term_cb cb, void *ctx);
/* The number of documents holding term and its wdfs summed, with the
 * writes not yet committed. */
lede_status xc_writer_term_stats(uint32_t *out_docs, uint64_t *out_total,
                                 xc_writer *w, const char *term, size_t len);
lede_status xc_writer_set_meta(xc_writer *w, const char *key, size_t klen,
                               const void *val, size_t vlen); /* vlen 0 deletes */
lede_status xc_writer_get_meta(char **out, size_t *out_len, xc_writer *w,
                               const char *key, size_t klen);
/* Calls cb(ctx, key, keylen, 0) per metadata key starting with prefix;
 * collected first, so cb may call set_meta. */
lede_status xc_writer_meta_keys(xc_writer *w, const char *prefix, size_t len,
                                xc_term_cb cb, void *ctx);
/* Calls cb(ctx, key, klen, val, vlen) per metadata entry whose key starts
 * with prefix, in key order: one pass over the table's blocks, where a
 * lookup per key in another order reads a block each. Non-zero from cb
 * stops the walk (still LEDE_OK). cb must not write. */
typedef int (*xc_meta_cb)(void *ctx, const char *key, size_t klen,
                          const char *val, size_t vlen);
lede_status xc_writer_meta_each(xc_writer *w, const char *prefix, size_t len,
                                xc_meta_cb cb, void *ctx);
/* Adds inc to word's count in the spelling table ("did you mean"). Summed
 * in the writer and handed to Xapian at commit; a word the table does not
 * have yet enters it once its count reaches 2 (two documents), even over
 * several commits, and one seen once is forgotten at close. */
lede_status xc_writer_add_spelling(xc_writer *w, const char *word, size_t len,
                                   uint32_t inc);
lede_status xc_writer_commit(xc_writer *w);
/* A commit of a long run: the same, but the pending spelling words are
 * handed over only at every XC_SPELL_EVERY_COMMITS-th call (and by any
 * xc_writer_commit or close). */
lede_status xc_writer_commit_batch(xc_writer *w);
lede_status xc_writer_txn_begin(xc_writer *w, int flushed);
lede_status xc_writer_txn_commit(xc_writer *w);
lede_status xc_writer_txn_cancel(xc_writer *w);
/* Explicit commit, then close; reports errors (the destructor would swallow
 * them). The handle must still be freed. */
lede_status xc_writer_close(xc_writer *w);
void xc_writer_free(xc_writer *w);  /* NULL-safe; discards uncommitted work */
const char *xc_writer_errmsg(const xc_writer *w); /* until next call on w */

/* ---- document builder: all checks happen here, never later in Xapian ---- */
lede_status xc_doc_new(xc_doc **out);
/* Terms are refused (INVALID) when empty, holding a NUL, not valid UTF-8,
 * or over XC_MAX_TERM_BYTES: refused terms never reach Xapian. */
lede_status xc_doc_add_posting(xc_doc *d, const char *term, size_t len,
                               uint32_t pos, uint32_t wdf_inc);
lede_status xc_doc_add_term(xc_doc *d, const char *term, size_t len,
                            uint32_t wdf_inc);
lede_status xc_doc_add_boolean_term(xc_doc *d, const char *term, size_t len);
lede_status xc_doc_set_value(xc_doc *d, uint32_t slot, const void *val,
                             size_t len);
lede_status xc_doc_set_data(xc_doc *d, const void *data, size_t len);
/* Impact postings (index format 4). Every term of d with a wdf gets
 * instead its impact, round(scale * wdf / norm) and at least 1, where
 * norm = 1 - b + b * max(len / avglen, min_normlen) (as Xapian's BM25)
 * and len is the document's length; then
 * len_term is added with wdf len (the index's average length is asked of
 * it, and xc_writer_reimpact finds the document by it). BM25 with b = 0
 * and k1 * scale on the impacts ranks as BM25 with b does on the wdfs,
 * every score times the constant (scale k1 + 1) / (k1 + 1), and reads no
 * document lengths. *out_len (may be NULL) is len. Call it once, after
 * the last term. */
#define XC_IMPACT_MAX (1u << 30)
typedef struct xc_impact_opts {
	double b, avglen, min_normlen;
	unsigned scale;
	const char *len_term;
	uint32_t max_docs;      /* xc_writer_reimpact */
} xc_impact_opts;
lede_status xc_doc_set_impacts(uint32_t *out_len, xc_doc *d,
                               const xc_impact_opts *o);
/* The documents of w holding len_term, in docid order from docid from,
 * get their impacts measured again against o's avglen, at most max_docs
 * of them: *out_next is then the docid to go on from (0: all done). A
 * word's plain frequency is the number of its positions, or in a document
 * with none, its impact times the norm that the impacts' sum against the
 * length gives; a document whose frequencies found do not add up to its
 * length (over LEDE_MAX_POSITIONS words; a norm over scale) is left as it
 * is and counted in *out_inexact. *out_done counts all documents. */
lede_status xc_writer_reimpact(uint32_t *out_done, uint32_t *out_inexact,
                               uint32_t *out_next, xc_writer *w,
                               uint32_t from, const xc_impact_opts *o);
void xc_doc_clear(xc_doc *d);       /* empties it for reuse */
void xc_doc_free(xc_doc *d);
const char *xc_doc_errmsg(const xc_doc *d);

/* ---- reader ---------------------------------------------------------- */
/* Opens n paths (glass directories, single-file databases or stub files)
 * as one database. */
lede_status xc_reader_open(xc_reader **out, const char *const *paths,
                           size_t n, lede_err *err);
/* Brings the reader to the latest commit. *out_changed (may be NULL) is 1
 * if it moved. Does not re-read stub files (close and open for that). */
lede_status xc_reader_reopen(int *out_changed, xc_reader *r);
lede_status xc_reader_doccount(uint32_t *out, xc_reader *r);
lede_status xc_reader_termfreq(uint32_t *out, xc_reader *r, const char *term,
                               size_t len);
/* Metadata (from the first shard). *out malloc'd ("" if unset), xc_free. */
lede_status xc_reader_get_meta(char **out, size_t *out_len, xc_reader *r,
                               const char *key, size_t klen);
/* Spelling suggestion; *out malloc'd, "" if none; xc_free. */
lede_status xc_reader_spelling(char **out, size_t *out_len, xc_reader *r,
                               const char *word, size_t len,
                               unsigned max_edits);
lede_status xc_reader_allterms(xc_reader *r, const char *prefix, size_t len,
                               xc_term_cb cb, void *ctx);
/* Document data of the document carrying unique term uid. NOT_FOUND if none.
 * *out malloc'd, xc_free. */
lede_status xc_reader_get_data_by_term(char **out, size_t *out_len,
                                       xc_reader *r, const char *uid,
                                       size_t uid_len);
/* Pseudo-relevance feedback: Xapian's expand set (Enquire::get_eset, its
 * default TradWeight-style expansion weights) over documents docids[0..n),
 * restricted to unprefixed terms (the body's word stems: prefixed terms
 * start with an ASCII capital). cb gets up to nterms terms, best first,
 * with their expansion weights; its nonzero return stops the walk. */
typedef int (*xc_expand_cb)(void *ctx, const char *term, size_t len,
                            double weight);
lede_status xc_reader_expand(xc_reader *r, const uint32_t *docids, size_t n,
                             unsigned nterms, xc_expand_cb cb, void *ctx);
void xc_reader_free(xc_reader *r);
const char *xc_reader_errmsg(const xc_reader *r);
void xc_free(void *p);

/* ---- queries (immutable; combinators copy their inputs) ---------------- */
typedef enum xc_qop {
	XC_Q_AND,
	XC_Q_OR,
	XC_Q_AND_NOT,
	XC_Q_AND_MAYBE,
	XC_Q_FILTER,
	XC_Q_SYNONYM,
	XC_Q_MAX,
	XC_Q_ELITE_SET,
	XC_Q_PHRASE,
	XC_Q_NEAR
} xc_qop;
enum { XC_WILD_ERROR, XC_WILD_FIRST, XC_WILD_MOST_FREQUENT };

/* Queries are built without a handle; failures write err. */
lede_status xc_query_term(xc_query **out, const char *term, size_t len,
                          uint32_t wqf, uint32_t pos, lede_err *err);
lede_status xc_query_match_all(xc_query **out, lede_err *err);
lede_status xc_query_match_nothing(xc_query **out, lede_err *err);
/* param: window for PHRASE/NEAR (0 = number of subqueries), N for
 * ELITE_SET. PHRASE/NEAR accept only terms or OR-of-terms (else
 * UNSUPPORTED). */
lede_status xc_query_combine(xc_query **out, xc_qop op,
                             const xc_query *const *subs, size_t n,
                             uint32_t param, lede_err *err);
lede_status xc_query_scale(xc_query **out, double factor, const xc_query *sub,
                           lede_err *err);
/* sub under a name for xc_explain, which weighs it as one part; it
 * matches and weighs as sub. An empty label is INVALID. */
lede_status xc_query_label(xc_query **out, const xc_query *sub,
                           const char *label, size_t len, lede_err *err);
/* Value range on slot; lo NULL -> <= hi; hi NULL -> >= lo. */
lede_status xc_query_value_range(xc_query **out, uint32_t slot,
                                 const void *lo, size_t lo_len,
                                 const void *hi, size_t hi_len, lede_err *err);
/* Terms starting with prefix, at most max_expansion of them (0: all;
 * limit_mode XC_WILD_*: past the limit, XC_WILD_ERROR fails at search time
 * with QUERY, XC_WILD_FIRST keeps the first in byte order,
 * XC_WILD_MOST_FREQUENT the most frequent, ties first in byte order);
 * combiner is XC_Q_SYNONYM, XC_Q_OR or XC_Q_MAX. Expanded at search time
 * over all shards together, so the terms weigh and count as on one
 * database (Xapian's own wildcard does neither over shards). An empty
 * prefix is INVALID. */
lede_status xc_query_prefix(xc_query **out, const char *prefix, size_t len,
                            uint32_t max_expansion, int limit_mode,
                            xc_qop combiner, lede_err *err);
/* Debug description; *out malloc'd, xc_free. */
lede_status xc_query_describe(char **out, size_t *out_len, const xc_query *q);
void xc_query_free(xc_query *q);

/* ---- search ---------------------------------------------------------- */
typedef enum xc_sort {
	XC_SORT_RELEVANCE,
	XC_SORT_VALUE,
	XC_SORT_VALUE_THEN_RELEVANCE,
	XC_SORT_RELEVANCE_THEN_VALUE,
	XC_SORT_DOCID
} xc_sort;

typedef struct xc_search_opts {
	unsigned version;        /* 1 */
	uint32_t first, max_items, check_at_least;
	xc_sort sort;
	uint32_t sort_slot;
	int sort_reverse;        /* 1: descending values */
	int docid_descending;
	uint32_t collapse_slot;  /* XC_NO_SLOT = off */
	uint32_t collapse_max;
	int bool_weight;         /* 1: no ranking, pure filter */
	double k1, k2, k3, b, min_normlen; /* BM25 */
	unsigned stale_retries;  /* reopen+retry on STALE */
	uint32_t values_mask;    /* bit s: fetch value slot s of each hit
	                            (s < 32); 0: every slot. Fetching a few
	                            slots skips reading the document's whole
	                            value list (a tenth of a search) */
	int matching_terms;      /* 1: collect each hit's query terms for
	                            xc_results_matching_terms (walks every
	                            query term's posting list: costly, and
	                            very costly over remote shards) */
	int no_values;           /* 1: fetch no value slot at all */
	/* NULL: fetch every hit's data. Otherwise called once the hits and
	 * their values are in (and again for each rerun after a reopen;
	 * also when there are no hits), before any data is read: it sets
	 * want[i] = 1 for the rows whose data to fetch (want has
	 * xc_results_count(m) zeroed entries, at least one). A
	 * search that shows 10 of 200 candidates so inflates 10 records,
	 * not 200. A non-OK return fails the search with that status. */
	lede_status (*pick)(const struct xc_results *m, unsigned char *want,
	                    void *ctx);
	void *pick_ctx;
	double weight_scale;     /* hits' and terms' weights are reported
	                            times this (0: as they are) */
	/* NULL: every match counts. Otherwise it sets *ok to 0 to drop a
	 * match. For a page ranked by relevance alone it is called on the
	 * best-ranked matches in rank order until the page and one more
	 * pass (Xapian ranking more while too few do); otherwise as Xapian's
	 * match decider, on each match that scores well enough to enter the
	 * page. A non-OK return fails the search with that status. The
	 * estimate of the total is scaled by the share accepted. Not run on
	 * remote shards (the caller refuses such a search). */
	lede_status (*accept)(struct xc_docview *d, int *ok, void *ctx);
	void *accept_ctx;
} xc_search_opts;

#define XC_SEARCH_OPTS_INIT                                                   \
	{ 1, 0, 10, 0, XC_SORT_RELEVANCE, XC_NO_SLOT, 0, 0, XC_NO_SLOT, 1, 0,  \
	  1.2, 0.0, 1.0, 0.75, 0.5, 3, 0, 0, 0, NULL, NULL, 0.0, NULL, NULL }

/* Its data (the record); borrowed for the call. The data of an accepted
 * match is kept for the results, so it is read once. A failure to read
 * (IO, and *data NULL) is raised again in xc_search when the callback
 * returns, whatever it returns: a reader overtaken by a writer reopens
 * and runs the search again. */
lede_status xc_docview_data(const char **data, size_t *len, xc_docview *d);
/* Its value in slot (streamed in docid order by the match); borrowed for
 * the call, "" when none. Failures as for xc_docview_data. */
lede_status xc_docview_value(const char **val, size_t *len, xc_docview *d,
                             uint32_t slot);
/* 1 if it holds term; with prefix 1, a term starting with it (looked up
 * in the posting lists). 0 on failure, raised as for xc_docview_data. */
int xc_docview_has_term(xc_docview *d, const char *term, size_t len,
                        int prefix);

/* A pick callback that fetches no data (the caller needs docids only). */
lede_status xc_pick_none(const struct xc_results *m, unsigned char *want,
                         void *ctx);

typedef struct xc_hit {
	uint32_t docid;
	uint32_t rank;
	double weight;
	int percent;
	uint32_t collapse_count;
} xc_hit;

/* Runs q. On STALE the reader is reopened and the search retried up to
 * opts->stale_retries times. Data and values of the hits are fetched while
 * searching so later access cannot go STALE. */
lede_status xc_search(xc_results **out, xc_reader *r, const xc_query *q,
                      const xc_search_opts *opts);
size_t xc_results_count(const xc_results *m);
void xc_results_estimate(uint32_t *lower, uint32_t *est, uint32_t *upper,
                         const xc_results *m);
lede_status xc_results_hit(xc_hit *out, const xc_results *m, size_t i);
/* Borrowed until xc_results_free. INVALID for a row whose data the
 * search's pick callback left out. */
lede_status xc_results_data(const char **data, size_t *len,
                            const xc_results *m, size_t i);
lede_status xc_results_value(const char **val, size_t *len,
                             const xc_results *m, size_t i, uint32_t slot);
/* Query terms matching hit i; collected at search when the options asked
 * for them (matching_terms), else none are reported. */
lede_status xc_results_matching_terms(const xc_results *m, size_t i,
                                      xc_term_cb cb, void *ctx);
/* Term frequency of a query term in this result set (0 if the term is not
 * in the query). */
uint32_t xc_results_termfreq(const xc_results *m, const char *term, size_t len);
/* Weight of a query term in this result set (0 if not weighted). */
double xc_results_termweight(const xc_results *m, const char *term,
                             size_t len);
void xc_results_free(xc_results *m);

/* The parts of q's score for the document holding the unique term uid,
 * weighed as xc_search with opts weighs (NULL: XC_SEARCH_OPTS_INIT; its
 * weight_scale applied): cb(ctx, label, len, weight) once per part, in
 * query order; its nonzero return stops the calls. A part is a labelled
 * subquery (xc_query_label), else a term, or a prefix as "pre*". Parts
 * that score are weighed apart: those under AND, PHRASE and NEAR, an OR's
 * branches, an AND_MAYBE's sides, the left side of AND_NOT and FILTER, as
 * scaled above them (nothing scaled by 0), each counted only when the
 * branches above it match the document, as the match counts them; so for
 * a document q matches the weights add up to its score. A part that does
 * not count gets 0. Each part is a search of its own (a page of hits with
 * twenty parts runs 200): meant for explaining, not ranking. A reader
 * overtaken by a writer is reopened and the parts weighed again. */
typedef int (*xc_explain_cb)(void *ctx, const char *label, size_t len,
                             double weight);
lede_status xc_explain(xc_reader *r, const xc_query *q,
                       const xc_search_opts *opts, const char *uid,
                       size_t uid_len, xc_explain_cb cb, void *ctx);

/* ---- stemming, values -------------------------------------------------- */
/* Unknown language: INVALID with the list in err. */
lede_status xc_stemmer_new(xc_stemmer **out, const char *lang, lede_err *err);
/* Stems word into buf (cap bytes). If cap is too small returns TOO_BIG and
 * *out_len = needed. */
lede_status xc_stem(char *buf, size_t cap, size_t *out_len, xc_stemmer *s,
                    const char *word, size_t len);
void xc_stemmer_free(xc_stemmer *s);
const char *xc_stem_languages(void); /* static, space-separated */
/* Xapian::Stem::get_available_languages() as the linked library reports it,
 * to check xc_stem_languages() against (tests). *out malloc'd, xc_free. */
lede_status xc_stem_languages_live(char **out, size_t *out_len);
size_t xc_sortable_serialise(char out[XC_SORTABLE_MAX], double v);
double xc_sortable_unserialise(const char *p, size_t len);

/* ---- maintenance ------------------------------------------------------- */
enum {
	XC_COMPACT_NO_RENUMBER = 1,
	XC_COMPACT_MULTIPASS = 2,
	XC_COMPACT_SINGLE_FILE = 4
};
/* Compacts n sources into dst (Compactor::FULL; never FULLER on 1.4). */
lede_status xc_compact(const char *const *src, size_t n, const char *dst,
                       unsigned flags, lede_err *err);
/* Checks a database; *out_errors receives the error count. */
lede_status xc_check(size_t *out_errors, const char *path, lede_err *err);

/* Test-only fault injection: when n > 0, the n-th following upsert on w
 * fails inside Xapian as a disk error would (Xapian cancels the batch). */
void xc_writer_test_fail_after(xc_writer *w, unsigned n);

#ifdef __cplusplus
}
#endif
#endif /* LEDE_XAPIAN_C_H */
