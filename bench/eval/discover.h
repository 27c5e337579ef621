/*
 * discover.h - finds the judged collections in a data folder, for
 * `make eval` (lede-eval discover, --collection DIR).
 *
 * A collection is a directory. What it holds is found in this order:
 *
 *  1. A manifest, DIR/lede-eval.conf: lines "KEY VALUE", '#' comments.
 *       format trec          cacm, cisi, cran, med or trec
 *       docs docs/           a file or a directory (read recursively);
 *       topics topics.txt    each key may be repeated; paths relative
 *       qrels qrels.txt      to DIR
 *  2. One of the classic collections by its file names: cacm.all +
 *     query.text + qrels.text (cacm), CISI.ALL + CISI.QRY + CISI.REL,
 *     cran.all.1400 + cran.qry + cranqrel, MED.ALL + MED.QRY + MED.REL.
 *  3. A TREC collection by content: every file under DIR (hidden ones
 *     and files named README*, LICENSE* and lede-eval.conf skipped) whose
 *     first 64 KiB (gunzipped) hold "<top>" is a topics file, "<DOC>" and
 *     "<DOCNO>" a documents file, and a file whose first lines are all
 *     "QID ITER DOCID GRADE" with an integer grade a qrels file. It is a
 *     collection when at least one of each was found.
 *
 * Files are listed in byte order of their paths, so runs are repeatable.
 */
#ifndef LEDE_EVAL_DISCOVER_H
#define LEDE_EVAL_DISCOVER_H

#include <stddef.h>

#include "collection.h"

/* The manifest's file name inside a collection directory. */
#define COLL_MANIFEST "lede-eval.conf"

typedef struct coll_paths {
	char **v;
	size_t n, cap;
} coll_paths;

typedef struct coll_spec {
	coll_format fmt;
	coll_paths docs, topics, qrels;
} coll_spec;

/*
 * Looks at dir as a collection. *out starts zeroed; free it with
 * coll_spec_free whatever the result. Returns 1 (a collection: *out
 * filled), 0 (not one; err says what is missing), -1 (error: unreadable
 * directory, a malformed manifest, too many files, out of memory; err).
 */
int coll_discover(coll_spec *out, const char *dir, char *err, size_t errlen);
void coll_spec_free(coll_spec *s);

/* Appends a copy of path to p. 0, or -1 when out of memory. */
int coll_paths_add(coll_paths *p, const char *path);

#endif /* LEDE_EVAL_DISCOVER_H */
