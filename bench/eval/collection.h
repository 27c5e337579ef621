/*
 * collection.h - readers for judged test collections, for lede-eval.
 *
 * The classic Cornell/SMART collections (CACM, CISI, Cranfield, Medline)
 * share one record format: ".I id" starts a record, ".T" title, ".W" text,
 * ".A" authors, ".B" bibliographic line, ".K" keywords, and ".N", ".X",
 * ".C" bookkeeping that is not text. Their queries use the same format,
 * and each has its own qrels layout:
 *
 *   cacm   "QID DOCID 0 0"           every line relevant
 *   cisi   "QID DOCID 0 0.000000"    every line relevant
 *   cran   "QID DOCID CODE"          CODE 1..4 relevant, -1 judged not
 *   med    "QID 0 DOCID 1"           TREC layout
 *   trec   "QID ITER DOCID GRADE"    TREC layout, with TREC <top> topics;
 *                                    grades kept (gain = grade)
 *
 * Numeric ids of the classic formats lose leading zeros ("01" = "1") so
 * queries, qrels and documents agree. Cranfield's query file numbers its
 * queries 001, 002, 004, 008, ... while its qrels number them 1..225 in
 * file order: cran queries take their ordinal position as id.
 * Relevance of the classic collections is binary: every relevant judgment
 * has grade 1 (Cranfield's codes rank 1 best, so they are not gains). TREC
 * qrels keep their grades: relevant from grade 1, nDCG gain = grade.
 */
#ifndef LEDE_EVAL_COLLECTION_H
#define LEDE_EVAL_COLLECTION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <lede.h>

#include "trec_eval.h"

typedef enum coll_format {
	COLL_CACM,
	COLL_CISI,
	COLL_CRAN,
	COLL_MED,
	COLL_TREC
} coll_format;

/* "cacm", "cisi", "cran", "med", "trec" -> *out. 0, or -1 when unknown. */
int coll_format_parse(coll_format *out, const char *name);

/* One record of a classic .I file. Fields absent from the record are "". */
typedef struct coll_record {
	const char *id;       /* .I, leading zeros dropped */
	const char *title;    /* .T, lines joined with spaces */
	const char *text;     /* .W, then .K keywords when present */
	const char *authors;  /* .A lines joined with "; " */
	const char *biblio;   /* .B, lines joined with spaces */
	size_t line;          /* line of the .I */
} coll_record;

/* Called per record; borrowed for the call. Nonzero stops the reading. */
typedef int (*coll_record_fn)(void *ctx, const coll_record *r);

/*
 * Reads a classic .I/.T/.W file, calling fn for each record in order.
 * Returns 0; -1 with a message in err (no .I before text, out of memory);
 * fn's nonzero value when it stopped the reading.
 */
int coll_read_classic(FILE *f, coll_record_fn fn, void *ctx, char *err,
                      size_t errlen);

/*
 * Indexes every record of a classic .I file into idx as a lede_article:
 * id = .I, title = .T, body = .W (+ .K), byline = .A, date = the month and
 * year (or the year) found in .B, when there is one. Records without an id
 * are skipped. *count (may be NULL) receives the number added. Returns
 * LEDE_OK or the first failing lede status, with a message in err.
 */
lede_status coll_index_classic(lede_index *idx, FILE *f, uint64_t *count,
                               char *err, size_t errlen);

/*
 * Reads a file of TREC SGML documents (<DOC> <DOCNO> ... </DOC>, gzipped or
 * not), calling fn per document with id = DOCNO, title = the first of
 * HEADLINE, HL, HEAD, TITLE, TI, H3 (lede's TREC reader's order), text =
 * <LP> and every <TEXT>, markup removed, entities decoded, white space
 * collapsed; authors and biblio "". Documents without DOCNO are skipped.
 * This is what `lede-eval export` gives the baselines; lede itself indexes
 * the files with its own TREC reader. Returns 0; -1 with err (unreadable
 * file, over 512 MiB, out of memory); fn's nonzero value.
 */
int coll_read_trec_docs(const char *path, coll_record_fn fn, void *ctx,
                        char *err, size_t errlen);

/* The date a .B line names: "CACM December, 1958" -> 1958-12-01,
 * "j. ae. scs. 25, 1958, 324." -> 1958-01-01, as Unix seconds UTC;
 * LEDE_NO_DATE when it names no year from 1800 to 2099. */
int64_t coll_biblio_date(const char *biblio);

/* A query: id and text as written (see coll_bag_of_words). */
typedef struct coll_topic {
	char *qid;
	char *text;
} coll_topic;

typedef struct coll_topics {
	coll_topic *t;
	size_t n, cap;
} coll_topics;

/*
 * Reads the queries of format fmt: classic .I files (.T and .W make the
 * text), or TREC topics (<top> <num> Number: N <title> ...; the title is
 * the query, as in TREC title-only runs). *out starts zeroed; free it with
 * coll_topics_free. Returns 0 or -1 with err.
 */
int coll_read_topics(coll_topics *out, FILE *f, coll_format fmt, char *err,
                     size_t errlen);
void coll_topics_free(coll_topics *t);

/* Reads the qrels of format fmt into q and finishes it (te_qrels_finish).
 * Returns 0 or -1 with err naming the line: a malformed line, or a
 * (query, document) judged twice ("line N: query Q, document D judged
 * twice (first at line M)"). */
int coll_read_qrels(te_qrels *q, FILE *f, coll_format fmt, char *err,
                    size_t errlen);

/* A query-side stoplist: words one per line (or separated by white
 * space), compared lowercased. Opaque. */
typedef struct coll_stoplist coll_stoplist;

int coll_stoplist_read(coll_stoplist **out, FILE *f);
void coll_stoplist_free(coll_stoplist *s);
int coll_stoplist_has(const coll_stoplist *s, const char *word, size_t len);

/*
 * The query text as a plain bag of words for lede's query language:
 * ASCII letters lowercased (so "NOT", "AND", "OR", "NEAR" in the topic are
 * words, not operators) and every ASCII character other than a letter or a
 * digit turned into a space (so quotes, parentheses, '-', '*' and ':' make
 * no phrase, exclusion, prefix or field). Bytes >= 0x80 (UTF-8) are kept.
 * Words in stop (may be NULL) are dropped. Returns a malloc'd string, or
 * NULL when out of memory.
 */
char *coll_bag_of_words(const char *text, const coll_stoplist *stop);

#endif /* LEDE_EVAL_COLLECTION_H */
