/*
 * examples/search.c - embed lede: create an index (in the directory given,
 * else in a new temporary one, which it names), add three articles,
 * search, print the hits with highlighted snippets. Build against an
 * installed lede:
 *
 *   cc search.c $(pkg-config --cflags --libs liblede) -o search
 *   ./search /tmp/example-index
 */
#include <lede.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_fragment(const lede_fragment *f)
{
	size_t at = 0;

	for (size_t k = 0; k < f->nhighlights; k++) {
		size_t s = f->highlights[2 * k], e = f->highlights[2 * k + 1];
		printf("%.*s[%.*s]", (int)(s - at), f->text + at, (int)(e - s),
		       f->text + s);
		at = e;
	}
	printf("%.*s\n", (int)(f->len - at), f->text + at);
}

int main(int argc, char **argv)
{
	static const char *bodies[] = {
		"NATO allies agreed to raise defense spending to two percent.",
		"The central bank left interest rates unchanged on Thursday.",
		"Troops were deployed after allies debated defense budgets.",
	};
	char tmp[] = "/tmp/lede-example-XXXXXX";
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmp);
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *idx = NULL;
	lede_results *res = NULL;
	char id[16];

	if (dir == NULL)
		return 1;
	oo.flags = LEDE_OPEN_CREATE;
	if (lede_index_open(&idx, dir, &oo) != LEDE_OK) {
		fprintf(stderr, "open: %s\n", lede_errmsg(idx));
		return 1;
	}
	for (int i = 0; i < 3; i++) {
		lede_article a = LEDE_ARTICLE_INIT;
		snprintf(id, sizeof id, "art-%d", i + 1);
		a.id = id;
		a.title = i == 1 ? "Rates on hold" : "Allies and defense";
		a.body = bodies[i];
		a.body_len = strlen(bodies[i]);
		if (lede_index_add(idx, &a) != LEDE_OK) {
			fprintf(stderr, "add: %s\n", lede_errmsg(idx));
			return 1;
		}
	}
	if (lede_index_commit(idx) != LEDE_OK ||
	    lede_search(&res, idx, "defense deploy", NULL) != LEDE_OK) {
		fprintf(stderr, "search: %s\n", lede_errmsg(idx));
		return 1;
	}
	for (size_t i = 0; i < lede_results_count(res); i++) {
		const lede_hit *h = lede_results_hit(res, i);
		printf("%u. %s (%.3f)\n   ", h->rank, h->article.id, h->score);
		for (size_t k = 0; k < h->nsnippets; k++)
			print_fragment(&h->snippets[k]);
	}
	lede_results_free(res);
	lede_index_close(idx);
	if (argc < 2)
		fprintf(stderr, "the index is in %s (remove it with rm -r)\n", dir);
	return 0;
}
