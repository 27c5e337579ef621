/*
 * query_fts5.c - the SQLite FTS5 peer's in-process query driver for `make
 * bench`.
 *
 *   query_fts5 DB QUERIES [RAWLOG]
 *
 * The database is fts5_load's. Each query of QUERIES becomes an FTS5 MATCH
 * expression (every word and phrase quoted, implicit AND) and, for a
 * date:YYYY-MM filter, a condition on the month column:
 *   SELECT path, title, snippet(docs, 3, '[', ']', '...', 24) FROM docs
 *   WHERE docs MATCH ?1 [AND month = ?2] ORDER BY rank LIMIT 10
 * (rank = bm25). Statements are prepared once. See qdriver.h.
 */
#include <sqlite3.h>

#include "qdriver.h"

/* The FTS5 MATCH expression: every word and phrase quoted, implicit AND. */
static void match_expr(char *out, size_t size, const qd_query *q)
{
	out[0] = '\0';
	for (int k = 0; k < q->nparts; k++)
		snprintf(out + strlen(out), size - strlen(out), "%s\"%s\"",
		         k ? " " : "", q->part[k]);
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *plain = NULL, *dated = NULL;
	qd_query *qs;
	qd_run *runs;
	int nq, nr = 0;
	size_t touched = 0;
	const char *sel = "SELECT path, title, snippet(docs, 3, '[', ']', "
	                  "'...', 24) FROM docs WHERE docs MATCH ";

	if (argc == 3 && strcmp(argv[1], "--print-sql") == 0) {
		/* For the one-process-per-query runs through the sqlite3 CLI:
		 * the same statement with the values inlined, one a line. */
		nq = qd_load(argv[2], &qs);
		for (int i = 0; i < nq; i++) {
			char match[1024];
			match_expr(match, sizeof match, &qs[i]);
			printf("%s'%s' %s%s%sORDER BY rank LIMIT 10;\n", sel, match,
			       qs[i].month[0] ? "AND month = '" : "", qs[i].month,
			       qs[i].month[0] ? "' " : "");
		}
		free(qs);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: query_fts5 DB QUERIES [RAWLOG]\n"
		                "       query_fts5 --print-sql QUERIES\n");
		return 2;
	}
	nq = qd_load(argv[2], &qs);
	runs = calloc((size_t)nq * QD_PASSES, sizeof *runs);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "query_fts5: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 2;
	}
	{
		char sql[512];
		snprintf(sql, sizeof sql, "%s?1 ORDER BY rank LIMIT 10", sel);
		if (sqlite3_prepare_v2(db, sql, -1, &plain, NULL) != SQLITE_OK)
			goto sqlfail;
		snprintf(sql, sizeof sql, "%s?1 AND month = ?2 ORDER BY rank LIMIT 10",
		         sel);
		if (sqlite3_prepare_v2(db, sql, -1, &dated, NULL) != SQLITE_OK)
			goto sqlfail;
	}
	for (int p = 1; p <= QD_PASSES; p++) {
		for (int i = 0; i < nq; i++) {
			double t0 = qd_now_ms();
			char match[1024];
			sqlite3_stmt *s = qs[i].month[0] ? dated : plain;
			unsigned n = 0;
			int rc;

			match_expr(match, sizeof match, &qs[i]);
			sqlite3_bind_text(s, 1, match, -1, SQLITE_TRANSIENT);
			if (qs[i].month[0])
				sqlite3_bind_text(s, 2, qs[i].month, -1, SQLITE_TRANSIENT);
			while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
				for (int c = 0; c < 3; c++)
					touched += (size_t)sqlite3_column_bytes(s, c);
				n++;
			}
			if (rc != SQLITE_DONE)
				fprintf(stderr, "query_fts5: %s: %s\n", match,
				        sqlite3_errmsg(db));
			sqlite3_reset(s);
			runs[nr].pass = p;
			runs[nr].q = i;
			runs[nr].hits = n;
			runs[nr++].ms = qd_now_ms() - t0;
		}
	}
	sqlite3_finalize(plain);
	sqlite3_finalize(dated);
	sqlite3_close(db);
	qd_report(runs, nr, qs, nq, argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "query_fts5: %zu bytes of results read\n", touched);
	free(runs);
	free(qs);
	return 0;
sqlfail:
	fprintf(stderr, "query_fts5: %s\n", sqlite3_errmsg(db));
	return 2;
}
