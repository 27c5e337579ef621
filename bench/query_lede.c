/*
 * query_lede.c - lede's in-process query driver for `make bench`.
 *
 *   query_lede INDEX QUERIES [RAWLOG]
 *
 * Opens the index read-only once, then runs every query of QUERIES
 * (bench/queries.txt, lede's query language as is) QD_PASSES times:
 * lede_search with the defaults of lede-search (top 10 by relevance, 2
 * snippet fragments of about 160 characters per hit), and reads each hit's
 * id, title and snippet text. See qdriver.h for the output. Uses only the
 * public API.
 */
#include <lede.h>

#include "qdriver.h"

int main(int argc, char **argv)
{
	lede_index *idx = NULL;
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	qd_query *qs;
	qd_run *runs;
	int nq, nr = 0;
	size_t touched = 0;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: query_lede INDEX QUERIES [RAWLOG]\n");
		return 2;
	}
	nq = qd_load(argv[2], &qs);
	runs = calloc((size_t)nq * QD_PASSES, sizeof *runs);
	if (lede_index_open(&idx, argv[1], NULL) != LEDE_OK) {
		fprintf(stderr, "query_lede: %s: %s\n", argv[1], lede_errmsg(idx));
		lede_index_close(idx);
		return 2;
	}
	so.limit = 10;
	for (int p = 1; p <= QD_PASSES; p++) {
		for (int i = 0; i < nq; i++) {
			lede_results *res = NULL;
			double t0 = qd_now_ms();
			size_t n = 0;
			lede_status st = lede_search(&res, idx, qs[i].text, &so);

			if (st != LEDE_OK) {
				fprintf(stderr, "query_lede: %s: %s\n", qs[i].text,
				        lede_errmsg(idx));
			} else {
				n = lede_results_count(res);
				for (size_t k = 0; k < n; k++) {
					const lede_hit *h = lede_results_hit(res, k);
					touched += strlen(h->article.id);
					if (h->article.title)
						touched += strlen(h->article.title);
					for (size_t j = 0; j < h->nsnippets; j++)
						touched += h->snippets[j].len;
				}
			}
			lede_results_free(res);
			runs[nr].pass = p;
			runs[nr].q = i;
			runs[nr].hits = (unsigned)n;
			runs[nr++].ms = qd_now_ms() - t0;
		}
	}
	lede_index_close(idx);
	qd_report(runs, nr, qs, nq, argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "query_lede: %zu bytes of results read\n", touched);
	free(runs);
	free(qs);
	return 0;
}
