/*
 * bench_analyzer.c - throughput of the analyzer (lib/analyzer.c), the code
 * that runs over every byte lede indexes.
 *
 *   build/bench_analyzer [-n ROUNDS] [-l LANG] [-a 0|1] [-t] FILE...
 *
 * Reads every FILE into memory, then runs analyzer_run over all of them
 * ROUNDS times (default 5) with one analyzer (as the indexer does, so the
 * stem cache is warm after the first round) and prints the best round's
 * MB/s, tokens and tokens/s, plus the first (cold-cache) round, in
 * thread CPU time. -t strips
 * SGML/HTML tags and entities first, so markup does not count as text. The
 * callback only counts tokens and sums their lengths (so the work cannot be
 * optimized away), like the cheapest real consumer.
 *
 * Uses lede's internal API (lede_private.h), linked to the static library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lede_private.h"

typedef struct text {
	char *data;
	size_t len;
} text;

typedef struct counts {
	uint64_t tokens, bytes, stems;
} counts;

static int on_token(void *ctx, const token *t)
{
	counts *c = ctx;

	c->tokens++;
	c->bytes += t->term_len;
	c->stems += t->stem != NULL;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	/* Thread CPU time, not wall time: the figure should not depend on
	 * what else the machine runs (benchmarks share CI machines). */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes <...> tags and &...; entities in place (a crude filter, enough
 * to keep markup out of the measurement). */
static size_t strip_tags(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] == '<') {
			while (i < n && s[i] != '>')
				i++;
			i++;
			s[o++] = ' ';
			continue;
		}
		if (s[i] == '&') {
			size_t j = i + 1;
			while (j < n && j - i < 10 && s[j] != ';' &&
			       s[j] != ' ')
				j++;
			if (j < n && s[j] == ';') {
				i = j + 1;
				s[o++] = ' ';
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

static int read_file(const char *path, text *t)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	t->data = malloc((size_t)n + 1);
	if (t->data == NULL || fread(t->data, 1, (size_t)n, f) != (size_t)n) {
		free(t->data);
		fclose(f);
		return -1;
	}
	t->len = (size_t)n;
	fclose(f);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_analyzer [-n ROUNDS] [-l LANG] "
			"[-a 0|1] [-t] FILE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	analyzer_settings s;
	analyzer *a = NULL;
	lede_err err;
	text *texts;
	size_t ntexts = 0, total = 0;
	long rounds = 5;
	int strip = 0, i;
	double best = 0, first = 0;
	counts c = {0, 0, 0};

	memset(&s, 0, sizeof s);
	snprintf(s.lang, sizeof s.lang, "english");
	s.fold_accents = 1;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			rounds = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-l") && i + 1 < argc)
			snprintf(s.lang, sizeof s.lang, "%s", argv[++i]);
		else if (!strcmp(argv[i], "-a") && i + 1 < argc)
			s.fold_accents = (int)strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-t"))
			strip = 1;
		else
			usage();
	}
	if (i >= argc || rounds < 1)
		usage();
	texts = calloc((size_t)(argc - i), sizeof *texts);
	if (texts == NULL)
		return 1;
	for (; i < argc; i++) {
		if (read_file(argv[i], &texts[ntexts]) != 0) {
			fprintf(stderr, "bench_analyzer: cannot read %s\n",
				argv[i]);
			return 1;
		}
		if (strip)
			texts[ntexts].len =
			    strip_tags(texts[ntexts].data, texts[ntexts].len);
		total += texts[ntexts].len;
		ntexts++;
	}
	if (analyzer_new(&a, &s, &err) != LEDE_OK) {
		fprintf(stderr, "bench_analyzer: %s\n", err.msg);
		return 1;
	}
	for (long r = 0; r < rounds; r++) {
		double t0 = now(), dt;
		memset(&c, 0, sizeof c);
		for (size_t k = 0; k < ntexts; k++) {
			lede_status st =
			    analyzer_run(a, texts[k].data, texts[k].len, 0,
					 on_token, &c, NULL);
			if (st != LEDE_OK) {
				fprintf(stderr, "bench_analyzer: %s\n",
					lede_status_str(st));
				return 1;
			}
		}
		dt = now() - t0;
		if (r == 0)
			first = dt;
		if (r == 0 || dt < best)
			best = dt;
	}
	printf("%zu files, %.1f MB, lang %s, fold %d%s\n", ntexts,
	       (double)total / 1e6, s.lang, s.fold_accents,
	       strip ? ", tags stripped" : "");
	printf("tokens %llu (%llu with stem), term bytes %llu\n",
	       (unsigned long long)c.tokens, (unsigned long long)c.stems,
	       (unsigned long long)c.bytes);
	printf("first round %.1f MB/s; best of %ld: %.1f MB/s, %.2f M "
	       "tokens/s\n",
	       (double)total / 1e6 / first, rounds, (double)total / 1e6 / best,
	       (double)c.tokens / 1e6 / best);
	analyzer_free(a);
	for (size_t k = 0; k < ntexts; k++)
		free(texts[k].data);
	free(texts);
	return 0;
}
