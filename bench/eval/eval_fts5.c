/*
 * eval_fts5.c - the SQLite FTS5 baseline of `make eval`: an FTS5 table
 * with the porter tokenizer, ranked by bm25(), over the collection
 * lede-eval exported.
 *
 *   eval-fts5 DOCS.tsv TOPICS.tsv TAG > RUN
 *
 * DOCS.tsv is "id TAB title TAB body", TOPICS.tsv "qid TAB query" (the same
 * bag-of-words text lede is given). The table is
 *   CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body,
 *                                      tokenize = 'porter unicode61')
 * in memory; each query is its words, each quoted (so no word is FTS5
 * syntax), joined with OR: FTS5's default is AND, which these sentence
 * queries cannot satisfy. Ranked by bm25(d) with its defaults (k1 = 1.2,
 * b = 0.75, every column weight 1), best first; the run score is -bm25.
 * Writes the first 1000 hits of each query as TREC run lines for
 * `lede-eval score`. No stopword list: FTS5 has none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* Documents retrieved per query: the depth of MAP and recall@1000. */
#define EVAL_DEPTH 1000
/* Longest input line (a whole document on one line). */
#define MAX_LINE (1u << 20)

static int fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "eval-fts5: %s: %s\n", what,
	        db ? sqlite3_errmsg(db) : "out of memory");
	return 2;
}

/* Splits line at tabs into up to max fields, in place; strips '\n'. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	f[n++] = line;
	while (n < max) {
		char *tab = strchr(f[n - 1], '\t');

		if (tab == NULL)
			break;
		*tab = '\0';
		f[n++] = tab + 1;
	}
	return n;
}

/* The words of q as an FTS5 query: "w1" OR "w2" ... (the bag-of-words
 * text has no '"', but double it anyway as FTS5 quoting wants). Returns a
 * malloc'd string or NULL. */
static char *or_query(const char *q)
{
	size_t cap = 6 * strlen(q) + 16, len = 0;
	char *out = malloc(cap);
	const char *p = q;

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (len)
			len += (size_t)snprintf(out + len, cap - len, " OR ");
		out[len++] = '"';
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"')
				out[len++] = '"';
			out[len++] = p[i];
		}
		out[len++] = '"';
		out[len] = '\0';
		p += n;
	}
	return out;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *sel = NULL;
	FILE *docs, *topics;
	char *line = malloc(MAX_LINE);
	int rc = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: eval-fts5 DOCS.tsv TOPICS.tsv TAG\n");
		return 2;
	}
	docs = fopen(argv[1], "r");
	topics = fopen(argv[2], "r");
	if (docs == NULL || topics == NULL || line == NULL) {
		fprintf(stderr, "eval-fts5: cannot read input\n");
		return 2;
	}
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return fail(db, "open");
	if (sqlite3_exec(db,
	                 "CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, "
	                 "title, body, tokenize = 'porter unicode61');"
	                 "BEGIN;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "create");
	if (sqlite3_prepare_v2(db, "INSERT INTO d VALUES (?, ?, ?)", -1, &ins,
	                       NULL) != SQLITE_OK)
		return fail(db, "insert");
	while (fgets(line, MAX_LINE, docs) != NULL) {
		char *f[3];

		if (split_tabs(line, f, 3) != 3)
			continue;
		for (int i = 0; i < 3; i++)
			sqlite3_bind_text(ins, i + 1, f[i], -1,
			                  SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return fail(db, "insert");
		sqlite3_reset(ins);
	}
	if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, "commit");
	if (sqlite3_prepare_v2(db,
	                       "SELECT id, bm25(d) FROM d WHERE d MATCH ? "
	                       "ORDER BY bm25(d) LIMIT ?",
	                       -1, &sel, NULL) != SQLITE_OK)
		return fail(db, "select");
	while (fgets(line, MAX_LINE, topics) != NULL) {
		char *f[2];
		char *q;
		int rank = 0;

		if (split_tabs(line, f, 2) != 2 || f[1][0] == '\0')
			continue;
		q = or_query(f[1]);
		if (q == NULL)
			return fail(NULL, "query");
		sqlite3_bind_text(sel, 1, q, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(sel, 2, EVAL_DEPTH);
		while ((rc = sqlite3_step(sel)) == SQLITE_ROW)
			printf("%s Q0 %s %d %.6f %s\n", f[0],
			       (const char *)sqlite3_column_text(sel, 0),
			       ++rank, -sqlite3_column_double(sel, 1),
			       argv[3]);
		if (rc != SQLITE_DONE)
			return fail(db, f[0]);
		sqlite3_reset(sel);
		free(q);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
	fclose(docs);
	fclose(topics);
	free(line);
	return 0;
}
